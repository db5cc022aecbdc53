// Values crossing the JS boundary keep their shape: labels survive
// JSON.stringify, byte counters past 2^32 stay exact, and a number given as
// a string is refused rather than coerced.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';

import {
  assertNamesField, assertUpCloudError, createTestStorage, journal, rejectionOf, repoRoot, startFaultMock, tokenManager, ZONE,
} from '../lib/harness.mjs';

const LARGE_STORAGE = '01f4a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const LABELS = [{ key: 'color', value: 'green' }, { key: 'owner', value: 'team ä' }];

let mock;
let manager;

before(async () => {
  mock = await startFaultMock();
  manager = tokenManager(mock);
});

after(async () => {
  await mock?.stop();
});

test('labels survive JSON.stringify', async () => {
  const created = await createTestStorage(manager, 'labelled storage', { labels: LABELS });

  const fetched = await manager.getStorage(created.uuid);
  const listed = (await manager.getStorages('private')).find((item) => item.uuid === created.uuid);

  for (const storage of [created, fetched, listed]) {
    const copy = JSON.parse(JSON.stringify(storage));
    assert.deepEqual(copy.labels, LABELS);
    assert.deepEqual({ ...storage }.labels, LABELS);
    assert.equal(copy.uuid, created.uuid);
    assert.equal(typeof copy.size, 'number');
  }
  const detail = JSON.parse(JSON.stringify(fetched));
  assert.ok('origin' in detail, 'absent values are kept as null');
  assert.equal(detail.origin, null);
  assert.deepEqual(detail.backups, []);
  assert.deepEqual(detail.servers, []);
});

test('writtenBytes above 2^32 is exact', async () => {
  const replay = await startFaultMock({
    extra: ['--replay', join(repoRoot, 'tests/faults/cases/large-import-counters.json')],
  });
  try {
    const replayed = tokenManager(replay);

    const storage = await replayed.getStorage(LARGE_STORAGE);
    const details = await replayed.getStorageImportDetails(LARGE_STORAGE);

    assert.equal(storage.size, 4096);
    assert.equal(details.writtenBytes, 53_687_091_200);
    assert.equal(details.readBytes, 21_474_836_480);
    assert.equal(details.clientContentLength, 21_474_836_480);
    assert.equal(JSON.parse(JSON.stringify(details)).writtenBytes, 53_687_091_200);
    assert.equal(details.errorCode, null);
    assert.equal(details.state, 'completed');

    // The uploader's own answer carries the same count. Verification is off
    // because the recorded digests are not those of the small body sent.
    const uploadUrl = `${replay.url}/uploader/session/${details.uuid}`;
    const uploaded = await replayed.uploadFileForStorageImport(
      { ...details, directUploadUrl: uploadUrl }, new Blob([gzipSync(Buffer.alloc(4096))]), { verify: false },
    );
    assert.equal(uploaded.writtenBytes, 53_687_091_200);
  } finally {
    await replay.stop();
  }
});

test('size as string is rejected', async () => {
  const storage = await createTestStorage(manager, 'target of string sizes');
  await mock.clearRequests();

  assertNamesField(await rejectionOf(manager.createStorage({ zone: ZONE, size: '10', title: 'string size' })), 'size');
  assertNamesField(await rejectionOf(manager.modifyStorage(storage.uuid, { size: '20' })), 'size');
  assertNamesField(await rejectionOf(manager.createStorage({ zone: ZONE, size: 10.5, title: 'fractional size' })), 'size');
  assertNamesField(await rejectionOf(manager.createStorage({ zone: ZONE, size: 2 ** 53, title: 'huge size' })), 'size');

  const sent = (await journal(mock, { pathPrefix: '/1.3/' })).filter((entry) => entry.method !== 'GET');
  assert.deepEqual(sent, [], 'a rejected input must not reach the API');
});

test('array in place of an object is rejected', async () => {
  const storage = await createTestStorage(manager, 'target of positional arrays');
  await mock.clearRequests();

  // serde reads a struct from a sequence by field order, so each of these
  // would otherwise be accepted as the object it imitates.
  assertUpCloudError(await rejectionOf(manager.createStorage([ZONE, 10, 'positional'])), { code: 'VALIDATION_ERROR' });
  assertNamesField(await rejectionOf(manager.createStorage({
    zone: ZONE, size: 10, title: 'positional label', labels: [['color', 'green']],
  })), 'labels');
  assertNamesField(await rejectionOf(manager.createStorage({
    zone: ZONE, size: 10, title: 'positional rule', backupRule: ['daily', '0430', 7],
  })), 'backupRule');
  assertUpCloudError(await rejectionOf(manager.modifyStorage(storage.uuid, ['renamed'])), { code: 'VALIDATION_ERROR' });
  assertUpCloudError(await rejectionOf(manager.getStorage(storage.uuid, [])), { code: 'VALIDATION_ERROR' });

  const sent = (await journal(mock, { pathPrefix: '/1.3/' })).filter((entry) => entry.method !== 'GET');
  assert.deepEqual(sent, [], 'a rejected input must not reach the API');
});

test('concurrent calls on one manager all settle', async () => {
  const storage = await createTestStorage(manager, 'read by many calls at once');
  await mock.faults({ method: 'GET', path_prefix: `/1.3/storage/${storage.uuid}`, count: 5, latency_ms: 100 });

  // Each exported method must own its state across awaits; a shared borrow
  // held over an await would fail the calls that overlap it.
  const calls = [];
  for (let round = 0; round < 5; round += 1) {
    calls.push(manager.getStorage(storage.uuid));
    calls.push(manager.getStorages('private'));
    calls.push(storage.reload());
    calls.push(manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 }));
    calls.push(manager.getStorage('01000000-dead-4000-8000-00000000beef').catch((error) => error));
  }
  const results = await Promise.all(calls);

  for (let round = 0; round < 5; round += 1) {
    const [single, list, reloaded, waited, missing] = results.slice(round * 5, round * 5 + 5);
    assert.equal(single.uuid, storage.uuid);
    assert.ok(list.some((item) => item.uuid === storage.uuid));
    assert.equal(reloaded.uuid, storage.uuid);
    assert.equal(waited.state, 'online');
    assertUpCloudError(missing, { code: 'STORAGE_NOT_FOUND', status: 404 });
  }
});
