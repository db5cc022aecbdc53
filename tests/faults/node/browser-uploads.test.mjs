// Uploads in headless Chromium against the mock's plain HTTP/1.1 listener,
// where Chromium rejects streamed request bodies. A File upload with
// progress must complete and a stream must never arrive as its string form.
// An abort must end the upload promptly without unhandled rejections.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium, openSuitePage } from '../lib/browser.mjs';
import {
  appDir, createTestStorage, eventually, packageDir, rawImageBytes, repoRoot, startFaultMock,
  storageBytes, TOKEN, tokenManager, uploadSessions,
} from '../lib/harness.mjs';

const IMAGE_BYTES = 2 * 1024 * 1024 + 77;
const ABORTED_IMAGE_BYTES = 32 * 1024 * 1024;
const STRINGIFIED_STREAM = '[object ReadableStream]';

let mock;
let manager;
let browser;
let image;
let imagePath;
let abortedImagePath;

before(async () => {
  mock = await startFaultMock({
    extra: ['--www', join(repoRoot, 'tests/faults'), '--pkg', packageDir],
  });
  manager = tokenManager(mock);
  image = rawImageBytes(IMAGE_BYTES);
  const dir = join(appDir, '..', 'images');
  await mkdir(dir, { recursive: true });
  imagePath = join(dir, 'browser-upload.raw');
  await writeFile(imagePath, image);
  abortedImagePath = join(dir, 'browser-upload-aborted.raw');
  await writeFile(abortedImagePath, rawImageBytes(ABORTED_IMAGE_BYTES));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await mock?.stop();
});

async function pageWithFile(options, path = imagePath) {
  const opened = await openSuitePage(browser.context, mock.url, options);
  await opened.page.setInputFiles('#image', path);
  return opened;
}

function explain(outcome, consoleLines) {
  return `${JSON.stringify(outcome.error ?? outcome.value)}\n${consoleLines.join('\n')}`;
}

async function assertExactBytes(uuid) {
  const landed = await storageBytes(mock, uuid, IMAGE_BYTES);
  assert.ok(!landed.subarray(0, 32).toString('latin1').startsWith(STRINGIFIED_STREAM), 'a stringified stream landed');
  assert.ok(landed.equals(image), 'the landed bytes differ from the file');
}

async function assertNoStringifiedStream(uuid) {
  const landed = await storageBytes(mock, uuid, 64);
  assert.ok(!landed.toString('latin1').startsWith(STRINGIFIED_STREAM), 'the uploader received a stringified stream');
  const sessions = (await uploadSessions(mock)).filter((session) => session.storage === uuid);
  for (const session of sessions) {
    assert.notEqual(session.received_bytes, STRINGIFIED_STREAM.length, 'the uploader received 23 bytes');
  }
}

/** A refusal must be a typed error that explains why, not a bare "Failed to fetch". */
function assertTypedRefusal(error) {
  assert.ok(error.isUpCloudError, `not an UpCloudError: ${JSON.stringify(error)}`);
  assert.notEqual(error.code, null);
  assert.notEqual(error.message.trim(), 'Failed to fetch');
}

test('Chromium File upload over HTTP/1.1 completes', async () => {
  const storage = await createTestStorage(manager, 'Chromium File upload');
  const { page, consoleLines } = await pageWithFile();

  const outcome = await page.evaluate((args) => window.faultSuite.importSelected(args), {
    apiBase: mock.apiBase, token: TOKEN, storageUuid: storage.uuid,
  });

  assert.equal(outcome.error, undefined, explain(outcome, consoleLines));
  assert.equal(outcome.value.state, 'completed');
  const uploading = outcome.progress.filter((event) => event.phase === 'uploading');
  assert.ok(uploading.length > 0, 'no upload progress in Chromium');
  assert.equal(uploading.at(-1).loaded, IMAGE_BYTES);
  assert.equal(uploading.at(-1).total, IMAGE_BYTES);
  await assertExactBytes(storage.uuid);
  await page.close();
});

