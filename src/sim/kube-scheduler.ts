/**
 * The kube-scheduler's default profile (Kubernetes v1.34, pkg/scheduler) for what a scenario carries:
 * the filter plugins in profile order, the score plugins with their weights, the adaptive share of
 * nodes examined, the rotating start index and the random tie-break, and FailedScheduling messages
 * worded as FitError words them. Pure functions over the nodes the engine holds.
 */

import { MEBIBYTE } from '../core/quantity.js';
import type {
  LabelSelector,
  NodeSelectorTerm,
  PodTemplate,
  SelectorRequirement,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from './model.js';
import type { Random } from './random.js';
import { selectorMatches } from './workload-pods.js';

export interface SchedulerNode {
  /** A small integer unique in the run: per-node caches are arrays indexed by it. */
  readonly id: number;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `topology.kubernetes.io/zone`, kept apart for the hot paths. */
  readonly zone: string | null;
  readonly taints: readonly Taint[];
  unschedulable: boolean;
  readonly allocatable: {
    readonly cpuMillis: number;
    readonly memoryBytes: number;
    readonly pods: number;
    readonly extended: ReadonlyMap<string, number>;
  };
  readonly requested: {
    cpuMillis: number;
    memoryBytes: number;
    pods: number;
    extended: Map<string, number>;
    nonZeroCpuMillis: number;
    nonZeroMemoryBytes: number;
  };
}

export interface SchedulerPod {
  readonly key: string;
  readonly namespace: string;
  readonly template: PodTemplate;
  /** The owner's selector for the system default spread constraints; null for pods without such an owner. */
  readonly defaultSpreadSelector: LabelSelector | null;
  /** Pods of one class have the same template. */
  readonly classId: string;
}

/** Scoring counts a pod without a cpu or memory request as 100m / 200Mi (pkg/scheduler/util/pod_resources.go). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * MEBIBYTE;
const MAX_NODE_SCORE = 100;

/** Queue timing (pkg/scheduler/internal/queue/scheduling_queue.go and apis/config defaults). */
export const POD_INITIAL_BACKOFF_MS = 1_000;
export const POD_MAX_BACKOFF_MS = 10_000;
export const POD_MAX_IN_UNSCHEDULABLE_PODS_MS = 5 * 60_000;
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30_000;

/** The backoff after the n-th failed attempt: 1 s doubling, at most 10 s. */
export function backoffDurationMs(attempts: number): number {
  let duration = POD_INITIAL_BACKOFF_MS;
  for (let i = 1; i < attempts && duration < POD_MAX_BACKOFF_MS; i += 1) duration *= 2;
  return Math.min(duration, POD_MAX_BACKOFF_MS);
}

function nonZeroCpu(template: PodTemplate): number {
  return template.requests.cpuUnset ? DEFAULT_MILLI_CPU_REQUEST : template.requests.cpuMillis;
}

function nonZeroMemory(template: PodTemplate): number {
  return template.requests.memoryUnset ? DEFAULT_MEMORY_REQUEST : template.requests.memoryBytes;
}

export function addPodToNode(node: SchedulerNode, pod: SchedulerPod): void {
  const r = node.requested;
  const requests = pod.template.requests;
  r.cpuMillis += requests.cpuMillis;
  r.memoryBytes += requests.memoryBytes;
  r.pods += 1;
  r.nonZeroCpuMillis += nonZeroCpu(pod.template);
  r.nonZeroMemoryBytes += nonZeroMemory(pod.template);
  for (const [name, amount] of requests.extended) r.extended.set(name, (r.extended.get(name) ?? 0) + amount);
}

export function removePodFromNode(node: SchedulerNode, pod: SchedulerPod): void {
  const r = node.requested;
  const requests = pod.template.requests;
  r.cpuMillis -= requests.cpuMillis;
  r.memoryBytes -= requests.memoryBytes;
  r.pods -= 1;
  r.nonZeroCpuMillis -= nonZeroCpu(pod.template);
  r.nonZeroMemoryBytes -= nonZeroMemory(pod.template);
  for (const [name, amount] of requests.extended) r.extended.set(name, (r.extended.get(name) ?? 0) - amount);
}

// ------------------------------------------------------------------ matching

function requirementMatches(req: SelectorRequirement, value: string | undefined): boolean {
  switch (req.operator) {
    case 'In':
      return value !== undefined && req.values.includes(value);
    case 'NotIn':
      return value === undefined || !req.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const bound = Number(req.values[0]);
      return req.operator === 'Gt' ? Number(value) > bound : Number(value) < bound;
    }
  }
}

