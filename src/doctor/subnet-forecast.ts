/**
 * Where each subnet's addresses go (node primaries, secondary ENIs, pod IPs, ipamd warm pools, the rest)
 * and how many more pods it takes before it runs dry at the cluster's current density and aws-node
 * settings; with prefix delegation, also before a /28 may no longer be found. Pure: cluster state and
 * catalog in, forecasts and findings out.
 *
 * Decisions (the brief left them open):
 * - A node belongs to the subnet holding its InternalIP. Its secondary ENIs, pod addresses and warm pool
 *   are there too, unless custom networking moves them to the ENIConfig subnet of its zone (§5); the
 *   cluster state carries no ENIConfig, so that subnet is the one holding most of the node's pod IPs, or
 *   for a node without pods the one most nodes of its zone use. Subnet discovery (§7.1) can put a new
 *   ENI in another tagged subnet of the zone; that is not modelled, and the basis counts the pods of a
 *   subnet's nodes that have addresses elsewhere.
 * - A node's ENIs and warm pool are the closed-form steady state (§3.8, §4.2) for the pods on it that
 *   need an address from ipamd; SecurityGroupPolicy pods take a branch ENI instead (§6).
 * - The forecast is one fixed sequence of steps, stopped at the first one the subnet cannot pay for:
 *   first the existing nodes' spare pods that their warm pools already cover, then their paid growth
 *   (a new ENI, IP or /28, round by round over the nodes, the cheapest per pod first in each round),
 *   then new nodes of the subnet's most common type and pool at that pool's mean density. A fixed
 *   sequence keeps the answer monotone in the free addresses and easy to explain.
 */

import type { ClusterNode, ClusterPod, ClusterState, ClusterSubnet } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import { ADDRESSES_PER_PREFIX } from '../core/eni-math.js';
import type { InstanceType } from '../core/instance-type.js';
import { type Ipv4Cidr, parseIpv4Cidr, prefixBlocks, usableAddresses } from '../network/cidr.js';
import { ALTERNATIVE_WARM_IP_TARGET, defaultMaxPods } from '../network/ip-plan.js';
import { computeSteadyState, type SteadyState } from '../network/steady-state.js';
import {
  EKS_MANIFEST_DEFAULTS,
  ipTargetsDefined,
  parseVpcCniEnv,
  type VpcCniSettings,
  withIpamdDefaults,
} from '../network/vpc-cni-settings.js';
import type { DoctorFinding, SubnetForecast, SubnetUse } from './doctor-result.js';

/** The extended resource the resource controller's webhook adds to pods of a SecurityGroupPolicy (§6). */
const POD_ENI_RESOURCE = 'vpc.amazonaws.com/pod-eni';

/** SUBNET_NEAR_EXHAUSTION: the free addresses hold fewer new nodes than this… */
const NEAR_EXHAUSTION_NEW_NODES = 3;
/** …or room for fewer pods than this share of the pods now on the subnet's nodes. */
const NEAR_EXHAUSTION_GROWTH_SHARE = 0.1;
/** WARM_POOL_HOLDS_ADDRESSES: warm pools hold at least this share of the subnet's used addresses. */
const WARM_SHARE_OF_USED = 0.2;
/**
 * PREFIX_FRAGMENTATION_RISK: the worst case leaves fewer pods than this share of the address forecast,
 * and at least a /28's worth of pods fewer.
 */
const FRAGMENTATION_SHARE = 0.5;
/** Names listed in a finding's evidence; the message gives the counts. */
const EVIDENCE_NAMES = 5;

interface PodTally {
  hostNetwork: number;
  /** Pods that need an address from ipamd (not hostNetwork, not on a branch ENI). */
  ipPods: number;
  ipPodsWithIp: number;
  branchPods: number;
  /** Pod IPs (of pods that need one) by subnet index. */
  readonly bySubnet: Map<number, number>;
  /** `subnet:block` of the /28 blocks holding the node's ipamd pod IPs. */
  readonly blocks: Set<string>;
}

type PodSubnetSource = 'node-subnet' | 'pod-ips' | 'zone' | 'unknown';

interface NodeFacts {
  readonly node: ClusterNode;
  readonly type: InstanceType | null;
  readonly maxPods: number;
  readonly tally: PodTally;
  readonly nodeSubnet: number | null;
  /** Where secondary ENIs, pod addresses and the warm pool live. */
  readonly podSubnet: number | null;
  readonly podSubnetSource: PodSubnetSource;
  readonly steady: SteadyState | null;
  /** More ipamd pods the node admits and can give an address: min(maxPods − hostNetwork − branch, pod IPs) − now. */
  readonly spare: number;
}

/** What one node takes from one subnet: addresses, and /28 blocks in the worst case (each single breaks one). */
interface Demand {
  readonly addresses: number;
  readonly blocks: number;
  /** Of which /28 prefixes. */
  readonly prefixes: number;
}

