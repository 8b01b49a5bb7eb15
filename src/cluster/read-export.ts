/**
 * Reads a cluster export (the files `podcap doctor --print-collect` writes, under any names and in any
 * order) into a ClusterState. Each file is read once, as a stream: the items of a List go to the
 * ClusterBuilder one at a time and are dropped, so a 150,000-pod List is never one string or one tree.
 */

import { createReadStream, readdirSync, type Stats, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Assembler } from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { InputError, UsageError } from '../input/input-error.js';
import { listNames } from '../input/scenario/document.js';
import { ClusterBuilder } from './cluster-builder.js';
import type { ClusterState } from './cluster-state.js';
import { exportError } from './export-errors.js';

/**
 * A file that is not a List is held whole once parsed: a bigger one is refused at its first top-level
 * field that a List does not have.
 */
export const MAX_OBJECT_FILE_BYTES = 64 * 1024 * 1024;

/** Top-level fields of a List other than items (kubectl prints apiVersion, items, kind, metadata). */
const LIST_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Bytes read at a time; a string that outlives its item by mistake keeps at most this much alive. */
const READ_CHUNK_BYTES = 64 * 1024;
/**
 * Characters handed to the tokenizer at a time: small pieces tokenize faster than 64 KiB ones (fewer
 * long concatenations of its buffer), and tell which piece a syntax error is in.
 */
const PARSE_PIECE_CHARS = 512;

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function statOrThrow(path: string, what: string, expected: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new InputError(path, what, expected, errorCode(error));
  }
}

/**
 * The files the paths name, in the order given, each once. A folder means the `.json` files directly in
 * it (not its subfolders: an export is one flat folder), by name; hidden files are skipped.
 */
