/**
 * The closed-form steady state of one node's VPC CNI when pods only increase: how many ENIs, secondary
 * IPs or /28 prefixes ipamd holds for `ipPods` pods, how many of them got an address, and which subnet
 * addresses the node takes. The event-driven model in ipamd.ts must settle in the same state; this one
 * costs O(ENIs) and runs for every catalog type × setting.
 * Rules: research vpc-cni-ipam.md §3.3-§3.8 (secondary IPs), §4.2 (prefixes), §5 (custom networking),
 * §6 (trunk and branch ENIs).
 */
import { ADDRESSES_PER_PREFIX, effectiveMaxEnis } from '../core/eni-math.js';
import type { InstanceType } from '../core/instance-type.js';
import { branchEniCapacity, supportsPrefixDelegation, wantsTrunkEni } from '../core/instance-type.js';
import { ipTargetsDefined, type VpcCniSettings } from './vpc-cni-settings.js';

export interface SteadyStateInput {
  readonly instanceType: InstanceType;
  readonly settings: VpcCniSettings;
  /** The kubelet's maxPods: ipamd stops growing once it holds that many addresses (v1.17.1+, §3.3). */
  readonly maxPods: number;
  /** Pods that need an address from ipamd: not hostNetwork, not on a branch ENI (§6, §8). */
  readonly ipPods: number;
  /** Pods of a SecurityGroupPolicy: each takes one branch ENI and one address in the trunk's subnet (§6). */
  readonly branchPods?: number;
}

export type AddressMode = 'secondary-ip' | 'prefix-delegation';

/**
 * What decided the addresses held: the pool is at the pod ENIs' capacity; ipamd stopped growing once it
 * held maxPods addresses; MINIMUM_IP_TARGET without WARM_IP_TARGET froze it (README 346); or the warm
 * target (WARM_ENI_TARGET, WARM_PREFIX_TARGET, or WARM_IP_TARGET with MINIMUM_IP_TARGET) is met.
 */
export type PoolBound = 'eni-capacity' | 'max-pods' | 'minimum-ip-target' | 'warm-target';

/** Subnet addresses one node takes: every ENI's primary (the first is the node's own), IPs, prefixes, branches. */
export interface NodeSubnetAddresses {
  /** In the node's own subnet. */
  readonly node: number;
  /** In the ENIConfig subnet under custom networking; 0 otherwise. */
  readonly pod: number;
  readonly total: number;
}

export interface SteadyState {
  readonly mode: AddressMode;
  /** ENABLE_PREFIX_DELEGATION on a type that is not Nitro: ipamd silently uses secondary IPs (§4.1). */
  readonly prefixDelegationFallback: boolean;
  /** `S = L_ip − 1`: secondary IPs, or prefixes, one ENI can hold (§1). */
  readonly slotsPerEni: number;
  /** `E_max`: the type's ENI limit on the default card, MAX_ENI applied. */
  readonly maxEnis: number;
  /** `U`: ENIs that may carry pod addresses (§3.8). */
  readonly podEniLimit: number;
  /** Pod addresses the node can hold at most: `U·S`, ×16 with prefixes. */
  readonly capacity: number;
  /** Every ENI attached: the primary, the pod-address ENIs and the trunk. */
  readonly attachedEnis: number;
  /** ENIs in the pod-address role; the primary counts unless custom networking takes it away. */
  readonly podEnis: number;
  readonly trunkEni: boolean;
  /** Secondary IPs or prefixes on each pod-address ENI, the primary first when it carries pods. */
  readonly perEni: readonly number[];
  readonly secondaryIps: number;
  readonly prefixes: number;
  /** Addresses held for pods: secondary IPs, or 16 per prefix. */
  readonly held: number;
  /** Pods that got an address. */
  readonly assigned: number;
  /** `held − assigned`. */
  readonly warm: number;
  /** Pods that need an address and get none: FailedCreatePodSandBox, ContainerCreating (§7.4). */
  readonly failed: number;
  readonly bound: PoolBound;
  /**
   * WARM_ENI_TARGET=0 or WARM_PREFIX_TARGET=0 with an empty ENI or prefix: ipamd frees it and creates it
   * again every minute or so (§11.3); the figures here are those of the grown phase.
   */
  readonly flapping: boolean;
  /** Branch ENIs in use, one per pod of a SecurityGroupPolicy, within the type's branch capacity. */
  readonly branchEnis: number;
  /** Pods of a SecurityGroupPolicy beyond the branch capacity or without a trunk. */
  readonly branchFailed: number;
  readonly subnetAddresses: NodeSubnetAddresses;
}

