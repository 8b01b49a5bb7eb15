/**
 * Pod IPs on the real nodes: each node's maxPods against the addresses the VPC CNI can give on its type
 * under the cluster's aws-node settings, and the pods that hang in ContainerCreating because the CNI
 * gave them none (research vpc-cni-ipam.md §5, §6, §7.3, §7.4, §8).
 */

import type { ClusterNode, ClusterPod, ClusterState, ClusterSubnet } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import { ADDRESSES_PER_PREFIX, eniLimitedPods } from '../core/eni-math.js';
import { supportsPrefixDelegation } from '../core/instance-type.js';
import { usesCustomNetworking } from '../core/node-config.js';
import { parseIpv4Cidr } from '../network/cidr.js';
import { computeSteadyState } from '../network/steady-state.js';
import type { VpcCniSettings } from '../network/vpc-cni-settings.js';
import { cniMode, POD_ENI_RESOURCE } from '../sim/node-setup.js';
import type { DoctorFinding, NodeIpUse } from './doctor-result.js';
import {
  type ClusterModel,
  describeNodes,
  groupBy,
  karpenterUnderReservesWithReservedEnis,
  keep,
  type ModelledNode,
  modelCluster,
  originKey,
  plural,
  podIsLive,
  someNames,
  withArticle,
} from './node-checks.js';

/**
 * A pod the CNI must give an address from the node's pool: not hostNetwork, not done (vpc-cni-ipam.md
 * §8), and not a security-groups-for-pods pod, whose address comes with its branch ENI (§6).
 */
function needsIp(pod: ClusterPod): boolean {
  return !pod.hostNetwork && podIsLive(pod) && (pod.requests.extended.get(POD_ENI_RESOURCE) ?? 0) === 0;
}

function ipUse(node: ClusterNode, modelled: ModelledNode | null, pods: readonly ClusterPod[]): NodeIpUse {
  const needing = pods.filter(needsIp);
  return {
    node: node.name,
    instanceType: node.instanceType,
    maxPods: node.capacity.pods,
    // The model's count: HOST_NETWORK_PODS_ASSUMED when none of the node's pods were read.
    hostNetworkPods: modelled?.hostNetworkPods ?? pods.filter((p) => p.hostNetwork && podIsLive(p)).length,
    podIps: modelled?.network.podIps ?? null,
    podsNeedingIp: needing.length,
    podsWithIp: needing.filter((p) => p.podIp !== null).length,
  };
}

/** NodeIpUse of every node, in the order the nodes were read; podIps is null for a type the catalog lacks. */
export function nodeIpUse(state: ClusterState, catalog: CatalogIndex): NodeIpUse[] {
  const model = modelCluster(state, catalog);
  const modelledByName = new Map(model.nodes.map((n) => [n.node.name, n]));
  return state.nodes.map((node) =>
    ipUse(node, modelledByName.get(node.name) ?? null, model.podsByNode.get(node.name) ?? []),
  );
}

/** Why the CNI gives this type fewer addresses than the ENI table assumes. */
function whyFewer(modelled: ModelledNode, model: ClusterModel): string[] {
  const network = modelled.network;
  return [
    usesCustomNetworking(cniMode(model.settings.cni)) ? 'custom networking keeps the primary ENI from pods' : null,
    network.trunkEni ? 'the trunk ENI of security groups for pods takes a slot' : null,
    network.maxEnis < modelled.instanceType.maxEnis ? `MAX_ENI=${model.settings.cni.maxEni}` : null,
  ].filter((reason) => reason !== null);
}

/**
 * The addresses ipamd's pool stops at when MINIMUM_IP_TARGET is set without WARM_IP_TARGET: it grows to
 * the minimum and never further, so pods beyond it fail forever (vpc-cni-ipam.md §3.3, §3.8, §7.4 #3;
 * README 346). Null when the pool is not frozen below the node's pod IPs.
 */
