// The same import in Deno (Blob and stream) and in workerd (Blob), checked
// at the mock: the bytes landed, a Content-Length was sent, and progress
// ended at the total.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import {
  createStorage, fileBytes, landedBytes, makeImages, managerFor, outDir, repoRoot, sha256, startUploadMock, TOKEN,
} from '../lib/setup.mjs';

const run = promisify(execFile);
const DENO = join(repoRoot, 'node_modules/.bin/deno');
const WORKERD = join(repoRoot, 'node_modules/.bin/workerd');

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

async function filesUnder(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    found.push(...(entry.isDirectory() ? await filesUnder(path) : [path]));
  }
  return found;
}

/** Starts workerd with the suite's Worker and the built package beside it. */
async function startWorkerd() {
  const dir = join(outDir, 'workerd');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(join(repoRoot, 'tests/upload/workerd/worker.mjs'), join(dir, 'worker.mjs'));
  await cp(join(repoRoot, 'pkg'), join(dir, 'pkg'), { recursive: true });

  const modules = ['(name = "worker.mjs", esModule = embed "worker.mjs")'];
  for (const file of await filesUnder(join(dir, 'pkg'))) {
    const name = relative(dir, file);
    if (name.endsWith('.wasm')) {
      modules.push(`(name = "${name}", wasm = embed "${name}")`);
    } else if (name.endsWith('.js')) {
      modules.push(`(name = "${name}", esModule = embed "${name}")`);
    }
  }
  await writeFile(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Loopback only: the Worker talks to the local mock alone.
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "2025-06-01",
);
`);

  const child = spawn(WORKERD, ['serve', '--control-fd', '3', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const logs = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => logs.push(line));
  }
  const exited = new Promise((done) => child.once('exit', done));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not start:\n${logs.join('\n')}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with ${code}:\n${logs.join('\n')}`));
    });
    createInterface({ input: child.stdio[3] }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'listen' && message.socket === 'http') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
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
