/**
 * The capacity model pointed at each real node: the NodeConfig the node runs under (its AMI family, who
 * launched it, the cluster's aws-node and Karpenter settings, the EC2NodeClass's kubelet, its real
 * MemTotal and CPUs), the maxPods and allocatable the model predicts for it, and Karpenter's belief,
 * each compared with the node's status. Nodes alike are reported once, with counts and a few names.
 */

import type { ClusterNode, ClusterPod, ClusterState } from '../cluster/cluster-state.js';
import type { PodNetwork, ReadyNode } from '../core/ami-node.js';
import { computeAmiNode, computePodNetwork, KUBELET_DEFAULT_MAX_PODS } from '../core/ami-node.js';
import type { CatalogIndex } from '../core/catalog.js';
import {
  effectiveMaxEnis,
  eniLimitedPods,
  HOST_NETWORK_PODS_ASSUMED,
  prefixDelegationPods,
  recommendedMaxPodsCeiling,
} from '../core/eni-math.js';
import type { InstanceType } from '../core/instance-type.js';
import {
  formatKarpenterVersion,
  karpenterFeatures,
  LATEST_KARPENTER_VERSION,
  parseKarpenterVersion,
} from '../core/karpenter-version.js';
import { computeKarpenterView } from '../core/karpenter-view.js';
import { kubeReservedMemoryBytes } from '../core/kube-reserved.js';
import { detectMismatches, type Mismatch, type MismatchCode } from '../core/mismatch.js';
import { computeNodeCapacity, type NodeCapacity } from '../core/node-capacity.js';
import {
  type AmiFamily,
  DEFAULT_KUBELET,
  DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
  type KarpenterSettings,
  type KubeletSettings,
  makeNodeConfig,
  type NodeConfig,
} from '../core/node-config.js';
import {
  EKS_MANIFEST_DEFAULTS,
  parseVpcCniEnv,
  type VpcCniSettings,
  withIpamdDefaults,
} from '../network/vpc-cni-settings.js';
import type { NodeClassSpec } from '../sim/model.js';
import { cniMode, managedNodeGroupMaxPodsCap, POD_ENI_RESOURCE } from '../sim/node-setup.js';
import type { DoctorCode, DoctorFinding } from './doctor-result.js';

// ---------------------------------------------------------------------------------------------------
// Words shared by the doctor's checks

/** Names a finding's evidence keeps, and its message spells out. */
const NAMES_KEPT = 5;
const NAMES_SPELLED = 3;

/** `1,234,567Ki`, as the simulator's findings print memory. */
export function kibibytes(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-US')}Ki`;
}

/** `an m8g.large`, `a c5.large`: the article as the type's first letter is spoken. */
export function withArticle(name: string): string {
  return `${/^[aefhilmnorsx]/i.test(name) ? 'an' : 'a'} ${name}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
}

/** `a, b, c and 4 more`. */
export function someNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SPELLED);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export function keep(names: readonly string[]): string[] {
  return [...new Set(names)].slice(0, NAMES_KEPT);
}

export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const AMI_NAMES: Readonly<Record<AmiFamily, string>> = {
  al2: 'AL2',
  al2023: 'AL2023',
  bottlerocket: 'Bottlerocket',
  custom: 'custom',
};

function amiName(family: AmiFamily): string {
  return AMI_NAMES[family];
}

// ---------------------------------------------------------------------------------------------------
// The cluster as the capacity model sees it

/** Who launched a node: a Karpenter NodePool, an EKS managed node group, or neither. */
export type NodeOrigin =
  | { readonly kind: 'nodePool'; readonly name: string }
  | { readonly kind: 'nodeGroup'; readonly name: string }
  | { readonly kind: 'other' };

function nodeOrigin(node: ClusterNode): NodeOrigin {
  if (node.nodePool !== null) return { kind: 'nodePool', name: node.nodePool };
  if (node.nodeGroup !== null) return { kind: 'nodeGroup', name: node.nodeGroup };
  return { kind: 'other' };
}

export function originKey(origin: NodeOrigin): string {
  return origin.kind === 'other' ? 'other' : `${origin.kind}/${origin.name}`;
}

function originWords(origin: NodeOrigin): string {
  switch (origin.kind) {
    case 'nodePool':
      return `NodePool ${origin.name}`;
    case 'nodeGroup':
      return `node group ${origin.name}`;
    case 'other':
      return 'no node group or NodePool';
  }
}

/** The settings every node of the cluster shares, as read from aws-node and the Karpenter Deployment. */
export interface ClusterSettings {
  readonly cni: VpcCniSettings;
  readonly karpenter: KarpenterSettings;
  /** Whether the Karpenter Deployment was found and its image tag gave a version. */
  readonly karpenterVersionKnown: boolean;
  /** What podcap had to assume, one sentence each. */
  readonly assumed: readonly string[];
}

/** Karpenter's operator settings from its env (karpenter-provider-aws pkg/operator/options/options.go). */
export function readClusterSettings(state: ClusterState): ClusterSettings {
  const assumed: string[] = [];
  const cni = parseVpcCniEnv(state.vpcCni === null ? {} : withIpamdDefaults(state.vpcCni.env), EKS_MANIFEST_DEFAULTS);
  if (state.vpcCni === null)
    assumed.push('the aws-node DaemonSet was not read: the VPC CNI is taken at its EKS defaults');
  for (const issue of cni.issues) {
    assumed.push(`aws-node ${issue.name}=${JSON.stringify(issue.value)} is not ${issue.expected}: ${issue.effect}`);
  }

  const env = state.karpenter?.env ?? {};
  const parsedVersion = state.karpenter?.version ? parseKarpenterVersion(state.karpenter.version) : null;
  const version = parsedVersion?.ok ? parsedVersion.value : LATEST_KARPENTER_VERSION;
  const karpenterVersionKnown = parsedVersion?.ok === true;
  if (state.karpenter !== null && !karpenterVersionKnown) {
    assumed.push(
      `the Karpenter image tag gives no version (${JSON.stringify(state.karpenter.version)}): its view is taken as v${formatKarpenterVersion(LATEST_KARPENTER_VERSION)}'s`,
    );
  }
  let reservedEnis = 0;
  const rawReserved = env.RESERVED_ENIS;
  if (rawReserved !== undefined) {
    if (/^\d+$/.test(rawReserved.trim())) reservedEnis = Number(rawReserved.trim());
    else assumed.push(`Karpenter RESERVED_ENIS=${JSON.stringify(rawReserved)} is not a whole number: taken as 0`);
  }
  let vmMemoryOverheadPercent = DEFAULT_VM_MEMORY_OVERHEAD_PERCENT;
  const rawOverhead = env.VM_MEMORY_OVERHEAD_PERCENT;
  if (rawOverhead !== undefined) {
    const value = Number(rawOverhead.trim());
    if (rawOverhead.trim() !== '' && Number.isFinite(value) && value >= 0 && value < 1) vmMemoryOverheadPercent = value;
    else {
      assumed.push(
        `Karpenter VM_MEMORY_OVERHEAD_PERCENT=${JSON.stringify(rawOverhead)} is not a fraction below 1: taken as ${DEFAULT_VM_MEMORY_OVERHEAD_PERCENT}`,
      );
    }
  }
  return {
    cni: cni.settings,
    karpenter: { version, reservedEnis, vmMemoryOverheadPercent, efaOnlyInterfaces: 0 },
    karpenterVersionKnown,
    assumed,
  };
}

