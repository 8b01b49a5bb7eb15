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
import { offeringBit, type PoolCatalog } from './offerings.js';

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
  /** The pod's DoNotSchedule spread constraints on hostname and zone, with the cluster's counts. */
  readonly spread?: readonly SpreadRule[];
}

/**
 * One `whenUnsatisfiable: DoNotSchedule` constraint as Karpenter's topology tracks it (topology.go):
 * matching pods per node and per zone, existing ones from the cluster, planned ones added by the Solve.
 */
export interface SpreadRule {
  readonly key: 'hostname' | 'zone';
  readonly maxSkew: number;
  /** Identifies the selector: rules with equal ids count the same pods. */
  readonly id: string;
  /** Whether the pod itself matches the selector (else placing it changes no count). */
  readonly counts: boolean;
  readonly onNode: (node: ExistingNode) => number;
  readonly inZone: (zone: string) => number;
  /** The zones that are domains of this constraint. */
  readonly zones: readonly string[];
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
  /**
   * What is left of every other resource the NodePool limits (`pods`, `nvidia.com/gpu`, …), by resource
   * name: Karpenter holds each instance type's whole capacity against every limit (scheduler.go
   * filterByRemainingResources, subtractMax).
   */
  readonly others: Map<string, number>;
}

/** A type's capacity of a limited resource other than cpu and memory; 0 where the type has none. */
export function capacityOf(capacity: Resources, resource: string): number {
  return resource === 'pods' ? capacity.pods : (capacity.extended.get(resource) ?? 0);
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
  // A type without the resource (0) still passes while the limit is not yet exceeded (resources.Cmp).
  for (const [resource, left] of l.others) if (capacityOf(capacity, resource) > left) return false;
  return true;
}

