/**
 * One parsed document of the simulation input and how messages name it: `Deployment default/web
 * (document 2)`, or `document 3` when it has no usable name. Errors name the file, the document and
 * the field path, and show the value found there.
 */

import type { SourceRef } from '../../sim/model.js';
import { InputError } from '../input-error.js';

/** A YAML or JSON document, or an item of a kubectl `List`, before validation. */
export interface InputDocument {
  readonly file: string;
  /** 0-based position of the document in its file. */
  readonly documentIndex: number;
  /** Position in the `items` of a `List` document; null for a document that is not a list item. */
  readonly itemIndex: number | null;
  readonly value: unknown;
  /**
   * The text a scalar at a path of `value` was written as (`1e400`, `.nan`), where the parser kept it;
   * null where it did not. Messages show a number as written rather than as JavaScript reads it.
   */
  readonly scalarSource?: (path: readonly PropertyKey[]) => string | null;
}

/** Kinds whose objects live in a namespace, named `namespace/name` in messages. */
const NAMESPACED_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Pod',
  'SecurityGroupPolicy',
]);

export const DEFAULT_NAMESPACE = 'default';

export function sourceRef(document: InputDocument): SourceRef {
  return { file: document.file, documentIndex: document.documentIndex };
}

function position(document: InputDocument): string {
  const item = document.itemIndex === null ? '' : `, items[${document.itemIndex}]`;
  return `document ${document.documentIndex + 1}${item}`;
}

function stringField(value: unknown, key: string): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const field = (value as Readonly<Record<string, unknown>>)[key];
  return typeof field === 'string' && field !== '' ? field : null;
}

/** The object's kind and name as far as they can be read from the raw value. */
export function rawIdentity(value: unknown): { kind: string | null; namespace: string | null; name: string | null } {
  const metadata =
    value !== null && typeof value === 'object' ? (value as Readonly<Record<string, unknown>>).metadata : undefined;
  return {
    kind: stringField(value, 'kind'),
    namespace: stringField(metadata, 'namespace'),
    name: stringField(metadata, 'name'),
  };
}

/** How messages name a document: its kind and name when it has them, its position always. */
export function documentLabel(document: InputDocument): string {
  const { kind, namespace, name } = rawIdentity(document.value);
  if (kind === null || name === null) return position(document);
  const namespaced = NAMESPACED_KINDS.has(kind) || namespace !== null;
  const qualified = namespaced ? `${namespace ?? DEFAULT_NAMESPACE}/${name}` : name;
  return `${cut(kind)} ${cut(qualified)} (${position(document)})`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Characters of a value, or of a key in a path, that a message shows before cutting it short. */
const SHOWN_CHARACTERS = 60;

function cut(text: string): string {
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS - 3)}...` : text;
}

/** A string as JSON, read no further than a message shows. */
function quoted(text: string): string {
  return JSON.stringify(text.length > SHOWN_CHARACTERS ? text.slice(0, SHOWN_CHARACTERS + 1) : text);
}

/** `spec.containers[0].resources.requests["nvidia.com/gpu"]`: dots between names, brackets for indexes and odd keys. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      if (!IDENTIFIER.test(text)) return `[${cut(quoted(text))}]`;
      return i === 0 ? cut(text) : `.${cut(text)}`;
    })
    .join('');
}

/** The raw value at a path, or undefined where the path leads nowhere. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Readonly<Record<PropertyKey, unknown>>)[key];
  }
  return current;
}

/** YAML's spelling of the numbers JSON has none for. */
function describeNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  return JSON.stringify(value);
}

/**
 * Writes a value as JSON until a message has enough of it: the work is bounded by the characters
 * shown, however large or deep the value, and a value that contains itself (a YAML alias inside its
 * own anchor) is written `<circular>` where it recurs.
 */
function writeValue(value: unknown, out: string[], ancestors: Set<object>, budget: { left: number }): void {
  const put = (text: string): void => {
    out.push(text);
    budget.left -= text.length;
  };
  if (typeof value === 'string') {
    put(quoted(value));
    return;
  }
  if (typeof value === 'number' || value === null || typeof value !== 'object') {
    put(typeof value === 'number' ? describeNumber(value) : String(value));
    return;
  }
  if (ancestors.has(value)) {
    put('<circular>');
    return;
  }
  ancestors.add(value);
  const array = Array.isArray(value);
  put(array ? '[' : '{');
  let first = true;
  for (const key of array ? value.keys() : Object.keys(value)) {
    if (budget.left <= 0) break;
    if (!first) put(',');
    first = false;
    if (!array) put(`${quoted(String(key))}:`);
    writeValue((value as Readonly<Record<PropertyKey, unknown>>)[key], out, ancestors, budget);
  }
  if (budget.left > 0) put(array ? ']' : '}');
  ancestors.delete(value);
}

/** A value as a message shows it: JSON, cut short; NaN and infinities as YAML writes them. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const out: string[] = [];
  writeValue(value, out, new Set(), { left: SHOWN_CHARACTERS + 1 });
  return cut(out.join(''));
}

/** The value at a path of a document as a message shows it: a number as it was written, where known. */
export function describeValueAt(document: InputDocument, path: readonly PropertyKey[]): string {
  const value = valueAt(document.value, path);
  if (typeof value === 'number' && document.scalarSource !== undefined) {
    const written = document.scalarSource(path);
    if (written !== null && written !== '') return cut(written);
  }
  return describeValue(value);
}

/** An InputError at a field of a document; `found` defaults to the raw value there. */
export function fieldError(
  document: InputDocument,
  path: readonly PropertyKey[],
  expected: string,
  found: string = describeValueAt(document, path),
): InputError {
  return new InputError(document.file, `${documentLabel(document)}: ${formatFieldPath(path)}`, expected, found);
}

/** Names for a list in a message: the first few, then how many more. */
export function listNames(names: readonly string[], limit = 8): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, limit).map(cut).join(', ');
  return names.length > limit ? `${shown}, and ${names.length - limit} more` : shown;
}
