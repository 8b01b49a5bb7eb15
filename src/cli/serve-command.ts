import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { CatalogIndex } from '../core/catalog.js';
import { UsageError } from '../input/input-error.js';
import { DEFAULT_HOST, DEFAULT_PORT, type RunningServer, ServeError, startServer } from '../serve/server.js';
import { quote } from './flag-values.js';
import { packageVersion } from './package-version.js';
import { untilStopped } from './until-stopped.js';

/** `podcap serve` options as commander hands them over. */
export interface ServeCommandOptions {
  readonly port?: string;
  readonly host?: string;
}

/** Where the command writes: main's Io fits. */
export interface ServeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** For tests and embedders: stop the server with `signal`, learn its address from `onListening`. */
export interface ServeHooks {
  readonly signal?: AbortSignal;
  readonly onListening?: (server: RunningServer) => void;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`--port ${quote(text)}: expected a port from 0 to 65535 (0 picks a free one)`);
  }
  return Number(text);
}

export function parseHost(text: string | undefined): string {
  if (text === undefined) return DEFAULT_HOST;
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(bare) === 0 && !HOST_NAME.test(bare)) {
    throw new UsageError(`--host ${quote(text)}: expected an address to listen on, such as 127.0.0.1 or 0.0.0.0`);
  }
  return bare;
}

/** Words a failed listen as the flag at fault. */
function listenError(error: ServeError, host: string, port: number): UsageError {
  switch (error.code) {
    case 'EADDRINUSE':
      return new UsageError(`--port ${port}: already in use on ${host}; pick another, or --port 0 for a free one`);
    case 'EACCES':
      return new UsageError(`--port ${port}: not allowed for this user; pick one above 1023, or --port 0`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UsageError(`--host ${quote(host)}: not an address of this machine (${error.code})`);
    default:
      return new UsageError(`podcap serve: ${error.message}`);
  }
}

/** Runs until the signal aborts, SIGINT or SIGTERM; resolves once the server has closed. */
export async function runServeCommand(
  options: ServeCommandOptions,
  io: ServeIo,
  loadCatalog: () => CatalogIndex,
  hooks: ServeHooks = {},
): Promise<void> {
  const port = parsePort(options.port);
  const host = parseHost(options.host);
  let server: RunningServer;
  try {
    server = await startServer({
      host,
      port,
      hostExplicit: options.host !== undefined,
      catalog: loadCatalog(),
      podcapVersion: packageVersion(),
    });
  } catch (error) {
    if (error instanceof ServeError) throw listenError(error, host, port);
    throw error;
  }
  // Ctrl-C is handled before the line that invites it is printed.
  const stopped = untilStopped(() => server.close(), hooks.signal);
  io.stdout(`podcap: serving ${server.url} (Ctrl-C to stop)\n`);
  hooks.onListening?.(server);
  await stopped;
}

/**
 * Adds `podcap serve` to a commander program: the local web UI (instance-type explorer, IP planner,
 * scenario runner) on http://127.0.0.1:7420/ until Ctrl-C.
 */
export function registerServeCommand(
  program: Command,
  io: ServeIo,
  loadCatalog: () => CatalogIndex,
  hooks: ServeHooks = {},
): Command {
  return program
    .command('serve')
    .description(
      'the local web UI: an instance-type explorer, the IP planner and a scenario runner with charts, on 127.0.0.1',
    )
    .option('--port <n>', `port to listen on; 0 picks a free one (default ${DEFAULT_PORT})`)
    .option('--host <address>', `address to listen on (default ${DEFAULT_HOST}); any Host header is then accepted`)
    .addHelpText(
      'after',
      `
Nothing is fetched from any other host; the page and its API are served from this package only.

Examples:
  podcap serve
  podcap serve --port 0
  podcap serve --port 8080 --host 127.0.0.1`,
    )
    .action((options: ServeCommandOptions) => runServeCommand(options, io, loadCatalog, hooks));
}
