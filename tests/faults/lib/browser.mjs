// Headless Chromium for the browser cases, with a fresh profile each launch.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { packageDir } from './harness.mjs';

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches Chromium and returns its context and a `close()` that removes the profile. */
export async function launchChromium() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'faults-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Returns the URL path of the package's browser entry as the mock serves
 * the installed package under `/pkg/`, read from its `exports` map.
 */
export async function browserEntryPath() {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
  const root = manifest.exports?.['.'] ?? manifest.exports;
  const target = root?.browser ?? root?.default ?? manifest.browser ?? manifest.module;
  if (typeof target !== 'string') {
    throw new Error('the installed package has no browser entry in its exports');
  }
  return `/pkg/${target.replace(/^\.\//, '')}`;
}

/** Opens the suite's page with the package's browser entry and waits until it is ready. */
export async function openSuitePage(context, mockUrl, { noStream = false } = {}) {
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  const query = new URLSearchParams({ entry: await browserEntryPath() });
  if (noStream) {
    query.set('nostream', '1');
  }
  await page.goto(`${mockUrl}/browser/index.html?${query}`);
  try {
    await page.waitForFunction(() => window.faultSuiteReady === true, null, { timeout: 15000 });
  } catch (error) {
    throw new Error(`the suite page did not load: ${error.message}\n${consoleLines.join('\n')}`);
  }
  return { page, consoleLines };
}
