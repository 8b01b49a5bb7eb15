import { describe, expect, it } from 'vitest';
import type { ClusterNode, ClusterState } from '../cluster/cluster-state.js';
import type { AmiFamily } from '../core/node-config.js';
import {
  clusterNode,
  clusterPod,
  clusterState,
  hostNetworkPods,
  type ResourceListSpec,
} from '../test-support/cluster-state.js';
import { onlyFinding } from '../test-support/doctor-findings.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { nodeClass, nodePool, requirement } from '../test-support/sim-input.js';
import { diagnose } from './diagnose.js';
import { checkKarpenterLaunchLoop } from './karpenter-checks.js';
import {
  checkAllocatable,
  checkKarpenterBelief,
  checkMaxPods,
  checkModelMismatches,
  checkNodes,
  modelCluster,
} from './node-checks.js';

const catalog = bundledCatalog();

const only = onlyFinding;

const OS_IMAGES: Readonly<Record<Exclude<AmiFamily, 'custom'>, string>> = {
  al2: 'Amazon Linux 2',
  al2023: 'Amazon Linux 2023.7.20250512',
  bottlerocket: 'Bottlerocket OS 1.26.1 (aws-k8s-1.32)',
};

/** A node of managed node group `ng` with MemTotal 7,900,000Ki (the auditor's exports), 2 CPUs and 1930m allocatable. */
function groupNode(
  name: string,
  instanceType: string,
  amiFamily: Exclude<AmiFamily, 'custom'>,
  pods: number,
  allocatableKi: number,
  capacity: Partial<ResourceListSpec> = {},
): ClusterNode {
  return clusterNode({
    name,
    instanceType,
    nodeGroup: 'ng',
    amiFamily,
    osImage: OS_IMAGES[amiFamily],
    capacity: { cpu: '2', memory: '7900000Ki', pods, ...capacity },
    allocatable: { cpu: '1930m', memory: `${allocatableKi}Ki`, pods },
  });
}

