// Karpenter in the engine: the examples reproduce their incidents number for number, and the smaller
// behaviours (consolidation, limits, cost) hold on hand-built scenarios.
import { describe, expect, it } from 'vitest';
import { loadSimInput } from '../input/scenario/load.js';
import { bundledCatalog, instanceType, Ki } from '../test-support/fixtures.js';
import {
  at,
  deployment,
  karpenterSettings,
  nodeClass,
  nodePool,
  podTemplate,
  requirement,
  simInput,
  subnet,
} from '../test-support/sim-input.js';
import type { SimInput } from './model.js';
import type { SimResult } from './result.js';
import { simulate, simulateWithSnapshot } from './simulate.js';

const LABEL_ZONE = 'topology.kubernetes.io/zone';

function runExample(name: string, recordEvents = false): SimResult {
  const input = loadSimInput([`examples/${name}`], { catalog: bundledCatalog() });
  return simulate(input, bundledCatalog(), { recordEvents });
}

function run(input: SimInput, recordEvents = true): SimResult {
  return simulate(input, bundledCatalog(), { recordEvents });
}

const codes = (r: SimResult) => r.findings.map((f) => f.code);

describe('the pod-ENI allocatable loop (Karpenter v1.5.1, RESERVED_ENIS=1)', () => {
  it('launches m8g.large after m8g.large and says why with both allocatable numbers', () => {
    const result = runExample('karpenter-pod-eni-allocatable-loop');
    const loop = result.findings.find((f) => f.code === 'RUNAWAY_SCALE_OUT');
    expect(loop?.severity).toBe('error');
    expect(loop?.message).toContain('m8g.large nodes of NodePool default');
    expect(loop?.message).toContain('7,359,364Ki memory allocatable; the kubelet reports 7,257,988Ki');
    expect(loop?.message).toContain('6,848,389Ki + DaemonSets 409,600Ki = 7,257,989Ki');
    expect(loop?.message).toContain('(11·20+255 MiB), the AMI 587,776Ki (11·29+255 MiB)');
    expect(loop?.message).toContain('upgrade Karpenter to v1.5.2 or later');
    // One launch a little over a minute: the node's 60 s boot, then a batch; more than 20 in 30 minutes.
    expect(result.nodes.launched).toBeGreaterThan(20);
    expect(result.nodes.byType).toEqual(expect.not.objectContaining({ 'm8g.xlarge': expect.anything() }));
    expect(result.pods.pending).toBe(1);
    expect(result.costUsd.totalUsd).toBeGreaterThan(0);
  });

  it('is gone with v1.5.2: Karpenter believes the kubelet and launches an m8g.xlarge', () => {
    const result = runExample('karpenter-pod-eni-allocatable-loop-fixed');
    expect(codes(result)).not.toContain('RUNAWAY_SCALE_OUT');
    expect(result.nodes.byType).toEqual({ 'm8g.xlarge': 1 });
    expect(result.nodes.launched).toBe(1);
    expect(result.workloads.find((w) => w.name === 'payments')?.running).toBe(1);
  });
});

describe('custom networking under Karpenter', () => {
  it('with RESERVED_ENIS=0 leaves pods without an IP where Karpenter cannot see them', () => {
    const result = runExample('karpenter-custom-networking-reserved-enis-0');
    const api = result.workloads.find((w) => w.name === 'api');
    // 60 pods over 3 nodes of 18 pod IPs: the scheduler spreads 20 a node, 2 a node hang.
    expect(result.nodes.byType).toEqual({ 'm5.large': 3 });
    expect(api).toMatchObject({ running: 54, containerCreating: 6, pending: 0 });
    expect(result.findings.find((f) => f.code === 'PODS_STUCK_NO_IP')?.message).toContain('reservedENIs: 1');
  });

  it('with RESERVED_ENIS=1 runs every pod on a fourth node', () => {
    const result = runExample('karpenter-custom-networking-reserved-enis-0-fixed');
    expect(result.nodes.byType).toEqual({ 'm5.large': 4 });
    expect(result.workloads.find((w) => w.name === 'api')).toMatchObject({ running: 60, containerCreating: 0 });
  });
});

describe('the Spot quota and the warm pool', () => {
  it('stops Spot at 96 vCPUs, falls back to On-Demand and runs the /21 dry', () => {
    const result = runExample('karpenter-spot-quota-and-warm-pool');
    expect(codes(result)).toEqual(
      expect.arrayContaining(['QUOTA_EXCEEDED', 'SUBNET_EXHAUSTED', 'WARM_POOL_HOLDS_ADDRESSES']),
    );
    const quota = result.findings.find((f) => f.code === 'QUOTA_EXCEEDED');
    expect(quota?.message).toContain('Spot standard vCPU quota (96 vCPUs, L-34B43A08)');
    expect(quota?.message).toContain('MaxSpotInstanceCountExceeded');
    // Six Spot c5.4xlarge at 0.35 of On-Demand, the rest On-Demand.
    const last = result.series[result.series.length - 1];
    expect(last?.quotaVcpus['spot/standard']).toBe(96);
  });

  it('fits once the quota is raised and the warm pool is sized in addresses', () => {
    const result = runExample('karpenter-spot-quota-and-warm-pool-fixed');
    expect(codes(result)).not.toContain('QUOTA_EXCEEDED');
    expect(codes(result)).not.toContain('SUBNET_EXHAUSTED');
    expect(result.pods.running).toBe(result.pods.total);
    const broken = runExample('karpenter-spot-quota-and-warm-pool');
    expect(result.costUsd.totalUsd).toBeLessThan(broken.costUsd.totalUsd / 2);
  });
});

