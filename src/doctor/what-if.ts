/**
 * `podcap doctor --scale … / --add-pods …`: a real cluster's state as a simulation input at time 0
 * (what the Scenario loader would build from the same cluster written as manifests), the changes a
 * user asks about applied to it, and a run of the simulator that says what breaks first and when.
 * Pure: the cluster state comes in as data, the result goes out as data.
 */

import type { ClusterNode, ClusterPod, ClusterQuota, ClusterState, ClusterSubnet } from '../cluster/cluster-state.js';
import type { CatalogIndex } from '../core/catalog.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { formatKarpenterVersion, LATEST_KARPENTER_VERSION, parseKarpenterVersion } from '../core/karpenter-version.js';
import { DEFAULT_VM_MEMORY_OVERHEAD_PERCENT } from '../core/node-config.js';
import { isSystemLabel, isTransientTaint } from '../core/node-labels.js';
import {
  formatCpu,
  formatMemory,
  type ParseResult,
  parseQuantity,
  QUANTITY_EXPECTED,
  quantityToMillis,
  quantityToUnits,
} from '../core/quantity.js';
import { UsageError } from '../input/input-error.js';
import { type Ipv4Cidr, parseSubnetCidr, usableAddresses } from '../network/cidr.js';
import {
  EKS_MANIFEST_DEFAULTS,
  MODELLED_VARIABLES,
  parseVpcCniEnv,
  withIpamdDefaults,
} from '../network/vpc-cni-settings.js';
import { addonWorkload } from '../sim/addons.js';
import {
  type AddonName,
  type CapacityType,
  type KarpenterScenarioSettings,
  type NodeClassSpec,
  type NodeGroupSpec,
  type NodePoolSpec,
  type PodTemplate,
  type Quotas,
  type ResourceRequests,
  type Scenario,
  type ScenarioSubnet,
  type SimInput,
  type StaticNodesSpec,
  type SubnetSelectorTerm,
  type Taint,
  type TimelineEntry,
  type Workload,
  type WorkloadId,
  workloadKey,
} from '../sim/model.js';
import { makeNodeTemplate } from '../sim/node-setup.js';
import type { QuotaClass } from '../sim/quota.js';
import type { Finding, FindingCode, SimOptions, SimResult } from '../sim/result.js';
import { simulate } from '../sim/simulate.js';
import { memoryQuantity } from './export-scenario.js';

// ---------------------------------------------------------------- changes and their flags

/** The workload kinds `--scale` can change. */
export type ScalableKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet';

export type ScaleAmount =
  | { readonly type: 'replicas'; readonly replicas: number }
  /** `3x`, `1.5x`: the replicas times numerator/denominator, rounded up. */
  | { readonly type: 'factor'; readonly numerator: number; readonly denominator: number };

/** `--scale [KIND/]NAMESPACE/NAME=3x|=N`. */
export interface ScaleChange {
  readonly type: 'scale';
  /** null: whichever Deployment, StatefulSet or ReplicaSet has the name (an error if several do). */
  readonly kind: ScalableKind | null;
  readonly namespace: string;
  readonly name: string;
  readonly amount: ScaleAmount;
  /** The flag's value as given, for messages. */
  readonly text: string;
}

/** `--add-pods N --requests cpu=…,memory=…`: a new Deployment of N such pods. */
export interface AddPodsChange {
  readonly type: 'add-pods';
  readonly count: number;
  readonly requests: ResourceRequests;
}

export type WhatIfChange = ScaleChange | AddPodsChange;

/** The name of the Deployment `--add-pods` creates, in namespace `default`. */
export const WHAT_IF_DEPLOYMENT = 'podcap-what-if';

const MAX_REPLICAS = 2_147_483_647;
const MAX_ADDED_PODS = 1_000_000;

/**
 * Pods a what-if may have in all (the cluster's and the changes'): the scenario loader's limit on a
 * Scenario's pods (MAX_SCENARIO_PODS, being added in src/input/scenario/limits.ts; import it here once it
 * is in), so that what --export-scenario writes loads again and a run stays within memory and seconds.
 */
export const MAX_WHAT_IF_PODS = 1_000_000;

/** Pods the workloads ask for at their largest: replicas (the timeline's too) and bare pods; DaemonSets follow the nodes. */
function podsAsked(input: SimInput): number {
  const largest = new Map<string, number>();
  for (const workload of input.workloads) {
    const key = workloadKey(workload.id);
    if (workload.kind === 'Pod') largest.set(key, 1);
    else if (workload.kind !== 'DaemonSet') largest.set(key, workload.replicas);
  }
  for (const entry of input.scenario.timeline) {
    if (entry.action.type !== 'scale-workload') continue;
    const key = workloadKey(entry.action.target);
    largest.set(key, Math.max(largest.get(key) ?? 0, entry.action.replicas));
  }
  let total = 0;
  for (const pods of largest.values()) total += pods;
  return total;
}

const SCALE_EXPECTED = 'NAMESPACE/NAME=3x or =N';

/** kubectl's names for the kinds, case-insensitive. */
const KIND_NAMES: Readonly<Record<string, ScalableKind>> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
};

/** A DNS subdomain, as namespaces and workload names are (apimachinery validation IsDNS1123Subdomain). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function scaleAmount(text: string): ScaleAmount | null {
  const replicas = /^\d{1,10}$/.exec(text);
  if (replicas) {
    const value = Number(text);
    return value <= MAX_REPLICAS ? { type: 'replicas', replicas: value } : null;
  }
  const factor = /^(\d{1,6})(?:\.(\d{1,6}))?[xX]$/.exec(text);
  if (!factor) return null;
  const [, whole = '', fraction = ''] = factor;
  const denominator = 10 ** fraction.length;
  const numerator = Number(whole) * denominator + Number(fraction || '0');
  return numerator > 0 ? { type: 'factor', numerator, denominator } : null;
}

/**
 * Parses `--scale`: `default/web=3x`, `default/web=12`, `web=2x` (namespace default), or with a kind in
 * front where a Deployment and a StatefulSet share the name: `Deployment/default/web=3x`.
 */
export function parseScaleFlag(text: string): ParseResult<ScaleChange> {
  const failed = { ok: false, expected: SCALE_EXPECTED } as const;
  const equals = text.lastIndexOf('=');
  if (equals < 0) return failed;
  const target = text.slice(0, equals).trim();
  const amount = scaleAmount(text.slice(equals + 1).trim());
  if (amount === null) {
    return { ok: false, expected: `${SCALE_EXPECTED} (a factor above 0 such as 3x or 1.5x, or replicas such as 12)` };
  }
  const parts = target.split('/');
  let kind: ScalableKind | null = null;
  if (parts.length === 3) {
    const named = KIND_NAMES[(parts.shift() ?? '').toLowerCase()];
    if (named === undefined) {
      return { ok: false, expected: `KIND/NAMESPACE/NAME=… with KIND Deployment, StatefulSet or ReplicaSet` };
    }
    kind = named;
  }
  if (parts.length > 2) return failed;
  const [first = '', second] = parts;
  const [namespace, name] = second === undefined ? ['default', first] : [first, second];
  if (!OBJECT_NAME.test(namespace) || !OBJECT_NAME.test(name)) return failed;
  return { ok: true, value: { type: 'scale', kind, namespace, name, amount, text } };
}

