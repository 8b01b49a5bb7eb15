import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real entry point, as a user runs it (built by `npm run build`, which `npm test` runs first).
const BIN = fileURLToPath(new URL('../bin/podcap.js', import.meta.url));

function podcap(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectBadInput(result: ReturnType<typeof podcap>, fragment: string) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('podcap node', () => {
  it('--help shows an example and the exit codes', () => {
    const result = podcap('node', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('podcap node m5.large m8g.large');
    expect(podcap('--help').stdout).toContain('Exit codes');
  });

  it('reproduces the m8g.large pod-ENI launch loop of Karpenter 1.5.1 (capacity-models.md §7)', () => {
    const result = podcap(
      'node',
      'm8g.large',
      '--ami',
      'al2',
      '--karpenter-version',
      '1.5.1',
      '--reserved-enis',
      '1',
      '--pod-eni',
      '--memory-capacity',
      '7948164Ki',
      '--json',
    );
    expect(result.code).toBe(0);
    const [m8g] = JSON.parse(result.stdout);
    expect(m8g.instanceType).toBe('m8g.large');
    expect(m8g.node).toMatchObject({
      maxPods: 20,
      podIps: 18,
      podEni: 9,
      capacity: { cpu: '2', memory: '7948164Ki', pods: '20' },
      allocatable: { cpu: '1930m', memory: '7257988Ki', pods: '20' },
    });
    expect(m8g.karpenter).toMatchObject({ version: '1.5.1', maxPods: 20, cache: 'warm' });
    expect(m8g.karpenter.allocatable).toEqual({ cpu: '1930m', memory: '7359364Ki', pods: '20' });
    const loop = m8g.mismatches.find((m: { code: string }) => m.code === 'KARPENTER_OVERESTIMATES_MEMORY');
    expect(loop.severity).toBe('error');
    expect(loop.window).toEqual({ resource: 'memory', above: '7257988Ki', upTo: '7359364Ki' });
  });

  it('without RESERVED_ENIS the AL2 node has the incident write-up allocatable: 1930m, 7257988Ki, 29 pods', () => {
    const [node] = JSON.parse(
      podcap('node', 'm8g.large', '--ami', 'al2', '--memory-capacity', '7948164Ki', '--json').stdout,
    );
    expect(node.node.allocatable).toEqual({ cpu: '1930m', memory: '7257988Ki', pods: '29' });
    expect(node.mismatches.map((m: { code: string }) => m.code)).not.toContain('KARPENTER_OVERESTIMATES_MEMORY');
  });

  it('prints a table by default and says what it assumed', () => {
    const result = podcap('node', 'm5.large', 'c8ib.large');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TYPE\s+vCPU/);
    expect(result.stdout).toContain('Assumed: AMI family al2023; launched by Karpenter; Karpenter 1.14.1');
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('--all answers for every catalog type, and says which lack vCPU or memory', () => {
    const result = podcap('node', '--all', '--json');
    expect(result.code).toBe(0);
    const all = JSON.parse(result.stdout);
    expect(all).toHaveLength(1392);
    const c8ib = all.find((t: { instanceType: string }) => t.instanceType === 'c8ib.large');
    expect(c8ib.missing).toEqual(['vcpu', 'memory']);
    expect(c8ib.node.maxPods).toBe(4 * 19 + 2);
    expect(c8ib.node.allocatable.cpu).toBeNull();
    expect(c8ib.mismatches.map((m: { code: string }) => m.code)).toContain('HARDWARE_UNKNOWN');
  });

  it('an unknown type suggests the nearest names', () => {
    expectBadInput(podcap('node', 'm8g.lrage'), 'did you mean m8g.large');
  });

  it('a malformed quantity names the value', () => {
    expectBadInput(podcap('node', 'm5.large', '--memory-capacity', '12XB'), '--memory-capacity "12XB"');
  });

  it('an absurd number names the range', () => {
    expectBadInput(podcap('node', 'm5.large', '--reserved-enis', '400'), 'from 0 to 32');
    expectBadInput(podcap('node', 'm5.large', '--max-pods', '0'), '--max-pods 0');
  });

  it('contradicting flags are refused', () => {
    expectBadInput(podcap('node', 'm5.large', '--all'), '--all and instance-type names contradict');
    expectBadInput(
      podcap('node', 'm5.large', '--ami', 'al2', '--max-pods-expression', 'max_pods'),
      'contradicts --ami al2',
    );
    expectBadInput(podcap('node', 'm5.large', 'm5.xlarge', '--memory-capacity', '8Gi'), 'TYPE=QUANTITY');
  });

  it('an unknown flag is a usage error', () => {
    expectBadInput(podcap('node', 'm5.large', '--no-such-flag'), "unknown option '--no-such-flag'");
  });

  it('a broken --catalog file names the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podcap-'));
    const file = join(dir, 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'podcap.catalog/v1',
        builtAt: 'x',
        priceRegion: 'x',
        sources: [],
        instanceTypes: [{ name: 'x' }],
      }),
    );
    expectBadInput(podcap('--catalog', file, 'node', 'x'), `${file}: instanceTypes[0].family`);
  });
});

