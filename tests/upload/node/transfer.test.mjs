// How an upload travels in Node: streams, progress, aborts and timeouts,
// credentials, verification, exact large counters and the import outcome.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';

import {
  createStorage, fakeUploader, landedBytes, managerFor, progressRecorder, rejectionOf, sha256, startUploadMock,
  TOKEN, CloudManager,
} from '../lib/setup.mjs';

const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);

let mock;
let manager;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  mock = await startUploadMock();
  manager = managerFor(mock);
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await mock?.stop();
});

function imageBytes(length, seed = 1) {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  // A raw image must not start like a compressed file or a container.
  bytes.set([0xeb, 0x63, 0x90], 0);
  return bytes;
}

function streamOf(bytes, chunk) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

async function directUpload(title = 'transfer test', size = 1) {
  const storage = await createStorage(manager, title, size);
  const created = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  return { storage, created };
}

async function uploadState(uuid) {
  const [upload] = (await mock.uploads()).filter((entry) => entry.storage === uuid);
  return upload;
}

// A slowed uploader drains what the kernel buffered before it detects the
// connection end, which takes seconds at 1 MB/s.
async function eventually(probe, description, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${description}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

test('Node stream upload sends no duplex TypeError', async () => {
  const bytes = imageBytes(3 * 2 ** 20 + 5);
  const { storage, created } = await directUpload();
  const progress = progressRecorder();

  const result = await manager.uploadFileForStorageImport(created, streamOf(bytes, 64 * 1024 + 3), {
    size: bytes.length, onProgress: progress.onProgress,
  });

  assert.equal(result.writtenBytes, bytes.length);
  assert.equal(result.readBytes, bytes.length);
  assert.equal(result.sha256sum, sha256(bytes));
  assert.equal(result.contentType, 'application/octet-stream');
  progress.assertPhase(assert, 'uploading', bytes.length);
  assert.equal((await uploadState(storage.uuid)).content_length, bytes.length);
  assert.equal(sha256(await landedBytes(mock, storage.uuid, bytes.length)), sha256(bytes));
});

test('stream shorter than its size rejected', async () => {
  const bytes = imageBytes(100_000);
  const { created } = await directUpload();

  const error = await rejectionOf(manager.uploadFileForStorageImport(created, streamOf(bytes, 4096), { size: 100_001 }));

  assert.equal(error.code, 'NETWORK_ERROR');
  assert.match(error.message, /ended after 100000 bytes/);
});

test('stream without size rejected', async () => {
  const { created } = await directUpload();
  const stream = streamOf(imageBytes(10), 10);

  const error = await rejectionOf(manager.uploadFileForStorageImport(created, stream));

  assert.equal(error.code, 'VALIDATION_ERROR');
  assert.equal(error.field, 'options.size');
  assert.equal(stream.locked, false, 'the rejected stream stayed locked');
});

test('upload aborted after 200 ms rejects promptly', async () => {
  const bytes = new Blob([imageBytes(8 * 2 ** 20)]);
  const { storage, created } = await directUpload();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 200);

  const started = Date.now();
  const error = await rejectionOf(manager.uploadFileForStorageImport(created, bytes, { signal: controller.signal }));
  const late = Date.now() - started - 200;
  clearTimeout(timer);

  assert.equal(error.code, 'ABORTED');
  assert.ok(late < 500, `rejected ${late} ms after the abort`);
  const closed = await eventually(async () => {
    const upload = await uploadState(storage.uuid);
    return upload && upload.state !== 'receiving' && upload;
  }, 'the mock to see the connection close');
  await mock.clearFaults();
  assert.equal(closed.state, 'aborted');
  assert.ok(closed.received_bytes < 8 * 2 ** 20, 'the whole body was sent after the abort');
});

test('aborted stream upload unlocks the stream', async () => {
  const bytes = imageBytes(8 * 2 ** 20);
  const { created } = await directUpload();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const stream = streamOf(bytes, 256 * 1024);

  const error = await rejectionOf(manager.uploadFileForStorageImport(created, stream, {
    size: bytes.length, signal: controller.signal,
  }));

  assert.equal(error.code, 'ABORTED');
  assert.equal(stream.locked, false, 'the aborted stream stayed locked');
  await mock.clearFaults();
});

test('aborted Blob uploads again', async () => {
  const bytes = imageBytes(4 * 2 ** 20);
  const blob = new Blob([bytes]);
  const storage = await createStorage(manager, 'abort then retry');
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, blob, {
    ...abortDuringUpload(), pollIntervalMs: 50,
  }));
  await mock.clearFaults();
  assert.equal(error.code, 'ABORTED');
  assert.equal(error.storageUuid, storage.uuid);

  await manager.waitForStorageState(storage.uuid, 'online', { intervalMs: 50 });
  const done = await manager.importStorageFromFile(storage.uuid, blob, { pollIntervalMs: 50 });
  assert.equal(done.state, 'completed');
  assert.equal(sha256(await landedBytes(mock, storage.uuid, bytes.length)), sha256(bytes));
});

