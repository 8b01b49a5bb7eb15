/** The size of scenario podcap simulates: pods, nodes and simulated time, each refused at the field that passes it. */
import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../test-support/fixtures.js';
import { InputError } from '../input-error.js';
import { MAX_SCENARIO_NODES, MAX_SCENARIO_PODS, MAX_SIMULATED_DURATION_MS } from './limits.js';
import { parseSimInput } from './load.js';

const options = { catalog: bundledCatalog() };

function scenario(spec = '', duration = '30m'): string {
  return `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata: { name: demo }
spec:
  duration: ${duration}
  region: us-west-2
  aws:
    subnets: [ { id: subnet-a, zone: us-west-2a, cidr: 192.168.128.0/19 } ]
${spec}`;
}

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [ { name: c } ] }
`;
}

function load(...texts: string[]) {
  return parseSimInput(
    texts.map((text, i) => ({ file: `in-${i + 1}.yaml`, text })),
    options,
  );
}

function messageOf(...texts: string[]): string {
  try {
    load(...texts);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

const PODS =
  "expected a value that keeps the scenario within 1000000 pods (podcap's limit; a Kubernetes cluster holds at most 150000)";
const NODES =
  "expected a value that keeps the scenario within 100000 nodes (podcap's limit; a Kubernetes cluster holds at most 5000)";

describe('the limits', () => {
  it('sit far above what one Kubernetes cluster holds (5,000 nodes, 150,000 pods) and last 30 days', () => {
    expect(MAX_SCENARIO_PODS).toBe(1_000_000);
    expect(MAX_SCENARIO_NODES).toBe(100_000);
    expect(MAX_SIMULATED_DURATION_MS).toBe(720 * 3_600_000);
  });
});

describe('pods', () => {
  it("refuses the int32 maximum of a Deployment's replicas, which would take gigabytes", () => {
    expect(messageOf(scenario(), deployment('web', 2_147_483_647))).toBe(
      `in-2.yaml: Deployment default/web (document 1): spec.replicas: ${PODS}, got 2147483647 (2147483647 pods in all)`,
    );
  });

  it('counts every workload: the one that passes the limit is named', () => {
    expect(messageOf(scenario(), `${deployment('a', 600_000)}---\n${deployment('b', 400_001)}`)).toBe(
      `in-2.yaml: Deployment default/b (document 2): spec.replicas: ${PODS}, got 400001 (1000001 pods in all)`,
    );
    expect(load(scenario(), `${deployment('a', 600_000)}---\n${deployment('b', 400_000)}`).workloads).toHaveLength(2);
  });

  it('counts what the timeline adds, not what it scales down to, in time order', () => {
    const timeline = `  timeline:
    - { at: 3m, scale: { deployment: web, replicas: 600000 } }
    - { at: 1m, scale: { deployment: web, replicas: 600000 } }
    - { at: 2m, scale: { deployment: web, replicas: 0 } }
`;
    expect(messageOf(scenario(timeline), deployment('web', 1))).toBe(
      `in-1.yaml: Scenario demo (document 1): spec.timeline[0].scale.replicas: ${PODS}, got 600000 (1200000 pods in all)`,
    );
    const upAndDown = timeline.replace('at: 3m', 'at: 30m').replace('at: 2m', 'at: 40m');
    expect(load(scenario(upAndDown), deployment('web', 1)).scenario.timeline).toHaveLength(3);
  });

  it("does not count a manifest's replicas that the timeline replaces at 0s", () => {
    const timeline = '  timeline:\n    - { at: 0s, scale: { deployment: web, replicas: 3 } }\n';
    expect(load(scenario(timeline), deployment('web', 2_000_000)).workloads).toHaveLength(1);
  });
});

describe('nodes', () => {
  it('refuses node groups and spec.nodes beyond the limit together', () => {
    const spec = `  nodeGroups:
    - { name: ng, instanceType: m5.large, desired: 60000, subnets: [subnet-a] }
  nodes:
    - { instanceType: m5.large, count: 40001 }
`;
    expect(messageOf(scenario(spec))).toBe(
      `in-1.yaml: Scenario demo (document 1): spec.nodes[0].count: ${NODES}, got 40001 (100001 nodes in all)`,
    );
  });

  it('refuses a timeline that grows a node group beyond it', () => {
    const spec = `  nodeGroups:
    - { name: ng, instanceType: m5.large, desired: 3, subnets: [subnet-a] }
  timeline:
    - { at: 1m, scale: { nodeGroup: ng, desired: 1000000 } }
`;
    expect(messageOf(scenario(spec))).toBe(
      `in-1.yaml: Scenario demo (document 1): spec.timeline[0].scale.desired: ${NODES}, got 1000000 (1000000 nodes in all)`,
    );
  });
});

describe('simulated time', () => {
  it('refuses a duration beyond 30 days, and reads 30 days', () => {
    expect(messageOf(scenario('', '720h1s'))).toBe(
      `in-1.yaml: Scenario demo (document 1): spec.duration: expected a duration of at most 720h (podcap's limit: 30 days), got "720h1s"`,
    );
    expect(messageOf(scenario('', '2562047h'))).toContain('spec.duration: expected a duration of at most 720h');
    expect(load(scenario('', '720h')).scenario.durationMs).toBe(MAX_SIMULATED_DURATION_MS);
  });
});
