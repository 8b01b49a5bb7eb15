/**
 * Properties of the model over random catalog types and configurations (fast-check):
 * - allocatable never exceeds capacity and is never negative (kubelet setters.go; capacity-models.md §1.2);
 * - MAX_PODS_EXCEEDS_POD_IPS appears exactly when maxPods − hostNetworkPods > the CNI's pod IPs
 *   (vpc-cni-ipam.md §8; capacity-models.md §8 M10);
 * - Karpenter ≥ v1.5.2 reserves the AMI's kube-reserved memory on AL2/AL2023 without user overrides (§5.6);
 * - on Karpenter nodes the node's maxPods is Karpenter's pods (§5.1) and Bottlerocket's kube-reserved
 *   agrees in every release (§5.5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledCatalog, Ki, karpenter, Mi } from '../test-support/fixtures.js';
import type { MemoryThreshold } from './eviction.js';
import { isAtLeast } from './karpenter-version.js';
import { computeNodeCapacity, type NodeCapacity } from './node-capacity.js';
import { AMI_FAMILIES, CNI_MODES, makeNodeConfig, type NodeConfig } from './node-config.js';
import type { NodeResources } from './resources.js';

const TYPES = bundledCatalog().catalog.instanceTypes;
const VERSIONS = [
  '0.27.0',
  '0.28.0',
  '1.0.0',
  '1.1.0',
  '1.4.9',
  '1.5.1',
  '1.5.2',
  '1.6.0',
  '1.8.3',
  '1.9.0',
  '1.11.0',
  '1.14.1',
].map(karpenter);
const EXPRESSIONS = [
  'max_pods + 2',
  '((default_enis - 1) * (ips_per_eni - 1)) + 2',
  'max_pods < 30 ? max_pods : 30',
  'max_pods - 1000',
  'not an expression',
];

const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

const memoryThreshold: fc.Arbitrary<MemoryThreshold> = fc.oneof(
  fc
    .integer({ min: 0, max: 4096 })
    .map((mebibytes) => ({ kind: 'quantity', bytes: Mi(mebibytes), text: `${mebibytes}Mi` }) as const),
  fc
    .integer({ min: 0, max: 1000 })
    .map((tenths) => ({ kind: 'percentage', percent: tenths / 10, text: `${tenths / 10}%` }) as const),
);

const FIELDS = {
  type: fc.constantFrom(...TYPES),
  amiFamily: fc.constantFrom(...AMI_FAMILIES),
  launchedBy: fc.constantFrom('karpenter' as const, 'node-group' as const),
  mode: fc.constantFrom(...CNI_MODES),
  maxEni: nullable(fc.integer({ min: 0, max: 16 })),
  podEni: fc.boolean(),
  maxPods: nullable(fc.integer({ min: 1, max: 1000 })),
  podsPerCore: nullable(fc.integer({ min: 0, max: 40 })),
  kubeReservedCpu: nullable(fc.integer({ min: 0, max: 4000 })),
  kubeReservedMemory: nullable(fc.integer({ min: 0, max: 16_384 })),
  systemReservedCpu: nullable(fc.integer({ min: 0, max: 4000 })),
  systemReservedMemory: nullable(fc.integer({ min: 0, max: 16_384 })),
  evictionHard: nullable(memoryThreshold),
  evictionSoft: nullable(memoryThreshold),
  maxPodsExpression: nullable(fc.constantFrom(...EXPRESSIONS)),
  version: fc.constantFrom(...VERSIONS),
  reservedEnis: fc.integer({ min: 0, max: 3 }),
  vmMemoryOverheadPercent: fc.integer({ min: 0, max: 200 }).map((thousandths) => thousandths / 1000),
  efaOnlyInterfaces: fc.integer({ min: 0, max: 2 }),
  observedFraction: nullable(fc.integer({ min: 850, max: 1000 })),
  onlineCpus: nullable(fc.integer({ min: 1, max: 448 })),
  amiKnowsInstanceType: fc.boolean(),
  hostNetworkPods: fc.integer({ min: 0, max: 5 }),
};

type Fields = typeof FIELDS;

/** Random configurations; `fixed` narrows some fields (instead of filtering, which wastes runs). */
const configWith = (fixed: Partial<Fields> = {}): fc.Arbitrary<NodeConfig> =>
  fc.record({ ...FIELDS, ...fixed }).map((r) =>
    makeNodeConfig(r.type, {
      amiFamily: r.amiFamily,
      launchedBy: r.launchedBy,
      cni: { mode: r.mode, maxEni: r.maxEni, podEni: r.podEni },
      kubelet: {
        maxPods: r.maxPods,
        podsPerCore: r.podsPerCore,
        kubeReserved: {
          cpuMillis: r.kubeReservedCpu,
          memoryBytes: r.kubeReservedMemory === null ? null : Mi(r.kubeReservedMemory),
        },
        systemReserved: {
          cpuMillis: r.systemReservedCpu,
          memoryBytes: r.systemReservedMemory === null ? null : Mi(r.systemReservedMemory),
        },
        evictionHard: { memoryAvailable: r.evictionHard },
        evictionSoft: { memoryAvailable: r.evictionSoft },
      },
      maxPodsExpression: r.maxPodsExpression,
      karpenter: {
        version: r.version,
        reservedEnis: r.reservedEnis,
        vmMemoryOverheadPercent: r.vmMemoryOverheadPercent,
        efaOnlyInterfaces: r.efaOnlyInterfaces,
      },
      // MemTotal: a page-granular 85-100 % of nominal memory.
      observedMemoryCapacityBytes:
        r.observedFraction === null || r.type.hardware === null
          ? null
          : Ki(Math.floor((r.type.hardware.memoryMib * 1024 * r.observedFraction) / 1000 / 4) * 4),
      onlineCpus:
        r.onlineCpus === null || r.type.hardware === null ? null : Math.min(r.onlineCpus, r.type.hardware.vcpu),
      amiKnowsInstanceType: r.amiKnowsInstanceType,
      hostNetworkPods: r.hostNetworkPods,
    }),
  );

