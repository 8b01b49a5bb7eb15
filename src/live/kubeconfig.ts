/**
 * The kubeconfig as kubectl finds it: the files of $KUBECONFIG (merged, the first to set a value wins),
 * else ~/.kube/config, else the pod's service account when podcap runs in a cluster. client-node's own
 * loadFromDefault does the same, but a missing or malformed file surfaces from it as a stack trace or a
 * YAML code frame, and no kubeconfig at all as a request to http://localhost:8080 that fails later.
 * Here each is one line naming the file, the field and what was expected (a UsageError: exit code 2).
 *
 * Not covered: the Windows lookups through WSL that client-node also tries.
 */

import { readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { UsageError } from '../input/input-error.js';

/** Where kubectl looks; injected so tests need neither a home folder nor a pod. */
export interface KubeConfigEnvironment {
  /** $KUBECONFIG: files separated by the platform's path delimiter. */
  readonly kubeconfig: string | undefined;
  /** The home folder holding .kube/config. */
  readonly home: string | undefined;
  /** The service account folder of a pod: token, ca.crt, namespace. */
  readonly serviceAccountFolder: string;
  /** $KUBERNETES_SERVICE_HOST and $KUBERNETES_SERVICE_PORT, set in every pod. */
  readonly serviceHost: string | undefined;
  readonly servicePort: string | undefined;
}

/** The kubelet mounts the service account token here (Kubernetes docs, "Accessing the API from a Pod"). */
export const SERVICE_ACCOUNT_FOLDER = '/var/run/secrets/kubernetes.io/serviceaccount';

export function processKubeConfigEnvironment(env: NodeJS.ProcessEnv = process.env): KubeConfigEnvironment {
  return {
    kubeconfig: env.KUBECONFIG,
    home: env.HOME ?? env.USERPROFILE,
    serviceAccountFolder: SERVICE_ACCOUNT_FOLDER,
    serviceHost: env.KUBERNETES_SERVICE_HOST,
    servicePort: env.KUBERNETES_SERVICE_PORT,
  };
}

/** The kubeconfig and how the messages name it: `kubeconfig ~/x (from $KUBECONFIG)`. */
export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly label: string;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'an error';
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** What client-node requires of each entry (config_types.js newClusters, newUsers, newContexts), by field path. */
function checkEntries(label: string, root: Readonly<Record<string, unknown>>): void {
  const bad = (path: string, expected: string, found: unknown) =>
    new UsageError(`${label}: ${path}: expected ${expected}, got ${describe(found)}`);
  const record = (value: unknown): Readonly<Record<string, unknown>> | null =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const required: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
    clusters: [
      ['cluster', 'a mapping with server'],
      ['cluster.server', "the API server's URL"],
    ],
    users: [],
    contexts: [
      ['context', 'a mapping with cluster'],
      ['context.cluster', 'the name of one of its clusters'],
    ],
  };
  for (const [list, fields] of Object.entries(required)) {
    const entries = root[list];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) throw bad(list, 'a list', entries);
    entries.forEach((entry: unknown, index) => {
      const at = `${list}[${index}]`;
      const item = record(entry);
      if (item === null) throw bad(at, 'a mapping with name', entry);
      if (typeof item.name !== 'string' || item.name === '') throw bad(`${at}.name`, 'a name', item.name);
      for (const [path, expected] of fields) {
        const [outer = '', inner] = path.split('.');
        const value = inner === undefined ? item[outer] : record(item[outer])?.[inner];
        const ok = inner === undefined ? record(value) !== null : typeof value === 'string' && value !== '';
        if (!ok) throw bad(`${at}.${path}`, expected, value);
      }
    });
  }
}