/**
 * How the node's AMI came to the kube-reserved memory its allocatable shows (capacity-models.md §2.3,
 * §2.4, §3, §8 M7, M8). Each is tried against the node's real allocatable memory, in the order
 * reservationCandidates gives.
 */
export type ReservationPath =
  /** AL2 and AL2023 reserve for the AMI's own ENI value whatever maxPods is; Bottlerocket for its max-pods setting. */
  | 'ami-value'
  /** The image lacks the type: Bottlerocket runs 110 pods and reserves no memory (M7), nodeadm reserves for 110 (M8). */
  | 'unknown-type'
  /** nodeadm reserves for its own max-pods value, and that value is the node's maxPods: a maxPodsExpression (§2.4). */
  | 'nodeadm-value';

/** One node with the model of it. */
export interface ModelledNode {
  readonly node: ClusterNode;
  readonly instanceType: InstanceType;
  readonly origin: NodeOrigin;
  /** The VPC CNI's pod addresses on this type under the cluster's settings. */
  readonly network: PodNetwork;
  /** hostNetwork pods on the node that are not done; HOST_NETWORK_PODS_ASSUMED when no pod of it was read. */
  readonly hostNetworkPods: number;
  /** The EC2NodeClass of its NodePool; null for other nodes or when not read. */
  readonly nodeClass: NodeClassSpec | null;
  /**
   * The node as it runs: a node group's real maxPods, the reservation path its allocatable shows, and
   * Karpenter's cached memory for the type; null when its AMI family is unknown.
   */
  readonly capacity: NodeCapacity | null;
  /** What the AMI and the launcher set when nobody overrides maxPods (the managed node group's cap applied). */
  readonly launched: NodeCapacity | null;
  readonly reservationPath: ReservationPath | null;
  /** The managed node group's maxPods cap, when it lowered the AMI's value. */
  readonly managedCap: number | null;
}

export interface ClusterModel {
  readonly settings: ClusterSettings;
  readonly nodes: readonly ModelledNode[];
  /** Every pod with a node, by node name. */
  readonly podsByNode: ReadonlyMap<string, readonly ClusterPod[]>;
  /** Nodes without an instance type label, or with a type the catalog lacks. */
  readonly unknownType: readonly ClusterNode[];
  /** Nodes whose OS image names no AMI family podcap models (their IPs are still counted). */
  readonly unknownAmi: readonly ModelledNode[];
  /** NodePools named by nodes that were not read, or whose EC2NodeClass was not. */
  readonly missingNodeClass: readonly string[];
}

/** A pod that still holds (or waits for) its sandbox: not Succeeded or Failed. */
export function podIsLive(pod: ClusterPod): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

const models = new WeakMap<ClusterState, WeakMap<CatalogIndex, ClusterModel>>();

/** The cluster's nodes under the capacity model; computed once per (state, catalog). */
export function modelCluster(state: ClusterState, catalog: CatalogIndex): ClusterModel {
  let byCatalog = models.get(state);
  if (!byCatalog) {
    byCatalog = new WeakMap();
    models.set(state, byCatalog);
  }
  const found = byCatalog.get(catalog);
  if (found) return found;
  const model = buildClusterModel(state, catalog);
  byCatalog.set(catalog, model);
  return model;
}

function buildClusterModel(state: ClusterState, catalog: CatalogIndex): ClusterModel {
  const settings = readClusterSettings(state);
  const podsByNode = new Map<string, ClusterPod[]>();
  for (const pod of state.pods) {
    if (pod.nodeName === null) continue;
    const list = podsByNode.get(pod.nodeName);
    if (list) list.push(pod);
    else podsByNode.set(pod.nodeName, [pod]);
  }
  const nodeClassOfPool = new Map<string, NodeClassSpec | null>();
  for (const pool of state.nodePools) {
    nodeClassOfPool.set(pool.name, state.nodeClasses.find((c) => c.name === pool.nodeClass) ?? null);
  }
  const cachedMemory = karpenterCachedMemory(state);
  const nodeClassNameOfPool = new Map(state.nodePools.map((p) => [p.name, p.nodeClass]));
  const missing = new Set<string>();
  const networks = new Map<string, PodNetwork>();
  const capacities = new Map<string, NodeCapacity>();
  const launchedCapacities = new Map<string, { capacity: NodeCapacity; managedCap: number | null }>();
  const nodes: ModelledNode[] = [];
  const unknownType: ClusterNode[] = [];
  const unknownAmi: ModelledNode[] = [];

  for (const node of state.nodes) {
    const lookup = node.instanceType === null ? null : catalog.lookup(node.instanceType);
    if (lookup?.status !== 'found') {
      unknownType.push(node);
      continue;
    }
    const type = lookup.instanceType;
    const origin = nodeOrigin(node);
    let network = networks.get(type.name);
    if (!network) {
      network = computePodNetwork(makeNodeConfig(type, { cni: cniOf(settings) }));
      networks.set(type.name, network);
    }
    const pods = podsByNode.get(node.name) ?? [];
    const hostNetworkPods =
      pods.length === 0 ? HOST_NETWORK_PODS_ASSUMED : pods.filter((p) => p.hostNetwork && podIsLive(p)).length;
    let nodeClass: NodeClassSpec | null = null;
    if (origin.kind === 'nodePool') {
      nodeClass = nodeClassOfPool.get(origin.name) ?? null;
      if (nodeClass === null) missing.add(origin.name);
    }
    const base = { node, instanceType: type, origin, network, hostNetworkPods, nodeClass };
    if (node.amiFamily === null) {
      const modelled = { ...base, capacity: null, launched: null, reservationPath: null, managedCap: null };
      nodes.push(modelled);
      unknownAmi.push(modelled);
      continue;
    }
    const config = nodeConfig(node, node.amiFamily, type, origin, nodeClass?.kubelet ?? DEFAULT_KUBELET, settings, {
      hostNetworkPods,
    });
    const cached =
      origin.kind === 'nodePool'
        ? (cachedMemory.get(cacheKey(nodeClassNameOfPool.get(origin.name) ?? null, origin.name, type.name)) ?? null)
        : null;
    const calculator = calculatorMaxPods(type, settings.cni, network).map((p) => p.maxPods);
    let chosen: { path: ReservationPath; config: NodeConfig; capacity: NodeCapacity } | null = null;
    for (const candidate of reservationCandidates(config, node, calculator)) {
      const key = `${configKey(candidate.config, origin)}|${cached}`;
      let capacity = capacities.get(key);
      if (!capacity) {
        capacity = capacityWithCache(candidate.config, cached);
        capacities.set(key, capacity);
      }
      const entry = { ...candidate, capacity };
      chosen ??= entry;
      if (allocatableMemoryMatches(node, capacity)) {
        chosen = entry;
        break;
      }
    }
    const running = chosen as NonNullable<typeof chosen>;
    // What the launcher sets: the path's AMI behaviour, the kubelet settings without the node's own maxPods.
    const launchedConfig: NodeConfig = { ...running.config, kubelet: config.kubelet };
    const launchedKey = `${configKey(launchedConfig, origin)}|${cached}`;
    let launched = launchedCapacities.get(launchedKey);
    if (!launched) {
      launched = capacityWithManagedCap(launchedConfig, origin, cached);
      launchedCapacities.set(launchedKey, launched);
    }
    nodes.push({
      ...base,
      capacity: running.capacity,
      launched: launched.capacity,
      reservationPath: running.path,
      managedCap: launched.managedCap,
    });
  }
  return {
    settings,
    nodes,
    podsByNode,
    unknownType,
    unknownAmi,
    missingNodeClass: [...missing].sort(),
  };
}

