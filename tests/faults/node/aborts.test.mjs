// Cancellation: an aborted signal stops work before or during a request or
// an upload, a timeout is told apart from a user abort, and nothing is left
// rejecting in the background.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  createTestStorage, eventually, journal, rawImageBytes, rejectsWith, sleep, startFaultMock,
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

  await rejectsWith(manager.getStorages('private', { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.getStorage(storage.uuid, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.createStorage({ zone: ZONE, size: 10, title: 'never' }, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.deleteStorage(storage.uuid, { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.waitForStorageState(storage.uuid, 'online', { signal }), { code: 'ABORTED' });
  await rejectsWith(manager.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(1024)]), { signal }), {
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

async function slowUploadTarget(title) {
  const storage = await createTestStorage(manager, title);
  // 64 KiB/s makes a 4 MiB body take about a minute, far longer than the test.
  await mock.faults({
    method: 'PUT', path_prefix: '/uploader/', count: 1, action: 'slow_body', bytes_per_second: 64 * 1024,
  });
  return storage;
}

test('upload aborted after 200 ms rejects promptly', async () => {
  const storage = await slowUploadTarget('upload aborted');
  const controller = new AbortController();
  let abortedAt;
  setTimeout(() => {
    abortedAt = Date.now();
    controller.abort();
  }, 200);

  await rejectsWith(manager.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(4 * 1024 * 1024)]), {
    signal: controller.signal,
  }), { code: 'ABORTED' });
  const late = Date.now() - abortedAt;

  assert.ok(late < 700, `rejected ${late} ms after the abort`);
  const session = await eventually(async () => {
    const sessions = await uploadSessions(mock);
    return sessions.find((entry) => entry.storage === storage.uuid && entry.state === 'aborted');
  }, { what: 'the mock to see the upload connection close' });
  assert.ok(session.received_bytes < 4 * 1024 * 1024);
  await mock.clearFaults();
});

test('upload timeout rejects with TIMEOUT', async () => {
  const storage = await slowUploadTarget('upload timed out');
  const created = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });

  await rejectsWith(manager.uploadFileForStorageImport(created, new Blob([rawImageBytes(4 * 1024 * 1024)]), {
    timeoutMs: 300,
  }), { code: 'TIMEOUT' });

  await eventually(async () => {
    const sessions = await uploadSessions(mock);
    return sessions.find((entry) => entry.storage === storage.uuid && entry.state === 'aborted');
  }, { what: 'the mock to see the timed-out upload close' });
  await mock.clearFaults();
});

test('aborted upload can be sent again', async () => {
  const storage = await slowUploadTarget('upload aborted then repeated');
  const image = new Blob([rawImageBytes(256 * 1024)]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  await rejectsWith(manager.importStorageFromFile(storage.uuid, image, { signal: controller.signal }), {
    code: 'ABORTED',
  });
  await mock.clearFaults();

  await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 });
  const done = await manager.importStorageFromFile(storage.uuid, image);

  assert.equal(done.state, 'completed');
});

test('no unhandled rejection fired', async () => {
  // Late rejections of abandoned promises arrive on the next turns.
  await sleep(300);

  assert.deepEqual(unhandled.map(String), []);
});
