import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG_PATH } from '../input/catalog-file.js';
import { UsageError } from '../input/input-error.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { main } from './main.js';
import { runSimulateCommand } from './simulate-command.js';

const EXAMPLE = 'examples/node-group-outgrows-max-pods';

async function podcap(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

function expectOneLineUsageError(result: Awaited<ReturnType<typeof podcap>>, fragment: string) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^podcap: /);
  expect(result.stderr).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('podcap simulate: flags', () => {
  it.each([
    [['--fail-on', 'bogus'], '--fail-on: expected warning or error, got "bogus"'],
    [['--fail-on', 'info'], '--fail-on: expected warning or error, got "info"'],
    [['--seed', '-1'], '--seed: expected a whole number from 0 to 4294967295, got "-1"'],
    [['--seed', '1.5'], '--seed: expected a whole number'],
    [['--seed', 'abc'], '--seed: expected a whole number'],
    [['--seed', '4294967296'], '--seed: expected a whole number'],
    [['--duration', 'soon'], '--duration: expected a Go duration such as 90s, 1m30s or 2h, got "soon"'],
    [['--duration', '0s'], '--duration: expected a duration above 0s'],
    [['--duration', '721h'], '--duration: expected at most 720h (podcap\'s limit), got "721h"'],
  ])('%j: exit 2 with one line', async (flags, message) => {
    expectOneLineUsageError(await podcap('simulate', EXAMPLE, ...flags), message);
  });

  it('checks the flags before it reads any file', () => {
    const catalog = bundledCatalog();
    expect(() => runSimulateCommand(['no/such/folder'], { failOn: 'bogus' }, catalog)).toThrow(UsageError);
    expect(() => runSimulateCommand(['no/such/folder'], { seed: '-1' }, catalog)).toThrow(UsageError);
  });

  it('a path that does not exist: exit 2 with one line naming it', async () => {
    expectOneLineUsageError(await podcap('simulate', 'no/such/folder'), 'no/such/folder');
  });

  it('needs at least one file or folder', async () => {
    const result = await podcap('simulate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing required argument');
  });

  it('--help shows the options and an example to run', async () => {
    let help = '';
    const code = await main(['simulate', '--help'], { stdout: (text) => (help += text), stderr: () => {} });
    expect(code).toBe(0);
    for (const flag of ['--json', '--events', '--fail-on <severity>', '--seed <n>', '--duration <d>']) {
      expect(help).toContain(flag);
    }
    expect(help).toContain(`podcap simulate ${EXAMPLE}`);
  });
});

describe('podcap simulate: --report is checked before the run', () => {
  it('refuses to write the report over an input file; the scenario stays as it was', async () => {
    const scenario = `${EXAMPLE}/scenario.yaml`;
    const before = readFileSync(scenario, 'utf8');
    expectOneLineUsageError(
      await podcap('simulate', EXAMPLE, '--report', scenario),
      `--report ${scenario}: expected a file that is not one of the inputs, found the input ${scenario}`,
    );
    expect(readFileSync(scenario, 'utf8')).toBe(before);
  });

  it('refuses a folder, a FIFO and the catalog before it runs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'podcap-simulate-'));
    expectOneLineUsageError(
      await podcap('simulate', EXAMPLE, '--report', folder),
      `--report ${folder}: expected a file path, found a folder`,
    );
    const fifo = join(folder, 'report.html');
    execFileSync('mkfifo', [fifo]);
    expectOneLineUsageError(
      await podcap('simulate', EXAMPLE, '--report', fifo),
      `--report ${fifo}: expected a regular file (or a new one), found a FIFO`,
    );
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const catalog = join(folder, 'catalog.json');
    writeFileSync(catalog, readFileSync(BUNDLED_CATALOG_PATH));
    expectOneLineUsageError(
      await podcap('--catalog', catalog, 'simulate', EXAMPLE, '--report', catalog),
      `--report ${catalog}: expected a file that is not one of the inputs, found the catalog ${catalog}`,
    );
  });
});

// These run the real engine on the example the help text names.
describe('podcap simulate: runs', () => {
  it('--seed and --duration override the scenario', async () => {
    const result = await podcap('simulate', EXAMPLE, '--json', '--seed', '7', '--duration', '9m');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ scenario: 'node-group-outgrows-max-pods', duration: '9m', seed: 7 });
    // Before the node group grows at 10m: 3 m5.large × 27 pod IPs − 2 coredns = 79 web pods run.
    expect(json.workloads.find((w: { name: string }) => w.name === 'web')).toMatchObject({
      desired: 120,
      running: 79,
      pending: 41,
      reasons: { FailedScheduling: 41 },
    });
    expect(json).not.toHaveProperty('events');
  });

  it('--fail-on: exit 1 only when a finding reaches the severity', async () => {
    // At 4m the 10 web pods all run: only info findings.
    expect((await podcap('simulate', EXAMPLE, '--duration', '4m', '--fail-on', 'warning')).code).toBe(0);
    expect((await podcap('simulate', EXAMPLE, '--duration', '9m', '--fail-on', 'warning')).code).toBe(1);
    expect((await podcap('simulate', EXAMPLE, '--duration', '9m', '--fail-on', 'error')).code).toBe(1);
    expect((await podcap('simulate', EXAMPLE, '--duration', '9m')).code).toBe(0);
  });

  it('text by default, findings first; --events adds the log', async () => {
    const plain = await podcap('simulate', EXAMPLE, '--duration', '9m');
    expect(plain.stdout).toMatch(/^Scenario node-group-outgrows-max-pods: 9m simulated, seed 1\n\nFindings \(\d+\):\n/);
    expect(plain.stdout).not.toContain('Events (');
    const withEvents = await podcap('simulate', EXAMPLE, '--duration', '9m', '--events');
    expect(withEvents.stdout).toContain('Events (');
    expect(withEvents.stdout).toContain('FailedScheduling        pod/web-');
    for (const line of withEvents.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
