/**
 * ipamd, the VPC CNI's address manager, on one node: driven by pod add/delete events and by the
 * ~5 s pool-maintenance cycle, it holds ENIs, secondary IPs or /28 prefixes and hands addresses to
 * pods. Pure: every call takes the node's state, the VPC's subnets and the time, and returns new
 * ones with the effects; it has no clock and no randomness. Rules and constants: research
 * vpc-cni-ipam.md §2-§7 (amazon-vpc-cni-k8s v1.23.1 pkg/ipamd/ipamd.go, datastore/data_store.go).
 */

import { effectiveMaxEnis } from '../core/eni-math.js';
import type { InstanceType } from '../core/instance-type.js';
import { branchEniCapacity, supportsPrefixDelegation, wantsTrunkEni } from '../core/instance-type.js';
import { PREFIX_SIZE } from './cidr.js';
import {
  allocateAddresses,
  allocatePrefixes,
  type Ec2Error,
  freeAddresses,
  releaseAddresses,
  releasePrefixes,
  type Subnet,
} from './subnet.js';
import { ipTargetsDefined, type VpcCniSettings } from './vpc-cni-settings.js';

/** The pool-maintenance cycle: sleep 2.5 s, update the pool, sleep 2.5 s, reconcile (ipamd.go 769-794). */
export const IPAMD_CYCLE_MS = 5_000;
/** Individual IPs or prefixes are released at most once per 30 s (ipamd.go 64). */
export const POOL_DECREASE_INTERVAL_MS = 30_000;
/** A new ENI cannot be freed for 60 s (data_store.go 38). */
export const ENI_MINIMUM_AGE_MS = 60_000;
/** After InsufficientCidrBlocks or InsufficientFreeAddressesInSubnet growth pauses 120 s (ipamd.go 163-167). */
export const INSUFFICIENT_ADDRESS_BACKOFF_MS = 120_000;
/** A deleted SGP pod's branch ENI waits in the resource controller's delete queue (branch-eni-cooldown, default 60 s). */
export const BRANCH_ENI_COOLDOWN_MS = 60_000;

