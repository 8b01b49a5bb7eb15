import { describe, expect, it } from 'vitest';
import type { ClusterNode, ClusterPod } from '../cluster/cluster-state.js';
import {
  clusterNode,
  clusterState,
  clusterSubnet,
  hostNetworkPods,
  podsOnNode,
  sandboxEvent,
} from '../test-support/cluster-state.js';
import { onlyFinding } from '../test-support/doctor-findings.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { checkMaxPodsExceedsPodIps, checkPodsStuckNoIp } from './ip-checks.js';

const catalog = bundledCatalog();

const only = onlyFinding;

/** An AL2023 node-group node of `type` at its ENI-table maxPods; allocatable is not what these checks read. */
function node(
  name: string,
  type: string,
  pods: number,
  partial: Partial<Omit<ClusterNode, 'capacity' | 'allocatable'>> = {},
): ClusterNode {
  return clusterNode({
    name,
    instanceType: type,
    nodeGroup: 'ng',
    internalIp: '10.0.0.5',
    capacity: { cpu: '2', memory: '7910348Ki', pods },
    allocatable: { cpu: '1930m', memory: '7220172Ki', pods },
    ...partial,
  });
}

function stuckState(n: ClusterNode, pods: readonly ClusterPod[], env: Record<string, string>, free = 200) {
  return clusterState({
    nodes: [n],
    pods: [...hostNetworkPods(n.name), ...pods],
    events: pods.filter((p) => p.containerCreating).map((p) => sandboxEvent(p)),
    subnets: [clusterSubnet('subnet-a', '10.0.0.0/24', free)],
    vpcCni: { version: 'v1.19.2', env },
  });
}

