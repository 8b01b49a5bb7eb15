import type { NodeView } from './ami-node.js';
import { eniLimitedPods, prefixDelegationPods, recommendedMaxPodsCeiling } from './eni-math.js';
import { karpenterThresholdBytes, kubeletThresholdBytes } from './eviction.js';
import { branchEniCapacity, supportsPrefixDelegation } from './instance-type.js';
import { formatKarpenterVersion } from './karpenter-version.js';
import type { KarpenterPrediction, KarpenterView } from './karpenter-view.js';
import { type NodeConfig, usesCustomNetworking, usesPrefixDelegation } from './node-config.js';
import { formatCpu, formatMebibytes, MEBIBYTE } from './quantity.js';

export type Severity = 'error' | 'warning' | 'info';

/** Stable codes; research capacity-models.md §8 numbers (M1…M13) are given where a code stems from one. */
export type MismatchCode =
  | 'KARPENTER_OVERESTIMATES_MEMORY'
  | 'KARPENTER_FIRST_LAUNCH_OVERESTIMATES_MEMORY'
  | 'KARPENTER_UNDERESTIMATES_MEMORY'
  | 'KARPENTER_OVERESTIMATES_CPU'
  | 'KARPENTER_UNDERESTIMATES_CPU'
  | 'KARPENTER_OVERESTIMATES_PODS'
  | 'KARPENTER_EXPECTS_POD_ENI'
  | 'KARPENTER_RESERVED_ENIS_KUBE_RESERVED' // M1
  | 'KARPENTER_EFA_KUBE_RESERVED' // M2
  | 'MAX_PODS_EXPRESSION_UNKNOWN_TO_KARPENTER' // M3
  | 'KARPENTER_MEMORY_ESTIMATE' // M4
  | 'EVICTION_PERCENTAGE_ON_ESTIMATE' // M5
  | 'KARPENTER_COUNTS_EVICTION_SOFT' // M6
  | 'BOTTLEROCKET_UNKNOWN_TYPE' // M7
  | 'AL2023_UNKNOWN_TYPE' // M8
  | 'AL2_BOOTSTRAP_FAILS' // M9
  | 'MAX_PODS_EXCEEDS_POD_IPS' // M10
  | 'MAX_PODS_BELOW_POD_IPS' // M10, the other direction
  | 'CPU_COUNT_DIFFERS' // M11
  | 'CUSTOM_AMI_ASSUMED' // M12
  | 'RESERVED_ENIS_DOCS_DRIFT' // M13
  | 'KUBE_RESERVED_IGNORES_MAX_PODS'
  | 'MAX_PODS_EXPRESSION_FALLBACK'
  | 'PREFIX_DELEGATION_UNSUPPORTED'
  | 'POD_ENI_UNSUPPORTED'
  | 'HARDWARE_UNKNOWN';

export type SizeUnit = 'bytes' | 'millicores' | 'pods' | 'addresses' | 'none';

/** The pod requests (summed over the node's pods) that Karpenter admits and the kubelet does not. */
export interface RequestWindow {
  readonly resource: 'memory' | 'cpu' | 'pods';
  /** Requests above this do not fit the kubelet's allocatable. */
  readonly aboveExclusive: number;
  /** Requests up to this fit Karpenter's prediction. */
  readonly upToInclusive: number;
}

export interface Mismatch {
  readonly code: MismatchCode;
  readonly severity: Severity;
  readonly message: string;
  readonly size: { readonly amount: number; readonly unit: SizeUnit };
  readonly window: RequestWindow | null;
}

function mismatch(
  code: MismatchCode,
  severity: Severity,
  message: string,
  amount = 0,
  unit: SizeUnit = 'none',
  window: RequestWindow | null = null,
): Mismatch {
  return { code, severity, message, size: { amount, unit }, window };
}

const mib = formatMebibytes;

