/**
 * EC2 vCPU quota headroom by Service Quotas class: the vCPUs the cluster's nodes run (the catalog's
 * vCPUs of each node's type, by capacity type and class, as src/sim/quota.ts classes them) against the
 * quotas given by code. Quotas are per account and region: other instances count against them too, so
 * the headroom here is the most there can be.
 */

import type { ClusterState } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import type { CapacityType } from '../sim/model.js';
import { type QuotaClass, quotaClass } from '../sim/quota.js';
import type { DoctorFinding } from './doctor-result.js';
import { keep, plural } from './node-checks.js';

/**
 * EC2's vCPU quota codes by capacity type and class (Service Quotas, service code `ec2`: "Running
 * On-Demand … instances" and "All … Spot Instance Requests"). High Memory and HPC have no Spot quota.
 */
const QUOTA_CODES: Readonly<Record<CapacityType, Readonly<Partial<Record<QuotaClass, string>>>>> = {
  'on-demand': {
    standard: 'L-1216C47A',
    f: 'L-74FC7D96',
    g: 'L-DB2E81BA',
    inf: 'L-1945791B',
    p: 'L-417A185B',
    x: 'L-7295265B',
    dl: 'L-6E869C2A',
    trn: 'L-2C3B7624',
    highMemory: 'L-43DA4232',
    hpc: 'L-F7808C92',
  },
  spot: {
    standard: 'L-34B43A08',
    f: 'L-88CF9481',
    g: 'L-3819A6DF',
    inf: 'L-B5D1601B',
    p: 'L-7212CCBC',
    x: 'L-E3A00192',
    dl: 'L-85EED4F7',
    trn: 'L-6B0D517C',
  },
};

const CLASS_NAMES: Readonly<Record<QuotaClass, string>> = {
  standard: 'Standard (A, C, D, H, I, M, R, T, Z)',
  f: 'F',
  g: 'G and VT',
  inf: 'Inf',
  p: 'P',
  x: 'X',
  dl: 'DL',
  trn: 'Trn',
  highMemory: 'High Memory',
  hpc: 'HPC',
};

/** Below this share of the quota left, headroom is low. */
export const LOW_HEADROOM_SHARE = 0.1;

/** The vCPU quota code of a class and capacity type; null where EC2 has none. */
export function vcpuQuotaCode(capacityType: CapacityType, cls: QuotaClass): string | null {
  return QUOTA_CODES[capacityType][cls] ?? null;
}

/** One Service Quotas class: the cluster's nodes' vCPUs in it against the quota given. */
export interface QuotaHeadroom {
  readonly capacityType: CapacityType;
  readonly quotaClass: QuotaClass;
  /** e.g. `L-1216C47A`; null where EC2 has no quota for the class and capacity type. */
  readonly code: string | null;
  /** The quota's name as given, else podcap's wording of it. */
  readonly name: string;
  /** The quota in vCPUs; null when none was given for this class. */
  readonly limitVcpus: number | null;
  /** vCPUs of the cluster's nodes in the class. */
  readonly usedVcpus: number;
  readonly nodes: number;
  /** limit − used; null without a limit. */
  readonly headroomVcpus: number | null;
  /** headroom ÷ limit; null without a limit (or with a limit of 0). */
  readonly headroomShare: number | null;
}

export interface QuotaCheckResult {
  /** Classes that have a quota given or nodes in them: on-demand first, then by class. */
  readonly headroom: readonly QuotaHeadroom[];
  readonly findings: readonly DoctorFinding[];
}

function defaultName(capacityType: CapacityType, cls: QuotaClass): string {
  return capacityType === 'spot'
    ? `All ${CLASS_NAMES[cls]} Spot Instance Requests`
    : `Running On-Demand ${CLASS_NAMES[cls]} instances`;
}

const CLASS_ORDER: readonly QuotaClass[] = ['standard', 'f', 'g', 'inf', 'p', 'x', 'dl', 'trn', 'highMemory', 'hpc'];

/** The headroom of each class from the nodes and the quotas; [] when no quota file was given. */
export function quotaHeadroom(state: ClusterState, catalog: CatalogIndex): QuotaHeadroom[] {
  return quotaUse(state, catalog).headroom;
}

