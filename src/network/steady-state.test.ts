import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledCatalog, instanceType } from '../test-support/fixtures.js';
import { M5_LARGE_WARM_IP_5_MINIMUM_10 } from '../test-support/worked-examples.js';
import { parseSubnetCidr } from './cidr.js';
import { type IpamdConfig, poolStats, subnetAddressesHeld } from './ipamd.js';
import { bootNode, type DrivenNode, runCycles, scaleUp } from './ipamd-driver.js';
import { computeSteadyState, type SteadyState } from './steady-state.js';
import { createSubnet, type Subnet } from './subnet.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv, type VpcCniSettings } from './vpc-cni-settings.js';

function settings(env: Record<string, string> = {}): VpcCniSettings {
  const parsed = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS);
  if (parsed.issues.length > 0) throw new Error(JSON.stringify(parsed.issues));
  return parsed.settings;
}

function steady(type: string, env: Record<string, string>, maxPods: number, ipPods: number, branchPods = 0) {
  return computeSteadyState({ instanceType: instanceType(type), settings: settings(env), maxPods, ipPods, branchPods });
}

/** The columns of the research tables: ENIs attached, units per ENI, addresses held, free, subnet addresses. */
function row(state: SteadyState) {
  return {
    enis: state.attachedEnis,
    perEni: state.perEni,
    held: state.held,
    free: state.warm,
    subnet: state.subnetAddresses.total,
    failed: state.failed,
  };
}