/** Every place the AMI/kubelet, the VPC CNI and Karpenter disagree about one node. */
export function detectMismatches(config: NodeConfig, node: NodeView, karpenter: KarpenterView): Mismatch[] {
  const found: Mismatch[] = [];
  const type = config.instanceType;
  const name = type.name;
  const byKarpenter = config.launchedBy === 'karpenter';
  const version = formatKarpenterVersion(karpenter.version);

  if (type.hardware === null) {
    found.push(
      mismatch(
        'HARDWARE_UNKNOWN',
        'info',
        `${name}: the catalog has no vCPU or memory for this type, so CPU and memory cannot be computed; run \`podcap catalog refresh\` or pass --memory-capacity`,
      ),
    );
  }
  if (usesPrefixDelegation(config.cni.mode) && !supportsPrefixDelegation(type)) {
    found.push(
      mismatch(
        'PREFIX_DELEGATION_UNSUPPORTED',
        'warning',
        `${name} is not a Nitro instance: ipamd ignores ENABLE_PREFIX_DELEGATION and hands out secondary IPs`,
      ),
    );
  }
  if (config.cni.podEni && branchEniCapacity(type) === 0) {
    found.push(
      mismatch(
        'POD_ENI_UNSUPPORTED',
        'warning',
        type.trunking === null
          ? `${name}: no source lists trunking for this type; pods of a SecurityGroupPolicy may never get a branch ENI`
          : `${name} cannot carry a trunk ENI: pods of a SecurityGroupPolicy stay Pending on it (no vpc.amazonaws.com/pod-eni)`,
      ),
    );
  }
  if (config.amiFamily === 'custom') {
    found.push(
      mismatch(
        'CUSTOM_AMI_ASSUMED',
        'info',
        'Custom AMI: podcap assumes it reserves like the EKS AMI (11·pods+255 MiB from the ENI table), as Karpenter does; check your bootstrap',
      ),
    );
  }
  if (node.status === 'bootstrap-failed') {
    found.push(mismatch('AL2_BOOTSTRAP_FAILS', 'error', `${name}: ${node.reason}; the node never joins`));
    return found;
  }

  if (!config.amiKnowsInstanceType && config.amiFamily === 'bottlerocket') {
    found.push(
      mismatch(
        'BOTTLEROCKET_UNKNOWN_TYPE',
        byKarpenter ? 'info' : 'warning',
        byKarpenter
          ? `${name} is not in this Bottlerocket's eni-max-pods table; Karpenter sets max-pods, so kube-reserved follows it`
          : `${name} is not in this Bottlerocket's eni-max-pods table: maxPods 110 and no kube-reserved memory at all`,
        byKarpenter ? 0 : kubeReservedFor(eniLimitedPods(type.maxEnis, type.ipv4PerEni)),
        byKarpenter ? 'none' : 'bytes',
      ),
    );
  }
  if (!config.amiKnowsInstanceType && (config.amiFamily === 'al2023' || config.amiFamily === 'custom')) {
    found.push(
      mismatch(
        'AL2023_UNKNOWN_TYPE',
        'warning',
        `${name} is unknown to nodeadm and it cannot call ec2:DescribeInstanceTypes: it reserves kube-reserved memory for 110 pods (${mib(node.reserved.kubeReservedMemoryBytes)}) whatever the size`,
        node.reserved.kubeReservedMemoryBytes,
        'bytes',
      ),
    );
  }
  if (node.expression?.status === 'fallback') {
    found.push(
      mismatch(
        'MAX_PODS_EXPRESSION_FALLBACK',
        'warning',
        `maxPodsExpression ignored, nodeadm keeps ${node.amiMaxPods}: ${node.expression.reason}`,
      ),
    );
  }

  // Pods the kubelet admits that need an address from the CNI.
  const ipPods = node.maxPods - config.hostNetworkPods;
  const network = node.network;
  if (ipPods > network.podIps) {
    const why = [
      usesCustomNetworking(config.cni.mode) ? 'custom networking keeps the primary ENI from pods' : null,
      network.trunkEni ? 'the trunk ENI of security groups for pods takes a slot' : null,
      config.cni.maxEni !== null && network.maxEnis < type.maxEnis ? `MAX_ENI=${config.cni.maxEni}` : null,
    ].filter((reason) => reason !== null);
    found.push(
      mismatch(
        'MAX_PODS_EXCEEDS_POD_IPS',
        'error',
        `maxPods ${node.maxPods} admits ${ipPods} pods that need an IP but the CNI can give ${network.podIps}` +
          (why.length > 0 ? ` (${why.join('; ')})` : '') +
          `: ${ipPods - network.podIps} pods will hang in ContainerCreating; ${maxPodsFix(config, network.podIps)}`,
        ipPods - network.podIps,
        'pods',
      ),
    );
  } else if (ipPods < network.podIps) {
    const vcpu = type.hardware?.vcpu ?? null;
    const recommended =
      network.prefixDelegation && vcpu !== null
        ? Math.min(prefixDelegationPods(network.podEnis, type.ipv4PerEni), recommendedMaxPodsCeiling(vcpu))
        : network.podIps + config.hostNetworkPods;
    if (recommended > node.maxPods) {
      found.push(
        mismatch(
          'MAX_PODS_BELOW_POD_IPS',
          'info',
          `maxPods ${node.maxPods} uses ${Math.max(0, ipPods)} of ${network.podIps} pod IPs` +
            (network.prefixDelegation ? `; with prefix delegation set kubelet maxPods to ${recommended}` : '') +
            (byKarpenter && karpenter.reservedEnis > 0 && config.kubelet.maxPods === null && !network.prefixDelegation
              ? `; RESERVED_ENIS=${karpenter.reservedEnis} is more than this node gives up`
              : ''),
          recommended - node.maxPods,
          'pods',
        ),
      );
    }
  }

  // AL2/AL2023 reserve for the AMI's own max-pods value, not for the pods the kubelet admits.
  const basis = node.reserved.kubeReservedMemoryPods;
  if (basis !== null && config.amiFamily !== 'bottlerocket' && basis !== node.maxPods) {
    found.push(
      mismatch(
        'KUBE_RESERVED_IGNORES_MAX_PODS',
        'info',
        `kube-reserved memory is sized for ${basis} pods (${mib(kubeReservedFor(basis))}) while the kubelet admits ${node.maxPods}`,
        Math.abs(kubeReservedFor(node.maxPods) - kubeReservedFor(basis)),
        'bytes',
      ),
    );
  }

  if (config.onlineCpus !== null && type.hardware !== null && config.onlineCpus !== type.hardware.vcpu) {
    found.push(
      mismatch(
        'CPU_COUNT_DIFFERS',
        'warning',
        `the OS sees ${config.onlineCpus} CPUs where EC2's DefaultVCpus is ${type.hardware.vcpu}: the AMI reserves by the first, Karpenter by the second`,
        Math.abs(config.onlineCpus - type.hardware.vcpu) * 1000,
        'millicores',
      ),
    );
  }

  if (!byKarpenter) return found;

  found.push(...karpenterCauses(config, node, karpenter, version));
  found.push(...compareWithKarpenter(config, node, karpenter));
  return found;
}

