/**
 * `podcap doctor`'s analysis of a cluster as read: every check over the same state, findings in one
 * list (errors, then warnings, then info), subnets with their forecast and nodes with their pod IPs.
 */

import type { ClusterState } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import type { Severity } from '../sim/result.js';
import type { DoctorCode, DoctorFinding, DoctorResult } from './doctor-result.js';
import { checkIps } from './ip-checks.js';
import { checkKarpenterLaunchLoop } from './karpenter-checks.js';
import { checkNodes } from './node-checks.js';
import { checkQuotaHeadroom } from './quota-checks.js';
import { forecastSubnets } from './subnet-forecast.js';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export function diagnose(state: ClusterState, catalog: CatalogIndex): DoctorResult {
  const ips = checkIps(state, catalog);
  const subnets = forecastSubnets(state, catalog);
  const quotas = checkQuotaHeadroom(state, catalog);
  const all: DoctorFinding[] = [
    ...checkNodes(state, catalog),
    ...ips.findings,
    ...checkKarpenterLaunchLoop(state, catalog),
    ...subnets.findings,
    ...quotas.findings,
  ];
  // Stable: within a severity, the checks' own order (nodes, IPs, Karpenter, subnets, quotas).
  const findings = all
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
  const countsByCode: Partial<Record<DoctorCode, number>> = {};
  for (const f of findings) countsByCode[f.code] = (countsByCode[f.code] ?? 0) + 1;
  return {
    findings,
    subnets: subnets.subnets,
    nodes: ips.nodes,
    quotas: state.quotas === null ? null : quotas.headroom,
    countsByCode,
  };
}
