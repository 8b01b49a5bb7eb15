import { describe, expect, it } from 'vitest';
import { loadSimInput } from '../input/scenario/load.js';
import type { SimEvent } from '../sim/result.js';
import { simulate } from '../sim/simulate.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { simInput } from '../test-support/sim-input.js';
import { sampleSimResult } from '../test-support/sim-result.js';
import { buildReportData, foldEvents, keepEvents, splitFinding } from './report-data.js';

const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

function runExample(name: string) {
  const catalog = bundledCatalog();
  const input = loadSimInput([example(name)], { catalog });
  return { input, result: simulate(input, catalog, { recordEvents: true }) };
}

describe('splitFinding', () => {
  it('puts what follows "Fix:" apart from the evidence', () => {
    const split = splitFinding({
      code: 'SUBNET_EXHAUSTED',
      severity: 'error',
      message: 'Subnet subnet-a ran out of addresses at 11m15s. Fix: a larger subnet.',
      atMs: 675_000,
    });
    expect(split).toEqual({
      code: 'SUBNET_EXHAUSTED',
      severity: 'error',
      evidence: 'Subnet subnet-a ran out of addresses at 11m15s.',
      fix: 'a larger subnet.',
      atMs: 675_000,
    });
  });

  it('leaves the fix null when the finding names none', () => {
    const split = splitFinding({ code: 'PODS_STUCK_NO_IP', severity: 'error', message: '14 pods stuck', atMs: 1 });
    expect(split.evidence).toBe('14 pods stuck');
    expect(split.fix).toBeNull();
  });
});

describe('keepEvents', () => {
  const line = (object: string, type: 'Normal' | 'Warning', firstMs: number) => ({
    firstMs,
    lastMs: firstMs,
    count: 1,
    type,
    reason: 'r',
    object,
    message: 'm',
  });

  it('keeps every line within the budget, and otherwise non-pod lines, then pod warnings, in time order', () => {
    const events = [
      line('pod/a', 'Normal', 0),
      line('pod/b', 'Warning', 1),
      line('node/n', 'Normal', 2),
      line('pod/c', 'Normal', 3),
      line('subnet/s', 'Warning', 4),
    ];
    expect(keepEvents(events, 5)).toEqual(events);
    expect(keepEvents(events, 3).map((e) => e.object)).toEqual(['pod/b', 'node/n', 'subnet/s']);
    expect(keepEvents(events, 4).map((e) => e.object)).toEqual(['pod/a', 'pod/b', 'node/n', 'subnet/s']);
  });
});

describe('foldEvents', () => {
  const event = (atMs: number, object: string, message = 'failed to assign an IP address to container'): SimEvent => ({
    atMs,
    type: 'Warning',
    reason: 'FailedCreatePodSandBox',
    object,
    message,
  });

  it('folds repeats into one line with a count, first and last time, in order of first sight', () => {
    const folded = foldEvents([
      event(1000, 'pod/a'),
      event(2000, 'pod/b'),
      event(11_000, 'pod/a'),
      event(21_000, 'pod/a'),
    ]);
    expect(folded.map((e) => [e.object, e.count, e.firstMs, e.lastMs])).toEqual([
      ['pod/a', 3, 1000, 21_000],
      ['pod/b', 1, 2000, 2000],
    ]);
  });

  it('keeps different messages of one object apart', () => {
    expect(foldEvents([event(0, 'pod/a', 'one'), event(1, 'pod/a', 'two')])).toHaveLength(2);
  });
});

describe('buildReportData on a real run', () => {
  const { input, result } = runExample('node-group-outgrows-max-pods');
  const data = buildReportData(result, input, { podcapVersion: '9.9.9' });

  it('keeps every event: the folded counts add up to the log', () => {
    const total = data.events.reduce((sum, e) => sum + e.count, 0);
    expect(total).toBe(result.events?.length);
    expect(data.eventsOmitted).toBe(0);
    expect(data.events.length).toBeLessThan(result.events?.length ?? 0);
  });

  it('flags the estimated memory of m5.large among the inputs and shows the node as podcap computed it', () => {
    const shapes = data.inputs.find((t) => t.title === 'Node kinds as podcap computed them');
    // m5.large on AL2023 from a managed node group: maxPods 29, 27 pod IPs, 1930m and 7068672Ki allocatable.
    expect(shapes?.rows.map((r) => r.cells)).toEqual([
      ['nodeGroup/general', 'm5.large', 'on-demand', '29', '27', '1930m', '7068672Ki'],
    ]);
    expect(shapes?.rows[0]?.estimate).toMatch(/estimate of MemTotal/);
  });

  it('shows the subnet with its usable addresses (the /25 less the 5 AWS keeps)', () => {
    const subnets = data.inputs.find((t) => t.title === 'Subnets');
    expect(subnets?.rows[0]?.cells).toEqual(['subnet-a', 'us-west-2a', '10.0.0.0/25', '123', 'nodes']);
  });

  it('splits each finding and keeps its time', () => {
    const exhausted = data.findings.find((f) => f.code === 'SUBNET_EXHAUSTED');
    expect(exhausted?.atMs).toBe(675_000);
    expect(exhausted?.fix).toMatch(/^a larger subnet/);
    expect(exhausted?.evidence).not.toMatch(/Fix:/);
  });

  it('keeps what is about the infrastructure, then pod warnings, when it must leave lines out', () => {
    const infrastructure = data.events.filter((e) => !/^(?:pod|deployment|daemonset)\//.test(e.object));
    const max = infrastructure.length + 5;
    const small = buildReportData(result, input, { podcapVersion: '9.9.9', maxEvents: max });
    expect(small.events).toHaveLength(max);
    expect(small.eventsOmitted).toBe(data.events.length - max);
    for (const e of infrastructure) expect(small.events).toContainEqual(e);
    // The 5 left go to the first pod warnings (sandboxes without an IP), not to routine lines.
    const rest = small.events.filter((e) => /^(?:pod|deployment|daemonset)\//.test(e.object));
    expect(rest.map((e) => e.reason)).toEqual(Array(5).fill('FailedCreatePodSandBox'));
    expect(small.events.some((e) => e.object === 'subnet/subnet-a')).toBe(true);
    const firstMs = small.events.map((e) => e.firstMs);
    expect(firstMs).toEqual([...firstMs].sort((a, b) => a - b));
  });
});

describe('buildReportData quota limits', () => {
  it('keys the given quotas as the series keys its use', () => {
    const { input, result } = runExample('karpenter-spot-quota-and-warm-pool');
    const data = buildReportData(result, input, { podcapVersion: '0' });
    expect(data.quotaLimits).toEqual({ 'spot/standard': 96 });
    expect(Object.keys(data.series.at(-1)?.quotaVcpus ?? {})).toContain('spot/standard');
  });

  it('has no events and no limits for a run without an event log or quotas', () => {
    const data = buildReportData(sampleSimResult({ events: null }), simInput({}, []), { podcapVersion: '0' });
    expect(data.events).toEqual([]);
    expect(data.quotaLimits).toEqual({});
  });
});
