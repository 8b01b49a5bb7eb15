import { eniLimitedPods } from './eni-math.js';
import { DEFAULT_MEMORY_AVAILABLE_BYTES, karpenterThresholdBytes, type MemoryThreshold } from './eviction.js';
import { branchEniCapacity } from './instance-type.js';
import { type KarpenterFeatures, type KarpenterVersion, karpenterFeatures } from './karpenter-version.js';
import { kubeReservedCpuMillis, kubeReservedMemoryBytes } from './kube-reserved.js';
import type { NodeConfig } from './node-config.js';
import { MEBIBYTE } from './quantity.js';
import { allocatable, type NodeResources, type Reservations } from './resources.js';

/** Where a memory capacity figure comes from. */
export type MemorySource = 'observed' | 'estimate';

/** Karpenter's prediction of one node before launch, for one state of its capacity cache. */
export interface KarpenterPrediction {
  readonly memorySource: MemorySource;
  readonly capacity: NodeResources;
  readonly reserved: Reservations;
  readonly allocatable: NodeResources;
}

export type KarpenterMaxPodsSource = 'kubelet-setting' | 'eni-limited' | 'pods-per-core';

export interface KarpenterView {
  readonly version: KarpenterVersion;
  readonly features: KarpenterFeatures;
  /** RESERVED_ENIS as this version applies it (0 before v0.28.0). */
  readonly reservedEnis: number;
  readonly maxPods: number;
  readonly maxPodsSource: KarpenterMaxPodsSource;
  /** `vpc.amazonaws.com/pod-eni` Karpenter expects, whether or not ENABLE_POD_ENI is on (types.go awsPodENI). */
  readonly podEni: number;
  /** The capacity cache is empty: the VM-overhead estimate. */
  readonly cold: KarpenterPrediction;
  /** A node of this type and AMI has registered; null before v1.1.0, which has no cache. */
  readonly warm: KarpenterPrediction | null;
  /** The prediction Karpenter uses when it launches this type again: warm when it has a cache. */
  readonly relaunch: KarpenterPrediction;
}

/**
 * Karpenter's memory estimate: nominal MiB, less 64 MiB of Graviton CMA on arm64, less
 * `ceil(bytes·p/2^20)` MiB of VM overhead, in float64 as Karpenter computes it
 * (karpenter-provider-aws pkg/providers/instancetype/types.go memory(), v1.5.1 L329-L339).
 */
export function karpenterMemoryEstimateBytes(config: NodeConfig): number | null {
  const hardware = config.instanceType.hardware;
  if (hardware === null) return null;
  const features = karpenterFeatures(config.karpenter.version);
  const mebibytes = hardware.memoryMib - (features.graviton64MiB && hardware.architecture === 'arm64' ? 64 : 0);
  const bytes = mebibytes * MEBIBYTE;
  const overheadMebibytes = Math.ceil((bytes * config.karpenter.vmMemoryOverheadPercent) / 1024 / 1024);
  return bytes - overheadMebibytes * MEBIBYTE;
}

/** AMI families whose kube-reserved memory Karpenter ties to the ENI table (resolver.go UsesENILimitedMemoryOverhead). */
function usesEniLimitedMemoryOverhead(config: NodeConfig): boolean {
  return config.amiFamily !== 'bottlerocket';
}

/** Bottlerocket has no pods-per-core setting (resolver.go PodsPerCoreEnabled). */
export function podsPerCoreApplies(config: NodeConfig): boolean {
  return config.amiFamily !== 'bottlerocket' && (config.kubelet.podsPerCore ?? 0) > 0;
}

/** Karpenter ≥ v1.11.0 takes EFA-only interfaces on card 0 out of the ENI count. */
function efaOnlyInterfaces(config: NodeConfig, features: KarpenterFeatures): number {
  return features.efaOnlyInterfaces ? config.karpenter.efaOnlyInterfaces : 0;
}

