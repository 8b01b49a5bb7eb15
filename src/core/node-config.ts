import { HOST_NETWORK_PODS_ASSUMED } from './eni-math.js';
import type { MemoryThreshold } from './eviction.js';
import type { InstanceType } from './instance-type.js';
import { type KarpenterVersion, LATEST_KARPENTER_VERSION } from './karpenter-version.js';

export type AmiFamily = 'al2' | 'al2023' | 'bottlerocket' | 'custom';
export const AMI_FAMILIES: readonly AmiFamily[] = ['al2', 'al2023', 'bottlerocket', 'custom'];

/** How the VPC CNI hands out pod addresses. */
export type CniMode =
  | 'secondary-ip'
  | 'prefix-delegation'
  | 'custom-networking'
  | 'prefix-delegation+custom-networking';
export const CNI_MODES: readonly CniMode[] = [
  'secondary-ip',
  'prefix-delegation',
  'custom-networking',
  'prefix-delegation+custom-networking',
];

export function usesPrefixDelegation(mode: CniMode): boolean {
  return mode === 'prefix-delegation' || mode === 'prefix-delegation+custom-networking';
}

export function usesCustomNetworking(mode: CniMode): boolean {
  return mode === 'custom-networking' || mode === 'prefix-delegation+custom-networking';
}

/** Who launched the node decides who sets its kubelet maxPods. */
export type Launcher = 'karpenter' | 'node-group';

export interface ResourceReservation {
  readonly cpuMillis: number | null;
  readonly memoryBytes: number | null;
}

/** The memory part of an eviction map; podcap does not model ephemeral storage. */
export interface EvictionSignals {
  readonly memoryAvailable: MemoryThreshold | null;
}

/** Kubelet settings as an EC2NodeClass `spec.kubelet` carries them; null where not set. */
export interface KubeletSettings {
  readonly maxPods: number | null;
  readonly podsPerCore: number | null;
  readonly kubeReserved: ResourceReservation;
  readonly systemReserved: ResourceReservation;
  readonly evictionHard: EvictionSignals;
  readonly evictionSoft: EvictionSignals;
}

export interface VpcCniSettings {
  readonly mode: CniMode;
  /** MAX_ENI; null when unset. */
  readonly maxEni: number | null;
  /** ENABLE_POD_ENI (security groups for pods). */
  readonly podEni: boolean;
}

export interface KarpenterSettings {
  readonly version: KarpenterVersion;
  /** RESERVED_ENIS, operator-wide. */
  readonly reservedEnis: number;
  /** VM_MEMORY_OVERHEAD_PERCENT as a fraction (0.075 = 7.5 %). */
  readonly vmMemoryOverheadPercent: number;
  /** EFA-only interfaces the EC2NodeClass puts on network card 0 (v1.11.0+). */
  readonly efaOnlyInterfaces: number;
}

/** Everything that decides one node's capacity. */
export interface NodeConfig {
  readonly instanceType: InstanceType;
  readonly amiFamily: AmiFamily;
  readonly launchedBy: Launcher;
  readonly cni: VpcCniSettings;
  readonly kubelet: KubeletSettings;
  /** AL2023 nodeadm `spec.kubelet.maxPodsExpression` (CEL); null when unset. */
  readonly maxPodsExpression: string | null;
  readonly karpenter: KarpenterSettings;
  /** `node.status.capacity.memory` of a registered node of this type and AMI (MemTotal), when known. */
  readonly observedMemoryCapacityBytes: number | null;
  /** CPUs the OS sees when CPU options or SMT lower them below EC2's DefaultVCpus; null = DefaultVCpus. */
  readonly onlineCpus: number | null;
  /** False when the AMI's max-pods data lacks the type and it cannot ask the EC2 API. */
  readonly amiKnowsInstanceType: boolean;
  /** hostNetwork pods on every node (aws-node, kube-proxy): they take a pods slot but no pod IP. */
  readonly hostNetworkPods: number;
}

/** Karpenter's default VM_MEMORY_OVERHEAD_PERCENT (aws/karpenter-provider-aws options.go, v0.12.0 PR #1953). */
export const DEFAULT_VM_MEMORY_OVERHEAD_PERCENT = 0.075;

export const NO_RESERVATION: ResourceReservation = { cpuMillis: null, memoryBytes: null };

export const DEFAULT_KUBELET: KubeletSettings = {
  maxPods: null,
  podsPerCore: null,
  kubeReserved: NO_RESERVATION,
  systemReserved: NO_RESERVATION,
  evictionHard: { memoryAvailable: null },
  evictionSoft: { memoryAvailable: null },
};

export type NodeConfigOverrides = Partial<Omit<NodeConfig, 'instanceType' | 'cni' | 'kubelet' | 'karpenter'>> & {
  readonly cni?: Partial<VpcCniSettings>;
  readonly kubelet?: Partial<KubeletSettings>;
  readonly karpenter?: Partial<KarpenterSettings>;
};

/** A current EKS cluster's defaults: AL2023 launched by the latest Karpenter, secondary IPs. */
export function makeNodeConfig(instanceType: InstanceType, overrides: NodeConfigOverrides = {}): NodeConfig {
  const { cni, kubelet, karpenter, ...rest } = overrides;
  return {
    instanceType,
    amiFamily: 'al2023',
    launchedBy: 'karpenter',
    maxPodsExpression: null,
    observedMemoryCapacityBytes: null,
    onlineCpus: null,
    amiKnowsInstanceType: true,
    hostNetworkPods: HOST_NETWORK_PODS_ASSUMED,
    ...rest,
    cni: { mode: 'secondary-ip', maxEni: null, podEni: false, ...cni },
    kubelet: { ...DEFAULT_KUBELET, ...kubelet },
    karpenter: {
      version: LATEST_KARPENTER_VERSION,
      reservedEnis: 0,
      vmMemoryOverheadPercent: DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
      efaOnlyInterfaces: 0,
      ...karpenter,
    },
  };
}
