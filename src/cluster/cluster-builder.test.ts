import { describe, expect, it } from 'vitest';
import { amiFamilyOf } from '../core/node-labels.js';
import { InputError } from '../input/input-error.js';
import { ClusterBuilder } from './cluster-builder.js';
import type { ClusterSource } from './cluster-state.js';
import { parseImage } from './installs.js';

// Objects as `kubectl get -o json` prints them (trimmed of fields podcap does not read, but with some of
// the noise it must pass over: managedFields, annotations, timeAdded on taints, status extras).

const item = (index: number, file = 'cluster.json'): ClusterSource => ({ file, index });
const single = (file: string): ClusterSource => ({ file, index: null });

function node(overrides: { labels?: Record<string, string>; conditions?: object[]; name?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: { 'alpha.kubernetes.io/provided-node-ip': '10.16.3.17' },
      creationTimestamp: '2025-11-03T08:14:07Z',
      labels: overrides.labels ?? {
        'node.kubernetes.io/instance-type': 'm6i.2xlarge',
        'beta.kubernetes.io/instance-type': 'm6i.2xlarge',
        'topology.kubernetes.io/zone': 'us-west-2b',
        'karpenter.sh/capacity-type': 'spot',
        'karpenter.sh/nodepool': 'default',
      },
      managedFields: [{ manager: 'kubelet', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
      name: overrides.name ?? 'ip-10-16-3-17.us-west-2.compute.internal',
      resourceVersion: '90000017',
      uid: '0b7d7a3c-5d1e-4c4a-9f0e-2a1b3c4d5e6f',
    },
    spec: {
      providerID: 'aws:///us-west-2b/i-0123456789abcdef0',
      taints: [{ effect: 'NoSchedule', key: 'workload', value: 'batch', timeAdded: '2025-11-03T08:14:07Z' }],
      unschedulable: true,
    },
    status: {
      addresses: [
        { address: 'ip-10-16-3-17.us-west-2.compute.internal', type: 'Hostname' },
        { address: '10.16.3.17', type: 'InternalIP' },
      ],
      allocatable: {
        cpu: '7910m',
        'ephemeral-storage': '18242267924',
        'hugepages-2Mi': '0',
        memory: '31482628Ki',
        pods: '58',
        'vpc.amazonaws.com/pod-eni': '38',
      },
      capacity: {
        cpu: '8',
        'ephemeral-storage': '20959212Ki',
        'hugepages-2Mi': '0',
        memory: '32408580Ki',
        pods: '58',
        'vpc.amazonaws.com/pod-eni': '38',
      },
      conditions: overrides.conditions ?? [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2025-11-20T10:31:45Z' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.27',
        kubeletVersion: 'v1.32.3-eks-473151a',
        osImage: 'Amazon Linux 2023.7.20250512',
      },
    },
  };
}

function pod(overrides: { name?: string; spec?: object; status?: object; ownerReferences?: object[] } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: '2025-11-03T08:15:00Z',
      generateName: 'api-7d9f8c6b5-',
      labels: { app: 'api', 'pod-template-hash': '7d9f8c6b5' },
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsV1: {} }],
      name: overrides.name ?? 'api-7d9f8c6b5-x2kqp',
      namespace: 'shop',
      ownerReferences: overrides.ownerReferences ?? [
        { apiVersion: 'v1', kind: 'Node', name: 'not-the-controller', uid: 'a' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9f8c6b5', controller: true, uid: 'b' },
      ],
      resourceVersion: '70000001',
      uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    },
    spec: overrides.spec ?? {
      containers: [
        { name: 'api', image: 'api:2.14.1', resources: { requests: { cpu: '250m', memory: '512Mi' } } },
        { name: 'proxy', image: 'envoy:1.34', resources: { limits: { cpu: '100m', memory: '64Mi' } } },
      ],
      initContainers: [{ name: 'migrate', image: 'api:2.14.1', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
      nodeName: 'ip-10-16-3-17.us-west-2.compute.internal',
      overhead: { cpu: '10m' },
      serviceAccountName: 'api',
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      ],
    },
    status: overrides.status ?? {
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null }],
      containerStatuses: [{ name: 'api', ready: true, restartCount: 0, state: { running: { startedAt: 'x' } } }],
      hostIP: '10.16.3.17',
      phase: 'Running',
      podIP: '10.16.40.2',
      podIPs: [{ ip: '10.16.40.2' }],
      qosClass: 'Burstable',
    },
  };
}