function kubeReservedFor(pods: number): number {
  return (11 * pods + 255) * MEBIBYTE;
}

function maxPodsFix(config: NodeConfig, podIps: number): string {
  const target = podIps + config.hostNetworkPods;
  if (config.launchedBy === 'karpenter' && config.kubelet.maxPods === null) {
    return `set RESERVED_ENIS or the EC2NodeClass kubelet.maxPods to ${target}`;
  }
  return `set kubelet maxPods to ${target}`;
}

/** The conditions behind a Karpenter/kubelet disagreement, each named (capacity-models.md §8). */
function karpenterCauses(config: NodeConfig, node: NodeView, karpenter: KarpenterView, version: string): Mismatch[] {
  if (node.status !== 'ready') return [];
  const found: Mismatch[] = [];
  const type = config.instanceType;
  const eksAmi = config.amiFamily !== 'bottlerocket';
  const features = karpenter.features;
  const userKubeReserved = config.kubelet.kubeReserved.memoryBytes !== null;

  if (eksAmi && !userKubeReserved && karpenter.reservedEnis > 0 && !features.kubeReservedIgnoresReservedEnis) {
    const size = 11 * karpenter.reservedEnis * (type.ipv4PerEni - 1) * MEBIBYTE;
    found.push(
      mismatch(
        'KARPENTER_RESERVED_ENIS_KUBE_RESERVED',
        'warning',
        `Karpenter ${version} with RESERVED_ENIS=${karpenter.reservedEnis} reserves kube-reserved memory for ${eniLimitedPods(type.maxEnis - karpenter.reservedEnis, type.ipv4PerEni)} pods, the AMI for ${eniLimitedPods(type.maxEnis, type.ipv4PerEni)}: ${mib(size)} too little (fixed in v1.5.2 and v1.6.0)`,
        size,
        'bytes',
      ),
    );
  }
  if (eksAmi && !userKubeReserved && features.efaOnlyInterfaces && config.karpenter.efaOnlyInterfaces > 0) {
    const size = 11 * config.karpenter.efaOnlyInterfaces * (type.ipv4PerEni - 1) * MEBIBYTE;
    found.push(
      mismatch(
        'KARPENTER_EFA_KUBE_RESERVED',
        'warning',
        `Karpenter ${version} takes ${config.karpenter.efaOnlyInterfaces} EFA-only interfaces out of kube-reserved's pod count; the AMI does not: ${mib(size)} too little`,
        size,
        'bytes',
      ),
    );
  }
  if (
    config.maxPodsExpression !== null &&
    node.expression?.status === 'value' &&
    !userKubeReserved &&
    node.reserved.kubeReservedMemoryBytes !== karpenter.relaunch.reserved.kubeReservedMemoryBytes
  ) {
    const difference = node.reserved.kubeReservedMemoryBytes - karpenter.relaunch.reserved.kubeReservedMemoryBytes;
    found.push(
      mismatch(
        'MAX_PODS_EXPRESSION_UNKNOWN_TO_KARPENTER',
        difference > 0 ? 'warning' : 'info',
        `nodeadm reserves for maxPodsExpression's ${node.amiMaxPods} pods (${mib(node.reserved.kubeReservedMemoryBytes)}); Karpenter does not know the expression and assumes ${mib(karpenter.relaunch.reserved.kubeReservedMemoryBytes)}`,
        Math.abs(difference),
        'bytes',
      ),
    );
  }
  const observed = config.observedMemoryCapacityBytes;
  const estimate = karpenter.cold.capacity.memoryBytes;
  if (observed !== null && estimate !== null && observed !== estimate) {
    found.push(
      mismatch(
        'KARPENTER_MEMORY_ESTIMATE',
        estimate > observed ? 'warning' : 'info',
        `before a ${type.name} has registered, Karpenter estimates memory capacity at ${mib(estimate)} (VM_MEMORY_OVERHEAD_PERCENT ${config.karpenter.vmMemoryOverheadPercent}); the node has ${mib(observed)}` +
          (features.capacityCache
            ? '; the cache corrects it after the first node'
            : `; Karpenter ${version} has no capacity cache`),
        Math.abs(estimate - observed),
        'bytes',
      ),
    );
  }
  const hard = config.kubelet.evictionHard.memoryAvailable;
  if (hard?.kind === 'percentage' && estimate !== null && node.capacity.memoryBytes !== null) {
    const onEstimate = karpenterThresholdBytes(hard, estimate);
    const onCapacity = kubeletThresholdBytes(hard, node.capacity.memoryBytes);
    if (onEstimate !== onCapacity) {
      found.push(
        mismatch(
          'EVICTION_PERCENTAGE_ON_ESTIMATE',
          onEstimate < onCapacity ? 'warning' : 'info',
          `evictionHard memory.available ${hard.text}: Karpenter resolves it on its estimate (${mib(onEstimate)}), the kubelet on real capacity (${mib(onCapacity)})`,
          Math.abs(onCapacity - onEstimate),
          'bytes',
        ),
      );
    }
  }
  const soft = config.kubelet.evictionSoft.memoryAvailable;
  if (soft !== null && !features.onlyEvictionHard && eksAmi && estimate !== null) {
    const softBytes = karpenterThresholdBytes(soft, estimate);
    const hardBytes = node.reserved.evictionMemoryBytes ?? 0;
    if (softBytes > hardBytes) {
      found.push(
        mismatch(
          'KARPENTER_COUNTS_EVICTION_SOFT',
          'info',
          `Karpenter ${version} reserves evictionSoft memory.available ${soft.text}; the kubelet reserves only the hard threshold (changed in v1.9.0)`,
          softBytes - hardBytes,
          'bytes',
        ),
      );
    }
  }
  if (karpenter.reservedEnis > 0 && features.kubeReservedIgnoresReservedEnis && eksAmi) {
    found.push(
      mismatch(
        'RESERVED_ENIS_DOCS_DRIFT',
        'info',
        `Karpenter's docs say RESERVED_ENIS lowers kube-reserved; since v1.5.2 it lowers only maxPods (kube-reserved stays at ${eniLimitedPods(type.maxEnis, type.ipv4PerEni)} pods)`,
      ),
    );
  }
  return found;
}

