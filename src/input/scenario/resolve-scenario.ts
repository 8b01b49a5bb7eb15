/**
 * The Scenario document's references, checked and resolved: subnets, zones, node groups, instance
 * types (against the catalog), NodePools and timeline targets (against the other documents). Each
 * unresolved reference is an InputError that names it.
 */

import type { CatalogIndex } from '../../core/catalog.js';
import { LATEST_KARPENTER_VERSION } from '../../core/karpenter-version.js';
import { cidrsOverlap, parseSubnetCidr } from '../../network/cidr.js';
import type {
  AddonName,
  NodeGroupSpec,
  Scenario,
  StaticNodesSpec,
  TimelineEntry,
  WorkloadId,
  WorkloadKind,
} from '../../sim/model.js';
import { DEFAULT_NAMESPACE, describeValue, fieldError, type InputDocument, listNames } from './document.js';
import { type ScenarioDocument, TIMELINE_KINDS } from './scenario-document.js';

/** What Node and NodeClaim manifests add to the Scenario (existing-nodes.ts). */
export interface ExistingNodes {
  /** Node groups of managed node group Nodes that spec.nodeGroups does not describe. */
  readonly nodeGroups: readonly NodeGroupSpec[];
  readonly nodes: readonly StaticNodesSpec[];
  /** `status.capacity.memory` by instance type; spec.aws.observedMemory wins where it names the type. */
  readonly observedMemoryBytes: ReadonlyMap<string, number>;
}

export interface ScenarioContext {
  readonly catalog: CatalogIndex;
  /** Workloads of the manifests and of the add-ons, which the timeline may name. */
  readonly workloads: readonly WorkloadId[];
  readonly nodePools: readonly string[];
  readonly existingNodes: ExistingNodes;
}

type Path = readonly PropertyKey[];

/** The catalog's spelling of an instance type, or an error with the nearest names. */
export function resolveInstanceType(catalog: CatalogIndex, document: InputDocument, path: Path, name: string): string {
  const found = catalog.lookup(name);
  if (found.status === 'found') return found.instanceType.name;
  const hint = found.suggestions.length > 0 ? ` (did you mean ${found.suggestions.join(', ')}?)` : '';
  throw fieldError(document, path, `an instance type of the catalog${hint}`, describeValue(name));
}