/** Options that abort an import 200 ms after its upload starts. */
function abortDuringUpload() {
  const controller = new AbortController();
  let timer = null;
  const onProgress = (event) => {
    if (event.phase === 'uploading' && timer === null) {
      timer = setTimeout(() => controller.abort(), 200);
    }
  };
  return { signal: controller.signal, onProgress };
}

test('cancelImportOnAbort cancels the import', async () => {
  const storage = await createStorage(manager, 'cancel on abort');
  await mock.clearRequests();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(4 * 2 ** 20)]), {
    ...abortDuringUpload(), cancelImportOnAbort: true, pollIntervalMs: 50,
  }));
  await mock.clearFaults();

  assert.equal(error.code, 'ABORTED');
  const cancels = (await mock.requests()).filter((entry) => entry.method === 'POST' && entry.path.endsWith('/import/cancel'));
  assert.equal(cancels.length, 1);
  const details = await manager.getStorageImportDetails(storage.uuid);
  assert.ok(['cancelling', 'cancelled'].includes(details.state), `import is ${details.state}`);
});

test('upload timeout rejects with TIMEOUT', async () => {
  const { storage, created } = await directUpload();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });

  const started = Date.now();
  const error = await rejectionOf(manager.uploadFileForStorageImport(created, new Blob([imageBytes(8 * 2 ** 20)]), {
    timeoutMs: 300,
  }));
  const elapsed = Date.now() - started;

  assert.equal(error.code, 'TIMEOUT');
  assert.ok(elapsed < 1000, `the 300 ms timeout fired after ${elapsed} ms`);
  await eventually(async () => (await uploadState(storage.uuid))?.state === 'aborted', 'the mock to see the close');
  await mock.clearFaults();
});

test('API timeout does not limit the upload', async () => {
  const quick = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, timeoutMs: 300 });
  const bytes = imageBytes(2 * 2 ** 20);
  const { created } = await directUpload();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 2_000_000 });

  const result = await quick.uploadFileForStorageImport(created, new Blob([bytes]));
  await mock.clearFaults();

  assert.equal(result.writtenBytes, bytes.length);
});

test('uploader PUT carries no Authorization', async () => {
  const storage = await createStorage(manager, 'credentials test');
  await mock.clearRequests();

  await manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(64 * 1024)]), { pollIntervalMs: 50 });

  const puts = (await mock.requests()).filter((entry) => entry.method === 'PUT' && entry.path.startsWith('/uploader/'));
  assert.equal(puts.length, 1);
  assert.equal(puts[0].headers.authorization, undefined);
  assert.equal(puts[0].headers['content-length'], String(64 * 1024));
});

test('upload URL stays out of errors and logs', async () => {
  const lines = [];
  const logger = (level, message, fields) => lines.push(`${level} ${message} ${inspect(fields)}`);
  const logged = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, logger });
  const { created } = await directUpload();
  const url = created.directUploadUrl;
  const sessionPath = new URL(url).pathname;
  const failures = [];

  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'drop' });
  failures.push(await rejectionOf(logged.uploadFileForStorageImport(created, new Blob([imageBytes(1024)]))));
  await mock.faults({
    method: 'PUT', path_prefix: '/uploader/', status: 500, content_type: 'text/plain', body: `failed at ${url}`,
  });
  failures.push(await rejectionOf(logged.uploadFileForStorageImport(created, new Blob([imageBytes(1024)]))));
  await mock.clearFaults();
  const closedPort = { ...created, directUploadUrl: url.replace(/:\d+\//, ':9/') };
  failures.push(await rejectionOf(logged.uploadFileForStorageImport(closedPort, new Blob([imageBytes(1024)]))));

  for (const error of failures) {
    const text = `${error.message}\n${error.stack}\n${inspect(error, { depth: 6 })}`;
    assert.ok(!text.includes(sessionPath), `the session path leaked: ${text}`);
  }
  for (const line of lines) {
    assert.ok(!line.includes(sessionPath), `a log line has the session path: ${line}`);
  }
});

test('writtenBytes of 50 GiB is exact', async () => {
  const uploader = await fakeUploader({
    written_bytes: 53_687_091_200, md5sum: '0'.repeat(32), sha256sum: 'a'.repeat(64),
  });
  try {
    const result = await manager.uploadFileForStorageImport(
      { directUploadUrl: uploader.url }, new Blob([imageBytes(1000)]), { verify: false },
    );
    assert.equal(result.writtenBytes, 53_687_091_200);
    assert.ok(Number.isSafeInteger(result.writtenBytes));
  } finally {
    await uploader.close();
  }
});