/** Karpenter's cache key stands for (instance type, the EC2NodeClass's AMIs); a NodePool not read stands for its own. */
function cacheKey(nodeClass: string | null, nodePool: string, instanceType: string): string {
  return `${nodeClass ?? `nodePool:${nodePool}`}\u0000${instanceType}`;
}

/**
 * The memory capacity Karpenter's cache holds for each (EC2NodeClass, type): the smallest a registered
 * node of it reports, since the cache keeps the minimum (capacity-models.md §5.2; karpenter-provider-aws
 * instancetype.go UpdateInstanceTypeCapacityFromNode, v1.1.0+). Nodes of a NodePool not read stand for
 * their own EC2NodeClass. Key: cacheKey.
 */
export function karpenterCachedMemory(state: ClusterState): Map<string, number> {
  const nodeClassOf = new Map(state.nodePools.map((p) => [p.name, p.nodeClass]));
  const memory = new Map<string, number>();
  for (const node of state.nodes) {
    if (node.nodePool === null || node.instanceType === null || node.capacity.memoryBytes <= 0) continue;
    const key = cacheKey(nodeClassOf.get(node.nodePool) ?? null, node.nodePool, node.instanceType);
    const seen = memory.get(key);
    if (seen === undefined || node.capacity.memoryBytes < seen) memory.set(key, node.capacity.memoryBytes);
  }
  return memory;
}

/** The smallest memory capacity Karpenter's cache holds for a type under an EC2NodeClass; null when none registered. */
export function cachedMemoryOf(
  cache: ReadonlyMap<string, number>,
  nodeClass: string,
  instanceType: string,
): number | null {
  return cache.get(cacheKey(nodeClass, nodeClass, instanceType)) ?? null;
}

/** Everything buildClusterModel varies in a NodeConfig, for its memo. */
function configKey(config: NodeConfig, origin: NodeOrigin): string {
  return [
    config.instanceType.name,
    config.amiFamily,
    originKey(origin),
    config.observedMemoryCapacityBytes,
    config.onlineCpus,
    config.hostNetworkPods,
    config.kubelet.maxPods,
    config.amiKnowsInstanceType,
    config.maxPodsExpression,
  ].join('|');
}

/**
 * The node as its own MemTotal gives it, with Karpenter's belief from the memory its cache holds for
 * the type, which is the smallest of the type's nodes, not this node's own (capacity-models.md §5.2).
 */
function capacityWithCache(config: NodeConfig, cachedMemoryBytes: number | null): NodeCapacity {
  if (config.launchedBy !== 'karpenter' || cachedMemoryBytes === config.observedMemoryCapacityBytes) {
    return computeNodeCapacity(config);
  }
  const karpenter = computeKarpenterView({ ...config, observedMemoryCapacityBytes: cachedMemoryBytes });
  const node = computeAmiNode(config, karpenter.maxPods);
  return { config, node, karpenter, mismatches: detectMismatches(config, node, karpenter) };
}

function allocatableMemoryMatches(node: ClusterNode, capacity: NodeCapacity): boolean {
  if (capacity.node.status !== 'ready' || capacity.node.allocatable.memoryBytes === null) return false;
  return Math.max(0, capacity.node.allocatable.memoryBytes - hugepagesBytes(node)) === node.allocatable.memoryBytes;
}

function withMaxPods(config: NodeConfig, maxPods: number): NodeConfig {
  return { ...config, kubelet: { ...config.kubelet, maxPods } };
}

/**
 * The configurations a registered node may run under, the likeliest first: its maxPods as it reports
 * it (Karpenter's nodes run Karpenter's, §5.1, §5.5), then an image without the type and nodeadm
 * reserving for its own value. `calculator` holds the max-pods calculator's values for the cluster.
 */
function reservationCandidates(
  config: NodeConfig,
  node: ClusterNode,
  calculator: readonly number[],
): { path: ReservationPath; config: NodeConfig }[] {
  const real = node.capacity.pods;
  const karpenter = config.launchedBy === 'karpenter';
  const asReported = karpenter || real <= 0 ? config : withMaxPods(config, real);
  const candidates: { path: ReservationPath; config: NodeConfig }[] = [{ path: 'ami-value', config: asReported }];
  if (config.amiFamily === 'bottlerocket') {
    // No max-pods setting: kubelet's 110 and no kube-reserved memory (§3, §8 M7); Karpenter always sets one.
    if (!karpenter && real === KUBELET_DEFAULT_MAX_PODS) {
      candidates.push({ path: 'unknown-type', config: { ...config, amiKnowsInstanceType: false } });
    }
    return candidates;
  }
  if (config.amiFamily !== 'al2023') return candidates;
  // nodeadm without the type or the EC2 API: 110, and kube-reserved for 110 whatever maxPods is set to (§2.4, §8 M8).
  const unknown = {
    path: 'unknown-type' as const,
    config: { ...(real === KUBELET_DEFAULT_MAX_PODS && !karpenter ? config : asReported), amiKnowsInstanceType: false },
  };
  if (karpenter || real <= 0) return [...candidates, unknown];
  // kube-reserved follows nodeadm's own value, which a maxPodsExpression sets (§2.4): here the node's maxPods.
  const expression = { path: 'nodeadm-value' as const, config: { ...config, maxPodsExpression: String(real) } };
  // 110 is also the calculator's prefix-delegation ceiling: with it an expression is the likelier of the two.
  return real === KUBELET_DEFAULT_MAX_PODS && !calculator.includes(real)
    ? [...candidates, unknown, expression]
    : [...candidates, expression, unknown];
}

function cniOf(settings: ClusterSettings): NodeConfig['cni'] {
  return { mode: cniMode(settings.cni), maxEni: settings.cni.maxEni, podEni: settings.cni.podEni };
}

/**
 * The NodeConfig a real node runs under. Its memory capacity is the observed MemTotal and its CPUs the
 * ones the OS reports, so that only the reservations are compared (capacity-models.md §1.1).
 */
function nodeConfig(
  node: ClusterNode,
  amiFamily: AmiFamily,
  type: InstanceType,
  origin: NodeOrigin,
  kubelet: KubeletSettings,
  settings: ClusterSettings,
  extra: { readonly hostNetworkPods: number },
): NodeConfig {
  const cpus = node.capacity.cpuMillis / 1000;
  const vcpu = type.hardware?.vcpu ?? null;
  return makeNodeConfig(type, {
    amiFamily,
    launchedBy: origin.kind === 'nodePool' ? 'karpenter' : 'node-group',
    cni: cniOf(settings),
    kubelet: origin.kind === 'nodePool' ? kubelet : DEFAULT_KUBELET,
    karpenter: settings.karpenter,
    observedMemoryCapacityBytes: node.capacity.memoryBytes > 0 ? node.capacity.memoryBytes : null,
    onlineCpus: Number.isInteger(cpus) && cpus > 0 && cpus !== vcpu ? cpus : null,
    hostNetworkPods: extra.hostNetworkPods,
  });
}

/**
 * EKS managed node groups cap maxPods at 110 below 30 vCPUs and 250 from 30 on (EKS user guide,
 * "choosing-instance-type"; the simulator's node-setup.ts applies the same cap).
 */