const REQUESTS_EXPECTED = 'cpu=QUANTITY,memory=QUANTITY such as cpu=500m,memory=1Gi';

/** An extended resource name has a domain outside kubernetes.io (apis/core/helper IsExtendedResourceName). */
function isExtendedResource(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return false;
  const domain = name.slice(0, slash);
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

/**
 * Parses `--requests cpu=500m,memory=1Gi` (and extended resources such as `nvidia.com/gpu=1`) into
 * one pod's requests, as kube-scheduler counts them; a resource left out is unset.
 */
export function parseRequestsFlag(text: string): ParseResult<ResourceRequests> {
  let cpuMillis: number | null = null;
  let memoryBytes: number | null = null;
  const extended = new Map<string, number>();
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const [rawKey = '', value, ...extra] = part.split('=');
    const key = rawKey.trim();
    if (value === undefined || extra.length > 0 || key === '') return { ok: false, expected: REQUESTS_EXPECTED };
    if (seen.has(key)) return { ok: false, expected: `${REQUESTS_EXPECTED}, each resource once (${key} twice)` };
    seen.add(key);
    const quantity = parseQuantity(value);
    if (!quantity.ok || quantity.value.numerator < 0n) {
      return { ok: false, expected: `${QUANTITY_EXPECTED} for ${key}` };
    }
    if (key === 'cpu') cpuMillis = quantityToMillis(quantity.value);
    else if (key === 'memory') memoryBytes = quantityToUnits(quantity.value);
    else if (isExtendedResource(key)) {
      if (quantity.value.numerator % quantity.value.denominator !== 0n) {
        return { ok: false, expected: `a whole number for the extended resource ${key}` };
      }
      extended.set(key, quantityToUnits(quantity.value));
    } else {
      return { ok: false, expected: `${REQUESTS_EXPECTED} (or an extended resource such as nvidia.com/gpu=1)` };
    }
  }
  return {
    ok: true,
    value: {
      cpuMillis: cpuMillis ?? 0,
      memoryBytes: memoryBytes ?? 0,
      extended: new Map([...extended].sort(([a], [b]) => (a < b ? -1 : 1))),
      cpuUnset: cpuMillis === null,
      memoryUnset: memoryBytes === null,
    },
  };
}

/** Parses `--add-pods N`: how many pods to add, 1 or more. */
export function parseAddPodsFlag(text: string): ParseResult<number> {
  const expected = `a whole number of pods from 1 to ${MAX_ADDED_PODS}`;
  if (!/^\d{1,7}$/.test(text.trim())) return { ok: false, expected };
  const count = Number(text.trim());
  return count >= 1 && count <= MAX_ADDED_PODS ? { ok: true, value: count } : { ok: false, expected };
}

/** The usage error for a flag value that did not parse: `--scale: expected …, got "…"` (exit code 2). */
export function flagUsageError(flag: string, text: string, failed: { readonly expected: string }): UsageError {
  return new UsageError(`${flag}: expected ${failed.expected}, got ${JSON.stringify(text)}`);
}

// ---------------------------------------------------------------- the cluster as a scenario

export interface ClusterScenarioOptions {
  /** The Scenario's metadata.name; default `cluster-what-if`. */
  readonly name?: string;
  /** Simulated time; default 1h. */
  readonly durationMs?: number;
  readonly seed?: number;
  /** Default: the region of the subnets' (or nodes') zones. */
  readonly region?: string;
  /** EC2 launch until Ready; default 60 (the Scenario's default). */
  readonly launchSeconds?: number;
  readonly spotPriceRatio?: number;
}

export interface ClusterScenario {
  readonly input: SimInput;
  /** What the scenario could not carry over from the cluster, or assumed, one sentence each. */
  readonly notes: readonly string[];
}

const DEFAULT_NAME = 'cluster-what-if';
const DEFAULT_DURATION_MS = 60 * 60_000;
// The Scenario's own defaults (shared scenario.md): launchSeconds 60, spotPriceRatio 0.35.
const DEFAULT_LAUNCH_SECONDS = 60;
const DEFAULT_SPOT_PRICE_RATIO = 0.35;
// BATCH_IDLE_DURATION and BATCH_MAX_DURATION defaults (kubernetes-sigs/karpenter pkg/operator/options).
const DEFAULT_BATCH_IDLE_MS = 1_000;
const DEFAULT_BATCH_MAX_MS = 10_000;

