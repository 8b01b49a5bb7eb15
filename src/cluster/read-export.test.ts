import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../input/input-error.js';
import { EXPORT_FILES, writeClusterExport } from '../test-support/cluster-export.js';
import { MAX_OBJECT_FILE_BYTES, readClusterExport } from './read-export.js';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'podcap-export-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function write(name: string, value: unknown, indent = 4): string {
  const path = join(folder, name);
  writeFileSync(path, typeof value === 'string' ? value : `${JSON.stringify(value, null, indent)}\n`);
  return path;
}

async function readError(paths: readonly string[]): Promise<Error> {
  try {
    await readClusterExport(paths);
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the read to fail');
}

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'default', creationTimestamp: '2025-11-03T08:15:00Z' },
  spec: { containers: [{ name: 'web', resources: { requests: { cpu: '100m' } } }], nodeName: 'n1' },
  status: { phase: 'Running', podIP: '10.0.0.9' },
};

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, template: { spec: { containers: [{ name: 'web' }] } } },
};

describe('readClusterExport: a whole export', () => {
  it('reads the folder the collect script writes, with what the generator put in it', async () => {
    const summary = await writeClusterExport(folder, { nodes: 12, pods: 300 });
    const state = await readClusterExport([folder]);
    expect(state.nodes).toHaveLength(summary.nodes);
    expect(state.pods).toHaveLength(summary.pods);
    expect(state.workloads).toHaveLength(summary.deployments + summary.statefulsets + summary.daemonsets);
    expect(state.events).toHaveLength(summary.events);
    expect(state.nodePools).toHaveLength(summary.nodePools);
    expect(state.nodeClasses).toHaveLength(summary.nodeClasses);
    expect(state.nodeClaims).toHaveLength(summary.nodeClaims);
    expect(state.subnets).toHaveLength(summary.subnets);
    expect(state.quotas).toHaveLength(summary.quotas);
    expect(state.vpcCni?.version).toBe('v1.19.2-eksbuild.1');
    expect(state.karpenter?.version).toBe('1.5.1');
    expect(state.pods.filter((p) => p.containerCreating)).toHaveLength(summary.stuckPods);
    expect(state.pods.filter((p) => p.unschedulable)).toHaveLength(summary.unschedulablePods);
    const noIp = state.events.filter(
      (e) => e.reason === 'FailedCreatePodSandBox' && e.message.includes('failed to assign an IP address to container'),
    );
    expect(noIp).toHaveLength(summary.stuckPods);
    expect(state.nodeClasses.every((c) => c.subnetIds.length === 3)).toBe(true);
    // A folder is read by file name; aws-node.json comes before the List that holds aws-node too.
    expect(state.read).toEqual([
      `${join(folder, 'aws-node.json')}: 1 daemonset; the aws-node DaemonSet (VPC CNI v1.19.2-eksbuild.1)`,
      `${join(folder, 'events.json')}: ${summary.events} events`,
      `${join(folder, 'karpenter-deployment.json')}: 1 deployment; the Karpenter Deployment karpenter/karpenter (Karpenter 1.5.1)`,
      `${join(folder, 'karpenter.json')}: 2 NodePools, 2 EC2NodeClasses, ${summary.nodeClaims} NodeClaims`,
      `${join(folder, 'nodes-pods-workloads.json')}: 12 nodes, 300 pods, ${summary.deployments - 1} deployments, ` +
        '1 statefulset, 2 daemonsets, 2 already read',
      `${join(folder, 'quotas.json')}: 4 quotas`,
      `${join(folder, 'securitygrouppolicies.json')}: nothing podcap reads`,
      `${join(folder, 'subnets.json')}: 6 subnets`,
    ]);
  });

  it('tells files by their content, under any names and in any order', async () => {
    const source = join(folder, 'export');
    const summary = await writeClusterExport(source, { nodes: 4, pods: 60 });
    const renamed = Object.values(EXPORT_FILES)
      .reverse()
      .map((name, i) => {
        const path = join(folder, `${i}.data`);
        copyFileSync(join(source, name), path);
        return path;
      });
    const state = await readClusterExport(renamed);
    expect([state.nodes.length, state.pods.length, state.events.length, state.subnets.length]).toEqual([
      summary.nodes,
      summary.pods,
      summary.events,
      summary.subnets,
    ]);
    expect(state.vpcCni).not.toBeNull();
    expect(state.karpenter).not.toBeNull();
    expect(state.quotas).toHaveLength(summary.quotas);
  });
});