function capacityWithManagedCap(
  config: NodeConfig,
  origin: NodeOrigin,
  cachedMemoryBytes: number | null,
): { capacity: NodeCapacity; managedCap: number | null } {
  const capacity = capacityWithCache(config, cachedMemoryBytes);
  const vcpu = config.instanceType.hardware?.vcpu ?? null;
  if (origin.kind !== 'nodeGroup' || vcpu === null || capacity.node.status !== 'ready') {
    return { capacity, managedCap: null };
  }
  const cap = managedNodeGroupMaxPodsCap(vcpu);
  if (capacity.node.maxPods <= cap) return { capacity, managedCap: null };
  return { capacity: capacityWithCache(withMaxPods(config, cap), cachedMemoryBytes), managedCap: cap };
}

/** `3 m5.large nodes of node group ng-a (a, b and c)`, or `node a (m5.large, node group ng-a)`. */
export function describeNodes(nodes: readonly ModelledNode[]): string {
  const first = nodes[0];
  if (!first) return 'no node';
  const where = originWords(first.origin);
  if (nodes.length === 1) return `node ${first.node.name} (${first.instanceType.name}, ${where})`;
  return `${plural(nodes.length, `${first.instanceType.name} node`)} of ${where} (${someNames(nodes.map((n) => n.node.name))})`;
}

function readyModel(modelled: ModelledNode): ReadyNode | null {
  return modelled.capacity?.node.status === 'ready' ? modelled.capacity.node : null;
}

// ---------------------------------------------------------------------------------------------------
// What podcap could not model

