/**
 * How a node of a node group or of `spec.nodes` is configured: its kubelet (maxPods, reservations) as
 * its AMI family and launcher set it up, what it advertises to the scheduler, and its labels and taints
 * as EKS and Karpenter put them on the Node object.
 */

import type { ReadyNode } from '../core/ami-node.js';
import type { InstanceType } from '../core/instance-type.js';
import type { Mismatch } from '../core/mismatch.js';
import { computeNodeCapacity, type NodeCapacity } from '../core/node-capacity.js';
import { type AmiFamily, type CniMode, type KubeletSettings, makeNodeConfig } from '../core/node-config.js';
import type { VpcCniSettings } from '../network/vpc-cni-settings.js';
import { NVIDIA_GPU_RESOURCE, nvidiaGpus } from './karpenter/offerings.js';
import type { CapacityType, KarpenterScenarioSettings, Taint } from './model.js';

/** What every node of one group shares; zone, subnet and name are per node. */
export interface NodeTemplate {
  /** `nodeGroup/NAME`, `nodePool/NAME` or `static`. */
  readonly origin: string;
  readonly instanceType: InstanceType;
  readonly capacityType: CapacityType;
  readonly capacity: NodeCapacity;
  /** null when the node never becomes Ready (AL2 bootstrap failure). */
  readonly ready: ReadyNode | null;
  readonly failure: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly allocatable: {
    readonly cpuMillis: number;
    readonly memoryBytes: number;
    readonly pods: number;
    readonly extended: ReadonlyMap<string, number>;
  };
  /** The capacity model's disagreements for this node (MAX_PODS_EXCEEDS_POD_IPS and the like). */
  readonly mismatches: readonly Mismatch[];
  /** Whether the memory is podcap's estimate rather than an observed node's. */
  readonly memoryEstimated: boolean;
}

/** `vpc.amazonaws.com/pod-eni`: the VPC resource controller advertises a trunking node's branch ENIs. */
export const POD_ENI_RESOURCE = 'vpc.amazonaws.com/pod-eni';

/**
 * Managed node groups on an EKS AMI cap maxPods at 110 below 30 vCPUs and 250 from 30 on, whatever
 * else sets it (EKS user guide "choosing-instance-type", How maxPods is determined; research peers.md A.7).
 */
export function managedNodeGroupMaxPodsCap(vcpu: number): number {
  return vcpu < 30 ? 110 : 250;
}

export function cniMode(settings: VpcCniSettings): CniMode {
  if (settings.prefixDelegation && settings.customNetworking) return 'prefix-delegation+custom-networking';
  if (settings.prefixDelegation) return 'prefix-delegation';
  if (settings.customNetworking) return 'custom-networking';
  return 'secondary-ip';
}

export interface NodeTemplateSpec {
  readonly origin: string;
  readonly instanceType: InstanceType;
  readonly amiFamily: AmiFamily;
  readonly launchedBy: 'karpenter' | 'node-group';
  readonly capacityType: CapacityType;
  readonly kubelet: Partial<KubeletSettings>;
  readonly cni: VpcCniSettings;
  readonly karpenter: KarpenterScenarioSettings | null;
  readonly observedMemoryBytes: number | null;
  readonly hostNetworkPods: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** Apply the managed-node-group maxPods cap. */
  readonly managedNodeGroup: boolean;
}

