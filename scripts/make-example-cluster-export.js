// Writes examples/cluster-export/: a small cluster export, as `podcap doctor --print-collect` collects it, of
// an EKS cluster that shows the doctor's findings with numbers from podcap's own models. Deterministic (a
// seeded generator, fixed timestamps), no network: `node scripts/make-example-cluster-export.js`.
//
// The cluster, shop-prod in us-west-2:
// - VPC CNI custom networking (pods take addresses from one ENIConfig subnet a zone, 100.64.0.0/16) and
//   security groups for pods (ENABLE_POD_ENI=true: every node has a trunk ENI, which takes an ENI slot).
// - Managed node group `general`: 4 m5.large, AL2023. The AMI sets maxPods 29 (its ENI table); the CNI gives
//   9 pod IPs (3 ENIs: the primary, which custom networking keeps from pods, the trunk, one pod ENI of 9
//   secondary IPs). shop/web (amd64-only, nodeSelector kubernetes.io/arch=amd64) was scaled from 28 to 36:
//   its 8 new pods hang in ContainerCreating with the CNI's "failed to assign an IP address to container".
// - Karpenter v1.5.1 with RESERVED_ENIS=1, NodePool `arm64` (m8g and m7g, arm64, Spot and On-Demand): 5
//   m8g.large, 1 m8g.xlarge, 1 m8g.2xlarge, all Spot. An m8g.large registers 7948164Ki memory and allocates
//   7257988Ki (kube-reserved for the AMI's 29 pods); Karpenter 1.5.1 reserves for its own 20 and believes
//   7359364Ki: the launch-loop window.
// - us-west-2c's pod subnet is a /25 nearly used up, a third of it held idle by warm pools (WARM_ENI_TARGET=1),
//   and a leaked ENI of a terminated node (10 addresses).
// - The Spot Standard vCPU quota is 24, and the Spot nodes run 22 vCPUs.
//
// Node allocatable is what `podcap node` computes for each type under these settings (see ALLOCATABLE), so
// that the doctor finds the nodes as their AMI makes them. Subnet counts (AvailableIpAddressCount) are the
// addresses the nodes' ENIs, pods and warm pools hold, as the VPC CNI's steady state gives them, plus the
// few other addresses named in SUBNETS.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../examples/cluster-export/', import.meta.url));

const CLUSTER = 'shop-prod';
const REGION = 'us-west-2';
const ACCOUNT = '111122223333';
const VPC = 'vpc-0b7d2e41c9a3f5e68';
/** When the export was taken. */
const NOW = Date.parse('2025-11-20T10:30:00Z');
const KUBELET = 'v1.32.9-eks-113cf36';
const CNI_VERSION = 'v1.20.4-eksbuild.1';
const ECR = `602401143452.dkr.ecr.${REGION}.amazonaws.com`;
const APP_ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const KARPENTER_IMAGE =
  'public.ecr.aws/karpenter/controller:1.5.1@sha256:4f1d7a9c2be85e3065d1c8f74b2a9e0d6c3f5a8b17e94d2c0b6a3f8e5d7c1b9a';

// ------------------------------------------------------------------------------------------ helpers

/** mulberry32: a small seeded generator, so every run writes the same files. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(20251120);
const pick = (text, n) => Array.from({ length: n }, () => text[Math.floor(random() * text.length)]).join('');
const hex = (n) => pick('0123456789abcdef', n);
const uid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick('89ab', 1)}${hex(3)}-${hex(12)}`;
/** The alphabet of generated names and pod-template-hash (apimachinery rand.String). */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (n) => pick(NAME_CHARS, n);
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ago = (minutes) => iso(NOW - minutes * 60_000);
let resourceVersion = 48_210_000;
function nextVersion() {
  resourceVersion += 1 + Math.floor(random() * 40);
  return String(resourceVersion);
}

function ipToNumber(ip) {
  return ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}