/** Appends to the list under a key, making it on first use. */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Names in a note: the first few, then how many more. */
function listNames(names: readonly string[], limit = 5): string {
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

function ipv4Number(text: string | null): number | null {
  if (text === null) return null;
  const parts = text.trim().split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

interface SubnetRange {
  readonly subnet: ClusterSubnet;
  readonly cidr: Ipv4Cidr;
}

function rangeOf(ranges: readonly SubnetRange[], address: number | null): SubnetRange | null {
  if (address === null) return null;
  for (const range of ranges) {
    if (address >= range.cidr.base && address < range.cidr.base + range.cidr.size) return range;
  }
  return null;
}

/** The most common value (the smaller on a tie) and how many distinct values there were. */
function mostCommon<T extends string | number>(values: readonly T[]): { value: T; distinct: number } | null {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (best === null || count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best === null ? null : { value: best, distinct: counts.size };
}

const REGION_OF_ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d+)/;

function regionOf(zone: string | null): string | null {
  return zone === null ? null : (REGION_OF_ZONE.exec(zone)?.[1] ?? null);
}

/** A zone of a region: the region and a letter, or a Local Zone or Wavelength suffix (as the loader checks). */
function inRegion(zone: string, region: string): boolean {
  return zone.startsWith(region) && /^(?:[a-z]|-[a-z0-9-]*[a-z0-9])$/.test(zone.slice(region.length));
}

interface SubnetChoice {
  readonly subnets: ScenarioSubnet[];
  readonly ranges: SubnetRange[];
}

/**
 * The subnets of the cluster's VPC (the one its nodes' addresses are in) that the loader accepts: a
 * zone of the region, a CIDR from /16 to /28, unique ids, no overlap.
 */
function chooseSubnets(state: ClusterState, region: string, notes: string[]): SubnetChoice {
  const all: SubnetRange[] = [];
  const dropped: string[] = [];
  for (const subnet of state.subnets) {
    const cidr = parseSubnetCidr(subnet.cidr);
    if (!cidr.ok) dropped.push(`${subnet.id} (${subnet.cidr}: ${cidr.expected})`);
    else all.push({ subnet, cidr: cidr.value });
  }
  const vpcs = new Set<string>();
  for (const node of state.nodes) {
    const range = rangeOf(all, ipv4Number(node.internalIp));
    if (range) vpcs.add(range.subnet.vpcId);
  }
  const kept: SubnetRange[] = [];
  const otherVpc: string[] = [];
  for (const range of all) {
    const { subnet, cidr } = range;
    if (vpcs.size > 0 && !vpcs.has(subnet.vpcId)) otherVpc.push(subnet.id);
    else if (!inRegion(subnet.zone, region)) dropped.push(`${subnet.id} (zone ${subnet.zone} outside ${region})`);
    else if (kept.some((k) => k.subnet.id === subnet.id)) dropped.push(`${subnet.id} (listed twice)`);
    else {
      const overlap = kept.find((k) => cidr.base < k.cidr.base + k.cidr.size && k.cidr.base < cidr.base + cidr.size);
      if (overlap) dropped.push(`${subnet.id} (${cidr.text} overlaps ${overlap.subnet.id})`);
      else kept.push(range);
    }
  }
  if (otherVpc.length > 0) {
    notes.push(
      `Left out ${plural(otherVpc.length, 'subnet')} outside the VPC of the cluster's nodes (${[...vpcs].sort().join(', ')}): ${listNames(otherVpc)}.`,
    );
  }
  if (dropped.length > 0) {
    notes.push(`Left out ${plural(dropped.length, 'subnet')} the scenario cannot hold: ${listNames(dropped)}.`);
  }
  return {
    subnets: kept.map(({ subnet }) => ({ id: subnet.id, zone: subnet.zone, cidr: subnet.cidr, tags: subnet.tags })),
    ranges: kept,
  };
}

/** Without subnets a scenario cannot run: one assumed /16 per zone the nodes are in, and a note saying so. */
function assumedSubnets(zones: readonly string[], region: string, notes: string[]): ScenarioSubnet[] {
  const used = zones.length > 0 ? zones : [`${region}a`];
  notes.push(
    `No subnets of the cluster's VPC in the input (aws ec2 describe-subnets): podcap assumed one 10.x.0.0/16 subnet ` +
      `in each of ${used.join(', ')}, so address exhaustion is not simulated.`,
  );
  return used.map((zone, i) => ({ id: `subnet-assumed-${zone}`, zone, cidr: `10.${i}.0.0/16`, tags: {} }));
}

/** Per subnet, what EC2 counts as used beyond the cluster's node and pod addresses. */
function noteOtherAddresses(state: ClusterState, ranges: readonly SubnetRange[], notes: string[]): void {
  const held = new Map<string, number>();
  const count = (address: string | null): void => {
    const range = rangeOf(ranges, ipv4Number(address));
    if (range) held.set(range.subnet.id, (held.get(range.subnet.id) ?? 0) + 1);
  };
  for (const node of state.nodes) count(node.internalIp);
  for (const pod of state.pods) {
    if (!pod.hostNetwork && (pod.phase === 'Running' || pod.phase === 'Pending')) count(pod.podIp);
  }
  const lines: string[] = [];
  let total = 0;
  for (const { subnet, cidr } of ranges) {
    const usable = usableAddresses(cidr);
    const used = usable - subnet.availableAddresses;
    const cluster = held.get(subnet.id) ?? 0;
    const other = used - cluster;
    if (other > 0) {
      total += other;
      lines.push(`${subnet.id} ${other} of ${used} used addresses (the nodes' and pods' own: ${cluster})`);
    }
  }
  if (lines.length > 0) {
    notes.push(
      'The scenario format cannot reserve subnet addresses, so the simulation starts each subnet empty and lets its ' +
        'nodes take their own; addresses EC2 counts as used beyond the nodes and pods (secondary ENIs, warm pools, ' +
        `load balancers, other ENIs) start free, ${total} in all: ${listNames(lines, 8)}.`,
    );
  }
}

/** The aws-node variables ipamd's model reads; the others are left out with a note. */
function vpcCniEnv(state: ClusterState, notes: string[]): Record<string, string> {
  const env = state.vpcCni === null ? {} : withIpamdDefaults(state.vpcCni.env);
  if (state.vpcCni === null) {
    notes.push('No aws-node DaemonSet in the input: the VPC CNI runs with the EKS add-on defaults.');
  }
  const kept: Record<string, string> = {};
  const left: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && MODELLED_VARIABLES.includes(name)) kept[name] = value;
    else left.push(name);
  }
  if (left.length > 0) {
    notes.push(
      `Left out ${plural(left.length, 'aws-node variable')} the ipamd model does not read: ${listNames(left)}.`,
    );
  }
  return kept;
}

function karpenterSettings(state: ClusterState, notes: string[]): KarpenterScenarioSettings | null {
  const install = state.karpenter;
  if (install === null) {
    if (state.nodePools.length > 0) {
      notes.push(
        `${plural(state.nodePools.length, 'NodePool')} but no Karpenter controller in the input: the simulation runs ` +
          'without Karpenter, so pending pods get no new nodes.',
      );
    }
    return null;
  }
  let version = LATEST_KARPENTER_VERSION;
  const parsed = install.version === null ? null : parseKarpenterVersion(install.version);
  if (parsed?.ok) version = parsed.value;
  else {
    notes.push(
      `Karpenter's version ${install.version === null ? 'is not in its image tag' : `"${install.version}" does not parse`}: ` +
        `podcap simulates ${formatKarpenterVersion(LATEST_KARPENTER_VERSION)}.`,
    );
  }
  const setting = <T>(name: string, fallback: T, read: (text: string) => T | null, expected: string): T => {
    const text = install.env[name];
    if (text === undefined) return fallback;
    const value = read(text.trim());
    if (value !== null) return value;
    notes.push(`Karpenter's ${name}="${text}" is not ${expected}: podcap uses ${String(fallback)}.`);
    return fallback;
  };
  const duration = (text: string): number | null => {
    const ms = parseDuration(text);
    return ms.ok && ms.value > 0 ? ms.value : null;
  };
  return {
    version,
    // Karpenter's settings by their environment variables (karpenter-provider-aws pkg/operator/options).
    reservedEnis: setting(
      'RESERVED_ENIS',
      0,
      (t) => (/^\d{1,2}$/.test(t) && Number(t) <= 64 ? Number(t) : null),
      'a whole number from 0 to 64',
    ),
    vmMemoryOverheadPercent: setting(
      'VM_MEMORY_OVERHEAD_PERCENT',
      DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
      (t) => (t !== '' && Number.isFinite(Number(t)) && Number(t) >= 0 && Number(t) < 1 ? Number(t) : null),
      'a fraction from 0 to below 1',
    ),
    batchIdleDurationMs: setting('BATCH_IDLE_DURATION', DEFAULT_BATCH_IDLE_MS, duration, 'a duration above 0s'),
    batchMaxDurationMs: setting('BATCH_MAX_DURATION', DEFAULT_BATCH_MAX_MS, duration, 'a duration above 0s'),
    spotToSpotConsolidation: featureGate(install.env.FEATURE_GATES, 'SpotToSpotConsolidation', notes),
  };
}

/**
 * One gate of Karpenter's FEATURE_GATES (`Name=true,Other=false`, kubernetes-sigs/karpenter
 * pkg/operator/options); absent or unreadable: off, its default.
 */
function featureGate(text: string | undefined, name: string, notes: string[]): boolean {
  if (text === undefined) return false;
  for (const entry of text.split(',')) {
    const [key, value] = entry.split('=').map((part) => part.trim());
    if (key !== name) continue;
    if (value === 'true' || value === 'false') return value === 'true';
    notes.push(`Karpenter's FEATURE_GATES gives ${name}="${value ?? ''}", not true or false: podcap takes it as off.`);
    return false;
  }
  return false;
}

/** A term matches by id, or by every tag (`*` any value); terms are ORed (karpenter-provider-aws SubnetSelectorTerm). */
function selectsSubnet(term: SubnetSelectorTerm, subnet: ScenarioSubnet): boolean {
  if (term.id !== null) return term.id === subnet.id;
  return Object.entries(term.tags).every(
    ([key, value]) => subnet.tags[key] !== undefined && (value === '*' || subnet.tags[key] === value),
  );
}

