import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from '../input/input-error.js';

/** Writes beside the target and renames, so a failure leaves nothing half-written. */
export function writeFileAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`${file}: cannot write: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
