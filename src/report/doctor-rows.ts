/** The cells of the doctor's node and quota rows, one wording for the text report and the HTML report. */

import type { NodeIpUse } from '../doctor/doctor-result.js';
import type { QuotaHeadroom } from '../doctor/quota-checks.js';

export function nodeIpCells(n: NodeIpUse): string[] {
  return [
    n.node,
    n.instanceType ?? '-',
    String(n.maxPods),
    String(n.podIps ?? '-'),
    String(n.podsNeedingIp),
    String(n.podsWithIp),
  ];
}

/** Capacity type, class, code, limit, used, nodes, headroom (with its share when `share`). */
export function quotaCells(q: QuotaHeadroom, share: boolean): string[] {
  const headroom =
    q.headroomVcpus === null
      ? '-'
      : `${q.headroomVcpus}${share && q.headroomShare !== null ? ` (${Math.round(q.headroomShare * 100)}%)` : ''}`;
  return [
    q.capacityType,
    q.quotaClass,
    q.code ?? '-',
    q.limitVcpus === null ? 'not given' : String(q.limitVcpus),
    String(q.usedVcpus),
    String(q.nodes),
    headroom,
  ];
}
