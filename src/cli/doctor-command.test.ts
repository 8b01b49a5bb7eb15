import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeClusterExport } from '../test-support/cluster-export.js';
import { main } from './main.js';

async function podcap(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

function expectOneLineError(result: Awaited<ReturnType<typeof podcap>>, fragment: string) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(fragment);
}

describe('podcap doctor on an export', () => {
  let folder = '';
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'podcap-doctor-'));
    await writeClusterExport(folder, { nodes: 12, pods: 300 });
  });

  it('--json: what was read, the findings with their evidence, subnets and nodes', async () => {
    const result = await podcap('doctor', folder, '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.cluster).toMatchObject({ nodes: 12, pods: 300, subnets: 6 });
    expect(json.nodes).toHaveLength(12);
    const stuck = json.findings.find((f: { code: string }) => f.code === 'PODS_STUCK_NO_IP');
    expect(stuck.severity).toBe('error');
    expect(stuck.evidence.pods).toHaveLength(2);
    for (const subnet of json.subnets) expect(subnet.usable).toBeGreaterThanOrEqual(subnet.free);
  });

  it('--fail-on error exits 1 on the stuck pods; the text lists them first', async () => {
    const result = await podcap('doctor', folder, '--fail-on', 'error');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Cluster: 12 nodes/);
    expect(result.stdout).toMatch(/\nFindings \(\d+\):\nERROR PODS_STUCK_NO_IP: 2 pods/);
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('--scale runs the cluster forward; --export-scenario writes what podcap simulate reads back', async () => {
    const out = mkdtempSync(join(tmpdir(), 'podcap-doctor-out-'));
    const scenario = join(out, 'what-if.yaml');
    const result = await podcap('doctor', folder, '--scale', 'shop/api-0=2x', '--export-scenario', scenario);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'What-if, simulated forward from the cluster as read:\nWith Deployment shop/api-0 from',
    );
    const rerun = await podcap('simulate', scenario, '--json');
    expect(rerun.stderr).toBe('');
    const api = JSON.parse(rerun.stdout).workloads.find((w: { name: string }) => w.name === 'api-0');
    expect(api.desired).toBe(2 * Number(/from (\d+) to/.exec(result.stdout)?.[1]));
    expect(readdirSync(out)).toEqual(['what-if.yaml']);
  });

  it('--report writes the HTML report with the findings', async () => {
    const out = mkdtempSync(join(tmpdir(), 'podcap-doctor-out-'));
    const result = await podcap('doctor', folder, '--report', join(out, 'doctor.html'), '--quiet');
    expect(result.stdout).toBe('');
    const html = readFileSync(join(out, 'doctor.html'), 'utf8');
    expect(html).toContain('"kind":"cluster"');
    expect(html).toContain('PODS_STUCK_NO_IP');
  });
});

describe('podcap doctor: what it writes, checked before the run', () => {
  let folder = '';
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'podcap-doctor-'));
    await writeClusterExport(folder, { nodes: 3, pods: 40 });
  });

  it('a --report that is a folder fails before anything is written: no --export-scenario left behind', async () => {
    const out = mkdtempSync(join(tmpdir(), 'podcap-doctor-out-'));
    mkdirSync(join(out, 'rdir'));
    const scenario = join(out, 'out2.yaml');
    const result = await podcap('doctor', folder, '--export-scenario', scenario, '--report', join(out, 'rdir'));
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `podcap: --report ${join(out, 'rdir')}: expected a file path, found a folder\n`,
    });
    expect(readdirSync(out)).toEqual(['rdir']);
  });

  it('refuses to write over one of the files it reads, or twice to one file', async () => {
    const [input = ''] = readdirSync(folder).filter((name) => name.endsWith('.json'));
    const file = join(folder, input);
    const before = readFileSync(file, 'utf8');
    expectOneLineError(
      await podcap('doctor', folder, '--export-scenario', file),
      `--export-scenario ${file}: expected a file that is not one of the inputs, found the input ${file}`,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    const out = join(mkdtempSync(join(tmpdir(), 'podcap-doctor-out-')), 'same.yaml');
    expectOneLineError(
      await podcap('doctor', folder, '--export-scenario', out, '--report', out),
      `--report ${out}: expected a file apart from --export-scenario ${out}, found the same file`,
    );
  });

  // A scenario holds at most 1,000,000 pods (the scenario loader's limit): larger what-ifs never start.
  it.each([
    [
      ['--add-pods', '1000000', '--requests', 'cpu=1m'],
      '--add-pods: expected a what-if of at most 1000000 pods in all',
    ],
    [['--scale', 'shop/api-0=2000000000'], '--scale: expected a what-if of at most 1000000 pods in all'],
  ])('%j: exit 2 naming the flag, without running', async (flags, message) => {
    const result = await podcap('doctor', folder, ...flags);
    expectOneLineError(result, message);
    expect(result.stderr).toMatch(/\(the cluster's \d+ pods come to \d+ with the changes up to this one\), got "/);
  });
});

describe('podcap doctor: bad input and usage', () => {
  it('a file that is not JSON: one line naming it and where', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'podcap-doctor-bad-'));
    writeFileSync(join(folder, 'nodes.json'), '{"kind": "List", "items": [ {"kind": "Node",, } ]}');
    expectOneLineError(await podcap('doctor', folder), 'nodes.json: line 1');
  });

  it.each([
    [['--scale', 'web'], '--scale: expected'],
    [['--add-pods', '10'], '--add-pods: expected --requests'],
    [['--requests', 'cpu=1'], '--requests: only with --add-pods'],
    [['--add-pods', 'many', '--requests', 'cpu=1'], '--add-pods: expected a whole number'],
    [['--fail-on', 'info'], '--fail-on: expected warning or error'],
    [['--duration', '10m'], '--duration: only with --scale'],
    [['--context', 'prod'], '--context: only with --live'],
  ])('%j: exit 2, one line, before anything is read', async (flags, message) => {
    expectOneLineError(await podcap('doctor', 'no/such/folder', ...flags), message);
  });

  it('needs files or --live, and not both', async () => {
    expectOneLineError(await podcap('doctor'), 'expected exported files or folders, or --live');
    expectOneLineError(await podcap('doctor', 'x.json', '--live'), '--live: reads the cluster itself');
  });

  it('--print-collect prints the read-only script', async () => {
    const result = await podcap('doctor', '--print-collect');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#!\/bin\/sh/);
    expect(result.stdout).toContain('kubectl get nodes,pods,deployments,statefulsets,daemonsets -A -o json');
    expect(result.stdout).toContain('aws ec2 describe-subnets --output json');
  });

  it('the exporter needs --live', async () => {
    expectOneLineError(await podcap('exporter'), '--live: the exporter reads the cluster itself');
  });
});
