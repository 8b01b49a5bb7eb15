// Karpenter rules in the engine, each against the number upstream gives: the batch window, NodePool
// limits on every resource, disruption budgets, spot-to-spot consolidation and consolidation timing.
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/input-error.js';
import { parseSimInput } from '../input/scenario/load.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import {
  deployment,
  karpenterSettings,
  nodeClass,
  nodePool,
  podTemplate,
  requirement,
  simInput,
} from '../test-support/sim-input.js';
import type { KarpenterScenarioSettings, NodePoolSpec, SimInput, Workload } from './model.js';
import type { SimResult } from './result.js';
import { simulate } from './simulate.js';

const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';

function run(input: SimInput): SimResult {
  return simulate(input, bundledCatalog(), { recordEvents: true });
}

function karpenterInput(
  workloads: readonly Workload[],
  pools: readonly NodePoolSpec[],
  settings: Partial<KarpenterScenarioSettings> = {},
  durationMs = 10 * 60_000,
): SimInput {
  return simInput({ addons: [], karpenter: karpenterSettings(settings), durationMs }, workloads, {
    nodePools: pools,
    nodeClasses: [nodeClass(['subnet-a'])],
  });
}

const launchTimes = (result: SimResult) =>
  (result.events ?? []).filter((e) => e.reason === 'Launched').map((e) => e.atMs);

