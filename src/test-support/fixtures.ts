/**
 * Helpers for tests: the bundled catalog's instance types by name, Karpenter versions by text and
 * binary units. Excluded from the build (tsconfig.build.json).
 */

import { type CatalogIndex, indexCatalog } from '../core/catalog.js';
import type { InstanceType } from '../core/instance-type.js';
import { type KarpenterVersion, parseKarpenterVersion } from '../core/karpenter-version.js';
import { KIBIBYTE, MEBIBYTE } from '../core/quantity.js';
import { readCatalogFile } from '../input/catalog-file.js';

let bundled: CatalogIndex | null = null;

/** The bundled data/catalog.json, read once. */
export function bundledCatalog(): CatalogIndex {
  bundled ??= indexCatalog(readCatalogFile());
  return bundled;
}

/** One instance type of the bundled catalog; throws when it is missing. */
export function instanceType(name: string): InstanceType {
  const found = bundledCatalog().lookup(name);
  if (found.status !== 'found') throw new Error(`${name} is not in data/catalog.json`);
  return found.instanceType;
}

/** A Karpenter release from its tag text, e.g. `1.5.1`. */
export function karpenter(text: string): KarpenterVersion {
  const parsed = parseKarpenterVersion(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.expected}`);
  return parsed.value;
}

export const Mi = (mebibytes: number): number => mebibytes * MEBIBYTE;
export const Ki = (kibibytes: number): number => kibibytes * KIBIBYTE;
