// Cancellation: an aborted signal stops work before or during a request or
// an upload, a timeout has its own code distinct from a user abort, and no
// promise is left rejecting in the background.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, test } from 'node:test';

import {
  createTestStorage, eventually, journal, rawImageBytes, rejectionOf, rejectsWith, sleep, startFaultMock,
  tokenManager, uploadSessions, ZONE,
} from '../lib/harness.mjs';

const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);

let mock;
let manager;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  mock = await startFaultMock();
  manager = tokenManager(mock);
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await mock?.stop();
});

function abortedSignal() {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
}

test('aborted signal rejects before any request', async () => {
  const storage = await createTestStorage(manager, 'target of aborted calls');
  await mock.clearRequests();
  const signal = abortedSignal();

  await rejectsWith(manager.listStorages({ signal }), { code: 'ABORTED' });
  await rejectsWith(manager.getStorages('private', undefined, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.getStorage(storage.uuid, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.createStorage({ zone: ZONE, size: 10, title: 'never' }, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.deleteStorage(storage.uuid, undefined, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.waitForStorageState(storage.uuid, 'online', { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(1024)]), { signal, pollIntervalMs: 50 }), {
    code: 'ABORTED',
  });

  assert.deepEqual(await journal(mock, { pathPrefix: '/1.3/' }), []);
  assert.deepEqual(await journal(mock, { pathPrefix: '/uploader/' }), []);
});

test('abort during a slow request rejects with ABORTED', async () => {
  const storage = await createTestStorage(manager, 'slow read aborted');
  await mock.faults({ method: 'GET', path_prefix: `/1.3/storage/${storage.uuid}`, count: 1, latency_ms: 3000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);

  const started = Date.now();
  await rejectsWith(manager.getStorage(storage.uuid, { signal: controller.signal }), { code: 'ABORTED' });

  assert.ok(Date.now() - started < 1500, 'the abort did not stop the request');
  await mock.clearFaults();
});

test('JSON call timeout rejects with TIMEOUT', async () => {
  const storage = await createTestStorage(manager, 'slow read timed out');
  await mock.faults({ method: 'GET', path_prefix: `/1.3/storage/${storage.uuid}`, count: 10, latency_ms: 3000 });
  const impatient = tokenManager(mock, { timeoutMs: 300, retries: 0 });

  const started = Date.now();
  const error = await rejectsWith(impatient.getStorage(storage.uuid), { code: 'TIMEOUT' });

  assert.notEqual(error.code, 'ABORTED');
  assert.ok(Date.now() - started < 2500, 'the timeout did not stop the request');
  await mock.clearFaults();
});

// The mock reads the slowed body at 2 MiB/s. After the client closes the
// connection, the mock still drains what the kernel buffered (a few MiB on
// loopback) before it detects the end, so the checks below allow for that.
const SLOW_BYTES_PER_SECOND = 2 * 1024 * 1024;
const LARGE_IMAGE_BYTES = 32 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10000;

async function slowUploadTarget(title) {
  const storage = await createTestStorage(manager, title);
  await mock.faults({
    method: 'PUT', path_prefix: '/uploader/', count: 1, action: 'slow_body', bytes_per_second: SLOW_BYTES_PER_SECOND,
  });
  return storage;
}

async function closedSession(storageUuid, what) {
  const session = await eventually(async () => {
    const sessions = await uploadSessions(mock);
    return sessions.find((entry) => entry.storage === storageUuid && entry.state !== 'receiving');
  }, { timeoutMs: DRAIN_TIMEOUT_MS, what });
  assert.equal(session.state, 'aborted');
  assert.ok(session.received_bytes < LARGE_IMAGE_BYTES, 'the whole body was sent after the abort');
  return session;
}

/**
 * Returns an onProgress callback that aborts `controller` 200 ms after the
 * first bytes are sent, and a function giving the abort time. Timing from
 * the first bytes keeps a slow machine from aborting before the transfer.
 */
function abortAfterFirstBytes(controller) {
  let abortedAt;
  const onProgress = (event) => {
    if (abortedAt === undefined && event.phase === 'uploading' && event.loaded > 0) {
      abortedAt = null;
      setTimeout(() => {
        abortedAt = Date.now();
        controller.abort();
      }, 200);
    }
  };
  return { onProgress, abortedAt: () => abortedAt };
}

test('upload aborted after 200 ms rejects promptly', async () => {
  const storage = await slowUploadTarget('upload aborted');
  const created = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  const image = new Blob([rawImageBytes(LARGE_IMAGE_BYTES)]);
  const controller = new AbortController();
  const trigger = abortAfterFirstBytes(controller);

  await rejectsWith(manager.uploadFileForStorageImport(created, image, {
    signal: controller.signal, onProgress: trigger.onProgress,
  }), { code: 'ABORTED' });
  const late = Date.now() - trigger.abortedAt();

  assert.ok(late < 700, `rejected ${late} ms after the abort`);
  await closedSession(storage.uuid, 'the mock to see the upload connection close');
  await mock.clearFaults();
});

test('file import aborted after 200 ms rejects promptly', async () => {
  const storage = await slowUploadTarget('file import aborted');
  const image = new Blob([rawImageBytes(LARGE_IMAGE_BYTES)]);
  const controller = new AbortController();
  const trigger = abortAfterFirstBytes(controller);

  await rejectsWith(manager.importStorageFromFile(storage.uuid, image, {
    signal: controller.signal, pollIntervalMs: 50, onProgress: trigger.onProgress,
  }), { code: 'ABORTED' });
  const late = Date.now() - trigger.abortedAt();

  assert.ok(late < 700, `rejected ${late} ms after the abort`);
  // The call may also cancel its import, which ends the session from the
  // mock's side, so a cancelled (failed) session counts as closed too.
  const session = await eventually(async () => {
    const sessions = await uploadSessions(mock);
    return sessions.find((entry) => entry.storage === storage.uuid && entry.state !== 'receiving');
  }, { timeoutMs: DRAIN_TIMEOUT_MS, what: 'the upload session to end' });
  assert.ok(['aborted', 'failed'].includes(session.state), `session state ${session.state}`);
  assert.ok(session.received_bytes < LARGE_IMAGE_BYTES, 'the whole body was sent after the abort');
  await mock.clearFaults();
});

test('upload timeout rejects with TIMEOUT', async () => {
  const storage = await slowUploadTarget('upload timed out');
  const created = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  const image = new Blob([rawImageBytes(LARGE_IMAGE_BYTES)]);

  const started = Date.now();
  await rejectsWith(manager.uploadFileForStorageImport(created, image, {
    timeoutMs: 300,
  }), { code: 'TIMEOUT' });
  const elapsed = Date.now() - started;

  assert.ok(elapsed < 1000, `the 300 ms upload timeout fired after ${elapsed} ms`);
  // On a busy machine the timeout may fire before the transfer starts, so
  // the mock may have no session at all; any session it has must be closed.
  const sessions = await eventually(async () => {
    const ours = (await uploadSessions(mock)).filter((entry) => entry.storage === storage.uuid);
    return ours.every((entry) => entry.state !== 'receiving') && ours;
  }, { timeoutMs: DRAIN_TIMEOUT_MS, what: 'the mock to see the timed-out upload close' });
  for (const session of sessions) {
    assert.equal(session.state, 'aborted');
    assert.ok(session.received_bytes < LARGE_IMAGE_BYTES, 'the whole body was sent after the timeout');
  }
  await mock.clearFaults();
});

test('aborted upload can be sent again', async () => {
  const storage = await slowUploadTarget('upload aborted then repeated');
  const image = new Blob([rawImageBytes(LARGE_IMAGE_BYTES)]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  // cancelImportOnAbort frees the storage whichever phase the abort hits,
  // so the second import is not refused by the first one.
  await rejectsWith(manager.importStorageFromFile(storage.uuid, image, {
    signal: controller.signal, pollIntervalMs: 50, cancelImportOnAbort: true,
  }), { code: 'ABORTED' });
  await mock.clearFaults();

  await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50, timeoutMs: DRAIN_TIMEOUT_MS });
  const done = await manager.importStorageFromFile(storage.uuid, image, { pollIntervalMs: 50 });

  assert.equal(done.state, 'completed');
});

test('abort during Retry-After backoff rejects promptly', async () => {
  const storage = await createTestStorage(manager, 'aborted while backing off');
  await mock.faults({
    method: 'GET', path_prefix: `/1.3/storage/${storage.uuid}`, count: 1, status: 429,
    content_type: 'text/plain', body: 'Too many requests.', retry_after: '5',
  });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);

  const started = Date.now();
  await rejectsWith(manager.getStorage(storage.uuid, { signal: controller.signal }), { code: 'ABORTED' });

  assert.ok(Date.now() - started < 1000, 'the abort waited for the Retry-After pause');
  await mock.clearFaults();
});

test('abort during a wait rejects promptly', async () => {
  const storage = await createTestStorage(manager, 'aborted while waited for');
  await mock.setState(storage.uuid, { state: 'maintenance' });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);

  const started = Date.now();
  await rejectsWith(manager.waitForStorageState(storage.uuid, 'online', {
    intervalMs: 2000, signal: controller.signal,
  }), { code: 'ABORTED' });

  assert.ok(Date.now() - started < 1000, 'the abort waited for the next poll');
  await mock.setState(storage.uuid, { state: 'online' });
});

test('calls leave no listener on a reused signal', async () => {
  const storage = await createTestStorage(manager, 'read with one long-lived signal');
  const controller = new AbortController();

  for (let call = 0; call < 20; call += 1) {
    await manager.getStorage(storage.uuid, { signal: controller.signal });
  }
  await manager.waitForStorageState(storage.uuid, 'online', { signal: controller.signal });
  await rejectionOf(manager.getStorage('01000000-dead-4000-8000-00000000beef', { signal: controller.signal }));

  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('no unhandled rejection fired', async () => {
  // Late rejections of abandoned promises arrive on the next turns.
  await sleep(300);

  assert.deepEqual(unhandled.map(String), []);
});
