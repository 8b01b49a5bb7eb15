/**
 * The edge of `podcap exporter --live`: a node:http server answering `/metrics` (404 elsewhere) with the
 * metrics of metrics.ts, refreshed every interval by reading the cluster and analysing it. The first
 * refresh runs before the server listens; a failed refresh is counted and logged on one line, never fatal.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterState } from '../cluster/cluster-state.js';
import type { DoctorResult } from '../doctor/doctor-result.js';
import type { KubernetesLister } from './kubernetes-lister.js';
import { createKubernetesLister, type LiveClusterOptions, readLiveCluster } from './live-source.js';
import { createMetrics, type PodcapMetrics, recordRefresh, updateMetrics } from './metrics.js';

/** The port OpenTelemetry's Prometheus exporter uses by default, free of podcap serve's 7420. */
export const DEFAULT_EXPORTER_PORT = 9464;
export const DEFAULT_EXPORTER_HOST = '127.0.0.1';
export const DEFAULT_REFRESH_INTERVAL_MS = 60_000;

/** Reads the cluster and analyses it; rejects when it cannot. */
export type RefreshCluster = () => Promise<DoctorResult>;

export interface ExporterOptions {
  readonly refresh: RefreshCluster;
  /** Default 9464; 0 picks a free port. */
  readonly port?: number | undefined;
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Time between the end of one refresh and the start of the next; default 60 s. */
  readonly intervalMs?: number | undefined;
  /** One line per failed refresh; default stderr. */
  readonly log?: ((line: string) => void) | undefined;
  /** Milliseconds since the epoch; default Date.now. */
  readonly now?: (() => number) | undefined;
}

export interface RunningExporter {
  /** `http://127.0.0.1:9464/metrics`: the address bound (the real port for port 0). */
  readonly url: string;
  readonly metrics: PodcapMetrics;
  /** Refreshes now (or joins the refresh under way); resolves to whether it succeeded. */
  refresh(): Promise<boolean>;
  /** Stops the refresh loop and the server. */
  close(): Promise<void>;
}

/**
 * The refresh of `podcap exporter --live`: a live read of the cluster, then the doctor's analysis (the CLI
 * passes `(state) => diagnose(state, catalog)`). The Kubernetes lister is made on the first refresh and
 * kept, with its credentials; a refresh that fails to make it tries again the next time.
 */
export function liveRefresh(live: LiveClusterOptions, analyze: (state: ClusterState) => DoctorResult): RefreshCluster {
  let made: Promise<KubernetesLister> | undefined;
  const lister = async (): Promise<KubernetesLister> => {
    const injected = live.clients?.kubernetes;
    if (injected !== undefined) return injected;
    made ??= createKubernetesLister(live).catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
  return async () => {
    const kubernetes = await lister();
    return analyze(await readLiveCluster({ ...live, clients: { ...live.clients, kubernetes } }));
  };
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

function urlOf(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/metrics`;
}

/**
 * Refreshes once, then serves the metrics on host:port and refreshes every interval until closed.
 * Rejects when the server cannot listen (the error's `code`: EADDRINUSE, EACCES…).
 */
export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const metrics = createMetrics();
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const intervalMs = options.intervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
  let inFlight: Promise<boolean> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const refreshOnce = (): Promise<boolean> => {
    inFlight ??= (async () => {
      const startedAtMs = now();
      try {
        const result = await options.refresh();
        updateMetrics(metrics, result);
        const finishedAtMs = now();
        recordRefresh(metrics, { finishedAtMs, durationMs: finishedAtMs - startedAtMs, ok: true });
        return true;
      } catch (error) {
        const finishedAtMs = now();
        recordRefresh(metrics, { finishedAtMs, durationMs: finishedAtMs - startedAtMs, ok: false });
        log(`podcap exporter: refresh failed: ${oneLine(error)}`);
        return false;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      void refreshOnce().then(schedule);
    }, intervalMs);
    // The server keeps the process alive; the timer alone must not.
    timer.unref();
  };

  await refreshOnce();

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://exporter').pathname;
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found: podcap exporter serves /metrics only\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('Method not allowed\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`${oneLine(error)}\n`);
      },
    );
  });

  const host = options.host ?? DEFAULT_EXPORTER_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_EXPORTER_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  schedule();
  const { port } = server.address() as AddressInfo;

  return {
    url: urlOf(host, port),
    metrics,
    refresh: refreshOnce,
    close: async () => {
      closed = true;
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
