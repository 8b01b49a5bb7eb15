/**
 * Reads an input file whole, but never more than a cap: the size a stat reports is no bound (a
 * device reports 0 and never ends, a file may grow while it is read), so reading stops at cap + 1
 * bytes. Only regular files are read; a device, FIFO or socket is refused before a byte is read.
 */

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from './input-error.js';

const CHUNK_BYTES = 64 * 1024;

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'an error';
}

function fileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** The file's text as UTF-8; an InputError naming the file when it is unreadable, not a regular file or over the cap. */
export function readLimitedText(file: string, maxBytes: number, what: string): string {
  let descriptor: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever; regular files ignore it.
    descriptor = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new InputError(file, '(file)', `a readable ${what}`, errorCode(error));
  }
  try {
    let stats: Stats;
    try {
      stats = fstatSync(descriptor);
    } catch (error) {
      throw new InputError(file, '(file)', `a readable ${what}`, errorCode(error));
    }
    if (!stats.isFile()) throw new InputError(file, '(file)', `a regular ${what}`, fileType(stats));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      let read: number;
      try {
        read = readSync(descriptor, chunk, 0, chunk.length, null);
      } catch (error) {
        throw new InputError(file, '(file)', `a readable ${what}`, errorCode(error));
      }
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      total += read;
    }
    if (total > maxBytes) {
      throw new InputError(file, '(file)', `a ${what} of at most ${sizeText(maxBytes)}`, `more than ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(descriptor);
  }
}
