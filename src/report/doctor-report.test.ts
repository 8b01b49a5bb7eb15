import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/cluster-state.js';
import type { DoctorResult } from '../doctor/doctor-result.js';
import { doctorReportData } from './doctor-report.js';
import { renderDoctorText } from './doctor-text.js';

const EMPTY_STATE: ClusterState = {
  nodes: [],
  pods: [],
  workloads: [],
  events: [],
  subnets: [],
  vpcCni: null,
  karpenter: null,
  nodePools: [],
  nodeClasses: [],
  nodeClaims: [],
  securityGroupPolicies: [],
  quotas: null,
  read: ['cluster.json: 2 nodes, 40 pods', 'subnets.json: 1 subnet'],
};

const RESULT: DoctorResult = {
  findings: [
    {
      code: 'SUBNET_NEAR_EXHAUSTION',
      severity: 'warning',
      message: 'subnet-a has 12 free addresses: 8 more pods at 20 pods a node. Fix: add a subnet.',
      evidence: { subnets: ['subnet-a'] },
    },
  ],
  subnets: [
    {
      id: 'subnet-a',
      zone: 'us-west-2a',
      cidr: '10.0.0.0/25',
      usable: 123,
      free: 12,
      use: { nodes: 2, enis: 4, pods: 40, warm: 14, other: 51 },
      podsUntilDry: 8,
      podsUntilPrefixFailure: null,
      basis: '2 nodes of m5.large at 20 pods each',
    },
  ],
  nodes: [
    {
      node: 'ip-10-0-0-4',
      instanceType: 'm5.large',
      maxPods: 29,
      hostNetworkPods: 2,
      podIps: 18,
      podsNeedingIp: 20,
      podsWithIp: 18,
    },
    {
      node: 'ip-10-0-0-5',
      instanceType: 'm5.large',
      maxPods: 29,
      hostNetworkPods: 2,
      podIps: 27,
      podsNeedingIp: 20,
      podsWithIp: 20,
    },
  ],
  quotas: null,
  countsByCode: { SUBNET_NEAR_EXHAUSTION: 1 },
};

describe('doctorReportData without a what-if', () => {
  const data = doctorReportData(EMPTY_STATE, RESULT, null, { podcapVersion: '1.0.0' });

  it('is a cluster report: findings split at the fix, no series, the subnet as read', () => {
    expect(data.kind).toBe('cluster');
    expect(data.series).toEqual([]);
    expect(data.findings[0]).toMatchObject({
      code: 'SUBNET_NEAR_EXHAUSTION',
      evidence: 'subnet-a has 12 free addresses: 8 more pods at 20 pods a node.',
      fix: 'add a subnet.',
      atMs: null,
    });
    expect(data.subnets[0]).toMatchObject({ id: 'subnet-a', usable: 123, used: 111, free: 12, idleInWarmPools: 14 });
  });

  it('lists only the nodes whose maxPods exceed their pod IPs', () => {
    const table = data.inputs.find((t) => t.title === 'Nodes whose maxPods exceed their pod IPs');
    expect(table?.rows.map((r) => r.cells[0])).toEqual(['ip-10-0-0-4']);
  });
});

describe('renderDoctorText', () => {
  const text = renderDoctorText(EMPTY_STATE, RESULT, { changes: ['default/web=3x'], summary: 'Nothing breaks.' });

  it('puts findings before the subnet table and the what-if last, within 100 columns', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('Cluster: 0 nodes; 0 pods (0 Running, 0 Pending, 0 ContainerCreating); 0 subnets');
    expect(text.indexOf('WARNING SUBNET_NEAR_EXHAUSTION')).toBeLessThan(text.indexOf('Subnets: addresses by use'));
    expect(text).toMatch(/subnet-a\s+us-west-2a\s+123\s+12\s+2\s+4\s+40\s+14\s+51\s+8\s+-/);
    expect(text).toContain('Nodes whose maxPods exceed their pod IPs (1):');
    expect(text.trimEnd().endsWith('What-if, simulated forward from the cluster as read:\nNothing breaks.')).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });
});
