/**
 * Bad input at the edge: names the file, the field path, what was expected and what was found.
 * The CLI prints `message` on one line and exits 2.
 */
export class InputError extends Error {
  readonly code = 'BAD_INPUT';
  constructor(
    readonly file: string,
    readonly fieldPath: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: ${fieldPath}: expected ${expected}, got ${found}`);
    this.name = 'InputError';
  }
}

/** Bad command-line usage: a flag value, a contradiction. Exit code 2 as well. */
export class UsageError extends Error {
  readonly code = 'BAD_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
