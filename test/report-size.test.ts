import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readReportAssets } from '../src/cli/report-file.js';
import { loadSimInput } from '../src/input/scenario/load.js';
import { renderHtmlReport } from '../src/report/html-report.js';
import { buildReportData } from '../src/report/report-data.js';
import { simulate } from '../src/sim/simulate.js';
import { bundledCatalog } from '../src/test-support/fixtures.js';

const EXAMPLES = new URL('../examples/', import.meta.url);
const names = readdirSync(EXAMPLES)
  .filter((name) => existsSync(new URL(`${name}/scenario.yaml`, EXAMPLES)))
  .sort();

// The report of every bundled example stays small enough to attach to a ticket (built assets from dist).
describe('HTML report size', () => {
  const assets = readReportAssets();
  const catalog = bundledCatalog();

  it.each(names)('%s: under 1 MB, with every finding', (name) => {
    const input = loadSimInput([new URL(name, EXAMPLES).pathname], { catalog });
    const result = simulate(input, catalog, { recordEvents: true });
    const html = renderHtmlReport(buildReportData(result, input, { podcapVersion: 'test' }), assets);
    expect(Buffer.byteLength(html)).toBeLessThan(1_000_000);
    for (const finding of result.findings) expect(html).toContain(finding.code);
  });
});
