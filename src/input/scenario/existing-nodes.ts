/**
 * Existing nodes from an exported cluster (shared scenario.md: `v1` Node and `karpenter.sh/v1`
 * NodeClaim, whose short form is `spec.nodes`). Each Node becomes a node that is Ready at time 0:
 * managed node group nodes make up their node group, the others are `spec.nodes` entries. A NodeClaim
 * adds a node only when no Node of the inputs is its node, from the instance type Karpenter launched.
 */

import { z } from 'zod';
import type { CatalogIndex } from '../../core/catalog.js';
import type { AmiFamily } from '../../core/node-config.js';
import {
  amiFamilyOf,
  capacityTypeLabel,
  isSystemLabel,
  isTransientTaint,
  NODE_LABEL as LABEL,
} from '../../core/node-labels.js';
import { type Quantity, quantityToUnits } from '../../core/quantity.js';
import { contains, parseIpv4Cidr, parseSubnetCidr } from '../../network/cidr.js';
import type {
  CapacityType,
  IgnoredDocument,
  NodeGroupSpec,
  ScenarioSubnet,
  StaticNodesSpec,
  Taint,
} from '../../sim/model.js';
import { fieldError, type InputDocument, listNames, sourceRef } from './document.js';
import { nonNegativeQuantity, optional, stringMap, subdomainName, taint, withDefault } from './fields.js';
import { type ExistingNodes, resolveInstanceType } from './resolve-scenario.js';
import { validateDocument } from './validate.js';

export const NODE_API_VERSION = 'v1';
export const NODE_CLAIM_API_VERSION = 'karpenter.sh/v1';

/** EKS compute types that are no EC2 instance podcap can model (Fargate pods, on-premises hybrid nodes). */
const UNMODELLED_COMPUTE_TYPES = ['fargate', 'hybrid'];

const nodeSchema = z.looseObject({
  metadata: z.looseObject({
    name: subdomainName,
    labels: withDefault(stringMap, {}),
    deletionTimestamp: optional(z.string()),
    ownerReferences: withDefault(z.array(z.looseObject({ kind: z.string(), name: z.string() })), []),
  }),
  spec: withDefault(
    z.looseObject({
      providerID: optional(z.string()),
      unschedulable: withDefault(z.boolean(), false),
      taints: withDefault(z.array(taint), []),
    }),
    { unschedulable: false, taints: [] },
  ),
  status: withDefault(
    z.looseObject({
      capacity: withDefault(z.looseObject({ memory: optional(nonNegativeQuantity) }), {}),
      conditions: withDefault(z.array(z.looseObject({ type: z.string(), status: z.string() })), []),
      addresses: withDefault(z.array(z.looseObject({ type: z.string(), address: z.string() })), []),
      nodeInfo: withDefault(z.looseObject({ osImage: withDefault(z.string(), '') }), { osImage: '' }),
    }),
    { capacity: {}, conditions: [], addresses: [], nodeInfo: { osImage: '' } },
  ),
});

const nodeClaimSchema = z.looseObject({
  metadata: z.looseObject({
    name: subdomainName,
    labels: withDefault(stringMap, {}),
    deletionTimestamp: optional(z.string()),
  }),
  status: withDefault(z.looseObject({ nodeName: optional(z.string()), providerID: optional(z.string()) }), {}),
});

/** Why a Node or NodeClaim of the inputs adds no node; it is listed as ignored. */
type Skipped = 'deleting' | 'cordoned' | 'not-ready' | 'not-ec2' | 'not-launched';

export interface ParsedNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly providerId: string | null;
  /** The NodeClaims its ownerReferences name (Karpenter makes the NodeClaim the Node's owner). */
  readonly claimNames: readonly string[];
  readonly internalIp: string | null;
  readonly osImage: string;
  /** `status.capacity.memory`: the kubelet's MemTotal. */
  readonly memoryCapacity: Quantity | null;
  readonly skipped: Skipped | null;
  readonly document: InputDocument;
}

export interface ParsedNodeClaim {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeName: string | null;
  readonly providerId: string | null;
  readonly skipped: Skipped | null;
  readonly document: InputDocument;
}

function present(text: string | undefined): string | null {
  return text === undefined || text === '' ? null : text;
}

