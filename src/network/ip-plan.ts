/**
 * Plans the subnet addresses a fleet of identical nodes takes under given aws-node settings: per node
 * (the CNI's steady state), per subnet (nodes spread round-robin), and for a few alternative settings,
 * with the smallest subnet that holds the fleet plus headroom. Pure: no I/O, no clock.
 *
 * Decisions this planner makes (the issue left them open):
 * - Settings are aws-node variables over the EKS manifest defaults (WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1).
 * - Each node runs `podsPerNode` pods that need an address, and only as many as its kubelet admits
 *   (maxPods less the two host-network pods, vpc-cni-ipam.md §8); the rest stay Pending.
 * - maxPods is the node's default: the eni-max-pods formula, or with prefix delegation the AMI
 *   calculator's value capped at 110 (≤ 30 vCPUs, or vCPUs unknown) or 250 (§4.1).
 * - Nodes go round-robin over the node subnets (node j in subnet j mod k), each node's addresses in its
 *   own subnet; under custom networking its pod addresses go round-robin over the ENIConfig subnets.
 * - With prefix delegation, a node's single addresses (ENI primaries, trunk) may land anywhere and each
 *   is counted as a whole /28 block: conservative, since EC2's choice is undocumented (§4.4, §13).
 */
import {
  ADDRESSES_PER_PREFIX,
  eniLimitedPods,
  HOST_NETWORK_PODS_ASSUMED,
  prefixDelegationPods,
  recommendedMaxPodsCeiling,
} from '../core/eni-math.js';
import { type InstanceType, supportsPrefixDelegation } from '../core/instance-type.js';
import { type Ipv4Cidr, prefixBlocks, SUBNET_PREFIX_LENGTH, usableAddresses } from './cidr.js';
import { computeSteadyState, type SteadyState } from './steady-state.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv, type VpcCniSettings } from './vpc-cni-settings.js';

export interface IpPlanInput {
  readonly instanceType: InstanceType;
  /** Pods on each node that need an address (not hostNetwork). */
  readonly podsPerNode: number;
  readonly nodes: number;
  /** aws-node variables as in the DaemonSet, already validated. */
  readonly env: Readonly<Record<string, string>>;
  /** Subnets the nodes launch in; empty when none was given. */
  readonly nodeSubnets: readonly Ipv4Cidr[];
  /** ENIConfig subnets for custom networking; empty when none was given. */
  readonly eniConfigSubnets: readonly Ipv4Cidr[];
  /** Room for this many percent more nodes, for the recommendation. */
  readonly headroomPercent: number;
}

/** The default headroom: room for a fifth more nodes (a rolling update's surge, a scale-out). */
export const DEFAULT_HEADROOM_PERCENT = 20;

/** Variables that choose how the warm pool is kept; the alternatives replace them and keep every other one. */
const WARM_POOL_VARIABLES = [
  'WARM_ENI_TARGET',
  'WARM_IP_TARGET',
  'MINIMUM_IP_TARGET',
  'WARM_PREFIX_TARGET',
  'ENABLE_PREFIX_DELEGATION',
] as const;

export const CUSTOM_NETWORKING_VARIABLE = 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG';

/** The alternative's WARM_IP_TARGET: a couple of spare addresses, with MINIMUM_IP_TARGET at pods per node. */
export const ALTERNATIVE_WARM_IP_TARGET = 2;

export type SettingName = 'given' | 'defaults' | 'warm-ip' | 'prefix-delegation' | 'custom-networking';

export type MaxPodsSource = 'eni-max-pods' | 'max-pods-calculator';

export interface NodeMaxPods {
  readonly value: number;
  readonly source: MaxPodsSource;
}

/** What one node takes from one kind of subnet: /28 prefixes and single addresses. */
export interface SubnetDemand {
  readonly prefixes: number;
  readonly singles: number;
  /** `16·prefixes + singles`. */
  readonly addresses: number;
}

export interface NodePlan {
  readonly maxPods: NodeMaxPods;
  /** Pods per node that need an address and that the kubelet admits. */
  readonly admittedPods: number;
  /** Pods per node beyond maxPods: Pending with "Too many pods". */
  readonly pendingPods: number;
  readonly steady: SteadyState;
  readonly nodeSubnet: SubnetDemand;
  /** Under custom networking: what the node takes from its ENIConfig subnet; null otherwise. */
  readonly eniConfigSubnet: SubnetDemand | null;
}

