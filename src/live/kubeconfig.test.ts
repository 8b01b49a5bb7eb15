/**
 * Finding and checking the kubeconfig: files in a temporary folder, the environment injected; no
 * network, no home folder, no pod.
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../input/input-error.js';
import { findKubeConfig, type KubeConfigEnvironment, selectContext } from './kubeconfig.js';
import { loadKubeConfig } from './kubernetes-client.js';

const GOOD = [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '  - name: prod',
  '    cluster: { server: "https://prod.invalid" }',
  'users:',
  '  - name: podcap',
  '    user: { token: "t" }',
  'contexts:',
  '  - name: prod',
  '    context: { cluster: prod, user: podcap }',
  'current-context: prod',
  '',
].join('\n');

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'podcap-kubeconfig-'));
}

function environment(overrides: Partial<KubeConfigEnvironment> = {}): KubeConfigEnvironment {
  const empty = folder();
  return {
    kubeconfig: undefined,
    home: empty,
    serviceAccountFolder: join(empty, 'serviceaccount'),
    serviceHost: undefined,
    servicePort: undefined,
    ...overrides,
  };
}

function file(text: string, name = 'config'): string {
  const path = join(folder(), name);
  writeFileSync(path, text);
  return path;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

const load = (env: KubeConfigEnvironment, context?: string) => loadKubeConfig(context, env);

describe('the kubeconfig kubectl would use', () => {
  it('takes $KUBECONFIG, then ~/.kube/config, then the pod service account', () => {
    expect(load(environment({ kubeconfig: file(GOOD) })).getCurrentContext()).toBe('prod');

    const home = folder();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), GOOD);
    expect(load(environment({ home })).getCurrentCluster()?.server).toBe('https://prod.invalid');

    const pod = folder();
    writeFileSync(join(pod, 'token'), 'token');
    writeFileSync(join(pod, 'namespace'), 'monitoring');
    const inCluster = load(environment({ serviceAccountFolder: pod, serviceHost: '10.100.0.1', servicePort: '443' }));
    expect(inCluster.getCurrentCluster()).toMatchObject({
      server: 'https://10.100.0.1:443',
      caFile: join(pod, 'ca.crt'),
    });
    expect(inCluster.getContextObject(inCluster.getCurrentContext())?.namespace).toBe('monitoring');
  });

  it('merges the files of $KUBECONFIG as kubectl does: the first to set a context or current-context wins', () => {
    const other = GOOD.replace('https://prod.invalid', 'https://other.invalid').replace(
      'current-context: prod',
      'current-context: staging',
    );
    const merged = load(environment({ kubeconfig: [file(GOOD), file(other)].join(delimiter) }));
    expect(merged.getCurrentContext()).toBe('prod');
    expect(merged.getCurrentCluster()?.server).toBe('https://prod.invalid');
  });

  it('says where it looked when there is no kubeconfig at all', () => {
    const env = environment();
    expect(messageOf(() => load(env))).toBe(
      `--live: no kubeconfig found: $KUBECONFIG is not set, no ${join(env.home ?? '', '.kube', 'config')}, no service account token ${join(env.serviceAccountFolder, 'token')} (not in a pod); expected one of them, as kubectl looks (set KUBECONFIG to your kubeconfig file)`,
    );
    expect(messageOf(() => load(environment({ home: undefined })))).toContain('no home folder ($HOME is not set)');
  });

  it('refuses a pod without the service variables the kubelet sets', () => {
    const pod = folder();
    writeFileSync(join(pod, 'token'), 'token');
    expect(messageOf(() => load(environment({ serviceAccountFolder: pod })))).toBe(
      `--live: in a pod (${join(pod, 'token')}) but $KUBERNETES_SERVICE_HOST or $KUBERNETES_SERVICE_PORT is not set; expected both, as the kubelet sets them`,
    );
  });
});

describe('a bad kubeconfig is one line naming the file, the field and what was expected', () => {
  const missing = join(folder(), 'nonexist');
  const cases: [string, string, string][] = [
    ['a missing file', missing, 'expected a kubeconfig file, found no such file (ENOENT)'],
    ['a folder', folder(), 'expected a file, found a folder'],
    [
      'malformed YAML',
      file('garbage: [\n'),
      'line 2, column 1: expected a kubeconfig in YAML, got "Flow sequence in block collection must be sufficiently indented and end with a ]"',
    ],
    ['an empty file', file(''), '(root): expected a kubeconfig (apiVersion: v1, kind: Config), got an empty file'],
    ['a list', file('- a\n'), '(root): expected a kubeconfig (apiVersion: v1, kind: Config), got a list'],
    ['clusters not a list', file('clusters: {}\n'), 'clusters: expected a list, got a mapping'],
    [
      'a cluster without a server',
      file('clusters:\n  - name: a\n    cluster: {}\n'),
      "clusters[0].cluster.server: expected the API server's URL, got none",
    ],
    ['a user without a name', file('users:\n  - user: {}\n'), 'users[0].name: expected a name, got none'],
    [
      'a context without a cluster',
      file('contexts:\n  - name: c\n    context: { user: u }\n'),
      'contexts[0].context.cluster: expected the name of one of its clusters, got none',
    ],
    ['no context', file('apiVersion: v1\nkind: Config\n'), 'contexts: expected at least one context, got none'],
    [
      'no current-context',
      file(GOOD.replace('current-context: prod', '')),
      'current-context: expected one of its contexts (prod), or --context NAME, got none',
    ],
    [
      'a current-context it lacks',
      file(GOOD.replace('current-context: prod', 'current-context: staging')),
      'current-context: expected one of its contexts (prod), got "staging"',
    ],
    [
      'a context whose cluster it lacks',
      file(GOOD.replace('context: { cluster: prod', 'context: { cluster: gone')),
      'context "prod": cluster: expected one of its clusters (prod), got "gone"',
    ],
    [
      'plain HTTP that client-node refuses',
      file(GOOD.replace('https://prod.invalid', 'http://prod.invalid')),
      'cluster "prod": server: expected an https:// URL (or insecure-skip-tls-verify: true), got "http://prod.invalid"',
    ],
  ];

  it.each(cases)('%s', (_, path, expected) => {
    expect(messageOf(() => load(environment({ kubeconfig: path })))).toBe(
      `kubeconfig ${path} (from $KUBECONFIG): ${expected}`,
    );
  });

  it('names the file of ~/.kube/config without "from $KUBECONFIG"', () => {
    const home = folder();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), 'garbage: [\n');
    expect(messageOf(() => findKubeConfig(environment({ home })))).toMatch(
      new RegExp(`^kubeconfig ${join(home, '.kube', 'config')}: line 2, column 1: expected a kubeconfig in YAML`),
    );
  });

  it('keeps the --context message', () => {
    const loaded = findKubeConfig(environment({ kubeconfig: file(GOOD) }));
    expect(messageOf(() => selectContext(loaded, 'staging'))).toBe(
      '--context "staging": no such context; the kubeconfig has prod',
    );
  });
});
