import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledCatalog, instanceType, karpenter } from '../test-support/fixtures.js';
import {
  at,
  deployment,
  karpenterSettings,
  nodeClass,
  nodeGroup,
  nodePool,
  podTemplate,
  requirement,
  simInput,
  subnet,
} from '../test-support/sim-input.js';
import type { SimInput } from './model.js';
import type { SimResult } from './result.js';
import { type EngineSnapshot, simulate, simulateWithSnapshot } from './simulate.js';

/** No pod lost or counted twice, no address handed out twice, no node over its allocatable or maxPods. */
function expectInvariants(result: SimResult, snapshot: EngineSnapshot): void {
  for (const w of result.workloads) {
    if (w.kind !== 'Deployment') continue;
    expect(w.running + w.pending + w.containerCreating).toBe(w.desired);
  }
  expect(result.pods.total).toBe(snapshot.pods.length);
  expect(new Set(snapshot.pods.map((p) => p.key)).size).toBe(snapshot.pods.length);
  const addresses = snapshot.pods.flatMap((p) => (p.address === null ? [] : [p.address]));
  expect(new Set(addresses).size).toBe(addresses.length);
  for (const node of snapshot.nodes) {
    expect(node.requested.cpuMillis).toBeLessThanOrEqual(node.allocatable.cpuMillis);
    expect(node.requested.memoryBytes).toBeLessThanOrEqual(node.allocatable.memoryBytes);
    expect(node.pods).toBeLessThanOrEqual(node.allocatable.pods);
  }
  for (const s of result.subnets) expect(s.used + s.free).toBe(s.usable);
}

const TYPES = ['m5.large', 't3.medium', 'c5.xlarge', 'm6g.large'];

