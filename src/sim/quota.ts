/**
 * EC2's vCPU quotas as Service Quotas groups them: one On-Demand and one Spot quota per class of
 * instance families ("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", L-1216C47A;
 * "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", L-34B43A08; EC2 user guide,
 * "On-Demand Instance quotas" and "Spot Instance quotas"). A launch that would take the running vCPUs of
 * its class past the quota fails with VcpuLimitExceeded (On-Demand) or MaxSpotInstanceCountExceeded (Spot).
 */

import type { InstanceType } from '../core/instance-type.js';
import type { CapacityType, Quotas } from './model.js';

export type QuotaClass = 'standard' | 'f' | 'g' | 'inf' | 'p' | 'x' | 'dl' | 'trn' | 'highMemory' | 'hpc';

/** Family prefixes (letters before the generation) by class; Mac and other dedicated-host families have none. */
const CLASS_BY_PREFIX: Readonly<Record<string, QuotaClass>> = {
  a: 'standard',
  c: 'standard',
  d: 'standard',
  h: 'standard',
  i: 'standard',
  im: 'standard',
  is: 'standard',
  m: 'standard',
  r: 'standard',
  t: 'standard',
  z: 'standard',
  f: 'f',
  g: 'g',
  gr: 'g',
  vt: 'g',
  inf: 'inf',
  p: 'p',
  x: 'x',
  dl: 'dl',
  trn: 'trn',
  u: 'highMemory',
  hpc: 'hpc',
};

/** The letters of a family before its generation digit: `m` for m5d, `inf` for inf2, `u` for u-6tb1. */
export function familyPrefix(family: string): string {
  return /^[a-z]+/.exec(family)?.[0] ?? family;
}

/** The Service Quotas class whose vCPU quota a type counts against; null when no vCPU quota applies. */
export function quotaClass(type: InstanceType): QuotaClass | null {
  return CLASS_BY_PREFIX[familyPrefix(type.family)] ?? null;
}

/** The quota codes users search for; only the standard classes are commonly raised. */
export function quotaCode(capacityType: CapacityType, cls: QuotaClass): string | null {
  if (cls !== 'standard') return null;
  return capacityType === 'spot' ? 'L-34B43A08' : 'L-1216C47A';
}

/** The EC2 error a launch past the quota gets (research peers.md §C.2, Karpenter pkg/errors). */
export function quotaErrorCode(capacityType: CapacityType): 'VcpuLimitExceeded' | 'MaxSpotInstanceCountExceeded' {
  return capacityType === 'spot' ? 'MaxSpotInstanceCountExceeded' : 'VcpuLimitExceeded';
}

/** vCPUs in use by capacity type and class; mutated by the engine as instances start and stop. */
export class QuotaUsage {
  private readonly used = new Map<string, number>();

  constructor(private readonly quotas: Quotas) {}

  private static key(capacityType: CapacityType, cls: QuotaClass): string {
    return `${capacityType}/${cls}`;
  }

  limit(capacityType: CapacityType, cls: QuotaClass): number | null {
    const table = capacityType === 'spot' ? this.quotas.spot : this.quotas.onDemand;
    return table[cls] ?? null;
  }

  inUse(capacityType: CapacityType, cls: QuotaClass): number {
    return this.used.get(QuotaUsage.key(capacityType, cls)) ?? 0;
  }

  /** Whether one more instance of `type` fits under its class's quota. */
  admits(type: InstanceType, capacityType: CapacityType): boolean {
    const cls = quotaClass(type);
    if (cls === null) return true;
    const limit = this.limit(capacityType, cls);
    return limit === null || this.inUse(capacityType, cls) + (type.hardware?.vcpu ?? 0) <= limit;
  }

  add(type: InstanceType, capacityType: CapacityType, sign: 1 | -1): void {
    const cls = quotaClass(type);
    if (cls === null) return;
    const key = QuotaUsage.key(capacityType, cls);
    this.used.set(key, (this.used.get(key) ?? 0) + sign * (type.hardware?.vcpu ?? 0));
  }

  /** Use of every class that has a quota or is in use, as `on-demand/standard` → vCPUs. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, value] of [...this.used].sort(([a], [b]) => (a < b ? -1 : 1))) out[key] = value;
    return out;
  }
}
