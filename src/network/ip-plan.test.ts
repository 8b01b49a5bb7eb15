import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstanceType } from '../core/instance-type.js';
import { instanceType } from '../test-support/fixtures.js';
import { type Ipv4Cidr, parseSubnetCidr } from './cidr.js';
import {
  defaultMaxPods,
  type IpPlanInput,
  nodesPerSubnet,
  planIps,
  planNode,
  type SettingPlan,
  smallestPrefixLength,
  withHeadroom,
} from './ip-plan.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv } from './vpc-cni-settings.js';

function cidr(text: string): Ipv4Cidr {
  const parsed = parseSubnetCidr(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
}

function settings(env: Record<string, string> = {}) {
  return parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
}

function input(overrides: Partial<IpPlanInput> & { type?: string } = {}): IpPlanInput {
  const { type = 'm5.large', ...rest } = overrides;
  return {
    instanceType: instanceType(type),
    podsPerNode: 20,
    nodes: 50,
    env: {},
    nodeSubnets: [],
    eniConfigSubnets: [],
    headroomPercent: 20,
    ...rest,
  };
}

function named(plans: readonly SettingPlan[], name: string): SettingPlan {
  const plan = plans.find((p) => p.name === name);
  if (!plan) throw new Error(`no ${name}`);
  return plan;
}

describe('the node default maxPods', () => {
  it.each([
    ['m5.large', {}, 29, 'eni-max-pods'],
    ['m5.xlarge', { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }, 58, 'eni-max-pods'],
    // max-pods-calculator.sh: 3·9·16 + 2 = 434, capped at 110 up to 30 vCPUs (§4.1).
    ['m5.large', { ENABLE_PREFIX_DELEGATION: 'true' }, 110, 'max-pods-calculator'],
    ['t3.small', { ENABLE_PREFIX_DELEGATION: 'true' }, 110, 'max-pods-calculator'],
    ['p3dn.24xlarge', { ENABLE_PREFIX_DELEGATION: 'true' }, 250, 'max-pods-calculator'],
    // Not Nitro: ipamd keeps secondary IPs, and so does the formula.
    ['c4.large', { ENABLE_PREFIX_DELEGATION: 'true' }, 29, 'eni-max-pods'],
  ])('%s %j: %i (%s)', (type, env, value, source) => {
    expect(defaultMaxPods(instanceType(type), settings(env))).toEqual({ value, source });
  });

  it('a type whose vCPU count is unknown takes the lower cap, 110', () => {
    const unknown: InstanceType = { ...instanceType('c5.24xlarge'), hardware: null };
    expect(defaultMaxPods(unknown, settings({ ENABLE_PREFIX_DELEGATION: 'true' })).value).toBe(110);
    expect(defaultMaxPods(instanceType('c5.24xlarge'), settings({ ENABLE_PREFIX_DELEGATION: 'true' })).value).toBe(250);
  });
});

describe('one node', () => {
  it('the kubelet admits maxPods less the two host-network pods; the rest are Pending (§8)', () => {
    const node = planNode(instanceType('m5.large'), settings(), 40);
    expect(node).toMatchObject({ admittedPods: 27, pendingPods: 13 });
    expect(node.steady).toMatchObject({ assigned: 27, failed: 0 });
  });

  it('secondary IPs: every address in the node subnet', () => {
    const node = planNode(instanceType('m5.large'), settings(), 20);
    expect(node.nodeSubnet).toEqual({ prefixes: 0, singles: 30, addresses: 30 });
    expect(node.eniConfigSubnet).toBeNull();
  });

  it('prefix delegation: prefixes and the single addresses of ENI primaries', () => {
    const node = planNode(instanceType('m5.large'), settings({ ENABLE_PREFIX_DELEGATION: 'true' }), 20);
    expect(node.nodeSubnet).toEqual({ prefixes: 3, singles: 1, addresses: 49 });
  });

  it('custom networking: the node subnet keeps one address, 3 ENI primaries and 42 IPs go to the ENIConfig subnet', () => {
    const node = planNode(instanceType('m5.xlarge'), settings({ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }), 30);
    expect(node.nodeSubnet).toEqual({ prefixes: 0, singles: 1, addresses: 1 });
    expect(node.eniConfigSubnet).toEqual({ prefixes: 0, singles: 3 + 42, addresses: 45 });
  });
});

describe('nodes per subnet', () => {
  it.each([
    // A /24 has 251 usable addresses (§7.2).
    ['10.0.0.0/24', { prefixes: 0, singles: 30, addresses: 30 }, 8],
    ['10.0.0.0/22', { prefixes: 0, singles: 30, addresses: 30 }, 33],
    ['10.0.0.0/28', { prefixes: 0, singles: 1, addresses: 1 }, 11],
    // 14 aligned /28s in a /24; each node 3 prefixes + 1 single counted as a block.
    ['10.0.0.0/24', { prefixes: 3, singles: 1, addresses: 49 }, 3],
    // A /28 has no /28 a prefix can take.
    ['10.0.0.0/28', { prefixes: 1, singles: 1, addresses: 17 }, 0],
  ])('%s, %j per node: %i', (text, demand, nodes) => {
    expect(nodesPerSubnet(cidr(text), demand)).toBe(nodes);
  });

  it('a subnet the node takes nothing from holds any number', () => {
    expect(nodesPerSubnet(cidr('10.0.0.0/24'), { prefixes: 0, singles: 0, addresses: 0 })).toBeNull();
  });

  it.each([
    [{ prefixes: 0, singles: 30, addresses: 30 }, 33, 1, 22],
    [{ prefixes: 0, singles: 30, addresses: 30 }, 34, 1, 21],
    [{ prefixes: 0, singles: 30, addresses: 30 }, 60, 3, 22],
    [{ prefixes: 0, singles: 1, addresses: 1 }, 11, 1, 28],
    [{ prefixes: 3, singles: 1, addresses: 49 }, 60, 1, 20],
    [{ prefixes: 0, singles: 30, addresses: 30 }, 5000, 1, null],
  ])('smallest subnet for %j × %i nodes over %i subnets: prefix length %s', (demand, nodes, count, length) => {
    expect(smallestPrefixLength(demand, nodes, count)).toBe(length);
  });
});

describe('placing the nodes', () => {
  it('m5.large defaults, 50 nodes of 20 pods in a /22: 33 fit, the /22 runs dry at node 34', () => {
    const plan = planIps(input({ nodeSubnets: [cidr('10.0.0.0/22')] }));
    expect(plan.given.placement).toMatchObject({
      usable: 1019,
      used: 1500,
      free: -481,
      maxNodes: 33,
      fits: false,
      fitsWithHeadroom: false,
    });
    expect(plan.nodesWithHeadroom).toBe(60);
  });

  it('round-robin: subnet i takes nodes i, i+k, …; the fleet stops when the first subnet is full', () => {
    const plan = planIps(
      input({
        type: 'm5.xlarge',
        podsPerNode: 30,
        nodes: 100,
        env: { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '30' },
        nodeSubnets: [cidr('10.0.0.0/20'), cidr('10.0.16.0/20'), cidr('10.0.32.0/21')],
      }),
    );
    const placement = plan.given.placement;
    expect(placement?.subnets.map((use) => [use.nodes, use.used, use.maxNodes])).toEqual([
      [34, 34 * 35, 116],
      [33, 33 * 35, 116],
      [33, 33 * 35, 58],
    ]);
    // The /21 holds 58: as third subnet it reaches its 58th node at node 3·57 + 3 = 174, and 176 breaks it.
    expect(placement).toMatchObject({ maxNodes: 176, fits: true, fitsWithHeadroom: true });
    expect(placement?.bottleneck.cidr.text).toBe('10.0.32.0/21');
  });

  it('custom networking: nodes in the node subnets, pod addresses in the ENIConfig subnets', () => {
    const plan = planIps(
      input({
        podsPerNode: 17,
        nodes: 200,
        env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
        nodeSubnets: [cidr('10.0.0.0/24'), cidr('10.0.1.0/24')],
        eniConfigSubnets: [cidr('100.64.0.0/22'), cidr('100.64.4.0/22')],
      }),
    );
    const placement = plan.given.placement;
    // Per node: 1 address in the node subnet; 2 ENI primaries + 18 IPs in the ENIConfig subnet.
    expect(placement?.subnets.map((use) => [use.role, use.nodes, use.used, use.maxNodes])).toEqual([
      ['node', 100, 100, 251],
      ['node', 100, 100, 251],
      ['eniconfig', 100, 2000, 50],
      ['eniconfig', 100, 2000, 50],
    ]);
    expect(placement).toMatchObject({ maxNodes: 100, fits: false, eniConfigUnchecked: false });
    expect(placement?.bottleneck.role).toBe('eniconfig');
  });

  it('custom networking without ENIConfig subnets: only the node subnets are checked', () => {
    const plan = planIps(
      input({
        env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
        nodeSubnets: [cidr('10.0.0.0/24')],
        podsPerNode: 10,
      }),
    );
    expect(plan.given.placement).toMatchObject({ maxNodes: 251, fits: true, eniConfigUnchecked: true });
    // 60 nodes with headroom, one address each: a /26 has 59 usable, a /25 123.
    expect(plan.given.sizing).toMatchObject({ nodeSubnetPrefixLength: 25, eniConfigSubnets: 1 });
  });

  it('prefix delegation counts /28 blocks, each single address as one', () => {
    const plan = planIps(
      input({ env: { ENABLE_PREFIX_DELEGATION: 'true' }, nodes: 10, nodeSubnets: [cidr('10.0.0.0/24')] }),
    );
    // 3 prefixes + 1 ENI primary per node: 4 of the 14 blocks.
    expect(plan.given.placement).toMatchObject({ maxNodes: 3, fits: false });
  });

  it('no subnet: per-node figures and a sizing, no placement', () => {
    const plan = planIps(input());
    expect(plan.given.placement).toBeNull();
    expect(plan.given.sizing).toEqual({
      nodeSubnets: 1,
      nodeSubnetPrefixLength: 21,
      eniConfigSubnets: 1,
      eniConfigSubnetPrefixLength: null,
    });
  });

  it('round-robin maxNodes is the largest fleet every subnet can take its share of', () => {
    const lengths = fc.array(fc.integer({ min: 20, max: 28 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        lengths,
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 400 }),
        (list, perNode, nodes) => {
          const subnets = list.map((length, i) => cidr(`10.${i}.0.0/${length}`));
          const plan = planIps(input({ nodes, nodeSubnets: subnets, podsPerNode: Math.min(perNode, 27) }));
          const placement = plan.given.placement;
          if (placement === null) throw new Error('placement');
          const share = (k: number, i: number) => Math.max(0, Math.ceil((k - i) / subnets.length));
          const holds = (k: number) => placement.subnets.every((use, i) => share(k, i) <= (use.maxNodes ?? Infinity));
          expect(holds(placement.maxNodes)).toBe(true);
          expect(holds(placement.maxNodes + 1)).toBe(false);
          expect(placement.fits).toBe(nodes <= placement.maxNodes);
          expect(placement.subnets.reduce((sum, use) => sum + use.nodes, 0)).toBe(nodes);
        },
      ),
    );
  });
});

