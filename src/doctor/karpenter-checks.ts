/**
 * Whether the cluster's Karpenter, in its version and with its settings, can launch the same instance
 * type again and again for a pod that none of them can hold: for each NodePool, the types it may launch
 * whose allocatable Karpenter overestimates, and the pod requests that fall in that gap once the
 * DaemonSets that would run on the type are counted (capacity-models.md §5.6, §7, §8 M1).
 */

import type { ClusterNode, ClusterState } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import type { InstanceType } from '../core/instance-type.js';
import { formatKarpenterVersion, karpenterFeatures } from '../core/karpenter-version.js';
import type { Mismatch, RequestWindow } from '../core/mismatch.js';
import { computeNodeCapacity, type NodeCapacity } from '../core/node-capacity.js';
import { makeNodeConfig } from '../core/node-config.js';
import {
  buildPoolCatalog,
  daemonRunsOn,
  type PoolCatalog,
  type PoolType,
  toleratesPool,
} from '../sim/karpenter/offerings.js';
import type { NodeClassSpec, NodePoolSpec, PodTemplate } from '../sim/model.js';
import { cniMode } from '../sim/node-setup.js';
import type { DoctorFinding } from './doctor-result.js';
import {
  type ClusterSettings,
  cachedMemoryOf,
  karpenterCachedMemory,
  keep,
  kibibytes,
  plural,
  readClusterSettings,
  withArticle,
} from './node-checks.js';

/** Types a finding spells out; the rest are counted. */
const TYPES_LISTED = 10;

/**
 * Where a window's MemTotal comes from. The kubelet's MemTotal is larger than Karpenter's estimate, and
 * from v1.1.0 Karpenter plans with the smallest MemTotal of the type's registered nodes (capacity-models.md
 * §4, §5.2, §7 items 4–5), so a window is exact only from a real node of the type.
 */
export type WindowMemory =
  /** A node of the type registered under the EC2NodeClass: the MemTotal Karpenter's cache holds. */
  | { readonly kind: 'registered' }
  /** None under this EC2NodeClass: the smallest MemTotal of the type's nodes of the same AMI family elsewhere. */
  | { readonly kind: 'other-node'; readonly node: string }
  /**
   * No node of the type: the figures are computed as if MemTotal were Karpenter's estimate
   * (`estimateBytes`), and the real window lies as far above them as the real MemTotal lies above it.
   */
  | { readonly kind: 'unknown'; readonly estimateBytes: number };

/** A type of a NodePool with the pod requests that would make Karpenter loop on it. */
export interface LoopWindow {
  readonly instanceType: string;
  readonly resource: RequestWindow['resource'];
  /** The summed requests on the node (DaemonSets included) that Karpenter admits and the kubelet refuses. */
  readonly node: RequestWindow;
  /** DaemonSet requests that would run on the type, in the window's unit. */
  readonly daemonSets: number;
  /** One pod's requests in that window once the DaemonSets are counted: (aboveExclusive, upToInclusive]. */
  readonly pod: RequestWindow;
  readonly memory: WindowMemory;
  /** No node of the type registered under the EC2NodeClass, so Karpenter's cache has no MemTotal for it. */
  readonly memoryEstimated: boolean;
  /**
   * A memory window that may not exist: Karpenter before v1.1.0 plans every launch with its estimate, and
   * no node of the type tells whether the kubelet's MemTotal is close enough to it (§7 item 5).
   */
  readonly conditional: boolean;
  readonly causes: readonly Mismatch[];
  readonly onDemandUsdPerHour: number | null;
}