/** Effects: where Karpenter's prediction for a relaunch and the kubelet's numbers differ. */
function compareWithKarpenter(config: NodeConfig, node: NodeView, karpenter: KarpenterView): Mismatch[] {
  if (node.status !== 'ready') return [];
  const found: Mismatch[] = [];
  const name = config.instanceType.name;
  const real = node.allocatable;
  const relaunch = karpenter.relaunch;
  const cacheNote =
    karpenter.warm === null
      ? 'its estimate, no capacity cache'
      : relaunch.memorySource === 'observed'
        ? 'its capacity cache'
        : 'its capacity cache, memory estimated';

  const karpenterMemory = relaunch.allocatable.memoryBytes;
  if (karpenterMemory !== null && real.memoryBytes !== null) {
    if (karpenterMemory > real.memoryBytes) {
      found.push(
        mismatch(
          'KARPENTER_OVERESTIMATES_MEMORY',
          'error',
          `Karpenter (${cacheNote}) sees ${mib(karpenterMemory)} allocatable memory on ${name}, the kubelet ${mib(real.memoryBytes)}: pods whose memory requests, DaemonSets included, fall in (${real.memoryBytes / 1024}Ki, ${karpenterMemory / 1024}Ki] make Karpenter launch ${name} again and again`,
          karpenterMemory - real.memoryBytes,
          'bytes',
          { resource: 'memory', aboveExclusive: real.memoryBytes, upToInclusive: karpenterMemory },
        ),
      );
    } else {
      const cold = coldOverestimate(karpenter.cold, real.memoryBytes, karpenter);
      if (cold !== null) found.push(cold(name));
      if (karpenterMemory < real.memoryBytes) {
        found.push(
          mismatch(
            'KARPENTER_UNDERESTIMATES_MEMORY',
            'info',
            `Karpenter sees ${mib(karpenterMemory)} allocatable memory on ${name}, the kubelet ${mib(real.memoryBytes)}: Karpenter may choose a larger type than needed`,
            real.memoryBytes - karpenterMemory,
            'bytes',
          ),
        );
      }
    }
  }
  const karpenterCpu = relaunch.allocatable.cpuMillis;
  if (karpenterCpu !== null && real.cpuMillis !== null && karpenterCpu !== real.cpuMillis) {
    const over = karpenterCpu > real.cpuMillis;
    found.push(
      mismatch(
        over ? 'KARPENTER_OVERESTIMATES_CPU' : 'KARPENTER_UNDERESTIMATES_CPU',
        over ? 'error' : 'info',
        `Karpenter sees ${formatCpu(karpenterCpu)} allocatable CPU on ${name}, the kubelet ${formatCpu(real.cpuMillis)}`,
        Math.abs(karpenterCpu - real.cpuMillis),
        'millicores',
        over ? { resource: 'cpu', aboveExclusive: real.cpuMillis, upToInclusive: karpenterCpu } : null,
      ),
    );
  }
  if (relaunch.allocatable.pods > real.pods) {
    found.push(
      mismatch(
        'KARPENTER_OVERESTIMATES_PODS',
        'error',
        `Karpenter expects ${relaunch.allocatable.pods} pods on ${name}, the kubelet admits ${real.pods}`,
        relaunch.allocatable.pods - real.pods,
        'pods',
        { resource: 'pods', aboveExclusive: real.pods, upToInclusive: relaunch.allocatable.pods },
      ),
    );
  }
  if (karpenter.podEni > node.network.podEni) {
    found.push(
      mismatch(
        'KARPENTER_EXPECTS_POD_ENI',
        config.cni.podEni ? 'warning' : 'info',
        `Karpenter expects ${karpenter.podEni} vpc.amazonaws.com/pod-eni on ${name}; the node advertises ${node.network.podEni}` +
          (config.cni.podEni
            ? ''
            : ' (ENABLE_POD_ENI is off): a pod that requests it makes Karpenter launch nodes that never fit it'),
        karpenter.podEni - node.network.podEni,
        'none',
      ),
    );
  }
  return found;
}

/** A cold-cache overestimate that the cache then corrects: one wasted launch, not a loop. */
function coldOverestimate(
  cold: KarpenterPrediction,
  realMemoryBytes: number,
  karpenter: KarpenterView,
): ((name: string) => Mismatch) | null {
  const coldMemory = cold.allocatable.memoryBytes;
  if (karpenter.warm === null || coldMemory === null || coldMemory <= realMemoryBytes) return null;
  return (name) =>
    mismatch(
      'KARPENTER_FIRST_LAUNCH_OVERESTIMATES_MEMORY',
      'warning',
      `until a ${name} has registered, Karpenter sees ${mib(coldMemory)} allocatable memory, the kubelet ${mib(realMemoryBytes)}: the first launch for a pod in (${realMemoryBytes / 1024}Ki, ${coldMemory / 1024}Ki] is wasted`,
      coldMemory - realMemoryBytes,
      'bytes',
      { resource: 'memory', aboveExclusive: realMemoryBytes, upToInclusive: coldMemory },
    );
}
