import { describe, expect, it } from 'vitest';
import {
  AWS_EC2_ROUTES,
  AWS_QUOTA_ROUTES,
  type AwsRoute,
  CLUSTER_WITHOUT_CRDS,
  FULL_CLUSTER,
  fakeEc2Client,
  fakeServiceQuotasClient,
  fixtureLister,
  type KubernetesRoute,
} from '../../test/fixtures/live/fake-apis.js';
import { type LiveClusterOptions, LiveReadError, parseProviderId, readLiveCluster } from './live-source.js';

const KI = 1024;

function fakes(
  kubernetes: Readonly<Record<string, KubernetesRoute>> = FULL_CLUSTER,
  ec2Routes: Readonly<Record<string, AwsRoute>> = AWS_EC2_ROUTES,
  quotaRoutes: Readonly<Record<string, AwsRoute>> = AWS_QUOTA_ROUTES,
) {
  const lister = fixtureLister(kubernetes);
  const ec2 = fakeEc2Client(ec2Routes);
  const quotas = fakeServiceQuotasClient(quotaRoutes);
  const options: LiveClusterOptions = {
    clients: { kubernetes: lister, ec2: ec2.client, serviceQuotas: quotas.client },
  };
  return { lister, ec2, quotas, options };
}

describe('readLiveCluster on recorded responses', () => {
  it('reads the cluster of the fixtures into a ClusterState', async () => {
    const { options } = fakes();
    const state = await readLiveCluster(options);

    expect(state.nodes.map((n) => n.name)).toEqual([
      'ip-10-0-11-23.us-west-2.compute.internal',
      'ip-10-0-12-45.us-west-2.compute.internal',
      'ip-10-0-13-67.us-west-2.compute.internal',
    ]);
    expect(state.pods).toHaveLength(7);
    expect(state.events).toHaveLength(4);
    expect(state.workloads).toHaveLength(6);
    expect(state.nodePools.map((p) => p.name)).toEqual(['default']);
    expect(state.nodeClasses.map((c) => c.name)).toEqual(['default']);
    expect(state.nodeClaims.map((c) => c.name)).toEqual(['default-x7k2p', 'default-q9w4m']);
    expect(state.securityGroupPolicies).toHaveLength(1);
    expect(state.subnets).toHaveLength(5);
    expect(state.quotas).toHaveLength(6);

    const m8g = state.nodes.find((n) => n.instanceType === 'm8g.large');
    expect(m8g?.allocatable).toEqual({
      cpuMillis: 1930,
      memoryBytes: 7_257_988 * KI,
      pods: 29,
      extended: expect.objectContaining({ 'vpc.amazonaws.com/pod-eni': 9 }),
    });
    expect(m8g?.createdAt).toBe('2025-06-02T09:31:05Z');
    expect(m8g?.providerId).toBe('aws:///us-west-2c/i-0a1b2c3d4e5f60003');

    expect(state.vpcCni?.version).toBe('v1.19.2-eksbuild.1');
    expect(state.vpcCni?.env).toMatchObject({ ENABLE_POD_ENI: 'true', WARM_ENI_TARGET: '1' });
    expect(state.vpcCni?.env).not.toHaveProperty('MY_NODE_NAME');
    expect(state.karpenter?.version).toBe('1.5.1');
    expect(state.karpenter?.env).toMatchObject({ RESERVED_ENIS: '0', CLUSTER_NAME: 'shop-prod' });

    const dry = state.subnets.find((s) => s.id === 'subnet-0a11b22c33d44e503');
    expect(dry).toMatchObject({ cidr: '10.0.13.0/24', zone: 'us-west-2c', availableAddresses: 0 });
    expect(state.quotas?.find((q) => q.code === 'L-1216C47A')?.value).toBe(640);

    const stuck = state.pods.find((p) => p.name === 'checkout-5f7d8c9b4-9kq3r');
    expect(stuck).toMatchObject({ containerCreating: true, podIp: null, nodeName: m8g?.name });
    expect(state.read[0]).toBe('live: Kubernetes context fixtures (in process), AWS us-west-2');
    expect(state.read).toContain("live:ec2:DescribeInstances: the nodes' instances are in vpc-0c1d2e3f4a5b6c7d8");
  });

  it('pages through pods 500 at a time, following metadata.continue', async () => {
    const { lister, options } = fakes();
    await readLiveCluster(options);
    const pods = lister.calls.filter((c) => c.resource === 'pods');
    expect(pods.map((c) => [c.limit, c.continueToken])).toEqual([
      ['500', null],
      ['500', expect.stringMatching(/^eyJ2Ijoi/)],
    ]);
    expect(lister.calls.every((c) => c.verb === 'list')).toBe(true);
  });

  it('asks for the page size it is given', async () => {
    const { lister, options } = fakes();
    await readLiveCluster({ ...options, pageSize: 50 });
    expect(new Set(lister.calls.map((c) => c.limit))).toEqual(new Set(['50']));
  });

  it('finds the VPC from the nodes instances and reads all its subnets, both pages', async () => {
    const { ec2, options } = fakes();
    await readLiveCluster(options);
    expect(ec2.calls.map((c) => c.action)).toEqual([
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'ec2:DescribeSubnets',
    ]);
    const [instances, firstPage, secondPage] = ec2.calls;
    expect(instances?.params).toMatchObject({
      'Filter.1.Name': 'instance-id',
      'Filter.1.Value.1': 'i-0a1b2c3d4e5f60001',
      'Filter.1.Value.3': 'i-0a1b2c3d4e5f60003',
    });
    expect(firstPage?.params).toMatchObject({ 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-0c1d2e3f4a5b6c7d8' });
    expect(firstPage?.params).not.toHaveProperty('NextToken');
    expect(secondPage?.params.NextToken).toBe('eyJ2IjoiMiIsImMiOiJzdWJuZXQtMGExMWIyMmMzM2Q0NGU1MDMifQ==');
  });

  it('takes --vpc as given and asks EC2 for no instance', async () => {
    const { ec2, options } = fakes();
    await readLiveCluster({ ...options, vpcId: 'vpc-0123456789abcdef0' });
    expect(ec2.calls.map((c) => c.action)).toEqual(['ec2:DescribeSubnets', 'ec2:DescribeSubnets']);
    expect(ec2.calls[0]?.params['Filter.1.Value.1']).toBe('vpc-0123456789abcdef0');
  });

  it('lists EC2 quotas, both pages', async () => {
    const { quotas, options } = fakes();
    await readLiveCluster(options);
    expect(quotas.calls.map((c) => [c.action, c.params.ServiceCode, c.params.NextToken])).toEqual([
      ['servicequotas:ListServiceQuotas', 'ec2', undefined],
      ['servicequotas:ListServiceQuotas', 'ec2', 'AAMA-EFRSURBSGhqeE5XTjRnRm5hVHlDMVVoeDV3PT0'],
    ]);
  });

  it("skips Karpenter's and the VPC resource controller's resources quietly when their CRDs are absent", async () => {
    const { options } = fakes(CLUSTER_WITHOUT_CRDS);
    const state = await readLiveCluster(options);
    expect(state.nodePools).toEqual([]);
    expect(state.nodeClaims).toEqual([]);
    expect(state.securityGroupPolicies).toEqual([]);
    expect(state.nodes).toHaveLength(3);
    expect(state.read).toContain('live: karpenter.sh/v1 nodepools, nodeclaims not served (no such CRD): skipped');
    expect(state.read).toContain('live: karpenter.k8s.aws/v1 ec2nodeclasses not served (no such CRD): skipped');
    expect(state.read).toContain(
      'live: vpcresources.k8s.aws/v1beta1 securitygrouppolicies not served (no such CRD): skipped',
    );
    expect(state.read.filter((line) => line.startsWith('live:nodepools'))).toEqual([]);
  });

  it('fails on a list RBAC forbids, naming the resource', async () => {
    const { options } = fakes({
      ...FULL_CLUSTER,
      '/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies': { status: 403, file: 'kubernetes/forbidden.json' },
    });
    const failure = readLiveCluster(options);
    await expect(failure).rejects.toBeInstanceOf(LiveReadError);
    await expect(failure).rejects.toMatchObject({
      code: 'LIVE_READ_FAILED',
      call: 'live:securitygrouppolicies',
      message: expect.stringContaining('list securitygrouppolicies.vpcresources.k8s.aws: HTTP 403: '),
    });
  });

  it('fails when a core resource is not served', async () => {
    const { '/api/v1/events': _events, ...withoutEvents } = FULL_CLUSTER;
    const { options } = fakes(withoutEvents);
    await expect(readLiveCluster(options)).rejects.toMatchObject({ call: 'live:events' });
  });

  it('skips subnets with a note when EC2 denies DescribeInstances, and quotas when Service Quotas denies', async () => {
    const { options } = fakes(
      FULL_CLUSTER,
      { 'ec2:DescribeInstances': { status: 403, file: 'aws/ec2-unauthorized.xml' } },
      { 'servicequotas:ListServiceQuotas': { status: 400, file: 'aws/service-quotas-access-denied.json' } },
    );
    const state = await readLiveCluster(options);
    expect(state.subnets).toEqual([]);
    expect(state.quotas).toBeNull();
    expect(state.nodes).toHaveLength(3);
    expect(state.read).toContain(
      'live:ec2:DescribeInstances: access denied: the VPC is unknown, subnets not read (or pass --vpc)',
    );
    expect(state.read).toContain('live:servicequotas:ListServiceQuotas: access denied: quota headroom not reported');
  });

  it('skips subnets with a note when no node names an instance', async () => {
    const { options, ec2 } = fakes({
      ...FULL_CLUSTER,
      '/api/v1/nodes': { status: 200, file: 'kubernetes/empty-list.json' },
    });
    const state = await readLiveCluster(options);
    expect(state.nodes).toEqual([]);
    expect(state.read).toContain('live:nodes: nothing podcap reads');
    expect(ec2.calls).toEqual([]);
    expect(state.read).toContain(
      'live:ec2:DescribeInstances: no node names an EC2 instance of this region: subnets not read (pass --vpc)',
    );
  });
});

describe('parseProviderId', () => {
  it.each([
    ['aws:///us-west-2a/i-0123456789abcdef0', { instanceId: 'i-0123456789abcdef0', region: 'us-west-2' }],
    ['aws:///us-west-2-lax-1a/i-0abc', { instanceId: 'i-0abc', region: 'us-west-2' }],
    ['aws:///us-gov-west-1b/i-0abc', { instanceId: 'i-0abc', region: 'us-gov-west-1' }],
    ['aws:///ap-southeast-4c/i-0abc', { instanceId: 'i-0abc', region: 'ap-southeast-4' }],
    ['aws:///us-west-2a/fargate-ip-10-0-1-2.us-west-2.compute.internal', null],
    ['kind://docker/kind/kind-control-plane', null],
  ])('%s', (providerId, expected) => {
    expect(parseProviderId(providerId)).toEqual(expected);
  });
});