export function makeNodeTemplate(spec: NodeTemplateSpec): NodeTemplate {
  const base = {
    amiFamily: spec.amiFamily,
    launchedBy: spec.launchedBy,
    observedMemoryCapacityBytes: spec.observedMemoryBytes,
    hostNetworkPods: spec.hostNetworkPods,
    cni: { mode: cniMode(spec.cni), maxEni: spec.cni.maxEni, podEni: spec.cni.podEni },
    ...(spec.karpenter
      ? {
          karpenter: {
            version: spec.karpenter.version,
            reservedEnis: spec.karpenter.reservedEnis,
            vmMemoryOverheadPercent: spec.karpenter.vmMemoryOverheadPercent,
          },
        }
      : {}),
  } as const;
  let capacity = computeNodeCapacity(makeNodeConfig(spec.instanceType, { ...base, kubelet: spec.kubelet }));
  const vcpu = spec.instanceType.hardware?.vcpu ?? null;
  if (spec.managedNodeGroup && vcpu !== null && capacity.node.status === 'ready') {
    const cap = managedNodeGroupMaxPodsCap(vcpu);
    if (capacity.node.maxPods > cap) {
      capacity = computeNodeCapacity(
        makeNodeConfig(spec.instanceType, { ...base, kubelet: { ...spec.kubelet, maxPods: cap } }),
      );
    }
  }
  const node = capacity.node;
  const failure =
    node.status === 'bootstrap-failed' ? node.reason : node.maxPods === 0 ? noPodsFailure(capacity, node) : null;
  const ready = node.status === 'ready' && failure === null ? node : null;
  const extended = new Map<string, number>();
  if (node.network.podEni > 0 && spec.cni.podEni) extended.set(POD_ENI_RESOURCE, node.network.podEni);
  // The NVIDIA device plugin advertises the GPUs of G and P types.
  const gpus = nvidiaGpus(spec.instanceType);
  if (gpus > 0) extended.set(NVIDIA_GPU_RESOURCE, gpus);
  const type = spec.instanceType;
  const labels: Record<string, string> = {
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': type.hardware?.architecture ?? 'amd64',
    'node.kubernetes.io/instance-type': type.name,
    ...spec.labels,
  };
  return {
    origin: spec.origin,
    instanceType: type,
    capacityType: spec.capacityType,
    capacity,
    ready,
    failure,
    labels,
    taints: spec.taints,
    allocatable: {
      cpuMillis: ready?.allocatable.cpuMillis ?? 0,
      memoryBytes: ready?.allocatable.memoryBytes ?? 0,
      pods: ready?.allocatable.pods ?? 0,
      extended,
    },
    mismatches: capacity.mismatches,
    memoryEstimated: spec.observedMemoryBytes === null,
  };
}

/**
 * A kubelet with maxPods 0 admits no pod, aws-node included: the VPC CNI never writes its config, so the
 * runtime reports NetworkPluginNotReady and the node stays NotReady; Karpenter never initializes it and so
 * never disrupts it (disruption candidates must be initialized, kubernetes-sigs/karpenter disruption/types.go).
 */
function noPodsFailure(capacity: NodeCapacity, node: ReadyNode): string {
  const view = capacity.karpenter;
  const type = capacity.config.instanceType;
  let why = 'its kubelet has maxPods 0';
  let fix = 'give the kubelet a maxPods above 0';
  if (node.maxPodsSource === 'karpenter' && view.maxPodsSource === 'eni-limited') {
    // ENILimitedPods floors the usable ENIs at 0 and then counts 0 pods, and the resolver writes that
    // value to the kubelet (karpenter-provider-aws types.go ENILimitedPods, amifamily/resolver.go).
    why =
      `RESERVED_ENIS=${view.reservedEnis} is not below the ${type.maxEnis} ENIs of ${type.name}, so Karpenter counts ` +
      '0 pods for it and writes maxPods 0 to its kubelet';
    fix = 'set RESERVED_ENIS to the ENIs pods cannot use (1 for custom networking or security groups for pods)';
  } else if (node.maxPodsSource === 'kubelet-setting') {
    why = 'spec.kubelet.maxPods is 0';
  }
  const karpenter = capacity.config.launchedBy === 'karpenter';
  return (
    `${why}: the kubelet admits no pod, not even aws-node, so the CNI never starts and the node stays NotReady` +
    `${karpenter ? '; Karpenter does not disrupt a node it never initialized' : ''}. Fix: ${fix}`
  );
}

/** EKS names a node after its primary private address (`ip-10-0-1-5.us-west-2.compute.internal`). */
export function nodeName(address: number, region: string): string {
  const dotted = [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('-');
  const domain = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return `ip-${dotted}.${domain}`;
}
