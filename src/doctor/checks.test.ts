import { describe, expect, it } from 'vitest';
import type { ClusterNode, ClusterPod, ClusterState } from '../cluster/cluster-state.js';
import {
  clusterNode,
  clusterPod,
  clusterState,
  clusterSubnet,
  daemonSetWorkload,
  hostNetworkPods,
  nodeClaim,
  podsOnNode,
  sandboxEvent,
} from '../test-support/cluster-state.js';
import { findingCodes, onlyFinding } from '../test-support/doctor-findings.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { nodeClass, nodePool, requirement } from '../test-support/sim-input.js';
import { checkIps, checkMaxPodsExceedsPodIps, checkPodsStuckNoIp, nodeIpUse } from './ip-checks.js';
import { checkKarpenterLaunchLoop, loopWindows } from './karpenter-checks.js';
import {
  checkAllocatable,
  checkKarpenterBelief,
  checkMaxPods,
  checkModelMismatches,
  checkNodeInputs,
  checkNodes,
} from './node-checks.js';
import { checkQuotaHeadroom } from './quota-checks.js';

const catalog = bundledCatalog();

const only = onlyFinding;

const codes = findingCodes;

/** An m5.large AL2023 node of a managed node group; MemTotal as measured on one (7,910,348Ki). */
function m5LargeNodeGroupNode(
  name: string,
  partial: Partial<Omit<ClusterNode, 'capacity' | 'allocatable'>> = {},
  pods = 29,
): ClusterNode {
  return clusterNode({
    name,
    instanceType: 'm5.large',
    nodeGroup: 'ng',
    capacity: { cpu: '2', memory: '7910348Ki', pods },
    // 7,910,348 − kube-reserved 11·29+255 = 574Mi (587,776Ki) − eviction 100Mi (102,400Ki) (capacity-models.md §2.4).
    allocatable: { cpu: '1930m', memory: '7220172Ki', pods },
    ...partial,
  });
}

