/**
 * Builders for hand-made cluster states in tests of the subnet forecast: nodes with an InternalIP and
 * their pods (hostNetwork or with an IP from a given range), subnets as `describe-subnets` gives them.
 */

import type {
  ClusterNode,
  ClusterPod,
  ClusterState,
  ClusterSubnet,
  PodPhase,
  ResourceList,
} from '../cluster/cluster-state.js';
import { formatIpv4, parseIpv4Cidr } from '../network/cidr.js';
import { clusterSubnet } from './cluster-state.js';

export { clusterSubnet };

function resources(pods: number): ResourceList {
  return { cpuMillis: 2000, memoryBytes: 8 * 1024 ** 3, pods, extended: {} };
}

/** The address `offset` places after `address` (an IPv4 text). */
export function addressAfter(address: string, offset: number): string {
  const parsed = parseIpv4Cidr(`${address}/32`);
  if (!parsed.ok) throw new Error(`${address}: ${parsed.expected}`);
  return formatIpv4(parsed.value.base + offset);
}

/** `count` consecutive addresses from `first`. */
export function addresses(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => addressAfter(first, index));
}

export interface NodeSpec {
  readonly name: string;
  readonly instanceType: string | null;
  readonly internalIp: string | null;
  readonly zone?: string;
  /** status.capacity.pods. */
  readonly maxPods: number;
  /** One pod that needs an address per entry: its IP, or null while it waits for one. */
  readonly podIps: readonly (string | null)[];
  /** aws-node and kube-proxy by default. */
  readonly hostNetworkPods?: number;
  /** Pods of a SecurityGroupPolicy (`vpc.amazonaws.com/pod-eni: 1`), with their branch ENI's IP. */
  readonly branchPodIps?: readonly string[];
  readonly nodePool?: string;
  readonly unschedulable?: boolean;
}

function pod(
  name: string,
  nodeName: string,
  options: { podIp: string | null; hostNetwork?: boolean; podEni?: boolean; phase?: PodPhase },
): ClusterPod {
  return {
    namespace: 'default',
    name,
    nodeName,
    phase: options.phase ?? (options.podIp === null ? 'Pending' : 'Running'),
    containerCreating: options.podIp === null,
    hostNetwork: options.hostNetwork ?? false,
    podIp: options.podIp,
    requests: {
      cpuMillis: 100,
      memoryBytes: 128 * 1024 ** 2,
      extended: new Map(options.podEni === true ? [['vpc.amazonaws.com/pod-eni', 1]] : []),
      cpuUnset: false,
      memoryUnset: false,
    },
    owner: null,
    labels: {},
    serviceAccountName: 'default',
    unschedulable: false,
    createdAt: '2026-01-01T00:00:00Z',
    source: { file: 'pods.json', index: null },
  };
}

function clusterNode(spec: NodeSpec): ClusterNode {
  return {
    name: spec.name,
    instanceType: spec.instanceType,
    zone: spec.zone ?? 'us-west-2a',
    capacityType: 'on-demand',
    nodePool: spec.nodePool ?? null,
    nodeGroup: null,
    amiFamily: 'al2023',
    osImage: 'Amazon Linux 2023',
    kubeletVersion: 'v1.33.0',
    capacity: resources(spec.maxPods),
    allocatable: resources(spec.maxPods),
    providerId: null,
    internalIp: spec.internalIp,
    labels: {},
    taints: [],
    ready: true,
    unschedulable: spec.unschedulable ?? false,
    createdAt: '2026-01-01T00:00:00Z',
    source: { file: 'nodes.json', index: null },
  };
}

/** The node's pods: its hostNetwork DaemonSet pods (IP = the node's), its pods with IPs, its branch pods. */
function podsOf(spec: NodeSpec): ClusterPod[] {
  const hostNetwork = Array.from({ length: spec.hostNetworkPods ?? 2 }, (_, index) =>
    pod(`${spec.name}-host-${index}`, spec.name, { podIp: spec.internalIp, hostNetwork: true }),
  );
  const withIp = spec.podIps.map((podIp, index) => pod(`${spec.name}-pod-${index}`, spec.name, { podIp }));
  const branch = (spec.branchPodIps ?? []).map((podIp, index) =>
    pod(`${spec.name}-sgp-${index}`, spec.name, { podIp, podEni: true }),
  );
  return [...hostNetwork, ...withIp, ...branch];
}

/** A cluster of the given nodes (and their pods), subnets and aws-node env; null env: aws-node not read. */
export function subnetState(
  nodes: readonly NodeSpec[],
  subnets: readonly ClusterSubnet[],
  env: Readonly<Record<string, string>> | null = {},
  extraPods: readonly ClusterPod[] = [],
): ClusterState {
  return {
    nodes: nodes.map(clusterNode),
    pods: [...nodes.flatMap(podsOf), ...extraPods],
    workloads: [],
    events: [],
    subnets,
    vpcCni: env === null ? null : { version: 'v1.19.2-eksbuild.1', env },
    karpenter: null,
    nodePools: [],
    nodeClasses: [],
    nodeClaims: [],
    securityGroupPolicies: [],
    quotas: null,
    read: [],
  };
}