describe('alternatives and the recommendation', () => {
  it('defaults, WARM_IP_TARGET=2 with MINIMUM_IP_TARGET at pods per node, prefix delegation', () => {
    const plan = planIps(input({ nodeSubnets: [cidr('10.0.0.0/22')] }));
    expect(plan.alternatives.map((a) => [a.name, a.env])).toEqual([
      ['defaults', { WARM_ENI_TARGET: '1' }],
      ['warm-ip', { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '20' }],
      ['prefix-delegation', { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' }],
      ['custom-networking', { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }],
    ]);
    // 22 IPs on 3 ENIs: 25 addresses per node; 1019 / 25 = 40 nodes.
    expect(named(plan.alternatives, 'warm-ip').node.steady.subnetAddresses.total).toBe(25);
    expect(named(plan.alternatives, 'warm-ip').placement?.maxNodes).toBe(40);
    expect(named(plan.alternatives, 'prefix-delegation').node.maxPods.value).toBe(110);
    // Custom networking on m5.large holds 18 pod IPs: 2 of 20 pods fail.
    expect(named(plan.alternatives, 'custom-networking')).toMatchObject({ podsServed: false });
  });

  it('alternatives keep the given variables that do not choose the warm pool', () => {
    const plan = planIps(
      input({ env: { ENABLE_POD_ENI: 'true', WARM_IP_TARGET: '9', AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG' } }),
    );
    expect(named(plan.alternatives, 'defaults').env).toEqual({
      ENABLE_POD_ENI: 'true',
      AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG',
      WARM_ENI_TARGET: '1',
    });
    expect(plan.notModelled).toEqual(['AWS_VPC_K8S_CNI_LOGLEVEL']);
  });

  it('prefix delegation is not an alternative on a type that is not Nitro', () => {
    const plan = planIps(input({ type: 'c4.large' }));
    expect(plan.alternatives.map((a) => a.name)).toEqual(['defaults', 'warm-ip']);
    expect(plan.omitted.map((o) => o.name)).toEqual(['prefix-delegation', 'custom-networking']);
  });

  it('custom networking is listed only when the node subnets run dry, or ENIConfig subnets are given', () => {
    const roomy = planIps(input({ nodeSubnets: [cidr('10.0.0.0/20')] }));
    expect(roomy.alternatives.map((a) => a.name)).not.toContain('custom-networking');
    const withEniConfig = planIps(
      input({ nodeSubnets: [cidr('10.0.0.0/20')], eniConfigSubnets: [cidr('100.64.0.0/16')], podsPerNode: 15 }),
    );
    expect(named(withEniConfig.alternatives, 'custom-networking').placement?.eniConfigUnchecked).toBe(false);
  });

  it('the given settings when they hold the nodes and the headroom', () => {
    const plan = planIps(input({ nodeSubnets: [cidr('10.0.0.0/20')] }));
    expect(plan.recommendation).toMatchObject({ status: 'recommended', plan: { name: 'given' } });
    if (plan.recommendation.status !== 'recommended') throw new Error('none');
    // 60 nodes × 30 addresses: a /21 (2043 usable).
    expect(plan.recommendation.plan.sizing.nodeSubnetPrefixLength).toBe(21);
  });

  it('otherwise the first alternative, in order, that fits the given subnets', () => {
    // 65 nodes + 20 % = 78; a /21 (2043 usable) holds 68 nodes of 30 addresses (defaults), 81 of 25 (warm-ip).
    const plan = planIps(input({ nodes: 65, nodeSubnets: [cidr('10.0.0.0/21')] }));
    expect(plan.recommendation).toMatchObject({ status: 'recommended', plan: { name: 'warm-ip' } });
  });

  it('with nothing fitting, the setting that needs the smallest subnets', () => {
    const plan = planIps(input({ type: 'm5.large', podsPerNode: 40, nodes: 10 }));
    // Only prefix delegation admits 40 pods on m5.large (maxPods 110).
    expect(plan.recommendation).toMatchObject({ status: 'recommended', plan: { name: 'prefix-delegation' } });
  });

  it('none when no setting gives every pod an address', () => {
    const plan = planIps(input({ type: 'c4.large', podsPerNode: 40, nodes: 10 }));
    expect(plan.recommendation).toEqual({
      status: 'none',
      reason: 'no setting gives 40 pods per node an address on c4.large: at most 27',
    });
  });

  it('custom networking relieves a node subnet that is too small', () => {
    const plan = planIps(
      input({
        type: 'c5.4xlarge',
        podsPerNode: 60,
        nodes: 300,
        env: { ENABLE_PREFIX_DELEGATION: 'true' },
        nodeSubnets: [cidr('10.0.0.0/20'), cidr('10.0.16.0/20')],
      }),
    );
    expect(plan.recommendation).toMatchObject({ status: 'recommended', plan: { name: 'custom-networking' } });
    if (plan.recommendation.status !== 'recommended') throw new Error('none');
    expect(plan.recommendation.plan.sizing).toMatchObject({ nodeSubnetPrefixLength: 24, eniConfigSubnets: 2 });
  });
});

describe('headroom', () => {
  it.each([
    [50, 20, 60],
    [100, 10, 110],
    [3, 10, 4],
    [7, 0, 7],
    [8, 12.5, 9],
  ])('%i nodes + %s %% = %i', (nodes, percent, expected) => {
    expect(withHeadroom(nodes, percent)).toBe(expected);
  });
});