function quotaUse(
  state: ClusterState,
  catalog: CatalogIndex,
): { headroom: QuotaHeadroom[]; uncounted: string[]; assumedOnDemand: number } {
  if (state.quotas === null) return { headroom: [], uncounted: [], assumedOnDemand: 0 };
  const used = new Map<string, { vcpus: number; nodes: number }>();
  const uncounted: string[] = [];
  let assumedOnDemand = 0;
  for (const node of state.nodes) {
    const found = node.instanceType === null ? null : catalog.lookup(node.instanceType);
    const type = found?.status === 'found' ? found.instanceType : null;
    if (type === null || type.hardware === null) {
      uncounted.push(node.name);
      continue;
    }
    const cls = quotaClass(type);
    if (cls === null) continue;
    // A node no label marks as Spot runs On-Demand: both Karpenter and EKS label Spot nodes.
    if (node.capacityType === null) assumedOnDemand += 1;
    const key = `${node.capacityType ?? 'on-demand'}/${cls}`;
    const seen = used.get(key) ?? { vcpus: 0, nodes: 0 };
    used.set(key, { vcpus: seen.vcpus + type.hardware.vcpu, nodes: seen.nodes + 1 });
  }
  const limits = new Map<string, { value: number; name: string }>();
  for (const quota of state.quotas)
    limits.set(quota.code.trim().toUpperCase(), { value: quota.value, name: quota.name });

  const headroom: QuotaHeadroom[] = [];
  for (const capacityType of ['on-demand', 'spot'] as const) {
    for (const cls of CLASS_ORDER) {
      const code = vcpuQuotaCode(capacityType, cls);
      const limit = code === null ? undefined : limits.get(code);
      const use = used.get(`${capacityType}/${cls}`);
      if (limit === undefined && use === undefined) continue;
      const usedVcpus = use?.vcpus ?? 0;
      const headroomVcpus = limit === undefined ? null : limit.value - usedVcpus;
      headroom.push({
        capacityType,
        quotaClass: cls,
        code,
        name: limit?.name || defaultName(capacityType, cls),
        limitVcpus: limit?.value ?? null,
        usedVcpus,
        nodes: use?.nodes ?? 0,
        headroomVcpus,
        headroomShare:
          headroomVcpus === null || limit === undefined || limit.value <= 0 ? null : headroomVcpus / limit.value,
      });
    }
  }
  return { headroom, uncounted, assumedOnDemand };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function headroomWords(h: QuotaHeadroom): string {
  const code = h.code === null ? '' : ` (${h.code})`;
  if (h.limitVcpus === null)
    return `${h.name}${code}: ${h.usedVcpus} vCPUs on ${plural(h.nodes, 'node')}, no quota given`;
  return (
    `${h.name}${code}: ${h.usedVcpus} of ${h.limitVcpus} vCPUs on ${plural(h.nodes, 'node')}, ` +
    `${h.headroomVcpus} left${h.headroomShare === null ? '' : ` (${percent(h.headroomShare)})`}`
  );
}

/**
 * QUOTA_HEADROOM_LOW per class (error when none is left, warning below 10 %), and one info finding
 * with every class's numbers; nothing when no quota file was given.
 */
export function checkQuotaHeadroom(state: ClusterState, catalog: CatalogIndex): QuotaCheckResult {
  const { headroom, uncounted, assumedOnDemand } = quotaUse(state, catalog);
  if (state.quotas === null) return { headroom, findings: [] };
  const findings: DoctorFinding[] = [];
  for (const h of headroom) {
    if (h.limitVcpus === null || h.headroomVcpus === null) continue;
    // A class the account never raised from 0 and the cluster does not run: nothing to lose there.
    if (h.limitVcpus === 0 && h.nodes === 0) continue;
    const none = h.headroomVcpus <= 0;
    if (!none && (h.headroomShare === null || h.headroomShare >= LOW_HEADROOM_SHARE)) continue;
    const launchError = h.capacityType === 'spot' ? 'MaxSpotInstanceCountExceeded' : 'VcpuLimitExceeded';
    findings.push({
      code: 'QUOTA_HEADROOM_LOW',
      severity: none ? 'error' : 'warning',
      message:
        `${headroomWords(h)}: ` +
        (none
          ? `no vCPU is left, so the next ${h.capacityType === 'spot' ? 'Spot' : 'On-Demand'} ${h.quotaClass} launch fails with ${launchError}`
          : `less than ${percent(LOW_HEADROOM_SHARE)} is left before launches fail with ${launchError}`) +
        '; other instances in the account and region count against it too.' +
        ` Fix: request a quota increase in Service Quotas${h.code === null ? '' : ` (${h.code})`}` +
        (h.capacityType === 'spot' ? ', or let NodePools fall back to on-demand' : '') +
        '.',
      evidence: {},
    });
  }
  const notes: string[] = [];
  if (uncounted.length > 0) notes.push(`${plural(uncounted.length, 'node')} of unknown type not counted`);
  if (assumedOnDemand > 0)
    notes.push(`${plural(assumedOnDemand, 'node')} without a capacity-type label counted as On-Demand`);
  findings.push({
    code: 'QUOTA_HEADROOM_LOW',
    severity: 'info',
    message:
      (headroom.length === 0
        ? 'vCPU quotas: no node counts against the quotas given.'
        : `vCPU quota headroom (this cluster's nodes only): ${headroom.map(headroomWords).join('; ')}.`) +
      (notes.length > 0 ? ` ${notes.join('; ')}.` : ''),
    evidence: uncounted.length > 0 ? { nodes: keep(uncounted) } : {},
  });
  return { headroom, findings };
}
