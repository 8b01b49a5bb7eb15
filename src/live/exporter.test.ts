import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCTOR_RESULT } from '../../test/fixtures/live/doctor-result.js';
import {
  AWS_EC2_ROUTES,
  AWS_QUOTA_ROUTES,
  FULL_CLUSTER,
  fakeEc2Client,
  fakeServiceQuotasClient,
  fixtureLister,
} from '../../test/fixtures/live/fake-apis.js';
import { diagnose } from '../doctor/diagnose.js';
import type { DoctorResult } from '../doctor/doctor-result.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { liveRefresh, type RunningExporter, startExporter } from './exporter.js';

const running: RunningExporter[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((exporter) => exporter.close()));
});

/** A refresh that answers from a script: a result, or an error to throw. */
function scriptedRefresh(script: readonly (DoctorResult | Error)[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    refresh: async (): Promise<DoctorResult> => {
      const step = script[Math.min(calls, script.length - 1)];
      calls += 1;
      if (step === undefined || step instanceof Error) throw step ?? new Error('empty script');
      return step;
    },
  };
}

async function start(options: Parameters<typeof startExporter>[0]): Promise<RunningExporter> {
  const exporter = await startExporter({ port: 0, intervalMs: 3_600_000, ...options });
  running.push(exporter);
  return exporter;
}

describe('startExporter', () => {
  it('refreshes once before it serves, then answers /metrics in the Prometheus text format', async () => {
    const fake = scriptedRefresh([DOCTOR_RESULT]);
    let clock = 1_748_856_000_000;
    const exporter = await start({
      refresh: fake.refresh,
      now: () => {
        clock += 500;
        return clock;
      },
    });
    expect(fake.calls).toBe(1);
    expect(exporter.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const response = await fetch(exporter.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = (await response.text()).split('\n');
    expect(lines).toContain(
      'podcap_subnet_free_addresses{subnet="subnet-0a11b22c33d44e503",zone="us-west-2c",cidr="10.0.13.0/24"} 0',
    );
    expect(lines).toContain('podcap_last_refresh_timestamp_seconds 1748856001');
    expect(lines).toContain('podcap_refresh_duration_seconds 0.5');
    expect(lines).toContain('podcap_refresh_errors_total 0');
  });

  it('answers 404 anywhere but /metrics, and 405 to anything but GET and HEAD', async () => {
    const exporter = await start({ refresh: scriptedRefresh([DOCTOR_RESULT]).refresh });
    const base = exporter.url.replace(/\/metrics$/, '');
    for (const path of ['/', '/metrics/', '/favicon.ico', '/api/metrics']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${exporter.url}?name[]=podcap_findings`)).status).toBe(200);
    expect((await fetch(exporter.url, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(exporter.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('counts a failed refresh, logs it on one line, and keeps the last good values', async () => {
    const fake = scriptedRefresh([DOCTOR_RESULT, new Error('live:pods: connect ECONNREFUSED\n  127.0.0.1:6443')]);
    const logged: string[] = [];
    const exporter = await start({ refresh: fake.refresh, log: (line) => logged.push(line) });
    expect(await exporter.refresh()).toBe(false);
    expect(await exporter.refresh()).toBe(false);
    expect(logged).toEqual([
      'podcap exporter: refresh failed: live:pods: connect ECONNREFUSED 127.0.0.1:6443',
      'podcap exporter: refresh failed: live:pods: connect ECONNREFUSED 127.0.0.1:6443',
    ]);
    const lines = (await (await fetch(exporter.url)).text()).split('\n');
    expect(lines).toContain('podcap_refresh_errors_total 2');
    expect(lines).toContain('podcap_findings{code="SUBNET_EXHAUSTED",severity="error"} 1');
  });

  it('serves even when the first refresh fails', async () => {
    const logged: string[] = [];
    const exporter = await start({
      refresh: scriptedRefresh([new Error('no kubeconfig')]).refresh,
      log: (line) => logged.push(line),
    });
    const lines = (await (await fetch(exporter.url)).text()).split('\n');
    expect(lines).toContain('podcap_refresh_errors_total 1');
    expect(lines.some((line) => line.startsWith('podcap_findings{'))).toBe(false);
    expect(logged).toEqual(['podcap exporter: refresh failed: no kubeconfig']);
  });

  it('refreshes again every interval', async () => {
    const fake = scriptedRefresh([DOCTOR_RESULT]);
    await start({ refresh: fake.refresh, intervalMs: 10 });
    const deadline = Date.now() + 5_000;
    while (fake.calls < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.calls).toBeGreaterThanOrEqual(4);
  });

  it('stops refreshing once closed', async () => {
    const fake = scriptedRefresh([DOCTOR_RESULT]);
    const exporter = await startExporter({ refresh: fake.refresh, port: 0, intervalMs: 10 });
    await exporter.close();
    const calls = fake.calls;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fake.calls).toBe(calls);
    await expect(fetch(exporter.url)).rejects.toThrow();
  });

  it('rejects when the port is taken, with the listen error code', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startExporter({ refresh: scriptedRefresh([DOCTOR_RESULT]).refresh, port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('serves the recorded cluster read live and diagnosed', async () => {
    const catalog = bundledCatalog();
    const refresh = liveRefresh(
      {
        clients: {
          kubernetes: fixtureLister(FULL_CLUSTER),
          ec2: fakeEc2Client(AWS_EC2_ROUTES).client,
          serviceQuotas: fakeServiceQuotasClient(AWS_QUOTA_ROUTES).client,
        },
      },
      (state) => diagnose(state, catalog),
    );
    const exporter = await start({ refresh });
    const lines = (await (await fetch(exporter.url)).text()).split('\n');
    expect(lines).toContain(
      'podcap_subnet_free_addresses{subnet="subnet-0a11b22c33d44e503",zone="us-west-2c",cidr="10.0.13.0/24"} 0',
    );
    expect(lines).toContain(
      'podcap_node_pods_admitted{node="ip-10-0-13-67.us-west-2.compute.internal",instance_type="m8g.large"} 29',
    );
    expect(lines).toContain('podcap_findings{code="SUBNET_EXHAUSTED",severity="error"} 1');
    expect(lines).toContain('podcap_refresh_errors_total 0');
  });

  it('counts a live refresh that cannot reach Kubernetes (here: no fake lister, no kubeconfig it may use)', async () => {
    const logged: string[] = [];
    let analyses = 0;
    const refresh = liveRefresh(
      {
        context: 'podcap-test-context-that-does-not-exist',
        clients: {
          ec2: fakeEc2Client(AWS_EC2_ROUTES).client,
          serviceQuotas: fakeServiceQuotasClient(AWS_QUOTA_ROUTES).client,
        },
      },
      () => {
        analyses += 1;
        return DOCTOR_RESULT;
      },
    );
    const exporter = await start({ refresh, log: (line) => logged.push(line) });
    expect(await exporter.refresh()).toBe(false);
    expect(analyses).toBe(0);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(
      /^podcap exporter: refresh failed: (live: the Kubernetes client|--context |--live: no kubeconfig found)/,
    );
    expect((await (await fetch(exporter.url)).text()).split('\n')).toContain('podcap_refresh_errors_total 2');
  });
});