export function computeKarpenterView(config: NodeConfig): KarpenterView {
  const type = config.instanceType;
  const version = config.karpenter.version;
  const features = karpenterFeatures(version);
  const reservedEnis = features.reservedEnis ? config.karpenter.reservedEnis : 0;
  const efa = efaOnlyInterfaces(config, features);
  const vcpu = type.hardware?.vcpu ?? null;

  // pods(): kubelet.maxPods, else ENILimitedPods(R), then podsPerCore·DefaultVCpus (types.go pods(), v1.5.1 L548-L563).
  let maxPods = config.kubelet.maxPods ?? eniLimitedPods(type.maxEnis - reservedEnis - efa, type.ipv4PerEni);
  let maxPodsSource: KarpenterMaxPodsSource = config.kubelet.maxPods === null ? 'eni-limited' : 'kubelet-setting';
  if (podsPerCoreApplies(config) && vcpu !== null) {
    const perCore = (config.kubelet.podsPerCore ?? 0) * vcpu;
    if (perCore < maxPods) {
      maxPods = perCore;
      maxPodsSource = 'pods-per-core';
    }
  }

  // kube-reserved pods: before v1.5.2 ENILimitedPods(R); from v1.5.2 ENILimitedPods(0); Bottlerocket uses pods (§5.3, §5.6).
  const kubeReservedPods = usesEniLimitedMemoryOverhead(config)
    ? eniLimitedPods(
        type.maxEnis - (features.kubeReservedIgnoresReservedEnis ? 0 : reservedEnis) - efa,
        type.ipv4PerEni,
      )
    : maxPods;
  const userKubeReservedMemory = config.kubelet.kubeReserved.memoryBytes;
  const estimateBytes = karpenterMemoryEstimateBytes(config);

  const predict = (memoryBytes: number | null, memorySource: MemorySource): KarpenterPrediction => {
    const capacity: NodeResources = {
      cpuMillis: vcpu === null ? null : vcpu * 1000,
      memoryBytes,
      pods: maxPods,
    };
    const reserved: Reservations = {
      kubeReservedCpuMillis:
        config.kubelet.kubeReserved.cpuMillis ?? (vcpu === null ? null : kubeReservedCpuMillis(vcpu)),
      kubeReservedMemoryBytes: userKubeReservedMemory ?? kubeReservedMemoryBytes(kubeReservedPods),
      kubeReservedMemoryPods: userKubeReservedMemory === null ? kubeReservedPods : null,
      systemReservedCpuMillis: config.kubelet.systemReserved.cpuMillis ?? 0,
      systemReservedMemoryBytes: config.kubelet.systemReserved.memoryBytes ?? 0,
      evictionMemoryBytes: estimateBytes === null ? null : karpenterEvictionBytes(config, features, estimateBytes),
    };
    return { memorySource, capacity, reserved, allocatable: allocatable(capacity, reserved) };
  };

  const cold = predict(estimateBytes, 'estimate');
  const warm = features.capacityCache
    ? config.observedMemoryCapacityBytes === null
      ? cold
      : predict(config.observedMemoryCapacityBytes, 'observed')
    : null;
  return {
    version,
    features,
    reservedEnis,
    maxPods,
    maxPodsSource,
    podEni: branchEniCapacity(type),
    cold,
    warm,
    relaunch: warm ?? cold,
  };
}

/**
 * Karpenter's eviction overhead: 100Mi, replaced by evictionHard memory.available and, before v1.9.0
 * and except on Bottlerocket, by the larger of hard and soft; percentages resolve on the estimate, not
 * on discovered capacity (types.go evictionThreshold, v1.5.1 L519-L546; PR #8565).
 */
function karpenterEvictionBytes(config: NodeConfig, features: KarpenterFeatures, estimateBytes: number): number {
  const signals: MemoryThreshold[] = [];
  const hard = config.kubelet.evictionHard.memoryAvailable;
  const soft = config.kubelet.evictionSoft.memoryAvailable;
  if (hard !== null) signals.push(hard);
  if (soft !== null && !features.onlyEvictionHard && config.amiFamily !== 'bottlerocket') signals.push(soft);
  if (signals.length === 0) return DEFAULT_MEMORY_AVAILABLE_BYTES;
  return Math.max(...signals.map((signal) => karpenterThresholdBytes(signal, estimateBytes)));
}