const PREFIXES = { version: 'v1.20.4', env: { ENABLE_PREFIX_DELEGATION: 'true' } };
const CUSTOM_NETWORKING = { version: 'v1.20.4', env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' } };

// MemTotal 7,900,000Ki − kube-reserved − eviction 100Mi (102,400Ki): 574Mi = 587,776Ki (11·29+255), 1465Mi = 1,500,160Ki (11·110+255).
const RESERVED_FOR_29 = 7_900_000 - 587_776 - 102_400; // 7,209,824Ki
const RESERVED_FOR_110 = 7_900_000 - 1_500_160 - 102_400; // 6,297,440Ki
const RESERVED_NOTHING = 7_900_000 - 102_400; // 7,797,600Ki

describe('kube-reserved memory of a node group that sets maxPods 110 with prefix delegation (capacity-models.md §2.3, §2.4, §3, §10)', () => {
  // AL2 reserves for the ENI table's 29 whatever --max-pods says; AL2023 for nodeadm's own value, not the
  // user's maxPods; Bottlerocket for its max-pods setting.
  it.each([
    ['bottlerocket', RESERVED_FOR_110],
    ['al2', RESERVED_FOR_29],
    ['al2023', RESERVED_FOR_29],
  ] as const)('%s: allocatable %iKi is the model’s, and 110 is the calculator’s value', (family, allocatableKi) => {
    const state = clusterState({ nodes: [groupNode('n', 'm5.large', family, 110, allocatableKi)], vpcCni: PREFIXES });
    expect(checkAllocatable(state, catalog)).toEqual([]);
    expect(checkMaxPods(state, catalog)).toEqual([]);
    expect(checkModelMismatches(state, catalog)).toEqual([]);
  });

  it('still flags a Bottlerocket node that reserves for 29 pods while running 110', () => {
    const state = clusterState({
      nodes: [groupNode('n', 'm5.large', 'bottlerocket', 110, RESERVED_FOR_29)],
      vpcCni: PREFIXES,
    });
    const finding = only(checkAllocatable(state, catalog), 'ALLOCATABLE_DIFFERS_FROM_MODEL');
    expect(finding.message).toContain('gives 1930m CPU and 6,297,440Ki memory');
    expect(finding.message).toContain('kube-reserved 1,500,160Ki (11·110+255 MiB)');
  });

  it('still flags an AL2 node that reserves for 110 pods: bootstrap.sh keeps the table’s 29', () => {
    const state = clusterState({ nodes: [groupNode('n', 'm5.large', 'al2', 110, RESERVED_FOR_110)], vpcCni: PREFIXES });
    const finding = only(checkAllocatable(state, catalog), 'ALLOCATABLE_DIFFERS_FROM_MODEL');
    expect(finding.message).toContain('gives 1930m CPU and 7,209,824Ki memory');
    expect(finding.message).toContain('(11·29+255 MiB)');
  });
});

describe('capacity-model mismatches that the pod IPs already settle (vpc-cni-ipam.md §4.1, §6)', () => {
  it('says nothing of a t3.medium under ENABLE_POD_ENI: no trunk, 15 IPs for 15 IP pods', () => {
    // 7,900,000 − 11·17+255 = 442Mi (452,608Ki) − 102,400 = 7,344,992Ki.
    const node = groupNode('t', 't3.medium', 'al2023', 17, 7_344_992);
    const state = clusterState({
      nodes: [node],
      pods: hostNetworkPods(node.name),
      vpcCni: { version: 'v1.20.4', env: { ENABLE_POD_ENI: 'true' } },
    });
    expect(modelCluster(state, catalog).nodes[0]?.network.podIps).toBe(15);
    expect(checkNodes(state, catalog)).toEqual([]);
    expect(diagnose(state, catalog).countsByCode.MAX_PODS_EXCEEDS_POD_IPS).toBeUndefined();
  });

  it('says nothing of a t2.medium with prefix delegation on (Xen: secondary IPs), and flags it when maxPods exceeds them', () => {
    const node = groupNode('t', 't2.medium', 'al2023', 17, 7_344_992);
    const quiet = clusterState({ nodes: [node], pods: hostNetworkPods(node.name), vpcCni: PREFIXES });
    expect(checkNodes(quiet, catalog)).toEqual([]);
    expect(diagnose(quiet, catalog).countsByCode.MAX_PODS_EXCEEDS_POD_IPS).toBeUndefined();
    const raised = groupNode('t', 't2.medium', 'al2023', 110, 7_344_992);
    const over = clusterState({ nodes: [raised], pods: hostNetworkPods(raised.name), vpcCni: PREFIXES });
    expect(diagnose(over, catalog).countsByCode.MAX_PODS_EXCEEDS_POD_IPS).toBe(1);
  });
});

describe('maxPods that a known way of launching the node gives (capacity-models.md §2.2, §5)', () => {
  it('accepts custom networking’s (3−1)·(10−1)+2 = 20, the calculator’s and the doctor’s own fix', () => {
    const node = groupNode('a', 'm5.large', 'al2023', 20, RESERVED_FOR_29);
    const state = clusterState({ nodes: [node], pods: hostNetworkPods(node.name), vpcCni: CUSTOM_NETWORKING });
    expect(checkMaxPods(state, catalog)).toEqual([]);
    expect(checkNodes(state, catalog)).toEqual([]);
  });

  it('accepts the calculator’s 110 under prefix delegation: 3·9·16+2 = 434, capped at 110', () => {
    const state = clusterState({
      nodes: [groupNode('a', 'm5.large', 'al2023', 110, RESERVED_FOR_29)],
      vpcCni: PREFIXES,
    });
    expect(checkMaxPods(state, catalog)).toEqual([]);
  });

  it('accepts the doctor’s fix with 3 host-network pods under custom networking and pod ENI: 9 IPs + 3 = 12', () => {
    const node = groupNode('a', 'm5.large', 'al2023', 12, RESERVED_FOR_29);
    const monitor = clusterPod({
      namespace: 'kube-system',
      name: 'node-exporter-a',
      nodeName: node.name,
      hostNetwork: true,
      owner: { kind: 'DaemonSet', name: 'node-exporter' },
    });
    const state = clusterState({
      nodes: [node],
      pods: [...hostNetworkPods(node.name), monitor],
      vpcCni: { version: 'v1.20.4', env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENABLE_POD_ENI: 'true' } },
    });
    expect(modelCluster(state, catalog).nodes[0]?.network.podIps).toBe(9);
    expect(checkMaxPods(state, catalog)).toEqual([]);
  });

  it('accepts the AMI’s own 737 on a managed node group (a launch template with its own AMI)', () => {
    const node = clusterNode({
      name: 'c',
      instanceType: 'c5.18xlarge',
      nodeGroup: 'ng',
      capacity: { cpu: '72', memory: '144000000Ki', pods: 737 },
      // 144,000,000 − 11·737+255 = 8362Mi (8,562,688Ki) − 102,400.
      allocatable: { cpu: '71750m', memory: '135334912Ki', pods: 737 },
    });
    expect(checkMaxPods(clusterState({ nodes: [node] }), catalog)).toEqual([]);
  });

  it('flags a value no path gives, and names the ones that would', () => {
    const state = clusterState({
      nodes: [groupNode('a', 'm5.large', 'al2023', 57, RESERVED_FOR_29)],
      vpcCni: CUSTOM_NETWORKING,
    });
    const finding = only(checkMaxPods(state, catalog), 'MAX_PODS_DIFFERS_FROM_MODEL');
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain(
      "maxPods (status.capacity.pods) is 57; podcap's model gives 29, from the AL2023 AMI's ENI table",
    );
    expect(finding.message).toContain('20 from max-pods-calculator.sh --cni-custom-networking-enabled');
  });
});

