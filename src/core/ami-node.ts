import { effectiveMaxEnis, eniLimitedPods, podIpCapacity } from './eni-math.js';
import { DEFAULT_MEMORY_AVAILABLE_BYTES, kubeletThresholdBytes } from './eviction.js';
import { branchEniCapacity, supportsPrefixDelegation, wantsTrunkEni } from './instance-type.js';
import { karpenterMemoryEstimateBytes, type MemorySource } from './karpenter-view.js';
import { kubeReservedCpuMillis, kubeReservedMemoryBytes } from './kube-reserved.js';
import { type ExpressionResult, evaluateMaxPodsExpression } from './max-pods-expression.js';
import { type NodeConfig, usesCustomNetworking, usesPrefixDelegation } from './node-config.js';
import { allocatable, type NodeResources, type Reservations } from './resources.js';

/** Where the node's maxPods came from. */
export type NodeMaxPodsSource =
  | 'kubelet-setting'
  | 'karpenter'
  | 'eni-table'
  | 'max-pods-expression'
  | 'default-110'
  | 'pods-per-core';

/** The VPC CNI's side of the node: which ENIs carry pod addresses, and how many addresses that is. */
export interface PodNetwork {
  /** ENIs the node may attach on its default card (MAX_ENI applied). */
  readonly maxEnis: number;
  /** ENIs that carry pod addresses: less the primary under custom networking, less the trunk with pod ENI. */
  readonly podEnis: number;
  readonly prefixDelegation: boolean;
  readonly trunkEni: boolean;
  readonly podIps: number;
  readonly podEni: number;
}

export interface ReadyNode {
  readonly status: 'ready';
  readonly maxPods: number;
  readonly maxPodsSource: NodeMaxPodsSource;
  /** The AMI's own max-pods value (table, expression or 110), which its kube-reserved memory follows. */
  readonly amiMaxPods: number;
  readonly expression: ExpressionResult | null;
  readonly network: PodNetwork;
  readonly memorySource: MemorySource;
  readonly capacity: NodeResources;
  readonly reserved: Reservations;
  readonly allocatable: NodeResources;
}

/** AL2's bootstrap.sh aborts when the type is missing from its table and the EC2 API cannot be asked. */
export interface FailedNode {
  readonly status: 'bootstrap-failed';
  readonly reason: string;
  readonly network: PodNetwork;
}

export type NodeView = ReadyNode | FailedNode;

/** kubelet's default maxPods, which nodeadm and Bottlerocket fall back to (capacity-models.md §2.4, §3). */
export const KUBELET_DEFAULT_MAX_PODS = 110;

/**
 * The VPC CNI's pod-address capacity on the default card (vpc-cni-ipam.md §1, §4.1, §5, §6):
 * MAX_ENI caps the ENIs; custom networking takes the primary ENI away from pods; with ENABLE_POD_ENI
 * on a trunking type the trunk ENI takes a slot and carries no pod IPs; prefix delegation needs Nitro.
 */
export function computePodNetwork(config: NodeConfig): PodNetwork {
  const type = config.instanceType;
  const maxEnis = effectiveMaxEnis(type.maxEnis, config.cni.maxEni);
  // The trunk needs a slot beside the primary; ipamd holds one back for it (ipamd.go hasRoomForEni 2592-2596).
  const trunkEni = wantsTrunkEni(type, config.cni.podEni) && maxEnis >= 2;
  const podEnis = Math.max(0, maxEnis - (usesCustomNetworking(config.cni.mode) ? 1 : 0) - (trunkEni ? 1 : 0));
  const prefixDelegation = usesPrefixDelegation(config.cni.mode) && supportsPrefixDelegation(type);
  return {
    maxEnis,
    podEnis,
    prefixDelegation,
    trunkEni,
    podIps: podIpCapacity(podEnis, type.ipv4PerEni, prefixDelegation),
    podEni: trunkEni ? branchEniCapacity(type) : 0,
  };
}

interface AmiMaxPods {
  readonly value: number;
  readonly source: 'eni-table' | 'max-pods-expression' | 'default-110';
  readonly expression: ExpressionResult | null;
}

/**
 * The max-pods value each AMI computes for itself, ignoring CNI mode (capacity-models.md §2.3, §2.4, §3):
 * AL2 and AL2023 the ENI table (AL2023 may replace it with maxPodsExpression), 110 where the type is
 * unknown; Bottlerocket its table or 110. A custom AMI is assumed to follow nodeadm.
 */
