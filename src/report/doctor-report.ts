/**
 * The doctor's HTML report, in the simulator's report format: the cluster's findings first; with a
 * what-if, the simulated run's charts, end state and events after them; the cluster as read (subnets
 * with their forecast, nodes short of pod IPs, what was read) among the inputs.
 */

import type { ClusterState } from '../cluster/cluster-state.js';
import { admitsMoreThanIps, type DoctorResult } from '../doctor/doctor-result.js';
import type { SimInput } from '../sim/model.js';
import type { SimResult } from '../sim/result.js';
import { nodeIpCells, quotaCells } from './doctor-rows.js';
import { buildReportData, type InputTable, REPORT_FORMAT, type ReportData, splitFinding } from './report-data.js';

export interface DoctorWhatIfRun {
  readonly changes: readonly string[];
  readonly input: SimInput;
  readonly result: SimResult;
}

function clusterTables(state: ClusterState, result: DoctorResult): InputTable[] {
  const tables: InputTable[] = [
    {
      title: 'Read from the cluster',
      columns: ['source'],
      rows: state.read.map((line) => ({ cells: [line], estimate: null })),
    },
    {
      title: 'Subnets: addresses by use and the forecast',
      columns: [
        'subnet',
        'zone',
        'CIDR',
        'usable',
        'free',
        'nodes',
        'ENIs',
        'pods',
        'warm',
        'other',
        'pods until dry',
        'basis',
      ],
      rows: result.subnets.map((s) => ({
        cells: [
          s.id,
          s.zone,
          s.cidr,
          String(s.usable),
          String(s.free),
          String(s.use.nodes),
          String(s.use.enis),
          String(s.use.pods),
          String(s.use.warm),
          String(s.use.other),
          s.podsUntilDry === null ? '-' : String(s.podsUntilDry),
          s.basis,
        ],
        estimate: 'ENIs and warm addresses are estimated by the ipamd model from each node’s pods',
      })),
    },
  ];
  if (result.quotas !== null && result.quotas.length > 0) {
    tables.push({
      title: 'EC2 vCPU quotas',
      columns: ['capacity', 'class', 'quota code', 'limit', 'used', 'nodes', 'headroom'],
      rows: result.quotas.map((q) => ({ cells: quotaCells(q, false), estimate: null })),
    });
  }
  const short = result.nodes.filter(admitsMoreThanIps);
  if (short.length > 0) {
    tables.push({
      title: 'Nodes whose maxPods exceed their pod IPs',
      columns: ['node', 'instance type', 'maxPods', 'pod IPs', 'pods needing an IP', 'pods with an IP'],
      rows: short.map((n) => ({ cells: nodeIpCells(n), estimate: null })),
    });
  }
  return tables;
}

export function doctorReportData(
  state: ClusterState,
  result: DoctorResult,
  whatIf: DoctorWhatIfRun | null,
  options: { readonly podcapVersion: string },
): ReportData {
  const findings = result.findings.map((f) => splitFinding({ ...f, atMs: null }));
  const tables = clusterTables(state, result);
  if (whatIf) {
    const run = buildReportData(whatIf.result, whatIf.input, options);
    return {
      ...run,
      scenario: `what if ${whatIf.changes.join(', ')}`,
      findings: [...findings, ...run.findings],
      inputs: [...tables, ...run.inputs],
    };
  }
  const running = state.pods.filter((p) => p.phase === 'Running' && !p.containerCreating).length;
  const creating = state.pods.filter((p) => p.containerCreating).length;
  const pending = state.pods.filter((p) => p.phase === 'Pending' && !p.containerCreating).length;
  const byType: Record<string, number> = {};
  const byGroup: Record<string, number> = {};
  for (const node of state.nodes) {
    const type = node.instanceType ?? 'unknown';
    byType[type] = (byType[type] ?? 0) + 1;
    const group = node.nodePool
      ? `nodePool/${node.nodePool}`
      : node.nodeGroup
        ? `nodeGroup/${node.nodeGroup}`
        : 'other';
    byGroup[group] = (byGroup[group] ?? 0) + 1;
  }
  return {
    format: REPORT_FORMAT,
    kind: 'cluster',
    podcapVersion: options.podcapVersion,
    scenario: 'cluster doctor',
    durationMs: 0,
    seed: 0,
    pods: { running, pending, containerCreating: creating, total: running + pending + creating },
    nodes: { launched: 0, atEnd: state.nodes.length, byType, byGroup },
    costUsd: { totalUsd: 0, byType: {}, byGroup: {} },
    workloads: [],
    subnets: result.subnets.map((s) => ({
      id: s.id,
      zone: s.zone,
      cidr: s.cidr,
      usable: s.usable,
      used: s.usable - s.free,
      free: s.free,
      lowestFree: s.free,
      lowestFreeAtMs: 0,
      exhaustedAtMs: null,
      idleInWarmPools: s.use.warm,
    })),
    findings,
    series: [],
    quotaLimits: {},
    events: [],
    eventsOmitted: 0,
    inputs: tables,
  };
}
