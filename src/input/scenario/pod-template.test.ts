/**
 * Pod requests as kube-scheduler counts them (k8s.io/component-helpers/resource PodRequests) after the
 * API server's defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Pod, SetDefaults_ResourceList).
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ResourceRequests } from '../../sim/model.js';
import { computePodRequests, podSpec } from './pod-template.js';

const Mi = 1024 * 1024;

function requests(yaml: string): ResourceRequests {
  return computePodRequests(podSpec.parse(parseYaml(yaml)));
}

function requestsOf(containers: string, rest = ''): ResourceRequests {
  return requests(`containers:\n${containers}\n${rest}`);
}

describe('computePodRequests', () => {
  it('sums containers, takes the larger of that and the init peak with sidecars, then adds overhead', () => {
    const result = requests(`
containers:
  - name: app
    resources:
      requests: { cpu: 250m, memory: 256Mi }
      limits: { nvidia.com/gpu: 1, ephemeral-storage: 1Gi }
  - name: proxy
    resources:
      limits: { cpu: "0.1", memory: 64Mi }
initContainers:
  - name: init-db
    resources: { requests: { cpu: 500m, memory: 128Mi } }
  - name: log-shipper
    restartPolicy: Always
    resources: { requests: { cpu: 50m, memory: 32Mi } }
  - name: migrate
    resources: { requests: { cpu: 400m, memory: 512Mi } }
overhead: { cpu: 10m, memory: 16Mi }
`);
    // Containers and the sidecar: 250m + 100m + 50m = 400m, 256 + 64 + 32 = 352Mi.
    // Init peak: init-db 500m/128Mi; migrate with the sidecar before it 450m/544Mi → 500m, 544Mi.
    // max(400m, 500m) + 10m = 510m; max(352Mi, 544Mi) + 16Mi = 560Mi.
    expect(result).toEqual({
      cpuMillis: 510,
      memoryBytes: 560 * Mi,
      extended: new Map([['nvidia.com/gpu', 1]]),
      cpuUnset: false,
      memoryUnset: false,
    });
  });

  it('counts a sidecar once in the sum and again under every init container after it', () => {
    const result = requests(`
containers: [ { name: app, resources: { requests: { cpu: 100m } } } ]
initContainers:
  - { name: mesh, restartPolicy: Always, resources: { requests: { cpu: 300m } } }
  - { name: setup, resources: { requests: { cpu: 200m } } }
`);
    // Sum 100m + 300m = 400m; setup runs beside the sidecar: 200m + 300m = 500m.
    expect(result.cpuMillis).toBe(500);
  });

  it('takes a request from the limit when only the limit is set (SetDefaults_Pod)', () => {
    expect(requestsOf('  - { name: a, resources: { limits: { cpu: "1", memory: 1Gi } } }')).toMatchObject({
      cpuMillis: 1000,
      memoryBytes: 1024 * Mi,
      cpuUnset: false,
      memoryUnset: false,
    });
  });

  it('keeps an explicit request below its limit', () => {
    const result = requestsOf('  - { name: a, resources: { requests: { cpu: 100m }, limits: { cpu: "2" } } }');
    expect(result.cpuMillis).toBe(100);
  });

  it('marks cpu and memory unset when no container requests them', () => {
    expect(requestsOf('  - { name: a }\n  - { name: b, resources: {} }')).toEqual({
      cpuMillis: 0,
      memoryBytes: 0,
      extended: new Map(),
      cpuUnset: true,
      memoryUnset: true,
    });
  });

  it('counts an explicit zero as set, as applyNonMissing does', () => {
    expect(requestsOf('  - { name: a, resources: { requests: { cpu: "0" } } }')).toMatchObject({
      cpuMillis: 0,
      cpuUnset: false,
      memoryUnset: true,
    });
  });

  it('does not count overhead as a request the pod sets', () => {
    expect(requestsOf('  - { name: a }', 'overhead: { cpu: 250m }')).toMatchObject({ cpuMillis: 250, cpuUnset: true });
  });

  it.each([
    ['0.1', 100],
    ['1', 1000],
    ['1.5', 1500],
    ['0.5m', 1], // SetDefaults_ResourceList rounds up to milli scale
    ['100u', 1],
  ])('reads cpu %j as %d millicores', (cpu, millis) => {
    expect(requestsOf(`  - { name: a, resources: { requests: { cpu: "${cpu}" } } }`).cpuMillis).toBe(millis);
  });

  it('takes a JSON number as a quantity', () => {
    expect(requestsOf('  - { name: a, resources: { requests: { cpu: 0.25, memory: 1048576 } } }')).toMatchObject({
      cpuMillis: 250,
      memoryBytes: Mi,
    });
  });

  it('rounds each quantity to thousandths before summing and bytes up after', () => {
    // 0.5m is stored as 1m per container; 1.5 bytes as 1500m bytes, summed to 3 bytes.
    const result = requestsOf(
      '  - { name: a, resources: { requests: { cpu: 0.5m, memory: "1.5" } } }\n  - { name: b, resources: { requests: { cpu: 0.5m, memory: "1.5" } } }',
    );
    expect(result).toMatchObject({ cpuMillis: 2, memoryBytes: 3 });
  });

  it('lets pod-level requests replace the containers for cpu and memory (PodLevelResources)', () => {
    const result = requestsOf(
      '  - { name: a, resources: { requests: { cpu: 100m, memory: 64Mi, example.com/dongle: 2 } } }',
      'resources: { requests: { cpu: "2", memory: 1Gi } }',
    );
    expect(result).toEqual({
      cpuMillis: 2000,
      memoryBytes: 1024 * Mi,
      extended: new Map([['example.com/dongle', 2]]),
      cpuUnset: false,
      memoryUnset: false,
    });
  });

  it('defaults pod-level requests from pod-level limits when no container requests the resource', () => {
    const result = requestsOf(
      '  - { name: a, resources: { requests: { memory: 64Mi } } }',
      'resources: { limits: { cpu: "1", memory: 1Gi } }',
    );
    // cpu: no container requests it, so the pod-level limit; memory: the containers' 64Mi.
    expect(result).toMatchObject({ cpuMillis: 1000, memoryBytes: 64 * Mi, cpuUnset: false, memoryUnset: false });
  });

  it('sums extended resources and leaves hugepages and ephemeral storage out', () => {
    const result = requestsOf(
      [
        '  - { name: a, resources: { limits: { vpc.amazonaws.com/pod-eni: 1, hugepages-2Mi: 4Mi } } }',
        '  - { name: b, resources: { requests: { ephemeral-storage: 1Gi }, limits: { nvidia.com/gpu: 2 } } }',
      ].join('\n'),
    );
    expect(result.extended).toEqual(
      new Map([
        ['nvidia.com/gpu', 2],
        ['vpc.amazonaws.com/pod-eni', 1],
      ]),
    );
  });
});

describe('podSpec', () => {
  it.each([
    [
      'a request above its limit',
      'resources: { requests: { cpu: "2" }, limits: { cpu: "1" } }',
      'a request no greater than its limit',
    ],
    [
      'an extended request unlike its limit',
      'resources: { requests: { nvidia.com/gpu: 1 }, limits: { nvidia.com/gpu: 2 } }',
      'a request equal to its limit',
    ],
    [
      'a fractional extended resource',
      'resources: { limits: { nvidia.com/gpu: 0.5 } }',
      'a whole number for an extended resource',
    ],
    ['a negative request', 'resources: { requests: { cpu: -1 } }', 'a quantity that is not negative'],
    [
      'an unknown resource name',
      'resources: { requests: { gpu: 1 } }',
      'a resource name such as cpu, memory, ephemeral-storage or example.com/device',
    ],
  ])('refuses %s', (_, resources, message) => {
    const parsed = podSpec.safeParse(parseYaml(`containers: [ { name: a, ${resources} } ]`));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });
});