/** Nodes of NodePool default (which launches their types) under Karpenter `version` with RESERVED_ENIS=1 (capacity-models.md §7). */
function karpenterState(
  version: string,
  nodes: readonly ClusterNode[],
  env: Record<string, string> = {},
): ClusterState {
  const types = [...new Set(nodes.map((n) => n.instanceType).filter((t): t is string => t !== null))];
  return clusterState({
    nodes,
    pods: nodes.flatMap((n) => hostNetworkPods(n.name)),
    karpenter: { version, env: { RESERVED_ENIS: '1', ...env } },
    nodePools: [nodePool('default', { requirements: [requirement('node.kubernetes.io/instance-type', 'In', types)] })],
    nodeClasses: [nodeClass([])],
  });
}

function poolNode(name: string, instanceType: string, pods: number, memory: string, allocatable: string): ClusterNode {
  return clusterNode({
    name,
    instanceType,
    nodePool: 'default',
    capacity: { cpu: '2', memory, pods },
    allocatable: { cpu: '1930m', memory: allocatable, pods },
  });
}

describe('Karpenter’s cache keeps the smallest memory of a type (capacity-models.md §5.2)', () => {
  // MemTotal − 574Mi − 100Mi on each node; Karpenter v1.5.1 takes 475Mi: 7,948,164 − 486,400 − 102,400.
  const state = karpenterState('1.5.1', [
    poolNode('k1', 'm8g.large', 20, '7948164Ki', '7257988Ki'),
    poolNode('k2', 'm8g.large', 20, '7960000Ki', '7269824Ki'),
  ]);

  it('gives every node the belief of 7,359,364Ki, as the launch-loop check does', () => {
    const findings = checkKarpenterBelief(state, catalog);
    expect(findings.map((f) => f.code)).toEqual(['KARPENTER_OVERESTIMATES_NODE', 'KARPENTER_OVERESTIMATES_NODE']);
    for (const f of findings)
      expect(f.message).toContain('Karpenter believes an m8g.large allocates 7,359,364Ki memory');
    expect(findings[1]?.message).toContain('the kubelet gives 7,269,824Ki');
    expect(JSON.stringify(findings)).not.toContain('7,371,200Ki');
    const loop = only(checkKarpenterLaunchLoop(state, catalog), 'KARPENTER_LAUNCH_LOOP_RISK');
    expect(loop.message).toContain('(7,257,988Ki, 7,359,364Ki]');
  });
});

