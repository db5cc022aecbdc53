// Upload bodies in Node: a file Blob and a ReadableStream both land byte for
// byte, with no `duplex` TypeError and no stringified stream as the image.
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { streamOf } from '../shared/image-bytes.mjs';
import {
  appDir, createTestStorage, rawImageBytes, startFaultMock, storageBytes, tokenManager,
} from '../lib/harness.mjs';

const IMAGE_BYTES = 3 * 1024 * 1024 + 123;

let mock;
let manager;
let image;
let imagePath;

before(async () => {
  mock = await startFaultMock();
  manager = tokenManager(mock);
  image = rawImageBytes(IMAGE_BYTES);
  const dir = join(appDir, '..', 'images');
  await mkdir(dir, { recursive: true });
  imagePath = join(dir, 'streamed-bodies.raw');
  await writeFile(imagePath, image);
});

after(async () => {
  await mock?.stop();
});

async function assertLanded(uuid) {
  const landed = await storageBytes(mock, uuid, IMAGE_BYTES + 16);
  assert.ok(!landed.subarray(0, 32).toString('latin1').startsWith('[object'), 'a stringified body landed');
  assert.ok(landed.subarray(0, IMAGE_BYTES).equals(image), 'the landed bytes differ from the file');
  assert.ok(landed.subarray(IMAGE_BYTES).every((byte) => byte === 0), 'bytes past the image were written');
}

function progressRecorder() {
  const events = [];
  return {
    events,
    onProgress: (event) => events.push({ ...event }),
    assertComplete() {
      const uploading = events.filter((event) => event.phase === 'uploading');
      assert.ok(uploading.length > 0, 'no upload progress was reported');
      for (let i = 1; i < uploading.length; i += 1) {
        assert.ok(uploading[i].loaded >= uploading[i - 1].loaded, 'upload progress went backwards');
      }
      assert.equal(uploading.at(-1).loaded, IMAGE_BYTES);
      assert.equal(uploading.at(-1).total, IMAGE_BYTES);
    },
  };
}

test('file Blob upload lands byte for byte', async () => {
  const storage = await createTestStorage(manager, 'upload from openAsBlob');
  const progress = progressRecorder();

  const done = await manager.importStorageFromFile(storage.uuid, await openAsBlob(imagePath), {
    onProgress: progress.onProgress, pollIntervalMs: 50,
  });

  assert.equal(done.state, 'completed');
  assert.equal(done.writtenBytes, IMAGE_BYTES);
  progress.assertComplete();
  await assertLanded(storage.uuid);
});

test('ReadableStream upload lands byte for byte', async () => {
  const storage = await createTestStorage(manager, 'upload from a stream');
  const created = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  const progress = progressRecorder();

  const result = await manager.uploadFileForStorageImport(created, streamOf(image, 64 * 1024 + 3), {
    size: IMAGE_BYTES,
    onProgress: progress.onProgress,
  });

  assert.equal(result.writtenBytes, IMAGE_BYTES);
  progress.assertComplete();
  await manager.waitForStorageImport(storage.uuid, { intervalMs: 50 });
  await assertLanded(storage.uuid);
});

test('in-memory Blob upload lands byte for byte', async () => {
  const storage = await createTestStorage(manager, 'upload from a memory Blob');
  const created = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });

  const result = await manager.uploadFileForStorageImport(created, new Blob([image]));

  assert.equal(result.writtenBytes, IMAGE_BYTES);
  await manager.waitForStorageImport(storage.uuid, { intervalMs: 50 });
  await assertLanded(storage.uuid);
});
