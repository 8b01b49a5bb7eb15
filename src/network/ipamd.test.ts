import { describe, expect, it } from 'vitest';
import type { InstanceType } from '../core/instance-type.js';
import { instanceType } from '../test-support/fixtures.js';
import { M5_LARGE_WARM_IP_5_MINIMUM_10 } from '../test-support/worked-examples.js';
import { parseSubnetCidr } from './cidr.js';
import {
  addBranchPod,
  deletableEni,
  type Eni,
  type IpamdConfig,
  type IpamdState,
  ipTargetState,
  isPoolTooLow,
  NO_ADDRESS_MESSAGE,
  type PoolStats,
  poolStats,
  prefixTargetState,
  type Subnets,
  subnetAddressesHeld,
} from './ipamd.js';
import { addPodTo, bootNode, type DrivenNode, deletePodFrom, runCycles, scaleUp } from './ipamd-driver.js';
import { allocateAddresses, createSubnet, freeAddresses, freePrefixBlocks, type Subnet } from './subnet.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv } from './vpc-cni-settings.js';

function subnet(id: string, cidr: string, tags: Record<string, string> = {}, zone = 'us-east-1a'): Subnet {
  const parsed = parseSubnetCidr(cidr);
  if (!parsed.ok) throw new Error(cidr);
  const created = createSubnet({ id, cidr: parsed.value, zone, tags });
  if (!created.ok) throw new Error(created.error.message);
  return created.subnet;
}

function vpc(...subnets: Subnet[]): Subnets {
  return new Map(subnets.map((s) => [s.id, s]));
}

const NODE_SUBNET = subnet('subnet-node', '10.0.0.0/16');
const POD_SUBNET = subnet('subnet-pods', '100.64.0.0/16');

function config(type: string | InstanceType, env: Record<string, string> = {}, overrides: Partial<IpamdConfig> = {}) {
  const it = typeof type === 'string' ? instanceType(type) : type;
  const parsed = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS);
  return {
    nodeName: 'node-1',
    instanceType: it,
    settings: parsed.settings,
    maxPods: it.maxEnis * (it.ipv4PerEni - 1) + 2,
    zone: 'us-east-1a',
    nodeSubnetId: 'subnet-node',
    eniConfigSubnetId: parsed.settings.customNetworking ? 'subnet-pods' : null,
    cordoned: false,
    ...overrides,
  } satisfies IpamdConfig;
}

function boot(
  type: string,
  env: Record<string, string> = {},
  overrides: Partial<IpamdConfig> = {},
  subnets = vpc(NODE_SUBNET, POD_SUBNET),
) {
  return bootNode(config(type, env, overrides), subnets);
}

/** ENIs attached, addresses held for pods per ENI, free addresses, subnet addresses held. */
function shape(node: DrivenNode) {
  const stats = poolStats(node.state, node.nowMs);
  return {
    enis: node.state.enis.length,
    perEni: node.state.enis.filter((e) => e.role !== 'trunk').map((e) => e.cidrs.reduce((n, c) => n + c.size, 0)),
    free: stats.available,
    subnetAddresses: subnetAddressesHeld(node.state),
  };
}

function grownTo(start: DrivenNode, pods: number) {
  return scaleUp(start, pods, 3);
}