function daemonSet(namespace: string, name: string, containers: object[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels: { 'k8s-app': name }, generation: 3 },
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers, hostNetwork: true } },
    },
    status: { numberReady: 3 },
  };
}

const AWS_NODE = daemonSet('kube-system', 'aws-node', [
  {
    name: 'aws-node',
    image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1',
    env: [
      { name: 'ENABLE_PREFIX_DELEGATION', value: 'true' },
      { name: 'WARM_PREFIX_TARGET', value: '1' },
      { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT' },
      { name: 'MY_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ],
    resources: { requests: { cpu: '25m' } },
  },
  {
    name: 'aws-eks-nodeagent',
    image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1',
    env: [{ name: 'NOT_THE_CNI', value: 'x' }],
  },
]);

function deployment(namespace: string, name: string, image: string, env: object[] = []) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          containers: [{ name: 'controller', image, env, resources: { requests: { cpu: '1', memory: '1Gi' } } }],
        },
      },
    },
    status: { availableReplicas: 2 },
  };
}

const KARPENTER = deployment(
  'karpenter',
  'karpenter',
  'public.ecr.aws/karpenter/controller:1.5.1@sha256:8f3c1a7e2d9b4c6f0a1e5d7b9c3f2a4e6d8b0c1f3e5a7d9b2c4e6f8a0b1d3c5e',
  [
    { name: 'RESERVED_ENIS', value: '1' },
    { name: 'VM_MEMORY_OVERHEAD_PERCENT', value: '0.075' },
    { name: 'SYSTEM_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  ],
);

const NODE_POOL = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'default', uid: 'c' },
  spec: {
    disruption: {
      budgets: [{ nodes: '10%' }],
      consolidateAfter: '1m',
      consolidationPolicy: 'WhenEmptyOrUnderutilized',
    },
    limits: { cpu: '1000' },
    template: {
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
        requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] }],
        expireAfter: '720h',
      },
    },
  },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

function nodeClass(name: string, tags: Record<string, string>) {
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name },
    spec: {
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      role: 'KarpenterNodeRole-shop',
      securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'shop' } }],
      subnetSelectorTerms: [{ tags }],
    },
    status: { subnets: [] },
  };
}

const NODE_CLAIM = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodeClaim',
  metadata: {
    creationTimestamp: '2025-11-03T08:13:00Z',
    labels: {
      'karpenter.sh/capacity-type': 'spot',
      'karpenter.sh/nodepool': 'default',
      'node.kubernetes.io/instance-type': 'm6i.2xlarge',
      'topology.kubernetes.io/zone': 'us-west-2b',
    },
    name: 'default-x7k2p',
  },
  spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' }, requirements: [] },
  status: {
    allocatable: { cpu: '7910m', memory: '30Gi', pods: '58', 'vpc.amazonaws.com/pod-eni': '38' },
    nodeName: 'ip-10-16-3-17.us-west-2.compute.internal',
    providerID: 'aws:///us-west-2b/i-0123456789abcdef0',
  },
};

const SUBNETS = {
  Subnets: [
    {
      AvailabilityZone: 'us-west-2a',
      AvailabilityZoneId: 'usw2-az1',
      AvailableIpAddressCount: 8000,
      CidrBlock: '10.16.0.0/19',
      SubnetId: 'subnet-0aaa',
      VpcId: 'vpc-0123',
      Tags: [
        { Key: 'karpenter.sh/discovery', Value: 'shop' },
        { Key: 'Name', Value: 'private-a' },
      ],
    },
    {
      AvailabilityZone: 'us-west-2b',
      AvailableIpAddressCount: 12,
      CidrBlock: '10.0.1.0/24',
      SubnetId: 'subnet-0bbb',
      VpcId: 'vpc-0123',
    },
    {
      AvailabilityZone: 'us-west-2c',
      AvailableIpAddressCount: 0,
      Ipv6Native: true,
      SubnetId: 'subnet-0ccc',
      VpcId: 'vpc-0123',
    },
  ],
};

const QUOTAS = {
  Quotas: [
    { QuotaCode: 'L-1216C47A', QuotaName: 'Running On-Demand Standard instances', Value: 512.0, Unit: 'None' },
    { QuotaCode: 'L-34B43A08', QuotaName: 'All Standard Spot Instance Requests', Value: 128.0 },
  ],
};

