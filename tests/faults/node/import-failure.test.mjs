// A failure at the end of a long import must reach the caller as a rejection
// that carries the import's own error, never as a resolved promise.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  assertUpCloudError, createTestStorage, rawImageBytes, rejectionOf, startFaultMock, tokenManager,
} from '../lib/harness.mjs';
import { startSourceServer } from '../lib/source-server.mjs';

const IMPORT_ERROR_CODE = 'SOURCE_DOWNLOAD_FAILED';
const IMPORT_ERROR_MESSAGE = 'The remote server closed the connection at byte 4096.';

let mock;
let source;
let slowSource;
let manager;

before(async () => {
  mock = await startFaultMock();
  source = await startSourceServer(rawImageBytes(64 * 1024));
  slowSource = await startSourceServer(rawImageBytes(256 * 1024), { bytesPerSecond: 16 * 1024 });
  manager = tokenManager(mock);
});

after(async () => {
  await slowSource?.stop();
  await source?.stop();
  await mock?.stop();
});

function assertImportFailed(error, storageUuid) {
  assertUpCloudError(error, { code: 'IMPORT_FAILED' });
  assert.equal(error.storageUuid, storageUuid);
  assert.equal(error.importErrorCode, IMPORT_ERROR_CODE);
  assert.equal(error.importErrorMessage, IMPORT_ERROR_MESSAGE);
}

test('import failure rejects with IMPORT_FAILED', async () => {
  const storage = await createTestStorage(manager, 'http import that fails');
  await mock.nextImport({
    outcome: 'failed', error_code: IMPORT_ERROR_CODE, error_message: IMPORT_ERROR_MESSAGE,
  });
  await manager.createStorageImport({
    storage: storage.uuid, source: 'http_import', sourceLocation: source.url,
  });

  const seen = [];
  const error = await rejectionOf(manager.waitForStorageImport(storage.uuid, {
    intervalMs: 50,
    onPoll: (details) => seen.push(details?.state ?? details),
  }));

  assertImportFailed(error, storage.uuid);
  assert.ok(!seen.includes('completed'), `the wait saw states ${seen.join(', ')}`);
  const details = await manager.getStorageImportDetails(storage.uuid);
  assert.equal(details.state, 'failed');
  assert.equal(details.errorCode, IMPORT_ERROR_CODE);
  assert.equal(details.errorMessage, IMPORT_ERROR_MESSAGE);
});

test('wait started after the failure still rejects', async () => {
  const storage = await createTestStorage(manager, 'import already failed');
  await mock.nextImport({
    outcome: 'failed', error_code: IMPORT_ERROR_CODE, error_message: IMPORT_ERROR_MESSAGE,
  });
  await manager.createStorageImport({
    storage: storage.uuid, source: 'http_import', sourceLocation: source.url,
  });
  await waitForImportState(storage.uuid, 'failed');

  assertImportFailed(await rejectionOf(manager.waitForStorageImport(storage.uuid)), storage.uuid);
});

test('failed file import rejects with IMPORT_FAILED', async () => {
  const storage = await createTestStorage(manager, 'direct upload that fails');
  await mock.nextImport({
    outcome: 'failed', error_code: IMPORT_ERROR_CODE, error_message: IMPORT_ERROR_MESSAGE,
  });

  const error = await rejectionOf(manager.importStorageFromFile(
    storage.uuid, new Blob([rawImageBytes(32 * 1024)]), { pollIntervalMs: 50 },
  ));

  assertImportFailed(error, storage.uuid);
});

test('cancelled import rejects with IMPORT_CANCELLED', async () => {
  const storage = await createTestStorage(manager, 'http import that is cancelled');
  await mock.nextImport({ outcome: 'cancelled' });
  await manager.createStorageImport({
    storage: storage.uuid, source: 'http_import', sourceLocation: source.url,
  });

  const error = await rejectionOf(manager.waitForStorageImport(storage.uuid, { intervalMs: 50 }));

  assertUpCloudError(error, { code: 'IMPORT_CANCELLED' });
  assert.equal(error.storageUuid, storage.uuid);
});

test('cancelled file import rejects with IMPORT_CANCELLED', async () => {
  const storage = await createTestStorage(manager, 'direct upload that is cancelled');
  await mock.nextImport({ outcome: 'cancelled' });

  const error = await rejectionOf(manager.importStorageFromFile(
    storage.uuid, new Blob([rawImageBytes(32 * 1024)]), { pollIntervalMs: 50 },
  ));

  assertUpCloudError(error, { code: 'IMPORT_CANCELLED' });
  assert.equal(error.storageUuid, storage.uuid);
});

test('import cancelled through the API ends the wait', async () => {
  const storage = await createTestStorage(manager, 'http import cancelled by the caller');
  await manager.createStorageImport({
    storage: storage.uuid, source: 'http_import', sourceLocation: slowSource.url,
  });
  const waiting = rejectionOf(manager.waitForStorageImport(storage.uuid, { intervalMs: 50 }));

  await waitForImportState(storage.uuid, 'importing');
  const cancelling = await manager.cancelStorageImport(storage.uuid);
  assert.ok(['cancelling', 'cancelled'].includes(cancelling.state), `state ${cancelling.state}`);

  const error = await waiting;
  assertUpCloudError(error, { code: 'IMPORT_CANCELLED' });
  assert.equal(error.storageUuid, storage.uuid);
});

async function waitForImportState(storageUuid, state) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const details = await manager.getStorageImportDetails(storageUuid);
    if (details.state === state) {
      return details;
    }
    assert.ok(Date.now() < deadline, `import stayed in ${details.state}, expected ${state}`);
    await new Promise((done) => setTimeout(done, 30));
  }
}

test('storage error after import rejects the file import', async () => {
  const storage = await createTestStorage(manager, 'breaks while syncing');
  const storagePath = `/1.3/storage/${storage.uuid}`;
  // Once the import reads `completed`, every later read of the storage says
  // `error`, so the call fails in its wait for `online`, whatever the timing.
  let importCompleted = false;
  const breakingFetch = async (input, init) => {
    const response = await fetch(input, init);
    const path = new URL(String(input)).pathname;
    if (path === `${storagePath}/import` && response.ok) {
      const body = await response.clone().json();
      importCompleted ||= body.storage_import.state === 'completed';
    }
    if (path !== storagePath || !importCompleted || init.method !== 'GET' || !response.ok) {
      return response;
    }
    const body = await response.json();
    body.storage.state = 'error';
    return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
  };
  const breaking = tokenManager(mock, { fetch: breakingFetch });

  const error = await rejectionOf(breaking.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(32 * 1024)]), {
    pollIntervalMs: 50, waitForOnline: true,
  }));

  assert.ok(importCompleted, 'the import never completed');
  assertUpCloudError(error, { code: 'STORAGE_ERROR' });
  assert.equal(error.storageUuid, storage.uuid);
});