describe('secondary-IP mode, worked examples (vpc-cni-ipam.md §3.9)', () => {
  // m5.large defaults: S = 9, E_max = 3, maxPods 29, WARM_ENI_TARGET = 1.
  it.each([
    [0, 1, 9, 9, 10],
    [1, 2, 18, 17, 20],
    [9, 2, 18, 9, 20],
    [10, 3, 27, 17, 30],
    [20, 3, 27, 7, 30],
    [27, 3, 27, 0, 30],
  ])('m5.large defaults, %i pods: %i ENIs, %i IPs, %i free, %i subnet addresses', (pods, enis, ips, free, held) => {
    const { node, failed } = grownTo(boot('m5.large'), pods);
    expect(failed).toEqual([]);
    const s = shape(node);
    expect([s.enis, s.perEni.reduce((a, b) => a + b, 0), s.free, s.subnetAddresses]).toEqual([enis, ips, free, held]);
  });

  it('m5.large defaults: pod #28 that needs an IP fails with the CNI message', () => {
    const { node, failed } = grownTo(boot('m5.large'), 28);
    expect(failed).toEqual(['pod-27']);
    const again = addPodTo(node, 'pod-27');
    expect(again.effects.at(-1)).toMatchObject({ type: 'pod-ip-failed', message: NO_ADDRESS_MESSAGE });
  });

  // m5.large WARM_IP_TARGET=5, MINIMUM_IP_TARGET=10 (WARM_ENI_TARGET ignored).
  it.each(M5_LARGE_WARM_IP_5_MINIMUM_10)(
    'm5.large WARM_IP_TARGET=5 MINIMUM_IP_TARGET=10, %i pods: IPs per ENI %j, %i free',
    (pods, perEni, free) => {
      const { node } = grownTo(boot('m5.large', { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }), pods);
      expect(shape(node).perEni).toEqual(perEni);
      expect(shape(node).free).toBe(free);
    },
  );

  it.each([
    [0, 1, 14, 14, 15],
    [54, 4, 56, 2, 60],
    [56, 4, 56, 0, 60],
  ])('m5.xlarge defaults, %i pods: %i ENIs, %i IPs, %i free, %i subnet addresses', (pods, enis, ips, free, held) => {
    const { node } = grownTo(boot('m5.xlarge'), pods);
    const s = shape(node);
    expect([s.enis, s.perEni.reduce((a, b) => a + b, 0), s.free, s.subnetAddresses]).toEqual([enis, ips, free, held]);
  });

  it('m5.xlarge creates ENI #2 at 1 pod, #3 at 15, #4 at 29', () => {
    const enisAt = (pods: number) => grownTo(boot('m5.xlarge'), pods).node.state.enis.length;
    expect([enisAt(0), enisAt(1), enisAt(14), enisAt(15), enisAt(28), enisAt(29)]).toEqual([1, 2, 2, 3, 3, 4]);
  });
});

