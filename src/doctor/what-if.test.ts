/**
 * podcap doctor's what-if: the flags, a cluster's state as the simulator's input at time 0, the
 * changes applied to it, and a run that names what breaks first.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/cluster-state.js';
import { UsageError } from '../input/input-error.js';
import { addonWorkload } from '../sim/addons.js';
import type { Workload } from '../sim/model.js';
import { bundledCatalog, Mi } from '../test-support/fixtures.js';
import { deployment, nodeClass, nodePool, podTemplate } from '../test-support/sim-input.js';
import {
  clusterNode,
  clusterPod,
  clusterState,
  clusterSubnet,
  requests,
  resourceList,
} from '../test-support/what-if-state.js';
import {
  applyChanges,
  clusterToSimInput,
  flagUsageError,
  parseAddPodsFlag,
  parseRequestsFlag,
  parseScaleFlag,
  runWhatIf,
  type ScaleChange,
  type WhatIfChange,
} from './what-if.js';

const catalog = bundledCatalog();

function scale(text: string): ScaleChange {
  const parsed = parseScaleFlag(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  return parsed.value;
}

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
}

const AWS_NODE = addonWorkload('aws-node');
const KUBE_PROXY = addonWorkload('kube-proxy');

/** Two m5.large of managed node group `general` in one /24, aws-node and kube-proxy, and `web` with 40 small pods. */
function nodeGroupCluster(webReplicas = 40, extra: Partial<ClusterState> = {}): ClusterState {
  return clusterState({
    nodes: [
      clusterNode('ip-10-0-0-10.us-west-2.compute.internal', { nodeGroup: 'general', internalIp: '10.0.0.10' }),
      clusterNode('ip-10-0-0-11.us-west-2.compute.internal', { nodeGroup: 'general', internalIp: '10.0.0.11' }),
    ],
    subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 170)],
    workloads: [AWS_NODE, KUBE_PROXY, deployment('web', webReplicas, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
    ...extra,
  });
}

