import type { Command } from 'commander';
import type { CatalogIndex } from '../core/catalog.js';
import { parseDuration } from '../core/duration.js';
import { diagnose } from '../doctor/diagnose.js';
import { UsageError } from '../input/input-error.js';
import { parseHost, parsePort, type ServeIo } from './serve-command.js';
import { untilStopped } from './until-stopped.js';

/** `podcap exporter` options as commander hands them over. */
export interface ExporterCommandOptions {
  readonly live?: boolean;
  readonly port?: string;
  readonly host?: string;
  readonly interval?: string;
  readonly context?: string;
  readonly region?: string;
  readonly vpc?: string;
}

export interface ExporterHooks {
  readonly signal?: AbortSignal;
  readonly onListening?: (url: string) => void;
}

/** A refresh reads the whole cluster: more often than every 10 s would load the API server for nothing. */
const MIN_INTERVAL_MS = 10_000;

function parseInterval(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const duration = parseDuration(text);
  if (!duration.ok) throw new UsageError(`--interval: expected ${duration.expected}, got "${text}"`);
  if (duration.value < MIN_INTERVAL_MS) throw new UsageError(`--interval: expected 10s or more, got "${text}"`);
  return duration.value;
}

/** Serves the cluster's metrics until the signal aborts, SIGINT or SIGTERM. */
export async function runExporterCommand(
  options: ExporterCommandOptions,
  io: ServeIo,
  loadCatalog: () => CatalogIndex,
  hooks: ExporterHooks = {},
): Promise<void> {
  if (!options.live) {
    throw new UsageError(
      '--live: the exporter reads the cluster itself; run it with --live (kubeconfig and AWS credentials)',
    );
  }
  const exporter = await import('../live/exporter.js');
  const port = options.port === undefined ? exporter.DEFAULT_EXPORTER_PORT : parsePort(options.port);
  const host = options.host === undefined ? exporter.DEFAULT_EXPORTER_HOST : parseHost(options.host);
  const intervalMs = parseInterval(options.interval, exporter.DEFAULT_REFRESH_INTERVAL_MS);
  const catalog = loadCatalog();
  const refresh = exporter.liveRefresh(
    {
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.vpc === undefined ? {} : { vpcId: options.vpc }),
    },
    (state) => diagnose(state, catalog),
  );
  let running: Awaited<ReturnType<typeof exporter.startExporter>>;
  try {
    running = await exporter.startExporter({ refresh, port, host, intervalMs, log: io.stderr });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: already in use on ${host}; pick another`);
    if (code === 'EACCES') throw new UsageError(`--port ${port}: not allowed for this user; pick one above 1023`);
    throw error;
  }
  const stopped = untilStopped(() => running.close(), hooks.signal);
  io.stdout(`podcap: metrics at ${running.url}, refreshed every ${options.interval ?? '1m'} (Ctrl-C to stop)\n`);
  hooks.onListening?.(running.url);
  await stopped;
}

/** Adds `podcap exporter` to a commander program. */
export function registerExporterCommand(
  program: Command,
  io: ServeIo,
  loadCatalog: () => CatalogIndex,
  hooks: ExporterHooks = {},
): Command {
  return program
    .command('exporter')
    .description(
      'Prometheus metrics of a live cluster: free and used addresses and the forecast per subnet, pod IPs per node, findings by code',
    )
    .option('--live', 'read the cluster itself (kubeconfig and AWS credentials; list and describe calls only)')
    .option('--port <n>', 'port to listen on; 0 picks a free one (default 9464)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--interval <d>', 'how often to re-read the cluster, Go-style, 10s or more (default 1m)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--region <region>', 'AWS region (default: the nodes’ region)')
    .option('--vpc <id>', 'VPC whose subnets are read (default: the VPC of the nodes)')
    .addHelpText(
      'after',
      `
Metrics at http://127.0.0.1:9464/metrics; docs/prometheus-alerts.yaml has alert rules for them.

Examples:
  podcap exporter --live
  podcap exporter --live --context prod --port 9464 --interval 2m`,
    )
    .action((options: ExporterCommandOptions) => runExporterCommand(options, io, loadCatalog, hooks));
}
