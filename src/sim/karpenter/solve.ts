/**
 * Karpenter's scheduling simulation for one batch of pending pods (kubernetes-sigs/karpenter
 * pkg/controllers/provisioning/scheduling scheduler.go Solve; research peers.md §C.2-§C.3): pods sorted
 * by cpu then memory, largest first; each tried on existing and in-flight nodes (lowest index that fits),
 * then on the NodeClaims opened in this Solve (fewest pods first), then on a new NodeClaim from each
 * NodePool by weight. A NodeClaim keeps every instance type that still fits all of its pods with the
 * DaemonSet overhead of that type; the type is chosen at launch. Pure: no clock, no randomness.
 *
 * Not modelled: preference relaxation (preferred terms are not part of a scenario), topology spread and
 * pod (anti-)affinity inside Karpenter, reserved capacity, host ports and volume limits.
 */

import { nodePassesStaticFilters, type SchedulerNode } from '../kube-scheduler.js';
import type { PodTemplate } from '../model.js';
import type { PoolCatalog } from './offerings.js';

export interface Resources {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
  readonly extended: ReadonlyMap<string, number>;
}

export interface MutableResources {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  readonly extended: Map<string, number>;
}

export function emptyResources(): MutableResources {
  return { cpuMillis: 0, memoryBytes: 0, pods: 0, extended: new Map() };
}

export function copyResources(r: Resources): MutableResources {
  return { cpuMillis: r.cpuMillis, memoryBytes: r.memoryBytes, pods: r.pods, extended: new Map(r.extended) };
}

export interface SolvePod {
  readonly key: string;
  /** Pods of one class share a template (and so requests, selectors and tolerations). */
  readonly classKey: string;
  readonly template: PodTemplate;
  readonly createdAtMs: number;
}

/** A Ready node or an in-flight NodeClaim, with what Karpenter believes is left on it. */
export interface ExistingNode {
  readonly name: string;
  readonly sched: SchedulerNode;
  readonly initialized: boolean;
  readonly remaining: MutableResources;
}

/** NodePool limits left, in cpu millicores, memory bytes and nodes; null where the NodePool sets none. */
export interface RemainingLimits {
  cpuMillis: number | null;
  memoryBytes: number | null;
  nodes: number | null;
}

export interface SolvePool {
  readonly catalog: PoolCatalog;
  /** Karpenter's allocatable for each of `catalog.types`, as this version computes it now. */
  readonly allocatable: readonly Resources[];
  /** Karpenter's capacity of each type (what NodePool limits count). */
  readonly capacity: readonly Resources[];
  /** The requests of the DaemonSet pods that would run on each type. */
  readonly daemonOverhead: readonly Resources[];
  /** Offerings not marked unavailable, per type (a subset of each type's mask). */
  readonly available: Int32Array;
  readonly limits: RemainingLimits;
  /** The offerings each pool type admits for a pod class; null when the pod cannot use this NodePool. */
  readonly podMasks: (pod: SolvePod) => Int32Array | null;
}

export interface NewClaim {
  readonly pool: number;
  readonly index: number;
  readonly pods: SolvePod[];
  readonly requests: MutableResources;
  /** Indices into the pool's types that still fit every pod, with their remaining offering masks. */
  candidates: number[];
  masks: number[];
}

export type SolveFailureKind = 'incompatible' | 'resources' | 'limits' | 'min-values';

export interface SolveFailure {
  readonly kind: SolveFailureKind;
  readonly message: string;
  /** The NodePools whose limits left no type, when kind is 'limits'. */
  readonly limitedPools: readonly string[];
}

export interface SolveResult {
  /** Pods placed on existing or in-flight nodes, by node name: Karpenter nominates the node for them. */
  readonly existing: ReadonlyMap<string, SolvePod[]>;
  readonly claims: readonly NewClaim[];
  readonly failed: ReadonlyMap<string, SolveFailure>;
  /** The Solve stopped early because it needed more than `maxClaims` new NodeClaims. */
  readonly truncated: boolean;
}

function resourceFits(used: Resources, add: Resources, extra: Resources, limit: Resources): boolean {
  if (used.pods + add.pods + extra.pods > limit.pods) return false;
  if (add.cpuMillis > 0 && used.cpuMillis + add.cpuMillis + extra.cpuMillis > limit.cpuMillis) return false;
  if (add.memoryBytes > 0 && used.memoryBytes + add.memoryBytes + extra.memoryBytes > limit.memoryBytes) return false;
  for (const [name, amount] of add.extended) {
    if (amount <= 0) continue;
    const total = (used.extended.get(name) ?? 0) + amount + (extra.extended.get(name) ?? 0);
    if (total > (limit.extended.get(name) ?? 0)) return false;
  }
  return true;
}