function frozenPool(modelled: ModelledNode, settings: VpcCniSettings): number | null {
  if (settings.warmIpTarget !== 0 || settings.minimumIpTarget <= 0) return null;
  const steady = computeSteadyState({
    instanceType: modelled.instanceType,
    settings,
    maxPods: modelled.node.capacity.pods,
    ipPods: Math.max(0, modelled.node.capacity.pods - modelled.hostNetworkPods),
  });
  return steady.bound === 'minimum-ip-target' && steady.held < modelled.network.podIps ? steady.held : null;
}

/** Pod IPs a node can really hand out: its ENIs' capacity, or less when the pool is frozen. */
function givablePodIps(modelled: ModelledNode, settings: VpcCniSettings): number {
  return frozenPool(modelled, settings) ?? modelled.network.podIps;
}

const WARM_IP_TARGET_FIX =
  'set WARM_IP_TARGET on aws-node (1 or more): with it ipamd grows the pool past MINIMUM_IP_TARGET as pods arrive';

/** How to set maxPods on a node the AMI family bootstraps (capacity-models.md §2.3, §2.4, §3). */
function setMaxPodsWords(modelled: ModelledNode, target: number): string {
  switch (modelled.node.amiFamily) {
    case 'al2':
      return `set maxPods to ${target} (AL2 user data: bootstrap.sh --use-max-pods false --kubelet-extra-args '--max-pods=${target}')`;
    case 'bottlerocket':
      return `set maxPods to ${target} (Bottlerocket settings.kubernetes.max-pods = ${target})`;
    case 'al2023':
      return `set maxPods to ${target} (AL2023 user data: a NodeConfig with spec.kubelet.config.maxPods: ${target})`;
    default:
      return `set the kubelet's maxPods to ${target}`;
  }
}

/**
 * The smallest RESERVED_ENIS at which Karpenter's ENI-limited maxPods, `ENI(E − R)`, admits no more
 * IP pods than the CNI gives (karpenter-provider-aws types.go ENILimitedPods; capacity-models.md §5.1).
 */
function reservedEnisFor(modelled: ModelledNode, target: number, current: number): number | null {
  const type = modelled.instanceType;
  for (let reserved = current; reserved < type.maxEnis; reserved += 1) {
    if (eniLimitedPods(type.maxEnis - reserved, type.ipv4PerEni) <= target) return reserved;
  }
  return null;
}

function maxPodsFix(modelled: ModelledNode, model: ClusterModel, target: number): string {
  if (modelled.origin.kind !== 'nodePool') {
    // Prefix delegation needs a Nitro or bare-metal type; elsewhere ipamd keeps secondary IPs (vpc-cni-ipam.md §4.1).
    const prefixes =
      !model.settings.cni.prefixDelegation && supportsPrefixDelegation(modelled.instanceType)
        ? ', or turn on prefix delegation'
        : '';
    return `${setMaxPodsWords(modelled, target)}${prefixes}`;
  }
  const nodeClassMaxPods = modelled.nodeClass?.kubelet.maxPods ?? null;
  const nodeClassName = modelled.nodeClass?.name ?? 'of the NodePool';
  if (nodeClassMaxPods !== null) return `set the EC2NodeClass ${nodeClassName}'s kubelet.maxPods to ${target}`;
  const current = model.settings.karpenter.reservedEnis;
  const reserved = reservedEnisFor(modelled, target, current);
  if (reserved === null) return `set the EC2NodeClass ${nodeClassName}'s kubelet.maxPods to ${target}`;
  const loopWarning = karpenterUnderReservesWithReservedEnis({
    ...model.settings,
    karpenter: { ...model.settings.karpenter, reservedEnis: reserved },
  })
    ? ' and upgrade Karpenter to v1.5.2 or later first: before it, RESERVED_ENIS also lowers its kube-reserved memory (KARPENTER_LAUNCH_LOOP_RISK)'
    : '';
  return `set Karpenter's RESERVED_ENIS=${reserved} so maxPods matches the pod IPs${loopWarning}`;
}