function errorOf(action: () => void): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('ClusterBuilder: nodes', () => {
  it('maps every field of a Karpenter node', () => {
    const builder = new ClusterBuilder();
    builder.addObject(node(), item(3));
    const [read] = builder.build().nodes;
    expect(read).toEqual({
      name: 'ip-10-16-3-17.us-west-2.compute.internal',
      instanceType: 'm6i.2xlarge',
      zone: 'us-west-2b',
      capacityType: 'spot',
      nodePool: 'default',
      nodeGroup: null,
      amiFamily: 'al2023',
      osImage: 'Amazon Linux 2023.7.20250512',
      kubeletVersion: 'v1.32.3-eks-473151a',
      capacity: {
        cpuMillis: 8000,
        memoryBytes: 32408580 * 1024,
        pods: 58,
        extended: { 'ephemeral-storage': 20959212 * 1024, 'hugepages-2Mi': 0, 'vpc.amazonaws.com/pod-eni': 38 },
      },
      allocatable: {
        cpuMillis: 7910,
        memoryBytes: 31482628 * 1024,
        pods: 58,
        extended: { 'ephemeral-storage': 18242267924, 'hugepages-2Mi': 0, 'vpc.amazonaws.com/pod-eni': 38 },
      },
      providerId: 'aws:///us-west-2b/i-0123456789abcdef0',
      internalIp: '10.16.3.17',
      labels: node().metadata.labels,
      taints: [{ key: 'workload', value: 'batch', effect: 'NoSchedule' }],
      ready: true,
      unschedulable: true,
      createdAt: '2025-11-03T08:14:07Z',
      source: { file: 'cluster.json', index: 3 },
    });
  });

  it('reads a managed node group node from the beta and EKS labels, and a node that is not Ready', () => {
    const builder = new ClusterBuilder();
    builder.addObject(
      node({
        labels: {
          'beta.kubernetes.io/instance-type': 'm5.large',
          'eks.amazonaws.com/capacityType': 'ON_DEMAND',
          'eks.amazonaws.com/nodegroup': 'system',
        },
        conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }],
      }),
      item(0),
    );
    const [read] = builder.build().nodes;
    expect(read).toMatchObject({
      instanceType: 'm5.large',
      zone: null,
      capacityType: 'on-demand',
      nodePool: null,
      nodeGroup: 'system',
      ready: false,
    });
  });

  it('says nothing of the capacity type when no label does', () => {
    const builder = new ClusterBuilder();
    builder.addObject(node({ labels: { 'eks.amazonaws.com/capacityType': 'CAPACITY_BLOCK' } }), item(0));
    expect(builder.build().nodes[0]?.capacityType).toBeNull();
  });

  it.each([
    ['Amazon Linux 2023.7.20250512', 'al2023'],
    ['Amazon Linux 2', 'al2'],
    ['Bottlerocket OS 1.36.0 (aws-k8s-1.32)', 'bottlerocket'],
    ['Ubuntu 22.04.5 LTS', null],
  ])('takes the AMI family of "%s" as %s', (osImage, family) => {
    expect(amiFamilyOf(osImage)).toBe(family);
  });
});

describe('ClusterBuilder: pods', () => {
  it('keeps only what ClusterPod holds, with the scheduler effective requests', () => {
    const builder = new ClusterBuilder();
    builder.addObject(pod(), item(7));
    const [read] = builder.build().pods;
    expect(read).toEqual({
      namespace: 'shop',
      name: 'api-7d9f8c6b5-x2kqp',
      nodeName: 'ip-10-16-3-17.us-west-2.compute.internal',
      phase: 'Running',
      containerCreating: false,
      hostNetwork: false,
      podIp: '10.16.40.2',
      // max(init 1000m/1Gi, containers 350m/576Mi) plus 10m overhead.
      requests: {
        cpuMillis: 1010,
        memoryBytes: 1024 * 1024 * 1024,
        extended: new Map(),
        cpuUnset: false,
        memoryUnset: false,
      },
      owner: { kind: 'ReplicaSet', name: 'api-7d9f8c6b5' },
      labels: { app: 'api', 'pod-template-hash': '7d9f8c6b5' },
      serviceAccountName: 'api',
      unschedulable: false,
      createdAt: '2025-11-03T08:15:00Z',
      source: { file: 'cluster.json', index: 7 },
    });
  });

  it('marks a pod waiting in ContainerCreating, without an IP', () => {
    const builder = new ClusterBuilder();
    builder.addObject(
      pod({
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True' }],
          containerStatuses: [{ name: 'api', state: { waiting: { reason: 'ContainerCreating' } } }],
          hostIP: '10.16.3.17',
        },
      }),
      item(0),
    );
    expect(builder.build().pods[0]).toMatchObject({
      phase: 'Pending',
      containerCreating: true,
      podIp: null,
      unschedulable: false,
    });
  });

  it('marks a pod the scheduler could not place, and reads extended requests and bare pods', () => {
    const builder = new ClusterBuilder();
    builder.addObject(
      pod({
        ownerReferences: [],
        spec: {
          containers: [
            {
              name: 'a',
              resources: {
                requests: { 'vpc.amazonaws.com/pod-eni': '1' },
                limits: { 'vpc.amazonaws.com/pod-eni': '1' },
              },
            },
          ],
          hostNetwork: true,
          serviceAccount: 'legacy',
        },
        status: {
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' },
          ],
        },
      }),
      item(0),
    );
    expect(builder.build().pods[0]).toMatchObject({
      nodeName: null,
      hostNetwork: true,
      owner: null,
      serviceAccountName: 'legacy',
      unschedulable: true,
      requests: { cpuMillis: 0, memoryBytes: 0, extended: new Map([['vpc.amazonaws.com/pod-eni', 1]]), cpuUnset: true },
    });
  });
});