test('different uploader digest rejects with INTEGRITY_MISMATCH', async () => {
  const bytes = imageBytes(5000);
  const wrong = 'B'.repeat(64);
  const uploader = await fakeUploader({ written_bytes: bytes.length, md5sum: '0'.repeat(32), sha256sum: wrong });
  try {
    const error = await rejectionOf(manager.uploadFileForStorageImport({ directUploadUrl: uploader.url }, new Blob([bytes])));
    assert.equal(error.code, 'INTEGRITY_MISMATCH');
    assert.match(error.message, new RegExp(sha256(bytes)));
    assert.match(error.message, new RegExp(wrong.toLowerCase()));
  } finally {
    await uploader.close();
  }
});

test('uppercase uploader digest verifies', async () => {
  const bytes = imageBytes(5000);
  const uploader = await fakeUploader({
    written_bytes: bytes.length, md5sum: '0'.repeat(32), sha256sum: sha256(bytes).toUpperCase(),
  });
  try {
    const result = await manager.uploadFileForStorageImport({ directUploadUrl: uploader.url }, new Blob([bytes]));
    assert.equal(result.writtenBytes, bytes.length);
  } finally {
    await uploader.close();
  }
});

test('failed import rejects with IMPORT_FAILED', async () => {
  const storage = await createStorage(manager, 'failed import');
  await mock.nextImport({ outcome: 'failed', error_code: 'IMPORT_DATA_INVALID', error_message: 'The image is broken.' });

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(32 * 1024)]), {
    pollIntervalMs: 50,
  }));

  assert.equal(error.code, 'IMPORT_FAILED');
  assert.equal(error.importErrorCode, 'IMPORT_DATA_INVALID');
  assert.equal(error.importErrorMessage, 'The image is broken.');
  assert.equal(error.storageUuid, storage.uuid);
});

test('cancelled import rejects with IMPORT_CANCELLED', async () => {
  const storage = await createStorage(manager, 'cancelled import');
  await mock.nextImport({ outcome: 'cancelled' });

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(32 * 1024)]), {
    pollIntervalMs: 50,
  }));

  assert.equal(error.code, 'IMPORT_CANCELLED');
  assert.equal(error.storageUuid, storage.uuid);
});

test('waitForOnline reports syncing last', async () => {
  const storage = await createStorage(manager, 'wait for online');
  const progress = progressRecorder();

  const done = await manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(256 * 1024)]), {
    pollIntervalMs: 50, waitForOnline: true, onProgress: progress.onProgress,
  });

  assert.equal(done.state, 'completed');
  assert.deepEqual(progress.phases(), ['uploading', 'importing', 'syncing']);
  progress.assertPhase(assert, 'syncing', 100);
  assert.equal((await manager.getStorage(storage.uuid)).state, 'online');
});

test('in-memory Blob progress in steps', async () => {
  // Node's stream of an in-memory Blob yields one chunk. The upload must
  // still send and report it piece by piece.
  const { storage, created } = await directUpload('in-memory blob progress');
  const bytes = imageBytes(64 * 2 ** 20);
  const progress = progressRecorder();

  const result = await manager.uploadFileForStorageImport(created, new Blob([bytes]), {
    onProgress: progress.onProgress,
  });

  assert.equal(result.writtenBytes, bytes.length);
  progress.assertPhase(assert, 'uploading', bytes.length);
  const steps = new Set(progress.events
    .filter((event) => event.phase === 'uploading' && event.loaded > 0)
    .map((event) => event.loaded));
  assert.ok(steps.size >= 8, `uploading progress came in ${steps.size} steps: ${[...steps].join(', ')}`);
  assert.equal(sha256(await landedBytes(mock, storage.uuid, bytes.length)), sha256(bytes));
});

test('throwing onProgress does not break the upload', async () => {
  const { created } = await directUpload();
  const bytes = imageBytes(3 * 2 ** 20);

  const result = await manager.uploadFileForStorageImport(created, new Blob([bytes]), {
    onProgress() {
      throw new Error('progress bar failed');
    },
  });

  assert.equal(result.writtenBytes, bytes.length);
});

test('misspelt option rejected', async () => {
  const { created } = await directUpload();

  const error = await rejectionOf(manager.uploadFileForStorageImport(created, new Blob([imageBytes(10)]), { verfiy: false }));

  assert.equal(error.code, 'VALIDATION_ERROR');
  assert.equal(error.field, 'options.verfiy');
});

async function cancelsOf(uuid) {
  return (await mock.requests()).filter((entry) => entry.method === 'POST' && entry.path.endsWith(`/${uuid}/import/cancel`));
}