export function parseNode(document: InputDocument): ParsedNode {
  const { metadata, spec, status } = validateDocument(nodeSchema, document);
  const ready = status.conditions.find((c) => c.type === 'Ready');
  const computeType = metadata.labels[LABEL.computeType];
  let skipped: Skipped | null = null;
  if (computeType !== undefined && UNMODELLED_COMPUTE_TYPES.includes(computeType)) skipped = 'not-ec2';
  else if (present(metadata.deletionTimestamp) !== null) skipped = 'deleting';
  else if (spec.unschedulable) skipped = 'cordoned';
  // A node without a Ready condition (a hand-written manifest) counts as Ready.
  else if (ready !== undefined && ready.status !== 'True') skipped = 'not-ready';
  return {
    name: metadata.name,
    labels: metadata.labels,
    taints: spec.taints,
    providerId: present(spec.providerID),
    claimNames: metadata.ownerReferences.filter((r) => r.kind === 'NodeClaim').map((r) => r.name),
    internalIp: status.addresses.find((a) => a.type === 'InternalIP')?.address ?? null,
    osImage: status.nodeInfo.osImage,
    memoryCapacity: status.capacity.memory ?? null,
    skipped,
    document,
  };
}

export function parseNodeClaim(document: InputDocument): ParsedNodeClaim {
  const { metadata, status } = validateDocument(nodeClaimSchema, document);
  let skipped: Skipped | null = null;
  if (present(metadata.deletionTimestamp) !== null) skipped = 'deleting';
  // Karpenter labels a NodeClaim with its instance type once EC2 has launched it.
  else if (metadata.labels[LABEL.instanceType] === undefined) skipped = 'not-launched';
  return {
    name: metadata.name,
    labels: metadata.labels,
    nodeName: present(status.nodeName),
    providerId: present(status.providerID),
    skipped,
    document,
  };
}

/** The Nodes and NodeClaims that add nodes, and those listed as ignored. */
export interface ExistingNodeInputs {
  readonly nodes: readonly ParsedNode[];
  readonly nodeClaims: readonly ParsedNodeClaim[];
  readonly ignored: readonly IgnoredDocument[];
}

function ignoredDocument(apiVersion: string, kind: string, name: string, document: InputDocument): IgnoredDocument {
  return { apiVersion, kind, name, source: sourceRef(document) };
}

/**
 * Nodes being deleted, cordoned (as the doctor), not Ready (as the doctor) or not EC2 instances are
 * left out; a NodeClaim adds a node only when none of the Nodes, left out or not, is its node.
 */
export function selectExistingNodes(
  nodes: readonly ParsedNode[],
  nodeClaims: readonly ParsedNodeClaim[],
): ExistingNodeInputs {
  const ignored: IgnoredDocument[] = [];
  const names = new Set(nodes.map((n) => n.name));
  const providerIds = new Set(nodes.flatMap((n) => (n.providerId === null ? [] : [n.providerId])));
  const owned = new Set(nodes.flatMap((n) => n.claimNames));
  const kept: ParsedNode[] = [];
  for (const node of nodes) {
    if (node.skipped === null) kept.push(node);
    else ignored.push(ignoredDocument(NODE_API_VERSION, 'Node', node.name, node.document));
  }
  const keptClaims: ParsedNodeClaim[] = [];
  for (const claim of nodeClaims) {
    const hasNode =
      owned.has(claim.name) ||
      (claim.nodeName !== null && names.has(claim.nodeName)) ||
      (claim.providerId !== null && providerIds.has(claim.providerId));
    if (hasNode) continue;
    if (claim.skipped === null) keptClaims.push(claim);
    else ignored.push(ignoredDocument(NODE_CLAIM_API_VERSION, 'NodeClaim', claim.name, claim.document));
  }
  return { nodes: kept, nodeClaims: keptClaims, ignored };
}

export interface ExistingNodesContext {
  readonly catalog: CatalogIndex;
  readonly subnets: readonly ScenarioSubnet[];
  readonly nodePools: readonly string[];
  /** Names of spec.nodeGroups: their Nodes are already their nodes. */
  readonly nodeGroups: readonly string[];
}

function ownLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(labels)
      .filter((key) => !isSystemLabel(key))
      .sort()
      .map((key) => [key, labels[key] ?? '']),
  );
}

function ownTaints(taints: readonly Taint[]): Taint[] {
  return taints.filter((t) => !isTransientTaint(t)).map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
}

/** Karpenter's or the managed node group's label; a node that says nothing runs on demand. */
function capacityTypeOf(labels: Readonly<Record<string, string>>): CapacityType {
  return capacityTypeLabel(labels) ?? 'on-demand';
}

/** The most common value (the smaller on a tie). */
function mostCommon<T extends string | number>(values: readonly T[]): T | null {
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
  return best;
}