function numberToIp(n) {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

/** A subnet's host addresses in the order EC2 hands them out here: shuffled, AWS's five left out. */
function addressPool(cidr) {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = ipToNumber(base);
  const hosts = [];
  for (let i = 4; i < size - 1; i += 1) hosts.push(first + i);
  for (let i = hosts.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [hosts[i], hosts[j]] = [hosts[j], hosts[i]];
  }
  return {
    usable: size - 5,
    taken: 0,
    take() {
      this.taken += 1;
      return numberToIp(hosts.shift());
    },
  };
}

/** kubectl's JSON: 4-space indent, a trailing newline. */
function writeJson(name, value) {
  writeFileSync(join(OUT, name), `${JSON.stringify(value, null, 4)}\n`);
}
const list = (items) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

// ------------------------------------------------------------------------------------------ the VPC

const ZONES = [
  { name: 'us-west-2a', id: 'usw2-az2' },
  { name: 'us-west-2b', id: 'usw2-az1' },
  { name: 'us-west-2c', id: 'usw2-az3' },
];

/**
 * Node subnets (tagged for Karpenter's subnet discovery and internal load balancers), ENIConfig pod
 * subnets in the secondary CIDR 100.64.0.0/16, public subnets. `other`: addresses EC2 counts as used
 * that are no node's or pod's (load balancer and VPC endpoint ENIs, NAT gateways, a leaked ENI).
 */
const SUBNETS = [
  { id: 'subnet-04c1e7a2b9d35f810', zone: 0, cidr: '10.42.0.0/22', role: 'nodes', other: 9 },
  { id: 'subnet-0e83b5d16a2c4f937', zone: 1, cidr: '10.42.4.0/22', role: 'nodes', other: 7 },
  { id: 'subnet-0a6f29c84e1d7b305', zone: 2, cidr: '10.42.8.0/22', role: 'nodes', other: 6 },
  { id: 'subnet-07d4a1f3c85e92b60', zone: 0, cidr: '100.64.0.0/19', role: 'pods', other: 0 },
  { id: 'subnet-0c2e96b7d41a58f03', zone: 1, cidr: '100.64.32.0/19', role: 'pods', other: 0 },
  // A leaked ENI of a terminated Spot node (its primary and 9 secondary IPs) still holds 10 addresses.
  { id: 'subnet-05b8e3d27f6a1c94e', zone: 2, cidr: '100.64.64.0/25', role: 'pods', other: 10 },
  { id: 'subnet-0f1a7c5e92d3b4086', zone: 0, cidr: '10.42.128.0/24', role: 'public', other: 3 },
  { id: 'subnet-093d6b2a1e8f7c5d4', zone: 1, cidr: '10.42.129.0/24', role: 'public', other: 3 },
  { id: 'subnet-0d5c8a4f17b2e9630', zone: 2, cidr: '10.42.130.0/24', role: 'public', other: 3 },
].map((s) => ({ ...s, pool: addressPool(s.cidr) }));
const subnetOf = (zone, role) => SUBNETS.find((s) => s.zone === zone && s.role === role);

// ------------------------------------------------------------------------------------------ instance types

/**
 * Each type as its nodes register (MemTotal of the AL2023 AMI) and as `podcap node` models it under this
 * cluster's settings: allocatable (kube-reserved 11·maxPods(AMI)+255 MiB, eviction 100Mi), Karpenter
 * v1.5.1's view with RESERVED_ENIS=1 (cold: before a node of the type registered; warm: after), ENIs
 * and pod IPs under custom networking with a trunk ENI. Check with
 * `podcap node m8g.large --ami al2023 --karpenter-version 1.5.1 --reserved-enis 1 --pod-eni --custom-networking --memory-capacity 7948164Ki --json`.
 */
const TYPES = {
  'm5.large': {
    arch: 'amd64',
    cpu: 2,
    memoryKi: 7902360,
    maxPods: 29,
    allocatable: { cpu: '1930m', memoryKi: 7212184 },
    enis: 3,
    ipsPerEni: 10,
    podEni: 9,
    family: 'm5',
    generation: '5',
    size: 'large',
    memoryMib: 8192,
  },
  'm8g.large': {
    arch: 'arm64',
    cpu: 2,
    memoryKi: 7948164,
    maxPods: 20,
    allocatable: { cpu: '1930m', memoryKi: 7257988 },
    karpenter: { coldCapacityKi: 7698432, coldKi: 7109632, warmKi: 7359364 },
    enis: 3,
    ipsPerEni: 10,
    podEni: 9,
    family: 'm8g',
    generation: '8',
    size: 'large',
    memoryMib: 8192,
  },
  'm8g.xlarge': {
    arch: 'arm64',
    cpu: 4,
    memoryKi: 16205784,
    maxPods: 44,
    allocatable: { cpu: '3920m', memoryKi: 15188952 },
    karpenter: { coldCapacityKi: 15458304, coldKi: 14599168, warmKi: 15346648 },
    enis: 4,
    ipsPerEni: 15,
    podEni: 18,
    family: 'm8g',
    generation: '8',
    size: 'xlarge',
    memoryMib: 16384,
  },
  'm8g.2xlarge': {
    arch: 'arm64',
    cpu: 8,
    memoryKi: 32720812,
    maxPods: 44,
    allocatable: { cpu: '7910m', memoryKi: 31703980 },
    karpenter: { coldCapacityKi: 30977024, coldKi: 30117888, warmKi: 31861676 },
    enis: 4,
    ipsPerEni: 15,
    podEni: 38,
    family: 'm8g',
    generation: '8',
    size: '2xlarge',
    memoryMib: 32768,
  },
};

/**
 * The VPC CNI's steady state on a node (WARM_ENI_TARGET=1, secondary IPs, custom networking, a trunk):
 * pod ENIs are the ENI slots less the primary and the trunk; ipamd holds whole ENIs, one more than its
 * pods need, up to those slots and to maxPods.
 */
function steadyState(type, ipPods) {
  const slots = type.ipsPerEni - 1;
  const podEnis = type.enis - 2;
  const wanted = Math.ceil(ipPods / slots) + 1;
  const enis = Math.min(podEnis, wanted, Math.ceil(type.maxPods / slots));
  return { enis, held: enis * slots, podIps: podEnis * slots };
}

// ------------------------------------------------------------------------------------------ workloads

const DEPLOY = 'Deployment';
const STS = 'StatefulSet';
const DS = 'DaemonSet';

const CRITICAL_TOLERATIONS = [{ key: 'CriticalAddonsOnly', operator: 'Exists' }];

/**
 * Every workload: requests per container, hostNetwork, nodeSelector/affinity, whether its pods are in a
 * SecurityGroupPolicy (they get a branch ENI: `vpc.amazonaws.com/pod-eni: 1`, added by the webhook).
 */
const WORKLOADS = [
  {
    kind: DS,
    namespace: 'kube-system',
    name: 'aws-node',
    labels: { 'k8s-app': 'aws-node' },
    hostNetwork: true,
    priority: 'system-node-critical',
    serviceAccount: 'aws-node',
    initContainers: [
      { name: 'aws-vpc-cni-init', image: `${ECR}/amazon-k8s-cni-init:${CNI_VERSION}`, requests: { cpu: '25m' } },
    ],
    containers: [
      {
        name: 'aws-node',
        image: `${ECR}/amazon-k8s-cni:${CNI_VERSION}`,
        requests: { cpu: '25m' },
        env: [
          ['ADDITIONAL_ENI_TAGS', '{}'],
          ['ANNOTATE_POD_IP', 'false'],
          ['AWS_VPC_CNI_NODE_PORT_SUPPORT', 'true'],
          ['AWS_VPC_ENI_MTU', '9001'],
          ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', 'true'],
          ['AWS_VPC_K8S_CNI_EXTERNALSNAT', 'false'],
          ['AWS_VPC_K8S_CNI_LOGLEVEL', 'DEBUG'],
          ['AWS_VPC_K8S_CNI_LOG_FILE', '/host/var/log/aws-routed-eni/ipamd.log'],
          ['AWS_VPC_K8S_CNI_RANDOMIZESNAT', 'prng'],
          ['AWS_VPC_K8S_CNI_VETHPREFIX', 'eni'],
          ['AWS_VPC_K8S_PLUGIN_LOG_FILE', '/var/log/aws-routed-eni/plugin.log'],
          ['AWS_VPC_K8S_PLUGIN_LOG_LEVEL', 'DEBUG'],
          ['CLUSTER_NAME', CLUSTER],
          ['DISABLE_INTROSPECTION', 'false'],
          ['DISABLE_METRICS', 'false'],
          ['DISABLE_NETWORK_RESOURCE_PROVISIONING', 'false'],
          ['ENABLE_IPv4', 'true'],
          ['ENABLE_IPv6', 'false'],
          ['ENABLE_POD_ENI', 'true'],
          ['ENABLE_PREFIX_DELEGATION', 'false'],
          ['ENI_CONFIG_LABEL_DEF', 'topology.kubernetes.io/zone'],
          ['NETWORK_POLICY_ENFORCING_MODE', 'standard'],
          ['POD_SECURITY_GROUP_ENFORCING_MODE', 'strict'],
          ['VPC_CNI_VERSION', CNI_VERSION],
          ['VPC_ID', VPC],
          ['WARM_ENI_TARGET', '1'],
          ['WARM_PREFIX_TARGET', '1'],
          ['MY_NODE_NAME', { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } }],
          ['MY_POD_NAME', { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }],
        ],
      },
      {
        name: 'aws-eks-nodeagent',
        image: `${ECR}/amazon/aws-network-policy-agent:v1.2.7-eksbuild.1`,
        requests: { cpu: '25m' },
        env: [['MY_NODE_NAME', { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } }]],
      },
    ],
  },
  {
    kind: DS,
    namespace: 'kube-system',
    name: 'kube-proxy',
    labels: { 'k8s-app': 'kube-proxy' },
    hostNetwork: true,
    priority: 'system-node-critical',
    serviceAccount: 'kube-proxy',
    containers: [
      { name: 'kube-proxy', image: `${ECR}/eks/kube-proxy:v1.32.6-minimal-eksbuild.12`, requests: { cpu: '100m' } },
    ],
  },
  {
    kind: DS,
    namespace: 'kube-system',
    name: 'ebs-csi-node',
    labels: { app: 'ebs-csi-node', 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
    priority: 'system-node-critical',
    serviceAccount: 'ebs-csi-node-sa',
    containers: [
      { name: 'ebs-plugin', image: `${ECR}/eks/aws-ebs-csi-driver:v1.48.0`, requests: { cpu: '10m', memory: '40Mi' } },
      {
        name: 'node-driver-registrar',
        image: `${ECR}/eks/csi-node-driver-registrar:v2.14.0-eks-1-33-7`,
        requests: { cpu: '10m', memory: '40Mi' },
      },
      {
        name: 'liveness-probe',
        image: `${ECR}/eks/livenessprobe:v2.16.0-eks-1-33-7`,
        requests: { cpu: '10m', memory: '40Mi' },
      },
    ],
  },
  {
    kind: DS,
    namespace: 'monitoring',
    name: 'node-exporter',
    labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
    hostNetwork: true,
    priority: 'system-node-critical',
    serviceAccount: 'node-exporter',
    containers: [
      {
        name: 'node-exporter',
        image: 'quay.io/prometheus/node-exporter:v1.9.1',
        requests: { cpu: '50m', memory: '64Mi' },
      },
    ],
  },
  {
    kind: DEPLOY,
    namespace: 'kube-system',
    name: 'coredns',
    labels: { 'k8s-app': 'kube-dns' },
    replicas: 2,
    priority: 'system-cluster-critical',
    serviceAccount: 'coredns',
    tolerations: CRITICAL_TOLERATIONS,
    containers: [
      {
        name: 'coredns',
        image: `${ECR}/eks/coredns:v1.11.4-eksbuild.14`,
        requests: { cpu: '100m', memory: '70Mi' },
        limits: { memory: '170Mi' },
      },
    ],
  },
  {
    kind: DEPLOY,
    namespace: 'karpenter',
    name: 'karpenter',
    labels: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' },
    replicas: 2,
    priority: 'system-cluster-critical',
    serviceAccount: 'karpenter',
    tolerations: CRITICAL_TOLERATIONS,
    // The chart's default: never on a node Karpenter launched.
    affinity: { key: 'karpenter.sh/nodepool', operator: 'DoesNotExist' },
    containers: [
      {
        name: 'controller',
        image: KARPENTER_IMAGE,
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { memory: '1Gi' },
        env: [
          ['KUBERNETES_MIN_VERSION', '1.19.0-0'],
          ['KARPENTER_SERVICE', 'karpenter'],
          ['WEBHOOK_PORT', '8443'],
          ['WEBHOOK_METRICS_PORT', '8001'],
          ['DISABLE_WEBHOOK', 'true'],
          ['LOG_LEVEL', 'info'],
          ['METRICS_PORT', '8080'],
          ['HEALTH_PROBE_PORT', '8081'],
          ['SYSTEM_NAMESPACE', { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          [
            'MEMORY_LIMIT',
            { resourceFieldRef: { containerName: 'controller', divisor: '0', resource: 'limits.memory' } },
          ],
          ['FEATURE_GATES', 'ReservedCapacity=false,SpotToSpotConsolidation=false,NodeRepair=false'],
          ['BATCH_MAX_DURATION', '10s'],
          ['BATCH_IDLE_DURATION', '1s'],
          ['CLUSTER_NAME', CLUSTER],
          ['CLUSTER_ENDPOINT', 'https://7C1E4A9B03D2F58E6A1B4C7D90E2F3A5.gr7.us-west-2.eks.amazonaws.com'],
          ['VM_MEMORY_OVERHEAD_PERCENT', '0.075'],
          ['INTERRUPTION_QUEUE', CLUSTER],
          ['RESERVED_ENIS', '1'],
        ],
      },
    ],
  },
  {
    kind: DEPLOY,
    namespace: 'shop',
    name: 'web',
    labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
    replicas: 36,
    serviceAccount: 'web',
    // The storefront's image is built for amd64 only: it runs on the node group, never on Karpenter's arm64 nodes.
    nodeSelector: { 'kubernetes.io/arch': 'amd64' },
    containers: [
      {
        name: 'web',
        image: `${APP_ECR}/shop/web:4.12.0`,
        requests: { cpu: '100m', memory: '192Mi' },
        limits: { memory: '384Mi' },
      },
    ],
  },
  ...[
    ['catalog', 14, '250m', '512Mi', '3.8.2'],
    ['cart', 10, '100m', '256Mi', '2.4.1'],
    ['checkout', 10, '200m', '384Mi', '5.1.0'],
    ['search', 3, '500m', '2Gi', '1.19.3'],
    ['recommendations', 6, '500m', '1Gi', '0.42.0'],
    ['notifications', 8, '50m', '128Mi', '1.7.5'],
    ['ranker', 1, '3', '12Gi', '2.2.0'],
  ].map(([name, replicas, cpu, memory, tag]) => ({
    kind: DEPLOY,
    namespace: 'shop',
    name,
    labels: { app: name, 'app.kubernetes.io/part-of': 'shop' },
    replicas,
    serviceAccount: name,
    // checkout reaches the orders database through its own security group (the SecurityGroupPolicy).
    branchEni: name === 'checkout',
    containers: [
      {
        name,
        image: `${APP_ECR}/shop/${name}:${tag}`,
        requests: { cpu, memory },
        limits: { memory },
      },
    ],
  })),
  {
    kind: STS,
    namespace: 'shop',
    name: 'redis',
    labels: { app: 'redis', 'app.kubernetes.io/part-of': 'shop' },
    replicas: 3,
    serviceAccount: 'default',
    containers: [
      {
        name: 'redis',
        image: 'public.ecr.aws/docker/library/redis:7.4.5',
        requests: { cpu: '250m', memory: '1Gi' },
        limits: { memory: '1Gi' },
      },
    ],
  },
  {
    kind: STS,
    namespace: 'monitoring',
    name: 'prometheus',
    labels: { 'app.kubernetes.io/name': 'prometheus' },
    replicas: 1,
    serviceAccount: 'prometheus',
    containers: [
      {
        name: 'prometheus',
        image: 'quay.io/prometheus/prometheus:v3.5.0',
        requests: { cpu: '500m', memory: '4Gi' },
        limits: { memory: '6Gi' },
      },
    ],
  },
  ...[
    [
      'monitoring',
      'kube-state-metrics',
      1,
      '100m',
      '256Mi',
      'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0',
    ],
    [
      'kube-system',
      'aws-load-balancer-controller',
      2,
      '100m',
      '128Mi',
      'public.ecr.aws/eks/aws-load-balancer-controller:v2.13.4',
    ],
    ['kube-system', 'metrics-server', 2, '100m', '200Mi', 'registry.k8s.io/metrics-server/metrics-server:v0.8.0'],
    ['cert-manager', 'cert-manager', 1, '10m', '32Mi', 'quay.io/jetstack/cert-manager-controller:v1.18.2'],
    ['cert-manager', 'cert-manager-cainjector', 1, '10m', '32Mi', 'quay.io/jetstack/cert-manager-cainjector:v1.18.2'],
    ['cert-manager', 'cert-manager-webhook', 1, '10m', '32Mi', 'quay.io/jetstack/cert-manager-webhook:v1.18.2'],
    ['kube-system', 'external-dns', 1, '50m', '64Mi', 'registry.k8s.io/external-dns/external-dns:v0.18.0'],
  ].map(([namespace, name, replicas, cpu, memory, image]) => ({
    kind: DEPLOY,
    namespace,
    name,
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name },
    replicas,
    serviceAccount: name,
    priority: namespace === 'kube-system' ? 'system-cluster-critical' : undefined,
    containers: [{ name: name.replace(/^cert-manager-/, ''), image, requests: { cpu, memory } }],
  })),
].map((w) => ({ ...w, uid: uid(), hash: w.kind === DEPLOY ? suffix(9 + Math.floor(random() * 2)) : null }));

const workload = (namespace, name) => WORKLOADS.find((w) => w.namespace === namespace && w.name === name);

// ------------------------------------------------------------------------------------------ nodes and pods

/**
 * The nodes and what runs on each (besides the DaemonSets): [namespace/name, count], in the order the
 * pods came. `stuck`: the last so many of shop/web's pods there got no IP.
 */
const NODES = [
  { key: 'ng-a1', type: 'm5.large', zone: 0, group: 'general', age: 37 * 1440 + 212, stuck: 3 },
  { key: 'ng-a2', type: 'm5.large', zone: 0, group: 'general', age: 37 * 1440 + 208, stuck: 2 },
  { key: 'ng-b1', type: 'm5.large', zone: 1, group: 'general', age: 37 * 1440 + 209, stuck: 2 },
  { key: 'ng-c1', type: 'm5.large', zone: 2, group: 'general', age: 37 * 1440 + 211, stuck: 1 },
  { key: 'kp-a1', type: 'm8g.large', zone: 0, age: 6 * 1440 + 95, cold: true },
  { key: 'kp-a2', type: 'm8g.xlarge', zone: 0, age: 6 * 1440 + 93, cold: true },
  { key: 'kp-b1', type: 'm8g.large', zone: 1, age: 4 * 1440 + 517 },
  { key: 'kp-c1', type: 'm8g.large', zone: 2, age: 3 * 1440 + 44 },
  { key: 'kp-c2', type: 'm8g.large', zone: 2, age: 2 * 1440 + 381 },
  { key: 'kp-c3', type: 'm8g.2xlarge', zone: 2, age: 2 * 1440 + 379, cold: true },
  { key: 'kp-c4', type: 'm8g.large', zone: 2, age: 19 * 60 + 12 },
];

const PLACEMENT = {
  'ng-a1': [
    ['kube-system/coredns', 1],
    ['karpenter/karpenter', 1],
    ['shop/web', 9],
  ],
  'ng-a2': [
    ['kube-system/coredns', 1],
    ['shop/web', 9],
  ],
  'ng-b1': [
    ['karpenter/karpenter', 1],
    ['shop/web', 9],
  ],
  'ng-c1': [['shop/web', 9]],
  'kp-a1': [
    ['shop/catalog', 3],
    ['shop/cart', 2],
    ['shop/notifications', 1],
    ['shop/checkout', 2],
  ],
  'kp-a2': [
    ['monitoring/prometheus', 1],
    ['monitoring/kube-state-metrics', 1],
    ['shop/catalog', 3],
    ['shop/recommendations', 2],
    ['shop/checkout', 2],
    ['kube-system/aws-load-balancer-controller', 1],
    ['kube-system/metrics-server', 1],
    ['cert-manager/cert-manager', 1],
    ['cert-manager/cert-manager-cainjector', 1],
    ['cert-manager/cert-manager-webhook', 1],
    ['kube-system/external-dns', 1],
    ['shop/notifications', 5],
    ['shop/cart', 2],
  ],
  'kp-b1': [
    ['shop/catalog', 3],
    ['shop/cart', 2],
    ['shop/redis', 1],
    ['kube-system/aws-load-balancer-controller', 1],
    ['shop/checkout', 2],
  ],
  'kp-c1': [
    ['shop/catalog', 2],
    ['shop/cart', 1],
    ['shop/search', 1],
    ['shop/notifications', 1],
    ['shop/checkout', 2],
  ],
  'kp-c2': [
    ['shop/catalog', 1],
    ['shop/redis', 1],
    ['shop/recommendations', 1],
    ['shop/cart', 1],
    ['shop/checkout', 1],
  ],
  'kp-c3': [
    ['shop/recommendations', 3],
    ['shop/search', 1],
    ['shop/ranker', 1],
    ['shop/notifications', 1],
    ['kube-system/metrics-server', 1],
  ],
  'kp-c4': [
    ['shop/catalog', 2],
    ['shop/cart', 2],
    ['shop/search', 1],
    ['shop/redis', 1],
    ['shop/checkout', 1],
  ],
};

for (const node of NODES) {
  node.spec = TYPES[node.type];
  node.ip = subnetOf(node.zone, 'nodes').pool.take();
  node.name = `ip-${node.ip.replaceAll('.', '-')}.${REGION}.compute.internal`;
  node.instanceId = `i-0${hex(16)}`;
  node.created = NOW - node.age * 60_000;
  node.capacityType = node.group ? 'on-demand' : 'spot';
}

/** Every pod: its workload, node, state (running, stuck, succeeded), creation time. */
const PODS = [];
const replicaIndex = new Map();
function addPod(w, node, state, created) {
  const index = replicaIndex.get(w) ?? 0;
  replicaIndex.set(w, index + 1);
  PODS.push({ w, node, state, created, index });
}
for (const w of WORKLOADS.filter((x) => x.kind === DS)) {
  for (const node of NODES) addPod(w, node, 'running', node.created + 40_000 + Math.floor(random() * 20_000));
}
for (const node of NODES) {
  for (const [ref, count] of PLACEMENT[node.key]) {
    const [namespace, name] = ref.split('/');
    const w = workload(namespace, name);
    for (let i = 0; i < count; i += 1) {
      const stuck = name === 'web' && i >= count - (node.stuck ?? 0);
      // shop/web went from 28 to 36 replicas 16 minutes ago; the rest has run since its last rollout.
      const created = stuck
        ? NOW - 16 * 60_000 + Math.floor(random() * 4_000)
        : Math.max(node.created + 120_000, NOW - (2 * 1440 + 600) * 60_000) + Math.floor(random() * 3_600_000);
      addPod(w, node, stuck ? 'stuck' : 'running', Math.min(created, NOW - 60_000));
    }
  }
}
for (const w of WORKLOADS) {
  if (w.kind === DS) continue;
  const placed = replicaIndex.get(w) ?? 0;
  if (placed !== w.replicas) throw new Error(`${w.namespace}/${w.name}: ${placed} pods placed, ${w.replicas} replicas`);
}

// Addresses: each node's ENIs in its zone's pod subnet (custom networking), then its pods' IPs from them.
const needsIpamdIp = (p) => !p.w.hostNetwork && !p.w.branchEni;
for (const node of NODES) {
  const here = PODS.filter((p) => p.node === node);
  const ipPods = here.filter(needsIpamdIp);
  const branchPods = here.filter((p) => p.w.branchEni);
  const { enis, held, podIps } = steadyState(node.spec, ipPods.length);
  const pods = subnetOf(node.zone, 'pods');
  node.podSubnet = pods;
  node.podIps = podIps;
  node.enis = Array.from({ length: enis }, () => ({
    primary: pods.pool.take(),
    secondary: Array.from({ length: node.spec.ipsPerEni - 1 }, () => pods.pool.take()),
  }));
  node.trunk = pods.pool.take();
  const free = node.enis.flatMap((eni) => eni.secondary);
  if (free.length !== held) throw new Error(`${node.key}: ${free.length} secondary IPs, ${held} expected`);
  const byAge = [...ipPods].sort((a, b) => a.created - b.created);
  for (const pod of byAge) {
    if (pod.state === 'stuck') continue;
    if (free.length === 0) throw new Error(`${node.key}: more running pods than pod IPs`);
    pod.ip = free.shift();
  }
  const stuck = ipPods.filter((p) => p.state === 'stuck').length;
  if (stuck > 0 && ipPods.length - stuck !== podIps) throw new Error(`${node.key}: stuck pods on a node with free IPs`);
  if (branchPods.length > node.spec.podEni) throw new Error(`${node.key}: more branch pods than branch ENIs`);
  for (const pod of branchPods) {
    pod.ip = pods.pool.take();
    pod.branchEni = `eni-0${hex(16)}`;
  }
  for (const pod of here) if (pod.w.hostNetwork) pod.ip = node.ip;
  node.ipPods = ipPods.length;
  node.branchPods = branchPods.length;
  node.held = held;
}
// A CronJob's last three runs, Completed on the node group: they hold no address any more.
const REPORT = { kind: 'Job', namespace: 'shop', name: 'nightly-report', labels: { app: 'nightly-report' } };

// ------------------------------------------------------------------------------------------ Kubernetes objects

function envVar([name, value]) {
  return typeof value === 'string' ? { name, value } : { name, valueFrom: value };
}

function containerSpec(c, extra = {}) {
  const requests = { ...c.requests, ...(extra.requests ?? {}) };
  const limits = { ...(c.limits ?? {}), ...(extra.limits ?? {}) };
  return {
    ...(c.env ? { env: c.env.map(envVar) } : {}),
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    name: c.name,
    resources: { ...(Object.keys(limits).length > 0 ? { limits } : {}), requests },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function affinityOf(w) {
  if (!w.affinity) return {};
  const { key, operator } = w.affinity;
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key, operator }] }],
        },
      },
    },
  };
}