/**
 * Units (secondary IPs or prefixes) held once ipamd settles, pods arriving one at a time. Each growth
 * action tops up the last, partial ENI or creates one with `min(want, S)` (§3.4, §4.2), so the held
 * count moves through `min(target, next multiple of S)`; it stops at the target, at `capacity`, or at
 * the first step that reaches `stopUnits` (`total ≥ maxPods`, §3.3). The target grows by at most one
 * unit per pod after the first, so the stop lands exactly on `stopUnits` unless the target at boot
 * (`initialTarget`) already passes it.
 */
function settleUnits(
  initialTarget: number,
  target: number,
  capacity: number,
  stopUnits: number,
  slots: number,
): number {
  if (initialTarget < stopUnits) return Math.min(capacity, target, stopUnits);
  return Math.min(capacity, initialTarget, slots * Math.ceil(stopUnits / slots));
}

/** Spreads `units` over `enis` ENIs, each filled to `slots` before the next (existing ENIs first, §3.4). */
function packUnits(units: number, enis: number, slots: number): number[] {
  const perEni: number[] = [];
  let left = units;
  for (let i = 0; i < enis; i += 1) {
    const here = Math.min(slots, left);
    perEni.push(here);
    left -= here;
  }
  return perEni;
}

/** The steady state of one node for `ipPods` pods that need an address, pods only increasing. */
export function computeSteadyState(input: SteadyStateInput): SteadyState {
  const { instanceType: type, settings, maxPods } = input;
  const ipPods = Math.max(0, input.ipPods);
  const branchPods = Math.max(0, input.branchPods ?? 0);
  const prefixAsked = settings.prefixDelegation;
  // PD needs Nitro or bare metal; elsewhere ipamd logs a warning and uses secondary IPs (§4.1).
  const prefixMode = prefixAsked && supportsPrefixDelegation(type);
  const unitSize = prefixMode ? ADDRESSES_PER_PREFIX : 1;
  const slots = Math.max(0, type.ipv4PerEni - 1);
  const maxEnis = effectiveMaxEnis(type.maxEnis, settings.maxEni);
  const customNetworking = settings.customNetworking;
  // ipamd holds one slot back for the trunk; the controller attaches it only if a slot is free (§6).
  const trunkWanted = wantsTrunkEni(type, settings.podEni);
  const trunkEni = trunkWanted && maxEnis >= 2;
  const nonTrunkEnis = Math.max(1, maxEnis - (trunkWanted ? 1 : 0));
  // Under custom networking the primary ENI never carries pod addresses (§5).
  const podEniLimit = Math.max(0, nonTrunkEnis - (customNetworking ? 1 : 0));
  const capacityUnits = podEniLimit * slots;
  // Growth stops once total ≥ maxPods (isDatastorePoolTooLow, ipamd.go 2637).
  const stopUnits = Math.max(0, Math.ceil(maxPods / unitSize));

  const w = settings.warmIpTarget;
  const m = settings.minimumIpTarget;
  const ipTargets = ipTargetsDefined(settings);
  let units: number;
  let targetUnits: number;
  let zeroWarm = false;
  if (ipTargets) {
    // short = max(w − available, m − total): the pool settles at max(N + w, m), or at m alone when w = 0 (§3.3).
    const targetAddresses = (pods: number) => (w > 0 ? Math.max(pods + w, m) : m);
    // With prefixes the shortage is rounded up to whole /28s (§4.2).
    const toUnits = (addresses: number) => Math.ceil(addresses / unitSize);
    targetUnits = toUnits(targetAddresses(ipPods));
    units = settleUnits(toUnits(targetAddresses(0)), targetUnits, capacityUnits, stopUnits, slots);
  } else if (prefixMode) {
    const p = settings.warmPrefixTarget;
    zeroWarm = p === 0;
    // Low while available < 16p, or when p = 0 and nothing is available (§4.2).
    targetUnits = p >= 1 ? Math.ceil(ipPods / ADDRESSES_PER_PREFIX) + p : Math.floor(ipPods / ADDRESSES_PER_PREFIX) + 1;
    units =
      p >= 1
        ? settleUnits(p, targetUnits, capacityUnits, stopUnits, slots)
        : Math.min(capacityUnits, targetUnits, stopUnits);
  } else {
    const warmEnis = settings.warmEniTarget;
    zeroWarm = warmEnis === 0;
    // Every ENI is filled to S; low while available < W·S, or when W = 0 and nothing is available (§3.8).
    const wantedEnis =
      slots === 0 ? 0 : warmEnis >= 1 ? Math.ceil(ipPods / slots) + warmEnis : Math.floor(ipPods / slots) + 1;
    const stopEnis = slots === 0 ? 0 : Math.ceil(stopUnits / slots);
    const enis = Math.min(podEniLimit, wantedEnis, stopEnis);
    targetUnits = wantedEnis * slots;
    units = enis * slots;
  }

  const held = units * unitSize;
  const capacity = capacityUnits * unitSize;
  const assigned = Math.min(ipPods, held);
  const warm = held - assigned;
  const carrying = slots === 0 ? 0 : Math.ceil(units / slots);
  const podEnis = customNetworking ? carrying : Math.max(1, carrying);
  const perEni = packUnits(units, podEnis, slots);
  const secondaryEnis = customNetworking ? podEnis : podEnis - 1;
  const attachedEnis = 1 + secondaryEnis + (trunkEni ? 1 : 0);

  let bound: PoolBound;
  if (units >= capacityUnits) bound = 'eni-capacity';
  else if (units < targetUnits) bound = 'max-pods';
  else if (ipTargets && w === 0) bound = 'minimum-ip-target';
  else bound = 'warm-target';

  // An ENI or prefix without a pod is freed (60 s, 30 s) and the pool is low again (§11.3); the primary ENI stays.
  const lastEniIsSecondary = customNetworking || podEnis >= 2;
  const flapping =
    zeroWarm &&
    held > 0 &&
    (prefixMode ? warm >= ADDRESSES_PER_PREFIX : warm >= slots && slots > 0 && lastEniIsSecondary);

  const branchEnis = trunkEni ? Math.min(branchPods, branchEniCapacity(type)) : 0;
  // The trunk and its branches live in the node subnet, or the ENIConfig subnet under custom networking (§5, §6).
  const podSide = secondaryEnis + held;
  const trunkSide = trunkEni ? 1 + branchEnis : 0;
  const nodeSubnet = 1 + (customNetworking ? 0 : podSide + trunkSide);
  const podSubnet = customNetworking ? podSide + trunkSide : 0;

  return {
    mode: prefixMode ? 'prefix-delegation' : 'secondary-ip',
    prefixDelegationFallback: prefixAsked && !prefixMode,
    slotsPerEni: slots,
    maxEnis,
    podEniLimit,
    capacity,
    attachedEnis,
    podEnis,
    trunkEni,
    perEni,
    secondaryIps: prefixMode ? 0 : units,
    prefixes: prefixMode ? units : 0,
    held,
    assigned,
    warm,
    failed: ipPods - assigned,
    bound,
    flapping,
    branchEnis,
    branchFailed: branchPods - branchEnis,
    subnetAddresses: { node: nodeSubnet, pod: podSubnet, total: nodeSubnet + podSubnet },
  };
}