describe('readClusterExport: shapes', () => {
  it('reads single objects, Lists with kind before or after items, and empty Lists', async () => {
    const files = [
      write('pod.json', POD),
      write('deployment.json', DEPLOYMENT, 2),
      write('kind-first.json', {
        kind: 'List',
        apiVersion: 'v1',
        metadata: {},
        items: [{ ...POD, metadata: { ...POD.metadata, name: 'web-1' } }],
      }),
      write('kubectl.json', {
        apiVersion: 'v1',
        items: [DEPLOYMENT, { ...POD, metadata: { ...POD.metadata, name: 'web-2' } }],
        kind: 'List',
        metadata: { resourceVersion: '' },
      }),
      write('empty.json', { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } }),
      write(
        'minified.json',
        JSON.stringify({
          kind: 'PodList',
          apiVersion: 'v1',
          items: [{ ...POD, metadata: { ...POD.metadata, name: 'web-3' } }],
        }),
      ),
    ];
    const state = await readClusterExport(files);
    expect(state.pods.map((p) => [p.name, p.source])).toEqual([
      ['web-0', { file: files[0], index: null }],
      ['web-1', { file: files[2], index: 0 }],
      ['web-2', { file: files[3], index: 1 }],
      ['web-3', { file: files[5], index: 0 }],
    ]);
    expect(state.read).toEqual([
      `${files[0]}: 1 pod`,
      `${files[1]}: 1 deployment`,
      `${files[2]}: 1 pod`,
      `${files[3]}: 1 pod, 1 already read`,
      `${files[4]}: nothing podcap reads`,
      `${files[5]}: 1 pod`,
    ]);
  });

  it('reads the .json files directly in a folder, by name, and no others', async () => {
    write('b.json', POD);
    write('a.json', { Subnets: [] });
    write('notes.txt', 'not JSON');
    write('.hidden.json', 'not JSON');
    mkdirSync(join(folder, 'older'));
    write(join('older', 'c.json'), 'not JSON');
    const state = await readClusterExport([folder, join(folder, 'b.json')]);
    expect(state.read).toEqual([`${join(folder, 'a.json')}: nothing podcap reads`, `${join(folder, 'b.json')}: 1 pod`]);
  });

  it('accepts a byte-order mark', async () => {
    const state = await readClusterExport([write('bom.json', `\uFEFF${JSON.stringify(POD)}`)]);
    expect(state.pods).toHaveLength(1);
  });

  it.each([
    ['[1, 2]', 'a JSON list'],
    ['"text"', 'a JSON string'],
    ['{"metadata": {"name": "x"}, "data": {}}', 'an object with metadata, data'],
    ['{}', 'an empty object'],
    ['null', 'null'],
    ['  42\n', 'a JSON number'],
    ['true', 'true'],
    ['{"\\u001b]0;pwned\\u0007": 1}', 'an object with \\x1b]0;pwned\\x07'],
  ])('refuses %s as an unknown shape', async (text, found) => {
    const file = write('odd.json', text);
    const error = await readError([file]);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `${file}: (top level): expected the JSON of kubectl get -o json (a List or an object with kind), ` +
        `aws ec2 describe-subnets or aws service-quotas list-service-quotas, got ${found}`,
    );
  });

  it.each([
    ['{"kind": "List", "items": {"a": {}}}', 'a mapping'],
    ['{"items": null, "kind": "List"}', 'null'],
    ['{"apiVersion": "v1", "items": "none"}', 'a string'],
  ])('refuses a List whose items are not a list: %s', async (text, found) => {
    const file = write('list.json', text);
    expect((await readError([file])).message).toBe(`${file}: items: expected a list, got ${found}`);
  });

  it('refuses an export with nothing a doctor checks, naming its files and what they held', async () => {
    const expected =
      'expected Nodes, Pods, workloads, events, Karpenter objects, subnets or quotas ' +
      '(podcap doctor --print-collect shows how to export them)';
    const empty = write('empty.json', { apiVersion: 'v1', items: [], kind: 'List' });
    expect((await readError([empty])).message).toBe(`${empty}: (export): ${expected}, got nothing podcap reads`);
    const services = write('services.json', {
      apiVersion: 'v1',
      items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' } }],
      kind: 'List',
    });
    const subnets = write('subnets.json', { Subnets: [] });
    expect((await readError([empty, services, subnets])).message).toBe(
      `${empty}, ${services}, ${subnets}: (export): ${expected}, got nothing podcap reads (ignored: Service (1))`,
    );
  });

  it('reads a subset of an export: only the subnets', async () => {
    const subnets = write('subnets.json', {
      Subnets: [
        {
          AvailabilityZone: 'us-west-2a',
          AvailableIpAddressCount: 12,
          CidrBlock: '10.0.1.0/24',
          SubnetId: 's',
          VpcId: 'v',
        },
      ],
    });
    expect((await readClusterExport([subnets])).read).toEqual([`${subnets}: 1 subnet`]);
  });

  it('names the file and the item of a bad object in a List', async () => {
    const bad = { ...POD, metadata: { ...POD.metadata, name: 'web-9' }, spec: { containers: [] } };
    const file = write('list.json', { apiVersion: 'v1', items: [POD, bad], kind: 'List' });
    expect((await readError([file])).message).toBe(
      `${file}: Pod default/web-9 (document 1, items[1]): spec.containers: expected a list of at least 1 item, got []`,
    );
  });
});