export type SubnetRole = 'node' | 'eniconfig';

export interface SubnetUse {
  readonly cidr: Ipv4Cidr;
  readonly role: SubnetRole;
  readonly usable: number;
  /** Aligned /28 blocks a prefix can take in the empty subnet. */
  readonly prefixBlocks: number;
  readonly nodes: number;
  /** Addresses the nodes placed here take (may pass `usable` when it does not fit). */
  readonly used: number;
  /** `usable − used`; negative when short. */
  readonly free: number;
  /** Nodes this subnet can hold on its own (null: it takes nothing from this subnet). */
  readonly maxNodes: number | null;
}

export interface Placement {
  readonly subnets: readonly SubnetUse[];
  readonly usable: number;
  readonly used: number;
  readonly free: number;
  /** Nodes the subnets hold, round-robin. */
  readonly maxNodes: number;
  readonly fits: boolean;
  readonly fitsWithHeadroom: boolean;
  /** The subnet that runs dry first. */
  readonly bottleneck: SubnetUse;
  /** Custom networking without ENIConfig subnets given: only the node subnets were checked. */
  readonly eniConfigUnchecked: boolean;
}

/** The smallest subnets (longest prefix) that hold the nodes plus headroom; null when even a /16 does not. */
export interface SubnetSizing {
  readonly nodeSubnets: number;
  readonly nodeSubnetPrefixLength: number | null;
  readonly eniConfigSubnets: number;
  /** Only under custom networking. */
  readonly eniConfigSubnetPrefixLength: number | null;
}

export interface SettingPlan {
  readonly name: SettingName;
  /** The aws-node variables of this setting, over the EKS manifest defaults. */
  readonly env: Readonly<Record<string, string>>;
  /** The variables this setting sets itself; the others come from the given env. */
  readonly changes: Readonly<Record<string, string>>;
  readonly settings: VpcCniSettings;
  readonly node: NodePlan;
  /** null when no subnet was given. */
  readonly placement: Placement | null;
  readonly sizing: SubnetSizing;
  /** Every pod per node is admitted and gets an address. */
  readonly podsServed: boolean;
}

export type Recommendation =
  | { readonly status: 'recommended'; readonly plan: SettingPlan; readonly reason: string }
  | { readonly status: 'none'; readonly reason: string };

export interface OmittedAlternative {
  readonly name: SettingName;
  readonly reason: string;
}

export interface IpPlan {
  readonly input: IpPlanInput;
  /** `ceil(nodes × (1 + headroom))`. */
  readonly nodesWithHeadroom: number;
  readonly given: SettingPlan;
  readonly alternatives: readonly SettingPlan[];
  readonly omitted: readonly OmittedAlternative[];
  readonly recommendation: Recommendation;
  /** Variables podcap does not model; they change nothing here. */
  readonly notModelled: readonly string[];
}

/** The node's default maxPods: the eni-max-pods formula, or the calculator's with prefix delegation (§4.1, §8). */
export function defaultMaxPods(type: InstanceType, settings: VpcCniSettings): NodeMaxPods {
  if (settings.prefixDelegation && supportsPrefixDelegation(type)) {
    // max-pods-calculator.sh caps at 110 up to 30 vCPUs; an unknown vCPU count takes the lower cap.
    const ceiling = recommendedMaxPodsCeiling(type.hardware?.vcpu ?? 0);
    return {
      value: Math.min(prefixDelegationPods(type.maxEnis, type.ipv4PerEni), ceiling),
      source: 'max-pods-calculator',
    };
  }
  return { value: eniLimitedPods(type.maxEnis, type.ipv4PerEni), source: 'eni-max-pods' };
}