function templateSpec(w) {
  return {
    ...affinityOf(w),
    containers: w.containers.map((c) => containerSpec(c)),
    dnsPolicy: w.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    ...(w.hostNetwork ? { hostNetwork: true } : {}),
    ...(w.initContainers ? { initContainers: w.initContainers.map((c) => containerSpec(c)) } : {}),
    ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
    ...(w.priority ? { priorityClassName: w.priority } : {}),
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: w.serviceAccount,
    serviceAccountName: w.serviceAccount,
    terminationGracePeriodSeconds: 30,
    tolerations: w.kind === DS ? [{ operator: 'Exists' }] : (w.tolerations ?? []),
  };
}

function workloadObject(w) {
  const created = ago(58 * 1440 + 300);
  const selector = { matchLabels: w.labels };
  const template = { metadata: { creationTimestamp: null, labels: w.labels }, spec: templateSpec(w) };
  const common = {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: {
      annotations:
        w.kind === DEPLOY
          ? { 'deployment.kubernetes.io/revision': '7' }
          : { 'deprecated.daemonset.template.generation': '4' },
      creationTimestamp: created,
      generation: w.name === 'web' ? 12 : 4,
      labels: w.labels,
      name: w.name,
      namespace: w.namespace,
      resourceVersion: nextVersion(),
      uid: w.uid,
    },
  };
  if (w.kind === DS) {
    const n = NODES.length;
    return {
      ...common,
      spec: {
        revisionHistoryLimit: 10,
        selector,
        template,
        updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' }, type: 'RollingUpdate' },
      },
      status: {
        currentNumberScheduled: n,
        desiredNumberScheduled: n,
        numberAvailable: n,
        numberMisscheduled: 0,
        numberReady: n,
        observedGeneration: 4,
        updatedNumberScheduled: n,
      },
    };
  }
  const stuck = PODS.filter((p) => p.w === w && p.state === 'stuck').length;
  const ready = w.replicas - stuck;
  const status = {
    availableReplicas: ready,
    observedGeneration: common.metadata.generation,
    readyReplicas: ready,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
  };
  if (w.kind === STS) {
    return {
      ...common,
      spec: {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        podManagementPolicy: 'OrderedReady',
        replicas: w.replicas,
        revisionHistoryLimit: 10,
        selector,
        serviceName: w.name,
        template,
        updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
      },
      status: {
        ...status,
        availableReplicas: w.replicas,
        collisionCount: 0,
        currentReplicas: w.replicas,
        currentRevision: `${w.name}-${w.revision}`,
        updateRevision: `${w.name}-${w.revision}`,
      },
    };
  }
  const condition = (type, statusValue, reason, message, at) => ({
    lastTransitionTime: at,
    lastUpdateTime: at,
    message,
    reason,
    status: statusValue,
    type,
  });
  return {
    ...common,
    spec: {
      progressDeadlineSeconds: 600,
      replicas: w.replicas,
      revisionHistoryLimit: 10,
      selector,
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template,
    },
    status: {
      ...status,
      conditions: [
        stuck > 0
          ? condition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
              ago(16),
            )
          : condition(
              'Available',
              'True',
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
              ago(2880),
            ),
        condition(
          'Progressing',
          'True',
          'NewReplicaSetAvailable',
          `ReplicaSet "${w.name}-${w.hash}" has successfully progressed.`,
          ago(3 * 1440 + 610),
        ),
      ],
      ...(stuck > 0 ? { unavailableReplicas: stuck } : {}),
    },
  };
}

