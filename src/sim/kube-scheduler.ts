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
  /**
   * How many times addPodToNode and removePodFromNode changed `requested` (absent before the first): the
   * scheduler keeps each template's filter verdict and resource scores per node until it moves, so
   * change `requested` only through those two.
   */
  changes?: number;
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
  node.changes = (node.changes ?? 0) + 1;
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
  node.changes = (node.changes ?? 0) + 1;
}

// ------------------------------------------------------------------ matching

/** One node-selector requirement against a label's value (component-helpers nodeaffinity). */
export function requirementMatches(req: SelectorRequirement, value: string | undefined): boolean {
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

export function tolerates(toleration: Toleration, taint: Taint): boolean {
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

export interface SelectorCounts {
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
  /** The same counts by selector object: every pod asks with its template's selectors, and the JSON key costs. */
  private readonly bySelector = new WeakMap<LabelSelector, SelectorCounts>();
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
    const known = this.bySelector.get(selector);
    if (known !== undefined && known.namespace === namespace) return known;
    const key = `${namespace}\u0000${JSON.stringify(selector)}`;
    let counts = this.selectors.get(key);
    if (!counts) {
      counts = { namespace, selector, byNode: [], byZone: new Map() };
      this.selectors.set(key, counts);
      for (const [pod, node] of this.bound) this.count(counts, pod, node, 1);
    }
    this.bySelector.set(selector, counts);
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

/** A constraint's selector with the pod's matchLabelKeys values ANDed in; null selects nothing. */
export function constraintSelector(c: TopologySpreadConstraint, template: PodTemplate): LabelSelector | null {
  if (c.labelSelector === null) return null;
  if (c.matchLabelKeys.length === 0) return c.labelSelector;
  const extra: Record<string, string> = {};
  for (const key of c.matchLabelKeys) {
    const value = template.labels[key];
    if (value !== undefined) extra[key] = value;
  }
  return { ...c.labelSelector, matchLabels: { ...c.labelSelector.matchLabels, ...extra } };
}

/** A DoNotSchedule constraint with what depends on the template alone worked out once. */
interface HardConstraint {
  readonly constraint: TopologySpreadConstraint;
  /** The labelSelector with the pod's matchLabelKeys values ANDed in. */
  readonly selector: LabelSelector | null;
  /** 1 when the incoming pod matches its own selector: it adds itself to the domain it lands in. */
  readonly self: number;
}

/** PodTopologySpread filter for DoNotSchedule constraints (plugins/podtopologyspread/filtering.go). */
function spreadFilter(
  hard: readonly HardConstraint[],
  pod: SchedulerPod,
  node: SchedulerNode,
  nodes: readonly SchedulerNode[],
  topology: TopologyIndex,
  minCache: Map<HardConstraint, number>,
): string | null {
  for (const h of hard) {
    const c = h.constraint;
    if (node.labels[c.topologyKey] === undefined) {
      return "node(s) didn't match pod topology spread constraints (missing required label)";
    }
    const counts = h.selector === null ? null : topology.counts(pod.namespace, h.selector);
    let min = minCache.get(h);
    if (min === undefined) {
      min = globalMinimum(c, pod, nodes, counts);
      minCache.set(h, min);
    }
    const here = counts === null ? 0 : inDomain(counts, c.topologyKey, node);
    if (here + h.self - min > c.maxSkew) return "node(s) didn't match pod topology spread constraints";
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

// ------------------------------------------------------------------ per template

/** A ScheduleAnyway constraint of the template, its selector resolved once. */
interface SoftConstraint {
  readonly key: string;
  readonly maxSkew: number;
  readonly selector: LabelSelector | null;
}

/** What the scheduler derives from a pod template alone; templates do not change, so pods of a class share it. */
interface TemplatePlan {
  /** The node names NodeAffinity's PreFilter narrows the pod to, or null. */
  readonly pinned: readonly string[] | null;
  readonly hard: readonly HardConstraint[];
  /** The ScheduleAnyway constraints; null when the template has no constraint at all, so the system defaults apply. */
  readonly soft: readonly SoftConstraint[] | null;
  readonly local: NodeVerdicts;
}

function planTemplate(template: PodTemplate): TemplatePlan {
  const hard: HardConstraint[] = [];
  const soft: SoftConstraint[] = [];
  for (const c of template.topologySpreadConstraints) {
    const selector = constraintSelector(c, template);
    if (c.whenUnsatisfiable === 'DoNotSchedule') {
      hard.push({
        constraint: c,
        selector,
        self: selector !== null && selectorMatches(selector, template.labels) ? 1 : 0,
      });
    } else {
      soft.push({ key: c.topologyKey, maxSkew: c.maxSkew, selector });
    }
  }
  return {
    pinned: pinnedNodeNames(template),
    hard,
    soft: template.topologySpreadConstraints.length > 0 ? soft : null,
    local: new NodeVerdicts(template),
  };
}

/**
 * One template's verdict from the filters that look at the node alone (NodeUnschedulable, TaintToleration,
 * NodeAffinity, NodeResourcesFit) and its resource scores, by node id. The first three never change their
 * answer (staticVerdict); the rest depend only on the node's allocatable and `requested`, so an entry
 * holds while `node.changes` is what it was taken at: between two pods of a class, every node but the one
 * bound keeps its entry, and the filter pass need not read `requested` at all.
 */
class NodeVerdicts {
  private readonly template: PodTemplate;
  /** `changes + 1` when the entry was taken; 0 for none. */
  private taken = new Float64Array(0);
  private passed = new Uint8Array(0);
  private scores = new Float64Array(0);

  constructor(template: PodTemplate) {
    this.template = template;
  }

  /** Whether the node passes those filters; after a yes, `score(node)` holds. */
  passes(pod: SchedulerPod, node: SchedulerNode, verdicts: (string | null | undefined)[]): boolean {
    const id = node.id;
    const stamp = (node.changes ?? 0) + 1;
    if (this.taken[id] !== stamp) this.take(pod, node, stamp, verdicts);
    return this.passed[id] === 1;
  }

  score(node: SchedulerNode): number {
    return this.scores[node.id] as number;
  }

  private take(pod: SchedulerPod, node: SchedulerNode, stamp: number, verdicts: (string | null | undefined)[]): void {
    const id = node.id;
    if (id >= this.taken.length) {
      const size = Math.max(64, this.taken.length * 2, id + 1);
      const taken = new Float64Array(size);
      taken.set(this.taken);
      this.taken = taken;
      const passed = new Uint8Array(size);
      passed.set(this.passed);
      this.passed = passed;
      const scores = new Float64Array(size);
      scores.set(this.scores);
      this.scores = scores;
    }
    const passes = staticVerdict(verdicts, this.template, node) === null && fitsResources(pod, node);
    this.taken[id] = stamp;
    this.passed[id] = passes ? 1 : 0;
    if (passes) this.scores[id] = resourceScore(this.template, node);
  }
}

// ------------------------------------------------------------------ one pod

export interface SchedulerState {
  nextStartNodeIndex: number;
  readonly staticVerdicts: WeakMap<PodTemplate, (string | null | undefined)[]>;
  readonly plans: WeakMap<PodTemplate, TemplatePlan>;
  /** The feasible nodes of the pod being scheduled; entries past the count are stale. */
  readonly feasible: SchedulerNode[];
  readonly scorer: Scorer;
}

export function createSchedulerState(): SchedulerState {
  return {
    nextStartNodeIndex: 0,
    staticVerdicts: new WeakMap(),
    plans: new WeakMap(),
    feasible: [],
    scorer: new Scorer(),
  };
}

function planFor(state: SchedulerState, template: PodTemplate): TemplatePlan {
  let plan = state.plans.get(template);
  if (plan === undefined) {
    plan = planTemplate(template);
    state.plans.set(template, plan);
  }
  return plan;
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

/** NodeUnschedulable, TaintToleration and NodeAffinity, worked out once per template and node. */
function staticVerdict(
  verdicts: (string | null | undefined)[],
  template: PodTemplate,
  node: SchedulerNode,
): string | null {
  let verdict = verdicts[node.id];
  if (verdict === undefined) {
    verdict = staticFilter(template, node);
    verdicts[node.id] = verdict;
  }
  return verdict;
}

/** The global minima of a pod without DoNotSchedule constraints: never read. */
const NO_MINIMA = new Map<HardConstraint, number>();

export function schedulePod(
  state: SchedulerState,
  pod: SchedulerPod,
  nodes: readonly SchedulerNode[],
  topology: TopologyIndex,
  random: Random,
): ScheduleResult {
  const n = nodes.length;
  if (n === 0) return { status: 'unschedulable', message: fitErrorMessage(0, new Map()), reasons: new Map() };
  const template = pod.template;
  let verdicts = state.staticVerdicts.get(template);
  if (!verdicts) {
    verdicts = [];
    state.staticVerdicts.set(template, verdicts);
  }
  const plan = planFor(state, template);
  if (plan.pinned !== null) return schedulePinned(state, plan, pod, nodes, topology, random, verdicts);
  const want = numFeasibleNodesToFind(n);
  const feasible = state.feasible;
  const scorer = state.scorer;
  scorer.begin(plan, pod, topology, want);
  const local = plan.local;
  const hard = plan.hard.length > 0 ? plan.hard : null;
  const minCache = hard === null ? NO_MINIMA : new Map<HardConstraint, number>();
  const start = state.nextStartNodeIndex;
  // The filters in profile order, and the per-node half of scoring while the node is at hand. Reasons
  // are worded only when no node passes (collectReasons).
  let found = 0;
  let i = 0;
  for (; i < n && found < want; i += 1) {
    const at = start + i;
    const node = nodes[at < n ? at : at - n] as SchedulerNode;
    if (!local.passes(pod, node, verdicts)) continue;
    if (hard !== null && spreadFilter(hard, pod, node, nodes, topology, minCache) !== null) continue;
    feasible[found] = node;
    scorer.add(found, node, local.score(node));
    found += 1;
  }
  state.nextStartNodeIndex = (state.nextStartNodeIndex + i) % n;
  if (found === 0) {
    // Every node was examined and failed: word each one's reasons, in the same order.
    const reasons = collectReasons(hard, verdicts, pod, nodes, start, topology, minCache);
    return { status: 'unschedulable', message: fitErrorMessage(n, reasons), reasons };
  }
  if (found === 1) return { status: 'scheduled', node: feasible[0] as SchedulerNode };
  return { status: 'scheduled', node: selectHost(feasible, scorer.finish(found), found, random) };
}

/** The reasons each of the n nodes, from `start` on, fails a filter for, as FitError counts them. */
function collectReasons(
  hard: readonly HardConstraint[] | null,
  verdicts: (string | null | undefined)[],
  pod: SchedulerPod,
  nodes: readonly SchedulerNode[],
  start: number,
  topology: TopologyIndex,
  minCache: Map<HardConstraint, number>,
): Map<string, number> {
  const n = nodes.length;
  const reasons = new Map<string, number>();
  const found: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const at = start + i;
    const node = nodes[at < n ? at : at - n] as SchedulerNode;
    found.length = 0;
    const verdict = staticVerdict(verdicts, pod.template, node);
    if (verdict !== null) found.push(verdict);
    else if (!fitsResources(pod, node)) resourceReasons(pod, node, found);
    else if (hard !== null) {
      const spread = spreadFilter(hard, pod, node, nodes, topology, minCache);
      if (spread !== null) found.push(spread);
    }
    for (const reason of found) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return reasons;
}

/** selectHost: the highest total, ties broken by reservoir sampling (schedule_one.go). */
function selectHost(
  feasible: readonly SchedulerNode[],
  scores: Float64Array,
  count: number,
  random: Random,
): SchedulerNode {
  let best = 0;
  let bestScore = scores[0] ?? 0;
  let ties = 1;
  for (let i = 1; i < count; i += 1) {
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
  state: SchedulerState,
  plan: TemplatePlan,
  pod: SchedulerPod,
  nodes: readonly SchedulerNode[],
  topology: TopologyIndex,
  random: Random,
  verdicts: (string | null | undefined)[],
): ScheduleResult {
  const names = plan.pinned ?? [];
  // A DaemonSet pod names one node: compare with it rather than search the list at every node.
  const only = names.length === 1 ? names[0] : undefined;
  const reasons = new Map<string, number>();
  const feasible = state.feasible;
  const scorer = state.scorer;
  scorer.begin(plan, pod, topology, nodes.length);
  let count = 0;
  let examined = 0;
  const found: string[] = [];
  for (const node of nodes) {
    if (only !== undefined ? node.name !== only : !names.includes(node.name)) continue;
    examined += 1;
    found.length = 0;
    const verdict = staticVerdict(verdicts, pod.template, node);
    if (verdict !== null) found.push(verdict);
    else if (!fitsResources(pod, node)) resourceReasons(pod, node, found);
    else {
      const spread = spreadFilter(plan.hard, pod, node, nodes, topology, new Map());
      if (spread !== null) found.push(spread);
    }
    if (found.length === 0) {
      feasible[count] = node;
      scorer.add(count, node, resourceScore(pod.template, node));
      count += 1;
    }
    for (const reason of found) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (nodes.length > examined)
    reasons.set(AFFINITY_MISMATCH, (reasons.get(AFFINITY_MISMATCH) ?? 0) + nodes.length - examined);
  if (count === 0) {
    return { status: 'unschedulable', message: fitErrorMessage(nodes.length, reasons), reasons };
  }
  if (count === 1) return { status: 'scheduled', node: feasible[0] as SchedulerNode };
  return { status: 'scheduled', node: selectHost(feasible, scorer.finish(count), count, random) };
}

// ------------------------------------------------------------------ scoring

/** Weights of the default profile's score plugins (apis/config/v1 default_plugins.go). */
const WEIGHT = { taintToleration: 3, nodeAffinity: 2, fit: 1, balanced: 1, spread: 2 } as const;

function leastAllocated(requested: number, allocatable: number): number {
  if (allocatable === 0 || requested > allocatable) return 0;
  return Math.trunc(((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
}

/** NodeResourcesFit (LeastAllocated) and NodeResourcesBalancedAllocation, weighted: neither is normalised. */
function resourceScore(template: PodTemplate, node: SchedulerNode): number {
  const a = node.allocatable;
  const r = node.requested;
  const fit = Math.trunc(
    (leastAllocated(r.nonZeroCpuMillis + nonZeroCpu(template), a.cpuMillis) +
      leastAllocated(r.nonZeroMemoryBytes + nonZeroMemory(template), a.memoryBytes)) /
      2,
  );
  // BalancedAllocation on the real requests: (1 − std of the cpu and memory fractions) × 100.
  const cpuFraction = a.cpuMillis === 0 ? 1 : Math.min(1, (r.cpuMillis + template.requests.cpuMillis) / a.cpuMillis);
  const memoryFraction =
    a.memoryBytes === 0 ? 1 : Math.min(1, (r.memoryBytes + template.requests.memoryBytes) / a.memoryBytes);
  const balanced = Math.trunc((1 - Math.abs(cpuFraction - memoryFraction) / 2) * MAX_NODE_SCORE);
  return WEIGHT.fit * fit + WEIGHT.balanced * balanced;
}

/** Total weighted score of each feasible node, in order. */
export function scoreNodes(pod: SchedulerPod, nodes: readonly SchedulerNode[], topology: TopologyIndex): number[] {
  const scorer = new Scorer();
  scorer.begin(planTemplate(pod.template), pod, topology, nodes.length);
  for (let i = 0; i < nodes.length; i += 1) {
    const node = nodes[i] as SchedulerNode;
    scorer.add(i, node, resourceScore(pod.template, node));
  }
  return Array.from(scorer.finish(nodes.length).subarray(0, nodes.length));
}

/** How a spread constraint finds a node's domain: the hostname and the zone have their own fields. */
const BY_HOSTNAME = 0;
const BY_ZONE = 1;
const BY_LABEL = 2;

/** A spread constraint being scored for one pod. */
interface ScoredConstraint {
  readonly by: number;
  readonly key: string;
  readonly maxSkew: number;
  readonly counts: SelectorCounts | null;
  /** BY_LABEL: the values seen on the feasible nodes. */
  readonly values: Set<string> | null;
}

function scoredConstraint(key: string, maxSkew: number, counts: SelectorCounts | null): ScoredConstraint {
  const by = key === HOSTNAME ? BY_HOSTNAME : key === ZONE ? BY_ZONE : BY_LABEL;
  return { by, key, maxSkew, counts, values: by === BY_LABEL ? new Set() : null };
}

/**
 * The score plugins for one pod at a time, in two halves. TaintToleration and PodTopologySpread
 * normalise over the feasible nodes, so `add` takes what each node contributes while the filter pass
 * has it at hand, and `finish` normalises and totals. The arrays are indexed by position among the
 * feasible nodes and reused from pod to pod: the hot path allocates nothing per node.
 */
class Scorer {
  /** The resource scores, final before normalisation. */
  private resources = new Float64Array(0);
  /** Intolerable PreferNoSchedule taints. */
  private intolerable = new Int32Array(0);
  /** Whether the node lacks a soft constraint's topology label: PodTopologySpread leaves it out. */
  private ignored = new Uint8Array(0);
  /** Per node, per soft constraint: the count on the node's hostname, its zone's index in `zones`, or 0. */
  private domains = new Float64Array(0);
  private raw = new Float64Array(0);
  private totals = new Float64Array(0);
  private readonly zones: string[] = [];
  /** Per soft constraint: its weight, maxSkew − 1, and where its counts by zone start in `zoneCounts` (−1: none). */
  private weights = new Float64Array(4);
  private skews = new Float64Array(4);
  private zoneBase = new Int32Array(4);
  private zoneCounts = new Float64Array(16);
  private soft: readonly ScoredConstraint[] = [];
  private tolerations: readonly Toleration[] = [];
  private maxIntolerable = 0;

  /** Starts a pod that may have up to `capacity` feasible nodes. */
  begin(plan: TemplatePlan, pod: SchedulerPod, topology: TopologyIndex, capacity: number): void {
    this.tolerations = pod.template.tolerations;
    this.maxIntolerable = 0;
    this.zones.length = 0;
    // PodTopologySpread: the pod's ScheduleAnyway constraints, or the system defaults for owned pods.
    const soft: ScoredConstraint[] = [];
    if (plan.soft !== null) {
      for (const c of plan.soft) {
        soft.push(scoredConstraint(c.key, c.maxSkew, c.selector ? topology.counts(pod.namespace, c.selector) : null));
      }
    } else if (pod.defaultSpreadSelector !== null) {
      // System defaults: hostname maxSkew 3, zone maxSkew 5 (podtopologyspread/plugin.go systemDefaultConstraints).
      const counts = topology.counts(pod.namespace, pod.defaultSpreadSelector);
      soft.push(scoredConstraint(HOSTNAME, 3, counts), scoredConstraint(ZONE, 5, counts));
    }
    this.soft = soft;
    if (this.resources.length < capacity) {
      let size = Math.max(256, this.resources.length);
      while (size < capacity) size *= 2;
      this.resources = new Float64Array(size);
      this.intolerable = new Int32Array(size);
      this.ignored = new Uint8Array(size);
      this.raw = new Float64Array(size);
      this.totals = new Float64Array(size);
    }
    if (this.domains.length < this.resources.length * soft.length) {
      this.domains = new Float64Array(this.resources.length * soft.length);
    }
  }

  /** The `i`-th feasible node, with its resource score. */
  add(i: number, node: SchedulerNode, resources: number): void {
    this.resources[i] = resources;
    // TaintToleration counts intolerable PreferNoSchedule taints.
    const intolerable = node.taints.length === 0 ? 0 : this.intolerableTaints(node);
    this.intolerable[i] = intolerable;
    if (intolerable > this.maxIntolerable) this.maxIntolerable = intolerable;

    const soft = this.soft;
    const m = soft.length;
    if (m === 0) return;
    let missing = false;
    for (let j = 0; j < m; j += 1) {
      const c = soft[j] as ScoredConstraint;
      let domain = 0;
      if (c.by === BY_HOSTNAME) {
        domain = c.counts === null ? 0 : (c.counts.byNode[node.id] ?? 0);
      } else if (c.by === BY_ZONE) {
        // `zone` is the zone label's value (SchedulerNode.zone); zones are few, so a list finds them.
        const zone = node.zone;
        if (zone === null) {
          missing = true;
        } else {
          domain = this.zones.indexOf(zone);
          if (domain < 0) domain = this.zones.push(zone) - 1;
        }
      } else {
        const value = node.labels[c.key];
        if (value === undefined) missing = true;
        else c.values?.add(value);
      }
      this.domains[i * m + j] = domain;
    }
    this.ignored[i] = missing ? 1 : 0;
  }

  private intolerableTaints(node: SchedulerNode): number {
    let count = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      let tolerated = false;
      for (const toleration of this.tolerations) {
        if (tolerates(toleration, taint)) {
          tolerated = true;
          break;
        }
      }
      if (!tolerated) count += 1;
    }
    return count;
  }

  /** The total weighted score of the first `count` feasible nodes. */
  finish(count: number): Float64Array {
    const soft = this.soft;
    const m = soft.length;
    const ignored = this.ignored;
    const raw = this.raw;
    let spreadMin = Number.POSITIVE_INFINITY;
    let spreadMax = 0;
    if (m > 0) {
      // Each constraint weighs log(domains + 2), domains counted over the feasible nodes (scoring.go).
      const zones = this.zones;
      if (this.weights.length < m) {
        this.weights = new Float64Array(m);
        this.skews = new Float64Array(m);
        this.zoneBase = new Int32Array(m);
      }
      if (this.zoneCounts.length < m * zones.length) this.zoneCounts = new Float64Array(m * zones.length);
      const weights = this.weights;
      const skews = this.skews;
      const zoneBase = this.zoneBase;
      const zoneCounts = this.zoneCounts;
      for (let j = 0; j < m; j += 1) {
        const c = soft[j] as ScoredConstraint;
        skews[j] = c.maxSkew - 1;
        zoneBase[j] = -1;
        if (c.by === BY_HOSTNAME) weights[j] = Math.log(count + 2);
        else if (c.by === BY_ZONE) {
          weights[j] = Math.log(zones.length + 2);
          zoneBase[j] = j * zones.length;
          for (let z = 0; z < zones.length; z += 1) {
            zoneCounts[j * zones.length + z] = c.counts === null ? 0 : (c.counts.byZone.get(zones[z] as string) ?? 0);
          }
        } else weights[j] = Math.log((c.values?.size ?? 0) + 2);
      }
      const domains = this.domains;
      for (let i = 0; i < count; i += 1) {
        // A node without a constraint's label is left out of the normalisation and scores 0.
        if (ignored[i] === 1) continue;
        let score = 0;
        for (let j = 0; j < m; j += 1) {
          const domain = domains[i * m + j] as number;
          const base = zoneBase[j] as number;
          // Only hostname and zone domains are counted (inDomain): other keys count 0.
          const inDomain = base < 0 ? domain : (zoneCounts[base + domain] as number);
          score += inDomain * (weights[j] as number) + (skews[j] as number);
        }
        const rounded = Math.round(score);
        raw[i] = rounded;
        spreadMin = Math.min(spreadMin, rounded);
        spreadMax = Math.max(spreadMax, rounded);
      }
    }
    const resources = this.resources;
    const intolerable = this.intolerable;
    const totals = this.totals;
    const maxIntolerable = this.maxIntolerable;
    for (let i = 0; i < count; i += 1) {
      const taint =
        maxIntolerable === 0
          ? MAX_NODE_SCORE
          : MAX_NODE_SCORE - Math.trunc(((intolerable[i] as number) * MAX_NODE_SCORE) / maxIntolerable);
      let spread = 0;
      if (m > 0 && ignored[i] === 0) {
        spread =
          spreadMax === 0
            ? MAX_NODE_SCORE
            : Math.trunc((MAX_NODE_SCORE * (spreadMax + spreadMin - (raw[i] as number))) / spreadMax);
      }
      totals[i] =
        (resources[i] as number) + WEIGHT.taintToleration * taint + WEIGHT.nodeAffinity * 0 + WEIGHT.spread * spread;
    }
    return totals;
  }
}