function termMatches(term: NodeSelectorTerm, node: SchedulerNode): boolean {
  // An empty term matches nothing (component-helpers nodeaffinity).
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  for (const req of term.matchExpressions) if (!requirementMatches(req, node.labels[req.key])) return false;
  for (const req of term.matchFields) {
    if (req.key !== 'metadata.name' || !requirementMatches(req, node.name)) return false;
  }
  return true;
}

/** nodeSelector AND (any required affinity term) — the NodeAffinity filter. */
export function matchesNodeAffinity(template: PodTemplate, node: SchedulerNode): boolean {
  for (const [key, value] of Object.entries(template.nodeSelector)) if (node.labels[key] !== value) return false;
  const terms = template.requiredNodeAffinity;
  if (terms === null) return true;
  return terms.some((term) => termMatches(term, node));
}

function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== null && toleration.effect !== taint.effect) return false;
  if (toleration.key !== '' && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return toleration.value === taint.value;
}

/** The first NoSchedule/NoExecute taint no toleration tolerates (v1helper.FindMatchingUntoleratedTaint). */
function untoleratedTaint(template: PodTemplate, node: SchedulerNode): Taint | null {
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!template.tolerations.some((t) => tolerates(t, taint))) return taint;
  }
  return null;
}

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

/** The filters that depend only on the pod's template and the node's labels and taints. */
function staticFilter(template: PodTemplate, node: SchedulerNode): string | null {
  if (node.unschedulable && !template.tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) {
    return 'node(s) were unschedulable';
  }
  const taint = untoleratedTaint(template, node);
  if (taint !== null) return `node(s) had untolerated taint {${taint.key}: ${taint.value}}`;
  if (!matchesNodeAffinity(template, node)) return "node(s) didn't match Pod's node affinity/selector";
  return null;
}

/** Whether a node passes NodeUnschedulable, TaintToleration and NodeAffinity (the DaemonSet controller asks the same). */
export function nodePassesStaticFilters(template: PodTemplate, node: SchedulerNode): boolean {
  return staticFilter(template, node) === null;
}

// ------------------------------------------------------------------ topology

interface SelectorCounts {
  readonly namespace: string;
  readonly selector: LabelSelector;
  readonly byNode: number[];
  readonly byZone: Map<string, number>;
}

const ZONE = 'topology.kubernetes.io/zone';
const HOSTNAME = 'kubernetes.io/hostname';

/** Pods matching a selector, by node and by zone, kept current on every bind and unbind. */
export class TopologyIndex {
  private readonly selectors = new Map<string, SelectorCounts>();
  private readonly bound = new Map<SchedulerPod, SchedulerNode>();

  onBind(pod: SchedulerPod, node: SchedulerNode): void {
    this.bound.set(pod, node);
    for (const counts of this.selectors.values()) this.count(counts, pod, node, 1);
  }

  onUnbind(pod: SchedulerPod, _node: SchedulerNode): void {
    const node = this.bound.get(pod);
    if (!node) return;
    this.bound.delete(pod);
    for (const counts of this.selectors.values()) this.count(counts, pod, node, -1);
  }

  private count(counts: SelectorCounts, pod: SchedulerPod, node: SchedulerNode, delta: number): void {
    if (pod.namespace !== counts.namespace || !selectorMatches(counts.selector, pod.template.labels)) return;
    counts.byNode[node.id] = (counts.byNode[node.id] ?? 0) + delta;
    const zone = node.zone;
    if (zone !== null) counts.byZone.set(zone, (counts.byZone.get(zone) ?? 0) + delta);
  }

