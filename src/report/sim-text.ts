import { formatDuration } from '../core/duration.js';
import type { SimResult } from '../sim/result.js';
import { renderTable, wrapLine } from './text-table.js';

const WIDTH = 100;

function mainReason(reasons: Readonly<Record<string, number>>): string {
  const entries = Object.entries(reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.map(([reason, count]) => `${reason} ${count}`).join(', ');
}

/** The readable summary of a run: findings first, then pods, workloads, nodes and subnets. */
export function renderSimulationText(result: SimResult, options: { readonly events: boolean }): string {
  const out: string[] = [];
  out.push(`Scenario ${result.scenario}: ${formatDuration(result.durationMs)} simulated, seed ${result.seed}`);
  out.push('');
  if (result.findings.length === 0) out.push('Findings: none');
  else {
    out.push(`Findings (${result.findings.length}):`);
    for (const f of result.findings) {
      const when = f.atMs === null ? '' : ` at ${formatDuration(Math.max(0, f.atMs))}`;
      out.push(wrapLine(`${f.severity.toUpperCase()} ${f.code}${when}: ${f.message}`, WIDTH, '    '));
    }
  }
  out.push('');
  const p = result.pods;
  out.push(
    `Pods at the end: ${p.total} total, ${p.running} Running, ${p.pending} Pending, ${p.containerCreating} ContainerCreating`,
  );
  out.push('');
  out.push(
    renderTable(
      [
        { header: 'WORKLOAD' },
        { header: 'DESIRED', align: 'right' },
        { header: 'RUNNING', align: 'right' },
        { header: 'PENDING', align: 'right' },
        { header: 'CREATING', align: 'right' },
        { header: 'WHY NOT RUNNING' },
      ],
      result.workloads.map((w) => [
        `${w.kind}/${w.namespace}/${w.name}`,
        String(w.desired),
        String(w.running),
        String(w.pending),
        String(w.containerCreating),
        mainReason(w.reasons),
      ]),
    ),
  );
  out.push('');
  const n = result.nodes;
  const byType = Object.entries(n.byType)
    .map(([type, count]) => `${count} ${type}`)
    .join(', ');
  const byGroup = Object.entries(n.byGroup)
    .map(([group, count]) => `${count} ${group}`)
    .join(', ');
  out.push(`Nodes at the end: ${n.atEnd} (${byType || 'none'}); launched during the run: ${n.launched}`);
  if (byGroup) out.push(`  by origin: ${byGroup}`);
  out.push('');
  out.push(
    renderTable(
      [
        { header: 'SUBNET' },
        { header: 'ZONE' },
        { header: 'CIDR' },
        { header: 'USABLE', align: 'right' },
        { header: 'USED', align: 'right' },
        { header: 'FREE', align: 'right' },
        { header: 'LOWEST FREE', align: 'right' },
        { header: 'IDLE IN POOLS', align: 'right' },
        { header: 'RAN DRY' },
      ],
      result.subnets.map((s) => [
        s.id,
        s.zone,
        s.cidr,
        String(s.usable),
        String(s.used),
        String(s.free),
        `${s.lowestFree} @${formatDuration(s.lowestFreeAtMs)}`,
        String(s.idleInWarmPools),
        s.exhaustedAtMs === null ? '-' : formatDuration(s.exhaustedAtMs),
      ]),
    ),
  );
  if (options.events) {
    out.push('');
    out.push(
      renderTable(
        [{ header: 'AT' }, { header: 'TYPE' }, { header: 'REASON' }, { header: 'OBJECT' }, { header: 'MESSAGE' }],
        (result.events ?? []).map((e) => [formatDuration(e.atMs), e.type, e.reason, e.object, e.message]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