function karpenterResources(
  state: ClusterState,
  subnets: readonly ScenarioSubnet[],
  notes: string[],
): { nodePools: NodePoolSpec[]; nodeClasses: NodeClassSpec[] } {
  const nodeClasses: NodeClassSpec[] = [];
  for (const nodeClass of state.nodeClasses) {
    const subnetIds = subnets
      .filter((subnet) => nodeClass.subnetSelectorTerms.some((term) => selectsSubnet(term, subnet)))
      .map((s) => s.id);
    if (subnetIds.length === 0) {
      notes.push(`Left out EC2NodeClass ${nodeClass.name}: its subnetSelectorTerms select none of the subnets.`);
    } else {
      nodeClasses.push({ ...nodeClass, subnetIds });
    }
  }
  const classNames = new Set(nodeClasses.map((c) => c.name));
  const nodePools: NodePoolSpec[] = [];
  for (const pool of state.nodePools) {
    if (classNames.has(pool.nodeClass)) nodePools.push(pool);
    else notes.push(`Left out NodePool ${pool.name}: its EC2NodeClass ${pool.nodeClass} is not in the scenario.`);
  }
  return { nodePools, nodeClasses };
}

/** The requests the loader would read back: extended resources only by domain-qualified names, sorted. */
function cleanRequests(requests: ResourceRequests): ResourceRequests {
  const extended = [...requests.extended]
    .filter(([name, value]) => isExtendedResource(name) && value > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    cpuMillis: Math.ceil(requests.cpuMillis),
    memoryBytes: Math.ceil(requests.memoryBytes),
    extended: new Map(extended),
    cpuUnset: requests.cpuUnset,
    memoryUnset: requests.memoryUnset,
  };
}

function cleanWorkload(workload: Workload): Workload {
  return {
    ...workload,
    template: { ...workload.template, requests: cleanRequests(workload.template.requests) },
    source: null,
  };
}

function podTemplateOf(pod: ClusterPod): PodTemplate {
  return {
    labels: pod.labels,
    serviceAccountName: pod.serviceAccountName || 'default',
    requests: cleanRequests(pod.requests),
    hostNetwork: pod.hostNetwork,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: [],
  };
}

/** The EKS add-ons spec.addons can stand in for, by the controller of their pods. */
const ADDON_OWNERS: readonly { addon: AddonName; kind: string; matches: (owner: string) => boolean }[] = [
  { addon: 'aws-node', kind: 'DaemonSet', matches: (name) => name === 'aws-node' },
  { addon: 'kube-proxy', kind: 'DaemonSet', matches: (name) => name === 'kube-proxy' },
  { addon: 'coredns', kind: 'ReplicaSet', matches: (name) => /^coredns-[a-z0-9]+$/.test(name) },
];

/** A Deployment's ReplicaSet is named `<deployment>-<pod-template-hash>`. */
function deploymentOfReplicaSet(name: string): string | null {
  const dash = name.lastIndexOf('-');
  return dash > 0 ? name.slice(0, dash) : null;
}

interface WorkloadChoice {
  readonly workloads: Workload[];
  readonly addons: AddonName[];
}

/**
 * The cluster's workloads, then its pods that no workload of the state owns: bare pods (and pods of
 * controllers podcap does not read, such as Jobs) become Pods; pods of a missing EKS add-on bring
 * the add-on in through spec.addons.
 */
