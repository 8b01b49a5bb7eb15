/**
 * `podcap doctor --export-scenario FILE`: a simulation input written back as the files `podcap simulate`
 * reads (shared scenario.md): the Scenario document first, under a comment saying where it came from
 * and what it could not carry, then NodePools, EC2NodeClasses, workloads and SecurityGroupPolicies as
 * clean manifests with only the fields podcap reads. Loading the text gives back the same SimInput.
 */

import { stringify } from 'yaml';
import { formatDuration } from '../core/duration.js';
import { formatKarpenterVersion } from '../core/karpenter-version.js';
import type { EvictionSignals, KubeletSettings, ResourceReservation } from '../core/node-config.js';
import { formatMemory } from '../core/quantity.js';
import type {
  DisruptionBudget,
  LabelSelector,
  NodeClassSpec,
  NodePoolSpec,
  NodeSelectorTerm,
  PodTemplate,
  ResourceRequests,
  Scenario,
  SecurityGroupPolicy,
  SelectorRequirement,
  SimInput,
  Taint,
  TimelineEntry,
  Toleration,
  TopologySpreadConstraint,
  Workload,
  WorkloadKind,
} from '../sim/model.js';

type Manifest = Record<string, unknown>;

export interface ScenarioYamlOptions {
  /** Where the state came from, one line each (a ClusterState's `read`). */
  readonly origin?: readonly string[];
}

/** Sets a field only when it says something the default does not. */
function put(target: Manifest, key: string, value: unknown, omit: boolean): void {
  if (!omit) target[key] = value;
}

function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(record).length === 0;
}

