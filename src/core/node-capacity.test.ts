/**
 * The node capacity model against the published numbers of research/capacity-models.md: every row of
 * the §6.2 scenario tables, the §6.1 inputs, the §7 incident, Karpenter's behaviour by release (§5, §9)
 * and the AMI-only cases of §2-§3 and §8. Expected values are copied from the research, never taken
 * from a run of the model.
 */
import { describe, expect, it } from 'vitest';
import { instanceType, Ki, karpenter, Mi } from '../test-support/fixtures.js';
import { eniLimitedPods, prefixDelegationPods, recommendedMaxPodsCeiling } from './eni-math.js';
import { parseMemoryThreshold } from './eviction.js';
import { type KarpenterVersion, LATEST_KARPENTER_VERSION } from './karpenter-version.js';
import type { MismatchCode } from './mismatch.js';
import { computeNodeCapacity, type NodeCapacity } from './node-capacity.js';
import {
  type AmiFamily,
  type CniMode,
  DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
  type Launcher,
  makeNodeConfig,
  type NodeConfigOverrides,
} from './node-config.js';

const V0_27_0 = karpenter('0.27.0');
const V0_28_0 = karpenter('0.28.0');
const V1_0_0 = karpenter('1.0.0');
const V1_0_9 = karpenter('1.0.9');
const V1_1_0 = karpenter('1.1.0');
const V1_5_1 = karpenter('1.5.1');
const V1_5_2 = karpenter('1.5.2');
const V1_6_0 = karpenter('1.6.0');
const V1_8_3 = karpenter('1.8.3');
const V1_9_0 = karpenter('1.9.0');
const PRE_FIX = [V1_5_1];
const POST_FIX = [V1_5_2, V1_6_0, LATEST_KARPENTER_VERSION];
const ALL_FIX_ERAS = [...PRE_FIX, ...POST_FIX];
/** Families whose kube-reserved Karpenter ties to the ENI table (§5.3: AL2, AL2023, Custom). */
const ENI_TABLE_FAMILIES: AmiFamily[] = ['al2', 'al2023', 'custom'];

function capacityOf(typeName: string, overrides: NodeConfigOverrides = {}): NodeCapacity {
  return computeNodeCapacity(makeNodeConfig(instanceType(typeName), overrides));
}

function ready(capacity: NodeCapacity) {
  if (capacity.node.status !== 'ready') throw new Error(`${capacity.config.instanceType.name}: node is not ready`);
  return capacity.node;
}

function codes(capacity: NodeCapacity): MismatchCode[] {
  return capacity.mismatches.map((m) => m.code);
}

function find(capacity: NodeCapacity, code: MismatchCode) {
  return capacity.mismatches.find((m) => m.code === code);
}