describe('ClusterBuilder: events', () => {
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    count: 14,
    eventTime: null,
    firstTimestamp: '2025-11-20T10:02:11Z',
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'api-7d9f8c6b5-x2kqp', namespace: 'shop' },
    lastTimestamp: '2025-11-20T10:29:53Z',
    message:
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1e": ' +
      'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container',
    metadata: { name: 'api-7d9f8c6b5-x2kqp.1879a0c2f5d6e0b1', namespace: 'shop' },
    reason: 'FailedCreatePodSandBox',
    source: { component: 'kubelet', host: 'ip-10-16-3-17.us-west-2.compute.internal' },
    type: 'Warning',
  };

  it('maps a v1 Event', () => {
    const builder = new ClusterBuilder();
    builder.addObject(event, item(0, 'events.json'));
    expect(builder.build().events).toEqual([
      {
        namespace: 'shop',
        objectKind: 'Pod',
        objectName: 'api-7d9f8c6b5-x2kqp',
        type: 'Warning',
        reason: 'FailedCreatePodSandBox',
        message: event.message,
        count: 14,
        lastSeen: '2025-11-20T10:29:53Z',
      },
    ]);
  });

  it('takes eventTime when there is no lastTimestamp, a count of 1 when none is given, and events.k8s.io/v1', () => {
    const builder = new ClusterBuilder();
    const { count: _, lastTimestamp: __, ...newer } = event;
    builder.addObject(
      { ...newer, eventTime: '2025-11-20T10:30:00.123456Z', metadata: { name: 'e2', namespace: 'shop' } },
      item(1),
    );
    builder.addObject(
      {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'e3', namespace: 'kube-system' },
        regarding: { kind: 'Node', name: 'ip-10-16-3-17.us-west-2.compute.internal' },
        reason: 'Ready',
        note: 'Status condition transitioned',
        type: 'Normal',
        deprecatedCount: 3,
        deprecatedFirstTimestamp: '2025-11-20T09:00:00Z',
      },
      item(2),
    );
    expect(builder.build().events.map((e) => [e.objectKind, e.count, e.lastSeen, e.message])).toEqual([
      ['Pod', 1, '2025-11-20T10:30:00.123456Z', event.message],
      ['Node', 3, '2025-11-20T09:00:00Z', 'Status condition transitioned'],
    ]);
  });
});

