/**
 * The files a command writes (`--report`, `--export-scenario`, `--out`): checked before the command
 * runs, then written whole or not at all.
 *
 * A path that is a symlink is followed: the file it points to is replaced (a temporary file in that
 * file's folder, then a rename), so the link keeps pointing at it, as a shell's `>` would write through
 * it. A symlink to nothing is refused, and so is anything that exists and is not a regular file (a
 * folder, a FIFO, a device, a socket), and a path that is one of the command's inputs.
 */

import {
  accessSync,
  constants,
  lstatSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../input/input-error.js';

/** One file a command writes: the flag that names it, the path as given and the real file written. */
export interface OutputFile {
  readonly flag: string;
  readonly file: string;
  /** The absolute real path that is replaced: symlinks resolved. */
  readonly target: string;
}

/** A file the command reads, which no output may replace. */
export interface InputFile {
  readonly file: string;
  /** How the message names it; default `the input FILE`. */
  readonly label?: string;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'an error';
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'something other than a regular file';
}

/** Where `file` would be written, checked: throws a UsageError naming the flag and what it found. */
export function resolveOutputFile(flag: string, file: string): OutputFile {
  if (file === '') throw new UsageError(`${flag}: expected a file name, got ""`);
  const refuse = (expected: string, found: string) =>
    new UsageError(`${flag} ${file}: expected ${expected}, found ${found}`);
  if (/[\\/]$/.test(file)) throw refuse('a file path', 'a folder path');
  let target: string;
  try {
    const link = lstatSync(file, { throwIfNoEntry: false });
    if (link === undefined) {
      const folder = dirname(resolve(file));
      if (statSync(folder, { throwIfNoEntry: false })?.isDirectory() !== true) {
        throw refuse('a file in an existing folder', `no folder ${folder}`);
      }
      target = join(realpathSync(folder), basename(file));
    } else {
      if (link.isSymbolicLink() && statSync(file, { throwIfNoEntry: false }) === undefined) {
        throw refuse('a file path', 'a symlink to nothing');
      }
      target = realpathSync(file);
      const stats = statSync(target);
      if (stats.isDirectory()) throw refuse('a file path', 'a folder');
      if (!stats.isFile()) throw refuse('a regular file (or a new one)', kindOf(stats));
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw refuse('a file path podcap can write', errorCode(error));
  }
  try {
    // The temporary file and the rename need the folder, not the file, to be writable.
    accessSync(dirname(target), constants.W_OK);
  } catch (error) {
    throw refuse('a file in a folder podcap can write to', `${dirname(target)}: ${errorCode(error)}`);
  }
  return { flag, file, target };
}

/**
 * Checks every file a command will write, before it reads or runs anything: each must be writable
 * (resolveOutputFile), none may be one of `inputs` (compared by real path) and no two the same file.
 */
export function checkOutputFiles(
  outputs: readonly { readonly flag: string; readonly file: string | undefined }[],
  inputs: readonly InputFile[],
): OutputFile[] {
  const inputsByTarget = new Map<string, string>();
  for (const input of inputs) {
    let real: string;
    try {
      real = realpathSync(input.file);
    } catch {
      continue;
    }
    if (!inputsByTarget.has(real)) inputsByTarget.set(real, input.label ?? `the input ${input.file}`);
  }
  const checked: OutputFile[] = [];
  for (const { flag, file } of outputs) {
    if (file === undefined) continue;
    const output = resolveOutputFile(flag, file);
    const input = inputsByTarget.get(output.target);
    if (input !== undefined) {
      throw new UsageError(`${flag} ${file}: expected a file that is not one of the inputs, found ${input}`);
    }
    const other = checked.find((o) => o.target === output.target);
    if (other !== undefined) {
      throw new UsageError(
        `${flag} ${file}: expected a file apart from ${other.flag} ${other.file}, found the same file`,
      );
    }
    checked.push(output);
  }
  return checked;
}

/**
 * Writes each text to its file: every temporary file first, beside its target, then the renames, so a
 * failure leaves every target as it was and no temporary file behind.
 */
export function writeOutputFiles(writes: readonly { readonly output: OutputFile; readonly text: string }[]): void {
  // Checked again: the run may have taken long enough for the paths to change.
  const planned = writes.map(({ output, text }) => {
    const target = resolveOutputFile(output.flag, output.file).target;
    const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    return { output, text, target, temporary };
  });
  const written: string[] = [];
  let current = planned[0];
  try {
    for (const write of planned) {
      current = write;
      rmSync(write.temporary, { force: true });
      writeFileSync(write.temporary, write.text, { flag: 'wx' });
      written.push(write.temporary);
    }
    for (const write of planned) {
      current = write;
      renameSync(write.temporary, write.target);
      written.shift();
    }
  } catch (error) {
    for (const temporary of written) rmSync(temporary, { force: true });
    const flag = current === undefined ? '' : `${current.output.flag} ${current.output.file}: `;
    throw new UsageError(`${flag}cannot write: ${errorCode(error)}`);
  }
}

/** Writes one file whole or not at all (see writeOutputFiles); `flag` names it in errors. */
export function writeFileAtomically(file: string, text: string, flag = '--out'): void {
  writeOutputFiles([{ output: resolveOutputFile(flag, file), text }]);
}