interface Role {
  readonly node: boolean;
  readonly pod: boolean;
}

type Measure = 'addresses' | 'blocks';

/** A run of identical steps: `count` nodes each paying `cost` for `pods` more pods. */
interface Step {
  readonly cost: number;
  readonly pods: number;
  readonly count: number;
}

/** The new node the forecast adds: the subnet's most common type and pool at its mean density. */
interface NewNode {
  readonly type: InstanceType;
  readonly poolNodes: number;
  readonly density: number;
  readonly pods: number;
  readonly demand: Demand;
  readonly role: Role;
  readonly steady: SteadyState;
}

class SteadyStateCache {
  private readonly states = new Map<string, SteadyState>();
  constructor(private readonly settings: VpcCniSettings) {}

  get(type: InstanceType, maxPods: number, ipPods: number, branchPods: number): SteadyState {
    const key = `${type.name}|${maxPods}|${ipPods}|${branchPods}`;
    let state = this.states.get(key);
    if (state === undefined) {
      state = computeSteadyState({ instanceType: type, settings: this.settings, maxPods, ipPods, branchPods });
      this.states.set(key, state);
    }
    return state;
  }
}

function parseAddress(text: string | null): number | null {
  if (text === null) return null;
  const parsed = parseIpv4Cidr(`${text.trim()}/32`);
  return parsed.ok ? parsed.value.base : null;
}

function holds(cidr: Ipv4Cidr, address: number): boolean {
  return address >= cidr.base && address < cidr.base + cidr.size;
}

function subnetOf(cidrs: readonly (Ipv4Cidr | null)[], address: number | null): number | null {
  if (address === null) return null;
  const index = cidrs.findIndex((cidr) => cidr !== null && holds(cidr, address));
  return index === -1 ? null : index;
}

