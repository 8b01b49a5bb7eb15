/**
 * A generator of realistic cluster exports, as `podcap doctor --print-collect` writes them: kubectl's
 * JSON (4-space indent, managedFields, annotations, conditions, container statuses) and the AWS CLI's.
 * Deterministic: the same sizes give the same files. The big List is written as a stream, item by item,
 * so 150,000 pods are never one string here either. Self-contained (Node built-ins only), so that
 * bench/doctor-read.js can compile this file alone.
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ClusterExportOptions {
  readonly nodes: number;
  /** All pods, DaemonSet pods (three a node) included; the rest are Deployment and StatefulSet replicas. */
  readonly pods: number;
}

/** What was written, for tests to compare with what is read. */
export interface ClusterExportSummary {
  readonly files: readonly string[];
  readonly bytes: number;
  readonly nodes: number;
  readonly pods: number;
  readonly deployments: number;
  readonly statefulsets: number;
  readonly daemonsets: number;
  readonly events: number;
  /** Pods in ContainerCreating without an IP, each with a FailedCreatePodSandBox event. */
  readonly stuckPods: number;
  /** Pods Pending with PodScheduled False (Unschedulable), each with a FailedScheduling event. */
  readonly unschedulablePods: number;
  readonly nodePools: number;
  readonly nodeClasses: number;
  readonly nodeClaims: number;
  readonly subnets: number;
  readonly quotas: number;
}

export const EXPORT_FILES = {
  cluster: 'nodes-pods-workloads.json',
  karpenter: 'karpenter.json',
  events: 'events.json',
  awsNode: 'aws-node.json',
  karpenterDeployment: 'karpenter-deployment.json',
  subnets: 'subnets.json',
  quotas: 'quotas.json',
  securityGroupPolicies: 'securitygrouppolicies.json',
} as const;

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

const ZONES = ['us-west-2a', 'us-west-2b', 'us-west-2c'] as const;
const ZONE_IDS = ['usw2-az1', 'usw2-az2', 'usw2-az3'] as const;
const VPC_ID = 'vpc-0a1b2c3d4e5f60718';
const CLUSTER = 'shop-prod';
const CREATED = '2025-11-03T08:14:07Z';
const CNI_IMAGE = '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1';
const KARPENTER_IMAGE =
  'public.ecr.aws/karpenter/controller:1.5.1@sha256:8f3c1a7e2d9b4c6f0a1e5d7b9c3f2a4e6d8b0c1f3e5a7d9b2c4e6f8a0b1d3c5e';

interface Fleet {
  readonly instanceType: string;
  readonly arch: 'amd64' | 'arm64';
  readonly cpu: number;
  readonly memoryKi: number;
  readonly maxPods: number;
  readonly osImage: string;
  readonly kubelet: string;
  readonly nodeGroup: string | null;
  readonly nodePool: string | null;
  readonly capacityType: 'on-demand' | 'spot';
}

/** Two managed node groups and two NodePools; AL2023, AL2 and Bottlerocket. */
const FLEETS: readonly Fleet[] = [
  {
    instanceType: 'm5.large',
    arch: 'amd64',
    cpu: 2,
    memoryKi: 7902360,
    maxPods: 29,
    osImage: 'Amazon Linux 2023.7.20250512',
    kubelet: 'v1.32.3-eks-473151a',
    nodeGroup: 'system',
    nodePool: null,
    capacityType: 'on-demand',
  },
  {
    instanceType: 'm5.xlarge',
    arch: 'amd64',
    cpu: 4,
    memoryKi: 15896988,
    maxPods: 58,
    osImage: 'Amazon Linux 2',
    kubelet: 'v1.32.3-eks-473151a',
    nodeGroup: 'general',
    nodePool: null,
    capacityType: 'on-demand',
  },
  {
    instanceType: 'm6i.2xlarge',
    arch: 'amd64',
    cpu: 8,
    memoryKi: 32408580,
    maxPods: 58,
    osImage: 'Amazon Linux 2023.7.20250512',
    kubelet: 'v1.32.3-eks-473151a',
    nodeGroup: null,
    nodePool: 'default',
    capacityType: 'on-demand',
  },
  {
    instanceType: 'c6g.xlarge',
    arch: 'arm64',
    cpu: 4,
    memoryKi: 7949016,
    maxPods: 58,
    osImage: 'Bottlerocket OS 1.36.0 (aws-k8s-1.32)',
    kubelet: 'v1.32.3-eks-7b1a2c4',
    nodeGroup: null,
    nodePool: 'spot',
    capacityType: 'spot',
  },
];

function hex(n: number, width: number): string {
  // A fixed odd multiplier spreads consecutive indexes over the digits, deterministically.
  return (((n + 1) * 2654435761) >>> 0)
    .toString(16)
    .padStart(8, '0')
    .repeat(Math.ceil(width / 8))
    .slice(0, width);
}