const config = configWith();

const RUNS = { numRuns: 600 };

function expectWithin(capacity: NodeResources, allocatable: NodeResources, where: string) {
  expect(allocatable.pods, `${where} pods`).toBe(capacity.pods);
  expect(capacity.pods, `${where} pods`).toBeGreaterThanOrEqual(0);
  for (const key of ['cpuMillis', 'memoryBytes'] as const) {
    const held = capacity[key];
    const free = allocatable[key];
    if (free === null) continue;
    expect(held, `${where} ${key} capacity`).not.toBeNull();
    expect(free, `${where} ${key}`).toBeGreaterThanOrEqual(0);
    expect(free, `${where} ${key}`).toBeLessThanOrEqual(held ?? Number.NaN);
  }
}

function describeConfig(capacity: NodeCapacity): string {
  const c = capacity.config;
  return `${c.instanceType.name} ${c.amiFamily} ${c.launchedBy} ${c.cni.mode}`;
}

describe('properties over random types and configurations', () => {
  it('allocatable ≤ capacity and ≥ 0 for CPU, memory and pods: node, cold and warm Karpenter (§1.2)', () => {
    fc.assert(
      fc.property(config, (c) => {
        const capacity = computeNodeCapacity(c);
        const where = describeConfig(capacity);
        if (capacity.node.status === 'ready')
          expectWithin(capacity.node.capacity, capacity.node.allocatable, `${where} node`);
        expectWithin(capacity.karpenter.cold.capacity, capacity.karpenter.cold.allocatable, `${where} cold`);
        const warm = capacity.karpenter.warm;
        if (warm !== null) expectWithin(warm.capacity, warm.allocatable, `${where} warm`);
      }),
      RUNS,
    );
  });

  it('MAX_PODS_EXCEEDS_POD_IPS iff maxPods − hostNetworkPods > pod IPs, sized by the excess (vpc-cni-ipam.md §8)', () => {
    fc.assert(
      fc.property(config, (c) => {
        const capacity = computeNodeCapacity(c);
        if (capacity.node.status !== 'ready') return;
        const excess = capacity.node.maxPods - c.hostNetworkPods - capacity.node.network.podIps;
        const found = capacity.mismatches.filter((m) => m.code === 'MAX_PODS_EXCEEDS_POD_IPS');
        if (excess > 0) expect(found.map((m) => m.size)).toEqual([{ amount: excess, unit: 'pods' }]);
        else expect(found).toEqual([]);
      }),
      RUNS,
    );
  });

  it('Karpenter ≥ 1.5.2 reserves the AMI’s kube-reserved memory on AL2/AL2023 when the user overrides nothing (§5.6)', () => {
    const plain = configWith({
      amiFamily: fc.constantFrom('al2' as const, 'al2023' as const),
      version: fc.constantFrom(...VERSIONS.filter((v) => isAtLeast(v, 1, 5, 2))),
      amiKnowsInstanceType: fc.constant(true),
      kubeReservedMemory: fc.constant(null),
      maxPodsExpression: fc.constant(null),
      efaOnlyInterfaces: fc.constant(0),
    });
    fc.assert(
      fc.property(plain, (c) => {
        const capacity = computeNodeCapacity(c);
        if (capacity.node.status !== 'ready') throw new Error(`${describeConfig(capacity)}: not ready`);
        const node = capacity.node.reserved.kubeReservedMemoryBytes;
        expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(node);
        expect(capacity.karpenter.warm?.reserved.kubeReservedMemoryBytes).toBe(node);
        expect(capacity.mismatches.map((m) => m.code)).not.toContain('KARPENTER_RESERVED_ENIS_KUBE_RESERVED');
      }),
      RUNS,
    );
  });

  it('on a Karpenter node maxPods is Karpenter’s pods when the OS sees every vCPU (§5.1)', () => {
    const byKarpenter = configWith({ launchedBy: fc.constant('karpenter' as const), onlineCpus: fc.constant(null) });
    fc.assert(
      fc.property(byKarpenter, (c) => {
        const capacity = computeNodeCapacity(c);
        if (capacity.node.status !== 'ready') return;
        expect(capacity.node.maxPods).toBe(capacity.karpenter.maxPods);
      }),
      RUNS,
    );
  });

  it('Bottlerocket launched by Karpenter: node and Karpenter agree on kube-reserved memory in every release (§5.5)', () => {
    const bottlerocket = configWith({
      launchedBy: fc.constant('karpenter' as const),
      amiFamily: fc.constant('bottlerocket' as const),
    });
    fc.assert(
      fc.property(bottlerocket, (c) => {
        const capacity = computeNodeCapacity(c);
        if (capacity.node.status !== 'ready') throw new Error(`${describeConfig(capacity)}: not ready`);
        expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(
          capacity.node.reserved.kubeReservedMemoryBytes,
        );
      }),
      RUNS,
    );
  });
});