describe('parseScaleFlag', () => {
  it.each([
    [
      'default/web=3x',
      { kind: null, namespace: 'default', name: 'web', amount: { type: 'factor', numerator: 3, denominator: 1 } },
    ],
    ['default/web=12', { kind: null, namespace: 'default', name: 'web', amount: { type: 'replicas', replicas: 12 } }],
    [
      'web=1.5x',
      { kind: null, namespace: 'default', name: 'web', amount: { type: 'factor', numerator: 15, denominator: 10 } },
    ],
    ['shop/cart-v2=0', { kind: null, namespace: 'shop', name: 'cart-v2', amount: { type: 'replicas', replicas: 0 } }],
    ['Deployment/default/web=3x', { kind: 'Deployment', namespace: 'default', name: 'web' }],
    ['sts/data/postgres=2X', { kind: 'StatefulSet', namespace: 'data', name: 'postgres' }],
    ['replicaset/default/legacy=4', { kind: 'ReplicaSet', namespace: 'default', name: 'legacy' }],
  ])('reads %s', (text, expected) => {
    const parsed = parseScaleFlag(text);
    expect(parsed).toMatchObject({ ok: true, value: { type: 'scale', text, ...expected } });
  });

  it.each([
    'default/web',
    'default/web=',
    'default/web=3y',
    'default/web=0x',
    'default/web=-2',
    'default/web=99999999999',
    'a/b/c/d=2',
    'Default/Web=2x',
    'default/=2x',
    '=2x',
  ])('refuses %s, worded like other usage errors', (text) => {
    const parsed = parseScaleFlag(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const message = flagUsageError('--scale', text, parsed).message;
    expect(message).toMatch(/^--scale: expected NAMESPACE\/NAME=3x or =N/);
    expect(message.endsWith(`got ${JSON.stringify(text)}`)).toBe(true);
  });

  it('names the kinds when the kind in front is not one', () => {
    const parsed = parseScaleFlag('DaemonSet/kube-system/aws-node=2x');
    expect(parsed).toEqual({
      ok: false,
      expected: 'KIND/NAMESPACE/NAME=… with KIND Deployment, StatefulSet or ReplicaSet',
    });
  });
});

describe('parseRequestsFlag', () => {
  it('reads cpu and memory as kube-scheduler counts them', () => {
    expect(parseRequestsFlag('cpu=500m,memory=1Gi')).toEqual({
      ok: true,
      value: { cpuMillis: 500, memoryBytes: 1024 * Mi(1), extended: new Map(), cpuUnset: false, memoryUnset: false },
    });
  });

  it('leaves a resource not given unset, and reads extended resources in whole units', () => {
    expect(parseRequestsFlag('memory=1.5Gi, nvidia.com/gpu=1')).toEqual({
      ok: true,
      value: {
        cpuMillis: 0,
        memoryBytes: 1536 * Mi(1),
        extended: new Map([['nvidia.com/gpu', 1]]),
        cpuUnset: true,
        memoryUnset: false,
      },
    });
    expect(parseRequestsFlag('cpu=0.25')).toMatchObject({ ok: true, value: { cpuMillis: 250, memoryUnset: true } });
  });

  it.each([
    ['', 'cpu=QUANTITY,memory=QUANTITY such as cpu=500m,memory=1Gi'],
    ['cpu', 'cpu=QUANTITY,memory=QUANTITY such as cpu=500m,memory=1Gi'],
    ['cpu=1,cpu=2', 'cpu=QUANTITY,memory=QUANTITY such as cpu=500m,memory=1Gi, each resource once (cpu twice)'],
    ['cpu=lots', 'a Kubernetes quantity such as 512Mi, 1.5Gi, 250m or 2 for cpu'],
    ['memory=-1Gi', 'a Kubernetes quantity such as 512Mi, 1.5Gi, 250m or 2 for memory'],
    ['nvidia.com/gpu=0.5', 'a whole number for the extended resource nvidia.com/gpu'],
    [
      'disk=10Gi',
      'cpu=QUANTITY,memory=QUANTITY such as cpu=500m,memory=1Gi (or an extended resource such as nvidia.com/gpu=1)',
    ],
  ])('refuses %j', (text, expected) => {
    const parsed = parseRequestsFlag(text);
    expect(parsed).toEqual({ ok: false, expected });
    expect(flagUsageError('--requests', text, { expected }).message).toBe(
      `--requests: expected ${expected}, got ${JSON.stringify(text)}`,
    );
  });
});

describe('parseAddPodsFlag', () => {
  it('reads a count of 1 or more', () => {
    expect(parseAddPodsFlag('50')).toEqual({ ok: true, value: 50 });
    for (const text of ['0', '-3', 'ten', '2.5', '10000000']) {
      expect(parseAddPodsFlag(text)).toEqual({ ok: false, expected: 'a whole number of pods from 1 to 1000000' });
    }
  });
});

describe('clusterToSimInput: nodes', () => {
  it('turns a managed node group into a fixed node group of its current size, in the subnets its nodes are in', () => {
    const { input } = clusterToSimInput(nodeGroupCluster(), catalog);
    expect(input.scenario.nodeGroups).toEqual([
      {
        name: 'general',
        instanceType: 'm5.large',
        desired: 2,
        amiFamily: 'al2023',
        capacityType: 'on-demand',
        subnets: ['subnet-a'],
        maxPods: null,
        labels: {},
        taints: [],
      },
    ]);
    expect(input.scenario.nodes).toEqual([]);
    expect(input.scenario.region).toBe('us-west-2');
    expect(input.scenario.durationMs).toBe(3_600_000);
  });

  it("keeps a node group's own labels and taints, not those EKS and the kubelet set", () => {
    const taint = { key: 'dedicated', value: 'batch', effect: 'NoSchedule' } as const;
    const state = clusterState({
      nodes: ['a', 'b'].map((n) =>
        clusterNode(`node-${n}`, {
          nodeGroup: 'batch',
          capacityType: 'spot',
          amiFamily: 'bottlerocket',
          labels: { role: 'batch', 'eks.amazonaws.com/nodegroup': 'batch', [`only-${n}`]: 'x' },
          taints: [taint, { key: 'node.kubernetes.io/not-ready', value: '', effect: 'NoExecute' }],
        }),
      ),
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
    });
    const [group] = clusterToSimInput(state, catalog).input.scenario.nodeGroups;
    expect(group).toMatchObject({
      capacityType: 'spot',
      amiFamily: 'bottlerocket',
      labels: { role: 'batch' },
      taints: [taint],
      // No node address in a subnet: the subnets of the nodes' zone.
      subnets: ['subnet-a'],
    });
  });

  it('groups nodes outside node groups by instance type, NodePool, zone and capacity type', () => {
    const karpenterNode = (
      name: string,
      zone: string,
      type = 'm5.xlarge',
      capacityType: 'spot' | 'on-demand' = 'spot',
    ) => clusterNode(name, { nodePool: 'default', zone, instanceType: type, capacityType });
    const state = clusterState({
      nodes: [
        karpenterNode('k1', 'us-west-2a'),
        karpenterNode('k2', 'us-west-2a'),
        karpenterNode('k3', 'us-west-2b'),
        karpenterNode('k4', 'us-west-2a', 'c6g.large', 'on-demand'),
        clusterNode('self-managed-1', { nodeGroup: null, zone: 'us-west-2b' }),
      ],
      subnets: [
        clusterSubnet('subnet-a', '10.0.0.0/20', 4000),
        clusterSubnet('subnet-b', '10.0.16.0/20', 4000, 'us-west-2b'),
      ],
      karpenter: { version: '1.5.1', env: {} },
      nodePools: [nodePool('default')],
      nodeClasses: [nodeClass(['subnet-a', 'subnet-b'])],
    });
    const { input } = clusterToSimInput(state, catalog);
    expect(input.scenario.nodes).toEqual([
      { instanceType: 'm5.large', count: 1, nodePool: null, zone: 'us-west-2b', capacityType: 'on-demand' },
      { instanceType: 'c6g.large', count: 1, nodePool: 'default', zone: 'us-west-2a', capacityType: 'on-demand' },
      { instanceType: 'm5.xlarge', count: 2, nodePool: 'default', zone: 'us-west-2a', capacityType: 'spot' },
      { instanceType: 'm5.xlarge', count: 1, nodePool: 'default', zone: 'us-west-2b', capacityType: 'spot' },
    ]);
    expect(input.scenario.nodeGroups).toEqual([]);
  });

  it('runs a node group of several instance types as static nodes, and says so', () => {
    const state = clusterState({
      nodes: [
        clusterNode('a', { nodeGroup: 'mixed', instanceType: 'm5.large' }),
        clusterNode('b', { nodeGroup: 'mixed', instanceType: 'm5a.large' }),
      ],
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.nodeGroups).toEqual([]);
    expect(input.scenario.nodes.map((n) => [n.instanceType, n.count, n.nodePool])).toEqual([
      ['m5.large', 1, null],
      ['m5a.large', 1, null],
    ]);
    expect(notes).toContain(
      'Node group mixed runs m5.large, m5a.large: a scenario node group has one instance type, so its 2 nodes run as ' +
        'static nodes of spec.nodes (not scaled, no node group labels).',
    );
  });

  it('leaves out nodes that are not Ready, cordoned, without a type or of a type the catalog lacks', () => {
    const state = clusterState({
      nodes: [
        clusterNode('ok', { nodeGroup: 'ng' }),
        clusterNode('down', { nodeGroup: 'ng', ready: false }),
        clusterNode('cordoned', { nodeGroup: 'ng', unschedulable: true }),
        clusterNode('no-type', { instanceType: null }),
        clusterNode('odd', { instanceType: 'z9.mega' }),
      ],
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.nodeGroups.map((g) => [g.name, g.desired])).toEqual([['ng', 1]]);
    expect(input.scenario.nodes).toEqual([]);
    expect(notes).toEqual(
      expect.arrayContaining([
        'Left out 1 node without an instance-type label: no-type.',
        'Left out 1 node of a type not in the catalog (z9.mega): odd.',
        'Left out 1 node not Ready: down.',
        'Left out 1 node cordoned: cordoned.',
      ]),
    );
  });

  it("keeps a node's NodePool only when the NodePool is in the scenario", () => {
    const state = clusterState({
      nodes: [clusterNode('k1', { nodePool: 'gone' })],
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.nodes).toEqual([
      { instanceType: 'm5.large', count: 1, nodePool: null, zone: 'us-west-2a', capacityType: 'on-demand' },
    ]);
    expect(notes).toContain('1 node of NodePool gone, which is not in the scenario, run as nodes outside Karpenter.');
  });

  it("takes each type's memory capacity from its nodes, the most common where they differ", () => {
    const memory = (ki: number) => resourceList({ memoryBytes: ki * 1024 });
    const state = clusterState({
      nodes: [
        clusterNode('a', { nodeGroup: 'ng', capacity: memory(7758848) }),
        clusterNode('b', { nodeGroup: 'ng', capacity: memory(7758848) }),
        clusterNode('c', { nodeGroup: 'ng', capacity: memory(7759000) }),
        clusterNode('d', { instanceType: 'm8g.large', capacity: memory(7948164) }),
      ],
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.observedMemoryBytes).toEqual(
      new Map([
        ['m5.large', 7758848 * 1024],
        ['m8g.large', 7948164 * 1024],
      ]),
    );
    expect(notes).toContain(
      'm5.large nodes report 2 memory capacities (AMI releases differ): podcap uses the most common, 7758848Ki.',
    );
  });

  it("sets a node group's maxPods where its nodes admit other than its AMI would", () => {
    // m5.large on AL2023 from a node group: maxPods 29 (3 ENIs × (10 − 1) + 2); these nodes say 110.
    const state = clusterState({
      nodes: [clusterNode('a', { nodeGroup: 'pd', capacity: resourceList({ pods: 110 }) })],
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
      workloads: [AWS_NODE, KUBE_PROXY],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.nodeGroups[0]?.maxPods).toBe(110);
    expect(notes).toContain(
      'Node group pd: its nodes admit 110 pods where its AMI would set 29; the scenario sets maxPods: 110.',
    );
    // 29 pods, as the AMI sets it: no override.
    expect(clusterToSimInput(nodeGroupCluster(), catalog).input.scenario.nodeGroups[0]?.maxPods).toBeNull();
  });
});

describe('clusterToSimInput: workloads', () => {
  const web = deployment('web', 3);
  const owned = (name: string, kind: string, owner: string, namespace = 'default') =>
    clusterPod(namespace, name, { owner: { kind, name: owner } });

  it('keeps Deployments, StatefulSets and DaemonSets with their replicas, and adds bare pods as Pods', () => {
    const state = clusterState({
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
      workloads: [AWS_NODE, web],
      pods: [
        owned('web-5d8f7-abcde', 'ReplicaSet', 'web-5d8f7'),
        owned('aws-node-x1', 'DaemonSet', 'aws-node', 'kube-system'),
        clusterPod('default', 'debug', {
          labels: { run: 'debug' },
          serviceAccountName: 'ops',
          hostNetwork: true,
          requests: requests(250, 64),
        }),
        clusterPod('default', 'finished', { phase: 'Succeeded' }),
      ],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.workloads.map((w) => `${w.kind} ${w.id.namespace}/${w.id.name}`)).toEqual([
      'DaemonSet kube-system/aws-node',
      'Deployment default/web',
      'Pod default/debug',
    ]);
    expect(input.workloads[1]).toMatchObject({ kind: 'Deployment', replicas: 3, source: null });
    expect(input.workloads[2]).toEqual({
      kind: 'Pod',
      id: { kind: 'Pod', namespace: 'default', name: 'debug' },
      template: {
        labels: { run: 'debug' },
        serviceAccountName: 'ops',
        requests: requests(250, 64),
        hostNetwork: true,
        nodeSelector: {},
        requiredNodeAffinity: null,
        tolerations: [],
        topologySpreadConstraints: [],
      },
      source: null,
    });
    expect(input.scenario.addons).toEqual([]);
    expect(notes).toContain(
      "1 pod without a workload of the input run as bare Pods; the cluster state holds no pod's nodeSelector, " +
        'affinity or tolerations, so they schedule as if they had none.',
    );
  });

  it('runs pods of Jobs and other controllers it cannot read as bare Pods, and skips DaemonSet pods it has no template for', () => {
    const state = clusterState({
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
      pods: [
        owned('report-28fz1', 'Job', 'report'),
        owned('orphan-abc12', 'ReplicaSet', 'orphan-abc'),
        owned('fluent-bit-1', 'DaemonSet', 'fluent-bit', 'logging'),
        owned('fluent-bit-2', 'DaemonSet', 'fluent-bit', 'logging'),
      ],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.workloads.map((w) => `${w.kind} ${w.id.name}`)).toEqual(['Pod report-28fz1', 'Pod orphan-abc12']);
    expect(notes).toContain(
      "2 pods without a workload of the input run as bare Pods, Job default/report (1), ReplicaSet default/orphan-abc (1) among them; the cluster state holds no pod's nodeSelector, affinity or tolerations, so they schedule as if they had none.",
    );
    expect(notes).toContain(
      'Left out pods of controllers whose template is not in the input: DaemonSet logging/fluent-bit (2 pods).',
    );
  });

  it('names an EKS add-on in spec.addons when its pods run but its workload is not in the input', () => {
    const state = clusterState({
      subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)],
      pods: [
        owned('aws-node-1', 'DaemonSet', 'aws-node', 'kube-system'),
        owned('kube-proxy-1', 'DaemonSet', 'kube-proxy', 'kube-system'),
        owned('coredns-7c8b5-aaaaa', 'ReplicaSet', 'coredns-7c8b5', 'kube-system'),
      ],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.addons).toEqual(['aws-node', 'kube-proxy', 'coredns']);
    expect(input.workloads).toEqual([]);
    expect(notes).toContain(
      "The input has pods but no workload of aws-node, kube-proxy, coredns: the scenario names them in spec.addons (EKS's default requests; coredns with 2 replicas).",
    );
  });

  it('says when no aws-node runs among the workloads', () => {
    const { notes } = clusterToSimInput(
      clusterState({ subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', 200)] }),
      catalog,
    );
    expect(notes).toContain('No aws-node DaemonSet among the workloads: its pod on every node is not counted.');
  });
});

describe('clusterToSimInput: AWS, the VPC CNI and Karpenter', () => {
  it('keeps the subnets of the nodes’ VPC and notes the addresses it cannot reserve', () => {
    const state = clusterState({
      nodes: [clusterNode('a', { nodeGroup: 'ng', internalIp: '10.0.0.10' })],
      pods: [clusterPod('default', 'p', { podIp: '10.0.0.20', owner: { kind: 'Job', name: 'j' } })],
      subnets: [
        clusterSubnet('subnet-a', '10.0.0.0/24', 200),
        { ...clusterSubnet('subnet-other', '10.0.0.0/24', 10), vpcId: 'vpc-2' },
        clusterSubnet('subnet-tiny', '10.0.1.0/29', 3),
      ],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.subnets.map((s) => s.id)).toEqual(['subnet-a']);
    expect(notes).toContain("Left out 1 subnet outside the VPC of the cluster's nodes (vpc-1): subnet-other.");
    expect(notes).toContain(
      'Left out 1 subnet the scenario cannot hold: subnet-tiny (10.0.1.0/29: a subnet prefix length from /16 to /28).',
    );
    // A /24 has 251 usable addresses; 200 are free, 51 used, of which the node and the pod hold 2.
    expect(notes.find((n) => n.startsWith('The scenario format cannot reserve'))).toContain(
      "subnet-a 49 of 51 used addresses (the nodes' and pods' own: 2)",
    );
  });

  it('assumes a subnet per zone when the input has none, and says so', () => {
    const state = clusterState({ nodes: [clusterNode('a', { nodeGroup: 'ng', zone: 'eu-west-1b' })] });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.region).toBe('eu-west-1');
    expect(input.scenario.subnets).toEqual([
      { id: 'subnet-assumed-eu-west-1b', zone: 'eu-west-1b', cidr: '10.0.0.0/16', tags: {} },
    ]);
    expect(notes[0]).toMatch(/^No subnets of the cluster's VPC in the input/);
  });

  it("keeps the aws-node variables ipamd reads, with ipamd's WARM_PREFIX_TARGET default when the DaemonSet lacks it", () => {
    const state = nodeGroupCluster(40, {
      vpcCni: {
        version: 'v1.19.2',
        env: { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10', CLUSTER_NAME: 'prod', AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG' },
      },
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    // The EKS manifest writes WARM_PREFIX_TARGET=1; without it ipamd uses 0 (§3.1), which the scenario must say.
    expect(input.scenario.vpcCniEnv).toEqual({ MINIMUM_IP_TARGET: '10', WARM_IP_TARGET: '5', WARM_PREFIX_TARGET: '0' });
    expect(notes).toContain(
      'Left out 2 aws-node variables the ipamd model does not read: AWS_VPC_K8S_CNI_LOGLEVEL, CLUSTER_NAME.',
    );
  });

  it("reads Karpenter's version and settings from its controller, with defaults and a note for what does not parse", () => {
    const state = nodeGroupCluster(40, {
      karpenter: {
        version: '1.5.1',
        env: {
          RESERVED_ENIS: '1',
          BATCH_IDLE_DURATION: '2s',
          BATCH_MAX_DURATION: 'soon',
          VM_MEMORY_OVERHEAD_PERCENT: '0.05',
          FEATURE_GATES: 'NodeRepair=false,SpotToSpotConsolidation=true',
        },
      },
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.karpenter).toEqual({
      version: { major: 1, minor: 5, patch: 1 },
      reservedEnis: 1,
      vmMemoryOverheadPercent: 0.05,
      batchIdleDurationMs: 2000,
      batchMaxDurationMs: 10_000,
      spotToSpotConsolidation: true,
    });
    expect(notes).toContain('Karpenter\'s BATCH_MAX_DURATION="soon" is not a duration above 0s: podcap uses 10000.');
  });

  it('matches EC2NodeClasses to the subnets, and leaves out what matches none', () => {
    const state = nodeGroupCluster(40, {
      subnets: [
        { ...clusterSubnet('subnet-a', '10.0.0.0/24', 170), tags: { 'karpenter.sh/discovery': 'prod' } },
        clusterSubnet('subnet-b', '10.0.1.0/24', 200, 'us-west-2b'),
      ],
      karpenter: { version: '1.6.0', env: {} },
      nodeClasses: [
        nodeClass([], { name: 'tagged', subnetSelectorTerms: [{ id: null, tags: { 'karpenter.sh/discovery': '*' } }] }),
        nodeClass([], { name: 'nowhere', subnetSelectorTerms: [{ id: 'subnet-zzz', tags: {} }] }),
      ],
      nodePools: [nodePool('general', { nodeClass: 'tagged' }), nodePool('lost', { nodeClass: 'nowhere' })],
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.nodeClasses.map((c) => [c.name, c.subnetIds])).toEqual([['tagged', ['subnet-a']]]);
    expect(input.nodePools.map((p) => p.name)).toEqual(['general']);
    expect(notes).toEqual(
      expect.arrayContaining([
        'Left out EC2NodeClass nowhere: its subnetSelectorTerms select none of the subnets.',
        'Left out NodePool lost: its EC2NodeClass nowhere is not in the scenario.',
      ]),
    );
  });

  it('maps EC2 vCPU quotas to their classes by code and by name', () => {
    const state = nodeGroupCluster(40, {
      quotas: [
        { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', value: 640 },
        { code: 'L-34B43A08', name: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests', value: 96 },
        { code: 'L-XXXXXXXX', name: 'Running On-Demand G and VT instances', value: 64 },
        { code: 'L-YYYYYYYY', name: 'All P Spot Instance Requests', value: 0 },
        { code: 'L-0263D0A3', name: 'EC2-VPC Elastic IPs', value: 5 },
      ],
    });
    expect(clusterToSimInput(state, catalog).input.scenario.quotas).toEqual({
      onDemand: { standard: 640, g: 64 },
      spot: { standard: 96, p: 0 },
    });
  });

  it('reads the pod subnet of each zone off the pods under custom networking', () => {
    const state = clusterState({
      nodes: [
        clusterNode('a', { nodeGroup: 'ng', internalIp: '10.0.0.10' }),
        clusterNode('b', { nodeGroup: 'ng', internalIp: '10.0.1.10', zone: 'us-west-2b' }),
      ],
      pods: [
        clusterPod('default', 'p1', { nodeName: 'a', podIp: '100.64.0.5', owner: { kind: 'Job', name: 'j' } }),
        clusterPod('default', 'p2', { nodeName: 'a', podIp: '100.64.0.6', owner: { kind: 'Job', name: 'j' } }),
      ],
      subnets: [
        clusterSubnet('subnet-a', '10.0.0.0/24', 200),
        clusterSubnet('subnet-b', '10.0.1.0/24', 200, 'us-west-2b'),
        clusterSubnet('subnet-pods-a', '100.64.0.0/20', 4000),
      ],
      vpcCni: { version: null, env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' } },
    });
    const { input, notes } = clusterToSimInput(state, catalog);
    expect(input.scenario.eniConfigs).toEqual(new Map([['us-west-2a', 'subnet-pods-a']]));
    expect(notes).toContain(
      "Custom networking is on and the input holds no ENIConfigs: podcap took each zone's pod subnet from the pods' " +
        'addresses (us-west-2a: subnet-pods-a); nodes in us-west-2b get no pod addresses in the simulation.',
    );
  });
});

describe('applyChanges', () => {
  const base = () => clusterToSimInput(nodeGroupCluster(7), catalog).input;
  const replicasOf = (workloads: readonly Workload[], name: string) => {
    const found = workloads.find((w) => w.id.name === name);
    return found && 'replicas' in found ? found.replicas : null;
  };

  it('scales through the timeline at 1m by default, rounding a factor up', () => {
    const { input, described } = applyChanges(base(), [scale('default/web=1.5x')]);
    expect(input.scenario.timeline).toEqual([
      {
        atMs: 60_000,
        action: {
          type: 'scale-workload',
          target: { kind: 'Deployment', namespace: 'default', name: 'web' },
          replicas: 11,
        },
      },
    ]);
    expect(replicasOf(input.workloads, 'web')).toBe(7);
    expect(described).toEqual(['Deployment default/web from 7 to 11 replicas at 1m']);
  });

  it('changes the manifests themselves at 0s', () => {
    const { input, described } = applyChanges(base(), [scale('web=12')], { changeAtMs: 0 });
    expect(input.scenario.timeline).toEqual([]);
    expect(replicasOf(input.workloads, 'web')).toBe(12);
    expect(described).toEqual(['Deployment default/web from 7 to 12 replicas']);
  });

  it('adds pods as a new Deployment podcap-what-if in default, under another name if that one is taken', () => {
    const parsed = parseRequestsFlag('cpu=500m,memory=1Gi');
    if (!parsed.ok) throw new Error(parsed.expected);
    const add: WhatIfChange = { type: 'add-pods', count: 50, requests: parsed.value };
    const { input, described } = applyChanges(base(), [add, add]);
    const added = input.workloads.slice(-2);
    expect(added.map((w) => [w.id.name, replicasOf(input.workloads, w.id.name)])).toEqual([
      ['podcap-what-if', 0],
      ['podcap-what-if-2', 0],
    ]);
    expect(added[0]?.template).toMatchObject({ labels: { app: 'podcap-what-if' }, requests: parsed.value });
    expect(input.scenario.timeline.map((e) => e.action)).toEqual([
      {
        type: 'scale-workload',
        target: { kind: 'Deployment', namespace: 'default', name: 'podcap-what-if' },
        replicas: 50,
      },
      {
        type: 'scale-workload',
        target: { kind: 'Deployment', namespace: 'default', name: 'podcap-what-if-2' },
        replicas: 50,
      },
    ]);
    expect(described[0]).toBe('50 new pods requesting cpu 500m, memory 1Gi (Deployment default/podcap-what-if) at 1m');
  });

  it('refuses a workload that is not there, a DaemonSet, a name two kinds share and one scaled twice', () => {
    const input = base();
    expect(usageMessage(() => applyChanges(input, [scale('default/api=2x')]))).toBe(
      '--scale: expected a Deployment or StatefulSet of the cluster (default/web), got "default/api=2x"',
    );
    expect(usageMessage(() => applyChanges(input, [scale('kube-system/aws-node=2x')]))).toBe(
      '--scale: expected a Deployment or StatefulSet (a DaemonSet runs one pod per node and does not scale), got "kube-system/aws-node=2x"',
    );
    const shared = {
      ...input,
      workloads: [
        ...input.workloads,
        {
          kind: 'StatefulSet' as const,
          id: { kind: 'StatefulSet' as const, namespace: 'default', name: 'web' },
          replicas: 3,
          podManagementPolicy: 'Parallel' as const,
          template: podTemplate(),
          source: null,
        },
      ],
    };
    expect(usageMessage(() => applyChanges(shared, [scale('default/web=2x')]))).toBe(
      '--scale: expected one workload: Deployment and StatefulSet share the name (write KIND/default/web=…), got "default/web=2x"',
    );
    expect(applyChanges(shared, [scale('StatefulSet/default/web=2x')]).described).toEqual([
      'StatefulSet default/web from 3 to 6 replicas at 1m',
    ]);
    expect(usageMessage(() => applyChanges(input, [scale('web=2x'), scale('default/web=3')]))).toBe(
      '--scale: expected each workload once (Deployment default/web is scaled twice), got "default/web=3"',
    );
    expect(usageMessage(() => applyChanges(input, [scale('web=2x')], { changeAtMs: 3_600_000 }))).toBe(
      'the changes at 1h: expected a time from 0s to before the end of the run (1h)',
    );
    // A run of a minute or less changes the manifests at 0s unless told otherwise.
    const short = { ...input, scenario: { ...input.scenario, durationMs: 60_000 } };
    expect(applyChanges(short, [scale('web=2x')])).toMatchObject({
      atMs: 0,
      described: ['Deployment default/web from 7 to 14 replicas'],
    });
  });
});

describe('runWhatIf', () => {
  it('scales web 3x on two m5.large: pods stay Pending with "Too many pods" from the change on', () => {
    // m5.large on AL2023: maxPods 29, 27 pod IPs; aws-node and kube-proxy (hostNetwork) take 2 slots,
    // so each node runs 27 pods of web: 54 of 120 run and 66 stay Pending.
    const run = runWhatIf(nodeGroupCluster(), catalog, [scale('default/web=3x')]);
    const web = run.result.workloads.find((w) => w.name === 'web');
    expect(web).toMatchObject({ desired: 120, running: 54, pending: 66, containerCreating: 0 });
    expect(Object.keys(web?.messages ?? {})).toEqual(['0/2 nodes are available: 2 Too many pods.']);
    expect(run.firstBreak).toEqual({
      code: 'PODS_PENDING',
      atMs: 60_000,
      message: expect.stringContaining(
        '66 of 120 pods of Deployment default/web are Pending: 0/2 nodes are available: 2 Too many pods.',
      ),
      beforeChange: false,
    });
    expect(run.changes).toEqual(['Deployment default/web from 40 to 120 replicas at 1m']);
    expect(run.summary).toMatch(
      /^With Deployment default\/web from 40 to 120 replicas at 1m, the first thing to break is PODS_PENDING at 1m: 66 of 120 pods/,
    );
    // Two m5.large for an hour at the catalog's us-east-1 On-Demand price ($0.096 an hour).
    expect(run.summary).toContain(
      'After 1h: 58 of 124 pods Running, 66 Pending, 0 stuck in ContainerCreating; 0 nodes launched, 2 at the end (2 m5.large); the nodes cost $0.19.',
    );
  });

  it('says nothing breaks when the cluster holds the change', () => {
    const run = runWhatIf(nodeGroupCluster(), catalog, [scale('default/web=50')], { durationMs: 10 * 60_000 });
    expect(run.firstBreak).toBeNull();
    expect(run.summary).toMatch(
      /^With Deployment default\/web from 40 to 50 replicas at 1m, nothing breaks within 10m\. /,
    );
  });

  it('names the break the change causes, not the one the cluster already has', () => {
    // web at 60 already leaves 6 Pending on two m5.large (27 pods a node); the added 4-CPU pods fit no m5.large.
    const parsed = parseRequestsFlag('cpu=4,memory=1Gi');
    if (!parsed.ok) throw new Error(parsed.expected);
    const run = runWhatIf(nodeGroupCluster(60), catalog, [{ type: 'add-pods', count: 3, requests: parsed.value }], {
      durationMs: 10 * 60_000,
    });
    expect(run.firstBreak).toMatchObject({ code: 'PODS_PENDING', atMs: 60_000, beforeChange: false });
    expect(run.firstBreak?.message).toContain('Deployment default/podcap-what-if');
  });

  it('tells when the cluster breaks before the change', () => {
    const run = runWhatIf(nodeGroupCluster(60), catalog, [scale('default/web=61')], { durationMs: 10 * 60_000 });
    expect(run.firstBreak).toMatchObject({ code: 'PODS_PENDING', beforeChange: true });
    expect(run.firstBreak?.atMs).toBeLessThan(60_000);
    expect(run.summary).toContain(', before the change: the cluster breaks as it is: ');
  });

  it('adds pods that Karpenter launches nodes for, with the cluster’s Karpenter settings', () => {
    const state = nodeGroupCluster(40, {
      subnets: [{ ...clusterSubnet('subnet-a', '10.0.0.0/22', 900), tags: { 'karpenter.sh/discovery': 'prod' } }],
      karpenter: { version: '1.5.1', env: {} },
      nodeClasses: [nodeClass([], { subnetSelectorTerms: [{ id: null, tags: { 'karpenter.sh/discovery': 'prod' } }] })],
      nodePools: [
        nodePool('default', {
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m5.xlarge'], minValues: null },
          ],
        }),
      ],
    });
    const parsed = parseRequestsFlag('cpu=1,memory=1Gi');
    if (!parsed.ok) throw new Error(parsed.expected);
    const run = runWhatIf(state, catalog, [{ type: 'add-pods', count: 6, requests: parsed.value }], {
      durationMs: 15 * 60_000,
    });
    const added = run.result.workloads.find((w) => w.name === 'podcap-what-if');
    expect(added).toMatchObject({ desired: 6, running: 6, pending: 0 });
    // An m5.xlarge (4 vCPUs, 3920m allocatable less 125m of DaemonSets) holds 3 one-CPU pods.
    expect(run.result.nodes.launched).toBe(2);
    expect(run.result.nodes.byType).toEqual({ 'm5.large': 2, 'm5.xlarge': 2 });
    expect(run.firstBreak).toBeNull();
  });
});