export function collectExportFiles(paths: readonly string[]): string[] {
  if (paths.length === 0) {
    throw new UsageError('expected the files or folders of a cluster export (podcap doctor --print-collect), got none');
  }
  const files: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const stats = statOrThrow(path, '(path)', 'a file or folder that exists');
    let found = [path];
    if (stats.isDirectory()) {
      found = readdirSync(path)
        .filter((name) => !name.startsWith('.') && extname(name).toLowerCase() === '.json')
        .sort()
        .map((name) => join(path, name))
        .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() === true);
      if (found.length === 0) throw new InputError(path, '(folder)', 'a folder with .json files', 'none');
    }
    for (const file of found) {
      const key = resolve(file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return files;
}

function isScalar(token: Token): boolean {
  switch (token.name) {
    case 'stringValue':
    case 'numberValue':
    case 'nullValue':
    case 'trueValue':
    case 'falseValue':
      return true;
    default:
      return false;
  }
}

function scalarValue(token: Token): unknown {
  switch (token.name) {
    case 'numberValue':
      return Number(token.value);
    case 'stringValue':
    case 'nullValue':
    case 'trueValue':
    case 'falseValue':
      return token.value;
    default:
      return undefined;
  }
}

/** What a value is, from its first token. */
function describeToken(token: Token): string {
  switch (token.name) {
    case 'startObject':
      return 'a mapping';
    case 'startArray':
      return 'a list';
    case 'stringValue':
      return 'a string';
    case 'numberValue':
      return 'a number';
    case 'nullValue':
      return 'null';
    case 'trueValue':
      return 'true';
    case 'falseValue':
      return 'false';
    default:
      return 'a value';
  }
}

function describeStart(token: Token): string {
  const found = describeToken(token);
  return found.startsWith('a ') ? `a JSON ${found.slice(2)}` : found;
}

/**
 * What a file is, told from its top level as the tokens stream by: an `items` list makes it a List,
 * whose items are assembled and handed over one at a time; every other top-level field is assembled
 * (they are small: a List's kind and metadata, or a whole subnets file or single object), and once the
 * file ends they tell the rest: `Subnets`, `Quotas`, or a Kubernetes object with a `kind`. One pass, no
 * second read, and no guess from the file name.
 */
class TopLevelReader {
  private state: 'start' | 'key' | 'value' | 'field' | 'items' | 'item' | 'end' = 'start';
  private key = '';
  private readonly fields = new Map<string, unknown>();
  private readonly assembler = new Assembler();
  private items = 0;
  private isList = false;

  constructor(
    private readonly file: string,
    private readonly sizeBytes: number,
    private readonly onItem: (value: unknown, index: number) => void,
  ) {}

  get started(): boolean {
    return this.state !== 'start';
  }

  get ended(): boolean {
    return this.state === 'end';
  }

  consume(token: Token): void {
    switch (this.state) {
      case 'start':
        if (token.name !== 'startObject') throw this.shapeError(describeStart(token));
        this.state = 'key';
        return;
      case 'key':
        if (token.name === 'keyValue') {
          this.key = token.value;
          this.state = 'value';
        } else {
          this.state = 'end';
        }
        return;
      case 'value':
        if (this.key === 'items') {
          // Every kubectl List (and no other shape an export holds) has items, always a list.
          if (token.name !== 'startArray') throw new InputError(this.file, 'items', 'a list', describeToken(token));
          this.isList = true;
          this.state = 'items';
          return;
        }
        if (this.sizeBytes > MAX_OBJECT_FILE_BYTES && !LIST_FIELDS.has(this.key)) {
          throw new InputError(
            this.file,
            '(file)',
            `a List (items) or a file of at most ${MAX_OBJECT_FILE_BYTES / (1024 * 1024)} MiB`,
            `${this.sizeBytes} bytes with a top-level ${JSON.stringify(this.key)}`,
          );
        }
        if (isScalar(token)) {
          this.fields.set(this.key, scalarValue(token));
          this.state = 'key';
        } else {
          this.assembler.consume(token);
          this.state = 'field';
        }
        return;
      case 'field':
        this.assembler.consume(token);
        if (this.assembler.done) {
          this.fields.set(this.key, this.assembler.current);
          this.assembler.current = null;
          this.state = 'key';
        }
        return;
      case 'items':
        if (token.name === 'endArray') {
          this.state = 'key';
        } else if (isScalar(token)) {
          this.onItem(scalarValue(token), this.items++);
        } else {
          this.assembler.consume(token);
          this.state = 'item';
        }
        return;
      case 'item':
        this.assembler.consume(token);
        if (this.assembler.done) {
          const item = this.assembler.current;
          this.assembler.current = null;
          this.state = 'items';
          this.onItem(item, this.items++);
        }
        return;
      case 'end':
        return;
    }
  }

  /** Hands a file that is not a List to the builder, once the whole file is read. */
  finish(builder: ClusterBuilder): void {
    if (this.isList) return;
    // fromEntries defines own properties, so a "__proto__" field stays data.
    const value: Record<string, unknown> = Object.fromEntries(this.fields);
    const source = { file: this.file, index: null };
    if (this.fields.has('Subnets')) builder.addSubnets(value, source);
    else if (this.fields.has('Quotas')) builder.addQuotas(value, source);
    else if (this.fields.has('kind')) builder.addObject(value, source);
    else {
      const keys = [...this.fields.keys()].slice(0, 5).join(', ');
      throw this.shapeError(keys === '' ? 'an empty object' : `an object with ${keys}`);
    }
  }

  private shapeError(found: string): InputError {
    return new InputError(
      this.file,
      '(top level)',
      'the JSON of kubectl get -o json (a List or an object with kind), aws ec2 describe-subnets or ' +
        'aws service-quotas list-service-quotas',
      found,
    );
  }
}

const PARSER_OPTIONS = { packValues: true, streamValues: false } as const;

/** The file's text in chunks, without the byte-order mark some editors write (the tokenizer refuses it). */
async function* readText(file: string): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES })) {
    const text = chunk as string;
    yield first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    first = false;
  }
}

interface Position {
  line: number;
  column: number;
}

function advance(position: Position, text: string): void {
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    position.line += 1;
    last = i;
  }
  position.column = last < 0 ? position.column + text.length : text.length - last;
}

/**
 * Where the tokenizer stops, found by reading the file again (only to report an error): the same pieces up
 * to the one it refused, then that one a character at a time. Past the end: the end of the file.
 */
