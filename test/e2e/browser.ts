import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium; CI installs it (`.ci/run`). PODCAP_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.PODCAP_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumAvailable = existsSync(CHROMIUM_PATH);

/**
 * Headless chromium that opens no connection of its own: without these flags it keeps calling Google's
 * hosts (component updates, safe browsing), which a closed network refuses, and tests would wait on it.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
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
}
