/**
 * The files of `podcap simulate`: files as given, folders searched recursively for YAML and JSON,
 * each file read whole up to a size that no real set of manifests reaches.
 */

import { readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { InputError } from '../input-error.js';
import { readLimitedText } from '../read-limited.js';
import type { InputSource } from './split-documents.js';

/** Larger inputs are refused: reading stops at this many bytes and one more. */
export const MAX_INPUT_FILE_BYTES = 10 * 1024 * 1024;

const INPUT_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'an error';
}

/** Input files under a folder, sorted by path; hidden entries are skipped, symlinked folders visited once. */
function filesUnder(folder: string, visited: Set<string>): string[] {
  const real = realpathSync(folder);
  if (visited.has(real)) return [];
  visited.add(real);
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    const stats = entry.isSymbolicLink() ? statSync(path, { throwIfNoEntry: false }) : entry;
    if (stats === undefined) continue;
    if (stats.isDirectory()) files.push(...filesUnder(path, visited));
    else if (stats.isFile() && INPUT_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files.sort();
}

/** The files the paths name, in the order given, each once. */
export function collectInputFiles(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new InputError('(arguments)', '(paths)', 'at least one file or folder', 'none');
  const files: string[] = [];
  const seen = new Set<string>();
  const visited = new Set<string>();
  for (const path of paths) {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      throw new InputError(path, '(path)', 'a file or folder that exists', errorCode(error));
    }
    let found: string[];
    if (stats.isDirectory()) {
      found = filesUnder(path, visited);
      if (found.length === 0)
        throw new InputError(path, '(folder)', 'a folder with .yaml, .yml or .json files', 'none');
    } else {
      found = [path];
    }
    for (const file of found) {
      const key = resolve(file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return files;
}

export function readInputSource(file: string): InputSource {
  return { file, text: readLimitedText(file, MAX_INPUT_FILE_BYTES, 'file') };
}