describe('ClusterBuilder: workloads and installs', () => {
  it('reads Deployments, StatefulSets and DaemonSets as workloads', () => {
    const builder = new ClusterBuilder();
    builder.addObject(deployment('shop', 'api', 'api:2.14.1'), item(0));
    builder.addObject(
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'postgres', namespace: 'db' },
        spec: {
          replicas: 3,
          serviceName: 'postgres',
          template: { spec: { containers: [{ name: 'pg', resources: { requests: { cpu: '2', memory: '4Gi' } } }] } },
        },
      },
      item(1),
    );
    builder.addObject(AWS_NODE, item(2));
    const { workloads } = builder.build();
    expect(workloads.map((w) => [w.kind, w.id.namespace, w.id.name, 'replicas' in w ? w.replicas : null])).toEqual([
      ['Deployment', 'shop', 'api', 2],
      ['StatefulSet', 'db', 'postgres', 3],
      ['DaemonSet', 'kube-system', 'aws-node', null],
    ]);
    expect(workloads[1]?.template.requests).toMatchObject({ cpuMillis: 2000, memoryBytes: 4 * 1024 ** 3 });
  });

  it('records the aws-node DaemonSet as the VPC CNI, from a List or on its own, once', () => {
    const builder = new ClusterBuilder();
    builder.addObject(AWS_NODE, single('aws-node.json'));
    builder.addObject(AWS_NODE, item(40));
    const state = builder.build();
    expect(state.vpcCni).toEqual({
      version: 'v1.19.2-eksbuild.1',
      env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1', AWS_VPC_K8S_CNI_EXTERNALSNAT: '' },
    });
    expect(state.workloads).toHaveLength(1);
    expect(state.read).toEqual([
      'aws-node.json: 1 daemonset; the aws-node DaemonSet (VPC CNI v1.19.2-eksbuild.1)',
      'cluster.json: 1 already read',
    ]);
  });

  it('takes a DaemonSet named aws-node elsewhere than kube-system for a workload, not the CNI', () => {
    const builder = new ClusterBuilder();
    builder.addObject({ ...AWS_NODE, metadata: { ...AWS_NODE.metadata, namespace: 'default' } }, item(0));
    expect(builder.build().vpcCni).toBeNull();
  });

  it('records the Karpenter controller Deployment: version from the image tag, settings from its env', () => {
    const builder = new ClusterBuilder();
    builder.addObject(deployment('kube-system', 'coredns', 'coredns:v1.11.4'), item(0, 'karpenter-deployment.json'));
    builder.addObject(KARPENTER, item(1, 'karpenter-deployment.json'));
    const state = builder.build();
    expect(state.karpenter).toEqual({
      version: '1.5.1',
      env: { RESERVED_ENIS: '1', VM_MEMORY_OVERHEAD_PERCENT: '0.075' },
    });
    expect(state.read).toEqual([
      'karpenter-deployment.json: 2 deployments; the Karpenter Deployment karpenter/karpenter (Karpenter 1.5.1)',
    ]);
  });

  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/karpenter:v0.37.0', '0.37.0'],
    ['public.ecr.aws/karpenter/controller@sha256:8f3c1a7e', null],
    ['registry.example.com:5000/karpenter-controller:latest', null],
  ])('reads Karpenter from %s as version %s', (image, version) => {
    const builder = new ClusterBuilder();
    builder.addObject(deployment('karpenter', 'karpenter', image), item(0));
    expect(builder.build().karpenter?.version).toBe(version);
  });

  it.each([
    ['public.ecr.aws/karpenter/controller:1.5.1@sha256:abc', 'public.ecr.aws', 'karpenter/controller', '1.5.1'],
    ['localhost:5000/karpenter:1.6.0', 'localhost:5000', 'karpenter', '1.6.0'],
    ['karpenter/controller', null, 'karpenter/controller', null],
    ['postgres:17.5', null, 'postgres', '17.5'],
  ])('splits the image %s', (image, registry, repository, tag) => {
    expect(parseImage(image)).toEqual({ registry, repository, tag });
  });
});

