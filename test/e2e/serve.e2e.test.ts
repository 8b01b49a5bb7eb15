import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { bundledCatalog } from '../../src/test-support/fixtures.js';
import { CHROMIUM_PATH, chromiumAvailable, launchBrowser } from './browser.js';

// The server serves the built app (dist/web/app): `npm run build` first.

const runBrowserTests = chromiumAvailable || process.env.CI !== undefined;
if (!runBrowserTests) {
  process.stderr.write(`podcap serve browser tests skipped: no chromium at ${CHROMIUM_PATH} (set PODCAP_CHROMIUM)\n`);
}

describe.runIf(runBrowserTests)('podcap serve in a browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let foreign: string[];
  let problems: string[];

  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      hostExplicit: false,
      catalog: bundledCatalog(),
      podcapVersion: 'test',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    foreign = [];
    problems = [];
    // Nothing may be fetched from any other host.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(String(error)));
    // A Content-Security-Policy violation shows as a console error.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
  });
  afterEach(async () => {
    await context?.close();
    expect(foreign).toEqual([]);
  });

  const row = (type: string) => page.getByTestId('explorer-table').locator(`tbody tr[data-type="${type}"]`);
  const cells = async (type: string) => (await row(type).locator('td').allTextContents()).map((t) => t.trim());

  it('explorer: m5.large on a node group, then under custom networking', async () => {
    await page.goto(`${server.url}#/explorer`);
    await page.getByTestId('setting-launched-by').selectOption('node-group');
    await expect.poll(() => page.getByTestId('explorer-status').textContent()).toMatch(/of 1392 types shown/);
    // type, vCPU, memory, maxPods, pod IPs, allocatable CPU, memory (node), memory (Karpenter), mismatches
    expect((await cells('m5.large')).slice(0, 8)).toEqual([
      'm5.large',
      '2',
      '8 GiB',
      '29',
      '27',
      '1930m',
      '7068672Ki',
      '7068672Ki',
    ]);

    await row('m5.large').click();
    const detail = page.getByTestId('explorer-detail');
    await expect.poll(() => detail.locator('h2').textContent()).toBe('m5.large');
    const detailText = await detail.textContent();
    expect(detailText).toContain('29 (eni-table)');
    const allocatable = await detail
      .getByTestId('detail-allocatable')
      .locator('tbody tr')
      .nth(1)
      .locator('th, td')
      .allTextContents();
    expect(allocatable).toEqual(['allocatable (node)', '1930m', '7068672Ki', '29']);
    const reservations = await detail.getByTestId('detail-reservations').textContent();
    expect(reservations).toContain('70m');
    expect(reservations).toContain('587776Ki (29 pods)');
    expect(reservations).toContain('102400Ki');

    await page.getByTestId('setting-cni').selectOption('custom-networking');
    await expect.poll(async () => (await cells('m5.large'))[4]).toBe('18');
    expect(await row('m5.large').getAttribute('class')).toMatch(/flag-error/);
    expect((await cells('m5.large'))[8]).toContain('MAX_PODS_EXCEEDS_POD_IPS');
    // The open detail follows the settings.
    await expect
      .poll(() => detail.getByTestId('detail-mismatches').locator('[data-code]').first().getAttribute('data-code'))
      .toBe('MAX_PODS_EXCEEDS_POD_IPS');
    expect(await detail.getByTestId('detail-mismatches').textContent()).toContain(
      '9 pods will hang in ContainerCreating',
    );
    expect(problems).toEqual([]);
  });

  it('explorer: the filter and sorting', async () => {
    await page.goto(`${server.url}#/explorer`);
    await expect.poll(() => page.getByTestId('explorer-status').textContent()).toMatch(/of 1392 types shown/);
    await page.getByTestId('explorer-filter').fill('m5.l');
    await expect.poll(() => row('m5.xlarge').isHidden()).toBe(true);
    expect(await row('m5.large').isVisible()).toBe(true);
    expect(await page.getByTestId('explorer-status').textContent()).toMatch(/^1 of 1392 types shown/);

    await page.getByTestId('explorer-filter').fill('m5');
    await page.getByRole('button', { name: 'maxPods' }).click();
    const maxPods = (
      await page.getByTestId('explorer-table').locator('tbody tr:not([hidden]) td:nth-child(4)').allTextContents()
    ).map(Number);
    expect(maxPods.length).toBeGreaterThan(10);
    expect(maxPods).toEqual([...maxPods].sort((a, b) => b - a));
    expect(await page.locator('th[data-key="maxPods"]').getAttribute('aria-sort')).toBe('descending');

    await page.getByTestId('setting-reserved-enis').fill('40');
    await expect.poll(() => page.getByTestId('explorer-status').textContent()).toContain('RESERVED_ENIS: expected');
  });

  it('IP planner: the form, its findings and alternatives', async () => {
    await page.goto(`${server.url}#/ips`);
    const result = page.getByTestId('ips-result');
    await expect.poll(() => result.textContent()).toContain('Does not fit');
    expect(await result.getByTestId('ips-alternatives').locator('tbody tr').count()).toBeGreaterThan(1);

    const form = page.getByTestId('ips-form');
    await form.locator('textarea[name="subnets"]').fill('10.0.0.0/20');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => result.textContent()).toContain('Fits: 10.0.0.0/20 holds the 50 nodes');

    await form.locator('textarea[name="env"]').fill('WARM_IP_TARGT=2');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('ips-error').textContent()).toContain('did you mean WARM_IP_TARGET');
    expect(await form.locator('textarea[name="env"]').getAttribute('class')).toContain('invalid');
    // A 400 answer is logged by the browser as a failed resource; nothing else may be.
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('runner: an example runs into findings and charts', async () => {
    await page.goto(`${server.url}#/runner`);
    const example = page.getByTestId('runner-example');
    await example.locator('option[value="karpenter-pod-eni-allocatable-loop"]').waitFor({ state: 'attached' });
    await example.selectOption('karpenter-pod-eni-allocatable-loop');
    await expect.poll(() => page.getByTestId('runner-yaml').inputValue()).toContain('kind: Scenario');
    await page.getByTestId('runner-run').click();
    const report = page.getByTestId('runner-report');
    await expect
      .poll(() => report.getByTestId('finding').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-code'))))
      .toContain('RUNAWAY_SCALE_OUT');
    await expect.poll(() => report.locator('.uplot canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('runner-error').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('runner: a bad scenario is shown at its line', async () => {
    await page.goto(`${server.url}#/runner`);
    const yaml = readFileSync(
      new URL('../../examples/karpenter-pod-eni-allocatable-loop/scenario.yaml', import.meta.url),
      'utf8',
    ).replace('  replicas: 1\n', '  replicas: many\n');
    const line = yaml.split('\n').indexOf('  replicas: many') + 1;
    await page.getByTestId('runner-yaml').fill(yaml);
    await page.getByTestId('runner-run').click();
    const error = page.getByTestId('runner-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toContain(
      `line ${line}: Deployment default/payments (document 5): spec.replicas: expected`,
    );
    expect(await page.getByTestId('runner-error-line').textContent()).toBe(String(line));
    const selection = await page.getByTestId('runner-yaml').evaluate((element) => {
      // Runs in the page; the test's own types have no DOM.
      const textarea = element as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
    });
    expect(selection).toBe('  replicas: many');
    expect(await page.getByTestId('runner-report').textContent()).toBe('');
    // A 400 answer is logged by the browser as a failed resource; nothing else may be.
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });
});
