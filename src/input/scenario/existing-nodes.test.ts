/**
 * Node and NodeClaim manifests as existing nodes: what they add to the Scenario, that the simulator
 * runs pods on them, that they simulate as their `spec.nodes` / `spec.nodeGroups` short form does,
 * and bad ones as one InputError naming file, document and field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { simulate, simulateWithSnapshot } from '../../sim/simulate.js';
import { bundledCatalog } from '../../test-support/fixtures.js';
import { InputError } from '../input-error.js';
import { loadSimInput, parseSimInput } from './load.js';

const catalog = bundledCatalog();
const options = { catalog };
const Ki = 1024;

// node.status.capacity.memory of EKS AL2023 nodes (test/fixtures/live/kubernetes/nodes.json).
const MEMORY = { 'm5.large': '7934380Ki', 'm5.xlarge': '15896988Ki' } as const;

const SCENARIO = `apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata: { name: demo }
spec:
  duration: 10m
  region: us-west-2
  aws:
    subnets:
      - { id: subnet-a, zone: us-west-2a, cidr: 192.168.128.0/19, tags: { karpenter.sh/discovery: demo } }
      - { id: subnet-b, zone: us-west-2b, cidr: 192.168.160.0/19, tags: { karpenter.sh/discovery: demo } }
`;

const KARPENTER = `---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: { name: default }
spec:
  template:
    spec:
      nodeClassRef: { group: karpenter.k8s.aws, kind: EC2NodeClass, name: default }
      requirements:
        - { key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge] }
        - { key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand] }
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: { name: default }
spec:
  amiSelectorTerms: [ { alias: al2023@latest } ]
  subnetSelectorTerms: [ { tags: { karpenter.sh/discovery: demo } } ]
`;

function deployment(name: string, replicas: number, podSpec: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...podSpec },
      },
    },
  });
}

interface NodeOptions {
  readonly type?: string;
  readonly zone?: string;
  readonly ip?: string;
  readonly labels?: Record<string, string>;
  readonly taints?: readonly Record<string, string>[];
  readonly memory?: string;
  readonly ready?: string;
  readonly unschedulable?: boolean;
  readonly owner?: string;
}

/** A Node as `kubectl get node NAME -o json` writes it, trimmed to a few of its usual fields. */
function node(name: string, o: NodeOptions = {}): Record<string, unknown> {
  const type = o.type ?? 'm5.large';
  const zone = o.zone ?? 'us-west-2a';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      creationTimestamp: '2025-06-02T08:14:31Z',
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': type,
        'topology.kubernetes.io/region': 'us-west-2',
        'topology.kubernetes.io/zone': zone,
        ...o.labels,
      },
      ...(o.owner === undefined
        ? {}
        : { ownerReferences: [{ apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', name: o.owner }] }),
    },
    spec: {
      providerID: `aws:///${zone}/i-${name}`,
      ...(o.taints === undefined ? {} : { taints: o.taints }),
      ...(o.unschedulable === undefined ? {} : { unschedulable: o.unschedulable }),
    },
    status: {
      capacity: { cpu: '2', memory: o.memory ?? MEMORY['m5.large'], pods: '29' },
      conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady' }],
      addresses: [{ type: 'InternalIP', address: o.ip ?? '192.168.130.10' }],
      nodeInfo: { osImage: 'Amazon Linux 2023.7.20250527', kubeletVersion: 'v1.32.3-eks-473151a' },
    },
  };
}

function nodeClaim(name: string, labels: Record<string, string>, status: Record<string, unknown> = {}) {
  return { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', metadata: { name, labels }, status };
}

const MANAGED = { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' };
const POOL = { 'karpenter.sh/nodepool': 'default' };

function list(...items: readonly Record<string, unknown>[]): string {
  return stringify({ apiVersion: 'v1', kind: 'List', items });
}

function parse(...texts: string[]) {
  return parseSimInput(
    texts.map((text, i) => ({ file: `input-${i + 1}.yaml`, text })),
    options,
  );
}

function errorOf(run: () => unknown): Pick<InputError, 'fieldPath' | 'expected' | 'found' | 'message'> {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) {
      const { fieldPath, expected, found, message } = error;
      return { fieldPath, expected, found, message };
    }
    throw error;
  }
  throw new Error('expected an InputError');
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('a Node manifest as kubectl writes it', () => {
  // `kubectl get node ip-192-168-130-10.us-west-2.compute.internal -o yaml` of a managed node group node, trimmed.
  const NODE_YAML = `apiVersion: v1
kind: Node
metadata:
  annotations:
    alpha.kubernetes.io/provided-node-ip: 192.168.130.10
    node.alpha.kubernetes.io/ttl: "0"
  creationTimestamp: "2025-06-02T08:14:31Z"
  labels:
    beta.kubernetes.io/arch: amd64
    beta.kubernetes.io/instance-type: m5.large
    eks.amazonaws.com/capacityType: ON_DEMAND
    eks.amazonaws.com/nodegroup: batch
    eks.amazonaws.com/nodegroup-image: ami-0f1e2d3c4b5a69788
    failure-domain.beta.kubernetes.io/zone: us-west-2a
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: ip-192-168-130-10.us-west-2.compute.internal
    kubernetes.io/os: linux
    node.kubernetes.io/instance-type: m5.large
    role: batch
    topology.kubernetes.io/region: us-west-2
    topology.kubernetes.io/zone: us-west-2a
  name: ip-192-168-130-10.us-west-2.compute.internal
  resourceVersion: "4818223"
  uid: 0d7c7c6e-8f3a-4f59-9d5b-2b1f0f6e3a11
spec:
  providerID: aws:///us-west-2a/i-0a1b2c3d4e5f60001
  taints:
  - effect: NoSchedule
    key: dedicated
    value: batch
status:
  addresses:
  - address: 192.168.130.10
    type: InternalIP
  allocatable:
    cpu: 1930m
    memory: 7120300Ki
    pods: "29"
  capacity:
    cpu: "2"
    memory: 7934380Ki
    pods: "29"
  conditions:
  - lastHeartbeatTime: "2025-06-02T10:40:00Z"
    message: kubelet is posting ready status
    reason: KubeletReady
    status: "True"
    type: Ready
  nodeInfo:
    architecture: amd64
    kubeletVersion: v1.32.3-eks-473151a
    osImage: Amazon Linux 2023.7.20250527
`;
  const folder = mkdtempSync(join(tmpdir(), 'podcap-nodes-'));
  folders.push(folder);
  writeFileSync(join(folder, 'scenario.yaml'), SCENARIO);
  writeFileSync(join(folder, 'node.yaml'), NODE_YAML);
  writeFileSync(
    join(folder, 'workloads.yaml'),
    [
      deployment('batch', 5, {
        nodeSelector: { role: 'batch' },
        tolerations: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
      }),
      deployment('web', 3),
    ].join('---\n'),
  );
  const input = loadSimInput([folder], options);

  it('makes an m5.large of its managed node group in us-west-2a, with its labels, taint and memory', () => {
    expect(input.scenario.nodeGroups).toEqual([
      {
        name: 'batch',
        instanceType: 'm5.large',
        desired: 1,
        amiFamily: 'al2023',
        capacityType: 'on-demand',
        subnets: ['subnet-a'],
        maxPods: null,
        labels: { role: 'batch' },
        taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
      },
    ]);
    expect(input.scenario.nodes).toEqual([]);
    expect(input.scenario.observedMemoryBytes).toEqual(new Map([['m5.large', 7934380 * Ki]]));
    expect(input.ignored).toEqual([]);
  });

  it('is Ready at time 0 with the model’s maxPods, runs the pods that tolerate its taint and no others', () => {
    const { result, snapshot } = simulateWithSnapshot(input, catalog, { recordEvents: false });
    expect(result.nodes).toMatchObject({ launched: 0, atEnd: 1, byType: { 'm5.large': 1 } });
    // m5.large on AL2023: 3 ENIs × (10 − 1) + 2 = 29 (EKS eni-max-pods.txt).
    expect(result.nodeShapes).toMatchObject([
      { origin: 'nodeGroup/batch', instanceType: 'm5.large', maxPods: 29, memoryEstimated: false },
    ]);
    const placed = (workload: string) =>
      snapshot.pods.filter((p) => p.workload.endsWith(`/${workload}`)).map((p) => [p.phase, p.node]);
    expect(placed('batch')).toEqual(Array(5).fill(['Running', snapshot.nodes[0]?.name]));
    expect(placed('web')).toEqual(Array(3).fill(['Pending', null]));
  });
});

describe('Nodes outside node groups and NodeClaims', () => {
  it('counts alike Nodes together as spec.nodes entries, in input order, kind: List included', () => {
    const input = parse(
      SCENARIO + KARPENTER,
      list(
        node('n1', { labels: { team: 'a' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }),
        node('n2', {
          type: 'm5.xlarge',
          zone: 'us-west-2b',
          memory: MEMORY['m5.xlarge'],
          labels: { ...POOL, 'karpenter.sh/capacity-type': 'spot' },
        }),
        node('n3', {
          labels: { team: 'a', 'karpenter.sh/disrupted': 'x' },
          taints: [
            { key: 'gpu', value: 'true', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
          ],
        }),
      ),
    );
    expect(input.scenario.nodes).toEqual([
      {
        instanceType: 'm5.large',
        count: 2,
        nodePool: null,
        zone: 'us-west-2a',
        capacityType: 'on-demand',
        labels: { team: 'a' },
        taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
        amiFamily: 'al2023',
      },
      // A NodePool's node carries its NodePool's labels, taints and EC2NodeClass AMI, as spec.nodes does.
      { instanceType: 'm5.xlarge', count: 1, nodePool: 'default', zone: 'us-west-2b', capacityType: 'spot' },
    ]);
    expect(input.scenario.observedMemoryBytes).toEqual(
      new Map([
        ['m5.large', 7934380 * Ki],
        ['m5.xlarge', 15896988 * Ki],
      ]),
    );
  });

  it('runs a node outside node groups and NodePools with its own labels, taint and AMI family', () => {
    const tainted = node('gpu-1', {
      labels: { team: 'a' },
      taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
    });
    const bottlerocket = {
      ...tainted,
      status: {
        ...(tainted.status as Record<string, unknown>),
        nodeInfo: { osImage: 'Bottlerocket OS 1.39.1 (aws-k8s-1.32)', kubeletVersion: 'v1.32.3-eks-473151a' },
      },
    };
    const tolerating = {
      nodeSelector: { team: 'a' },
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    };
    const input = parse(
      SCENARIO,
      list(bottlerocket),
      `${deployment('train', 2, tolerating)}---\n${deployment('web', 2)}`,
    );
    const { result, snapshot } = simulateWithSnapshot(input, catalog, { recordEvents: false });
    const placed = (workload: string) =>
      snapshot.pods.filter((p) => p.workload.endsWith(`/${workload}`)).map((p) => p.phase);
    expect(placed('train')).toEqual(['Running', 'Running']);
    // Without the toleration the taint keeps them off the only node.
    expect(placed('web')).toEqual(['Pending', 'Pending']);
    // Bottlerocket on an m5.large: maxPods 29, kube-reserved 11·29 + 255 = 574Mi and 100Mi eviction off the
    // node's own MemTotal (capacity-models.md §3): 7,934,380 − 587,776 − 102,400 = 7,244,204Ki.
    expect(result.nodeShapes).toMatchObject([
      { origin: 'static', maxPods: 29, allocatable: { memoryBytes: 7244204 * Ki }, memoryEstimated: false },
    ]);
  });

  it('adds a node for a launched NodeClaim without its Node, and none for one whose Node is given', () => {
    const launched = {
      ...POOL,
      'node.kubernetes.io/instance-type': 'm5.xlarge',
      'topology.kubernetes.io/zone': 'us-west-2b',
      'karpenter.sh/capacity-type': 'spot',
    };
    const input = parse(
      SCENARIO + KARPENTER,
      list(
        node('by-name', { labels: POOL }),
        node('by-owner', { labels: POOL, owner: 'default-b' }),
        node('by-provider', { labels: POOL }),
        nodeClaim('default-a', launched, { nodeName: 'by-name' }),
        nodeClaim('default-b', launched),
        nodeClaim('default-c', launched, { providerID: 'aws:///us-west-2a/i-by-provider' }),
        nodeClaim('default-d', launched, { providerID: 'aws:///us-west-2b/i-0d4', nodeName: 'not-exported' }),
        nodeClaim('default-e', launched),
        nodeClaim('default-pending', POOL),
      ),
    );
    expect(input.scenario.nodes).toEqual([
      { instanceType: 'm5.large', count: 3, nodePool: 'default', zone: 'us-west-2a', capacityType: 'on-demand' },
      { instanceType: 'm5.xlarge', count: 2, nodePool: 'default', zone: 'us-west-2b', capacityType: 'spot' },
    ]);
    // Not launched yet: no instance type to run; the simulated Karpenter launches for pending pods itself.
    expect(input.ignored.map((d) => `${d.kind}/${d.name}`)).toEqual(['NodeClaim/default-pending']);
    const result = simulate(input, catalog, { recordEvents: false });
    expect(result.nodes).toMatchObject({ launched: 0, atEnd: 5, byGroup: { 'nodePool/default': 5 } });
  });

  it('leaves out Nodes being deleted, cordoned, not Ready or on Fargate, and lists them as ignored', () => {
    const deleting = node('deleting');
    (deleting.metadata as Record<string, unknown>).deletionTimestamp = '2025-06-02T10:00:00Z';
    const input = parse(
      SCENARIO + KARPENTER,
      list(
        deleting,
        node('cordoned', { unschedulable: true, labels: POOL }),
        node('not-ready', { ready: 'Unknown' }),
        node('fargate-ip-192-168-130-11', { labels: { 'eks.amazonaws.com/compute-type': 'fargate' } }),
        node('kept'),
        // The cordoned node's NodeClaim: its node is given, so it adds none.
        nodeClaim('default-a', { ...POOL, 'node.kubernetes.io/instance-type': 'm5.large' }, { nodeName: 'cordoned' }),
      ),
    );
    expect(input.ignored.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'Node/deleting',
      'Node/cordoned',
      'Node/not-ready',
      'Node/fargate-ip-192-168-130-11',
    ]);
    expect(input.scenario.nodes.map((n) => n.count)).toEqual([1]);
  });

  it('reads the nodes of a real export (NodeList and NodeClaimList JSON) without counting a claimed node twice', () => {
    const fixture = (name: string) =>
      readFileSync(new URL(`../../../test/fixtures/live/kubernetes/${name}`, import.meta.url), 'utf8');
    const scenario = SCENARIO.replace(
      /subnets:[\s\S]*$/,
      `subnets:
      - { id: subnet-a, zone: us-west-2a, cidr: 10.0.11.0/24, tags: { karpenter.sh/discovery: demo } }
      - { id: subnet-b, zone: us-west-2b, cidr: 10.0.12.0/24, tags: { karpenter.sh/discovery: demo } }
      - { id: subnet-c, zone: us-west-2c, cidr: 10.0.13.0/24, tags: { karpenter.sh/discovery: demo } }
    observedMemory: { m8g.large: 7900000Ki }
`,
    );
    const input = parseSimInput(
      [
        { file: 'scenario.yaml', text: scenario + KARPENTER },
        { file: 'nodes.json', text: fixture('nodes.json') },
        { file: 'nodeclaims.json', text: fixture('nodeclaims.json') },
      ],
      options,
    );
    expect(input.scenario.nodeGroups).toMatchObject([
      { name: 'system', instanceType: 'm5.large', desired: 1, subnets: ['subnet-a'], labels: {}, taints: [] },
    ]);
    expect(input.scenario.nodes).toEqual([
      { instanceType: 'm5.xlarge', count: 1, nodePool: 'default', zone: 'us-west-2b', capacityType: 'spot' },
      { instanceType: 'm8g.large', count: 1, nodePool: 'default', zone: 'us-west-2c', capacityType: 'on-demand' },
    ]);
    // The Scenario's observedMemory wins over the Node's 7948164Ki.
    expect(input.scenario.observedMemoryBytes).toEqual(
      new Map([
        ['m8g.large', 7900000 * Ki],
        ['m5.large', 7934380 * Ki],
        ['m5.xlarge', 15896988 * Ki],
      ]),
    );
  });

  it('takes the most common memory of a type, the smaller on a tie', () => {
    const input = parse(
      SCENARIO,
      list(
        node('n1', { memory: '7934380Ki' }),
        node('n2', { memory: '7934000Ki' }),
        node('n3', { memory: '7934380Ki' }),
        node('n4', { type: 'm5.xlarge', memory: '15896988Ki' }),
        node('n5', { type: 'm5.xlarge', memory: '15896000Ki' }),
      ),
    );
    expect(input.scenario.observedMemoryBytes).toEqual(
      new Map([
        ['m5.large', 7934380 * Ki],
        ['m5.xlarge', 15896000 * Ki],
      ]),
    );
  });
});

describe('managed node group Nodes', () => {
  it('add no node to a group that spec.nodeGroups describes: the entry stands for its nodes', () => {
    const scenario = `${SCENARIO}  nodeGroups:
    - { name: ng-1, instanceType: m5.xlarge, desired: 3, subnets: [subnet-a] }
`;
    const input = parse(scenario, list(node('n1', { labels: { ...MANAGED, 'eks.amazonaws.com/nodegroup': 'ng-1' } })));
    expect(input.scenario.nodeGroups.map((g) => [g.name, g.instanceType, g.desired])).toEqual([
      ['ng-1', 'm5.xlarge', 3],
    ]);
    expect(input.scenario.nodes).toEqual([]);
  });

  it('of several instance types run as spec.nodes labelled with their group, which has one type in a scenario', () => {
    const group = { 'eks.amazonaws.com/nodegroup': 'mixed', 'eks.amazonaws.com/capacityType': 'SPOT' };
    const input = parse(
      SCENARIO,
      list(node('n1', { labels: group }), node('n2', { type: 'm5.xlarge', labels: group })),
    );
    expect(input.scenario.nodeGroups).toEqual([]);
    expect(input.scenario.nodes.map((n) => [n.instanceType, n.capacityType, n.labels])).toEqual([
      ['m5.large', 'spot', group],
      ['m5.xlarge', 'spot', group],
    ]);
  });

  it('make a node group the timeline may scale', () => {
    const scenario = `${SCENARIO}  timeline:
    - at: 1m
      scale: { nodeGroup: ng-1, desired: 3 }
`;
    const input = parse(
      scenario,
      list(
        node('n1', { ip: '192.168.130.10', labels: { ...MANAGED, 'eks.amazonaws.com/nodegroup': 'ng-1' } }),
        node('n2', {
          zone: 'us-west-2b',
          ip: '192.168.170.10',
          labels: { ...MANAGED, 'eks.amazonaws.com/nodegroup': 'ng-1' },
        }),
      ),
    );
    expect(input.scenario.nodeGroups.map((g) => [g.name, g.desired, g.subnets])).toEqual([
      ['ng-1', 2, ['subnet-a', 'subnet-b']],
    ]);
    const result = simulate(input, catalog, { recordEvents: false });
    expect(result.nodes).toMatchObject({ launched: 1, atEnd: 3, byGroup: { 'nodeGroup/ng-1': 3 } });
  });
});

describe('the same cluster as spec.nodes and spec.nodeGroups or as Node manifests', () => {
  const shortForm = `${SCENARIO}    observedMemory: { m5.large: ${MEMORY['m5.large']}, m5.xlarge: ${MEMORY['m5.xlarge']} }
  karpenter: { version: 1.5.1 }
  nodeGroups:
    - name: ng-1
      instanceType: m5.large
      desired: 2
      subnets: [subnet-a, subnet-b]
      labels: { role: general }
      taints: [ { key: dedicated, value: general, effect: PreferNoSchedule } ]
  nodes:
    - { instanceType: m5.large, count: 2, zone: us-west-2a }
    - { instanceType: m5.xlarge, count: 1, nodePool: default, zone: us-west-2b, capacityType: spot }
`;
  const manifests = `${SCENARIO}  karpenter: { version: 1.5.1 }
`;
  const group = {
    labels: { ...MANAGED, 'eks.amazonaws.com/nodegroup': 'ng-1', role: 'general' },
    taints: [{ key: 'dedicated', value: 'general', effect: 'PreferNoSchedule' }],
  };
  const nodes = list(
    node('ng-a', { ...group, ip: '192.168.130.10' }),
    node('ng-b', { ...group, zone: 'us-west-2b', ip: '192.168.170.10' }),
    node('static-1', { ip: '192.168.130.11' }),
    node('static-2', { ip: '192.168.130.12' }),
    node('karpenter-1', {
      type: 'm5.xlarge',
      zone: 'us-west-2b',
      ip: '192.168.170.11',
      memory: MEMORY['m5.xlarge'],
      labels: { ...POOL, 'karpenter.sh/capacity-type': 'spot' },
    }),
  );
  // Enough pods that Karpenter launches more nodes and consolidates them again.
  const workloads = `${deployment('web', 200)}---\n${deployment('api', 30, { nodeSelector: { role: 'general' } })}`;
  const a = parse(shortForm + KARPENTER, workloads);
  const b = parse(manifests + KARPENTER, workloads, nodes);

  it('reads into the same node groups, nodes and observed memory', () => {
    expect(b.scenario.nodeGroups).toEqual(a.scenario.nodeGroups);
    // The Nodes also say their AMI family; spec.nodes entries take al2023 by default.
    expect(b.scenario.nodes.map(({ amiFamily, ...rest }) => rest)).toEqual(a.scenario.nodes);
    expect(b.scenario.observedMemoryBytes).toEqual(a.scenario.observedMemoryBytes);
  });

  it('simulates identically, event for event', () => {
    const run = (input: typeof a) => JSON.stringify(simulate(input, catalog, { recordEvents: true }));
    const expected = simulate(a, catalog, { recordEvents: false });
    expect(expected.nodes.launched).toBeGreaterThan(0);
    expect(run(b)).toBe(run(a));
  });
});

describe('bad Node and NodeClaim manifests', () => {
  const withLabels = (labels: Record<string, string>) => {
    const n = node('n1', { labels });
    (n.metadata as { labels: Record<string, string> }).labels = labels;
    return n;
  };
  it.each([
    [
      'no instance type label',
      withLabels({ 'topology.kubernetes.io/zone': 'us-west-2a' }),
      'Node n1 (document 1, items[0]): metadata.labels["node.kubernetes.io/instance-type"]',
      'the instance type label node.kubernetes.io/instance-type (the kubelet and Karpenter set it on EC2 nodes)',
      'nothing',
    ],
    [
      'an instance type not in the catalog',
      node('n1', { type: 'm5.huge' }),
      'Node n1 (document 1, items[0]): metadata.labels["node.kubernetes.io/instance-type"]',
      expect.stringMatching(/^an instance type of the catalog/),
      '"m5.huge"',
    ],
    [
      'a zone without a Scenario subnet',
      node('n1', { zone: 'us-west-2c' }),
      'Node n1 (document 1, items[0]): metadata.labels["topology.kubernetes.io/zone"]',
      'a zone of spec.aws.subnets (us-west-2a, us-west-2b)',
      '"us-west-2c"',
    ],
    [
      'a NodePool that is not among the inputs',
      node('n1', { labels: { 'karpenter.sh/nodepool': 'gpu' } }),
      'Node n1 (document 1, items[0]): metadata.labels["karpenter.sh/nodepool"]',
      'a NodePool of the inputs (default); add its NodePool manifest',
      '"gpu"',
    ],
    [
      'a taint effect Kubernetes does not have',
      node('n1', { taints: [{ key: 'gpu', effect: 'NoRun' }] }),
      'Node n1 (document 1, items[0]): spec.taints[0].effect',
      'one of NoSchedule, PreferNoSchedule, NoExecute',
      '"NoRun"',
    ],
    [
      'a memory capacity that is no quantity',
      node('n1', { memory: 'lots' }),
      'Node n1 (document 1, items[0]): status.capacity.memory',
      'a Kubernetes quantity such as 250m, 512Mi or 2',
      '"lots"',
    ],
    [
      'a label value that is no string',
      { ...node('n1'), metadata: { name: 'n1', labels: { 'node.kubernetes.io/instance-type': 5 } } },
      'Node n1 (document 1, items[0]): metadata.labels["node.kubernetes.io/instance-type"]',
      'a string (quote values such as "true" or "1" in YAML)',
      '5',
    ],
    [
      'a Node of another core version',
      { ...node('n1'), apiVersion: 'v2' },
      'Node n1 (document 1, items[0]): apiVersion',
      '"v1"',
      '"v2"',
    ],
    [
      'a NodeClaim without its NodePool label',
      nodeClaim('c1', { 'node.kubernetes.io/instance-type': 'm5.large' }),
      'NodeClaim c1 (document 1, items[0]): metadata.labels["karpenter.sh/nodepool"]',
      'the NodePool label karpenter.sh/nodepool (Karpenter sets it on every NodeClaim)',
      'nothing',
    ],
  ])('refuses %s', (_, item, fieldPath, expected, found) => {
    const error = errorOf(() => parse(SCENARIO + KARPENTER, list(item)));
    expect(error).toMatchObject({ fieldPath, expected, found });
    expect(error.message).toMatch(/^input-2\.yaml: /);
    expect(error.message).not.toContain('\n');
  });

  it('refuses two Nodes of one name, naming the first', () => {
    expect(errorOf(() => parse(SCENARIO, list(node('n1'), node('n1'))))).toMatchObject({
      fieldPath: 'Node n1 (document 1, items[1]): metadata.name',
      expected: 'a name not used by another Node (Node n1 (document 1, items[0]) in input-2.yaml)',
    });
  });
});