/** INPUT_INCOMPLETE notes: nodes without a known type or AMI family, NodePools without their EC2NodeClass, settings assumed. */
export function checkNodeInputs(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const findings: DoctorFinding[] = [];
  const unlabelled = model.unknownType.filter((n) => n.instanceType === null);
  if (unlabelled.length > 0) {
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'warning',
      message: `${plural(unlabelled.length, 'node')} (${someNames(unlabelled.map((n) => n.name))}) carry no node.kubernetes.io/instance-type label: podcap cannot model them.`,
      evidence: { nodes: keep(unlabelled.map((n) => n.name)) },
    });
  }
  const byType = groupBy(
    model.unknownType.filter((n) => n.instanceType !== null),
    (n) => n.instanceType ?? '',
  );
  for (const [type, nodes] of byType) {
    const lookup = catalog.lookup(type);
    const hint =
      lookup.status === 'unknown' && lookup.suggestions.length > 0
        ? ` (nearest: ${lookup.suggestions.join(', ')})`
        : '';
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'warning',
      message:
        `${plural(nodes.length, `${type} node`)} (${someNames(nodes.map((n) => n.name))}): ${type} is not in podcap's catalog${hint}, ` +
        'so their maxPods, pod IPs and allocatable are not checked. Fix: run `podcap catalog refresh` and pass --catalog.',
      evidence: { nodes: keep(nodes.map((n) => n.name)), instanceTypes: [type] },
    });
  }
  for (const [osImage, nodes] of groupBy(model.unknownAmi, (n) => n.node.osImage)) {
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'info',
      message:
        `${plural(nodes.length, 'node')} (${someNames(nodes.map((n) => n.node.name))}) run ${JSON.stringify(osImage)}, ` +
        'which names no AMI family podcap models (AL2, AL2023, Bottlerocket): their maxPods and allocatable are not checked, their pod IPs are.',
      evidence: { nodes: keep(nodes.map((n) => n.node.name)) },
    });
  }
  for (const pool of model.missingNodeClass) {
    const nodes = model.nodes.filter((n) => n.origin.kind === 'nodePool' && n.origin.name === pool);
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'info',
      message:
        `NodePool ${pool} or its EC2NodeClass was not read: its ${plural(nodes.length, 'node')} are modelled ` +
        "with the EC2NodeClass's kubelet at its defaults (no maxPods, kubeReserved or eviction settings).",
      evidence: { nodePools: [pool], nodes: keep(nodes.map((n) => n.node.name)) },
    });
  }
  const hasKarpenterNodes = model.nodes.some((n) => n.origin.kind === 'nodePool');
  if (hasKarpenterNodes && state.karpenter === null) {
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'info',
      message: `Nodes carry karpenter.sh/nodepool but the Karpenter Deployment was not read: its view is taken as v${formatKarpenterVersion(LATEST_KARPENTER_VERSION)} with RESERVED_ENIS=0.`,
      evidence: {},
    });
  }
  if (model.settings.assumed.length > 0) {
    findings.push({
      code: 'INPUT_INCOMPLETE',
      severity: 'info',
      message: `Assumed: ${model.settings.assumed.join('; ')}.`,
      evidence: {},
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// maxPods

function maxPodsBasis(modelled: ModelledNode, ready: ReadyNode, config: NodeConfig): string {
  const type = modelled.instanceType;
  const eniTable = `${type.maxEnis}·(${type.ipv4PerEni}−1)+2`;
  if (modelled.managedCap !== null) {
    return `the managed node group's cap of ${modelled.managedCap} on the AMI's ${ready.amiMaxPods}`;
  }
  switch (ready.maxPodsSource) {
    case 'eni-table':
      return `the ${amiName(config.amiFamily)} AMI's ENI table (${eniTable})`;
    case 'karpenter': {
      const reserved = modelled.capacity?.karpenter.reservedEnis ?? 0;
      return reserved > 0
        ? `Karpenter's ENI-limited pods with RESERVED_ENIS=${reserved} ((${type.maxEnis}−${reserved})·(${type.ipv4PerEni}−1)+2)`
        : `Karpenter's ENI-limited pods (${eniTable})`;
    }
    case 'kubelet-setting':
      return `the EC2NodeClass's kubelet.maxPods`;
    case 'pods-per-core':
      return 'podsPerCore × CPUs';
    case 'max-pods-expression':
      return "nodeadm's maxPodsExpression";
    case 'default-110':
      return "the kubelet's default (the AMI does not know the type)";
  }
}

/** A maxPods value one way of launching the node gives, and that way in words. */
export interface MaxPodsPath {
  readonly maxPods: number;
  readonly source: string;
}

/**
 * What max-pods-calculator.sh recommends, and prints with --show-max-allowed, for the cluster's CNI
 * settings (capacity-models.md §2.2, vpc-cni-ipam.md §4.1, §5): ENIs min(MAX_ENI, E), one less under
 * custom networking; prefixes only on Nitro; the recommendation capped at 110, or 250 above 30 vCPUs.
 * It has no security-groups-for-pods flag: with a trunk ENI, `--cni-max-eni E−1` is the way to leave
 * the trunk its slot (§6.2 table 5).
 */
function calculatorMaxPods(type: InstanceType, cni: VpcCniSettings, network: PodNetwork): MaxPodsPath[] {
  const vcpu = type.hardware?.vcpu ?? null;
  const maxEniFlags: (number | null)[] = [cni.maxEni];
  if (network.trunkEni) maxEniFlags.push(network.maxEnis - 1);
  const paths: MaxPodsPath[] = [];
  for (const maxEni of maxEniFlags) {
    const enis = effectiveMaxEnis(type.maxEnis, maxEni) - (cni.customNetworking ? 1 : 0);
    if (enis < 0) continue;
    const prefixes = cni.prefixDelegation && type.hypervisor === 'nitro';
    // Nothing clamps the ENI count: with none left the calculator still prints the +2.
    const raw = prefixes ? prefixDelegationPods(enis, type.ipv4PerEni) : enis * (type.ipv4PerEni - 1) + 2;
    const flags = [
      maxEni === null ? null : `--cni-max-eni ${maxEni}`,
      cni.customNetworking ? '--cni-custom-networking-enabled' : null,
      cni.prefixDelegation ? '--cni-prefix-delegation-enabled' : null,
    ].filter((f) => f !== null);
    const command = ['max-pods-calculator.sh', ...flags].join(' ');
    if (vcpu !== null) paths.push({ maxPods: Math.min(raw, recommendedMaxPodsCeiling(vcpu)), source: command });
    paths.push({ maxPods: raw, source: `${command} --show-max-allowed` });
  }
  return paths;
}

/**
 * The maxPods values a known way of launching the node gives, the model's own first. Karpenter always
 * sends its own value (capacity-models.md §5.1). Other nodes run the AMI's value, the managed node
 * group's cap on it, the max-pods calculator's for the cluster's CNI settings (§2.2, the AMI's and EKS's
 * advice for custom networking and prefix delegation), or the CNI's pod IPs plus the node's
 * host-network pods (podcap's own MAX_PODS_EXCEEDS_POD_IPS fix).
 */
export function knownMaxPods(modelled: ModelledNode, settings: ClusterSettings): MaxPodsPath[] {
  const launched = modelled.launched?.node;
  if (launched?.status !== 'ready') return [];
  const config = (modelled.launched as NodeCapacity).config;
  const paths: MaxPodsPath[] = [{ maxPods: launched.maxPods, source: maxPodsBasis(modelled, launched, config) }];
  if (modelled.origin.kind === 'nodePool') return paths;
  if (modelled.managedCap !== null) {
    paths.push({ maxPods: launched.amiMaxPods, source: `the ${amiName(config.amiFamily)} AMI's own value` });
  }
  paths.push(...calculatorMaxPods(modelled.instanceType, settings.cni, modelled.network));
  paths.push({
    maxPods: modelled.network.podIps + modelled.hostNetworkPods,
    source: `the CNI's ${modelled.network.podIps} pod IPs plus ${plural(modelled.hostNetworkPods, 'host-network pod')}`,
  });
  return paths;
}

/**
 * MAX_PODS_DIFFERS_FROM_MODEL: status.capacity.pods against the maxPods a known way of launching the
 * node gives (a warning when none does), and an info where nodeadm reserves for a maxPods of its own.
 */
export function checkMaxPods(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const unexplained: { modelled: ModelledNode; paths: MaxPodsPath[] }[] = [];
  const ownValue: ModelledNode[] = [];
  for (const modelled of model.nodes) {
    if (modelled.reservationPath === 'nodeadm-value') {
      ownValue.push(modelled);
      continue;
    }
    const paths = knownMaxPods(modelled, model.settings);
    if (paths.length > 0 && !paths.some((p) => p.maxPods === modelled.node.capacity.pods)) {
      unexplained.push({ modelled, paths });
    }
  }
  const findings: DoctorFinding[] = [];
  const groups = groupBy(unexplained, ({ modelled, paths }) =>
    [modelled.instanceType.name, originKey(modelled.origin), modelled.node.capacity.pods, paths[0]?.maxPods].join('|'),
  );
  for (const members of groups.values()) {
    const { modelled: first, paths } = members[0] as (typeof members)[number];
    const nodes = members.map((m) => m.modelled);
    const [own, ...others] = paths as [MaxPodsPath, ...MaxPodsPath[]];
    const otherValues = new Map<number, MaxPodsPath>();
    for (const p of others) if (p.maxPods !== own.maxPods && !otherValues.has(p.maxPods)) otherValues.set(p.maxPods, p);
    const karpenter = first.origin.kind === 'nodePool';
    findings.push({
      code: 'MAX_PODS_DIFFERS_FROM_MODEL',
      severity: 'warning',
      message:
        `${describeNodes(nodes)}: maxPods (status.capacity.pods) is ${first.node.capacity.pods}; podcap's model gives ${own.maxPods}, ` +
        `from ${own.source}` +
        (otherValues.size > 0
          ? `, and no other way of launching it podcap knows gives ${first.node.capacity.pods} (${[...otherValues.values()].map((p) => `${p.maxPods} from ${p.source}`).join('; ')})`
          : '') +
        '. A custom user-data or kubelet configuration (maxPods, --max-pods, maxPodsExpression, podsPerCore) could explain it, ' +
        "or podcap's model is wrong for this node." +
        (karpenter
          ? ` Fix: set maxPods in the EC2NodeClass's spec.kubelet, not in userData, so Karpenter counts the pods the kubelet admits.`
          : ''),
      evidence: evidenceOf(nodes),
    });
  }
  for (const nodes of groupBy(
    ownValue,
    (n) => `${n.instanceType.name}|${originKey(n.origin)}|${n.node.capacity.pods}`,
  ).values()) {
    const first = nodes[0] as ModelledNode;
    const type = first.instanceType;
    const pods = first.node.capacity.pods;
    findings.push({
      code: 'MAX_PODS_DIFFERS_FROM_MODEL',
      severity: 'info',
      message:
        `${describeNodes(nodes)}: maxPods ${pods} with kube-reserved memory for ${pods} pods ` +
        `(${kibibytes(kubeReservedMemoryBytes(pods))}, 11·${pods}+255 MiB): nodeadm reserves for its own max-pods value ` +
        `(capacity-models.md §2.4), so that value is ${pods} here, not the ENI table's ${eniLimitedPods(type.maxEnis, type.ipv4PerEni)} ` +
        `(${type.maxEnis}·(${type.ipv4PerEni}−1)+2): ` +
        "a maxPodsExpression, or an AMI whose instance data differs from podcap's catalog.",
      evidence: evidenceOf(nodes),
    });
  }
  return findings;
}

function evidenceOf(nodes: readonly ModelledNode[]): DoctorFinding['evidence'] {
  const first = nodes[0];
  return {
    nodes: keep(nodes.map((n) => n.node.name)),
    instanceTypes: first ? [first.instanceType.name] : [],
    ...(first?.origin.kind === 'nodePool' ? { nodePools: [first.origin.name] } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Allocatable

/** Hugepages come off allocatable memory after the reservations (kubelet setters.go; capacity-models.md §1.2). */
function hugepagesBytes(node: ClusterNode): number {
  let sum = 0;
  for (const [name, amount] of Object.entries(node.capacity.extended)) {
    if (name.startsWith('hugepages-')) sum += amount;
  }
  return sum;
}

interface PredictedAllocatable {
  readonly cpuMillis: number | null;
  readonly memoryBytes: number | null;
}

function predictedAllocatable(modelled: ModelledNode, ready: ReadyNode): PredictedAllocatable {
  const memory = ready.allocatable.memoryBytes;
  return {
    cpuMillis: ready.allocatable.cpuMillis,
    memoryBytes: memory === null ? null : Math.max(0, memory - hugepagesBytes(modelled.node)),
  };
}

function reservationWords(modelled: ModelledNode, ready: ReadyNode): string {
  const r = ready.reserved;
  const parts = [
    `capacity ${kibibytes(ready.capacity.memoryBytes ?? 0)}`,
    `kube-reserved ${kibibytes(r.kubeReservedMemoryBytes)}${r.kubeReservedMemoryPods !== null ? ` (11·${r.kubeReservedMemoryPods}+255 MiB)` : ''}`,
  ];
  if (r.systemReservedMemoryBytes > 0) parts.push(`system-reserved ${kibibytes(r.systemReservedMemoryBytes)}`);
  parts.push(`eviction ${kibibytes(r.evictionMemoryBytes ?? 0)}`);
  const hugepages = hugepagesBytes(modelled.node);
  if (hugepages > 0) parts.push(`hugepages ${kibibytes(hugepages)}`);
  return parts.join(' − ');
}

function difference(real: number, predicted: number, unit: (n: number) => string, what: string): string {
  return real < predicted
    ? `${unit(predicted - real)} more ${what} than the model`
    : `${unit(real - predicted)} less ${what} than the model`;
}

/** ALLOCATABLE_DIFFERS_FROM_MODEL: status.allocatable cpu and memory against the model's, reservations only. */
export function checkAllocatable(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const differing: { modelled: ModelledNode; predicted: PredictedAllocatable }[] = [];
  for (const modelled of model.nodes) {
    const ready = readyModel(modelled);
    if (ready === null) continue;
    const predicted = predictedAllocatable(modelled, ready);
    const real = modelled.node.allocatable;
    const cpuDiffers = predicted.cpuMillis !== null && predicted.cpuMillis !== real.cpuMillis;
    const memoryDiffers = predicted.memoryBytes !== null && predicted.memoryBytes !== real.memoryBytes;
    if (cpuDiffers || memoryDiffers) differing.push({ modelled, predicted });
  }
  const groups = groupBy(differing, ({ modelled, predicted }) =>
    [
      modelled.instanceType.name,
      originKey(modelled.origin),
      modelled.node.allocatable.cpuMillis,
      modelled.node.allocatable.memoryBytes,
      predicted.cpuMillis,
      predicted.memoryBytes,
    ].join('|'),
  );
  const findings: DoctorFinding[] = [];
  for (const members of groups.values()) {
    const { modelled, predicted } = members[0] as (typeof members)[number];
    const ready = readyModel(modelled) as ReadyNode;
    const config = (modelled.capacity as NodeCapacity).config;
    const real = modelled.node.allocatable;
    const nodes = members.map((m) => m.modelled);
    const gaps: string[] = [];
    if (predicted.memoryBytes !== null && predicted.memoryBytes !== real.memoryBytes) {
      gaps.push(difference(real.memoryBytes, predicted.memoryBytes, kibibytes, 'memory'));
    }
    if (predicted.cpuMillis !== null && predicted.cpuMillis !== real.cpuMillis) {
      gaps.push(difference(real.cpuMillis, predicted.cpuMillis, (m) => `${m}m`, 'CPU'));
    }
    const karpenter = modelled.origin.kind === 'nodePool';
    findings.push({
      code: 'ALLOCATABLE_DIFFERS_FROM_MODEL',
      severity: 'warning',
      message:
        `${describeNodes(nodes)}: allocatable is ${real.cpuMillis}m CPU and ${kibibytes(real.memoryBytes)} memory; ` +
        `podcap's model of ${karpenter ? 'a Karpenter' : 'an'} ${amiName(config.amiFamily)} node gives ` +
        `${predicted.cpuMillis === null ? 'unknown' : `${predicted.cpuMillis}m`} CPU and ` +
        `${predicted.memoryBytes === null ? 'unknown' : kibibytes(predicted.memoryBytes)} memory ` +
        `(${reservationWords(modelled, ready)}): the kubelet reserves ${gaps.join(' and ')}. ` +
        'A custom user-data or kubelet configuration (kubeReserved, systemReserved, evictionHard) could explain it, ' +
        "or podcap's model is wrong for this node." +
        (karpenter
          ? " Fix: put these settings in the EC2NodeClass's spec.kubelet, not in userData, so Karpenter predicts what the kubelet allocates."
          : ''),
      evidence: evidenceOf(nodes),
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Karpenter's belief

/** The model's mismatches that explain a Karpenter overestimate (capacity-models.md §8 M1, M2, M3, M4, M5, M6, M8, M11). */
const KARPENTER_CAUSES: ReadonlySet<MismatchCode> = new Set<MismatchCode>([
  'KARPENTER_RESERVED_ENIS_KUBE_RESERVED',
  'KARPENTER_EFA_KUBE_RESERVED',
  'MAX_PODS_EXPRESSION_UNKNOWN_TO_KARPENTER',
  'KARPENTER_MEMORY_ESTIMATE',
  'EVICTION_PERCENTAGE_ON_ESTIMATE',
  'KARPENTER_COUNTS_EVICTION_SOFT',
  'AL2023_UNKNOWN_TYPE',
  'CPU_COUNT_DIFFERS',
]);

/** The causes behind an overestimate of this node; the memory estimate only where Karpenter plans with it (no cache, §5.2, §9). */
function karpenterCauses(capacity: NodeCapacity): Mismatch[] {
  const estimated = capacity.karpenter.relaunch.memorySource === 'estimate';
  return capacity.mismatches.filter(
    (m) => KARPENTER_CAUSES.has(m.code) && (m.code !== 'KARPENTER_MEMORY_ESTIMATE' || estimated),
  );
}

/** What one resource looks like to Karpenter and to the kubelet, when Karpenter sees more. */
interface Overestimate {
  readonly resource: 'memory' | 'cpu' | 'pods' | 'pod-eni';
  readonly believed: number;
  readonly real: number;
}

function overestimates(modelled: ModelledNode, podEniUsed: boolean): Overestimate[] {
  const capacity = modelled.capacity;
  if (capacity === null || modelled.origin.kind !== 'nodePool' || capacity.node.status !== 'ready') return [];
  const believed = capacity.karpenter.relaunch.allocatable;
  const real = modelled.node.allocatable;
  const found: Overestimate[] = [];
  if (believed.memoryBytes !== null && believed.memoryBytes > real.memoryBytes) {
    found.push({ resource: 'memory', believed: believed.memoryBytes, real: real.memoryBytes });
  }
  if (believed.cpuMillis !== null && believed.cpuMillis > real.cpuMillis) {
    found.push({ resource: 'cpu', believed: believed.cpuMillis, real: real.cpuMillis });
  }
  if (believed.pods > real.pods) found.push({ resource: 'pods', believed: believed.pods, real: real.pods });
  // Karpenter advertises pod-eni from its own table (types.go awsPodENI); it matters only where pods ask for it.
  const realPodEni = real.extended[POD_ENI_RESOURCE] ?? 0;
  if (podEniUsed && capacity.karpenter.podEni > realPodEni) {
    found.push({ resource: 'pod-eni', believed: capacity.karpenter.podEni, real: realPodEni });
  }
  return found;
}

/** DaemonSet pods' summed requests on a node, as the cluster has them. */
function daemonSetRequests(pods: readonly ClusterPod[]): { cpuMillis: number; memoryBytes: number; pods: number } {
  let cpuMillis = 0;
  let memoryBytes = 0;
  let count = 0;
  for (const pod of pods) {
    if (pod.owner?.kind !== 'DaemonSet' || !podIsLive(pod)) continue;
    cpuMillis += pod.requests.cpuMillis;
    memoryBytes += pod.requests.memoryBytes;
    count += 1;
  }
  return { cpuMillis, memoryBytes, pods: count };
}

function overestimateWords(
  o: Overestimate,
  typeName: string,
  daemons: { cpuMillis: number; memoryBytes: number; pods: number },
): string {
  switch (o.resource) {
    case 'memory': {
      const podWindow =
        daemons.memoryBytes > 0 && o.believed - daemons.memoryBytes > 0
          ? `; with the ${kibibytes(daemons.memoryBytes)} its DaemonSet pods ask on these nodes, a pod asking more than ` +
            `${kibibytes(Math.max(0, o.real - daemons.memoryBytes))} and at most ${kibibytes(o.believed - daemons.memoryBytes)}`
          : '';
      return (
        `Karpenter believes ${withArticle(typeName)} allocates ${kibibytes(o.believed)} memory, the kubelet gives ${kibibytes(o.real)}: ` +
        `pods whose memory requests, DaemonSets included, fall in (${kibibytes(o.real)}, ${kibibytes(o.believed)}] ` +
        `make Karpenter launch ${typeName} again and again${podWindow}`
      );
    }
    case 'cpu':
      return (
        `Karpenter believes ${withArticle(typeName)} allocates ${o.believed}m CPU, the kubelet gives ${o.real}m: ` +
        `pods whose CPU requests, DaemonSets included, fall in (${o.real}m, ${o.believed}m] make Karpenter launch ${typeName} again and again`
      );
    case 'pods':
      return (
        `Karpenter expects ${o.believed} pods on ${withArticle(typeName)}, the kubelet admits ${o.real}: ` +
        `Karpenter packs up to ${o.believed - o.real} pods more a node than fit, and those stay Pending`
      );
    case 'pod-eni':
      return (
        `Karpenter expects ${o.believed} vpc.amazonaws.com/pod-eni on ${withArticle(typeName)}, the node advertises ${o.real}: ` +
        `a pod of a SecurityGroupPolicy makes Karpenter launch ${typeName} nodes that never fit it`
      );
  }
}

function karpenterFix(
  causes: readonly Mismatch[],
  found: readonly Overestimate[],
  settings: ClusterSettings,
  typeName: string,
): string {
  const fixes: string[] = [];
  const has = (code: MismatchCode) => causes.some((c) => c.code === code);
  const features = karpenterFeatures(settings.karpenter.version);
  if (has('KARPENTER_RESERVED_ENIS_KUBE_RESERVED')) {
    fixes.push(
      "upgrade Karpenter to v1.5.2 or later (kube-reserved then follows the AMI's ENI count), or set RESERVED_ENIS=0 where neither custom networking nor security groups for pods needs an ENI kept back",
    );
  }
  if (has('KARPENTER_MEMORY_ESTIMATE') && !features.capacityCache) {
    // The discovered-capacity cache came with v1.1.0 (PR #7004; capacity-models.md §9).
    fixes.push(
      "raise VM_MEMORY_OVERHEAD_PERCENT, or upgrade Karpenter to v1.1.0 or later, whose cache takes the nodes' real memory capacity",
    );
  }
  if (has('EVICTION_PERCENTAGE_ON_ESTIMATE')) {
    fixes.push("give the EC2NodeClass's evictionHard memory.available as a quantity (such as 100Mi), not a percentage");
  }
  if (has('KARPENTER_EFA_KUBE_RESERVED')) {
    fixes.push("set kubeReserved.memory in the EC2NodeClass's spec.kubelet to what the nodes reserve");
  }
  if (has('AL2023_UNKNOWN_TYPE')) {
    fixes.push(
      `use an AL2023 AMI release whose nodeadm knows ${typeName}, or set kubeReserved.memory in the EC2NodeClass's spec.kubelet (nodeadm and Karpenter then both use it)`,
    );
  }
  if (has('CPU_COUNT_DIFFERS')) {
    // Karpenter counts EC2's DefaultVCpus, the AMI the CPUs online (§8 M11): no kubelet setting closes a gap of whole CPUs.
    fixes.push(
      `let the nodes run all of EC2's DefaultVCpus (no SMT turned off, no nosmt or maxcpus= kernel argument, no CPU taken offline in userData or the AMI), or keep ${typeName} out of the NodePool's requirements: Karpenter plans with DefaultVCpus, and kubeReserved or systemReserved would come off both sides`,
    );
  }
  if (found.some((f) => f.resource === 'pod-eni')) {
    fixes.push(
      settings.cni.podEni
        ? "check that the VPC resource controller attached a trunk ENI (the node label vpc.amazonaws.com/has-trunk-attached) and that aws-node's ENABLE_POD_ENI reached the nodes"
        : 'set ENABLE_POD_ENI=true on aws-node so the nodes get a trunk ENI and advertise vpc.amazonaws.com/pod-eni (vpc-cni-ipam.md §6)' +
            (settings.karpenter.reservedEnis > 0
              ? ''
              : `; the trunk then takes an ENI slot, so set RESERVED_ENIS=1 too${features.kubeReservedIgnoresReservedEnis ? '' : ', after upgrading Karpenter to v1.5.2 or later'}`) +
            '; or delete the SecurityGroupPolicy if its pods need no security groups of their own',
    );
  }
  if (fixes.length === 0) {
    fixes.push(
      "make the EC2NodeClass's spec.kubelet say what the nodes run (maxPods, kubeReserved, systemReserved, evictionHard), not userData",
    );
  }
  return fixes.join('; ');
}

/** Whether any pod asks for vpc.amazonaws.com/pod-eni, or a SecurityGroupPolicy would make it. */
function podEniInUse(state: ClusterState): boolean {
  return (
    state.securityGroupPolicies.length > 0 ||
    state.pods.some((p) => (p.requests.extended.get(POD_ENI_RESOURCE) ?? 0) > 0)
  );
}

/**
 * KARPENTER_OVERESTIMATES_NODE (error): Karpenter's prediction for a relaunch of a node's type (its
 * capacity cache warm with the node's real memory, v1.1.0+) holds more than the kubelet allocates.
 */
export function checkKarpenterBelief(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const podEniUsed = podEniInUse(state);
  const over = model.nodes
    .map((modelled) => ({ modelled, found: overestimates(modelled, podEniUsed) }))
    .filter((o) => o.found.length > 0);
  const groups = groupBy(over, ({ modelled, found }) =>
    [
      modelled.instanceType.name,
      originKey(modelled.origin),
      ...found.map((f) => `${f.resource}:${f.believed}:${f.real}`),
    ].join('|'),
  );
  const claimsByNode = new Map(state.nodeClaims.filter((c) => c.nodeName !== null).map((c) => [c.nodeName, c]));
  const findings: DoctorFinding[] = [];
  for (const members of groups.values()) {
    const { modelled, found } = members[0] as (typeof members)[number];
    const capacity = modelled.capacity as NodeCapacity;
    const nodes = members.map((m) => m.modelled);
    const daemons = daemonSetRequests(model.podsByNode.get(modelled.node.name) ?? []);
    const causes = karpenterCauses(capacity);
    const recorded = nodes
      .map((n) => claimsByNode.get(n.node.name)?.allocatable?.memoryBytes)
      .filter((m): m is number => m !== undefined);
    const recordedWords =
      recorded.length > 0 && found.some((f) => f.resource === 'memory')
        ? ` (their NodeClaims recorded ${[...new Set(recorded)].map(kibibytes).join(', ')} allocatable memory at launch)`
        : '';
    const version = formatKarpenterVersion(capacity.karpenter.version);
    findings.push({
      code: 'KARPENTER_OVERESTIMATES_NODE',
      severity: 'error',
      message:
        `${describeNodes(nodes)}, Karpenter v${version}${recordedWords}: ` +
        found.map((f) => overestimateWords(f, modelled.instanceType.name, daemons)).join('. ') +
        '.' +
        (causes.length > 0 ? ` Why: ${causes.map((c) => c.message).join('; ')}.` : '') +
        ` Fix: ${karpenterFix(causes, found, model.settings, modelled.instanceType.name)}.`,
      evidence: evidenceOf(nodes),
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// The capacity model's own mismatches

/**
 * Where a capacity-model mismatch lands among the doctor's codes; null for the ones the doctor checks
 * against the node's real numbers itself, and for those a running node disproves.
 */
function doctorCodeFor(code: MismatchCode): DoctorCode | null {
  switch (code) {
    case 'KARPENTER_OVERESTIMATES_MEMORY':
    case 'KARPENTER_OVERESTIMATES_CPU':
    case 'KARPENTER_OVERESTIMATES_PODS':
    case 'KARPENTER_UNDERESTIMATES_MEMORY':
    case 'KARPENTER_UNDERESTIMATES_CPU':
    case 'MAX_PODS_EXCEEDS_POD_IPS':
    case 'MAX_PODS_BELOW_POD_IPS':
    case 'AL2_BOOTSTRAP_FAILS':
      return null;
    case 'KARPENTER_FIRST_LAUNCH_OVERESTIMATES_MEMORY':
    case 'KARPENTER_EXPECTS_POD_ENI':
    case 'KARPENTER_RESERVED_ENIS_KUBE_RESERVED':
    case 'KARPENTER_EFA_KUBE_RESERVED':
    case 'MAX_PODS_EXPRESSION_UNKNOWN_TO_KARPENTER':
    case 'KARPENTER_MEMORY_ESTIMATE':
    case 'EVICTION_PERCENTAGE_ON_ESTIMATE':
    case 'KARPENTER_COUNTS_EVICTION_SOFT':
    case 'RESERVED_ENIS_DOCS_DRIFT':
      return 'KARPENTER_OVERESTIMATES_NODE';
    case 'CPU_COUNT_DIFFERS':
    case 'KUBE_RESERVED_IGNORES_MAX_PODS':
    case 'CUSTOM_AMI_ASSUMED':
    case 'BOTTLEROCKET_UNKNOWN_TYPE':
    case 'AL2023_UNKNOWN_TYPE':
      return 'ALLOCATABLE_DIFFERS_FROM_MODEL';
    case 'MAX_PODS_EXPRESSION_FALLBACK':
      return 'MAX_PODS_DIFFERS_FROM_MODEL';
    // The pod IPs the model gives already have secondary IPs on a type without Nitro, and no trunk on one that
    // cannot carry it (vpc-cni-ipam.md §4.1, §6): MAX_PODS_EXCEEDS_POD_IPS compares them with the real maxPods.
    case 'PREFIX_DELEGATION_UNSUPPORTED':
    case 'POD_ENI_UNSUPPORTED':
      return null;
    case 'HARDWARE_UNKNOWN':
      return 'INPUT_INCOMPLETE';
  }
}

/** Mismatches that are an overestimate themselves, which the real numbers cannot show: a cold first launch, pod-eni. */
const KARPENTER_EFFECTS: ReadonlySet<MismatchCode> = new Set<MismatchCode>([
  'KARPENTER_FIRST_LAUNCH_OVERESTIMATES_MEMORY',
  'KARPENTER_EXPECTS_POD_ENI',
]);

/** How to give a node of an image that lacks its type the reservation the AMI means (capacity-models.md §3, §2.4, §8 M7, M8). */
function unknownTypeFix(nodes: readonly ModelledNode[], codes: ReadonlySet<MismatchCode>): string {
  const first = nodes[0] as ModelledNode;
  const type = first.instanceType.name;
  const target = first.network.podIps + Math.min(...nodes.map((n) => n.hostNetworkPods));
  const reserved = `${11 * target + 255}Mi`;
  const fixes: string[] = [];
  if (codes.has('BOTTLEROCKET_UNKNOWN_TYPE')) {
    fixes.push(
      `use a Bottlerocket release whose eni-max-pods lists ${type}, or set settings.kubernetes.max-pods = ${target}: kube-reserved memory then follows it, ${reserved}`,
    );
  }
  if (codes.has('AL2023_UNKNOWN_TYPE')) {
    fixes.push(
      `use an AL2023 AMI release whose nodeadm lists ${type}, or let nodeadm call ec2:DescribeInstanceTypes (the node role's permission, a route or endpoint to the EC2 API)` +
        (first.origin.kind === 'nodePool'
          ? "; or set kubeReserved.memory in the EC2NodeClass's spec.kubelet, which nodeadm and Karpenter both use"
          : `; or set maxPods: ${target} and kubeReserved memory ${reserved} in the NodeConfig's spec.kubelet.config`),
    );
  }
  return fixes.length === 0 ? '' : ` Fix: ${fixes.join('; ')}.`;
}

/**
 * The capacity model's errors and warnings for each (type, NodePool or node group), once: those the
 * real numbers do not already settle. Causes of a Karpenter overestimate that checkKarpenterBelief
 * found are left to it (it gives them as its Why); a cause without an overestimate is no finding.
 */
export function checkModelMismatches(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const podEniUsed = podEniInUse(state);
  const findings: DoctorFinding[] = [];
  const groups = groupBy(
    model.nodes.filter((n) => n.capacity !== null),
    (n) => `${n.instanceType.name}|${originKey(n.origin)}`,
  );
  for (const nodes of groups.values()) {
    const explained = nodes.some((n) => overestimates(n, podEniUsed).length > 0);
    const mismatches = nodes.flatMap((n) => (n.capacity as NodeCapacity).mismatches);
    const firstLaunch = mismatches.some((m) => m.code === 'KARPENTER_FIRST_LAUNCH_OVERESTIMATES_MEMORY');
    const byCode = new Map<
      DoctorCode,
      { severity: 'error' | 'warning'; messages: Set<string>; codes: Set<MismatchCode> }
    >();
    for (const m of mismatches) {
      if (m.severity === 'info') continue;
      const code = doctorCodeFor(m.code);
      if (code === null) continue;
      if (explained && KARPENTER_CAUSES.has(m.code)) continue;
      // Without the cache Karpenter plans with its estimate, which can more than make up for a cause (§7 item 5).
      if (code === 'KARPENTER_OVERESTIMATES_NODE' && !KARPENTER_EFFECTS.has(m.code) && !firstLaunch) continue;
      if (m.code === 'KARPENTER_EXPECTS_POD_ENI' && !podEniUsed) continue;
      const seen = byCode.get(code);
      if (seen) {
        seen.messages.add(m.message);
        seen.codes.add(m.code);
        if (m.severity === 'error') seen.severity = 'error';
      } else byCode.set(code, { severity: m.severity, messages: new Set([m.message]), codes: new Set([m.code]) });
    }
    for (const [code, { severity, messages, codes }] of byCode) {
      findings.push({
        code,
        severity,
        message:
          `${describeNodes(nodes)}: the capacity model finds: ${[...messages].join('; ')}.` +
          (codes.has('AL2023_UNKNOWN_TYPE') && nodes[0]?.origin.kind !== 'nodePool'
            ? ' A maxPodsExpression that gives 110 would look the same.'
            : '') +
          unknownTypeFix(nodes, codes),
        evidence: evidenceOf(nodes),
      });
    }
  }
  return findings;
}

/** Every node check: inputs, maxPods, allocatable, Karpenter's belief and the model's own mismatches. */
export function checkNodes(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  return [
    ...checkNodeInputs(state, catalog),
    ...checkMaxPods(state, catalog),
    ...checkAllocatable(state, catalog),
    ...checkKarpenterBelief(state, catalog),
    ...checkModelMismatches(state, catalog),
  ];
}

/** Karpenter before v1.5.2 counts RESERVED_ENIS into kube-reserved (capacity-models.md §5.6). */
export function karpenterUnderReservesWithReservedEnis(settings: ClusterSettings): boolean {
  const features = karpenterFeatures(settings.karpenter.version);
  return settings.karpenter.reservedEnis > 0 && features.reservedEnis && !features.kubeReservedIgnoresReservedEnis;
}
