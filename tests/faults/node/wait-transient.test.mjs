// Transient server errors: a wait rides out a few of them, Retry-After is
// honoured, and a POST that creates something is never sent twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  createTestStorage, journal, rejectsWith, startFaultMock, tokenManager, ZONE,
} from '../lib/harness.mjs';

let mock;
let manager;

before(async () => {
  mock = await startFaultMock();
  manager = tokenManager(mock);
});

after(async () => {
  await mock?.stop();
});

function serviceError(path, status, message) {
  return mock.faults({
    method: 'GET',
    path_prefix: path,
    count: 1,
    status,
    error_code: 'SERVICE_UNAVAILABLE',
    error_message: message,
  });
}

test('wait survives 502 then 503', async () => {
  const storage = await createTestStorage(manager, 'wait through 5xx');
  const path = `/1.3/storage/${storage.uuid}`;
  await serviceError(path, 502, 'gateway hiccup');
  await serviceError(path, 503, 'service hiccup');
  await mock.clearRequests();

  const online = await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 });

  assert.equal(online.state, 'online');
  const polls = await journal(mock, { method: 'GET', path });
  assert.deepEqual(polls.map((entry) => entry.status), [502, 503, 200]);
});

test('four 503 in a row end a wait with the last', async () => {
  const storage = await createTestStorage(manager, 'wait through an outage');
  const path = `/1.3/storage/${storage.uuid}`;
  for (let answer = 1; answer <= 4; answer += 1) {
    await serviceError(path, 503, `outage answer ${answer}`);
  }

  const error = await rejectsWith(
    manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 }),
    { status: 503 },
  );

  assert.ok(error.message.includes('outage answer 4'), `not the last answer: ${error.message}`);
  await mock.clearFaults();
});

test('429 Retry-After is honoured', async () => {
  const storage = await createTestStorage(manager, 'rate limited read');
  await mock.faults({
    method: 'GET',
    path_prefix: `/1.3/storage/${storage.uuid}`,
    count: 1,
    status: 429,
    content_type: 'text/plain',
    body: 'Too many requests.',
    retry_after: '2',
  });

  const started = Date.now();
  const fetched = await manager.getStorage(storage.uuid);
  const elapsed = Date.now() - started;

  assert.equal(fetched.uuid, storage.uuid);
  assert.ok(elapsed >= 2000, `retried after ${elapsed} ms`);
});

test('429 Retry-After as an HTTP date is honoured', async () => {
  const storage = await createTestStorage(manager, 'rate limited until a date');
  // An HTTP date has whole seconds, so three seconds ahead is at least two.
  const retryAt = new Date(Date.now() + 3000).toUTCString();
  await mock.faults({
    method: 'GET',
    path_prefix: `/1.3/storage/${storage.uuid}`,
    count: 1,
    status: 429,
    content_type: 'text/plain',
    body: 'Too many requests.',
    retry_after: retryAt,
  });

  const started = Date.now();
  await manager.getStorage(storage.uuid);
  const elapsed = Date.now() - started;

  assert.ok(elapsed >= 1900, `retried after ${elapsed} ms, before ${retryAt}`);
});

test('429 Retry-After is honoured inside a wait', async () => {
  const storage = await createTestStorage(manager, 'rate limited wait');
  await mock.faults({
    method: 'GET',
    path_prefix: `/1.3/storage/${storage.uuid}`,
    count: 1,
    status: 429,
    content_type: 'text/plain',
    body: 'Too many requests.',
    retry_after: '2',
  });

  const started = Date.now();
  await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 });
  const elapsed = Date.now() - started;

  assert.ok(elapsed >= 2000, `polled again after ${elapsed} ms`);
});

const CREATING_CALLS = [
  ['createStorage', '/1.3/storage', () => manager.createStorage({ zone: ZONE, size: 10, title: 'once' })],
  ['cloneStorage', '/clone', (uuid) => manager.cloneStorage(uuid, { title: 'once', zone: ZONE })],
  ['templatizeStorage', '/templatize', (uuid) => manager.templatizeStorage(uuid, 'once')],
  ['createStorageBackup', '/backup', (uuid) => manager.createStorageBackup(uuid, 'once')],
  ['createStorageImport', '/import', (uuid) => manager.createStorageImport({ storage: uuid, source: 'direct_upload' })],
];

for (const [name, suffix, call] of CREATING_CALLS) {
  for (const [kind, fault] of [
    ['503', { status: 503, error_code: 'SERVICE_UNAVAILABLE', error_message: 'Try again later.' }],
    ['dropped connection', { action: 'drop' }],
  ]) {
    test(`${name} answered ${kind} is not resent`, async () => {
      const source = await createTestStorage(manager, `source for ${name} ${kind}`);
      const path = suffix.startsWith('/1.3/') ? suffix : `/1.3/storage/${source.uuid}${suffix}`;
      await mock.faults({ method: 'POST', path_prefix: path, count: 1, ...fault });
      await mock.clearRequests();

      const error = await rejectsWith(call(source.uuid), {});

      if (kind === '503') {
        assert.equal(error.status, 503);
      } else {
        assert.equal(error.code, 'NETWORK_ERROR');
      }
      const posts = await journal(mock, { method: 'POST', path });
      assert.equal(posts.length, 1, `${name} was sent ${posts.length} times`);
      await mock.clearFaults();
    });
  }
}

test('import wait survives 502 then 503', async () => {
  const storage = await createTestStorage(manager, 'import wait through 5xx');
  await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  const path = `/1.3/storage/${storage.uuid}/import`;
  await serviceError(path, 502, 'gateway hiccup');
  await serviceError(path, 503, 'service hiccup');
  await mock.clearRequests();

  const polled = [];
  await rejectsWith(manager.waitForStorageImport(storage.uuid, {
    intervalMs: 50,
    timeoutMs: 1500,
    onPoll: (details) => polled.push(details.state),
  }), { code: 'TIMEOUT' });

  // The import waits for an upload that never comes, so the wait times out;
  // what matters is that the two errors did not end it.
  assert.ok(polled.length > 0, 'no poll succeeded after the errors');
  const statuses = (await journal(mock, { method: 'GET', path })).map((entry) => entry.status);
  assert.deepEqual(statuses.slice(0, 3), [502, 503, 200]);
});

for (const [name, method, call, success] of [
  ['modify', 'PUT', (uuid) => manager.modifyStorage(uuid, { title: 'after a 503' }), 202],
  ['delete', 'DELETE', (uuid) => manager.deleteStorage(uuid), 204],
  ['get', 'GET', (uuid) => manager.getStorage(uuid), 200],
]) {
  test(`${name} answered 503 once is retried`, async () => {
    const storage = await createTestStorage(manager, `${name} retried after 503`);
    const path = `/1.3/storage/${storage.uuid}`;
    await mock.faults({
      method, path_prefix: path, count: 1, status: 503, error_code: 'SERVICE_UNAVAILABLE', error_message: 'Busy.',
    });
    await mock.clearRequests();

    await call(storage.uuid);

    const statuses = (await journal(mock, { method, path })).map((entry) => entry.status);
    assert.deepEqual(statuses, [503, success]);
  });
}