/** What the CNI plugin tells the kubelet when the datastore has no address (cni.go 218-222). */
export const NO_ADDRESS_MESSAGE = 'add cmd: failed to assign an IP address to container';
/** The pod event the kubelet records around it (vpc-cni-ipam.md §7.3). */
export const SANDBOX_FAILURE_MESSAGE = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="aws-cni" name="aws-cni" failed (add): ${NO_ADDRESS_MESSAGE}`;

/** One address a pod can take: free, assigned to a pod, or freed at a time (cooldown). */
interface AddressState {
  readonly podKey: string | null;
  readonly freedAtMs: number | null;
}

/** A secondary IP (/32) or a delegated prefix (/28) on an ENI. */
export interface HeldCidr {
  readonly base: number;
  readonly size: 1 | 16;
  readonly addresses: readonly AddressState[];
}

export type EniRole = 'primary' | 'secondary' | 'trunk';

export interface Eni {
  readonly id: string;
  readonly role: EniRole;
  readonly subnetId: string;
  readonly primaryAddress: number;
  readonly createdAtMs: number;
  readonly cidrs: readonly HeldCidr[];
}

export interface IpamdConfig {
  readonly nodeName: string;
  readonly instanceType: InstanceType;
  readonly settings: VpcCniSettings;
  /** The kubelet's maxPods: ipamd stops growing once it holds that many addresses (v1.17.1+). */
  readonly maxPods: number;
  readonly zone: string;
  /** The node's own subnet (its primary ENI). */
  readonly nodeSubnetId: string;
  /** Custom networking: the ENIConfig subnet of the node's zone. */
  readonly eniConfigSubnetId: string | null;
  /** A cordoned node: ipamd neither grows nor frees ENIs unless AWS_MANAGE_ENIS_NON_SCHEDULABLE. */
  readonly cordoned: boolean;
}

export interface BranchEni {
  readonly podKey: string;
  readonly address: number;
  /** Set when the pod was deleted: the ENI sits in the delete queue until then + cooldown. */
  readonly deletedAtMs: number | null;
}

export interface IpamdState {
  readonly config: IpamdConfig;
  readonly enis: readonly Eni[];
  readonly branches: readonly BranchEni[];
  readonly lastDecreaseAtMs: number;
  readonly growthPausedUntilMs: number;
  readonly enisCreated: number;
}

/** The subnets of the VPC by id: shared by every node, so every call passes them in and takes them back. */
export type Subnets = ReadonlyMap<string, Subnet>;

export type Ec2Api =
  | 'CreateNetworkInterface'
  | 'AssignPrivateIpAddresses'
  | 'UnassignPrivateIpAddresses'
  | 'DeleteNetworkInterface';

export type IpamdEffect =
  | { readonly type: 'pod-ip-assigned'; readonly podKey: string; readonly address: number; readonly eniId: string }
  | {
      readonly type: 'pod-ip-failed';
      readonly podKey: string;
      readonly reason: 'no-address' | 'no-trunk' | 'branch-capacity' | 'branch-address';
      readonly message: string;
    }
  | { readonly type: 'pod-ip-released'; readonly podKey: string; readonly address: number }
  | {
      readonly type: 'ec2-call';
      readonly api: Ec2Api;
      readonly subnetId: string;
      readonly addresses: number;
      readonly prefixes: number;
      readonly error: Ec2Error | null;
    }
  | { readonly type: 'eni-attached'; readonly eniId: string; readonly role: EniRole; readonly subnetId: string }
  | { readonly type: 'eni-deleted'; readonly eniId: string }
  | { readonly type: 'log'; readonly message: string };

export interface IpamdStep {
  readonly state: IpamdState;
  readonly subnets: Subnets;
  readonly effects: readonly IpamdEffect[];
}

/** Pod-address capacity of one ENI slot: 1 IP, or a /28 with prefix delegation (ipamd.go 2570-2584). */
function prefixMode(config: IpamdConfig): boolean {
  return config.settings.prefixDelegation && supportsPrefixDelegation(config.instanceType);
}

/** Slots per ENI for pod addresses: `L_ip − 1` (the ENI's own primary address is never a pod's). */
function slotsPerEni(config: IpamdConfig): number {
  return config.instanceType.ipv4PerEni - 1;
}

function maxEnis(config: IpamdConfig): number {
  return effectiveMaxEnis(config.instanceType.maxEnis, config.settings.maxEni);
}

function trunkWanted(config: IpamdConfig): boolean {
  return wantsTrunkEni(config.instanceType, config.settings.podEni);
}

/** ENIs whose slots carry pod addresses: not the trunk, not the primary under custom networking. */
function carriesPods(config: IpamdConfig, eni: Eni): boolean {
  if (eni.role === 'trunk') return false;
  return !(eni.role === 'primary' && config.settings.customNetworking);
}

function isCooling(address: AddressState, nowMs: number, cooldownMs: number): boolean {
  return address.podKey === null && address.freedAtMs !== null && nowMs - address.freedAtMs < cooldownMs;
}

export interface PoolStats {
  /** Addresses held for pods (16 per prefix). */
  readonly total: number;
  readonly assigned: number;
  /** `total − assigned`: cooling addresses count as available (data_store.go 911-913, §11.1). */
  readonly available: number;
  readonly cooling: number;
  readonly prefixes: number;
  /** Prefixes with no pod on them. */
  readonly freePrefixes: number;
}

/** What poolStats needs of one CIDR's addresses: steps replace the array, never change it in place. */
interface AddressCounts {
  readonly used: number;
  /** The latest `freedAtMs` of a free address; −∞ for none. */
  readonly lastFreedAtMs: number;
}

/**
 * Every pool-maintenance cycle of every node counts every address, while a pod add changes one CIDR:
 * the counts of the rest are kept by their (immutable) address array.
 */
const addressCounts = new WeakMap<readonly AddressState[], AddressCounts>();

function countAddresses(addresses: readonly AddressState[]): AddressCounts {
  let counts = addressCounts.get(addresses);
  if (counts === undefined) {
    let used = 0;
    let lastFreedAtMs = Number.NEGATIVE_INFINITY;
    for (const address of addresses) {
      if (address.podKey !== null) used += 1;
      else if (address.freedAtMs !== null && address.freedAtMs > lastFreedAtMs) lastFreedAtMs = address.freedAtMs;
    }
    counts = { used, lastFreedAtMs };
    addressCounts.set(addresses, counts);
  }
  return counts;
}

export function poolStats(state: IpamdState, nowMs: number): PoolStats {
  const cooldownMs = state.config.settings.ipCooldownSeconds * 1000;
  let total = 0;
  let assigned = 0;
  let cooling = 0;
  let prefixes = 0;
  let freePrefixes = 0;
  for (const eni of state.enis) {
    if (!carriesPods(state.config, eni)) continue;
    for (const cidr of eni.cidrs) {
      total += cidr.size;
      const counts = countAddresses(cidr.addresses);
      assigned += counts.used;
      // None cools when even the last one freed is past its cooldown.
      if (nowMs - counts.lastFreedAtMs < cooldownMs) {
        for (const address of cidr.addresses) if (isCooling(address, nowMs, cooldownMs)) cooling += 1;
      }
      if (cidr.size === PREFIX_SIZE) {
        prefixes += 1;
        if (counts.used === 0) freePrefixes += 1;
      }
    }
  }
  return { total, assigned, available: total - assigned, cooling, prefixes, freePrefixes };
}

/** `short` and `over` of the IP targets, in addresses (datastoreTargetState, ipamd.go 2177-2231). */
export function ipTargetState(settings: VpcCniSettings, stats: PoolStats): { short: number; over: number } {
  const w = settings.warmIpTarget;
  const m = settings.minimumIpTarget;
  return {
    short: Math.max(w - stats.available, m - stats.total, 0),
    over: Math.max(0, Math.min(stats.available - w, stats.total - m)),
  };
}

/**
 * The IP targets in prefix-delegation mode, counted in prefixes: `short` is the address shortage
 * rounded up to /28s; `over` = min(free, P − ceil((assigned + w)/16), P − ceil(m/16)) (ipamd.go 2209-2228).
 */
export function prefixTargetState(settings: VpcCniSettings, stats: PoolStats): { short: number; over: number } {
  return {
    short: Math.ceil(ipTargetState(settings, stats).short / PREFIX_SIZE),
    over: Math.max(
      0,
      Math.min(
        stats.freePrefixes,
        stats.prefixes - Math.ceil((stats.assigned + settings.warmIpTarget) / PREFIX_SIZE),
        stats.prefixes - Math.ceil(settings.minimumIpTarget / PREFIX_SIZE),
      ),
    ),
  };
}

/** isDatastorePoolTooLow (ipamd.go 2623-2657). */
export function isPoolTooLow(config: IpamdConfig, stats: PoolStats): boolean {
  const settings = config.settings;
  if (stats.total >= config.maxPods) return false;
  if (ipTargetsDefined(settings)) return ipTargetState(settings, stats).short > 0;
  if (prefixMode(config)) {
    const p = settings.warmPrefixTarget;
    return stats.available < PREFIX_SIZE * p || (p === 0 && stats.available === 0);
  }
  const w = settings.warmEniTarget;
  return stats.available < w * slotsPerEni(config) || (w === 0 && stats.available === 0);
}

/** A node as EC2 launches it: its primary ENI, whose address the instance took from the node subnet. */
export function createIpamd(config: IpamdConfig, primaryAddress: number, nowMs: number): IpamdState {
  return {
    config,
    enis: [
      {
        id: `${config.nodeName}/eni-0`,
        role: 'primary',
        subnetId: config.nodeSubnetId,
        primaryAddress,
        createdAtMs: nowMs,
        cidrs: [],
      },
    ],
    branches: [],
    lastDecreaseAtMs: Number.NEGATIVE_INFINITY,
    growthPausedUntilMs: Number.NEGATIVE_INFINITY,
    enisCreated: 1,
  };
}

/** Launches a node: takes its primary address from the node subnet, as EC2 does at RunInstances. */
export function launchNode(
  config: IpamdConfig,
  subnets: Subnets,
  nowMs: number,
): { ok: true; step: IpamdStep } | { ok: false; error: Ec2Error } {
  const subnet = subnets.get(config.nodeSubnetId);
  if (!subnet) throw new Error(`launchNode: unknown subnet ${config.nodeSubnetId}`);
  const taken = allocateAddresses(subnet, 1);
  if (!taken.result.ok) return { ok: false, error: taken.result.error };
  const address = taken.result.addresses[0] ?? 0;
  const next = new Map(subnets).set(subnet.id, taken.subnet);
  return { ok: true, step: { state: createIpamd(config, address, nowMs), subnets: next, effects: [] } };
}

/**
 * A mutable working copy for one step; the inputs are never touched. The subnets are copied on the
 * first change only: most steps change none, and then hand back the map they were given.
 */
class Work {
  state: IpamdState;
  /** The subnets as given, until the first change copies them into `changed`. */
  private readonly given: Subnets;
  private changed: Map<string, Subnet> | null = null;
  readonly effects: IpamdEffect[] = [];
  constructor(
    state: IpamdState,
    subnets: Subnets,
    readonly nowMs: number,
  ) {
    this.state = state;
    this.given = subnets;
  }
  get subnets(): Subnets {
    return this.changed ?? this.given;
  }
  subnet(id: string): Subnet {
    const subnet = this.subnets.get(id);
    if (!subnet) throw new Error(`ipamd: unknown subnet ${id}`);
    return subnet;
  }
  setSubnet(id: string, subnet: Subnet): void {
    this.changed ??= new Map(this.given);
    this.changed.set(id, subnet);
  }
  replaceEni(eni: Eni): void {
    this.state = { ...this.state, enis: this.state.enis.map((e) => (e.id === eni.id ? eni : e)) };
  }
  result(): IpamdStep {
    return { state: this.state, subnets: this.subnets, effects: this.effects };
  }
}

const FREE: AddressState = { podKey: null, freedAtMs: null };

function newCidrs(addresses: readonly number[], size: 1 | 16): HeldCidr[] {
  return addresses.map((base) => ({ base, size, addresses: Array.from({ length: size }, () => FREE) }));
}

/** The ENI slot count a new ENI asks for, and the count still wanted, in the active unit (IPs or prefixes). */
function wanted(config: IpamdConfig, stats: PoolStats): number {
  const settings = config.settings;
  if (prefixMode(config)) {
    // getPrefixesNeeded (ipamd.go 2714-2731): IP targets in addresses rounded up to prefixes; else p − free prefixes, at least 1.
    if (ipTargetsDefined(settings)) return prefixTargetState(settings, stats).short;
    return Math.max(1, settings.warmPrefixTarget - stats.freePrefixes);
  }
  return ipTargetsDefined(settings) ? ipTargetState(settings, stats).short : slotsPerEni(config);
}

function isInsufficient(error: Ec2Error): boolean {
  return error.code === 'InsufficientFreeAddressesInSubnet' || error.code === 'InsufficientCidrBlocks';
}

/** Adds addresses or prefixes to an ENI from its own subnet; returns the error, if any. */
function assignToEni(work: Work, eni: Eni, count: number, prefixes: boolean): Ec2Error | null {
  const subnet = work.subnet(eni.subnetId);
  const taken = prefixes ? allocatePrefixes(subnet, count) : allocateAddresses(subnet, count);
  work.effects.push({
    type: 'ec2-call',
    api: 'AssignPrivateIpAddresses',
    subnetId: eni.subnetId,
    addresses: prefixes ? 0 : count,
    prefixes: prefixes ? count : 0,
    error: taken.result.ok ? null : taken.result.error,
  });
  if (!taken.result.ok) return taken.result.error;
  work.setSubnet(subnet.id, taken.subnet);
  work.replaceEni({ ...eni, cidrs: [...eni.cidrs, ...newCidrs(taken.result.addresses, prefixes ? 16 : 1)] });
  return null;
}

/** `hasRoomForEni` (ipamd.go 2592-2621): one slot is held back for the trunk until it is attached. */
function hasRoomForEni(state: IpamdState): boolean {
  const trunkReserve = trunkWanted(state.config) && !state.enis.some((e) => e.role === 'trunk') ? 1 : 0;
  return state.enis.length < maxEnis(state.config) - trunkReserve;
}

/**
 * Subnets a new ENI may land in (awsutils.go createENI 1125-1221): the ENIConfig subnet under custom
 * networking; with subnet discovery the node's subnet and every subnet of its zone tagged
 * `kubernetes.io/role/cni` (not "0"), most free addresses first; otherwise the node's subnet.
 */
function candidateSubnets(work: Work): Subnet[] {
  const config = work.state.config;
  if (config.settings.customNetworking) {
    return config.eniConfigSubnetId === null ? [] : [work.subnet(config.eniConfigSubnetId)];
  }
  const nodeSubnet = work.subnet(config.nodeSubnetId);
  if (!config.settings.subnetDiscovery) return [nodeSubnet];
  const eligible = [...work.subnets.values()].filter((subnet) => {
    const role = subnet.tags['kubernetes.io/role/cni'];
    if (role === '0') return false;
    if (subnet.id === config.nodeSubnetId) return true;
    return subnet.zone === config.zone && role !== undefined;
  });
  return eligible.sort((a, b) => freeAddresses(b) - freeAddresses(a) || (a.id < b.id ? -1 : 1));
}

/** CreateNetworkInterface with its primary address and the slots asked for, in one call, all or nothing. */
function createEni(work: Work, slots: number, prefixes: boolean, role: EniRole): Eni | null {
  const candidates = role === 'trunk' ? trunkSubnet(work) : candidateSubnets(work);
  for (const subnet of candidates) {
    let current = subnet;
    const primary = allocateAddresses(current, 1);
    let error: Ec2Error | null = primary.result.ok ? null : primary.result.error;
    let cidrs: HeldCidr[] = [];
    if (primary.result.ok && slots > 0) {
      current = primary.subnet;
      const taken = prefixes ? allocatePrefixes(current, slots) : allocateAddresses(current, slots);
      if (taken.result.ok) {
        current = taken.subnet;
        cidrs = newCidrs(taken.result.addresses, prefixes ? 16 : 1);
      } else {
        error = taken.result.error;
      }
    } else if (primary.result.ok) {
      current = primary.subnet;
    }
    work.effects.push({
      type: 'ec2-call',
      api: 'CreateNetworkInterface',
      subnetId: subnet.id,
      addresses: 1 + (prefixes ? 0 : slots),
      prefixes: prefixes ? slots : 0,
      error,
    });
    // Subnet discovery tries the next subnet; every failure the subnet model reports is an address shortage.
    if (error !== null || !primary.result.ok) continue;
    work.setSubnet(subnet.id, current);
    const eni: Eni = {
      id: `${work.state.config.nodeName}/eni-${work.state.enisCreated}`,
      role,
      subnetId: subnet.id,
      primaryAddress: primary.result.addresses[0] ?? 0,
      createdAtMs: work.nowMs,
      cidrs,
    };
    work.state = { ...work.state, enis: [...work.state.enis, eni], enisCreated: work.state.enisCreated + 1 };
    work.effects.push({ type: 'eni-attached', eniId: eni.id, role, subnetId: subnet.id });
    return eni;
  }
  return null;
}

/** The resource controller puts the trunk in the node's subnet, or the ENIConfig subnet under custom networking. */
function trunkSubnet(work: Work): Subnet[] {
  const config = work.state.config;
  const id =
    config.settings.customNetworking && config.eniConfigSubnetId !== null
      ? config.eniConfigSubnetId
      : config.nodeSubnetId;
  return [work.subnet(id)];
}

function pauseGrowth(work: Work): void {
  work.state = { ...work.state, growthPausedUntilMs: work.nowMs + INSUFFICIENT_ADDRESS_BACKOFF_MS };
  work.effects.push({
    type: 'log',
    message:
      "Unable to attach IPs/Prefixes for the ENI, subnet doesn't seem to have enough IPs/Prefixes. Consider using new subnet or carve a reserved range using create-subnet-cidr-reservation",
  });
}

/** increaseDatastorePool (ipamd.go 968-1009): at most one growth action a cycle. */
function grow(work: Work, stats: PoolStats): void {
  const config = work.state.config;
  if (work.nowMs < work.state.growthPausedUntilMs) {
    work.effects.push({
      type: 'log',
      message: 'Recently we had InsufficientCidr error hence will wait for 2m0s before retrying',
    });
    return;
  }
  const prefixes = prefixMode(config);
  const slots = slotsPerEni(config);
  const want = wanted(config, stats);
  if (want <= 0) return;
  for (const eni of work.state.enis) {
    if (!carriesPods(config, eni) || eni.cidrs.length >= slots) continue;
    const count = Math.min(slots - eni.cidrs.length, want);
    let error = assignToEni(work, eni, count, prefixes);
    // A failed batch of IPs is retried with one (ipamd.go 1136-1147).
    if (error !== null && !prefixes && count > 1) {
      const current = work.state.enis.find((e) => e.id === eni.id) ?? eni;
      error = assignToEni(work, current, 1, prefixes);
    }
    if (error === null) return;
    if (!(isInsufficient(error) && config.settings.subnetDiscovery)) {
      pauseGrowth(work);
      return;
    }
  }
  if (!hasRoomForEni(work.state)) {
    work.effects.push({ type: 'log', message: 'Skipping ENI allocation as the max ENI limit is already reached' });
    return;
  }
  if (createEni(work, Math.min(want, slots), prefixes, 'secondary') === null) {
    work.effects.push({ type: 'log', message: 'Failed to increase pool size due to not able to allocate ENI' });
    pauseGrowth(work);
  }
}

/** Releases up to `count` unassigned IPs or free prefixes, newest ENI first (FindFreeableCidrs). */
function release(work: Work, count: number, prefixes: boolean): void {
  let remaining = count;
  for (const eni of [...work.state.enis].reverse()) {
    if (remaining <= 0) break;
    if (!carriesPods(work.state.config, eni)) continue;
    const keep: HeldCidr[] = [];
    const freed: number[] = [];
    for (const cidr of [...eni.cidrs].reverse()) {
      const unused = cidr.addresses.every((a) => a.podKey === null);
      if (remaining > 0 && unused) {
        freed.push(cidr.base);
        remaining -= 1;
      } else {
        keep.unshift(cidr);
      }
    }
    if (freed.length === 0) continue;
    const subnet = work.subnet(eni.subnetId);
    work.setSubnet(subnet.id, prefixes ? releasePrefixes(subnet, freed) : releaseAddresses(subnet, freed));
    work.effects.push({
      type: 'ec2-call',
      api: 'UnassignPrivateIpAddresses',
      subnetId: eni.subnetId,
      addresses: prefixes ? 0 : freed.length,
      prefixes: prefixes ? freed.length : 0,
      error: null,
    });
    work.replaceEni({ ...eni, cidrs: keep });
  }
}

/** decreaseDatastorePool: releases what the targets do not need, once per 30 s (ipamd.go 796-941, 2659-2677). */
function shrink(work: Work, stats: PoolStats): void {
  const config = work.state.config;
  const settings = config.settings;
  if (work.nowMs - work.state.lastDecreaseAtMs < POOL_DECREASE_INTERVAL_MS) return;
  const prefixes = prefixMode(config);
  let excess = 0;
  if (prefixes) {
    excess = ipTargetsDefined(settings)
      ? prefixTargetState(settings, stats).over
      : Math.max(0, stats.freePrefixes - settings.warmPrefixTarget);
  } else if (ipTargetsDefined(settings)) {
    excess = ipTargetState(settings, stats).over;
  }
  if (excess <= 0) return;
  release(work, excess, prefixes);
  work.state = { ...work.state, lastDecreaseAtMs: work.nowMs };
}

/** Free addresses and totals on the ENIs other than `eni`, for the warm-target checks of getDeletableENI. */
function others(state: IpamdState, eni: Eni) {
  let free = 0;
  let total = 0;
  let freePrefixes = 0;
  for (const other of state.enis) {
    if (other.id === eni.id || !carriesPods(state.config, other)) continue;
    for (const cidr of other.cidrs) {
      const used = cidr.addresses.filter((a) => a.podKey !== null).length;
      total += cidr.size;
      free += cidr.size - used;
      if (cidr.size === PREFIX_SIZE && used === 0) freePrefixes += 1;
    }
  }
  return { free, total, freePrefixes };
}

/** shouldRemoveExtraENIs + tryFreeENI: at most one ENI a cycle (ipamd.go 1488-1514; data_store.go 1042-1093). */
function freeOneEni(work: Work, stats: PoolStats): void {
  const config = work.state.config;
  const settings = config.settings;
  const prefixes = prefixMode(config);
  const slots = slotsPerEni(config);
  const ipTargets = ipTargetsDefined(settings);
  const perEni = prefixes ? slots * PREFIX_SIZE : slots;
  const warm = prefixes ? settings.warmPrefixTarget : settings.warmEniTarget;
  if (!ipTargets && stats.available < (warm + 1) * perEni) return;
  const victim = deletableEni(work.state, work.nowMs);
  if (!victim) return;
  releaseEni(work, victim, prefixes);
}

/**
 * getDeletableENI (data_store.go 1042-1093): not the primary or the trunk, 60 s old, no pod and no
 * cooling address on it, and not needed by WARM_IP_TARGET, MINIMUM_IP_TARGET or WARM_PREFIX_TARGET.
 */
export function deletableEni(state: IpamdState, nowMs: number): Eni | undefined {
  const settings = state.config.settings;
  const prefixes = prefixMode(state.config);
  const ipTargets = ipTargetsDefined(settings);
  const cooldownMs = settings.ipCooldownSeconds * 1000;
  return state.enis.find((eni) => {
    if (eni.role !== 'secondary') return false;
    if (nowMs - eni.createdAtMs < ENI_MINIMUM_AGE_MS) return false;
    const addresses = eni.cidrs.flatMap((c) => c.addresses);
    if (addresses.some((a) => a.podKey !== null || isCooling(a, nowMs, cooldownMs))) return false;
    const rest = others(state, eni);
    if (settings.warmIpTarget > 0 && rest.free < settings.warmIpTarget) return false;
    if (settings.minimumIpTarget > 0 && rest.total < settings.minimumIpTarget) return false;
    if (prefixes && !ipTargets && rest.freePrefixes < settings.warmPrefixTarget) return false;
    return true;
  });
}

function releaseEni(work: Work, victim: Eni, prefixes: boolean): void {
  let subnet = work.subnet(victim.subnetId);
  const bases = victim.cidrs.map((c) => c.base);
  subnet = prefixes ? releasePrefixes(subnet, bases) : releaseAddresses(subnet, bases);
  subnet = releaseAddresses(subnet, [victim.primaryAddress]);
  work.setSubnet(subnet.id, subnet);
  work.state = { ...work.state, enis: work.state.enis.filter((e) => e.id !== victim.id) };
  work.effects.push({
    type: 'ec2-call',
    api: 'DeleteNetworkInterface',
    subnetId: victim.subnetId,
    addresses: 0,
    prefixes: 0,
    error: null,
  });
  work.effects.push({ type: 'eni-deleted', eniId: victim.id });
}

/** The resource controller attaches the trunk ENI once a slot is free (RC trunk.go 203-252; ipamd.go 1467-1482). */
function attachTrunk(work: Work): void {
  const config = work.state.config;
  if (!trunkWanted(config) || work.state.enis.some((e) => e.role === 'trunk')) return;
  if (work.state.enis.length >= maxEnis(config)) {
    work.effects.push({ type: 'log', message: 'No slot available for a trunk ENI to be attached.' });
    return;
  }
  createEni(work, 0, false, 'trunk');
}

/** One pool-maintenance cycle; the caller runs it every {@link IPAMD_CYCLE_MS}. */
export function tickIpamd(state: IpamdState, subnets: Subnets, nowMs: number): IpamdStep {
  const work = new Work(state, subnets, nowMs);
  const config = state.config;
  if (config.cordoned && !config.settings.manageEnisNonSchedulable) return work.result();
  attachTrunk(work);
  releaseExpiredBranches(work);
  const counted = work.state;
  const stats = poolStats(counted, nowMs);
  if (isPoolTooLow(config, stats)) grow(work, stats);
  else shrink(work, stats);
  // Most cycles change nothing: the same state has the same stats.
  freeOneEni(work, work.state === counted ? stats : poolStats(work.state, nowMs));
  return work.result();
}

/** CNI ADD: takes an address already in the datastore, never one cooling; never calls EC2 (rpc_handler.go 191-254). */
/**
 * CNI ADD for a pod on the node's own ENIs. `knownUnassigned` is the caller's word that the pod holds no
 * address here yet (the kubelet retrying a failed ADD), which spares the search for a repeated ADD.
 */
export function addPod(
  state: IpamdState,
  subnets: Subnets,
  podKey: string,
  nowMs: number,
  knownUnassigned = false,
): IpamdStep {
  const work = new Work(state, subnets, nowMs);
  const existing = knownUnassigned ? null : findPod(state, podKey);
  if (existing !== null) {
    work.effects.push({ type: 'pod-ip-assigned', podKey, address: existing.address, eniId: existing.eniId });
    return work.result();
  }
  const cooldownMs = state.config.settings.ipCooldownSeconds * 1000;
  for (const eni of state.enis) {
    if (!carriesPods(state.config, eni)) continue;
    for (let c = 0; c < eni.cidrs.length; c += 1) {
      const cidr = eni.cidrs[c] as HeldCidr;
      // A block whose every address holds a pod has nothing to take.
      if (countAddresses(cidr.addresses).used === cidr.addresses.length) continue;
      const index = firstTakeable(cidr.addresses, nowMs, cooldownMs);
      if (index < 0) continue;
      const addresses = cidr.addresses.map((a, i) => (i === index ? { podKey, freedAtMs: null } : a));
      const cidrs = eni.cidrs.map((x, i) => (i === c ? { ...cidr, addresses } : x));
      work.replaceEni({ ...eni, cidrs });
      const address = cidr.base + index;
      work.effects.push({ type: 'pod-ip-assigned', podKey, address, eniId: eni.id });
      return work.result();
    }
  }
  work.effects.push({ type: 'log', message: 'DataStore has no available IP/Prefix addresses' });
  work.effects.push({ type: 'pod-ip-failed', podKey, reason: 'no-address', message: NO_ADDRESS_MESSAGE });
  return work.result();
}

/** CNI DEL: the address goes into cooldown (IP_COOLDOWN_PERIOD). */
export function deletePod(state: IpamdState, subnets: Subnets, podKey: string, nowMs: number): IpamdStep {
  const work = new Work(state, subnets, nowMs);
  for (const eni of state.enis) {
    for (const [c, cidr] of eni.cidrs.entries()) {
      const index = cidr.addresses.findIndex((a) => a.podKey === podKey);
      if (index < 0) continue;
      const addresses = cidr.addresses.map((a, i) => (i === index ? { podKey: null, freedAtMs: nowMs } : a));
      work.replaceEni({ ...eni, cidrs: eni.cidrs.map((x, i) => (i === c ? { ...cidr, addresses } : x)) });
      work.effects.push({ type: 'pod-ip-released', podKey, address: cidr.base + index });
      return work.result();
    }
  }
  return work.result();
}

/** The first address neither assigned nor cooling, or −1. */
function firstTakeable(addresses: readonly AddressState[], nowMs: number, cooldownMs: number): number {
  for (let i = 0; i < addresses.length; i += 1) {
    const address = addresses[i] as AddressState;
    if (address.podKey === null && !isCooling(address, nowMs, cooldownMs)) return i;
  }
  return -1;
}

export function findPod(state: IpamdState, podKey: string): { eniId: string; address: number } | null {
  // Every CNI ADD asks first, over every address on the node: plain loops, no closures.
  for (const eni of state.enis) {
    for (const cidr of eni.cidrs) {
      const addresses = cidr.addresses;
      for (let i = 0; i < addresses.length; i += 1) {
        if ((addresses[i] as AddressState).podKey === podKey) return { eniId: eni.id, address: cidr.base + i };
      }
    }
  }
  return null;
}

/**
 * A pod of a SecurityGroupPolicy: a branch ENI with one address from the trunk's subnet, within the
 * type's branch capacity, ENIs in the delete queue included (RC trunk.go 386-440, 725-738).
 */
export function addBranchPod(state: IpamdState, subnets: Subnets, podKey: string, nowMs: number): IpamdStep {
  const work = new Work(state, subnets, nowMs);
  const trunk = state.enis.find((e) => e.role === 'trunk');
  if (!trunk) {
    work.effects.push({ type: 'pod-ip-failed', podKey, reason: 'no-trunk', message: NO_ADDRESS_MESSAGE });
    return work.result();
  }
  if (state.branches.some((b) => b.podKey === podKey && b.deletedAtMs === null)) return work.result();
  if (state.branches.length >= branchEniCapacity(state.config.instanceType)) {
    work.effects.push({ type: 'pod-ip-failed', podKey, reason: 'branch-capacity', message: NO_ADDRESS_MESSAGE });
    return work.result();
  }
  const subnet = work.subnet(trunk.subnetId);
  const taken = allocateAddresses(subnet, 1);
  work.effects.push({
    type: 'ec2-call',
    api: 'CreateNetworkInterface',
    subnetId: subnet.id,
    addresses: 1,
    prefixes: 0,
    error: taken.result.ok ? null : taken.result.error,
  });
  if (!taken.result.ok) {
    work.effects.push({
      type: 'pod-ip-failed',
      podKey,
      reason: 'branch-address',
      message: `failed to allocate branch ENI to pod: ${taken.result.error.code}`,
    });
    return work.result();
  }
  const address = taken.result.addresses[0] ?? 0;
  work.setSubnet(subnet.id, taken.subnet);
  work.state = { ...work.state, branches: [...work.state.branches, { podKey, address, deletedAtMs: null }] };
  work.effects.push({ type: 'pod-ip-assigned', podKey, address, eniId: `${trunk.id}/branch` });
  return work.result();
}

export function deleteBranchPod(state: IpamdState, subnets: Subnets, podKey: string, nowMs: number): IpamdStep {
  const work = new Work(state, subnets, nowMs);
  work.state = {
    ...state,
    branches: state.branches.map((b) =>
      b.podKey === podKey && b.deletedAtMs === null ? { ...b, deletedAtMs: nowMs } : b,
    ),
  };
  return work.result();
}

function releaseExpiredBranches(work: Work): void {
  const expired = work.state.branches.filter(
    (b) => b.deletedAtMs !== null && work.nowMs - b.deletedAtMs >= BRANCH_ENI_COOLDOWN_MS,
  );
  if (expired.length === 0) return;
  const trunk = work.state.enis.find((e) => e.role === 'trunk');
  if (!trunk) return;
  const subnet = work.subnet(trunk.subnetId);
  work.setSubnet(
    subnet.id,
    releaseAddresses(
      subnet,
      expired.map((b) => b.address),
    ),
  );
  work.state = { ...work.state, branches: work.state.branches.filter((b) => !expired.includes(b)) };
}

/** Every subnet address the node holds: ENI primaries (the first is the node's own), IPs, prefixes, branches. */
export function subnetAddressesHeld(state: IpamdState): number {
  let held = state.branches.length;
  for (const eni of state.enis) {
    held += 1;
    for (const cidr of eni.cidrs) held += cidr.size;
  }
  return held;
}

/**
 * The instance terminates: EC2 deletes its ENIs and every address on them returns to its subnet —
 * primaries, secondary IPs, prefixes and branch ENIs (the resource controller deletes those).
 */
export function terminateNode(state: IpamdState, subnets: Subnets): Subnets {
  const next = new Map(subnets);
  const take = (id: string): Subnet => {
    const subnet = next.get(id);
    if (!subnet) throw new Error(`terminateNode: unknown subnet ${id}`);
    return subnet;
  };
  for (const eni of state.enis) {
    let subnet = take(eni.subnetId);
    const singles = [eni.primaryAddress, ...eni.cidrs.filter((c) => c.size === 1).map((c) => c.base)];
    const prefixes = eni.cidrs.filter((c) => c.size === PREFIX_SIZE).map((c) => c.base);
    subnet = releaseAddresses(subnet, singles);
    if (prefixes.length > 0) subnet = releasePrefixes(subnet, prefixes);
    next.set(subnet.id, subnet);
  }
  const trunk = state.enis.find((e) => e.role === 'trunk');
  if (trunk && state.branches.length > 0) {
    next.set(
      trunk.subnetId,
      releaseAddresses(
        take(trunk.subnetId),
        state.branches.map((b) => b.address),
      ),
    );
  }
  return next;
}

/** Addresses held for pods on the node with no pod on them (warm or cooling), by subnet. */
export function idleAddressesBySubnet(state: IpamdState): Map<string, number> {
  const idle = new Map<string, number>();
  for (const eni of state.enis) {
    if (!carriesPods(state.config, eni)) continue;
    let count = 0;
    for (const cidr of eni.cidrs) for (const a of cidr.addresses) if (a.podKey === null) count += 1;
    if (count > 0) idle.set(eni.subnetId, (idle.get(eni.subnetId) ?? 0) + count);
  }
  return idle;
}
