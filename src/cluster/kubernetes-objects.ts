/**
 * The Kubernetes objects of a cluster export as records of the ClusterState: v1 Node, Pod and Event
 * (also events.k8s.io/v1) and karpenter.sh/v1 NodeClaim. Lenient about the fields podcap does not read,
 * strict about the types of those it does; only what the records hold is kept.
 */

import { z } from 'zod';
import { amiFamilyOf, capacityTypeLabel, instanceTypeLabel, NODE_LABEL, zoneLabel } from '../core/node-labels.js';
import { type Quantity, quantityToMillis, quantityToUnits } from '../core/quantity.js';
import { DEFAULT_NAMESPACE, type InputDocument } from '../input/scenario/document.js';
import {
  nonEmptyString,
  nonNegativeQuantity,
  optional,
  QUANTITY_FIELD_EXPECTED,
  stringMap,
  taint,
  withDefault,
} from '../input/scenario/fields.js';
import { computePodRequests, podSpec } from '../input/scenario/pod-template.js';
import { validateDocument } from '../input/scenario/validate.js';
import type { ResourceRequests } from '../sim/model.js';
import type {
  ClusterEvent,
  ClusterNode,
  ClusterNodeClaim,
  ClusterPod,
  ClusterSource,
  PodPhase,
  ResourceList,
} from './cluster-state.js';
import { copyString, type StringPool } from './string-pool.js';

/** cpu in millicores, memory in bytes, pods and every other resource in whole units, each rounded up. */
function toResourceList(quantities: Readonly<Record<string, Quantity>>): ResourceList {
  let cpuMillis = 0;
  let memoryBytes = 0;
  let pods = 0;
  const extended: Record<string, number> = {};
  for (const [name, quantity] of Object.entries(quantities)) {
    if (name === 'cpu') cpuMillis = quantityToMillis(quantity);
    else if (name === 'memory') memoryBytes = quantityToUnits(quantity);
    else if (name === 'pods') pods = quantityToUnits(quantity);
    else extended[name] = quantityToUnits(quantity);
  }
  return { cpuMillis, memoryBytes, pods, extended };
}

/** The resources the kubelet always reports, on an error of cadvisor too (pkg/kubelet/nodestatus MachineInfo). */
const KUBELET_RESOURCES = ['cpu', 'memory', 'pods'] as const;

/**
 * `status.capacity` or `status.allocatable` of a Node. The kubelet registers its node with both (and the
 * API server defaults allocatable to capacity, SetDefaults_NodeStatus), so an export without them was
 * not printed by kubectl: refused rather than read as a node of 0 CPUs.
 */
function nodeResources(field: 'capacity' | 'allocatable') {
  return z
    .record(z.string(), nonNegativeQuantity, {
      error: `a mapping of the node's ${field} resources (the kubelet always reports cpu, memory and pods)`,
    })
    .superRefine((resources, context) => {
      for (const name of KUBELET_RESOURCES) {
        if (resources[name] !== undefined) continue;
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `${QUANTITY_FIELD_EXPECTED} (the kubelet always reports cpu, memory and pods)`,
        });
      }
    });
}

const nodeSchema = z.looseObject({
  metadata: z.looseObject({
    name: nonEmptyString,
    labels: withDefault(stringMap, {}),
    creationTimestamp: nonEmptyString,
  }),
  spec: withDefault(
    z.looseObject({
      providerID: optional(z.string()),
      unschedulable: withDefault(z.boolean(), false),
      taints: withDefault(z.array(taint), []),
    }),
    { unschedulable: false, taints: [] },
  ),
  status: z.looseObject(
    {
      capacity: nodeResources('capacity'),
      allocatable: nodeResources('allocatable'),
      conditions: withDefault(z.array(z.looseObject({ type: z.string(), status: z.string() })), []),
      addresses: withDefault(z.array(z.looseObject({ type: z.string(), address: z.string() })), []),
      nodeInfo: withDefault(
        z.looseObject({ osImage: withDefault(z.string(), ''), kubeletVersion: withDefault(z.string(), '') }),
        { osImage: '', kubeletVersion: '' },
      ),
    },
    { error: "the node's status as kubectl prints it, with capacity and allocatable" },
  ),
});

