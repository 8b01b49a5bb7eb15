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
  /**
   * The run's log of those changes, when the node belongs to one: the scheduler's scan then reads flat
   * arrays and no node object. It caches such a list's ids by the list's identity, so a list whose nodes
   * all share a log must be a new array whenever its contents change; and it keeps hostname counts until
   * the node is logged, so bind and unbind in the TopologyIndex along with addPodToNode and removePodFromNode.
   */
  readonly changeTable?: NodeChangeTable;
}

/** The ring holds this many of the latest changes; a cache further behind starts afresh. */
const CHANGE_LOG_SIZE = 1 << 16;
const CHANGE_LOG_MASK = CHANGE_LOG_SIZE - 1;

/**
 * The ids of a run's nodes in the order addPodToNode and removePodFromNode changed them: each template's
 * verdicts and spread keys forget just those nodes before its next pod, rather than compare a count at
 * every node.
 */
export class NodeChangeTable {
  /** Changes noted since the run began; the ring holds the last CHANGE_LOG_SIZE of them. */
  total = 0;
  readonly log = new Int32Array(CHANGE_LOG_SIZE);

  note(id: number): void {
    this.log[this.total & CHANGE_LOG_MASK] = id;
    this.total += 1;
  }
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
  noteChange(node);
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
  noteChange(node);
}

function noteChange(node: SchedulerNode): void {
  const changes = (node.changes ?? 0) + 1;
  node.changes = changes;
  node.changeTable?.note(node.id);
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
  /** By node id, grown as ids grow (a typed array: every examined node reads it). */
  byNode: Int32Array;
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
  /**
   * Per labels object and namespace, the counts whose selector matches, as of how many selectors there
   * were: pods of a template share their labels, labels do not change, and selectors are only added.
   */
  private readonly matching = new WeakMap<
    Readonly<Record<string, string>>,
    Map<string, { readonly selectors: number; readonly counts: readonly SelectorCounts[] }>
  >();

  onBind(pod: SchedulerPod, node: SchedulerNode): void {
    this.bound.set(pod, node);
    for (const counts of this.matchingCounts(pod)) add(counts, node, 1);
  }

  onUnbind(pod: SchedulerPod, _node: SchedulerNode): void {
    const node = this.bound.get(pod);
    if (!node) return;
    this.bound.delete(pod);
    for (const counts of this.matchingCounts(pod)) add(counts, node, -1);
  }

  private matchingCounts(pod: SchedulerPod): readonly SelectorCounts[] {
    const labels = pod.template.labels;
    let byNamespace = this.matching.get(labels);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.matching.set(labels, byNamespace);
    }
    const known = byNamespace.get(pod.namespace);
    if (known !== undefined && known.selectors === this.selectors.size) return known.counts;
    const counts: SelectorCounts[] = [];
    for (const c of this.selectors.values()) {
      if (c.namespace === pod.namespace && selectorMatches(c.selector, labels)) counts.push(c);
    }
    byNamespace.set(pod.namespace, { selectors: this.selectors.size, counts });
    return counts;
  }

  private count(counts: SelectorCounts, pod: SchedulerPod, node: SchedulerNode, delta: number): void {
    if (pod.namespace !== counts.namespace || !selectorMatches(counts.selector, pod.template.labels)) return;
    add(counts, node, delta);
  }

  counts(namespace: string, selector: LabelSelector): SelectorCounts {
    const known = this.bySelector.get(selector);
    if (known !== undefined && known.namespace === namespace) return known;
    const key = `${namespace}\u0000${JSON.stringify(selector)}`;
    let counts = this.selectors.get(key);
    if (!counts) {
      counts = { namespace, selector, byNode: new Int32Array(0), byZone: new Map() };
      this.selectors.set(key, counts);
      for (const [pod, node] of this.bound) this.count(counts, pod, node, 1);
    }
    this.bySelector.set(selector, counts);
    return counts;
  }
}

