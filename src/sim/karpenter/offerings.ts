/**
 * What a NodePool can launch: its instance types with the labels Karpenter gives them, and the
 * offerings (zone × capacity type) of each that the NodePool's requirements admit. Offerings are kept
 * as bit masks per type — bit `2·zone + capacityType` — so that intersecting a pod's requirements with a
 * NodeClaim's is one AND per type (Karpenter's scheduling.Requirements intersection, for the keys a
 * scenario carries).
 */

import type { InstanceType } from '../../core/instance-type.js';
import { matchesNodeAffinity, requirementMatches, type SchedulerNode, tolerates } from '../kube-scheduler.js';
import type { CapacityType, NodeClassSpec, NodePoolSpec, PodTemplate, Taint } from '../model.js';
import { familyPrefix } from '../quota.js';

export const CAPACITY_TYPES: readonly CapacityType[] = ['on-demand', 'spot'];

export const LABEL = {
  instanceType: 'node.kubernetes.io/instance-type',
  arch: 'kubernetes.io/arch',
  os: 'kubernetes.io/os',
  zone: 'topology.kubernetes.io/zone',
  capacityType: 'karpenter.sh/capacity-type',
  nodePool: 'karpenter.sh/nodepool',
  family: 'karpenter.k8s.aws/instance-family',
  category: 'karpenter.k8s.aws/instance-category',
  generation: 'karpenter.k8s.aws/instance-generation',
  size: 'karpenter.k8s.aws/instance-size',
  cpu: 'karpenter.k8s.aws/instance-cpu',
  memory: 'karpenter.k8s.aws/instance-memory',
  hypervisor: 'karpenter.k8s.aws/instance-hypervisor',
  gpuCount: 'karpenter.k8s.aws/instance-gpu-count',
} as const;

/** Keys Karpenter's AWS provider derives from the instance type or offering; other keys are the NodePool's own labels. */
const WELL_KNOWN = new Set<string>([...Object.values(LABEL), 'karpenter.k8s.aws/instance-local-nvme']);

/** The GPU resource an NVIDIA type advertises through its device plugin (Karpenter types.go nvidiaGPUs). */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';

export function nvidiaGpus(type: InstanceType): number {
  const prefix = familyPrefix(type.family);
  return prefix === 'g' || prefix === 'p' ? (type.gpus ?? 0) : 0;
}

/** The labels Karpenter's AWS provider puts on a node of this type (instancetype/types.go computeRequirements). */
export function instanceTypeLabels(type: InstanceType): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.instanceType]: type.name,
    [LABEL.os]: 'linux',
    [LABEL.family]: type.family,
    [LABEL.size]: type.name.slice(type.name.indexOf('.') + 1),
  };
  const generation = /^[a-z]+(\d+)/.exec(type.family)?.[1];
  labels[LABEL.category] = familyPrefix(type.family);
  if (generation !== undefined) labels[LABEL.generation] = generation;
  if (type.hardware) {
    labels[LABEL.arch] = type.hardware.architecture;
    labels[LABEL.cpu] = String(type.hardware.vcpu);
    labels[LABEL.memory] = String(type.hardware.memoryMib);
  }
  if (type.hypervisor !== null && type.hypervisor !== 'unknown') labels[LABEL.hypervisor] = type.hypervisor;
  const gpus = type.gpus ?? 0;
  if (gpus > 0) labels[LABEL.gpuCount] = String(gpus);
  return labels;
}

/** Whether a pod tolerates every NoSchedule/NoExecute taint of a NodePool's template. */
export function toleratesPool(template: PodTemplate, taints: readonly Taint[]): boolean {
  return taints.every(
    (taint) => taint.effect === 'PreferNoSchedule' || template.tolerations.some((t) => tolerates(t, taint)),
  );
}

/** One instance type a NodePool may launch, with its offering mask. */
export interface PoolType {
  readonly type: InstanceType;
  /** Offerings the NodePool's requirements admit: bit 2·zoneIndex + capacityTypeIndex. */
  readonly mask: number;
  /** The node's labels for each offering bit (undefined where the bit is not in `mask`). */
  readonly labelsByOffering: readonly (Readonly<Record<string, string>> | undefined)[];
}

export interface PoolCatalog {
  readonly pool: NodePoolSpec;
  readonly nodeClass: NodeClassSpec;
  /** Zones where the EC2NodeClass has a subnet, sorted. */
  readonly zones: readonly string[];
  readonly types: readonly PoolType[];
  /** Labels from the NodePool's template and its In requirements on keys of its own. */
  readonly poolLabels: Readonly<Record<string, string>>;
}

export function offeringBit(zoneIndex: number, capacityType: CapacityType): number {
  return 1 << (2 * zoneIndex + (capacityType === 'spot' ? 1 : 0));
}