  counts(namespace: string, selector: LabelSelector): SelectorCounts {
    const key = `${namespace}\u0000${JSON.stringify(selector)}`;
    let counts = this.selectors.get(key);
    if (!counts) {
      counts = { namespace, selector, byNode: [], byZone: new Map() };
      this.selectors.set(key, counts);
      for (const [pod, node] of this.bound) this.count(counts, pod, node, 1);
    }
    return counts;
  }
}

export function createTopologyIndex(): TopologyIndex {
  return new TopologyIndex();
}

function inDomain(counts: SelectorCounts, key: string, node: SchedulerNode): number {
  if (key === HOSTNAME) return counts.byNode[node.id] ?? 0;
  if (key === ZONE) return node.zone === null ? 0 : (counts.byZone.get(node.zone) ?? 0);
  return 0;
}

function constraintSelector(c: TopologySpreadConstraint, pod: SchedulerPod): LabelSelector | null {
  if (c.labelSelector === null) return null;
  if (c.matchLabelKeys.length === 0) return c.labelSelector;
  const extra: Record<string, string> = {};
  for (const key of c.matchLabelKeys) {
    const value = pod.template.labels[key];
    if (value !== undefined) extra[key] = value;
  }
  return { ...c.labelSelector, matchLabels: { ...c.labelSelector.matchLabels, ...extra } };
}

/** PodTopologySpread filter for DoNotSchedule constraints (plugins/podtopologyspread/filtering.go). */
function spreadFilter(
  pod: SchedulerPod,
  node: SchedulerNode,
  nodes: readonly SchedulerNode[],
  topology: TopologyIndex,
  minCache: Map<TopologySpreadConstraint, number>,
): string | null {
  for (const c of pod.template.topologySpreadConstraints) {
    if (c.whenUnsatisfiable !== 'DoNotSchedule') continue;
    if (node.labels[c.topologyKey] === undefined) {
      return "node(s) didn't match pod topology spread constraints (missing required label)";
    }
    const selector = constraintSelector(c, pod);
    const counts = selector === null ? null : topology.counts(pod.namespace, selector);
    let min = minCache.get(c);
    if (min === undefined) {
      min = globalMinimum(c, pod, nodes, counts);
      minCache.set(c, min);
    }
    const self = selector !== null && selectorMatches(selector, pod.template.labels) ? 1 : 0;
    const here = counts === null ? 0 : inDomain(counts, c.topologyKey, node);
    if (here + self - min > c.maxSkew) return "node(s) didn't match pod topology spread constraints";
  }
  return null;
}

/** The smallest count over the eligible domains; 0 when fewer domains than minDomains exist. */
function globalMinimum(
  c: TopologySpreadConstraint,
  pod: SchedulerPod,
  nodes: readonly SchedulerNode[],
  counts: SelectorCounts | null,
): number {
  const domains = new Map<string, number>();
  for (const node of nodes) {
    const value = node.labels[c.topologyKey];
    if (value === undefined) continue;
    if (c.nodeAffinityPolicy === 'Honor' && !matchesNodeAffinity(pod.template, node)) continue;
    if (c.nodeTaintsPolicy === 'Honor' && untoleratedTaint(pod.template, node) !== null) continue;
    domains.set(value, counts === null ? 0 : inDomain(counts, c.topologyKey, node));
  }
  if (c.minDomains !== null && domains.size < c.minDomains) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const n of domains.values()) min = Math.min(min, n);
  return Number.isFinite(min) ? min : 0;
}

// ------------------------------------------------------------------ one pod

export interface SchedulerState {
  nextStartNodeIndex: number;
  readonly staticVerdicts: WeakMap<PodTemplate, (string | null | undefined)[]>;
}

export function createSchedulerState(): SchedulerState {
  return { nextStartNodeIndex: 0, staticVerdicts: new WeakMap() };
}

/**
 * How many feasible nodes the scheduler looks for before it stops filtering: all below 100 nodes,
 * else an adaptive share 50 − n/125 percent, at least 5 % and at least 100 nodes (schedule_one.go).
 */
export function numFeasibleNodesToFind(nodes: number): number {
  if (nodes < 100) return nodes;
  let percentage = 50 - Math.trunc(nodes / 125);
  if (percentage < 5) percentage = 5;
  const count = Math.trunc((nodes * percentage) / 100);
  return count < 100 ? 100 : count;
}