describe('ClusterBuilder: Karpenter resources, subnets and quotas', () => {
  it('resolves EC2NodeClass subnets against the subnets read, and reads NodePools and NodeClaims', () => {
    const builder = new ClusterBuilder();
    builder.addObject(NODE_POOL, item(0, 'karpenter.json'));
    builder.addObject(nodeClass('default', { 'karpenter.sh/discovery': 'shop' }), item(1, 'karpenter.json'));
    builder.addObject(nodeClass('other', { 'karpenter.sh/discovery': 'elsewhere' }), item(2, 'karpenter.json'));
    builder.addObject(NODE_CLAIM, item(3, 'karpenter.json'));
    builder.addSubnets(SUBNETS, single('subnets.json'));
    const state = builder.build();
    expect(state.nodeClasses.map((c) => [c.name, c.amiFamily, c.subnetIds])).toEqual([
      ['default', 'al2023', ['subnet-0aaa']],
      ['other', 'al2023', []],
    ]);
    expect(state.nodePools.map((p) => [p.name, p.nodeClass, p.limits.get('cpu')])).toEqual([
      ['default', 'default', 1_000_000],
    ]);
    expect(state.nodeClaims).toEqual([
      {
        name: 'default-x7k2p',
        nodePool: 'default',
        nodeName: 'ip-10-16-3-17.us-west-2.compute.internal',
        instanceType: 'm6i.2xlarge',
        capacityType: 'spot',
        zone: 'us-west-2b',
        allocatable: {
          cpuMillis: 7910,
          memoryBytes: 30 * 1024 ** 3,
          pods: 58,
          extended: { 'vpc.amazonaws.com/pod-eni': 38 },
        },
        createdAt: '2025-11-03T08:13:00Z',
      },
    ]);
    expect(state.read).toEqual([
      'karpenter.json: 1 NodePool, 2 EC2NodeClasses, 1 NodeClaim',
      'subnets.json: 2 subnets; 1 IPv6-only subnet left out',
    ]);
  });

  it('keeps a NodePool whose EC2NodeClass was not read', () => {
    const builder = new ClusterBuilder();
    builder.addObject(NODE_POOL, item(0));
    expect(builder.build().nodePools.map((p) => p.nodeClass)).toEqual(['default']);
  });

  it('maps subnets and quotas; quotas are null when none were read', () => {
    const builder = new ClusterBuilder();
    expect(builder.build().quotas).toBeNull();
    builder.addSubnets(SUBNETS, single('subnets.json'));
    builder.addQuotas(QUOTAS, single('quotas.json'));
    const state = builder.build();
    expect(state.subnets).toEqual([
      {
        id: 'subnet-0aaa',
        cidr: '10.16.0.0/19',
        zone: 'us-west-2a',
        availableAddresses: 8000,
        vpcId: 'vpc-0123',
        tags: { 'karpenter.sh/discovery': 'shop', Name: 'private-a' },
      },
      {
        id: 'subnet-0bbb',
        cidr: '10.0.1.0/24',
        zone: 'us-west-2b',
        availableAddresses: 12,
        vpcId: 'vpc-0123',
        tags: {},
      },
    ]);
    expect(state.quotas).toEqual([
      { code: 'L-1216C47A', name: 'Running On-Demand Standard instances', value: 512 },
      { code: 'L-34B43A08', name: 'All Standard Spot Instance Requests', value: 128 },
    ]);
  });
});

describe('ClusterBuilder: what it reads and ignores', () => {
  it('counts other kinds, and known kinds in other versions, as ignored', () => {
    const builder = new ClusterBuilder();
    builder.noteFile('empty.json');
    builder.addObject(node(), item(0));
    builder.addObject(pod(), item(1));
    builder.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' } }, item(2));
    builder.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } }, item(3));
    builder.addObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-1' } }, item(4));
    builder.addObject({ ...NODE_POOL, apiVersion: 'karpenter.sh/v1beta1' }, item(5));
    const state = builder.build();
    expect(state.read).toEqual([
      'empty.json: nothing podcap reads',
      'cluster.json: 1 node, 1 pod; ignored: Service (2), ReplicaSet (1), NodePool karpenter.sh/v1beta1 (1)',
    ]);
    expect(state.nodePools).toEqual([]);
  });

  it('says what it read instead when it read nothing a doctor checks', () => {
    const builder = new ClusterBuilder();
    builder.noteFile('empty.json');
    expect(builder.nothingRead()).toBe('nothing podcap reads');
    builder.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' } }, item(0, 'a.json'));
    builder.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }, item(1, 'a.json'));
    builder.addSubnets({ Subnets: [SUBNETS.Subnets[2]] }, single('subnets.json'));
    expect(builder.nothingRead()).toBe('nothing podcap reads (1 IPv6-only subnet left out; ignored: Service (2))');
    builder.addQuotas({ Quotas: [] }, single('quotas.json'));
    expect(builder.nothingRead()).not.toBeNull();
    builder.addQuotas(QUOTAS, single('quotas.json'));
    expect(builder.nothingRead()).toBeNull();
  });

  it('counts an object read twice once', () => {
    const builder = new ClusterBuilder();
    builder.addObject(pod(), item(0, 'a.json'));
    builder.addObject(pod(), item(0, 'b.json'));
    builder.addObject(pod({ name: 'api-7d9f8c6b5-zzzzz' }), item(1, 'b.json'));
    const state = builder.build();
    expect(state.pods.map((p) => p.name)).toEqual(['api-7d9f8c6b5-x2kqp', 'api-7d9f8c6b5-zzzzz']);
    expect(state.read).toEqual(['a.json: 1 pod', 'b.json: 1 pod, 1 already read']);
  });
});

