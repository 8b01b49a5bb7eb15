/**
 * `--export-scenario`: the scenario of a cluster written as YAML loads back, through the same loader as
 * `podcap simulate`, to the SimInput it was written from.
 */

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ClusterState } from '../cluster/cluster-state.js';
import { parseSimInput } from '../input/scenario/load.js';
import { addonWorkload } from '../sim/addons.js';
import type { SimInput, Workload } from '../sim/model.js';
import { simulate } from '../sim/simulate.js';
import { bundledCatalog, Mi } from '../test-support/fixtures.js';
import { deployment, nodeClass, nodePool, podTemplate, requirement } from '../test-support/sim-input.js';
import {
  clusterNode,
  clusterPod,
  clusterState,
  clusterSubnet,
  requests,
  resourceList,
} from '../test-support/what-if-state.js';
import { memoryQuantity, scenarioYaml } from './export-scenario.js';
import { applyChanges, clusterToSimInput, parseScaleFlag } from './what-if.js';

const catalog = bundledCatalog();

function load(text: string): SimInput {
  return parseSimInput([{ file: 'x.yaml', text }], { catalog });
}

/** The loader records where each workload came from; the cluster's input has no file. */
function withoutSources(input: SimInput): SimInput {
  return { ...input, workloads: input.workloads.map((w) => ({ ...w, source: null }) as Workload) };
}

function expectRoundTrip(input: SimInput, notes: readonly string[] = []): string {
  const text = scenarioYaml(input, notes);
  expect(withoutSources(load(text))).toEqual(input);
  return text;
}

const AWS_NODE = addonWorkload('aws-node');
const KUBE_PROXY = addonWorkload('kube-proxy');