test('Chromium stream upload never sends a string', async (t) => {
  const storage = await createTestStorage(manager, 'Chromium stream upload');
  const { page, consoleLines } = await pageWithFile();

  const outcome = await page.evaluate((args) => window.faultSuite.uploadSelectedAsStream(args), {
    apiBase: mock.apiBase, token: TOKEN, storageUuid: storage.uuid,
  });

  t.diagnostic(`stream upload outcome: ${JSON.stringify(outcome.error ?? 'uploaded')}`);
  if (outcome.error === undefined) {
    assert.equal(outcome.value.writtenBytes, IMAGE_BYTES, explain(outcome, consoleLines));
    await manager.waitForStorageImport(storage.uuid, { intervalMs: 50 });
    await assertExactBytes(storage.uuid);
  } else {
    assertTypedRefusal(outcome.error);
    await assertNoStringifiedStream(storage.uuid);
  }
  await page.close();
});

test('browser without stream bodies gets the file bytes', async (t) => {
  const { page, consoleLines } = await pageWithFile({ noStream: true });
  assert.equal(await page.evaluate(() => window.faultSuite.noStream), true);

  const fileTarget = await createTestStorage(manager, 'File upload without stream bodies');
  const fileOutcome = await page.evaluate((args) => window.faultSuite.importSelected(args), {
    apiBase: mock.apiBase, token: TOKEN, storageUuid: fileTarget.uuid,
  });
  assert.equal(fileOutcome.error, undefined, explain(fileOutcome, consoleLines));
  await assertExactBytes(fileTarget.uuid);

  const streamTarget = await createTestStorage(manager, 'stream upload without stream bodies');
  const streamOutcome = await page.evaluate((args) => window.faultSuite.uploadSelectedAsStream(args), {
    apiBase: mock.apiBase, token: TOKEN, storageUuid: streamTarget.uuid,
  });
  t.diagnostic(`stream upload outcome: ${JSON.stringify(streamOutcome.error ?? 'uploaded')}`);
  if (streamOutcome.error === undefined) {
    await manager.waitForStorageImport(streamTarget.uuid, { intervalMs: 50 });
    await assertExactBytes(streamTarget.uuid);
  } else {
    assertTypedRefusal(streamOutcome.error);
    await assertNoStringifiedStream(streamTarget.uuid);
  }
  await page.close();
});

test('Chromium upload abort rejects promptly', async () => {
  const storage = await createTestStorage(manager, 'Chromium upload aborted');
  await mock.faults({
    method: 'PUT', path_prefix: '/uploader/', count: 1, action: 'slow_body', bytes_per_second: 2 * 1024 * 1024,
  });
  const { page, consoleLines } = await pageWithFile({}, abortedImagePath);

  const outcome = await page.evaluate((args) => window.faultSuite.abortSelected(args), {
    apiBase: mock.apiBase, token: TOKEN, storageUuid: storage.uuid, afterMs: 200,
  });

  assert.ok(outcome.error, `the aborted upload resolved\n${consoleLines.join('\n')}`);
  assert.equal(outcome.error.code, 'ABORTED', explain(outcome, consoleLines));
  assert.ok(outcome.error.isUpCloudError);
  assert.ok(outcome.lateMs < 700, `rejected ${Math.round(outcome.lateMs)} ms after the abort`);
  // The mock drains what the kernel buffered before it detects the end.
  const session = await eventually(async () => {
    const sessions = await uploadSessions(mock);
    return sessions.find((entry) => entry.storage === storage.uuid && entry.state !== 'receiving');
  }, { timeoutMs: 10000, what: 'the mock to see the upload connection close' });
  assert.equal(session.state, 'aborted');
  assert.ok(session.received_bytes < ABORTED_IMAGE_BYTES, 'the whole body was sent after the abort');
  await new Promise((done) => setTimeout(done, 300));
  assert.deepEqual(await page.evaluate(() => window.faultSuite.unhandledRejections()), []);
  await mock.clearFaults();
  await page.close();
});