function chooseWorkloads(state: ClusterState, notes: string[]): WorkloadChoice {
  const workloads = state.workloads.map(cleanWorkload);
  const keys = new Set(workloads.map((w) => workloadKey(w.id)));
  const has = (kind: Workload['kind'], namespace: string, name: string): boolean =>
    keys.has(workloadKey({ kind, namespace, name }));
  const addons = new Set<AddonName>();
  const bare: ClusterPod[] = [];
  const otherControllers = new Map<string, number>();
  const skipped = new Map<string, number>();
  for (const pod of state.pods) {
    if (pod.phase !== 'Running' && pod.phase !== 'Pending') continue;
    const owner = pod.owner;
    if (owner === null) {
      bare.push(pod);
      continue;
    }
    if (owner.kind === 'ReplicaSet') {
      const deployment = deploymentOfReplicaSet(owner.name);
      if (has('ReplicaSet', pod.namespace, owner.name)) continue;
      if (deployment !== null && has('Deployment', pod.namespace, deployment)) continue;
    }
    if ((owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') && has(owner.kind, pod.namespace, owner.name)) {
      continue;
    }
    const addon =
      pod.namespace === 'kube-system'
        ? ADDON_OWNERS.find((a) => a.kind === owner.kind && a.matches(owner.name))
        : undefined;
    if (addon !== undefined) {
      const id = addonWorkload(addon.addon).id;
      if (!has(id.kind, id.namespace, id.name)) addons.add(addon.addon);
      continue;
    }
    if (owner.kind === 'DaemonSet' || owner.kind === 'Node') {
      // One pod per node: as a bare pod it would move; as a DaemonSet it needs a template the state lacks.
      const key = `${owner.kind} ${pod.namespace}/${owner.name}`;
      skipped.set(key, (skipped.get(key) ?? 0) + 1);
      continue;
    }
    const key = `${owner.kind} ${pod.namespace}/${owner.name}`;
    otherControllers.set(key, (otherControllers.get(key) ?? 0) + 1);
    bare.push(pod);
  }
  for (const pod of bare) {
    if (has('Pod', pod.namespace, pod.name)) continue;
    keys.add(workloadKey({ kind: 'Pod', namespace: pod.namespace, name: pod.name }));
    workloads.push({
      kind: 'Pod',
      id: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
      template: podTemplateOf(pod),
      source: null,
    });
  }
  const podCount = bare.length;
  if (podCount > 0) {
    const others = [...otherControllers].map(([key, n]) => `${key} (${n})`);
    notes.push(
      `${plural(podCount, 'pod')} without a workload of the input run as bare Pods` +
        (others.length > 0 ? `, ${listNames(others)} among them` : '') +
        "; the cluster state holds no pod's nodeSelector, affinity or tolerations, so they schedule as if they had none.",
    );
  }
  if (skipped.size > 0) {
    const lines = [...skipped].map(([key, n]) => `${key} (${plural(n, 'pod')})`);
    notes.push(`Left out pods of controllers whose template is not in the input: ${listNames(lines)}.`);
  }
  const addonList = (['aws-node', 'kube-proxy', 'coredns'] as const).filter((a) => addons.has(a));
  if (addonList.length > 0) {
    notes.push(
      `The input has pods but no workload of ${addonList.join(', ')}: the scenario names them in spec.addons ` +
        "(EKS's default requests; coredns with 2 replicas).",
    );
  }
  if (!addons.has('aws-node') && !has('DaemonSet', 'kube-system', 'aws-node')) {
    notes.push('No aws-node DaemonSet among the workloads: its pod on every node is not counted.');
  }
  return { workloads, addons: addonList };
}

function commonLabels(nodes: readonly ClusterNode[]): Record<string, string> {
  const [first, ...rest] = nodes;
  if (first === undefined) return {};
  const common: Record<string, string> = {};
  for (const key of Object.keys(first.labels).sort()) {
    const value = first.labels[key];
    if (value === undefined || isSystemLabel(key)) continue;
    if (rest.every((node) => node.labels[key] === value)) common[key] = value;
  }
  return common;
}

function taintKey(taint: Taint): string {
  return `${taint.key}=${taint.value}:${taint.effect}`;
}

function commonTaints(nodes: readonly ClusterNode[]): Taint[] {
  const [first, ...rest] = nodes;
  if (first === undefined) return [];
  return first.taints
    .filter((t) => !isTransientTaint(t))
    .filter((t) => rest.every((node) => node.taints.some((other) => taintKey(other) === taintKey(t))))
    .map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
}

interface PlacedNode {
  readonly node: ClusterNode;
  /** The catalog's spelling. */
  readonly instanceType: string;
}

interface NodeChoice {
  readonly nodeGroups: NodeGroupSpec[];
  readonly nodes: StaticNodesSpec[];
  readonly placed: PlacedNode[];
}

/**
 * The cluster's Ready, schedulable nodes at time 0: managed node groups as fixed node groups, the rest
 * as spec.nodes grouped by instance type, NodePool, zone and capacity type.
 */
function chooseNodes(
  state: ClusterState,
  catalog: CatalogIndex,
  scenario: { subnets: readonly ScenarioSubnet[]; ranges: readonly SubnetRange[] },
  nodePools: readonly NodePoolSpec[],
  notes: string[],
): NodeChoice {
  const excluded = new Map<string, string[]>();
  const exclude = (reason: string, node: ClusterNode): void => {
    pushTo(excluded, reason, node.name);
  };
  const placed: PlacedNode[] = [];
  for (const node of state.nodes) {
    if (node.instanceType === null) {
      exclude('without an instance-type label', node);
      continue;
    }
    const found = catalog.lookup(node.instanceType);
    if (found.status !== 'found') exclude(`of a type not in the catalog (${node.instanceType})`, node);
    else if (!node.ready) exclude('not Ready', node);
    else if (node.unschedulable) exclude('cordoned', node);
    else placed.push({ node, instanceType: found.instanceType.name });
  }
  for (const [reason, names] of excluded) {
    notes.push(`Left out ${plural(names.length, 'node')} ${reason}: ${listNames(names)}.`);
  }

  const zones = new Set(scenario.subnets.map((s) => s.zone));
  const poolNames = new Set(nodePools.map((p) => p.name));
  const groups = new Map<string, PlacedNode[]>();
  const loose: PlacedNode[] = [];
  const unknownPools = new Map<string, number>();
  for (const entry of placed) {
    const { node } = entry;
    if (node.nodePool !== null && !poolNames.has(node.nodePool)) {
      unknownPools.set(node.nodePool, (unknownPools.get(node.nodePool) ?? 0) + 1);
    }
    if (node.nodePool === null && node.nodeGroup !== null) {
      pushTo(groups, node.nodeGroup, entry);
    } else {
      loose.push(entry);
    }
  }
  for (const [pool, count] of unknownPools) {
    notes.push(
      `${plural(count, 'node')} of NodePool ${pool}, which is not in the scenario, run as nodes outside Karpenter.`,
    );
  }

  const nodeGroups: NodeGroupSpec[] = [];
  for (const name of [...groups.keys()].sort()) {
    const members = groups.get(name) ?? [];
    const types = [...new Set(members.map((m) => m.instanceType))].sort();
    const [type] = types;
    if (type === undefined) continue;
    if (types.length > 1) {
      notes.push(
        `Node group ${name} runs ${types.join(', ')}: a scenario node group has one instance type, so its ` +
          `${plural(members.length, 'node')} run as static nodes of spec.nodes (not scaled, no node group labels).`,
      );
      loose.push(...members);
      continue;
    }
    const nodes = members.map((m) => m.node);
    const inSubnets = new Set(
      nodes.flatMap((n) => {
        const range = rangeOf(scenario.ranges, ipv4Number(n.internalIp));
        return range === null ? [] : [range.subnet.id];
      }),
    );
    const groupZones = new Set(nodes.map((n) => n.zone));
    let subnetIds = scenario.subnets.filter((s) => inSubnets.has(s.id)).map((s) => s.id);
    if (subnetIds.length === 0) subnetIds = scenario.subnets.filter((s) => groupZones.has(s.zone)).map((s) => s.id);
    if (subnetIds.length === 0) subnetIds = scenario.subnets.map((s) => s.id);
    const family = mostCommon(nodes.map((n) => n.amiFamily ?? ''));
    const amiFamily = family === null || family.value === '' ? 'al2023' : family.value;
    if (nodes.some((n) => n.amiFamily === null)) {
      notes.push(
        `Node group ${name}: the OS image of some nodes is not an EKS AMI podcap knows; podcap assumes ${amiFamily}.`,
      );
    }
    const capacityType = mostCommon(nodes.map((n) => n.capacityType ?? 'on-demand'))?.value ?? 'on-demand';
    nodeGroups.push({
      name,
      instanceType: type,
      desired: nodes.length,
      amiFamily: amiFamily as NodeGroupSpec['amiFamily'],
      capacityType,
      subnets: subnetIds,
      maxPods: null,
      labels: commonLabels(nodes),
      taints: commonTaints(nodes),
    });
  }

  const staticByKey = new Map<string, StaticNodesSpec>();
  const outsideZones = new Set<string>();
  let withOwnLabels = 0;
  for (const { node, instanceType } of loose) {
    const nodePool = node.nodePool !== null && poolNames.has(node.nodePool) ? node.nodePool : null;
    let zone = node.zone;
    if (zone !== null && !zones.has(zone)) {
      outsideZones.add(zone);
      zone = null;
    }
    if (
      nodePool === null &&
      (Object.keys(node.labels).some((k) => !isSystemLabel(k)) || node.taints.some((t) => !isTransientTaint(t)))
    ) {
      withOwnLabels += 1;
    }
    const capacityType: CapacityType = node.capacityType ?? 'on-demand';
    const key = [nodePool ?? '', instanceType, zone ?? '', capacityType].join('\u0000');
    const seen = staticByKey.get(key);
    staticByKey.set(
      key,
      seen ? { ...seen, count: seen.count + 1 } : { instanceType, count: 1, nodePool, zone, capacityType },
    );
  }
  if (outsideZones.size > 0) {
    notes.push(
      `Nodes in ${[...outsideZones].sort().join(', ')}, where no subnet of the scenario is, start in the zone of the first subnet they may use.`,
    );
  }
  if (withOwnLabels > 0) {
    notes.push(
      `${plural(withOwnLabels, 'node')} outside node groups and NodePools carry labels or taints of their own, which spec.nodes ` +
        'cannot hold: pods that select or tolerate them may schedule differently.',
    );
  }
  const nodes = [...staticByKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, spec]) => spec);
  return { nodeGroups, nodes, placed };
}

/** node.status.capacity.memory by instance type: the most common value where nodes of a type differ. */
function observedMemory(placed: readonly PlacedNode[], notes: string[]): Map<string, number> {
  const byType = new Map<string, number[]>();
  for (const { node, instanceType } of placed) {
    if (node.capacity.memoryBytes > 0) pushTo(byType, instanceType, node.capacity.memoryBytes);
  }
  const observed = new Map<string, number>();
  for (const type of [...byType.keys()].sort()) {
    const common = mostCommon(byType.get(type) ?? []);
    if (common === null) continue;
    observed.set(type, common.value);
    if (common.distinct > 1) {
      notes.push(
        `${type} nodes report ${common.distinct} memory capacities (AMI releases differ): podcap uses the most common, ${formatMemory(common.value)}.`,
      );
    }
  }
  return observed;
}