export function planNode(type: InstanceType, settings: VpcCniSettings, podsPerNode: number): NodePlan {
  const maxPods = defaultMaxPods(type, settings);
  const admittedPods = Math.min(podsPerNode, Math.max(0, maxPods.value - HOST_NETWORK_PODS_ASSUMED));
  const steady = computeSteadyState({ instanceType: type, settings, maxPods: maxPods.value, ipPods: admittedPods });
  const demand = (addresses: number, prefixes: number): SubnetDemand => ({
    prefixes,
    singles: addresses - prefixes * ADDRESSES_PER_PREFIX,
    addresses,
  });
  const custom = settings.customNetworking;
  return {
    maxPods,
    admittedPods,
    pendingPods: podsPerNode - admittedPods,
    steady,
    nodeSubnet: demand(steady.subnetAddresses.node, custom ? 0 : steady.prefixes),
    eniConfigSubnet: custom ? demand(steady.subnetAddresses.pod, steady.prefixes) : null,
  };
}

/** A subnet CIDR of the given length, for sizing: only its length and size matter. */
function sizedCidr(prefixLength: number): Ipv4Cidr {
  return { text: `/${prefixLength}`, base: 0, prefixLength, size: 2 ** (32 - prefixLength) };
}

/**
 * Nodes one subnet holds. Single addresses only: usable ÷ addresses per node. With prefixes: aligned
 * /28 blocks ÷ (prefixes + single addresses), each single counted as a block it may break.
 */
export function nodesPerSubnet(cidr: Ipv4Cidr, demand: SubnetDemand): number | null {
  if (demand.prefixes > 0) return Math.floor(prefixBlocks(cidr) / (demand.prefixes + demand.singles));
  if (demand.singles === 0) return null;
  return Math.floor(usableAddresses(cidr) / demand.singles);
}

/** Node j goes to subnet j mod k: subnet i gets ceil((K − i)/k) of K nodes. */
function roundRobinShare(nodes: number, subnets: number, index: number): number {
  return Math.max(0, Math.ceil((nodes - index) / subnets));
}

/** Round-robin holds K nodes while subnet i's share stays within its capacity c_i: K ≤ c_i·k + i. */
function roundRobinMaxNodes(capacities: readonly (number | null)[]): { maxNodes: number; index: number } {
  let best = { maxNodes: Number.POSITIVE_INFINITY, index: 0 };
  capacities.forEach((capacity, index) => {
    if (capacity === null) return;
    const limit = capacity * capacities.length + index;
    if (limit < best.maxNodes) best = { maxNodes: limit, index };
  });
  return best;
}

function useSubnets(cidrs: readonly Ipv4Cidr[], role: SubnetRole, demand: SubnetDemand, nodes: number) {
  const capacities = cidrs.map((cidr) => nodesPerSubnet(cidr, demand));
  const uses: SubnetUse[] = cidrs.map((cidr, index) => {
    const placed = roundRobinShare(nodes, cidrs.length, index);
    const usable = usableAddresses(cidr);
    const used = placed * demand.addresses;
    return {
      cidr,
      role,
      usable,
      prefixBlocks: prefixBlocks(cidr),
      nodes: placed,
      used,
      free: usable - used,
      maxNodes: capacities[index] ?? null,
    };
  });
  return { uses, ...roundRobinMaxNodes(capacities) };
}

function place(input: IpPlanInput, node: NodePlan, nodesWithHeadroom: number): Placement | null {
  if (input.nodeSubnets.length === 0) return null;
  const nodeSide = useSubnets(input.nodeSubnets, 'node', node.nodeSubnet, input.nodes);
  let uses = nodeSide.uses;
  let maxNodes = nodeSide.maxNodes;
  let bottleneck = nodeSide.uses[nodeSide.index];
  let eniConfigUnchecked = false;
  if (node.eniConfigSubnet !== null) {
    if (input.eniConfigSubnets.length === 0) {
      eniConfigUnchecked = true;
    } else {
      const podSide = useSubnets(input.eniConfigSubnets, 'eniconfig', node.eniConfigSubnet, input.nodes);
      uses = [...uses, ...podSide.uses];
      if (podSide.maxNodes < maxNodes) {
        maxNodes = podSide.maxNodes;
        bottleneck = podSide.uses[podSide.index];
      }
    }
  }
  if (bottleneck === undefined) throw new Error('place: no subnet bounds the nodes');
  const usable = uses.reduce((sum, use) => sum + use.usable, 0);
  const used = uses.reduce((sum, use) => sum + use.used, 0);
  return {
    subnets: uses,
    usable,
    used,
    free: usable - used,
    maxNodes,
    fits: input.nodes <= maxNodes,
    fitsWithHeadroom: nodesWithHeadroom <= maxNodes,
    bottleneck,
    eniConfigUnchecked,
  };
}

