/**
 * Builders for hand-made cluster states in tests of `podcap doctor`: nodes, pods and subnets with the
 * defaults of a plain EKS cluster, so that a test states only what it is about.
 */

import type { ClusterNode, ClusterPod, ClusterState, ResourceList } from '../cluster/cluster-state.js';
import { MEBIBYTE } from '../core/quantity.js';
import type { ResourceRequests } from '../sim/model.js';
import { clusterSubnet, clusterState as emptyClusterState } from './cluster-state.js';

export { clusterSubnet };

/**
 * An m5.large on AL2023 by default: 2 vCPUs, maxPods 29, and as MemTotal podcap's own estimate for
 * the type (7758848Ki, the 7068672Ki allocatable plus 574Mi kube-reserved and the 100Mi eviction threshold).
 */
export function resourceList(partial: Partial<ResourceList> = {}): ResourceList {
  return { cpuMillis: 2000, memoryBytes: 7758848 * 1024, pods: 29, extended: {}, ...partial };
}

export function requests(cpuMillis: number, memoryMib: number): ResourceRequests {
  return {
    cpuMillis,
    memoryBytes: memoryMib * MEBIBYTE,
    extended: new Map(),
    cpuUnset: false,
    memoryUnset: false,
  };
}

/** A Ready node; `internalIp` decides its subnet, labels are added to the well-known ones. */
export function clusterNode(name: string, partial: Partial<ClusterNode> = {}): ClusterNode {
  const instanceType = partial.instanceType === undefined ? 'm5.large' : partial.instanceType;
  const zone = partial.zone === undefined ? 'us-west-2a' : partial.zone;
  const labels: Record<string, string> = { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name };
  if (instanceType !== null) labels['node.kubernetes.io/instance-type'] = instanceType;
  if (zone !== null) labels['topology.kubernetes.io/zone'] = zone;
  return {
    name,
    instanceType,
    zone,
    capacityType: 'on-demand',
    nodePool: null,
    nodeGroup: null,
    amiFamily: 'al2023',
    osImage: 'Amazon Linux 2023.7.20250512',
    kubeletVersion: 'v1.32.3-eks-473151a',
    capacity: resourceList(),
    allocatable: resourceList({ cpuMillis: 1930, memoryBytes: 7068672 * 1024 }),
    providerId: null,
    internalIp: null,
    taints: [],
    ready: true,
    unschedulable: false,
    createdAt: '2025-06-01T00:00:00Z',
    source: { file: 'nodes.json', index: null },
    ...partial,
    labels: { ...labels, ...partial.labels },
  };
}

/** A Running pod; pass `owner: null` for a bare pod. */
export function clusterPod(namespace: string, name: string, partial: Partial<ClusterPod> = {}): ClusterPod {
  return {
    namespace,
    name,
    nodeName: null,
    phase: 'Running',
    containerCreating: false,
    hostNetwork: false,
    podIp: null,
    requests: requests(100, 128),
    owner: null,
    labels: {},
    serviceAccountName: 'default',
    unschedulable: false,
    createdAt: '2025-06-01T00:00:00Z',
    source: { file: 'pods.json', index: null },
    ...partial,
  };
}

/** The shared empty cluster, with a read line as a real read would leave one. */
export function clusterState(partial: Partial<ClusterState> = {}): ClusterState {
  return emptyClusterState({ read: ['test: a hand-built cluster state'], ...partial });
}