/**
 * A node group's kubelet maxPods where the nodes' status.capacity.pods differs from what the group's
 * AMI would set: the launch template overrides it, and the scenario says so with `maxPods`.
 */
function withObservedMaxPods(
  groups: readonly NodeGroupSpec[],
  placed: readonly PlacedNode[],
  catalog: CatalogIndex,
  context: {
    vpcCniEnv: Readonly<Record<string, string>>;
    karpenter: KarpenterScenarioSettings | null;
    observedMemoryBytes: ReadonlyMap<string, number>;
    hostNetworkPods: number;
  },
  notes: string[],
): NodeGroupSpec[] {
  const cni = parseVpcCniEnv(context.vpcCniEnv, EKS_MANIFEST_DEFAULTS).settings;
  return groups.map((group) => {
    const found = catalog.lookup(group.instanceType);
    const observed = mostCommon(
      placed
        .filter((p) => p.node.nodeGroup === group.name && p.node.nodePool === null)
        .map((p) => p.node.capacity.pods),
    );
    if (found.status !== 'found' || observed === null || observed.value <= 0) return group;
    const template = makeNodeTemplate({
      origin: `nodeGroup/${group.name}`,
      instanceType: found.instanceType,
      amiFamily: group.amiFamily,
      launchedBy: 'node-group',
      capacityType: group.capacityType,
      kubelet: {},
      cni,
      karpenter: context.karpenter,
      observedMemoryBytes: context.observedMemoryBytes.get(group.instanceType) ?? null,
      hostNetworkPods: context.hostNetworkPods,
      labels: {},
      taints: [],
      managedNodeGroup: true,
    });
    const modelled = template.ready?.maxPods ?? null;
    if (modelled === observed.value) return group;
    notes.push(
      `Node group ${group.name}: its nodes admit ${observed.value} pods where its AMI would set ${modelled ?? 'none'}; ` +
        `the scenario sets maxPods: ${observed.value}.`,
    );
    return { ...group, maxPods: observed.value };
  });
}

/**
 * Custom networking: the ENIConfig subnet of each zone, read off where the pods' addresses are (the
 * cluster state holds no ENIConfig objects).
 */
function inferEniConfigs(
  state: ClusterState,
  ranges: readonly SubnetRange[],
  zonesWithNodes: readonly string[],
  notes: string[],
): Map<string, string> {
  const zoneOfNode = new Map(state.nodes.map((n) => [n.name, n.zone] as const));
  const counts = new Map<string, Map<string, number>>();
  for (const pod of state.pods) {
    if (pod.hostNetwork || pod.nodeName === null) continue;
    const zone = zoneOfNode.get(pod.nodeName);
    const range = rangeOf(ranges, ipv4Number(pod.podIp));
    if (zone === null || zone === undefined || range === null || range.subnet.zone !== zone) continue;
    const inZone = counts.get(zone) ?? new Map<string, number>();
    inZone.set(range.subnet.id, (inZone.get(range.subnet.id) ?? 0) + 1);
    counts.set(zone, inZone);
  }
  const eniConfigs = new Map<string, string>();
  for (const zone of [...counts.keys()].sort()) {
    const best = [...(counts.get(zone) ?? [])].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0];
    if (best) eniConfigs.set(zone, best[0]);
  }
  const found = [...eniConfigs].map(([zone, id]) => `${zone}: ${id}`);
  const missing = zonesWithNodes.filter((z) => !eniConfigs.has(z));
  notes.push(
    "Custom networking is on and the input holds no ENIConfigs: podcap took each zone's pod subnet from the pods' " +
      `addresses (${found.length > 0 ? found.join(', ') : 'none found'})` +
      (missing.length > 0 ? `; nodes in ${missing.join(', ')} get no pod addresses in the simulation.` : '.'),
  );
  return eniConfigs;
}

/** Service Quotas names of the EC2 vCPU quotas, by the class words in them. */
const QUOTA_CLASS_WORDS: Readonly<Record<string, QuotaClass>> = {
  standard: 'standard',
  f: 'f',
  g: 'g',
  'g and vt': 'g',
  inf: 'inf',
  p: 'p',
  x: 'x',
  dl: 'dl',
  trn: 'trn',
  'high memory': 'highMemory',
  hpc: 'hpc',
};

/** "Running On-Demand Standard (A, C, …) instances" (L-1216C47A) and "All … Spot Instance Requests" (L-34B43A08). */
function quotaTarget(quota: ClusterQuota): { table: 'onDemand' | 'spot'; cls: QuotaClass } | null {
  if (quota.code === 'L-1216C47A') return { table: 'onDemand', cls: 'standard' };
  if (quota.code === 'L-34B43A08') return { table: 'spot', cls: 'standard' };
  const name = quota.name.trim().replace(/\s*\([^)]*\)/g, '');
  const onDemand = /^Running On-Demand (.+) instances$/i.exec(name);
  const spot = /^All (.+) Spot Instance Requests$/i.exec(name);
  const words = (onDemand?.[1] ?? spot?.[1])?.toLowerCase();
  const cls = words === undefined ? undefined : QUOTA_CLASS_WORDS[words];
  if (cls === undefined) return null;
  return { table: onDemand ? 'onDemand' : 'spot', cls };
}

function mapQuotas(state: ClusterState, notes: string[]): Quotas {
  if (state.quotas === null) {
    notes.push('No Service Quotas in the input: EC2 vCPU quotas are unlimited in the simulation.');
    return { onDemand: {}, spot: {} };
  }
  const onDemand: Record<string, number> = {};
  const spot: Record<string, number> = {};
  for (const quota of state.quotas) {
    const target = quotaTarget(quota);
    if (target === null || !Number.isFinite(quota.value) || quota.value < 0) continue;
    (target.table === 'spot' ? spot : onDemand)[target.cls] = Math.floor(quota.value);
  }
  return { onDemand, spot };
}

/**
 * The cluster at time 0 as the simulator's input, built as the Scenario loader would build it from
 * the same cluster written as manifests and a Scenario: its Ready nodes exist (managed node groups as
 * fixed node groups, the rest as spec.nodes), its workloads are applied at 0s. `notes` says what the
 * scenario format could not carry and what podcap assumed.
 */