function addInto(target: MutableResources, add: Resources): void {
  target.cpuMillis += add.cpuMillis;
  target.memoryBytes += add.memoryBytes;
  target.pods += add.pods;
  for (const [name, amount] of add.extended) target.extended.set(name, (target.extended.get(name) ?? 0) + amount);
}

function subtractFrom(target: MutableResources, take: Resources): void {
  target.cpuMillis -= take.cpuMillis;
  target.memoryBytes -= take.memoryBytes;
  target.pods -= take.pods;
  for (const [name, amount] of take.extended) target.extended.set(name, (target.extended.get(name) ?? 0) - amount);
}

/** A pod's requests as Karpenter counts them: its resources plus one `pods` (resources.RequestsForPods). */
export function podRequests(template: PodTemplate): Resources {
  return {
    cpuMillis: template.requests.cpuMillis,
    memoryBytes: template.requests.memoryBytes,
    pods: 1,
    extended: template.requests.extended,
  };
}

const ZERO: Resources = { cpuMillis: 0, memoryBytes: 0, pods: 0, extended: new Map() };

/** filterByRemainingResources: a type whose whole capacity would pass a NodePool limit is dropped. */
function withinLimits(pool: SolvePool, t: number): boolean {
  const capacity = pool.capacity[t];
  if (!capacity) return false;
  const l = pool.limits;
  if (l.nodes !== null && l.nodes < 1) return false;
  if (l.cpuMillis !== null && capacity.cpuMillis > l.cpuMillis) return false;
  if (l.memoryBytes !== null && capacity.memoryBytes > l.memoryBytes) return false;
  return true;
}

/** The survivors still offer `minValues` distinct values for every requirement that sets it (SatisfiesMinValues). */
function satisfiesMinValues(pool: SolvePool, candidates: readonly number[]): boolean {
  for (const req of pool.catalog.pool.requirements) {
    if (req.minValues === null) continue;
    const values = new Set<string>();
    for (const t of candidates) {
      const labels = pool.catalog.types[t]?.labelsByOffering.find((l) => l !== undefined);
      const value = labels?.[req.key];
      if (value !== undefined) values.add(value);
    }
    if (values.size < req.minValues) return false;
  }
  return true;
}

