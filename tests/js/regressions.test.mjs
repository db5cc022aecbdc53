// Named regression cases for failures reported against other UpCloud
// clients and Rust-to-wasm fetch clients, run in Node against the installed
// package and upcloud-mock (or a canned fetch where a response shape cannot
// be produced by the mock).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { startMock } from '../support/mock.mjs';
import { mockControl } from './lib/control.mjs';
import { importPackage, packageDir } from './lib/package.mjs';
import { imageBytes, startSourceServer } from './lib/source-server.mjs';

const { CloudManager, UpCloudError, Storage } = await importPackage();

const ZONE = 'fi-hel1';
const PASSWORD = 'pässwörd€';
const TOKEN = 'ucat_secret_token_value';
const MISSING_UUID = '01000000-dead-4000-8000-00000000beef';
const FAST = { intervalMs: 50, timeoutMs: 10_000 };

let mock;
let control;
let source;
let manager;
const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  mock = await startMock({
    args: [
      '--listen', '127.0.0.1:0', '--empty', '--user', `user:${PASSWORD}`, '--token', TOKEN, '--op-seconds', '0.3',
    ],
  });
  control = mockControl(mock.url);
  source = await startSourceServer(imageBytes(4096));
  manager = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase });
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await source?.close();
  await mock?.stop();
});

async function rejectionOf(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) {
      throw error;
    }
    return error;
  }
}

function assertError(error, { code, status }) {
  assert.ok(error instanceof UpCloudError, `expected an UpCloudError, got ${error?.stack ?? error}`);
  assert.ok(error instanceof Error);
  if (code !== undefined) {
    assert.equal(error.code, code, error.message);
  }
  if (status !== undefined) {
    assert.equal(error.status, status, error.message);
  }
  return error;
}

async function requestsTo(method, path) {
  return (await control.requests()).filter((entry) => entry.method === method && entry.path === path);
}

function bodyOf(entry) {
  return typeof entry.body === 'string' ? JSON.parse(entry.body) : entry.body;
}

function disk(title, extra = {}) {
  return manager.createStorage({ zone: ZONE, size: 10, title, ...extra });
}

// Failure inside a long operation is lost.

test('failed import rejects IMPORT_FAILED', async () => {
  const target = await disk('import that fails');
  await control.nextImport({ outcome: 'failed', error_code: 'IMPORT_SOURCE_UNREACHABLE', error_message: 'The source could not be read.' });
  await manager.createStorageImport({ storage: target.uuid, source: 'http_import', sourceLocation: source.url });

  const error = assertError(await rejectionOf(manager.waitForStorageImport(target.uuid, FAST)), { code: 'IMPORT_FAILED' });
  assert.equal(error.storageUuid, target.uuid);
  assert.equal(error.importErrorCode, 'IMPORT_SOURCE_UNREACHABLE');
  assert.equal(error.importErrorMessage, 'The source could not be read.');
});

test('cancelled import rejects IMPORT_CANCELLED', async () => {
  const target = await disk('import that is cancelled');
  await control.nextImport({ outcome: 'cancelled' });
  await manager.createStorageImport({ storage: target.uuid, source: 'http_import', sourceLocation: source.url });

  const error = assertError(await rejectionOf(manager.waitForStorageImport(target.uuid, FAST)), { code: 'IMPORT_CANCELLED' });
  assert.equal(error.storageUuid, target.uuid);
});

// Next step before the storage is ready.

test('template is online before its clone is sent', async () => {
  const origin = await disk('template origin');
  const template = await origin.templatize('waited template');
  assert.equal(template.state, 'maintenance');

  await template.waitFor('online', FAST);
  assert.equal(template.state, 'online');
  const clone = await template.clone({ title: 'clone of the template', zone: ZONE });
  assert.equal(clone.type, 'normal');
});

test('unknown storage state is carried through', async () => {
  const target = await disk('future state');
  await control.setState(target.uuid, { state: 'pending_delete', seconds: 1 });
  const fetched = await manager.getStorage(target.uuid);
  assert.equal(fetched.state, 'pending_delete');
});

