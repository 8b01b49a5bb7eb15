import { distance } from 'fastest-levenshtein';
import type { InstanceType } from './instance-type.js';

/** Where the catalog's facts came from, recorded in the catalog file. */
export interface CatalogSource {
  readonly name: string;
  readonly repository?: string;
  readonly path?: string;
  readonly commit?: string;
  readonly date?: string;
  readonly region?: string;
}

export interface Catalog {
  readonly format: typeof CATALOG_FORMAT;
  readonly builtAt: string;
  readonly priceRegion: string;
  readonly sources: readonly CatalogSource[];
  readonly instanceTypes: readonly InstanceType[];
}

export const CATALOG_FORMAT = 'podcap.catalog/v1';

export type LookupResult =
  | { readonly status: 'found'; readonly instanceType: InstanceType }
  | { readonly status: 'unknown'; readonly name: string; readonly suggestions: readonly string[] };

/** An index over a catalog, built once. */
export interface CatalogIndex {
  readonly catalog: Catalog;
  lookup(name: string): LookupResult;
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  const byName = new Map(catalog.instanceTypes.map((t) => [t.name, t] as const));
  return {
    catalog,
    lookup(name) {
      const found = byName.get(name.trim().toLowerCase());
      if (found) return { status: 'found', instanceType: found };
      return { status: 'unknown', name, suggestions: suggestNames(name, byName.keys()) };
    },
  };
}

/** The nearest catalog names by edit distance, for "did you mean". */
export function suggestNames(name: string, names: Iterable<string>, limit = 3): string[] {
  const wanted = name.trim().toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const candidate of names) scored.push({ name: candidate, score: distance(wanted, candidate) });
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  const best = scored[0]?.score ?? 0;
  return scored
    .filter((s) => s.score <= Math.max(best, 3))
    .slice(0, limit)
    .map((s) => s.name);
}