/** Karpenter's queue order: cpu request descending, then memory, then creation time and name (queue.go). */
export function sortPods(pods: readonly SolvePod[]): SolvePod[] {
  return [...pods].sort(
    (a, b) =>
      b.template.requests.cpuMillis - a.template.requests.cpuMillis ||
      b.template.requests.memoryBytes - a.template.requests.memoryBytes ||
      a.createdAtMs - b.createdAtMs ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** A pool's numbers in flat arrays, built once per Solve: the per-type checks are the hot loop. */
interface PoolTable {
  readonly allocCpu: Float64Array;
  readonly allocMemory: Float64Array;
  readonly allocPods: Float64Array;
  readonly daemonCpu: Float64Array;
  readonly daemonMemory: Float64Array;
  readonly daemonPods: Float64Array;
}

function poolTable(pool: SolvePool): PoolTable {
  const n = pool.catalog.types.length;
  const table = {
    allocCpu: new Float64Array(n),
    allocMemory: new Float64Array(n),
    allocPods: new Float64Array(n),
    daemonCpu: new Float64Array(n),
    daemonMemory: new Float64Array(n),
    daemonPods: new Float64Array(n),
  };
  for (let t = 0; t < n; t += 1) {
    const a = pool.allocatable[t] as Resources;
    const d = pool.daemonOverhead[t] as Resources;
    table.allocCpu[t] = a.cpuMillis;
    table.allocMemory[t] = a.memoryBytes;
    table.allocPods[t] = a.pods;
    table.daemonCpu[t] = d.cpuMillis;
    table.daemonMemory[t] = d.memoryBytes;
    table.daemonPods[t] = d.pods;
  }
  return table;
}

/**
 * Whether `used + add` plus type t's DaemonSets fit its allocatable: resourceFits on the flat arrays,
 * with the extended resources (rare) checked the slow way.
 */
function fitsType(pool: SolvePool, table: PoolTable, t: number, used: Resources, add: Resources): boolean {
  if (used.pods + add.pods + (table.daemonPods[t] ?? 0) > (table.allocPods[t] ?? 0)) return false;
  if (add.cpuMillis > 0 && used.cpuMillis + add.cpuMillis + (table.daemonCpu[t] ?? 0) > (table.allocCpu[t] ?? 0)) {
    return false;
  }
  if (
    add.memoryBytes > 0 &&
    used.memoryBytes + add.memoryBytes + (table.daemonMemory[t] ?? 0) > (table.allocMemory[t] ?? 0)
  ) {
    return false;
  }
  if (add.extended.size === 0) return true;
  return resourceFits(used, add, pool.daemonOverhead[t] as Resources, pool.allocatable[t] as Resources);
}

interface ClassMemo {
  /** Existing nodes before this index are known not to take a pod of this class. */
  existingFrom: number;
  /** NodeClaims created before this index are known not to take one. */
  claimsFrom: number;
  readonly failedClaims: Set<NewClaim>;
  readonly compatible: (boolean | undefined)[];
}

export function solve(
  pendingPods: readonly SolvePod[],
  existingNodes: readonly ExistingNode[],
  pools: readonly SolvePool[],
  options: { readonly maxClaims?: number } = {},
): SolveResult {
  const maxClaims = options.maxClaims ?? Number.POSITIVE_INFINITY;
  const pods = sortPods(pendingPods);
  // Initialized nodes first, then by name (scheduler.go calculateExistingNodeClaims ordering).
  const existing = [...existingNodes].sort(
    (a, b) => Number(b.initialized) - Number(a.initialized) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const tables = pools.map(poolTable);
  const placedOnExisting = new Map<string, SolvePod[]>();
  const claims: NewClaim[] = [];
  const failed = new Map<string, SolveFailure>();
  const memos = new Map<string, ClassMemo>();
  // Pools by weight, heaviest first; equal weights by name (nodepoolutils.OrderByWeight).
  const poolOrder = pools
    .map((_pool, i) => i)
    .sort((a, b) => {
      const pa = pools[a]?.catalog.pool;
      const pb = pools[b]?.catalog.pool;
      return (pb?.weight ?? 0) - (pa?.weight ?? 0) || ((pa?.name ?? '') < (pb?.name ?? '') ? -1 : 1);
    });

  for (const pod of pods) {
    let memo = memos.get(pod.classKey);
    if (!memo) {
      memo = { existingFrom: 0, claimsFrom: 0, failedClaims: new Set(), compatible: [] };
      memos.set(pod.classKey, memo);
    }
    const requests = podRequests(pod.template);

    // 1. Existing and in-flight nodes: the lowest index that fits.
    let placed = false;
    for (let i = memo.existingFrom; i < existing.length; i += 1) {
      const node = existing[i] as ExistingNode;
      let ok = memo.compatible[i];
      if (ok === undefined) {
        ok = nodePassesStaticFilters(pod.template, node.sched);
        memo.compatible[i] = ok;
      }
      if (ok && resourceFits(ZERO, requests, ZERO, node.remaining)) {
        subtractFrom(node.remaining, requests);
        const list = placedOnExisting.get(node.name) ?? [];
        list.push(pod);
        placedOnExisting.set(node.name, list);
        placed = true;
        break;
      }
      if (i === memo.existingFrom) memo.existingFrom = i + 1;
    }
    if (placed) continue;

    // 2. NodeClaims of this Solve, fewest pods first.
    const untried = claims.slice(memo.claimsFrom).filter((c) => !memo.failedClaims.has(c));
    untried.sort((a, b) => a.pods.length - b.pods.length || a.index - b.index);
    for (const claim of untried) {
      if (tryAddToClaim(claim, pools[claim.pool] as SolvePool, tables[claim.pool] as PoolTable, pod, requests)) {
        placed = true;
        break;
      }
      memo.failedClaims.add(claim);
    }
    if (placed) continue;
    memo.claimsFrom = claims.length;
    memo.failedClaims.clear();

    // 3. A new NodeClaim from the heaviest NodePool that can take the pod.
    const reasons: SolveFailureKind[] = [];
    const limitedPools: string[] = [];
    for (const p of poolOrder) {
      const pool = pools[p] as SolvePool;
      const masks = pool.podMasks(pod);
      if (masks === null) {
        reasons.push('incompatible');
        continue;
      }
      const candidates: number[] = [];
      const candidateMasks: number[] = [];
      let compatible = false;
      let fitting = false;
      for (let t = 0; t < masks.length; t += 1) {
        const mask = (masks[t] ?? 0) & (pool.available[t] ?? 0);
        if (mask === 0) continue;
        compatible = true;
        if (!fitsType(pool, tables[p] as PoolTable, t, ZERO, requests)) continue;
        fitting = true;
        if (!withinLimits(pool, t)) continue;
        candidates.push(t);
        candidateMasks.push(mask);
      }
      if (candidates.length === 0) {
        reasons.push(!compatible ? 'incompatible' : !fitting ? 'resources' : 'limits');
        if (compatible && fitting) limitedPools.push(pool.catalog.pool.name);
        continue;
      }
      if (!satisfiesMinValues(pool, candidates)) {
        reasons.push('min-values');
        continue;
      }
      if (claims.length >= maxClaims) {
        // The caller only wants to know whether maxClaims suffice (consolidation): they do not.
        return { existing: placedOnExisting, claims, failed, truncated: true };
      }
      const claim: NewClaim = {
        pool: p,
        index: claims.length,
        pods: [pod],
        requests: emptyResources(),
        candidates,
        masks: candidateMasks,
      };
      addInto(claim.requests, requests);
      claims.push(claim);
      subtractMax(pool, candidates);
      placed = true;
      break;
    }
    if (!placed) failed.set(pod.key, describeFailure(reasons, limitedPools, pools.length));
  }
  return { existing: placedOnExisting, claims, failed, truncated: false };
}

/** NodeClaim.CanAdd: the pod's offerings intersect the claim's and some remaining type still fits all pods. */
function tryAddToClaim(
  claim: NewClaim,
  pool: SolvePool,
  table: PoolTable,
  pod: SolvePod,
  requests: Resources,
): boolean {
  const masks = pool.podMasks(pod);
  if (masks === null) return false;
  const candidates: number[] = [];
  const candidateMasks: number[] = [];
  let unchanged = true;
  for (let i = 0; i < claim.candidates.length; i += 1) {
    const t = claim.candidates[i] as number;
    const before = claim.masks[i] ?? 0;
    const mask = before & (masks[t] ?? 0);
    if (mask === 0 || !fitsType(pool, table, t, claim.requests, requests)) {
      unchanged = false;
      continue;
    }
    if (mask !== before) unchanged = false;
    candidates.push(t);
    candidateMasks.push(mask);
  }
  if (candidates.length === 0) return false;
  // minValues can only break when a type dropped out.
  if (!unchanged && !satisfiesMinValues(pool, candidates)) return false;
  claim.candidates = candidates;
  claim.masks = candidateMasks;
  claim.pods.push(pod);
  addInto(claim.requests, requests);
  return true;
}

/** subtractMax: a new NodeClaim takes the largest candidate's capacity off the NodePool's limits. */
function subtractMax(pool: SolvePool, candidates: readonly number[]): void {
  let cpu = 0;
  let memory = 0;
  for (const t of candidates) {
    const capacity = pool.capacity[t];
    if (!capacity) continue;
    cpu = Math.max(cpu, capacity.cpuMillis);
    memory = Math.max(memory, capacity.memoryBytes);
  }
  const l = pool.limits;
  if (l.cpuMillis !== null) l.cpuMillis -= cpu;
  if (l.memoryBytes !== null) l.memoryBytes -= memory;
  if (l.nodes !== null) l.nodes -= 1;
}

function describeFailure(
  reasons: readonly SolveFailureKind[],
  limitedPools: readonly string[],
  pools: number,
): SolveFailure {
  if (pools === 0) return { kind: 'incompatible', message: 'no NodePool exists', limitedPools };
  if (reasons.includes('limits')) {
    return {
      kind: 'limits',
      message: `all available instance types exceed limits for nodepool ${limitedPools.map((p) => `"${p}"`).join(', ')}`,
      limitedPools,
    };
  }
  if (reasons.includes('resources')) {
    return { kind: 'resources', message: 'no instance type has enough resources', limitedPools };
  }
  if (reasons.includes('min-values')) {
    return { kind: 'min-values', message: 'minValues requirement is not met', limitedPools };
  }
  return {
    kind: 'incompatible',
    message: 'incompatible with every nodepool (taints, requirements or no available offering)',
    limitedPools,
  };
}