export function parseClusterNode(document: InputDocument, source: ClusterSource, pool: StringPool): ClusterNode {
  const { metadata, spec, status } = validateDocument(nodeSchema, document);
  const labels = pool.internMap(metadata.labels);
  const internalIp = status.addresses.find((a) => a.type === 'InternalIP')?.address;
  return {
    name: copyString(metadata.name),
    instanceType: instanceTypeLabel(labels),
    zone: zoneLabel(labels),
    capacityType: capacityTypeLabel(labels),
    nodePool: labels[NODE_LABEL.nodePool] ?? null,
    nodeGroup: labels[NODE_LABEL.nodeGroup] ?? null,
    amiFamily: amiFamilyOf(status.nodeInfo.osImage),
    osImage: pool.intern(status.nodeInfo.osImage),
    kubeletVersion: pool.intern(status.nodeInfo.kubeletVersion),
    capacity: toResourceList(status.capacity),
    allocatable: toResourceList(status.allocatable),
    providerId: spec.providerID === undefined ? null : copyString(spec.providerID),
    internalIp: internalIp === undefined ? null : copyString(internalIp),
    labels,
    taints: spec.taints.map((t) => ({ key: pool.intern(t.key), value: pool.intern(t.value), effect: t.effect })),
    ready: status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    unschedulable: spec.unschedulable,
    createdAt: pool.intern(metadata.creationTimestamp),
    source,
  };
}

const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const satisfies readonly PodPhase[];

const containerStatus = z.looseObject({
  state: optional(z.looseObject({ waiting: optional(z.looseObject({ reason: optional(z.string()) })) })),
});

const podSchema = z.looseObject({
  metadata: z.looseObject({
    name: nonEmptyString,
    namespace: withDefault(nonEmptyString, DEFAULT_NAMESPACE),
    labels: withDefault(stringMap, {}),
    creationTimestamp: nonEmptyString,
    ownerReferences: withDefault(
      z.array(z.looseObject({ kind: nonEmptyString, name: nonEmptyString, controller: optional(z.boolean()) })),
      [],
    ),
  }),
  spec: podSpec.extend({ nodeName: optional(z.string()) }),
  status: withDefault(
    z.looseObject({
      phase: withDefault(z.enum(POD_PHASES), 'Pending'),
      podIP: optional(z.string()),
      conditions: withDefault(
        z.array(z.looseObject({ type: z.string(), status: z.string(), reason: optional(z.string()) })),
        [],
      ),
      containerStatuses: withDefault(z.array(containerStatus), []),
      initContainerStatuses: withDefault(z.array(containerStatus), []),
    }),
    { phase: 'Pending', conditions: [], containerStatuses: [], initContainerStatuses: [] },
  ),
});

type ContainerStatus = z.output<typeof containerStatus>;

const NO_EXTENDED: ReadonlyMap<string, number> = new Map();

/** Most pods request no extended resource: they share one empty map rather than hold 150,000. */
function compactRequests(requests: ResourceRequests): ResourceRequests {
  return requests.extended.size === 0 ? { ...requests, extended: NO_EXTENDED } : requests;
}

