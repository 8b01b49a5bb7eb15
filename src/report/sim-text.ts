import { formatDuration } from '../core/duration.js';
import type { SimEvent, SimResult, WorkloadSummary } from '../sim/result.js';
import { type Column, fits, indented, renderTable, renderTableWithin, wrapLine } from './text-table.js';

const DEFAULT_WIDTH = 100;
const INDENT = '    ';

export interface SimulationTextOptions {
  /** Add the event log, like `kubectl get events`. */
  readonly events: boolean;
  /** Columns no line may pass (default 100). */
  readonly width?: number;
}

/**
 * The readable summary of a run: findings first, then pods, workloads, nodes, subnets and, on request,
 * the event log. Tables fall back to narrower layouts so that lines keep within `width`, unless the
 * names in them are too long for any layout.
 */
export function renderSimulationText(result: SimResult, options: SimulationTextOptions): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const out: string[] = [];
  out.push(
    wrapLine(`Scenario ${result.scenario}: ${formatDuration(result.durationMs)} simulated, seed ${result.seed}`, width),
  );
  out.push('');
  if (result.findings.length === 0) out.push('Findings: none');
  else {
    out.push(`Findings (${result.findings.length}):`);
    for (const f of result.findings) {
      const when = f.atMs === null ? '' : ` at ${at(f.atMs)}`;
      out.push(wrapLine(`${f.severity.toUpperCase()} ${f.code}${when}: ${f.message}`, width, INDENT));
    }
  }
  out.push('');
  const p = result.pods;
  out.push(
    wrapLine(
      `Pods at the end: ${p.total} total, ${p.running} Running, ${p.pending} Pending, ${p.containerCreating} ContainerCreating`,
      width,
    ),
  );
  out.push('');
  out.push(
    renderTableWithin(
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
        mainReason(w),
      ]),
      width,
    ),
  );
  out.push('');
  const n = result.nodes;
  out.push(
    wrapLine(
      `Nodes at the end: ${n.atEnd} (${countList(n.byType) || 'none'}); launched during the run: ${n.launched}`,
      width,
      INDENT,
    ),
  );
  const byGroup = countList(n.byGroup);
  if (byGroup) out.push(wrapLine(`  by origin: ${byGroup}`, width, INDENT));
  const cost = result.costUsd;
  const costByGroup = Object.entries(cost.byGroup)
    .map(([group, usd]) => `${group} $${usd.toFixed(2)}`)
    .join(', ');
  out.push(
    wrapLine(
      `Cost: $${cost.totalUsd.toFixed(2)} over ${formatDuration(result.durationMs)}${costByGroup ? ` (${costByGroup})` : ''}`,
      width,
      INDENT,
    ),
  );
  out.push('');
  if (result.subnets.length === 0) out.push('Subnets: none');
  else {
    out.push(
      renderTableWithin(
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
          `${s.lowestFree} @${at(s.lowestFreeAtMs)}`,
          String(s.idleInWarmPools),
          s.exhaustedAtMs === null ? '-' : at(s.exhaustedAtMs),
        ]),
        width,
      ),
    );
  }
  if (options.events) {
    out.push('');
    out.push(renderEvents(result.events ?? [], width));
  }
  return `${out.join('\n')}\n`;
}

function at(ms: number): string {
  return formatDuration(Math.max(0, ms));
}

/** The reason holding most of the workload's pods (ties by name); PENDING and CREATING give the split. */
function mainReason(workload: WorkloadSummary): string {
  const [top] = Object.entries(workload.reasons)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  return top === undefined ? '' : `${top[0]} ${top[1]}`;
}

function countList(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([name, count]) => `${count} ${name}`)
    .join(', ');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `kubectl get events` columns. CNI messages and node names rarely leave room for a MESSAGE column,
 * so when the one-line table does not fit, each message goes under its row.
 */
function renderEvents(events: readonly SimEvent[], width: number): string {
  if (events.length === 0) return 'Events: none recorded';
  const columns: readonly Column[] = [
    { header: 'AT' },
    { header: 'TYPE' },
    { header: 'REASON' },
    { header: 'OBJECT' },
    { header: 'MESSAGE' },
  ];
  const rows = events.map((e) => [at(e.atMs), e.type, e.reason, e.object, e.message]);
  const title = `Events (${events.length}):`;
  const table = renderTable(columns, rows);
  if (fits(table, width)) return `${title}\n${table}`;
  const heads = renderTable(
    columns.slice(0, 4),
    rows.map((row) => row.slice(0, 4)),
  ).split('\n');
  const out = [title, heads[0] ?? '', `${INDENT}MESSAGE`];
  rows.forEach((row, i) => {
    out.push(heads[i + 1] ?? '', indented(row[4] ?? '', width));
  });
  return out.join('\n');
}