test('wait rejects at once on state error', async () => {
  const target = await disk('broken disk');
  await control.setState(target.uuid, { state: 'error' });
  const started = Date.now();
  const error = assertError(await rejectionOf(target.waitFor('online', FAST)), { code: 'STORAGE_ERROR' });
  assert.equal(error.storageUuid, target.uuid);
  assert.ok(Date.now() - started < 1000);
});

// Transient 409 while in maintenance.

test('409 STORAGE_STATE_ILLEGAL is returned by default', async () => {
  const target = await disk('delete conflict');
  await control.faults({
    method: 'DELETE', path_prefix: `/1.3/storage/${target.uuid}`, count: 1,
    status: 409, error_code: 'STORAGE_STATE_ILLEGAL', error_message: 'The storage is in maintenance.',
  });
  assertError(await rejectionOf(manager.deleteStorage(target.uuid)), { code: 'STORAGE_STATE_ILLEGAL', status: 409 });
  await manager.deleteStorage(target.uuid);
});

test('waitUntilOnline retries a 409 once', async () => {
  const target = await disk('delete conflict, waited');
  await control.setState(target.uuid, { state: 'maintenance', seconds: 0.5 });
  await manager.deleteStorage(target.uuid, {}, { waitUntilOnline: true });
  assertError(await rejectionOf(manager.getStorage(target.uuid)), { code: 'STORAGE_NOT_FOUND', status: 404 });
});

// null and read-only fields sent back.

test('null and undefined options are not sent', async () => {
  await control.clearRequests();
  await manager.createStorage({ zone: ZONE, size: 10, title: 't', tier: undefined, backupRule: null });
  const [entry] = await requestsTo('POST', '/1.3/storage');
  assert.deepEqual(bodyOf(entry), { storage: { zone: ZONE, size: 10, title: 't' } });
});

test('read-only fields are rejected by name', async () => {
  const target = await disk('read-only fields');
  const fetched = await manager.getStorage(target.uuid);
  await control.clearRequests();
  const error = assertError(
    await rejectionOf(manager.modifyStorage(target.uuid, { ...fetched, title: 'x' })),
    { code: 'VALIDATION_ERROR' },
  );
  assert.ok(['uuid', 'state', 'type', 'servers', 'backups', 'zone', 'tier', 'access'].includes(error.field), error.field);
  assert.equal((await requestsTo('PUT', `/1.3/storage/${target.uuid}`)).length, 0);
});

// Encrypted flag and misspelt options.

test('encrypted true is sent as yes', async () => {
  await control.clearRequests();
  const created = await disk('encrypted disk', { encrypted: true });
  const [entry] = await requestsTo('POST', '/1.3/storage');
  assert.equal(bodyOf(entry).storage.encrypted, 'yes');
  assert.equal(created.encrypted, true);
});

test('misspelt encrypt option is rejected', async () => {
  const error = assertError(await rejectionOf(disk('typo', { encrypt: true })), { code: 'VALIDATION_ERROR' });
  assert.equal(error.field, 'encrypt');
});

// Only some statuses treated as errors.

