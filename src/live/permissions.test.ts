import { describe, expect, it } from 'vitest';
import {
  AWS_EC2_ROUTES,
  AWS_QUOTA_ROUTES,
  type AwsCall,
  CLUSTER_WITHOUT_CRDS,
  FULL_CLUSTER,
  fakeEc2Client,
  fakeServiceQuotasClient,
  fixtureLister,
  type KubernetesCall,
  type KubernetesRoute,
} from '../../test/fixtures/live/fake-apis.js';
import {
  allowedByClusterRole,
  allowedByIamPolicy,
  clusterRoleRules,
  iamPolicyActions,
} from '../../test/fixtures/live/permission-check.js';
import { LIVE_RESOURCES } from './live-resources.js';
import { readLiveCluster } from './live-source.js';

async function recordCalls(
  kubernetes: Readonly<Record<string, KubernetesRoute>>,
  vpcId?: string,
): Promise<{ kubernetes: KubernetesCall[]; aws: AwsCall[] }> {
  const lister = fixtureLister(kubernetes);
  const ec2 = fakeEc2Client(AWS_EC2_ROUTES);
  const quotas = fakeServiceQuotasClient(AWS_QUOTA_ROUTES);
  await readLiveCluster({ vpcId, clients: { kubernetes: lister, ec2: ec2.client, serviceQuotas: quotas.client } });
  return { kubernetes: lister.calls, aws: [...ec2.calls, ...quotas.calls] };
}

describe('permissions', () => {
  it('the ClusterRole allows every Kubernetes call the live source makes, and the IAM policy every AWS call', async () => {
    const runs = await Promise.all([
      recordCalls(FULL_CLUSTER),
      recordCalls(CLUSTER_WITHOUT_CRDS),
      recordCalls(FULL_CLUSTER, 'vpc-0c1d2e3f4a5b6c7d8'),
    ]);
    const kubernetes = runs.flatMap((r) => r.kubernetes);
    const aws = runs.flatMap((r) => r.aws);
    expect(kubernetes.filter((call) => !allowedByClusterRole(call))).toEqual([]);
    expect(aws.filter((call) => !allowedByIamPolicy(call))).toEqual([]);

    // And nothing more: each rule and action granted is one the live source uses.
    const used = new Set(kubernetes.map((c) => `${c.verb} ${c.apiGroup}/${c.resource}`));
    const granted = clusterRoleRules().flatMap((rule) =>
      rule.verbs.flatMap((verb) =>
        rule.apiGroups.flatMap((group) => rule.resources.map((resource) => `${verb} ${group}/${resource}`)),
      ),
    );
    expect(new Set(granted)).toEqual(used);
    expect(new Set(iamPolicyActions())).toEqual(new Set(aws.map((c) => c.action)));
  });

  it('grants list only, on exactly the resources the live source reads', () => {
    const rules = clusterRoleRules();
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['list']));
    const granted = rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((resource) => `${g}/${resource}`)));
    expect(granted.sort()).toEqual(LIVE_RESOURCES.map((r) => `${r.group}/${r.name}`).sort());
  });

  it('grants read-only AWS actions', () => {
    expect([...iamPolicyActions()].sort()).toEqual([
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'servicequotas:ListServiceQuotas',
    ]);
  });
});