function nodeGroupState(): ClusterState {
  return clusterState({
    nodes: [
      clusterNode('ip-10-0-0-10.us-west-2.compute.internal', {
        nodeGroup: 'general',
        internalIp: '10.0.0.10',
        labels: { team: 'web' },
        taints: [{ key: 'dedicated', value: '', effect: 'PreferNoSchedule' }],
      }),
      clusterNode('ip-10-0-1-10.us-west-2.compute.internal', {
        nodeGroup: 'general',
        internalIp: '10.0.1.10',
        zone: 'us-west-2b',
        labels: { team: 'web' },
        taints: [{ key: 'dedicated', value: '', effect: 'PreferNoSchedule' }],
      }),
      clusterNode('ip-10-0-0-20.us-west-2.compute.internal', {
        nodeGroup: 'pd',
        internalIp: '10.0.0.20',
        instanceType: 'm5.xlarge',
        capacity: resourceList({ cpuMillis: 4000, memoryBytes: 15_896_536 * 1024, pods: 110 }),
      }),
    ],
    subnets: [
      clusterSubnet('subnet-a', '10.0.0.0/24', 180),
      clusterSubnet('subnet-b', '10.0.1.0/24', 200, 'us-west-2b'),
    ],
    vpcCni: { version: 'v1.19.2', env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' } },
    workloads: [AWS_NODE, KUBE_PROXY, deployment('web', 40, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
  });
}

/** Karpenter 1.5.1 with pod ENIs, two NodePools, two EC2NodeClasses, its nodes, and workloads using every field. */
function karpenterState(): ClusterState {
  const tolerations = [
    { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
    { key: '', operator: 'Exists', value: '', effect: null },
  ] as const;
  const batch = deployment(
    'batch',
    12,
    podTemplate({
      cpuMillis: 1500,
      memoryMib: 3072,
      serviceAccountName: 'batch-runner',
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      requiredNodeAffinity: [
        {
          matchExpressions: [
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
            { key: 'example.com/broken', operator: 'DoesNotExist', values: [] },
          ],
          matchFields: [],
        },
        { matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-x'] }] },
      ],
      tolerations,
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: {
            matchLabels: { app: 'batch' },
            matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['canary'] }],
          },
          minDomains: 2,
          nodeAffinityPolicy: 'Ignore',
          nodeTaintsPolicy: 'Honor',
          matchLabelKeys: ['pod-template-hash'],
        },
        {
          maxSkew: 2,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: null,
          minDomains: null,
          nodeAffinityPolicy: 'Honor',
          nodeTaintsPolicy: 'Ignore',
          matchLabelKeys: [],
        },
      ],
    }),
    'jobs',
  );
  const database: Workload = {
    kind: 'StatefulSet',
    id: { kind: 'StatefulSet', namespace: 'data', name: 'postgres' },
    replicas: 3,
    podManagementPolicy: 'Parallel',
    template: podTemplate({ cpuMillis: 2000, memoryMib: 8192, labels: { app: 'postgres', 'sg/db': 'true' } }),
    source: null,
  };
  const legacy: Workload = {
    kind: 'ReplicaSet',
    id: { kind: 'ReplicaSet', namespace: 'default', name: 'legacy' },
    replicas: 2,
    template: podTemplate({ cpuMillis: 0, memoryMib: 0, labels: { app: 'legacy' } }),
    source: null,
  };
  const monitor: Workload = {
    kind: 'DaemonSet',
    id: { kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' },
    template: podTemplate({
      cpuMillis: 102,
      memoryMib: 180,
      hostNetwork: true,
      tolerations: [tolerations[1]],
      labels: { 'app.kubernetes.io/name': 'node-exporter' },
    }),
    source: null,
  };
  return clusterState({
    nodes: [
      clusterNode('k1', {
        nodePool: 'default',
        instanceType: 'm8g.large',
        capacityType: 'spot',
        internalIp: '10.1.0.10',
      }),
      clusterNode('k2', {
        nodePool: 'default',
        instanceType: 'm8g.large',
        capacityType: 'spot',
        internalIp: '10.1.0.11',
      }),
      clusterNode('k3', {
        nodePool: 'gpu',
        instanceType: 'g5.xlarge',
        zone: 'us-west-2b',
        internalIp: '10.1.64.10',
        capacity: resourceList({ cpuMillis: 4000, memoryBytes: 16_181_608 * 1024, pods: 58 }),
      }),
    ],
    pods: [
      clusterPod('default', 'toolbox', {
        requests: { cpuMillis: 250, memoryBytes: 0, extended: new Map(), cpuUnset: true, memoryUnset: true },
        labels: { app: 'toolbox' },
      }),
      clusterPod('default', 'trainer', {
        requests: { ...requests(4000, 12288), extended: new Map([['nvidia.com/gpu', 1]]) },
      }),
    ],
    subnets: [
      {
        ...clusterSubnet('subnet-a', '10.1.0.0/18', 16_000),
        tags: { 'karpenter.sh/discovery': 'prod', tier: 'private' },
      },
      {
        ...clusterSubnet('subnet-b', '10.1.64.0/18', 16_300, 'us-west-2b'),
        tags: { 'karpenter.sh/discovery': 'prod' },
      },
    ],
    vpcCni: { version: 'v1.19.2', env: { ENABLE_POD_ENI: 'true', WARM_ENI_TARGET: '1' } },
    karpenter: {
      version: 'v1.5.1',
      env: { RESERVED_ENIS: '1', BATCH_IDLE_DURATION: '1.5s', FEATURE_GATES: 'SpotToSpotConsolidation=true' },
    },
    nodePools: [
      nodePool('default', {
        requirements: [
          requirement('kubernetes.io/arch', 'In', ['arm64']),
          { ...requirement('karpenter.k8s.aws/instance-family', 'In', ['m8g', 'c8g', 'r8g']), minValues: 2 },
          requirement('karpenter.k8s.aws/instance-cpu', 'Gt', ['1']),
          requirement('karpenter.sh/capacity-type', 'Exists', []),
        ],
        labels: { workload: 'general' },
        limits: new Map([
          ['cpu', 1500],
          ['memory', 4096 * Mi(1)],
        ]),
        weight: 10,
        consolidationPolicy: 'WhenEmpty',
        consolidateAfterMs: 90_000,
        budgets: [
          {
            nodes: { kind: 'count', count: 0 },
            reasons: ['Underutilized'],
            schedule: '0 9 * * mon-fri',
            durationMs: 5_400_000,
          },
          { nodes: { kind: 'percent', percent: 20 }, reasons: null, schedule: null, durationMs: null },
        ],
      }),
      nodePool('gpu', {
        nodeClass: 'gpu',
        requirements: [requirement('karpenter.k8s.aws/instance-category', 'In', ['g'])],
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        limits: new Map([['nvidia.com/gpu', 8]]),
        consolidateAfterMs: null,
      }),
    ],
    nodeClasses: [
      nodeClass([], {
        subnetSelectorTerms: [{ id: null, tags: { 'karpenter.sh/discovery': 'prod' } }],
        kubelet: {
          maxPods: 58,
          podsPerCore: null,
          kubeReserved: { cpuMillis: 100, memoryBytes: 1536 * Mi(1) },
          systemReserved: { cpuMillis: null, memoryBytes: 100 * 1024 + 1 },
          evictionHard: { memoryAvailable: { kind: 'percentage', percent: 5, text: '5%' } },
          evictionSoft: { memoryAvailable: { kind: 'quantity', bytes: 500 * Mi(1), text: '500Mi' } },
        },
      }),
      nodeClass([], { name: 'gpu', amiFamily: 'custom', subnetSelectorTerms: [{ id: 'subnet-b', tags: {} }] }),
    ],
    securityGroupPolicies: [
      {
        namespace: 'data',
        name: 'db',
        podSelector: { matchLabels: { 'sg/db': 'true' }, matchExpressions: [] },
        serviceAccountSelector: null,
      },
      {
        namespace: 'jobs',
        name: 'everything',
        podSelector: null,
        serviceAccountSelector: { matchLabels: {}, matchExpressions: [] },
      },
    ],
    workloads: [AWS_NODE, KUBE_PROXY, monitor, batch, database, legacy],
  });
}

/** Custom networking: nodes in 10.2.x, pods in 100.64.x by zone. */
function customNetworkingState(): ClusterState {
  const node = (name: string, ip: string, zone: string) => clusterNode(name, { nodeGroup: 'ng', internalIp: ip, zone });
  const pod = (name: string, nodeName: string, podIp: string) =>
    clusterPod('default', name, { nodeName, podIp, owner: { kind: 'ReplicaSet', name: 'web-6b7f9' } });
  return clusterState({
    nodes: [node('a', '10.2.0.10', 'us-west-2a'), node('b', '10.2.1.10', 'us-west-2b')],
    pods: [pod('web-6b7f9-1', 'a', '100.64.0.10'), pod('web-6b7f9-2', 'b', '100.64.16.10')],
    subnets: [
      clusterSubnet('subnet-nodes-a', '10.2.0.0/24', 240),
      clusterSubnet('subnet-nodes-b', '10.2.1.0/24', 240, 'us-west-2b'),
      clusterSubnet('subnet-pods-a', '100.64.0.0/20', 4000),
      clusterSubnet('subnet-pods-b', '100.64.16.0/20', 4000, 'us-west-2b'),
    ],
    vpcCni: {
      version: null,
      env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone' },
    },
    workloads: [AWS_NODE, KUBE_PROXY, deployment('web', 2)],
  });
}

/** Self-managed nodes in two zones, Spot and On-Demand, EC2 quotas, and add-ons known only by their pods. */
function staticNodesState(): ClusterState {
  return clusterState({
    nodes: [
      clusterNode('s1', { instanceType: 'c5.2xlarge', capacityType: 'spot' }),
      clusterNode('s2', { instanceType: 'c5.2xlarge', capacityType: 'spot' }),
      clusterNode('s3', { instanceType: 'c5.2xlarge', zone: 'us-west-2c', capacityType: null }),
    ],
    pods: [
      clusterPod('kube-system', 'aws-node-1', { owner: { kind: 'DaemonSet', name: 'aws-node' } }),
      clusterPod('kube-system', 'coredns-5d4c-abcde', { owner: { kind: 'ReplicaSet', name: 'coredns-5d4c' } }),
    ],
    subnets: [
      clusterSubnet('subnet-a', '172.16.0.0/20', 4000),
      clusterSubnet('subnet-c', '172.16.32.0/20', 4000, 'us-west-2c'),
    ],
    quotas: [
      { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', value: 256 },
      { code: 'L-34B43A08', name: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests', value: 64 },
      { code: 'L-DB2E81BA', name: 'Running On-Demand G and VT instances', value: 32 },
    ],
    workloads: [deployment('api', 9, podTemplate({ cpuMillis: 700, memoryMib: 900 }))],
  });
}

describe('scenarioYaml round trip', () => {
  it('a managed node group with its labels, taints and observed maxPods, and a scale in the timeline', () => {
    const cluster = clusterToSimInput(nodeGroupState(), catalog);
    const scale = parseScaleFlag('default/web=3x');
    if (!scale.ok) throw new Error(scale.expected);
    const { input } = applyChanges(cluster.input, [scale.value]);
    expect(input.scenario.nodeGroups.map((g) => [g.name, g.subnets, g.maxPods])).toEqual([
      ['general', ['subnet-a', 'subnet-b'], null],
      ['pd', ['subnet-a'], 110],
    ]);
    const text = expectRoundTrip(input, cluster.notes);
    expect(text).toContain(
      '  timeline:\n    - at: 1m\n      scale:\n        deployment: default/web\n        replicas: 120\n',
    );
  });

  it('Karpenter with NodePools, EC2NodeClasses, its nodes, pod ENIs and workloads using every field podcap reads', () => {
    const { input, notes } = clusterToSimInput(karpenterState(), catalog);
    expect(input.scenario.karpenter).toMatchObject({ reservedEnis: 1, batchIdleDurationMs: 1500 });
    expect(input.scenario.nodes).toEqual([
      { instanceType: 'm8g.large', count: 2, nodePool: 'default', zone: 'us-west-2a', capacityType: 'spot' },
      { instanceType: 'g5.xlarge', count: 1, nodePool: 'gpu', zone: 'us-west-2b', capacityType: 'on-demand' },
    ]);
    expect(input.workloads.map((w) => `${w.kind} ${w.id.name}`)).toEqual([
      'DaemonSet aws-node',
      'DaemonSet kube-proxy',
      'DaemonSet node-exporter',
      'Deployment batch',
      'StatefulSet postgres',
      'ReplicaSet legacy',
      'Pod toolbox',
      'Pod trainer',
    ]);
    const text = expectRoundTrip(input, notes);
    expect(text).toContain('        consolidateAfter: 1m30s\n'.trimStart());
    expect(text).toContain('consolidateAfter: Never');
    expect(text).toContain('featureGates:\n        spotToSpotConsolidation: true\n');
    expect(text).toContain(
      '    budgets:\n      - nodes: "0"\n        reasons:\n          - Underutilized\n        schedule: 0 9 * * mon-fri\n        duration: 1h30m\n      - nodes: 20%\n',
    );
    // A pod that requests no cpu but has overhead keeps its request unset, for scoring.
    expect(text).toContain('\n  overhead:\n    cpu: 250m\n');
  });

  it('custom networking with the ENIConfig subnets read off the pods', () => {
    const { input, notes } = clusterToSimInput(customNetworkingState(), catalog);
    expect(input.scenario.eniConfigs).toEqual(
      new Map([
        ['us-west-2a', 'subnet-pods-a'],
        ['us-west-2b', 'subnet-pods-b'],
      ]),
    );
    const text = expectRoundTrip(input, notes);
    expect(text).toContain('  vpcCni:\n    env:\n      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true"\n');
  });

  it('static nodes, EC2 quotas and the add-ons known only by their pods', () => {
    const { input, notes } = clusterToSimInput(staticNodesState(), catalog, { name: 'prod-east', seed: 7 });
    expect(input.scenario.quotas).toEqual({ onDemand: { standard: 256, g: 32 }, spot: { standard: 64 } });
    expect(input.scenario.addons).toEqual(['aws-node', 'coredns']);
    const text = expectRoundTrip(input, notes);
    expect(text).toContain(
      '    quotas:\n      onDemand:\n        standard: 256\n        g: 32\n      spot:\n        standard: 64\n',
    );
  });

  it('a cluster as it is, timeline-free, runs the same from the file as from memory', () => {
    const { input } = clusterToSimInput(karpenterState(), catalog, { durationMs: 10 * 60_000 });
    expect(input.scenario.timeline).toEqual([]);
    const text = expectRoundTrip(input);
    expect(text).not.toContain('timeline');
    const options = { recordEvents: false };
    expect(JSON.stringify(simulate(load(text), catalog, options))).toBe(
      JSON.stringify(simulate(input, catalog, options)),
    );
  });
});

describe('scenarioYaml', () => {
  it('puts the Scenario first under a header saying where it came from and what it could not carry', () => {
    const state = nodeGroupState();
    const { input, notes } = clusterToSimInput(state, catalog);
    const text = scenarioYaml(input, notes, { origin: ['nodes.json: 3 nodes', 'subnets.json: 2 subnets'] });
    const [head = ''] = text.split('apiVersion:');
    expect(head).toContain(
      '# podcap scenario "cluster-what-if", exported by podcap doctor from a real cluster\'s state.',
    );
    expect(head).toContain('# Read from:\n# - nodes.json: 3 nodes\n# - subnets.json: 2 subnets\n');
    expect(head).toContain('# Notes:\n# - ');
    expect(head.split('\n').every((line) => line === '' || (line.startsWith('#') && line.length <= 100))).toBe(true);
    const kinds = parseAllDocuments(text).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(['Scenario', 'DaemonSet', 'DaemonSet', 'Deployment']);
  });

  it('gives every apps/v1 workload the selector the API requires, and a label to a template without one', () => {
    const { input, notes } = clusterToSimInput(karpenterState(), catalog);
    const bare: Workload = {
      kind: 'Deployment',
      id: { kind: 'Deployment', namespace: 'default', name: 'bare' },
      replicas: 1,
      template: podTemplate({ cpuMillis: 100, memoryMib: 64 }),
      source: null,
    };
    const text = scenarioYaml({ ...input, workloads: [...input.workloads, bare] }, notes);
    expect(text).toContain(
      '  replicas: 1\n  selector:\n    matchLabels:\n      podcap.dev/workload: bare\n  template:\n    metadata:\n      labels:\n        podcap.dev/workload: bare\n',
    );
    expect(text).toContain('  selector:\n    matchLabels:\n      app.kubernetes.io/name: node-exporter\n');
  });

  it('writes clean manifests: only the fields podcap reads, no anchors', () => {
    const { input } = clusterToSimInput(karpenterState(), catalog);
    const text = scenarioYaml(input, []);
    for (const field of ['status:', 'managedFields', 'creationTimestamp', 'source:', '&a', '*a']) {
      expect(text).not.toContain(field);
    }
    const nodeClassText = text.split('---\n').find((d) => d.includes('kind: EC2NodeClass\nmetadata:\n  name: default'));
    expect(nodeClassText).toBe(
      [
        'apiVersion: karpenter.k8s.aws/v1',
        'kind: EC2NodeClass',
        'metadata:',
        '  name: default',
        'spec:',
        '  amiSelectorTerms:',
        '    - alias: al2023@latest',
        '  subnetSelectorTerms:',
        '    - tags:',
        '        karpenter.sh/discovery: prod',
        '  kubelet:',
        '    maxPods: 58',
        '    kubeReserved:',
        '      cpu: 100m',
        '      memory: 1536Mi',
        '    systemReserved:',
        '      memory: "102401"',
        '    evictionHard:',
        '      memory.available: 5%',
        '    evictionSoft:',
        '      memory.available: 500Mi',
        '',
      ].join('\n'),
    );
  });

  it('writes memory in the largest binary unit that holds it whole', () => {
    expect([1024 ** 3, 1536 * 1024 ** 2, 7758848 * 1024, 1000, 0].map(memoryQuantity)).toEqual([
      '1Gi',
      '1536Mi',
      '7577Mi',
      '1000',
      '0',
    ]);
  });
});
