import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceType } from '../test-support/fixtures.js';
import { parseSubnetCidr } from './cidr.js';
import { poolStats, subnetAddressesHeld } from './ipamd.js';
import { bootNode, scaleUp } from './ipamd-driver.js';
import { computeSteadyState } from './steady-state.js';
import { createSubnet, type Subnet } from './subnet.js';
import { EKS_MANIFEST_DEFAULTS, parseVpcCniEnv } from './vpc-cni-settings.js';

function subnet(id: string, cidr: string): Subnet {
  const parsed = parseSubnetCidr(cidr);
  if (!parsed.ok) throw new Error(cidr);
  const created = createSubnet({ id, cidr: parsed.value, zone: 'us-east-1a' });
  if (!created.ok) throw new Error(id);
  return created.subnet;
}

const SUBNETS = new Map([
  ['subnet-node', subnet('subnet-node', '10.0.0.0/16')],
  ['subnet-pods', subnet('subnet-pods', '100.64.0.0/16')],
]);

const ENVS: Record<string, string>[] = [
  {},
  { WARM_ENI_TARGET: '2' },
  { WARM_IP_TARGET: '3' },
  { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '12' },
  { MINIMUM_IP_TARGET: '7' },
  { ENABLE_PREFIX_DELEGATION: 'true' },
  { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '2' },
  { ENABLE_PREFIX_DELEGATION: 'true', WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' },
  { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
  { ENABLE_POD_ENI: 'true' },
  { MAX_ENI: '2' },
];

// The closed form (§3.8, §4.2) and the event-driven ipamd are two models of one thing: when pods only
// arrive, ipamd must settle where the closed form says.
describe('the event-driven ipamd reaches the closed-form steady state', () => {
  it('for random types, settings and pod counts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('m5.large', 'm5.xlarge', 't3.small', 'c5.xlarge', 'm8g.large', 'm4.large'),
        fc.constantFrom(...ENVS),
        fc.nat(60),
        (typeName, env, wantedPods) => {
          const type = instanceType(typeName);
          const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
          const maxPods = settings.prefixDelegation ? 110 : type.maxEnis * (type.ipv4PerEni - 1) + 2;
          const ipPods = Math.min(wantedPods, maxPods - 2);
          const closed = computeSteadyState({ instanceType: type, settings, maxPods, ipPods });
          const booted = bootNode(
            {
              nodeName: 'n',
              instanceType: type,
              settings,
              maxPods,
              zone: 'us-east-1a',
              nodeSubnetId: 'subnet-node',
              eniConfigSubnetId: settings.customNetworking ? 'subnet-pods' : null,
              cordoned: false,
            },
            SUBNETS,
          );
          const { node, failed } = scaleUp(booted, ipPods, 3);
          const stats = poolStats(node.state, node.nowMs);
          expect({
            held: stats.total,
            assigned: stats.assigned,
            failed: failed.length,
            attachedEnis: node.state.enis.length,
            subnetAddresses: subnetAddressesHeld(node.state),
          }).toEqual({
            held: closed.held,
            assigned: closed.assigned,
            failed: closed.failed,
            attachedEnis: closed.attachedEnis,
            subnetAddresses: closed.subnetAddresses.total,
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
