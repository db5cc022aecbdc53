// Shared setup of the upload suite: disk images made with the real tools,
// the mock, and a manager from the built package's Node entry.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { CloudManager } from '../../../pkg/node.js';
import { startMock } from '../../support/mock.mjs';

export { CloudManager };

const run = promisify(execFile);

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const outDir = join(repoRoot, 'tests/out/upload');
export const imageDir = join(outDir, 'images');
export const TOKEN = 't';
export const ZONE = 'fi-hel1';
export const GIB = 2 ** 30;

/** Starts the mock; `tls` adds its HTTPS (HTTP/2) listener. */
export function startUploadMock({ tls = false, extra = [] } = {}) {
  const args = ['--listen', '127.0.0.1:0', '--empty', '--token', TOKEN, '--op-seconds', '0.2', ...extra];
  return startMock({ args, tls });
}

export function managerFor(mock) {
  return new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase });
}

export async function createStorage(manager, title, size = 1) {
  return manager.createStorage({ zone: ZONE, size, tier: 'maxiops', title });
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The first `length` bytes written to a storage, read back from the mock in 16 MiB pieces. */
export async function landedBytes(mock, uuid, length) {
  const parts = [];
  for (let offset = 0; offset < length; offset += 16 * 2 ** 20) {
    parts.push(await mock.storageData(uuid, offset, Math.min(16 * 2 ** 20, length - offset)));
  }
  return Buffer.concat(parts);
}

/** Collects `onProgress` events and checks what every progress bar relies on. */
export function progressRecorder() {
  const events = [];
  return {
    events,
    onProgress: (event) => events.push({ ...event }),
    /** Events of `phase`: `loaded` never decreases, never passes `total`, and ends at `total`. */
    assertPhase(assert, phase, total) {
      const ofPhase = events.filter((event) => event.phase === phase);
      assert.ok(ofPhase.length > 0, `no ${phase} events in ${JSON.stringify(events)}`);
      let last = -1;
      for (const event of ofPhase) {
        assert.ok(event.loaded >= last, `${phase} went back from ${last} to ${event.loaded}`);
        assert.ok(event.loaded <= event.total, `${phase} loaded ${event.loaded} passed total ${event.total}`);
        last = event.loaded;
      }
      assert.equal(ofPhase.at(-1).loaded, ofPhase.at(-1).total);
      if (total !== undefined) {
        assert.equal(ofPhase.at(-1).total, total);
      }
    },
    phases() {
      return events.map((event) => event.phase).filter((phase, i, all) => i === 0 || all[i - 1] !== phase);
    },
  };
}

async function tool(command, args) {
  await run(command, args, { maxBuffer: 16 * 2 ** 20 });
}

function has(command) {
  return ['/usr/bin', '/usr/sbin', '/sbin', '/bin'].some((dir) => existsSync(join(dir, command)));
}

/**
 * Makes the suite's images once per run under tests/out/upload/images:
 * a 48 MiB ext4 image with files in it, its gzip and xz forms, a qcow2,
 * a VMDK, a VHD, and an ISO when xorriso is installed.
 */
export async function makeImages() {
  await mkdir(imageDir, { recursive: true });
  const path = (name) => join(imageDir, name);
  const images = {
    raw: path('disk.raw'), gzip: path('disk.raw.gz'), xz: path('disk.raw.xz'),
    qcow2: path('disk.qcow2'), vmdk: path('disk.vmdk'), vhd: path('disk.vhd'), iso: null,
  };
  if (existsSync(path('.done'))) {
    images.iso = existsSync(path('disk.iso')) ? path('disk.iso') : null;
    return images;
  }

  const content = path('content');
  await rm(content, { recursive: true, force: true });
  await mkdir(content, { recursive: true });
  for (let i = 0; i < 8; i++) {
    const block = Buffer.alloc(512 * 1024);
    for (let j = 0; j < block.length; j += 4) {
      block.writeUInt32LE((i * 2654435761 + j * 40503) >>> 0, j);
    }
    await writeFile(join(content, `file-${i}.bin`), block);
  }
  await writeFile(join(content, 'README.txt'), 'upload suite test image\n');

  await rm(images.raw, { force: true });
  await tool('qemu-img', ['create', '-q', '-f', 'raw', images.raw, '48M']);
  await tool('mkfs.ext4', ['-q', '-F', '-d', content, images.raw]);
  await tool('sh', ['-c', `gzip -1 -c "${images.raw}" > "${images.gzip}"`]);
  await tool('sh', ['-c', `xz -1 -T1 -c "${images.raw}" > "${images.xz}"`]);
  await tool('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', images.raw, images.qcow2]);
  await tool('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', images.raw, images.vmdk]);
  await tool('qemu-img', ['convert', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=fixed', images.raw, images.vhd]);
  if (has('xorriso')) {
    images.iso = path('disk.iso');
    await tool('xorriso', ['-as', 'mkisofs', '-quiet', '-o', images.iso, '-V', 'UPLOADTEST', content]);
  }
  await writeFile(path('.done'), '');
  return images;
}

export async function fileBytes(path) {
  return readFile(path);
}

export async function fileSize(path) {
  return (await stat(path)).size;
}

/**
 * A stand-in uploader on a loopback port that answers every PUT with
 * `answer` after reading the body, for answers the mock never gives.
 * Returns `{ url, requests, close }`.
 */
export async function fakeUploader(answer) {
  const requests = [];
  const server = http.createServer((request, response) => {
    let received = 0;
    request.on('data', (chunk) => {
      received += chunk.length;
    });
    request.on('end', () => {
      requests.push({ headers: request.headers, received });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/uploader/session/07aaaaaa-1111-4000-8000-000000000001`,
    requests,
    close: () => new Promise((done) => server.close(done)),
  };
}

/** Resolves to the rejection of `promise`, failing if it resolves. */
export async function rejectionOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the promise resolved, but a rejection was expected');
}