describe('Karpenter before the capacity cache (v1.1.0, PR #7004; capacity-models.md §7 item 5, §9)', () => {
  const node = poolNode('k1', 'm5.large', 20, '7948164Ki', '7257988Ki');

  it('v1.0.5 with RESERVED_ENIS=1: 7577−475−100 = 7002MiB (7,170,048Ki) is below the kubelet’s 7,257,988Ki, no overestimate', () => {
    const state = karpenterState('1.0.5', [node]);
    expect(modelCluster(state, catalog).nodes[0]?.capacity?.karpenter.relaunch.allocatable.memoryBytes).toBe(
      7_170_048 * 1024,
    );
    expect(checkNodes(state, catalog).filter((f) => f.code === 'KARPENTER_OVERESTIMATES_NODE')).toEqual([]);
    expect(checkKarpenterLaunchLoop(state, catalog)).toEqual([]);
  });

  it('v1.0.5 with VM_MEMORY_OVERHEAD_PERCENT=0.05: 8192−410−475−100 = 7207MiB (7,379,968Ki), an overestimate with both causes', () => {
    const state = karpenterState('1.0.5', [node], { VM_MEMORY_OVERHEAD_PERCENT: '0.05' });
    const finding = only(checkKarpenterBelief(state, catalog), 'KARPENTER_OVERESTIMATES_NODE');
    expect(finding.message).toContain('Karpenter believes an m5.large allocates 7,379,968Ki memory');
    expect(finding.message).toContain('RESERVED_ENIS=1 reserves kube-reserved memory for 20 pods');
    expect(finding.message).toContain('no capacity cache');
    expect(finding.message).toContain('or upgrade Karpenter to v1.1.0 or later');
  });

  it('v1.1.0 with RESERVED_ENIS=1: the cache holds 7,948,164Ki, an overestimate of 7,359,364Ki', () => {
    const finding = only(
      checkKarpenterBelief(karpenterState('1.1.0', [node]), catalog),
      'KARPENTER_OVERESTIMATES_NODE',
    );
    expect(finding.message).toContain('Karpenter believes an m5.large allocates 7,359,364Ki memory');
    expect(finding.message).not.toContain('no capacity cache');
  });
});