/** One kubeconfig file, read and checked; client-node then loads the same text. */
function loadFile(file: string, from: string): KubeConfig {
  const label = `kubeconfig ${file}${from}`;
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${label}: expected a file, found a folder`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = errorCode(error);
    throw new UsageError(
      `${label}: expected a kubeconfig file, found ${code === 'ENOENT' ? 'no such file (ENOENT)' : code}`,
    );
  }
  const document = parseDocument(text, { prettyErrors: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const where = position === undefined ? '(file)' : `line ${position.line}, column ${position.col}`;
    const reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError(`${label}: ${where}: expected a kubeconfig in YAML, got ${JSON.stringify(reason)}`);
  }
  const contents = document.contents;
  if (!isMap(contents)) {
    const found =
      contents === null ? 'an empty file' : isSeq(contents) ? 'a list' : isScalar(contents) ? 'text' : 'YAML';
    throw new UsageError(`${label}: (root): expected a kubeconfig (apiVersion: v1, kind: Config), got ${found}`);
  }
  let root: Record<string, unknown>;
  try {
    root = document.toJS({ maxAliasCount: 50 }) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(
      `${label}: (root): expected a kubeconfig in YAML, got ${JSON.stringify(firstLine((error as Error).message))}`,
    );
  }
  checkEntries(label, root);
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(text);
  } catch (error) {
    // What client-node reads beside the YAML (a user's token-file) or parses otherwise.
    throw new UsageError(
      `${label}: expected a kubeconfig client-node can load, got ${JSON.stringify(firstLine((error as Error).message))}`,
    );
  }
  return kubeConfig;
}

/** The files of $KUBECONFIG merged as kubectl merges them: the first file to name a value wins. */
function mergeFiles(files: readonly string[]): KubeConfig {
  const merged = new KubeConfig();
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let currentContext = '';
  for (const file of files) {
    const config = loadFile(file, ' (from $KUBECONFIG)');
    for (const cluster of config.getClusters())
      if (!clusters.some((c) => c.name === cluster.name)) clusters.push(cluster);
    for (const user of config.getUsers()) if (!users.some((u) => u.name === user.name)) users.push(user);
    for (const context of config.getContexts())
      if (!contexts.some((c) => c.name === context.name)) contexts.push(context);
    if (currentContext === '') currentContext = config.getCurrentContext() ?? '';
  }
  merged.loadFromOptions({ clusters, users, contexts, currentContext });
  return merged;
}

/** client-node's loadFromCluster, on the injected environment. */
function inClusterConfig(environment: KubeConfigEnvironment): KubeConfig {
  const { serviceHost: host, servicePort: port, serviceAccountFolder: folder } = environment;
  if (host === undefined || host === '' || port === undefined || port === '') {
    throw new UsageError(
      `--live: in a pod (${join(folder, 'token')}) but $KUBERNETES_SERVICE_HOST or $KUBERNETES_SERVICE_PORT is not set; expected both, as the kubelet sets them`,
    );
  }
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const server = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeConfig = new KubeConfig();
  let namespace: string | undefined;
  try {
    namespace = readFileSync(join(folder, 'namespace'), 'utf8');
  } catch {
    namespace = undefined;
  }
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'inCluster', caFile: join(folder, 'ca.crt'), server, skipTLSVerify: false }],
    users: [
      { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: join(folder, 'token') } } },
    ],
    contexts: [
      { name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', ...(namespace ? { namespace } : {}) },
    ],
    currentContext: 'inClusterContext',
  });
  return kubeConfig;
}

function exists(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false }) !== undefined;
}

/** Finds and loads the kubeconfig kubectl would use; throws a one-line UsageError when there is none or it is bad. */
export function findKubeConfig(environment: KubeConfigEnvironment): LoadedKubeConfig {
  const files = (environment.kubeconfig ?? '').split(delimiter).filter((file) => file !== '');
  if (files.length > 0) {
    const label = `kubeconfig ${files.join(delimiter)} (from $KUBECONFIG)`;
    return { kubeConfig: mergeFiles(files), label };
  }
  const home =
    environment.home === undefined || environment.home === '' ? null : join(environment.home, '.kube', 'config');
  if (home !== null && exists(home)) return { kubeConfig: loadFile(home, ''), label: `kubeconfig ${home}` };
  const token = join(environment.serviceAccountFolder, 'token');
  if (exists(token)) return { kubeConfig: inClusterConfig(environment), label: `the pod's service account (${token})` };
  const looked = [
    '$KUBECONFIG is not set',
    home === null ? 'no home folder ($HOME is not set)' : `no ${home}`,
    `no service account token ${token} (not in a pod)`,
  ];
  throw new UsageError(
    `--live: no kubeconfig found: ${looked.join(', ')}; expected one of them, as kubectl looks (set KUBECONFIG to your kubeconfig file)`,
  );
}

/**
 * The context podcap reads: `--context`, else the kubeconfig's current-context; it must name a context
 * whose cluster the kubeconfig has, with a server client-node will call.
 */
export function selectContext(loaded: LoadedKubeConfig, context: string | undefined): KubeConfig {
  const { kubeConfig, label } = loaded;
  const names = kubeConfig.getContexts().map((c) => c.name);
  if (context !== undefined) {
    if (!names.includes(context)) {
      const known = names.length === 0 ? 'the kubeconfig has none' : `the kubeconfig has ${names.join(', ')}`;
      throw new UsageError(`--context ${JSON.stringify(context)}: no such context; ${known}`);
    }
    kubeConfig.setCurrentContext(context);
  } else {
    if (names.length === 0) throw new UsageError(`${label}: contexts: expected at least one context, got none`);
    const current = kubeConfig.getCurrentContext();
    const expected = `one of its contexts (${names.join(', ')})`;
    if (current === undefined || current === '') {
      throw new UsageError(`${label}: current-context: expected ${expected}, or --context NAME, got none`);
    }
    if (!names.includes(current)) {
      throw new UsageError(`${label}: current-context: expected ${expected}, got ${JSON.stringify(current)}`);
    }
  }
  const selected = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  const clusterName = selected?.cluster ?? '';
  const cluster = kubeConfig.getCluster(clusterName);
  if (cluster === null) {
    const clusters = kubeConfig.getClusters().map((c) => c.name);
    throw new UsageError(
      `${label}: context ${JSON.stringify(selected?.name ?? '')}: cluster: expected one of its clusters (${clusters.join(', ') || 'it has none'}), got ${JSON.stringify(clusterName)}`,
    );
  }
  // client-node refuses plain HTTP at the first call ("HTTP protocol is not allowed when skipTLSVerify is not set or false").
  if (cluster.server.startsWith('http://') && !cluster.skipTLSVerify) {
    throw new UsageError(
      `${label}: cluster ${JSON.stringify(cluster.name)}: server: expected an https:// URL (or insecure-skip-tls-verify: true), got ${JSON.stringify(cluster.server)}`,
    );
  }
  return kubeConfig;
}