describe('podcap catalog refresh', () => {
  it('needs a region, and refuses a malformed one before calling EC2', () => {
    const env = { ...process.env, AWS_REGION: '' };
    const missing = spawnSync(process.execPath, [BIN, 'catalog', 'refresh'], { encoding: 'utf8', env });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--region: expected an AWS region');
    expectBadInput(podcap('catalog', 'refresh', '--region', 'mars'), '--region "mars"');
  });

  it('--help shows an example', () => {
    expect(podcap('catalog', 'refresh', '--help').stdout).toContain('podcap catalog refresh --region us-east-1');
  });
});

describe('podcap ips and podcap subnet', () => {
  it('ips: 50 m5.large nodes with 20 pods each do not fit a /22 (30 addresses a node, 1019 usable)', () => {
    const result = podcap(
      'ips',
      '--instance-type',
      'm5.large',
      '--pods-per-node',
      '20',
      '--nodes',
      '50',
      '--subnet',
      '10.0.0.0/22',
      '--json',
    );
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.perNode).toMatchObject({ enis: 3, addressesUsed: 30 });
    expect(plan.subnets).toMatchObject({ usable: 1019, used: 1500 });
    expect(plan).toMatchObject({ fits: false, maxNodes: 33 });
  });

  it('ips and subnet refuse bad CIDRs with one line and exit 2', () => {
    expectBadInput(
      podcap('ips', '--instance-type', 'm5.large', '--pods-per-node', '20', '--nodes', '5', '--subnet', '10.0.0.0/29'),
      '/16 to /28',
    );
    expectBadInput(podcap('subnet', '10.0.0.7/24'), '10.0.0.0/24');
  });

  it('subnet: a /24 has 251 usable addresses and 14 /28 prefixes', () => {
    const summary = JSON.parse(podcap('subnet', '10.0.0.0/24', '--json').stdout);
    expect(summary).toMatchObject({ usable: 251, prefixes: 14, awsReserved: 5 });
  });
});