/** One existing node: where it runs and who owns it, its references resolved. */
interface PlacedNode {
  readonly instanceType: string;
  readonly zone: string | null;
  readonly nodePool: string | null;
  readonly nodeGroup: string | null;
  readonly capacityType: CapacityType;
  readonly amiFamily: Exclude<AmiFamily, 'custom'> | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** The Scenario subnet its InternalIP lies in. */
  readonly subnetId: string | null;
}

type Path = readonly PropertyKey[];

function labelPath(key: string): Path {
  return ['metadata', 'labels', key];
}

function placeLabels(
  labels: Readonly<Record<string, string>>,
  document: InputDocument,
  context: ExistingNodesContext,
): Pick<PlacedNode, 'instanceType' | 'zone' | 'nodePool' | 'capacityType'> {
  const typeKey = labels[LABEL.instanceType] !== undefined ? LABEL.instanceType : LABEL.instanceTypeBeta;
  const typeName = labels[typeKey];
  if (typeName === undefined) {
    throw fieldError(
      document,
      labelPath(LABEL.instanceType),
      `the instance type label ${LABEL.instanceType} (the kubelet and Karpenter set it on EC2 nodes)`,
    );
  }
  const instanceType = resolveInstanceType(context.catalog, document, labelPath(typeKey), typeName);
  const zoneKey = labels[LABEL.zone] !== undefined ? LABEL.zone : LABEL.zoneBeta;
  const zone = labels[zoneKey] ?? null;
  const zones = [...new Set(context.subnets.map((s) => s.zone))];
  if (zone !== null && !zones.includes(zone)) {
    throw fieldError(document, labelPath(zoneKey), `a zone of spec.aws.subnets (${listNames(zones)})`);
  }
  const nodePool = labels[LABEL.nodePool] ?? null;
  if (nodePool !== null && !context.nodePools.includes(nodePool)) {
    throw fieldError(
      document,
      labelPath(LABEL.nodePool),
      `a NodePool of the inputs (${listNames(context.nodePools)}); add its NodePool manifest`,
    );
  }
  return { instanceType, zone, nodePool, capacityType: capacityTypeOf(labels) };
}

function subnetOf(address: string | null, subnets: readonly ScenarioSubnet[]): string | null {
  const host = address === null ? null : parseIpv4Cidr(`${address}/32`);
  if (host === null || !host.ok) return null;
  for (const subnet of subnets) {
    const cidr = parseSubnetCidr(subnet.cidr);
    if (cidr.ok && contains(cidr.value, host.value)) return subnet.id;
  }
  return null;
}

function placeNode(node: ParsedNode, context: ExistingNodesContext): PlacedNode {
  const placed = placeLabels(node.labels, node.document, context);
  return {
    ...placed,
    nodeGroup: placed.nodePool === null ? (node.labels[LABEL.nodeGroup] ?? null) : null,
    amiFamily: amiFamilyOf(node.osImage),
    labels: ownLabels(node.labels),
    taints: ownTaints(node.taints),
    subnetId: subnetOf(node.internalIp, context.subnets),
  };
}

function placeNodeClaim(claim: ParsedNodeClaim, context: ExistingNodesContext): PlacedNode {
  if (claim.labels[LABEL.nodePool] === undefined) {
    throw fieldError(
      claim.document,
      labelPath(LABEL.nodePool),
      `the NodePool label ${LABEL.nodePool} (Karpenter sets it on every NodeClaim)`,
    );
  }
  const placed = placeLabels(claim.labels, claim.document, context);
  // Its NodePool's labels and taints are the node's: the simulator applies them.
  return { ...placed, nodeGroup: null, amiFamily: null, labels: {}, taints: [], subnetId: null };
}

function taintKey(t: Taint): string {
  return `${t.key}=${t.value}:${t.effect}`;
}

/** A managed node group as its Nodes show it; the ASG spreads its nodes over its subnets again. */
function nodeGroupOf(
  name: string,
  members: readonly PlacedNode[],
  instanceType: string,
  subnets: readonly ScenarioSubnet[],
): NodeGroupSpec {
  const [first, ...rest] = members;
  const inSubnets = new Set(members.flatMap((m) => (m.subnetId === null ? [] : [m.subnetId])));
  const zones = new Set(members.flatMap((m) => (m.zone === null ? [] : [m.zone])));
  let subnetIds = subnets.filter((s) => inSubnets.has(s.id)).map((s) => s.id);
  if (subnetIds.length === 0) subnetIds = subnets.filter((s) => zones.has(s.zone)).map((s) => s.id);
  if (subnetIds.length === 0) subnetIds = subnets.map((s) => s.id);
  const labels = Object.fromEntries(
    Object.entries(first?.labels ?? {}).filter(([key, value]) => rest.every((m) => m.labels[key] === value)),
  );
  const taints = (first?.taints ?? []).filter((t) =>
    rest.every((m) => m.taints.some((other) => taintKey(other) === taintKey(t))),
  );
  const families = members.flatMap((m) => (m.amiFamily === null ? [] : [m.amiFamily]));
  return {
    name,
    instanceType,
    desired: members.length,
    amiFamily: mostCommon(families) ?? 'al2023',
    capacityType: mostCommon(members.map((m) => m.capacityType)) ?? 'on-demand',
    subnets: subnetIds,
    // The model's maxPods, as for a spec.nodeGroups entry without maxPods.
    maxPods: null,
    labels,
    taints,
  };
}