describe('prefix delegation, worked examples (vpc-cni-ipam.md §4.3)', () => {
  const pd = { ENABLE_PREFIX_DELEGATION: 'true' };
  it.each([
    [0, 1, 16],
    [1, 2, 31],
    [16, 2, 16],
    [17, 3, 31],
    [50, 5, 30],
    [95, 7, 17],
    [108, 7, 4],
  ])('m5.large WARM_PREFIX_TARGET=1 maxPods 110, %i pods: %i prefixes, %i free', (pods, prefixes, free) => {
    const { node } = grownTo(boot('m5.large', pd, { maxPods: 110 }), pods);
    const stats = poolStats(node.state, node.nowMs);
    expect([stats.prefixes, stats.available]).toEqual([prefixes, free]);
    expect(node.state.enis).toHaveLength(1);
  });

  it.each([
    ['t3.small', { WARM_PREFIX_TARGET: '1' }, 58, [3, 2], 22],
    ['t3.small', { WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 58, [3, 1], 6],
    ['t3.small', { WARM_IP_TARGET: '7', MINIMUM_IP_TARGET: '20' }, 0, [2], 32],
    ['p3dn.24xlarge', { WARM_PREFIX_TARGET: '1' }, 95, [7], 17],
    ['p3dn.24xlarge', { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 45, [4], 19],
  ])(
    '%s %j, %i pods: prefixes per ENI %j, %i free (§12: the code puts p3dn prefixes on one ENI)',
    (type, env, pods, perEni, free) => {
      const { node } = grownTo(boot(type, { ...pd, ...env }, { maxPods: 110 }), pods);
      expect(node.state.enis.map((e) => e.cidrs.length)).toEqual(perEni);
      expect(poolStats(node.state, node.nowMs).available).toBe(free);
    },
  );
});

describe('custom networking (§5) and security groups for pods (§6)', () => {
  it('m5.large: the primary ENI carries no pod IPs; pod addresses come from the ENIConfig subnet', () => {
    const { node, failed } = grownTo(boot('m5.large', { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }), 19);
    expect(failed).toEqual(['pod-18']);
    const [primary, ...secondary] = node.state.enis;
    expect(primary?.cidrs).toEqual([]);
    expect(primary?.subnetId).toBe('subnet-node');
    expect(secondary.map((e) => [e.subnetId, e.cidrs.length])).toEqual([
      ['subnet-pods', 9],
      ['subnet-pods', 9],
    ]);
    expect(freeAddresses(node.subnets.get('subnet-node') as Subnet)).toBe(freeAddresses(NODE_SUBNET) - 1);
    expect(freeAddresses(node.subnets.get('subnet-pods') as Subnet)).toBe(freeAddresses(POD_SUBNET) - 20);
  });

  it('m5.xlarge under custom networking holds 42 pod IPs', () => {
    const { failed } = grownTo(boot('m5.xlarge', { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }), 43);
    expect(failed).toEqual(['pod-42']);
  });

  it('m5.large with ENABLE_POD_ENI: the trunk takes a slot, 18 pod IPs, branch pods use their own addresses', () => {
    let node = grownTo(boot('m5.large', { ENABLE_POD_ENI: 'true' }), 19).node;
    expect(node.state.enis.map((e) => e.role)).toEqual(['primary', 'trunk', 'secondary']);
    expect(poolStats(node.state, node.nowMs).total).toBe(18);
    const before = freeAddresses(node.subnets.get('subnet-node') as Subnet);
    for (let i = 0; i < 10; i += 1) {
      const step = addBranchPod(node.state, node.subnets, `sgp-${i}`, node.nowMs);
      node = { ...node, state: step.state, subnets: step.subnets, effects: step.effects };
    }
    // m5.large has 9 branch ENIs (vpc.amazonaws.com/pod-eni): the tenth pod waits.
    expect(node.effects.at(-1)).toMatchObject({ type: 'pod-ip-failed', reason: 'branch-capacity' });
    expect(freeAddresses(node.subnets.get('subnet-node') as Subnet)).toBe(before - 9);
  });

  it('t3.medium cannot trunk: no trunk ENI, all 3 ENIs carry pod IPs', () => {
    const { node } = grownTo(boot('t3.medium', { ENABLE_POD_ENI: 'true' }), 10);
    expect(node.state.enis.every((e) => e.role !== 'trunk')).toBe(true);
  });
});

function stats(partial: Partial<PoolStats>): PoolStats {
  const total = partial.total ?? 0;
  const assigned = partial.assigned ?? 0;
  return { total, assigned, available: total - assigned, cooling: 0, prefixes: 0, freePrefixes: 0, ...partial };
}

function vectorConfig(slots: number, maxEnis: number, env: Record<string, string>, maxPods: number): IpamdConfig {
  const base = instanceType('m5.large');
  return config({ ...base, ipv4PerEni: slots + 1, maxEnis }, env, { maxPods });
}

describe('unit-test vectors (vpc-cni-ipam.md §10)', () => {
  // TestIPAMContext_nodeIPPoolTooLow (ipamd_test.go 1491-1541)
  it.each([
    ['new ds, defaults', 14, { WARM_ENI_TARGET: '1' }, 0, 0, 500, true],
    ['new ds, 0 ENIs', 14, { WARM_ENI_TARGET: '0' }, 0, 0, 500, true],
    ['new ds, 3 warm IPs', 14, { WARM_ENI_TARGET: '0', WARM_IP_TARGET: '3' }, 0, 0, 500, true],
    ['3 unused IPs', 3, { WARM_ENI_TARGET: '1', WARM_IP_TARGET: '1' }, 3, 0, 500, false],
    ['1 used, W=1', 3, { WARM_ENI_TARGET: '1' }, 3, 1, 500, true],
    ['1 used, W=0', 3, { WARM_ENI_TARGET: '0' }, 3, 1, 500, false],
    ['3 used, W=1', 3, { WARM_ENI_TARGET: '1' }, 3, 3, 500, true],
    ['3 used, W=0', 3, { WARM_ENI_TARGET: '0' }, 3, 3, 500, true],
    ['max pods', 3, { WARM_ENI_TARGET: '0', WARM_IP_TARGET: '5' }, 3, 3, 3, false],
  ] as const)('nodeIPPoolTooLow %s', (_, slots, env, total, assigned, maxPods, low) => {
    expect(isPoolTooLow(vectorConfig(slots, 4, env, maxPods), stats({ total, assigned }))).toBe(low);
  });

  // TestIPAMContext_nodePrefixPoolTooLow (1543-1592): 16 prefixes per ENI, 4 ENIs
  it.each([
    ['new ds', '1', 0, 0, 500, true],
    ['new ds', '0', 0, 0, 500, true],
    ['1 free /28', '1', 16, 0, 500, false],
    ['1 used', '1', 16, 1, 500, true],
    ['1 used', '0', 16, 1, 500, false],
    ['3 used', '1', 16, 3, 500, true],
    ['3 used', '0', 16, 3, 500, false],
    ['max pods', '1', 16, 3, 4, false],
  ] as const)('nodePrefixPoolTooLow %s, WARM_PREFIX_TARGET=%s', (_, p, total, assigned, maxPods, low) => {
    const cfg = vectorConfig(16, 4, { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: p }, maxPods);
    expect(isPoolTooLow(cfg, stats({ total, assigned, prefixes: total / 16 }))).toBe(low);
  });

  // TestGetWarmIPTargetState (1396-1442), w = 5
  it.each([
    [0, 5, 0],
    [2, 3, 0],
    [5, 0, 0],
  ])('WARM_IP_TARGET=5 with %i free IPs: short %i, over %i', (free, short, over) => {
    const settings = parseVpcCniEnv({ WARM_IP_TARGET: '5' }).settings;
    expect(ipTargetState(settings, stats({ total: free }))).toEqual({ short, over });
  });

  // TestGetWarmIPTargetStateWithPDenabled (1444-1489), w = 5, in prefixes
  it.each([
    ['empty', 0, 0, 1, 0],
    ['2 free /28s', 2, 2, 0, 1],
    ['after deleting one /28', 1, 1, 0, 0],
  ])('PD WARM_IP_TARGET=5, %s: short %i, over %i', (_, prefixes, freePrefixes, short, over) => {
    const settings = parseVpcCniEnv({ WARM_IP_TARGET: '5', ENABLE_PREFIX_DELEGATION: 'true' }).settings;
    expect(prefixTargetState(settings, stats({ total: prefixes * 16, prefixes, freePrefixes }))).toEqual({
      short,
      over,
    });
  });

  // TestDecreaseIPPool (929-979): w = 1, 2 ENIs x 2 IPs, 2 assigned -> over 1
  it('TestDecreaseIPPool: WARM_IP_TARGET=1, 4 IPs, 2 assigned: over 1', () => {
    const settings = parseVpcCniEnv({ WARM_IP_TARGET: '1' }).settings;
    expect(ipTargetState(settings, stats({ total: 4, assigned: 2 })).over).toBe(1);
    expect(ipTargetState(settings, stats({ total: 3, assigned: 2 })).over).toBe(0);
  });

  // TestWarmENIInteractions (data_store_test.go 1174-1274)
  it('TestWarmENIInteractions: which ENI may be freed under (WARM_IP, MINIMUM_IP)', () => {
    const eni = (id: string, role: Eni['role'], ips: number, pods: number): Eni => ({
      id,
      role,
      subnetId: 'subnet-node',
      primaryAddress: 0,
      createdAtMs: 0,
      cidrs: Array.from({ length: ips }, (_, i) => ({
        base: i,
        size: 1,
        addresses: [{ podKey: i < pods ? `${id}-pod-${i}` : null, freedAtMs: null }],
      })),
    });
    const state = (env: Record<string, string>, enis: Eni[]): IpamdState => ({
      config: config('m5.large', env),
      enis,
      branches: [],
      lastDecreaseAtMs: 0,
      growthPausedUntilMs: 0,
      enisCreated: enis.length,
    });
    const start = [eni('ENI1', 'primary', 2, 2), eni('ENI2', 'secondary', 2, 0), eni('ENI3', 'secondary', 1, 0)];
    const removed = (env: Record<string, string>, enis: Eni[]) => deletableEni(state(env, enis), 120_000)?.id ?? 'none';
    expect(removed({ WARM_IP_TARGET: '3', MINIMUM_IP_TARGET: '1' }, start)).toBe('none');
    expect(removed({ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '5' }, start)).toBe('none');
    expect(removed({ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '4' }, start)).toBe('ENI3');
    const withoutEni3 = start.slice(0, 2);
    expect(removed({ MINIMUM_IP_TARGET: '3' }, withoutEni3)).toBe('none');
    expect(removed({ MINIMUM_IP_TARGET: '2' }, withoutEni3)).toBe('ENI2');
    const withTrunk = [start[0] as Eni, eni('TRUNK', 'trunk', 1, 0)];
    expect(removed({ MINIMUM_IP_TARGET: '2' }, withTrunk)).toBe('none');
    expect(removed({ MINIMUM_IP_TARGET: '2' }, [...withTrunk, eni('ENI6', 'secondary', 0, 0)])).toBe('ENI6');
  });

  // TestGetIPStatsV4 (986-1093), IP_COOLDOWN_PERIOD=1
  it('TestGetIPStatsV4: a freed address cools for IP_COOLDOWN_PERIOD and counts as available', () => {
    let node = boot('m5.large', { IP_COOLDOWN_PERIOD: '1' });
    node = addPodTo(addPodTo(node, 'a'), 'b');
    expect(poolStats(node.state, node.nowMs)).toMatchObject({ assigned: 2, cooling: 0 });
    node = deletePodFrom(node, 'a');
    expect(poolStats(node.state, node.nowMs)).toMatchObject({ assigned: 1, cooling: 1 });
    expect(poolStats(node.state, node.nowMs + 1000)).toMatchObject({ assigned: 1, cooling: 0 });
  });

  // testIncreaseIPPool (546-755)
  it('growth under custom networking creates an ENI in the ENIConfig subnet with S IPs', () => {
    const node = boot('m5.xlarge', { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' });
    const created = node.effects.find((e) => e.type === 'ec2-call' && e.api === 'CreateNetworkInterface');
    expect(created).toMatchObject({ subnetId: 'subnet-pods', addresses: 1 + 14, error: null });
  });

  it('subnet discovery: a full primary subnet is tried with S, then 1 IP, then a new ENI lands in a tagged subnet', () => {
    let full = subnet('subnet-node', '10.0.0.0/28');
    const used = allocateAddresses(full, 10);
    full = used.subnet;
    const spare = subnet('subnet-spare', '10.0.1.0/24', { 'kubernetes.io/role/cni': '1' });
    const node = boot('m5.xlarge', {}, {}, vpc(full, spare));
    const calls = node.effects.filter((e) => e.type === 'ec2-call').slice(0, 3);
    expect(
      calls.map((c) => (c.type === 'ec2-call' ? [c.api, c.subnetId, c.addresses, c.error?.code ?? null] : [])),
    ).toEqual([
      ['AssignPrivateIpAddresses', 'subnet-node', 14, 'InsufficientFreeAddressesInSubnet'],
      ['AssignPrivateIpAddresses', 'subnet-node', 1, 'InsufficientFreeAddressesInSubnet'],
      ['CreateNetworkInterface', 'subnet-spare', 15, null],
    ]);
    expect(node.state.enis[1]?.subnetId).toBe('subnet-spare');
  });

  it('a cordoned node makes no EC2 call', () => {
    const node = boot('m5.large', {}, { cordoned: true });
    expect(node.effects.filter((e) => e.type === 'ec2-call')).toEqual([]);
  });
});

describe('failure modes (§4.4, §7.3, §7.4, §11)', () => {
  it('a fragmented subnet: InsufficientCidrBlocks while single addresses are free, then a 120 s pause', () => {
    // One address taken in every /28 of a /24: 14 whole blocks become 0.
    let fragmented = subnet('subnet-node', '10.0.0.0/24');
    for (let block = 1; block < 15; block += 1) fragmented = allocateAddresses(fragmented, 1, block * 16).subnet;
    expect(freePrefixBlocks(fragmented)).toBe(0);
    const node = boot('m5.large', { ENABLE_PREFIX_DELEGATION: 'true' }, { maxPods: 110 }, vpc(fragmented));
    const failures = node.effects.filter((e) => e.type === 'ec2-call' && e.error !== null);
    expect(failures[0]).toMatchObject({ error: { code: 'InsufficientCidrBlocks' } });
    expect(freeAddresses(node.subnets.get('subnet-node') as Subnet)).toBeGreaterThan(200);
    expect(addPodTo(node, 'p').effects.at(-1)).toMatchObject({ type: 'pod-ip-failed', message: NO_ADDRESS_MESSAGE });
    // Growth is paused: only one failed attempt in the 4 cycles after boot.
    expect(
      node.effects.filter((e) => e.type === 'log' && e.message.startsWith('Recently we had')).length,
    ).toBeGreaterThan(0);
  });

  it('an exhausted subnet: a new ENI needs 1 + 9 addresses at once and fails; pods beyond 9 get none', () => {
    const tiny = subnet('subnet-node', '10.0.0.0/28');
    const { node, failed } = grownTo(boot('m5.large', {}, {}, vpc(tiny)), 12);
    // 11 usable: the node's own address and 9 secondary IPs leave 1.
    expect(freeAddresses(node.subnets.get('subnet-node') as Subnet)).toBe(1);
    expect(shape(node)).toMatchObject({ enis: 1, perEni: [9] });
    expect(failed).toEqual(['pod-9', 'pod-10', 'pod-11']);
    expect(node.effects).toEqual([]);
    const boot2 = boot('m5.large', {}, {}, vpc(tiny));
    const grown = runCycles(addPodTo(boot2, 'x'), 1);
    expect(grown.effects.find((e) => e.type === 'ec2-call' && e.api === 'CreateNetworkInterface')).toMatchObject({
      addresses: 10,
      error: { code: 'InsufficientFreeAddressesInSubnet' },
    });
  });

  it('MINIMUM_IP_TARGET without WARM_IP_TARGET freezes the pool at the minimum (README 346)', () => {
    const { node, failed } = grownTo(boot('m5.large', { MINIMUM_IP_TARGET: '4' }), 6);
    expect(poolStats(node.state, node.nowMs).total).toBe(4);
    expect(failed).toEqual(['pod-4', 'pod-5']);
  });

  it('churn with a small WARM_IP_TARGET: the only free address is cooling, ipamd sees no shortage (#1700)', () => {
    let node = boot('m5.large', { WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' });
    node = runCycles(addPodTo(node, 'a'), 3);
    expect(poolStats(node.state, node.nowMs)).toMatchObject({ total: 2, assigned: 1 });
    node = runCycles(deletePodFrom(node, 'a'), 1);
    const stats = poolStats(node.state, node.nowMs);
    expect(stats).toMatchObject({ total: 1, assigned: 0, available: 1, cooling: 1 });
    expect(isPoolTooLow(node.state.config, stats)).toBe(false);
    expect(addPodTo(node, 'b').effects.at(-1)).toMatchObject({ type: 'pod-ip-failed', reason: 'no-address' });
    // After IP_COOLDOWN_PERIOD (30 s) the address serves again.
    const later = runCycles(node, 6);
    expect(addPodTo(later, 'b').effects.at(-1)).toMatchObject({ type: 'pod-ip-assigned' });
  });

  it('WARM_ENI_TARGET scale-down: an ENI empty for 60 s is freed, one pod pins its ENI', () => {
    let node = grownTo(boot('m5.large'), 12).node;
    expect(node.state.enis).toHaveLength(3);
    for (let i = 0; i < 12; i += 1) node = deletePodFrom(node, `pod-${i}`);
    node = runCycles(node, 40);
    expect(node.state.enis).toHaveLength(1);
  });
});