describe('MINIMUM_IP_TARGET without WARM_IP_TARGET (vpc-cni-ipam.md §3.8, §7.4 #3)', () => {
  // m5.large: 27 pod IPs and 27 IP pods admitted, but the pool stops at the minimum of 10 for good.
  const n = node('frozen-1', 'm5.large', 29);
  const web = podsOnNode(n.name, 'web', 12, 10);
  const state = stuckState(n, web, { MINIMUM_IP_TARGET: '10' });

  it('finds that the node admits 27 IP pods but the pool gives 10, and says to set WARM_IP_TARGET', () => {
    const finding = only(checkMaxPodsExceedsPodIps(state, catalog), 'MAX_PODS_EXCEEDS_POD_IPS');
    expect(finding.message).toContain('maxPods 29 admits 27 pods that need an IP');
    expect(finding.message).toContain(
      'the CNI can give 10 (MINIMUM_IP_TARGET=10 without WARM_IP_TARGET holds the pool at 10 addresses for good)',
    );
    expect(finding.message).toContain('17 pods a node will hang');
    expect(finding.message).toContain('2 pods on these nodes have no IP now');
    expect(finding.message).toContain('Fix: set WARM_IP_TARGET on aws-node (1 or more)');
    expect(finding.message).not.toContain('maxPods to');
  });

  it('names the frozen pool as the cause of the 2 stuck pods', () => {
    const finding = only(checkPodsStuckNoIp(state, catalog), 'PODS_STUCK_NO_IP');
    expect(finding.message).toMatch(/^2 pods \(default\/web-10 and default\/web-11\)/);
    expect(finding.message).toContain('MINIMUM_IP_TARGET=10 without WARM_IP_TARGET holds the pool at 10 addresses');
    expect(finding.message).toContain('Fix: set WARM_IP_TARGET');
  });

  it('says nothing once WARM_IP_TARGET is set too: the pool grows with the pods', () => {
    const grown = stuckState(n, podsOnNode(n.name, 'web', 12, 12), { MINIMUM_IP_TARGET: '10', WARM_IP_TARGET: '1' });
    expect(checkMaxPodsExceedsPodIps(grown, catalog)).toEqual([]);
  });

  it('asks for both under custom networking, where maxPods also passes the 18 pod IPs', () => {
    const custom = stuckState(n, web, { MINIMUM_IP_TARGET: '10', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' });
    const finding = only(checkMaxPodsExceedsPodIps(custom, catalog), 'MAX_PODS_EXCEEDS_POD_IPS');
    expect(finding.message).toContain('Fix: set WARM_IP_TARGET on aws-node');
    expect(finding.message).toContain('; and set maxPods to 20 (AL2023 user data');
  });
});

describe('pods stuck without an IP: every cause the CNI has (vpc-cni-ipam.md §7.4)', () => {
  it('reports pods of a SecurityGroupPolicy waiting for a branch ENI', () => {
    const n = node('sgp-1', 'm5.large', 29);
    const pods = podsOnNode(n.name, 'pay', 3, 1, { extended: { 'vpc.amazonaws.com/pod-eni': 1 } });
    const finding = only(
      checkPodsStuckNoIp(stuckState(n, pods, { ENABLE_POD_ENI: 'true' }), catalog),
      'PODS_STUCK_NO_IP',
    );
    expect(finding.message).toMatch(/^2 pods \(default\/pay-1 and default\/pay-2\)/);
    expect(finding.message).toContain('pods of a SecurityGroupPolicy, whose address comes from a branch ENI');
  });

  it('names a cordoned node, where ipamd grows nothing (§2)', () => {
    const n = node('cordoned-1', 'm5.large', 29, { unschedulable: true });
    const finding = only(
      checkPodsStuckNoIp(stuckState(n, podsOnNode(n.name, 'web', 12, 10), {}), catalog),
      'PODS_STUCK_NO_IP',
    );
    expect(finding.message).toContain('the node is cordoned');
    expect(finding.message).toContain('AWS_MANAGE_ENIS_NON_SCHEDULABLE=true');
  });

  it('leaves a cordoned node alone as the cause when AWS_MANAGE_ENIS_NON_SCHEDULABLE=true', () => {
    const n = node('cordoned-2', 'm5.large', 29, { unschedulable: true });
    const state = stuckState(n, podsOnNode(n.name, 'web', 12, 10), { AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'true' });
    expect(only(checkPodsStuckNoIp(state, catalog), 'PODS_STUCK_NO_IP').message).not.toContain('the node is cordoned');
  });

  it('points at /28 fragmentation under prefix delegation when the subnet still has addresses (§4.4)', () => {
    const n = node('pd-1', 'm5.large', 110);
    const env = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' };
    const finding = only(
      checkPodsStuckNoIp(stuckState(n, podsOnNode(n.name, 'web', 40, 32), env, 60), catalog),
      'PODS_STUCK_NO_IP',
    );
    expect(finding.message).toContain('prefix delegation needs a whole free aligned /28 in subnet subnet-a');
    expect(finding.message).toContain('has 60 free addresses');
    expect(finding.message).toContain('--reservation-type prefix');
    expect(finding.evidence.subnets).toEqual(['subnet-a']);
  });

  it('blames the subnet, not fragmentation, when it has fewer free addresses than a new ENI takes', () => {
    const n = node('pd-2', 'm5.large', 110);
    const env = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' };
    // A new ENI takes its own address and one /28: 17 (§7.2).
    const finding = only(
      checkPodsStuckNoIp(stuckState(n, podsOnNode(n.name, 'web', 40, 32), env, 16), catalog),
      'PODS_STUCK_NO_IP',
    );
    expect(finding.message).toContain('has 16 free addresses, fewer than a new ENI takes (17)');
  });
});

describe('the maxPods fix on a type without Nitro', () => {
  it('does not offer prefix delegation, which ipamd ignores there (vpc-cni-ipam.md §4.1)', () => {
    // t2.medium (Xen): 3 ENIs × 6 IPs → maxPods 17, 10 pod IPs without the primary ENI under custom networking.
    const n = node('xen-1', 't2.medium', 17);
    const state = stuckState(n, podsOnNode(n.name, 'web', 15, 10), { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' });
    const finding = only(checkMaxPodsExceedsPodIps(state, catalog), 'MAX_PODS_EXCEEDS_POD_IPS');
    expect(finding.message).toContain('the CNI can give 10');
    expect(finding.message).toContain('Fix: set maxPods to 12 (AL2023 user data');
    expect(finding.message).not.toContain('prefix delegation');
  });
});