const scenarioArbitrary: fc.Arbitrary<SimInput> = fc
  .record({
    prefix: fc.integer({ min: 24, max: 27 }),
    groups: fc.array(fc.record({ type: fc.constantFrom(...TYPES), desired: fc.integer({ min: 0, max: 3 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    deployments: fc.array(
      fc.record({
        replicas: fc.integer({ min: 0, max: 40 }),
        cpu: fc.integer({ min: 10, max: 1500 }),
        memoryMib: fc.integer({ min: 16, max: 3000 }),
        later: fc.integer({ min: 0, max: 60 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    env: fc.constantFrom<Record<string, string>>(
      {},
      { ENABLE_PREFIX_DELEGATION: 'true' },
      { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '5' },
      { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
    ),
    scaleTo: fc.integer({ min: 0, max: 4 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((s) =>
    simInput(
      {
        seed: s.seed,
        durationMs: 8 * 60_000,
        subnets: [subnet('subnet-a', `10.0.0.0/${s.prefix}`), subnet('subnet-p', '100.64.0.0/24')],
        vpcCniEnv: s.env,
        eniConfigs: new Map([['us-west-2a', 'subnet-p']]),
        nodeGroups: s.groups.map((g, i) => nodeGroup(`ng${i}`, g.type, g.desired, ['subnet-a'])),
        timeline: [
          at(3, { type: 'scale-node-group', nodeGroup: 'ng0', desired: s.scaleTo }),
          ...s.deployments.map((d, i) =>
            at(2, {
              type: 'scale-workload' as const,
              target: { kind: 'Deployment' as const, namespace: 'default', name: `d${i}` },
              replicas: d.later,
            }),
          ),
        ],
      },
      s.deployments.map((d, i) =>
        deployment(`d${i}`, d.replicas, podTemplate({ cpuMillis: d.cpu, memoryMib: d.memoryMib })),
      ),
    ),
  );

describe('simulate over generated scenarios', () => {
  it('never throws, loses no pod, over-commits no node and hands no address out twice', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (input) => {
        const { result, snapshot } = simulateWithSnapshot(input, bundledCatalog(), { recordEvents: false });
        expectInvariants(result, snapshot);
      }),
      { numRuns: 40 },
    );
  });

  it('gives the same output for the same seed', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (input) => {
        const a = simulate(input, bundledCatalog(), { recordEvents: true });
        const b = simulate(input, bundledCatalog(), { recordEvents: true });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        const times = (a.events ?? []).map((e) => e.atMs);
        for (let i = 1; i < times.length; i += 1) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] ?? 0);
      }),
      { numRuns: 15 },
    );
  });
});

/**
 * A node group above 100 nodes, where the scheduler examines a share of them from a start index that moves,
 * scaled down by many nodes while pods are pending: the pods of the nodes gone are scheduled on a shorter list.
 */
const scaleDownArbitrary: fc.Arbitrary<SimInput> = fc
  .record({
    desired: fc.integer({ min: 100, max: 140 }),
    scaleTo: fc.integer({ min: 0, max: 120 }),
    replicas: fc.integer({ min: 500, max: 4000 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((s) =>
    simInput(
      {
        seed: s.seed,
        durationMs: 5 * 60_000,
        subnets: [subnet('subnet-a', '10.0.0.0/18')],
        nodeGroups: [nodeGroup('ng0', 'm5.large', s.desired, ['subnet-a'])],
        timeline: [
          at(1, {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'd0' },
            replicas: s.replicas,
          }),
          at(2, { type: 'scale-node-group', nodeGroup: 'ng0', desired: s.scaleTo }),
        ],
      },
      [deployment('d0', 10, podTemplate({ cpuMillis: 20, memoryMib: 32 }))],
    ),
  );

describe('simulate a large node group scaled down', () => {
  it('never throws and keeps every invariant', () => {
    fc.assert(
      fc.property(scaleDownArbitrary, (input) => {
        const { result, snapshot } = simulateWithSnapshot(input, bundledCatalog(), { recordEvents: false });
        expectInvariants(result, snapshot);
      }),
      { numRuns: 8 },
    );
  });
});

/** Karpenter on top: NodePools over a few types, Spot and On-Demand, quotas, limits, consolidation. */
const karpenterArbitrary: fc.Arbitrary<SimInput> = fc
  .record({
    types: fc.subarray(['m5.large', 'm5.xlarge', 'c5.xlarge', 'm6g.large', 't3.medium', 'r5.large'], { minLength: 1 }),
    capacityTypes: fc.constantFrom(['on-demand'], ['spot'], ['spot', 'on-demand']),
    spotQuota: fc.constantFrom(undefined, 4, 16),
    cpuLimit: fc.constantFrom(undefined, 8000, 32_000),
    version: fc.constantFrom('1.0.0', '1.5.1', '1.14.1'),
    reservedEnis: fc.integer({ min: 0, max: 1 }),
    consolidateAfterMs: fc.constantFrom(0, 60_000, null),
    deployments: fc.array(
      fc.record({
        replicas: fc.integer({ min: 0, max: 30 }),
        cpu: fc.integer({ min: 10, max: 2500 }),
        memoryMib: fc.integer({ min: 16, max: 6000 }),
        later: fc.integer({ min: 0, max: 40 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    env: fc.constantFrom<Record<string, string>>({}, { ENABLE_PREFIX_DELEGATION: 'true' }, { ENABLE_POD_ENI: 'true' }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((s) =>
    simInput(
      {
        seed: s.seed,
        durationMs: 10 * 60_000,
        subnets: [subnet('subnet-a', '10.0.0.0/24'), subnet('subnet-b', '10.0.1.0/25', 'us-west-2b')],
        vpcCniEnv: s.env,
        quotas: { onDemand: {}, spot: s.spotQuota === undefined ? {} : { standard: s.spotQuota } },
        karpenter: karpenterSettings({ version: karpenter(s.version), reservedEnis: s.reservedEnis }),
        timeline: s.deployments.map((d, i) =>
          at(4, {
            type: 'scale-workload' as const,
            target: { kind: 'Deployment' as const, namespace: 'default', name: `d${i}` },
            replicas: d.later,
          }),
        ),
      },
      s.deployments.map((d, i) =>
        deployment(`d${i}`, d.replicas, podTemplate({ cpuMillis: d.cpu, memoryMib: d.memoryMib })),
      ),
      {
        nodePools: [
          nodePool('default', {
            requirements: [
              requirement('node.kubernetes.io/instance-type', 'In', s.types),
              requirement('karpenter.sh/capacity-type', 'In', s.capacityTypes),
            ],
            limits: s.cpuLimit === undefined ? new Map() : new Map([['cpu', s.cpuLimit]]),
            consolidateAfterMs: s.consolidateAfterMs,
          }),
        ],
        nodeClasses: [nodeClass(['subnet-a', 'subnet-b'])],
      },
    ),
  );

describe('simulate with Karpenter over generated scenarios', () => {
  it('launches nodes in most generated runs (the property below is not vacuous)', () => {
    const runs = fc.sample(karpenterArbitrary, { numRuns: 20, seed: 7 });
    const launched = runs.filter(
      (input) => simulate(input, bundledCatalog(), { recordEvents: false }).nodes.launched > 0,
    );
    expect(launched.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps every invariant, stays within quotas and limits, and is deterministic', () => {
    fc.assert(
      fc.property(karpenterArbitrary, (input) => {
        const { result, snapshot } = simulateWithSnapshot(input, bundledCatalog(), { recordEvents: false });
        expectInvariants(result, snapshot);
        const spotLimit = input.scenario.quotas.spot.standard;
        for (const point of result.series) {
          if (spotLimit !== undefined) expect(point.quotaVcpus['spot/standard'] ?? 0).toBeLessThanOrEqual(spotLimit);
        }
        const cpuLimit = input.nodePools[0]?.limits.get('cpu');
        if (cpuLimit !== undefined) {
          let vcpus = 0;
          for (const [type, count] of Object.entries(result.nodes.byType)) {
            vcpus +=
              (bundledCatalog().lookup(type).status === 'found' ? (instanceType(type).hardware?.vcpu ?? 0) : 0) * count;
          }
          expect(vcpus * 1000).toBeLessThanOrEqual(cpuLimit);
        }
        expect(result.nodes.launched).toBeGreaterThanOrEqual(result.nodes.atEnd);
        expect(result.costUsd.totalUsd).toBeGreaterThanOrEqual(0);
        const again = simulate(input, bundledCatalog(), { recordEvents: false });
        expect(JSON.stringify(again)).toBe(JSON.stringify(result));
      }),
      { numRuns: 30 },
    );
  });
});