const base = {
  karpenter: karpenterSettings(),
  addons: [] as const,
};

describe('Karpenter provisioning and disruption', () => {
  it('bills each node per second at the catalog price, spot at the ratio', () => {
    const input = simInput(
      { ...base, durationMs: 30 * 60_000 },
      [deployment('web', 1, podTemplate({ cpuMillis: 1500 }))],
      {
        nodePools: [
          nodePool('default', {
            requirements: [
              requirement('node.kubernetes.io/instance-type', 'In', ['m5.large']),
              requirement('karpenter.sh/capacity-type', 'In', ['spot']),
            ],
          }),
        ],
        nodeClasses: [nodeClass(['subnet-a'])],
      },
    );
    const result = run(input);
    const price = (instanceType('m5.large').onDemandUsdPerHour ?? 0) * 0.35;
    // Launched after the 1 s batch window, billed until 30m.
    const expected = (price * (30 * 60_000 - 1_000)) / 3_600_000;
    expect(result.costUsd.totalUsd).toBeCloseTo(expected, 4);
    expect(result.nodes.byType).toEqual({ 'm5.large': 1 });
    expect(result.events?.some((e) => e.reason === 'Launched' && e.message.includes('m5.large spot'))).toBe(true);
  });

  it('consolidates empty nodes away and still counts them as launched and billed', () => {
    const input = simInput(
      {
        ...base,
        durationMs: 20 * 60_000,
        timeline: [
          at(5, {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'web' },
            replicas: 0,
          }),
        ],
      },
      [deployment('web', 12, podTemplate({ cpuMillis: 1500 }))],
      {
        nodePools: [
          nodePool('default', { requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m5.large'])] }),
        ],
        nodeClasses: [nodeClass(['subnet-a'])],
      },
    );
    const result = run(input);
    expect(result.nodes.launched).toBe(12);
    expect(result.nodes.atEnd).toBe(0);
    const terminations = (result.events ?? []).filter((e) => e.reason === 'DisruptionTerminating');
    expect(terminations).toHaveLength(12);
    expect(terminations.every((e) => e.message === 'Disrupting Node: Empty')).toBe(true);
    // Budgets: 10% of the NodePool's nodes at a time, so the last one goes well after the first.
    expect((terminations.at(-1)?.atMs ?? 0) - (terminations[0]?.atMs ?? 0)).toBeGreaterThan(60_000);
    expect(result.costUsd.totalUsd).toBeGreaterThan(0);
  });

  it('stops at the NodePool cpu limit and says which NodePool', () => {
    const input = simInput({ ...base }, [deployment('web', 10, podTemplate({ cpuMillis: 1500 }))], {
      nodePools: [
        nodePool('capped', {
          requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m5.large'])],
          limits: new Map([['cpu', 8000]]),
        }),
      ],
      nodeClasses: [nodeClass(['subnet-a'])],
    });
    const result = run(input);
    expect(result.nodes.byType).toEqual({ 'm5.large': 4 });
    expect(result.pods.pending).toBe(6);
    expect(result.findings.find((f) => f.code === 'NODEPOOL_LIMIT_REACHED')?.message).toContain('NodePool capped');
  });

  it('uses the cold estimate for a type no node has registered yet', () => {
    // 7,200,000Ki fits the discovered m8g.large (7,257,988Ki less nothing) but not the 7.5% estimate.
    const input = simInput(
      { ...base, observedMemoryBytes: new Map([['m8g.large', Ki(7948164)]]) },
      [deployment('big', 1, podTemplate({ cpuMillis: 100, memoryMib: 7_200_000 / 1024 }))],
      {
        nodePools: [
          nodePool('default', { requirements: [requirement('karpenter.k8s.aws/instance-family', 'In', ['m8g'])] }),
        ],
        nodeClasses: [nodeClass(['subnet-a'])],
      },
    );
    expect(run(input).nodes.byType).toEqual({ 'm8g.xlarge': 1 });
  });

  it('honours hard hostname and zone spread when it packs (Karpenter topology.go)', () => {
    const spread = (topologyKey: string) =>
      podTemplate({
        cpuMillis: 100,
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: {
              matchLabels: { app: topologyKey === LABEL_ZONE ? 'zonal' : 'spread' },
              matchExpressions: [],
            },
            minDomains: null,
            nodeAffinityPolicy: 'Honor',
            nodeTaintsPolicy: 'Ignore',
            matchLabelKeys: [],
          },
        ],
      });
    const input = simInput(
      {
        ...base,
        subnets: [
          subnet('subnet-a', '10.0.0.0/22', 'us-west-2a'),
          subnet('subnet-b', '10.0.4.0/22', 'us-west-2b'),
          subnet('subnet-c', '10.0.8.0/22', 'us-west-2c'),
        ],
      },
      [deployment('spread', 4, spread('kubernetes.io/hostname')), deployment('zonal', 9, spread(LABEL_ZONE))],
      {
        nodePools: [
          nodePool('default', { requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m5.large'])] }),
        ],
        nodeClasses: [nodeClass(['subnet-a', 'subnet-b', 'subnet-c'])],
      },
    );
    const { result, snapshot } = simulateWithSnapshot(input, bundledCatalog(), { recordEvents: false });
    expect(result.pods.running).toBe(13);
    // Four hostname-spread pods on four different nodes.
    const spreadNodes = new Set(snapshot.pods.filter((p) => p.workload.endsWith('/spread')).map((p) => p.node));
    expect(spreadNodes.size).toBe(4);
    // Nine zone-spread pods, three in each zone: a node's zone is its subnet's, read from its address.
    const zoneOf = (node: string | null) => {
      const third = Number(/^ip-10-0-(\d+)-/.exec(node ?? '')?.[1] ?? -1);
      return third < 4 ? 'a' : third < 8 ? 'b' : 'c';
    };
    const perZone = new Map<string, number>();
    for (const pod of snapshot.pods.filter((p) => p.workload.endsWith('/zonal'))) {
      perZone.set(zoneOf(pod.node), (perZone.get(zoneOf(pod.node)) ?? 0) + 1);
    }
    expect(Object.fromEntries(perZone)).toEqual({ a: 3, b: 3, c: 3 });
  });
});

describe('RESERVED_ENIS at or above the ENIs of every type', () => {
  // ENILimitedPods floors the usable ENIs at 0 and counts 0 pods (karpenter-provider-aws types.go, its test
  // "should reserve ENIs when aws.reservedENIs is set and not go below 0 ENIs in max-pods calculation").
  const input = simInput(
    {
      karpenter: karpenterSettings({ reservedEnis: 64 }),
      nodes: [{ instanceType: 'm5.large', count: 1, nodePool: 'default', zone: null, capacityType: 'on-demand' }],
    },
    [deployment('web', 2, podTemplate({ cpuMillis: 100 }))],
    {
      nodePools: [
        nodePool('default', {
          requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m5.large', 'm5.xlarge'])],
        }),
      ],
      nodeClasses: [nodeClass(['subnet-a'])],
    },
  );

  it('leaves the existing node NotReady with maxPods 0, launches nothing, and says so', () => {
    const result = run(input, false);
    expect(result.nodes).toMatchObject({ launched: 0, atEnd: 1 });
    const node = result.findings.find((f) => f.code === 'NODE_LAUNCH_FAILED');
    expect(node?.message).toContain(
      'nodePool/default (m5.large): RESERVED_ENIS=64 is not below the 3 ENIs of m5.large, so Karpenter counts 0 pods',
    );
    expect(node?.message).toContain('the node stays NotReady');
    const pool = result.findings.find((f) => f.code === 'NODEPOOL_NO_PODS');
    expect(pool?.message).toContain(
      'NodePool default launches nothing: RESERVED_ENIS=64 is not below the ENIs of any of its 2 instance types (4 at most)',
    );
    // No DaemonSet pod for a node that is not Ready, so none is Pending "1 of 0".
    expect(result.workloads.find((w) => w.name === 'aws-node')).toMatchObject({ desired: 0, pending: 0 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ desired: 2, pending: 2 });
  });
});

describe('a Karpenter version outside the releases podcap models', () => {
  const withVersion = (major: number, minor: number, patch: number) =>
    run(
      simInput(
        { ...base, karpenter: karpenterSettings({ version: { major, minor, patch } }) },
        [deployment('web', 1, podTemplate({ cpuMillis: 100 }))],
        { nodePools: [nodePool('default')], nodeClasses: [nodeClass(['subnet-a'])] },
      ),
    ).findings.filter((f) => f.code === 'KARPENTER_NOT_SIMULATED');

  it('says which release it simulates instead', () => {
    expect(withVersion(9, 9, 9).map((f) => f.message)).toEqual([
      'Karpenter v9.9.9 is newer than the releases podcap models (v0.12.0 to v1.14.1): it is simulated as v1.14.1 behaves.',
    ]);
    expect(withVersion(0, 1, 0).map((f) => f.message)).toEqual([
      'Karpenter v0.1.0 is older than the releases podcap models (v0.12.0 to v1.14.1): it is simulated as v0.12.0 behaves.',
    ]);
    expect(withVersion(1, 5, 1)).toEqual([]);
  });
});
