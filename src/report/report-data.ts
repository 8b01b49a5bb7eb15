/**
 * The data behind the HTML report and the web UI's scenario runner: the run's result, its event log
 * folded the way `kubectl get events` folds repeats, and the inputs as podcap read them, with every
 * estimate flagged. Plain JSON, so it can be inlined into a page or sent by the local API.
 */

import { formatDuration } from '../core/duration.js';
import { formatKarpenterVersion } from '../core/karpenter-version.js';
import { formatCpu, formatMemory } from '../core/quantity.js';
import type { DoctorCode } from '../doctor/doctor-result.js';
import type { SelectorRequirement, SimInput, Workload } from '../sim/model.js';
import type {
  CostSummary,
  Finding,
  FindingCode,
  NodeSummary,
  PodCounts,
  SeriesPoint,
  Severity,
  SimEvent,
  SimResult,
  SubnetSummary,
  WorkloadSummary,
} from '../sim/result.js';

export const REPORT_FORMAT = 'podcap-report/1';

/** A finding split into what was seen and what to do; `fix` is null when the finding names none. */
export interface ReportFinding {
  /** A simulation's finding code, or the doctor's. */
  readonly code: FindingCode | DoctorCode;
  readonly severity: Severity;
  readonly evidence: string;
  readonly fix: string | null;
  readonly atMs: number | null;
}

/** Repeats of one (type, reason, object, message) folded into one line, as kubectl shows COUNT. */
export interface ReportEvent {
  readonly firstMs: number;
  readonly lastMs: number;
  readonly count: number;
  readonly type: SimEvent['type'];
  readonly reason: string;
  readonly object: string;
  readonly message: string;
}

export interface InputRow {
  readonly cells: readonly string[];
  /** Why a value on this row is podcap's estimate rather than the input's; null when nothing is. */
  readonly estimate: string | null;
}

export interface InputTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly InputRow[];
}

export interface ReportData {
  readonly format: typeof REPORT_FORMAT;
  /** A simulated run (charts over time, cost), or a real cluster's state as the doctor read it. */
  readonly kind: 'simulation' | 'cluster';
  readonly podcapVersion: string;
  readonly scenario: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly pods: PodCounts;
  readonly nodes: NodeSummary;
  readonly costUsd: CostSummary;
  readonly workloads: readonly WorkloadSummary[];
  readonly subnets: readonly SubnetSummary[];
  readonly findings: readonly ReportFinding[];
  readonly series: readonly SeriesPoint[];
  /** vCPU quotas given, keyed as the series key quota use: `spot/standard`, `on-demand/p`. */
  readonly quotaLimits: Readonly<Record<string, number>>;
  readonly events: readonly ReportEvent[];
  /** Folded event lines left out beyond `maxEvents`: routine pod events first (see keepEvents). */
  readonly eventsOmitted: number;
  readonly inputs: readonly InputTable[];
}

export interface ReportOptions {
  readonly podcapVersion: string;
  /** Folded event lines to keep; the rest are counted in `eventsOmitted`. */
  readonly maxEvents?: number;
}

/** Enough lines for any bundled example, few enough to keep a report file well under a megabyte. */
export const DEFAULT_MAX_EVENTS = 3000;

export function buildReportData(result: SimResult, input: SimInput, options: ReportOptions): ReportData {
  const folded = foldEvents(result.events ?? []);
  const kept = keepEvents(folded, options.maxEvents ?? DEFAULT_MAX_EVENTS);
  return {
    format: REPORT_FORMAT,
    kind: 'simulation',
    podcapVersion: options.podcapVersion,
    scenario: result.scenario,
    durationMs: result.durationMs,
    seed: result.seed,
    pods: result.pods,
    nodes: result.nodes,
    costUsd: result.costUsd,
    workloads: result.workloads,
    subnets: result.subnets,
    findings: result.findings.map(splitFinding),
    series: result.series,
    quotaLimits: quotaLimits(input),
    events: kept,
    eventsOmitted: folded.length - kept.length,
    inputs: inputTables(result, input),
  };
}