// Starts with the gzip magic and a valid-looking header, then is not
// deflate data; its last four bytes read as an ISIZE of 1 094 795 585.
function fakeGzip() {
  const bytes = new Uint8Array(4096).fill(0x41);
  bytes.set([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff], 0);
  return bytes;
}

test('image found corrupt while sending cancels the import', async () => {
  const storage = await createStorage(manager, 'corrupt import');
  await mock.clearRequests();

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([fakeGzip()]), {
    cancelImportOnAbort: true, pollIntervalMs: 50,
  }));

  assert.equal(error.code, 'UNSUPPORTED_IMAGE_FORMAT');
  assert.equal((await cancelsOf(storage.uuid)).length, 1);
  const details = await manager.getStorageImportDetails(storage.uuid);
  assert.ok(['cancelling', 'cancelled'].includes(details.state), `import is ${details.state}`);
});

test('import of stream shorter than its size cancels the import', async () => {
  const storage = await createStorage(manager, 'short stream import');
  await mock.clearRequests();
  const bytes = imageBytes(100_000);

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, streamOf(bytes, 4096), {
    size: 100_001, pollIntervalMs: 50,
  }));

  assert.equal(error.code, 'NETWORK_ERROR');
  assert.equal((await cancelsOf(storage.uuid)).length, 1);
});

test('stream ending inside its first bytes rejected before the import', async () => {
  const storage = await createStorage(manager, 'tiny stream import');
  await mock.clearRequests();

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, streamOf(imageBytes(100), 50), {
    size: 1000,
  }));

  assert.equal(error.code, 'VALIDATION_ERROR');
  assert.equal(error.field, 'options.size');
  const creates = (await mock.requests()).filter((entry) => entry.method === 'POST' && entry.path.endsWith('/import'));
  assert.equal(creates.length, 0, 'an import was created');
});

test('import upload timeout cancels the import by default', async () => {
  const storage = await createStorage(manager, 'timeout import');
  await mock.clearRequests();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(8 * 2 ** 20)]), {
    timeoutMs: 300,
  }));
  await mock.clearFaults();

  assert.equal(error.code, 'TIMEOUT');
  assert.equal((await cancelsOf(storage.uuid)).length, 1);
});

test('abort with cancelImportOnAbort false keeps the import', async () => {
  const storage = await createStorage(manager, 'keep on abort');
  await mock.clearRequests();
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 1_000_000 });

  const error = await rejectionOf(manager.importStorageFromFile(storage.uuid, new Blob([imageBytes(4 * 2 ** 20)]), {
    ...abortDuringUpload(), cancelImportOnAbort: false,
  }));
  await mock.clearFaults();

  assert.equal(error.code, 'ABORTED');
  assert.equal((await cancelsOf(storage.uuid)).length, 0);
  await manager.cancelStorageImport(storage.uuid);
});

test('fake gzip with storageSize is not reported too large', async () => {
  const { created } = await directUpload();

  const error = await rejectionOf(manager.uploadFileForStorageImport(created, new Blob([fakeGzip()]), { storageSize: 1 }));

  assert.equal(error.code, 'UNSUPPORTED_IMAGE_FORMAT');
});

test('upload options with a throwing getter rejected', async () => {
  const { created } = await directUpload();
  const options = { get verify() { throw new Error('getter ran'); } };
  const proxy = new Proxy({}, { ownKeys() { throw new Error('keys read'); } });

  for (const value of [options, proxy]) {
    const error = await rejectionOf(manager.uploadFileForStorageImport(created, new Blob([imageBytes(10)]), value));
    assert.equal(error.code, 'VALIDATION_ERROR');
    assert.equal(error.field, 'options');
  }
});

test('upload source with a throwing getter rejected', async () => {
  const { created } = await directUpload();
  const source = new Proxy({}, { get() { throw new Error('property read'); } });

  const error = await rejectionOf(manager.uploadFileForStorageImport(created, source));

  assert.equal(error.code, 'VALIDATION_ERROR');
  assert.equal(error.field, 'source');
});

test('non-http directUploadUrl named as such', async () => {
  const error = await rejectionOf(manager.uploadFileForStorageImport(
    { directUploadUrl: 'ftp://user:secret@127.0.0.1/upload' }, new Blob([imageBytes(10)]),
  ));

  assert.equal(error.code, 'VALIDATION_ERROR');
  assert.equal(error.field, 'storageImport.directUploadUrl');
  assert.match(error.message, /must be an http: or https: URL/);
  assert.doesNotMatch(error.message, /secret|ftp:/);
});

test('no unhandled rejection fired', async () => {
  await new Promise((done) => setTimeout(done, 300));
  assert.deepEqual(unhandled.map((reason) => String(reason)), []);
});
