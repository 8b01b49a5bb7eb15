/**
 * The `podcap simulate` input layer end to end: manifests plus one Scenario into a SimInput, and every
 * kind of bad input as one InputError naming file, document and field.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKarpenterVersion } from '../../core/karpenter-version.js';
import { bundledCatalog } from '../../test-support/fixtures.js';
import { InputError } from '../input-error.js';
import { loadSimInput, parseSimInput } from './load.js';
import { MAX_INPUT_FILE_BYTES } from './read-inputs.js';
import type { InputSource } from './split-documents.js';

const Mi = 1024 * 1024;
const options = { catalog: bundledCatalog() };

const SCENARIO = `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata:
  name: demo
spec:
  duration: 30m
  region: us-west-2
  aws:
    subnets:
      - { id: subnet-a, zone: us-west-2a, cidr: 192.168.128.0/19 }
      - { id: subnet-b, zone: us-west-2b, cidr: 192.168.160.0/19 }
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          resources:
            requests: { cpu: 250m, memory: 256Mi }
`;

function parse(...texts: string[]) {
  const sources: InputSource[] = texts.map((text, i) => ({ file: `input-${i + 1}.yaml`, text }));
  return parseSimInput(sources, options);
}

function errorOf(run: () => unknown): Pick<InputError, 'file' | 'fieldPath' | 'expected' | 'found'> {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) {
      const { file, fieldPath, expected, found } = error;
      return { file, fieldPath, expected, found };
    }
    throw error;
  }
  throw new Error('expected an InputError');
}

const FULL = `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata:
  name: karpenter-allocatable-loop
spec:
  duration: 30m
  seed: 7
  region: us-west-2
  aws:
    subnets:
      - id: subnet-a
        zone: us-west-2a
        cidr: 192.168.128.0/19
        tags: { karpenter.sh/discovery: demo }
      - id: subnet-pods-a
        zone: us-west-2a
        cidr: 100.64.0.0/16
      - id: subnet-b
        zone: us-west-2b
        cidr: 192.168.160.0/19
        tags: { karpenter.sh/discovery: other }
    quotas:
      onDemand: { standard: 1000 }
      spot: { standard: 96 }
    launchSeconds: 45
    observedMemory:
      m8g.large: 7948164Ki
  vpcCni:
    env:
      ENABLE_POD_ENI: "true"
      WARM_ENI_TARGET: "1"
    eniConfigs:
      us-west-2a: subnet-pods-a
  karpenter:
    version: 1.5.1
    settings:
      reservedENIs: 1
  nodeGroups:
    - name: ng-1
      instanceType: m5.xlarge
      desired: 4
      capacityType: spot
      subnets: [subnet-a, subnet-b]
      maxPods: 58
      labels: { role: general }
      taints: [ { key: dedicated, value: batch, effect: NoSchedule } ]
  nodes:
    - instanceType: m8g.large
      count: 1
      nodePool: default
      zone: us-west-2a
  addons: [aws-node, kube-proxy, coredns]
  timeline:
    - at: 20m
      delete: { deployment: default/busybox }
    - at: 10m
      scale: { deployment: busybox, replicas: 240 }
    - at: 15m
      scale: { nodeGroup: ng-1, desired: 6 }
    - at: 10m
      scale: { deployment: kube-system/coredns, replicas: 3 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: busybox
spec:
  replicas: 0
  selector: { matchLabels: { app: busybox } }
  template:
    metadata:
      labels: { app: busybox }
    spec:
      serviceAccount: legacy
      initContainers:
        - name: init
          image: busybox
          resources: { requests: { cpu: "1", memory: 64Mi } }
      containers:
        - name: busybox
          image: busybox
          resources:
            requests: { cpu: 100m, memory: 128Mi }
      overhead: { cpu: 25m, memory: 32Mi }
      tolerations:
        - { key: dedicated, value: batch, effect: NoSchedule }
        - { operator: Exists }
      nodeSelector: { kubernetes.io/arch: arm64 }
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - { key: karpenter.sh/capacity-type, operator: In, values: [spot] }
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: { matchLabels: { app: busybox } }
---
# comments only: an empty document
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec:
  replicas: 3
  podManagementPolicy: Parallel
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [ { name: db, resources: { limits: { cpu: "2", memory: 4Gi } } } ]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: monitoring }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      hostNetwork: true
      containers: [ { name: agent } ]
---
apiVersion: v1
kind: Pod
metadata: { name: debug, labels: { role: debug } }
spec:
  containers: [ { name: shell, resources: { requests: { cpu: 10m } } } ]
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: { name: default }
spec:
  template:
    metadata:
      labels: { team: platform }
    spec:
      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: default }
      requirements:
        - { key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r], minValues: 2 }
        - { key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ["5"] }
        - { key: kubernetes.io/arch, operator: Exists }
      taints: [ { key: pool, effect: NoSchedule } ]
  limits: { cpu: 1000, memory: 1000Gi }
  weight: 10
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 1m30s
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: { name: default }
spec:
  role: KarpenterNodeRole-demo
  amiSelectorTerms: [ { alias: al2023@latest } ]
  subnetSelectorTerms:
    - tags: { karpenter.sh/discovery: demo }
    - id: subnet-b
  kubelet:
    maxPods: 110
    podsPerCore: 10
    kubeReserved: { cpu: 200m, memory: 1Gi }
    systemReserved: { memory: 100Mi, ephemeral-storage: 1Gi }
    evictionHard: { memory.available: 5%, nodefs.available: 10% }
    evictionSoft: { memory.available: 500Mi }
    evictionSoftGracePeriod: { memory.available: 1m }
---
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata: { name: busybox-sg }
spec:
  podSelector: { matchLabels: { app: busybox } }
  securityGroups: { groupIds: [sg-123] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { a: b }
`;

describe('parseSimInput: a complete input', () => {
  const input = parse(FULL);

  it('reads the Scenario with its defaults and resolved references', () => {
    const version = parseKarpenterVersion('1.5.1');
    expect(version.ok).toBe(true);
    expect(input.scenario).toEqual({
      name: 'karpenter-allocatable-loop',
      durationMs: 1_800_000,
      seed: 7,
      region: 'us-west-2',
      subnets: [
        { id: 'subnet-a', zone: 'us-west-2a', cidr: '192.168.128.0/19', tags: { 'karpenter.sh/discovery': 'demo' } },
        { id: 'subnet-pods-a', zone: 'us-west-2a', cidr: '100.64.0.0/16', tags: {} },
        { id: 'subnet-b', zone: 'us-west-2b', cidr: '192.168.160.0/19', tags: { 'karpenter.sh/discovery': 'other' } },
      ],
      quotas: { onDemand: { standard: 1000 }, spot: { standard: 96 } },
      launchMs: 45_000,
      spotPriceRatio: 0.35,
      observedMemoryBytes: new Map([['m8g.large', 7_948_164 * 1024]]),
      vpcCniEnv: { ENABLE_POD_ENI: 'true', WARM_ENI_TARGET: '1' },
      eniConfigs: new Map([['us-west-2a', 'subnet-pods-a']]),
      karpenter: {
        version: version.ok ? version.value : null,
        reservedEnis: 1,
        vmMemoryOverheadPercent: 0.075,
        batchIdleDurationMs: 1_000,
        batchMaxDurationMs: 10_000,
        spotToSpotConsolidation: false,
      },
      nodeGroups: [
        {
          name: 'ng-1',
          instanceType: 'm5.xlarge',
          desired: 4,
          amiFamily: 'al2023',
          capacityType: 'spot',
          subnets: ['subnet-a', 'subnet-b'],
          maxPods: 58,
          labels: { role: 'general' },
          taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
        },
      ],
      nodes: [
        { instanceType: 'm8g.large', count: 1, nodePool: 'default', zone: 'us-west-2a', capacityType: 'on-demand' },
      ],
      addons: ['aws-node', 'kube-proxy', 'coredns'],
      timeline: [
        {
          atMs: 600_000,
          action: {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'busybox' },
            replicas: 240,
          },
        },
        {
          atMs: 600_000,
          action: {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
            replicas: 3,
          },
        },
        { atMs: 900_000, action: { type: 'scale-node-group', nodeGroup: 'ng-1', desired: 6 } },
        {
          atMs: 1_200_000,
          action: { type: 'delete-workload', target: { kind: 'Deployment', namespace: 'default', name: 'busybox' } },
        },
      ],
    });
  });

  it('reads a Deployment with its pod template, requests and API defaults', () => {
    expect(input.workloads[0]).toEqual({
      kind: 'Deployment',
      id: { kind: 'Deployment', namespace: 'default', name: 'busybox' },
      replicas: 0,
      template: {
        labels: { app: 'busybox' },
        serviceAccountName: 'legacy',
        // max(100m, 1000m) + 25m; max(128Mi, 64Mi) + 32Mi.
        requests: { cpuMillis: 1025, memoryBytes: 160 * Mi, extended: new Map(), cpuUnset: false, memoryUnset: false },
        hostNetwork: false,
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        requiredNodeAffinity: [
          {
            matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }],
            matchFields: [],
          },
        ],
        tolerations: [
          { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
          { key: '', operator: 'Exists', value: '', effect: null },
        ],
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'busybox' }, matchExpressions: [] },
            minDomains: null,
            nodeAffinityPolicy: 'Honor',
            nodeTaintsPolicy: 'Ignore',
            matchLabelKeys: [],
          },
        ],
      },
      source: { file: 'input-1.yaml', documentIndex: 1 },
    });
  });

  it('reads the other workload kinds with their defaults', () => {
    const [, statefulSet, daemonSet, pod] = input.workloads;
    expect(statefulSet).toMatchObject({
      kind: 'StatefulSet',
      id: { kind: 'StatefulSet', namespace: 'data', name: 'db' },
      replicas: 3,
      podManagementPolicy: 'Parallel',
      template: { labels: {}, serviceAccountName: 'default', requests: { cpuMillis: 2000, memoryBytes: 4096 * Mi } },
      source: { file: 'input-1.yaml', documentIndex: 3 },
    });
    expect(daemonSet).toMatchObject({
      kind: 'DaemonSet',
      id: { kind: 'DaemonSet', namespace: 'monitoring', name: 'agent' },
      template: { hostNetwork: true, requests: { cpuMillis: 0, memoryBytes: 0, cpuUnset: true, memoryUnset: true } },
    });
    expect(pod).toMatchObject({
      kind: 'Pod',
      id: { kind: 'Pod', namespace: 'default', name: 'debug' },
      template: { labels: { role: 'debug' }, requests: { cpuMillis: 10, memoryUnset: true } },
    });
    expect(input.workloads).toHaveLength(4);
  });

  it('reads the NodePool with limits in millicores and bytes', () => {
    expect(input.nodePools).toEqual([
      {
        name: 'default',
        requirements: [
          { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'], minValues: 2 },
          { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'], minValues: null },
          { key: 'kubernetes.io/arch', operator: 'Exists', values: [], minValues: null },
        ],
        nodeClass: 'default',
        taints: [{ key: 'pool', value: '', effect: 'NoSchedule' }],
        labels: { team: 'platform' },
        limits: new Map([
          ['cpu', 1_000_000],
          ['memory', 1000 * 1024 * Mi],
        ]),
        weight: 10,
        consolidationPolicy: 'WhenEmpty',
        consolidateAfterMs: 90_000,
      },
    ]);
  });

  it('reads the EC2NodeClass with its kubelet settings and the subnets it selects', () => {
    expect(input.nodeClasses).toEqual([
      {
        name: 'default',
        amiFamily: 'al2023',
        kubelet: {
          maxPods: 110,
          podsPerCore: 10,
          kubeReserved: { cpuMillis: 200, memoryBytes: 1024 * Mi },
          systemReserved: { cpuMillis: null, memoryBytes: 100 * Mi },
          evictionHard: { memoryAvailable: { kind: 'percentage', percent: 5, text: '5%' } },
          evictionSoft: { memoryAvailable: { kind: 'quantity', bytes: 500 * Mi, text: '500Mi' } },
        },
        subnetSelectorTerms: [
          { id: null, tags: { 'karpenter.sh/discovery': 'demo' } },
          { id: 'subnet-b', tags: {} },
        ],
        subnetIds: ['subnet-a', 'subnet-b'],
      },
    ]);
  });

  it('reads the SecurityGroupPolicy and lists kinds it does not model as ignored', () => {
    expect(input.securityGroupPolicies).toEqual([
      {
        namespace: 'default',
        name: 'busybox-sg',
        podSelector: { matchLabels: { app: 'busybox' }, matchExpressions: [] },
        serviceAccountSelector: null,
      },
    ]);
    expect(input.ignored).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', source: { file: 'input-1.yaml', documentIndex: 9 } },
    ]);
  });
});

describe('parseSimInput: defaults and other forms', () => {
  it('fills the Scenario defaults', () => {
    const { scenario } = parse(SCENARIO);
    expect(scenario).toMatchObject({
      seed: 1,
      quotas: { onDemand: {}, spot: {} },
      launchMs: 60_000,
      spotPriceRatio: 0.35,
      observedMemoryBytes: new Map(),
      vpcCniEnv: {},
      eniConfigs: new Map(),
      karpenter: null,
      nodeGroups: [],
      nodes: [],
      addons: [],
      timeline: [],
    });
  });

  it('defaults the node group AMI family and capacity type, and the Karpenter version and settings', () => {
    const { scenario } = parse(
      `${SCENARIO}  karpenter: {}\n  nodeGroups:\n    - { name: ng, instanceType: M5.Large, desired: 2, subnets: [subnet-b] }\n`,
    );
    expect(scenario.nodeGroups[0]).toMatchObject({
      instanceType: 'm5.large',
      amiFamily: 'al2023',
      capacityType: 'on-demand',
      maxPods: null,
    });
    expect(scenario.karpenter).toEqual({
      version: { major: 1, minor: 14, patch: 1 },
      reservedEnis: 0,
      vmMemoryOverheadPercent: 0.075,
      batchIdleDurationMs: 1_000,
      batchMaxDurationMs: 10_000,
      spotToSpotConsolidation: false,
    });
  });

  it("reads the SpotToSpotConsolidation feature gate by the Helm chart's name, and rejects gates it does not model", () => {
    const on = parse(`${SCENARIO}  karpenter: { settings: { featureGates: { spotToSpotConsolidation: true } } }\n`);
    expect(on.scenario.karpenter?.spotToSpotConsolidation).toBe(true);
    expect(() => parse(`${SCENARIO}  karpenter: { settings: { featureGates: { nodeRepair: true } } }\n`)).toThrow(
      /spec\.karpenter\.settings\.featureGates/,
    );
  });

  it('defaults a Deployment to 1 replica, and a NodePool to weight 0, WhenEmptyOrUnderutilized after 0s', () => {
    const input = parse(
      SCENARIO,
      DEPLOYMENT,
      `apiVersion: karpenter.sh/v1
kind: NodePool
metadata: { name: p }
spec:
  template:
    spec:
      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: c }
      requirements: []
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: { name: c }
spec:
  amiFamily: Bottlerocket
  amiSelectorTerms: [ { name: my-ami } ]
  subnetSelectorTerms: [ { tags: { anything: "*" } }, { id: subnet-b } ]
`,
    );
    expect(input.workloads[0]).toMatchObject({
      replicas: 1,
      template: { requests: { cpuMillis: 250, memoryBytes: 256 * Mi } },
    });
    expect(input.nodePools[0]).toMatchObject({
      weight: 0,
      consolidationPolicy: 'WhenEmptyOrUnderutilized',
      consolidateAfterMs: 0,
      limits: new Map(),
    });
    expect(input.nodeClasses[0]).toMatchObject({ amiFamily: 'bottlerocket', subnetIds: ['subnet-b'] });
  });

  it('reads consolidateAfter Never as null', () => {
    const input = parse(
      SCENARIO,
      `apiVersion: karpenter.sh/v1
kind: NodePool
metadata: { name: p }
spec:
  disruption: { consolidateAfter: Never }
  template:
    spec:
      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: c }
      requirements: []
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: { name: c }
spec:
  amiSelectorTerms: [ { alias: bottlerocket@v1.20.0 } ]
  subnetSelectorTerms: [ { id: subnet-a } ]
`,
    );
    expect(input.nodePools[0]?.consolidateAfterMs).toBeNull();
    expect(input.nodeClasses[0]?.amiFamily).toBe('bottlerocket');
  });

  it('reads JSON files', () => {
    const scenario = {
      apiVersion: 'podcap.dev/v1alpha1',
      kind: 'Scenario',
      metadata: { name: 'json' },
      spec: {
        duration: '1h',
        region: 'eu-west-1',
        aws: { subnets: [{ id: 's', zone: 'eu-west-1a', cidr: '10.0.0.0/24' }] },
      },
    };
    const input = parseSimInput([{ file: 'scenario.json', text: JSON.stringify(scenario, null, 2) }], options);
    expect(input.scenario).toMatchObject({ name: 'json', durationMs: 3_600_000, region: 'eu-west-1' });
  });

  it('unwraps a kubectl List, and a typed list whose items carry no kind', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'a' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'a' } },
            template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a' }] } },
          },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } },
      ],
    };
    const typed = {
      apiVersion: 'apps/v1',
      kind: 'DeploymentList',
      items: [
        {
          metadata: { name: 'b', namespace: 'x' },
          spec: {
            selector: { matchLabels: { app: 'b' } },
            template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'b' }] } },
          },
        },
      ],
    };
    const input = parseSimInput(
      [
        { file: 'scenario.yaml', text: SCENARIO },
        { file: 'list.json', text: JSON.stringify(list) },
        { file: 'typed.json', text: JSON.stringify(typed) },
      ],
      options,
    );
    expect(input.workloads.map((w) => [w.id, w.kind === 'Deployment' ? w.replicas : null])).toEqual([
      [{ kind: 'Deployment', namespace: 'default', name: 'a' }, 2],
      [{ kind: 'Deployment', namespace: 'x', name: 'b' }, 1],
    ]);
    expect(input.ignored).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'a', source: { file: 'list.json', documentIndex: 0 } },
    ]);
  });

  it('lists a Node or NodeClaim kind of another API group as ignored (existing-nodes.test.ts reads the real ones)', () => {
    const input = parse(
      SCENARIO,
      'apiVersion: example.com/v1\nkind: Node\nmetadata: { name: n }\n---\napiVersion: example.com/v1\nkind: NodeClaim\nmetadata: { name: c }\n',
    );
    expect(input.ignored.map((d) => `${d.kind}/${d.name}`)).toEqual(['Node/n', 'NodeClaim/c']);
    expect(input.scenario.nodes).toEqual([]);
  });

  it('keeps YAML tags as data and reads merge keys', () => {
    const input = parse(
      SCENARIO,
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, annotations: { note: !Ref Something } }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: a
          resources:
            requests: &small { cpu: 100m, memory: 64Mi }
        - name: b
          resources:
            requests: { <<: *small, cpu: 200m }
`,
    );
    expect(input.workloads[0]?.template.requests).toMatchObject({ cpuMillis: 300, memoryBytes: 128 * Mi });
  });
});

describe('parseSimInput: errors name the file, the document and the field', () => {
  it.each([
    [
      'a bad quantity',
      [SCENARIO, DEPLOYMENT.replace('cpu: 250m', 'cpu: abc')],
      {
        file: 'input-2.yaml',
        fieldPath: 'Deployment default/web (document 1): spec.template.spec.containers[0].resources.requests.cpu',
        expected: 'a Kubernetes quantity such as 250m, 512Mi or 2',
        found: '"abc"',
      },
    ],
    [
      'a document without a name',
      [SCENARIO, '---\nkind: ConfigMap\napiVersion: v1\n---\napiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {}\n'],
      {
        file: 'input-2.yaml',
        fieldPath: 'document 2: metadata.name',
        expected: 'a string (required)',
        found: 'nothing',
      },
    ],
    [
      'a label that YAML read as a boolean',
      [SCENARIO, DEPLOYMENT.replace('labels: { app: web }', 'labels: { canary: true }')],
      {
        file: 'input-2.yaml',
        fieldPath: 'Deployment default/web (document 1): spec.template.metadata.labels.canary',
        expected: 'a string (quote values such as "true" or "1" in YAML)',
        found: 'true',
      },
    ],
    [
      'an unknown Scenario field',
      [SCENARIO.replace('    subnets:', '    launchSecond: 30\n    subnets:')],
      {
        file: 'input-1.yaml',
        fieldPath: 'Scenario demo (document 1): spec.aws.launchSecond',
        expected:
          'one of the fields subnets, quotas, launchSeconds, spotPriceRatio, observedMemory (did you mean launchSeconds?)',
        found: '"launchSecond"',
      },
    ],
    [
      'an unknown field that hides a required one',
      [SCENARIO.replace('duration: 30m', 'duraton: 30m')],
      { fieldPath: 'Scenario demo (document 1): spec.duraton', found: '"duraton"' },
    ],
    [
      'a missing Scenario duration',
      [SCENARIO.replace('  duration: 30m\n', '')],
      {
        fieldPath: 'Scenario demo (document 1): spec.duration',
        expected: 'a Go duration such as 90s, 1m30s or 2h',
        found: 'nothing',
      },
    ],
    [
      'a duration without a unit',
      [SCENARIO.replace('duration: 30m', 'duration: 30')],
      {
        fieldPath: 'Scenario demo (document 1): spec.duration',
        expected: 'a Go duration such as 90s, 1m30s or 2h (with a unit)',
        found: '30',
      },
    ],
    [
      'a node group subnet that is not a Scenario subnet',
      [
        `${SCENARIO}  nodeGroups:\n    - { name: ng-1, instanceType: m5.xlarge, desired: 1, subnets: [subnet-a, subnet-x] }\n`,
      ],
      {
        fieldPath: 'Scenario demo (document 1): spec.nodeGroups[0].subnets[1]',
        expected: 'a subnet id of spec.aws.subnets (subnet-a, subnet-b)',
        found: '"subnet-x"',
      },
    ],
    [
      'an instance type the catalog does not hold',
      [`${SCENARIO}  nodeGroups:\n    - { name: ng-1, instanceType: m5.xlarg, desired: 1, subnets: [subnet-a] }\n`],
      { fieldPath: 'Scenario demo (document 1): spec.nodeGroups[0].instanceType', found: '"m5.xlarg"' },
    ],
    [
      'two node groups with one name',
      [
        `${SCENARIO}  nodeGroups:\n    - { name: ng, instanceType: m5.large, desired: 1, subnets: [subnet-a] }\n    - { name: ng, instanceType: m5.large, desired: 1, subnets: [subnet-b] }\n`,
      ],
      { fieldPath: 'Scenario demo (document 1): spec.nodeGroups[1].name', expected: 'a node group name used once' },
    ],
    [
      'an aws-node value that YAML read as a boolean',
      [`${SCENARIO}  vpcCni:\n    env: { ENABLE_PREFIX_DELEGATION: true }\n`],
      {
        fieldPath: 'Scenario demo (document 1): spec.vpcCni.env.ENABLE_PREFIX_DELEGATION',
        expected:
          'a string (quote values such as "true" or "1" in YAML), as the aws-node environment takes only strings',
        found: 'true',
      },
    ],
    [
      'an ENIConfig subnet in another zone',
      [`${SCENARIO}  vpcCni:\n    eniConfigs: { us-west-2a: subnet-b }\n`],
      {
        fieldPath: 'Scenario demo (document 1): spec.vpcCni.eniConfigs.us-west-2a',
        expected: 'a subnet in us-west-2a (subnet-a)',
        found: '"subnet-b"',
      },
    ],
    [
      'an ENIConfig for a zone without subnets',
      [`${SCENARIO}  vpcCni:\n    eniConfigs: { us-west-2c: subnet-a }\n`],
      { fieldPath: 'Scenario demo (document 1): spec.vpcCni.eniConfigs.us-west-2c', found: '"us-west-2c"' },
    ],
    [
      'a subnet CIDR AWS does not allow',
      [SCENARIO.replace('192.168.160.0/19', '192.168.160.0/29')],
      {
        fieldPath: 'Scenario demo (document 1): spec.aws.subnets[1].cidr',
        expected: 'a subnet prefix length from /16 to /28',
        found: '"192.168.160.0/29"',
      },
    ],
    [
      'overlapping subnets',
      [SCENARIO.replace('192.168.160.0/19', '192.168.130.0/24')],
      {
        fieldPath: 'Scenario demo (document 1): spec.aws.subnets[1].cidr',
        expected: 'a CIDR that does not overlap spec.aws.subnets[0] (subnet-a 192.168.128.0/19)',
      },
    ],
    [
      'a subnet id given twice',
      [SCENARIO.replace('id: subnet-b', 'id: subnet-a')],
      {
        fieldPath: 'Scenario demo (document 1): spec.aws.subnets[1].id',
        expected: 'a subnet id not used by spec.aws.subnets[0]',
      },
    ],
    [
      'a zone outside the region',
      [SCENARIO.replace('zone: us-west-2b', 'zone: us-east-1b')],
      {
        fieldPath: 'Scenario demo (document 1): spec.aws.subnets[1].zone',
        expected: 'a zone of us-west-2 such as us-west-2a',
      },
    ],
    [
      'a node zone without subnets',
      [`${SCENARIO}  nodes:\n    - { instanceType: m5.large, count: 2, zone: us-west-2c }\n`],
      {
        fieldPath: 'Scenario demo (document 1): spec.nodes[0].zone',
        expected: 'a zone of spec.aws.subnets (us-west-2a, us-west-2b)',
      },
    ],
    [
      'a node pool that no document defines',
      [`${SCENARIO}  nodes:\n    - { instanceType: m5.large, count: 2, nodePool: default }\n`],
      { fieldPath: 'Scenario demo (document 1): spec.nodes[0].nodePool', expected: 'a NodePool of the inputs (none)' },
    ],
    [
      'an observed memory of an unknown type',
      [SCENARIO.replace('    subnets:', '    observedMemory: { m9z.large: 8Gi }\n    subnets:')],
      { fieldPath: 'Scenario demo (document 1): spec.aws.observedMemory["m9z.large"]', found: '"m9z.large"' },
    ],
    [
      'an add-on EKS does not have',
      [`${SCENARIO}  addons: [aws-node, vpc-cni]\n`],
      {
        fieldPath: 'Scenario demo (document 1): spec.addons[1]',
        expected: 'one of aws-node, kube-proxy, coredns',
        found: '"vpc-cni"',
      },
    ],
    [
      'a timeline target that does not exist',
      [
        `${SCENARIO}  timeline:\n    - at: 10m\n      scale: { deployment: default/busybox, replicas: 3 }\n`,
        DEPLOYMENT,
      ],
      {
        fieldPath: 'Scenario demo (document 1): spec.timeline[0].scale.deployment',
        expected: 'a Deployment of the inputs (default/web)',
        found: '"default/busybox"',
      },
    ],
    [
      'a timeline entry with two targets',
      [`${SCENARIO}  timeline:\n    - at: 1m\n      delete: { deployment: web, pod: debug }\n`, DEPLOYMENT],
      {
        fieldPath: 'Scenario demo (document 1): spec.timeline[0].delete',
        expected: 'exactly one of deployment, statefulSet, replicaSet, daemonSet, pod',
      },
    ],
    [
      'a node group scaled with replicas',
      [`${SCENARIO}  timeline:\n    - at: 1m\n      scale: { nodeGroup: ng, replicas: 2 }\n`],
      {
        fieldPath: 'Scenario demo (document 1): spec.timeline[0].scale.desired',
        expected: 'desired (not replicas) with nodeGroup',
      },
    ],
    [
      'a timeline node group that does not exist',
      [`${SCENARIO}  timeline:\n    - at: 1m\n      scale: { nodeGroup: ng, desired: 2 }\n`],
      {
        fieldPath: 'Scenario demo (document 1): spec.timeline[0].scale.nodeGroup',
        expected: 'a node group of spec.nodeGroups (none)',
      },
    ],
    [
      'two Deployments with one name',
      [SCENARIO, DEPLOYMENT, DEPLOYMENT],
      {
        file: 'input-3.yaml',
        fieldPath: 'Deployment default/web (document 1): metadata.name',
        expected:
          'a name not used by another workload of its kind and namespace (Deployment default/web (document 1) in input-2.yaml)',
      },
    ],
    [
      'a manifest with the name of an add-on',
      [`${SCENARIO}  addons: [coredns]\n`, DEPLOYMENT.replace('name: web', 'name: coredns\n  namespace: kube-system')],
      { fieldPath: 'Deployment kube-system/coredns (document 1): metadata.name' },
    ],
    [
      'a workload in an API version podcap does not read',
      [SCENARIO, DEPLOYMENT.replace('apps/v1', 'apps/v1beta2')],
      { fieldPath: 'Deployment default/web (document 1): apiVersion', expected: '"apps/v1"', found: '"apps/v1beta2"' },
    ],
    [
      'a NodePool of karpenter.sh/v1beta1',
      [SCENARIO, 'apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: { name: old }\nspec: {}\n'],
      { fieldPath: 'NodePool old (document 1): apiVersion', expected: '"karpenter.sh/v1"' },
    ],
    [
      'a nodeClassRef to a class that no document defines',
      [
        SCENARIO,
        'apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: { name: p }\nspec:\n  template:\n    spec:\n      requirements: []\n      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: defualt }\n',
      ],
      {
        fieldPath: 'NodePool p (document 1): spec.template.spec.nodeClassRef.name',
        expected: 'an EC2NodeClass of the inputs (none)',
        found: '"defualt"',
      },
    ],
    [
      'a NodePool requirement Gt with a word',
      [
        SCENARIO,
        'apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: { name: p }\nspec:\n  template:\n    spec:\n      requirements: [ { key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: [four] } ]\n      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: c }\n',
      ],
      {
        fieldPath: 'NodePool p (document 1): spec.template.spec.requirements[0].values',
        expected: 'one whole number, 0 or more, for operator Gt',
      },
    ],
    [
      'an EC2NodeClass that selects no subnet of the Scenario',
      [
        SCENARIO,
        'apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: { name: c }\nspec:\n  amiSelectorTerms: [ { alias: al2@latest } ]\n  subnetSelectorTerms: [ { tags: { karpenter.sh/discovery: other } } ]\n',
      ],
      {
        fieldPath: 'EC2NodeClass c (document 1): spec.subnetSelectorTerms',
        expected: 'terms that select a subnet of the Scenario (subnet-a, subnet-b)',
      },
    ],
    [
      'an EC2NodeClass without an AMI family',
      [
        SCENARIO,
        'apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: { name: c }\nspec:\n  amiSelectorTerms: [ { id: ami-123 } ]\n  subnetSelectorTerms: [ { id: subnet-a } ]\n',
      ],
      {
        fieldPath: 'EC2NodeClass c (document 1): spec.amiFamily',
        expected: 'an amiFamily when no amiSelectorTerms alias is given',
      },
    ],
    [
      'an eviction threshold that does not parse',
      [
        SCENARIO,
        'apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: { name: c }\nspec:\n  amiSelectorTerms: [ { alias: al2023@latest } ]\n  subnetSelectorTerms: [ { id: subnet-a } ]\n  kubelet: { evictionHard: { memory.available: lots } }\n',
      ],
      {
        fieldPath: 'EC2NodeClass c (document 1): spec.kubelet.evictionHard["memory.available"]',
        expected: 'a percentage such as 5% or a quantity such as 100Mi',
        found: '"lots"',
      },
    ],
    [
      'a toleration with an empty key and operator Equal',
      [
        SCENARIO,
        DEPLOYMENT.replace('      containers:', '      tolerations: [ { effect: NoSchedule } ]\n      containers:'),
      ],
      {
        fieldPath: 'Deployment default/web (document 1): spec.template.spec.tolerations[0].operator',
        expected: 'operator Exists when the key is empty',
      },
    ],
    [
      'a second Scenario',
      [SCENARIO, SCENARIO.replace('name: demo', 'name: other')],
      {
        file: 'input-2.yaml',
        fieldPath: 'Scenario other (document 1): kind',
        expected: 'one Scenario in all inputs (the first is Scenario demo (document 1) in input-1.yaml)',
        found: 'a second one',
      },
    ],
    [
      'no Scenario',
      [DEPLOYMENT],
      {
        file: 'input-1.yaml',
        fieldPath: '(all documents)',
        expected: 'one podcap.dev/v1alpha1 Scenario document',
        found: 'none',
      },
    ],
    [
      'a document that is not an object',
      [SCENARIO, '- just\n- a list\n'],
      { fieldPath: 'document 1: (root)', expected: 'a Kubernetes object: a mapping with apiVersion and kind' },
    ],
    [
      'a YAML syntax error',
      [SCENARIO, 'a: 1\n---\nb: [1, 2\n'],
      { file: 'input-2.yaml', fieldPath: 'document 2', expected: 'YAML' },
    ],
    [
      'a duplicate YAML key',
      [SCENARIO, 'apiVersion: v1\nkind: Pod\nkind: Pod\n'],
      { fieldPath: 'document 1', expected: 'YAML', found: 'Map keys must be unique at line 3, column 1:' },
    ],
  ])('%s', (_, texts, expected) => {
    expect(errorOf(() => parse(...texts))).toMatchObject(expected);
  });

  it('suggests catalog names for an unknown instance type', () => {
    const error = errorOf(() =>
      parse(
        `${SCENARIO}  nodeGroups:\n    - { name: ng-1, instanceType: m5.xlarg, desired: 1, subnets: [subnet-a] }\n`,
      ),
    );
    expect(error.expected).toMatch(/^an instance type of the catalog \(did you mean .*m5\.xlarge.*\?\)$/);
  });

  it('names a list item by its index in the list', () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: {} }],
    });
    const error = errorOf(() =>
      parseSimInput(
        [
          { file: 's.yaml', text: SCENARIO },
          { file: 'l.json', text: list },
        ],
        options,
      ),
    );
    expect(error).toMatchObject({
      file: 'l.json',
      fieldPath: 'Deployment default/a (document 1, items[0]): spec.template',
    });
  });

  it('refuses JSON that does not parse', () => {
    const error = errorOf(() => parseSimInput([{ file: 'x.json', text: '{"a": ' }], options));
    expect(error).toMatchObject({ file: 'x.json', fieldPath: '(file)', expected: 'JSON' });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const error = errorOf(() => parse(SCENARIO, levels.join('\n')));
    expect(error).toEqual({
      file: 'input-2.yaml',
      fieldPath: 'document 1',
      expected: 'YAML without alias expansion beyond 50 nodes',
      found: 'aliases that expand further (refused as a resource exhaustion attack)',
    });
  });

  it('lets a document use a few aliases', () => {
    const input = parse(SCENARIO.replace('  aws:', '  aws:\n    quotas: { onDemand: &q { standard: 64 }, spot: *q }'));
    expect(input.scenario.quotas).toEqual({ onDemand: { standard: 64 }, spot: { standard: 64 } });
  });
});

describe('loadSimInput: files and folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'podcap-load-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads every YAML and JSON file of a folder, recursively, by path', () => {
    const folder = join(root, 'cluster');
    mkdirSync(join(folder, 'apps', 'web'), { recursive: true });
    mkdirSync(join(folder, '.git'));
    writeFileSync(join(folder, 'scenario.yaml'), SCENARIO);
    writeFileSync(join(folder, 'apps', 'web', 'b.yml'), DEPLOYMENT.replace('name: web', 'name: b'));
    writeFileSync(
      join(folder, 'apps', 'a.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'a' }] } }),
    );
    writeFileSync(join(folder, 'apps', 'notes.txt'), 'not a manifest');
    writeFileSync(join(folder, '.git', 'config.yaml'), 'not: read');
    const input = loadSimInput([folder], options);
    expect(input.workloads.map((w) => [w.id.name, w.source?.file])).toEqual([
      ['a', join(folder, 'apps', 'a.json')],
      ['b', join(folder, 'apps', 'web', 'b.yml')],
    ]);
    expect(input.scenario.name).toBe('demo');
  });

  it('reads files and folders in the order given, each file once', () => {
    const folder = join(root, 'mixed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'scenario.yaml'), SCENARIO);
    const extra = join(root, 'web.yaml');
    writeFileSync(extra, DEPLOYMENT);
    const input = loadSimInput([extra, folder, join(folder, 'scenario.yaml')], options);
    expect(input.workloads.map((w) => w.id.name)).toEqual(['web']);
  });

  it('refuses a path that does not exist', () => {
    const missing = join(root, 'missing.yaml');
    expect(errorOf(() => loadSimInput([missing], options))).toEqual({
      file: missing,
      fieldPath: '(path)',
      expected: 'a file or folder that exists',
      found: 'ENOENT',
    });
  });

  it('refuses a folder without inputs', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README.md'), '# nothing');
    expect(errorOf(() => loadSimInput([empty], options))).toEqual({
      file: empty,
      fieldPath: '(folder)',
      expected: 'a folder with .yaml, .yml or .json files',
      found: 'none',
    });
  });

  it('refuses a file over the size limit, reading no further than one byte past it', () => {
    const big = join(root, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`);
    expect(errorOf(() => loadSimInput([big], options))).toEqual({
      file: big,
      fieldPath: '(file)',
      expected: 'a file of at most 10 MiB',
      found: `more than ${MAX_INPUT_FILE_BYTES} bytes`,
    });
  });

  it.runIf(process.platform === 'linux')('refuses a device, whose size a stat gives as 0, without reading it', () => {
    expect(() => loadSimInput(['/dev/zero'], options)).toThrow(
      '/dev/zero: (file): expected a regular file, got a character device',
    );
  });
});
