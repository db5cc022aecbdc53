// The README's Node example: a script that creates a disk and imports a local
// image into it. It runs as its own Node process inside the scratch project,
// with the loopback guard preloaded and UPCLOUD_API pointing at the mock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';

import {
  apiGet, appDir, outDir, PASSWORD, repoRoot, startReadmeMock, USERNAME, writeExample,
} from './lib/setup.mjs';

const IMAGE_BYTES = 3 * 1024 * 1024 + 517;
const RUN_TIMEOUT_MS = 120_000;
const TITLE = 'imported image';

let mock;
let script;

before(async () => {
  mock = await startReadmeMock();
  script = writeExample('node', join(appDir, 'readme-node.mjs'));
});

after(async () => {
  await mock?.stop();
});

/** Builds a raw image whose pattern gzip compresses but which is not all zeros. */
function rawImage(length) {
  const bytes = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += 1) {
    bytes[offset] = (offset * 7 + (offset >> 12)) & 0xff;
  }
  return bytes;
}

/** Runs the example with `imagePath` and resolves to `{ code, stdout, stderr }`. */
function runExample(imagePath) {
  const guard = join(repoRoot, 'tests/readme/lib/loopback-guard.mjs');
  const child = spawn(process.execPath, ['--import', guard, script, imagePath], {
    cwd: appDir,
    env: {
      ...process.env,
      UPCLOUD_API: mock.apiBase,
      UPCLOUD_USERNAME: USERNAME,
      UPCLOUD_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Node example ran longer than ${RUN_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function disksTitled(title) {
  const { storages } = await apiGet(mock, '/storage/private');
  return storages.storage.filter((storage) => storage.title === title);
}

test('node example imports a gzip image', async () => {
  const raw = rawImage(IMAGE_BYTES);
  const imagePath = join(outDir, 'disk.raw.gz');
  writeFileSync(imagePath, gzipSync(raw));

  const { code, stdout, stderr } = await runExample(imagePath);
  assert.equal(code, 0, `the example failed:\n${stdout}\n${stderr}`);

  const summary = /^(\S+): wrote (\d+) bytes, sha256 ([0-9a-f]{64})$/m.exec(stdout);
  assert.ok(summary, `no summary line in the output:\n${stdout}`);
  const [, uuid, written, sha256] = summary;
  assert.equal(Number(written), raw.length);
  assert.equal(sha256, createHash('sha256').update(raw).digest('hex'));
  assert.match(stdout, /^uploading \d+ of \d+$/m);
  assert.match(stdout, /^importing \d+ of \d+$/m);

  const stored = await mock.storageData(uuid, 0, raw.length);
  assert.ok(Buffer.from(stored).equals(raw), 'the mock stored other bytes than the image');
  const { storage } = await apiGet(mock, `/storage/${uuid}`);
  assert.equal(storage.state, 'online');
  assert.equal(storage.title, TITLE);
});

test('node example deletes the disk after a rejected image', async () => {
  const before = (await disksTitled(TITLE)).length;
  const imagePath = join(outDir, 'disk.qcow2');
  const qcow2Header = Buffer.alloc(4096);
  qcow2Header.write('QFI\xfb', 0, 'latin1');
  qcow2Header.writeUInt32BE(3, 4);
  writeFileSync(imagePath, qcow2Header);

  const { code, stdout, stderr } = await runExample(imagePath);
  assert.equal(code, 1, `the example did not fail:\n${stdout}\n${stderr}`);
  assert.match(stderr, /^import failed: UNSUPPORTED_IMAGE_FORMAT /m);
  assert.equal((await disksTitled(TITLE)).length, before, 'the example left its new disk behind');
});

test('node example reached only the mock', async () => {
  const requests = await mock.requests();
  assert.ok(requests.some((entry) => entry.method === 'POST'), 'the mock saw no POST from the example');
  assert.ok(requests.some((entry) => entry.method === 'PUT'), 'the mock saw no upload from the example');
});
