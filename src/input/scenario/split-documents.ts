/**
 * Text to documents: YAML streams (several documents with `---`) or JSON, with kubectl `List`s
 * unwrapped into their items. Nothing in the text is evaluated: YAML tags stay data, and aliases may
 * expand only a little, so that an alias bomb is refused instead of eating memory. A document that
 * nests too deep or contains itself is refused before anything recurses through it.
 */

import { type Document, isScalar, parseAllDocuments, parseDocument } from 'yaml';
import { InputError } from '../input-error.js';
import { fieldError, type InputDocument } from './document.js';

/** One input file's name and text. */
export interface InputSource {
  readonly file: string;
  readonly text: string;
}

/** Aliased nodes a document may expand to; real manifests use few or none. */
export const MAX_ALIAS_COUNT = 50;

/**
 * Mappings and lists a document may nest: a Deployment's deepest field (a node affinity value) is
 * about 12 levels down and a CRD's schema rarely passes 60, while the parsers and validators recurse
 * once per level and run out of stack some hundreds of levels down.
 */
export const MAX_NESTING_DEPTH = 256;

type ScalarSource = (path: readonly PropertyKey[]) => string | null;

/** A parsed document's value and where its scalars' text can be found. */
interface ParsedDocument {
  readonly value: unknown;
  readonly scalarSource: ScalarSource;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function isJson(file: string): boolean {
  return file.toLowerCase().endsWith('.json');
}

/** A scalar's text in a YAML document, when it is the scalar the value holds (not one merged or aliased in). */
function scalarIn(document: Document, path: readonly PropertyKey[], value: unknown): string | null {
  const node = document.getIn(path, true);
  if (!isScalar(node) || !Object.is(node.value, value) || typeof node.source !== 'string') return null;
  return node.source;
}

function sourceOf(getDocument: () => Document, value: unknown): ScalarSource {
  return (path) => {
    let found: unknown = value;
    for (const key of path) {
      if (found === null || typeof found !== 'object') return null;
      found = (found as Readonly<Record<PropertyKey, unknown>>)[key];
    }
    return scalarIn(getDocument(), path, found);
  };
}

function stackExhausted(error: unknown): boolean {
  return error instanceof RangeError || /Maximum call stack size exceeded/.test(String(error));
}

function tooDeep(file: string, where: string): InputError {
  return new InputError(
    file,
    where,
    `mappings and lists nested at most ${MAX_NESTING_DEPTH} levels deep`,
    'deeper nesting (refused before it exhausts the stack)',
  );
}

interface Visit {
  readonly node: object;
  readonly depth: number;
  readonly parent: Visit | null;
  readonly key: PropertyKey;
  leaving: boolean;
}

function pathOf(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at: Visit | null = visit; at?.parent; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * Refuses a value nested deeper than MAX_NESTING_DEPTH, or one that contains itself: a YAML alias inside
 * its own anchor, which go-yaml (and so kubectl) refuses as "anchor value contains itself". Iterative,
 * so that the check itself cannot exhaust the stack.
 */
function checkNesting(value: unknown, file: string, documentIndex: number, where: string): void {
  const onPath = new Set<object>();
  const stack: Visit[] = [];
  const visit = (node: unknown, parent: Visit | null, key: PropertyKey): void => {
    if (node === null || typeof node !== 'object') return;
    const depth = (parent?.depth ?? 0) + 1;
    if (onPath.has(node)) {
      const document: InputDocument = { file, documentIndex, itemIndex: null, value };
      const path = parent === null ? [] : [...pathOf(parent), key];
      throw fieldError(
        document,
        path,
        'YAML whose aliases are not inside their own anchor',
        'an alias of an enclosing anchor',
      );
    }
    if (depth > MAX_NESTING_DEPTH) throw tooDeep(file, where);
    stack.push({ node, depth, parent, key, leaving: false });
  };
  visit(value, null, '');
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.leaving) {
      onPath.delete(top.node);
      continue;
    }
    onPath.add(top.node);
    top.leaving = true;
    stack.push(top);
    const parent = top;
    const entries: Iterable<[PropertyKey, unknown]> = Array.isArray(top.node)
      ? top.node.entries()
      : Object.entries(top.node);
    for (const [key, child] of entries) visit(child, parent, key);
  }
}

