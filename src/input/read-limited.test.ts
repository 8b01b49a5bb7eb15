/** Reading an input file: regular files only, and never more than the cap and one byte. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLimitedText } from './read-limited.js';

const root = mkdtempSync(join(tmpdir(), 'podcap-read-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readLimitedText', () => {
  it('reads a file of exactly the cap, as UTF-8', () => {
    const file = join(root, 'exact.yaml');
    writeFileSync(file, 'a: µ\n');
    expect(readLimitedText(file, 6, 'file')).toBe('a: µ\n');
  });

  it('refuses a file one byte over the cap', () => {
    const file = join(root, 'over.yaml');
    writeFileSync(file, 'a: µ\n');
    expect(() => readLimitedText(file, 5, 'file')).toThrow(
      `${file}: (file): expected a file of at most 5 bytes, got more than 5 bytes`,
    );
  });

  it('names the cap in MiB when it is whole MiB', () => {
    const file = join(root, 'big.json');
    writeFileSync(file, 'x'.repeat(1024 * 1024 + 1));
    expect(() => readLimitedText(file, 1024 * 1024, 'catalog file')).toThrow(
      `${file}: (file): expected a catalog file of at most 1 MiB, got more than 1048576 bytes`,
    );
  });

  it('refuses a folder and a missing file', () => {
    const folder = join(root, 'folder');
    mkdirSync(folder);
    expect(() => readLimitedText(folder, 10, 'file')).toThrow(
      `${folder}: (file): expected a regular file, got a folder`,
    );
    expect(() => readLimitedText(join(root, 'missing'), 10, 'file')).toThrow(
      `${join(root, 'missing')}: (file): expected a readable file, got ENOENT`,
    );
  });

  it.runIf(process.platform === 'linux')('refuses a device, which a stat sizes as 0 and which never ends', () => {
    expect(() => readLimitedText('/dev/zero', 10, 'catalog file')).toThrow(
      '/dev/zero: (file): expected a regular catalog file, got a character device',
    );
  });
});
