/**
 * Builders for doctor tests: a ClusterState, its nodes, pods and events with the defaults of a quiet
 * cluster, so that a test states only what it is about. Quantities are written as kubectl prints them.
 */

import type {
  ClusterEvent,
  ClusterNode,
  ClusterNodeClaim,
  ClusterPod,
  ClusterState,
  ClusterSubnet,
  ResourceList,
} from '../cluster/cluster-state.js';
import { parseBytes, parseMillicores } from '../core/quantity.js';
import type { ResourceRequests, Workload } from '../sim/model.js';
import { podTemplate } from './sim-input.js';

function bytes(text: string): number {
  const parsed = parseBytes(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  return parsed.value;
}

function millicores(text: string): number {
  const parsed = parseMillicores(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  return parsed.value;
}

export interface ResourceListSpec {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
  readonly extended?: Readonly<Record<string, number>>;
}

/** `{ cpu: '1930m', memory: '7257988Ki', pods: 29 }` as a ResourceList. */
export function resourceList(spec: ResourceListSpec): ResourceList {
  return {
    cpuMillis: millicores(spec.cpu),
    memoryBytes: bytes(spec.memory),
    pods: spec.pods,
    extended: spec.extended ?? {},
  };
}

export interface NodeSpec extends Partial<Omit<ClusterNode, 'capacity' | 'allocatable'>> {
  readonly name: string;
  readonly capacity: ResourceListSpec;
  readonly allocatable: ResourceListSpec;
}

/** A Ready AL2023 node in us-west-2a, on-demand; say its type, NodePool or node group, capacity and allocatable. */
export function clusterNode(spec: NodeSpec): ClusterNode {
  const { capacity, allocatable, ...rest } = spec;
  return {
    instanceType: null,
    zone: 'us-west-2a',
    capacityType: 'on-demand',
    nodePool: null,
    nodeGroup: null,
    amiFamily: 'al2023',
    osImage: 'Amazon Linux 2023.7.20250512',
    kubeletVersion: 'v1.32.3-eks-473151a',
    providerId: null,
    internalIp: null,
    labels: {},
    taints: [],
    ready: true,
    unschedulable: false,
    createdAt: '2025-11-01T00:00:00Z',
    source: { file: 'nodes.json', index: null },
    ...rest,
    capacity: resourceList(capacity),
    allocatable: resourceList(allocatable),
  };
}

function requests(cpu: string, memory: string, extended: Readonly<Record<string, number>> = {}): ResourceRequests {
  return {
    cpuMillis: millicores(cpu),
    memoryBytes: bytes(memory),
    extended: new Map(Object.entries(extended)),
    cpuUnset: false,
    memoryUnset: false,
  };
}

export interface PodSpec extends Partial<Omit<ClusterPod, 'requests'>> {
  readonly name: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly extended?: Readonly<Record<string, number>>;
}

/** A Running pod in `default` asking 100m and 128Mi; give it a node, an IP, hostNetwork, an owner. */
export function clusterPod(spec: PodSpec): ClusterPod {
  const { cpu = '100m', memory = '128Mi', extended, ...rest } = spec;
  return {
    namespace: 'default',
    nodeName: null,
    phase: 'Running',
    containerCreating: false,
    hostNetwork: false,
    podIp: null,
    owner: null,
    labels: {},
    serviceAccountName: 'default',
    unschedulable: false,
    createdAt: '2025-11-01T00:00:00Z',
    source: { file: 'pods.json', index: null },
    ...rest,
    requests: requests(cpu, memory, extended),
  };
}

/** The two host-network DaemonSet pods every EKS node runs (aws-node 25m, kube-proxy 100m, no memory), on `nodeName`. */
export function hostNetworkPods(nodeName: string): ClusterPod[] {
  return [
    { daemon: 'aws-node', cpu: '25m' },
    { daemon: 'kube-proxy', cpu: '100m' },
  ].map(({ daemon, cpu }) =>
    clusterPod({
      namespace: 'kube-system',
      name: `${daemon}-${nodeName}`,
      nodeName,
      hostNetwork: true,
      podIp: '10.0.0.10',
      owner: { kind: 'DaemonSet', name: daemon },
      cpu,
      memory: '0',
    }),
  );
}

/** `count` pods `prefix-0…` on a node: the first `withIp` Running with an IP, the rest in ContainerCreating. */
export function podsOnNode(
  nodeName: string,
  prefix: string,
  count: number,
  withIp: number,
  spec: Partial<PodSpec> = {},
): ClusterPod[] {
  return Array.from({ length: count }, (_, i) =>
    clusterPod({
      ...spec,
      name: `${prefix}-${i}`,
      nodeName,
      ...(i < withIp
        ? { podIp: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}` }
        : { phase: 'Pending' as const, containerCreating: true }),
    }),
  );
}

/** The CNI's sandbox error as the kubelet records it on a pod (vpc-cni-ipam.md §7.3). */
export const SANDBOX_NO_IP_MESSAGE =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "3c1f": ' +
  'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container';

/** A FailedCreatePodSandBox warning on a pod, with the CNI's IP error unless another message is given. */
export function sandboxEvent(pod: ClusterPod, message = SANDBOX_NO_IP_MESSAGE, count = 5): ClusterEvent {
  return {
    namespace: pod.namespace,
    objectKind: 'Pod',
    objectName: pod.name,
    type: 'Warning',
    reason: 'FailedCreatePodSandBox',
    message,
    count,
    lastSeen: '2025-11-01T00:10:00Z',
  };
}

/** A DaemonSet workload asking `cpu` and `memory` on every node that admits it. */
export function daemonSetWorkload(name: string, cpu: string, memory: string, namespace = 'kube-system'): Workload {
  const base = podTemplate();
  return {
    kind: 'DaemonSet',
    id: { kind: 'DaemonSet', namespace, name },
    template: { ...base, labels: { app: name }, requests: requests(cpu, memory) },
    source: null,
  };
}

export function clusterSubnet(
  id: string,
  cidr: string,
  availableAddresses: number,
  zone = 'us-west-2a',
): ClusterSubnet {
  return { id, cidr, zone, availableAddresses, vpcId: 'vpc-1', tags: {} };
}

export function nodeClaim(partial: Partial<ClusterNodeClaim> & { readonly name: string }): ClusterNodeClaim {
  return {
    nodePool: null,
    nodeName: null,
    instanceType: null,
    capacityType: 'on-demand',
    zone: 'us-west-2a',
    allocatable: null,
    createdAt: '2025-11-01T00:00:00Z',
    ...partial,
  };
}

/** An empty cluster with the VPC CNI at EKS defaults and no Karpenter; override what the test is about. */
export function clusterState(partial: Partial<ClusterState> = {}): ClusterState {
  return {
    nodes: [],
    pods: [],
    workloads: [],
    events: [],
    subnets: [],
    vpcCni: { version: 'v1.19.2-eksbuild.1', env: {} },
    karpenter: null,
    nodePools: [],
    nodeClasses: [],
    nodeClaims: [],
    securityGroupPolicies: [],
    quotas: null,
    read: [],
    ...partial,
  };
}
