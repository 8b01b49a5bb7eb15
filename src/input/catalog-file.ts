import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Catalog } from '../core/catalog.js';
import { CATALOG_FORMAT } from '../core/catalog.js';
import { InputError } from './input-error.js';

const count = z.number().int().nonnegative();

const instanceTypeSchema = z.strictObject({
  name: z.string().min(1),
  family: z.string(),
  hardware: z
    .strictObject({
      vcpu: count.min(1),
      memoryMib: count.min(1),
      architecture: z.enum(['amd64', 'arm64']),
    })
    .nullable(),
  gpus: count.nullable(),
  hypervisor: z.enum(['nitro', 'xen', 'unknown']).nullable(),
  bareMetal: z.boolean(),
  maxEnis: count,
  ipv4PerEni: count,
  networkCards: count,
  trunking: z.strictObject({ compatible: z.boolean(), branchEnis: count }).nullable(),
  onDemandUsdPerHour: z.number().nonnegative().nullable(),
});

const catalogSchema = z.strictObject({
  format: z.literal(CATALOG_FORMAT),
  builtAt: z.string(),
  priceRegion: z.string(),
  sources: z.array(
    z.strictObject({
      name: z.string(),
      repository: z.string().optional(),
      path: z.string().optional(),
      commit: z.string().optional(),
      date: z.string().optional(),
      region: z.string().optional(),
    }),
  ),
  instanceTypes: z.array(instanceTypeSchema),
});

/** The catalog committed with the package, so a fresh install needs nothing else. */
export const BUNDLED_CATALOG_PATH = fileURLToPath(new URL('../../data/catalog.json', import.meta.url));

/** Validates an already-parsed catalog document; errors name the field path. */
export function parseCatalog(document: unknown, file: string): Catalog {
  const result = catalogSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? formatPath(issue.path) : '(root)';
    throw new InputError(file, path, issue?.message ?? 'a podcap catalog', describe(document, issue?.path));
  }
  return result.data as Catalog;
}

export function readCatalogFile(file: string = BUNDLED_CATALOG_PATH): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(
      file,
      '(file)',
      'a readable catalog file',
      (error as NodeJS.ErrnoException).code ?? 'an error',
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new InputError(file, '(file)', 'JSON', 'text that does not parse');
  }
  return parseCatalog(document, file);
}

/** One instance type per line: small, reviewable diffs when the catalog is rebuilt. */
export function serializeCatalog(catalog: Catalog): string {
  const { instanceTypes, ...header } = catalog;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const rows = instanceTypes.map((t) => `    ${JSON.stringify(t)}`).join(',\n');
  return `${head},\n  "instanceTypes": [\n${rows}\n  ]\n}\n`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function describe(document: unknown, path: readonly PropertyKey[] | undefined): string {
  let value: unknown = document;
  for (const key of path ?? []) {
    if (value === null || typeof value !== 'object') return 'nothing';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
