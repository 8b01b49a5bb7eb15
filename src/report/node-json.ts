import type { NodeView } from '../core/ami-node.js';
import { formatKarpenterVersion } from '../core/karpenter-version.js';
import type { KarpenterPrediction } from '../core/karpenter-view.js';
import type { NodeCapacity } from '../core/node-capacity.js';
import { formatCpu, formatMemory } from '../core/quantity.js';
import type { NodeResources, Reservations } from '../core/resources.js';

/** Kubernetes quantities as a node's status prints them; null where the catalog lacks the fact. */
export interface ResourceQuantities {
  readonly cpu: string | null;
  readonly memory: string | null;
  readonly pods: string;
}

function quantities(resources: NodeResources): ResourceQuantities {
  return {
    cpu: resources.cpuMillis === null ? null : formatCpu(resources.cpuMillis),
    memory: resources.memoryBytes === null ? null : formatMemory(resources.memoryBytes),
    pods: String(resources.pods),
  };
}

function reservations(reserved: Reservations) {
  return {
    kubeReserved: {
      cpu: reserved.kubeReservedCpuMillis === null ? null : formatCpu(reserved.kubeReservedCpuMillis),
      memory: formatMemory(reserved.kubeReservedMemoryBytes),
      memoryForPods: reserved.kubeReservedMemoryPods,
    },
    systemReserved: {
      cpu: formatCpu(reserved.systemReservedCpuMillis),
      memory: formatMemory(reserved.systemReservedMemoryBytes),
    },
    evictionHard: { memory: reserved.evictionMemoryBytes === null ? null : formatMemory(reserved.evictionMemoryBytes) },
  };
}

function nodeJson(node: NodeView) {
  const network = {
    podIps: node.network.podIps,
    podEni: node.network.podEni,
    enis: node.network.maxEnis,
    podEnis: node.network.podEnis,
    prefixDelegation: node.network.prefixDelegation,
    trunkEni: node.network.trunkEni,
  };
  if (node.status === 'bootstrap-failed') return { status: node.status, reason: node.reason, ...network };
  return {
    status: node.status,
    maxPods: node.maxPods,
    maxPodsSource: node.maxPodsSource,
    amiMaxPods: node.amiMaxPods,
    ...network,
    memorySource: node.memorySource,
    capacity: quantities(node.capacity),
    allocatable: quantities(node.allocatable),
    reserved: reservations(node.reserved),
  };
}

function predictionJson(prediction: KarpenterPrediction) {
  return {
    memorySource: prediction.memorySource,
    capacity: quantities(prediction.capacity),
    allocatable: quantities(prediction.allocatable),
    reserved: reservations(prediction.reserved),
  };
}

/** The `podcap node --json` object for one type. */
export function nodeCapacityJson(result: NodeCapacity, assumed: readonly string[]) {
  const { config, karpenter } = result;
  const hardware = config.instanceType.hardware;
  return {
    instanceType: config.instanceType.name,
    hardware: hardware === null ? null : { ...hardware },
    missing: hardware === null ? ['vcpu', 'memory'] : [],
    config: {
      amiFamily: config.amiFamily,
      launchedBy: config.launchedBy,
      cniMode: config.cni.mode,
      podEni: config.cni.podEni,
      maxEni: config.cni.maxEni,
      reservedEnis: config.karpenter.reservedEnis,
      karpenterVersion: formatKarpenterVersion(config.karpenter.version),
      vmMemoryOverheadPercent: config.karpenter.vmMemoryOverheadPercent,
      maxPods: config.kubelet.maxPods,
      podsPerCore: config.kubelet.podsPerCore,
      maxPodsExpression: config.maxPodsExpression,
      memoryCapacity:
        config.observedMemoryCapacityBytes === null ? null : formatMemory(config.observedMemoryCapacityBytes),
    },
    assumed,
    node: nodeJson(result.node),
    karpenter: {
      version: formatKarpenterVersion(karpenter.version),
      reservedEnis: karpenter.reservedEnis,
      maxPods: karpenter.maxPods,
      maxPodsSource: karpenter.maxPodsSource,
      podEni: karpenter.podEni,
      cache: karpenter.warm === null ? 'none' : karpenter.relaunch.memorySource === 'observed' ? 'warm' : 'estimate',
      ...predictionJson(karpenter.relaunch),
      cold: predictionJson(karpenter.cold),
      warm: karpenter.warm === null ? null : predictionJson(karpenter.warm),
    },
    mismatches: result.mismatches.map((m) => ({
      code: m.code,
      severity: m.severity,
      message: m.message,
      size: m.size,
      window:
        m.window === null
          ? null
          : m.window.resource === 'memory'
            ? {
                resource: 'memory',
                above: formatMemory(m.window.aboveExclusive),
                upTo: formatMemory(m.window.upToInclusive),
              }
            : m.window.resource === 'cpu'
              ? { resource: 'cpu', above: formatCpu(m.window.aboveExclusive), upTo: formatCpu(m.window.upToInclusive) }
              : { resource: 'pods', above: String(m.window.aboveExclusive), upTo: String(m.window.upToInclusive) },
    })),
  };
}
