/**
 * podcap's public API: the node capacity model, the instance-type catalog and its readers.
 * Everything a CLI, a report or a UI needs goes through here.
 */

export { catalogFromCsv } from './catalog/from-csv.js';
export { ClusterBuilder } from './cluster/cluster-builder.js';
export type * from './cluster/cluster-state.js';
export { collectScript } from './cluster/collect-script.js';
export { readClusterExport } from './cluster/read-export.js';
export type { FailedNode, NodeMaxPodsSource, NodeView, PodNetwork, ReadyNode } from './core/ami-node.js';
export { computePodNetwork, KUBELET_DEFAULT_MAX_PODS } from './core/ami-node.js';
export type { Catalog, CatalogIndex, CatalogSource, LookupResult } from './core/catalog.js';
export { CATALOG_FORMAT, indexCatalog, suggestNames } from './core/catalog.js';
export { formatDuration, parseDuration } from './core/duration.js';
export { eniLimitedPods, podIpCapacity, prefixDelegationPods } from './core/eni-math.js';
export type { MemoryThreshold } from './core/eviction.js';
export { parseMemoryThreshold } from './core/eviction.js';
export type { Architecture, Hardware, Hypervisor, InstanceType, Trunking } from './core/instance-type.js';
export { branchEniCapacity, supportsPrefixDelegation } from './core/instance-type.js';
export type { KarpenterFeatures, KarpenterVersion } from './core/karpenter-version.js';
export {
  formatKarpenterVersion,
  karpenterFeatures,
  LATEST_KARPENTER_VERSION,
  parseKarpenterVersion,
} from './core/karpenter-version.js';
export type { KarpenterPrediction, KarpenterView, MemorySource } from './core/karpenter-view.js';
export { computeKarpenterView, karpenterMemoryEstimateBytes } from './core/karpenter-view.js';
export { kubeReservedCpuMillis, kubeReservedMemoryBytes } from './core/kube-reserved.js';
export type { Mismatch, MismatchCode, RequestWindow, Severity } from './core/mismatch.js';
export type { NodeCapacity } from './core/node-capacity.js';
export { computeNodeCapacity } from './core/node-capacity.js';
export type {
  AmiFamily,
  CniMode,
  KarpenterSettings,
  KubeletSettings,
  Launcher,
  NodeConfig,
  NodeConfigOverrides,
  VpcCniSettings,
} from './core/node-config.js';
export { AMI_FAMILIES, CNI_MODES, DEFAULT_VM_MEMORY_OVERHEAD_PERCENT, makeNodeConfig } from './core/node-config.js';
export type { Quantity } from './core/quantity.js';
export { formatCpu, formatMemory, parseBytes, parseMillicores, parseQuantity } from './core/quantity.js';
export type { NodeResources, Reservations } from './core/resources.js';
export { diagnose } from './doctor/diagnose.js';
export type * from './doctor/doctor-result.js';
export { scenarioYaml } from './doctor/export-scenario.js';
export type { QuotaHeadroom } from './doctor/quota-checks.js';
export type { WhatIfChange, WhatIfOptions, WhatIfResult } from './doctor/what-if.js';
export { clusterToSimInput, parseScaleFlag, runWhatIf } from './doctor/what-if.js';
export { BUNDLED_CATALOG_PATH, parseCatalog, readCatalogFile, serializeCatalog } from './input/catalog-file.js';
export { InputError, UsageError } from './input/input-error.js';
export { loadSimInput, parseSimInput } from './input/scenario/load.js';
export type { Ipv4Cidr } from './network/cidr.js';
export {
  AWS_RESERVED_ADDRESSES_PER_SUBNET,
  formatIpv4,
  parseIpv4Cidr,
  parseSubnetCidr,
  prefixBlocks,
  usableAddresses,
} from './network/cidr.js';
export type {
  Eni,
  IpamdConfig,
  IpamdEffect,
  IpamdState,
  IpamdStep,
  PoolStats,
  Subnets,
} from './network/ipamd.js';
export {
  addBranchPod,
  addPod,
  deleteBranchPod,
  deletePod,
  IPAMD_CYCLE_MS,
  isPoolTooLow,
  launchNode,
  NO_ADDRESS_MESSAGE,
  poolStats,
  SANDBOX_FAILURE_MESSAGE,
  subnetAddressesHeld,
  tickIpamd,
} from './network/ipamd.js';
export type { SteadyState, SteadyStateInput } from './network/steady-state.js';
export { computeSteadyState } from './network/steady-state.js';
export type { Ec2Error, Subnet, SubnetSpec } from './network/subnet.js';
export {
  allocateAddresses,
  allocatePrefixes,
  createSubnet,
  fragmentation,
  freeAddresses,
  freePrefixBlocks,
  releaseAddresses,
  releasePrefixes,
} from './network/subnet.js';
export type { ParsedSettings, VpcCniSettings as AwsNodeSettings } from './network/vpc-cni-settings.js';
export { EKS_MANIFEST_DEFAULTS, IPAMD_CODE_DEFAULTS, parseVpcCniEnv } from './network/vpc-cni-settings.js';
export type { ReportData } from './report/report-data.js';
export { buildReportData } from './report/report-data.js';
export type { PoolCatalog, PoolType } from './sim/karpenter/offerings.js';
export { buildPoolCatalog, instanceTypeLabels, podOfferingMasks } from './sim/karpenter/offerings.js';
export type { ExistingNode, NewClaim, Resources, SolvePod, SolvePool, SolveResult } from './sim/karpenter/solve.js';
export { solve } from './sim/karpenter/solve.js';
export type * from './sim/model.js';
export { QuotaUsage, quotaClass } from './sim/quota.js';
export type * from './sim/result.js';
export type { EngineSnapshot, PodSnapshot } from './sim/simulate.js';
export { simulate, simulateWithSnapshot } from './sim/simulate.js';
