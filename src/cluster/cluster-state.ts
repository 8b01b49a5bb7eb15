/**
 * A real cluster's state as podcap reads it from `kubectl ... -o json`, `aws ec2 describe-subnets` and
 * `aws service-quotas list-service-quotas` (offline files or live calls): only the fields the models
 * use, so that 5,000 nodes and 150,000 pods fit in memory. Pure data; readers live at the edge.
 */

import type { AmiFamily } from '../core/node-config.js';
import type {
  CapacityType,
  NodeClassSpec,
  NodePoolSpec,
  ResourceRequests,
  SecurityGroupPolicy,
  Taint,
  Workload,
} from '../sim/model.js';

/** Where a record came from, for evidence and error messages: the file (or live call) and the item. */
export interface ClusterSource {
  /** A file path, or `live:<call>` such as `live:nodes`. */
  readonly file: string;
  /** Index in the file's `items` (or the object's own place); null for a single object. */
  readonly index: number | null;
}

export interface ResourceList {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
  /** Every other resource by name (`vpc.amazonaws.com/pod-eni`, `nvidia.com/gpu`, `ephemeral-storage` in bytes). */
  readonly extended: Readonly<Record<string, number>>;
}

export interface ClusterNode {
  readonly name: string;
  /** `node.kubernetes.io/instance-type` (or the beta label); null when neither is set. */
  readonly instanceType: string | null;
  /** `topology.kubernetes.io/zone`. */
  readonly zone: string | null;
  /** `karpenter.sh/capacity-type` or `eks.amazonaws.com/capacityType`; null when neither says. */
  readonly capacityType: CapacityType | null;
  /** `karpenter.sh/nodepool`. */
  readonly nodePool: string | null;
  /** `eks.amazonaws.com/nodegroup`. */
  readonly nodeGroup: string | null;
  /** From `status.nodeInfo.osImage` (Amazon Linux 2, Amazon Linux 2023, Bottlerocket); null otherwise. */
  readonly amiFamily: Exclude<AmiFamily, 'custom'> | null;
  readonly osImage: string;
  readonly kubeletVersion: string;
  readonly capacity: ResourceList;
  readonly allocatable: ResourceList;
  /** `spec.providerID`, e.g. `aws:///us-west-2a/i-0123456789abcdef0`. */
  readonly providerId: string | null;
  /** The InternalIP of `status.addresses`. */
  readonly internalIp: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** The Ready condition is True. */
  readonly ready: boolean;
  readonly unschedulable: boolean;
  /** `metadata.creationTimestamp`, ISO 8601. */
  readonly createdAt: string;
  readonly source: ClusterSource;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface ClusterPod {
  readonly namespace: string;
  readonly name: string;
  /** `spec.nodeName`; null when unscheduled. */
  readonly nodeName: string | null;
  readonly phase: PodPhase;
  /** A container waits with reason ContainerCreating (the sandbox is not up: often no IP). */
  readonly containerCreating: boolean;
  readonly hostNetwork: boolean;
  /** `status.podIP`; null until the CNI gave one (and for pods not started). */
  readonly podIp: string | null;
  /** The scheduler's effective requests (max of init containers and the sum of containers, plus overhead). */
  readonly requests: ResourceRequests;
  /** The first controller owner reference (`ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `Node`…). */
  readonly owner: { readonly kind: string; readonly name: string } | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccountName: string;
  /** PodScheduled is False with reason Unschedulable. */
  readonly unschedulable: boolean;
  readonly createdAt: string;
  readonly source: ClusterSource;
}

export interface ClusterEvent {
  readonly namespace: string;
  /** `involvedObject.kind` and `.name`. */
  readonly objectKind: string;
  readonly objectName: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  /** `lastTimestamp`, else `eventTime`, else `firstTimestamp`; ISO 8601 or null. */
  readonly lastSeen: string | null;
}

/** One subnet of `aws ec2 describe-subnets`. */
export interface ClusterSubnet {
  readonly id: string;
  readonly cidr: string;
  readonly zone: string;
  /** `AvailableIpAddressCount`: what EC2 says is still free right now. */
  readonly availableAddresses: number;
  readonly vpcId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The aws-node DaemonSet: its container image version and environment. */
export interface VpcCniInstall {
  /** The `amazon-k8s-cni` image tag, e.g. `v1.19.2-eksbuild.1`; null when not found. */
  readonly version: string | null;
  /** The `aws-node` container's env, values as written (valueFrom entries are left out). */
  readonly env: Readonly<Record<string, string>>;
}

/** The Karpenter controller Deployment: version from its image tag, settings from its env. */
export interface KarpenterInstall {
  /** e.g. `1.5.1`; null when the image tag does not say. */
  readonly version: string | null;
  readonly env: Readonly<Record<string, string>>;
}

/** A NodeClaim: which NodePool launched which instance, and the node it became. */
export interface ClusterNodeClaim {
  readonly name: string;
  readonly nodePool: string | null;
  readonly nodeName: string | null;
  readonly instanceType: string | null;
  readonly capacityType: CapacityType | null;
  readonly zone: string | null;
  /** `status.allocatable` as Karpenter computed it before launch (what it believed). */
  readonly allocatable: ResourceList | null;
  readonly createdAt: string;
}

/** EC2 vCPU quotas from `list-service-quotas`, by quota code (L-1216C47A …) as given. */
export interface ClusterQuota {
  readonly code: string;
  readonly name: string;
  readonly value: number;
}

export interface ClusterState {
  readonly nodes: readonly ClusterNode[];
  readonly pods: readonly ClusterPod[];
  /** Deployments, StatefulSets, DaemonSets (and bare Pods are in `pods`), as the scenario model has them. */
  readonly workloads: readonly Workload[];
  readonly events: readonly ClusterEvent[];
  readonly subnets: readonly ClusterSubnet[];
  readonly vpcCni: VpcCniInstall | null;
  readonly karpenter: KarpenterInstall | null;
  readonly nodePools: readonly NodePoolSpec[];
  readonly nodeClasses: readonly NodeClassSpec[];
  readonly nodeClaims: readonly ClusterNodeClaim[];
  readonly securityGroupPolicies: readonly SecurityGroupPolicy[];
  /** null when no quota file was given (quota headroom is then not reported). */
  readonly quotas: readonly ClusterQuota[] | null;
  /** What was read: one line a file or live call, e.g. `nodes.json: 5000 nodes, 150000 pods`. */
  readonly read: readonly string[];
}