describe('podcap simulate', () => {
  const example = 'examples/custom-networking-more-pods-than-ips';

  it('--report writes one self-contained HTML file; --quiet keeps stdout empty and still sets the exit code', () => {
    const folder = mkdtempSync(join(tmpdir(), 'podcap-report-'));
    const file = join(folder, 'report.html');
    const result = podcap('simulate', example, '--report', file, '--quiet', '--fail-on', 'error');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('PODS_STUCK_NO_IP');
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?https?:/);
    expect(readdirSync(folder)).toEqual(['report.html']);
  });

  it('--report into a folder that does not exist fails before the run and writes nothing', () => {
    const folder = mkdtempSync(join(tmpdir(), 'podcap-report-'));
    const file = join(folder, 'missing', 'report.html');
    const result = podcap('simulate', example, '--report', file);
    expectBadInput(result, `--report ${file}: expected a file in an existing folder, found no folder`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('prints no colour and no progress when stdout and stderr are not terminals', () => {
    const result = podcap('simulate', example);
    expect(result.stdout).toContain('ERROR PODS_STUCK_NO_IP');
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stderr).toBe('');
  });

  it('--json prints the run at the end of its duration', () => {
    const result = podcap('simulate', example, '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      scenario: 'custom-networking-more-pods-than-ips',
      duration: '10m',
      pods: { running: 40, pending: 0, containerCreating: 16, total: 56 },
      nodes: { launched: 0, atEnd: 2, byType: { 'm5.large': 2 } },
    });
    expect(json.workloads.find((w: { name: string }) => w.name === 'api')).toMatchObject({
      kind: 'Deployment',
      namespace: 'default',
      desired: 50,
      running: 34,
      containerCreating: 16,
      reasons: { FailedCreatePodSandBox: 16 },
    });
    expect(json.subnets[1]).toMatchObject({ id: 'subnet-pods-a', usable: 4091, used: 40, free: 4051 });
    expect(json.findings.map((f: { code: string }) => f.code)).toContain('PODS_STUCK_NO_IP');
    expect(json.events).toBeUndefined();
  });

  it('--fail-on error exits 1 when an error is found; --events adds the log', () => {
    const result = podcap('simulate', example, '--json', '--events', '--fail-on', 'error');
    expect(result.code).toBe(1);
    const events = JSON.parse(result.stdout).events;
    expect(events.some((e: { reason: string }) => e.reason === 'FailedCreatePodSandBox')).toBe(true);
  });

  it('refuses a bad --fail-on, a bad seed and a bad scenario in one line', () => {
    expectBadInput(podcap('simulate', example, '--fail-on', 'sometimes'), '--fail-on');
    expectBadInput(podcap('simulate', example, '--seed', '-1'), '--seed');
    const dir = mkdtempSync(join(tmpdir(), 'podcap-sim-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: podcap.dev/v1alpha1\nkind: Scenario\nmetadata: { name: bad }\nspec:\n  duration: 10m\n  region: us-west-2\n  aws:\n    subnets: [{ id: subnet-a, zone: us-west-2a, cidr: 10.0.0.0/24 }]\n  nodeGroups:\n    - { name: ng, instanceType: m5.large, desired: 1, subnets: [subnet-x] }\n',
    );
    expectBadInput(podcap('simulate', file), 'subnet-x');
  });
});

/** The lines under "Examples:" of a help text, with `\` continuations joined. */
function helpExamples(help: string): string[] {
  const block = /\nExamples?:\n((?: {2}.*\n?)+)/.exec(help)?.[1] ?? '';
  return block
    .replace(/\\\n\s+/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('podcap '));
}

describe('--help of every command', () => {
  const commands = [[], ['node'], ['ips'], ['subnet'], ['simulate'], ['doctor'], ['serve'], ['exporter'], ['catalog']];
  // Servers run until Ctrl-C, and the catalog refresh and --live reads need AWS: their own tests cover them.
  const longRunningOrRemote = /catalog refresh --region|^podcap serve|^podcap exporter|--live/;

  it.each(commands)('podcap %s --help: examples, the exit codes, lines within 100 columns', (...command) => {
    const result = podcap(...command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:\n  0  ');
    expect(helpExamples(result.stdout).length).toBeGreaterThan(0);
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it.each(
    commands.flatMap((command) =>
      helpExamples(podcap(...command, '--help').stdout)
        .filter((line) => !longRunningOrRemote.test(line))
        .map((line) => [line]),
    ),
  )('%s runs as written', (line) => {
    // Files an example writes go to a scratch folder rather than into the checkout.
    const folder = mkdtempSync(join(tmpdir(), 'podcap-help-'));
    const args = line
      .split(/\s+/)
      .slice(1)
      .map((arg) => (/\.(?:html|yaml)$/.test(arg) ? join(folder, arg) : arg));
    const result = podcap(...args);
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
  });
});
