/**
 * The AWS SDK for JavaScript prints a nine-line NodeVersionSupportWarning on every run under Node 20
 * (@aws-sdk/core emitWarningIfUnsupportedVersion: its releases after January 2027 need Node 22). It
 * says nothing about the command, so the CLI drops that one warning and lets every other through.
 */

const NAME = 'NodeVersionSupportWarning';
const FILTERED = Symbol.for('podcap.nodeVersionSupportWarningFiltered');

type EmitWarning = (warning: string | Error, ...rest: unknown[]) => void;

/** The SDK's warning: its name leads the message (as the SDK sends it), or is its type or code. */
export function isNodeVersionSupportWarning(warning: string | Error, typeOrOptions?: unknown, code?: unknown): boolean {
  if (typeof warning === 'string' ? warning.startsWith(`${NAME}:`) : warning.name === NAME) return true;
  if (typeOrOptions === NAME || code === NAME) return true;
  if (typeof typeOrOptions === 'object' && typeOrOptions !== null) {
    const options = typeOrOptions as { type?: unknown; code?: unknown };
    return options.type === NAME || options.code === NAME;
  }
  return false;
}

/** Wraps `target.emitWarning` (once) so that the SDK's NodeVersionSupportWarning is not emitted. */
export function dropNodeVersionSupportWarning(target: { emitWarning: NodeJS.Process['emitWarning'] } = process): void {
  const original = target.emitWarning as EmitWarning & { [FILTERED]?: true };
  if (original[FILTERED]) return;
  const filtered: EmitWarning & { [FILTERED]?: true } = (warning, ...rest) => {
    if (isNodeVersionSupportWarning(warning, rest[0], rest[1])) return;
    Reflect.apply(original, target, [warning, ...rest]);
  };
  filtered[FILTERED] = true;
  target.emitWarning = filtered as NodeJS.Process['emitWarning'];
}
