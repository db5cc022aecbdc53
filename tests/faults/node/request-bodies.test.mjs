// Request bodies carry only what the caller set: no null, no undefined, and
// never the read-only fields of a storage that was read and spread back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  bodyOf, createTestStorage, journal, startFaultMock, TOKEN, tokenManager, UpCloudError, ZONE,
} from '../lib/harness.mjs';

const READ_ONLY = [
  'uuid', 'state', 'type', 'servers', 'backups', 'zone', 'tier', 'access', 'origin', 'created',
  'progress', 'license', 'encrypted',
];
const WRITABLE_WIRE = new Set(['title', 'size', 'backup_rule', 'labels']);

let mock;
let manager;

before(async () => {
  mock = await startFaultMock();
  manager = tokenManager(mock);
});

after(async () => {
  await mock?.stop();
});

/** Size may go out as a number or a numeric string; both mean the same. */
function withNumericSize(body) {
  const storage = { ...body.storage };
  if (typeof storage.size === 'string') {
    storage.size = Number(storage.size);
  }
  return { ...body, storage };
}

async function lastBody(method, path) {
  const entries = await journal(mock, { method, path });
  assert.ok(entries.length > 0, `no ${method} ${path} was sent`);
  return bodyOf(entries.at(-1));
}

test('create omits undefined and null fields', async () => {
  await manager.createStorage({
    zone: 'fi-hel1', size: 10, title: 't', tier: undefined, backupRule: null,
  });

  const body = await lastBody('POST', '/1.3/storage');
  assert.deepEqual(withNumericSize(body), { storage: { zone: 'fi-hel1', size: 10, title: 't' } });
});

test('create omits every unset optional field', async () => {
  await manager.createStorage({
    zone: ZONE, size: 10, title: 'only required', tier: null, encrypted: undefined,
    labels: undefined, backupRule: undefined,
  });

  const body = await lastBody('POST', '/1.3/storage');
  assert.deepEqual(withNumericSize(body), { storage: { zone: ZONE, size: 10, title: 'only required' } });
});

test('clone omits undefined and null fields', async () => {
  const source = await createTestStorage(manager, 'clone source for bodies');

  await manager.cloneStorage(source.uuid, { title: 'c', zone: ZONE, tier: undefined, encrypted: null });

  const body = await lastBody('POST', `/1.3/storage/${source.uuid}/clone`);
  assert.deepEqual(body, { storage: { title: 'c', zone: ZONE } });
});

test('modify omits undefined and null fields', async () => {
  const storage = await createTestStorage(manager, 'modify bodies');

  await manager.modifyStorage(storage.uuid, { title: 'y', size: undefined, labels: null });

  const body = await lastBody('PUT', `/1.3/storage/${storage.uuid}`);
  assert.deepEqual(body, { storage: { title: 'y' } });
});

for (const [name, spread] of [
  ['a spread storage', (storage) => ({ ...storage })],
  ['a JSON copy of a storage', (storage) => JSON.parse(JSON.stringify(storage))],
]) {
  test(`modify with ${name} sends no read-only field`, async () => {
    const storage = await createTestStorage(manager, `modify with ${name}`, {
      labels: [{ key: 'color', value: 'green' }],
      backupRule: { interval: 'daily', time: '0430', retention: 7 },
    });
    const fetched = await manager.getStorage(storage.uuid);
    await mock.clearRequests();

    let error;
    try {
      await manager.modifyStorage(storage.uuid, { ...spread(fetched), title: 'x' });
    } catch (caught) {
      error = caught;
    }

    const puts = await journal(mock, { method: 'PUT', path: `/1.3/storage/${storage.uuid}` });
    if (error === undefined) {
      assert.equal(puts.length, 1);
      const sent = bodyOf(puts[0]).storage;
      assert.equal(sent.title, 'x');
      for (const key of Object.keys(sent)) {
        assert.ok(WRITABLE_WIRE.has(key), `modify sent the read-only field ${key}`);
      }
      return;
    }
    assert.ok(error instanceof UpCloudError, `unexpected error ${error}`);
    assert.equal(error.code, 'VALIDATION_ERROR');
    assert.equal(puts.length, 0, 'nothing is sent when the input is rejected');
    // One rejection must name every read-only field given, so the caller
    // can fix the input in one step.
    const unnamed = ['uuid', 'state', 'type', 'servers', 'backups'].filter((field) => !error.message.includes(field));
    assert.deepEqual(unnamed, [], `the rejection does not name them: ${error.message}`);
  });
}