function podName(pod) {
  const { w, index } = pod;
  if (w.kind === STS) return `${w.name}-${index}`;
  if (w.kind === DS) return `${w.name}-${suffix(5)}`;
  return `${w.name}-${w.hash}-${suffix(5)}`;
}

function podObject(pod) {
  const { w, node, state } = pod;
  const owner =
    w.kind === DEPLOY
      ? { kind: 'ReplicaSet', name: `${w.name}-${w.hash}`, uid: w.rsUid }
      : { kind: w.kind, name: w.name, uid: w.uid };
  const labels = {
    ...w.labels,
    ...(w.kind === DEPLOY ? { 'pod-template-hash': w.hash } : {}),
    ...(w.kind === DS ? { 'controller-revision-hash': w.revision, 'pod-template-generation': '4' } : {}),
    ...(w.kind === STS
      ? {
          'apps.kubernetes.io/pod-index': String(pod.index),
          'controller-revision-hash': `${w.name}-${w.revision}`,
          'statefulset.kubernetes.io/pod-name': pod.name,
        }
      : {}),
  };
  const podEni = { requests: { 'vpc.amazonaws.com/pod-eni': '1' }, limits: { 'vpc.amazonaws.com/pod-eni': '1' } };
  const spec = templateSpec(w);
  spec.containers = w.containers.map((c, i) => containerSpec(c, w.branchEni && i === 0 ? podEni : {}));
  spec.enableServiceLinks = true;
  spec.nodeName = node.name;
  spec.preemptionPolicy = 'PreemptLowerPriority';
  spec.priority = w.priority === 'system-node-critical' ? 2000001000 : w.priority ? 2000000000 : 0;
  const defaultTolerations = [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
  if (w.kind === DS) {
    spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }],
        },
      },
    };
  } else {
    spec.tolerations = [...spec.tolerations, ...defaultTolerations];
  }
  const created = iso(pod.created);
  const started = iso(pod.created + 3_000);
  const running = state === 'running';
  const condition = (type, status, at, reason) => ({
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason
      ? { message: `containers with unready status: [${w.containers.map((c) => c.name).join(' ')}]`, reason }
      : {}),
    status,
    type,
  });
  const containerStatuses = w.containers.map((c) => ({
    ...(running ? { containerID: `containerd://${hex(64)}` } : {}),
    image: c.image.replace(/@sha256:.*/, ''),
    imageID: running ? `${c.image.split(/[:@]/)[0]}@sha256:${hex(64)}` : '',
    lastState: {},
    name: c.name,
    ready: running,
    restartCount: 0,
    started: running,
    state: running
      ? { running: { startedAt: iso(pod.created + 9_000) } }
      : { waiting: { reason: 'ContainerCreating' } },
  }));
  const annotations = {};
  if (pod.branchEni) {
    annotations['vpc.amazonaws.com/pod-eni'] = JSON.stringify([
      {
        eniId: pod.branchEni,
        ifAddress: `02:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}`,
        privateIp: pod.ip,
        vlanId: 1 + Math.floor(random() * 9),
        subnetCidr: node.podSubnet.cidr,
      },
    ]);
  }
  if (w.name === 'prometheus' || w.name === 'node-exporter')
    annotations['kubectl.kubernetes.io/default-container'] = w.name;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      creationTimestamp: created,
      ...(w.kind === STS ? {} : { generateName: `${owner.name}-` }),
      labels,
      name: pod.name,
      namespace: w.namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: owner.kind,
          name: owner.name,
          uid: owner.uid,
        },
      ],
      resourceVersion: nextVersion(),
      uid: pod.uid,
    },
    spec,
    status: {
      conditions: [
        condition('PodReadyToStartContainers', running ? 'True' : 'False', started),
        condition('Initialized', 'True', w.initContainers ? iso(pod.created + 6_000) : created),
        condition(
          'Ready',
          running ? 'True' : 'False',
          running ? iso(pod.created + 14_000) : created,
          running ? null : 'ContainersNotReady',
        ),
        condition(
          'ContainersReady',
          running ? 'True' : 'False',
          running ? iso(pod.created + 14_000) : created,
          running ? null : 'ContainersNotReady',
        ),
        condition('PodScheduled', 'True', created),
      ],
      containerStatuses,
      hostIP: node.ip,
      hostIPs: [{ ip: node.ip }],
      ...(w.initContainers
        ? {
            initContainerStatuses: w.initContainers.map((c) => ({
              containerID: `containerd://${hex(64)}`,
              image: c.image,
              imageID: `${c.image.split(':')[0]}@sha256:${hex(64)}`,
              lastState: {},
              name: c.name,
              ready: true,
              restartCount: 0,
              started: false,
              state: {
                terminated: {
                  containerID: `containerd://${hex(64)}`,
                  exitCode: 0,
                  finishedAt: iso(pod.created + 5_000),
                  reason: 'Completed',
                  startedAt: iso(pod.created + 2_000),
                },
              },
            })),
          }
        : {}),
      phase: running ? 'Running' : 'Pending',
      ...(pod.ip ? { podIP: pod.ip, podIPs: [{ ip: pod.ip }] } : {}),
      qosClass: 'Burstable',
      startTime: created,
    },
  };
}