/** A node as a spec.nodes entry: a NodePool's node takes its NodePool's labels, taints and AMI. */
function staticNodes(node: PlacedNode): StaticNodesSpec {
  const spec: StaticNodesSpec = {
    instanceType: node.instanceType,
    count: 1,
    nodePool: node.nodePool,
    zone: node.zone,
    capacityType: node.capacityType,
  };
  if (node.nodePool !== null) return spec;
  return {
    ...spec,
    ...(Object.keys(node.labels).length > 0 ? { labels: node.labels } : {}),
    ...(node.taints.length > 0 ? { taints: node.taints } : {}),
    ...(node.amiFamily !== null ? { amiFamily: node.amiFamily } : {}),
  };
}

function staticKey(spec: StaticNodesSpec): string {
  const { count: _, ...rest } = spec;
  return JSON.stringify(rest);
}

function observedMemory(nodes: readonly ParsedNode[], placed: readonly PlacedNode[]): Map<string, number> {
  const byType = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    const type = placed[i]?.instanceType;
    const bytes = node.memoryCapacity === null ? 0 : quantityToUnits(node.memoryCapacity);
    if (type === undefined || bytes <= 0) return;
    byType.set(type, [...(byType.get(type) ?? []), bytes]);
  });
  const observed = new Map<string, number>();
  for (const type of [...byType.keys()].sort()) {
    const common = mostCommon(byType.get(type) ?? []);
    if (common !== null) observed.set(type, common);
  }
  return observed;
}

/**
 * The nodes the Nodes and NodeClaims add at time 0: node groups of managed node group Nodes of one
 * instance type, the other Nodes and then the NodeClaims as spec.nodes entries in input order, alike
 * nodes counted together. Throws an InputError at a label that does not resolve (instance type, zone,
 * NodePool).
 */
export function resolveExistingNodes(inputs: ExistingNodeInputs, context: ExistingNodesContext): ExistingNodes {
  const placedNodes = inputs.nodes.map((node) => placeNode(node, context));
  const placedClaims = inputs.nodeClaims.map((claim) => placeNodeClaim(claim, context));

  const groups = new Map<string, PlacedNode[]>();
  for (const node of placedNodes) {
    if (node.nodeGroup === null || context.nodeGroups.includes(node.nodeGroup)) continue;
    groups.set(node.nodeGroup, [...(groups.get(node.nodeGroup) ?? []), node]);
  }
  const nodeGroups: NodeGroupSpec[] = [];
  const mixed = new Set<string>();
  for (const [name, members] of groups) {
    const types = new Set(members.map((m) => m.instanceType));
    const [type] = types;
    if (type !== undefined && types.size === 1) nodeGroups.push(nodeGroupOf(name, members, type, context.subnets));
    else mixed.add(name);
  }

  const byKey = new Map<string, StaticNodesSpec>();
  const add = (node: PlacedNode): void => {
    const spec = staticNodes(node);
    const key = staticKey(spec);
    const seen = byKey.get(key);
    byKey.set(key, seen === undefined ? spec : { ...seen, count: seen.count + 1 });
  };
  for (const node of placedNodes) {
    if (node.nodeGroup === null) add(node);
    else if (mixed.has(node.nodeGroup)) {
      // A scenario node group has one instance type: a group of several runs as spec.nodes, labelled as EKS labels it.
      const eksLabels = {
        [LABEL.nodeGroup]: node.nodeGroup,
        [LABEL.eksCapacityType]: node.capacityType === 'spot' ? 'SPOT' : 'ON_DEMAND',
      };
      add({ ...node, labels: { ...eksLabels, ...node.labels } });
    }
  }
  for (const claim of placedClaims) add(claim);
  return {
    nodeGroups,
    nodes: [...byKey.values()],
    observedMemoryBytes: observedMemory(inputs.nodes, placedNodes),
  };
}