export type ScheduleResult =
  | { readonly status: 'scheduled'; readonly node: SchedulerNode }
  | { readonly status: 'unschedulable'; readonly message: string; readonly reasons: ReadonlyMap<string, number> };

/** "0/N nodes are available: …." with reasons sorted as Go's sort.Strings sorts them (framework FitError). */
export function fitErrorMessage(nodes: number, reasons: ReadonlyMap<string, number>): string {
  if (nodes === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons.entries()].map(([reason, count]) => `${count} ${reason}`);
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // The PostFilter (preemption) sentence is left out: podcap does not model priorities.
  return `0/${nodes} nodes are available: ${parts.join(', ')}.`;
}

function fitsResources(pod: SchedulerPod, node: SchedulerNode): boolean {
  const r = node.requested;
  const a = node.allocatable;
  const req = pod.template.requests;
  if (r.pods + 1 > a.pods) return false;
  if (req.cpuMillis > 0 && r.cpuMillis + req.cpuMillis > a.cpuMillis) return false;
  if (req.memoryBytes > 0 && r.memoryBytes + req.memoryBytes > a.memoryBytes) return false;
  if (req.extended.size === 0) return true;
  for (const [name, amount] of req.extended) {
    if (amount > 0 && (r.extended.get(name) ?? 0) + amount > (a.extended.get(name) ?? 0)) return false;
  }
  return true;
}

function resourceReasons(pod: SchedulerPod, node: SchedulerNode, out: string[]): void {
  const r = node.requested;
  const a = node.allocatable;
  const req = pod.template.requests;
  if (r.pods + 1 > a.pods) out.push('Too many pods');
  if (req.cpuMillis > 0 && r.cpuMillis + req.cpuMillis > a.cpuMillis) out.push('Insufficient cpu');
  if (req.memoryBytes > 0 && r.memoryBytes + req.memoryBytes > a.memoryBytes) out.push('Insufficient memory');
  for (const [name, amount] of req.extended) {
    if (amount > 0 && (r.extended.get(name) ?? 0) + amount > (a.extended.get(name) ?? 0))
      out.push(`Insufficient ${name}`);
  }
}

