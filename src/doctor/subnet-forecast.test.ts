import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSubnetCidr } from '../network/cidr.js';
import { defaultMaxPods, planIps } from '../network/ip-plan.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv } from '../network/vpc-cni-settings.js';
import { bundledCatalog, instanceType } from '../test-support/fixtures.js';
import { addressAfter, addresses, clusterSubnet, type NodeSpec, subnetState } from '../test-support/subnet-state.js';
import type { DoctorCode, DoctorFinding, SubnetForecast } from './doctor-result.js';
import { forecastSubnets } from './subnet-forecast.js';

const PREFIX_DELEGATION = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' };
const CUSTOM_NETWORKING = { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' };

function only(subnets: readonly SubnetForecast[], id: string): SubnetForecast {
  const found = subnets.find((subnet) => subnet.id === id);
  if (found === undefined) throw new Error(`no forecast for ${id}`);
  return found;
}

function codes(findings: readonly DoctorFinding[]): DoctorCode[] {
  return findings.map((finding) => finding.code);
}

/** Three m5.large nodes at 10.0.0.10-12, each with `pods` pods from 10.0.0.100 on (30 apart). */
function threeM5Large(pods: number, maxPods = 29): NodeSpec[] {
  return [0, 1, 2].map((index) => ({
    name: `node-${index}`,
    instanceType: 'm5.large',
    internalIp: `10.0.0.${10 + index}`,
    maxPods,
    podIps: addresses(`10.0.0.${100 + index * 30}`, pods),
  }));
}

describe('a /24 with 3 m5.large nodes at 20 pods each, EKS defaults (WARM_ENI_TARGET=1)', () => {
  // Per node (§3.8-§3.9: S = 9, E_max = 3; N = 20 needs min(3, ceil(20/9) + 1) = 3 ENIs filled to 9):
  // 1 node address + 2 secondary ENI primaries + 27 secondary IPs = 30, 7 of them warm. 3 nodes: 90 of 251.
  const state = subnetState(threeM5Large(20), [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 90)]);
  const { subnets, findings } = forecastSubnets(state, bundledCatalog());
  const forecast = only(subnets, 'subnet-a');

  it('splits the 90 used addresses into nodes, ENIs, pods and warm pools', () => {
    expect(forecast).toMatchObject({ usable: 251, free: 161 });
    expect(forecast.use).toEqual({ nodes: 3, enis: 6, pods: 60, warm: 21, other: 0 });
  });

  it('fills the warm pools first (3 × 7 pods, no address), then new nodes at 30 addresses for 20 pods', () => {
    // 161 free addresses hold 5 new nodes (150) with 11 left: 21 + 5 × 20.
    expect(forecast.podsUntilDry).toBe(121);
    expect(forecast.podsUntilPrefixFailure).toBeNull();
    expect(forecast.basis).toBe(
      '3 nodes of m5.large at 20 pods each; existing nodes take 21 more pods first without new addresses here; ' +
        'a new node takes 30 addresses here for 20 pods (WARM_ENI_TARGET=1).',
    );
  });

  it('agrees with the planner of `podcap ips` (30 addresses a node, 8 nodes in the /24)', () => {
    const parsed = parseSubnetCidr('10.0.0.0/24');
    if (!parsed.ok) throw new Error(parsed.expected);
    const plan = planIps({
      instanceType: instanceType('m5.large'),
      podsPerNode: 20,
      nodes: 3,
      env: {},
      nodeSubnets: [parsed.value],
      eniConfigSubnets: [],
      headroomPercent: 20,
    });
    expect(plan.given.node.nodeSubnet.addresses).toBe(30);
    const maxNodes = plan.given.placement?.maxNodes ?? 0;
    expect(maxNodes).toBe(8);
    // The planner's nodes beyond the 3 at its density, plus the room in the 3 nodes' warm pools.
    expect(forecast.podsUntilDry).toBe((maxNodes - 3) * 20 + 3 * (27 - 20));
  });

  it('notes that warm pools hold 21 of the 90 used addresses, with the WARM_IP_TARGET fix', () => {
    expect(codes(findings)).toEqual(['WARM_POOL_HOLDS_ADDRESSES']);
    const [warm] = findings;
    expect(warm?.severity).toBe('info');
    // WARM_IP_TARGET=2, MINIMUM_IP_TARGET=20: max(20 + 2, 20) = 22 IPs a node, 2 idle (§3.8).
    expect(warm?.message).toContain('21 of its 90 used addresses (23 %)');
    expect(warm?.message).toContain('Fix: set WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=20');
    expect(warm?.message).toContain('about 6 idle addresses');
    expect(warm?.evidence).toEqual({
      subnets: ['subnet-a'],
      nodes: ['node-0', 'node-1', 'node-2'],
      instanceTypes: ['m5.large'],
    });
  });

  it('puts what the cluster cannot explain in other', () => {
    const busier = subnetState(threeM5Large(20), [clusterSubnet('subnet-a', '10.0.0.0/24', 161 - 40)]);
    const result = only(forecastSubnets(busier, bundledCatalog()).subnets, 'subnet-a');
    expect(result.use.other).toBe(40);
    // 121 free addresses: 4 new nodes (120) after the 21 warm-pool pods.
    expect(result.podsUntilDry).toBe(21 + 4 * 20);
  });

  it('clamps other at 0 when the estimate passes what EC2 counts, and says so', () => {
    const fewer = subnetState(threeM5Large(20), [clusterSubnet('subnet-a', '10.0.0.0/24', 171)]);
    const result = only(forecastSubnets(fewer, bundledCatalog()).subnets, 'subnet-a');
    expect(result.use.other).toBe(0);
    expect(result.basis).toContain("the estimate passes EC2's used count by 10, so other is 0");
  });
});