/** The CronJob's Completed pods: phase Succeeded, no address held. */
function completedJobPod(run, node) {
  const job = `${REPORT.name}-${29_394_000 + run * 1440}`;
  const created = NOW - (3 - run) * 1440 * 60_000 + 7 * 60 * 60_000 - 30 * 60_000;
  const name = `${job}-${suffix(5)}`;
  const image = `${APP_ECR}/shop/nightly-report:1.3.0`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: iso(created),
      generateName: `${job}-`,
      labels: { ...REPORT.labels, 'batch.kubernetes.io/job-name': job, 'job-name': job },
      name,
      namespace: REPORT.namespace,
      ownerReferences: [
        { apiVersion: 'batch/v1', blockOwnerDeletion: true, controller: true, kind: 'Job', name: job, uid: uid() },
      ],
      resourceVersion: nextVersion(),
      uid: uid(),
    },
    spec: {
      containers: [
        {
          image,
          imagePullPolicy: 'IfNotPresent',
          name: 'report',
          resources: { requests: { cpu: '100m', memory: '256Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName: node.name,
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Never',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
    },
    status: {
      conditions: [
        {
          lastProbeTime: null,
          lastTransitionTime: iso(created + 95_000),
          status: 'False',
          type: 'PodReadyToStartContainers',
        },
        {
          lastProbeTime: null,
          lastTransitionTime: iso(created),
          reason: 'PodCompleted',
          status: 'True',
          type: 'Initialized',
        },
        {
          lastProbeTime: null,
          lastTransitionTime: iso(created + 94_000),
          reason: 'PodCompleted',
          status: 'False',
          type: 'Ready',
        },
        {
          lastProbeTime: null,
          lastTransitionTime: iso(created + 94_000),
          reason: 'PodCompleted',
          status: 'False',
          type: 'ContainersReady',
        },
        { lastProbeTime: null, lastTransitionTime: iso(created), status: 'True', type: 'PodScheduled' },
      ],
      containerStatuses: [
        {
          containerID: `containerd://${hex(64)}`,
          image,
          imageID: `${image.split(':')[0]}@sha256:${hex(64)}`,
          lastState: {},
          name: 'report',
          ready: false,
          restartCount: 0,
          started: false,
          state: {
            terminated: {
              containerID: `containerd://${hex(64)}`,
              exitCode: 0,
              finishedAt: iso(created + 93_000),
              reason: 'Completed',
              startedAt: iso(created + 4_000),
            },
          },
        },
      ],
      hostIP: node.ip,
      hostIPs: [{ ip: node.ip }],
      phase: 'Succeeded',
      qosClass: 'Burstable',
      startTime: iso(created),
    },
  };
}

function nodeObject(node) {
  const t = node.spec;
  const zone = ZONES[node.zone];
  const karpenter = !node.group;
  const launcher = karpenter
    ? {
        'karpenter.k8s.aws/ec2nodeclass': 'default',
        'karpenter.k8s.aws/instance-category': 'm',
        'karpenter.k8s.aws/instance-cpu': String(t.cpu),
        'karpenter.k8s.aws/instance-cpu-manufacturer': 'aws',
        'karpenter.k8s.aws/instance-ebs-bandwidth': t.cpu <= 2 ? '10000' : t.cpu <= 4 ? '10000' : '10000',
        'karpenter.k8s.aws/instance-encryption-in-transit-supported': 'true',
        'karpenter.k8s.aws/instance-family': t.family,
        'karpenter.k8s.aws/instance-generation': t.generation,
        'karpenter.k8s.aws/instance-hypervisor': 'nitro',
        'karpenter.k8s.aws/instance-memory': String(t.memoryMib),
        'karpenter.k8s.aws/instance-network-bandwidth': String(t.cpu * 390 + (t.cpu === 2 ? 157 : 0)),
        'karpenter.k8s.aws/instance-size': t.size,
        'karpenter.sh/capacity-type': node.capacityType,
        'karpenter.sh/do-not-sync-taints': 'true',
        'karpenter.sh/initialized': 'true',
        'karpenter.sh/nodepool': 'arm64',
        'karpenter.sh/registered': 'true',
      }
    : {
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': node.group,
        'eks.amazonaws.com/nodegroup-image': 'ami-0f3a9c2d7e81b4560',
        'eks.amazonaws.com/sourceLaunchTemplateId': 'lt-08c4e2a7f1d93b65e',
        'eks.amazonaws.com/sourceLaunchTemplateVersion': '3',
      };
  const hugepages =
    t.arch === 'arm64'
      ? { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', 'hugepages-32Mi': '0', 'hugepages-64Ki': '0' }
      : { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  const capacity = {
    cpu: String(t.cpu),
    'ephemeral-storage': '20893676Ki',
    ...hugepages,
    memory: `${t.memoryKi}Ki`,
    pods: String(t.maxPods),
    'vpc.amazonaws.com/pod-eni': String(t.podEni),
  };
  const allocatable = {
    ...capacity,
    cpu: t.allocatable.cpu,
    'ephemeral-storage': '18181869946',
    memory: `${t.allocatable.memoryKi}Ki`,
  };
  const created = iso(node.created);
  const heartbeat = iso(NOW - Math.floor(random() * 40_000));
  const condition = (type, status, reason, message) => ({
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: iso(node.created + 30_000),
    message,
    reason,
    status,
    type,
  });
  const kernel = t.arch === 'arm64' ? '6.1.153-175.280.amzn2023.aarch64' : '6.1.153-175.280.amzn2023.x86_64';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': node.ip,
        ...(karpenter
          ? {
              'compatibility.karpenter.k8s.aws/user-data-hash': '7482690131582930512',
              'karpenter.k8s.aws/ec2nodeclass-hash': '16270488301447726843',
              'karpenter.k8s.aws/ec2nodeclass-hash-version': 'v4',
              'karpenter.sh/nodepool-hash': '6821555240594823858',
              'karpenter.sh/nodepool-hash-version': 'v3',
            }
          : {}),
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: created,
      ...(karpenter ? { finalizers: ['karpenter.sh/termination'] } : {}),
      labels: {
        'beta.kubernetes.io/arch': t.arch,
        'beta.kubernetes.io/instance-type': node.type,
        'beta.kubernetes.io/os': 'linux',
        'failure-domain.beta.kubernetes.io/region': REGION,
        'failure-domain.beta.kubernetes.io/zone': zone.name,
        'k8s.io/cloud-provider-aws': '3b9c2a47e0d1f58c6a2b4e7d91c0f3a5',
        ...launcher,
        'kubernetes.io/arch': t.arch,
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': node.type,
        'topology.ebs.csi.aws.com/zone': zone.name,
        'topology.k8s.aws/zone-id': zone.id,
        'topology.kubernetes.io/region': REGION,
        'topology.kubernetes.io/zone': zone.name,
        'vpc.amazonaws.com/has-trunk-attached': 'true',
      },
      ...(karpenter
        ? {
            ownerReferences: [
              {
                apiVersion: 'karpenter.sh/v1',
                blockOwnerDeletion: true,
                kind: 'NodeClaim',
                name: node.claim,
                uid: node.claimUid,
              },
            ],
          }
        : {}),
      name: node.name,
      resourceVersion: nextVersion(),
      uid: uid(),
    },
    spec: { providerID: `aws:///${zone.name}/${node.instanceId}` },
    status: {
      addresses: [
        { address: node.ip, type: 'InternalIP' },
        { address: node.name, type: 'InternalDNS' },
        { address: node.name, type: 'Hostname' },
      ],
      allocatable,
      capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: t.arch,
        bootID: uid(),
        containerRuntimeVersion: 'containerd://1.7.27',
        kernelVersion: kernel,
        kubeProxyVersion: KUBELET,
        kubeletVersion: KUBELET,
        machineID: `ec2${hex(29)}`,
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.9.20251014',
        systemUUID: `ec2${hex(5)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
      },
    },
  };
}

// ------------------------------------------------------------------------------------------ Karpenter objects

const KARPENTER_CREATED = ago(58 * 1440 + 120);

const NODE_POOL = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: {
    annotations: { 'karpenter.sh/nodepool-hash': '6821555240594823858', 'karpenter.sh/nodepool-hash-version': 'v3' },
    creationTimestamp: KARPENTER_CREATED,
    generation: 3,
    name: 'arm64',
    resourceVersion: nextVersion(),
    uid: uid(),
  },
  spec: {
    disruption: {
      budgets: [{ nodes: '10%' }],
      consolidateAfter: '5m',
      consolidationPolicy: 'WhenEmptyOrUnderutilized',
    },
    limits: { cpu: '200', memory: '800Gi' },
    template: {
      spec: {
        expireAfter: '720h',
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
        requirements: [
          { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
          { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
          { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['m8g', 'm7g'] },
          { key: 'karpenter.k8s.aws/instance-size', operator: 'In', values: ['large', 'xlarge', '2xlarge', '4xlarge'] },
        ],
      },
    },
  },
  status: {
    conditions: [
      {
        lastTransitionTime: KARPENTER_CREATED,
        message: '',
        observedGeneration: 3,
        reason: 'NodeClassReady',
        status: 'True',
        type: 'NodeClassReady',
      },
      {
        lastTransitionTime: KARPENTER_CREATED,
        message: '',
        observedGeneration: 3,
        reason: 'ValidationSucceeded',
        status: 'True',
        type: 'ValidationSucceeded',
      },
      {
        lastTransitionTime: KARPENTER_CREATED,
        message: '',
        observedGeneration: 3,
        reason: 'Ready',
        status: 'True',
        type: 'Ready',
      },
    ],
    resources: {
      cpu: String(NODES.filter((n) => !n.group).reduce((sum, n) => sum + n.spec.cpu, 0)),
      memory: `${NODES.filter((n) => !n.group).reduce((sum, n) => sum + n.spec.memoryKi, 0)}Ki`,
      nodes: String(NODES.filter((n) => !n.group).length),
      pods: String(NODES.filter((n) => !n.group).reduce((sum, n) => sum + n.spec.maxPods, 0)),
    },
  },
};

const NODE_CLASS = {
  apiVersion: 'karpenter.k8s.aws/v1',
  kind: 'EC2NodeClass',
  metadata: {
    annotations: {
      'karpenter.k8s.aws/ec2nodeclass-hash': '16270488301447726843',
      'karpenter.k8s.aws/ec2nodeclass-hash-version': 'v4',
    },
    creationTimestamp: KARPENTER_CREATED,
    finalizers: ['karpenter.k8s.aws/termination'],
    generation: 2,
    name: 'default',
    resourceVersion: nextVersion(),
    uid: uid(),
  },
  spec: {
    amiFamily: 'AL2023',
    amiSelectorTerms: [{ alias: 'al2023@latest' }],
    blockDeviceMappings: [
      {
        deviceName: '/dev/xvda',
        ebs: { deleteOnTermination: true, encrypted: true, volumeSize: '20Gi', volumeType: 'gp3' },
      },
    ],
    metadataOptions: {
      httpEndpoint: 'enabled',
      httpProtocolIPv6: 'disabled',
      httpPutResponseHopLimit: 1,
      httpTokens: 'required',
    },
    role: `KarpenterNodeRole-${CLUSTER}`,
    securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': CLUSTER } }],
    subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': CLUSTER } }],
    tags: { team: 'platform', 'karpenter.sh/discovery': CLUSTER },
  },
  status: {
    amis: [
      {
        id: 'ami-0a4c9e2f7b13d8561',
        name: 'amazon-eks-node-al2023-arm64-standard-1.32-v20251016',
        requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }],
      },
      {
        id: 'ami-0f3a9c2d7e81b4560',
        name: 'amazon-eks-node-al2023-x86_64-standard-1.32-v20251016',
        requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }],
      },
    ],
    conditions: [
      {
        lastTransitionTime: KARPENTER_CREATED,
        message: '',
        observedGeneration: 2,
        reason: 'Ready',
        status: 'True',
        type: 'Ready',
      },
    ],
    instanceProfile: `${CLUSTER}_4815162342108153427`,
    securityGroups: [{ id: 'sg-0c7e2b9a4f1d36e58', name: `eks-cluster-sg-${CLUSTER}-1422893047` }],
    subnets: SUBNETS.filter((s) => s.role === 'nodes').map((s) => ({
      id: s.id,
      zone: ZONES[s.zone].name,
      zoneID: ZONES[s.zone].id,
    })),
  },
};

function nodeClaimObject(node) {
  const t = node.spec;
  const zone = ZONES[node.zone];
  // Karpenter records its prediction at launch: cold before a node of the type registered its memory, warm after.
  const capacityKi = node.cold ? t.karpenter.coldCapacityKi : t.memoryKi;
  const allocatableKi = node.cold ? t.karpenter.coldKi : t.karpenter.warmKi;
  const created = iso(node.created - 45_000);
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodeClaim',
    metadata: {
      annotations: {
        'compatibility.karpenter.k8s.aws/user-data-hash': '7482690131582930512',
        'karpenter.k8s.aws/ec2nodeclass-hash': '16270488301447726843',
        'karpenter.k8s.aws/ec2nodeclass-hash-version': 'v4',
        'karpenter.k8s.aws/tagged': 'true',
        'karpenter.sh/nodepool-hash': '6821555240594823858',
        'karpenter.sh/nodepool-hash-version': 'v3',
      },
      creationTimestamp: created,
      finalizers: ['karpenter.sh/termination'],
      generateName: 'arm64-',
      generation: 1,
      labels: {
        'karpenter.k8s.aws/ec2nodeclass': 'default',
        'karpenter.k8s.aws/instance-category': 'm',
        'karpenter.k8s.aws/instance-cpu': String(t.cpu),
        'karpenter.k8s.aws/instance-family': t.family,
        'karpenter.k8s.aws/instance-generation': t.generation,
        'karpenter.k8s.aws/instance-memory': String(t.memoryMib),
        'karpenter.k8s.aws/instance-size': t.size,
        'karpenter.sh/capacity-type': node.capacityType,
        'karpenter.sh/nodepool': 'arm64',
        'kubernetes.io/arch': t.arch,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': node.type,
        'topology.k8s.aws/zone-id': zone.id,
        'topology.kubernetes.io/region': REGION,
        'topology.kubernetes.io/zone': zone.name,
      },
      name: node.claim,
      ownerReferences: [
        {
          apiVersion: 'karpenter.sh/v1',
          blockOwnerDeletion: true,
          kind: 'NodePool',
          name: 'arm64',
          uid: NODE_POOL.metadata.uid,
        },
      ],
      resourceVersion: nextVersion(),
      uid: node.claimUid,
    },
    spec: {
      expireAfter: '720h',
      nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
      requirements: [
        ...NODE_POOL.spec.template.spec.requirements.filter((r) => r.key !== 'karpenter.sh/capacity-type'),
        { key: 'karpenter.sh/nodepool', operator: 'In', values: ['arm64'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: node.offered },
      ],
      resources: { requests: node.requested },
    },
    status: {
      allocatable: {
        cpu: t.allocatable.cpu,
        'ephemeral-storage': '17Gi',
        memory: `${allocatableKi}Ki`,
        pods: String(t.maxPods),
        'vpc.amazonaws.com/pod-eni': String(t.podEni),
      },
      capacity: {
        cpu: String(t.cpu),
        'ephemeral-storage': '20Gi',
        memory: `${capacityKi}Ki`,
        pods: String(t.maxPods),
        'vpc.amazonaws.com/pod-eni': String(t.podEni),
      },
      conditions: ['Launched', 'Registered', 'Initialized', 'Ready'].map((type, i) => ({
        lastTransitionTime: iso(node.created - 45_000 + [2_000, 44_000, 58_000, 58_000][i]),
        message: '',
        observedGeneration: 1,
        reason: type,
        status: 'True',
        type,
      })),
      imageID: 'ami-0a4c9e2f7b13d8561',
      lastPodEventTime: iso(NOW - Math.floor(random() * 3_600_000)),
      nodeName: node.name,
      providerID: `aws:///${zone.name}/${node.instanceId}`,
    },
  };
}

for (const node of NODES.filter((n) => !n.group)) {
  node.claim = `arm64-${suffix(5)}`;
  node.claimUid = uid();
  const larger = ['m8g.large', 'm7g.large', 'm8g.xlarge', 'm7g.xlarge', 'm8g.2xlarge', 'm7g.2xlarge', 'm8g.4xlarge'];
  node.offered = larger.slice(larger.indexOf(node.type) === 0 ? 0 : larger.indexOf(node.type) - 1);
  const here = PODS.filter((p) => p.node === node);
  let cpu = 0;
  let memoryMi = 0;
  for (const p of here) {
    for (const c of p.w.containers) {
      const q = c.requests.cpu ?? '0';
      cpu += q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
      const m = c.requests.memory ?? '0';
      memoryMi += m.endsWith('Gi') ? Number(m.slice(0, -2)) * 1024 : m.endsWith('Mi') ? Number(m.slice(0, -2)) : 0;
    }
  }
  node.requested = { cpu: `${cpu}m`, memory: `${memoryMi}Mi`, pods: String(here.length) };
}

const SECURITY_GROUP_POLICY = {
  apiVersion: 'vpcresources.k8s.aws/v1beta1',
  kind: 'SecurityGroupPolicy',
  metadata: {
    creationTimestamp: ago(41 * 1440 + 77),
    generation: 1,
    name: 'checkout-orders-db',
    namespace: 'shop',
    resourceVersion: nextVersion(),
    uid: uid(),
  },
  spec: {
    podSelector: { matchLabels: { app: 'checkout' } },
    securityGroups: { groupIds: ['sg-0d91f3c6a28e7b450', 'sg-0c7e2b9a4f1d36e58'] },
  },
};

// ------------------------------------------------------------------------------------------ events

const EVENTS = [];
function event(namespace, object, fields) {
  const first = fields.first;
  const last = fields.last ?? first;
  EVENTS.push({
    apiVersion: 'v1',
    count: fields.count ?? 1,
    eventTime: null,
    firstTimestamp: iso(first),
    involvedObject: { ...object, namespace: object.namespace ?? (namespace === 'default' ? undefined : namespace) },
    kind: 'Event',
    lastTimestamp: iso(last),
    message: fields.message,
    metadata: {
      creationTimestamp: iso(first),
      name: `${object.name}.${hex(16)}`,
      namespace,
      resourceVersion: nextVersion(),
      uid: uid(),
    },
    reason: fields.reason,
    reportingComponent: fields.component,
    reportingInstance: fields.instance ?? '',
    source: { component: fields.component, ...(fields.host ? { host: fields.host } : {}) },
    type: fields.type ?? 'Normal',
  });
}

// ------------------------------------------------------------------------------------------ write

const DOCTOR_FILES = [
  'nodes-pods-workloads.json',
  'karpenter.json',
  'events.json',
  'aws-node.json',
  'karpenter-deployment.json',
  'subnets.json',
  'quotas.json',
  'securitygrouppolicies.json',
];

mkdirSync(OUT, { recursive: true });
for (const name of readdirSync(OUT)) if (name.endsWith('.json')) rmSync(join(OUT, name));

for (const w of WORKLOADS) {
  w.rsUid = uid();
  w.revision = w.kind === DS ? suffix(10) : w.kind === STS ? suffix(10) : null;
}
for (const pod of PODS) {
  pod.uid = uid();
  pod.name = podName(pod);
}

const web = workload('shop', 'web');
const stuckPods = PODS.filter((p) => p.state === 'stuck');
const ngNodes = NODES.filter((n) => n.group);
const jobPods = [0, 1, 2].map((run) => completedJobPod(run, ngNodes[run % ngNodes.length]));

// kubectl get nodes,pods,deployments,statefulsets,daemonsets -A: by kind, then namespace and name.
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const podObjects = PODS.map(podObject);
const allPods = [...podObjects, ...jobPods].sort(
  (a, b) => byName(a.metadata.namespace, b.metadata.namespace) || byName(a.metadata.name, b.metadata.name),
);
const nodeObjects = [...NODES].sort((a, b) => byName(a.name, b.name)).map(nodeObject);
const ofKind = (kind) =>
  WORKLOADS.filter((w) => w.kind === kind)
    .sort((a, b) => byName(a.namespace, b.namespace) || byName(a.name, b.name))
    .map(workloadObject);
writeJson(
  'nodes-pods-workloads.json',
  list([...nodeObjects, ...allPods, ...ofKind(DEPLOY), ...ofKind(STS), ...ofKind(DS)]),
);

writeJson('aws-node.json', workloadObject(workload('kube-system', 'aws-node')));
writeJson('karpenter-deployment.json', list([workloadObject(workload('karpenter', 'karpenter'))]));
writeJson(
  'karpenter.json',
  list([
    NODE_POOL,
    NODE_CLASS,
    ...NODES.filter((n) => !n.group)
      .sort((a, b) => byName(a.claim, b.claim))
      .map(nodeClaimObject),
  ]),
);
writeJson('securitygrouppolicies.json', list([SECURITY_GROUP_POLICY]));

// Events of the last hour, as the API server keeps them.
const podObjectOf = (pod) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  name: pod.name,
  namespace: pod.w.namespace,
  resourceVersion: nextVersion(),
  uid: pod.uid,
});
event(
  'shop',
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'web',
    namespace: 'shop',
    resourceVersion: nextVersion(),
    uid: web.uid,
  },
  {
    first: NOW - 16 * 60_000,
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set web-${web.hash} from 28 to 36`,
    component: 'deployment-controller',
  },
);
for (const pod of stuckPods) {
  event(
    'shop',
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: `web-${web.hash}`,
      namespace: 'shop',
      resourceVersion: nextVersion(),
      uid: web.rsUid,
    },
    {
      first: pod.created,
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod.name}`,
      component: 'replicaset-controller',
    },
  );
  event('shop', podObjectOf(pod), {
    first: pod.created + 50,
    reason: 'Scheduled',
    message: `Successfully assigned shop/${pod.name} to ${pod.node.name}`,
    component: 'default-scheduler',
  });
  const sandbox = hex(64);
  event('shop', podObjectOf(pod), {
    first: pod.created + 1_900,
    last: NOW - Math.floor(random() * 20_000),
    count: 61 + Math.floor(random() * 6),
    type: 'Warning',
    reason: 'FailedCreatePodSandBox',
    message:
      `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": ` +
      'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: Error received from AddNetwork gRPC call for ' +
      `container ${sandbox}: rpc error: code = Unknown desc = failed to assign an IP address to container`,
    component: 'kubelet',
    instance: pod.node.name,
    host: pod.node.name,
  });
}
const newest = NODES.find((n) => n.key === 'kp-c4');
event(
  'default',
  { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', name: newest.claim, uid: newest.claimUid },
  {
    first: newest.created - 43_000,
    reason: 'Launched',
    message: `Status condition transitioned, Type: Launched, Status: Unknown -> True, Reason: Launched`,
    component: 'karpenter',
  },
);
event(
  'default',
  { apiVersion: 'v1', kind: 'Node', name: newest.name },
  {
    first: newest.created + 12_000,
    reason: 'Ready',
    message: 'Status condition transitioned, Type: Ready, Status: False -> True, Reason: KubeletReady',
    component: 'karpenter',
  },
);
for (const node of NODES.filter((n) => !n.group && n.key !== 'kp-c4')) {
  event(
    'default',
    { apiVersion: 'v1', kind: 'Node', name: node.name },
    {
      first: NOW - 58 * 60_000,
      last: NOW - Math.floor(random() * 120_000),
      count: 12,
      reason: 'Unconsolidatable',
      message: "Can't replace with a cheaper node",
      component: 'karpenter',
    },
  );
}
EVENTS.sort((a, b) => byName(a.metadata.namespace, b.metadata.namespace) || byName(a.metadata.name, b.metadata.name));
writeJson('events.json', list(EVENTS));

// aws ec2 describe-subnets: addresses used by the nodes, their ENIs (a trunk, pod ENIs with all their
// secondary IPs: ipamd holds whole ENIs), branch ENIs of SecurityGroupPolicy pods, and the `other` ones.
const subnets = SUBNETS.map((s) => {
  const zone = ZONES[s.zone];
  const tags = {
    nodes: {
      Name: `${CLUSTER}-private-${zone.name}`,
      'karpenter.sh/discovery': CLUSTER,
      'kubernetes.io/role/internal-elb': '1',
    },
    pods: { Name: `${CLUSTER}-pods-${zone.name}` },
    public: { Name: `${CLUSTER}-public-${zone.name}`, 'kubernetes.io/role/elb': '1' },
  }[s.role];
  return {
    AvailabilityZone: zone.name,
    AvailabilityZoneId: zone.id,
    AvailableIpAddressCount: s.pool.usable - s.pool.taken - s.other,
    CidrBlock: s.cidr,
    DefaultForAz: false,
    MapPublicIpOnLaunch: s.role === 'public',
    MapCustomerOwnedIpOnLaunch: false,
    State: 'available',
    SubnetId: s.id,
    VpcId: VPC,
    OwnerId: ACCOUNT,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${s.id}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
  };
});
writeJson('subnets.json', { Subnets: subnets });

// aws service-quotas list-service-quotas --service-code ec2 (the vCPU quotas and a few others).
const QUOTAS = [
  ['L-1216C47A', 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 320, 'Standard/OnDemand'],
  ['L-34B43A08', 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests', 24, 'Standard/Spot'],
  ['L-DB2E81BA', 'Running On-Demand G and VT instances', 0, 'G/OnDemand'],
  ['L-3819A6DF', 'All G and VT Spot Instance Requests', 0, 'G/Spot'],
  ['L-417A185B', 'Running On-Demand P instances', 0, 'P/OnDemand'],
  ['L-7212CCBC', 'All P4, P3 and P2 Spot Instance Requests', 0, 'P/Spot'],
  ['L-1945791B', 'Running On-Demand Inf instances', 0, 'Inf/OnDemand'],
  ['L-7295265B', 'Running On-Demand X instances', 0, 'X/OnDemand'],
  ['L-0263D0A3', 'EC2-VPC Elastic IPs', 5, null],
].map(([code, name, value, usage]) => ({
  ServiceCode: 'ec2',
  ServiceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
  QuotaArn: `arn:aws:servicequotas:${REGION}:${ACCOUNT}:ec2/${code}`,
  QuotaCode: code,
  QuotaName: name,
  Value: value,
  Unit: 'None',
  Adjustable: true,
  GlobalQuota: false,
  ...(usage
    ? {
        UsageMetric: {
          MetricNamespace: 'AWS/Usage',
          MetricName: 'ResourceCount',
          MetricDimensions: { Class: usage.split('/')[0], Resource: 'vCPU', Service: 'EC2', Type: 'Resource' },
          MetricStatisticRecommendation: 'Maximum',
        },
      }
    : {}),
  QuotaAppliedAtLevel: 'ACCOUNT',
}));
writeJson('quotas.json', { Quotas: QUOTAS });

// What was written, to check against the README.
const podSubnetUse = NODES.map(
  (n) =>
    `${n.key} ${n.type} ${ZONES[n.zone].name}: ${n.ipPods} pods needing an ipamd IP (of ${n.podIps}), ${n.branchPods} on branch ENIs, ${n.held} IPs held`,
);
process.stdout.write(
  `${DOCTOR_FILES.length} files in ${OUT}: ${NODES.length} nodes, ${allPods.length} pods (${stuckPods.length} stuck without an IP), ` +
    `${EVENTS.length} events\n${podSubnetUse.join('\n')}\n`,
);
