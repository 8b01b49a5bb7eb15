/**
 * Where an InputError points in the text it came from: the 1-based line of the field its field path
 * names, so the web UI can mark that line in the editor. The field path is the loader's own format
 * (`Deployment default/web (document 2): spec.replicas`, `document 3, items[0]: kind`, see
 * src/input/scenario/document.ts); anything else has no line.
 */

import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';

/** A field path taken apart: which document, which item of a `List`, which keys and indexes. */
export interface FieldLocation {
  /** 0-based, as InputDocument.documentIndex. */
  readonly documentIndex: number;
  readonly itemIndex: number | null;
  readonly path: readonly (string | number)[];
}

const LABEL = /^(?:[^()]*\()?document (\d+)(?:, items\[(\d+)\])?\)?(?:: (.*))?$/s;

/** Reads `formatFieldPath`'s output back: `spec.containers[0]["nvidia.com/gpu"]`; null when it does not parse. */
export function parseFieldPath(text: string): (string | number)[] | null {
  if (text === '(root)') return [];
  const path: (string | number)[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '[') {
      const index = /^\[(\d+)\]/.exec(text.slice(at));
      if (index?.[1] !== undefined) {
        path.push(Number(index[1]));
        at += index[0].length;
        continue;
      }
      const quoted = /^\["(?:[^"\\]|\\.)*"\]/.exec(text.slice(at));
      if (quoted === null) return null;
      path.push(JSON.parse(quoted[0].slice(1, -1)) as string);
      at += quoted[0].length;
      continue;
    }
    const dotted = path.length === 0 ? 0 : 1;
    if (dotted === 1 && text[at] !== '.') return null;
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(at + dotted));
    if (name === null) return null;
    path.push(name[0]);
    at += dotted + name[0].length;
  }
  return path;
}

/** The document, list item and path an InputError's fieldPath names; null for messages about no one document. */
export function parseFieldLocation(fieldPath: string): FieldLocation | null {
  const match = LABEL.exec(fieldPath);
  if (match === null) return null;
  const path = match[3] === undefined ? [] : parseFieldPath(match[3]);
  if (path === null) return null;
  return {
    documentIndex: Number(match[1]) - 1,
    itemIndex: match[2] === undefined ? null : Number(match[2]),
    path,
  };
}

/** The pair of a mapping whose key is `key`; YAML keys may be scalars of any type, compared as text. */
function pairOf(node: Node, key: string | number) {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(key));
}

/**
 * The offset of the deepest node on the path: a missing field points at the mapping that lacks it, a
 * mapping entry at its key (the line a reader looks for).
 */
function offsetAlong(root: Node, path: readonly (string | number)[]): number | null {
  let node: Node = root;
  let offset = root.range?.[0] ?? null;
  for (const key of path) {
    if (typeof key === 'number' && isSeq(node)) {
      const item = node.items[key];
      if (item === undefined || item === null || isPair(item)) break;
      node = item as Node;
      offset = node.range?.[0] ?? offset;
      continue;
    }
    const pair = pairOf(node, key);
    if (pair === undefined) break;
    offset = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
    if (pair.value === null || !(isMap(pair.value) || isSeq(pair.value) || isScalar(pair.value))) break;
    node = pair.value;
  }
  return offset;
}

/**
 * The 1-based line in `text` that an InputError's field path points at, or null when the path names no
 * place in it. A YAML syntax error (`document N` with no field) points at the parser's own position.
 */
export function lineOfFieldPath(text: string, fieldPath: string): number | null {
  const location = parseFieldLocation(fieldPath);
  if (location === null) return null;
  const lineCounter = new LineCounter();
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const documents = parseAllDocuments(source, { merge: true, uniqueKeys: true, lineCounter });
  if (!Array.isArray(documents)) return null;
  const document = documents[location.documentIndex];
  if (document === undefined) return null;
  const [syntaxError] = document.errors;
  if (syntaxError !== undefined) return syntaxError.linePos?.[0].line ?? lineCounter.linePos(syntaxError.pos[0]).line;
  const contents = document.contents;
  if (contents === null) return lineCounter.linePos(document.range[0]).line;
  const path = location.itemIndex === null ? location.path : ['items', location.itemIndex, ...location.path];
  // A path through an alias stops at the alias: its line is where the reader can fix it.
  const offset = offsetAlong(contents, path);
  return offset === null ? null : lineCounter.linePos(offset).line;
}
