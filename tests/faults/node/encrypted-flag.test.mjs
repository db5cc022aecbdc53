// The encryption flag crosses the wire as "yes"/"no" and reaches JS as a
// boolean; a misspelt option is an error, never a silently unencrypted disk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  assertNamesField, bodyOf, createTestStorage, journal, rejectionOf, startFaultMock, tokenManager, ZONE,
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
