/**
 * Renders a simulation report into a page: findings first, then charts over simulated time, the
 * workloads and subnets at the end, the event log with filters, and the inputs as podcap read them.
 * Used by the self-contained HTML report and by the web UI's scenario runner.
 */

import { formatDuration } from '../../src/core/duration.js';
import type { ReportData, ReportEvent, ReportFinding } from '../../src/report/report-data.js';
import { renderCharts } from './charts.js';
import { el, section, table } from './dom.js';
import './report.css';

const EVENT_PAGE = 200;

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

function summaryTiles(data: ReportData): HTMLElement {
  const tile = (label: string, value: string, tone = '') =>
    el('div', { class: `pc-tile ${tone}` }, el('div', { class: 'pc-tile-value' }, value), el('div', {}, label));
  const lowest = data.subnets.reduce<number | null>(
    (min, s) => (min === null ? s.lowestFree : Math.min(min, s.lowestFree)),
    null,
  );
  return el(
    'div',
    { class: 'pc-tiles', 'data-testid': 'summary' },
    tile(
      'pods running',
      `${data.pods.running} / ${data.pods.total}`,
      data.pods.running === data.pods.total ? 'pc-good' : '',
    ),
    tile('pending', String(data.pods.pending), data.pods.pending > 0 ? 'pc-warn' : ''),
    tile('ContainerCreating', String(data.pods.containerCreating), data.pods.containerCreating > 0 ? 'pc-bad' : ''),
    data.kind === 'cluster'
      ? tile('nodes', String(data.nodes.atEnd))
      : tile('nodes at end', `${data.nodes.atEnd} (${data.nodes.launched} launched)`),
    data.kind === 'cluster' ? null : tile('node cost', usd(data.costUsd.totalUsd)),
    tile('fewest free addresses', lowest === null ? '-' : String(lowest), lowest === 0 ? 'pc-bad' : ''),
  );
}

function findingCard(finding: ReportFinding): HTMLElement {
  return el(
    'article',
    { class: `pc-finding pc-${finding.severity}`, 'data-testid': 'finding', 'data-code': finding.code },
    el(
      'header',
      {},
      el('span', { class: 'pc-badge' }, finding.severity),
      el('code', {}, finding.code),
      finding.atMs === null ? null : el('span', { class: 'pc-at' }, `at ${formatDuration(finding.atMs)}`),
    ),
    el('p', {}, finding.evidence),
    finding.fix === null ? null : el('p', { class: 'pc-fix' }, el('strong', {}, 'Fix: '), finding.fix),
  );
}

