/**
 * Whether the cluster's Karpenter, in its version and with its settings, can launch the same instance
 * type again and again for a pod that none of them can hold: for each NodePool, the types it may launch
 * whose allocatable Karpenter overestimates, and the pod requests that fall in that gap once the
 * DaemonSets that would run on the type are counted (capacity-models.md §5.6, §7, §8 M1).
 */

import type { ClusterState } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import type { InstanceType } from '../core/instance-type.js';
import { formatKarpenterVersion } from '../core/karpenter-version.js';
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
import { type ClusterSettings, keep, kibibytes, plural, readClusterSettings } from './node-checks.js';

/** Types a finding spells out; the rest are counted. */
const TYPES_LISTED = 10;

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
  /** Whether the memory figure is Karpenter's estimate (no node of the type seen to give MemTotal). */
  readonly memoryEstimated: boolean;
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

/** The smallest memory capacity registered for each type among the EC2NodeClass's nodes: Karpenter's cache keeps the minimum (§5.2). */
function observedMemory(state: ClusterState, nodeClass: string): Map<string, number> {
  const pools = new Set(state.nodePools.filter((p) => p.nodeClass === nodeClass).map((p) => p.name));
  const memory = new Map<string, number>();
  for (const node of state.nodes) {
    if (node.nodePool === null || !pools.has(node.nodePool) || node.instanceType === null) continue;
    if (node.capacity.memoryBytes <= 0) continue;
    const seen = memory.get(node.instanceType);
    if (seen === undefined || node.capacity.memoryBytes < seen)
      memory.set(node.instanceType, node.capacity.memoryBytes);
  }
  return memory;
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
  for (const pool of state.nodePools) {
    const spec = state.nodeClasses.find((c) => c.name === pool.nodeClass);
    if (!spec) continue;
    const memory = observedMemory(state, spec.name);
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
      const observed = memory.get(type.name) ?? null;
      const key = `${spec.name}\u0000${type.name}\u0000${observed}`;
      let capacity = capacities.get(key);
      if (!capacity) {
        capacity = poolCapacity(type, spec, settings, observed);
        capacities.set(key, capacity);
      }
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
          memoryEstimated: observed === null,
          causes,
          onDemandUsdPerHour: type.onDemandUsdPerHour,
        });
      }
    }
    windows.sort(
      (a, b) =>
        Number(a.memoryEstimated) - Number(b.memoryEstimated) ||
        (a.onDemandUsdPerHour ?? Number.POSITIVE_INFINITY) - (b.onDemandUsdPerHour ?? Number.POSITIVE_INFINITY) ||
        (a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : 0),
    );
    if (windows.length > 0) out.set(pool.name, windows);
  }
  return out;
}

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

function windowWords(w: LoopWindow): string {
  switch (w.resource) {
    case 'memory':
      return (
        `pods asking more than ${kibibytes(w.pod.aboveExclusive)} and at most ${kibibytes(w.pod.upToInclusive)} memory on ${w.instanceType}` +
        ` (with its DaemonSets' ${kibibytes(w.daemonSets)}: (${kibibytes(w.node.aboveExclusive)}, ${kibibytes(w.node.upToInclusive)}]` +
        `${w.memoryEstimated ? ', memory estimated: no node of the type seen' : ''})`
      );
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
 * KARPENTER_LAUNCH_LOOP_RISK (error): for each NodePool, the types Karpenter may launch whose allocatable
 * it overestimates, with the pod requests (DaemonSets counted) that would make it launch one after another.
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
      severity: 'error',
      message:
        `NodePool ${pool} (Karpenter v${version}, ${context}) can launch the same type again and again on ` +
        `${plural(types.length, 'instance type')}: Karpenter believes they allocate more than the kubelet gives, so a pod ` +
        `that fits its belief and not the node stays Pending while nodes keep coming: ${listed.map(windowWords).join('; ')}` +
        (rest > 0 ? `; and ${plural(rest, 'more window')}` : '') +
        '.' +
        (why ? ` Why: ${why.message}.` : '') +
        ` Fix: ${loopFix(causes, settings)}.`,
      evidence: { nodePools: [pool], instanceTypes: keep(types) },
    });
  }
  return findings;
}
