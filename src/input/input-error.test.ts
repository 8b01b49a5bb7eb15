/** Every message built from input is one line with no control character a terminal would act on. */
import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, InputError, UsageError } from './input-error.js';

describe('escapeControlCharacters', () => {
  it.each([
    ['plain text, "quotes" and \\backslashes\\', 'plain text, "quotes" and \\backslashes\\'],
    ['\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['a\nb\r\tc\u0000', 'a\\x0ab\\x0d\\x09c\\x00'],
    ['\u007f\u009b', '\\x7f\\x9b'],
    ['abc\u202edef\u2028', 'abc\\u202edef\\u2028'],
    ['µs, 2×, ü', 'µs, 2×, ü'],
  ])('%j', (text, escaped) => {
    expect(escapeControlCharacters(text)).toBe(escaped);
  });
});

describe('InputError and UsageError', () => {
  it('escape every part of the message, and keep the parts escaped', () => {
    const error = new InputError('a\u001b.yaml', 'document 1: x\ny', 'a \u0007 bell', '"\u009b2J"');
    expect(error.message).toBe('a\\x1b.yaml: document 1: x\\x0ay: expected a \\x07 bell, got "\\x9b2J"');
    expect(error.file).toBe('a\\x1b.yaml');
    expect(new UsageError('--seed: expected a number, got "\u001b[2J"').message).toBe(
      '--seed: expected a number, got "\\x1b[2J"',
    );
  });
});