describe('WARM_IP_TARGET=2, MINIMUM_IP_TARGET=20', () => {
  it('charges each pod beyond the warm pool one address', () => {
    // Per node max(20 + 2, 20) = 22 IPs on 3 ENIs (9 + 9 + 4) + 3 primaries = 25 (planner: 25); 75 of 251.
    // Pods 21-25 each add an IP (27 at 25 pods, the ENI capacity); pods 26-27 take the last two: 7 pods
    // for 5 addresses a node, 15 in all. Then 161 / 25 = 6 new nodes.
    const env = { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '20' };
    const state = subnetState(threeM5Large(20), [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 75)], env);
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    expect(forecast.use).toEqual({ nodes: 3, enis: 6, pods: 60, warm: 6, other: 0 });
    expect(forecast.podsUntilDry).toBe(3 * 7 + 6 * 20);
    expect(forecast.basis).toContain(
      'a new node takes 25 addresses here for 20 pods (WARM_IP_TARGET=2, MINIMUM_IP_TARGET=20)',
    );
  });
});

describe('an exhausted subnet', () => {
  it('with fewer free addresses than a new node takes: SUBNET_EXHAUSTED, the warm pool still takes pods', () => {
    // A /26 (59 usable) with one m5.large at 20 pods: 30 used, 29 free, a new node needs 30.
    const node = threeM5Large(20).slice(0, 1);
    const state = subnetState(node, [clusterSubnet('subnet-small', '10.0.0.0/26', 29)]);
    const { subnets, findings } = forecastSubnets(state, bundledCatalog());
    expect(only(subnets, 'subnet-small').podsUntilDry).toBe(7);
    expect(codes(findings)).toContain('SUBNET_EXHAUSTED');
    const exhausted = findings.find((finding) => finding.code === 'SUBNET_EXHAUSTED');
    expect(exhausted?.severity).toBe('error');
    expect(exhausted?.message).toContain('has 29 free addresses, fewer than the 30 a new m5.large node takes');
    expect(exhausted?.message).toContain('Fix:');
  });

  it('with no free address: only pods inside the held pool fit', () => {
    // A /27 (27 usable): one m5.large at 5 pods holds 2 ENIs and 18 IPs (20 addresses); 7 are other.
    // Pods 6-9 use the warm pool; pod 10 would need a third ENI (§3.9), which the subnet cannot give.
    const node: NodeSpec = {
      name: 'node-0',
      instanceType: 'm5.large',
      internalIp: '10.0.0.10',
      maxPods: 29,
      podIps: addresses('10.0.0.12', 5),
    };
    const state = subnetState([node], [clusterSubnet('subnet-full', '10.0.0.0/27', 0)]);
    const { subnets, findings } = forecastSubnets(state, bundledCatalog());
    const forecast = only(subnets, 'subnet-full');
    expect(forecast.use).toEqual({ nodes: 1, enis: 1, pods: 5, warm: 13, other: 7 });
    expect(forecast.podsUntilDry).toBe(4);
    expect(findings.find((finding) => finding.code === 'SUBNET_EXHAUSTED')?.message).toContain('has no free address');
    // The warm pool holds 13 of the 27 used addresses and the subnet is dry: a warning, not a note.
    expect(findings.find((finding) => finding.code === 'WARM_POOL_HOLDS_ADDRESSES')?.severity).toBe('warning');
  });
});