/** Millicores as a quantity the loader reads back exactly. */
function cpuQuantity(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

const BINARY_UNITS: readonly [string, number][] = [
  ['Gi', 1024 ** 3],
  ['Mi', 1024 ** 2],
  ['Ki', 1024],
];

/** Bytes in the largest binary unit that holds them whole (`1Gi`, `1536Mi`), else plain bytes. */
export function memoryQuantity(bytes: number): string {
  for (const [unit, size] of BINARY_UNITS) if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

// ---------------------------------------------------------------- the Scenario

const TIMELINE_KEYS: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulSet',
  ReplicaSet: 'replicaSet',
  DaemonSet: 'daemonSet',
  Pod: 'pod',
};

function timelineEntry(entry: TimelineEntry): Manifest {
  const at = formatDuration(entry.atMs);
  const { action } = entry;
  switch (action.type) {
    case 'scale-workload': {
      const { kind, namespace, name } = action.target;
      return { at, scale: { [TIMELINE_KEYS[kind]]: `${namespace}/${name}`, replicas: action.replicas } };
    }
    case 'delete-workload': {
      const { kind, namespace, name } = action.target;
      return { at, delete: { [TIMELINE_KEYS[kind]]: `${namespace}/${name}` } };
    }
    case 'scale-node-group':
      return { at, scale: { nodeGroup: action.nodeGroup, desired: action.desired } };
  }
}

function taint(t: Taint): Manifest {
  const out: Manifest = { key: t.key };
  put(out, 'value', t.value, t.value === '');
  out.effect = t.effect;
  return out;
}

function scenarioDocument(scenario: Scenario): Manifest {
  const aws: Manifest = {
    subnets: scenario.subnets.map((s) => {
      const subnet: Manifest = { id: s.id, zone: s.zone, cidr: s.cidr };
      put(subnet, 'tags', s.tags, isEmpty(s.tags));
      return subnet;
    }),
  };
  const quotas: Manifest = {};
  put(quotas, 'onDemand', scenario.quotas.onDemand, isEmpty(scenario.quotas.onDemand));
  put(quotas, 'spot', scenario.quotas.spot, isEmpty(scenario.quotas.spot));
  put(aws, 'quotas', quotas, isEmpty(quotas));
  aws.launchSeconds = scenario.launchMs / 1000;
  aws.spotPriceRatio = scenario.spotPriceRatio;
  const observed = Object.fromEntries(
    [...scenario.observedMemoryBytes].map(([type, bytes]) => [type, formatMemory(bytes)]),
  );
  put(aws, 'observedMemory', observed, isEmpty(observed));

  const spec: Manifest = {
    duration: formatDuration(scenario.durationMs),
    seed: scenario.seed,
    region: scenario.region,
    aws,
  };
  const vpcCni: Manifest = {};
  put(vpcCni, 'env', scenario.vpcCniEnv, isEmpty(scenario.vpcCniEnv));
  put(vpcCni, 'eniConfigs', Object.fromEntries(scenario.eniConfigs), scenario.eniConfigs.size === 0);
  put(spec, 'vpcCni', vpcCni, isEmpty(vpcCni));
  const k = scenario.karpenter;
  if (k !== null) {
    spec.karpenter = {
      version: formatKarpenterVersion(k.version),
      settings: {
        reservedENIs: k.reservedEnis,
        vmMemoryOverheadPercent: k.vmMemoryOverheadPercent,
        batchIdleDuration: formatDuration(k.batchIdleDurationMs),
        batchMaxDuration: formatDuration(k.batchMaxDurationMs),
        ...(k.spotToSpotConsolidation === true ? { featureGates: { spotToSpotConsolidation: true } } : {}),
      },
    };
  }
  put(
    spec,
    'nodeGroups',
    scenario.nodeGroups.map((g) => {
      const group: Manifest = {
        name: g.name,
        instanceType: g.instanceType,
        desired: g.desired,
        amiFamily: g.amiFamily,
        capacityType: g.capacityType,
        subnets: g.subnets,
      };
      put(group, 'maxPods', g.maxPods, g.maxPods === null);
      put(group, 'labels', g.labels, isEmpty(g.labels));
      put(group, 'taints', g.taints.map(taint), g.taints.length === 0);
      return group;
    }),
    scenario.nodeGroups.length === 0,
  );
  put(
    spec,
    'nodes',
    scenario.nodes.map((n) => {
      const nodes: Manifest = { instanceType: n.instanceType, count: n.count };
      put(nodes, 'nodePool', n.nodePool, n.nodePool === null);
      put(nodes, 'zone', n.zone, n.zone === null);
      nodes.capacityType = n.capacityType;
      return nodes;
    }),
    scenario.nodes.length === 0,
  );
  put(spec, 'addons', scenario.addons, scenario.addons.length === 0);
  put(spec, 'timeline', scenario.timeline.map(timelineEntry), scenario.timeline.length === 0);
  return { apiVersion: 'podcap.dev/v1alpha1', kind: 'Scenario', metadata: { name: scenario.name }, spec };
}

// ---------------------------------------------------------------- Karpenter

function requirementValues(r: SelectorRequirement, out: Manifest): Manifest {
  put(out, 'values', r.values, r.values.length === 0);
  return out;
}

function nodePoolDocument(pool: NodePoolSpec): Manifest {
  const templateSpec: Manifest = {
    requirements: pool.requirements.map((r) => {
      const out = requirementValues(r, { key: r.key, operator: r.operator });
      put(out, 'minValues', r.minValues, r.minValues === null);
      return out;
    }),
    nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: pool.nodeClass },
  };
  put(templateSpec, 'taints', pool.taints.map(taint), pool.taints.length === 0);
  const template: Manifest = {};
  put(template, 'metadata', { labels: pool.labels }, isEmpty(pool.labels));
  template.spec = templateSpec;
  const limits = Object.fromEntries(
    [...pool.limits].map(([name, value]) => [
      name,
      name === 'cpu' ? cpuQuantity(value) : name === 'memory' ? memoryQuantity(value) : String(value),
    ]),
  );
  const spec: Manifest = { template };
  put(spec, 'limits', limits, isEmpty(limits));
  // A NodePool without a weight counts as 0, and the CRD admits 1 to 100 only.
  put(spec, 'weight', pool.weight, pool.weight === 0);
  spec.disruption = {
    consolidationPolicy: pool.consolidationPolicy,
    // The CRD takes whole s, m and h terms only.
    consolidateAfter:
      pool.consolidateAfterMs === null ? 'Never' : formatDuration(Math.ceil(pool.consolidateAfterMs / 1000) * 1000),
    // Absent budgets stay absent: the CRD's default (nodes: 10%).
    ...(pool.budgets === undefined ? {} : { budgets: pool.budgets.map(budgetManifest) }),
  };
  return { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: pool.name }, spec };
}