const threshold = (text: string) => {
  const parsed = parseMemoryThreshold(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
};

// ---------------------------------------------------------------------------------------------------
// §6.1 Inputs, CPU and Karpenter's memory estimate
// ---------------------------------------------------------------------------------------------------

interface InputRow {
  readonly type: string;
  readonly vcpu: number;
  readonly memoryMib: number;
  readonly arch: 'amd64' | 'arm64';
  readonly enis: number;
  readonly ipsPerEni: number;
  readonly podEni: number;
  readonly kubeReservedCpu: number;
  readonly allocatableCpu: number;
  readonly basisMib: number;
  readonly overheadMib: number;
  readonly estimateMib: number;
}

// | Instance | vCPU | EC2 MiB | arch | E | I | pod-eni B | kubeReserved CPU | Allocatable CPU | basis MiB | ceil(7.5%) MiB | est. capacity MiB |
const INPUTS: InputRow[] = [
  ['m5.large', 2, 8192, 'amd64', 3, 10, 9, 70, 1930, 8192, 615, 7577],
  ['m5.xlarge', 4, 16384, 'amd64', 4, 15, 18, 80, 3920, 16384, 1229, 15155],
  ['t4g.medium', 2, 4096, 'arm64', 3, 6, 0, 70, 1930, 4032, 303, 3729],
  ['m8g.large', 2, 8192, 'arm64', 3, 10, 9, 70, 1930, 8128, 610, 7518],
  ['c5.18xlarge', 72, 147456, 'amd64', 15, 50, 107, 250, 71750, 147456, 11060, 136396],
  ['p4d.24xlarge', 96, 1179648, 'amd64', 15, 50, 62, 310, 95690, 1179648, 88474, 1091174],
].map(
  ([type, vcpu, memoryMib, arch, enis, ipsPerEni, podEni, kubeReservedCpu, allocatableCpu, basis, overhead, est]) =>
    ({
      type,
      vcpu,
      memoryMib,
      arch,
      enis,
      ipsPerEni,
      podEni,
      kubeReservedCpu,
      allocatableCpu,
      basisMib: basis,
      overheadMib: overhead,
      estimateMib: est,
    }) as InputRow,
);

describe('§6.1 inputs, CPU and Karpenter memory estimate', () => {
  it.each(INPUTS)('$type: the catalog has the EC2 facts of §6.1 (V, M, arch, E, I, B)', (row) => {
    const type = instanceType(row.type);
    expect(type.hardware).toEqual({ vcpu: row.vcpu, memoryMib: row.memoryMib, architecture: row.arch });
    expect(type.maxEnis).toBe(row.enis);
    expect(type.ipv4PerEni).toBe(row.ipsPerEni);
    expect(type.trunking?.compatible === true ? type.trunking.branchEnis : 0).toBe(row.podEni);
    // The table's own arithmetic: estimate = basis − ceil(7.5 % of basis).
    expect(row.basisMib - row.overheadMib).toBe(row.estimateMib);
  });

  it.each(INPUTS)('$type: kubeReserved CPU $kubeReservedCpu m, allocatable $allocatableCpu m everywhere', (row) => {
    const families: AmiFamily[] = ['al2', 'al2023', 'bottlerocket', 'custom'];
    const launchers: Launcher[] = ['karpenter', 'node-group'];
    for (const amiFamily of families) {
      for (const launchedBy of launchers) {
        const capacity = capacityOf(row.type, { amiFamily, launchedBy });
        const node = ready(capacity);
        expect(node.capacity.cpuMillis).toBe(row.vcpu * 1000);
        expect(node.reserved.kubeReservedCpuMillis).toBe(row.kubeReservedCpu);
        expect(node.allocatable.cpuMillis).toBe(row.allocatableCpu);
        expect(capacity.karpenter.cold.reserved.kubeReservedCpuMillis).toBe(row.kubeReservedCpu);
        expect(capacity.karpenter.cold.allocatable.cpuMillis).toBe(row.allocatableCpu);
      }
    }
  });

  it.each(INPUTS)("$type: Karpenter's estimated capacity is $estimateMib MiB (7.5 %, arm64 −64 MiB)", (row) => {
    for (const version of ALL_FIX_ERAS) {
      const capacity = capacityOf(row.type, { karpenter: { version } });
      expect(capacity.karpenter.cold.capacity.memoryBytes).toBe(Mi(row.estimateMib));
      expect(capacity.karpenter.cold.memorySource).toBe('estimate');
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// §6.2 Scenario tables (1)-(5)
// ---------------------------------------------------------------------------------------------------

interface ScenarioRow {
  readonly type: string;
  readonly amiMaxPods: number;
  readonly amiKr: number;
  readonly calc: number;
  readonly calcRaw: number;
  /** AL2023 KR w/ expr: null where the table says "(no expr)"; [capped, uncapped] for prefix delegation. */
  readonly exprKr: number | null;
  readonly exprKrUncapped: number | null;
  readonly kPods: number;
  readonly kPodEni: number | null;
  readonly kKrPreFix: number;
  readonly kKrPostFix: number;
  readonly kAllocPreFix: number;
  readonly kAllocPostFix: number;
  readonly overEstimate: number;
  readonly brKr: number;
}

type Cells = [
  type: string,
  amiMaxPods: number,
  amiKr: number,
  calc: number,
  calcRaw: number,
  exprKr: number | null | [number, number],
  kPods: number | [number, number],
  kKrPreFix: number,
  kKrPostFix: number,
  kAllocPreFix: number,
  kAllocPostFix: number,
  overEstimate: number,
  brKr: number,
];

function rows(cells: Cells[]): ScenarioRow[] {
  return cells.map(([type, amiMaxPods, amiKr, calc, calcRaw, expr, pods, kr1, kr2, alloc1, alloc2, over, br]) => ({
    type,
    amiMaxPods,
    amiKr,
    calc,
    calcRaw,
    exprKr: Array.isArray(expr) ? expr[0] : expr,
    exprKrUncapped: Array.isArray(expr) ? expr[1] : null,
    kPods: Array.isArray(pods) ? pods[0] : pods,
    kPodEni: Array.isArray(pods) ? pods[1] : null,
    kKrPreFix: kr1,
    kKrPostFix: kr2,
    kAllocPreFix: alloc1,
    kAllocPostFix: alloc2,
    overEstimate: over,
    brKr: br,
  }));
}

interface Scenario {
  readonly title: string;
  readonly mode: CniMode;
  readonly podEni: boolean;
  readonly reservedEnis: number;
  /** kubelet.maxPods = the calculator's value (prefix-delegation tables). */
  readonly maxPodsIsCalc: boolean;
  /** How max-pods-calculator.sh is run for the `calc` column. */
  readonly calculator: { readonly enisLess: number; readonly prefixDelegation: boolean };
  /** The nodeadm expression of the "AL2023 KR w/ expr" column; `cap` is the calculator's ceiling. */
  readonly expression: ((cap: number | null) => string) | null;
  readonly rows: ScenarioRow[];
}

const CUSTOM_NETWORKING_EXPRESSION = '((default_enis - 1) * (ips_per_eni - 1)) + 2';
const capped = (raw: string, cap: number | null) => (cap === null ? raw : `(${raw}) > ${cap} ? ${cap} : (${raw})`);

const SCENARIOS: Scenario[] = [
  {
    title: '§6.2 (1) default: R=0, no kubelet.maxPods',
    mode: 'secondary-ip',
    podEni: false,
    reservedEnis: 0,
    maxPodsIsCalc: false,
    calculator: { enisLess: 0, prefixDelegation: false },
    expression: null,
    // | Instance | AMI maxPods | AMI KR | calc (raw) | AL2023 KR w/ expr | K pods | K KR ≤1.5.1 | K KR ≥1.5.2 | K alloc ≤1.5.1 / ≥1.5.2 | over-est | BR KR |
    rows: rows([
      ['m5.large', 29, 574, 29, 29, null, 29, 574, 574, 6903, 6903, 0, 574],
      ['m5.xlarge', 58, 893, 58, 58, null, 58, 893, 893, 14162, 14162, 0, 893],
      ['t4g.medium', 17, 442, 17, 17, null, 17, 442, 442, 3187, 3187, 0, 442],
      ['m8g.large', 29, 574, 29, 29, null, 29, 574, 574, 6844, 6844, 0, 574],
      ['c5.18xlarge', 737, 8362, 250, 737, null, 737, 8362, 8362, 127934, 127934, 0, 8362],
      ['p4d.24xlarge', 737, 8362, 250, 737, null, 737, 8362, 8362, 1082712, 1082712, 0, 8362],
    ]),
  },
  {
    title: '§6.2 (2) custom networking: R=1, no kubelet.maxPods',
    mode: 'custom-networking',
    podEni: false,
    reservedEnis: 1,
    maxPodsIsCalc: false,
    calculator: { enisLess: 1, prefixDelegation: false },
    expression: () => CUSTOM_NETWORKING_EXPRESSION,
    rows: rows([
      ['m5.large', 29, 574, 20, 20, 475, 20, 475, 574, 7002, 6903, 99, 475],
      ['m5.xlarge', 58, 893, 44, 44, 739, 44, 739, 893, 14316, 14162, 154, 739],
      ['t4g.medium', 17, 442, 12, 12, 387, 12, 387, 442, 3242, 3187, 55, 387],
      ['m8g.large', 29, 574, 20, 20, 475, 20, 475, 574, 6943, 6844, 99, 475],
      ['c5.18xlarge', 737, 8362, 250, 688, 7823, 688, 7823, 8362, 128473, 127934, 539, 7823],
      ['p4d.24xlarge', 737, 8362, 250, 688, 7823, 688, 7823, 8362, 1083251, 1082712, 539, 7823],
    ]),
  },
  {
    title: '§6.2 (3) prefix delegation: R=0, kubelet.maxPods = calc',
    mode: 'prefix-delegation',
    podEni: false,
    reservedEnis: 0,
    maxPodsIsCalc: true,
    calculator: { enisLess: 0, prefixDelegation: true },
    expression: (cap) => capped('(default_enis * ((ips_per_eni - 1) * 16)) + 2', cap),
    rows: rows([
      ['m5.large', 29, 574, 110, 434, [1465, 5029], 110, 574, 574, 6903, 6903, 0, 1465],
      ['m5.xlarge', 58, 893, 110, 898, [1465, 10133], 110, 893, 893, 14162, 14162, 0, 1465],
      ['t4g.medium', 17, 442, 110, 242, [1465, 2917], 110, 442, 442, 3187, 3187, 0, 1465],
      ['m8g.large', 29, 574, 110, 434, [1465, 5029], 110, 574, 574, 6844, 6844, 0, 1465],
      ['c5.18xlarge', 737, 8362, 250, 11762, [3005, 129637], 250, 8362, 8362, 127934, 127934, 0, 3005],
      ['p4d.24xlarge', 737, 8362, 250, 11762, [3005, 129637], 250, 8362, 8362, 1082712, 1082712, 0, 3005],
    ]),
  },
  {
    title: '§6.2 (4) prefix delegation + custom networking: R=1, kubelet.maxPods = calc',
    mode: 'prefix-delegation+custom-networking',
    podEni: false,
    reservedEnis: 1,
    maxPodsIsCalc: true,
    calculator: { enisLess: 1, prefixDelegation: true },
    expression: (cap) => capped('((default_enis - 1) * ((ips_per_eni - 1) * 16)) + 2', cap),
    rows: rows([
      ['m5.large', 29, 574, 110, 290, [1465, 3445], 110, 475, 574, 7002, 6903, 99, 1465],
      ['m5.xlarge', 58, 893, 110, 674, [1465, 7669], 110, 739, 893, 14316, 14162, 154, 1465],
      ['t4g.medium', 17, 442, 110, 162, [1465, 2037], 110, 387, 442, 3242, 3187, 55, 1465],
      ['m8g.large', 29, 574, 110, 290, [1465, 3445], 110, 475, 574, 6943, 6844, 99, 1465],
      ['c5.18xlarge', 737, 8362, 250, 10978, [3005, 121013], 250, 7823, 8362, 128473, 127934, 539, 3005],
      ['p4d.24xlarge', 737, 8362, 250, 10978, [3005, 121013], 250, 7823, 8362, 1083251, 1082712, 539, 3005],
    ]),
  },
  {
    title: '§6.2 (5) pod ENI (security groups for pods): R=1, no kubelet.maxPods',
    mode: 'secondary-ip',
    podEni: true,
    reservedEnis: 1,
    maxPodsIsCalc: false,
    // The calculator has no SGP flag; the table uses --cni-max-eni E−1.
    calculator: { enisLess: 1, prefixDelegation: false },
    expression: () => CUSTOM_NETWORKING_EXPRESSION,
    rows: rows([
      ['m5.large', 29, 574, 20, 20, 475, [20, 9], 475, 574, 7002, 6903, 99, 475],
      ['m5.xlarge', 58, 893, 44, 44, 739, [44, 18], 739, 893, 14316, 14162, 154, 739],
      ['t4g.medium', 17, 442, 12, 12, 387, [12, 0], 387, 442, 3242, 3187, 55, 387],
      ['m8g.large', 29, 574, 20, 20, 475, [20, 9], 475, 574, 6943, 6844, 99, 475],
      ['c5.18xlarge', 737, 8362, 250, 688, 7823, [688, 107], 7823, 8362, 128473, 127934, 539, 7823],
      ['p4d.24xlarge', 737, 8362, 250, 688, 7823, [688, 62], 7823, 8362, 1083251, 1082712, 539, 7823],
    ]),
  },
];

for (const scenario of SCENARIOS) {
  describe(scenario.title, () => {
    /** The scenario as configured; a node-group launch has no kubelet.maxPods ("AMI maxPods (no override)"). */
    const overrides = (
      row: ScenarioRow,
      amiFamily: AmiFamily,
      extra: { launchedBy?: Launcher; version?: KarpenterVersion; maxPodsExpression?: string } = {},
    ): NodeConfigOverrides => ({
      amiFamily,
      launchedBy: extra.launchedBy ?? 'karpenter',
      cni: { mode: scenario.mode, podEni: scenario.podEni },
      kubelet: { maxPods: scenario.maxPodsIsCalc && extra.launchedBy !== 'node-group' ? row.calc : null },
      karpenter: { version: extra.version ?? LATEST_KARPENTER_VERSION, reservedEnis: scenario.reservedEnis },
      ...(extra.maxPodsExpression === undefined ? {} : { maxPodsExpression: extra.maxPodsExpression }),
    });

    it.each(scenario.rows)('$type: calc $calc ($calcRaw) from the eni-math helpers (max-pods-calculator.sh)', (row) => {
      const type = instanceType(row.type);
      const enis = type.maxEnis - scenario.calculator.enisLess;
      const raw = scenario.calculator.prefixDelegation
        ? prefixDelegationPods(enis, type.ipv4PerEni)
        : eniLimitedPods(enis, type.ipv4PerEni);
      expect(raw).toBe(row.calcRaw);
      expect(Math.min(raw, recommendedMaxPodsCeiling(type.hardware?.vcpu ?? 0))).toBe(row.calc);
    });

    it.each(scenario.rows)('$type: K pods $kPods (Karpenter and the node it launches), every release', (row) => {
      for (const amiFamily of ['al2', 'al2023', 'bottlerocket', 'custom'] as AmiFamily[]) {
        for (const version of ALL_FIX_ERAS) {
          const capacity = capacityOf(row.type, overrides(row, amiFamily, { version }));
          expect(capacity.karpenter.maxPods).toBe(row.kPods);
          expect(ready(capacity).maxPods).toBe(row.kPods);
          expect(ready(capacity).capacity.pods).toBe(row.kPods);
          expect(capacity.karpenter.cold.allocatable.pods).toBe(row.kPods);
          if (row.kPodEni !== null) {
            // §5.4: Karpenter's pod-eni capacity is B, additive to pods.
            expect(capacity.karpenter.podEni).toBe(row.kPodEni);
            expect(ready(capacity).network.podEni).toBe(row.kPodEni);
          }
        }
      }
    });

    it.each(scenario.rows)(
      '$type: K KR $kKrPreFix Mi on ≤1.5.1, $kKrPostFix Mi on ≥1.5.2 (AL2/AL2023/Custom)',
      (row) => {
        for (const amiFamily of ENI_TABLE_FAMILIES) {
          for (const version of PRE_FIX) {
            const capacity = capacityOf(row.type, overrides(row, amiFamily, { version }));
            expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(row.kKrPreFix));
          }
          for (const version of POST_FIX) {
            const capacity = capacityOf(row.type, overrides(row, amiFamily, { version }));
            expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(row.kKrPostFix));
          }
        }
      },
    );

    it.each(scenario.rows)(
      '$type: K alloc $kAllocPreFix / $kAllocPostFix Mi (cold estimate, 100Mi eviction)',
      (row) => {
        for (const amiFamily of ENI_TABLE_FAMILIES) {
          for (const version of PRE_FIX) {
            const capacity = capacityOf(row.type, overrides(row, amiFamily, { version }));
            expect(capacity.karpenter.cold.allocatable.memoryBytes).toBe(Mi(row.kAllocPreFix));
            expect(capacity.karpenter.cold.reserved.evictionMemoryBytes).toBe(Mi(100));
          }
          for (const version of POST_FIX) {
            const capacity = capacityOf(row.type, overrides(row, amiFamily, { version }));
            expect(capacity.karpenter.cold.allocatable.memoryBytes).toBe(Mi(row.kAllocPostFix));
          }
        }
      },
    );

    it.each(scenario.rows)('$type: over-est $overEstimate Mi on ≤1.5.1 against an AMI node, 0 on ≥1.5.2', (row) => {
      for (const amiFamily of ['al2', 'al2023'] as AmiFamily[]) {
        const before = capacityOf(row.type, overrides(row, amiFamily, { version: V1_5_1 }));
        const node = ready(before);
        // Without a measured MemTotal the node's capacity is the same estimate, so the gap is kube-reserved alone.
        expect(node.allocatable.memoryBytes).toBe(Mi(row.kAllocPostFix));
        expect((before.karpenter.relaunch.allocatable.memoryBytes ?? 0) - (node.allocatable.memoryBytes ?? 0)).toBe(
          Mi(row.overEstimate),
        );
        const over = find(before, 'KARPENTER_OVERESTIMATES_MEMORY');
        const m1 = find(before, 'KARPENTER_RESERVED_ENIS_KUBE_RESERVED');
        if (row.overEstimate > 0) {
          expect(over?.size).toEqual({ amount: Mi(row.overEstimate), unit: 'bytes' });
          expect(over?.window).toEqual({
            resource: 'memory',
            aboveExclusive: Mi(row.kAllocPostFix),
            upToInclusive: Mi(row.kAllocPreFix),
          });
          expect(m1?.size).toEqual({ amount: Mi(row.overEstimate), unit: 'bytes' }); // §8 M1: 11·R·(I−1) MiB
        } else {
          expect(over).toBeUndefined();
          expect(m1).toBeUndefined();
        }
        for (const version of POST_FIX) {
          const after = capacityOf(row.type, overrides(row, amiFamily, { version }));
          expect(after.karpenter.relaunch.allocatable.memoryBytes).toBe(ready(after).allocatable.memoryBytes);
          expect(codes(after)).not.toContain('KARPENTER_OVERESTIMATES_MEMORY');
          expect(codes(after)).not.toContain('KARPENTER_RESERVED_ENIS_KUBE_RESERVED');
        }
      }
    });

    it.each(scenario.rows)('$type: AMI maxPods (no override) $amiMaxPods, AMI KR $amiKr Mi (AL2, AL2023)', (row) => {
      for (const amiFamily of ['al2', 'al2023'] as AmiFamily[]) {
        const amiOnly = ready(capacityOf(row.type, overrides(row, amiFamily, { launchedBy: 'node-group' })));
        expect(amiOnly.maxPods).toBe(row.amiMaxPods);
        expect(amiOnly.amiMaxPods).toBe(row.amiMaxPods);
        expect(amiOnly.reserved.kubeReservedMemoryBytes).toBe(Mi(row.amiKr));
        // The AMIs detect neither custom networking, prefix delegation nor SGP, nor Karpenter's maxPods.
        for (const version of ALL_FIX_ERAS) {
          const byKarpenter = ready(capacityOf(row.type, overrides(row, amiFamily, { version })));
          expect(byKarpenter.reserved.kubeReservedMemoryBytes).toBe(Mi(row.amiKr));
          expect(byKarpenter.amiMaxPods).toBe(row.amiMaxPods);
        }
      }
    });

    it.each(scenario.rows)('$type: BR KR $brKr Mi (Bottlerocket with Karpenter’s pods; Karpenter agrees)', (row) => {
      for (const version of ALL_FIX_ERAS) {
        const capacity = capacityOf(row.type, overrides(row, 'bottlerocket', { version }));
        expect(ready(capacity).reserved.kubeReservedMemoryBytes).toBe(Mi(row.brKr));
        expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(row.brKr));
      }
    });

    const expression = scenario.expression;
    if (expression === null) {
      it.each(scenario.rows)(
        '$type: AL2023 KR w/o expr is the AMI KR $amiKr Mi; the standard expression agrees',
        (row) => {
          for (const launchedBy of ['karpenter', 'node-group'] as Launcher[]) {
            const plain = ready(capacityOf(row.type, overrides(row, 'al2023', { launchedBy })));
            expect(plain.reserved.kubeReservedMemoryBytes).toBe(Mi(row.amiKr));
            const standard = ready(
              capacityOf(
                row.type,
                overrides(row, 'al2023', { launchedBy, maxPodsExpression: '(default_enis * (ips_per_eni - 1)) + 2' }),
              ),
            );
            expect(standard.expression).toEqual({ status: 'value', maxPods: row.amiMaxPods });
            expect(standard.reserved.kubeReservedMemoryBytes).toBe(Mi(row.amiKr));
          }
        },
      );
    } else {
      it.each(scenario.rows)('$type: AL2023 KR w/ expr $exprKr Mi (uncapped: $exprKrUncapped)', (row) => {
        const variants: [string, number, number][] =
          row.exprKrUncapped === null
            ? [[expression(null), row.calcRaw, row.exprKr ?? Number.NaN]]
            : [
                [expression(row.calc), row.calc, row.exprKr ?? Number.NaN],
                [expression(null), row.calcRaw, row.exprKrUncapped],
              ];
        for (const [maxPodsExpression, expectedPods, expectedKr] of variants) {
          for (const launchedBy of ['karpenter', 'node-group'] as Launcher[]) {
            const capacity = capacityOf(row.type, overrides(row, 'al2023', { launchedBy, maxPodsExpression }));
            const node = ready(capacity);
            expect(node.expression).toEqual({ status: 'value', maxPods: expectedPods });
            expect(node.amiMaxPods).toBe(expectedPods);
            expect(node.reserved.kubeReservedMemoryBytes).toBe(Mi(expectedKr));
            if (launchedBy === 'node-group') expect(node.maxPods).toBe(expectedPods);
            else expect(node.maxPods).toBe(row.kPods); // Karpenter's maxPods wins in the drop-in (§2.4)
          }
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// §7 The m8g.large incident
// ---------------------------------------------------------------------------------------------------

describe('§7 the m8g.large pod-ENI launch loop', () => {
  const MEM_TOTAL = Ki(7948164); // derived in §7 step 2 from the write-up's allocatable
  const KUBELET_ALLOCATABLE = Ki(7257988);
  const THE_POD = Ki(7257989); // 6,848,389 KiB + 400 Mi of DaemonSets (§7 step 3)

  const incident = (overrides: NodeConfigOverrides = {}) =>
    capacityOf('m8g.large', {
      amiFamily: 'al2',
      launchedBy: 'karpenter',
      observedMemoryCapacityBytes: MEM_TOTAL,
      ...overrides,
      cni: { podEni: true, ...overrides.cni },
      karpenter: { version: V1_5_1, reservedEnis: 1, ...overrides.karpenter },
    });

  it('MemTotal 7,948,164 KiB is 8,138,919,936 B, page-granular', () => {
    expect(MEM_TOTAL).toBe(8_138_919_936);
    expect(MEM_TOTAL % 4096).toBe(0);
  });

  it('write-up step 3 (RESERVED_ENIS=0, pod ENI off): allocatable cpu 1930m, memory 7257988Ki, pods 29', () => {
    for (const launchedBy of ['karpenter', 'node-group'] as Launcher[]) {
      const capacity = incident({ launchedBy, cni: { podEni: false }, karpenter: { reservedEnis: 0 } });
      const node = ready(capacity);
      expect(node.allocatable).toEqual({ cpuMillis: 1930, memoryBytes: KUBELET_ALLOCATABLE, pods: 29 });
      expect(node.reserved.kubeReservedMemoryBytes).toBe(Ki(587776)); // 574 Mi
      expect(node.reserved.evictionMemoryBytes).toBe(Ki(102400)); // 100 Mi
    }
  });

  it('with R=1 Karpenter would have launched the node with maxPods 20; the AMI still reserves 574 Mi', () => {
    const node = ready(incident());
    expect(node.maxPods).toBe(20);
    expect(node.allocatable.memoryBytes).toBe(KUBELET_ALLOCATABLE);
  });

  it('Karpenter 1.5.1, R=1: cold 7,109,632 KiB (pod does not fit), warm 7,359,364 KiB (pod fits): a loop', () => {
    const capacity = incident();
    expect(capacity.karpenter.cold.capacity.memoryBytes).toBe(Ki(7698432)); // 7518 MiB
    expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Ki(486400)); // 475 Mi
    expect(capacity.karpenter.cold.allocatable.memoryBytes).toBe(Ki(7109632)); // 6943 MiB
    expect(capacity.karpenter.warm?.memorySource).toBe('observed');
    expect(capacity.karpenter.warm?.allocatable.memoryBytes).toBe(Ki(7359364));
    expect(capacity.karpenter.relaunch).toBe(capacity.karpenter.warm);
    expect(THE_POD).toBeGreaterThan(capacity.karpenter.cold.allocatable.memoryBytes ?? 0);
    expect(THE_POD).toBeLessThanOrEqual(capacity.karpenter.warm?.allocatable.memoryBytes ?? 0);
    expect(THE_POD).toBeGreaterThan(ready(capacity).allocatable.memoryBytes ?? 0);

    const loop = find(capacity, 'KARPENTER_OVERESTIMATES_MEMORY');
    expect(loop?.severity).toBe('error');
    expect(loop?.window).toEqual({ resource: 'memory', aboveExclusive: Ki(7257988), upToInclusive: Ki(7359364) });
    expect(loop?.size).toEqual({ amount: Ki(101376), unit: 'bytes' }); // 99 MiB = 11 × 1 × 9
    expect(find(capacity, 'KARPENTER_RESERVED_ENIS_KUBE_RESERVED')?.size.amount).toBe(Mi(99));
    // §8 M4: the estimate is 243.9 MiB below MemTotal.
    const estimate = find(capacity, 'KARPENTER_MEMORY_ESTIMATE');
    expect(estimate?.size.amount).toBe(Ki(7948164 - 7698432));
    expect((estimate?.size.amount ?? 0) / Mi(1)).toBeCloseTo(243.9, 1);
  });

  it.each(['1.5.2', '1.6.0'])('Karpenter %s (the fix): warm equals the kubelet’s 7257988Ki, no loop', (text) => {
    const capacity = incident({ karpenter: { version: karpenter(text) } });
    expect(capacity.karpenter.warm?.allocatable.memoryBytes).toBe(KUBELET_ALLOCATABLE);
    expect(THE_POD).toBeGreaterThan(capacity.karpenter.warm?.allocatable.memoryBytes ?? 0);
    expect(codes(capacity)).not.toContain('KARPENTER_OVERESTIMATES_MEMORY');
    expect(codes(capacity)).not.toContain('KARPENTER_FIRST_LAUNCH_OVERESTIMATES_MEMORY');
  });

  it('Karpenter 1.0.x (no capacity cache before v1.1.0) with the 7.5 % estimate: no loop', () => {
    for (const version of [V1_0_0, V1_0_9]) {
      const capacity = incident({ karpenter: { version } });
      expect(capacity.karpenter.warm).toBeNull();
      expect(capacity.karpenter.relaunch).toBe(capacity.karpenter.cold);
      expect(capacity.karpenter.relaunch.allocatable.memoryBytes).toBe(Ki(7109632));
      expect(codes(capacity)).not.toContain('KARPENTER_OVERESTIMATES_MEMORY');
      expect(codes(capacity)).toContain('KARPENTER_UNDERESTIMATES_MEMORY');
    }
  });

  it('Karpenter 1.0.0 with VM_MEMORY_OVERHEAD_PERCENT 0.05: the cold estimate alone loops', () => {
    const capacity = incident({ karpenter: { version: V1_0_0, vmMemoryOverheadPercent: 0.05 } });
    // 8128 − ceil(406.4) = 7721 MiB; 7721 − 475 − 100 = 7146 MiB.
    expect(capacity.karpenter.cold.capacity.memoryBytes).toBe(Mi(7721));
    expect(capacity.karpenter.cold.allocatable.memoryBytes).toBe(Mi(7146));
    expect(find(capacity, 'KARPENTER_OVERESTIMATES_MEMORY')?.window).toEqual({
      resource: 'memory',
      aboveExclusive: KUBELET_ALLOCATABLE,
      upToInclusive: Mi(7146),
    });
  });

  it('the §7 bound: without the cache a loop needs VM_MEMORY_OVERHEAD_PERCENT ≤ 0.0572', () => {
    const loops = (vmMemoryOverheadPercent: number, version = V1_0_0) =>
      codes(incident({ karpenter: { version, vmMemoryOverheadPercent } })).includes('KARPENTER_OVERESTIMATES_MEMORY');
    expect(loops(0.0572)).toBe(true);
    expect(loops(0.0573)).toBe(false);
    expect(loops(DEFAULT_VM_MEMORY_OVERHEAD_PERCENT)).toBe(false);
  });

  it('the §7 bound: the fix alone flips the cold outcome only for 0.0450 < p ≤ 0.0572', () => {
    const coldFits = (vmMemoryOverheadPercent: number, version: KarpenterVersion) =>
      (incident({ karpenter: { version, vmMemoryOverheadPercent } }).karpenter.cold.allocatable.memoryBytes ?? 0) >=
      THE_POD;
    for (const p of [0.0451, 0.05, 0.0572]) {
      expect(coldFits(p, V1_5_1)).toBe(true);
      expect(coldFits(p, V1_5_2)).toBe(false);
    }
    for (const p of [0.045, 0.04]) {
      expect(coldFits(p, V1_5_1)).toBe(true);
      expect(coldFits(p, V1_5_2)).toBe(true);
    }
    expect(coldFits(0.0573, V1_5_1)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// Karpenter by release (§5, §9)
// ---------------------------------------------------------------------------------------------------

describe('Karpenter by release (§5, §9)', () => {
  it('RESERVED_ENIS lowers kube-reserved up to v1.5.1 only (§5.6, PR #8205/#8214); pods in every release', () => {
    const kr = (version: KarpenterVersion) =>
      capacityOf('m5.large', { amiFamily: 'al2023', karpenter: { version, reservedEnis: 1 } }).karpenter;
    expect(kr(V1_5_1).cold.reserved.kubeReservedMemoryBytes).toBe(Mi(475));
    expect(kr(V1_5_1).cold.reserved.kubeReservedMemoryPods).toBe(20);
    for (const version of POST_FIX) {
      expect(kr(version).cold.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
      expect(kr(version).cold.reserved.kubeReservedMemoryPods).toBe(29);
    }
    for (const version of [V0_28_0, V1_5_1, ...POST_FIX]) expect(kr(version).maxPods).toBe(20);
    // The v1.0-v1.4 lines never got the backport (§7 step 5).
    expect(kr(karpenter('1.4.9')).cold.reserved.kubeReservedMemoryBytes).toBe(Mi(475));
  });

  it('RESERVED_ENIS does not exist before v0.28.0 (PR #3516)', () => {
    const view = capacityOf('m5.large', { karpenter: { version: V0_27_0, reservedEnis: 1 } }).karpenter;
    expect(view.reservedEnis).toBe(0);
    expect(view.maxPods).toBe(29);
    expect(view.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
  });

  it('RESERVED_ENIS is global: it lowers t4g.medium (no trunking) from 17 to 12 pods (§5.1)', () => {
    expect(capacityOf('t4g.medium', { karpenter: { reservedEnis: 1 } }).karpenter.maxPods).toBe(12);
  });

  it('the capacity cache arrives in v1.1.0 (PR #7004): warm is null before', () => {
    const observed = { observedMemoryCapacityBytes: Ki(7948164) };
    for (const version of [V0_28_0, V1_0_0, V1_0_9]) {
      const view = capacityOf('m8g.large', { ...observed, karpenter: { version } }).karpenter;
      expect(view.warm).toBeNull();
      expect(view.relaunch).toBe(view.cold);
    }
    for (const version of [V1_1_0, V1_5_1, ...POST_FIX]) {
      const view = capacityOf('m8g.large', { ...observed, karpenter: { version } }).karpenter;
      expect(view.warm?.capacity.memoryBytes).toBe(Ki(7948164));
      expect(view.relaunch).toBe(view.warm);
      // Without a registered node the cache holds nothing: warm is the estimate.
      expect(capacityOf('m8g.large', { karpenter: { version } }).karpenter.warm?.capacity.memoryBytes).toBe(Mi(7518));
    }
  });

  it('arm64 loses 64 MiB before the VM overhead since v0.28.0 (PR #3940); amd64 never', () => {
    const estimate = (type: string, version: KarpenterVersion) =>
      capacityOf(type, { karpenter: { version } }).karpenter.cold.capacity.memoryBytes;
    expect(estimate('m8g.large', V0_27_0)).toBe(Mi(8192 - 615));
    expect(estimate('m8g.large', V0_28_0)).toBe(Mi(7518));
    expect(estimate('t4g.medium', V0_27_0)).toBe(Mi(4096 - 308)); // ceil(4096 × 0.075 = 307.2)
    expect(estimate('t4g.medium', V0_28_0)).toBe(Mi(3729));
    expect(estimate('m5.large', V0_27_0)).toBe(Mi(7577));
    expect(estimate('m5.large', V0_28_0)).toBe(Mi(7577));
  });

  it('VM_MEMORY_OVERHEAD_PERCENT defaults to 7.5 % (PR #1953)', () => {
    expect(DEFAULT_VM_MEMORY_OVERHEAD_PERCENT).toBe(0.075);
    expect(makeNodeConfig(instanceType('m5.large')).karpenter.vmMemoryOverheadPercent).toBe(0.075);
  });

  it('evictionSoft counts before v1.9.0 and not after (PR #8565); the kubelet counts only evictionHard', () => {
    const soft = { kubelet: { evictionSoft: { memoryAvailable: threshold('500Mi') } } };
    for (const amiFamily of ENI_TABLE_FAMILIES) {
      const old = capacityOf('m5.large', { ...soft, amiFamily, karpenter: { version: V1_8_3 } });
      expect(old.karpenter.cold.reserved.evictionMemoryBytes).toBe(Mi(500));
      expect(ready(old).reserved.evictionMemoryBytes).toBe(Mi(100));
      expect(find(old, 'KARPENTER_COUNTS_EVICTION_SOFT')?.size).toEqual({ amount: Mi(400), unit: 'bytes' });
      expect(codes(old)).not.toContain('KARPENTER_OVERESTIMATES_MEMORY'); // §8 M6: it over-reserves (safe)
      const now = capacityOf('m5.large', { ...soft, amiFamily, karpenter: { version: V1_9_0 } });
      expect(now.karpenter.cold.reserved.evictionMemoryBytes).toBe(Mi(100));
      expect(codes(now)).not.toContain('KARPENTER_COUNTS_EVICTION_SOFT');
    }
    // Bottlerocket is not among the families whose soft thresholds Karpenter counts (§5.3, §8 M6).
    const bottlerocket = capacityOf('m5.large', { ...soft, amiFamily: 'bottlerocket', karpenter: { version: V1_8_3 } });
    expect(bottlerocket.karpenter.cold.reserved.evictionMemoryBytes).toBe(Mi(100));
  });

  it('before v1.9.0 a soft threshold alone replaces the 100Mi base, even when smaller (types.go evictionThreshold)', () => {
    // Karpenter v1.5.1 evictionThreshold: the signals override the base map, so soft 50Mi with no hard
    // gives 50Mi while the kubelet keeps its 100Mi default: Karpenter under-reserves by 50 Mi.
    const capacity = capacityOf('m5.large', {
      kubelet: { evictionSoft: { memoryAvailable: threshold('50Mi') } },
      karpenter: { version: V1_8_3 },
    });
    expect(capacity.karpenter.cold.reserved.evictionMemoryBytes).toBe(Mi(50));
    expect(ready(capacity).reserved.evictionMemoryBytes).toBe(Mi(100));
    expect(find(capacity, 'KARPENTER_OVERESTIMATES_MEMORY')?.size.amount).toBe(Mi(50));
  });

  it('before v1.9.0 the larger of hard and soft counts', () => {
    const both = capacityOf('m5.large', {
      kubelet: {
        evictionHard: { memoryAvailable: threshold('200Mi') },
        evictionSoft: { memoryAvailable: threshold('300Mi') },
      },
      karpenter: { version: V1_8_3 },
    });
    expect(both.karpenter.cold.reserved.evictionMemoryBytes).toBe(Mi(300));
    expect(ready(both).reserved.evictionMemoryBytes).toBe(Mi(200));
  });

  it('a percentage evictionHard: Karpenter ceil(estimate/100·p), the kubelet trunc(MemTotal·float32(p/100)) (§5.3, §1.2, §8 M5)', () => {
    const capacity = capacityOf('m8g.large', {
      amiFamily: 'al2',
      observedMemoryCapacityBytes: Ki(7948164),
      kubelet: { evictionHard: { memoryAvailable: threshold('5%') } },
      karpenter: { version: V1_6_0 },
    });
    // Karpenter: ceil(7518 MiB = 7,883,194,368 B / 100 × 5 = 394,159,718.4); on the estimate even when warm.
    expect(capacity.karpenter.cold.reserved.evictionMemoryBytes).toBe(394_159_719);
    expect(capacity.karpenter.warm?.reserved.evictionMemoryBytes).toBe(394_159_719);
    // kubelet: float32(5)/100 = 13421773/2^28; 8,138,919,936 × that = 406,946,002.86 → 406,946,002.
    expect(ready(capacity).reserved.evictionMemoryBytes).toBe(406_946_002);
    expect(find(capacity, 'EVICTION_PERCENTAGE_ON_ESTIMATE')?.size.amount).toBe(406_946_002 - 394_159_719);
    // The 12.2 MiB gap makes Karpenter over-estimate allocatable on a warm cache.
    expect(find(capacity, 'KARPENTER_OVERESTIMATES_MEMORY')?.size.amount).toBe(406_946_002 - 394_159_719);
  });

  it('Bottlerocket: kube-reserved follows pods in every release (§5.3, §5.5)', () => {
    for (const version of ALL_FIX_ERAS) {
      const capacity = capacityOf('m5.large', {
        amiFamily: 'bottlerocket',
        kubelet: { maxPods: 50 },
        karpenter: { version },
      });
      expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(11 * 50 + 255));
      expect(ready(capacity).reserved.kubeReservedMemoryBytes).toBe(Mi(805));
      // AL2023 ignores kubelet.maxPods for kube-reserved, on both sides.
      const al2023 = capacityOf('m5.large', { amiFamily: 'al2023', kubelet: { maxPods: 50 }, karpenter: { version } });
      expect(al2023.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
      expect(ready(al2023).reserved.kubeReservedMemoryBytes).toBe(Mi(574));
      expect(ready(al2023).maxPods).toBe(50);
    }
  });

  it('podsPerCore: min(podsPerCore·vCPU, pods), ignored on Bottlerocket (§1.1, §5.1)', () => {
    const perCore = (amiFamily: AmiFamily, podsPerCore: number, launchedBy: Launcher = 'karpenter') =>
      capacityOf('m5.large', { amiFamily, launchedBy, kubelet: { podsPerCore } });
    for (const amiFamily of ENI_TABLE_FAMILIES) {
      expect(perCore(amiFamily, 4).karpenter.maxPods).toBe(8);
      expect(perCore(amiFamily, 4).karpenter.maxPodsSource).toBe('pods-per-core');
      expect(ready(perCore(amiFamily, 4)).maxPods).toBe(8);
      expect(ready(perCore(amiFamily, 4, 'node-group')).maxPods).toBe(8);
      expect(perCore(amiFamily, 20).karpenter.maxPods).toBe(29);
      expect(ready(perCore(amiFamily, 20)).maxPods).toBe(29);
      // kube-reserved stays on the ENI table's 29 pods.
      expect(perCore(amiFamily, 4).karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
      expect(ready(perCore(amiFamily, 4)).reserved.kubeReservedMemoryBytes).toBe(Mi(574));
    }
    const bottlerocket = perCore('bottlerocket', 4);
    expect(bottlerocket.karpenter.maxPods).toBe(29);
    expect(ready(bottlerocket).maxPods).toBe(29);
    expect(bottlerocket.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
  });

  it('§5.6 unit case t3.large, R=1, post-fix: pods 24; KR 640Mi for AL2/AL2023/Custom, 519Mi for Bottlerocket', () => {
    for (const version of POST_FIX) {
      for (const amiFamily of ENI_TABLE_FAMILIES) {
        const view = capacityOf('t3.large', { amiFamily, karpenter: { version, reservedEnis: 1 } }).karpenter;
        expect(view.maxPods).toBe(24);
        expect(view.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(640));
      }
      const bottlerocket = capacityOf('t3.large', {
        amiFamily: 'bottlerocket',
        karpenter: { version, reservedEnis: 1 },
      }).karpenter;
      expect(bottlerocket.maxPods).toBe(24);
      expect(bottlerocket.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(519));
    }
    // Before the fix every family reserved for 24 pods.
    for (const amiFamily of ['al2', 'al2023', 'custom', 'bottlerocket'] as AmiFamily[]) {
      const view = capacityOf('t3.large', { amiFamily, karpenter: { version: V1_5_1, reservedEnis: 1 } }).karpenter;
      expect(view.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(519));
    }
  });

  it('a user kubeReserved.memory replaces the computed key on both sides (§5.3)', () => {
    const capacity = capacityOf('m5.large', {
      kubelet: { kubeReserved: { cpuMillis: null, memoryBytes: Mi(1000) } },
      karpenter: { version: V1_5_1, reservedEnis: 1 },
    });
    expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(1000));
    expect(ready(capacity).reserved.kubeReservedMemoryBytes).toBe(Mi(1000));
    expect(capacity.karpenter.cold.reserved.kubeReservedCpuMillis).toBe(70);
    expect(codes(capacity)).not.toContain('KARPENTER_RESERVED_ENIS_KUBE_RESERVED');
  });
});

// ---------------------------------------------------------------------------------------------------
// AMI-only nodes (§2.3, §2.4, §3, §8 M7-M9)
// ---------------------------------------------------------------------------------------------------

describe('AMI-only nodes (launched by a node group)', () => {
  const amiNode = (type: string, amiFamily: AmiFamily, overrides: NodeConfigOverrides = {}) =>
    capacityOf(type, { amiFamily, launchedBy: 'node-group', ...overrides });

  it('AL2023, type unknown to nodeadm and no EC2 API: maxPods 110, KR 1465Mi whatever the size (§2.4, M8)', () => {
    for (const type of ['m5.large', 'c5.18xlarge', 't4g.medium']) {
      const capacity = amiNode(type, 'al2023', { amiKnowsInstanceType: false });
      const node = ready(capacity);
      expect(node.maxPods).toBe(110);
      expect(node.maxPodsSource).toBe('default-110');
      expect(node.reserved.kubeReservedMemoryBytes).toBe(Mi(1465));
      expect(find(capacity, 'AL2023_UNKNOWN_TYPE')?.size).toEqual({ amount: Mi(1465), unit: 'bytes' });
    }
  });

  it('AL2023 unknown type under Karpenter: the node reserves 1465 Mi, Karpenter 574 Mi on m5.large (M8 with Karpenter)', () => {
    const capacity = capacityOf('m5.large', { amiFamily: 'al2023', amiKnowsInstanceType: false });
    expect(ready(capacity).maxPods).toBe(29); // Karpenter's maxPods in the drop-in
    expect(ready(capacity).reserved.kubeReservedMemoryBytes).toBe(Mi(1465));
    expect(capacity.karpenter.cold.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
    expect(find(capacity, 'KARPENTER_OVERESTIMATES_MEMORY')?.size.amount).toBe(Mi(1465 - 574));
  });

  it('Bottlerocket, type missing from its table: maxPods 110 and no kube-reserved memory (§3, M7)', () => {
    const capacity = amiNode('m8g.large', 'bottlerocket', { amiKnowsInstanceType: false });
    const node = ready(capacity);
    expect(node.maxPods).toBe(110);
    expect(node.reserved.kubeReservedMemoryBytes).toBe(0);
    expect(node.reserved.kubeReservedMemoryPods).toBeNull();
    const m7 = find(capacity, 'BOTTLEROCKET_UNKNOWN_TYPE');
    expect(m7?.severity).toBe('warning');
    expect(m7?.size).toEqual({ amount: Mi(574), unit: 'bytes' }); // up to KR_mem(ENI(E))
    // A user max-pods setting brings the reservation back: KR_mem(max-pods).
    const set = ready(amiNode('m8g.large', 'bottlerocket', { amiKnowsInstanceType: false, kubelet: { maxPods: 50 } }));
    expect(set.reserved.kubeReservedMemoryBytes).toBe(Mi(805));
  });

  it('Bottlerocket, type missing, launched by Karpenter: max-pods is set, so kube-reserved follows it', () => {
    const capacity = capacityOf('m8g.large', { amiFamily: 'bottlerocket', amiKnowsInstanceType: false });
    expect(ready(capacity).maxPods).toBe(29);
    expect(ready(capacity).reserved.kubeReservedMemoryBytes).toBe(Mi(574));
    expect(find(capacity, 'BOTTLEROCKET_UNKNOWN_TYPE')?.severity).toBe('info');
  });

  it('Bottlerocket, known type: its table value and KR_mem of it; kubelet default eviction 100Mi (§3)', () => {
    const node = ready(amiNode('m5.large', 'bottlerocket'));
    expect(node.maxPods).toBe(29);
    expect(node.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
    expect(node.reserved.evictionMemoryBytes).toBe(Mi(100));
  });

  it('AL2, type unknown and no EC2 API: bootstrap aborts (§2.3, M9)', () => {
    const capacity = amiNode('m5.large', 'al2', { amiKnowsInstanceType: false });
    expect(capacity.node.status).toBe('bootstrap-failed');
    expect(find(capacity, 'AL2_BOOTSTRAP_FAILS')?.severity).toBe('error');
  });

  it('a user kubelet maxPods on AL2023 or AL2 changes maxPods, not kube-reserved (§2.3, §2.4)', () => {
    for (const amiFamily of ['al2', 'al2023'] as AmiFamily[]) {
      const capacity = amiNode('m5.large', amiFamily, { kubelet: { maxPods: 50 } });
      const node = ready(capacity);
      expect(node.maxPods).toBe(50);
      expect(node.maxPodsSource).toBe('kubelet-setting');
      expect(node.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
      expect(find(capacity, 'KUBE_RESERVED_IGNORES_MAX_PODS')?.size.amount).toBe(Mi(11 * (50 - 29)));
    }
  });

  it('nodeadm e2e kubelet-config-max-pods: max_pods + 2 on a 58-pod type gives 60 and 915Mi; the drop-in maxPods 1 wins', () => {
    const type = 'm5.xlarge'; // ENI value 58 (§6.2)
    const expression = ready(amiNode(type, 'al2023', { maxPodsExpression: 'max_pods + 2' }));
    expect(expression.maxPods).toBe(60);
    expect(expression.maxPodsSource).toBe('max-pods-expression');
    expect(expression.reserved.kubeReservedMemoryBytes).toBe(Mi(915));
    const dropIn = ready(amiNode(type, 'al2023', { maxPodsExpression: 'max_pods + 2', kubelet: { maxPods: 1 } }));
    expect(dropIn.maxPods).toBe(1);
    expect(dropIn.amiMaxPods).toBe(60);
    expect(dropIn.reserved.kubeReservedMemoryBytes).toBe(Mi(915));
  });

  it.each([
    'max_pods +', // does not compile
    'default_enis + fake_variable', // unknown variable (nodeadm unit case)
    'max_pods - 29', // 0
    'max_pods - 30', // negative
    'true', // not an integer (nodeadm unit case)
    'default_enis * 2147483647', // above int32
  ])('an invalid maxPodsExpression %j falls back to the standard value (§2.4)', (maxPodsExpression) => {
    const capacity = amiNode('m5.large', 'al2023', { maxPodsExpression });
    const node = ready(capacity);
    expect(node.expression?.status).toBe('fallback');
    expect(node.maxPods).toBe(29);
    expect(node.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
    expect(codes(capacity)).toContain('MAX_PODS_EXPRESSION_FALLBACK');
  });

  it('AL2 has no maxPodsExpression (nodeadm only)', () => {
    const node = ready(amiNode('m5.large', 'al2', { maxPodsExpression: 'max_pods + 2' }));
    expect(node.maxPods).toBe(29);
    expect(node.reserved.kubeReservedMemoryBytes).toBe(Mi(574));
  });

  it('M3: a PD expression capped at 110 on m5.large reserves 1465 Mi; Karpenter assumes 574 Mi (891 Mi)', () => {
    const capacity = capacityOf('m5.large', {
      amiFamily: 'al2023',
      maxPodsExpression: capped('(default_enis * ((ips_per_eni - 1) * 16)) + 2', 110),
      kubelet: { maxPods: 110 },
    });
    const m3 = find(capacity, 'MAX_PODS_EXPRESSION_UNKNOWN_TO_KARPENTER');
    expect(m3?.size).toEqual({ amount: Mi(891), unit: 'bytes' });
    expect(m3?.severity).toBe('warning');
  });

  it('AL2/AL2023 eviction 100Mi, no systemReserved (§2.3, §2.4)', () => {
    for (const amiFamily of ['al2', 'al2023'] as AmiFamily[]) {
      const node = ready(amiNode('m5.large', amiFamily));
      expect(node.reserved.evictionMemoryBytes).toBe(Mi(100));
      expect(node.reserved.systemReservedMemoryBytes).toBe(0);
      expect(node.reserved.systemReservedCpuMillis).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Pod IPs (vpc-cni-ipam.md §1, §4.1, §5, §6, §8)
// ---------------------------------------------------------------------------------------------------

describe('pod IPs from the VPC CNI (vpc-cni-ipam.md)', () => {
  const network = (type: string, cni: NodeConfigOverrides['cni'], launchedBy: Launcher = 'node-group') =>
    ready(capacityOf(type, { launchedBy, ...(cni === undefined ? {} : { cni }) })).network;

  it.each([
    { label: 'secondary IPs: 3 ENIs × 9 (§1)', cni: { mode: 'secondary-ip' }, podIps: 27 },
    { label: 'custom networking: the primary ENI carries none (§5)', cni: { mode: 'custom-networking' }, podIps: 18 },
    { label: 'pod ENI: the trunk takes a slot and carries none (§6)', cni: { podEni: true }, podIps: 18 },
    { label: 'custom networking + pod ENI', cni: { mode: 'custom-networking', podEni: true }, podIps: 9 },
    { label: 'prefix delegation: 9 slots × 3 ENIs × 16 (§4.1)', cni: { mode: 'prefix-delegation' }, podIps: 432 },
    {
      label: 'prefix delegation + custom networking',
      cni: { mode: 'prefix-delegation+custom-networking' },
      podIps: 288,
    },
    { label: 'MAX_ENI=2 (§1 E_max)', cni: { maxEni: 2 }, podIps: 18 },
    { label: 'MAX_ENI=0 is ignored (§1 E_max)', cni: { maxEni: 0 }, podIps: 27 },
  ] as { label: string; cni: NodeConfigOverrides['cni']; podIps: number }[])(
    'm5.large, $label: $podIps pod IPs',
    ({ cni, podIps }) => {
      expect(network('m5.large', cni).podIps).toBe(podIps);
    },
  );

  it('m5.xlarge under custom networking: 42 pod IPs (§5)', () => {
    expect(network('m5.xlarge', { mode: 'custom-networking' }).podIps).toBe(42);
  });

  it('the trunk: m5.large advertises 9 pod-eni; t4g.medium cannot trunk (§6)', () => {
    const trunk = network('m5.large', { podEni: true });
    expect(trunk.trunkEni).toBe(true);
    expect(trunk.podEni).toBe(9);
    const noTrunk = capacityOf('t4g.medium', { launchedBy: 'node-group', cni: { podEni: true } });
    expect(ready(noTrunk).network.trunkEni).toBe(false);
    expect(ready(noTrunk).network.podIps).toBe(15);
    expect(codes(noTrunk)).toContain('POD_ENI_UNSUPPORTED');
  });

  it.each([
    ['m4.large', 18], // 2 ENIs × 9
    ['t2.medium', 15], // 3 ENIs × 5
  ])('prefix delegation on xen %s falls back to secondary IPs: %i (§4.1)', (type, podIps) => {
    const capacity = capacityOf(type, { launchedBy: 'node-group', cni: { mode: 'prefix-delegation' } });
    expect(instanceType(type).hypervisor).toBe('xen');
    expect(ready(capacity).network.prefixDelegation).toBe(false);
    expect(ready(capacity).network.podIps).toBe(podIps);
    expect(codes(capacity)).toContain('PREFIX_DELEGATION_UNSUPPORTED');
  });

  it('custom networking with R=0: maxPods 29 admits 27 IP pods, the CNI gives 18: 9 pods hang (§5, M10)', () => {
    for (const launchedBy of ['karpenter', 'node-group'] as Launcher[]) {
      const capacity = capacityOf('m5.large', { launchedBy, cni: { mode: 'custom-networking' } });
      const m10 = find(capacity, 'MAX_PODS_EXCEEDS_POD_IPS');
      expect(m10?.severity).toBe('error');
      expect(m10?.size).toEqual({ amount: 9, unit: 'pods' });
    }
  });

  it('custom networking with R=1: maxPods 20 admits 18 IP pods, exactly the CNI’s 18 (§5)', () => {
    const capacity = capacityOf('m5.large', { cni: { mode: 'custom-networking' }, karpenter: { reservedEnis: 1 } });
    expect(ready(capacity).maxPods).toBe(20);
    expect(codes(capacity)).not.toContain('MAX_PODS_EXCEEDS_POD_IPS');
    expect(codes(capacity)).not.toContain('MAX_PODS_BELOW_POD_IPS');
  });

  it('SGP without RESERVED_ENIS: 27 IP pods on 18 IPs (§6: "18, versus the formula’s 29 − 2 = 27")', () => {
    const capacity = capacityOf('m5.large', { cni: { podEni: true } });
    expect(find(capacity, 'MAX_PODS_EXCEEDS_POD_IPS')?.size.amount).toBe(9);
  });

  it('host-network pods: fewer than 2 let pods past IP capacity, more leave IPs unused (§8)', () => {
    expect(find(capacityOf('m5.large', { hostNetworkPods: 1 }), 'MAX_PODS_EXCEEDS_POD_IPS')?.size.amount).toBe(1);
    expect(codes(capacityOf('m5.large', { hostNetworkPods: 2 }))).not.toContain('MAX_PODS_EXCEEDS_POD_IPS');
    expect(codes(capacityOf('m5.large', { hostNetworkPods: 3 }))).not.toContain('MAX_PODS_EXCEEDS_POD_IPS');
  });
});

describe('pod ENI with MAX_ENI=1 (vpc-cni-ipam.md §6: the trunk needs a free slot)', () => {
  it('m5.large: no trunk, the primary ENI keeps its 9 pod IPs and no pod-eni is advertised', () => {
    const network = capacityOf('m5.large', { cni: { podEni: true, maxEni: 1 } }).node.network;
    expect(network).toMatchObject({ trunkEni: false, podEnis: 1, podIps: 9, podEni: 0 });
  });
});