describe('ClusterBuilder: errors name the file, the item, the field and what was expected', () => {
  it('a bad quantity in a pod of a List', () => {
    const bad = pod({ spec: { containers: [{ name: 'api', resources: { requests: { cpu: 'lots' } } }] } });
    const error = errorOf(() => new ClusterBuilder().addObject(bad, item(12)));
    expect(error.message).toBe(
      'cluster.json: Pod shop/api-7d9f8c6b5-x2kqp (document 1, items[12]): spec.containers[0].resources.requests.cpu: ' +
        'expected a Kubernetes quantity such as 250m, 512Mi or 2, got "lots"',
    );
  });

  it('a node without a name', () => {
    const { name: _, ...metadata } = node().metadata;
    const error = errorOf(() => new ClusterBuilder().addObject({ ...node(), metadata }, item(3, 'nodes.json')));
    expect(error.message).toBe(
      'nodes.json: document 1, items[3]: metadata.name: expected a string (required), got nothing',
    );
  });

  it('a node capacity that is not a quantity, a pod phase, an event type', () => {
    const badNode = node();
    badNode.status.capacity.memory = '32GB';
    expect(errorOf(() => new ClusterBuilder().addObject(badNode, item(0))).message).toContain(
      '(document 1, items[0]): status.capacity.memory: expected a Kubernetes quantity such as 250m, 512Mi or 2, got "32GB"',
    );
    expect(
      errorOf(() => new ClusterBuilder().addObject(pod({ status: { phase: 'Done' } }), item(1))).message,
    ).toContain('status.phase: expected one of Pending, Running, Succeeded, Failed, Unknown, got "Done"');
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'x' }, type: 'Error' };
    expect(errorOf(() => new ClusterBuilder().addObject(event, item(2))).message).toContain(
      'type: expected one of Normal, Warning, got "Error"',
    );
  });

  it('an item that is not an object, or has no kind', () => {
    expect(errorOf(() => new ClusterBuilder().addObject(42, item(0))).message).toBe(
      'cluster.json: document 1, items[0]: (root): expected a Kubernetes object: a mapping with apiVersion and kind, got 42',
    );
    expect(errorOf(() => new ClusterBuilder().addObject({ apiVersion: 'v1' }, single('x.json'))).message).toBe(
      'x.json: document 1: kind: expected a kind such as Pod (required), got nothing',
    );
  });

  it('a subnets response with a field of the wrong type', () => {
    const bad = { Subnets: [{ ...SUBNETS.Subnets[1], AvailableIpAddressCount: '12' }] };
    expect(errorOf(() => new ClusterBuilder().addSubnets(bad, single('subnets.json'))).message).toBe(
      'subnets.json: document 1: Subnets[0].AvailableIpAddressCount: expected a number, got "12"',
    );
  });

  it('a node without its status, capacity or allocatable, or without one of cpu, memory and pods', () => {
    const name = 'Node ip-10-16-3-17.us-west-2.compute.internal (document 1, items[4])';
    const { status: _, ...noStatus } = node();
    expect(errorOf(() => new ClusterBuilder().addObject(noStatus, item(4, 'nodes.json'))).message).toBe(
      `nodes.json: ${name}: status: expected the node's status as kubectl prints it, with capacity and allocatable, ` +
        'got nothing',
    );
    const { allocatable: __, ...noAllocatable } = node().status;
    const withoutAllocatable = { ...node(), status: noAllocatable };
    expect(errorOf(() => new ClusterBuilder().addObject(withoutAllocatable, item(4, 'nodes.json'))).message).toBe(
      `nodes.json: ${name}: status.allocatable: expected a mapping of the node's allocatable resources ` +
        '(the kubelet always reports cpu, memory and pods), got nothing',
    );
    const nullCapacity = { ...node(), status: { ...node().status, capacity: null } };
    expect(errorOf(() => new ClusterBuilder().addObject(nullCapacity, item(4, 'nodes.json'))).message).toBe(
      `nodes.json: ${name}: status.capacity: expected a mapping of the node's capacity resources ` +
        '(the kubelet always reports cpu, memory and pods), got null',
    );
    const { pods: ___, ...noPods } = node().status.allocatable;
    const withoutPods = { ...node(), status: { ...node().status, allocatable: noPods } };
    expect(errorOf(() => new ClusterBuilder().addObject(withoutPods, item(4, 'nodes.json'))).message).toBe(
      `nodes.json: ${name}: status.allocatable.pods: expected a Kubernetes quantity such as 250m, 512Mi or 2 ` +
        '(the kubelet always reports cpu, memory and pods), got nothing',
    );
  });

  it('a label value that is not a string, without the YAML advice of the scenario input', () => {
    const labels = { 'node.kubernetes.io/instance-type': 'm5.large', rack: 3 } as unknown as Record<string, string>;
    expect(errorOf(() => new ClusterBuilder().addObject(node({ labels }), item(0, 'nodes.json'))).message).toBe(
      'nodes.json: Node ip-10-16-3-17.us-west-2.compute.internal (document 1, items[0]): metadata.labels.rack: ' +
        'expected a string, got 3',
    );
  });

  it('control characters from the export, escaped in messages and read lines', () => {
    const evil = node({ name: '\u001b]0;pwned\u0007' });
    const { creationTimestamp: _, ...metadata } = evil.metadata;
    expect(errorOf(() => new ClusterBuilder().addObject({ ...evil, metadata }, item(0, 'nodes.json'))).message).toBe(
      'nodes.json: Node \\x1b]0;pwned\\x07 (document 1, items[0]): metadata.creationTimestamp: ' +
        'expected a string (required), got nothing',
    );
    const builder = new ClusterBuilder();
    builder.addObject(
      { apiVersion: 'v1', kind: '\u001b[2JService\u202e', metadata: { name: 'x' } },
      item(0, 'a\u0007.json'),
    );
    expect(builder.build().read).toEqual(['a\\x07.json: ignored: \\x1b[2JService\\u202e (1)']);
  });

  it.each([
    [
      'more addresses free than the block holds',
      { AvailableIpAddressCount: 100_000, CidrBlock: '10.0.0.0/22' },
      'Subnets[0].AvailableIpAddressCount: expected at most 1019, the usable addresses of 10.0.0.0/22 ' +
        '(1024 less the 5 AWS reserves), got 100000',
    ],
    [
      'a prefix length past /32',
      { CidrBlock: '10.0.0.0/33' },
      'Subnets[0].CidrBlock: expected an IPv4 CIDR block from /16 to /28 as AWS allows for a subnet, ' +
        'such as 10.0.0.0/19, got "10.0.0.0/33"',
    ],
    [
      'a block larger than a subnet can be',
      { CidrBlock: '10.0.0.0/8' },
      'Subnets[0].CidrBlock: expected an IPv4 CIDR block from /16 to /28 as AWS allows for a subnet, ' +
        'such as 10.0.0.0/19, got "10.0.0.0/8"',
    ],
    [
      'an IPv6 block where EC2 prints the IPv4 one',
      { CidrBlock: '2001:db8::/64' },
      'Subnets[0].CidrBlock: expected an IPv4 CIDR block from /16 to /28 as AWS allows for a subnet, ' +
        'such as 10.0.0.0/19, got "2001:db8::/64"',
    ],
    [
      'host bits below the prefix',
      { CidrBlock: '10.0.1.7/24' },
      'Subnets[0].CidrBlock: expected a network address without host bits (10.0.1.0/24), got "10.0.1.7/24"',
    ],
    [
      'no IPv4 block on a subnet that is not IPv6-only',
      { CidrBlock: undefined, Ipv6Native: false },
      'Subnets[0].CidrBlock: expected an IPv4 CIDR block from /16 to /28 as AWS allows for a subnet, ' +
        'such as 10.0.0.0/19 (required unless the subnet is IPv6-only: Ipv6Native true), got nothing',
    ],
  ])('a subnet with %s', (_, fields, message) => {
    const bad = { Subnets: [{ ...SUBNETS.Subnets[1], ...fields }] };
    expect(errorOf(() => new ClusterBuilder().addSubnets(bad, single('subnets.json'))).message).toBe(
      `subnets.json: document 1: ${message}`,
    );
  });

  it('leaves out an IPv6-only subnet told by its IPv6 block when Ipv6Native is not printed', () => {
    const builder = new ClusterBuilder();
    const ipv6Only = {
      AvailabilityZone: 'us-west-2a',
      AvailableIpAddressCount: 0,
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f14:abc:de00::/64', AssociationId: 'subnet-cidr-assoc-1' }],
      SubnetId: 'subnet-0ddd',
      VpcId: 'vpc-0123',
    };
    builder.addSubnets({ Subnets: [SUBNETS.Subnets[1], ipv6Only] }, single('subnets.json'));
    expect(builder.build().read).toEqual(['subnets.json: 1 subnet; 1 IPv6-only subnet left out']);
  });

  it('a quotas response without its list', () => {
    expect(errorOf(() => new ClusterBuilder().addQuotas({ NextToken: 'x' }, single('quotas.json'))).message).toBe(
      'quotas.json: document 1: Quotas: expected a list (required), got nothing',
    );
  });
});