interface Daemons {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

function sumDaemons(templates: readonly PodTemplate[]): Daemons {
  let cpuMillis = 0;
  let memoryBytes = 0;
  for (const t of templates) {
    cpuMillis += t.requests.cpuMillis;
    memoryBytes += t.requests.memoryBytes;
  }
  return { cpuMillis, memoryBytes, pods: templates.length };
}

function daemonAmount(daemons: Daemons, resource: RequestWindow['resource']): number {
  switch (resource) {
    case 'memory':
      return daemons.memoryBytes;
    case 'cpu':
      return daemons.cpuMillis;
    case 'pods':
      return daemons.pods;
  }
}

/** A pod's own window: a pods window needs only one pod more than the DaemonSets, so it is (real − DS − 1, believed − DS − 1] + 1. */
function podWindow(window: RequestWindow, daemons: number): RequestWindow | null {
  const upToInclusive = window.upToInclusive - daemons;
  if (upToInclusive <= 0) return null;
  if (window.resource === 'pods') {
    // One more pod fits Karpenter's count and not the kubelet's only when the DaemonSets alone fill the node.
    return daemons + 1 > window.aboveExclusive && daemons + 1 <= window.upToInclusive
      ? { resource: 'pods', aboveExclusive: 0, upToInclusive: 1 }
      : null;
  }
  return { resource: window.resource, aboveExclusive: Math.max(0, window.aboveExclusive - daemons), upToInclusive };
}

/**
 * The zones buildPoolCatalog offers a type in come from the EC2NodeClass's subnets; when no subnet was
 * read, the nodes' zones stand in so that the NodePool's types are still listed.
 */
function zonesFor(
  state: ClusterState,
  nodeClass: NodeClassSpec,
): { nodeClass: NodeClassSpec; zones: Map<string, string> } {
  const zones = new Map(state.subnets.map((s) => [s.id, s.zone]));
  if (nodeClass.subnetIds.some((id) => zones.has(id))) return { nodeClass, zones };
  const nodeZones = [...new Set(state.nodes.map((n) => n.zone).filter((z): z is string => z !== null))].sort();
  const stand = nodeZones.length > 0 ? nodeZones : ['zone-unknown'];
  const standIns = new Map(stand.map((z) => [`zone:${z}`, z]));
  return { nodeClass: { ...nodeClass, subnetIds: [...standIns.keys()] }, zones: standIns };
}

/** The node of the type and AMI family with the smallest MemTotal, outside the EC2NodeClass's own. */
function nodeOfTypeElsewhere(state: ClusterState, instanceType: string, nodeClass: NodeClassSpec): ClusterNode | null {
  let found: ClusterNode | null = null;
  for (const node of state.nodes) {
    if (node.instanceType !== instanceType || node.amiFamily !== nodeClass.amiFamily) continue;
    if (node.capacity.memoryBytes <= 0) continue;
    if (found === null || node.capacity.memoryBytes < found.capacity.memoryBytes) found = node;
  }
  return found;
}

function poolCapacity(
  type: InstanceType,
  nodeClass: NodeClassSpec,
  settings: ClusterSettings,
  memory: number | null,
): NodeCapacity {
  return computeNodeCapacity(
    makeNodeConfig(type, {
      amiFamily: nodeClass.amiFamily,
      launchedBy: 'karpenter',
      kubelet: nodeClass.kubelet,
      cni: { mode: cniMode(settings.cni), maxEni: settings.cni.maxEni, podEni: settings.cni.podEni },
      karpenter: settings.karpenter,
      observedMemoryCapacityBytes: memory,
    }),
  );
}

/** Mismatch codes whose window is a loop, not the one wasted first launch of a cold cache. */
const LOOP_CODES = new Set<Mismatch['code']>([
  'KARPENTER_OVERESTIMATES_MEMORY',
  'KARPENTER_OVERESTIMATES_CPU',
  'KARPENTER_OVERESTIMATES_PODS',
]);

const CAUSE_CODES = new Set<Mismatch['code']>([
  'KARPENTER_RESERVED_ENIS_KUBE_RESERVED',
  'KARPENTER_EFA_KUBE_RESERVED',
  'EVICTION_PERCENTAGE_ON_ESTIMATE',
  'KARPENTER_COUNTS_EVICTION_SOFT',
  'MAX_PODS_EXPRESSION_UNKNOWN_TO_KARPENTER',
]);

/**
 * Each NodePool's types with a loop window: the types its nodes run first (their window is exact, from
 * the real MemTotal), then the cheapest (Karpenter launches the cheapest type that fits, so those are
 * where a loop happens), then by name. Types are the NodePool's requirements over the
 * catalog, and those its nodes and NodeClaims run.
 */
export function loopWindows(state: ClusterState, catalog: CatalogIndex): Map<string, LoopWindow[]> {
  const out = new Map<string, LoopWindow[]>();
  if (state.karpenter === null) return out;
  const settings = readClusterSettings(state);
  const daemonSets = state.workloads.flatMap((w) => (w.kind === 'DaemonSet' ? [w.template] : []));
  const capacities = new Map<string, NodeCapacity>();
  const cache = karpenterCachedMemory(state);
  const cacheFeature = karpenterFeatures(settings.karpenter.version).capacityCache;
  for (const pool of state.nodePools) {
    const spec = state.nodeClasses.find((c) => c.name === pool.nodeClass);
    if (!spec) continue;
    const { nodeClass, zones } = zonesFor(state, spec);
    const poolCatalog = buildPoolCatalog(pool, nodeClass, zones, catalog.catalog.instanceTypes);
    const poolTypes = new Map(poolCatalog.types.map((t) => [t.type.name, t]));
    const types = new Map(poolCatalog.types.map((t) => [t.type.name, t.type]));
    for (const name of seenTypes(state, pool)) {
      const found = catalog.lookup(name);
      if (found.status === 'found' && found.instanceType.hardware !== null)
        types.set(found.instanceType.name, found.instanceType);
    }
    const windows: LoopWindow[] = [];
    for (const type of types.values()) {
      const registered = cachedMemoryOf(cache, spec.name, type.name);
      const elsewhere = registered === null ? nodeOfTypeElsewhere(state, type.name, spec) : null;
      const observed = registered ?? elsewhere?.capacity.memoryBytes ?? null;
      const key = `${spec.name}\u0000${type.name}\u0000${observed}`;
      let capacity = capacities.get(key);
      if (!capacity) {
        capacity = poolCapacity(type, spec, settings, observed);
        capacities.set(key, capacity);
      }
      const estimateBytes = capacity.karpenter.cold.capacity.memoryBytes;
      const memory: WindowMemory =
        registered !== null
          ? { kind: 'registered' }
          : elsewhere !== null
            ? { kind: 'other-node', node: elsewhere.name }
            : { kind: 'unknown', estimateBytes: estimateBytes ?? 0 };
      const loops = capacity.mismatches.filter((m) => LOOP_CODES.has(m.code) && m.window !== null);
      if (loops.length === 0) continue;
      const daemons = sumDaemons(daemonsOn(poolCatalog, poolTypes.get(type.name) ?? null, pool, daemonSets));
      const causes = capacity.mismatches.filter((m) => CAUSE_CODES.has(m.code));
      for (const loop of loops) {
        const window = loop.window as RequestWindow;
        const amount = daemonAmount(daemons, window.resource);
        const pod = podWindow(window, amount);
        if (pod === null) continue;
        windows.push({
          instanceType: type.name,
          resource: window.resource,
          node: window,
          daemonSets: amount,
          pod,
          memory,
          memoryEstimated: registered === null,
          conditional: window.resource === 'memory' && memory.kind === 'unknown' && !cacheFeature,
          causes,
          onDemandUsdPerHour: type.onDemandUsdPerHour,
        });
      }
    }
    windows.sort(
      (a, b) =>
        MEMORY_ORDER[a.memory.kind] - MEMORY_ORDER[b.memory.kind] ||
        (a.onDemandUsdPerHour ?? Number.POSITIVE_INFINITY) - (b.onDemandUsdPerHour ?? Number.POSITIVE_INFINITY) ||
        (a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : 0),
    );
    if (windows.length > 0) out.set(pool.name, windows);
  }
  return out;
}

/** Exact windows first, then those from a node elsewhere, then those relative to an unknown MemTotal. */
const MEMORY_ORDER: Readonly<Record<WindowMemory['kind'], number>> = { registered: 0, 'other-node': 1, unknown: 2 };

function seenTypes(state: ClusterState, pool: NodePoolSpec): string[] {
  return [
    ...state.nodes.filter((n) => n.nodePool === pool.name).map((n) => n.instanceType),
    ...state.nodeClaims.filter((c) => c.nodePool === pool.name).map((c) => c.instanceType),
  ].filter((t): t is string => t !== null);
}

/** DaemonSets whose pods would run on the type (selector, affinity, tolerations); toleration alone for a type the requirements no longer admit. */
function daemonsOn(
  poolCatalog: PoolCatalog,
  poolType: PoolType | null,
  pool: NodePoolSpec,
  daemonSets: readonly PodTemplate[],
): PodTemplate[] {
  return daemonSets.filter((d) =>
    poolType === null ? toleratesPool(d, pool.taints) : daemonRunsOn(poolCatalog, poolType, d),
  );
}

function memoryWindowWords(w: LoopWindow, settings: ClusterSettings): string {
  const type = w.instanceType;
  const daemons = `with its DaemonSets' ${kibibytes(w.daemonSets)}`;
  const cache = karpenterFeatures(settings.karpenter.version).capacityCache;
  switch (w.memory.kind) {
    case 'registered':
      return (
        `pods asking more than ${kibibytes(w.pod.aboveExclusive)} and at most ${kibibytes(w.pod.upToInclusive)} memory on ${type}` +
        ` (${daemons}: (${kibibytes(w.node.aboveExclusive)}, ${kibibytes(w.node.upToInclusive)}])`
      );
    case 'other-node':
      return (
        `pods asking more than ${kibibytes(w.pod.aboveExclusive)} and at most ${kibibytes(w.pod.upToInclusive)} memory on ${type}` +
        ` (${daemons}: (${kibibytes(w.node.aboveExclusive)}, ${kibibytes(w.node.upToInclusive)}], with the MemTotal of node ${w.memory.node}` +
        (cache ? `; it opens once ${withArticle(type)} of this EC2NodeClass has registered)` : ')')
      );
    case 'unknown': {
      // Computed at MemTotal = Karpenter's estimate: an end that moves with MemTotal is given as an offset below it.
      const estimate = w.memory.estimateBytes;
      const below = (bytes: number) => `MemTotal − ${kibibytes(estimate - bytes)}`;
      const podAbove = w.node.aboveExclusive - w.daemonSets;
      if (!cache) {
        const width = w.node.upToInclusive - w.node.aboveExclusive;
        return (
          `pods asking more than ${below(podAbove)} and at most ${kibibytes(w.pod.upToInclusive)} memory on ${type}` +
          ` (${daemons}: (${below(w.node.aboveExclusive)}, ${kibibytes(w.node.upToInclusive)}]), a window only if its MemTotal is below ` +
          `${kibibytes(estimate + width)}: no ${type} seen, and Karpenter v${formatKarpenterVersion(settings.karpenter.version)} has no ` +
          `capacity cache, so it plans every launch with its estimate of ${kibibytes(estimate)}`
        );
      }
      return (
        `pods asking more than ${below(podAbove)} and at most ${below(w.node.upToInclusive - w.daemonSets)} memory on ${type}` +
        ` (${daemons}: (${below(w.node.aboveExclusive)}, ${below(w.node.upToInclusive)}], once one has registered)`
      );
    }
  }
}

function windowWords(w: LoopWindow, settings: ClusterSettings): string {
  switch (w.resource) {
    case 'memory':
      return memoryWindowWords(w, settings);
    case 'cpu':
      return (
        `pods asking more than ${w.pod.aboveExclusive}m and at most ${w.pod.upToInclusive}m CPU on ${w.instanceType}` +
        ` (with its DaemonSets' ${w.daemonSets}m: (${w.node.aboveExclusive}m, ${w.node.upToInclusive}m])`
      );
    case 'pods':
      return `any pod on ${w.instanceType}: its ${plural(w.daemonSets, 'DaemonSet pod')} fill the ${w.node.aboveExclusive} pods the kubelet admits, Karpenter counts ${w.node.upToInclusive}`;
  }
}

function loopFix(causes: readonly Mismatch[], settings: ClusterSettings): string {
  const fixes: string[] = [];
  if (causes.some((c) => c.code === 'KARPENTER_RESERVED_ENIS_KUBE_RESERVED')) {
    fixes.push(
      "upgrade Karpenter to v1.5.2 or later (v1.5.2–v1.5.x or v1.6.0+: kube-reserved then follows the AMI's ENI count)" +
        (settings.cni.customNetworking || settings.cni.podEni
          ? `; RESERVED_ENIS=0 would also close the window, but ${settings.cni.customNetworking ? 'custom networking' : 'security groups for pods'} needs the ENI kept back for maxPods`
          : ', or set RESERVED_ENIS=0: neither custom networking nor security groups for pods is on'),
    );
  }
  if (causes.some((c) => c.code === 'EVICTION_PERCENTAGE_ON_ESTIMATE')) {
    fixes.push("give the EC2NodeClass's evictionHard memory.available as a quantity (such as 100Mi), not a percentage");
  }
  if (causes.some((c) => c.code === 'KARPENTER_COUNTS_EVICTION_SOFT')) {
    fixes.push('upgrade Karpenter to v1.9.0 or later');
  }
  if (causes.some((c) => c.code === 'KARPENTER_EFA_KUBE_RESERVED')) {
    fixes.push("set kubeReserved.memory in the EC2NodeClass's spec.kubelet");
  }
  fixes.push('or keep pod requests out of these windows');
  return fixes.join('; ');
}

/**
 * KARPENTER_LAUNCH_LOOP_RISK (error; a warning when every window depends on a MemTotal no node shows):
 * for each NodePool, the types Karpenter may launch whose allocatable it overestimates, with the pod
 * requests (DaemonSets counted) that would make it launch one after another.
 */
export function checkKarpenterLaunchLoop(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  if (state.karpenter === null) return [];
  const settings = readClusterSettings(state);
  const findings: DoctorFinding[] = [];
  if (!settings.karpenterVersionKnown) {
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'warning',
      message:
        `The Karpenter image tag gives no version (${JSON.stringify(state.karpenter.version)}): the launch-loop check assumes ` +
        `v${formatKarpenterVersion(settings.karpenter.version)}, and Karpenter v0.28.0–v1.5.1 with RESERVED_ENIS ≥ 1 loops where it does not.`,
      evidence: {},
    });
  }
  for (const pool of state.nodePools) {
    if (!state.nodeClasses.some((c) => c.name === pool.nodeClass)) {
      findings.push({
        code: 'INPUT_INCOMPLETE',
        severity: 'info',
        message: `NodePool ${pool.name}'s EC2NodeClass ${pool.nodeClass} was not read: its launch-loop risk is not checked.`,
        evidence: { nodePools: [pool.name] },
      });
    }
  }
  const version = formatKarpenterVersion(settings.karpenter.version);
  const context = [
    `RESERVED_ENIS=${settings.karpenter.reservedEnis}`,
    settings.cni.podEni ? 'ENABLE_POD_ENI=true' : null,
    settings.cni.customNetworking ? 'custom networking' : null,
  ]
    .filter((c) => c !== null)
    .join(', ');
  for (const [pool, windows] of loopWindows(state, catalog)) {
    const types = [...new Set(windows.map((w) => w.instanceType))];
    const listed = windows.slice(0, TYPES_LISTED);
    const rest = windows.length - listed.length;
    const causes = [...new Map(windows.flatMap((w) => w.causes).map((c) => [c.code, c])).values()];
    const why = windows[0]?.causes[0];
    findings.push({
      code: 'KARPENTER_LAUNCH_LOOP_RISK',
      // Only windows that may not exist: a risk to look at, not a loop the numbers show.
      severity: windows.every((w) => w.conditional) ? 'warning' : 'error',
      message:
        `NodePool ${pool} (Karpenter v${version}, ${context}) can launch the same type again and again on ` +
        `${plural(types.length, 'instance type')}: Karpenter believes they allocate more than the kubelet gives, so a pod ` +
        `that fits its belief and not the node stays Pending while nodes keep coming: ${listed.map((w) => windowWords(w, settings)).join('; ')}` +
        (rest > 0 ? `; and ${plural(rest, 'more window')}` : '') +
        '.' +
        (windows.some((w) => w.resource === 'memory' && w.memory.kind === 'unknown' && !w.conditional)
          ? " MemTotal is the node's status.capacity.memory: until a node of the type has registered, Karpenter plans with its " +
            "VM-overhead estimate, which at the default 7.5% is below it, and the window opens once its cache holds the node's MemTotal."
          : '') +
        (why ? ` Why: ${why.message}.` : '') +
        ` Fix: ${loopFix(causes, settings)}.`,
      evidence: { nodePools: [pool], instanceTypes: keep(types) },
    });
  }
  return findings;
}