describe('a subnet near exhaustion', () => {
  it('has room for fewer than 3 new nodes', () => {
    // 80 free addresses: the warm pools' 21 pods, then 2 new nodes of 30 addresses.
    const state = subnetState(threeM5Large(20), [clusterSubnet('subnet-a', '10.0.0.0/24', 80)]);
    const { subnets, findings } = forecastSubnets(state, bundledCatalog());
    expect(only(subnets, 'subnet-a').podsUntilDry).toBe(21 + 2 * 20);
    // Warm pools hold 21 of 171 used addresses (12 %): under the 20 % that makes a finding.
    expect(codes(findings)).toEqual(['SUBNET_NEAR_EXHAUSTION']);
    expect(findings[0]?.message).toContain(
      'has 80 free addresses: 61 more pods at the current density before it runs dry (room for fewer than 3 new m5.large nodes',
    );
  });

  it('has room for under 10 % of the pods now on its nodes', () => {
    // 40 full m5.large nodes (27 pods, 30 addresses each) in a /21; 110 free addresses hold 3 new nodes,
    // 81 pods: under a tenth of the 1,080 pods now there, though the free addresses pass 3 × 30.
    const nodes: NodeSpec[] = Array.from({ length: 40 }, (_, index) => ({
      name: `node-${String(index).padStart(2, '0')}`,
      instanceType: 'm5.large',
      internalIp: addresses('10.0.0.10', 40)[index] ?? '',
      maxPods: 29,
      podIps: addresses(`10.0.${1 + Math.floor(index / 8)}.${(index % 8) * 30}`, 27),
    }));
    const state = subnetState(nodes, [clusterSubnet('subnet-wide', '10.0.0.0/21', 110)]);
    const { subnets, findings } = forecastSubnets(state, bundledCatalog());
    const forecast = only(subnets, 'subnet-wide');
    expect(forecast.podsUntilDry).toBe(81);
    expect(forecast.use).toMatchObject({ nodes: 40, enis: 80, pods: 1080, warm: 0 });
    const near = findings.find((finding) => finding.code === 'SUBNET_NEAR_EXHAUSTION');
    expect(near?.message).toContain('under 10 % of the 1080 pods now on its nodes');
    expect(near?.evidence.nodes).toHaveLength(5);
  });
});

/**
 * Three m5.large nodes with prefix delegation (maxPods 110, the calculator's cap, §4.1) at 30 pods each,
 * each node's pods in two /28s of its own: 10.0.0.16/28 + .32/28, .48 + .64, .80 + .96.
 */
function threePrefixNodes(): NodeSpec[] {
  return [0, 1, 2].map((index) => ({
    name: `node-${index}`,
    instanceType: 'm5.large',
    internalIp: `10.0.0.${10 + index}`,
    maxPods: 110,
    podIps: [...addresses(`10.0.0.${16 + index * 32}`, 16), ...addresses(`10.0.0.${32 + index * 32}`, 14)],
  }));
}