function add(counts: SelectorCounts, node: SchedulerNode, delta: number): void {
  const id = node.id;
  if (id >= counts.byNode.length) {
    const grown = new Int32Array(Math.max(64, counts.byNode.length * 2, id + 1));
    grown.set(counts.byNode);
    counts.byNode = grown;
  }
  counts.byNode[id] = (counts.byNode[id] ?? 0) + delta;
  const zone = node.zone;
  if (zone !== null) counts.byZone.set(zone, (counts.byZone.get(zone) ?? 0) + delta);
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
 * A verdict entry: not worked out since the node last changed, fails, passes with its score kept apart,
 * or passes with score `entry − PASSES` (a small whole number, as resource scores are: two bytes a node
 * keep the scan's reads to few cache lines).
 */
const UNKNOWN = 0;
const FAILS = 1;
const PASSES_WIDE = 2;
const PASSES = 3;
const MAX_INLINE_SCORE = 32_000;

/**
 * One template's verdict from the filters that look at the node alone (NodeUnschedulable, TaintToleration,
 * NodeAffinity, NodeResourcesFit) and its resource scores, by node id. The first three never change their
 * answer (staticVerdict); the rest depend only on the node's allocatable and `requested`, so an entry
 * holds until the node changes: between two pods of a class, every node but the one bound keeps its
 * entry, and the filter pass need not read `requested` at all. Nodes without a change log are checked
 * by `node.changes` (`passes`); an engine's nodes share a log, and `sync` forgets just the nodes it names
 * (`passesAt`), so the pass reads no node object.
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

  /** The log `verdictById` follows, and how many of its changes it has applied. */
  private table: NodeChangeTable | null = null;
  private applied = 0;
  /** For lists with a change log, per node id: the verdict entry, and the score of a PASSES_WIDE one. */
  private verdictById = new Int16Array(0);
  private scoreById = new Float64Array(0);
  /** Per node id, the Scorer's `keyOf` on the keyed path (−1: not taken), and what it was taken under. */
  private keyById = new Int32Array(0);
  private keyCounts: SelectorCounts | null = null;
  private keyContext = -1;

  /** Forgets the nodes changed since the last pod, and makes room for ids below `ids`. */
  sync(table: NodeChangeTable, ids: number): void {
    if (this.verdictById.length < ids) {
      const size = Math.max(64, this.verdictById.length * 2, ids);
      const verdicts = new Int16Array(size);
      verdicts.set(this.verdictById);
      this.verdictById = verdicts;
      const scores = new Float64Array(size);
      scores.set(this.scoreById);
      this.scoreById = scores;
      const keys = new Int32Array(size).fill(-1);
      keys.set(this.keyById);
      this.keyById = keys;
    }
    const byId = this.verdictById;
    const keyById = this.keyById;
    if (this.table !== table || table.total - this.applied > CHANGE_LOG_SIZE) {
      byId.fill(UNKNOWN);
      keyById.fill(-1);
      this.table = table;
    } else {
      // A node's hostname count moves only with a pod bound to or removed from it, which the log notes.
      const log = table.log;
      for (let k = this.applied; k < table.total; k += 1) {
        const id = log[k & CHANGE_LOG_MASK] as number;
        if (id < byId.length) {
          byId[id] = UNKNOWN;
          keyById[id] = -1;
        }
      }
    }
    this.applied = table.total;
  }

  /** Forgets the cached keys when the pod's spread constraints count differently from the last pod's. */
  syncKeys(counts: SelectorCounts | null, context: number): void {
    if (counts === this.keyCounts && context === this.keyContext) return;
    this.keyById.fill(-1);
    this.keyCounts = counts;
    this.keyContext = context;
  }

  /** After `sync`: the cached `keyOf` of the node, or −1. */
  keyAt(id: number): number {
    return this.keyById[id] as number;
  }

  setKey(id: number, key: number): number {
    this.keyById[id] = key;
    return key;
  }

  /** After `sync`, for a pass that reads them itself: the verdict entries by node id (see `decide`). */
  get verdictsById(): Int16Array {
    return this.verdictById;
  }

  /** After `sync`: the resource score by node id, where the entry is PASSES_WIDE. */
  get scoresById(): Float64Array {
    return this.scoreById;
  }

  /** After `sync` and `syncKeys`: the Scorer's `keyOf` by node id, −1 where not taken. */
  get keysById(): Int32Array {
    return this.keyById;
  }

  /** Works out the entry of a node whose entry is UNKNOWN; the arrays above stay the same objects. */
  decide(pod: SchedulerPod, node: SchedulerNode, id: number, verdicts: (string | null | undefined)[]): number {
    let entry = FAILS;
    if (staticVerdict(verdicts, this.template, node) === null && fitsResources(pod, node)) {
      const score = resourceScore(this.template, node);
      if (Number.isInteger(score) && score >= 0 && score <= MAX_INLINE_SCORE) entry = PASSES + score;
      else {
        entry = PASSES_WIDE;
        this.scoreById[id] = score;
      }
    }
    this.verdictById[id] = entry;
    return entry;
  }

  /** After `sync`: whether the node at `at` in `nodes` (id `id`) passes; after a yes, `scoreOf(id)` holds. */
  passesAt(
    pod: SchedulerPod,
    nodes: readonly SchedulerNode[],
    at: number,
    id: number,
    verdicts: (string | null | undefined)[],
  ): boolean {
    const known = this.verdictById[id] as number;
    if (known !== UNKNOWN) return known >= PASSES_WIDE;
    return this.decide(pod, nodes[at] as SchedulerNode, id, verdicts) >= PASSES_WIDE;
  }

  scoreOf(id: number): number {
    const entry = this.verdictById[id] as number;
    return entry === PASSES_WIDE ? (this.scoreById[id] as number) : entry - PASSES;
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
  /** On an engine's list, the feasible nodes' positions in it, filled instead of `feasible`. */
  feasibleAt: Int32Array;
  readonly scorer: Scorer;
  /** The last node list seen, its node ids by position and their bound, and the change log all its nodes share (else null). */
  list: readonly SchedulerNode[] | null;
  listLength: number;
  listIds: Int32Array;
  listIdBound: number;
  listTable: NodeChangeTable | null;
  /** For such a list, the positions of the nodes of each name, made when a pinned pod first asks. */
  listByName: Map<string, number[]> | null;
}

export function createSchedulerState(): SchedulerState {
  return {
    nextStartNodeIndex: 0,
    staticVerdicts: new WeakMap(),
    plans: new WeakMap(),
    feasible: [],
    feasibleAt: new Int32Array(0),
    scorer: new Scorer(),
    list: null,
    listLength: 0,
    listIds: new Int32Array(0),
    listIdBound: 0,
    listTable: null,
    listByName: null,
  };
}

/** The change table every node of the list shares, or null; `state.listIds` then holds their ids by position. */
function listTable(state: SchedulerState, nodes: readonly SchedulerNode[]): NodeChangeTable | null {
  if (state.list === nodes && state.listLength === nodes.length) return state.listTable;
  const n = nodes.length;
  let table = nodes[0]?.changeTable ?? null;
  if (state.listIds.length < n) state.listIds = new Int32Array(Math.max(64, n * 2));
  const ids = state.listIds;
  let bound = 0;
  for (let i = 0; i < n && table !== null; i += 1) {
    const node = nodes[i] as SchedulerNode;
    if (node.changeTable !== table) table = null;
    else {
      ids[i] = node.id;
      if (node.id >= bound) bound = node.id + 1;
      state.scorer.learn(node);
    }
  }
  state.listIdBound = bound;
  state.list = nodes;
  state.listLength = n;
  state.listTable = table;
  state.listByName = null;
  return table;
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
  const table = listTable(state, nodes);
  scorer.begin(plan, pod, topology, want, table !== null);
  const local = plan.local;
  const hard = plan.hard.length > 0 ? plan.hard : null;
  const minCache = hard === null ? NO_MINIMA : new Map<HardConstraint, number>();
  // The index is left from a list that may have been longer: upstream takes it modulo the current count
  // at every node (schedule_one.go findNodesThatPassFilters, nodes[(nextStartNodeIndex+i)%numAllNodes]).
  const start = state.nextStartNodeIndex % n;
  // The filters in profile order, and the per-node half of scoring while the node is at hand. Reasons
  // are worded only when no node passes (collectReasons).
  let found = 0;
  let i = 0;
  if (table !== null) {
    // The same pass over an engine's list: ids, verdicts and scoring keys come from flat arrays that
    // forget only the nodes changed since, so a node object is read only for a changed or tainted node.
    const ids = state.listIds;
    local.sync(table, state.listIdBound);
    const keyed = scorer.isKeyed;
    if (keyed) local.syncKeys(scorer.keyCounts(), scorer.keyContext());
    if (state.feasibleAt.length < want) state.feasibleAt = new Int32Array(want * 2);
    const feasibleAt = state.feasibleAt;
    if (keyed && hard === null) {
      i = scorer.scanKeyed(local, pod, nodes, ids, start, want, feasibleAt, verdicts);
      found = scorer.found;
    }
    for (; i < n && found < want; i += 1) {
      const from = start + i;
      const at = from < n ? from : from - n;
      const id = ids[at] as number;
      if (!local.passesAt(pod, nodes, at, id, verdicts)) continue;
      if (hard !== null && spreadFilter(hard, pod, nodes[at] as SchedulerNode, nodes, topology, minCache) !== null) {
        continue;
      }
      feasibleAt[found] = at;
      if (keyed) {
        let key = local.keyAt(id);
        if (key < 0) key = local.setKey(id, scorer.keyOf(nodes[at] as SchedulerNode, id));
        scorer.addKeyed(found, nodes, at, local.scoreOf(id), key);
      } else scorer.add(found, nodes[at] as SchedulerNode, local.scoreOf(id));
      found += 1;
    }
    state.nextStartNodeIndex = (start + i) % n;
    if (found > 1 && scorer.picksByKey) {
      return {
        status: 'scheduled',
        node: nodes[feasibleAt[scorer.pickByKey(found, random)] as number] as SchedulerNode,
      };
    }
    for (let k = 0; k < found; k += 1) feasible[k] = nodes[feasibleAt[k] as number] as SchedulerNode;
  } else {
    for (; i < n && found < want; i += 1) {
      const at = start + i;
      const node = nodes[at < n ? at : at - n] as SchedulerNode;
      if (!local.passes(pod, node, verdicts)) continue;
      if (hard !== null && spreadFilter(hard, pod, node, nodes, topology, minCache) !== null) continue;
      feasible[found] = node;
      scorer.add(found, node, local.score(node));
      found += 1;
    }
    state.nextStartNodeIndex = (start + i) % n;
  }
  if (found === 0) {
    // Every node was examined and failed: word each one's reasons, in the same order.
    const reasons = collectReasons(hard, verdicts, pod, nodes, start, topology, minCache);
    return { status: 'unschedulable', message: fitErrorMessage(n, reasons), reasons };
  }
  if (found === 1) return { status: 'scheduled', node: feasible[0] as SchedulerNode };
  return { status: 'scheduled', node: scorer.pick(feasible, found, random) };
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

/** selectHost over totals given as resource score plus the part of the node's key. */
function selectKeyed(
  resources: Float64Array,
  keys: Int32Array,
  parts: Float64Array,
  count: number,
  random: Random,
): number {
  let best = 0;
  let bestScore = (resources[0] as number) + (parts[keys[0] as number] as number);
  let ties = 1;
  for (let i = 1; i < count; i += 1) {
    const score = (resources[i] as number) + (parts[keys[i] as number] as number);
    if (score > bestScore) {
      bestScore = score;
      best = i;
      ties = 1;
    } else if (score === bestScore) {
      ties += 1;
      if (random.int(ties) === 0) best = i;
    }
  }
  return best;
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

/** The positions in an engine's list of the nodes the names name, in list order: those a pinned pod examines. */
function namedPositions(state: SchedulerState, nodes: readonly SchedulerNode[], names: readonly string[]): number[] {
  let byName = state.listByName;
  if (byName === null) {
    byName = new Map();
    for (let at = 0; at < nodes.length; at += 1) {
      const name = (nodes[at] as SchedulerNode).name;
      const list = byName.get(name);
      if (list === undefined) byName.set(name, [at]);
      else list.push(at);
    }
    state.listByName = byName;
  }
  if (names.length === 1) return byName.get(names[0] as string) ?? [];
  const out = new Set<number>();
  for (const name of names) for (const at of byName.get(name) ?? []) out.add(at);
  return [...out].sort((a, b) => a - b);
}

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
  scorer.begin(plan, pod, topology, nodes.length, false);
  let count = 0;
  let examined = 0;
  const found: string[] = [];
  const positions = listTable(state, nodes) === null ? null : namedPositions(state, nodes, names);
  const visits = positions === null ? nodes.length : positions.length;
  for (let v = 0; v < visits; v += 1) {
    const node = nodes[positions === null ? v : (positions[v] as number)] as SchedulerNode;
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
  scorer.begin(planTemplate(pod.template), pod, topology, nodes.length, false);
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

const NO_CONSTRAINTS: readonly ScoredConstraint[] = [];

/** A node's zone code in the Scorer: 0 not yet looked up, 1 no zone label, 2 + k the k-th zone met. */
const ZONE_NONE = 1;
const FIRST_ZONE = 2;
/** Zone codes in a key: the keyed path is left to runs with fewer zones than this. */
const ZONE_STRIDE = 64;
/** The keys' memo arrays start this long (key 0, nodes left out of spreading, always has a slot). */
const MEMO_SIZE = 1024;

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
  /** The system default constraints by the counts they read (by hostname and zone they keep no state). */
  private readonly defaults = new WeakMap<SelectorCounts, readonly ScoredConstraint[]>();

  /*
   * The keyed path, for an engine's node list and constraints by hostname and by zone with at most one by
   * hostname (the system defaults and most templates). A node's spread score then depends only on its
   * key, (hostname count, zone); the template's verdicts keep each node's key until the node changes, the
   * filter pass collects the keys met, and `pick` rounds and normalises once per key, with the same
   * arithmetic in the same order as the general path.
   */
  private keyed = false;
  private hasZone = false;
  /** The hostname constraint's counts, or null when it has none or it selects nothing. */
  private hostCounts: SelectorCounts | null = null;
  /** Per feasible node, its key: 0 when PodTopologySpread leaves it out, else 1 + count × ZONE_STRIDE + zone code. */
  private keys = new Int32Array(0);
  /**
   * By node id, its zone code × 2 + 1 when it has taints (a node's labels and taints do not change); 0
   * when not yet looked up. The zones by code − FIRST_ZONE.
   */
  private infoOfId = new Int32Array(0);
  private readonly zoneNames: string[] = [];
  private readonly zoneCodes = new Map<string, number>();
  /** Per zone code, the pod (generation) that last met it among the keys. */
  private zoneSeen = new Int32Array(ZONE_STRIDE);
  /** Bumped per pod: memo entries and zone marks of earlier pods are stale without clearing them. */
  private generation = 0;
  /** By key: the pod that met it, its rounded raw spread score, and a node's total less its resource score. */
  private memoStamp = new Int32Array(MEMO_SIZE);
  private memoRaw = new Float64Array(MEMO_SIZE);
  private parts = new Float64Array(MEMO_SIZE);
  /** The keys met by this pod's feasible nodes, in order: the first `distinctCount` entries. */
  private distinct = new Int32Array(256);
  private distinctCount = 0;

  /**
   * Starts a pod that may have up to `capacity` feasible nodes; `keyable` when the nodes are an engine's
   * list, every node already learnt (`learn`), so that no zone is met for the first time mid-pod.
   */
  begin(plan: TemplatePlan, pod: SchedulerPod, topology: TopologyIndex, capacity: number, keyable: boolean): void {
    this.tolerations = pod.template.tolerations;
    this.maxIntolerable = 0;
    this.zones.length = 0;
    // PodTopologySpread: the pod's ScheduleAnyway constraints, or the system defaults for owned pods.
    let soft: readonly ScoredConstraint[] = NO_CONSTRAINTS;
    if (plan.soft !== null) {
      const own: ScoredConstraint[] = [];
      for (const c of plan.soft) {
        own.push(scoredConstraint(c.key, c.maxSkew, c.selector ? topology.counts(pod.namespace, c.selector) : null));
      }
      soft = own;
    } else if (pod.defaultSpreadSelector !== null) {
      // System defaults: hostname maxSkew 3, zone maxSkew 5 (podtopologyspread/plugin.go systemDefaultConstraints).
      const counts = topology.counts(pod.namespace, pod.defaultSpreadSelector);
      let defaults = this.defaults.get(counts);
      if (defaults === undefined) {
        defaults = [scoredConstraint(HOSTNAME, 3, counts), scoredConstraint(ZONE, 5, counts)];
        this.defaults.set(counts, defaults);
      }
      soft = defaults;
    }
    this.soft = soft;
    let keyed = keyable && FIRST_ZONE + this.zoneNames.length <= ZONE_STRIDE;
    let byHostname = 0;
    this.hasZone = false;
    this.hostCounts = null;
    for (const c of soft) {
      if (c.by === BY_HOSTNAME) {
        byHostname += 1;
        this.hostCounts = c.counts;
      } else if (c.by === BY_ZONE) this.hasZone = true;
      else keyed = false;
    }
    this.keyed = keyed && byHostname <= 1;
    this.distinctCount = 0;
    if (this.generation >= 0x3fffffff) {
      // Never in practice; restart the stamps rather than let them wrap.
      this.generation = 0;
      this.zoneSeen.fill(0);
      this.memoStamp.fill(0);
    }
    this.generation += 1;
    if (this.resources.length < capacity) {
      let size = Math.max(256, this.resources.length);
      while (size < capacity) size *= 2;
      this.resources = new Float64Array(size);
      this.intolerable = new Int32Array(size);
      this.ignored = new Uint8Array(size);
      this.raw = new Float64Array(size);
      this.totals = new Float64Array(size);
      this.keys = new Int32Array(size);
    }
    if (this.domains.length < this.resources.length * soft.length) {
      this.domains = new Float64Array(this.resources.length * soft.length);
    }
  }

  /** Whether this pod takes the keyed path: the filter pass then calls `addKeyed`. */
  get isKeyed(): boolean {
    return this.keyed;
  }

  /** What a node's key depends on besides the node: a template's cached keys hold while this stays the same. */
  keyContext(): number {
    return (this.soft.length === 0 ? 0 : 1) | (this.hasZone ? 2 : 0);
  }

  keyCounts(): SelectorCounts | null {
    return this.hostCounts;
  }

  /** Looks up the node's zone and taints once. */
  learn(node: SchedulerNode): void {
    const id = node.id;
    if (id >= this.infoOfId.length || this.infoOfId[id] === 0) this.learnNode(node);
  }

  private learnNode(node: SchedulerNode): number {
    const zone = node.zone;
    let code = ZONE_NONE;
    if (zone !== null) {
      const known = this.zoneCodes.get(zone);
      if (known !== undefined) code = known;
      else {
        code = FIRST_ZONE + this.zoneNames.length;
        this.zoneNames.push(zone);
        this.zoneCodes.set(zone, code);
        if (this.zoneSeen.length <= code) {
          const seen = new Int32Array(code * 2);
          seen.set(this.zoneSeen);
          this.zoneSeen = seen;
        }
      }
    }
    const id = node.id;
    if (id >= this.infoOfId.length) {
      const grown = new Int32Array(Math.max(64, this.infoOfId.length * 2, id + 1));
      grown.set(this.infoOfId);
      this.infoOfId = grown;
    }
    const info = (code << 1) | (node.taints.length > 0 ? 1 : 0);
    this.infoOfId[id] = info;
    return info;
  }

  /** On the keyed path: the node's key × 2, plus 1 when it has taints. */
  keyOf(node: SchedulerNode, id: number): number {
    let info = id < this.infoOfId.length ? (this.infoOfId[id] as number) : 0;
    if (info === 0) info = this.learnNode(node);
    const tainted = info & 1;
    if (this.soft.length === 0) return tainted;
    const code = info >> 1;
    if (this.hasZone && code === ZONE_NONE) return tainted;
    const counts = this.hostCounts;
    let host = 0;
    if (counts !== null && id < counts.byNode.length) host = counts.byNode[id] as number;
    const key = 1 + host * ZONE_STRIDE + (this.hasZone ? code : 0);
    if (key >= this.memoStamp.length) this.growMemo(key);
    return key * 2 + tainted;
  }

  private growMemo(key: number): void {
    const size = Math.max(this.memoStamp.length * 2, key + 1);
    const stamp = new Int32Array(size);
    stamp.set(this.memoStamp);
    this.memoStamp = stamp;
    const raw = new Float64Array(size);
    raw.set(this.memoRaw);
    this.memoRaw = raw;
    this.parts = new Float64Array(size);
  }

  /** How many feasible nodes `scanKeyed` found. */
  found = 0;

  /**
   * The filter pass of schedulePod on the keyed path for a pod without DoNotSchedule constraints, with
   * `addKeyed` inlined and the arrays it reads held in locals: from `start`, until `want` nodes pass or
   * every node was examined. Returns how many nodes it examined; their positions go to `feasibleAt`.
   */
  scanKeyed(
    local: NodeVerdicts,
    pod: SchedulerPod,
    nodes: readonly SchedulerNode[],
    ids: Int32Array,
    start: number,
    want: number,
    feasibleAt: Int32Array,
    verdicts: (string | null | undefined)[],
  ): number {
    const n = nodes.length;
    const verdictById = local.verdictsById;
    const scoreById = local.scoresById;
    const keyById = local.keysById;
    const resources = this.resources;
    const keys = this.keys;
    const intolerable = this.intolerable;
    const generation = this.generation;
    let memoStamp = this.memoStamp;
    let found = 0;
    let i = 0;
    for (; i < n && found < want; i += 1) {
      const from = start + i;
      const at = from < n ? from : from - n;
      const id = ids[at] as number;
      let verdict = verdictById[id] as number;
      if (verdict === UNKNOWN) verdict = local.decide(pod, nodes[at] as SchedulerNode, id, verdicts);
      if (verdict === FAILS) continue;
      feasibleAt[found] = at;
      let keyed = keyById[id] as number;
      if (keyed < 0) {
        keyed = this.keyOf(nodes[at] as SchedulerNode, id);
        keyById[id] = keyed;
        memoStamp = this.memoStamp;
      }
      resources[found] = verdict === PASSES_WIDE ? (scoreById[id] as number) : verdict - PASSES;
      const key = keyed >> 1;
      keys[found] = key;
      if ((keyed & 1) === 0) intolerable[found] = 0;
      else {
        const count = this.intolerableTaints(nodes[at] as SchedulerNode);
        intolerable[found] = count;
        if (count > this.maxIntolerable) this.maxIntolerable = count;
      }
      if (key !== 0 && memoStamp[key] !== generation) {
        memoStamp[key] = generation;
        this.meet(key);
      }
      found += 1;
    }
    this.found = found;
    return i;
  }

  private meet(key: number): void {
    if (this.distinctCount === this.distinct.length) {
      const grown = new Int32Array(this.distinct.length * 2);
      grown.set(this.distinct);
      this.distinct = grown;
    }
    this.distinct[this.distinctCount] = key;
    this.distinctCount += 1;
  }

  /** The `i`-th feasible node on the keyed path, with its resource score and `keyOf`. */
  addKeyed(i: number, nodes: readonly SchedulerNode[], at: number, resources: number, keyed: number): void {
    this.resources[i] = resources;
    const key = keyed >> 1;
    this.keys[i] = key;
    if ((keyed & 1) === 0) this.intolerable[i] = 0;
    else {
      const intolerable = this.intolerableTaints(nodes[at] as SchedulerNode);
      this.intolerable[i] = intolerable;
      if (intolerable > this.maxIntolerable) this.maxIntolerable = intolerable;
    }
    if (key !== 0 && this.memoStamp[key] !== this.generation) {
      this.memoStamp[key] = this.generation;
      this.meet(key);
    }
  }

  /** The `i`-th feasible node, with its resource score (off the keyed path: there `addKeyed`). */
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
    if (this.keyed) return this.finishKeyed(count);
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
  /**
   * The feasible node selectHost picks from the first `count`: on the keyed path without intolerable taints
   * each total is the node's resource score plus the part its key gives, both integers, so adding them in
   * another grouping changes nothing; else the totals `finish` gives.
   */
  pick(feasible: readonly SchedulerNode[], count: number, random: Random): SchedulerNode {
    if (!this.picksByKey) return selectHost(feasible, this.finish(count), count, random);
    return feasible[this.pickByKey(count, random)] as SchedulerNode;
  }

  /** Whether `pickByKey` may pick: the keyed path, and no feasible node with an intolerable taint. */
  get picksByKey(): boolean {
    return this.keyed && this.maxIntolerable === 0;
  }

  /** `pick` by position among the feasible nodes, when `picksByKey`. */
  pickByKey(count: number, random: Random): number {
    this.spreadRange(count);
    const spreadMin = this.spreadMin;
    const spreadMax = this.spreadMax;
    const memoRaw = this.memoRaw;
    const parts = this.parts;
    const untainted = WEIGHT.taintToleration * MAX_NODE_SCORE + WEIGHT.nodeAffinity * 0;
    const distinct = this.distinct;
    for (let d = 0; d < this.distinctCount; d += 1) {
      const key = distinct[d] as number;
      const spread =
        spreadMax === 0
          ? MAX_NODE_SCORE
          : Math.trunc((MAX_NODE_SCORE * (spreadMax + spreadMin - (memoRaw[key] as number))) / spreadMax);
      parts[key] = untainted + WEIGHT.spread * spread;
    }
    // Nodes left out of spreading (and every node when the pod has no constraint) score 0 there.
    parts[0] = untainted;
    return selectKeyed(this.resources, this.keys, parts, count, random);
  }

  private spreadMin = Number.POSITIVE_INFINITY;
  private spreadMax = 0;

  /**
   * PodTopologySpread's raw score once per key met, and their min and max over those keys (min and max
   * ignore order and repeats, so they equal those over every node). The zones met are the keys' zones.
   */
  private spreadRange(count: number): void {
    const soft = this.soft;
    const m = soft.length;
    this.spreadMin = Number.POSITIVE_INFINITY;
    this.spreadMax = 0;
    if (m === 0) return;
    const distinct = this.distinct;
    const generation = this.generation;
    const zoneSeen = this.zoneSeen;
    let zonesMet = 0;
    if (this.hasZone) {
      for (let d = 0; d < this.distinctCount; d += 1) {
        const code = ((distinct[d] as number) - 1) % ZONE_STRIDE;
        if (zoneSeen[code] !== generation) {
          zoneSeen[code] = generation;
          zonesMet += 1;
        }
      }
    }
    if (this.weights.length < m) {
      this.weights = new Float64Array(m);
      this.skews = new Float64Array(m);
      this.zoneBase = new Int32Array(m);
    }
    if (this.zoneCounts.length < m * ZONE_STRIDE) this.zoneCounts = new Float64Array(m * ZONE_STRIDE);
    const weights = this.weights;
    const skews = this.skews;
    const zoneBase = this.zoneBase;
    const zoneCounts = this.zoneCounts;
    for (let j = 0; j < m; j += 1) {
      const c = soft[j] as ScoredConstraint;
      skews[j] = c.maxSkew - 1;
      zoneBase[j] = -1;
      if (c.by === BY_HOSTNAME) weights[j] = Math.log(count + 2);
      else {
        weights[j] = Math.log(zonesMet + 2);
        zoneBase[j] = j * ZONE_STRIDE;
        for (let code = FIRST_ZONE; code < FIRST_ZONE + this.zoneNames.length; code += 1) {
          if (zoneSeen[code] !== generation) continue;
          const zone = this.zoneNames[code - FIRST_ZONE] as string;
          zoneCounts[j * ZONE_STRIDE + code] = c.counts === null ? 0 : (c.counts.byZone.get(zone) ?? 0);
        }
      }
    }
    const memoRaw = this.memoRaw;
    let spreadMin = Number.POSITIVE_INFINITY;
    let spreadMax = 0;
    for (let d = 0; d < this.distinctCount; d += 1) {
      const key = distinct[d] as number;
      const host = Math.trunc((key - 1) / ZONE_STRIDE);
      const zone = (key - 1) % ZONE_STRIDE;
      let score = 0;
      for (let j = 0; j < m; j += 1) {
        const base = zoneBase[j] as number;
        const inDomain = base < 0 ? host : (zoneCounts[base + zone] as number);
        score += inDomain * (weights[j] as number) + (skews[j] as number);
      }
      const rounded = Math.round(score);
      memoRaw[key] = rounded;
      spreadMin = Math.min(spreadMin, rounded);
      spreadMax = Math.max(spreadMax, rounded);
    }
    this.spreadMin = spreadMin;
    this.spreadMax = spreadMax;
  }

  /** `finish` on the keyed path: the same weights, roundings and normalisation, per key. */
  private finishKeyed(count: number): Float64Array {
    this.spreadRange(count);
    const m = this.soft.length;
    const keys = this.keys;
    const spreadMin = this.spreadMin;
    const spreadMax = this.spreadMax;
    const memoRaw = this.memoRaw;
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
      const key = keys[i] as number;
      if (m > 0 && key !== 0) {
        spread =
          spreadMax === 0
            ? MAX_NODE_SCORE
            : Math.trunc((MAX_NODE_SCORE * (spreadMax + spreadMin - (memoRaw[key] as number))) / spreadMax);
      }
      totals[i] =
        (resources[i] as number) + WEIGHT.taintToleration * taint + WEIGHT.nodeAffinity * 0 + WEIGHT.spread * spread;
    }
    return totals;
  }
}
