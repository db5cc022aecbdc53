// Chained operations: the next step must not run while the storage it needs
// is still being written, state names the client does not know must pass
// through, and an `error` state must end a wait at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  assertUpCloudError, createTestStorage, journal, rejectionOf, startFaultMock, tokenManager, ZONE,
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

async function templateInMaintenance(title, seconds) {
  const source = await createTestStorage(manager, `${title} source`);
  const template = await manager.templatizeStorage(source.uuid, title);
  assert.equal(template.type, 'template');
  // Keeps the template busy longer than the mock's own operation time, so a
  // client that does not wait would certainly hit the maintenance window.
  await mock.setState(template.uuid, { state: 'maintenance', seconds, progress: '50' });
  return template;
}

async function clonePosts(uuid) {
  return journal(mock, { method: 'POST', path: `/1.3/storage/${uuid}/clone` });
}

test('clone of a template in maintenance is refused', async () => {
  // Shows that the mock gates cloning, so the waiting tests below can fail.
  const template = await templateInMaintenance('template not waited for', 5);

  const error = await rejectionOf(manager.cloneStorage(template.uuid, { title: 'too early', zone: ZONE }));

  assertUpCloudError(error, { code: 'STORAGE_STATE_ILLEGAL', status: 409 });
});

test('waitForStorageState holds the clone until online', async () => {
  const template = await templateInMaintenance('template waited for by uuid', 1);
  await mock.clearRequests();

  const online = await manager.waitForStorageState(template.uuid, 'online', { intervalMs: 100 });
  assert.equal(online.state, 'online');
  const clone = await manager.cloneStorage(template.uuid, { title: 'clone after wait', zone: ZONE });

  assert.equal(clone.state, 'maintenance');
  const posts = await clonePosts(template.uuid);
  assert.equal(posts.length, 1);
  assert.equal(posts[0].status, 201);
});

test('storage.waitFor holds the clone until online', async () => {
  const template = await templateInMaintenance('template waited for by object', 1);
  await mock.clearRequests();

  const waited = await template.waitFor();
  assert.equal(waited.state, 'online');
  const clone = await template.clone({ title: 'clone after waitFor', zone: ZONE });

  assert.notEqual(clone.uuid, template.uuid);
  const posts = await clonePosts(template.uuid);
  assert.equal(posts.length, 1);
  assert.equal(posts[0].status, 201);
});

test('clone with waitUntilOnline waits for the template', async () => {
  const template = await templateInMaintenance('template with waitUntilOnline', 1);
  await mock.clearRequests();

  const clone = await manager.cloneStorage(
    template.uuid, { title: 'clone with waitUntilOnline', zone: ZONE }, { waitUntilOnline: true },
  );

  assert.equal(clone.type, 'normal');
  const posts = await clonePosts(template.uuid);
  assert.equal(posts.at(-1).status, 201);
  assert.ok(posts.filter((post) => post.status === 409).length <= 1, 'at most one refused clone');
});

test('unknown storage state is carried through', async () => {
  const storage = await createTestStorage(manager, 'storage in a future state');
  await mock.setState(storage.uuid, { state: 'pending_delete', seconds: 1 });

  const fetched = await manager.getStorage(storage.uuid);
  assert.equal(fetched.state, 'pending_delete');
  assert.equal(JSON.parse(JSON.stringify(fetched)).state, 'pending_delete');
  const listed = (await manager.getStorages('private')).find((item) => item.uuid === storage.uuid);
  assert.equal(listed?.state, 'pending_delete');

  const online = await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 100 });
  assert.equal(online.state, 'online');
});

test('error state rejects a wait at once', async () => {
  const storage = await createTestStorage(manager, 'storage that breaks');
  await mock.setState(storage.uuid, { state: 'error' });
  await mock.clearRequests();

  const started = Date.now();
  const error = await rejectionOf(
    manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 1000 }),
  );
  const elapsed = Date.now() - started;

  assertUpCloudError(error, { code: 'STORAGE_ERROR' });
  assert.ok(elapsed < 900, `the wait went on for ${elapsed} ms after seeing error`);
  const polls = await journal(mock, { method: 'GET', path: `/1.3/storage/${storage.uuid}` });
  assert.equal(polls.length, 1);
});

test('error state rejects storage.waitFor at once', async () => {
  const storage = await createTestStorage(manager, 'storage object that breaks');
  await mock.setState(storage.uuid, { state: 'error' });

  const error = await rejectionOf(storage.waitFor('online'));

  assertUpCloudError(error, { code: 'STORAGE_ERROR' });
});

test('wait for an unknown target state', async () => {
  const storage = await createTestStorage(manager, 'waited into a future state');
  await mock.setState(storage.uuid, { state: 'pending_delete' });
  await mock.clearRequests();

  // Waiting for a state the client does not know may be refused up front,
  // which catches a misspelt target, but must never hang or fail late.
  let reached;
  try {
    reached = await manager.waitForStorageState(storage.uuid, 'pending_delete', { intervalMs: 50, timeoutMs: 5000 });
  } catch (error) {
    assertUpCloudError(error, { code: 'VALIDATION_ERROR' });
    assert.equal(error.field, 'state');
    assert.deepEqual(await journal(mock, { pathPrefix: '/1.3/' }), []);
  }
  if (reached !== undefined) {
    assert.equal(reached.state, 'pending_delete');
  }
  await mock.setState(storage.uuid, { state: 'online' });
});

test('wait that never ends rejects with TIMEOUT', async () => {
  const storage = await createTestStorage(manager, 'stuck in maintenance');
  await mock.setState(storage.uuid, { state: 'maintenance' });

  const started = Date.now();
  const error = await rejectionOf(
    manager.waitForStorageState(storage.uuid, 'online', { timeoutMs: 500, intervalMs: 50 }),
  );
  const elapsed = Date.now() - started;

  assertUpCloudError(error, { code: 'TIMEOUT' });
  assert.ok(elapsed < 2000, `the 500 ms wait ended after ${elapsed} ms`);
  await mock.setState(storage.uuid, { state: 'online' });
});

test('storage gone during a wait rejects at once', async () => {
  const storage = await createTestStorage(manager, 'vanishes while waited for');
  await mock.setState(storage.uuid, { state: 'maintenance', seconds: 5 });
  await mock.faults({
    method: 'GET',
    path_prefix: `/1.3/storage/${storage.uuid}`,
    count: 1,
    status: 404,
    error_code: 'STORAGE_NOT_FOUND',
    error_message: `The storage ${storage.uuid} does not exist.`,
  });

  const started = Date.now();
  const error = await rejectionOf(manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 1000 }));

  assertUpCloudError(error, { code: 'STORAGE_NOT_FOUND', status: 404 });
  assert.ok(Date.now() - started < 900, 'a 404 is not a transient error');
  await mock.setState(storage.uuid, { state: 'online' });
});