/** `namespace/name` or `name` in the default namespace. */
export function parseObjectName(text: string): { namespace: string; name: string } {
  const slash = text.indexOf('/');
  return slash < 0
    ? { namespace: DEFAULT_NAMESPACE, name: text }
    : { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

function checkSubnets(spec: ScenarioDocument['spec'], document: InputDocument): void {
  // A zone name is its region and a letter, or a Local Zone or Wavelength suffix (us-west-2-lax-1a).
  const inRegion = (zone: string): boolean =>
    zone.startsWith(spec.region) && /^(?:[a-z]|-[a-z0-9-]*[a-z0-9])$/.test(zone.slice(spec.region.length));
  const seen = new Map<string, number>();
  spec.aws.subnets.forEach((subnet, i) => {
    const path = ['spec', 'aws', 'subnets', i];
    const first = seen.get(subnet.id);
    if (first !== undefined) {
      throw fieldError(document, [...path, 'id'], `a subnet id not used by spec.aws.subnets[${first}]`);
    }
    seen.set(subnet.id, i);
    if (!inRegion(subnet.zone)) {
      throw fieldError(document, [...path, 'zone'], `a zone of ${spec.region} such as ${spec.region}a`);
    }
    const cidr = parseSubnetCidr(subnet.cidr);
    for (let j = 0; j < i; j += 1) {
      const other = spec.aws.subnets[j];
      const otherCidr = other === undefined ? null : parseSubnetCidr(other.cidr);
      if (cidr.ok && otherCidr?.ok && cidrsOverlap(cidr.value, otherCidr.value)) {
        throw fieldError(
          document,
          [...path, 'cidr'],
          `a CIDR that does not overlap spec.aws.subnets[${j}] (${other?.id} ${otherCidr.value.text})`,
        );
      }
    }
  });
}

function resolveNodeGroups(
  spec: ScenarioDocument['spec'],
  document: InputDocument,
  catalog: CatalogIndex,
): NodeGroupSpec[] {
  const subnetIds = spec.aws.subnets.map((s) => s.id);
  const names = new Set<string>();
  return spec.nodeGroups.map((group, i) => {
    const path = ['spec', 'nodeGroups', i];
    if (names.has(group.name)) throw fieldError(document, [...path, 'name'], 'a node group name used once');
    names.add(group.name);
    group.subnets.forEach((id, j) => {
      if (!subnetIds.includes(id)) {
        throw fieldError(
          document,
          [...path, 'subnets', j],
          `a subnet id of spec.aws.subnets (${listNames(subnetIds)})`,
        );
      }
    });
    return {
      name: group.name,
      instanceType: resolveInstanceType(catalog, document, [...path, 'instanceType'], group.instanceType),
      desired: group.desired,
      amiFamily: group.amiFamily,
      capacityType: group.capacityType,
      subnets: group.subnets,
      maxPods: group.maxPods ?? null,
      labels: group.labels,
      taints: group.taints,
    };
  });
}

function resolveNodes(
  spec: ScenarioDocument['spec'],
  document: InputDocument,
  context: ScenarioContext,
): StaticNodesSpec[] {
  const zones = [...new Set(spec.aws.subnets.map((s) => s.zone))];
  return spec.nodes.map((nodes, i) => {
    const path = ['spec', 'nodes', i];
    if (nodes.nodePool !== undefined && !context.nodePools.includes(nodes.nodePool)) {
      throw fieldError(document, [...path, 'nodePool'], `a NodePool of the inputs (${listNames(context.nodePools)})`);
    }
    if (nodes.zone !== undefined && !zones.includes(nodes.zone)) {
      throw fieldError(document, [...path, 'zone'], `a zone of spec.aws.subnets (${listNames(zones)})`);
    }
    return {
      instanceType: resolveInstanceType(context.catalog, document, [...path, 'instanceType'], nodes.instanceType),
      count: nodes.count,
      nodePool: nodes.nodePool ?? null,
      zone: nodes.zone ?? null,
      capacityType: nodes.capacityType,
    };
  });
}

function resolveEniConfigs(spec: ScenarioDocument['spec'], document: InputDocument): Map<string, string> {
  const zones = [...new Set(spec.aws.subnets.map((s) => s.zone))];
  const eniConfigs = new Map<string, string>();
  for (const [zone, subnetId] of Object.entries(spec.vpcCni.eniConfigs)) {
    const path = ['spec', 'vpcCni', 'eniConfigs', zone];
    if (!zones.includes(zone)) {
      throw fieldError(document, path, `a zone of spec.aws.subnets (${listNames(zones)})`, describeValue(zone));
    }
    const subnet = spec.aws.subnets.find((s) => s.id === subnetId);
    if (subnet === undefined) {
      const ids = spec.aws.subnets.map((s) => s.id);
      throw fieldError(document, path, `a subnet id of spec.aws.subnets (${listNames(ids)})`);
    }
    // An ENIConfig's subnet must be in the node's zone (amazon-vpc-cni-k8s custom networking).
    if (subnet.zone !== zone) {
      const inZone = spec.aws.subnets.filter((s) => s.zone === zone).map((s) => s.id);
      throw fieldError(document, path, `a subnet in ${zone} (${listNames(inZone)})`);
    }
    eniConfigs.set(zone, subnetId);
  }
  return eniConfigs;
}

function resolveObservedMemory(
  spec: ScenarioDocument['spec'],
  document: InputDocument,
  catalog: CatalogIndex,
): Map<string, number> {
  const observed = new Map<string, number>();
  for (const [name, memory] of Object.entries(spec.aws.observedMemory)) {
    const path = ['spec', 'aws', 'observedMemory', name];
    const type = resolveInstanceType(catalog, document, path, name);
    const bytes = memory.numerator / memory.denominator + (memory.numerator % memory.denominator > 0n ? 1n : 0n);
    if (bytes <= 0n) throw fieldError(document, path, 'a memory size above 0, such as 7948164Ki');
    observed.set(type, Number(bytes));
  }
  return observed;
}

/** The Scenario's observed memory, then the Nodes' for the types it does not name. */
function withObservedMemory(observed: Map<string, number>, context: ScenarioContext): Map<string, number> {
  for (const [type, bytes] of context.existingNodes.observedMemoryBytes) {
    if (!observed.has(type)) observed.set(type, bytes);
  }
  return observed;
}

function resolveAddons(spec: ScenarioDocument['spec'], document: InputDocument): AddonName[] {
  spec.addons.forEach((addon, i) => {
    if (spec.addons.indexOf(addon) !== i) throw fieldError(document, ['spec', 'addons', i], 'each add-on once');
  });
  return spec.addons;
}

function workloadNames(workloads: readonly WorkloadId[], kind: WorkloadKind): string[] {
  return workloads.filter((w) => w.kind === kind).map((w) => `${w.namespace}/${w.name}`);
}

function resolveTimeline(
  spec: ScenarioDocument['spec'],
  document: InputDocument,
  context: ScenarioContext,
): TimelineEntry[] {
  const fromNodes = context.existingNodes.nodeGroups.map((g) => g.name);
  const groups = [...spec.nodeGroups.map((g) => g.name), ...fromNodes];
  const groupsExpected =
    fromNodes.length === 0
      ? 'a node group of spec.nodeGroups'
      : 'a node group of spec.nodeGroups or of the Node manifests';
  const entries = spec.timeline.map((entry, i): TimelineEntry => {
    const { action } = entry;
    const path = ['spec', 'timeline', i, entry.key, action.field];
    if (action.type === 'scale-node-group') {
      if (!groups.includes(action.nodeGroup)) {
        throw fieldError(document, path, `${groupsExpected} (${listNames(groups)})`);
      }
      return {
        atMs: entry.atMs,
        action: { type: 'scale-node-group', nodeGroup: action.nodeGroup, desired: action.desired },
      };
    }
    const kind = TIMELINE_KINDS[action.field] ?? 'Deployment';
    const target: WorkloadId = { kind, ...parseObjectName(action.target) };
    const exists = context.workloads.some(
      (w) => w.kind === kind && w.namespace === target.namespace && w.name === target.name,
    );
    if (!exists) {
      throw fieldError(
        document,
        path,
        `a ${kind} of the inputs (${listNames(workloadNames(context.workloads, kind))})`,
      );
    }
    return action.type === 'scale-workload'
      ? { atMs: entry.atMs, action: { type: 'scale-workload', target, replicas: action.replicas } }
      : { atMs: entry.atMs, action: { type: 'delete-workload', target } };
  });
  // Array.prototype.sort is stable: entries at the same time keep their document order.
  return entries.sort((a, b) => a.atMs - b.atMs);
}

export function resolveScenario(parsed: ScenarioDocument, document: InputDocument, context: ScenarioContext): Scenario {
  const { spec } = parsed;
  checkSubnets(spec, document);
  const karpenter = spec.karpenter;
  const definedQuotas = (quotas: Readonly<Record<string, number | undefined>>): Record<string, number> =>
    Object.fromEntries(Object.entries(quotas).filter((entry): entry is [string, number] => entry[1] !== undefined));
  return {
    name: parsed.metadata.name,
    durationMs: spec.duration,
    seed: spec.seed,
    region: spec.region,
    subnets: spec.aws.subnets.map((s) => ({ id: s.id, zone: s.zone, cidr: s.cidr, tags: s.tags })),
    quotas: { onDemand: definedQuotas(spec.aws.quotas.onDemand), spot: definedQuotas(spec.aws.quotas.spot) },
    launchMs: spec.aws.launchSeconds * 1000,
    spotPriceRatio: spec.aws.spotPriceRatio,
    observedMemoryBytes: withObservedMemory(resolveObservedMemory(spec, document, context.catalog), context),
    vpcCniEnv: spec.vpcCni.env,
    eniConfigs: resolveEniConfigs(spec, document),
    karpenter:
      karpenter === undefined
        ? null
        : {
            version: karpenter.version ?? LATEST_KARPENTER_VERSION,
            reservedEnis: karpenter.settings.reservedENIs,
            vmMemoryOverheadPercent: karpenter.settings.vmMemoryOverheadPercent,
            batchIdleDurationMs: karpenter.settings.batchIdleDuration,
            batchMaxDurationMs: karpenter.settings.batchMaxDuration,
            spotToSpotConsolidation: karpenter.settings.featureGates.spotToSpotConsolidation,
          },
    nodeGroups: [...resolveNodeGroups(spec, document, context.catalog), ...context.existingNodes.nodeGroups],
    nodes: [...resolveNodes(spec, document, context), ...context.existingNodes.nodes],
    addons: resolveAddons(spec, document),
    timeline: resolveTimeline(spec, document, context),
  };
}