/** The key with the highest count; ties go to the first in sort order, so the result does not depend on input order. */
function mostCommon<K extends string | number>(counts: ReadonlyMap<K, number>): K | null {
  let best: K | null = null;
  let bestCount = -1;
  for (const [key, count] of [...counts].sort(([a], [b]) => String(a).localeCompare(String(b)))) {
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

function increment<K>(counts: Map<K, number>, key: K, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)} %`;
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/** Pods that hold or wait for an address: terminated pods hold none. */
function isActive(pod: ClusterPod): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

function isBranchPod(pod: ClusterPod, settings: VpcCniSettings): boolean {
  return settings.podEni && (pod.requests.extended.get(POD_ENI_RESOURCE) ?? 0) > 0;
}

/** The active warm setting, as a user would write it. */
function describeWarm(settings: VpcCniSettings, steady: SteadyState | null): string {
  if (ipTargetsDefined(settings)) {
    return `WARM_IP_TARGET=${settings.warmIpTarget}, MINIMUM_IP_TARGET=${settings.minimumIpTarget}`;
  }
  if (steady?.mode === 'prefix-delegation') return `prefix delegation, WARM_PREFIX_TARGET=${settings.warmPrefixTarget}`;
  return `WARM_ENI_TARGET=${settings.warmEniTarget}`;
}

/**
 * What a node in this state takes from a subnet where it has the given role. Without custom networking
 * everything is in the node subnet; with it the node subnet keeps the node's own address and the rest is
 * in the ENIConfig subnet (§5, §7.2). Prefixes are whole /28s; every other address may break one (§4.4).
 */
function demandIn(steady: SteadyState, role: Role, customNetworking: boolean): Demand {
  const addresses = (role.node ? steady.subnetAddresses.node : 0) + (role.pod ? steady.subnetAddresses.pod : 0);
  const prefixes = (customNetworking ? role.pod : role.node) ? steady.prefixes : 0;
  const singles = addresses - prefixes * ADDRESSES_PER_PREFIX;
  return { addresses, blocks: prefixes + singles, prefixes };
}

/**
 * The worst-case count of free aligned /28 blocks, from what is known (§4.4: a prefix needs a whole free
 * aligned /28, and EC2 shows no fragmentation, so a bound is all there is):
 * - the subnet's eligible blocks: every /28 but the first and last, which hold AWS's five (§4.4, §7.2);
 * - blocks holding an ipamd pod IP of a prefix-delegation node are delegated prefixes (16 used
 *   addresses each), and blocks holding a node's InternalIP are taken;
 * - the nodes hold at least their steady-state prefixes (ceil(pods/16) plus the warm target, §4.2: a
 *   /28 with a pod is never released, so churn only raises it); those beyond the known blocks sit in
 *   other whole blocks, one block each;
 * - every other used address (ENI primaries, load balancers, anything EC2 counts) is assumed to sit
 *   alone in its own block and break it: the worst layout the counts allow.
 * Underestimating the prefixes only lowers the bound (their addresses then count as singles).
 */
function guaranteedFreeBlocks(
  cidr: Ipv4Cidr,
  used: number,
  knownPrefixBlocks: ReadonlySet<number>,
  heldPrefixes: number,
  nodeAddresses: readonly number[],
): number {
  const blockCount = cidr.size / ADDRESSES_PER_PREFIX;
  const eligible = prefixBlocks(cidr);
  const isEligible = (block: number) => block >= 1 && block <= blockCount - 2;
  const nodeBlocks = new Set<number>();
  let knownSingles = 0;
  for (const address of nodeAddresses) {
    const block = Math.floor((address - cidr.base) / ADDRESSES_PER_PREFIX);
    if (knownPrefixBlocks.has(block)) continue;
    knownSingles += 1;
    if (isEligible(block)) nodeBlocks.add(block);
  }
  const knownUsed = knownPrefixBlocks.size * ADDRESSES_PER_PREFIX + knownSingles;
  // Trusted even when EC2's used count is too small to hold them (the basis then notes the overshoot):
  // capping them by that count would turn up to 15 of their addresses into singles and make the bound
  // fall as free addresses rise.
  const warmPrefixes = Math.max(0, heldPrefixes - knownPrefixBlocks.size);
  const unknownSingles = Math.max(0, used - knownUsed - warmPrefixes * ADDRESSES_PER_PREFIX);
  return Math.max(0, eligible - knownPrefixBlocks.size - nodeBlocks.size - warmPrefixes - unknownSingles);
}

/**
 * Cuts a node's growth from its pods now to `spare` more into segments: the pods added between two cost
 * increases. Stops before the first pod the node's pool would not give an address (MINIMUM_IP_TARGET
 * without WARM_IP_TARGET freezes the pool, §3.8).
 */
function growthSegments(
  spare: number,
  costAt: (extraPods: number) => number,
  served: (extraPods: number) => boolean,
): { freePods: number; paid: { cost: number; pods: number }[] } {
  const base = costAt(0);
  let freePods = 0;
  const paid: { cost: number; pods: number }[] = [];
  let paidUpTo = base;
  for (let extra = 1; extra <= spare && served(extra); extra += 1) {
    const cost = Math.max(paidUpTo, costAt(extra));
    const last = paid[paid.length - 1];
    if (cost > paidUpTo) {
      paid.push({ cost: cost - paidUpTo, pods: 1 });
      paidUpTo = cost;
    } else if (last === undefined) {
      freePods += 1;
    } else {
      last.pods += 1;
    }
  }
  return { freePods, paid };
}

/** Pods the fixed sequence of steps places before the first step the budget cannot pay for. */
function podsWithin(budget: number, freePods: number, steps: readonly Step[], newNode: Step | null): number {
  let left = Math.max(0, budget);
  let pods = freePods;
  for (const step of steps) {
    const taken = Math.min(step.count, Math.floor(left / step.cost));
    pods += taken * step.pods;
    left -= taken * step.cost;
    if (taken < step.count) return pods;
  }
  if (newNode !== null && newNode.cost > 0) pods += Math.floor(left / newNode.cost) * newNode.pods;
  return pods;
}

interface Growth {
  readonly freePods: number;
  readonly steps: readonly Step[];
}

/**
 * The existing nodes' growth in one subnet, measured in addresses or /28 blocks: the pods their warm
 * pools cover for nothing, then the paid segments round by round (every node's first paid segment, then
 * every second), the cheapest per pod first within a round. Identical nodes are grouped.
 */
function existingGrowth(
  nodes: readonly NodeFacts[],
  roleOf: (facts: NodeFacts) => Role,
  measure: Measure,
  cache: SteadyStateCache,
  customNetworking: boolean,
): Growth {
  const groups = new Map<string, { facts: NodeFacts; count: number }>();
  for (const facts of nodes) {
    if (facts.type === null || facts.spare === 0) continue;
    const role = roleOf(facts);
    const key = [
      facts.type.name,
      facts.maxPods,
      facts.tally.ipPods,
      facts.tally.branchPods,
      facts.spare,
      role.node,
      role.pod,
    ].join('|');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { facts, count: 1 });
    else group.count += 1;
  }
  let freePods = 0;
  const rounds: { key: string; step: Step }[][] = [];
  for (const [key, { facts, count }] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const type = facts.type;
    if (type === null) continue;
    const role = roleOf(facts);
    const steadyAt = (extra: number) =>
      cache.get(type, facts.maxPods, facts.tally.ipPods + extra, facts.tally.branchPods);
    const segments = growthSegments(
      facts.spare,
      (extra) => demandIn(steadyAt(extra), role, customNetworking)[measure],
      (extra) => steadyAt(extra).failed === 0,
    );
    freePods += segments.freePods * count;
    segments.paid.forEach((segment, round) => {
      const steps = rounds[round] ?? [];
      steps.push({ key, step: { ...segment, count } });
      rounds[round] = steps;
    });
  }
  const steps = rounds.flatMap((round) =>
    round
      .sort((a, b) => a.step.cost / a.step.pods - b.step.cost / b.step.pods || a.key.localeCompare(b.key))
      .map(({ step }) => step),
  );
  return { freePods, steps };
}

interface SubnetContext {
  readonly settings: VpcCniSettings;
  readonly settingsRead: boolean;
  readonly cache: SteadyStateCache;
  readonly facts: readonly NodeFacts[];
  readonly podsBySubnet: ReadonlyMap<number, number>;
  /** Per subnet, the /28 blocks holding ipamd pod IPs of prefix-delegation nodes. */
  readonly prefixBlocksBySubnet: ReadonlyMap<number, Set<number>>;
}

function roleIn(facts: NodeFacts, subnet: number): Role {
  return { node: facts.nodeSubnet === subnet, pod: facts.podSubnet === subnet };
}

function roleKey(role: Role): string {
  return `${role.node ? 'node' : ''}${role.pod ? '+pod' : ''}`;
}

/** The subnet's most common type and pool, at its mean density of ipamd and branch pods per node. */
function chooseNewNode(drawing: readonly NodeFacts[], subnet: number, context: SubnetContext): NewNode | null {
  const pools = new Map<string, NodeFacts[]>();
  for (const facts of drawing) {
    if (facts.type === null) continue;
    const key = `${facts.type.name} ${facts.node.nodePool ?? facts.node.nodeGroup ?? ''}`;
    const members = pools.get(key);
    if (members === undefined) pools.set(key, [facts]);
    else members.push(facts);
  }
  const dominant = mostCommon(new Map([...pools].map(([key, members]) => [key, members.length] as const)));
  const members = dominant === null ? undefined : pools.get(dominant);
  const type = members?.[0]?.type;
  if (members === undefined || type === undefined || type === null) return null;
  const count = (value: (facts: NodeFacts) => number | string) => {
    const counts = new Map<number | string, number>();
    for (const facts of members) increment(counts, value(facts));
    return mostCommon(counts);
  };
  const mean = (value: (facts: NodeFacts) => number) =>
    Math.round(members.reduce((sum, facts) => sum + value(facts), 0) / members.length);
  const maxPods = Number(count((facts) => facts.maxPods));
  const hostNetwork = Number(count((facts) => facts.tally.hostNetwork));
  const branchPods = mean((facts) => facts.tally.branchPods);
  const density = Math.min(
    mean((facts) => facts.tally.ipPods),
    Math.max(0, maxPods - hostNetwork - branchPods),
  );
  const roleText = String(count((facts) => roleKey(roleIn(facts, subnet))));
  const role = { node: roleText.startsWith('node'), pod: roleText.endsWith('pod') };
  const steady = context.cache.get(type, maxPods, density, branchPods);
  return {
    type,
    poolNodes: members.length,
    density,
    pods: steady.assigned + steady.branchEnis,
    demand: demandIn(steady, role, context.settings.customNetworking),
    role,
    steady,
  };
}

interface SubnetResult {
  readonly forecast: SubnetForecast;
  readonly findings: DoctorFinding[];
}

function forecastSubnet(
  subnet: ClusterSubnet,
  index: number,
  cidr: Ipv4Cidr | null,
  context: SubnetContext,
): SubnetResult {
  const { settings } = context;
  const custom = settings.customNetworking;
  const podsHere = context.podsBySubnet.get(index) ?? 0;
  const free = Math.max(0, subnet.availableAddresses);
  const label = `Subnet ${subnet.id} (${subnet.cidr}, ${subnet.zone})`;
  if (cidr === null) {
    return {
      forecast: {
        id: subnet.id,
        zone: subnet.zone,
        cidr: subnet.cidr,
        usable: 0,
        free,
        use: { nodes: 0, enis: 0, pods: 0, warm: 0, other: 0 },
        podsUntilDry: null,
        podsUntilPrefixFailure: null,
        basis: `The CIDR ${subnet.cidr} is not an IPv4 CIDR podcap can read; no forecast.`,
      },
      findings: [],
    };
  }

  const usable = usableAddresses(cidr);
  const used = Math.max(0, usable - free);
  const drawing = context.facts.filter((facts) => facts.nodeSubnet === index || facts.podSubnet === index);
  const estimated = drawing.filter((facts) => facts.steady !== null);
  const podSide = (facts: NodeFacts) => (custom ? facts.podSubnet : facts.nodeSubnet) === index;
  const warmOf = (facts: NodeFacts) =>
    facts.steady === null ? 0 : Math.max(0, facts.steady.held - facts.tally.ipPodsWithIp);

  const nodes = context.facts.filter((facts) => facts.nodeSubnet === index).length;
  let enis = 0;
  let warm = 0;
  for (const facts of estimated) {
    if (!podSide(facts) || facts.steady === null) continue;
    enis += facts.steady.attachedEnis - 1;
    warm += warmOf(facts);
  }
  const accounted = nodes + enis + podsHere + warm;
  const overshoot = Math.max(0, accounted - used);
  const use: SubnetUse = { nodes, enis, pods: podsHere, warm, other: Math.max(0, used - accounted) };

  const notes: string[] = [];
  const unknownTypes = drawing.length - estimated.length;
  if (unknownTypes > 0) {
    notes.push(`${plural(unknownTypes, 'node')} of unknown instance type counted without ENIs or warm pool`);
  }
  if (custom) {
    const inferred = drawing.filter((facts) => facts.podSubnet === index && facts.podSubnetSource !== 'node-subnet');
    if (inferred.length > 0) {
      notes.push('pod subnet inferred from pod IPs (custom networking; ENIConfigs not read)');
    }
  }
  if (!custom) {
    const elsewhere = drawing.reduce(
      (sum, facts) =>
        sum + [...facts.tally.bySubnet].reduce((total, [at, count]) => total + (at === index ? 0 : count), 0),
      0,
    );
    if (elsewhere > 0) {
      notes.push(
        `${plural(elsewhere, 'pod')} of its nodes have addresses in other subnets (subnet discovery, not modelled)`,
      );
    }
  }
  if (overshoot > 0) notes.push(`the estimate passes EC2's used count by ${overshoot}, so other is 0`);
  if (!context.settingsRead) notes.push('aws-node env not read, EKS defaults assumed');

  const newNode = chooseNewNode(estimated, index, context);
  const roleOf = (facts: NodeFacts) => roleIn(facts, index);
  const schedulable = estimated.filter((facts) => !facts.node.unschedulable);
  const addressGrowth = existingGrowth(schedulable, roleOf, 'addresses', context.cache, custom);
  const newNodeStep = (measure: Measure): Step | null =>
    newNode === null ? null : { cost: newNode.demand[measure], pods: newNode.pods, count: 1 };

  let podsUntilDry: number | null = null;
  let podsUntilPrefixFailure: number | null = null;
  let freeBlocks: number | null = null;
  const prefixNodes = estimated.filter((facts) => podSide(facts) && facts.steady?.mode === 'prefix-delegation');
  if (newNode !== null) {
    podsUntilDry = podsWithin(free, addressGrowth.freePods, addressGrowth.steps, newNodeStep('addresses'));
    if (prefixNodes.length > 0 || newNode.demand.prefixes > 0) {
      const heldPrefixes = prefixNodes.reduce(
        (sum, facts) => sum + Math.max(facts.steady?.prefixes ?? 0, blocksOfNodeIn(facts, index)),
        0,
      );
      const nodeAddresses = context.facts
        .filter((facts) => facts.nodeSubnet === index)
        .map((facts) => parseAddress(facts.node.internalIp))
        .filter((address): address is number => address !== null);
      freeBlocks = guaranteedFreeBlocks(
        cidr,
        used,
        context.prefixBlocksBySubnet.get(index) ?? new Set(),
        heldPrefixes,
        nodeAddresses,
      );
      const blockGrowth = existingGrowth(schedulable, roleOf, 'blocks', context.cache, custom);
      podsUntilPrefixFailure = podsWithin(freeBlocks, blockGrowth.freePods, blockGrowth.steps, newNodeStep('blocks'));
    }
  }

  const basis = describeBasis({ drawing, newNode, addressGrowth, podsHere, notes, freeBlocks, context });
  const forecast: SubnetForecast = {
    id: subnet.id,
    zone: subnet.zone,
    cidr: subnet.cidr,
    usable,
    free,
    use,
    podsUntilDry,
    podsUntilPrefixFailure,
    basis,
  };

  const findings: DoctorFinding[] = [];
  const nodeNames = drawing.map((facts) => facts.node.name).sort();
  const evidence = {
    subnets: [subnet.id],
    ...(nodeNames.length > 0 ? { nodes: nodeNames.slice(0, EVIDENCE_NAMES) } : {}),
    ...(newNode !== null ? { instanceTypes: [newNode.type.name] } : {}),
  };
  const usedByCluster = drawing.length > 0 || podsHere > 0;
  const currentPods = drawing.reduce((sum, facts) => sum + facts.tally.ipPods + facts.tally.branchPods, 0);
  const warmSetting = describeWarm(settings, newNode?.steady ?? estimated[0]?.steady ?? null);
  // Under custom networking a node subnet holds only node addresses (§5): there a full subnet stops launches.
  const nodeAddressesOnly = custom && newNode !== null && !newNode.role.pod;
  const fixSubnet = nodeAddressesOnly
    ? `Fix: more or larger node subnets in ${subnet.zone} (each node takes one address here).`
    : custom
      ? `Fix: a larger ENIConfig subnet for ${subnet.zone} (a secondary VPC CIDR such as 100.64.0.0/16 serves), or smaller warm pools (WARM_IP_TARGET with MINIMUM_IP_TARGET).`
      : `Fix: more subnets in ${subnet.zone} for the nodes, custom networking with a secondary VPC CIDR (ENIConfig subnets), or smaller warm pools (WARM_IP_TARGET with MINIMUM_IP_TARGET).`;
  const exhausted =
    usedByCluster &&
    (free === 0 || (newNode !== null && newNode.demand.addresses > 0 && free < newNode.demand.addresses));
  if (exhausted) {
    const what =
      free === 0 && nodeAddressesOnly
        ? `has no free address: no new node can launch there (InsufficientFreeAddressesInSubnet).`
        : free === 0
          ? `has no free address: ipamd cannot add an IP, prefix or ENI there (InsufficientFreeAddressesInSubnet), so pods beyond the warm pools of its ${plural(drawing.length, 'node')} stay in ContainerCreating.`
          : `has ${plural(free, 'free address', 'free addresses')}, fewer than the ${newNode?.demand.addresses} a new ${newNode?.type.name} node takes there for ${newNode?.pods} pods (${warmSetting}); ` +
            `its existing nodes can take ${podsUntilDry ?? 0} more pods.`;
    findings.push({ code: 'SUBNET_EXHAUSTED', severity: 'error', message: `${label} ${what} ${fixSubnet}`, evidence });
  } else if (newNode !== null && podsUntilDry !== null) {
    const fewNodes = free < NEAR_EXHAUSTION_NEW_NODES * newNode.demand.addresses;
    const littleGrowth = podsUntilDry < NEAR_EXHAUSTION_GROWTH_SHARE * currentPods;
    if (fewNodes || littleGrowth) {
      const why = fewNodes
        ? `room for fewer than ${NEAR_EXHAUSTION_NEW_NODES} new ${newNode.type.name} nodes at ${newNode.demand.addresses} addresses each`
        : `under ${percent(NEAR_EXHAUSTION_GROWTH_SHARE, 1)} of the ${currentPods} pods now on its nodes`;
      findings.push({
        code: 'SUBNET_NEAR_EXHAUSTION',
        severity: 'warning',
        message:
          `${label} has ${plural(free, 'free address', 'free addresses')}: ${podsUntilDry} more pods at the current density before it runs dry (${why}; ${warmSetting}). ` +
          fixSubnet,
        evidence,
      });
    }
  }

  if (
    podsUntilDry !== null &&
    podsUntilPrefixFailure !== null &&
    podsUntilPrefixFailure < FRAGMENTATION_SHARE * podsUntilDry &&
    podsUntilDry - podsUntilPrefixFailure >= ADDRESSES_PER_PREFIX
  ) {
    findings.push({
      code: 'PREFIX_FRAGMENTATION_RISK',
      severity: 'warning',
      message:
        `${label}: the free addresses hold ${podsUntilDry} more pods, but if the ${used} used ones are scattered only ${plural(freeBlocks ?? 0, 'free aligned /28')} are sure to remain, ` +
        `enough for ${podsUntilPrefixFailure} more pods; past that ipamd gets InsufficientCidrBlocks and pods stay in ContainerCreating with no fallback to single IPs. ` +
        `Fix: reserve a range for prefixes (aws ec2 create-subnet-cidr-reservation --subnet-id ${subnet.id} --reservation-type prefix --cidr <a free part of ${subnet.cidr}>), or give prefix-delegation nodes a dedicated subnet.`,
      evidence,
    });
  }

  if (used > 0 && warm > 0 && warm >= WARM_SHARE_OF_USED * used) {
    const holders = estimated
      .filter((facts) => podSide(facts) && warmOf(facts) > 0)
      .sort((a, b) => warmOf(b) - warmOf(a) || a.node.name.localeCompare(b.node.name));
    findings.push({
      code: 'WARM_POOL_HOLDS_ADDRESSES',
      severity: exhausted || findings.some((finding) => finding.code === 'SUBNET_NEAR_EXHAUSTION') ? 'warning' : 'info',
      message:
        `${label}: ${warm} of its ${used} used addresses (${percent(warm, used)}) sit idle in the ipamd warm pools of ${plural(holders.length, 'node')} (${warmSetting}). ` +
        warmFix(settings, holders, newNode, warm),
      evidence: { ...evidence, nodes: holders.slice(0, EVIDENCE_NAMES).map((facts) => facts.node.name) },
    });
  }
  return { forecast, findings };
}