describe('the provisioning batch window (batcher.go Wait)', () => {
  const pool = nodePool('default', { requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.xlarge'])] });
  it.each([
    // [batchIdleDuration, batchMaxDuration, launch at]: the window closes at whichever timer fires first.
    [30_000, 20_000, 20_000],
    [1_000, 10_000, 1_000],
    [5_000, 5_000, 5_000],
  ])('idle %i ms, max %i ms: one pod at 0 s launches its node at %i ms', (idle, max, expected) => {
    const input = karpenterInput([deployment('big', 1, podTemplate({ cpuMillis: 3000 }))], [pool], {
      batchIdleDurationMs: idle,
      batchMaxDurationMs: max,
    });
    expect(launchTimes(run(input))).toEqual([expected]);
  });
});

describe('NodePool limits on resources other than cpu and memory (scheduler.go filterByRemainingResources)', () => {
  it('stops at a nvidia.com/gpu limit: one g4dn.xlarge for two one-GPU pods', () => {
    const gpuPod = podTemplate({ cpuMillis: 100 });
    const template = { ...gpuPod, requests: { ...gpuPod.requests, extended: new Map([['nvidia.com/gpu', 1]]) } };
    const input = karpenterInput(
      [deployment('train', 2, template)],
      [
        nodePool('gpu', {
          requirements: [requirement(INSTANCE_TYPE, 'In', ['g4dn.xlarge'])],
          limits: new Map([['nvidia.com/gpu', 1]]),
        }),
      ],
    );
    const result = run(input);
    expect(result.nodes.byType).toEqual({ 'g4dn.xlarge': 1 });
    expect(result.workloads.find((w) => w.name === 'train')).toMatchObject({ running: 1, pending: 1 });
    expect(result.findings.find((f) => f.code === 'NODEPOOL_LIMIT_REACHED')?.message).toContain(
      'NodePool gpu reached its limits (nvidia.com/gpu=1)',
    );
  });

  it('counts pods capacity against a pods limit: two m5.large (maxPods 29 each) under pods: 60', () => {
    // One 1,500m pod per m5.large (1,930m allocatable); a third node would bring the pods capacity to 87.
    const input = karpenterInput(
      [deployment('web', 5, podTemplate({ cpuMillis: 1500 }))],
      [
        nodePool('default', {
          requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.large'])],
          limits: new Map([['pods', 60]]),
        }),
      ],
    );
    const result = run(input);
    expect(result.nodes.byType).toEqual({ 'm5.large': 2 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 2, pending: 3 });
  });

  it('says so when a limit names a resource podcap cannot size (ephemeral-storage)', () => {
    const input = karpenterInput(
      [deployment('web', 1, podTemplate({ cpuMillis: 100 }))],
      [nodePool('default', { limits: new Map([['ephemeral-storage', 100 * 2 ** 30]]) })],
    );
    const warning = run(input).findings.find((f) => f.code === 'KARPENTER_NOT_SIMULATED');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toContain('NodePool default: spec.limits on ephemeral-storage is not enforced');
  });

  it('lets a type without the limited resource launch while the limit is not exceeded (0 ≤ 0)', () => {
    const input = karpenterInput(
      [deployment('web', 2, podTemplate({ cpuMillis: 3000 }))],
      [
        nodePool('default', {
          requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.xlarge'])],
          limits: new Map([['nvidia.com/gpu', 0]]),
        }),
      ],
    );
    expect(run(input).nodes.byType).toEqual({ 'm5.xlarge': 2 });
  });
});

describe('NodePool disruption budgets (nodepool.go GetAllowedDisruptionsByReason)', () => {
  const scaleDown = {
    atMs: 5 * 60_000,
    action: {
      type: 'scale-workload' as const,
      target: { kind: 'Deployment' as const, namespace: 'default', name: 'web' },
      replicas: 0,
    },
  };
  /** Twelve m5.large, one 1,500m pod each, emptied at 5m; when Karpenter's Emptiness terminates each. */
  function emptied(budgets: NodePoolSpec['budgets']): { atMs: number[]; result: SimResult } {
    const pool = nodePool('default', {
      requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.large'])],
      ...(budgets === undefined ? {} : { budgets }),
    });
    const input = simInput(
      { addons: [], karpenter: karpenterSettings(), durationMs: 20 * 60_000, timeline: [scaleDown] },
      [deployment('web', 12, podTemplate({ cpuMillis: 1500 }))],
      { nodePools: [pool], nodeClasses: [nodeClass(['subnet-a'])] },
    );
    const result = run(input);
    const atMs = (result.events ?? []).filter((e) => e.reason === 'DisruptionTerminating').map((e) => e.atMs);
    return { atMs, result };
  }
  const count = (n: number) => ({ kind: 'count' as const, count: n });
  const percent = (n: number) => ({ kind: 'percent' as const, percent: n });
  const always = { reasons: null, schedule: null, durationMs: null };
  /** How many nodes went in the first wave (the first termination instant). */
  const firstWave = (atMs: readonly number[]) => atMs.filter((t) => t === atMs[0]).length;

  it('defaults to 10% of the nodes, rounded up: 2 of 12 in the first wave', () => {
    const { atMs } = emptied(undefined);
    expect(atMs).toHaveLength(12);
    expect(firstWave(atMs)).toBe(2);
  });

  it('takes an absolute count: nodes "5" lets 5 of 12 go at once', () => {
    const { atMs } = emptied([{ nodes: count(5), ...always }]);
    expect(atMs).toHaveLength(12);
    expect(firstWave(atMs)).toBe(5);
  });

  it('takes the most restrictive active budget: 50% and "3" allow 3', () => {
    const { atMs } = emptied([
      { nodes: percent(50), ...always },
      { nodes: count(3), ...always },
    ]);
    expect(firstWave(atMs)).toBe(3);
  });

  it('blocks every disruption with nodes "0": the twelve empty nodes stay', () => {
    const { atMs, result } = emptied([{ nodes: count(0), ...always }]);
    expect(atMs).toEqual([]);
    expect(result.nodes.atEnd).toBe(12);
  });

  it('applies a budget only to the reasons it names: "0" for Underutilized leaves Empty at its default', () => {
    const { atMs } = emptied([{ nodes: count(0), reasons: ['Underutilized'], schedule: null, durationMs: null }]);
    expect(atMs).toHaveLength(12);
    // No other budget applies to Empty: no limit, all twelve in one wave.
    expect(firstWave(atMs)).toBe(12);
  });

  it('counts only initialized nodes: 50% of 2 Ready nodes is 1, whatever is still launching', () => {
    // Two m5.large empty at 290 s while two m5.xlarge launch at 291 s for 3-CPU pods; at the 296 s pass
    // the NodePool has 2 initialized nodes and 2 in flight. (Passes fall at 6 s past the ten since the
    // Emptiness command of 61 s, when the first nodes turned Ready, was dropped at 76 s.)
    const onType = (type: string, cpuMillis: number) =>
      podTemplate({ cpuMillis, nodeSelector: { [INSTANCE_TYPE]: type } });
    const pool = nodePool('default', {
      requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.large', 'm5.xlarge'])],
      budgets: [{ nodes: percent(50), ...always }],
    });
    const input = simInput(
      {
        addons: [],
        karpenter: karpenterSettings(),
        durationMs: 10 * 60_000,
        timeline: [
          { ...scaleDown, atMs: 290_000 },
          {
            atMs: 290_000,
            action: {
              type: 'scale-workload',
              target: { kind: 'Deployment', namespace: 'default', name: 'late' },
              replicas: 2,
            },
          },
        ],
      },
      [deployment('web', 2, onType('m5.large', 1500)), deployment('late', 0, onType('m5.xlarge', 3000))],
      { nodePools: [pool], nodeClasses: [nodeClass(['subnet-a'])] },
    );
    const result = run(input);
    const terminated = (result.events ?? []).filter((e) => e.reason === 'DisruptionTerminating').map((e) => e.atMs);
    expect(terminated).toEqual([311_000, 326_000]);
    expect(result.nodes.byType).toEqual({ 'm5.xlarge': 2 });
  });

  it('leaves out a budget with a schedule, and says so', () => {
    const { atMs, result } = emptied([
      { nodes: count(0), reasons: null, schedule: '0 9 * * mon-fri', durationMs: 8 * 3_600_000 },
      { nodes: percent(10), ...always },
    ]);
    expect(firstWave(atMs)).toBe(2);
    const warning = result.findings.find((f) => f.code === 'KARPENTER_NOT_SIMULATED');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toContain(
      'NodePool default: spec.disruption.budgets[0] (nodes "0", schedule "0 9 * * mon-fri", duration 8h) is not applied',
    );
  });
});

describe('reading NodePool budgets', () => {
  const SCENARIO = `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata: { name: budgets }
spec:
  duration: 10m
  region: us-west-2
  aws:
    subnets: [ { id: subnet-a, zone: us-west-2a, cidr: 10.0.0.0/22 } ]
  karpenter: {}
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: { name: default }
spec:
  amiSelectorTerms: [ { alias: al2023@latest } ]
  subnetSelectorTerms: [ { id: subnet-a } ]
`;
  const pool = (disruption: string) => `apiVersion: karpenter.sh/v1
kind: NodePool
metadata: { name: default }
spec:
  disruption: ${disruption}
  template:
    spec:
      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: default }
      requirements: []
`;
  const parse = (disruption: string) =>
    parseSimInput(
      [
        { file: 'scenario.yaml', text: SCENARIO },
        { file: 'pool.yaml', text: pool(disruption) },
      ],
      { catalog: bundledCatalog() },
    );

  it('reads counts, percentages, reasons, schedules and durations', () => {
    const input = parse(
      '{ budgets: [ { nodes: "20%" }, { nodes: "0", reasons: [Empty, Drifted] }, { nodes: "1", schedule: "@daily", duration: 1h30m } ] }',
    );
    expect(input.nodePools[0]?.budgets).toEqual([
      { nodes: { kind: 'percent', percent: 20 }, reasons: null, schedule: null, durationMs: null },
      { nodes: { kind: 'count', count: 0 }, reasons: ['Empty', 'Drifted'], schedule: null, durationMs: null },
      { nodes: { kind: 'count', count: 1 }, reasons: null, schedule: '@daily', durationMs: 5_400_000 },
    ]);
  });

  it('keeps an absent list absent (the 10% default) and an empty one empty (no limit)', () => {
    expect(parse('{ consolidateAfter: 30s }').nodePools[0]?.budgets).toBeUndefined();
    expect(parse('{ budgets: [] }').nodePools[0]?.budgets).toEqual([]);
  });

  it.each([
    ['{ budgets: [ { nodes: "ten" } ] }', 'nodes'],
    ['{ budgets: [ { nodes: "101%" } ] }', 'nodes'],
    ['{ budgets: [ { nodes: "1", schedule: "@daily" } ] }', 'duration'],
    ['{ budgets: [ { nodes: "1", reasons: [Expired] } ] }', 'reasons'],
  ])('refuses %s as the CRD does, at field %s', (disruption, field) => {
    let error: unknown = null;
    try {
      parse(disruption);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).fieldPath).toContain(field);
  });
});

describe('spot-to-spot consolidation (consolidation.go computeSpotToSpotConsolidation)', () => {
  /** One Spot node of `type` at time 0 holding three 100m pods, in a Spot-only NodePool. */
  function spotNode(type: string, categories: readonly string[] | null, gate: boolean | undefined): SimResult {
    const requirements = [
      requirement('karpenter.sh/capacity-type', 'In', ['spot']),
      categories === null
        ? requirement(INSTANCE_TYPE, 'In', ['m5.xlarge', 'm5.large'])
        : requirement('karpenter.k8s.aws/instance-category', 'In', [...categories]),
    ];
    const input = simInput(
      {
        addons: [],
        karpenter: karpenterSettings(gate === undefined ? {} : { spotToSpotConsolidation: gate }),
        nodes: [{ instanceType: type, count: 1, nodePool: 'default', zone: 'us-west-2a', capacityType: 'spot' }],
      },
      [deployment('web', 3, podTemplate({ cpuMillis: 100 }))],
      { nodePools: [nodePool('default', { requirements })], nodeClasses: [nodeClass(['subnet-a'])] },
    );
    return run(input);
  }
  const replaced = (result: SimResult) =>
    (result.events ?? []).filter((e) => e.reason === 'DisruptionLaunching').map((e) => e.atMs);

  it('does not replace a Spot node with a cheaper Spot node while the gate is off (its default)', () => {
    const result = spotNode('m5.xlarge', null, undefined);
    expect(replaced(result)).toEqual([]);
    expect(result.nodes.byType).toEqual({ 'm5.xlarge': 1 });
  });

  it('does not replace it with the gate on when fewer than 15 Spot types are cheaper (1 here)', () => {
    const result = spotNode('m5.xlarge', null, true);
    expect(replaced(result)).toEqual([]);
    expect(result.nodes.byType).toEqual({ 'm5.xlarge': 1 });
  });

  it('replaces it with the gate on and 15 or more cheaper Spot types, launching the cheapest', () => {
    const result = spotNode('m5.4xlarge', ['c', 'm', 'r'], true);
    expect(replaced(result)).toHaveLength(1);
    expect(result.nodes.launched).toBe(1);
    // The cheapest c, m or r type that holds three 100m pods, at Spot.
    expect(result.nodes.byType).toEqual({ 'c6g.medium': 1 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 3 });
  });

  it('still deletes a Spot node whose pods fit elsewhere, gate or no gate', () => {
    const input = simInput(
      {
        addons: [],
        karpenter: karpenterSettings(),
        nodes: [{ instanceType: 'm5.xlarge', count: 2, nodePool: 'default', zone: 'us-west-2a', capacityType: 'spot' }],
      },
      [deployment('web', 2, podTemplate({ cpuMillis: 100 }))],
      {
        nodePools: [
          nodePool('default', {
            requirements: [
              requirement('karpenter.sh/capacity-type', 'In', ['spot']),
              requirement(INSTANCE_TYPE, 'In', ['m5.xlarge']),
            ],
          }),
        ],
        nodeClasses: [nodeClass(['subnet-a'])],
      },
    );
    const result = run(input);
    expect(result.nodes.atEnd).toBe(1);
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 2 });
  });
});

