// The README's browser example in headless Chromium. The page is served with
// a strict Content-Security-Policy, next to the installed package and a
// same-origin proxy to the mock, as the README describes. Each test fills in
// the form and reads the list the page renders.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { startSite } from './lib/site.mjs';
import {
  apiGet, example, isLoopback, packageDir, PASSWORD, startReadmeMock, USERNAME,
} from './lib/setup.mjs';

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const RESULT_TIMEOUT_MS = 20_000;

let mock;
let site;
let profile;
let context;
const blockedRequests = [];

before(async () => {
  mock = await startReadmeMock();
  site = await startSite({ html: example('browser'), packageDir, apiOrigin: mock.url });
  profile = await mkdtemp(join(tmpdir(), 'readme-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  await context.route('**/*', (route) => {
    if (isLoopback(route.request().url())) {
      return route.continue();
    }
    blockedRequests.push(route.request().url());
    return route.abort();
  });
});

after(async () => {
  await context?.close();
  if (profile) {
    await rm(profile, { recursive: true, force: true });
  }
  await site?.close();
  await mock?.stop();
});

/** Opens the page, signs in and resolves to the list items' texts and classes. */
async function submit(query, username, password) {
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${site.url}/${query}`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button');
  await page.waitForSelector('#storages li', { timeout: RESULT_TIMEOUT_MS });
  const items = await page.$$eval('#storages li', (nodes) =>
    nodes.map((node) => ({ text: node.textContent, error: node.classList.contains('error') })));
  await page.close();
  return { items, pageErrors };
}

test('browser example lists every storage', async () => {
  const { items, pageErrors } = await submit('', USERNAME, PASSWORD);
  assert.deepEqual(pageErrors, []);

  const { storages } = await apiGet(mock, '/storage');
  const expected = storages.storage.map((storage) => `${storage.title} (${storage.type}, ${storage.state})`);
  assert.ok(expected.length > 0, 'the mock has no storages to list');
  assert.deepEqual(items.map((item) => item.text).sort(), expected.sort());
  assert.ok(items.every((item) => !item.error));
});

test('browser example shows a failed sign-in', async () => {
  const { items, pageErrors } = await submit('', USERNAME, `${PASSWORD}-wrong`);
  assert.deepEqual(pageErrors, []);
  assert.equal(items.length, 1);
  assert.ok(items[0].error, 'the error item lacks the error class');
  assert.match(items[0].text, /^AUTHENTICATION_FAILED: /);
});

test('browser example needs wasm-unsafe-eval', async () => {
  const { items } = await submit('?csp=no-wasm', USERNAME, PASSWORD);
  assert.equal(items.length, 1);
  assert.ok(items[0].error, `the page listed storages without 'wasm-unsafe-eval': ${items[0].text}`);
  assert.match(items[0].text, /^CompileError: /);
});

test('browser example reached only loopback', () => {
  assert.deepEqual(blockedRequests, []);
});