/** A budget as the CRD takes it: nodes as a string, a duration in whole hours and minutes. */
function budgetManifest(budget: DisruptionBudget): Manifest {
  const manifest: Manifest = {
    nodes: budget.nodes.kind === 'count' ? String(budget.nodes.count) : `${budget.nodes.percent}%`,
  };
  if (budget.reasons !== null) manifest.reasons = [...budget.reasons];
  if (budget.schedule !== null && budget.durationMs !== null) {
    const minutes = Math.ceil(budget.durationMs / 60_000);
    const hours = Math.floor(minutes / 60);
    manifest.schedule = budget.schedule;
    manifest.duration = hours === 0 ? `${minutes}m` : minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  }
  return manifest;
}

function reservation(r: ResourceReservation): Manifest | null {
  if (r.cpuMillis === null && r.memoryBytes === null) return null;
  const out: Manifest = {};
  if (r.cpuMillis !== null) out.cpu = cpuQuantity(r.cpuMillis);
  if (r.memoryBytes !== null) out.memory = memoryQuantity(r.memoryBytes);
  return out;
}

function eviction(signals: EvictionSignals): Manifest | null {
  return signals.memoryAvailable === null ? null : { 'memory.available': signals.memoryAvailable.text };
}

function kubelet(settings: KubeletSettings): Manifest {
  const out: Manifest = {};
  put(out, 'maxPods', settings.maxPods, settings.maxPods === null);
  put(out, 'podsPerCore', settings.podsPerCore, settings.podsPerCore === null);
  const fields = {
    kubeReserved: reservation(settings.kubeReserved),
    systemReserved: reservation(settings.systemReserved),
    evictionHard: eviction(settings.evictionHard),
    evictionSoft: eviction(settings.evictionSoft),
  };
  for (const [key, value] of Object.entries(fields)) put(out, key, value, value === null);
  return out;
}

function nodeClassDocument(nodeClass: NodeClassSpec): Manifest {
  const spec: Manifest =
    nodeClass.amiFamily === 'custom'
      ? // The AMI of a custom family is not part of the input: a placeholder term podcap does not read.
        { amiFamily: 'Custom', amiSelectorTerms: [{ name: 'custom-ami' }] }
      : { amiSelectorTerms: [{ alias: `${nodeClass.amiFamily}@latest` }] };
  spec.subnetSelectorTerms = nodeClass.subnetSelectorTerms.map((term) =>
    term.id !== null ? { id: term.id } : { tags: term.tags },
  );
  const settings = kubelet(nodeClass.kubelet);
  put(spec, 'kubelet', settings, isEmpty(settings));
  return { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: nodeClass.name }, spec };
}

// ---------------------------------------------------------------- workloads

function labelSelector(selector: LabelSelector): Manifest {
  const out: Manifest = {};
  put(out, 'matchLabels', selector.matchLabels, isEmpty(selector.matchLabels));
  put(
    out,
    'matchExpressions',
    selector.matchExpressions.map((r) => requirementValues(r, { key: r.key, operator: r.operator })),
    selector.matchExpressions.length === 0,
  );
  return out;
}

