// Screenshots for the docs: starts `podcap serve` in-process on a free port and saves docs/explorer.png
// and docs/runner.png (1280×800), then writes the HTML report of an example and saves docs/report.png
// (1280×1400: the findings and the first charts).
// Usage, after `npm run build`:
//   node scripts/screenshots.js [--out docs]
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { writeHtmlReport } from '../dist/cli/report-file.js';
import { indexCatalog } from '../dist/core/catalog.js';
import { readCatalogFile } from '../dist/input/catalog-file.js';
import { loadSimInput } from '../dist/input/scenario/load.js';
import { buildReportData } from '../dist/report/report-data.js';
import { startServer } from '../dist/serve/server.js';
import { simulate } from '../dist/sim/simulate.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs' } } });
mkdirSync(values.out, { recursive: true });

const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  hostExplicit: false,
  catalog: indexCatalog(readCatalogFile()),
  podcapVersion: 'docs',
});
// The same flags as test/e2e/browser.ts: no connection of chromium's own.
const browser = await chromium.launch({
  executablePath: process.env.PODCAP_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.route('**/*', (route) =>
    route.request().url().startsWith(server.url) ? route.continue() : route.abort(),
  );

  await page.goto(`${server.url}#/explorer`);
  await page.getByTestId('setting-launched-by').selectOption('node-group');
  await page.getByTestId('setting-cni').selectOption('custom-networking');
  await page.getByTestId('explorer-filter').fill('m5');
  await page.locator('[data-type="m5.large"]').click();
  await page.getByTestId('explorer-detail').getByText('MAX_PODS_EXCEEDS_POD_IPS').first().waitFor();
  await page.screenshot({ path: join(values.out, 'explorer.png') });

  await page.goto(`${server.url}#/runner`);
  await page
    .getByTestId('runner-example')
    .locator('option[value="karpenter-pod-eni-allocatable-loop"]')
    .waitFor({ state: 'attached' });
  await page.getByTestId('runner-example').selectOption('karpenter-pod-eni-allocatable-loop');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="runner-yaml"]')?.value.includes('kind: Scenario'),
  );
  await page.getByTestId('runner-run').click();
  await page.getByTestId('runner-report').locator('[data-testid="finding"]').first().waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(values.out, 'runner.png') });

  // The report opens from disk with every request refused, as a reader's mail client would open it.
  const catalog = indexCatalog(readCatalogFile());
  const input = loadSimInput(['examples/karpenter-spot-quota-and-warm-pool'], { catalog });
  const result = simulate(input, catalog, { recordEvents: true });
  const reportFile = join(mkdtempSync(join(tmpdir(), 'podcap-docs-')), 'report.html');
  writeHtmlReport(reportFile, buildReportData(result, input, { podcapVersion: 'docs' }));
  const offline = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  await offline.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : route.abort(),
  );
  await offline.goto(pathToFileURL(reportFile).href);
  await offline.getByTestId('chart-pods').locator('canvas').waitFor();
  await offline.screenshot({ path: join(values.out, 'report.png') });
  for (const name of ['explorer.png', 'runner.png', 'report.png']) process.stdout.write(`${join(values.out, name)}\n`);
} finally {
  await browser.close();
  await server.close();
}
