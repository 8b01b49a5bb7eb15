// The VPC CNI in the engine: a node that custom networking cannot serve, and how a failed address
// request in a subnet is reported.
import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../test-support/fixtures.js';
import {
  at,
  deployment,
  karpenterSettings,
  nodeClass,
  nodeGroup,
  nodePool,
  podTemplate,
  requirement,
  simInput,
  subnet,
} from '../test-support/sim-input.js';
import type { SimInput } from './model.js';
import type { SimResult } from './result.js';
import { simulate } from './simulate.js';

const run = (input: SimInput): SimResult => simulate(input, bundledCatalog(), { recordEvents: true });
const CUSTOM_NETWORKING = { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' };

describe('custom networking without an ENIConfig for the node’s zone (vpc-cni-ipam.md §5)', () => {
  it('leaves the node NotReady, so pods stay Pending rather than hang in ContainerCreating', () => {
    const input = simInput(
      {
        subnets: [subnet('subnet-node', '10.0.0.0/24'), subnet('subnet-pods', '100.64.0.0/22')],
        vpcCniEnv: CUSTOM_NETWORKING,
        nodeGroups: [nodeGroup('ng', 'm5.xlarge', 1, ['subnet-node'])],
      },
      [deployment('web', 60, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
    );
    const result = run(input);
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({
      running: 0,
      pending: 60,
      containerCreating: 0,
    });
    expect(result.nodes).toMatchObject({ atEnd: 1, byType: { 'm5.xlarge': 1 } });
    expect(result.workloads.find((w) => w.name === 'aws-node')).toMatchObject({ desired: 0, running: 0 });
    const failed = result.findings.find((f) => f.code === 'NODE_LAUNCH_FAILED');
    expect(failed?.severity).toBe('error');
    expect(failed?.message).toContain('nodeGroup/ng (m5.xlarge): 1 node in us-west-2a never became Ready');
    expect(failed?.message).toContain('no ENIConfig gives a pod subnet for us-west-2a');
    expect(result.findings.map((f) => f.code)).not.toContain('PODS_STUCK_NO_IP');
  });

  it('runs the pods on the zone that has an ENIConfig and names only the zone that has none', () => {
    const input = simInput(
      {
        subnets: [
          subnet('node-a', '10.0.0.0/24', 'us-west-2a'),
          subnet('node-b', '10.0.1.0/24', 'us-west-2b'),
          subnet('pods-a', '100.64.0.0/22', 'us-west-2a'),
        ],
        vpcCniEnv: CUSTOM_NETWORKING,
        eniConfigs: new Map([['us-west-2a', 'pods-a']]),
        nodeGroups: [nodeGroup('ng', 'm5.large', 2, ['node-a', 'node-b'], { maxPods: 20 })],
      },
      [deployment('web', 10, podTemplate({ cpuMillis: 10, memoryMib: 16 }))],
    );
    const result = run(input);
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 10, pending: 0 });
    expect(result.workloads.find((w) => w.name === 'kube-proxy')).toMatchObject({ desired: 1, running: 1 });
    const failed = result.findings.filter((f) => f.code === 'NODE_LAUNCH_FAILED');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.message).toContain('1 node in us-west-2b never became Ready');
  });

  it('keeps a node the timeline adds NotReady too, and Karpenter waits on its NodeClaim instead of launching again', () => {
    const input = simInput(
      {
        addons: [],
        subnets: [subnet('node-b', '10.0.1.0/24', 'us-west-2b')],
        vpcCniEnv: CUSTOM_NETWORKING,
        karpenter: karpenterSettings(),
        timeline: [
          at(1, {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'web' },
            replicas: 2,
          }),
        ],
      },
      [deployment('web', 0, podTemplate({ cpuMillis: 500 }))],
      {
        nodePools: [
          nodePool('default', { requirements: [requirement('node.kubernetes.io/instance-type', 'In', ['m5.large'])] }),
        ],
        nodeClasses: [nodeClass(['node-b'])],
      },
    );
    const result = run(input);
    expect(result.nodes).toMatchObject({ launched: 1, atEnd: 1 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ pending: 2, containerCreating: 0 });
    expect(result.findings.find((f) => f.code === 'NODE_LAUNCH_FAILED')?.atMs).toBe(61_000);
    expect(result.findings.map((f) => f.code)).not.toContain('RUNAWAY_SCALE_OUT');
  });
});

describe('SUBNET_EXHAUSTED says which request failed and how many addresses were free (vpc-cni-ipam.md §7.2)', () => {
  it('reports a 10-address ENI refused with 9 free as that, a warning while no pod lacks an address', () => {
    // Five m5.large hold 10 addresses each (node + primary ENI with 9) of a /26's 59; the first pod
    // makes ipamd want a warm ENI of 10 (WARM_ENI_TARGET=1), and 9 are left.
    const input = simInput(
      {
        durationMs: 6 * 60_000,
        subnets: [subnet('subnet-a', '10.0.0.0/26')],
        nodeGroups: [nodeGroup('a', 'm5.large', 5, ['subnet-a'])],
        timeline: [
          at(2, {
            type: 'scale-workload',
            target: { kind: 'Deployment', namespace: 'default', name: 'web' },
            replicas: 1,
          }),
        ],
      },
      [deployment('web', 0, podTemplate({ cpuMillis: 10 }))],
    );
    const result = run(input);
    const finding = result.findings.find((f) => f.code === 'SUBNET_EXHAUSTED');
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toContain(
      'could not give CreateNetworkInterface the 10 addresses it needed at 2m: only 9 of its 59 usable addresses were free',
    );
    expect(finding?.message).not.toContain('were held');
    expect(result.subnets[0]).toMatchObject({ usable: 59, free: 9, lowestFree: 9 });
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 1 });
  });

  it('still says the subnet ran out when its last address went, as an error', () => {
    // A /27 (27 usable), two m5.large and WARM_IP_TARGET=2: ipamd adds addresses a few at a time
    // until the subnet's last one is taken.
    const input = simInput(
      {
        durationMs: 6 * 60_000,
        subnets: [subnet('subnet-a', '10.0.0.0/27')],
        vpcCniEnv: { WARM_IP_TARGET: '2' },
        nodeGroups: [nodeGroup('a', 'm5.large', 2, ['subnet-a'])],
      },
      [deployment('web', 40, podTemplate({ cpuMillis: 10 }))],
    );
    const result = run(input);
    const finding = result.findings.find((f) => f.code === 'SUBNET_EXHAUSTED');
    expect(result.subnets[0]).toMatchObject({ usable: 27, free: 0, lowestFree: 0, exhaustedAtMs: 40_000 });
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toContain(
      'ran out of addresses at 40s: all 27 usable addresses (the CIDR less the 5 AWS keeps) were held.',
    );
  });

  it('calls a failed ENI an error once pods are left without an address', () => {
    // Two m5.large in a /27 hold 20 of 27 addresses; the ENI of 10 that 40 pods need never comes.
    const input = simInput(
      {
        durationMs: 6 * 60_000,
        subnets: [subnet('subnet-a', '10.0.0.0/27')],
        nodeGroups: [nodeGroup('a', 'm5.large', 2, ['subnet-a'])],
      },
      [deployment('web', 40, podTemplate({ cpuMillis: 10 }))],
    );
    const result = run(input);
    const finding = result.findings.find((f) => f.code === 'SUBNET_EXHAUSTED');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toContain('the 10 addresses it needed at 0s: only 7 of its 27 usable addresses were free');
    expect(result.workloads.find((w) => w.name === 'web')).toMatchObject({ running: 18, containerCreating: 22 });
  });
});