export function parseClusterPod(document: InputDocument, source: ClusterSource, pool: StringPool): ClusterPod {
  const { metadata, spec, status } = validateDocument(podSchema, document);
  const owner = metadata.ownerReferences.find((r) => r.controller === true);
  const waiting = (s: ContainerStatus): boolean => s.state?.waiting?.reason === 'ContainerCreating';
  const serviceAccountName = spec.serviceAccountName || spec.serviceAccount || 'default';
  return {
    namespace: pool.intern(metadata.namespace),
    name: copyString(metadata.name),
    nodeName: pool.internOrNull(spec.nodeName),
    phase: status.phase,
    // With init containers the kubelet reports PodInitializing on the app containers, so look at both.
    containerCreating: status.containerStatuses.some(waiting) || status.initContainerStatuses.some(waiting),
    hostNetwork: spec.hostNetwork,
    podIp: status.podIP === undefined || status.podIP === '' ? null : copyString(status.podIP),
    requests: compactRequests(computePodRequests(spec)),
    owner: owner === undefined ? null : { kind: pool.intern(owner.kind), name: pool.intern(owner.name) },
    labels: pool.internMap(metadata.labels),
    serviceAccountName: pool.intern(serviceAccountName),
    unschedulable: status.conditions.some(
      (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
    ),
    createdAt: pool.intern(metadata.creationTimestamp),
    source,
  };
}

const eventType = withDefault(z.enum(['Normal', 'Warning']), 'Normal');
const objectReference = withDefault(
  z.looseObject({ kind: withDefault(z.string(), ''), name: withDefault(z.string(), '') }),
  { kind: '', name: '' },
);
const timestamp = optional(z.string());
const eventSeries = optional(z.looseObject({ count: optional(z.int().min(0)), lastObservedTime: timestamp }));

const coreEventSchema = z.looseObject({
  metadata: withDefault(z.looseObject({ namespace: withDefault(z.string(), '') }), { namespace: '' }),
  involvedObject: objectReference,
  type: eventType,
  reason: withDefault(z.string(), ''),
  message: withDefault(z.string(), ''),
  count: optional(z.int().min(0)),
  series: eventSeries,
  lastTimestamp: timestamp,
  eventTime: timestamp,
  firstTimestamp: timestamp,
});

/** events.k8s.io/v1 names the same fields differently (regarding, note, deprecated*). */
const eventsApiEventSchema = z.looseObject({
  metadata: withDefault(z.looseObject({ namespace: withDefault(z.string(), '') }), { namespace: '' }),
  regarding: objectReference,
  type: eventType,
  reason: withDefault(z.string(), ''),
  note: withDefault(z.string(), ''),
  deprecatedCount: optional(z.int().min(0)),
  series: eventSeries,
  deprecatedLastTimestamp: timestamp,
  eventTime: timestamp,
  deprecatedFirstTimestamp: timestamp,
});

export const EVENTS_API_VERSION = 'events.k8s.io/v1';

interface EventFields {
  readonly namespace: string;
  readonly object: { readonly kind: string; readonly name: string };
  readonly type: ClusterEvent['type'];
  readonly reason: string;
  readonly message: string;
  readonly count?: number | undefined;
  readonly series?: { readonly count?: number | undefined; readonly lastObservedTime?: string | undefined } | undefined;
  readonly lastTimestamp?: string | undefined;
  readonly eventTime?: string | undefined;
  readonly firstTimestamp?: string | undefined;
}

function eventFields(document: InputDocument, apiVersion: string): EventFields {
  if (apiVersion === EVENTS_API_VERSION) {
    const e = validateDocument(eventsApiEventSchema, document);
    return {
      namespace: e.metadata.namespace,
      object: e.regarding,
      type: e.type,
      reason: e.reason,
      message: e.note,
      count: e.deprecatedCount,
      series: e.series,
      lastTimestamp: e.deprecatedLastTimestamp,
      eventTime: e.eventTime,
      firstTimestamp: e.deprecatedFirstTimestamp,
    };
  }
  const e = validateDocument(coreEventSchema, document);
  return { ...e, namespace: e.metadata.namespace, object: e.involvedObject };
}

/** `eventTime` is a MicroTime that kubectl prints as null on events from older recorders. */
function present(text: string | undefined): string | null {
  return text === undefined || text === '' ? null : text;
}

export function parseClusterEvent(document: InputDocument, apiVersion: string, pool: StringPool): ClusterEvent {
  const e = eventFields(document, apiVersion);
  // A repeating event of the newer recorders counts in its series rather than in count.
  const lastSeen =
    present(e.lastTimestamp) ??
    present(e.series?.lastObservedTime) ??
    present(e.eventTime) ??
    present(e.firstTimestamp);
  return {
    namespace: pool.intern(e.namespace),
    objectKind: pool.intern(e.object.kind),
    objectName: pool.intern(e.object.name),
    type: e.type,
    reason: pool.intern(e.reason),
    message: pool.intern(e.message),
    count: e.series?.count ?? e.count ?? 1,
    lastSeen: lastSeen === null ? null : pool.intern(lastSeen),
  };
}

const nodeClaimSchema = z.looseObject({
  metadata: z.looseObject({
    name: nonEmptyString,
    labels: withDefault(stringMap, {}),
    creationTimestamp: nonEmptyString,
  }),
  status: withDefault(
    z.looseObject({ nodeName: optional(z.string()), allocatable: optional(z.record(z.string(), nonNegativeQuantity)) }),
    {},
  ),
});

export function parseClusterNodeClaim(document: InputDocument, pool: StringPool): ClusterNodeClaim {
  const { metadata, status } = validateDocument(nodeClaimSchema, document);
  const labels = metadata.labels;
  return {
    name: copyString(metadata.name),
    nodePool: pool.internOrNull(labels[NODE_LABEL.nodePool]),
    nodeName: status.nodeName === undefined || status.nodeName === '' ? null : copyString(status.nodeName),
    instanceType: pool.internOrNull(instanceTypeLabel(labels)),
    capacityType: capacityTypeLabel(labels),
    zone: pool.internOrNull(zoneLabel(labels)),
    allocatable: status.allocatable === undefined ? null : toResourceList(status.allocatable),
    createdAt: pool.intern(metadata.creationTimestamp),
  };
}