describe('secondary IPs, worked examples (vpc-cni-ipam.md §3.9)', () => {
  // m5.large: S = 9, E_max = 3, maxPods 29, WARM_ENI_TARGET = 1.
  it.each([
    [0, 1, [9], 9, 10],
    [1, 2, [9, 9], 17, 20],
    [9, 2, [9, 9], 9, 20],
    [10, 3, [9, 9, 9], 17, 30],
    [20, 3, [9, 9, 9], 7, 30],
    [27, 3, [9, 9, 9], 0, 30],
  ])('m5.large defaults, %i pods: %i ENIs %j, %i free, %i subnet addresses', (pods, enis, perEni, free, subnet) => {
    const state = steady('m5.large', {}, 29, pods);
    expect(row(state)).toEqual({ enis, perEni, held: 27 - 9 * (3 - enis), free, subnet, failed: 0 });
    expect(state.mode).toBe('secondary-ip');
    expect(state.subnetAddresses).toEqual({ node: subnet, pod: 0, total: subnet });
  });

  it('m5.large defaults: pod #28 that needs an IP fails at ENI capacity', () => {
    const state = steady('m5.large', {}, 29, 28);
    expect(state).toMatchObject({ held: 27, assigned: 27, failed: 1, bound: 'eni-capacity', capacity: 27 });
  });

  // WARM_IP_TARGET=5, MINIMUM_IP_TARGET=10: WARM_ENI_TARGET is ignored.
  it.each(M5_LARGE_WARM_IP_5_MINIMUM_10)(
    'm5.large WARM_IP_TARGET=5 MINIMUM_IP_TARGET=10, %i pods: %j, %i free',
    (pods, perEni, free) => {
      const state = steady('m5.large', { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 29, pods);
      const held = perEni.reduce((a, b) => a + b, 0);
      expect(row(state)).toEqual({
        enis: perEni.length,
        perEni,
        held,
        free,
        subnet: held + perEni.length,
        failed: 0,
      });
    },
  );

  it('m5.large WARM_IP_TARGET=5 MINIMUM_IP_TARGET=10: pod #28 fails', () => {
    expect(steady('m5.large', { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 29, 28).failed).toBe(1);
  });

  // m5.xlarge: S = 14, E_max = 4, maxPods 58.
  it.each([
    [0, 1, 14, 14, 15],
    [54, 4, 56, 2, 60],
    [56, 4, 56, 0, 60],
  ])('m5.xlarge defaults, %i pods: %i ENIs, %i IPs, %i free, %i subnet addresses', (pods, enis, held, free, subnet) => {
    expect(row(steady('m5.xlarge', {}, 58, pods))).toMatchObject({ enis, held, free, subnet, failed: 0 });
  });

  it('m5.xlarge creates ENI #2 at 1 pod, #3 at 15, #4 at 29; a 57th IP pod fails', () => {
    const enis = [0, 1, 14, 15, 28, 29].map((pods) => steady('m5.xlarge', {}, 58, pods).attachedEnis);
    expect(enis).toEqual([1, 2, 2, 3, 3, 4]);
    expect(steady('m5.xlarge', {}, 58, 57).failed).toBe(1);
  });

  it('MINIMUM_IP_TARGET without WARM_IP_TARGET holds exactly the minimum; pods beyond it fail (README 346)', () => {
    const state = steady('m5.large', { MINIMUM_IP_TARGET: '10' }, 29, 14);
    expect(state).toMatchObject({ held: 10, perEni: [9, 1], assigned: 10, failed: 4, bound: 'minimum-ip-target' });
    expect(steady('m5.large', { MINIMUM_IP_TARGET: '10' }, 29, 3)).toMatchObject({ held: 10, warm: 7, failed: 0 });
  });

  it('WARM_ENI_TARGET=0: an ENI is added only once none is free, and an empty one flaps (§11.3)', () => {
    expect(steady('m5.large', { WARM_ENI_TARGET: '0' }, 29, 8)).toMatchObject({ attachedEnis: 1, flapping: false });
    expect(steady('m5.large', { WARM_ENI_TARGET: '0' }, 29, 9)).toMatchObject({
      attachedEnis: 2,
      warm: 9,
      flapping: true,
    });
    expect(steady('m5.large', { WARM_ENI_TARGET: '0' }, 29, 0)).toMatchObject({ attachedEnis: 1, flapping: false });
  });

  it('WARM_ENI_TARGET=2 keeps two spare ENIs, up to the limit', () => {
    expect(steady('m5.xlarge', { WARM_ENI_TARGET: '2' }, 58, 1).attachedEnis).toBe(3);
    expect(steady('m5.xlarge', { WARM_ENI_TARGET: '2' }, 58, 20).attachedEnis).toBe(4);
  });

  it('growth stops once the pool holds maxPods addresses (ipamd.go 2637)', () => {
    // The initial target 20 passes maxPods 12: the ENI that crosses 12 is the last one (9 + 9).
    expect(steady('m5.large', { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '20' }, 12, 0)).toMatchObject({
      held: 18,
      perEni: [9, 9],
      bound: 'max-pods',
    });
    // Growing one address per pod, the pool stops on maxPods exactly.
    expect(steady('m5.large', { WARM_IP_TARGET: '2' }, 12, 11)).toMatchObject({ held: 12, assigned: 11, warm: 1 });
    // WARM_ENI_TARGET grows by whole ENIs: the one that crosses maxPods is the last.
    expect(steady('m5.large', {}, 10, 10)).toMatchObject({ attachedEnis: 2, held: 18, warm: 8, bound: 'max-pods' });
  });

  it('MAX_ENI caps the ENIs', () => {
    expect(steady('m5.xlarge', { MAX_ENI: '2' }, 58, 40)).toMatchObject({ attachedEnis: 2, held: 28, failed: 12 });
  });
});

describe('prefix delegation, worked examples (vpc-cni-ipam.md §4.3; docs/prefix-and-ip-target.md)', () => {
  const PD = { ENABLE_PREFIX_DELEGATION: 'true' };
  // m5.large with maxPods 110: growth stops at 7 prefixes (112 ≥ 110).
  it.each([
    [0, 1, 16],
    [1, 2, 31],
    [16, 2, 16],
    [17, 3, 31],
    [50, 5, 30],
    [95, 7, 17],
    [100, 7, 12],
    [108, 7, 4],
  ])('m5.large WARM_PREFIX_TARGET=1, %i pods: %i prefixes, %i free', (pods, prefixes, free) => {
    const state = steady('m5.large', PD, 110, pods);
    expect(state).toMatchObject({ mode: 'prefix-delegation', prefixes, held: 16 * prefixes, warm: free, failed: 0 });
    expect(state.perEni).toEqual([prefixes]);
    expect(state.subnetAddresses.total).toBe(16 * prefixes + 1);
  });

  it('m5.large at 95–108 pods is capped by maxPods 110, not by the warm prefix', () => {
    expect(steady('m5.large', PD, 110, 100).bound).toBe('max-pods');
  });

  // t3.small: S = 3 prefixes per ENI; maxPods 110 (max-pods-calculator.sh with prefix delegation).
  it.each([
    [{}, 0, [1], 16],
    [{}, 5, [2], 27],
    [{}, 16, [2], 16],
    [{}, 17, [3], 31],
    [{}, 58, [3, 2], 22],
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 0, [1], 16],
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 5, [1], 11],
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 17, [2], 15],
    [{ WARM_IP_TARGET: '1', MINIMUM_IP_TARGET: '1' }, 58, [3, 1], 6],
    // The doc's 0-pod row says 1 prefix; the code asks ceil(20/16) = 2 (§12).
    [{ WARM_IP_TARGET: '7', MINIMUM_IP_TARGET: '20' }, 0, [2], 32],
    [{ WARM_IP_TARGET: '7', MINIMUM_IP_TARGET: '20' }, 5, [2], 27],
    [{ WARM_IP_TARGET: '7', MINIMUM_IP_TARGET: '20' }, 17, [2], 15],
    [{ WARM_IP_TARGET: '7', MINIMUM_IP_TARGET: '20' }, 58, [3, 2], 22],
  ])('t3.small %j, %i pods: prefixes per ENI %j, %i free', (env, pods, perEni, free) => {
    const state = steady('t3.small', { ...PD, ...env }, 110, pods);
    expect(state.perEni).toEqual(perEni);
    expect(state).toMatchObject({ attachedEnis: perEni.length, warm: free, failed: 0 });
  });

  // p3dn.24xlarge: S = 49 prefixes on the primary ENI alone; maxPods 250. The doc shows 2–3 ENIs for
  // 3, 95 and 45 pods; the code opens a new ENI only when no existing one has a free slot (§12).
  it.each([
    [{}, 0, 1, 16],
    [{}, 3, 2, 29],
    [{}, 95, 7, 17],
    [{ WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 0, 1, 16],
    [{ WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 7, 1, 9],
    [{ WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 15, 2, 17],
    [{ WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 45, 4, 19],
  ])('p3dn.24xlarge %j, %i pods: %i prefixes, all on one ENI, %i free', (env, pods, prefixes, free) => {
    const state = steady('p3dn.24xlarge', { ...PD, ...env }, 250, pods);
    expect(state).toMatchObject({ attachedEnis: 1, perEni: [prefixes], warm: free, failed: 0 });
  });

  it('WARM_PREFIX_TARGET=0: a prefix only when none is free; an empty one flaps', () => {
    const zero = { ...PD, WARM_PREFIX_TARGET: '0' };
    expect(steady('m5.large', zero, 110, 5)).toMatchObject({ prefixes: 1, flapping: false });
    expect(steady('m5.large', zero, 110, 16)).toMatchObject({ prefixes: 2, flapping: true });
  });

  it('on a type that is not Nitro ipamd falls back to secondary IPs (§4.1)', () => {
    const state = steady('c4.large', PD, 29, 5);
    expect(state).toMatchObject({ mode: 'secondary-ip', prefixDelegationFallback: true, prefixes: 0, held: 18 });
  });
});

describe('custom networking (§5) and security groups for pods (§6)', () => {
  const CUSTOM = { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' };
  it('m5.large: 18 pod IPs on 2 ENIs in the ENIConfig subnet; the node subnet keeps its own address', () => {
    const state = steady('m5.large', CUSTOM, 20, 18);
    expect(state).toMatchObject({ capacity: 18, held: 18, attachedEnis: 3, podEnis: 2, perEni: [9, 9], failed: 0 });
    expect(state.subnetAddresses).toEqual({ node: 1, pod: 20, total: 21 });
    expect(steady('m5.large', CUSTOM, 29, 27)).toMatchObject({ assigned: 18, failed: 9, bound: 'eni-capacity' });
  });

  it('m5.xlarge: 42 pod IPs', () => {
    expect(steady('m5.xlarge', CUSTOM, 44, 42)).toMatchObject({ capacity: 42, held: 42, failed: 0, podEnis: 3 });
  });

  it('with no pod the first pod ENI is already there (the pool is low at boot)', () => {
    expect(steady('m5.large', CUSTOM, 20, 0)).toMatchObject({ attachedEnis: 2, perEni: [9] });
  });

  it('m5.large with ENABLE_POD_ENI: the trunk takes a slot, 18 pod IPs; branch ENIs take one address each', () => {
    const state = steady('m5.large', { ENABLE_POD_ENI: 'true' }, 29, 18, 4);
    expect(state).toMatchObject({ trunkEni: true, capacity: 18, attachedEnis: 3, podEnis: 2, held: 18, branchEnis: 4 });
    expect(state.subnetAddresses).toEqual({ node: 1 + 1 + 18 + 1 + 4, pod: 0, total: 25 });
    expect(steady('m5.large', { ENABLE_POD_ENI: 'true' }, 29, 20, 12)).toMatchObject({ failed: 2, branchFailed: 3 });
  });

  it('custom networking with a trunk: the trunk and the branches are in the ENIConfig subnet', () => {
    const state = steady('m5.xlarge', { ...CUSTOM, ENABLE_POD_ENI: 'true' }, 30, 28, 2);
    expect(state).toMatchObject({ capacity: 28, attachedEnis: 4, held: 28 });
    expect(state.subnetAddresses).toEqual({ node: 1, pod: 2 + 28 + 1 + 2, total: 34 });
  });

  it('ENABLE_POD_ENI on a type that cannot trunk changes nothing', () => {
    const state = steady('t3.medium', { ENABLE_POD_ENI: 'true' }, 17, 15, 3);
    expect(state).toMatchObject({ trunkEni: false, capacity: 15, branchEnis: 0, branchFailed: 3 });
  });

  it('one ENI and custom networking: no ENI can carry a pod address', () => {
    const state = steady('hpc6id.32xlarge', CUSTOM, 51, 3);
    expect(state).toMatchObject({ podEniLimit: 0, capacity: 0, attachedEnis: 1, held: 0, failed: 3 });
  });

  it('MAX_ENI=1 with ENABLE_POD_ENI: no slot for a trunk, the primary ENI carries the pods', () => {
    const state = steady('m5.large', { ENABLE_POD_ENI: 'true', MAX_ENI: '1' }, 29, 5);
    expect(state).toMatchObject({ trunkEni: false, attachedEnis: 1, capacity: 9, held: 9 });
  });
});

describe('invariants (fast-check)', () => {
  const types = bundledCatalog().catalog.instanceTypes;
  const env = fc.record(
    {
      WARM_ENI_TARGET: fc.integer({ min: 0, max: 4 }).map(String),
      WARM_IP_TARGET: fc.integer({ min: 0, max: 40 }).map(String),
      MINIMUM_IP_TARGET: fc.integer({ min: 0, max: 120 }).map(String),
      WARM_PREFIX_TARGET: fc.integer({ min: 0, max: 4 }).map(String),
      MAX_ENI: fc.integer({ min: 1, max: 16 }).map(String),
      ENABLE_PREFIX_DELEGATION: fc.boolean().map(String),
      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: fc.boolean().map(String),
      ENABLE_POD_ENI: fc.boolean().map(String),
    },
    { requiredKeys: [] },
  );

  it('held ≥ assigned, ENIs within the limit, subnet addresses = held + ENI primaries + branches', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        env,
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 20 }),
        (type, variables, maxPods, ipPods, branchPods) => {
          const s = computeSteadyState({
            instanceType: type,
            settings: settings(variables),
            maxPods,
            ipPods,
            branchPods,
          });
          expect(s.held).toBeGreaterThanOrEqual(s.assigned);
          expect(s.held).toBeLessThanOrEqual(s.capacity);
          expect(s.assigned + s.failed).toBe(ipPods);
          expect(s.warm).toBe(s.held - s.assigned);
          expect(s.attachedEnis).toBeLessThanOrEqual(s.maxEnis);
          expect(s.podEnis).toBeLessThanOrEqual(Math.max(s.podEniLimit, 1));
          expect(s.perEni.length).toBe(s.podEnis);
          expect(s.perEni.every((units) => units >= 0 && units <= s.slotsPerEni)).toBe(true);
          expect(s.perEni.reduce((a, b) => a + b, 0)).toBe(s.secondaryIps + s.prefixes);
          expect(s.subnetAddresses.total).toBe(s.held + s.attachedEnis + s.branchEnis);
          expect(s.subnetAddresses.node + s.subnetAddresses.pod).toBe(s.subnetAddresses.total);
          expect(s.branchEnis + s.branchFailed).toBe(branchPods);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('more pods never hold fewer addresses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        env,
        fc.integer({ min: 1, max: 300 }),
        fc.nat(200),
        (type, variables, maxPods, pods) => {
          const at = (ipPods: number) =>
            computeSteadyState({ instanceType: type, settings: settings(variables), maxPods, ipPods }).held;
          expect(at(pods + 1)).toBeGreaterThanOrEqual(at(pods));
        },
      ),
    );
  });
});

describe('the event-driven ipamd settles in the same state (ipamd.ts through ipamd-driver.ts)', () => {
  function subnet(id: string, cidr: string): Subnet {
    const parsed = parseSubnetCidr(cidr);
    if (!parsed.ok) throw new Error(cidr);
    const created = createSubnet({ id, cidr: parsed.value, zone: 'us-east-1a' });
    if (!created.ok) throw new Error(created.error.message);
    return created.subnet;
  }
  const subnets = new Map([
    ['subnet-node', subnet('subnet-node', '10.0.0.0/16')],
    ['subnet-pods', subnet('subnet-pods', '100.64.0.0/16')],
  ]);

  const cases: [string, Record<string, string>, number][] = [
    ['m5.large', {}, 29],
    ['m5.large', { WARM_ENI_TARGET: '2' }, 29],
    ['m5.large', { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' }, 29],
    ['m5.large', { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '20' }, 12],
    ['m5.large', { WARM_IP_TARGET: '3' }, 29],
    ['m5.large', { MINIMUM_IP_TARGET: '7' }, 29],
    ['m5.large', { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }, 29],
    ['m5.large', { ENABLE_POD_ENI: 'true' }, 29],
    ['m5.xlarge', { MAX_ENI: '2', WARM_IP_TARGET: '1' }, 58],
    ['t3.small', {}, 11],
    ['t3.small', { ENABLE_PREFIX_DELEGATION: 'true' }, 110],
    ['t3.small', { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '2' }, 110],
    ['t3.small', { ENABLE_PREFIX_DELEGATION: 'true', WARM_IP_TARGET: '7', MINIMUM_IP_TARGET: '20' }, 110],
    ['m5.large', { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '4' }, 40],
    ['m5.large', { ENABLE_PREFIX_DELEGATION: 'true', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }, 110],
    ['c4.large', { ENABLE_PREFIX_DELEGATION: 'true' }, 29],
  ];

  it.each(cases)('%s %j maxPods %i', (type, variables, maxPods) => {
    const it = instanceType(type);
    const config: IpamdConfig = {
      nodeName: 'node-1',
      instanceType: it,
      settings: settings(variables),
      maxPods,
      zone: 'us-east-1a',
      nodeSubnetId: 'subnet-node',
      eniConfigSubnetId: 'subnet-pods',
      cordoned: false,
    };
    let node: DrivenNode = bootNode(config, subnets, 8);
    let pods = 0;
    let failed = 0;
    const slots = it.ipv4PerEni - 1;
    const checkpoints = [0, 1, 2, slots - 1, slots, slots + 1, 2 * slots, 2 * slots + 1, 30, 45, maxPods - 2, maxPods];
    for (const target of [...new Set(checkpoints)].filter((n) => n >= 0).sort((a, b) => a - b)) {
      const grown = scaleUp(node, target - pods, 3, `p${target}`);
      failed += grown.failed.length;
      node = runCycles(grown.node, 4);
      pods = target;
      const expected = computeSteadyState({ instanceType: it, settings: config.settings, maxPods, ipPods: pods });
      const stats = poolStats(node.state, node.nowMs);
      expect({
        pods,
        enis: node.state.enis.length,
        held: stats.total,
        assigned: stats.assigned,
        failed,
        subnet: subnetAddressesHeld(node.state),
      }).toEqual({
        pods,
        enis: expected.attachedEnis,
        held: expected.held,
        assigned: expected.assigned,
        failed: expected.failed,
        subnet: expected.subnetAddresses.total,
      });
    }
  });
});
