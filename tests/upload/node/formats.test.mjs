// What lands on the storage for each image format, and which formats are
// rejected before any byte is sent. Images are made with qemu-img,
// mkfs.ext4, gzip, xz and xorriso.
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  createStorage, fileBytes, landedBytes, makeImages, managerFor, progressRecorder, rejectionOf, sha256,
  startUploadMock,
} from '../lib/setup.mjs';

let mock;
let manager;
let images;
let raw;

before(async () => {
  images = await makeImages();
  raw = await fileBytes(images.raw);
  mock = await startUploadMock();
  manager = managerFor(mock);
});

after(async () => {
  await mock?.stop();
});

async function importFile(path, options = {}) {
  const storage = await createStorage(manager, 'format test');
  const progress = progressRecorder();
  const done = await manager.importStorageFromFile(storage.uuid, await openAsBlob(path), {
    pollIntervalMs: 50, onProgress: progress.onProgress, ...options,
  });
  return { storage, done, progress };
}

test('raw ext4 image lands byte for byte', async () => {
  const { storage, done, progress } = await importFile(images.raw);

  assert.equal(done.state, 'completed');
  assert.equal(done.writtenBytes, raw.length);
  assert.equal(done.sha256sum, sha256(raw));
  assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
  const [upload] = (await mock.uploads()).filter((entry) => entry.storage === storage.uuid);
  assert.equal(upload.content_type, 'application/octet-stream');
  assert.equal(upload.content_length, raw.length);
  progress.assertPhase(assert, 'uploading', raw.length);
  progress.assertPhase(assert, 'importing');
  assert.deepEqual(progress.phases(), ['uploading', 'importing']);
});

for (const [format, contentType] of [['gzip', 'application/gzip'], ['xz', 'application/x-xz']]) {
  test(`${format} image lands decompressed`, async () => {
    const compressed = await fileBytes(images[format]);
    const { storage, done, progress } = await importFile(images[format]);

    assert.equal(done.writtenBytes, raw.length);
    assert.equal(done.sha256sum, sha256(raw));
    assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
    const [upload] = (await mock.uploads()).filter((entry) => entry.storage === storage.uuid);
    assert.equal(upload.content_type, contentType);
    assert.equal(upload.content_length, compressed.length);
    progress.assertPhase(assert, 'uploading', compressed.length);
  });
}

test('ISO image lands byte for byte', async (t) => {
  if (images.iso === null) {
    t.skip('xorriso is not installed');
    return;
  }
  const iso = await fileBytes(images.iso);
  const { storage, done } = await importFile(images.iso);

  assert.equal(done.writtenBytes, iso.length);
  assert.equal(sha256(await landedBytes(mock, storage.uuid, iso.length)), sha256(iso));
});

for (const [format, name] of [['qcow2', 'qcow2'], ['vmdk', 'VMDK'], ['vhd', 'VHD']]) {
  test(`${format} image rejected before any byte`, async () => {
    const storage = await createStorage(manager, `${format} test`);
    await mock.clearRequests();

    const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, await openAsBlob(images[format])));

    assert.equal(error.code, 'UNSUPPORTED_IMAGE_FORMAT');
    assert.match(error.message, new RegExp(name));
    assert.match(error.message, /qemu-img convert -O raw/);
    const sent = (await mock.requests()).filter((entry) => entry.method !== 'GET');
    assert.deepEqual(sent, [], 'a request that changes something was sent');
    assert.deepEqual((await mock.uploads()).filter((entry) => entry.storage === storage.uuid), []);
  });
}

test('too large image rejected before any byte', async () => {
  const storage = await createStorage(manager, 'too large test', 1);
  await mock.clearRequests();
  const oneGibPlusOne = new Blob([new Uint8Array(2 ** 30 / 2), new Uint8Array(2 ** 30 / 2 + 1)]);

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, oneGibPlusOne));

  assert.equal(error.code, 'IMAGE_TOO_LARGE');
  assert.match(error.message, /1073741825 bytes/);
  assert.match(error.message, /1073741824 bytes/);
  assert.deepEqual((await mock.requests()).filter((entry) => entry.method !== 'GET'), []);
});

test('explicit content type overrides the sniffed one', async () => {
  // Sent as raw on purpose, the gzip file lands compressed, byte for byte.
  const compressed = await fileBytes(images.gzip);
  const { storage, done } = await importFile(images.gzip, { contentType: 'application/octet-stream' });

  assert.equal(done.writtenBytes, compressed.length);
  assert.equal(sha256(await landedBytes(mock, storage.uuid, compressed.length)), sha256(compressed));
});

test('declared gzip on raw bytes rejected', async () => {
  const storage = await createStorage(manager, 'mismatch test');
  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, await openAsBlob(images.raw), {
    contentType: 'application/gzip',
  }));

  assert.equal(error.code, 'UNSUPPORTED_IMAGE_FORMAT');
  assert.match(error.message, /gzip magic number/);
});

test('truncated xz image rejected before any byte', async () => {
  const storage = await createStorage(manager, 'truncated xz test');
  const xz = await fileBytes(images.xz);
  await mock.clearRequests();

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([xz.subarray(0, xz.length - 100)])));

  assert.equal(error.code, 'UNSUPPORTED_IMAGE_FORMAT');
  assert.match(error.message, /xz/);
  assert.deepEqual((await mock.requests()).filter((entry) => entry.method !== 'GET'), []);
});