describe('readClusterExport: bad JSON is one line naming the file and where', () => {
  it.each([
    [
      'a missing comma',
      '{\n    "kind": "List",\n    "items": [\n        {"kind": "Pod"}\n        {"kind": "Pod"}\n    ]\n}\n',
      'line 5, column 9: expected valid JSON, got a syntax error (',
    ],
    ['YAML', 'apiVersion: v1\nkind: Pod\n', 'line 1, column 1: expected valid JSON, got a syntax error ('],
    ['text after the object', '{"kind": "Pod"}\n}', 'line 2, column 1: expected valid JSON, got a syntax error ('],
    [
      'a truncated file',
      '{\n    "kind": "List",\n    "items": [\n        {"kind": "Po',
      'line 4, column 21: expected valid JSON, got the end of the file inside the top-level object',
    ],
    ['an empty file', '', 'line 1, column 1: expected valid JSON, got an empty file'],
    ['a file of blanks', '\n  \n', 'line 3, column 1: expected valid JSON, got an empty file'],
    ['a cut literal', 'nul', 'line 1, column 4: expected valid JSON, got the end of the file inside its first value'],
    ['a cut number', '-', 'line 1, column 2: expected valid JSON, got a syntax error (expected a starting digit)'],
  ])('%s', async (_, text, where) => {
    const file = write('bad.json', text);
    const error = await readError([file]);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`${file}: ${where}`);
    expect(error.message).not.toContain('\n');
  });

  it('places an error deep in a big file at its line and column', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ ...POD, metadata: { ...POD.metadata, name: `web-${i}` } }));
    const lines = JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 4).split('\n');
    const target = lines.findIndex((line) => line.includes('"web-2500"'));
    lines[target] = lines[target]?.replace('"web-2500",', '"web-2500" 7,') ?? '';
    const file = write('big.json', lines.join('\n'));
    const column = (lines[target]?.indexOf(' 7,') ?? 0) + 2;
    expect((await readError([file])).message).toMatch(
      new RegExp(`^${file}: line ${target + 1}, column ${column}: expected valid JSON, got a syntax error \\(.+\\)$`),
    );
  });
});

describe('readClusterExport: control characters from the export are escaped', () => {
  it('in a file name', async () => {
    const file = write('evil\u001b[31m.json', '{}');
    const message = (await readError([file])).message;
    expect(message).toBe(
      `${join(folder, 'evil\\x1b[31m.json')}: (top level): expected the JSON of kubectl get -o json ` +
        '(a List or an object with kind), aws ec2 describe-subnets or aws service-quotas list-service-quotas, ' +
        'got an empty object',
    );
  });
});

describe('readClusterExport: paths', () => {
  it('refuses a missing path, an empty folder and no paths', async () => {
    const missing = join(folder, 'nope.json');
    expect((await readError([missing])).message).toBe(
      `${missing}: (path): expected a file or folder that exists, got ENOENT`,
    );
    const empty = join(folder, 'empty');
    mkdirSync(empty);
    expect((await readError([empty])).message).toBe(`${empty}: (folder): expected a folder with .json files, got none`);
    expect(await readError([])).toBeInstanceOf(UsageError);
  });

  it(`refuses a file over ${MAX_OBJECT_FILE_BYTES / 1024 / 1024} MiB that is not a List at its first field`, async () => {
    const file = write('huge.json', `{"Subnets": [${' '.repeat(1024)}`);
    // A sparse file: its size is past the limit, the disk holds a few bytes (the rest reads as NULs).
    truncateSync(file, MAX_OBJECT_FILE_BYTES + 1);
    expect((await readError([file])).message).toBe(
      `${file}: (file): expected a List (items) or a file of at most 64 MiB, got ${MAX_OBJECT_FILE_BYTES + 1} bytes with a top-level "Subnets"`,
    );
  });
});