function uid(n: number): string {
  const h = hex(n, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The address at an offset in a zone's /16 (10.<zone+16>.0.0/16). */
function address(zone: number, offset: number): string {
  const host = offset % 65_000;
  return `10.${16 + zone}.${Math.floor(host / 256)}.${host % 256}`;
}

/** Nodes take the first addresses of their zone's subnet, pods those from 4096 on. */
const POD_ADDRESS_OFFSET = 4096;

interface NodeInfo {
  readonly name: string;
  readonly index: number;
  readonly zone: number;
  readonly ip: string;
  readonly fleet: Fleet;
  readonly instanceId: string;
}

function nodeInfo(index: number): NodeInfo {
  const zone = index % ZONES.length;
  const fleet = FLEETS[index % FLEETS.length] as Fleet;
  const ip = address(zone, 10 + Math.floor(index / ZONES.length));
  return {
    name: `ip-${ip.replaceAll('.', '-')}.us-west-2.compute.internal`,
    index,
    zone,
    ip,
    fleet,
    instanceId: `i-0${hex(index, 16)}`,
  };
}

/** kube-reserved of the EKS AMIs: 255Mi + 11Mi a pod, and 6/1/0.5/0.25 % of the cores; eviction 100Mi. */
function allocatable(fleet: Fleet): { cpu: string; memory: string } {
  const cores = [0.06, 0.01, 0.005, 0.005].slice(0, fleet.cpu).reduce((a, b) => a + b, 0);
  const extra = Math.max(0, fleet.cpu - 4) * 0.0025;
  const cpuMillis = fleet.cpu * 1000 - Math.round((cores + extra) * 1000);
  const memoryKi = fleet.memoryKi - (255 + 11 * fleet.maxPods) * 1024 - 100 * 1024;
  return { cpu: `${cpuMillis}m`, memory: `${memoryKi}Ki` };
}

function managedField(manager: string, fields: JsonObject, subresource?: string): JsonObject {
  return {
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    manager,
    operation: 'Update',
    ...(subresource === undefined ? {} : { subresource }),
    time: CREATED,
  };
}

function nodeObject(node: NodeInfo): JsonObject {
  const { fleet } = node;
  const zone = ZONES[node.zone] as string;
  const launcher: Record<string, string> =
    fleet.nodeGroup !== null
      ? {
          'eks.amazonaws.com/capacityType': fleet.capacityType === 'spot' ? 'SPOT' : 'ON_DEMAND',
          'eks.amazonaws.com/nodegroup': fleet.nodeGroup,
          'eks.amazonaws.com/nodegroup-image': 'ami-0c2d3e4f5a6b7c8d9',
          'eks.amazonaws.com/sourceLaunchTemplateId': 'lt-0a1b2c3d4e5f60718',
          'eks.amazonaws.com/sourceLaunchTemplateVersion': '1',
        }
      : {
          'karpenter.k8s.aws/ec2nodeclass': fleet.nodePool ?? '',
          'karpenter.k8s.aws/instance-category': fleet.instanceType.slice(0, 1),
          'karpenter.k8s.aws/instance-cpu': String(fleet.cpu),
          'karpenter.k8s.aws/instance-family': fleet.instanceType.split('.')[0] ?? '',
          'karpenter.k8s.aws/instance-generation': fleet.instanceType.slice(1, 2),
          'karpenter.k8s.aws/instance-memory': String(Math.round(fleet.memoryKi / 1024 / 1024) * 1024),
          'karpenter.k8s.aws/instance-size': fleet.instanceType.split('.')[1] ?? '',
          'karpenter.sh/capacity-type': fleet.capacityType,
          'karpenter.sh/initialized': 'true',
          'karpenter.sh/nodepool': fleet.nodePool ?? '',
          'karpenter.sh/registered': 'true',
        };
  const capacity = {
    cpu: String(fleet.cpu),
    'ephemeral-storage': '20959212Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${fleet.memoryKi}Ki`,
    pods: String(fleet.maxPods),
  };
  const condition = (type: string, status: string, reason: string, message: string): JsonObject => ({
    lastHeartbeatTime: '2025-11-20T10:31:45Z',
    lastTransitionTime: CREATED,
    message,
    reason,
    status,
    type,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': node.ip,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: CREATED,
      labels: {
        'beta.kubernetes.io/arch': fleet.arch,
        'beta.kubernetes.io/instance-type': fleet.instanceType,
        'beta.kubernetes.io/os': 'linux',
        'failure-domain.beta.kubernetes.io/region': 'us-west-2',
        'failure-domain.beta.kubernetes.io/zone': zone,
        'k8s.io/cloud-provider-aws': 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        'kubernetes.io/arch': fleet.arch,
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': fleet.instanceType,
        'topology.ebs.csi.aws.com/zone': zone,
        'topology.k8s.aws/zone-id': ZONE_IDS[node.zone] as string,
        'topology.kubernetes.io/region': 'us-west-2',
        'topology.kubernetes.io/zone': zone,
        ...launcher,
      },
      managedFields: [
        managedField('kubelet', {
          'f:metadata': { 'f:annotations': { '.': {}, 'f:alpha.kubernetes.io/provided-node-ip': {} } },
          'f:spec': { 'f:providerID': {} },
        }),
        managedField(
          'kubelet',
          { 'f:status': { 'f:allocatable': { 'f:memory': {} }, 'f:conditions': { 'k:{"type":"Ready"}': {} } } },
          'status',
        ),
      ],
      name: node.name,
      resourceVersion: String(90_000_000 + node.index),
      uid: uid(node.index),
    },
    spec: {
      providerID: `aws:///${zone}/${node.instanceId}`,
      ...(fleet.capacityType === 'spot' ? { taints: [{ effect: 'NoSchedule', key: 'workload', value: 'batch' }] } : {}),
    },
    status: {
      addresses: [
        { address: node.ip, type: 'InternalIP' },
        { address: node.name, type: 'InternalDNS' },
        { address: node.name, type: 'Hostname' },
      ],
      allocatable: { ...capacity, ...allocatable(fleet), 'ephemeral-storage': '18242267924' },
      capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [
        { names: [CNI_IMAGE], sizeBytes: 48_345_678 },
        {
          names: ['602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.32.0-minimal-eksbuild.2'],
          sizeBytes: 35_123_456,
        },
        { names: ['123456789012.dkr.ecr.us-west-2.amazonaws.com/shop/api:2.14.1'], sizeBytes: 98_765_432 },
      ],
      nodeInfo: {
        architecture: fleet.arch,
        bootID: uid(node.index + 7),
        containerRuntimeVersion: 'containerd://1.7.27',
        kernelVersion: '6.1.134-152.225.amzn2023.x86_64',
        kubeProxyVersion: fleet.kubelet,
        kubeletVersion: fleet.kubelet,
        machineID: hex(node.index + 11, 32),
        operatingSystem: 'linux',
        osImage: fleet.osImage,
        systemUUID: uid(node.index + 13),
      },
    },
  };
}

type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

interface WorkloadPlan {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly image: string;
  readonly cpu: string;
  readonly memory: string;
  readonly hostNetwork: boolean;
  readonly env: readonly JsonObject[];
  readonly serviceAccount: string;
}

const AWS_NODE_ENV: readonly JsonObject[] = [
  { name: 'ADDITIONAL_ENI_TAGS', value: '{}' },
  { name: 'ANNOTATE_POD_IP', value: 'false' },
  { name: 'AWS_VPC_CNI_NODE_PORT_SUPPORT', value: 'true' },
  { name: 'AWS_VPC_ENI_MTU', value: '9001' },
  { name: 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', value: 'false' },
  { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT', value: 'false' },
  { name: 'AWS_VPC_K8S_CNI_LOGLEVEL', value: 'DEBUG' },
  { name: 'ENABLE_POD_ENI', value: 'false' },
  { name: 'ENABLE_PREFIX_DELEGATION', value: 'false' },
  { name: 'WARM_ENI_TARGET', value: '1' },
  { name: 'WARM_PREFIX_TARGET', value: '1' },
  { name: 'MY_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
  { name: 'MY_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
];

const KARPENTER_ENV: readonly JsonObject[] = [
  { name: 'KUBERNETES_MIN_VERSION', value: '1.19.0-0' },
  { name: 'KARPENTER_SERVICE', value: 'karpenter' },
  { name: 'WEBHOOK_PORT', value: '8443' },
  { name: 'METRICS_PORT', value: '8080' },
  { name: 'HEALTH_PROBE_PORT', value: '8081' },
  { name: 'SYSTEM_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
  {
    name: 'MEMORY_LIMIT',
    valueFrom: { resourceFieldRef: { containerName: 'controller', divisor: '0', resource: 'limits.memory' } },
  },
  { name: 'FEATURE_GATES', value: 'SpotToSpotConsolidation=false,NodeRepair=false,ReservedCapacity=false' },
  { name: 'BATCH_MAX_DURATION', value: '10s' },
  { name: 'BATCH_IDLE_DURATION', value: '1s' },
  { name: 'CLUSTER_NAME', value: CLUSTER },
  { name: 'CLUSTER_ENDPOINT', value: 'https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-west-2.eks.amazonaws.com' },
  { name: 'VM_MEMORY_OVERHEAD_PERCENT', value: '0.075' },
  { name: 'RESERVED_ENIS', value: '0' },
];

const APP_REPLICAS = 200;

function workloadPlans(options: ClusterExportOptions): WorkloadPlan[] {
  const fixed: WorkloadPlan[] = [
    {
      kind: 'DaemonSet',
      namespace: 'kube-system',
      name: 'aws-node',
      replicas: options.nodes,
      image: CNI_IMAGE,
      cpu: '25m',
      memory: '0',
      hostNetwork: true,
      env: AWS_NODE_ENV,
      serviceAccount: 'aws-node',
    },
    {
      kind: 'DaemonSet',
      namespace: 'kube-system',
      name: 'kube-proxy',
      replicas: options.nodes,
      image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.32.0-minimal-eksbuild.2',
      cpu: '100m',
      memory: '0',
      hostNetwork: true,
      env: [],
      serviceAccount: 'kube-proxy',
    },
    {
      kind: 'DaemonSet',
      namespace: 'monitoring',
      name: 'node-exporter',
      replicas: options.nodes,
      image: 'quay.io/prometheus/node-exporter:v1.9.1',
      cpu: '50m',
      memory: '64Mi',
      hostNetwork: false,
      env: [],
      serviceAccount: 'node-exporter',
    },
    {
      kind: 'Deployment',
      namespace: 'kube-system',
      name: 'coredns',
      replicas: 2,
      image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2',
      cpu: '100m',
      memory: '70Mi',
      hostNetwork: false,
      env: [],
      serviceAccount: 'coredns',
    },
    {
      kind: 'Deployment',
      namespace: 'karpenter',
      name: 'karpenter',
      replicas: 2,
      image: KARPENTER_IMAGE,
      cpu: '1',
      memory: '1Gi',
      hostNetwork: false,
      env: KARPENTER_ENV,
      serviceAccount: 'karpenter',
    },
    {
      kind: 'StatefulSet',
      namespace: 'db',
      name: 'postgres',
      replicas: 3,
      image: 'postgres:17.5',
      cpu: '2',
      memory: '4Gi',
      hostNetwork: false,
      env: [{ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }],
      serviceAccount: 'default',
    },
  ];
  const fixedPods = fixed.reduce((sum, w) => sum + w.replicas, 0);
  const apps = Math.ceil(Math.max(0, options.pods - fixedPods) / APP_REPLICAS);
  const appPlans = Array.from(
    { length: apps },
    (_, k): WorkloadPlan => ({
      kind: 'Deployment',
      namespace: 'shop',
      name: `api-${k}`,
      replicas: APP_REPLICAS,
      image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/shop/api:2.14.1',
      cpu: `${100 + (k % 8) * 50}m`,
      memory: `${256 + (k % 4) * 128}Mi`,
      hostNetwork: false,
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      serviceAccount: 'api',
    }),
  );
  return [...fixed, ...appPlans];
}

function templateHash(plan: WorkloadPlan): string {
  return hex(plan.name.length * 977 + plan.namespace.length, 10).replace(/[0-3]/g, 'b');
}

function containerSpec(plan: WorkloadPlan): JsonObject {
  return {
    env: plan.env,
    image: plan.image,
    imagePullPolicy: 'IfNotPresent',
    name: plan.name === 'karpenter' ? 'controller' : plan.name,
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    resources: {
      requests: { cpu: plan.cpu, memory: plan.memory },
      ...(plan.memory === '0' ? {} : { limits: { memory: plan.memory } }),
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function workloadObject(plan: WorkloadPlan, index: number): JsonObject {
  const labels = { 'app.kubernetes.io/name': plan.name, 'app.kubernetes.io/instance': plan.name };
  const template = {
    metadata: { labels },
    spec: {
      containers: [containerSpec(plan)],
      ...(plan.name === 'aws-node'
        ? {
            initContainers: [
              {
                image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni-init:v1.19.2-eksbuild.1',
                name: 'aws-vpc-cni-init',
                resources: { requests: { cpu: '25m' } },
              },
            ],
          }
        : {}),
      dnsPolicy: 'ClusterFirst',
      hostNetwork: plan.hostNetwork,
      priorityClassName: plan.namespace === 'kube-system' ? 'system-node-critical' : '',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: plan.serviceAccount,
      terminationGracePeriodSeconds: 30,
      tolerations: plan.kind === 'DaemonSet' ? [{ operator: 'Exists' }] : [],
    },
  };
  const spec: JsonObject =
    plan.kind === 'DaemonSet'
      ? { revisionHistoryLimit: 10, selector: { matchLabels: labels }, template }
      : {
          replicas: plan.replicas,
          revisionHistoryLimit: 10,
          selector: { matchLabels: labels },
          ...(plan.kind === 'StatefulSet' ? { serviceName: plan.name, podManagementPolicy: 'OrderedReady' } : {}),
          template,
        };
  const status: JsonObject =
    plan.kind === 'DaemonSet'
      ? {
          currentNumberScheduled: plan.replicas,
          desiredNumberScheduled: plan.replicas,
          numberAvailable: plan.replicas,
          numberMisscheduled: 0,
          numberReady: plan.replicas,
          observedGeneration: 3,
          updatedNumberScheduled: plan.replicas,
        }
      : {
          availableReplicas: plan.replicas,
          observedGeneration: 3,
          readyReplicas: plan.replicas,
          replicas: plan.replicas,
          updatedReplicas: plan.replicas,
        };
  return {
    apiVersion: 'apps/v1',
    kind: plan.kind,
    metadata: {
      annotations: { 'deprecated.daemonset.template.generation': '3', 'meta.helm.sh/release-name': plan.name },
      creationTimestamp: CREATED,
      generation: 3,
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm' },
      name: plan.name,
      namespace: plan.namespace,
      resourceVersion: String(80_000_000 + index),
      uid: uid(1_000_000 + index),
    },
    spec,
    status,
  };
}

type PodState = 'running' | 'stuck' | 'unschedulable';

interface PodPlan {
  readonly plan: WorkloadPlan;
  readonly replica: number;
  readonly node: NodeInfo | null;
  readonly state: PodState;
  readonly serial: number;
}

/** The five characters Kubernetes appends to a generated name (apimachinery rand.String's alphabet). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A distinct suffix for each replica below 27⁵: 7919 is prime to 27⁵, so the product never repeats. */
function podSuffix(replica: number): string {
  let n = ((replica + 1) * 7919) % NAME_ALPHABET.length ** 5;
  let text = '';
  for (let i = 0; i < 5; i += 1) {
    text += NAME_ALPHABET[n % NAME_ALPHABET.length];
    n = Math.floor(n / NAME_ALPHABET.length);
  }
  return text;
}

function podName(pod: PodPlan): string {
  const { plan, replica } = pod;
  if (plan.kind === 'StatefulSet') return `${plan.name}-${replica}`;
  const suffix = podSuffix(replica);
  return plan.kind === 'DaemonSet' ? `${plan.name}-${suffix}` : `${plan.name}-${templateHash(plan)}-${suffix}`;
}

function podObject(pod: PodPlan): JsonObject {
  const { plan, node, state } = pod;
  const name = podName(pod);
  const owner =
    plan.kind === 'Deployment'
      ? { kind: 'ReplicaSet', name: `${plan.name}-${templateHash(plan)}` }
      : { kind: plan.kind, name: plan.name };
  const podIp =
    state !== 'running' || node === null
      ? null
      : plan.hostNetwork
        ? node.ip
        : address(node.zone, POD_ADDRESS_OFFSET + Math.floor(pod.serial / ZONES.length));
  const scheduled: JsonObject =
    state === 'unschedulable'
      ? {
          lastProbeTime: null,
          lastTransitionTime: CREATED,
          message: '0/12 nodes are available: 12 Too many pods.',
          reason: 'Unschedulable',
          status: 'False',
          type: 'PodScheduled',
        }
      : { lastProbeTime: null, lastTransitionTime: CREATED, status: 'True', type: 'PodScheduled' };
  const containerState: JsonObject =
    state === 'running'
      ? { running: { startedAt: CREATED } }
      : { waiting: { reason: state === 'stuck' ? 'ContainerCreating' : 'Pending' } };
  const container = containerSpec(plan);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-11-02T16:40:00Z' },
      creationTimestamp: CREATED,
      generateName: `${owner.name}-`,
      labels: {
        'app.kubernetes.io/name': plan.name,
        'app.kubernetes.io/instance': plan.name,
        ...(plan.kind === 'Deployment' ? { 'pod-template-hash': templateHash(plan) } : {}),
      },
      managedFields: [
        managedField('kube-controller-manager', {
          'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {} }, 'f:ownerReferences': { '.': {} } },
          'f:spec': { 'f:containers': { [`k:{"name":"${container.name}"}`]: { '.': {}, 'f:image': {} } } },
        }),
        managedField(
          'kubelet',
          { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {} } }, 'f:podIP': {} } },
          'status',
        ),
      ],
      name,
      namespace: plan.namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: owner.kind,
          name: owner.name,
          uid: uid(2_000_000 + plan.name.length),
        },
      ],
      resourceVersion: String(70_000_000 + pod.serial),
      uid: uid(3_000_000 + pod.serial),
    },
    spec: {
      containers: [
        {
          ...container,
          volumeMounts: [
            { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true },
          ],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      hostNetwork: plan.hostNetwork,
      ...(node === null ? {} : { nodeName: node.name }),
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: plan.serviceAccount,
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token' } }] },
        },
      ],
    },
    status: {
      conditions: [
        ...(state === 'unschedulable'
          ? []
          : [
              { lastProbeTime: null, lastTransitionTime: CREATED, status: 'True', type: 'Initialized' },
              {
                lastProbeTime: null,
                lastTransitionTime: CREATED,
                status: state === 'running' ? 'True' : 'False',
                type: 'Ready',
              },
            ]),
        scheduled,
      ],
      ...(node === null
        ? {}
        : {
            containerStatuses: [
              {
                image: plan.image,
                imageID: '',
                lastState: {},
                name: container.name as string,
                ready: state === 'running',
                restartCount: 0,
                started: state === 'running',
                state: containerState,
              },
            ],
            hostIP: node.ip,
            hostIPs: [{ ip: node.ip }],
          }),
      phase: state === 'running' ? 'Running' : 'Pending',
      ...(podIp === null ? {} : { podIP: podIp, podIPs: [{ ip: podIp }] }),
      qosClass: 'Burstable',
      startTime: CREATED,
    },
  };
}

/** Every pod of the export in kubectl's order, with where it runs and how it is doing. */
function* podPlans(options: ClusterExportOptions, plans: readonly WorkloadPlan[]): Generator<PodPlan> {
  let serial = 0;
  let placed = 0;
  for (const plan of plans) {
    for (let replica = 0; replica < plan.replicas; replica += 1) {
      if (serial >= options.pods) return;
      const isApp = plan.namespace === 'shop';
      // One app pod in a hundred has no IP, one in a hundred more cannot be scheduled.
      const state: PodState = !isApp
        ? 'running'
        : serial % 100 === 37
          ? 'stuck'
          : serial % 100 === 73
            ? 'unschedulable'
            : 'running';
      const nodeIndex = plan.kind === 'DaemonSet' ? replica : placed++ % options.nodes;
      const node = state === 'unschedulable' ? null : nodeInfo(nodeIndex);
      yield { plan, replica, node, state, serial };
      serial += 1;
    }
  }
}

/** A file written as kubectl writes a List, with a buffer of its own so writes stay few and large. */
class ListWriter {
  private buffer = '';
  private count = 0;
  bytes = 0;

  private constructor(private readonly stream: WriteStream) {}

  static async open(path: string): Promise<ListWriter> {
    const stream = createWriteStream(path);
    await once(stream, 'open');
    const writer = new ListWriter(stream);
    writer.buffer = '{\n    "apiVersion": "v1",\n    "items": [';
    return writer;
  }

  async add(item: JsonObject): Promise<void> {
    const text = JSON.stringify(item, null, 4).replaceAll('\n', '\n        ');
    this.buffer += `${this.count === 0 ? '' : ','}\n        ${text}`;
    this.count += 1;
    if (this.buffer.length > 256 * 1024) await this.flush();
  }

  async close(): Promise<void> {
    this.buffer += `${this.count === 0 ? '' : '\n    '}],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n`;
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }

  private async flush(): Promise<void> {
    const text = this.buffer;
    this.buffer = '';
    this.bytes += Buffer.byteLength(text);
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
}

async function writeJson(path: string, value: Json): Promise<number> {
  const text = `${JSON.stringify(value, null, 4)}\n`;
  await writeFile(path, text);
  return Buffer.byteLength(text);
}

function eventObject(serial: number, namespace: string, kind: string, name: string, fields: JsonObject): JsonObject {
  return {
    apiVersion: 'v1',
    count: 1,
    eventTime: null,
    firstTimestamp: '2025-11-20T10:02:11Z',
    involvedObject: { apiVersion: 'v1', kind, name, namespace, resourceVersion: String(serial), uid: uid(serial) },
    kind: 'Event',
    lastTimestamp: '2025-11-20T10:29:53Z',
    metadata: {
      creationTimestamp: '2025-11-20T10:02:11Z',
      name: `${name}.${hex(serial, 16)}`,
      namespace,
      resourceVersion: String(95_000_000 + serial),
      uid: uid(4_000_000 + serial),
    },
    reportingComponent: 'kubelet',
    reportingInstance: '',
    source: { component: 'kubelet' },
    ...fields,
  };
}

/** The CNI's words when ipamd has no address for a pod (amazon-vpc-cni-k8s cmd/routed-eni-cni-plugin). */
function sandboxMessage(pod: string): string {
  const sandbox = hex(pod.length * 7919, 64);
  return (
    `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox ` +
    `"${sandbox}": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: Error received from AddNetwork ` +
    `gRPC call for container ${sandbox}: rpc error: code = Unknown desc = failed to assign an IP address to container`
  );
}

function karpenterObjects(nodes: readonly NodeInfo[]): JsonObject[] {
  const nodePool = (name: string, capacityType: string, family: string, weight: number): JsonObject => ({
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { creationTimestamp: CREATED, generation: 1, name, resourceVersion: '1200', uid: uid(name.length) },
    spec: {
      disruption: {
        budgets: [{ nodes: '10%' }],
        consolidateAfter: '1m',
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
      },
      limits: { cpu: '4000', memory: '16000Gi' },
      template: {
        metadata: { labels: { 'shop.example.com/pool': name } },
        spec: {
          expireAfter: '720h',
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name },
          requirements: [
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: [capacityType] },
            { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [family] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ],
          ...(capacityType === 'spot' ? { taints: [{ effect: 'NoSchedule', key: 'workload', value: 'batch' }] } : {}),
        },
      },
      weight,
    },
    status: {
      conditions: [{ lastTransitionTime: CREATED, message: '', reason: 'Ready', status: 'True', type: 'Ready' }],
    },
  });
  const nodeClass = (name: string, alias: string): JsonObject => ({
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: {
      creationTimestamp: CREATED,
      finalizers: ['karpenter.k8s.aws/termination'],
      name,
      uid: uid(name.length + 50),
    },
    spec: {
      amiSelectorTerms: [{ alias }],
      kubelet: { maxPods: 58 },
      metadataOptions: { httpEndpoint: 'enabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      role: `KarpenterNodeRole-${CLUSTER}`,
      securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': CLUSTER } }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': CLUSTER } }],
    },
    status: {
      subnets: ZONES.map((zone, z) => ({ id: `subnet-0${hex(z, 16)}`, zone, zoneID: ZONE_IDS[z] as string })),
    },
  });
  const claims = nodes
    .filter((node) => node.fleet.nodePool !== null)
    .map(
      (node): JsonObject => ({
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodeClaim',
        metadata: {
          creationTimestamp: CREATED,
          labels: {
            'karpenter.sh/capacity-type': node.fleet.capacityType,
            'karpenter.sh/nodepool': node.fleet.nodePool ?? '',
            'node.kubernetes.io/instance-type': node.fleet.instanceType,
            'topology.kubernetes.io/zone': ZONES[node.zone] as string,
          },
          name: `${node.fleet.nodePool}-${hex(node.index, 5)}`,
          uid: uid(5_000_000 + node.index),
        },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: node.fleet.nodePool ?? '' },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [node.fleet.instanceType] },
          ],
        },
        status: {
          allocatable: {
            cpu: allocatable(node.fleet).cpu,
            'ephemeral-storage': '17Gi',
            memory: `${Math.round((node.fleet.memoryKi * 1.02) / 1024)}Mi`,
            pods: String(node.fleet.maxPods),
          },
          capacity: {
            cpu: String(node.fleet.cpu),
            memory: `${node.fleet.memoryKi}Ki`,
            pods: String(node.fleet.maxPods),
          },
          nodeName: node.name,
          providerID: `aws:///${ZONES[node.zone]}/${node.instanceId}`,
        },
      }),
    );
  return [
    nodePool('default', 'on-demand', 'm6i', 10),
    nodePool('spot', 'spot', 'c6g', 50),
    nodeClass('default', 'al2023@latest'),
    nodeClass('spot', 'bottlerocket@latest'),
    ...claims,
  ];
}