/** Distinct /28 blocks of the subnet holding this node's ipamd pod IPs. */
function blocksOfNodeIn(facts: NodeFacts, subnet: number): number {
  const prefix = `${subnet}:`;
  let count = 0;
  for (const key of facts.tally.blocks) if (key.startsWith(prefix)) count += 1;
  return count;
}

/** The fix for idle warm pools, with what the nodes would hold under the planner's WARM_IP_TARGET alternative. */
function warmFix(
  settings: VpcCniSettings,
  holders: readonly NodeFacts[],
  newNode: NewNode | null,
  idleNow: number,
): string {
  if (ipTargetsDefined(settings)) {
    return 'Fix: lower WARM_IP_TARGET and MINIMUM_IP_TARGET (MINIMUM_IP_TARGET at most the pods a node usually runs).';
  }
  const minimum = newNode?.density ?? 0;
  const alternative: VpcCniSettings = {
    ...settings,
    warmIpTarget: ALTERNATIVE_WARM_IP_TARGET,
    minimumIpTarget: minimum,
  };
  const cache = new SteadyStateCache(alternative);
  let after = 0;
  for (const facts of holders) {
    if (facts.type === null) continue;
    const steady = cache.get(facts.type, facts.maxPods, facts.tally.ipPods, facts.tally.branchPods);
    after += Math.max(0, steady.held - facts.tally.ipPodsWithIp);
  }
  // With prefixes a node holds whole /28s: 16·ceil((N + w)/16) at best (§4.2), which may be what it holds now.
  if (after >= idleNow) {
    const why = settings.prefixDelegation ? 'with prefix delegation a node holds whole /28s, and ' : '';
    return (
      `No aws-node setting frees them: ${why}WARM_IP_TARGET=${ALTERNATIVE_WARM_IP_TARGET} ` +
      `with MINIMUM_IP_TARGET=${minimum} would still leave about ${after} idle.`
    );
  }
  // WARM_IP_TARGET and MINIMUM_IP_TARGET override WARM_ENI_TARGET and WARM_PREFIX_TARGET (§3.1, §4.2).
  return (
    `Fix: set WARM_IP_TARGET=${ALTERNATIVE_WARM_IP_TARGET} and MINIMUM_IP_TARGET=${minimum} (the pods a node runs now) on aws-node: ` +
    `the same nodes would hold about ${after} idle addresses.`
  );
}

