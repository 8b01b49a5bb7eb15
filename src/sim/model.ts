/**
 * The typed simulation input: what the Kubernetes manifests and the Scenario document mean once
 * parsed and validated at the edge (src/input/scenario). Contract: shared scenario.md. Units are in
 * the names; every reference in here has already been resolved.
 */

import type { KarpenterVersion } from '../core/karpenter-version.js';
import type { AmiFamily, KubeletSettings } from '../core/node-config.js';

/** Requests as kube-scheduler counts them for one pod (containers, init containers, overhead). */
export interface ResourceRequests {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** Extended resources (`vpc.amazonaws.com/pod-eni`, `nvidia.com/gpu`, …) in integer units. */
  readonly extended: ReadonlyMap<string, number>;
  /**
   * Whether the pod sets no cpu / no memory request at all: scoring then counts 100m / 200Mi
   * (kube-scheduler pkg/scheduler/util/pod_resources.go, DefaultMilliCPURequest, DefaultMemoryRequest).
   */
  readonly cpuUnset: boolean;
  readonly memoryUnset: boolean;
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A node selector term: its requirements are ANDed; the terms of a required affinity are ORed. */
export interface NodeSelectorTerm {
  readonly matchExpressions: readonly SelectorRequirement[];
  /** Only `metadata.name` is a valid field (how DaemonSet pods are pinned to their node). */
  readonly matchFields: readonly SelectorRequirement[];
}

/** A metav1.LabelSelector; null in a field means "selects nothing" where Kubernetes says so. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  /** Operators In, NotIn, Exists, DoesNotExist only. */
  readonly matchExpressions: readonly SelectorRequirement[];
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: TaintEffect;
}

export interface Toleration {
  /** Empty key with operator Exists tolerates every taint. */
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value: string;
  /** null tolerates every effect. */
  readonly effect: TaintEffect | null;
}

export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** null: the constraint matches no pod (as the API defines it). */
  readonly labelSelector: LabelSelector | null;
  readonly minDomains: number | null;
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
  /** Label keys whose values from the incoming pod are ANDed into the selector. */
  readonly matchLabelKeys: readonly string[];
}