export function clusterToSimInput(
  state: ClusterState,
  catalog: CatalogIndex,
  options: ClusterScenarioOptions = {},
): ClusterScenario {
  const notes: string[] = [];
  const zones = [...new Set([...state.subnets.map((s) => s.zone), ...state.nodes.map((n) => n.zone ?? '')])];
  const region =
    options.region ??
    state.subnets.map((s) => regionOf(s.zone)).find((r) => r !== null) ??
    state.nodes.map((n) => regionOf(n.zone)).find((r) => r !== null) ??
    'us-east-1';
  if (options.region === undefined && zones.every((z) => regionOf(z) === null)) {
    notes.push('No zone in the input names a region: podcap assumed us-east-1.');
  }

  const chosen = chooseSubnets(state, region, notes);
  const nodeZones = [...new Set(state.nodes.map((n) => n.zone))]
    .filter((z): z is string => z !== null && inRegion(z, region))
    .sort();
  const subnets = chosen.subnets.length > 0 ? chosen.subnets : assumedSubnets(nodeZones, region, notes);
  noteOtherAddresses(state, chosen.ranges, notes);

  const env = vpcCniEnv(state, notes);
  const karpenter = karpenterSettings(state, notes);
  const { nodePools, nodeClasses } = karpenterResources(state, subnets, notes);
  const { workloads, addons } = chooseWorkloads(state, notes);
  const nodeChoice = chooseNodes(state, catalog, { subnets, ranges: chosen.ranges }, nodePools, notes);
  const observedMemoryBytes = observedMemory(nodeChoice.placed, notes);
  const hostNetworkPods = [...addons.map(addonWorkload), ...workloads].filter(
    (w) => w.kind === 'DaemonSet' && w.template.hostNetwork,
  ).length;
  const nodeGroups = withObservedMaxPods(
    nodeChoice.nodeGroups,
    nodeChoice.placed,
    catalog,
    { vpcCniEnv: env, karpenter, observedMemoryBytes, hostNetworkPods },
    notes,
  );
  const customNetworking = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings.customNetworking;
  const placedZones = [...new Set(nodeChoice.placed.map((p) => p.node.zone))].filter((z): z is string => z !== null);
  const eniConfigs = customNetworking
    ? inferEniConfigs(state, chosen.ranges, placedZones.sort(), notes)
    : new Map<string, string>();

  notes.push(
    "At time 0 the cluster's nodes exist and are Ready, and every workload's pods are scheduled anew onto them: " +
      'where the real scheduler put them is not kept.',
  );

  const scenario: Scenario = {
    name: options.name ?? DEFAULT_NAME,
    durationMs: options.durationMs ?? DEFAULT_DURATION_MS,
    seed: options.seed ?? 1,
    region,
    subnets,
    quotas: mapQuotas(state, notes),
    launchMs: (options.launchSeconds ?? DEFAULT_LAUNCH_SECONDS) * 1000,
    spotPriceRatio: options.spotPriceRatio ?? DEFAULT_SPOT_PRICE_RATIO,
    observedMemoryBytes,
    vpcCniEnv: env,
    eniConfigs,
    karpenter,
    nodeGroups,
    nodes: nodeChoice.nodes,
    addons,
    timeline: [],
  };
  return {
    input: {
      scenario,
      workloads,
      securityGroupPolicies: state.securityGroupPolicies,
      nodePools,
      nodeClasses,
      ignored: [],
    },
    notes,
  };
}

// ---------------------------------------------------------------- applying changes

export interface ApplyOptions {
  /**
   * When the changes happen in simulated time; 0 changes the manifests themselves. Default 1m (0 in a
   * run of 1m or less).
   */
  readonly changeAtMs?: number;
}

export interface AppliedChanges {
  readonly input: SimInput;
  /** One line per change: `Deployment default/web from 40 to 120 replicas`. */
  readonly described: readonly string[];
  /** When they happen. */
  readonly atMs: number;
}

const DEFAULT_CHANGE_AT_MS = 60_000;

function scaleTarget(input: SimInput, change: ScaleChange): Workload & { kind: ScalableKind } {
  const scalable = input.workloads.filter(
    (w): w is Workload & { kind: ScalableKind } =>
      w.kind === 'Deployment' || w.kind === 'StatefulSet' || w.kind === 'ReplicaSet',
  );
  const matches = scalable.filter(
    (w) =>
      w.id.namespace === change.namespace &&
      w.id.name === change.name &&
      (change.kind === null || w.kind === change.kind),
  );
  const [match, second] = matches;
  if (match !== undefined && second === undefined) return match;
  if (second !== undefined) {
    throw flagUsageError('--scale', change.text, {
      expected: `one workload: ${matches.map((w) => w.kind).join(' and ')} share the name (write KIND/${change.namespace}/${change.name}=…)`,
    });
  }
  const daemonSet = input.workloads.some(
    (w) => w.kind === 'DaemonSet' && w.id.namespace === change.namespace && w.id.name === change.name,
  );
  const names = scalable.map((w) => `${w.id.namespace}/${w.id.name}`);
  throw flagUsageError('--scale', change.text, {
    expected: daemonSet
      ? 'a Deployment or StatefulSet (a DaemonSet runs one pod per node and does not scale)'
      : `a ${change.kind ?? 'Deployment or StatefulSet'} of the cluster (${names.length > 0 ? listNames(names, 8) : 'there are none'})`,
  });
}

function scaledReplicas(replicas: number, amount: ScaleAmount): number {
  if (amount.type === 'replicas') return amount.replicas;
  return Math.min(MAX_REPLICAS, Math.ceil((replicas * amount.numerator) / amount.denominator));
}

function describeRequests(requests: ResourceRequests): string {
  const parts: string[] = [];
  if (!requests.cpuUnset) parts.push(`cpu ${formatCpu(requests.cpuMillis)}`);
  if (!requests.memoryUnset) parts.push(`memory ${memoryQuantity(requests.memoryBytes)}`);
  for (const [name, value] of requests.extended) parts.push(`${name} ${value}`);
  return parts.length > 0 ? parts.join(', ') : 'no requests';
}

/**
 * Applies `--scale` and `--add-pods` to a cluster's input: at `changeAtMs` through the timeline (the
 * cluster first settles as it is), or at 0 in the manifests. Throws a UsageError naming the flag when
 * a target is not in the cluster or is named twice.
 */
