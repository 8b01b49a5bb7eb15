import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../input/input-error.js';
import { checkOutputFiles, resolveOutputFile, writeFileAtomically, writeOutputFiles } from './write-file.js';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'podcap-write-'));
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

describe('resolveOutputFile', () => {
  it('takes a new file in an existing folder, and an existing regular file', () => {
    const dir = folder();
    writeFileSync(join(dir, 'old.html'), 'old');
    expect(resolveOutputFile('--report', join(dir, 'new.html')).target).toMatch(/new\.html$/);
    expect(resolveOutputFile('--report', join(dir, 'old.html')).target).toMatch(/old\.html$/);
  });

  it.each([
    ['a folder', (dir: string) => mkdirSync(join(dir, 'out')), 'out', 'expected a file path, found a folder'],
    ['a folder path', () => undefined, 'out/', 'expected a file path, found a folder path'],
    [
      'a FIFO',
      (dir: string) => execFileSync('mkfifo', [join(dir, 'out')]),
      'out',
      'expected a regular file (or a new one), found a FIFO',
    ],
    [
      'a symlink to nothing',
      (dir: string) => symlinkSync(join(dir, 'missing'), join(dir, 'out')),
      'out',
      'expected a file path, found a symlink to nothing',
    ],
    ['a missing folder', () => undefined, 'no/out', 'expected a file in an existing folder, found no folder '],
  ])('refuses %s, naming the flag and the path', (_, make, name, expected) => {
    const dir = folder();
    make(dir);
    const file = join(dir, name);
    expect(messageOf(() => resolveOutputFile('--report', file))).toContain(`--report ${file}: ${expected}`);
  });

  it('refuses an empty name', () => {
    expect(messageOf(() => resolveOutputFile('--out', ''))).toBe('--out: expected a file name, got ""');
  });
});

describe('checkOutputFiles', () => {
  it('refuses an output that is one of the inputs, by real path (a symlink to it too)', () => {
    const dir = folder();
    const input = join(dir, 'scenario.yaml');
    writeFileSync(input, 'kind: Scenario\n');
    symlinkSync(input, join(dir, 'link.yaml'));
    expect(messageOf(() => checkOutputFiles([{ flag: '--report', file: input }], [{ file: input }]))).toBe(
      `--report ${input}: expected a file that is not one of the inputs, found the input ${input}`,
    );
    const link = join(dir, 'link.yaml');
    expect(
      messageOf(() => checkOutputFiles([{ flag: '--report', file: link }], [{ file: input, label: 'the catalog' }])),
    ).toBe(`--report ${link}: expected a file that is not one of the inputs, found the catalog`);
    expect(readFileSync(input, 'utf8')).toBe('kind: Scenario\n');
  });

  it('refuses two outputs on the same file, and skips flags not given', () => {
    const dir = folder();
    const file = join(dir, 'out.yaml');
    const outputs = [
      { flag: '--export-scenario', file },
      { flag: '--report', file },
    ];
    expect(messageOf(() => checkOutputFiles(outputs, []))).toBe(
      `--report ${file}: expected a file apart from --export-scenario ${file}, found the same file`,
    );
    expect(checkOutputFiles([{ flag: '--report', file: undefined }], [])).toEqual([]);
  });
});

describe('writeOutputFiles', () => {
  it('writes through a symlink: the link stays, the file it points to gets the text', () => {
    const dir = folder();
    const target = join(dir, 'target.html');
    writeFileSync(target, 'old');
    symlinkSync('target.html', join(dir, 'link.html'));
    writeFileAtomically(join(dir, 'link.html'), 'new', '--report');
    expect(lstatSync(join(dir, 'link.html')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.html'))).toBe('target.html');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['link.html', 'target.html']);
  });

  it('writes all or none: a target that became a folder leaves the other file unwritten', () => {
    const dir = folder();
    const [first, second] = checkOutputFiles(
      [
        { flag: '--export-scenario', file: join(dir, 'out.yaml') },
        { flag: '--report', file: join(dir, 'report.html') },
      ],
      [],
    );
    if (first === undefined || second === undefined) throw new Error('expected two outputs');
    mkdirSync(join(dir, 'report.html'));
    const message = messageOf(() =>
      writeOutputFiles([
        { output: first, text: 'scenario' },
        { output: second, text: 'report' },
      ]),
    );
    expect(message).toBe(`--report ${join(dir, 'report.html')}: expected a file path, found a folder`);
    expect(readdirSync(dir)).toEqual(['report.html']);
  });
});