function nodeSelectorTerm(term: NodeSelectorTerm): Manifest {
  const out: Manifest = {};
  const requirements = (list: readonly SelectorRequirement[]) =>
    list.map((r) => requirementValues(r, { key: r.key, operator: r.operator }));
  put(out, 'matchExpressions', requirements(term.matchExpressions), term.matchExpressions.length === 0);
  put(out, 'matchFields', requirements(term.matchFields), term.matchFields.length === 0);
  return out;
}

function toleration(t: Toleration): Manifest {
  const out: Manifest = {};
  put(out, 'key', t.key, t.key === '');
  out.operator = t.operator;
  put(out, 'value', t.value, t.value === '');
  put(out, 'effect', t.effect, t.effect === null);
  return out;
}

function spreadConstraint(c: TopologySpreadConstraint): Manifest {
  const out: Manifest = { maxSkew: c.maxSkew, topologyKey: c.topologyKey, whenUnsatisfiable: c.whenUnsatisfiable };
  if (c.labelSelector !== null) out.labelSelector = labelSelector(c.labelSelector);
  put(out, 'minDomains', c.minDomains, c.minDomains === null);
  // The API's defaults (k8s.io/api/core/v1 TopologySpreadConstraint): Honor and Ignore.
  put(out, 'nodeAffinityPolicy', c.nodeAffinityPolicy, c.nodeAffinityPolicy === 'Honor');
  put(out, 'nodeTaintsPolicy', c.nodeTaintsPolicy, c.nodeTaintsPolicy === 'Ignore');
  put(out, 'matchLabelKeys', c.matchLabelKeys, c.matchLabelKeys.length === 0);
  return out;
}

/**
 * One container with the pod's requests; what the pod requests without a container asking for it
 * (overhead on a pod that sets no cpu or memory request) goes to `overhead`, so that the request
 * stays unset for scoring as it was.
 */
function podSpec(template: PodTemplate): Manifest {
  const r: ResourceRequests = template.requests;
  const requests: Manifest = {};
  const overhead: Manifest = {};
  if (!r.cpuUnset) requests.cpu = cpuQuantity(r.cpuMillis);
  else if (r.cpuMillis > 0) overhead.cpu = cpuQuantity(r.cpuMillis);
  if (!r.memoryUnset) requests.memory = memoryQuantity(r.memoryBytes);
  else if (r.memoryBytes > 0) overhead.memory = memoryQuantity(r.memoryBytes);
  for (const [name, value] of r.extended) requests[name] = String(value);
  const container: Manifest = { name: 'main' };
  put(container, 'resources', { requests }, isEmpty(requests));
  const spec: Manifest = { containers: [container] };
  put(spec, 'overhead', overhead, isEmpty(overhead));
  put(spec, 'serviceAccountName', template.serviceAccountName, template.serviceAccountName === 'default');
  put(spec, 'hostNetwork', true, !template.hostNetwork);
  put(spec, 'nodeSelector', template.nodeSelector, isEmpty(template.nodeSelector));
  const affinity = template.requiredNodeAffinity;
  if (affinity !== null && affinity.length > 0) {
    spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: affinity.map(nodeSelectorTerm) },
      },
    };
  }
  put(spec, 'tolerations', template.tolerations.map(toleration), template.tolerations.length === 0);
  put(
    spec,
    'topologySpreadConstraints',
    template.topologySpreadConstraints.map(spreadConstraint),
    template.topologySpreadConstraints.length === 0,
  );
  return spec;
}

function podTemplate(template: PodTemplate): Manifest {
  const out: Manifest = {};
  put(out, 'metadata', { labels: template.labels }, isEmpty(template.labels));
  out.spec = podSpec(template);
  return out;
}

/** Labels an apps/v1 template gets when it has none, so its required selector has something to match. */
const WORKLOAD_LABEL = 'podcap.dev/workload';

/**
 * An apps/v1 workload's template with a selector of all its labels: apps/v1 requires a non-empty
 * spec.selector that matches the template (the API server rejects it otherwise), and the workload's own
 * selector is not kept in the cluster state.
 */
