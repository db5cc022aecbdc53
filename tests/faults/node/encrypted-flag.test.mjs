// The encryption flag crosses the wire as "yes"/"no" and reaches JS as a
// boolean; a misspelt option is an error, never a silently unencrypted disk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  assertNamesField, bodyOf, CloudManager, createTestStorage, journal, loopbackOnlyFetch, rawImageBytes, rejectionOf,
  startFaultMock, TOKEN, tokenManager, ZONE,
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

async function lastBody(method, path) {
  const entries = await journal(mock, { method, path });
  assert.ok(entries.length > 0, `no ${method} ${path} was sent`);
  return bodyOf(entries.at(-1));
}

test('encrypted true is sent as yes', async () => {
  const storage = await createTestStorage(manager, 'encrypted disk', { encrypted: true });

  assert.equal((await lastBody('POST', '/1.3/storage')).storage.encrypted, 'yes');
  assert.equal(storage.encrypted, true);
  assert.equal((await manager.getStorage(storage.uuid)).encrypted, true);
  const listed = (await manager.getStorages('private')).find((item) => item.uuid === storage.uuid);
  assert.equal(listed.encrypted, true);
});

test('encrypted false is sent as no', async () => {
  const storage = await createTestStorage(manager, 'plain disk', { encrypted: false });

  const sent = (await lastBody('POST', '/1.3/storage')).storage;
  assert.ok(sent.encrypted === 'no' || !('encrypted' in sent), `sent encrypted=${sent.encrypted}`);
  assert.equal(storage.encrypted, false);
  assert.equal((await manager.getStorage(storage.uuid)).encrypted, false);
});

test('clone with encrypted true is sent as yes', async () => {
  const source = await createTestStorage(manager, 'clone source for encryption');

  const clone = await manager.cloneStorage(source.uuid, { title: 'encrypted clone', zone: ZONE, encrypted: true });

  assert.equal((await lastBody('POST', `/1.3/storage/${source.uuid}/clone`)).storage.encrypted, 'yes');
  assert.equal(clone.encrypted, true);
});

test('misspelt encrypt option is rejected', async () => {
  const source = await createTestStorage(manager, 'source for misspelt options');
  await mock.clearRequests();

  assertNamesField(await rejectionOf(manager.createStorage({
    zone: ZONE, size: 10, title: 'typo', encrypt: true,
  })), 'encrypt');
  assertNamesField(await rejectionOf(manager.cloneStorage(source.uuid, {
    title: 'typo clone', zone: ZONE, encrypt: true,
  })), 'encrypt');
  assertNamesField(await rejectionOf(manager.modifyStorage(source.uuid, { titel: 'typo' })), 'titel');
  assertNamesField(await rejectionOf(manager.createStorage({
    zone: ZONE, size: 10, title: 'typo rule', backupRule: { interval: 'daily', time: '0430', retension: 7 },
  })), 'retension');

  const sent = (await journal(mock, { pathPrefix: '/1.3/' })).filter((entry) => entry.method !== 'GET');
  assert.deepEqual(sent, [], 'a rejected input must not reach the API');
});

test('misspelt call options are rejected', async () => {
  const storage = await createTestStorage(manager, 'target of misspelt call options');
  await mock.clearRequests();

  assertNamesField(await rejectionOf(manager.getStorages('private', { label: ['color'] })), 'label');
  assertNamesField(await rejectionOf(manager.getStorage(storage.uuid, { singal: null })), 'singal');
  assertNamesField(await rejectionOf(manager.deleteStorage(storage.uuid, undefined, { waitUntilOnLine: true })),
    'waitUntilOnLine');
  assertNamesField(await rejectionOf(manager.deleteStorage(storage.uuid, { backup: 'delete' })), 'backup');
  assertNamesField(await rejectionOf(manager.waitForStorageState(storage.uuid, 'online', { interval: 50 })),
    'interval');
  assertNamesField(await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(1024)]), {
    onprogress: () => {},
  })), 'onprogress');

  const sent = (await journal(mock, { pathPrefix: '/1.3/' })).filter((entry) => entry.method !== 'GET');
  assert.deepEqual(sent, [], 'a rejected input must not reach the API');
  assert.equal((await manager.getStorage(storage.uuid)).uuid, storage.uuid);
});

/**
 * Returns the error of a misspelt constructor input: thrown by the
 * constructor, or else by the first call.
 */
async function constructorError(credentials, options) {
  let client;
  try {
    client = new CloudManager(credentials, options);
  } catch (error) {
    return error;
  }
  return rejectionOf(client.getStorages('private'));
}

test('misspelt manager options are rejected', async () => {
  await mock.clearRequests();
  // A manager that ignored the misspelt baseURL would aim at the public API,
  // so this fetch stops any request to a host other than loopback.
  const guard = loopbackOnlyFetch();

  assertNamesField(await constructorError({ token: TOKEN }, { baseURL: mock.apiBase, fetch: guard.fetch }), 'baseURL');
  assertNamesField(await constructorError({ token: TOKEN }, {
    baseUrl: mock.apiBase, timeout: 5, fetch: guard.fetch,
  }), 'timeout');
  assertNamesField(await constructorError({ tokn: TOKEN }, { baseUrl: mock.apiBase, fetch: guard.fetch }), 'tokn');

  assert.deepEqual(guard.blocked, []);
  assert.deepEqual(await journal(mock, { pathPrefix: '/1.3/' }), []);
});
