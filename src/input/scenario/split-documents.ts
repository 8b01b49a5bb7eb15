/**
 * Text to documents: YAML streams (several documents with `---`) or JSON, with kubectl `List`s
 * unwrapped into their items. Nothing in the text is evaluated: YAML tags stay data, and aliases may
 * expand only a little, so that an alias bomb is refused instead of eating memory.
 */

import { parseAllDocuments } from 'yaml';
import { InputError } from '../input-error.js';
import type { InputDocument } from './document.js';

/** One input file's name and text. */
export interface InputSource {
  readonly file: string;
  readonly text: string;
}

/** Aliased nodes a document may expand to; real manifests use few or none. */
export const MAX_ALIAS_COUNT = 50;

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function isJson(file: string): boolean {
  return file.toLowerCase().endsWith('.json');
}

function parseJson(source: InputSource, text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch (error) {
    throw new InputError(source.file, '(file)', 'JSON', firstLine((error as Error).message));
  }
}

function parseYaml(source: InputSource, text: string): unknown[] {
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    // YAML 1.2 core schema (what sigs.k8s.io/yaml reads for JSON-compatible manifests), merge keys as go-yaml.
    documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    throw new InputError(source.file, '(file)', 'YAML', firstLine((error as Error).message));
  }
  if (!Array.isArray(documents)) return [];
  return documents.map((document, index) => {
    const [error] = document.errors;
    if (error !== undefined) {
      throw new InputError(source.file, `document ${index + 1}`, 'YAML', firstLine(error.message));
    }
    try {
      return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        throw new InputError(
          source.file,
          `document ${index + 1}`,
          `YAML without alias expansion beyond ${MAX_ALIAS_COUNT} nodes`,
          'aliases that expand further (refused as a resource exhaustion attack)',
        );
      }
      throw new InputError(source.file, `document ${index + 1}`, 'YAML', firstLine((error as Error).message));
    }
  });
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A kubectl `List` (or a typed list such as `DeploymentList` from the API) becomes its items; items of
 * a typed list carry no kind, so they take it from the list's.
 */
function unwrapList(document: InputDocument): InputDocument[] {
  const { value } = document;
  if (
    !isRecord(value) ||
    typeof value.kind !== 'string' ||
    !value.kind.endsWith('List') ||
    !Array.isArray(value.items)
  ) {
    return [document];
  }
  const itemKind = value.kind === 'List' ? null : value.kind.slice(0, -'List'.length);
  return value.items.map((item: unknown, itemIndex): InputDocument => {
    const filled =
      itemKind !== null && isRecord(item) && item.kind === undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item;
    return { file: document.file, documentIndex: document.documentIndex, itemIndex, value: filled };
  });
}

/** The documents of one file, in order; empty documents are skipped. */
export function splitDocuments(source: InputSource): InputDocument[] {
  const text = source.text.startsWith('\uFEFF') ? source.text.slice(1) : source.text;
  const values = isJson(source.file) ? parseJson(source, text) : parseYaml(source, text);
  return values.flatMap((value, documentIndex) => {
    if (value === null || value === undefined) return [];
    return unwrapList({ file: source.file, documentIndex, itemIndex: null, value });
  });
}