/** Writes an export of the given size into the folder (created if missing). */
export async function writeClusterExport(folder: string, options: ClusterExportOptions): Promise<ClusterExportSummary> {
  await mkdir(folder, { recursive: true });
  const path = (name: string): string => join(folder, name);
  const plans = workloadPlans(options);
  const nodes = Array.from({ length: options.nodes }, (_, i) => nodeInfo(i));
  let bytes = 0;

  const cluster = await ListWriter.open(path(EXPORT_FILES.cluster));
  for (const node of nodes) await cluster.add(nodeObject(node));
  const eventful: PodPlan[] = [];
  let pods = 0;
  let usedAddresses = 0;
  for (const pod of podPlans(options, plans)) {
    await cluster.add(podObject(pod));
    pods += 1;
    if (pod.state !== 'running') eventful.push(pod);
    if (pod.state === 'running' && !pod.plan.hostNetwork) usedAddresses += 1;
  }
  const byKind = (kind: WorkloadKind): WorkloadPlan[] => plans.filter((p) => p.kind === kind);
  let index = 0;
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
    for (const plan of byKind(kind)) await cluster.add(workloadObject(plan, index++));
  }
  await cluster.close();
  bytes += cluster.bytes;

  const events = await ListWriter.open(path(EXPORT_FILES.events));
  let eventCount = 0;
  for (const pod of eventful) {
    const name = podName(pod);
    const fields: JsonObject =
      pod.state === 'stuck'
        ? { message: sandboxMessage(name), reason: 'FailedCreatePodSandBox', type: 'Warning', count: 14 }
        : {
            message: `0/${options.nodes} nodes are available: ${options.nodes} Too many pods. preemption: 0/${options.nodes} nodes are available: ${options.nodes} No preemption victims found for incoming pod.`,
            reason: 'FailedScheduling',
            reportingComponent: 'default-scheduler',
            source: { component: 'default-scheduler' },
            type: 'Warning',
          };
    await events.add(eventObject(eventCount++, pod.plan.namespace, 'Pod', name, fields));
  }
  for (const node of nodes.filter((n) => n.fleet.nodePool !== null).slice(0, 20)) {
    await events.add(
      eventObject(eventCount++, 'default', 'Node', node.name, {
        message: 'Status condition transitioned, Type: Ready, Status: Unknown -> True, Reason: KubeletReady',
        reason: 'Ready',
        reportingComponent: 'karpenter',
        source: { component: 'karpenter' },
        type: 'Normal',
      }),
    );
  }
  await events.close();
  bytes += events.bytes;

  const karpenter = await ListWriter.open(path(EXPORT_FILES.karpenter));
  const karpenterItems = karpenterObjects(nodes);
  for (const item of karpenterItems) await karpenter.add(item);
  await karpenter.close();
  bytes += karpenter.bytes;

  const awsNode = plans.find((p) => p.name === 'aws-node') as WorkloadPlan;
  bytes += await writeJson(path(EXPORT_FILES.awsNode), workloadObject(awsNode, 9_999));

  const karpenterDeployment = await ListWriter.open(path(EXPORT_FILES.karpenterDeployment));
  await karpenterDeployment.add(workloadObject(plans.find((p) => p.name === 'karpenter') as WorkloadPlan, 9_998));
  await karpenterDeployment.close();
  bytes += karpenterDeployment.bytes;

  const subnets = ZONES.flatMap((zone, z): JsonObject[] => {
    const zoneNodes = nodes.filter((n) => n.zone === z).length;
    const tags = (name: string, extra: Record<string, string>): JsonObject[] =>
      Object.entries({ Name: name, ...extra }).map(([Key, Value]) => ({ Key, Value }));
    return [
      {
        AvailabilityZone: zone,
        AvailabilityZoneId: ZONE_IDS[z] as string,
        AvailableIpAddressCount: Math.max(0, 65_531 - zoneNodes * 2 - Math.floor((usedAddresses / 3) * 1.4)),
        CidrBlock: `10.${16 + z}.0.0/16`,
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        State: 'available',
        SubnetId: `subnet-0${hex(z, 16)}`,
        VpcId: VPC_ID,
        OwnerId: '123456789012',
        Tags: tags(`${CLUSTER}-private-${zone}`, {
          'karpenter.sh/discovery': CLUSTER,
          'kubernetes.io/role/internal-elb': '1',
        }),
        SubnetArn: `arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0${hex(z, 16)}`,
      },
      {
        AvailabilityZone: zone,
        AvailabilityZoneId: ZONE_IDS[z] as string,
        AvailableIpAddressCount: 247,
        CidrBlock: `10.0.${z}.0/24`,
        DefaultForAz: false,
        MapPublicIpOnLaunch: true,
        State: 'available',
        SubnetId: `subnet-0${hex(z + 10, 16)}`,
        VpcId: VPC_ID,
        OwnerId: '123456789012',
        Tags: tags(`${CLUSTER}-public-${zone}`, { 'kubernetes.io/role/elb': '1' }),
        SubnetArn: `arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0${hex(z + 10, 16)}`,
      },
    ];
  });
  bytes += await writeJson(path(EXPORT_FILES.subnets), { Subnets: subnets });

  const quotas: JsonObject[] = [
    ['L-1216C47A', 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 5000],
    ['L-34B43A08', 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests', 2000],
    ['L-DB2E81BA', 'Running On-Demand G and VT instances', 64],
    ['L-0263D0A3', 'EC2-VPC Elastic IPs', 5],
  ].map(([code, name, value]) => ({
    Adjustable: true,
    GlobalQuota: false,
    QuotaArn: `arn:aws:servicequotas:us-west-2:123456789012:ec2/${code}`,
    QuotaCode: code as string,
    QuotaName: name as string,
    ServiceCode: 'ec2',
    ServiceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    Unit: 'None',
    Value: value as number,
  }));
  bytes += await writeJson(path(EXPORT_FILES.quotas), { Quotas: quotas });
  // No pod here has security groups of its own: kubectl's empty List, as a cluster with the CRD prints it.
  bytes += await writeJson(path(EXPORT_FILES.securityGroupPolicies), {
    apiVersion: 'v1',
    items: [],
    kind: 'List',
    metadata: { resourceVersion: '' },
  });

  const stuckPods = eventful.filter((p) => p.state === 'stuck').length;
  return {
    files: Object.values(EXPORT_FILES).map(path),
    bytes,
    nodes: nodes.length,
    pods,
    deployments: byKind('Deployment').length,
    statefulsets: byKind('StatefulSet').length,
    daemonsets: byKind('DaemonSet').length,
    events: eventCount,
    stuckPods,
    unschedulablePods: eventful.length - stuckPods,
    nodePools: 2,
    nodeClasses: 2,
    nodeClaims: karpenterItems.length - 4,
    subnets: subnets.length,
    quotas: quotas.length,
  };
}
