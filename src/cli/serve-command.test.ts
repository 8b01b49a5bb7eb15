import { createServer } from 'node:net';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../input/input-error.js';
import type { RunningServer } from '../serve/server.js';
import { bundledCatalog } from '../test-support/fixtures.js';
import { parseHost, parsePort, registerServeCommand } from './serve-command.js';

function program(hooks: Parameters<typeof registerServeCommand>[3]) {
  const out: string[] = [];
  const command = new Command('podcap').exitOverride();
  registerServeCommand(command, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) }, bundledCatalog, hooks);
  return { command, out };
}

async function usageError(argv: readonly string[]): Promise<string> {
  const { command } = program({});
  try {
    await command.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('podcap serve', () => {
  it('prints one line with the real port for --port 0 and serves until stopped', async () => {
    const stop = new AbortController();
    let running: RunningServer | null = null;
    const { command, out } = program({
      signal: stop.signal,
      onListening: (server) => {
        running = server;
      },
    });
    const done = command.parseAsync(['serve', '--port', '0'], { from: 'user' });
    await expect.poll(() => running).not.toBeNull();
    const server = running as unknown as RunningServer;
    expect(out).toEqual([`podcap: serving http://127.0.0.1:${server.port}/ (Ctrl-C to stop)\n`]);
    expect((await fetch(server.url)).status).toBe(200);
    stop.abort();
    await done;
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it.each([
    [['--port', '70000'], '--port "70000": expected a port from 0 to 65535 (0 picks a free one)'],
    [['--port', 'http'], '--port "http": expected a port from 0 to 65535'],
    [['--port', '-1'], '--port "-1": expected a port'],
    [['--host', 'not a host'], '--host "not a host": expected an address to listen on'],
    [['--host', '10.0.0.0/8'], '--host "10.0.0.0/8": expected an address to listen on'],
  ])('%j is a one-line usage error', async (flags, message) => {
    const text = await usageError(['serve', ...flags]);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  it('names --port when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      expect(await usageError(['serve', '--port', String(port)])).toBe(
        `--port ${port}: already in use on 127.0.0.1; pick another, or --port 0 for a free one`,
      );
    } finally {
      blocker.close();
    }
  });

  it('has help with examples that run as written', () => {
    const { command } = program({});
    const serve = command.commands.find((c) => c.name() === 'serve');
    let help = '';
    serve?.configureOutput({ writeOut: (text) => (help += text) });
    serve?.outputHelp();
    expect(help).toContain('--port <n>');
    expect(help).toContain('podcap serve --port 0');
  });

  it.each([
    [undefined, 7420],
    ['0', 0],
    ['8080', 8080],
  ])('--port %s is %i', (text, port) => {
    expect(parsePort(text)).toBe(port);
  });

  it.each([
    [undefined, '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['localhost', 'localhost'],
  ])('--host %s is %s', (text, host) => {
    expect(parseHost(text)).toBe(host);
  });
});
