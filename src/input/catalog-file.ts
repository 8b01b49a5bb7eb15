import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Catalog } from '../core/catalog.js';
import { CATALOG_FORMAT } from '../core/catalog.js';
import { InputError } from './input-error.js';
import { readLimitedText } from './read-limited.js';
import { describeValue, describeValueAt, formatFieldPath, type InputDocument } from './scenario/document.js';
import { parseJsonDocument } from './scenario/split-documents.js';
import { parseWithSchema } from './scenario/validate.js';

/** A catalog of every EC2 instance type is under 1 MiB (the bundled one, 1,392 types, is 0.4 MiB). */
export const MAX_CATALOG_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Bounds on an instance type's figures, a few times the largest of any EC2 type in the bundled catalog
 * (2026: u7in-32tb.224xlarge 896 vCPUs and 32 TiB; c8a.48xlarge 24 ENIs; c8a 64 IPv4 addresses per ENI;
 * p5.48xlarge 32 network cards; g7e 120 branch ENIs; 8 GPUs; u7in-32tb.224xlarge $361/h), so that a typo
 * is refused while a new, larger type still fits. Every type has at least one ENI with one address.
 */
const BOUNDS = {
  vcpu: 4096,
  memoryMib: 128 * 1024 * 1024,
  gpus: 64,
  maxEnis: 128,
  ipv4PerEni: 256,
  networkCards: 64,
  branchEnis: 512,
  onDemandUsdPerHour: 10_000,
} as const;

const count = (min: number, max: number) => z.int().min(min).max(max);

/** Lowercase, as EC2 spells types (m5.large, u7in-32tb.224xlarge) and as lookups compare them. */
const INSTANCE_TYPE_NAME = /^[a-z0-9][a-z0-9.-]*$/;

const instanceTypeSchema = z.strictObject({
  name: z.string().regex(INSTANCE_TYPE_NAME, {
    error: 'a lowercase instance type name such as m5.large (lookups compare in lowercase)',
  }),
  family: z.string(),
  hardware: z
    .strictObject({
      vcpu: count(1, BOUNDS.vcpu),
      memoryMib: count(1, BOUNDS.memoryMib),
      architecture: z.enum(['amd64', 'arm64']),
    })
    .nullable(),
  gpus: count(0, BOUNDS.gpus).nullable(),
  hypervisor: z.enum(['nitro', 'xen', 'unknown']).nullable(),
  bareMetal: z.boolean(),
  maxEnis: count(1, BOUNDS.maxEnis),
  ipv4PerEni: count(1, BOUNDS.ipv4PerEni),
  networkCards: count(1, BOUNDS.networkCards),
  trunking: z.strictObject({ compatible: z.boolean(), branchEnis: count(0, BOUNDS.branchEnis) }).nullable(),
  onDemandUsdPerHour: z.number().min(0).max(BOUNDS.onDemandUsdPerHour).nullable(),
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
  instanceTypes: z.array(instanceTypeSchema).min(1),
});

/** The catalog committed with the package, so a fresh install needs nothing else. */
export const BUNDLED_CATALOG_PATH = fileURLToPath(new URL('../../data/catalog.json', import.meta.url));

function catalogError(
  document: InputDocument,
  path: readonly PropertyKey[],
  expected: string,
  found?: string,
): InputError {
  return new InputError(document.file, formatFieldPath(path), expected, found ?? describeValueAt(document, path));
}

function validateCatalog(document: InputDocument): Catalog {
  const result = parseWithSchema(catalogSchema, document.value);
  if (!result.ok) {
    const { path, expected, unknownKey } = result.issue;
    throw catalogError(document, path, expected, unknownKey === null ? undefined : describeValue(unknownKey));
  }
  const first = new Map<string, number>();
  result.data.instanceTypes.forEach((type, i) => {
    const earlier = first.get(type.name);
    if (earlier !== undefined) {
      throw catalogError(document, ['instanceTypes', i, 'name'], `a name not used by instanceTypes[${earlier}]`);
    }
    first.set(type.name, i);
  });
  return result.data as Catalog;
}

/** Validates an already-parsed catalog document; errors name the field path. */
export function parseCatalog(document: unknown, file: string): Catalog {
  return validateCatalog({ file, documentIndex: 0, itemIndex: null, value: document });
}

/** Reads and validates a catalog file: JSON, a regular file of at most MAX_CATALOG_FILE_BYTES. */
export function readCatalogFile(file: string = BUNDLED_CATALOG_PATH): Catalog {
  const text = readLimitedText(file, MAX_CATALOG_FILE_BYTES, 'catalog file');
  return validateCatalog(parseJsonDocument({ file, text }));
}

/** One instance type per line: small, reviewable diffs when the catalog is rebuilt. */
export function serializeCatalog(catalog: Catalog): string {
  const { instanceTypes, ...header } = catalog;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const rows = instanceTypes.map((t) => `    ${JSON.stringify(t)}`).join(',\n');
  return `${head},\n  "instanceTypes": [\n${rows}\n  ]\n}\n`;
}
