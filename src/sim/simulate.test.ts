import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../test-support/fixtures.js';
import { at, deployment, nodeGroup, podTemplate, simInput, subnet } from '../test-support/sim-input.js';
import type { SimInput } from './model.js';
import type { SimResult } from './result.js';
import { simulate, simulateWithSnapshot } from './simulate.js';

const run = (input: SimInput, recordEvents = false): SimResult => simulate(input, bundledCatalog(), { recordEvents });

const codes = (result: SimResult) => result.findings.map((f) => f.code);

describe('a fixed node group', () => {
  // m5.large on AL2023: maxPods 29 (3 ENIs × (10 − 1) + 2), 27 pod IPs; aws-node and kube-proxy take 2 pods slots.
  const input = simInput({ nodeGroups: [nodeGroup('ng', 'm5.large', 2, ['subnet-a'])] }, [
    deployment('web', 60, podTemplate({ cpuMillis: 10, memoryMib: 16 })),
  ]);

  it('runs 27 pods a node and leaves the rest Pending with the scheduler’s own words', () => {
    const result = run(input);
    const web = result.workloads.find((w) => w.name === 'web');
    expect(web).toMatchObject({ desired: 60, running: 54, pending: 6, containerCreating: 0 });
    expect(web?.reasons).toEqual({ FailedScheduling: 6 });
    expect(Object.keys(web?.messages ?? {})).toEqual(['0/2 nodes are available: 2 Too many pods.']);
    expect(result.pods).toEqual({ running: 58, pending: 6, containerCreating: 0, total: 64 });
    expect(result.nodes).toMatchObject({ launched: 0, atEnd: 2, byType: { 'm5.large': 2 } });
    expect(codes(result)).toContain('PODS_PENDING');
    expect(codes(result)).not.toContain('PODS_STUCK_NO_IP');
  });

  it('holds every node’s 30 addresses in the subnet once the pods run', () => {
    const result = run(input);
    // Each node: 3 ENIs × 10 addresses (primary + 9 secondary), all of them in use or warm.
    expect(result.subnets[0]).toMatchObject({ id: 'subnet-a', usable: 4091, used: 60, free: 4031 });
  });

  it('gives the same output for the same seed', () => {
    expect(JSON.stringify(run(input, true))).toBe(JSON.stringify(run(input, true)));
  });

  it('launches nodes when the timeline scales the group, Ready after launchSeconds', () => {
    const scaled = simInput(
      {
        nodeGroups: [nodeGroup('ng', 'm5.large', 2, ['subnet-a'])],
        timeline: [at(2, { type: 'scale-node-group', nodeGroup: 'ng', desired: 3 })],
      },
      [deployment('web', 60, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
    );
    const result = run(scaled, true);
    expect(result.nodes).toMatchObject({ launched: 1, atEnd: 3 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 60, pending: 0 });
    const ready = result.events?.filter((e) => e.reason === 'NodeReady') ?? [];
    expect(ready.map((e) => e.atMs)).toEqual([180_000]);
  });
});

describe('custom networking', () => {
  // The primary ENI carries no pod IPs: 2 ENIs × 9 = 18 pod IPs, but the kubelet still admits 29 pods.
  const input = simInput(
    {
      subnets: [subnet('subnet-nodes', '10.0.0.0/24'), subnet('subnet-pods', '100.64.0.0/20')],
      vpcCniEnv: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
      eniConfigs: new Map([['us-west-2a', 'subnet-pods']]),
      nodeGroups: [nodeGroup('ng', 'm5.large', 2, ['subnet-nodes'])],
    },
    [deployment('web', 60, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
  );

  it('leaves 9 pods a node in ContainerCreating without an IP', () => {
    const result = run(input);
    const web = result.workloads.find((w) => w.name === 'web');
    expect(web).toMatchObject({ running: 36, containerCreating: 18, pending: 6 });
    expect(web?.reasons).toEqual({ FailedCreatePodSandBox: 18, FailedScheduling: 6 });
    expect(codes(result)).toEqual(expect.arrayContaining(['PODS_STUCK_NO_IP', 'MAX_PODS_EXCEEDS_POD_IPS']));
    const stuck = result.findings.find((f) => f.code === 'PODS_STUCK_NO_IP');
    expect(stuck?.message).toContain('18 of 60 pods of Deployment default/web');
    expect(stuck?.message).toContain('maxPods 29');
    // The 18 sandbox failures outnumber the 6 Pending pods; the Pending finding still quotes the scheduler.
    const pending = result.findings.find((f) => f.code === 'PODS_PENDING');
    expect(pending?.message).toBe(
      '6 of 60 pods of Deployment default/web are Pending: 0/2 nodes are available: 2 Too many pods. ' +
        'Fix: the nodes are at their maxPods: add nodes, or raise maxPods with prefix delegation.',
    );
  });

  it('takes pod addresses from the ENIConfig subnet only', () => {
    const result = run(input);
    const [nodes, pods] = result.subnets;
    // Node subnet: each node's own address; pod subnet: 2 ENIs × 10 addresses a node.
    expect(nodes?.used).toBe(2);
    expect(pods?.used).toBe(40);
  });
});

describe('a subnet too small for the nodes it serves', () => {
  // /26: 64 − 5 = 59 usable; two m5.large nodes grown to 3 ENIs would hold 60.
  const input = simInput(
    {
      subnets: [subnet('subnet-a', '10.0.0.0/26')],
      nodeGroups: [nodeGroup('ng', 'm5.large', 2, ['subnet-a'])],
    },
    [deployment('web', 54, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
  );

  it('runs dry, and says when and how much sat idle', () => {
    const result = run(input);
    expect(codes(result)).toContain('SUBNET_EXHAUSTED');
    expect(codes(result)).toContain('PODS_STUCK_NO_IP');
    const subnetA = result.subnets[0];
    expect(subnetA?.usable).toBe(59);
    expect(subnetA?.exhaustedAtMs).not.toBeNull();
    expect((subnetA?.used ?? 0) + (subnetA?.free ?? 0)).toBe(59);
    const web = result.workloads.find((w) => w.name === 'web');
    expect((web?.running ?? 0) + (web?.containerCreating ?? 0)).toBe(54);
    expect(web?.containerCreating).toBeGreaterThan(0);
  });
});

describe('security groups for pods', () => {
  const policy = {
    namespace: 'default',
    name: 'db',
    podSelector: { matchLabels: { app: 'db' }, matchExpressions: [] },
    serviceAccountSelector: null,
  };

  it('leaves SGP pods Pending for vpc.amazonaws.com/pod-eni when ENABLE_POD_ENI is off', () => {
    const input = simInput({ nodeGroups: [nodeGroup('ng', 'm5.large', 1, ['subnet-a'])] }, [deployment('db', 2)], {
      securityGroupPolicies: [policy],
    });
    const db = run(input).workloads.find((w) => w.name === 'db');
    expect(db).toMatchObject({ pending: 2, running: 0 });
    expect(Object.keys(db?.messages ?? {})).toEqual([
      '0/1 nodes are available: 1 Insufficient vpc.amazonaws.com/pod-eni.',
    ]);
  });

  it('runs at most the branch-ENI capacity of SGP pods a node (m5.large: 9)', () => {
    const input = simInput(
      { vpcCniEnv: { ENABLE_POD_ENI: 'true' }, nodeGroups: [nodeGroup('ng', 'm5.large', 1, ['subnet-a'])] },
      [deployment('db', 12)],
      { securityGroupPolicies: [policy] },
    );
    const db = run(input).workloads.find((w) => w.name === 'db');
    expect(db).toMatchObject({ running: 9, pending: 3 });
  });
});

describe('scheduling constraints', () => {
  it('words a mix of reasons as kube-scheduler does', () => {
    const input = simInput(
      {
        nodeGroups: [
          nodeGroup('general', 'm5.large', 1, ['subnet-a'], { labels: { role: 'general' } }),
          nodeGroup('batch', 'm5.large', 1, ['subnet-a'], {
            taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
          }),
        ],
      },
      [deployment('big', 1, podTemplate({ cpuMillis: 4000 }))],
    );
    const big = run(input).workloads.find((w) => w.name === 'big');
    expect(Object.keys(big?.messages ?? {})).toEqual([
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: batch}.',
    ]);
  });
});

describe('invariants of a run', () => {
  it('never hands an address out twice and never puts a node over its allocatable', () => {
    const input = simInput(
      {
        subnets: [subnet('subnet-a', '10.0.0.0/25'), subnet('subnet-b', '10.0.1.0/25', 'us-west-2b')],
        nodeGroups: [nodeGroup('ng', 'm5.xlarge', 3, ['subnet-a', 'subnet-b'])],
        timeline: [
          at(1, {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'a' },
            replicas: 90,
          }),
          at(4, {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'a' },
            replicas: 20,
          }),
          at(5, { type: 'scale-node-group', nodeGroup: 'ng', desired: 4 }),
        ],
      },
      [deployment('a', 10, podTemplate({ cpuMillis: 100, memoryMib: 256 })), deployment('b', 40)],
    );
    const { snapshot } = simulateWithSnapshot(input, bundledCatalog(), { recordEvents: false });
    const addresses = snapshot.pods.flatMap((p) => (p.address === null ? [] : [p.address]));
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const node of snapshot.nodes) {
      expect(node.requested.cpuMillis).toBeLessThanOrEqual(node.allocatable.cpuMillis);
      expect(node.requested.memoryBytes).toBeLessThanOrEqual(node.allocatable.memoryBytes);
      expect(node.pods).toBeLessThanOrEqual(node.allocatable.pods);
    }
  });
});

describe('a node group scaled down by many nodes', () => {
  // Above 100 nodes the scheduler's start index moves from pod to pod; it must wrap on the shorter list.
  const input = simInput(
    {
      durationMs: 6 * 60_000,
      subnets: [subnet('subnet-a', '10.0.0.0/18')],
      nodeGroups: [nodeGroup('ng', 'm5.large', 110, ['subnet-a'])],
      timeline: [
        at(1, {
          type: 'scale-workload',
          target: { kind: 'Deployment', namespace: 'default', name: 'web' },
          replicas: 1500,
        }),
        at(3, { type: 'scale-node-group', nodeGroup: 'ng', desired: 5 }),
      ],
    },
    [deployment('web', 10, podTemplate({ cpuMillis: 20, memoryMib: 32 }))],
  );

  it('schedules the evicted pods on the nodes left, 27 a node', () => {
    const { result, snapshot } = simulateWithSnapshot(input, bundledCatalog(), { recordEvents: false });
    expect(result.nodes).toMatchObject({ atEnd: 5 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ desired: 1500, running: 5 * 27 });
    for (const node of snapshot.nodes) expect(node.pods).toBeLessThanOrEqual(node.allocatable.pods);
  });
});

describe('a timeline entry after the end of the run', () => {
  it('is not applied, and a note says so', () => {
    const input = simInput(
      {
        durationMs: 20 * 60_000,
        nodeGroups: [nodeGroup('ng', 'm5.large', 1, ['subnet-a'])],
        timeline: [
          at(20, { type: 'scale-node-group', nodeGroup: 'ng', desired: 2 }),
          at(50 * 60, { type: 'scale-node-group', nodeGroup: 'ng', desired: 3 }),
        ],
      },
      [],
    );
    const result = run(input);
    expect(result.nodes).toMatchObject({ launched: 1 });
    expect(result.findings.filter((f) => f.code === 'TIMELINE_AFTER_END')).toEqual([
      {
        code: 'TIMELINE_AFTER_END',
        severity: 'info',
        message:
          'spec.timeline entry at 50h (scale node group ng to 3) is after the end of the run at 20m, so it is not ' +
          'applied. Fix: make spec.duration (or --duration) at least 50h, or move the entry earlier.',
        atMs: null,
      },
    ]);
  });
});