describe('prefix delegation (WARM_PREFIX_TARGET=1)', () => {
  // Per node ceil(30/16) + 1 = 3 /28s on the primary ENI (§4.2, §4.3): 1 + 48 = 49 addresses, 18 warm.
  it('forecasts addresses and the worst case of /28s', () => {
    const state = subnetState(
      threePrefixNodes(),
      [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 147)],
      PREFIX_DELEGATION,
    );
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    expect(forecast.use).toEqual({ nodes: 3, enis: 0, pods: 90, warm: 54, other: 0 });
    // Addresses: pods 31-32 fit the third /28 (6 pods); then a /28 buys 16 pods: 104 free pay for 6 of
    // them, round by round (3 nodes × 16 = 48 pods twice, 96 addresses), and the 7th does not fit.
    expect(forecast.podsUntilDry).toBe(6 + 2 * 48);
    // /28s: 14 eligible in a /24 (not the first, not the last), 6 known to hold pods, 3 more held warm
    // (9 prefixes in all), the node addresses in the first block: 14 − 6 − 3 = 5 sure to be free.
    // 5 prefixes: 3 for the first round (48 pods), 2 for the second (32).
    expect(forecast.podsUntilPrefixFailure).toBe(6 + 48 + 32);
    expect(forecast.basis).toContain(
      'a new node takes 49 addresses here for 30 pods (prefix delegation, WARM_PREFIX_TARGET=1)',
    );
    expect(forecast.basis).toContain('worst case 5 free aligned /28s (§4.4)');
  });

  it('offers WARM_IP_TARGET only where it frees addresses: 30 pods a node, not 32 (whole /28s, §4.2)', () => {
    const warmFinding = (pods: number) => {
      const nodes = [0, 1, 2].map((index) => ({
        name: `node-${index}`,
        instanceType: 'm5.large',
        internalIp: `10.0.0.${10 + index}`,
        maxPods: 110,
        podIps: addresses(`10.0.0.${16 + index * 32}`, pods),
      }));
      const state = subnetState(nodes, [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 147)], PREFIX_DELEGATION);
      return forecastSubnets(state, bundledCatalog()).findings.find((f) => f.code === 'WARM_POOL_HOLDS_ADDRESSES');
    };
    // 30 pods: 3 /28s hold 18 idle each; WARM_IP_TARGET=2, MINIMUM_IP_TARGET=30 → 16·ceil(32/16) = 32, 2 idle.
    expect(warmFinding(30)?.message).toContain('54 of its 147 used addresses');
    expect(warmFinding(30)?.message).toContain('the same nodes would hold about 6 idle addresses');
    // 32 pods: 3 /28s hold 16 idle each; 16·ceil(34/16) = 48 leaves the same 16.
    expect(warmFinding(32)?.message).toContain('48 of its 147 used addresses');
    expect(warmFinding(32)?.message).toContain(
      'No aws-node setting frees them: with prefix delegation a node holds whole /28s, and WARM_IP_TARGET=2 with MINIMUM_IP_TARGET=32 would still leave about 48 idle.',
    );
    expect(warmFinding(32)?.message).not.toContain('Fix:');
  });

  it("takes ipamd's WARM_PREFIX_TARGET=0 when the DaemonSet lacks the variable the EKS manifest sets", () => {
    // p = 0: a /28 is added only when none is free, so floor(30/16) + 1 = 2 per node (§3.1, §4.2): 1 + 32
    // addresses, 2 warm.
    const state = subnetState(threePrefixNodes(), [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 99)], {
      ENABLE_PREFIX_DELEGATION: 'true',
    });
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    expect(forecast.use).toEqual({ nodes: 3, enis: 0, pods: 90, warm: 6, other: 0 });
    expect(forecast.basis).toContain(
      'a new node takes 33 addresses here for 30 pods (prefix delegation, WARM_PREFIX_TARGET=0)',
    );
  });

  it('raises PREFIX_FRAGMENTATION_RISK when scattered addresses may leave no whole /28', () => {
    // 40 more used addresses podcap cannot place (load balancers, say): each may break a /28 on its own.
    const state = subnetState(
      threePrefixNodes(),
      [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 147 - 40)],
      PREFIX_DELEGATION,
    );
    const { subnets, findings } = forecastSubnets(state, bundledCatalog());
    const forecast = only(subnets, 'subnet-a');
    expect(forecast.use.other).toBe(40);
    // 64 free addresses: 6 + 48 pods, then one more /28 for 16 pods.
    expect(forecast.podsUntilDry).toBe(6 + 48 + 16);
    // 14 − 6 − 3 − 40 < 0: no /28 is sure to be free; only the held prefixes' 6 spare pods are.
    expect(forecast.podsUntilPrefixFailure).toBe(6);
    const risk = findings.find((finding) => finding.code === 'PREFIX_FRAGMENTATION_RISK');
    expect(risk?.severity).toBe('warning');
    expect(risk?.message).toContain(
      'hold 70 more pods, but if the 187 used ones are scattered only 0 free aligned /28s',
    );
    expect(risk?.message).toContain(
      'aws ec2 create-subnet-cidr-reservation --subnet-id subnet-a --reservation-type prefix',
    );
    expect(risk?.message).toContain('dedicated subnet');
  });

  it('does not raise it while the worst case stays near the address forecast', () => {
    const state = subnetState(threePrefixNodes(), [clusterSubnet('subnet-a', '10.0.0.0/24', 104)], PREFIX_DELEGATION);
    expect(codes(forecastSubnets(state, bundledCatalog()).findings)).not.toContain('PREFIX_FRAGMENTATION_RISK');
  });

  it('leaves the prefix forecast out without prefix delegation, and on a type without Nitro', () => {
    const xen: NodeSpec = { ...threeM5Large(5)[0], name: 'old', instanceType: 'm4.large', maxPods: 20 } as NodeSpec;
    const state = subnetState([xen], [clusterSubnet('subnet-a', '10.0.0.0/24', 200)], PREFIX_DELEGATION);
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    // m4 is Xen: ipamd keeps secondary IPs (§4.1).
    expect(forecast.podsUntilPrefixFailure).toBeNull();
    expect(forecast.podsUntilDry).not.toBeNull();
  });
});