test('error bodies map to status and code', async (t) => {
  const target = await disk('error bodies');
  const path = `/1.3/storage/${target.uuid}`;
  const strict = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, retries: 0 });

  await t.test('legacy 404', async () => {
    assertError(await rejectionOf(strict.getStorage(MISSING_UUID)), { code: 'STORAGE_NOT_FOUND', status: 404 });
  });
  await t.test('problem+json 400', async () => {
    await control.faults({
      method: 'GET', path_prefix: path, count: 1, status: 400,
      content_type: 'application/problem+json; charset=utf-8',
      body: JSON.stringify({
        type: 'https://developers.upcloud.com/1.3/errors#ERROR_INVALID_REQUEST',
        title: 'Validation error.',
        status: 400,
        correlation_id: 'corr-1',
        invalid_params: [{ name: 'title', reason: 'too long' }],
      }),
    });
    const error = assertError(await rejectionOf(strict.getStorage(target.uuid)), { code: 'INVALID_REQUEST', status: 400 });
    assert.equal(error.correlationId, 'corr-1');
    assert.deepEqual(error.invalidParams, [{ name: 'title', reason: 'too long' }]);
  });
  await t.test('429 text/plain', async () => {
    await control.faults({ method: 'GET', path_prefix: path, count: 1, status: 429, content_type: 'text/plain', body: 'Too many requests' });
    const error = assertError(await rejectionOf(strict.getStorage(target.uuid)), { code: null, status: 429 });
    assert.ok(error.message.includes('Too many requests'), error.message);
    assert.equal(error.retryAfter, null);
  });
  await t.test('502 HTML page', async () => {
    await control.faults({
      method: 'GET', path_prefix: path, count: 1, status: 502, content_type: 'text/html',
      body: `<html><body><h1>502 Bad Gateway</h1>${'x'.repeat(5000)}</body></html>`,
    });
    const error = assertError(await rejectionOf(strict.getStorage(target.uuid)), { code: null, status: 502 });
    assert.ok(error.message.length < 400, `message is ${error.message.length} characters long`);
  });
});

// One 5xx ends a wait.

test('wait survives 502 then 503', async () => {
  const target = await disk('flaky wait');
  await control.faults({ method: 'GET', path_prefix: `/1.3/storage/${target.uuid}`, count: 1, status: 502, body: '', content_type: 'text/plain' });
  await control.faults({ method: 'GET', path_prefix: `/1.3/storage/${target.uuid}`, count: 1, status: 503, body: '', content_type: 'text/plain' });
  const online = await manager.waitForStorageState(target.uuid, 'online', FAST);
  assert.equal(online.state, 'online');
});

test('four 503 in a row end the wait', async () => {
  const target = await disk('dead wait');
  await control.faults({ method: 'GET', path_prefix: `/1.3/storage/${target.uuid}`, count: 4, status: 503, body: '', content_type: 'text/plain' });
  const error = assertError(await rejectionOf(manager.waitForStorageState(target.uuid, 'online', FAST)), { status: 503 });
  assert.equal(error.storageUuid, target.uuid);
});

test('wait honours Retry-After of a 429', async () => {
  const target = await disk('rate limited wait');
  await control.faults({
    method: 'GET', path_prefix: `/1.3/storage/${target.uuid}`, count: 1, status: 429, retry_after: '2', body: '', content_type: 'text/plain',
  });
  const started = Date.now();
  await manager.waitForStorageState(target.uuid, 'online', FAST);
  assert.ok(Date.now() - started >= 1950, `resolved after ${Date.now() - started} ms`);
});

test('Retry-After reaches the error', async () => {
  const target = await disk('rate limited');
  const strict = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, retries: 0 });
  await control.faults({
    method: 'GET', path_prefix: `/1.3/storage/${target.uuid}`, count: 1, status: 429, retry_after: '7', body: '', content_type: 'text/plain',
  });
  const error = assertError(await rejectionOf(strict.getStorage(target.uuid)), { code: null, status: 429 });
  assert.equal(error.retryAfter, 7);
});

test('clone answered 503 is not resent', async () => {
  const target = await disk('clone source');
  const path = `/1.3/storage/${target.uuid}/clone`;
  await control.clearRequests();
  await control.faults({ method: 'POST', path_prefix: path, count: 1, status: 503, body: '', content_type: 'text/plain' });
  assertError(await rejectionOf(target.clone({ title: 'no duplicate', zone: ZONE })), { status: 503 });
  assert.equal((await requestsTo('POST', path)).length, 1);
});

// Credentials.

function headerOf(entry, name) {
  const wanted = name.toLowerCase();
  const found = Object.entries(entry.headers).find(([key]) => key.toLowerCase() === wanted);
  return Array.isArray(found?.[1]) ? found[1][0] : found?.[1];
}

