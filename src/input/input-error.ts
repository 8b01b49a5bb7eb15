// Controls (C0, DEL, C1: \p{Cc}), line and paragraph separators, and the marks that reorder text on a terminal.
const CONTROL_CHARACTERS = /[\p{Cc}\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;

/**
 * Text from the input made safe to print on one terminal line: each control character becomes an
 * escape such as `\x1b` or `\u202e`, so that a file cannot move the cursor, recolour or reorder a message.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Bad input at the edge: names the file, the field path, what was expected and what was found.
 * The CLI prints `message` on one line and exits 2. Every part is stored with its control characters
 * escaped, since each may quote the input.
 */
export class InputError extends Error {
  readonly code = 'BAD_INPUT';
  readonly file: string;
  readonly fieldPath: string;
  readonly expected: string;
  readonly found: string;
  constructor(file: string, fieldPath: string, expected: string, found: string) {
    const [safeFile, safePath, safeExpected, safeFound] = [file, fieldPath, expected, found].map(
      escapeControlCharacters,
    ) as [string, string, string, string];
    super(`${safeFile}: ${safePath}: expected ${safeExpected}, got ${safeFound}`);
    this.name = 'InputError';
    this.file = safeFile;
    this.fieldPath = safePath;
    this.expected = safeExpected;
    this.found = safeFound;
  }
}

/** Bad command-line usage: a flag value, a contradiction. Exit code 2 as well. */
export class UsageError extends Error {
  readonly code = 'BAD_USAGE';
  constructor(message: string) {
    super(escapeControlCharacters(message));
    this.name = 'UsageError';
  }
}
