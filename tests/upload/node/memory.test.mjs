// A 4 GiB import keeps wasm memory small and the process from growing with
// the file: the image is never read whole. Not timed; the limits are
// memory only. The source is a sparse file, so the disk contains no data.
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { wasmMemoryBytes } from '../../../pkg/dist/upcloud_storage.js';
import { createStorage, GIB, managerFor, outDir, rejectionOf, startUploadMock } from '../lib/setup.mjs';

const IMAGE_BYTES = 4 * GIB + 4096;
const MAX_WASM_BYTES = 32 * 2 ** 20;
// The process may grow by its working set (chunks in flight, socket
// buffers, JIT); growth tied to the file size would be gigabytes.
const MAX_RSS_GROWTH_BYTES = 256 * 2 ** 20;

let mock;
let manager;
const imagePath = join(outDir, 'sparse-4gib.raw');

before(async () => {
  mock = await startUploadMock();
  manager = managerFor(mock);
  const file = await open(imagePath, 'w');
  // A boot-sector-like first byte, so the image is not all zeros, and a
  // byte at the very end that 32-bit offsets would lose.
  await file.write(Buffer.from([0xeb, 0x63, 0x90]), 0, 3, 0);
  await file.write(Buffer.from([0x55]), 0, 1, IMAGE_BYTES - 1);
  await file.close();
});

after(async () => {
  await mock?.stop();
  await rm(imagePath, { force: true });
});

test('openAsBlob over 4 GiB without size rejected', async () => {
  const storage = await createStorage(manager, 'cut size test', 5);
  const blob = await openAsBlob(imagePath);

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, blob, { pollIntervalMs: 200 }));

  assert.equal(error.code, 'NETWORK_ERROR');
  assert.match(error.message, /more bytes than its size/);
  const [upload] = (await mock.uploads()).filter((entry) => entry.storage === storage.uuid);
  assert.notEqual(upload?.state, 'completed', 'a cut image was accepted as complete');
});

test('4 GiB import keeps memory bounded', async (t) => {
  const storage = await createStorage(manager, 'memory test', 5);
  // Node's openAsBlob reports sizes over 4 GiB modulo 2^32; the true size
  // comes from stat.
  const blob = await openAsBlob(imagePath);
  const size = (await stat(imagePath)).size;
  assert.equal(size, IMAGE_BYTES);

  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  let lastLoaded = 0;

  try {
    const done = await manager.importStorageFromFile(storage.uuid, blob, {
      size,
      pollIntervalMs: 200,
      onProgress: (event) => {
        if (event.phase === 'uploading') {
          lastLoaded = event.loaded;
        }
      },
    });
    assert.equal(done.state, 'completed');
    assert.equal(done.writtenBytes, IMAGE_BYTES);
  } finally {
    clearInterval(sampler);
  }

  assert.equal(lastLoaded, IMAGE_BYTES);
  const tail = await mock.storageData(storage.uuid, IMAGE_BYTES - 1, 1);
  assert.equal(tail[0], 0x55, 'the last byte did not land at its 64-bit offset');
  const wasmBytes = wasmMemoryBytes();
  assert.ok(wasmBytes < MAX_WASM_BYTES, `wasm memory grew to ${wasmBytes} bytes`);
  const growth = rssPeak - rssBefore;
  t.diagnostic(`wasm memory ${wasmBytes} bytes, RSS growth ${growth} bytes`);
  assert.ok(growth < MAX_RSS_GROWTH_BYTES, `RSS grew by ${growth} bytes during the upload`);
});
