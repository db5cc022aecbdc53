// The browser entry in headless Chromium. A page and a dedicated Web Worker
// import `/pkg/web.js` from the installed package, which the mock serves
// under /pkg/ on the API's origin. Both run a short flow, once with the lazy
// initialisation inside the first call and once after an explicit init(url).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { startMock } from '../support/mock.mjs';
import { packageDir } from './lib/package.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let mock;
let context;
let profile;

before(async () => {
  mock = await startMock({
    args: [
      '--listen', '127.0.0.1:0', '--empty', '--token', 't', '--op-seconds', '0.3',
      '--www', join(here, 'browser'), '--pkg', packageDir,
    ],
  });
  profile = await mkdtemp(join(tmpdir(), 'upcloud-storage-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await context?.close();
  if (profile) {
    await rm(profile, { recursive: true, force: true });
  }
  await mock?.stop();
});

async function resultsOf(query) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${mock.url}/index.html${query}`);
  await page.waitForFunction(() => window.results !== undefined, null, { timeout: 20_000 });
  const results = await page.evaluate(() => window.results);
  await page.close();
  assert.deepEqual(errors, []);
  assert.equal(results.error, undefined, results.error);
  return results;
}

function checkFlow(flow, where) {
  assert.equal(flow.error, undefined, `${where}: ${flow.error}`);
  assert.deepEqual(flow, {
    listed: true,
    isStorage: true,
    uuidMatches: true,
    encrypted: false,
    json: 'browser disk',
    notFound: { isUpCloudError: true, isError: true, code: 'STORAGE_NOT_FOUND', status: 404 },
  }, where);
}

test('chromium: lazy init in a page and a worker', async () => {
  const { page, worker } = await resultsOf('');
  checkFlow(page, 'page');
  checkFlow(worker, 'dedicated worker');
});

test('chromium: explicit init with a wasm URL', async () => {
  const { page, worker } = await resultsOf('?init=1');
  checkFlow(page, 'page');
  checkFlow(worker, 'dedicated worker');
});