/** The longest prefix length from /28 to /16 whose subnets, `count` of them, hold `nodes` round-robin. */
export function smallestPrefixLength(demand: SubnetDemand, nodes: number, count: number): number | null {
  const perSubnet = Math.ceil(nodes / count);
  for (let length = SUBNET_PREFIX_LENGTH.max; length >= SUBNET_PREFIX_LENGTH.min; length -= 1) {
    const capacity = nodesPerSubnet(sizedCidr(length), demand);
    if (capacity === null || capacity >= perSubnet) return length;
  }
  return null;
}

function size(input: IpPlanInput, node: NodePlan, nodesWithHeadroom: number): SubnetSizing {
  const nodeSubnets = Math.max(1, input.nodeSubnets.length);
  // One ENIConfig per zone: as many ENIConfig subnets as node subnets unless they were given.
  const eniConfigSubnets = input.eniConfigSubnets.length > 0 ? input.eniConfigSubnets.length : nodeSubnets;
  return {
    nodeSubnets,
    nodeSubnetPrefixLength: smallestPrefixLength(node.nodeSubnet, nodesWithHeadroom, nodeSubnets),
    eniConfigSubnets,
    eniConfigSubnetPrefixLength:
      node.eniConfigSubnet === null
        ? null
        : smallestPrefixLength(node.eniConfigSubnet, nodesWithHeadroom, eniConfigSubnets),
  };
}

function planSetting(
  input: IpPlanInput,
  name: SettingName,
  base: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
  nodesWithHeadroom: number,
): SettingPlan {
  const env = { ...base, ...changes };
  const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
  const node = planNode(input.instanceType, settings, input.podsPerNode);
  return {
    name,
    env,
    changes,
    settings,
    node,
    placement: place(input, node, nodesWithHeadroom),
    sizing: size(input, node, nodesWithHeadroom),
    podsServed: node.pendingPods === 0 && node.steady.failed === 0,
  };
}

/** The given variables without those that choose the warm pool: what every alternative but custom networking keeps. */
export function structuralEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!(WARM_POOL_VARIABLES as readonly string[]).includes(name)) kept[name] = value;
  }
  return kept;
}

/**
 * The order alternatives are preferred in when several fit: keep what is given, then the fewest
 * moving parts. WARM_IP_TARGET costs EC2 calls and cold starts under churn (§11.1); prefix
 * delegation needs whole free /28s and a new kubelet maxPods (§4.1, §4.4); custom networking needs
 * ENIConfig subnets and lowers pod capacity (§5).
 */
const PREFERENCE: readonly SettingName[] = ['given', 'defaults', 'warm-ip', 'prefix-delegation', 'custom-networking'];

/** The size of the largest subnet a setting needs: shorter prefix, bigger subnet. */
function largestSubnetNeeded(plan: SettingPlan): number | null {
  const { nodeSubnetPrefixLength, eniConfigSubnetPrefixLength } = plan.sizing;
  if (nodeSubnetPrefixLength === null) return null;
  if (plan.node.eniConfigSubnet === null) return nodeSubnetPrefixLength;
  if (eniConfigSubnetPrefixLength === null) return null;
  return Math.min(nodeSubnetPrefixLength, eniConfigSubnetPrefixLength);
}