async function locateSyntaxError(file: string, refusedFrom: number): Promise<Position> {
  const parse = jsonParser(PARSER_OPTIONS);
  const position: Position = { line: 1, column: 1 };
  let offset = 0;
  for await (const text of readText(file)) {
    let at = 0;
    while (at < text.length) {
      const size = offset < refusedFrom ? Math.min(PARSE_PIECE_CHARS, refusedFrom - offset) : 1;
      const piece = text.slice(at, at + size);
      try {
        parse(piece);
      } catch {
        return position;
      }
      advance(position, piece);
      offset += piece.length;
      at += piece.length;
    }
  }
  return position;
}

async function syntaxError(file: string, refusedFrom: number, error: unknown): Promise<InputError> {
  const detail = (error instanceof Error ? error.message : String(error))
    .replace(/^Parser cannot parse input: /, '')
    .replace(/^Parser has /, '');
  const { line, column } = await locateSyntaxError(file, refusedFrom);
  return new InputError(file, `line ${line}, column ${column}`, 'valid JSON', `a syntax error (${detail})`);
}

/** Reads one file of a cluster export into the builder; throws an InputError naming the file. */
export async function readExportFile(file: string, builder: ClusterBuilder): Promise<void> {
  const stats = statOrThrow(file, '(file)', 'a readable file');
  if (!stats.isFile()) throw new InputError(file, '(file)', 'a file', 'a folder or device');
  builder.noteFile(file);
  const reader = new TopLevelReader(file, stats.size, (value, index) => builder.addObject(value, { file, index }));
  const parse = jsonParser(PARSER_OPTIONS);
  let offset = 0;
  let blank = true;
  try {
    for await (const text of readText(file)) {
      for (let at = 0; at < text.length; at += PARSE_PIECE_CHARS) {
        const piece = text.slice(at, at + PARSE_PIECE_CHARS);
        if (blank) blank = !/\S/.test(piece);
        let tokens: ReturnType<typeof parse>;
        try {
          tokens = parse(piece);
        } catch (error) {
          throw await syntaxError(file, offset, error);
        }
        offset += piece.length;
        if (typeof tokens === 'symbol') continue;
        for (const token of tokens.values) reader.consume(token);
      }
    }
  } catch (error) {
    // Only a failed read (EACCES, EIO…) is about the file; anything else goes up as it is.
    if (!(error instanceof Error && 'syscall' in error)) throw error;
    throw new InputError(file, '(file)', 'a readable file', errorCode(error));
  }
  // A lone literal or number (`null`) is held until the tokenizer sees what follows it: a line end.
  if (!reader.started) {
    let tokens: ReturnType<typeof parse>;
    try {
      tokens = parse('\n');
    } catch (error) {
      throw await syntaxError(file, offset, error);
    }
    if (typeof tokens !== 'symbol') for (const token of tokens.values) reader.consume(token);
  }
  // The tokenizer is never flushed: a top-level object that did not close is a truncated file.
  if (!reader.ended) {
    const { line, column } = await locateSyntaxError(file, Number.POSITIVE_INFINITY);
    let found = 'the end of the file inside the top-level object';
    if (!reader.started) found = blank ? 'an empty file' : 'the end of the file inside its first value';
    throw new InputError(file, `line ${line}, column ${column}`, 'valid JSON', found);
  }
  reader.finish(builder);
}

/** The kinds a doctor reads, for the message about an export with none of them. */
const READ_EXPECTED =
  'Nodes, Pods, workloads, events, Karpenter objects, subnets or quotas ' +
  '(podcap doctor --print-collect shows how to export them)';

/**
 * Reads the files and folders of a cluster export (`kubectl get … -o json`, `aws ec2 describe-subnets`,
 * `aws service-quotas list-service-quotas`), in any order and under any names, into a ClusterState.
 * Throws an InputError naming the file (and the item, field or line) of the first problem.
 */
export async function readClusterExport(paths: readonly string[]): Promise<ClusterState> {
  try {
    const builder = new ClusterBuilder();
    const files = collectExportFiles(paths);
    for (const file of files) await readExportFile(file, builder);
    // A subset is fine (only the subnets, say); an export with nothing to check is a wrong file or folder.
    const nothing = builder.nothingRead();
    if (nothing !== null) throw new InputError(listNames(files, 5), '(export)', READ_EXPECTED, nothing);
    return builder.build();
  } catch (error) {
    throw exportError(error);
  }
}
