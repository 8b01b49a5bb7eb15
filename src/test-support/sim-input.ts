/**
 * Builders for simulator input in tests: a scenario with sensible defaults and workloads with requests,
 * so that a test states only what it is about.
 */

import { LATEST_KARPENTER_VERSION } from '../core/karpenter-version.js';
import { DEFAULT_KUBELET, DEFAULT_VM_MEMORY_OVERHEAD_PERCENT } from '../core/node-config.js';
import { MEBIBYTE } from '../core/quantity.js';
import type {
  KarpenterScenarioSettings,
  NodeClassSpec,
  NodeGroupSpec,
  NodePoolRequirement,
  NodePoolSpec,
  PodTemplate,
  Scenario,
  ScenarioSubnet,
  SelectorOperator,
  SimInput,
  TimelineEntry,
  Workload,
} from '../sim/model.js';

export function podTemplate(
  partial: Partial<PodTemplate> & { cpuMillis?: number; memoryMib?: number } = {},
): PodTemplate {
  const { cpuMillis = 100, memoryMib = 128, ...rest } = partial;
  return {
    labels: {},
    serviceAccountName: 'default',
    requests: {
      cpuMillis,
      memoryBytes: memoryMib * MEBIBYTE,
      extended: new Map(),
      cpuUnset: false,
      memoryUnset: false,
    },
    hostNetwork: false,
    nodeSelector: {},
    requiredNodeAffinity: null,
    tolerations: [],
    topologySpreadConstraints: [],
    ...rest,
  };
}

export function deployment(
  name: string,
  replicas: number,
  template: PodTemplate = podTemplate(),
  namespace = 'default',
): Workload {
  return {
    kind: 'Deployment',
    id: { kind: 'Deployment', namespace, name },
    replicas,
    template: { ...template, labels: { app: name, ...template.labels } },
    source: null,
  };
}

export function subnet(id: string, cidr: string, zone = 'us-west-2a'): ScenarioSubnet {
  return { id, cidr, zone, tags: {} };
}

export function nodeGroup(
  name: string,
  instanceType: string,
  desired: number,
  subnets: readonly string[],
  partial: Partial<NodeGroupSpec> = {},
): NodeGroupSpec {
  return {
    name,
    instanceType,
    desired,
    amiFamily: 'al2023',
    capacityType: 'on-demand',
    subnets,
    maxPods: null,
    labels: {},
    taints: [],
    ...partial,
  };
}

export function scenario(partial: Partial<Scenario> = {}): Scenario {
  return {
    name: 'test',
    durationMs: 10 * 60_000,
    seed: 1,
    region: 'us-west-2',
    subnets: [subnet('subnet-a', '10.0.0.0/20')],
    quotas: { onDemand: {}, spot: {} },
    launchMs: 60_000,
    spotPriceRatio: 0.35,
    observedMemoryBytes: new Map(),
    vpcCniEnv: {},
    eniConfigs: new Map(),
    karpenter: null,
    nodeGroups: [],
    nodes: [],
    addons: ['aws-node', 'kube-proxy'],
    timeline: [],
    ...partial,
  };
}

export function simInput(
  scenarioPart: Partial<Scenario>,
  workloads: readonly Workload[],
  rest: Partial<SimInput> = {},
): SimInput {
  return {
    scenario: scenario(scenarioPart),
    workloads,
    securityGroupPolicies: [],
    nodePools: [],
    nodeClasses: [],
    ignored: [],
    ...rest,
  };
}

export function at(minutes: number, action: TimelineEntry['action']): TimelineEntry {
  return { atMs: minutes * 60_000, action };
}

export function nodePool(name: string, partial: Partial<NodePoolSpec> = {}): NodePoolSpec {
  return {
    name,
    requirements: [],
    nodeClass: 'default',
    taints: [],
    labels: {},
    limits: new Map(),
    weight: 0,
    consolidationPolicy: 'WhenEmptyOrUnderutilized',
    consolidateAfterMs: 0,
    ...partial,
  };
}

export function nodeClass(subnetIds: readonly string[], partial: Partial<NodeClassSpec> = {}): NodeClassSpec {
  return {
    name: 'default',
    amiFamily: 'al2023',
    kubelet: DEFAULT_KUBELET,
    subnetSelectorTerms: subnetIds.map((id) => ({ id, tags: {} })),
    subnetIds,
    ...partial,
  };
}

export function requirement(key: string, operator: SelectorOperator, values: readonly string[]): NodePoolRequirement {
  return { key, operator, values, minValues: null };
}

export function karpenterSettings(partial: Partial<KarpenterScenarioSettings> = {}): KarpenterScenarioSettings {
  return {
    version: LATEST_KARPENTER_VERSION,
    reservedEnis: 0,
    vmMemoryOverheadPercent: DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
    batchIdleDurationMs: 1_000,
    batchMaxDurationMs: 10_000,
    ...partial,
  };
}
