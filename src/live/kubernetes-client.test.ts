/**
 * The real @kubernetes/client-node against a loopback API server that answers with the recorded
 * responses (live-source.test.ts covers the rest in process).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AWS_EC2_ROUTES,
  AWS_QUOTA_ROUTES,
  CLUSTER_WITHOUT_CRDS,
  type FakeKubernetesServer,
  FULL_CLUSTER,
  fakeEc2Client,
  fakeServiceQuotasClient,
  fixtureJson,
  type KubernetesRoute,
  startKubernetesServer,
} from '../../test/fixtures/live/fake-apis.js';
import { allowedByClusterRole } from '../../test/fixtures/live/permission-check.js';
import { UsageError } from '../input/input-error.js';
import { LIVE_RESOURCES } from './live-resources.js';
import { LiveReadError, readLiveCluster } from './live-source.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.test-token';

async function kubeConfigFor(server: FakeKubernetesServer) {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // http:// is refused unless TLS verification is declared off: there is no TLS on a loopback test server.
    clusters: [{ name: 'fixtures', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'podcap', token: TOKEN }],
    contexts: [{ name: 'fixtures', cluster: 'fixtures', user: 'podcap' }],
    currentContext: 'fixtures',
  });
  return kubeConfig;
}

describe('the client-node lister against a loopback API server', () => {
  let server: FakeKubernetesServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    vi.unstubAllEnvs();
  });

  async function readThrough(routes: Readonly<Record<string, KubernetesRoute>>) {
    server = await startKubernetesServer(routes);
    const kubeConfig = await kubeConfigFor(server);
    return readLiveCluster({
      clients: {
        kubeConfig,
        ec2: fakeEc2Client(AWS_EC2_ROUTES).client,
        serviceQuotas: fakeServiceQuotasClient(AWS_QUOTA_ROUTES).client,
      },
    });
  }

  it('reads the recorded cluster with list calls only, paging pods with limit and continue', async () => {
    const state = await readThrough(FULL_CLUSTER);
    expect(state.nodes).toHaveLength(3);
    expect(state.pods).toHaveLength(7);
    expect(state.workloads).toHaveLength(6);
    expect(state.nodeClaims).toHaveLength(2);
    const m5 = state.nodes.find((n) => n.instanceType === 'm5.large');
    expect(m5?.allocatable).toMatchObject({ cpuMillis: 1930, memoryBytes: 7_244_204 * 1024, pods: 29 });
    expect(m5?.createdAt).toBe('2025-06-02T08:14:31Z');
    expect(state.vpcCni?.env).toMatchObject({ ENABLE_POD_ENI: 'true', WARM_ENI_TARGET: '1' });
    expect(state.karpenter?.version).toBe('1.5.1');
    expect(state.read[0]).toBe(`live: Kubernetes context fixtures (${server?.url}), AWS us-west-2`);

    const calls = server?.calls ?? [];
    expect(calls.filter((c) => !allowedByClusterRole(c))).toEqual([]);
    expect(calls.filter((c) => c.resource === 'pods').map((c) => [c.verb, c.limit, c.continueToken])).toEqual([
      ['list', '500', null],
      ['list', '500', expect.stringMatching(/^eyJ2Ijoi/)],
    ]);
    expect(new Set(server?.authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
  });

  it('hands the builder each item as kubectl prints it: the recorded JSON with apiVersion and kind', async () => {
    server = await startKubernetesServer(FULL_CLUSTER);
    const { kubeConfigLister } = await import('./kubernetes-client.js');
    const lister = kubeConfigLister(await kubeConfigFor(server));
    for (const resource of LIVE_RESOURCES) {
      const route = FULL_CLUSTER[Object.keys(FULL_CLUSTER).find((p) => p.endsWith(`/${resource.name}`)) ?? ''];
      const files = Array.isArray(route) ? (route as readonly string[]) : [];
      let continueToken: string | undefined;
      for (const file of files) {
        const recorded = fixtureJson(file) as { apiVersion: string; items: Record<string, unknown>[] };
        const page = await lister.list({ resource, limit: 500, continueToken });
        const apiVersion = recorded.apiVersion;
        const expected = recorded.items.map((item) => ({ ...item, apiVersion, kind: resource.kind }));
        expect(page.items, `${resource.name} in ${file}`).toEqual(expected);
        continueToken = page.continueToken;
      }
      expect(continueToken, resource.name).toBeUndefined();
    }
  });

  it("skips Karpenter's and the VPC resource controller's resources when the API server has no such CRD", async () => {
    const state = await readThrough(CLUSTER_WITHOUT_CRDS);
    expect(state.nodePools).toEqual([]);
    expect(state.nodeClasses).toEqual([]);
    expect(state.read).toContain('live: karpenter.sh/v1 nodepools, nodeclaims not served (no such CRD): skipped');
  });

  it("fails on RBAC's 403 with the API server's message", async () => {
    const failure = readThrough({
      ...FULL_CLUSTER,
      '/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies': { status: 403, file: 'kubernetes/forbidden.json' },
    });
    await expect(failure).rejects.toBeInstanceOf(LiveReadError);
    await expect(failure).rejects.toThrow(
      'live:securitygrouppolicies: list securitygrouppolicies.vpcresources.k8s.aws: HTTP 403: securitygrouppolicies.vpcresources.k8s.aws is forbidden: User "system:serviceaccount:monitoring:podcap" cannot list resource',
    );
  });

  it('loads the kubeconfig kubectl would, at --context, and refuses a context it does not have', async () => {
    server = await startKubernetesServer(FULL_CLUSTER);
    const folder = mkdtempSync(join(tmpdir(), 'podcap-kubeconfig-'));
    const file = join(folder, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '  - name: prod',
        '    cluster: { server: "https://prod.invalid", insecure-skip-tls-verify: true }',
        '  - name: fixtures',
        `    cluster: { server: "${server.url}", insecure-skip-tls-verify: true }`,
        'users:',
        `  - name: podcap`,
        `    user: { token: "${TOKEN}" }`,
        'contexts:',
        '  - name: prod',
        '    context: { cluster: prod, user: podcap }',
        '  - name: fixtures',
        '    context: { cluster: fixtures, user: podcap }',
        'current-context: prod',
        '',
      ].join('\n'),
    );
    vi.stubEnv('KUBECONFIG', file);
    const { kubeConfigLister, loadKubeConfig } = await import('./kubernetes-client.js');
    expect(kubeConfigLister(loadKubeConfig('fixtures')).target).toBe(`context fixtures (${server.url})`);
    expect(kubeConfigLister(loadKubeConfig(undefined)).target).toBe('context prod (https://prod.invalid)');
    expect(() => loadKubeConfig('staging')).toThrow(UsageError);
    expect(() => loadKubeConfig('staging')).toThrow(
      '--context "staging": no such context; the kubeconfig has prod, fixtures',
    );

    const state = await readLiveCluster({
      context: 'fixtures',
      clients: {
        ec2: fakeEc2Client(AWS_EC2_ROUTES).client,
        serviceQuotas: fakeServiceQuotasClient(AWS_QUOTA_ROUTES).client,
      },
    });
    expect(state.nodes).toHaveLength(3);
  });
});
