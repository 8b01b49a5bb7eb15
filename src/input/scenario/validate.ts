/**
 * Runs a zod schema over a document and turns its first issue into an InputError that names the
 * document, the field path, what was expected and what was found.
 */

import { z } from 'zod';
import { suggestNames } from '../../core/catalog.js';
import { describeValue, fieldError, type InputDocument, valueAt } from './document.js';

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
      return issue.input === undefined ? `${typeName(issue.expected)} (required)` : typeName(issue.expected);
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

/** An unknown field explains a missing one, so it is reported first. */
function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1;
}

/** Validates a document with a schema; throws an InputError for its first issue. */
export function validateDocument<S extends z.ZodType>(schema: S, document: InputDocument): z.output<S> {
  const result = schema.safeParse(document.value, { error: expectedText });
  if (result.success) return result.data;
  const [issue] = [...result.error.issues].sort((a, b) => rank(a) - rank(b));
  if (issue === undefined) throw fieldError(document, [], 'a valid document');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw fieldError(document, [...issue.path, key], issue.message, JSON.stringify(key));
  }
  throw fieldError(document, issue.path, issue.message, describeValue(valueAt(document.value, issue.path)));
}
