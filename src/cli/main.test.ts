import { describe, expect, it } from 'vitest';
import { type Io, main } from './main.js';

function capture(terminal?: Io['terminal']) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), ...(terminal ? { terminal } : {}) };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const IPS = ['ips', '--instance-type', 'm5.large', '--pods-per-node', '20', '--nodes', '50', '--subnet', '10.0.0.0/24'];

const tty = (env: Record<string, string> = {}) => ({ stdoutIsTty: true, stderrIsTty: true, env, columns: 100 });

describe('colour', () => {
  it('paints findings on a terminal', async () => {
    const run = capture(tty());
    expect(await main(IPS, run.io)).toBe(0);
    // 10.0.0.0/24 holds 8 of the 50 nodes: the ✗ of that finding in red.
    expect(run.stdout()).toContain('  \u001b[31m✗\u001b[39m Does not fit: 10.0.0.0/24 holds 8 of the 50 nodes');
  });

  it('never with NO_COLOR, without a terminal, or in JSON', async () => {
    for (const [terminal, args] of [
      [tty({ NO_COLOR: '1' }), IPS],
      [undefined, IPS],
      [tty(), [...IPS, '--json']],
    ] as const) {
      const run = capture(terminal);
      await main(args, run.io);
      expect(run.stdout()).not.toContain('\u001b[');
      expect(run.stdout().length).toBeGreaterThan(0);
    }
  });
});

describe('--quiet', () => {
  it('prints nothing and keeps the exit code', async () => {
    const run = capture(tty());
    expect(await main(['--quiet', 'subnet', '10.0.0.0/24'], run.io)).toBe(0);
    expect(run.stdout()).toBe('');
    const bad = capture(tty());
    expect(await main(['subnet', '10.0.0.0/33', '-q'], bad.io)).toBe(2);
    expect(bad.stderr()).toMatch(/^podcap: .*10\.0\.0\.0\/33/);
  });
});

describe('--version', () => {
  it('prints the package version', async () => {
    const run = capture();
    expect(await main(['--version'], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
