/** A --catalog file: figures within what EC2 has, each name once, errors worded as the rest of the loader's. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG_PATH, parseCatalog, readCatalogFile } from './catalog-file.js';

const root = mkdtempSync(join(tmpdir(), 'podcap-catalog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bundledText = readFileSync(BUNDLED_CATALOG_PATH, 'utf8');

/** The bundled catalog with its first instance type changed. */
function withFirstType(change: (type: Record<string, unknown>) => void): unknown {
  const catalog = JSON.parse(bundledText) as { instanceTypes: Record<string, unknown>[] };
  const first = catalog.instanceTypes[0];
  if (first === undefined) throw new Error('empty bundled catalog');
  change(first);
  return catalog;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseCatalog', () => {
  it('reads the bundled catalog', () => {
    expect(readCatalogFile().instanceTypes.length).toBeGreaterThan(1000);
  });

  it.each([
    [
      'ipv4PerEni 0, which would give a negative maxPods',
      { ipv4PerEni: 0 },
      'instanceTypes[0].ipv4PerEni: expected a number at least 1, got 0',
    ],
    [
      'maxEnis of a billion',
      { maxEnis: 1_000_000_000 },
      'instanceTypes[0].maxEnis: expected a number at most 128, got 1000000000',
    ],
    ['no ENI at all', { maxEnis: 0 }, 'instanceTypes[0].maxEnis: expected a number at least 1, got 0'],
    ['networkCards 0', { networkCards: 0 }, 'instanceTypes[0].networkCards: expected a number at least 1, got 0'],
    ['a number as a string', { maxEnis: '3' }, 'instanceTypes[0].maxEnis: expected a number, got "3"'],
    [
      'a price of Infinity',
      { onDemandUsdPerHour: 'INF' },
      'instanceTypes[0].onDemandUsdPerHour: expected a number, got "INF"',
    ],
    [
      'an uppercase name lookups cannot find',
      { name: 'M5.Large' },
      'instanceTypes[0].name: expected a lowercase instance type name such as m5.large (lookups compare in lowercase), got "M5.Large"',
    ],
  ])('refuses %s', (_, change, message) => {
    const catalog = withFirstType((type) => Object.assign(type, change));
    expect(messageOf(() => parseCatalog(catalog, 'c.json'))).toBe(`c.json: ${message}`);
  });

  it('refuses a type given twice, naming both', () => {
    const catalog = JSON.parse(bundledText) as { instanceTypes: { name: string }[] };
    const m5 = catalog.instanceTypes.findIndex((t) => t.name === 'm5.large');
    const copy = catalog.instanceTypes[m5];
    if (copy === undefined) throw new Error('m5.large missing');
    catalog.instanceTypes.push({ ...copy });
    const last = catalog.instanceTypes.length - 1;
    expect(messageOf(() => parseCatalog(catalog, 'c.json'))).toBe(
      `c.json: instanceTypes[${last}].name: expected a name not used by instanceTypes[${m5}], got "m5.large"`,
    );
  });

  it('refuses a catalog without types', () => {
    const catalog = { ...(JSON.parse(bundledText) as object), instanceTypes: [] };
    expect(messageOf(() => parseCatalog(catalog, 'c.json'))).toBe(
      'c.json: instanceTypes: expected a list of at least 1 item, got []',
    );
  });
});

describe('readCatalogFile', () => {
  it('shows a number as the file writes it', () => {
    const file = join(root, 'huge.json');
    writeFileSync(file, bundledText.replace(/"maxEnis": ?\d+/, '"maxEnis": 1e400'));
    expect(messageOf(() => readCatalogFile(file))).toBe(
      `${file}: instanceTypes[0].maxEnis: expected a finite number, got 1e400`,
    );
  });

  it('names the JSON error, its control characters escaped', () => {
    const file = join(root, 'bad.json');
    writeFileSync(file, '\u001b[2J{');
    const message = messageOf(() => readCatalogFile(file));
    expect(message).toMatch(
      new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}: \\(file\\): expected JSON, got .*\\\\x1b`),
    );
    expect(message).not.toMatch(/\p{Cc}/u);
  });

  it.runIf(process.platform === 'linux')('refuses a device instead of reading it forever', () => {
    expect(messageOf(() => readCatalogFile('/dev/zero'))).toBe(
      '/dev/zero: (file): expected a regular catalog file, got a character device',
    );
  });
});