describe('images that do not know the instance type (capacity-models.md §3, §2.4, §8 M7, M8)', () => {
  it('Bottlerocket: m8g.large with maxPods 110 and no kube-reserved memory is the unknown-type signature', () => {
    const node = groupNode('b', 'm8g.large', 'bottlerocket', 110, RESERVED_NOTHING);
    const state = clusterState({ nodes: [node], pods: hostNetworkPods(node.name) });
    expect(checkAllocatable(state, catalog)).toEqual([]);
    expect(checkMaxPods(state, catalog)).toEqual([]);
    const finding = only(checkModelMismatches(state, catalog), 'ALLOCATABLE_DIFFERS_FROM_MODEL');
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain(
      "m8g.large is not in this Bottlerocket's eni-max-pods table: maxPods 110 and no kube-reserved memory",
    );
    expect(finding.message).toContain(
      'set settings.kubernetes.max-pods = 29: kube-reserved memory then follows it, 574Mi',
    );
    expect(finding.message).not.toContain('user-data');
  });

  it('AL2023 without prefix delegation: 110 pods and 1465Mi is nodeadm’s fallback', () => {
    const node = groupNode('n', 'm8g.large', 'al2023', 110, RESERVED_FOR_110);
    const state = clusterState({ nodes: [node], pods: hostNetworkPods(node.name) });
    expect(checkAllocatable(state, catalog)).toEqual([]);
    expect(checkMaxPods(state, catalog)).toEqual([]);
    const finding = only(checkModelMismatches(state, catalog), 'ALLOCATABLE_DIFFERS_FROM_MODEL');
    expect(finding.message).toContain('m8g.large is unknown to nodeadm');
    expect(finding.message).toContain('kube-reserved memory for 110 pods (1465Mi)');
    expect(finding.message).toContain('use an AL2023 AMI release whose nodeadm lists m8g.large');
  });

  it('AL2023 with prefix delegation: 110 and 1465Mi is nodeadm reserving for a maxPodsExpression of 110, an info', () => {
    const state = clusterState({
      nodes: [groupNode('n', 'm5.large', 'al2023', 110, RESERVED_FOR_110)],
      vpcCni: PREFIXES,
    });
    expect(checkAllocatable(state, catalog)).toEqual([]);
    expect(checkModelMismatches(state, catalog)).toEqual([]);
    const finding = only(checkMaxPods(state, catalog), 'MAX_PODS_DIFFERS_FROM_MODEL');
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain(
      'maxPods 110 with kube-reserved memory for 110 pods (1,500,160Ki, 11·110+255 MiB)',
    );
    expect(finding.message).toContain("not the ENI table's 29 (3·(10−1)+2)");
  });

  it('AL2023 under Karpenter: nodeadm’s 1465Mi makes Karpenter overestimate, and the Why says so', () => {
    // 7,948,164 − 1,500,160 − 102,400; Karpenter v1.14.1 believes 7,948,164 − 587,776 − 102,400 = 7,257,988.
    const state = karpenterState('1.14.1', [poolNode('k', 'm8g.large', 29, '7948164Ki', '6345604Ki')], {
      RESERVED_ENIS: '0',
    });
    const finding = only(checkKarpenterBelief(state, catalog), 'KARPENTER_OVERESTIMATES_NODE');
    expect(finding.message).toContain(
      'Karpenter believes an m8g.large allocates 7,257,988Ki memory, the kubelet gives 6,345,604Ki',
    );
    expect(finding.message).toContain('Why: m8g.large is unknown to nodeadm');
    expect(finding.message).toContain("set kubeReserved.memory in the EC2NodeClass's spec.kubelet");
    expect(checkModelMismatches(state, catalog)).toEqual([]);
  });
});

describe('fixes that fix (vpc-cni-ipam.md §6; capacity-models.md §8 M11)', () => {
  it('ENABLE_POD_ENI=false with a SecurityGroupPolicy: turn it on, and keep the trunk’s ENI back', () => {
    const node = poolNode('k', 'm5.large', 29, '7948164Ki', '7257988Ki');
    const state = {
      ...karpenterState('1.6.0', [node], { RESERVED_ENIS: '0' }),
      vpcCni: { version: 'v1.20.4', env: { ENABLE_POD_ENI: 'false' } },
      securityGroupPolicies: [
        {
          namespace: 'default',
          name: 'db',
          podSelector: { matchLabels: {}, matchExpressions: [] },
          serviceAccountSelector: null,
        },
      ],
    };
    const finding = only(checkKarpenterBelief(state, catalog), 'KARPENTER_OVERESTIMATES_NODE');
    expect(finding.message).toContain(
      'Karpenter expects 9 vpc.amazonaws.com/pod-eni on an m5.large, the node advertises 0',
    );
    expect(finding.message).toContain('Fix: set ENABLE_POD_ENI=true on aws-node');
    expect(finding.message).toContain('so set RESERVED_ENIS=1 too');
    expect(finding.message).not.toContain('spec.kubelet say what the nodes run');
  });

  it('a node with 1 CPU online where DefaultVCpus is 2: 990m no kubeReserved closes', () => {
    const node = clusterNode({
      name: 'k',
      instanceType: 'm5.large',
      nodePool: 'default',
      capacity: { cpu: '1', memory: '7948164Ki', pods: 29 },
      allocatable: { cpu: '940m', memory: '7257988Ki', pods: 29 },
    });
    const finding = only(
      checkKarpenterBelief(karpenterState('1.6.0', [node], { RESERVED_ENIS: '0' }), catalog),
      'KARPENTER_OVERESTIMATES_NODE',
    );
    expect(finding.message).toContain('Karpenter believes an m5.large allocates 1930m CPU, the kubelet gives 940m');
    expect(finding.message).toContain("Fix: let the nodes run all of EC2's DefaultVCpus");
    expect(finding.message).not.toContain('set kubeReserved in');
  });
});