export function applyChanges(
  input: SimInput,
  changes: readonly WhatIfChange[],
  options: ApplyOptions = {},
): AppliedChanges {
  const atMs = options.changeAtMs ?? (input.scenario.durationMs > DEFAULT_CHANGE_AT_MS ? DEFAULT_CHANGE_AT_MS : 0);
  if (!(atMs >= 0 && atMs < input.scenario.durationMs)) {
    throw new UsageError(
      `the changes at ${formatDuration(atMs)}: expected a time from 0s to before the end of the run (${formatDuration(input.scenario.durationMs)})`,
    );
  }
  const workloads = [...input.workloads];
  const timeline: TimelineEntry[] = [...input.scenario.timeline];
  const described: string[] = [];
  const scaled = new Set<string>();
  const when = atMs === 0 ? '' : ` at ${formatDuration(atMs)}`;
  const before = podsAsked(input);
  let total = before;
  // Checked change by change, before anything runs: a what-if of 2 billion pods would run out of memory.
  const checkTotal = (flag: string, text: string): void => {
    if (total <= MAX_WHAT_IF_PODS) return;
    throw flagUsageError(flag, text, {
      expected: `a what-if of at most ${MAX_WHAT_IF_PODS} pods in all, a scenario's limit (the cluster's ${before} pods come to ${total} with the changes up to this one)`,
    });
  };
  const setReplicas = (target: WorkloadId, index: number, replicas: number): void => {
    if (atMs === 0) {
      const workload = workloads[index];
      if (
        workload &&
        (workload.kind === 'Deployment' || workload.kind === 'ReplicaSet' || workload.kind === 'StatefulSet')
      ) {
        workloads[index] = { ...workload, replicas };
      }
    } else {
      timeline.push({ atMs, action: { type: 'scale-workload', target, replicas } });
    }
  };
  for (const change of changes) {
    if (change.type === 'scale') {
      const target = scaleTarget({ ...input, workloads }, change);
      const key = workloadKey(target.id);
      if (scaled.has(key)) {
        throw flagUsageError('--scale', change.text, {
          expected: `each workload once (${target.kind} ${change.namespace}/${change.name} is scaled twice)`,
        });
      }
      scaled.add(key);
      const replicas = scaledReplicas(target.replicas, change.amount);
      total += replicas - target.replicas;
      checkTotal('--scale', change.text);
      setReplicas(target.id, workloads.indexOf(target), replicas);
      described.push(
        `${target.kind} ${target.id.namespace}/${target.id.name} from ${target.replicas} to ${replicas} replicas${when}`,
      );
    } else {
      total += change.count;
      checkTotal('--add-pods', String(change.count));
      const taken = new Set(workloads.filter((w) => w.id.namespace === 'default').map((w) => w.id.name));
      let name = WHAT_IF_DEPLOYMENT;
      for (let i = 2; taken.has(name); i += 1) name = `${WHAT_IF_DEPLOYMENT}-${i}`;
      const id: WorkloadId = { kind: 'Deployment', namespace: 'default', name };
      workloads.push({
        kind: 'Deployment',
        id,
        replicas: atMs === 0 ? change.count : 0,
        template: {
          labels: { app: name },
          serviceAccountName: 'default',
          requests: cleanRequests(change.requests),
          hostNetwork: false,
          nodeSelector: {},
          requiredNodeAffinity: null,
          tolerations: [],
          topologySpreadConstraints: [],
        },
        source: null,
      });
      if (atMs > 0) timeline.push({ atMs, action: { type: 'scale-workload', target: id, replicas: change.count } });
      described.push(
        `${plural(change.count, 'new pod')} requesting ${describeRequests(change.requests)} (Deployment default/${name})${when}`,
      );
    }
  }
  // Stable: entries at the same time keep their order, as the loader sorts them.
  timeline.sort((a, b) => a.atMs - b.atMs);
  return { input: { ...input, workloads, scenario: { ...input.scenario, timeline } }, described, atMs };
}

// ---------------------------------------------------------------- running it

export interface WhatIfOptions extends ClusterScenarioOptions, ApplyOptions {
  /** Keep the simulator's event log in the result. */
  readonly recordEvents?: boolean;
  readonly onProgress?: SimOptions['onProgress'];
}

/** The first error the simulator found, in simulated time. */
export interface WhatIfBreak {
  readonly code: FindingCode;
  /** When it was first seen; 0 for a fact of the input (a node type that cannot start, for instance). */
  readonly atMs: number;
  readonly message: string;
  /** It happens before the changes do: the cluster breaks as it is. */
  readonly beforeChange: boolean;
}

export interface WhatIfResult {
  /** The scenario that ran: the cluster at time 0 with the changes (what --export-scenario writes). */
  readonly input: SimInput;
  readonly notes: readonly string[];
  readonly changes: readonly string[];
  readonly result: SimResult;
  /** null: nothing breaks within the run. */
  readonly firstBreak: WhatIfBreak | null;
  /** One paragraph: what breaks first and when, then pods, nodes and cost at the end. */
  readonly summary: string;
}

/** What a finding is about: its code and the workloads and subnets it names. */
function findingKey(finding: Finding): string {
  const objects =
    finding.message.match(/\b(?:Deployment|StatefulSet|DaemonSet|Pod) [\w.-]+\/[\w.-]+|\bsubnet-[\w-]+/g) ?? [];
  return `${finding.code} ${[...new Set(objects)].sort().join(' ')}`;
}

/**
 * The first error of the run in simulated time. An error the same cluster also shows without the
 * changes (the baseline run) is the cluster's own: it is reported as breaking before the change only
 * when the changes add no error of their own. Pods all start at 0s, so an error caused by the change
 * is dated no earlier than the change.
 */
function firstError(result: SimResult, baseline: SimResult | null, changeAtMs: number): WhatIfBreak | null {
  const before = new Set((baseline?.findings ?? []).filter((f) => f.severity === 'error').map(findingKey));
  let caused: WhatIfBreak | null = null;
  let existing: WhatIfBreak | null = null;
  for (const finding of result.findings) {
    if (finding.severity !== 'error') continue;
    const atMs = Math.max(0, finding.atMs ?? 0);
    if (baseline === null || before.has(findingKey(finding))) {
      if (existing === null || atMs < existing.atMs) {
        existing = { code: finding.code, atMs, message: finding.message, beforeChange: baseline !== null };
      }
    } else {
      const at = Math.max(atMs, changeAtMs);
      if (caused === null || at < caused.atMs) {
        caused = { code: finding.code, atMs: at, message: finding.message, beforeChange: false };
      }
    }
  }
  return caused ?? existing;
}

function summarize(result: SimResult, changes: readonly string[], firstBreak: WhatIfBreak | null): string {
  const within = formatDuration(result.durationMs);
  const what = changes.length > 0 ? `With ${changes.join('; ')}` : 'As the cluster is';
  const verdict =
    firstBreak === null
      ? `nothing breaks within ${within}.`
      : `the first thing to break is ${firstBreak.code} at ${formatDuration(firstBreak.atMs)}` +
        (firstBreak.beforeChange ? ', before the change: the cluster breaks as it is' : '') +
        `: ${firstBreak.message}`;
  const { pods, nodes, costUsd } = result;
  const types = Object.entries(nodes.byType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, count]) => `${count} ${type}`);
  const end =
    `After ${within}: ${pods.running} of ${pods.total} pods Running, ${pods.pending} Pending, ` +
    `${pods.containerCreating} stuck in ContainerCreating; ${plural(nodes.launched, 'node')} launched, ` +
    `${nodes.atEnd} at the end${types.length > 0 ? ` (${types.join(', ')})` : ''}; the nodes cost $${costUsd.totalUsd.toFixed(2)}.`;
  return `${what}, ${verdict.endsWith('.') ? verdict : `${verdict}.`} ${end}`;
}

/**
 * What-if from a real cluster: its state at time 0 as a scenario, the changes applied (at 1m by
 * default, so the cluster first settles as it is), the simulator run for the duration (1h by
 * default) with the cluster's Karpenter and VPC CNI settings, and the first error it finds.
 */
export function runWhatIf(
  state: ClusterState,
  catalog: CatalogIndex,
  changes: readonly WhatIfChange[],
  options: WhatIfOptions = {},
): WhatIfResult {
  const cluster = clusterToSimInput(state, catalog, options);
  const pods = podsAsked(cluster.input);
  if (changes.length === 0 && pods > MAX_WHAT_IF_PODS) {
    throw new UsageError(
      `--export-scenario: expected a cluster of at most ${MAX_WHAT_IF_PODS} pods, a scenario's limit, got ${pods}`,
    );
  }
  const applied = applyChanges(cluster.input, changes, options);
  const result = simulate(applied.input, catalog, {
    recordEvents: options.recordEvents ?? false,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // The same cluster without the changes tells which errors the changes cause.
  const baseline = changes.length > 0 ? simulate(cluster.input, catalog, { recordEvents: false }) : null;
  const firstBreak = firstError(result, baseline, changes.length > 0 ? applied.atMs : 0);
  return {
    input: applied.input,
    notes: cluster.notes,
    changes: applied.described,
    result,
    firstBreak,
    summary: summarize(result, applied.described, firstBreak),
  };
}
