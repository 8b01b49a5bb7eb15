import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceType } from '../test-support/fixtures.js';
import { parseSubnetCidr } from './cidr.js';
import {
  addPod,
  deletePod,
  findPod,
  IPAMD_CYCLE_MS,
  type IpamdConfig,
  type IpamdState,
  launchNode,
  poolStats,
  type Subnets,
  subnetAddressesHeld,
  tickIpamd,
} from './ipamd.js';
import { createSubnet, isAllocated, usedAddresses } from './subnet.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv } from './vpc-cni-settings.js';

const TYPES = ['m5.large', 't3.small', 'm5.xlarge', 'c5.large'];
const ENVS: Record<string, string>[] = [
  {},
  { WARM_ENI_TARGET: '0' },
  { WARM_ENI_TARGET: '2' },
  { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '5' },
  { WARM_IP_TARGET: '1' },
  { MINIMUM_IP_TARGET: '6' },
  { ENABLE_PREFIX_DELEGATION: 'true' },
  { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '0' },
  { ENABLE_PREFIX_DELEGATION: 'true', WARM_IP_TARGET: '3', MINIMUM_IP_TARGET: '4' },
  { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
  { ENABLE_POD_ENI: 'true', IP_COOLDOWN_PERIOD: '0' },
];

function subnets(nodeCidr: string): Subnets {
  const map = new Map();
  for (const [id, cidr] of [
    ['subnet-node', nodeCidr],
    ['subnet-pods', '100.64.0.0/24'],
  ] as const) {
    const parsed = parseSubnetCidr(cidr);
    if (!parsed.ok) throw new Error(cidr);
    const created = createSubnet({ id, cidr: parsed.value, zone: 'us-east-1a' });
    if (!created.ok) throw new Error(id);
    map.set(id, created.subnet);
  }
  return map;
}

type Action = { kind: 'add'; node: number } | { kind: 'delete'; node: number; pick: number } | { kind: 'tick' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), node: fc.nat(2) }),
  fc.record({ kind: fc.constant('delete' as const), node: fc.nat(2), pick: fc.nat(1000) }),
  fc.constant({ kind: 'tick' as const }),
);

describe('ipamd invariants over random pod churn on nodes sharing subnets', () => {
  it('no address is handed out twice, subnets account for every address nodes hold, no ENI over the limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.constantFrom(...ENVS),
        fc.constantFrom('10.0.0.0/24', '10.0.0.0/26', '10.0.0.0/28'),
        fc.array(action, { minLength: 1, maxLength: 150 }),
        (typeName, env, nodeCidr, actions) => {
          const type = instanceType(typeName);
          const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
          let vpc = subnets(nodeCidr);
          const nodes: IpamdState[] = [];
          const pods: string[][] = [];
          for (let i = 0; i < 3; i += 1) {
            const config: IpamdConfig = {
              nodeName: `node-${i}`,
              instanceType: type,
              settings,
              maxPods: type.maxEnis * (type.ipv4PerEni - 1) + 2,
              zone: 'us-east-1a',
              nodeSubnetId: 'subnet-node',
              eniConfigSubnetId: settings.customNetworking ? 'subnet-pods' : null,
              cordoned: false,
            };
            const launched = launchNode(config, vpc, 0);
            if (!launched.ok) continue;
            nodes.push(launched.step.state);
            vpc = launched.step.subnets;
            pods.push([]);
          }
          let nowMs = 0;
          let serial = 0;
          for (const a of actions) {
            nowMs += 1_000;
            if (a.kind === 'tick' || nowMs % IPAMD_CYCLE_MS === 0) {
              for (const [i, node] of nodes.entries()) {
                const step = tickIpamd(node, vpc, nowMs);
                nodes[i] = step.state;
                vpc = step.subnets;
              }
              if (a.kind === 'tick') continue;
            }
            const i = a.node % Math.max(1, nodes.length);
            const node = nodes[i];
            const onNode = pods[i];
            if (!node || !onNode) continue;
            if (a.kind === 'add') {
              const key = `pod-${serial++}`;
              const step = addPod(node, vpc, key, nowMs);
              nodes[i] = step.state;
              vpc = step.subnets;
              if (step.effects.some((e) => e.type === 'pod-ip-assigned')) onNode.push(key);
            } else if (onNode.length > 0) {
              const [key] = onNode.splice(a.pick % onNode.length, 1);
              const step = deletePod(node, vpc, key ?? '', nowMs);
              nodes[i] = step.state;
              vpc = step.subnets;
            }
          }
          // Conservation: what the subnets have handed out is exactly what the nodes hold.
          const held = nodes.reduce((sum, node) => sum + subnetAddressesHeld(node), 0);
          const used = [...vpc.values()].reduce((sum, subnet) => sum + usedAddresses(subnet), 0);
          expect(used).toBe(held);
          // Every pod has one address, held by its node, allocated in a subnet, given to no one else.
          const seen = new Set<number>();
          for (const [i, node] of nodes.entries()) {
            const stats = poolStats(node, nowMs);
            expect(stats.assigned).toBe(pods[i]?.length);
            expect(node.enis.length).toBeLessThanOrEqual(type.maxEnis);
            for (const key of pods[i] ?? []) {
              const found = findPod(node, key);
              expect(found).not.toBeNull();
              const address = found?.address ?? -1;
              expect(seen.has(address)).toBe(false);
              seen.add(address);
              expect([...vpc.values()].some((subnet) => isAllocated(subnet, address))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
