import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledCatalog } from '../test-support/fixtures.js';
import { CONTENT_SECURITY_POLICY, findPackageRoot, MAX_BODY_BYTES, type RunningServer, startServer } from './server.js';

// These tests serve the built app (dist/web/app): `npm run build` first.

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A request exactly as written: fetch would tidy the path and refuses to set Host. */
function raw(
  server: RunningServer,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
  body?: Buffer | string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: server.host, port: server.port, method, path, headers, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('podcap serve over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      hostExplicit: false,
      catalog: bundledCatalog(),
      podcapVersion: 'test',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('binds 127.0.0.1 on the port the system picked', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('serves index.html at / with the security headers', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('data-testid="tab-explorer"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the built script the page names', async () => {
    const html = await (await fetch(new URL('index.html', server.url))).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const response = await fetch(new URL(script ?? '', server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await response.text()).length).toBeGreaterThan(1000);
  });

  it('answers the API', async () => {
    const catalog = await fetch(new URL('api/catalog?launchedBy=node-group', server.url));
    expect(catalog.status).toBe(200);
    expect(catalog.headers.get('cache-control')).toBe('no-store');
    const body = (await catalog.json()) as { rows: { type: string; maxPods: number | null }[] };
    expect(body.rows.find((r) => r.type === 'm5.large')?.maxPods).toBe(29);

    const examples = (await (await fetch(new URL('api/examples', server.url))).json()) as {
      examples: { name: string }[];
    };
    expect(examples.examples.map((e) => e.name)).toContain('karpenter-pod-eni-allocatable-loop');

    const ips = await fetch(new URL('api/ips', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ instanceType: 'm5.large', podsPerNode: 20, nodes: 50, subnets: ['10.0.0.0/22'] }),
    });
    expect(ips.status).toBe(200);
    expect(await ips.json()).toMatchObject({ perNode: { enis: 3, podIps: 20 }, subnets: { usable: 1019 } });

    const bad = await fetch(new URL('api/catalog?ami=windows', server.url));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { message: 'query ami: expected one of al2, al2023, bottlerocket, custom', field: 'ami' },
    });
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/assets/../../package.json',
    '/..%2f..%2fpackage.json',
    '//etc/passwd',
    '/package.json',
    '/src/serve/server.ts',
    '/examples/node-group-outgrows-max-pods/scenario.yaml',
    '/index.html/',
    '/nothing',
  ])('answers 404 for %s', async (path) => {
    const response = await raw(server, 'GET', path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('"name": "podcap"');
  });

  it.each(['evil.example', 'evil.example:80', '127.0.0.1.nip.io:7420', 'localhost.evil.example'])(
    'refuses a Host header naming another machine (%j): DNS rebinding',
    async (host) => {
      const response = await raw(server, 'GET', '/api/examples', { Host: host });
      expect(response.status).toBe(403);
    },
  );

  it('refuses a request without a Host header', async () => {
    const response = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        { host: server.host, port: server.port, path: '/', setHost: false, agent: false },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect([400, 403]).toContain(response);
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])('accepts Host %s', async (name) => {
    const response = await raw(server, 'GET', '/', { Host: `${name}:${server.port}` });
    expect(response.status).toBe(200);
  });

  it('answers 413 for a body over the cap', async () => {
    const body = JSON.stringify({ yaml: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await fetch(new URL('api/simulate', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
  });

  it('answers 415 for a POST that is not JSON (a cross-site form cannot send JSON)', async () => {
    const response = await fetch(new URL('api/simulate', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{"yaml": ""}',
    });
    expect(response.status).toBe(415);
  });

  it('answers 405 for a POST to a page', async () => {
    const response = await raw(server, 'POST', '/index.html');
    expect(response.status).toBe(405);
  });

  it('finds the package root from src/ as from dist/', () => {
    const root = findPackageRoot();
    expect(findPackageRoot(`${root}/dist/serve/server.js`)).toBe(root);
  });
});

describe('podcap serve on a chosen host', () => {
  it('accepts any Host header when --host was given', async () => {
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      hostExplicit: true,
      catalog: bundledCatalog(),
      podcapVersion: 'test',
    });
    try {
      const response = await raw(server, 'GET', '/', { Host: 'my-laptop.lan:7420' });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