/** The part of a pod spec that decides where and whether it runs. */
export interface PodTemplate {
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccountName: string;
  readonly requests: ResourceRequests;
  readonly hostNetwork: boolean;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`; null when unset. */
  readonly requiredNodeAffinity: readonly NodeSelectorTerm[] | null;
  readonly tolerations: readonly Toleration[];
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
}

/** Where a document came from, for messages: file and document index (0-based) in it. */
export interface SourceRef {
  readonly file: string;
  readonly documentIndex: number;
}

export type ReplicatedKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet';
export type WorkloadKind = ReplicatedKind | 'DaemonSet' | 'Pod';

export interface WorkloadId {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

export type Workload =
  | {
      readonly kind: 'Deployment' | 'ReplicaSet';
      readonly id: WorkloadId;
      readonly replicas: number;
      readonly template: PodTemplate;
      readonly source: SourceRef | null;
    }
  | {
      readonly kind: 'StatefulSet';
      readonly id: WorkloadId;
      readonly replicas: number;
      readonly podManagementPolicy: 'OrderedReady' | 'Parallel';
      readonly template: PodTemplate;
      readonly source: SourceRef | null;
    }
  | {
      readonly kind: 'DaemonSet';
      readonly id: WorkloadId;
      readonly template: PodTemplate;
      readonly source: SourceRef | null;
    }
  | {
      readonly kind: 'Pod';
      readonly id: WorkloadId;
      readonly template: PodTemplate;
      readonly source: SourceRef | null;
    };

/** A SecurityGroupPolicy: pods it selects get one `vpc.amazonaws.com/pod-eni` request. */
export interface SecurityGroupPolicy {
  readonly namespace: string;
  readonly name: string;
  /** null = not set; an empty selector selects every pod of the namespace. */
  readonly podSelector: LabelSelector | null;
  readonly serviceAccountSelector: LabelSelector | null;
}

export interface ScenarioSubnet {
  readonly id: string;
  readonly zone: string;
  readonly cidr: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type CapacityType = 'on-demand' | 'spot';

export interface NodeGroupSpec {
  readonly name: string;
  readonly instanceType: string;
  readonly desired: number;
  readonly amiFamily: Exclude<AmiFamily, 'custom'>;
  readonly capacityType: CapacityType;
  /** Subnet ids, in the order given; at least one. */
  readonly subnets: readonly string[];
  readonly maxPods: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** Nodes present at time 0 (scenario `spec.nodes`). */
export interface StaticNodesSpec {
  readonly instanceType: string;
  readonly count: number;
  /** The NodePool that owns them (resolved), or null for nodes outside Karpenter. */
  readonly nodePool: string | null;
  /** null: the zone of the first subnet the node may use. */
  readonly zone: string | null;
  readonly capacityType: CapacityType;
  /**
   * From Node manifests of nodes outside NodePools (absent in `spec.nodes`): the labels and taints
   * they carry beyond those EKS and Karpenter set, and the AMI family their OS image names.
   */
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  readonly amiFamily?: Exclude<AmiFamily, 'custom'>;
}

export type TimelineAction =
  | { readonly type: 'scale-workload'; readonly target: WorkloadId; readonly replicas: number }
  | { readonly type: 'delete-workload'; readonly target: WorkloadId }
  | { readonly type: 'scale-node-group'; readonly nodeGroup: string; readonly desired: number };

export interface TimelineEntry {
  readonly atMs: number;
  readonly action: TimelineAction;
}

/** EC2 vCPU quotas by Service Quotas class; a missing class is unlimited. */
export interface Quotas {
  readonly onDemand: Readonly<Record<string, number>>;
  readonly spot: Readonly<Record<string, number>>;
}

export interface KarpenterScenarioSettings {
  readonly version: KarpenterVersion;
  readonly reservedEnis: number;
  readonly vmMemoryOverheadPercent: number;
  readonly batchIdleDurationMs: number;
  readonly batchMaxDurationMs: number;
  /** The SpotToSpotConsolidation feature gate; absent: off, its default (Karpenter options.go FeatureGates). */
  readonly spotToSpotConsolidation?: boolean;
}

/** The well-known EKS add-ons that `spec.addons` may name. */
export type AddonName = 'aws-node' | 'kube-proxy' | 'coredns';

export interface Scenario {
  readonly name: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly region: string;
  readonly subnets: readonly ScenarioSubnet[];
  readonly quotas: Quotas;
  readonly launchMs: number;
  readonly spotPriceRatio: number;
  /** node.status.capacity.memory by instance type name. */
  readonly observedMemoryBytes: ReadonlyMap<string, number>;
  /** The aws-node environment, as given (string values); defaults are applied by parseVpcCniEnv. */
  readonly vpcCniEnv: Readonly<Record<string, string>>;
  /** Custom networking: the pod subnet id of each zone. */
  readonly eniConfigs: ReadonlyMap<string, string>;
  readonly karpenter: KarpenterScenarioSettings | null;
  readonly nodeGroups: readonly NodeGroupSpec[];
  readonly nodes: readonly StaticNodesSpec[];
  readonly addons: readonly AddonName[];
  /** Sorted by time, stable in document order. */
  readonly timeline: readonly TimelineEntry[];
}

export interface NodePoolRequirement extends SelectorRequirement {
  readonly minValues: number | null;
}

/** The disruption methods a NodePool budget may name (karpenter.sh/v1 DisruptionReason). */
export type DisruptionReason = 'Empty' | 'Underutilized' | 'Drifted';

/** One entry of a NodePool's `spec.disruption.budgets` (karpenter.sh/v1 Budget). */
export interface DisruptionBudget {
  /** How many of the NodePool's nodes may be disrupting at once: a count, or a percentage rounded up. */
  readonly nodes:
    | { readonly kind: 'count'; readonly count: number }
    | { readonly kind: 'percent'; readonly percent: number };
  /** The methods it limits; null (unset) limits every method. */
  readonly reasons: readonly DisruptionReason[] | null;
  /** A cron schedule and how long the budget is active from each hit; both null: always active. */
  readonly schedule: string | null;
  readonly durationMs: number | null;
}

/** A Karpenter NodePool (parsed now; provisioning is simulated from the Karpenter issue on). */
export interface NodePoolSpec {
  readonly name: string;
  readonly requirements: readonly NodePoolRequirement[];
  /** Resolved EC2NodeClass name. */
  readonly nodeClass: string;
  readonly taints: readonly Taint[];
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.limits`: cpu in millicores, memory in bytes, others in units. */
  readonly limits: ReadonlyMap<string, number>;
  readonly weight: number;
  readonly consolidationPolicy: 'WhenEmpty' | 'WhenEmptyOrUnderutilized';
  /** null = Never. */
  readonly consolidateAfterMs: number | null;
  /** `spec.disruption.budgets`; absent: the CRD's default, one budget of `nodes: 10%`. */
  readonly budgets?: readonly DisruptionBudget[];
}

export interface SubnetSelectorTerm {
  readonly id: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export interface NodeClassSpec {
  readonly name: string;
  readonly amiFamily: Exclude<AmiFamily, 'custom'> | 'custom';
  readonly kubelet: KubeletSettings;
  readonly subnetSelectorTerms: readonly SubnetSelectorTerm[];
  /** Subnet ids the selector terms match among the scenario's subnets. */
  readonly subnetIds: readonly string[];
}

/** A document of a kind podcap does not model: listed once as ignored. */
export interface IgnoredDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly source: SourceRef;
}

/** Everything a simulation needs besides the instance-type catalog. */
export interface SimInput {
  readonly scenario: Scenario;
  readonly workloads: readonly Workload[];
  readonly securityGroupPolicies: readonly SecurityGroupPolicy[];
  readonly nodePools: readonly NodePoolSpec[];
  readonly nodeClasses: readonly NodeClassSpec[];
  readonly ignored: readonly IgnoredDocument[];
}

export function workloadKey(id: WorkloadId): string {
  return `${id.kind}/${id.namespace}/${id.name}`;
}