export function offeringOf(bit: number, zones: readonly string[]): { zone: string; capacityType: CapacityType } {
  const index = 31 - Math.clz32(bit);
  return { zone: zones[index >> 1] ?? '', capacityType: index & 1 ? 'spot' : 'on-demand' };
}

/**
 * The NodePool's types and offerings. Karpenter v1 launches On-Demand when a NodePool does not constrain
 * `karpenter.sh/capacity-type` (our reading of its defaults); a type without vCPU and memory facts cannot
 * be sized by Karpenter and is left out.
 */
export function buildPoolCatalog(
  pool: NodePoolSpec,
  nodeClass: NodeClassSpec,
  zoneOfSubnet: ReadonlyMap<string, string>,
  types: readonly InstanceType[],
): PoolCatalog {
  const zones = [...new Set(nodeClass.subnetIds.map((id) => zoneOfSubnet.get(id)).filter((z) => z !== undefined))]
    .map(String)
    .sort();
  const poolLabels: Record<string, string> = { ...pool.labels, [LABEL.nodePool]: pool.name };
  for (const req of pool.requirements) {
    if (!WELL_KNOWN.has(req.key) && req.operator === 'In' && poolLabels[req.key] === undefined) {
      poolLabels[req.key] = req.values[0] ?? '';
    }
  }
  const requirements = [...pool.requirements];
  if (!requirements.some((r) => r.key === LABEL.capacityType)) {
    requirements.push({ key: LABEL.capacityType, operator: 'In', values: ['on-demand'], minValues: null });
  }
  const out: PoolType[] = [];
  for (const type of types) {
    // Karpenter sizes types by their vCPUs and memory, and EKS nodes run Linux: Mac instances are out.
    if (type.hardware === null || familyPrefix(type.family) === 'mac') continue;
    const base = { ...instanceTypeLabels(type), ...poolLabels };
    let mask = 0;
    const labelsByOffering: (Record<string, string> | undefined)[] = [];
    for (let z = 0; z < zones.length; z += 1) {
      for (const capacityType of CAPACITY_TYPES) {
        const labels: Record<string, string> = {
          ...base,
          [LABEL.zone]: zones[z] ?? '',
          [LABEL.capacityType]: capacityType,
        };
        // Requirements on the NodePool's own keys only label the node; they exclude no type.
        const admitted = requirements.every(
          (req) =>
            (!WELL_KNOWN.has(req.key) && base[req.key] !== undefined) || requirementMatches(req, labels[req.key]),
        );
        if (!admitted) continue;
        const bit = offeringBit(z, capacityType);
        mask |= bit;
        labelsByOffering[31 - Math.clz32(bit)] = labels;
      }
    }
    if (mask !== 0) out.push({ type, mask, labelsByOffering });
  }
  return { pool, nodeClass, zones, types: out, poolLabels };
}

/** A stand-in node for evaluating a pod's nodeSelector and required node affinity against labels. */
function labelNode(labels: Readonly<Record<string, string>>): SchedulerNode {
  return {
    id: -1,
    name: '',
    labels,
    zone: labels[LABEL.zone] ?? null,
    taints: [],
    unschedulable: false,
    allocatable: { cpuMillis: 0, memoryBytes: 0, pods: 0, extended: new Map() },
    requested: {
      cpuMillis: 0,
      memoryBytes: 0,
      pods: 0,
      extended: new Map(),
      nonZeroCpuMillis: 0,
      nonZeroMemoryBytes: 0,
    },
  };
}

/**
 * The offerings of each pool type a pod may land on: null when the pod does not tolerate the NodePool's
 * taints. A pod without a node selector or affinity takes the NodePool's masks as they are.
 */
export function podOfferingMasks(catalog: PoolCatalog, template: PodTemplate): Int32Array | null {
  if (!toleratesPool(template, catalog.pool.taints)) return null;
  const masks = new Int32Array(catalog.types.length);
  const free = Object.keys(template.nodeSelector).length === 0 && template.requiredNodeAffinity === null;
  for (let t = 0; t < catalog.types.length; t += 1) {
    const poolType = catalog.types[t] as PoolType;
    if (free) {
      masks[t] = poolType.mask;
      continue;
    }
    let mask = 0;
    for (let bit = 0; bit < poolType.labelsByOffering.length; bit += 1) {
      const labels = poolType.labelsByOffering[bit];
      if (labels !== undefined && matchesNodeAffinity(template, labelNode(labels))) mask |= 1 << bit;
    }
    masks[t] = mask;
  }
  return masks;
}

/** Whether a DaemonSet's pods would run on a node of this type and offering (its selector, affinity and tolerations). */
export function daemonRunsOn(catalog: PoolCatalog, poolType: PoolType, template: PodTemplate): boolean {
  if (!toleratesPool(template, catalog.pool.taints)) return false;
  for (const labels of poolType.labelsByOffering) {
    if (labels !== undefined && matchesNodeAffinity(template, labelNode(labels))) return true;
  }
  return false;
}
