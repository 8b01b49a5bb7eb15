/**
 * Charts over simulated time with uPlot: one x axis in seconds of simulated time, findings drawn as
 * vertical markers at the moment they were first seen.
 */

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDuration } from '../../src/core/duration.js';
import type { ReportData, ReportFinding } from '../../src/report/report-data.js';
import type { SeriesPoint } from '../../src/sim/result.js';
import { el } from './dom.js';

export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#d97706',
  '#059669',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#4b5563',
  '#ea580c',
];

const SEVERITY_COLOUR: Readonly<Record<ReportFinding['severity'], string>> = {
  error: '#dc2626',
  warning: '#d97706',
  info: '#6b7280',
};

/** Tick steps in seconds of simulated time that read well: 10s, 30s, 1m, 2m, 5m, … */
const TIME_STEPS_S = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly lines: readonly {
    readonly label: string;
    readonly values: readonly number[];
    readonly colour?: string;
    readonly dashed?: boolean;
  }[];
}

/** The five charts of a report; a chart with nothing to draw (no subnets, no quota use) is left out. */
export function chartSpecs(
  series: readonly SeriesPoint[],
  quotaLimits: Readonly<Record<string, number>> = {},
): ChartSpec[] {
  const keys = (pick: (p: SeriesPoint) => Readonly<Record<string, number>>) => {
    const all = new Set<string>();
    for (const point of series) for (const key of Object.keys(pick(point))) all.add(key);
    return [...all].sort();
  };
  const byKey = (pick: (p: SeriesPoint) => Readonly<Record<string, number>>) =>
    keys(pick).map((key) => ({ label: key, values: series.map((p) => pick(p)[key] ?? 0) }));
  const specs: ChartSpec[] = [
    {
      id: 'pods',
      title: 'Pods by phase',
      unit: 'pods',
      lines: [
        { label: 'Running', values: series.map((p) => p.running), colour: '#059669' },
        { label: 'Pending', values: series.map((p) => p.pending), colour: '#d97706' },
        { label: 'ContainerCreating', values: series.map((p) => p.containerCreating), colour: '#dc2626' },
      ],
    },
    {
      id: 'nodes',
      title: 'Nodes by instance type',
      unit: 'nodes',
      lines: [{ label: 'all', values: series.map((p) => p.nodes), colour: '#111827' }, ...byKey((p) => p.nodesByType)],
    },
    { id: 'subnets', title: 'Free addresses per subnet', unit: 'addresses', lines: byKey((p) => p.freeBySubnet) },
    {
      id: 'cost',
      title: 'Cumulative cost',
      unit: 'USD',
      lines: [{ label: 'cost', values: series.map((p) => p.costUsd), colour: '#7c3aed' }],
    },
    {
      id: 'quota',
      title: 'EC2 vCPU quota use',
      unit: 'vCPUs',
      lines: [
        ...byKey((p) => p.quotaVcpus),
        ...Object.entries(quotaLimits).map(([key, limit]) => ({
          label: `${key} quota`,
          values: series.map(() => limit),
          dashed: true,
        })),
      ],
    },
  ];
  return specs.filter((spec) => spec.lines.length > 0);
}

function findingMarkers(findings: readonly ReportFinding[]): uPlot.Plugin {
  const timed = findings.filter((f) => f.atMs !== null);
  return {
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          const { top, height } = u.bbox;
          ctx.save();
          ctx.setLineDash([4, 4]);
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          for (const finding of timed) {
            const x = Math.round(u.valToPos((finding.atMs ?? 0) / 1000, 'x', true));
            ctx.strokeStyle = SEVERITY_COLOUR[finding.severity];
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
}

function chartWidth(container: HTMLElement): number {
  return Math.max(320, Math.min(container.clientWidth || 900, 1100) - 8);
}

/** Draws each chart into `container`; returns a function that resizes them to the container. */
export function renderCharts(container: HTMLElement, data: ReportData): () => void {
  const seconds = data.series.map((p) => p.atMs / 1000);
  const plots: uPlot[] = [];
  for (const spec of chartSpecs(data.series, data.quotaLimits)) {
    const figure = el('figure', { class: 'pc-chart', 'data-testid': `chart-${spec.id}` });
    figure.append(el('figcaption', {}, `${spec.title} (${spec.unit})`));
    container.append(figure);
    const options: uPlot.Options = {
      width: chartWidth(container),
      height: 220,
      scales: { x: { time: false } },
      axes: [
        { incrs: TIME_STEPS_S, values: (_u, ticks) => ticks.map((t) => formatDuration(t * 1000)) },
        { size: 60, values: (_u, ticks) => ticks.map((t) => (spec.unit === 'USD' ? `$${t}` : String(t))) },
      ],
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '' : formatDuration(v * 1000)) },
        ...spec.lines.map((line, i) => ({
          label: line.label,
          stroke: line.colour ?? PALETTE[i % PALETTE.length] ?? '#2563eb',
          width: 2,
          ...(line.dashed ? { dash: [8, 6] } : {}),
          points: { show: false },
        })),
      ],
      plugins: [findingMarkers(data.findings)],
      legend: { live: true },
    };
    const aligned: uPlot.AlignedData = [seconds, ...spec.lines.map((line) => [...line.values])];
    plots.push(new uPlot(options, aligned, figure));
  }
  const marked = data.findings.filter((f) => f.atMs !== null);
  if (marked.length > 0) {
    container.append(
      el(
        'p',
        { class: 'pc-markers' },
        'Dashed lines mark findings: ',
        ...marked.map((f) =>
          el('span', { class: `pc-marker pc-${f.severity}` }, `${f.code} at ${formatDuration(f.atMs ?? 0)}`),
        ),
      ),
    );
  }
  return () => {
    for (const plot of plots) plot.setSize({ width: chartWidth(container), height: 220 });
  };
}