function parseJson(source: InputSource, text: string): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(source.file, '(file)', 'JSON', firstLine((error as Error).message));
  }
  checkNesting(value, source.file, 0, '(file)');
  // JSON is YAML 1.2 flow, so the YAML parser finds a number's text; only an error message needs it.
  let document: Document | null = null;
  const getDocument = (): Document => {
    document ??= parseDocument(text);
    return document;
  };
  return { value, scalarSource: sourceOf(getDocument, value) };
}

function parseYaml(source: InputSource, text: string): ParsedDocument[] {
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    // YAML 1.2 core schema (what sigs.k8s.io/yaml reads for JSON-compatible manifests), merge keys as go-yaml.
    documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    if (stackExhausted(error)) throw tooDeep(source.file, '(file)');
    throw new InputError(source.file, '(file)', 'YAML', firstLine((error as Error).message));
  }
  if (!Array.isArray(documents)) return [];
  return documents.map((document, index) => {
    const where = `document ${index + 1}`;
    const [error] = document.errors;
    if (error !== undefined) {
      if (stackExhausted(error.message)) throw tooDeep(source.file, where);
      throw new InputError(source.file, where, 'YAML', firstLine(error.message));
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        throw new InputError(
          source.file,
          where,
          `YAML without alias expansion beyond ${MAX_ALIAS_COUNT} nodes`,
          'aliases that expand further (refused as a resource exhaustion attack)',
        );
      }
      if (stackExhausted(error)) throw tooDeep(source.file, where);
      throw new InputError(source.file, where, 'YAML', firstLine((error as Error).message));
    }
    checkNesting(value, source.file, index, where);
    return { value, scalarSource: sourceOf(() => document, value) };
  });
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A kubectl `List` (or a typed list such as `DeploymentList` from the API) becomes its items; items of
 * a typed list carry no kind, so they take it from the list's.
 */
function unwrapList(document: InputDocument, scalarSource: ScalarSource): InputDocument[] {
  const { value } = document;
  if (
    !isRecord(value) ||
    typeof value.kind !== 'string' ||
    !value.kind.endsWith('List') ||
    !Array.isArray(value.items)
  ) {
    return [{ ...document, scalarSource }];
  }
  const itemKind = value.kind === 'List' ? null : value.kind.slice(0, -'List'.length);
  return value.items.map((item: unknown, itemIndex): InputDocument => {
    const filled =
      itemKind !== null && isRecord(item) && item.kind === undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item;
    return {
      file: document.file,
      documentIndex: document.documentIndex,
      itemIndex,
      value: filled,
      scalarSource: (path) => scalarSource(['items', itemIndex, ...path]),
    };
  });
}

/** A JSON file that holds one document (a catalog), checked for nesting like the simulation's inputs. */
export function parseJsonDocument(source: InputSource): InputDocument {
  const text = source.text.startsWith('\uFEFF') ? source.text.slice(1) : source.text;
  const { value, scalarSource } = parseJson(source, text);
  return { file: source.file, documentIndex: 0, itemIndex: null, value, scalarSource };
}

/** The documents of one file, in order; empty documents are skipped. */
export function splitDocuments(source: InputSource): InputDocument[] {
  const text = source.text.startsWith('\uFEFF') ? source.text.slice(1) : source.text;
  const parsed = isJson(source.file) ? [parseJson(source, text)] : parseYaml(source, text);
  return parsed.flatMap(({ value, scalarSource }, documentIndex) => {
    if (value === null || value === undefined) return [];
    return unwrapList({ file: source.file, documentIndex, itemIndex: null, value }, scalarSource);
  });
}