function selectedTemplate(workload: Workload): { selector: Manifest; template: Manifest } {
  const labels = isEmpty(workload.template.labels) ? { [WORKLOAD_LABEL]: workload.id.name } : workload.template.labels;
  return {
    selector: { matchLabels: labels },
    template: podTemplate({ ...workload.template, labels }),
  };
}

function workloadDocument(workload: Workload): Manifest {
  const metadata = { name: workload.id.name, namespace: workload.id.namespace };
  switch (workload.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return {
        apiVersion: 'apps/v1',
        kind: workload.kind,
        metadata,
        spec: { replicas: workload.replicas, ...selectedTemplate(workload) },
      };
    case 'StatefulSet': {
      const spec: Manifest = { replicas: workload.replicas };
      put(spec, 'podManagementPolicy', workload.podManagementPolicy, workload.podManagementPolicy === 'OrderedReady');
      Object.assign(spec, selectedTemplate(workload));
      return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata, spec };
    }
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: selectedTemplate(workload) };
    case 'Pod': {
      const labels = workload.template.labels;
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: isEmpty(labels) ? metadata : { ...metadata, labels },
        spec: podSpec(workload.template),
      };
    }
  }
}

function securityGroupPolicyDocument(policy: SecurityGroupPolicy): Manifest {
  const spec: Manifest = {};
  if (policy.podSelector !== null) spec.podSelector = labelSelector(policy.podSelector);
  if (policy.serviceAccountSelector !== null)
    spec.serviceAccountSelector = labelSelector(policy.serviceAccountSelector);
  return {
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    kind: 'SecurityGroupPolicy',
    metadata: { name: policy.name, namespace: policy.namespace },
    spec,
  };
}

// ---------------------------------------------------------------- the file

const COMMENT_WIDTH = 100;

/** `# ` lines of at most COMMENT_WIDTH columns; `indent` continues a wrapped line. */
function commentLines(text: string, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const prefix = lines.length === 0 ? '' : indent;
    if (line !== '' && `# ${prefix}${line} ${word}`.length > COMMENT_WIDTH) {
      lines.push(`# ${prefix}${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`# ${lines.length === 0 ? '' : indent}${line}`);
  return lines;
}

function header(input: SimInput, notes: readonly string[], origin: readonly string[]): string {
  const lines = [
    ...commentLines(
      `podcap scenario "${input.scenario.name}", exported by podcap doctor from a real cluster's state. Time 0 is ` +
        'the cluster as read: its nodes exist and are Ready, and its workloads are applied. Edit it and rerun ' +
        'with: podcap simulate FILE',
    ),
  ];
  if (origin.length > 0) {
    lines.push('#', '# Read from:');
    for (const line of origin) lines.push(...commentLines(`- ${line}`, '  '));
  }
  if (notes.length > 0) {
    lines.push('#', '# Notes:');
    for (const note of notes) lines.push(...commentLines(`- ${note}`, '  '));
  }
  return `${lines.join('\n')}\n`;
}

function yamlText(document: Manifest): string {
  // No anchors for shared objects, no folding of long strings: a manifest as a person writes it.
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/**
 * A simulation input as multi-document YAML that `podcap simulate` loads back to the same SimInput
 * (source references aside): the Scenario (under a comment header with `origin` and `notes`), then
 * NodePools, EC2NodeClasses, workloads and SecurityGroupPolicies. Add-ons stay in spec.addons.
 */
export function scenarioYaml(input: SimInput, notes: readonly string[], options: ScenarioYamlOptions = {}): string {
  const documents: Manifest[] = [
    scenarioDocument(input.scenario),
    ...input.nodePools.map(nodePoolDocument),
    ...input.nodeClasses.map(nodeClassDocument),
    ...input.workloads.map(workloadDocument),
    ...input.securityGroupPolicies.map(securityGroupPolicyDocument),
  ];
  return header(input, notes, options.origin ?? []) + documents.map(yamlText).join('---\n');
}
