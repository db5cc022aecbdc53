// The same import in Deno (Blob and stream) and in workerd (Blob), checked
// at the mock: the bytes landed, a Content-Length was sent, and progress
// ended at the total.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import {
  createStorage, fileBytes, landedBytes, makeImages, managerFor, outDir, repoRoot, sha256, startUploadMock, TOKEN,
} from '../lib/setup.mjs';
import { modulesUnder, serveWorkerd } from '../../support/workerd.mjs';

const run = promisify(execFile);
const DENO = join(repoRoot, 'node_modules/.bin/deno');

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

async function uploadOf(uuid) {
  const [upload] = (await mock.uploads()).filter((entry) => entry.storage === uuid);
  return upload;
}

function assertProgressEnds(progress, total) {
  const uploading = progress.filter((event) => event.phase === 'uploading');
  assert.ok(uploading.length > 0, 'no uploading events');
  assert.equal(uploading.at(-1).loaded, total);
  assert.equal(uploading.at(-1).total, total);
}

for (const asStream of [false, true]) {
  test(`Deno ${asStream ? 'stream' : 'Blob'} upload lands with Content-Length`, async () => {
    const storage = await createStorage(manager, `deno ${asStream ? 'stream' : 'blob'}`);
    const args = JSON.stringify({ apiBase: mock.apiBase, token: TOKEN, storageUuid: storage.uuid, imagePath: images.raw, asStream });

    const { stdout } = await run(DENO, ['run', '--allow-net', '--allow-read', '--allow-env', join(repoRoot, 'tests/upload/deno/upload.mjs'), args], {
      timeout: 120_000, maxBuffer: 64 * 2 ** 20, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    });
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1));

    assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.equal(outcome.value.state, 'completed');
    assert.equal(outcome.value.sha256sum, sha256(raw));
    assertProgressEnds(outcome.progress, raw.length);
    assert.equal((await uploadOf(storage.uuid)).content_length, raw.length);
    assert.equal(sha256(await landedBytes(mock, storage.uuid, raw.length)), sha256(raw));
  });
}

/** Starts workerd with the suite's Worker and the built package beside it. */
async function startWorkerd() {
  const dir = join(outDir, 'workerd');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(join(repoRoot, 'tests/upload/workerd/worker.mjs'), join(dir, 'worker.mjs'));
  await cp(join(repoRoot, 'pkg'), join(dir, 'pkg'), { recursive: true });
  return serveWorkerd(dir, ['worker.mjs', ...await modulesUnder(dir, 'pkg')]);
}

function expectedBytes(length) {
  const bytes = new Uint8Array(length);
  let state = 7;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes.set([0xeb, 0x63, 0x90], 0);
  return bytes;
}

test('workerd Blob upload lands with Content-Length', async () => {
  const size = 5 * 2 ** 20 + 11;
  const storage = await createStorage(manager, 'workerd blob');
  const workerd = await startWorkerd();
  try {
    const response = await fetch(workerd.url, {
      method: 'POST',
      body: JSON.stringify({ apiBase: mock.apiBase, token: TOKEN, storageUuid: storage.uuid, size }),
    });
    const outcome = await response.json();
    const expected = createHash('sha256').update(expectedBytes(size)).digest('hex');

    assert.equal(outcome.error, undefined, `${JSON.stringify(outcome.error)}\n${workerd.logs.join('\n')}`);
    assert.equal(outcome.value.state, 'completed');
    assert.equal(outcome.value.sha256sum, expected);
    assertProgressEnds(outcome.progress, size);
    assert.equal((await uploadOf(storage.uuid)).content_length, size);
    assert.equal(sha256(await landedBytes(mock, storage.uuid, size)), expected);
  } finally {
    await workerd.stop();
  }
});