/**
 * MAX_PODS_EXCEEDS_POD_IPS (error): the kubelet admits more pods that need an IP (maxPods less the
 * node's host-network pods) than the CNI can give; grouped by (type, NodePool or node group, maxPods).
 */
export function checkMaxPodsExceedsPodIps(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const cni = model.settings.cni;
  const over = model.nodes.filter((n) => n.node.capacity.pods - n.hostNetworkPods > givablePodIps(n, cni));
  const groups = groupBy(over, (n) =>
    [n.instanceType.name, originKey(n.origin), n.node.capacity.pods, givablePodIps(n, cni)].join('|'),
  );
  const findings: DoctorFinding[] = [];
  for (const nodes of groups.values()) {
    const first = nodes[0] as ModelledNode;
    const maxPods = first.node.capacity.pods;
    const frozen = frozenPool(first, cni);
    const podIps = frozen ?? first.network.podIps;
    // The node with the fewest host-network pods admits the most IP pods: the worst case, and a safe target.
    const hostNetwork = Math.min(...nodes.map((n) => n.hostNetworkPods));
    const ipPods = maxPods - hostNetwork;
    const hang = ipPods - podIps;
    const target = podIps + hostNetwork;
    const waiting = nodes.reduce((sum, n) => {
      const use = ipUse(n.node, n, model.podsByNode.get(n.node.name) ?? []);
      return sum + use.podsNeedingIp - use.podsWithIp;
    }, 0);
    const why = [
      ...whyFewer(first, model),
      ...(frozen === null
        ? []
        : [
            `MINIMUM_IP_TARGET=${cni.minimumIpTarget} without WARM_IP_TARGET holds the pool at ${plural(frozen, 'address', 'addresses')} for good`,
          ]),
    ];
    // Frozen: more addresses come only from WARM_IP_TARGET; maxPods must still fit the ENIs' pod IPs.
    const eniIps = first.network.podIps;
    const fix =
      frozen === null
        ? maxPodsFix(first, model, target)
        : maxPods - hostNetwork > eniIps
          ? `${WARM_IP_TARGET_FIX}; and ${maxPodsFix(first, model, eniIps + hostNetwork)}`
          : WARM_IP_TARGET_FIX;
    const karpenterBlind =
      first.origin.kind === 'nodePool'
        ? ' Karpenter cannot see pods stuck in ContainerCreating, so it launches nothing for them.'
        : '';
    findings.push({
      code: 'MAX_PODS_EXCEEDS_POD_IPS',
      severity: 'error',
      message:
        `${describeNodes(nodes)}: maxPods ${maxPods} admits ${ipPods} pods that need an IP ` +
        `(${plural(hostNetwork, 'host-network pod')} aside) but the CNI can give ${podIps}` +
        (why.length > 0 ? ` (${why.join('; ')})` : '') +
        `: ${plural(hang, 'pod')} a node will hang in ContainerCreating once the node fills` +
        (waiting > 0 ? `; ${plural(waiting, 'pod')} on these nodes have no IP now` : '') +
        `.${karpenterBlind} Fix: ${fix}.`,
      evidence: {
        nodes: keep(nodes.map((n) => n.node.name)),
        instanceTypes: [first.instanceType.name],
        ...(first.origin.kind === 'nodePool' ? { nodePools: [first.origin.name] } : {}),
      },
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Pods stuck without an IP

/** The CNI plugin's error when ipamd has no address for the pod (cni.go 218-222; vpc-cni-ipam.md §7.3). */
export const CNI_NO_IP_ERROR = 'failed to assign an IP address to container';

function ipv4ToNumber(text: string): number | null {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((sum, p) => sum * 256 + Number(p), 0);
}

interface SubnetRange {
  readonly subnet: ClusterSubnet;
  readonly base: number;
  readonly size: number;
}

function subnetRanges(subnets: readonly ClusterSubnet[]): SubnetRange[] {
  return subnets.flatMap((subnet) => {
    const parsed = parseIpv4Cidr(subnet.cidr);
    return parsed.ok ? [{ subnet, base: parsed.value.base, size: parsed.value.size }] : [];
  });
}

function subnetOf(address: string | null, ranges: readonly SubnetRange[]): ClusterSubnet | null {
  const ip = address === null ? null : ipv4ToNumber(address);
  if (ip === null) return null;
  return ranges.find((r) => ip >= r.base && ip < r.base + r.size)?.subnet ?? null;
}

/**
 * The subnet the node's pods take addresses from: that of a pod IP already on it, else (without custom
 * networking, whose pods use the ENIConfig's subnet) the node's own (vpc-cni-ipam.md §5, §7.1).
 */
function podSubnet(modelled: ModelledNode, model: ClusterModel, ranges: readonly SubnetRange[]): ClusterSubnet | null {
  for (const pod of model.podsByNode.get(modelled.node.name) ?? []) {
    if (pod.hostNetwork || pod.podIp === null) continue;
    const found = subnetOf(pod.podIp, ranges);
    if (found) return found;
  }
  return model.settings.cni.customNetworking ? null : subnetOf(modelled.node.internalIp, ranges);
}

/** Addresses a new ENI takes at creation: its own and one prefix, or its own and a full set of secondary IPs (§7.2). */
function newEniAddresses(modelled: ModelledNode): number {
  return 1 + (modelled.network.prefixDelegation ? ADDRESSES_PER_PREFIX : modelled.instanceType.ipv4PerEni - 1);
}

type StuckCause =
  | { readonly kind: 'branch-eni' }
  | { readonly kind: 'node-full' }
  | { readonly kind: 'pool-frozen'; readonly held: number }
  | { readonly kind: 'cordoned' }
  | { readonly kind: 'prefix-blocks'; readonly subnet: ClusterSubnet }
  | { readonly kind: 'subnet'; readonly subnet: ClusterSubnet; readonly needed: number }
  | { readonly kind: 'unknown'; readonly subnet: ClusterSubnet | null };

interface StuckPod {
  readonly pod: ClusterPod;
  readonly modelled: ModelledNode | null;
  readonly node: string;
  readonly cause: StuckCause;
}

function stuckKey(s: StuckPod): string {
  const where = s.modelled ? `${s.modelled.instanceType.name}|${originKey(s.modelled.origin)}` : `node|${s.node}`;
  switch (s.cause.kind) {
    case 'subnet':
      return `subnet|${s.cause.subnet.id}`;
    case 'prefix-blocks':
      return `prefix-blocks|${s.cause.subnet.id}|${where}`;
    case 'branch-eni':
    case 'node-full':
    case 'pool-frozen':
    case 'cordoned':
    case 'unknown':
      return `${s.cause.kind}|${where}`;
  }
}

function causeWords(stuck: readonly StuckPod[], model: ClusterModel): { why: string; fix: string } {
  const first = stuck[0] as StuckPod;
  const cause = first.cause;
  const modelled = first.modelled;
  switch (cause.kind) {
    case 'branch-eni':
      return {
        why:
          'they are pods of a SecurityGroupPolicy, whose address comes from a branch ENI: the trunk ENI is not attached yet, ' +
          'or the branch ENIs are used up (deleted pods hold theirs for the 60 s cooldown)',
        fix: "check the VPC resource controller and the nodes' vpc.amazonaws.com/pod-eni, or spread these pods over more nodes",
      };
    case 'node-full': {
      const m = modelled as ModelledNode;
      const target = m.network.podIps + m.hostNetworkPods;
      return {
        why: `the ${plural(m.network.podIps, 'pod IP')} the CNI can give on ${withArticle(m.instanceType.name)} are all taken (maxPods ${m.node.capacity.pods})`,
        fix: `${maxPodsFix(m, model, target)}`,
      };
    }
    case 'pool-frozen':
      return {
        why: `MINIMUM_IP_TARGET=${model.settings.cni.minimumIpTarget} without WARM_IP_TARGET holds the pool at ${plural(cause.held, 'address', 'addresses')}, all taken, and ipamd never grows it further`,
        fix: WARM_IP_TARGET_FIX,
      };
    case 'cordoned':
      return {
        why: 'the node is cordoned, and ipamd adds no IP, prefix or ENI on a cordoned node (AWS_MANAGE_ENIS_NON_SCHEDULABLE is not true)',
        fix: 'uncordon the node or drain it so the pods are rescheduled elsewhere, or set AWS_MANAGE_ENIS_NON_SCHEDULABLE=true on aws-node',
      };
    case 'prefix-blocks':
      return {
        why:
          `prefix delegation needs a whole free aligned /28 in subnet ${cause.subnet.id} (${cause.subnet.cidr}), which has ${plural(cause.subnet.availableAddresses, 'free address', 'free addresses')}; ` +
          'if they are scattered, ipamd gets InsufficientCidrBlocks and does not fall back to single IPs (or it is catching up on a burst)',
        fix: `look for InsufficientCidrBlocks in /var/log/aws-routed-eni/ipamd.log; if it is there, reserve a range for prefixes (aws ec2 create-subnet-cidr-reservation --subnet-id ${cause.subnet.id} --reservation-type prefix) or give prefix-delegation nodes a dedicated subnet`,
      };
    case 'subnet':
      return {
        why:
          `their subnet ${cause.subnet.id} (${cause.subnet.cidr}, ${cause.subnet.zone}) has ${plural(cause.subnet.availableAddresses, 'free address', 'free addresses')}, ` +
          `fewer than a new ENI takes (${cause.needed})`,
        fix:
          'a larger subnet or more subnets for the pods (tagged kubernetes.io/role/cni for subnet discovery, or more ENIConfigs), ' +
          'or smaller warm pools (WARM_IP_TARGET and MINIMUM_IP_TARGET)',
      };
    case 'unknown':
      return {
        why:
          'the nodes still have pod IPs to give under the model' +
          (cause.subnet
            ? ` and subnet ${cause.subnet.id} has ${plural(cause.subnet.availableAddresses, 'free address', 'free addresses')}`
            : model.settings.cni.customNetworking
              ? ' and the ENIConfig subnets were not matched'
              : '') +
          ': ipamd may be catching up on a burst or held back by EC2 throttling',
        fix: "read ipamd's log on a node (/var/log/aws-routed-eni/ipamd.log) for the error behind it",
      };
  }
}

/**
 * PODS_STUCK_NO_IP (error): pods in ContainerCreating without an IP whose FailedCreatePodSandBox events
 * carry the CNI's "failed to assign an IP address to container", grouped by cause: the node's pod IPs
 * all taken, its subnet dry, a branch ENI missing, or unclear.
 */
export function checkPodsStuckNoIp(state: ClusterState, catalog: CatalogIndex): DoctorFinding[] {
  const model = modelCluster(state, catalog);
  const noIpEvents = new Set(
    state.events
      .filter(
        (e) => e.objectKind === 'Pod' && e.reason === 'FailedCreatePodSandBox' && e.message.includes(CNI_NO_IP_ERROR),
      )
      .map((e) => `${e.namespace}/${e.objectName}`),
  );
  if (noIpEvents.size === 0) return [];
  const modelledByName = new Map(model.nodes.map((n) => [n.node.name, n]));
  const ranges = subnetRanges(state.subnets);
  const useByNode = new Map<string, NodeIpUse>();
  const stuck: StuckPod[] = [];
  for (const pod of state.pods) {
    // Pods of a SecurityGroupPolicy count too: a missing branch ENI gives the same error (§6, §7.4 #7).
    if (pod.nodeName === null || !pod.containerCreating || pod.podIp !== null || pod.hostNetwork) continue;
    if (!podIsLive(pod) || !noIpEvents.has(`${pod.namespace}/${pod.name}`)) continue;
    const modelled = modelledByName.get(pod.nodeName) ?? null;
    const cni = model.settings.cni;
    let cause: StuckCause;
    if ((pod.requests.extended.get(POD_ENI_RESOURCE) ?? 0) > 0) cause = { kind: 'branch-eni' };
    else if (modelled === null) cause = { kind: 'unknown', subnet: null };
    else {
      let use = useByNode.get(pod.nodeName);
      if (!use) {
        use = ipUse(modelled.node, modelled, model.podsByNode.get(pod.nodeName) ?? []);
        useByNode.set(pod.nodeName, use);
      }
      const subnet = podSubnet(modelled, model, ranges);
      const needed = newEniAddresses(modelled);
      const frozen = frozenPool(modelled, cni);
      if (use.podIps !== null && use.podsWithIp >= use.podIps) cause = { kind: 'node-full' };
      else if (frozen !== null && use.podsWithIp >= frozen) cause = { kind: 'pool-frozen', held: frozen };
      // ipamd neither grows nor frees anything on a cordoned node (§2, §7.4 #6).
      else if (modelled.node.unschedulable && !cni.manageEnisNonSchedulable) cause = { kind: 'cordoned' };
      else if (subnet !== null && subnet.availableAddresses < needed) cause = { kind: 'subnet', subnet, needed };
      // A prefix needs a whole free aligned /28, and ipamd does not fall back to single IPs (§4.4).
      else if (subnet !== null && modelled.network.prefixDelegation) cause = { kind: 'prefix-blocks', subnet };
      else cause = { kind: 'unknown', subnet };
    }
    stuck.push({ pod, modelled, node: pod.nodeName, cause });
  }

  const findings: DoctorFinding[] = [];
  for (const group of groupBy(stuck, stuckKey).values()) {
    const first = group[0] as StuckPod;
    const nodeNames = [...new Set(group.map((s) => s.node))];
    const modelledNodes = nodeNames.map((n) => modelledByName.get(n)).filter((n): n is ModelledNode => n !== undefined);
    const where =
      first.cause.kind === 'subnet' || modelledNodes.length !== nodeNames.length
        ? `${plural(nodeNames.length, 'node')} (${someNames(nodeNames)})`
        : describeNodes(modelledNodes);
    const podNames = group.map((s) => `${s.pod.namespace}/${s.pod.name}`);
    const { why, fix } = causeWords(group, model);
    const subnets =
      first.cause.kind === 'subnet' || first.cause.kind === 'prefix-blocks'
        ? [first.cause.subnet.id]
        : first.cause.kind === 'unknown' && first.cause.subnet
          ? [first.cause.subnet.id]
          : [];
    findings.push({
      code: 'PODS_STUCK_NO_IP',
      severity: 'error',
      message:
        `${plural(group.length, 'pod')} (${someNames(podNames)}) ${group.length === 1 ? 'is' : 'are'} stuck in ContainerCreating on ${where}: ` +
        `FailedCreatePodSandBox "${CNI_NO_IP_ERROR}". Likely cause: ${why}. Fix: ${fix}.`,
      evidence: {
        pods: keep(podNames),
        nodes: keep(nodeNames),
        ...(subnets.length > 0 ? { subnets } : {}),
        ...(first.modelled
          ? { instanceTypes: [...new Set(modelledNodes.map((n) => n.instanceType.name))].slice(0, 5) }
          : {}),
        ...(first.modelled?.origin.kind === 'nodePool' ? { nodePools: [first.modelled.origin.name] } : {}),
      },
    });
  }
  return findings;
}

export interface IpCheckResult {
  readonly nodes: readonly NodeIpUse[];
  readonly findings: readonly DoctorFinding[];
}

/** NodeIpUse of every node, MAX_PODS_EXCEEDS_POD_IPS and PODS_STUCK_NO_IP. */
export function checkIps(state: ClusterState, catalog: CatalogIndex): IpCheckResult {
  return {
    nodes: nodeIpUse(state, catalog),
    findings: [...checkMaxPodsExceedsPodIps(state, catalog), ...checkPodsStuckNoIp(state, catalog)],
  };
}