describe('custom networking', () => {
  // Node subnet 10.0.0.0/24, ENIConfig subnet 100.64.0.0/24 in the same zone. m5.large with maxPods 20
  // (the recommended (3 − 1)·9 + 2, §5): the primary ENI carries no pods, 2 ENIs of 9 IPs.
  const withPods = [0, 1, 2].map((index) => ({
    name: `node-${index}`,
    instanceType: 'm5.large',
    internalIp: `10.0.0.${10 + index}`,
    maxPods: 20,
    podIps: addresses(`100.64.0.${10 + index * 20}`, 10),
  }));
  // A node without pods: its pod subnet comes from the other nodes of its zone.
  const idle: NodeSpec = { name: 'node-3', instanceType: 'm5.large', internalIp: '10.0.0.13', maxPods: 20, podIps: [] };
  // Pod side: 10 pods need min(2, ceil(10/9) + 1) = 2 ENIs, 18 IPs: 20 addresses; the idle node 1 ENI, 10.
  const state = subnetState(
    [...withPods, idle],
    [clusterSubnet('subnet-nodes', '10.0.0.0/24', 251 - 4), clusterSubnet('subnet-pods', '100.64.0.0/24', 251 - 70)],
    CUSTOM_NETWORKING,
  );
  const { subnets, findings } = forecastSubnets(state, bundledCatalog());

  it('keeps only the node addresses in the node subnet', () => {
    const nodes = only(subnets, 'subnet-nodes');
    expect(nodes.use).toEqual({ nodes: 4, enis: 0, pods: 0, warm: 0, other: 0 });
    // Mean density 30 / 4 → 8 pods a new node, 1 address each here; 42 pods first in the pools.
    expect(nodes.podsUntilDry).toBe(42 + 247 * 8);
    expect(nodes.basis).toContain('node addresses only');
  });

  it('puts ENIs, pods and warm pools in the ENIConfig subnet, inferred from the pod IPs', () => {
    const pods = only(subnets, 'subnet-pods');
    expect(pods.use).toEqual({ nodes: 0, enis: 7, pods: 30, warm: 33, other: 0 });
    // 3 × 8 pods in held pools; the idle node's second ENI (10 addresses) for its 18 pods; then new
    // nodes at 20 addresses for 8 pods: floor(171 / 20) = 8.
    expect(pods.podsUntilDry).toBe(24 + 18 + 8 * 8);
    expect(pods.basis).toContain('pod subnet inferred from pod IPs (custom networking; ENIConfigs not read)');
  });

  it('stops launches, not pods, when the node subnet is full', () => {
    const full = subnetState(
      [...withPods, idle],
      [clusterSubnet('subnet-nodes', '10.0.0.0/28', 0), clusterSubnet('subnet-pods', '100.64.0.0/24', 251 - 70)],
      CUSTOM_NETWORKING,
    );
    const result = forecastSubnets(full, bundledCatalog());
    // The existing nodes' 42 pods need nothing here.
    expect(only(result.subnets, 'subnet-nodes').podsUntilDry).toBe(42);
    const exhausted = result.findings.find((finding) => finding.code === 'SUBNET_EXHAUSTED');
    expect(exhausted?.message).toContain('has no free address: no new node can launch there');
    expect(exhausted?.message).toContain('Fix: more or larger node subnets in us-west-2a');
    expect(exhausted?.evidence.subnets).toEqual(['subnet-nodes']);
  });

  it('reports the idle warm pools of the ENIConfig subnet', () => {
    const warm = findings.find((finding) => finding.code === 'WARM_POOL_HOLDS_ADDRESSES');
    expect(warm?.evidence.subnets).toEqual(['subnet-pods']);
    expect(warm?.evidence.nodes?.[0]).toBe('node-3');
  });
});