test('token is sent as Bearer', async () => {
  await control.clearRequests();
  await manager.getStorages('private');
  const [entry] = await requestsTo('GET', '/1.3/storage/private');
  assert.equal(headerOf(entry, 'authorization'), `Bearer ${TOKEN}`);
});

test('Basic auth encodes UTF-8 credentials', async () => {
  const basic = new CloudManager({ username: 'user', password: PASSWORD }, { baseUrl: mock.apiBase });
  await control.clearRequests();
  await basic.getStorages('private');
  const [entry] = await requestsTo('GET', '/1.3/storage/private');
  const expected = `Basic ${Buffer.from(`user:${PASSWORD}`, 'utf8').toString('base64')}`;
  assert.equal(headerOf(entry, 'authorization'), expected);
});

test('token wins over username and password', async () => {
  const both = new CloudManager({ username: 'user', password: 'wrong', token: TOKEN }, { baseUrl: mock.apiBase });
  await control.clearRequests();
  await both.getStorages('private');
  const [entry] = await requestsTo('GET', '/1.3/storage/private');
  assert.equal(headerOf(entry, 'authorization'), `Bearer ${TOKEN}`);
});

test('401 is AUTHENTICATION_FAILED without secrets', async () => {
  const lines = [];
  const wrong = new CloudManager({ username: 'user', password: 'not-the-password' }, {
    baseUrl: mock.apiBase,
    logger: (level, message, fields) => lines.push(`${level} ${message} ${JSON.stringify(fields)}`),
  });
  const error = assertError(await rejectionOf(wrong.getStorages('private')), { code: 'AUTHENTICATION_FAILED', status: 401 });
  const text = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${lines.join('\n')}`;
  for (const secret of ['not-the-password', Buffer.from('user:not-the-password').toString('base64'), TOKEN]) {
    assert.ok(!text.includes(secret), `a secret leaked: ${secret}`);
  }
  assert.ok(lines.length > 0, 'the logger saw the call');
});

// window-only code and Wasm loading on Workers.

test('shipped JavaScript never names window', () => {
  const files = [];
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name.endsWith('.js')) {
        files.push(path);
      }
    }
  };
  walk(packageDir);
  assert.ok(files.length >= 5, `found ${files.length} JS files`);
  for (const file of files) {
    assert.ok(!/\bwindow\b/.test(readFileSync(file, 'utf8')), `${file} names window`);
  }
});

test('workerd entry imports the wasm as a module', () => {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const entry = readFileSync(join(packageDir, manifest.exports['.'].workerd), 'utf8');
  assert.match(entry, /import \w+ from '\.\/dist\/upcloud_storage_bg\.wasm'/);
  assert.match(entry, /initSync\(\{ module: \w+ \}\)/);
  assert.ok(!/fetch\(|readFile|WebAssembly\./.test(entry), 'the workerd entry neither fetches nor compiles');
});

// Aborts that do not abort.

test('aborted signal rejects before any request', async () => {
  await control.clearRequests();
  const controller = new AbortController();
  controller.abort();
  assertError(await rejectionOf(manager.listStorages({ signal: controller.signal })), { code: 'ABORTED', status: null });
  assert.equal((await control.requests()).length, 0);
});

test('timeout is TIMEOUT, abort is ABORTED', async () => {
  const target = await disk('slow answers');
  const path = `/1.3/storage/${target.uuid}`;
  await control.faults({ method: 'GET', path_prefix: path, count: 2, latency_ms: 2000 });

  const impatient = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, timeoutMs: 200, retries: 0 });
  assertError(await rejectionOf(impatient.getStorage(target.uuid)), { code: 'TIMEOUT', status: null });

  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const started = Date.now();
  assertError(await rejectionOf(manager.getStorage(target.uuid, { signal: controller.signal })), { code: 'ABORTED' });
  assert.ok(Date.now() - started < 1000, `the abort took ${Date.now() - started} ms`);
  await control.clearFaults();
});

test('calls remove their abort listeners', async () => {
  const target = await disk('listener count');
  const controller = new AbortController();
  for (let i = 0; i < 10; i += 1) {
    await manager.getStorage(target.uuid, { signal: controller.signal });
  }
  await manager.waitForStorageState(target.uuid, 'online', { ...FAST, signal: controller.signal });
  await manager.getStorage(MISSING_UUID, { signal: controller.signal }).catch(() => {});
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('no unhandled rejections so far', async () => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(unhandled, []);
});

// Promises without borrowed state.

test('many calls at once on one manager', async () => {
  const target = await disk('concurrent reads');
  const calls = [];
  for (let i = 0; i < 20; i += 1) {
    calls.push(manager.getStorage(target.uuid));
    calls.push(manager.getStorages('private'));
    calls.push(target.reload());
  }
  calls.push(manager.getStorage(MISSING_UUID).catch((error) => error));
  const results = await Promise.all(calls);
  assert.equal(results.length, 61);
  assert.equal(results[0].uuid, target.uuid);
  assertError(results.at(-1), { code: 'STORAGE_NOT_FOUND', status: 404 });
});

// Shape surprises at the boundary.

test('labels survive JSON.stringify', async () => {
  const labelled = await disk('labelled', { labels: [{ key: 'team', value: 'storage' }] });
  assert.ok(labelled instanceof Storage);
  assert.deepEqual(JSON.parse(JSON.stringify(labelled)).labels, [{ key: 'team', value: 'storage' }]);
});

test('50 GiB writtenBytes stays exact', async () => {
  const body = JSON.stringify({
    storage_import: {
      uuid: '07aaaaaa-0000-4000-8000-000000000001', source: 'http_import', source_location: 'https://example.com/a.raw',
      state: 'completed', created: '2024-01-01T00:00:00Z', completed: '2024-01-01T00:10:00Z',
      read_bytes: 53687091200, written_bytes: 53687091200, md5sum: '', sha256sum: '', client_content_type: '',
      client_content_length: 0, error_code: '', error_message: '',
    },
  });
  const canned = new CloudManager({ token: TOKEN }, {
    baseUrl: 'http://127.0.0.1:9/1.3',
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
  const details = await canned.getStorageImportDetails('01aaaaaa-0000-4000-8000-000000000001');
  assert.equal(details.writtenBytes, 53_687_091_200);
  assert.equal(details.md5sum, null);
  assert.equal(details.errorCode, null);
});

test('non-data option values rejected', async () => {
  for (const value of [() => 1, Symbol('s'), 10n]) {
    await control.clearRequests();
    const error = assertError(
      await rejectionOf(manager.createStorage({ zone: ZONE, size: 10, title: 't', labels: [{ key: 'k', value }] })),
      { code: 'VALIDATION_ERROR', status: null },
    );
    assert.match(error.message, /plain data/);
    assert.equal((await requestsTo('POST', '/1.3/storage')).length, 0);
  }
});

test('lone surrogate sent as U+FFFD', async () => {
  const created = await disk('broken \uD800 pair');
  assert.equal(created.title, 'broken \uFFFD pair');
});

/** Returns one storage as the list endpoint sends it, with `fields` changed. */
function wireStorage(index, fields = {}) {
  const uuid = `01aaaaaa-0000-4000-8000-${String(index).padStart(12, '0')}`;
  return { uuid, title: `disk ${index}`, size: 10, state: 'online', type: 'normal', access: 'private', ...fields };
}

/** Returns a manager whose custom fetch resolves to `response` for every call. */
function cannedManager(response, options = {}) {
  return new CloudManager({ token: TOKEN }, { baseUrl: 'http://127.0.0.1:9/1.3', fetch: async () => response, ...options });
}

test('wrong response field named by path', async () => {
  const body = JSON.stringify({ storages: { storage: [wireStorage(1), wireStorage(2, { size: 'ten' })] } });
  const canned = cannedManager(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
  const error = assertError(await rejectionOf(canned.getStorages()), { code: 'DECODE_ERROR', status: 200 });
  assert.match(error.message, /`storages\.storage\[1\]\.size`/);
  assert.doesNotMatch(error.message, /ten/);
});

test('custom fetch bodies of every byte kind', async () => {
  const body = JSON.stringify({ storages: { storage: [wireStorage(1)] } });
  const headers = new Headers({ 'content-type': 'application/json' });
  const encoded = new TextEncoder().encode(body);
  const responses = {
    'Node Buffer': { status: 200, headers, arrayBuffer: async () => Buffer.from(body) },
    'text() only': { status: 200, headers, text: async () => body },
    'byte order mark': { status: 200, headers, arrayBuffer: async () => new Uint8Array([0xef, 0xbb, 0xbf, ...encoded]).buffer },
  };
  for (const [name, response] of Object.entries(responses)) {
    const listed = await cannedManager(response).getStorages();
    assert.equal(listed.length, 1, name);
    assert.equal(listed[0].title, 'disk 1', name);
  }

  const wrong = { status: 200, headers, arrayBuffer: async () => 42 };
  const error = assertError(await rejectionOf(cannedManager(wrong, { retries: 0 }).getStorages()), { code: 'NETWORK_ERROR' });
  assert.match(error.message, /not to bytes/);
});

test('list results are Storage objects', async () => {
  const listed = await manager.getStorages('private');
  assert.ok(Array.isArray(listed));
  assert.ok(listed.length > 0);
  for (const item of listed) {
    assert.ok(item instanceof Storage);
    assert.equal(typeof item.size, 'number');
    assert.ok(item.origin === null || typeof item.origin === 'string');
  }
});

test('size as a string is rejected naming size', async () => {
  const error = assertError(await rejectionOf(manager.createStorage({ zone: ZONE, size: '10', title: 't' })), {
    code: 'VALIDATION_ERROR', status: null,
  });
  assert.equal(error.field, 'size');
});

// A custom fetch is free to ignore the signal it is handed; the call's
// timeout and the caller's abort must end the call anyway.

test('never-settling fetch still times out', async () => {
  const hanging = new CloudManager({ token: TOKEN }, {
    baseUrl: 'http://127.0.0.1:9/1.3', fetch: () => new Promise(() => {}), timeoutMs: 300, retries: 0,
  });
  let started = Date.now();
  assertError(await rejectionOf(hanging.getStorage(MISSING_UUID)), { code: 'TIMEOUT', status: null });
  assert.ok(Date.now() - started < 2000, `the timeout took ${Date.now() - started} ms`);

  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  started = Date.now();
  assertError(await rejectionOf(hanging.getStorage(MISSING_UUID, { signal: controller.signal })), { code: 'ABORTED' });
  assert.ok(Date.now() - started < 2000, `the abort took ${Date.now() - started} ms`);
});

test('fetch ignoring its signal times out', async () => {
  const late = new CloudManager({ token: TOKEN }, {
    baseUrl: mock.apiBase,
    timeoutMs: 300,
    retries: 0,
    fetch: async (url, init) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return fetch(url, { method: init.method, headers: init.headers, body: init.body });
    },
  });
  const started = Date.now();
  assertError(await rejectionOf(late.listStorages()), { code: 'TIMEOUT', status: null });
  assert.ok(Date.now() - started < 1200, `the timeout took ${Date.now() - started} ms`);
});

test('misspelt wait state is rejected', async () => {
  await control.clearRequests();
  const misspelt = assertError(await rejectionOf(manager.waitForStorageState(MISSING_UUID, 'onlien', FAST)), {
    code: 'VALIDATION_ERROR', status: null,
  });
  assert.equal(misspelt.field, 'state');
  assert.match(misspelt.message, /online, maintenance, cloning, backuping, syncing, error/);
  const upper = assertError(await rejectionOf(manager.waitForStorageState(MISSING_UUID, 'ONLINE', FAST)), {
    code: 'VALIDATION_ERROR',
  });
  assert.equal(upper.field, 'state');
  assert.equal((await control.requests()).length, 0);
});

// Secrets that a runtime, a custom fetch or a server quotes back.

test('baseUrl may be a URL object', async () => {
  const fromUrl = new CloudManager({ token: TOKEN }, { baseUrl: new URL(mock.apiBase) });
  assert.ok(Array.isArray(await fromUrl.getStorages()));
});

test('baseUrl query or fragment rejected', () => {
  const cases = [`${mock.apiBase}?debug=1`, `${mock.apiBase}#top`, new URL(`${mock.apiBase}?a=b`), { href: 42 }, 42];
  for (const baseUrl of cases) {
    let thrown;
    try {
      new CloudManager({ token: TOKEN }, { baseUrl });
    } catch (error) {
      thrown = error;
    }
    assertError(thrown, { code: 'VALIDATION_ERROR', status: null });
    assert.equal(thrown.field, 'baseUrl');
  }
});