describe('custom networking on an m5.large node group (vpc-cni-ipam.md §5)', () => {
  // maxPods 29 from the ENI table, 2·9 = 18 pod IPs without the primary ENI: 27 IP pods admitted, 9 hang.
  const node = m5LargeNodeGroupNode('ip-10-0-1-1');
  const web = podsOnNode(node.name, 'web', 27, 18);
  const state = clusterState({
    nodes: [node],
    pods: [...hostNetworkPods(node.name), ...web],
    events: web.filter((p) => p.containerCreating).map((p) => sandboxEvent(p)),
    vpcCni: { version: 'v1.19.2', env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' } },
  });

  it('counts the node’s pod IPs against the pods it admits', () => {
    expect(nodeIpUse(state, catalog)).toEqual([
      {
        node: 'ip-10-0-1-1',
        instanceType: 'm5.large',
        maxPods: 29,
        hostNetworkPods: 2,
        podIps: 18,
        podsNeedingIp: 27,
        podsWithIp: 18,
      },
    ]);
  });

  it('finds 9 pods a node that will hang, and says to set maxPods 20', () => {
    const finding = only(checkMaxPodsExceedsPodIps(state, catalog), 'MAX_PODS_EXCEEDS_POD_IPS');
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('maxPods 29 admits 27 pods that need an IP');
    expect(finding.message).toContain('the CNI can give 18 (custom networking keeps the primary ENI from pods)');
    expect(finding.message).toContain('9 pods a node will hang in ContainerCreating');
    expect(finding.message).toContain('9 pods on these nodes have no IP now');
    expect(finding.message).toContain('Fix: set maxPods to 20 (AL2023 user data');
    expect(finding.evidence.nodes).toEqual(['ip-10-0-1-1']);
  });

  it('reports the 9 stuck pods with the node full of IPs as the cause', () => {
    const finding = only(checkPodsStuckNoIp(state, catalog), 'PODS_STUCK_NO_IP');
    expect(finding.message).toMatch(/^9 pods \(default\/web-18, default\/web-19, default\/web-20 and 6 more\)/);
    expect(finding.message).toContain('failed to assign an IP address to container');
    expect(finding.message).toContain('the 18 pod IPs the CNI can give on an m5.large are all taken (maxPods 29)');
    expect(finding.evidence.pods).toHaveLength(5);
  });

  it('finds the allocatable and maxPods the model predicts: no node finding', () => {
    expect(checkMaxPods(state, catalog)).toEqual([]);
    expect(checkAllocatable(state, catalog)).toEqual([]);
    expect(checkKarpenterBelief(state, catalog)).toEqual([]);
  });

  it('ignores pods in ContainerCreating without the CNI’s IP error', () => {
    const quiet = { ...state, events: state.events.map((e) => ({ ...e, message: 'Back-off pulling image' })) };
    expect(checkPodsStuckNoIp(quiet, catalog)).toEqual([]);
  });

  it('checkIps gives both', () => {
    const result = checkIps(state, catalog);
    expect(result.nodes).toHaveLength(1);
    expect(codes(result.findings)).toEqual(['MAX_PODS_EXCEEDS_POD_IPS', 'PODS_STUCK_NO_IP']);
  });
});

describe('allocatable against the model', () => {
  it('says nothing when the real allocatable equals the model', () => {
    const state = clusterState({ nodes: [m5LargeNodeGroupNode('a'), m5LargeNodeGroupNode('b')] });
    expect(checkNodes(state, catalog)).toEqual([]);
  });

  it('groups nodes that reserve more than the model and gives both numbers', () => {
    const reserved = { cpu: '1930m', memory: '7117772Ki', pods: 29 };
    const nodes = ['a', 'b', 'c', 'd'].map((name) =>
      clusterNode({
        name,
        instanceType: 'm5.large',
        nodeGroup: 'ng',
        capacity: { cpu: '2', memory: '7910348Ki', pods: 29 },
        allocatable: reserved,
      }),
    );
    const finding = only(checkAllocatable(clusterState({ nodes }), catalog), 'ALLOCATABLE_DIFFERS_FROM_MODEL');
    expect(finding.severity).toBe('warning');
    expect(finding.message).toMatch(/^4 m5\.large nodes of node group ng \(a, b, c and 1 more\)/);
    expect(finding.message).toContain('allocatable is 1930m CPU and 7,117,772Ki memory');
    expect(finding.message).toContain('gives 1930m CPU and 7,220,172Ki memory');
    expect(finding.message).toContain('kube-reserved 587,776Ki (11·29+255 MiB) − eviction 102,400Ki');
    expect(finding.message).toContain('the kubelet reserves 102,400Ki more memory than the model');
    expect(finding.message).toContain('custom user-data or kubelet configuration');
    expect(finding.evidence.nodes).toEqual(['a', 'b', 'c', 'd']);
  });

  it('takes hugepages off allocatable memory as the kubelet does', () => {
    const node = clusterNode({
      name: 'huge',
      instanceType: 'm5.large',
      nodeGroup: 'ng',
      capacity: { cpu: '2', memory: '7910348Ki', pods: 29, extended: { 'hugepages-2Mi': 512 * 1024 * 1024 } },
      allocatable: { cpu: '1930m', memory: `${7220172 - 524288}Ki`, pods: 29 },
    });
    expect(checkAllocatable(clusterState({ nodes: [node] }), catalog)).toEqual([]);
  });
});

describe('maxPods against the model', () => {
  it('flags a node group that raised maxPods without prefix delegation, and the pods it strands', () => {
    const node = m5LargeNodeGroupNode('raised', {}, 110);
    const state = clusterState({ nodes: [node], pods: hostNetworkPods(node.name) });
    const differs = only(checkMaxPods(state, catalog), 'MAX_PODS_DIFFERS_FROM_MODEL');
    expect(differs.message).toContain('maxPods (status.capacity.pods) is 110');
    expect(differs.message).toContain("podcap's model gives 29, from the AL2023 AMI's ENI table (3·(10−1)+2)");
    const exceeds = only(checkMaxPodsExceedsPodIps(state, catalog), 'MAX_PODS_EXCEEDS_POD_IPS');
    // 110 − 2 host-network pods = 108 IP pods against 3·9 = 27 secondary IPs.
    expect(exceeds.message).toContain('maxPods 110 admits 108 pods that need an IP');
    expect(exceeds.message).toContain('81 pods a node will hang');
    expect(exceeds.message).toContain('set maxPods to 29');
  });
});

/** The write-up's m8g.large (capacity-models.md §7): MemTotal 7,948,164Ki, allocatable 7,257,988Ki. */
function m8gLargeKarpenterState(version: string, extra: Partial<ClusterState> = {}): ClusterState {
  const node = clusterNode({
    name: 'ip-10-0-2-1',
    instanceType: 'm8g.large',
    nodePool: 'default',
    capacity: { cpu: '2', memory: '7948164Ki', pods: 20, extended: { 'vpc.amazonaws.com/pod-eni': 9 } },
    allocatable: { cpu: '1930m', memory: '7257988Ki', pods: 20, extended: { 'vpc.amazonaws.com/pod-eni': 9 } },
  });
  const logging = clusterPod({
    namespace: 'kube-system',
    name: 'logging-x1',
    nodeName: node.name,
    podIp: '10.0.2.10',
    owner: { kind: 'DaemonSet', name: 'logging' },
    cpu: '100m',
    memory: '400Mi',
  });
  return clusterState({
    nodes: [node],
    pods: [...hostNetworkPods(node.name), logging],
    workloads: [daemonSetWorkload('logging', '100m', '400Mi')],
    vpcCni: { version: 'v1.19.2', env: { ENABLE_POD_ENI: 'true' } },
    karpenter: { version, env: { RESERVED_ENIS: '1' } },
    nodePools: [
      nodePool('default', {
        requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m8g.large', 'm8g.xlarge'])],
      }),
    ],
    nodeClasses: [nodeClass(['subnet-a'])],
    nodeClaims: [
      nodeClaim({
        name: 'default-abcde',
        nodePool: 'default',
        nodeName: node.name,
        instanceType: 'm8g.large',
        allocatable: { cpuMillis: 1930, memoryBytes: 7359364 * 1024, pods: 20, extended: {} },
      }),
    ],
    subnets: [clusterSubnet('subnet-a', '10.0.0.0/20', 3000)],
    ...extra,
  });
}

describe('Karpenter v1.5.1, pod ENI, RESERVED_ENIS=1 on m8g.large (capacity-models.md §7)', () => {
  const state = m8gLargeKarpenterState('1.5.1');

  it('finds the kubelet’s numbers as the model predicts them', () => {
    expect(checkMaxPods(state, catalog)).toEqual([]);
    expect(checkAllocatable(state, catalog)).toEqual([]);
  });

  it('finds that Karpenter believes 7,359,364Ki where the kubelet gives 7,257,988Ki', () => {
    const finding = only(checkKarpenterBelief(state, catalog), 'KARPENTER_OVERESTIMATES_NODE');
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain(
      'Karpenter v1.5.1 (their NodeClaims recorded 7,359,364Ki allocatable memory at launch)',
    );
    expect(finding.message).toContain(
      'Karpenter believes an m8g.large allocates 7,359,364Ki memory, the kubelet gives 7,257,988Ki',
    );
    expect(finding.message).toContain('fall in (7,257,988Ki, 7,359,364Ki]');
    // The logging DaemonSet's 400Mi on the node: the write-up's pod of 6,848,389Ki falls in this window.
    expect(finding.message).toContain('a pod asking more than 6,848,388Ki and at most 6,949,764Ki');
    expect(finding.message).toContain(
      'Why: Karpenter 1.5.1 with RESERVED_ENIS=1 reserves kube-reserved memory for 20 pods',
    );
    expect(finding.message).toContain('Fix: upgrade Karpenter to v1.5.2 or later');
    expect(finding.evidence.nodePools).toEqual(['default']);
  });

  it('leaves the RESERVED_ENIS cause to the overestimate finding rather than repeating it', () => {
    const repeated = checkModelMismatches(state, catalog).filter((f) => f.message.includes('RESERVED_ENIS=1 reserves'));
    expect(repeated).toEqual([]);
  });

  it('gives the NodePool’s loop windows, the seen type with its real memory first', () => {
    const windows = loopWindows(state, catalog).get('default') ?? [];
    expect(windows.map((w) => [w.instanceType, w.resource, w.memoryEstimated])).toEqual([
      ['m8g.large', 'memory', false],
      ['m8g.xlarge', 'memory', true],
    ]);
    expect(windows[0]?.pod).toEqual({
      resource: 'memory',
      aboveExclusive: 6848388 * 1024,
      upToInclusive: 6949764 * 1024,
    });
    const finding = only(checkKarpenterLaunchLoop(state, catalog), 'KARPENTER_LAUNCH_LOOP_RISK');
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('NodePool default (Karpenter v1.5.1, RESERVED_ENIS=1, ENABLE_POD_ENI=true)');
    expect(finding.message).toContain('on 2 instance types');
    expect(finding.message).toContain(
      "pods asking more than 6,848,388Ki and at most 6,949,764Ki memory on m8g.large (with its DaemonSets' 409,600Ki: (7,257,988Ki, 7,359,364Ki])",
    );
    // m8g.xlarge: 11·9·(15−1)... RESERVED_ENIS=1 takes 11·(15−1) = 154Mi off kube-reserved (capacity-models.md §5.6).
    expect(finding.message).toContain('on m8g.xlarge (with its DaemonSets');
    expect(finding.message).toContain('(MemTotal − 1,016,832Ki, MemTotal − 859,136Ki], once one has registered');
    expect(finding.message).toContain('security groups for pods needs the ENI kept back');
    expect(finding.evidence.instanceTypes).toEqual(['m8g.large', 'm8g.xlarge']);
  });

  it('finds no loop and no overestimate from v1.5.2 on', () => {
    const fixed = m8gLargeKarpenterState('1.5.2');
    expect(checkKarpenterLaunchLoop(fixed, catalog)).toEqual([]);
    expect(checkKarpenterBelief(fixed, catalog)).toEqual([]);
  });

  it('says when the version is unknown', () => {
    const unknown = m8gLargeKarpenterState('latest');
    expect(codes(checkKarpenterLaunchLoop(unknown, catalog))).toEqual(['INPUT_INCOMPLETE']);
  });
});

describe('Karpenter with custom networking and RESERVED_ENIS=0', () => {
  it('says to set RESERVED_ENIS=1, as the simulator does', () => {
    const node = clusterNode({
      name: 'kc-1',
      instanceType: 'm5.large',
      nodePool: 'default',
      capacity: { cpu: '2', memory: '7910348Ki', pods: 29 },
      allocatable: { cpu: '1930m', memory: '7220172Ki', pods: 29 },
    });
    const state = clusterState({
      nodes: [node],
      pods: hostNetworkPods(node.name),
      vpcCni: { version: 'v1.19.2', env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' } },
      karpenter: { version: '1.14.1', env: {} },
      nodePools: [nodePool('default')],
      nodeClasses: [nodeClass([])],
    });
    const finding = only(checkMaxPodsExceedsPodIps(state, catalog), 'MAX_PODS_EXCEEDS_POD_IPS');
    expect(finding.message).toContain('Karpenter cannot see pods stuck in ContainerCreating');
    expect(finding.message).toContain("Fix: set Karpenter's RESERVED_ENIS=1 so maxPods matches the pod IPs.");
    expect(checkNodes(state, catalog).filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('pods stuck without an IP in a dry subnet', () => {
  it('names the subnet when it cannot give a new ENI', () => {
    const node = m5LargeNodeGroupNode('dry-1', { internalIp: '10.0.0.5' });
    const pods: ClusterPod[] = [...hostNetworkPods(node.name), ...podsOnNode(node.name, 'api', 13, 10)];
    const state = clusterState({
      nodes: [node],
      pods,
      events: pods.filter((p) => p.containerCreating).map((p) => sandboxEvent(p)),
      subnets: [clusterSubnet('subnet-dry', '10.0.0.0/24', 0)],
    });
    const finding = only(checkPodsStuckNoIp(state, catalog), 'PODS_STUCK_NO_IP');
    expect(finding.message).toMatch(/^3 pods \(default\/api-10, default\/api-11 and default\/api-12\)/);
    expect(finding.message).toContain('subnet subnet-dry (10.0.0.0/24, us-west-2a) has 0 free addresses');
    expect(finding.evidence.subnets).toEqual(['subnet-dry']);
  });
});

describe('input podcap cannot model', () => {
  it('says which nodes lack a known type or AMI family, and still counts their IPs', () => {
    const bottle = m5LargeNodeGroupNode('windows-1', { amiFamily: null, osImage: 'Windows Server 2022 Datacenter' });
    const unknown = clusterNode({
      name: 'mystery-1',
      instanceType: 'zz9.huge',
      capacity: { cpu: '2', memory: '8Gi', pods: 29 },
      allocatable: { cpu: '2', memory: '8Gi', pods: 29 },
    });
    const state = clusterState({ nodes: [bottle, unknown] });
    const findings = checkNodeInputs(state, catalog);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['INPUT_INCOMPLETE', 'warning'],
      ['INPUT_INCOMPLETE', 'info'],
    ]);
    expect(findings[0]?.message).toContain('zz9.huge is not in podcap');
    expect(findings[1]?.message).toContain('"Windows Server 2022 Datacenter"');
    expect(nodeIpUse(state, catalog).map((u) => u.podIps)).toEqual([27, null]);
  });
});

describe('vCPU quota headroom', () => {
  const onDemand = Array.from({ length: 10 }, (_, i) => m5LargeNodeGroupNode(`od-${i}`));
  const spot = Array.from({ length: 2 }, (_, i) => m5LargeNodeGroupNode(`spot-${i}`, { capacityType: 'spot' }));

  it('reports nothing without a quota file', () => {
    expect(checkQuotaHeadroom(clusterState({ nodes: onDemand }), catalog)).toEqual({ headroom: [], findings: [] });
  });

  it('warns below 10 % left, errs at none left, and always gives the numbers', () => {
    const state = clusterState({
      nodes: [...onDemand, ...spot],
      quotas: [
        { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', value: 21 },
        { code: 'L-34B43A08', name: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests', value: 4 },
        { code: 'L-DB2E81BA', name: 'Running On-Demand G and VT instances', value: 64 },
      ],
    });
    const result = checkQuotaHeadroom(state, catalog);
    expect(
      result.headroom.map((h) => [h.capacityType, h.quotaClass, h.usedVcpus, h.limitVcpus, h.headroomVcpus]),
    ).toEqual([
      ['on-demand', 'standard', 20, 21, 1],
      ['on-demand', 'g', 0, 64, 64],
      ['spot', 'standard', 4, 4, 0],
    ]);
    expect(result.findings.map((f) => f.severity)).toEqual(['warning', 'error', 'info']);
    expect(result.findings[0]?.message).toContain('20 of 21 vCPUs on 10 nodes, 1 left (4.8%)');
    expect(result.findings[1]?.message).toContain('MaxSpotInstanceCountExceeded');
    expect(result.findings[2]?.message).toContain('Running On-Demand G and VT instances (L-DB2E81BA): 0 of 64 vCPUs');
  });

  it('leaves alone a class the account never raised from 0 and the cluster does not run', () => {
    const state = clusterState({
      nodes: onDemand,
      quotas: [
        { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', value: 640 },
        { code: 'L-417A185B', name: 'Running On-Demand P instances', value: 0 },
      ],
    });
    const result = checkQuotaHeadroom(state, catalog);
    expect(result.findings.map((f) => f.severity)).toEqual(['info']);
    expect(result.headroom.find((h) => h.quotaClass === 'p')).toMatchObject({ limitVcpus: 0, usedVcpus: 0 });
  });
});