function describeBasis(parts: {
  drawing: readonly NodeFacts[];
  newNode: NewNode | null;
  addressGrowth: Growth;
  podsHere: number;
  notes: readonly string[];
  freeBlocks: number | null;
  context: SubnetContext;
}): string {
  const { drawing, newNode, podsHere, notes, freeBlocks, context } = parts;
  const clauses: string[] = [];
  if (drawing.length === 0) {
    clauses.push(
      podsHere > 0
        ? `No node of the cluster draws on this subnet though ${plural(podsHere, 'pod')} have addresses in it; no forecast`
        : 'No node or pod of the cluster uses this subnet; no forecast',
    );
  } else if (newNode === null) {
    clauses.push(`${plural(drawing.length, 'node')}, none of a known instance type; no forecast`);
  } else {
    const others = drawing.length - newNode.poolNodes;
    clauses.push(
      `${plural(newNode.poolNodes, 'node')} of ${newNode.type.name} at ${newNode.density} pods each` +
        (others > 0 ? ` (and ${plural(others, 'other node')})` : ''),
    );
    const spare = parts.addressGrowth.freePods;
    if (spare > 0) clauses.push(`existing nodes take ${spare} more pods first without new addresses here`);
    clauses.push(
      `a new node takes ${plural(newNode.demand.addresses, 'address', 'addresses')} here for ${newNode.pods} pods (${describeWarm(context.settings, newNode.steady)})`,
    );
    if (context.settings.customNetworking && !newNode.role.pod) {
      clauses.push('node addresses only: ENIs and pods take theirs in the ENIConfig subnet');
    }
    if (freeBlocks !== null) clauses.push(`worst case ${plural(freeBlocks, 'free aligned /28')} (§4.4)`);
  }
  return `${[...clauses, ...notes].join('; ')}.`;
}