export function schedulePod(
  state: SchedulerState,
  pod: SchedulerPod,
  nodes: readonly SchedulerNode[],
  topology: TopologyIndex,
  random: Random,
): ScheduleResult {
  const n = nodes.length;
  if (n === 0) return { status: 'unschedulable', message: fitErrorMessage(0, new Map()), reasons: new Map() };
  let verdicts = state.staticVerdicts.get(pod.template);
  if (!verdicts) {
    verdicts = [];
    state.staticVerdicts.set(pod.template, verdicts);
  }
  const pinned = pinnedNodeNames(pod.template);
  if (pinned !== null) return schedulePinned(pod, pinned, nodes, topology, random, verdicts);
  const want = numFeasibleNodesToFind(n);
  const feasible: SchedulerNode[] = [];
  const reasons = new Map<string, number>();
  const minCache = new Map<TopologySpreadConstraint, number>();
  const hasSpread = pod.template.topologySpreadConstraints.some((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  let processed = 0;
  const start = state.nextStartNodeIndex;
  for (let i = 0; i < n && feasible.length < want; i += 1) {
    const at = start + i;
    const node = nodes[at < n ? at : at - n] as SchedulerNode;
    processed += 1;
    let verdict = verdicts[node.id];
    if (verdict === undefined) {
      verdict = staticFilter(pod.template, node);
      verdicts[node.id] = verdict;
    }
    if (verdict !== null) {
      reasons.set(verdict, (reasons.get(verdict) ?? 0) + 1);
      continue;
    }
    if (!fitsResources(pod, node)) {
      const found: string[] = [];
      resourceReasons(pod, node, found);
      for (const reason of found) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    if (hasSpread) {
      const spread = spreadFilter(pod, node, nodes, topology, minCache);
      if (spread !== null) {
        reasons.set(spread, (reasons.get(spread) ?? 0) + 1);
        continue;
      }
    }
    feasible.push(node);
  }
  state.nextStartNodeIndex = (state.nextStartNodeIndex + processed) % n;
  if (feasible.length === 0) return { status: 'unschedulable', message: fitErrorMessage(n, reasons), reasons };
  if (feasible.length === 1) return { status: 'scheduled', node: feasible[0] as SchedulerNode };
  return { status: 'scheduled', node: selectHost(feasible, scoreNodes(pod, feasible, topology), random) };
}

/** selectHost: the highest total, ties broken by reservoir sampling (schedule_one.go). */
function selectHost(feasible: readonly SchedulerNode[], scores: readonly number[], random: Random): SchedulerNode {
  let best = 0;
  let bestScore = scores[0] ?? 0;
  let ties = 1;
  for (let i = 1; i < feasible.length; i += 1) {
    const score = scores[i] ?? 0;
    if (score > bestScore) {
      bestScore = score;
      best = i;
      ties = 1;
    } else if (score === bestScore) {
      ties += 1;
      if (random.int(ties) === 0) best = i;
    }
  }
  return feasible[best] as SchedulerNode;
}

/**
 * NodeAffinity's PreFilter narrows a pod whose only required term names nodes by `metadata.name` (every
 * DaemonSet pod) to those nodes (plugins/nodeaffinity PreFilterResult); the rest fail NodeAffinity.
 */
function pinnedNodeNames(template: PodTemplate): readonly string[] | null {
  const terms = template.requiredNodeAffinity;
  if (terms === null || terms.length !== 1) return null;
  const fields = terms[0]?.matchFields ?? [];
  const field = fields[0];
  if (fields.length !== 1 || !field || field.key !== 'metadata.name' || field.operator !== 'In') return null;
  return field.values;
}

const AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

function schedulePinned(
  pod: SchedulerPod,
  names: readonly string[],
  nodes: readonly SchedulerNode[],
  topology: TopologyIndex,
  random: Random,
  verdicts: (string | null | undefined)[],
): ScheduleResult {
  const reasons = new Map<string, number>();
  const feasible: SchedulerNode[] = [];
  let examined = 0;
  for (const node of nodes) {
    if (!names.includes(node.name)) continue;
    examined += 1;
    let verdict = verdicts[node.id];
    if (verdict === undefined) {
      verdict = staticFilter(pod.template, node);
      verdicts[node.id] = verdict;
    }
    const found: string[] = [];
    if (verdict !== null) found.push(verdict);
    else if (!fitsResources(pod, node)) resourceReasons(pod, node, found);
    else {
      const spread = spreadFilter(pod, node, nodes, topology, new Map());
      if (spread !== null) found.push(spread);
    }
    if (found.length === 0) feasible.push(node);
    for (const reason of found) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (nodes.length > examined)
    reasons.set(AFFINITY_MISMATCH, (reasons.get(AFFINITY_MISMATCH) ?? 0) + nodes.length - examined);
  if (feasible.length === 0) {
    return { status: 'unschedulable', message: fitErrorMessage(nodes.length, reasons), reasons };
  }
  if (feasible.length === 1) return { status: 'scheduled', node: feasible[0] as SchedulerNode };
  return { status: 'scheduled', node: selectHost(feasible, scoreNodes(pod, feasible, topology), random) };
}

// ------------------------------------------------------------------ scoring

/** Weights of the default profile's score plugins (apis/config/v1 default_plugins.go). */
const WEIGHT = { taintToleration: 3, nodeAffinity: 2, fit: 1, balanced: 1, spread: 2 } as const;

function leastAllocated(requested: number, allocatable: number): number {
  if (allocatable === 0 || requested > allocatable) return 0;
  return Math.trunc(((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
}

/** Total weighted score of each feasible node, in order. */
export function scoreNodes(pod: SchedulerPod, nodes: readonly SchedulerNode[], topology: TopologyIndex): number[] {
  const template = pod.template;
  const podCpu = nonZeroCpu(template);
  const podMemory = nonZeroMemory(template);
  const totals = new Array<number>(nodes.length).fill(0);

  // TaintToleration: intolerable PreferNoSchedule taints, normalised in reverse.
  let intolerable: number[] | null = null;
  let maxIntolerable = 0;
  for (const node of nodes) {
    if (node.taints.length > 0) {
      intolerable = nodes.map(
        (n) =>
          n.taints.filter((t) => t.effect === 'PreferNoSchedule' && !template.tolerations.some((x) => tolerates(x, t)))
            .length,
      );
      for (const count of intolerable) if (count > maxIntolerable) maxIntolerable = count;
      break;
    }
  }

  // PodTopologySpread: the pod's ScheduleAnyway constraints, or the system defaults for owned pods.
  const own = template.topologySpreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
  const soft: { key: string; maxSkew: number; counts: SelectorCounts | null }[] = [];
  if (template.topologySpreadConstraints.length > 0) {
    for (const c of own) {
      const selector = constraintSelector(c, pod);
      soft.push({
        key: c.topologyKey,
        maxSkew: c.maxSkew,
        counts: selector ? topology.counts(pod.namespace, selector) : null,
      });
    }
  } else if (pod.defaultSpreadSelector !== null) {
    // System defaults: hostname maxSkew 3, zone maxSkew 5 (podtopologyspread/plugin.go systemDefaultConstraints).
    const counts = topology.counts(pod.namespace, pod.defaultSpreadSelector);
    soft.push({ key: HOSTNAME, maxSkew: 3, counts }, { key: ZONE, maxSkew: 5, counts });
  }
  let spread: number[] | null = null;
  if (soft.length > 0) {
    const raw: number[] = [];
    const ignored: boolean[] = [];
    // Each constraint weighs log(domains + 2), domains counted over the feasible nodes (scoring.go).
    const weights = soft.map((c) => {
      if (c.key === HOSTNAME) return Math.log(nodes.length + 2);
      const values = new Set<string>();
      for (const node of nodes) {
        const value = node.labels[c.key];
        if (value !== undefined) values.add(value);
      }
      return Math.log(values.size + 2);
    });
    for (const node of nodes) {
      let score = 0;
      let missing = false;
      for (let i = 0; i < soft.length; i += 1) {
        const c = soft[i] as (typeof soft)[number];
        if (c.key !== HOSTNAME && node.labels[c.key] === undefined) {
          missing = true;
          continue;
        }
        const count = c.counts === null ? 0 : inDomain(c.counts, c.key, node);
        score += count * (weights[i] ?? 0) + (c.maxSkew - 1);
      }
      raw.push(Math.round(score));
      ignored.push(missing);
    }
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    raw.forEach((s, i) => {
      if (ignored[i]) return;
      min = Math.min(min, s);
      max = Math.max(max, s);
    });
    spread = raw.map((s, i) => {
      if (ignored[i]) return 0;
      if (max === 0) return MAX_NODE_SCORE;
      return Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max);
    });
  }

  for (let i = 0; i < nodes.length; i += 1) {
    const node = nodes[i] as SchedulerNode;
    const a = node.allocatable;
    const r = node.requested;
    const fit = Math.trunc(
      (leastAllocated(r.nonZeroCpuMillis + podCpu, a.cpuMillis) +
        leastAllocated(r.nonZeroMemoryBytes + podMemory, a.memoryBytes)) /
        2,
    );
    // BalancedAllocation on the real requests: (1 − std of the cpu and memory fractions) × 100.
    const cpuFraction = a.cpuMillis === 0 ? 1 : Math.min(1, (r.cpuMillis + template.requests.cpuMillis) / a.cpuMillis);
    const memoryFraction =
      a.memoryBytes === 0 ? 1 : Math.min(1, (r.memoryBytes + template.requests.memoryBytes) / a.memoryBytes);
    const balanced = Math.trunc((1 - Math.abs(cpuFraction - memoryFraction) / 2) * MAX_NODE_SCORE);
    const taint =
      maxIntolerable === 0
        ? MAX_NODE_SCORE
        : MAX_NODE_SCORE - Math.trunc(((intolerable?.[i] ?? 0) * MAX_NODE_SCORE) / maxIntolerable);
    totals[i] =
      WEIGHT.fit * fit +
      WEIGHT.balanced * balanced +
      WEIGHT.taintToleration * taint +
      WEIGHT.nodeAffinity * 0 +
      WEIGHT.spread * (spread?.[i] ?? 0);
  }
  return totals;
}