test('malformed credentials are rejected by name', () => {
  const cases = [
    [{ token: 'tok\nSECRET' }, 'token'],
    [{ token: 'tok\0SECRET' }, 'token'],
    [{ token: 'tok SECRET' }, 'token'],
    [{ username: 'us:er', password: 'SECRETpw' }, 'username'],
    [{ username: 'us\ner', password: 'SECRETpw' }, 'username'],
    [{ username: 'user', password: 'pw\r\nSECRET' }, 'password'],
  ];
  for (const [credentials, field] of cases) {
    let thrown;
    try {
      new CloudManager(credentials, { baseUrl: mock.apiBase });
    } catch (error) {
      thrown = error;
    }
    assertError(thrown, { code: 'VALIDATION_ERROR', status: null });
    assert.equal(thrown.field, field);
    assert.ok(!`${thrown.message}\n${thrown.stack}`.includes('SECRET'), `the value leaked: ${thrown.message}`);
  }
});

test('quoted credentials are redacted', async () => {
  const secrets = ['s3cr3t-pw', Buffer.from('user:s3cr3t-pw').toString('base64')];
  const echoes = {
    'a fetch that throws': async (url, init) => {
      throw new Error(`failed with ${init.headers.Authorization}; password s3cr3t-pw`);
    },
    'a server message': async (url, init) => new Response(JSON.stringify({
      error: { error_code: 'AUTHENTICATION_FAILED', error_message: `bad ${init.headers.Authorization}` },
    }), { status: 401, headers: { 'content-type': 'application/json' } }),
  };
  for (const [name, fetch] of Object.entries(echoes)) {
    const lines = [];
    const echoing = new CloudManager({ username: 'user', password: 's3cr3t-pw' }, {
      baseUrl: 'http://127.0.0.1:9/1.3',
      fetch,
      retries: 0,
      logger: (level, message) => lines.push(message),
    });
    const error = assertError(await rejectionOf(echoing.getStorages('private')), {});
    const text = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${lines.join('\n')}`;
    assert.match(error.message, /\[redacted\]/, name);
    for (const secret of [...secrets, 'Basic ']) {
      assert.ok(!text.includes(secret), `${name} leaked ${secret}`);
    }
  }

  const bearer = new CloudManager({ token: TOKEN }, {
    baseUrl: 'http://127.0.0.1:9/1.3',
    fetch: async () => {
      throw new Error(`rejected token ${TOKEN}`);
    },
    retries: 0,
  });
  const error = assertError(await rejectionOf(bearer.getStorages('private')), { code: 'NETWORK_ERROR' });
  assert.ok(!error.message.includes(TOKEN), error.message);
});

test('short password keeps messages readable', async () => {
  const short = new CloudManager({ username: 'a', password: 'b' }, {
    baseUrl: 'http://127.0.0.1:9/1.3',
    fetch: async () => {
      throw new Error('unreachable host, password b');
    },
    retries: 0,
  });
  const error = assertError(await rejectionOf(short.getStorages('private')), { code: 'NETWORK_ERROR' });
  assert.match(error.message, /unreachable host, password \[redacted\]/);
});

// A signal in the wrong place must not be dropped silently.

test('bare signal as options is rejected', async () => {
  await control.clearRequests();
  const signal = AbortSignal.abort();
  const calls = {
    createStorage: () => manager.createStorage({ zone: ZONE, size: 10, title: 'bare signal' }, signal),
    getStorage: () => manager.getStorage(MISSING_UUID, signal),
    listStorages: () => manager.listStorages(signal),
    waitForStorageState: () => manager.waitForStorageState(MISSING_UUID, 'online', signal),
    deleteStorage: () => manager.deleteStorage(MISSING_UUID, signal),
  };
  for (const [name, call] of Object.entries(calls)) {
    const error = assertError(await rejectionOf(call()), { code: 'VALIDATION_ERROR', status: null });
    assert.ok(error.field, `${name} names the argument`);
  }
  const error = assertError(await rejectionOf(calls.createStorage()), {});
  assert.match(error.message, /\{ signal \}/);
  assert.equal((await control.requests()).length, 0);
});

test('listStorages reads a trailing signal', async () => {
  await control.clearRequests();
  const error = assertError(await rejectionOf(manager.listStorages({}, { signal: AbortSignal.abort() })), {
    code: 'ABORTED',
  });
  assert.equal(error.status, null);
  assert.equal((await control.requests()).length, 0);
});

// JSON.stringify of an error keeps its message and data fields.

test('error JSON keeps message', async () => {
  const error = assertError(await rejectionOf(manager.getStorage('not-a-uuid')), { code: 'VALIDATION_ERROR' });
  const json = JSON.parse(JSON.stringify(error));
  assert.equal(json.name, 'UpCloudError');
  assert.equal(json.code, 'VALIDATION_ERROR');
  assert.equal(json.message, error.message);
  assert.equal(json.field, error.field);
  assert.equal(json.status, null);
  assert.equal(json.mayHaveReachedServer, false);
});

// A POST that fetch already took may have been carried out although the call failed.

const SLOW_MS = 1500;

async function slowPost() {
  await control.faults({ method: 'POST', path_prefix: '/1.3/storage', count: 1, latency_ms: SLOW_MS });
}

function settleSlowRequest() {
  return new Promise((resolve) => setTimeout(resolve, SLOW_MS + 200));
}

test('POST timeout may have reached server', async () => {
  const impatient = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, timeoutMs: 300, retries: 0 });
  await slowPost();
  const error = assertError(
    await rejectionOf(impatient.createStorage({ zone: ZONE, size: 10, title: 'slow create timeout' })),
    { code: 'TIMEOUT', status: null },
  );
  assert.equal(error.mayHaveReachedServer, true);
  assert.match(error.message, /may exist/);
  await settleSlowRequest();
});

test('POST abort may have reached server', async () => {
  await slowPost();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const error = assertError(
    await rejectionOf(manager.createStorage({ zone: ZONE, size: 10, title: 'slow create abort' }, { signal: controller.signal })),
    { code: 'ABORTED', status: null },
  );
  assert.equal(error.mayHaveReachedServer, true);
  assert.match(error.message, /may exist/);
  await settleSlowRequest();
});

test('POST aborted before send is unsent', async () => {
  const error = assertError(
    await rejectionOf(manager.createStorage({ zone: ZONE, size: 10, title: 'never sent' }, { signal: AbortSignal.abort() })),
    { code: 'ABORTED' },
  );
  assert.equal(error.mayHaveReachedServer, false);
  assert.doesNotMatch(error.message, /may exist/);
});

test('GET abort is not flagged', async () => {
  await control.faults({ method: 'GET', path_prefix: '/1.3/storage', count: 1, latency_ms: SLOW_MS });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const error = assertError(await rejectionOf(manager.listStorages({ signal: controller.signal })), { code: 'ABORTED' });
  assert.equal(error.mayHaveReachedServer, false);
  assert.doesNotMatch(error.message, /may exist/);
  await settleSlowRequest();
});
