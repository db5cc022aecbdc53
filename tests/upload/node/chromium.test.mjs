// Uploads of a real File in headless Chromium, set on an <input type=file>,
// over the mock's plain HTTP/1.1 listener and its TLS listener (HTTP/2).
import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import {
  createStorage, fileBytes, GIB, imageDir, landedBytes, makeImages, managerFor, repoRoot, sha256, startUploadMock,
  TOKEN,
} from '../lib/setup.mjs';

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let mock;
let manager;
let images;
let raw;
let context;
let profileDir;

before(async () => {
  images = await makeImages();
  raw = await fileBytes(images.raw);
  mock = await startUploadMock({
    tls: true,
    extra: ['--www', join(repoRoot, 'tests/upload/browser'), '--pkg', join(repoRoot, 'pkg')],
  });
  manager = managerFor(mock);
  profileDir = await mkdtemp(join(tmpdir(), 'upload-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ignoreHTTPSErrors: true,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${mock.tlsSpki}`],
  });
});

after(async () => {
  await context?.close();
  await mock?.stop();
  if (profileDir) {
    await rm(profileDir, { recursive: true, force: true });
  }
});

/** Opens the suite page on `origin` with `file` set on its input. */
async function pageWith(origin, file) {
  const page = await context.newPage();
  const lines = [];
  page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
  await page.goto(`${origin}/index.html`);
  try {
    await page.waitForFunction(() => window.uploadSuiteReady === true, null, { timeout: 15000 });
  } catch (error) {
    throw new Error(`the suite page did not load: ${error.message}\n${lines.join('\n')}`);
  }
  await page.setInputFiles('#image', file);
  return { page, lines };
}

async function importInPage(page, storageUuid, extra = {}) {
  return page.evaluate((args) => window.uploadSuite.importSelected(args), { token: TOKEN, storageUuid, ...extra });
}

function assertUploadProgress(progress, total) {
  const uploading = progress.filter((event) => event.phase === 'uploading');
  assert.ok(uploading.length >= 2, `too few uploading events: ${JSON.stringify(uploading)}`);
  for (let i = 1; i < uploading.length; i++) {
    assert.ok(uploading[i].loaded >= uploading[i - 1].loaded, 'uploading progress went back');
  }
  assert.equal(uploading.at(-1).loaded, total);
  assert.equal(uploading.at(-1).total, total);
}

for (const [listener, origin, protocol] of [['HTTP/1.1', () => mock.url, 'http/1.1'], ['HTTP/2', () => mock.tlsUrl, 'h2']]) {
  test(`Chromium ${listener} File upload lands with progress`, async () => {
    const storage = await createStorage(manager, `chromium ${listener}`);
    const { page, lines } = await pageWith(origin(), images.raw);

    const outcome = await importInPage(page, storage.uuid);

    assert.equal(outcome.error, undefined, `${JSON.stringify(outcome.error)}\n${lines.join('\n')}`);
    assert.equal(outcome.value.state, 'completed');
    assert.equal(outcome.protocol, protocol);
    assertUploadProgress(outcome.progress, raw.length);
    assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
    assert.deepEqual(await page.evaluate(() => window.uploadSuite.unhandledRejections()), []);
    await page.close();
  });
}

for (const format of ['gzip', 'xz']) {
  test(`Chromium ${format} File lands decompressed`, async () => {
    const storage = await createStorage(manager, `chromium ${format}`);
    const { page } = await pageWith(mock.tlsUrl, images[format]);

    const outcome = await importInPage(page, storage.uuid);

    assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.equal(outcome.value.writtenBytes, raw.length);
    assert.equal(outcome.value.sha256sum, sha256(raw));
    assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
    await page.close();
  });
}

test('Chromium HTTP/2 stream upload lands', async () => {
  const storage = await createStorage(manager, 'chromium stream');
  const { page } = await pageWith(mock.tlsUrl, images.raw);

  const outcome = await page.evaluate(
    (args) => window.uploadSuite.importSelectedStream(args), { token: TOKEN, storageUuid: storage.uuid },
  );

  assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
  assert.equal(outcome.value.state, 'completed');
  assertUploadProgress(outcome.progress, raw.length);
  assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
  await page.close();
});

test('Chromium ISO File lands byte for byte', async (t) => {
  if (images.iso === null) {
    t.skip('xorriso is not installed');
    return;
  }
  const iso = await fileBytes(images.iso);
  const storage = await createStorage(manager, 'chromium iso');
  const { page } = await pageWith(mock.url, images.iso);

  const outcome = await importInPage(page, storage.uuid);

  assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
  assert.equal(sha256(await landedBytes(mock, storage.uuid, iso.length)), sha256(iso));
  await page.close();
});

test('Chromium qcow2 File rejected before any byte', async () => {
  const storage = await createStorage(manager, 'chromium qcow2');
  const { page } = await pageWith(mock.url, images.qcow2);
  await mock.clearRequests();

  const outcome = await importInPage(page, storage.uuid);

  assert.equal(outcome.error?.code, 'UNSUPPORTED_IMAGE_FORMAT');
  assert.match(outcome.error.message, /qcow2/);
  assert.deepEqual((await mock.requests()).filter((entry) => entry.method !== 'GET'), []);
  await page.close();
});

test('Chromium too large File rejected before any byte', async () => {
  const storage = await createStorage(manager, 'chromium too large', 1);
  const path = join(imageDir, 'too-large.raw');
  await writeFile(path, Buffer.from([0xeb, 0x63, 0x90]));
  await truncate(path, GIB + 1);
  const { page } = await pageWith(mock.url, path);
  await mock.clearRequests();

  const outcome = await importInPage(page, storage.uuid);

  assert.equal(outcome.error?.code, 'IMAGE_TOO_LARGE');
  assert.match(outcome.error.message, /1073741825 bytes/);
  assert.deepEqual((await mock.requests()).filter((entry) => entry.method !== 'GET'), []);
  await page.close();
  await rm(path, { force: true });
});

test('Chromium abort mid-way then re-upload', async () => {
  const storage = await createStorage(manager, 'chromium abort');
  const { page } = await pageWith(mock.url, images.raw);
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 2_000_000 });

  const aborted = await importInPage(page, storage.uuid, { abortAfterMs: 300 });
  await mock.clearFaults();

  assert.equal(aborted.error?.code, 'ABORTED');
  assert.equal(aborted.error.storageUuid, storage.uuid);
  assert.ok(aborted.lateMs < 500, `rejected ${aborted.lateMs} ms after the abort`);

  await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 });
  const again = await importInPage(page, storage.uuid);
  assert.equal(again.error, undefined, JSON.stringify(again.error));
  assert.equal(again.value.state, 'completed');
  assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
  assert.deepEqual(await page.evaluate(() => window.uploadSuite.unhandledRejections()), []);
  await page.close();
});
