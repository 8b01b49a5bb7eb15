/**
 * How the errors of a cluster export read once they leave podcap: control characters from the files
 * (a name, a key, a path) escaped, so that a file cannot drive the terminal, and no YAML advice, since
 * an export is JSON.
 */

import { InputError } from '../input/input-error.js';
import { STRING_VALUE_EXPECTED } from '../input/scenario/fields.js';

/** C0 and C1 controls, DEL, line and paragraph separators, and the marks that reorder text on a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `\x1b` for ESC, `\u202e` for a right-to-left override: the escapes InputError messages use. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A parenthesised hint about YAML quoting, as the shared scenario fields word some expectations. */
const YAML_HINT = / \([^()]*\bYAML\b[^()]*\)/g;

function withoutYamlAdvice(expected: string): string {
  return expected.replaceAll(STRING_VALUE_EXPECTED, 'a string').replace(YAML_HINT, '');
}

/** An InputError worded for a cluster export; any other error as it is. */
export function exportError(error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  return new InputError(
    escapeControlCharacters(error.file),
    escapeControlCharacters(error.fieldPath),
    escapeControlCharacters(withoutYamlAdvice(error.expected)),
    escapeControlCharacters(error.found),
  );
}