function findingsSection(data: ReportData): HTMLElement {
  if (data.findings.length === 0) {
    return section('Findings', 'findings', el('p', {}, 'No findings: every pod ran and no limit was reached.'));
  }
  const counts = (['error', 'warning', 'info'] as const)
    .map((s) => [s, data.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`)
    .join(', ');
  return section('Findings', 'findings', el('p', { class: 'pc-muted' }, counts), ...data.findings.map(findingCard));
}

function workloadsSection(data: ReportData): HTMLElement {
  const rows = data.workloads.map((w) => [
    w.kind,
    `${w.namespace}/${w.name}`,
    String(w.desired),
    String(w.running),
    String(w.pending),
    String(w.containerCreating),
    Object.entries(w.reasons)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ') || '-',
  ]);
  const subnets = data.subnets.map((s) => [
    s.id,
    s.zone,
    s.cidr,
    String(s.usable),
    String(s.used),
    String(s.free),
    `${s.lowestFree} at ${formatDuration(s.lowestFreeAtMs)}`,
    s.exhaustedAtMs === null ? '-' : formatDuration(s.exhaustedAtMs),
    String(s.idleInWarmPools),
  ]);
  const types = Object.entries(data.nodes.byType).map(([type, n]) => [
    type,
    String(n),
    usd(data.costUsd.byType[type] ?? 0),
  ]);
  for (const [type, cost] of Object.entries(data.costUsd.byType)) {
    if (!(type in data.nodes.byType)) types.push([type, '0', usd(cost)]);
  }
  return section(
    `At the end (${formatDuration(data.durationMs)})`,
    'end-state',
    el('h3', {}, 'Workloads'),
    table(['kind', 'workload', 'desired', 'running', 'pending', 'creating', 'why not running'], rows),
    el('h3', {}, 'Subnets'),
    table(
      ['subnet', 'zone', 'CIDR', 'usable', 'used', 'free', 'fewest free', 'ran dry', 'idle in warm pools'],
      subnets,
    ),
    el('h3', {}, 'Nodes by type'),
    table(['instance type', 'at end', 'cost over the run'], types),
  );
}

function eventRow(event: ReportEvent): HTMLTableRowElement {
  return el(
    'tr',
    { class: event.type === 'Warning' ? 'pc-warning-row' : '' },
    el('td', {}, formatDuration(event.firstMs)),
    el('td', {}, event.count === 1 ? '' : `${event.count}× until ${formatDuration(event.lastMs)}`),
    el('td', {}, event.type),
    el('td', {}, event.reason),
    el('td', {}, event.object),
    el('td', {}, event.message),
  );
}

/** The event log with filters by object, reason and type; rows drawn a page at a time. */
function eventsSection(data: ReportData): HTMLElement {
  const reasons = [...new Set(data.events.map((e) => e.reason))].sort();
  const objectFilter = el('input', {
    type: 'search',
    placeholder: 'object contains… (pod/web, node/, subnet-a)',
    'data-testid': 'event-filter-object',
  });
  const reasonFilter = el(
    'select',
    { 'data-testid': 'event-filter-reason' },
    el('option', { value: '' }, 'every reason'),
    ...reasons.map((r) => el('option', { value: r }, r)),
  );
  const typeFilter = el(
    'select',
    { 'data-testid': 'event-filter-type' },
    el('option', { value: '' }, 'Normal and Warning'),
    el('option', { value: 'Warning' }, 'Warning only'),
    el('option', { value: 'Normal' }, 'Normal only'),
  );
  const body = el('tbody');
  const status = el('p', { class: 'pc-muted', 'data-testid': 'event-count' });
  const more = el('button', { type: 'button' }, 'show more');
  let matching: ReportEvent[] = [];
  let shown = 0;
  const showMore = () => {
    const next = matching.slice(shown, shown + EVENT_PAGE);
    body.append(...next.map(eventRow));
    shown += next.length;
    status.textContent = `${matching.length} of ${data.events.length} lines${
      data.eventsOmitted > 0 ? ` (${data.eventsOmitted} routine pod lines left out to keep the report small)` : ''
    }; repeats folded, as kubectl folds them into a count`;
    more.hidden = shown >= matching.length;
  };
  const apply = () => {
    const object = objectFilter.value.trim().toLowerCase();
    const reason = reasonFilter.value;
    const type = typeFilter.value;
    matching = data.events.filter(
      (e) =>
        (object === '' || e.object.toLowerCase().includes(object)) &&
        (reason === '' || e.reason === reason) &&
        (type === '' || e.type === type),
    );
    body.replaceChildren();
    shown = 0;
    showMore();
  };
  objectFilter.addEventListener('input', apply);
  reasonFilter.addEventListener('change', apply);
  typeFilter.addEventListener('change', apply);
  more.addEventListener('click', showMore);
  apply();
  return section(
    'Event log',
    'events',
    el('div', { class: 'pc-filters' }, objectFilter, reasonFilter, typeFilter),
    status,
    el(
      'table',
      { class: 'pc-events', 'data-testid': 'event-table' },
      el(
        'thead',
        {},
        el('tr', {}, ...['at', 'repeats', 'type', 'reason', 'object', 'message'].map((h) => el('th', {}, h))),
      ),
      body,
    ),
    more,
  );
}

function inputsSection(data: ReportData): HTMLElement {
  const estimates = data.inputs.reduce((n, t) => n + t.rows.filter((r) => r.estimate !== null).length, 0);
  return section(
    'Inputs as read',
    'inputs',
    el(
      'p',
      { class: 'pc-muted' },
      estimates === 0
        ? 'Every value below comes from the input or from the documented defaults.'
        : `Rows marked "estimate" (${estimates}) hold values podcap estimated where the input gave none.`,
    ),
    ...data.inputs.map((input) =>
      el(
        'div',
        { class: 'pc-input' },
        el('h3', {}, input.title),
        el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ...input.columns.map((c) => el('th', {}, c)), el('th', {}, ''))),
          el(
            'tbody',
            {},
            ...input.rows.map((r) =>
              el(
                'tr',
                r.estimate === null ? {} : { class: 'pc-estimate', title: r.estimate },
                ...r.cells.map((c) => el('td', {}, c)),
                el('td', {}, r.estimate === null ? '' : el('span', { class: 'pc-estimate-badge' }, 'estimate')),
              ),
            ),
          ),
        ),
        ...input.rows
          .filter((r) => r.estimate !== null)
          .map((r) =>
            el('p', { class: 'pc-estimate-note' }, `estimate: ${r.cells[0] ?? ''} ${r.cells[1] ?? ''}: ${r.estimate}`),
          ),
      ),
    ),
  );
}

/** Each root's window listener, so that rendering into it again replaces it rather than adding one. */
const resizeListeners = new WeakMap<HTMLElement, () => void>();

/** Renders the whole report into `root`, replacing what was there. */
export function renderReport(root: HTMLElement, data: ReportData): void {
  const previous = resizeListeners.get(root);
  if (previous) window.removeEventListener('resize', previous);
  root.replaceChildren();
  root.classList.add('pc-report');
  root.append(
    el(
      'header',
      { class: 'pc-title' },
      el('h1', {}, data.scenario),
      el(
        'p',
        { class: 'pc-muted' },
        data.kind === 'cluster'
          ? `a real cluster as read, podcap ${data.podcapVersion}`
          : `${formatDuration(data.durationMs)} simulated, seed ${data.seed}, podcap ${data.podcapVersion}`,
      ),
    ),
    summaryTiles(data),
    findingsSection(data),
  );
  if (data.kind === 'cluster') {
    root.append(inputsSection(data));
    return;
  }
  const charts = section('Over simulated time', 'charts');
  root.append(charts);
  const resize = renderCharts(charts, data);
  root.append(workloadsSection(data), eventsSection(data), inputsSection(data));
  window.addEventListener('resize', resize);
  resizeListeners.set(root, resize);
}