function amiMaxPods(config: NodeConfig): AmiMaxPods | null {
  const type = config.instanceType;
  const standard = eniLimitedPods(type.maxEnis, type.ipv4PerEni);
  if (!config.amiKnowsInstanceType) {
    return config.amiFamily === 'al2'
      ? null
      : { value: KUBELET_DEFAULT_MAX_PODS, source: 'default-110', expression: null };
  }
  if (config.maxPodsExpression !== null && (config.amiFamily === 'al2023' || config.amiFamily === 'custom')) {
    const expression = evaluateMaxPodsExpression(config.maxPodsExpression, type.maxEnis, type.ipv4PerEni, standard);
    return expression.status === 'value'
      ? { value: expression.maxPods, source: 'max-pods-expression', expression }
      : { value: standard, source: 'eni-table', expression };
  }
  return { value: standard, source: 'eni-table', expression: null };
}

/**
 * The node as its AMI and kubelet set it up. `karpenterMaxPods` is the value Karpenter writes into the
 * kubelet configuration when it launched the node (resolver.go: it always sends maxPods).
 */
export function computeAmiNode(config: NodeConfig, karpenterMaxPods: number): NodeView {
  const network = computePodNetwork(config);
  const ami = amiMaxPods(config);
  if (ami === null) {
    return {
      status: 'bootstrap-failed',
      reason:
        'AL2 bootstrap.sh finds the type in no eni-max-pods table and its calculator cannot call ec2:DescribeInstanceTypes; bootstrap aborts',
      network,
    };
  }
  const type = config.instanceType;
  const cpus = config.onlineCpus ?? type.hardware?.vcpu ?? null;

  let maxPods: number;
  let maxPodsSource: NodeMaxPodsSource;
  if (config.kubelet.maxPods !== null) {
    maxPods = config.kubelet.maxPods;
    maxPodsSource = 'kubelet-setting';
  } else if (config.launchedBy === 'karpenter') {
    maxPods = karpenterMaxPods;
    maxPodsSource = 'karpenter';
  } else {
    maxPods = ami.value;
    maxPodsSource = ami.source;
  }
  // The Bottlerocket setting is max-pods itself; podsPerCore then caps the kubelet's pods (setters.go).
  const bottlerocketMaxPodsSetting =
    config.kubelet.maxPods !== null || config.launchedBy === 'karpenter' || config.amiKnowsInstanceType
      ? maxPods
      : null;
  const podsPerCore = config.kubelet.podsPerCore ?? 0;
  if (podsPerCore > 0 && config.amiFamily !== 'bottlerocket' && cpus !== null && podsPerCore * cpus < maxPods) {
    maxPods = podsPerCore * cpus;
    maxPodsSource = 'pods-per-core';
  }

  // kube-reserved memory: AL2/AL2023 follow the AMI's own value, never the kubelet's maxPods; Bottlerocket
  // follows its max-pods setting and reserves nothing when none is set (capacity-models.md §2.3, §2.4, §3).
  const kubeReservedMemoryPods =
    config.kubelet.kubeReserved.memoryBytes !== null
      ? null
      : config.amiFamily === 'bottlerocket'
        ? bottlerocketMaxPodsSetting
        : ami.value;
  const kubeReservedMemory =
    config.kubelet.kubeReserved.memoryBytes ??
    (kubeReservedMemoryPods === null ? 0 : kubeReservedMemoryBytes(kubeReservedMemoryPods));

  const observed = config.observedMemoryCapacityBytes;
  const memoryBytes = observed ?? karpenterMemoryEstimateBytes(config);
  const hardThreshold = config.kubelet.evictionHard.memoryAvailable;
  const capacity: NodeResources = { cpuMillis: cpus === null ? null : cpus * 1000, memoryBytes, pods: maxPods };
  const reserved: Reservations = {
    kubeReservedCpuMillis:
      config.kubelet.kubeReserved.cpuMillis ?? (cpus === null ? null : kubeReservedCpuMillis(cpus)),
    kubeReservedMemoryBytes: kubeReservedMemory,
    kubeReservedMemoryPods,
    systemReservedCpuMillis: config.kubelet.systemReserved.cpuMillis ?? 0,
    systemReservedMemoryBytes: config.kubelet.systemReserved.memoryBytes ?? 0,
    evictionMemoryBytes:
      memoryBytes === null
        ? null
        : hardThreshold === null
          ? DEFAULT_MEMORY_AVAILABLE_BYTES
          : kubeletThresholdBytes(hardThreshold, memoryBytes),
  };
  return {
    status: 'ready',
    maxPods,
    maxPodsSource,
    amiMaxPods: ami.value,
    expression: ami.expression,
    network,
    memorySource: observed === null ? 'estimate' : 'observed',
    capacity,
    reserved,
    allocatable: allocatable(capacity, reserved),
  };
}