function quotaLimits(input: SimInput): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [cls, vcpus] of Object.entries(input.scenario.quotas.onDemand)) limits[`on-demand/${cls}`] = vcpus;
  for (const [cls, vcpus] of Object.entries(input.scenario.quotas.spot)) limits[`spot/${cls}`] = vcpus;
  return limits;
}

const FIX_MARKER = /\s*\bFix: /;

/** Findings end with "Fix: …" where podcap knows one; the report shows it apart from the evidence. */
export function splitFinding(
  finding: Pick<Finding, 'severity' | 'message' | 'atMs'> & { code: ReportFinding['code'] },
): ReportFinding {
  const match = FIX_MARKER.exec(finding.message);
  const evidence = match ? finding.message.slice(0, match.index) : finding.message;
  const fix = match ? finding.message.slice(match.index + match[0].length) : null;
  return { code: finding.code, severity: finding.severity, evidence, fix, atMs: finding.atMs };
}

/**
 * Folds repeats of the same event (the kubelet retrying a sandbox every few seconds, the scheduler
 * retrying a pod) into one line with a count and first and last time, in order of first sight.
 */
export function foldEvents(events: readonly SimEvent[]): ReportEvent[] {
  const byKey = new Map<string, { firstMs: number; lastMs: number; count: number; event: SimEvent }>();
  for (const event of events) {
    const key = `${event.type}\u0000${event.reason}\u0000${event.object}\u0000${event.message}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.count += 1;
      seen.lastMs = event.atMs;
    } else {
      byKey.set(key, { firstMs: event.atMs, lastMs: event.atMs, count: 1, event });
    }
  }
  return [...byKey.values()].map(({ firstMs, lastMs, count, event }) => ({
    firstMs,
    lastMs,
    count,
    type: event.type,
    reason: event.reason,
    object: event.object,
    message: event.message,
  }));
}

const WORKLOAD_OBJECT = /^(?:pod|deployment|replicaset|statefulset|daemonset)\//;

/**
 * Which folded lines a report keeps when there are more than it can carry: first every line about the
 * infrastructure (nodes, NodeClaims, subnets, NodePools: few, and each one matters), then warnings
 * about pods and workloads, then their routine lines (created, scheduled, started), each tier oldest
 * first; the kept lines stay in time order.
 */
export function keepEvents(events: readonly ReportEvent[], max: number): ReportEvent[] {
  if (events.length <= max) return [...events];
  const tier = (e: ReportEvent) => (!WORKLOAD_OBJECT.test(e.object) ? 0 : e.type === 'Warning' ? 1 : 2);
  const ranked = events.map((event, index) => ({ event, index, tier: tier(event) }));
  const kept = [...ranked]
    .sort((a, b) => a.tier - b.tier || a.index - b.index)
    .slice(0, Math.max(0, max))
    .sort((a, b) => a.index - b.index);
  return kept.map((k) => k.event);
}

const GIVEN = null;

function row(cells: readonly string[], estimate: string | null = GIVEN): InputRow {
  return { cells, estimate };
}

function requirementText(r: SelectorRequirement): string {
  return r.values.length === 0 ? `${r.key} ${r.operator}` : `${r.key} ${r.operator} ${r.values.join(',')}`;
}

function workloadReplicas(workload: Workload): string {
  switch (workload.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
      return String(workload.replicas);
    case 'DaemonSet':
      return 'one a node';
    case 'Pod':
      return '1';
  }
}

function requestText(workload: Workload): { cpu: string; memory: string; extended: string } {
  const requests = workload.template.requests;
  return {
    cpu: requests.cpuUnset ? '-' : formatCpu(requests.cpuMillis),
    memory: requests.memoryUnset ? '-' : formatMemory(requests.memoryBytes),
    extended: [...requests.extended].map(([name, value]) => `${name}=${value}`).join(', '),
  };
}

export function inputTables(result: SimResult, input: SimInput): InputTable[] {
  const scenario = input.scenario;
  const tables: InputTable[] = [];
  tables.push({
    title: 'Scenario',
    columns: ['setting', 'value'],
    rows: [
      row(['name', scenario.name]),
      row(['duration', formatDuration(scenario.durationMs)]),
      row(['seed', String(scenario.seed)]),
      row(['region', scenario.region]),
      row(['EC2 launch to Ready', formatDuration(scenario.launchMs)]),
      row(['Spot price', `${Math.round(scenario.spotPriceRatio * 100)}% of On-Demand`]),
      row(['EKS add-ons', scenario.addons.length === 0 ? 'none' : scenario.addons.join(', ')]),
    ],
  });
  const usable = new Map(result.subnets.map((s) => [s.id, s.usable]));
  const podSubnets = new Map([...scenario.eniConfigs].map(([zone, id]) => [id, zone]));
  tables.push({
    title: 'Subnets',
    columns: ['id', 'zone', 'CIDR', 'usable addresses', 'role'],
    rows: scenario.subnets.map((s) =>
      row([s.id, s.zone, s.cidr, String(usable.get(s.id) ?? ''), podSubnets.has(s.id) ? 'ENIConfig (pods)' : 'nodes']),
    ),
  });
  const env = Object.entries(scenario.vpcCniEnv);
  tables.push({
    title: 'VPC CNI (aws-node environment)',
    columns: ['variable', 'value'],
    rows:
      env.length === 0
        ? [row(['(none given)', "the EKS manifest's defaults"], 'defaults assumed')]
        : env.map(([name, value]) => row([name, value])),
  });
  if (scenario.nodeGroups.length > 0) {
    tables.push({
      title: 'Managed node groups',
      columns: ['name', 'instance type', 'desired', 'AMI', 'capacity', 'maxPods', 'subnets'],
      rows: scenario.nodeGroups.map((g) =>
        row([
          g.name,
          g.instanceType,
          String(g.desired),
          g.amiFamily,
          g.capacityType,
          g.maxPods === null ? "the AMI's" : String(g.maxPods),
          g.subnets.join(', '),
        ]),
      ),
    });
  }
  if (scenario.nodes.length > 0) {
    tables.push({
      title: 'Nodes at time 0',
      columns: ['instance type', 'count', 'NodePool', 'zone', 'capacity'],
      rows: scenario.nodes.map((n) =>
        row([n.instanceType, String(n.count), n.nodePool ?? '-', n.zone ?? 'any', n.capacityType]),
      ),
    });
  }
  if (scenario.karpenter) {
    const k = scenario.karpenter;
    tables.push({
      title: 'Karpenter',
      columns: ['setting', 'value'],
      rows: [
        row(['version', formatKarpenterVersion(k.version)]),
        row(['RESERVED_ENIS', String(k.reservedEnis)]),
        row(['VM_MEMORY_OVERHEAD_PERCENT', String(k.vmMemoryOverheadPercent)]),
        row(['batch idle / max', `${formatDuration(k.batchIdleDurationMs)} / ${formatDuration(k.batchMaxDurationMs)}`]),
      ],
    });
  }
  if (input.nodePools.length > 0) {
    tables.push({
      title: 'NodePools',
      columns: ['name', 'EC2NodeClass', 'weight', 'requirements', 'limits', 'consolidation'],
      rows: input.nodePools.map((p) =>
        row([
          p.name,
          p.nodeClass,
          String(p.weight),
          p.requirements.map(requirementText).join('; ') || '-',
          [...p.limits].map(([name, value]) => `${name}=${limitText(name, value)}`).join(', ') || 'none',
          `${p.consolidationPolicy}, after ${p.consolidateAfterMs === null ? 'Never' : formatDuration(p.consolidateAfterMs)}`,
        ]),
      ),
    });
  }
  if (input.nodeClasses.length > 0) {
    tables.push({
      title: 'EC2NodeClasses',
      columns: ['name', 'AMI', 'subnets', 'kubelet maxPods'],
      rows: input.nodeClasses.map((c) =>
        row([
          c.name,
          c.amiFamily,
          c.subnetIds.join(', ') || 'none matched',
          c.kubelet.maxPods === null ? '-' : String(c.kubelet.maxPods),
        ]),
      ),
    });
  }
  tables.push({
    title: 'Node kinds as podcap computed them',
    columns: ['origin', 'instance type', 'capacity', 'maxPods', 'pod IPs', 'allocatable cpu', 'allocatable memory'],
    rows: result.nodeShapes.map((n) =>
      row(
        [
          n.origin,
          n.instanceType,
          n.capacityType,
          n.maxPods === null ? `not Ready: ${n.failure ?? 'bootstrap failed'}` : String(n.maxPods),
          String(n.podIps),
          formatCpu(n.allocatable.cpuMillis),
          formatMemory(n.allocatable.memoryBytes),
        ],
        n.memoryEstimated ? "memory from podcap's estimate of MemTotal (give spec.aws.observedMemory)" : null,
      ),
    ),
  });
  const observed = [...scenario.observedMemoryBytes];
  if (observed.length > 0) {
    tables.push({
      title: 'Observed node memory (status.capacity.memory)',
      columns: ['instance type', 'memory'],
      rows: observed.map(([type, bytes]) => row([type, formatMemory(bytes)])),
    });
  }
  tables.push({
    title: 'Workloads',
    columns: ['kind', 'namespace', 'name', 'replicas', 'cpu', 'memory', 'other requests', 'hostNetwork'],
    rows: input.workloads.map((w) => {
      const requests = requestText(w);
      return row([
        w.kind,
        w.id.namespace,
        w.id.name,
        workloadReplicas(w),
        requests.cpu,
        requests.memory,
        requests.extended || '-',
        w.template.hostNetwork ? 'yes' : 'no',
      ]);
    }),
  });
  if (input.securityGroupPolicies.length > 0) {
    tables.push({
      title: 'SecurityGroupPolicies',
      columns: ['namespace', 'name'],
      rows: input.securityGroupPolicies.map((p) => row([p.namespace, p.name])),
    });
  }
  const quotas = [
    ...Object.entries(scenario.quotas.onDemand).map(([cls, vcpus]) => row(['on-demand', cls, String(vcpus)])),
    ...Object.entries(scenario.quotas.spot).map(([cls, vcpus]) => row(['spot', cls, String(vcpus)])),
  ];
  if (quotas.length > 0) {
    tables.push({ title: 'EC2 vCPU quotas', columns: ['capacity', 'class', 'vCPUs'], rows: quotas });
  }
  if (scenario.timeline.length > 0) {
    tables.push({
      title: 'Timeline',
      columns: ['at', 'action'],
      rows: scenario.timeline.map((t) => {
        const a = t.action;
        const text =
          a.type === 'scale-workload'
            ? `scale ${a.target.kind} ${a.target.namespace}/${a.target.name} to ${a.replicas}`
            : a.type === 'delete-workload'
              ? `delete ${a.target.kind} ${a.target.namespace}/${a.target.name}`
              : `scale node group ${a.nodeGroup} to ${a.desired}`;
        return row([formatDuration(t.atMs), text]);
      }),
    });
  }
  if (input.ignored.length > 0) {
    tables.push({
      title: 'Documents podcap does not model (ignored)',
      columns: ['kind', 'name', 'file'],
      rows: input.ignored.map((d) => row([d.kind, d.name, `${baseName(d.source.file)} #${d.source.documentIndex}`])),
    });
  }
  return tables;
}

function limitText(resource: string, value: number): string {
  if (resource === 'cpu') return formatCpu(value);
  if (resource === 'memory') return formatMemory(value);
  return String(value);
}

/** Only the file's own name: a report travels, the reader's machine has other folders. */
function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