/**
 * Each subnet's addresses by use and its forecast, with SUBNET_EXHAUSTED, SUBNET_NEAR_EXHAUSTION,
 * PREFIX_FRAGMENTATION_RISK and WARM_POOL_HOLDS_ADDRESSES findings. Nodes are attributed by InternalIP,
 * pods by their IP; ENIs and warm pools are estimated per node from the VPC CNI's steady state for the
 * pods on it and the aws-node env (EKS manifest defaults where unset).
 */
export function forecastSubnets(
  state: ClusterState,
  catalog: CatalogIndex,
): { subnets: SubnetForecast[]; findings: DoctorFinding[] } {
  const env = state.vpcCni === null ? {} : withIpamdDefaults(state.vpcCni.env);
  const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
  const cache = new SteadyStateCache(settings);
  const cidrs = state.subnets.map((subnet) => {
    const parsed = parseIpv4Cidr(subnet.cidr);
    return parsed.ok ? parsed.value : null;
  });

  const tallies = new Map<string, PodTally>();
  const tallyOf = (nodeName: string): PodTally => {
    let tally = tallies.get(nodeName);
    if (tally === undefined) {
      tally = { hostNetwork: 0, ipPods: 0, ipPodsWithIp: 0, branchPods: 0, bySubnet: new Map(), blocks: new Set() };
      tallies.set(nodeName, tally);
    }
    return tally;
  };
  const podsBySubnet = new Map<number, number>();
  for (const pod of state.pods) {
    if (!isActive(pod)) continue;
    // A hostNetwork pod's IP is its node's: counted with the node.
    if (pod.hostNetwork) {
      if (pod.nodeName !== null) tallyOf(pod.nodeName).hostNetwork += 1;
      continue;
    }
    const address = parseAddress(pod.podIp);
    const subnet = subnetOf(cidrs, address);
    if (subnet !== null) increment(podsBySubnet, subnet);
    if (pod.nodeName === null) continue;
    const tally = tallyOf(pod.nodeName);
    if (subnet !== null) increment(tally.bySubnet, subnet);
    if (isBranchPod(pod, settings)) {
      tally.branchPods += 1;
      continue;
    }
    tally.ipPods += 1;
    if (address !== null) {
      tally.ipPodsWithIp += 1;
      const cidr = subnet === null ? null : cidrs[subnet];
      if (cidr !== null && cidr !== undefined) {
        tally.blocks.add(`${subnet}:${Math.floor((address - cidr.base) / ADDRESSES_PER_PREFIX)}`);
      }
    }
  }

  const emptyTally: PodTally = {
    hostNetwork: 0,
    ipPods: 0,
    ipPodsWithIp: 0,
    branchPods: 0,
    bySubnet: new Map(),
    blocks: new Set(),
  };
  const base = state.nodes.map((node) => {
    const found = node.instanceType === null ? null : catalog.lookup(node.instanceType);
    const type = found?.status === 'found' ? found.instanceType : null;
    const tally = tallies.get(node.name) ?? emptyTally;
    const maxPods =
      node.capacity.pods > 0 ? node.capacity.pods : type === null ? 0 : defaultMaxPods(type, settings).value;
    const steady = type === null ? null : cache.get(type, maxPods, tally.ipPods, tally.branchPods);
    const admitted = Math.max(0, maxPods - tally.hostNetwork - tally.branchPods);
    // ipamd does not grow the pool of a cordoned node (§2), and nothing new is scheduled there.
    const spare =
      steady === null || node.unschedulable || steady.failed > 0
        ? 0
        : Math.max(0, Math.min(admitted, steady.capacity) - tally.ipPods);
    const nodeSubnet = subnetOf(cidrs, parseAddress(node.internalIp));
    const podIpSubnet = mostCommon(tally.bySubnet);
    return { node, type, maxPods, tally, nodeSubnet, steady, spare, podIpSubnet };
  });

  // Custom networking: a node without pods takes the pod subnet most nodes of its zone use (one ENIConfig a zone, §5).
  const zonePodSubnets = new Map<string, Map<number, number>>();
  for (const item of base) {
    if (item.podIpSubnet === null || item.node.zone === null) continue;
    const counts = zonePodSubnets.get(item.node.zone) ?? new Map<number, number>();
    increment(counts, item.podIpSubnet);
    zonePodSubnets.set(item.node.zone, counts);
  }
  const facts: NodeFacts[] = base.map(({ podIpSubnet, ...item }) => {
    if (!settings.customNetworking) return { ...item, podSubnet: item.nodeSubnet, podSubnetSource: 'node-subnet' };
    if (podIpSubnet !== null) return { ...item, podSubnet: podIpSubnet, podSubnetSource: 'pod-ips' };
    const zoneCounts = item.node.zone === null ? undefined : zonePodSubnets.get(item.node.zone);
    const zoneSubnet = zoneCounts === undefined ? null : mostCommon(zoneCounts);
    return zoneSubnet === null
      ? { ...item, podSubnet: null, podSubnetSource: 'unknown' }
      : { ...item, podSubnet: zoneSubnet, podSubnetSource: 'zone' };
  });

  // Blocks holding ipamd pod IPs of prefix-delegation nodes are delegated /28s (§4.1: every address of one is a pod's).
  const prefixBlocksBySubnet = new Map<number, Set<number>>();
  for (const item of facts) {
    if (item.steady?.mode !== 'prefix-delegation') continue;
    for (const key of item.tally.blocks) {
      const [subnet, block] = key.split(':').map(Number);
      if (subnet === undefined || block === undefined || subnet !== item.podSubnet) continue;
      const blocks = prefixBlocksBySubnet.get(subnet) ?? new Set<number>();
      blocks.add(block);
      prefixBlocksBySubnet.set(subnet, blocks);
    }
  }

  const context: SubnetContext = {
    settings,
    settingsRead: state.vpcCni !== null,
    cache,
    facts,
    podsBySubnet,
    prefixBlocksBySubnet,
  };
  const subnets: SubnetForecast[] = [];
  const findings: DoctorFinding[] = [];
  state.subnets.forEach((subnet, index) => {
    const result = forecastSubnet(subnet, index, cidrs[index] ?? null, context);
    subnets.push(result.forecast);
    findings.push(...result.findings);
  });
  return { subnets, findings };
}