test('modify never sends a read-only field', async () => {
  const storage = await createTestStorage(manager, 'modify read-only field by field');
  const fetched = await manager.getStorage(storage.uuid);
  const path = `/1.3/storage/${storage.uuid}`;

  for (const field of READ_ONLY) {
    await mock.clearRequests();
    const value = fetched[field] ?? 'x';
    let error;
    try {
      await manager.modifyStorage(storage.uuid, { title: 'x', [field]: value });
    } catch (caught) {
      error = caught;
    }

    const puts = await journal(mock, { method: 'PUT', path });
    if (error === undefined) {
      assert.equal(puts.length, 1, field);
      const sent = Object.keys(bodyOf(puts[0]).storage);
      assert.deepEqual(sent, ['title'], `${field}: modify sent ${sent.join(', ')}`);
      continue;
    }
    assert.ok(error instanceof UpCloudError, `${field}: unexpected error ${error}`);
    assert.equal(error.code, 'VALIDATION_ERROR', `${field}: ${error.message}`);
    assert.ok(error.field === field || error.message.includes(field),
      `${field}: the rejection does not name it: ${error.message}`);
    assert.equal(puts.length, 0, `${field}: nothing is sent when the input is rejected`);
  }
});

test('modify sends empty rule and labels to clear them', async () => {
  const storage = await createTestStorage(manager, 'rule and labels cleared', {
    labels: [{ key: 'color', value: 'green' }],
    backupRule: { interval: 'daily', time: '0430', retention: 7 },
  });

  const cleared = await manager.modifyStorage(storage.uuid, { backupRule: {}, labels: [] });

  const body = bodyOf((await journal(mock, { method: 'PUT', path: `/1.3/storage/${storage.uuid}` })).at(-1));
  assert.deepEqual(body, { storage: { backup_rule: {}, labels: [] } });
  assert.deepEqual(cleared.labels, []);
  assert.equal(cleared.backupRule, null);
});

test('direct upload import sends only its source', async () => {
  const storage = await createTestStorage(manager, 'import body target');

  await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload', sourceLocation: null });

  const body = bodyOf((await journal(mock, { method: 'POST', path: `/1.3/storage/${storage.uuid}/import` })).at(-1));
  assert.deepEqual(body, { storage_import: { source: 'direct_upload' } });
});

test('attach omits undefined and null fields', async () => {
  const storage = await createTestStorage(manager, 'attached without optional fields');
  const listing = await fetch(`${mock.apiBase}/server`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const servers = (await listing.json()).servers.server;
  const stopped = servers.find((server) => server.state === 'stopped' && server.zone === ZONE);
  assert.ok(stopped, 'the mock has no stopped server in the storage zone');

  const attached = await manager.attachStorage(stopped.uuid, {
    storage: storage.uuid, type: undefined, address: null, bootDisk: undefined,
  });

  const path = `/1.3/server/${stopped.uuid}/storage/attach`;
  const sent = bodyOf((await journal(mock, { method: 'POST', path })).at(-1)).storage_device;
  assert.equal(sent.storage, storage.uuid);
  assert.ok(!('address' in sent), `attach sent address ${sent.address}`);
  assert.ok(!('boot_disk' in sent), `attach sent boot_disk ${sent.boot_disk}`);
  assert.ok(Object.values(sent).every((value) => value !== null), `attach sent null: ${JSON.stringify(sent)}`);
  const device = attached.storageDevices.find((entry) => entry.storage === storage.uuid);
  await manager.detachStorage(stopped.uuid, device.address);
});