/** The survivors still offer `minValues` distinct values for every requirement that sets it (SatisfiesMinValues). */
export function satisfiesMinValues(catalog: PoolCatalog, candidates: readonly number[]): boolean {
  for (const req of catalog.pool.requirements) {
    if (req.minValues === null) continue;
    const values = new Set<string>();
    for (const t of candidates) {
      const labels = catalog.types[t]?.labelsByOffering.find((l) => l !== undefined);
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

/** Pods the Solve has planned so far, by spread rule and node, NodeClaim or zone. */
class PlannedSpread {
  private readonly counts = new Map<string, number>();

  get(id: string, where: string): number {
    return this.counts.get(`${id}\u0000${where}`) ?? 0;
  }

  add(id: string, where: string): void {
    const key = `${id}\u0000${where}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/** Hostname spread: a new node can always open a domain with 0 pods, so each node holds at most maxSkew. */
function hostnameAllows(rule: SpreadRule, already: number, planned: number): boolean {
  return !rule.counts || already + planned + 1 <= rule.maxSkew;
}

/** The zones a pod may join under its zonal rules: count + 1 − min ≤ maxSkew over the rule's zones. */
function allowedZones(pod: SolvePod, planned: PlannedSpread): Set<string> | null {
  const sets: Set<string>[] = [];
  for (const rule of pod.spread ?? []) {
    if (rule.key !== 'zone' || !rule.counts) continue;
    const count = (zone: string) => rule.inZone(zone) + planned.get(rule.id, `zone:${zone}`);
    let min = Number.POSITIVE_INFINITY;
    for (const zone of rule.zones) min = Math.min(min, count(zone));
    sets.push(new Set(rule.zones.filter((zone) => count(zone) + 1 - min <= rule.maxSkew)));
  }
  if (sets.length === 0) return null;
  const [first, ...rest] = sets as [Set<string>, ...Set<string>[]];
  return new Set([...first].filter((zone) => rest.every((set) => set.has(zone))));
}

function existingAllows(pod: SolvePod, node: ExistingNode, planned: PlannedSpread, zones: Set<string> | null): boolean {
  for (const rule of pod.spread ?? []) {
    if (
      rule.key === 'hostname' &&
      !hostnameAllows(rule, rule.onNode(node), planned.get(rule.id, `node:${node.name}`))
    ) {
      return false;
    }
  }
  return zones === null || (node.sched.zone !== null && zones.has(node.sched.zone));
}

function recordSpread(pod: SolvePod, planned: PlannedSpread, where: string, zone: string | null): void {
  for (const rule of pod.spread ?? []) {
    if (!rule.counts) continue;
    if (rule.key === 'hostname') planned.add(rule.id, where);
    else if (zone !== null) planned.add(rule.id, `zone:${zone}`);
  }
}

/** The offering bits of the zones in `zones` (both capacity types). */
function zoneBits(catalog: PoolCatalog, zones: ReadonlySet<string>): number {
  let bits = 0;
  catalog.zones.forEach((zone, i) => {
    if (zones.has(zone)) bits |= offeringBit(i, 'on-demand') | offeringBit(i, 'spot');
  });
  return bits;
}

/** A zonal pod pins its NodeClaim to one zone: the allowed one with the fewest pods, the first by name on ties. */
function pinZone(
  catalog: PoolCatalog,
  masks: readonly number[],
  pod: SolvePod,
  planned: PlannedSpread,
  zones: Set<string>,
): string | null {
  const union = masks.reduce((a, b) => a | b, 0);
  const rule = (pod.spread ?? []).find((r) => r.key === 'zone' && r.counts);
  let best: string | null = null;
  let bestCount = Number.POSITIVE_INFINITY;
  catalog.zones.forEach((zone, i) => {
    if (!zones.has(zone) || (union & (offeringBit(i, 'on-demand') | offeringBit(i, 'spot'))) === 0) return;
    const count = rule ? rule.inZone(zone) + planned.get(rule.id, `zone:${zone}`) : 0;
    if (count < bestCount) {
      best = zone;
      bestCount = count;
    }
  });
  return best;
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

  const planned = new PlannedSpread();
  for (const pod of pods) {
    const spread = (pod.spread ?? []).length > 0;
    let memo = memos.get(pod.classKey);
    if (!memo) {
      memo = { existingFrom: 0, claimsFrom: 0, failedClaims: new Set(), compatible: [] };
      memos.set(pod.classKey, memo);
    }
    // Spread counts change as the Solve places pods: what failed once may fit later, so no skipping ahead.
    if (spread) memo = { existingFrom: 0, claimsFrom: 0, failedClaims: new Set(), compatible: memo.compatible };
    const zones = spread ? allowedZones(pod, planned) : null;
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
      if (
        ok &&
        (!spread || existingAllows(pod, node, planned, zones)) &&
        resourceFits(ZERO, requests, ZERO, node.remaining)
      ) {
        if (spread) recordSpread(pod, planned, `node:${node.name}`, node.sched.zone);
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
      const pool = pools[claim.pool] as SolvePool;
      const hostnameFull = (pod.spread ?? []).some(
        (rule) => rule.key === 'hostname' && !hostnameAllows(rule, 0, planned.get(rule.id, `claim:${claim.index}`)),
      );
      const zoneMask = zones === null ? -1 : zoneBits(pool.catalog, zones);
      if (!hostnameFull && tryAddToClaim(claim, pool, tables[claim.pool] as PoolTable, pod, requests, zoneMask)) {
        if (spread) placeSpread(claim, pool, pod, planned, zones);
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
      const zoneMask = zones === null ? -1 : zoneBits(pool.catalog, zones);
      for (let t = 0; t < masks.length; t += 1) {
        const mask = (masks[t] ?? 0) & (pool.available[t] ?? 0) & zoneMask;
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
      if (!satisfiesMinValues(pool.catalog, candidates)) {
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
      if (spread) placeSpread(claim, pool, pod, planned, zones);
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
  zoneMask = -1,
): boolean {
  const masks = pool.podMasks(pod);
  if (masks === null) return false;
  const candidates: number[] = [];
  const candidateMasks: number[] = [];
  let unchanged = true;
  for (let i = 0; i < claim.candidates.length; i += 1) {
    const t = claim.candidates[i] as number;
    const before = claim.masks[i] ?? 0;
    const mask = before & (masks[t] ?? 0) & zoneMask;
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
  if (!unchanged && !satisfiesMinValues(pool.catalog, candidates)) return false;
  claim.candidates = candidates;
  claim.masks = candidateMasks;
  claim.pods.push(pod);
  addInto(claim.requests, requests);
  return true;
}

/** A spread pod joined a NodeClaim: a zonal one pins it to a zone; both count toward their rules. */
function placeSpread(
  claim: NewClaim,
  pool: SolvePool,
  pod: SolvePod,
  planned: PlannedSpread,
  zones: Set<string> | null,
): void {
  let zone: string | null = null;
  if (zones !== null) {
    zone = pinZone(pool.catalog, claim.masks, pod, planned, zones);
    if (zone !== null) {
      const bits = zoneBits(pool.catalog, new Set([zone]));
      const kept = claim.candidates
        .map((t, i) => ({ t, mask: (claim.masks[i] ?? 0) & bits }))
        .filter((c) => c.mask !== 0);
      claim.candidates = kept.map((c) => c.t);
      claim.masks = kept.map((c) => c.mask);
    }
  }
  recordSpread(pod, planned, `claim:${claim.index}`, zone);
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
  for (const [resource, left] of l.others) {
    let most = 0;
    for (const t of candidates) {
      const capacity = pool.capacity[t];
      if (capacity) most = Math.max(most, capacityOf(capacity, resource));
    }
    l.others.set(resource, left - most);
  }
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