describe('consolidation timing (disruption controller.go, validation.go, singlenodeconsolidation.go)', () => {
  const scale = (atMs: number, name: string, replicas: number) => ({
    atMs,
    action: {
      type: 'scale-workload' as const,
      target: { kind: 'Deployment' as const, namespace: 'default', name },
      replicas,
    },
  });

  it('consolidates at once after an Emptiness command no longer holds, not 5 minutes later', () => {
    // Three 3-CPU pods: NodePool b (weight 50) opens two m5.2xlarge, with two pods and one. Both turn Ready
    // at 61 s, empty, so Emptiness picks them; kube-scheduler binds the pods the same instant and at 76 s
    // the command is dropped. Single-node consolidation then replaces the node with one pod by an
    // m5.xlarge of NodePool a: decided at 76 s, launched after its own 15 s validation.
    const input = karpenterInput(
      [deployment('web', 3, podTemplate({ cpuMillis: 3000 }))],
      [
        nodePool('a', { weight: 10, requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.xlarge'])] }),
        nodePool('b', { weight: 50, requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.2xlarge'])] }),
      ],
    );
    const result = run(input);
    const replacing = (result.events ?? []).filter((e) => e.reason === 'DisruptionLaunching').map((e) => e.atMs);
    expect(replacing).toEqual([91_000]);
    expect(result.nodes).toMatchObject({ launched: 3, atEnd: 2, byType: { 'm5.2xlarge': 1, 'm5.xlarge': 1 } });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 3 });
  });

  it('keeps a node under validation among the nodes Karpenter places pending pods on: no second launch', () => {
    // N1 (m5.large) empties at 300 s and Emptiness starts validating it at 301 s. A 1,500m pod that
    // kube-scheduler could not place at 306 s (N1 was briefly full) is still Pending when the batch runs at
    // 307 s, and N1 is empty again by then: Karpenter nominates N1 rather than launch another node.
    const input = karpenterInput(
      [
        deployment('a', 1, podTemplate({ cpuMillis: 1500 })),
        deployment('b', 0, podTemplate({ cpuMillis: 1500 })),
        deployment('c', 0, podTemplate({ cpuMillis: 1500 })),
      ],
      [nodePool('default', { requirements: [requirement(INSTANCE_TYPE, 'In', ['m5.large'])] })],
    );
    const timed = {
      ...input,
      scenario: {
        ...input.scenario,
        timeline: [scale(300_000, 'a', 0), scale(305_000, 'c', 1), scale(306_000, 'b', 1), scale(306_500, 'c', 0)],
      },
    };
    const result = run(timed);
    expect(result.nodes).toMatchObject({ launched: 1, atEnd: 1 });
    expect(result.workloads.find((w) => w.name === 'b')).toMatchObject({ running: 1 });
    expect((result.events ?? []).filter((e) => e.reason === 'DisruptionTerminating')).toEqual([]);
  });
});
