/**
 * The HTTP edge of `podcap serve`: node:http, the built single-page app and the JSON API of api.ts.
 *
 * What a request can reach is fixed at start: the files under dist/web/app/ (read into memory, keyed by
 * URL path) and the bundled examples (by folder name). No path from a request is ever joined to a
 * folder or read, so there is nothing to traverse. Bound to 127.0.0.1 by default; the Host header must
 * name a local host (a DNS-rebinding guard) unless the user chose the host.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogIndex } from '../core/catalog.js';
import { type ApiContext, handleApi } from './api.js';

/** Largest request body read; a pasted scenario of real manifests is far below it. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7420;

/** Host header names that mean this machine. */
const LOCAL_HOST_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** uPlot sizes and places its parts with inline styles; everything else comes from this origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The folder holding package.json, found upwards from this module: works from src/ and from dist/. */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let folder = dirname(from);
  for (;;) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`podcap: no package.json above ${from}`);
    folder = parent;
  }
}

function filesUnder(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** URL path to file contents, for every file of the built app; `/` is index.html. */
export function loadAssets(folder: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(folder)) {
    const urlPath = `/${relative(folder, file).split(sep).map(encodeURIComponent).join('/')}`;
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    assets.set(urlPath, { body: readFileSync(file), contentType });
  }
  const index = assets.get('/index.html');
  if (index !== undefined) assets.set('/', index);
  return assets;
}

/** Bundled examples: folders under examples/ with a scenario.yaml, by name. */
export function findExamples(folder: string): Map<string, string> {
  const examples = new Map<string, string>();
  if (!existsSync(folder)) return examples;
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(folder, entry.name, 'scenario.yaml');
    if (entry.isDirectory() && !entry.name.startsWith('.') && existsSync(file) && statSync(file).isFile()) {
      examples.set(entry.name, file);
    }
  }
  return examples;
}

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** The user chose the host (`--host`): then any Host header is accepted, e.g. a LAN name. */
  readonly hostExplicit: boolean;
  readonly catalog: CatalogIndex;
  readonly podcapVersion: string;
  /** The built app; default dist/web/app under the package root. */
  readonly assetsFolder?: string;
  /** Default examples/ under the package root. */
  readonly examplesFolder?: string;
}

export interface RunningServer {
  /** `http://127.0.0.1:7420/`: the address actually bound (the real port for port 0). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly close: () => Promise<void>;
}

/** Why the server could not start, for the CLI to word; `code` is node's (EADDRINUSE, EADDRNOTAVAIL). */
export class ServeError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ServeError';
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The host name of a Host header: `[::1]:7420` → `[::1]`, `localhost:7420` → `localhost`. */
function hostName(header: string): string {
  const bracket = /^(\[[^\]]*\])(?::\d+)?$/.exec(header);
  if (bracket?.[1] !== undefined) return bracket[1].toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headOnly: boolean,
  extra: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...extra,
  });
  response.end(headOnly ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, json: unknown, headOnly: boolean): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(json), headOnly, {
    'Cache-Control': 'no-store',
  });
}

function sendError(response: ServerResponse, status: number, message: string, headOnly = false): void {
  sendJson(response, status, { error: { message } }, headOnly);
}

/**
 * The body as text, or 'too-large' beyond MAX_BODY_BYTES. The rest of an oversized body is read and
 * dropped, so the client gets the 413 rather than a reset connection.
 */
function readBody(request: IncomingMessage): Promise<string | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts serving; resolves once listening. Throws ServeError when the address cannot be bound. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const root = findPackageRoot();
  const assetsFolder = options.assetsFolder ?? join(root, 'dist', 'web', 'app');
  if (!existsSync(join(assetsFolder, 'index.html'))) {
    throw new ServeError(
      `the web UI is not built (no ${join(assetsFolder, 'index.html')}): run npm run build first`,
      'NOT_BUILT',
    );
  }
  const assets = loadAssets(assetsFolder);
  const exampleFiles = findExamples(options.examplesFolder ?? join(root, 'examples'));
  const context: ApiContext = {
    catalog: options.catalog,
    examples: [...exampleFiles.keys()],
    readExample: (name) => {
      const file = exampleFiles.get(name);
      if (file === undefined) throw new Error(`podcap serve: no example ${name}`);
      return readFileSync(file, 'utf8');
    },
    podcapVersion: options.podcapVersion,
  };
  const allowedHosts = new Set([...LOCAL_HOST_NAMES, urlHost(options.host).toLowerCase()]);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const headOnly = method === 'HEAD';
    if (!options.hostExplicit && !allowedHosts.has(hostName(request.headers.host ?? ''))) {
      // Another name resolving to this address (DNS rebinding) must not reach the API.
      sendError(response, 403, 'forbidden: the Host header does not name this machine', headOnly);
      request.resume();
      return;
    }
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));

    if (path.startsWith('/api/')) {
      let body = '';
      if (method === 'POST') {
        const type = request.headers['content-type'] ?? '';
        if (!/^application\/json\s*(;|$)/i.test(type)) {
          // A cross-site form cannot send application/json without a CORS preflight, which is never answered.
          request.resume();
          sendError(response, 415, 'expected Content-Type: application/json');
          return;
        }
        const read = await readBody(request);
        if (read === 'too-large') {
          sendError(response, 413, `request body over ${MAX_BODY_BYTES} bytes`);
          return;
        }
        body = read;
      } else {
        request.resume();
      }
      const answer = handleApi({ method, path, query, body }, context);
      sendJson(response, answer.status, answer.json, headOnly);
      return;
    }

    request.resume();
    const asset = assets.get(path);
    if (asset === undefined) {
      send(response, 404, 'text/plain; charset=utf-8', 'not found\n', headOnly);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n', headOnly, { Allow: 'GET, HEAD' });
      return;
    }
    // Vite puts a content hash in every asset's name; index.html must be fetched anew.
    const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    send(response, 200, asset.contentType, asset.body, headOnly, { 'Cache-Control': cache });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(response, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(new ServeError(error.message, error.code ?? 'LISTEN_FAILED'));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });

  const address = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(options.host)}:${address.port}/`,
    host: options.host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
