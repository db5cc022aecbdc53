// Streamed and Blob upload bodies in Deno and workerd, whose fetch differs
// from Node's. The package supports both kinds of source in both runtimes,
// so each upload must deliver exactly the image's bytes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import {
  appDir, createTestStorage, rawImageBytes, repoRoot, startFaultMock, storageBytes, TOKEN, tokenManager,
} from '../lib/harness.mjs';
import { startSuiteWorker } from '../lib/workerd.mjs';

const run = promisify(execFile);
const IMAGE_BYTES = 1024 * 1024 + 41;

let mock;
let manager;
let workerd;

before(async () => {
  mock = await startFaultMock();
  manager = tokenManager(mock);
  workerd = await startSuiteWorker('uploads');
});

after(async () => {
  await workerd?.stop();
  await mock?.stop();
});

async function uploadInDeno(storageUuid, kind) {
  const deno = join(repoRoot, 'node_modules/.bin/deno');
  const script = join(repoRoot, 'tests/faults/shared/deno-upload.mjs');
  const entry = pathToFileURL(join(appDir, 'entry.mjs')).href;
  const { stdout } = await run(deno, [
    'run', '--quiet', '--no-prompt', '--allow-net=127.0.0.1', `--allow-read=${repoRoot},${appDir}`,
    script, entry, mock.apiBase, TOKEN, storageUuid, String(IMAGE_BYTES), kind,
  ], { cwd: appDir, timeout: 60000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

async function uploadInWorkerd(storageUuid, kind) {
  const query = new URLSearchParams({
    apiBase: mock.apiBase, token: TOKEN, storage: storageUuid, size: String(IMAGE_BYTES), kind,
  });
  const response = await fetch(`${workerd.url}/upload?${query}`);
  const body = await response.text();
  assert.equal(response.status, 200, `${body}\n${workerd.logs.join('\n')}`);
  return JSON.parse(body);
}

async function assertUploaded(outcome, storageUuid) {
  assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
  assert.equal(outcome.result.writtenBytes, IMAGE_BYTES);
  await manager.waitForStorageImport(storageUuid, { intervalMs: 50 });
  const landed = await storageBytes(mock, storageUuid, IMAGE_BYTES);
  assert.ok(landed.equals(rawImageBytes(IMAGE_BYTES)), 'the landed bytes differ from the image');
}

for (const [runtime, upload] of [['Deno', uploadInDeno], ['workerd', uploadInWorkerd]]) {
  for (const kind of ['blob', 'stream']) {
    test(`${runtime} ${kind} upload lands byte for byte`, async () => {
      const storage = await createTestStorage(manager, `${runtime} ${kind} upload`);

      const outcome = await upload(storage.uuid, kind);

      await assertUploaded(outcome, storage.uuid);
    });
  }
}
