/**
 * The readable report of `podcap doctor`: what was read, the findings first, each subnet's addresses and
 * forecast, the nodes short of pod IPs, and a what-if run when one was asked for.
 */

import type { ClusterState } from '../cluster/cluster-state.js';
import { admitsMoreThanIps, type DoctorResult } from '../doctor/doctor-result.js';
import { nodeIpCells, quotaCells } from './doctor-rows.js';
import { renderTableWithin, wrapLine } from './text-table.js';

const WIDTH = 100;
const INDENT = '    ';
/** Nodes listed in the pod-IP table; the rest are counted. */
const NODE_ROWS = 20;

export interface DoctorWhatIfText {
  /** The changes, as given: `default/web=3x`, `+200 pods of cpu=500m,memory=1Gi`. */
  readonly changes: readonly string[];
  /** One paragraph: what breaks first and when, what stays Pending, what it costs. */
  readonly summary: string;
}

/** A line two spaces in, its continuations four: wrapLine drops leading spaces, so indent after wrapping. */
function indentedLine(text: string): string {
  return wrapLine(text, WIDTH - 2, '  ')
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function clusterSummaryLine(state: ClusterState): string {
  const byType = new Map<string, number>();
  for (const node of state.nodes) {
    const type = node.instanceType ?? 'unknown type';
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  const types = [...byType]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 6)
    .map(([type, n]) => `${n} ${type}`)
    .join(', ');
  const phases = { Running: 0, Pending: 0, ContainerCreating: 0, other: 0 };
  for (const pod of state.pods) {
    if (pod.containerCreating) phases.ContainerCreating += 1;
    else if (pod.phase === 'Running') phases.Running += 1;
    else if (pod.phase === 'Pending') phases.Pending += 1;
    else phases.other += 1;
  }
  return (
    `Cluster: ${state.nodes.length} nodes${types ? ` (${types}${byType.size > 6 ? ', …' : ''})` : ''}; ` +
    `${state.pods.length} pods (${phases.Running} Running, ${phases.Pending} Pending, ` +
    `${phases.ContainerCreating} ContainerCreating); ${state.subnets.length} subnets`
  );
}

export function renderDoctorText(
  state: ClusterState,
  result: DoctorResult,
  whatIf: DoctorWhatIfText | null = null,
): string {
  const out: string[] = [];
  out.push(wrapLine(clusterSummaryLine(state), WIDTH, INDENT));
  for (const line of state.read) out.push(indentedLine(`read ${line}`));
  out.push('');
  if (result.findings.length === 0) out.push('Findings: none');
  else {
    out.push(`Findings (${result.findings.length}):`);
    for (const f of result.findings) {
      out.push(wrapLine(`${f.severity.toUpperCase()} ${f.code}: ${f.message}`, WIDTH, INDENT));
    }
  }
  out.push('');
  if (result.subnets.length === 0) out.push('Subnets: none read (give `aws ec2 describe-subnets --output json`)');
  else {
    out.push('Subnets: addresses by use; UNTIL DRY and /28: more pods before addresses, or free /28s, run out');
    out.push(
      renderTableWithin(
        [
          { header: 'SUBNET' },
          { header: 'ZONE' },
          { header: 'USABLE', align: 'right' },
          { header: 'FREE', align: 'right' },
          { header: 'NODES', align: 'right' },
          { header: 'ENIS', align: 'right' },
          { header: 'PODS', align: 'right' },
          { header: 'WARM', align: 'right' },
          { header: 'OTHER', align: 'right' },
          { header: 'UNTIL DRY', align: 'right' },
          { header: '/28', align: 'right' },
        ],
        result.subnets.map((s) => [
          s.id,
          s.zone,
          String(s.usable),
          String(s.free),
          String(s.use.nodes),
          String(s.use.enis),
          String(s.use.pods),
          String(s.use.warm),
          String(s.use.other),
          s.podsUntilDry === null ? '-' : String(s.podsUntilDry),
          s.podsUntilPrefixFailure === null ? '-' : String(s.podsUntilPrefixFailure),
        ]),
        WIDTH,
      ),
    );
    for (const s of result.subnets) out.push(indentedLine(`${s.id}: ${s.basis}`));
  }
  const shortNodes = result.nodes.filter(admitsMoreThanIps);
  if (shortNodes.length > 0) {
    out.push('');
    out.push(`Nodes whose maxPods exceed their pod IPs (${shortNodes.length}):`);
    out.push(
      renderTableWithin(
        [
          { header: 'NODE' },
          { header: 'TYPE' },
          { header: 'MAXPODS', align: 'right' },
          { header: 'POD IPS', align: 'right' },
          { header: 'NEED IP', align: 'right' },
          { header: 'HAVE IP', align: 'right' },
        ],
        shortNodes.slice(0, NODE_ROWS).map(nodeIpCells),
        WIDTH,
      ),
    );
    if (shortNodes.length > NODE_ROWS) out.push(`  … and ${shortNodes.length - NODE_ROWS} more (--json lists all)`);
  }
  if (result.quotas !== null && result.quotas.length > 0) {
    out.push('');
    out.push('EC2 vCPU quotas: the nodes’ vCPUs by Service Quotas class');
    out.push(
      renderTableWithin(
        [
          { header: 'CAPACITY' },
          { header: 'CLASS' },
          { header: 'QUOTA CODE' },
          { header: 'LIMIT', align: 'right' },
          { header: 'USED', align: 'right' },
          { header: 'NODES', align: 'right' },
          { header: 'HEADROOM', align: 'right' },
        ],
        result.quotas.map((q) => quotaCells(q, true)),
        WIDTH,
      ),
    );
  }
  if (whatIf) {
    out.push('');
    // The summary names the changes itself ("With Deployment default/web from 40 to 120 replicas, …").
    out.push('What-if, simulated forward from the cluster as read:');
    out.push(wrapLine(whatIf.summary, WIDTH, INDENT));
  }
  return `${out.join('\n')}\n`;
}
