/**
 * Runs a zod schema over a document and turns its first issue into an InputError that names the
 * document, the field path, what was expected and what was found.
 */

import { z } from 'zod';
import { suggestNames } from '../../core/catalog.js';
import { describeValue, describeValueAt, fieldError, type InputDocument } from './document.js';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'null',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? `a ${expected}`;
}

function bound(origin: string, limit: number | bigint, inclusive: boolean, direction: 'least' | 'most'): string {
  const comparison = inclusive ? `at ${direction}` : direction === 'least' ? 'above' : 'below';
  switch (origin) {
    case 'string':
      return limit === 1 && direction === 'least'
        ? 'a non-empty string'
        : `a string of ${comparison} ${limit} characters`;
    case 'array':
      return `a list of ${comparison} ${limit} item${limit === 1 ? '' : 's'}`;
    default:
      return `a number ${comparison} ${limit}`;
  }
}

function fieldsOf(schema: unknown): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The per-parse error map: every message is the `expected` part of an InputError. */
function expectedText(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${typeName(issue.expected)} (required)`;
      // NaN and the infinities (.nan, .inf, 1e400) are numbers to JavaScript, but no field takes them.
      if (typeof issue.input === 'number' && issue.expected === 'number') return 'a finite number';
      return typeName(issue.expected);
    case 'too_small':
      return bound(issue.origin, issue.minimum, issue.inclusive ?? true, 'least');
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.inclusive ?? true, 'most');
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys': {
      const fields = fieldsOf(issue.inst);
      const [suggestion] = suggestNames(issue.keys[0] ?? '', fields, 1);
      const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
      return `one of the fields ${fields.join(', ')}${hint}`;
    }
    case 'invalid_union': {
      const alternatives = issue.errors.flatMap((errors) =>
        errors.flatMap((e) => (e.code === 'invalid_type' ? [typeName(e.expected)] : [])),
      );
      return alternatives.length > 0 ? [...new Set(alternatives)].join(' or ') : 'one of the accepted forms';
    }
    case 'invalid_format':
      return issue.pattern === undefined ? `a valid ${issue.format}` : `a string matching ${issue.pattern}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'invalid_key':
      return 'a valid key';
    case 'invalid_element':
      return 'a valid element';
    case 'custom':
      return issue.message ?? 'a valid value';
  }
}

/** zod's own bound on every int: a field's real bound, reported at the same path, says more. */
function isSafeIntegerBound(issue: z.core.$ZodIssue): boolean {
  return (
    (issue.code === 'too_big' || issue.code === 'too_small') &&
    issue.origin === 'int' &&
    Math.abs(Number(issue.code === 'too_big' ? issue.maximum : issue.minimum)) === Number.MAX_SAFE_INTEGER
  );
}

/** An unknown field explains a missing one, so it is reported first; zod's safe-integer bound last. */
function rank(issue: z.core.$ZodIssue): number {
  if (issue.code === 'unrecognized_keys') return 0;
  return isSafeIntegerBound(issue) ? 2 : 1;
}

/** The first problem a schema found: where, what was expected there, and an unknown key's name when that is it. */
export interface FirstIssue {
  readonly path: readonly PropertyKey[];
  readonly expected: string;
  readonly unknownKey: string | null;
}

/** Runs a schema with the messages of this module; the output, or the issue to report. */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { readonly ok: true; readonly data: z.output<S> } | { readonly ok: false; readonly issue: FirstIssue } {
  const result = schema.safeParse(value, { error: expectedText });
  if (result.success) return { ok: true, data: result.data };
  const [issue] = [...result.error.issues].sort((a, b) => rank(a) - rank(b));
  if (issue === undefined) return { ok: false, issue: { path: [], expected: 'a valid document', unknownKey: null } };
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return { ok: false, issue: { path: [...issue.path, key], expected: issue.message, unknownKey: key } };
  }
  return { ok: false, issue: { path: issue.path, expected: issue.message, unknownKey: null } };
}

/** Validates a document with a schema; throws an InputError for its first issue. */
export function validateDocument<S extends z.ZodType>(schema: S, document: InputDocument): z.output<S> {
  const result = parseWithSchema(schema, document.value);
  if (result.ok) return result.data;
  const { path, expected, unknownKey } = result.issue;
  throw fieldError(
    document,
    path,
    expected,
    unknownKey === null ? describeValueAt(document, path) : describeValue(unknownKey),
  );
}
