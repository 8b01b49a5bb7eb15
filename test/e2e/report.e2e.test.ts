import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../src/cli/report-file.js';
import { loadSimInput } from '../../src/input/scenario/load.js';
import { buildReportData } from '../../src/report/report-data.js';
import { simulate } from '../../src/sim/simulate.js';
import { bundledCatalog } from '../../src/test-support/fixtures.js';
import { chromiumAvailable, launchBrowser } from './browser.js';

const runBrowserTests = chromiumAvailable || process.env.CI !== undefined;
if (!runBrowserTests) {
  process.stderr.write('browser tests skipped: no chromium at /usr/bin/chromium (set PODCAP_CHROMIUM)\n');
}

function writeReport(example: string): string {
  const catalog = bundledCatalog();
  const input = loadSimInput([fileURLPath(`../../examples/${example}`)], { catalog });
  const result = simulate(input, catalog, { recordEvents: true });
  const file = join(mkdtempSync(join(tmpdir(), 'podcap-e2e-')), `${example}.html`);
  writeHtmlReport(file, buildReportData(result, input, { podcapVersion: 'test' }));
  return file;
}

function fileURLPath(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}

describe.runIf(runBrowserTests)('the HTML report in a browser with the network cut off', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders findings, five charts, the event log and the inputs, and asks no host for anything', async () => {
    const file = writeReport('karpenter-spot-quota-and-warm-pool');
    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(pathToFileURL(file).href);

    await expect.poll(() => page.getByTestId('finding').count()).toBe(5);
    const codes = await page
      .getByTestId('finding')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-code')));
    expect(codes).toEqual([
      'QUOTA_EXCEEDED',
      'SUBNET_EXHAUSTED',
      'PODS_STUCK_NO_IP',
      'WARM_POOL_HOLDS_ADDRESSES',
      'OBSERVED_MEMORY_MISSING',
    ]);
    await expect.poll(() => page.getByText('Fix: raise the quota in Service Quotas').count()).toBe(1);
    for (const chart of ['pods', 'nodes', 'subnets', 'cost', 'quota']) {
      expect(await page.locator(`[data-testid=chart-${chart}] canvas`).count()).toBe(1);
    }
    expect(await page.getByTestId('chart-quota').textContent()).toContain('spot/standard quota');
    expect(await page.getByTestId('summary').textContent()).toContain('$21.43');

    await page.getByTestId('event-filter-reason').selectOption('InsufficientCapacityError');
    const reasons = await page.locator('[data-testid=event-table] tbody tr td:nth-child(4)').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    expect(new Set(reasons)).toEqual(new Set(['InsufficientCapacityError']));
    await page.getByTestId('event-filter-reason').selectOption('');
    await page.getByTestId('event-filter-object').fill('subnet-a');
    const objects = await page.locator('[data-testid=event-table] tbody tr td:nth-child(5)').allTextContents();
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(object.toLowerCase()).toContain('subnet-a');

    // The aws-node defaults (no variable given) and each kind of c5.4xlarge, whose memory is podcap's estimate.
    const estimated = await page.locator('[data-testid=inputs] tr.pc-estimate td:first-child').allTextContents();
    expect(estimated[0]).toBe('(none given)');
    expect(estimated.slice(1).length).toBeGreaterThan(0);
    expect(new Set(estimated.slice(1))).toEqual(new Set(['nodePool/default']));
    const types = await page.locator('[data-testid=inputs] tr.pc-estimate td:nth-child(2)').allTextContents();
    expect(new Set(types.slice(1))).toEqual(new Set(['c5.4xlarge']));
    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await context.close();
  }, 60_000);
});