function recommend(plans: readonly SettingPlan[], input: IpPlanInput, nodesWithHeadroom: number): Recommendation {
  const ranked = [...plans].sort((a, b) => PREFERENCE.indexOf(a.name) - PREFERENCE.indexOf(b.name));
  const served = ranked.filter((plan) => plan.podsServed);
  const [firstServed] = served;
  if (firstServed === undefined) {
    const best = Math.max(...plans.map((plan) => plan.node.steady.assigned));
    return {
      status: 'none',
      reason: `no setting gives ${input.podsPerNode} pods per node an address on ${input.instanceType.name}: at most ${best}`,
    };
  }
  const chosen = (plan: SettingPlan, reason: string): Recommendation => ({ status: 'recommended', plan, reason });
  const fitting = served.find((plan) => plan.placement?.fitsWithHeadroom === true);
  if (fitting !== undefined) {
    const unchecked = fitting.placement?.eniConfigUnchecked === true ? '; ENIConfig subnets sized, not checked' : '';
    return chosen(
      fitting,
      (fitting.name === 'given'
        ? 'the given settings hold the nodes and the headroom'
        : `the first of ${PREFERENCE.slice(1).join(', ')} that holds the nodes and the headroom in the given subnets`) +
        unchecked,
    );
  }
  // Nothing fits the given subnets (or none was given): the setting that needs the smallest subnets.
  let best: SettingPlan | null = null;
  for (const plan of served) {
    const needed = largestSubnetNeeded(plan);
    if (needed !== null && (best === null || needed > (largestSubnetNeeded(best) ?? 0))) best = plan;
  }
  if (best === null) {
    return chosen(firstServed, `${nodesWithHeadroom} nodes need more than a /16 per subnet: add subnets`);
  }
  return chosen(
    best,
    input.nodeSubnets.length === 0
      ? 'of the settings that give every pod an address, the one that needs the smallest subnets'
      : 'no setting holds the nodes and the headroom in the given subnets; this one needs the smallest new ones',
  );
}

/** `ceil(nodes × (1 + percent/100))`, without the float error that would turn 110.00000000000001 into 111. */
export function withHeadroom(nodes: number, percent: number): number {
  return Math.ceil((nodes * (100 + percent)) / 100 - 1e-9);
}

/** Plans the given settings and the alternatives, and recommends one with a subnet size. */
export function planIps(input: IpPlanInput): IpPlan {
  const type = input.instanceType;
  const nodesWithHeadroom = withHeadroom(input.nodes, input.headroomPercent);
  const parsed = parseVpcCniEnv(input.env, EKS_MANIFEST_DEFAULTS);
  const given = planSetting(input, 'given', {}, input.env, nodesWithHeadroom);
  const kept = structuralEnv(input.env);

  const alternatives: SettingPlan[] = [
    planSetting(input, 'defaults', kept, { WARM_ENI_TARGET: '1' }, nodesWithHeadroom),
    planSetting(
      input,
      'warm-ip',
      kept,
      { WARM_IP_TARGET: String(ALTERNATIVE_WARM_IP_TARGET), MINIMUM_IP_TARGET: String(input.podsPerNode) },
      nodesWithHeadroom,
    ),
  ];
  const omitted: OmittedAlternative[] = [];
  if (supportsPrefixDelegation(type)) {
    alternatives.push(
      planSetting(
        input,
        'prefix-delegation',
        kept,
        { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' },
        nodesWithHeadroom,
      ),
    );
  } else {
    omitted.push({
      name: 'prefix-delegation',
      reason: `${type.name} is not a Nitro instance (hypervisor ${type.hypervisor ?? 'unknown'}); ipamd would keep secondary IPs`,
    });
  }
  if (!parsed.settings.customNetworking) {
    const custom = planSetting(
      input,
      'custom-networking',
      input.env,
      { [CUSTOM_NETWORKING_VARIABLE]: 'true' },
      nodesWithHeadroom,
    );
    // Custom networking moves pod addresses to other subnets: it applies when the node subnets run dry.
    const nodeSubnetShort = given.placement !== null && !given.placement.fitsWithHeadroom;
    if (custom.node.steady.podEniLimit === 0) {
      omitted.push({
        name: 'custom-networking',
        reason: `${type.name} has no ENI left for pods once the primary is taken`,
      });
    } else if (nodeSubnetShort || input.eniConfigSubnets.length > 0) {
      alternatives.push(custom);
    } else {
      omitted.push({
        name: 'custom-networking',
        reason:
          given.placement === null
            ? 'no subnet given, so no node subnet to relieve'
            : 'the node subnets hold the nodes and the headroom without it',
      });
    }
  }
  return {
    input,
    nodesWithHeadroom,
    given,
    alternatives,
    omitted,
    recommendation: recommend([given, ...alternatives], input, nodesWithHeadroom),
    notModelled: parsed.ignored,
  };
}

/** Aligned /28 blocks one node takes from a subnet with prefixes, singles counted as blocks; null without prefixes. */
export function prefixBlocksPerNode(demand: SubnetDemand): number | null {
  return demand.prefixes > 0 ? demand.prefixes + demand.singles : null;
}