describe('what the cluster state leaves out', () => {
  it('counts a node of unknown type by its address only, and says so', () => {
    const nodes = [
      ...threeM5Large(20),
      { ...threeM5Large(0)[0], name: 'mystery', instanceType: 'x9.huge', internalIp: '10.0.0.20' } as NodeSpec,
    ];
    const state = subnetState(nodes, [clusterSubnet('subnet-a', '10.0.0.0/24', 160)]);
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    expect(forecast.use.nodes).toBe(4);
    expect(forecast.basis).toContain('1 node of unknown instance type counted without ENIs or warm pool');
    expect(forecast.basis).toContain('3 nodes of m5.large at 20 pods each (and 1 other node)');
  });

  it('assumes the EKS defaults without the aws-node env', () => {
    const state = subnetState(threeM5Large(20), [clusterSubnet('subnet-a', '10.0.0.0/24', 161)], null);
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    expect(forecast.podsUntilDry).toBe(121);
    expect(forecast.basis).toContain('aws-node env not read, EKS defaults assumed');
  });

  it('gives no forecast for a subnet no node draws on', () => {
    const state = subnetState(threeM5Large(20), [
      clusterSubnet('subnet-a', '10.0.0.0/24', 161),
      clusterSubnet('subnet-lb', '10.0.1.0/24', 200),
    ]);
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-lb');
    expect(forecast).toMatchObject({ podsUntilDry: null, podsUntilPrefixFailure: null, use: { other: 51 } });
    expect(forecast.basis).toBe('No node or pod of the cluster uses this subnet; no forecast.');
  });

  it('does not grow a cordoned node', () => {
    const nodes = threeM5Large(20).map((node, index) => (index === 0 ? { ...node, unschedulable: true } : node));
    const state = subnetState(nodes, [clusterSubnet('subnet-a', '10.0.0.0/24', 161)]);
    expect(only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a').podsUntilDry).toBe(2 * 7 + 5 * 20);
  });

  it('counts pods of a SecurityGroupPolicy as branch ENIs, outside the warm pool', () => {
    // ENABLE_POD_ENI: the trunk takes an ENI slot (§6), so 2 pod ENIs: 10 pods hold 2 ENIs, 18 IPs.
    // Node: 1 + 1 secondary ENI + 1 trunk + 18 IPs + 2 branch ENIs = 23 addresses.
    const node: NodeSpec = {
      name: 'node-0',
      instanceType: 'm5.large',
      internalIp: '10.0.0.10',
      maxPods: 29,
      podIps: addresses('10.0.0.100', 10),
      branchPodIps: ['10.0.0.200', '10.0.0.201'],
    };
    const state = subnetState([node], [clusterSubnet('subnet-a', '10.0.0.0/24', 251 - 23)], { ENABLE_POD_ENI: 'true' });
    const forecast = only(forecastSubnets(state, bundledCatalog()).subnets, 'subnet-a');
    expect(forecast.use).toEqual({ nodes: 1, enis: 2, pods: 12, warm: 8, other: 0 });
    // 8 pods in the pool (18 IP capacity), then new nodes at 23 addresses for 12 pods: floor(228 / 23) = 9.
    expect(forecast.podsUntilDry).toBe(8 + 9 * 12);
  });
});

describe('properties', () => {
  const TYPES = ['m5.large', 'm5.xlarge', 't3.medium', 'c5.2xlarge', 'm4.large'];
  const ENVS: Record<string, string>[] = [
    {},
    { WARM_ENI_TARGET: '0' },
    { WARM_ENI_TARGET: '2' },
    { WARM_IP_TARGET: '3', MINIMUM_IP_TARGET: '10' },
    { MINIMUM_IP_TARGET: '12' },
    PREFIX_DELEGATION,
    { ...PREFIX_DELEGATION, WARM_IP_TARGET: '5' },
    { ENABLE_POD_ENI: 'true' },
  ];
  const cluster = fc.record({
    env: fc.constantFrom(...ENVS),
    nodes: fc.array(fc.record({ type: fc.constantFrom(...TYPES), share: fc.double({ min: 0, max: 1, noNaN: true }) }), {
      minLength: 1,
      maxLength: 6,
    }),
    free: fc.nat(1019),
    more: fc.nat(300),
  });

  /** Nodes at 10.0.0.4 on, their pods packed from 10.0.1.0 in a /22 (1019 usable). */
  function build(env: Record<string, string>, nodes: readonly { type: string; share: number }[], free: number) {
    const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
    let next = 0;
    const specs: NodeSpec[] = nodes.map(({ type, share }, index) => {
      const maxPods = defaultMaxPods(instanceType(type), settings).value;
      const pods = Math.floor(share * (maxPods - 2));
      const first = addressAfter('10.0.1.0', next);
      next += pods;
      return {
        name: `node-${index}`,
        instanceType: type,
        internalIp: addressAfter('10.0.0.4', index),
        maxPods,
        podIps: addresses(first, pods),
      };
    });
    return subnetState(specs, [clusterSubnet('subnet-a', '10.0.0.0/22', free)], env);
  }

  function forecastOf(env: Record<string, string>, nodes: readonly { type: string; share: number }[], free: number) {
    return only(forecastSubnets(build(env, nodes, free), bundledCatalog()).subnets, 'subnet-a');
  }

  it('never forecasts more pods than there are free and warm addresses (a pod takes one, §3.2)', () => {
    fc.assert(
      fc.property(cluster, ({ env, nodes, free }) => {
        const forecast = forecastOf(env, nodes, free);
        expect(forecast.podsUntilDry).not.toBeNull();
        expect(forecast.podsUntilDry ?? 0).toBeLessThanOrEqual(free + forecast.use.warm);
        if (forecast.podsUntilPrefixFailure !== null) {
          expect(forecast.podsUntilPrefixFailure).toBeLessThanOrEqual(forecast.podsUntilDry ?? 0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps the /28 bound from falling as free addresses rise past what the nodes' prefixes need", () => {
    // Six empty prefix-delegation nodes hold a /28 each (WARM_IP_TARGET=5 → one prefix, §4.2) and their
    // own address: 102 used at least, but EC2 counts 77 then 69. The prefixes stay whole blocks.
    const env = { ...PREFIX_DELEGATION, WARM_IP_TARGET: '5' };
    const nodes = ['m5.large', 'm5.large', 'm4.large', 'm5.large', 'm4.large', 'm5.large'].map((type) => ({
      type,
      share: 0,
    }));
    const at942 = forecastOf(env, nodes, 942);
    const at950 = forecastOf(env, nodes, 950);
    expect(at942.basis).toContain('the estimate passes EC2');
    expect(at950.podsUntilPrefixFailure ?? 0).toBeGreaterThanOrEqual(at942.podsUntilPrefixFailure ?? 0);
  });

  it('forecasts no fewer pods with more free addresses', () => {
    fc.assert(
      fc.property(cluster, ({ env, nodes, free, more }) => {
        const less = forecastOf(env, nodes, free);
        const moreFree = forecastOf(env, nodes, Math.min(1019, free + more));
        expect(moreFree.podsUntilDry ?? 0).toBeGreaterThanOrEqual(less.podsUntilDry ?? 0);
        expect(moreFree.podsUntilPrefixFailure ?? 0).toBeGreaterThanOrEqual(less.podsUntilPrefixFailure ?? 0);
      }),
      { numRuns: 200 },
    );
  });
});
