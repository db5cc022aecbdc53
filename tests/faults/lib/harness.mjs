// Shared setup for the fault regression suite: the installed package, a mock
// per test file, and assertions on UpCloudError and on the mock's request
// journal. The package is imported through entry.mjs in the scratch app that
// run.sh installs the packed package into and names in FAULTS_APP_DIR, so
// the tests resolve `upcloud-storage` through its `exports` as users do.
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

import { startMock } from '../../support/mock.mjs';
import { imageBytes } from '../shared/image-bytes.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
if (process.env.FAULTS_APP_DIR === undefined) {
  throw new Error('FAULTS_APP_DIR is not set: run the suite through tests/faults/run.sh [test files]');
}
export const appDir = process.env.FAULTS_APP_DIR;
export const packageDir = join(appDir, 'node_modules/upcloud-storage');

// Safety net, installed before the package loads: no test may reach a host
// other than loopback, even through a manager that ignored its base URL.
const nativeFetch = globalThis.fetch;
globalThis.fetch = function loopbackFetch(input, init) {
  const url = new URL(String(input?.url ?? input));
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    return Promise.reject(new TypeError(`blocked a request to ${url.origin}: the fault suite reaches loopback only`));
  }
  return nativeFetch.call(this, input, init);
};

export const pkg = await import(pathToFileURL(join(appDir, 'entry.mjs')).href);
export const { CloudManager, UpCloudError } = pkg;

export const USER = 'a';
export const PASSWORD = 'b';
export const TOKEN = 't';
export const ZONE = 'fi-hel1';
/** A well-formed storage UUID that the empty mock never holds. */
export const MISSING_UUID = '01000000-dead-4000-8000-00000000beef';

// Child processes this test file started. When a test hangs past its
// timeout, `after` hooks may never run, so they are killed here instead.
const children = new Set();

/**
 * Registers a child process to be killed when this test process exits. The
 * child and its pipes no longer keep the process alive, so a file whose test
 * timed out can still exit and run this cleanup.
 */
export function killOnExit(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.unref?.();
  }
}

process.once('exit', () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => process.exit(1));
}

/**
 * Starts a mock with no seeded storages and a short operation time. `extra`
 * is appended to the default arguments.
 */
export async function startFaultMock({ extra = [], tls = false } = {}) {
  const args = [
    '--listen', '127.0.0.1:0',
    '--empty',
    '--user', `${USER}:${PASSWORD}`,
    '--token', TOKEN,
    '--op-seconds', '0.3',
    ...extra,
  ];
  const mock = await startMock({ args, tls });
  killOnExit(mock.process);
  return mock;
}

/** Creates a manager that signs in with the mock's token. */
export function tokenManager(mock, options = {}) {
  return new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, ...options });
}

/**
 * Returns a `fetch` for managers whose base URL a test cannot trust. It
 * passes loopback requests on and rejects any other host without touching
 * the network, recording each rejected origin in `blocked`.
 */
export function loopbackOnlyFetch() {
  const blocked = [];
  const guarded = (input, init) => {
    const url = new URL(String(input?.url ?? input));
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      blocked.push(url.origin);
      return Promise.reject(new TypeError(`blocked a request to ${url.origin}: tests reach loopback only`));
    }
    return fetch(input, init);
  };
  return { fetch: guarded, blocked };
}

/** Creates a small private storage and returns it. */
export async function createTestStorage(manager, title, extra = {}) {
  return manager.createStorage({ zone: ZONE, size: 10, tier: 'maxiops', title, ...extra });
}

/** Returns the mock's request journal, oldest first, optionally filtered. */
export async function journal(mock, { method, path, pathPrefix } = {}) {
  const answer = await mock.requests();
  const entries = Array.isArray(answer) ? answer : answer.requests;
  return entries.filter((entry) =>
    (method === undefined || entry.method === method)
    && (path === undefined || entry.path === path)
    && (pathPrefix === undefined || entry.path.startsWith(pathPrefix)));
}

/** Returns the JSON body the mock received, parsing it if it was kept as text. */
export function bodyOf(entry) {
  return typeof entry.body === 'string' ? JSON.parse(entry.body) : entry.body;
}

/** Returns the mock's upload sessions as a list. */
export async function uploadSessions(mock) {
  const answer = await mock.uploads();
  return Array.isArray(answer) ? answer : answer.uploads;
}

/** Reads `length` bytes of a storage's data from the mock as a Buffer. */
export async function storageBytes(mock, uuid, length) {
  const data = await mock.storageData(uuid, 0, length);
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
}

/**
 * Awaits `promise` and returns what it rejected with. Resolving is a test
 * failure, because every caller expects a rejection.
 */
export async function rejectionOf(promise) {
  let value;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  assert.fail(`expected a rejection, but it resolved with ${inspect(value, { depth: 2 })}`);
}

/** Asserts that `error` is an UpCloudError with the given code and status. */
export function assertUpCloudError(error, { code, status } = {}) {
  assert.ok(error instanceof UpCloudError, `expected an UpCloudError, got ${inspect(error)}`);
  assert.ok(error instanceof Error, 'UpCloudError must extend Error');
  assert.equal(error.name, 'UpCloudError');
  if (code !== undefined) {
    assert.equal(error.code, code, `unexpected code; message: ${error.message}`);
  }
  if (status !== undefined) {
    assert.equal(error.status, status, `unexpected status; message: ${error.message}`);
  }
  return error;
}

/** Awaits a rejection and checks its code and status. */
export async function rejectsWith(promise, expected) {
  return assertUpCloudError(await rejectionOf(promise), expected);
}

/**
 * Asserts a VALIDATION_ERROR that names `field`, either in `error.field` or,
 * for errors listing several fields, in the message.
 */
export function assertNamesField(error, field) {
  assertUpCloudError(error, { code: 'VALIDATION_ERROR' });
  const named = error.field === field
    || (typeof error.field === 'string' && error.field.split('.').includes(field))
    || error.message.includes(field);
  assert.ok(named, `expected the error to name "${field}"; field=${error.field}, message=${error.message}`);
}

/** Polls `probe` every `intervalMs` until it returns a truthy value or time runs out. */
export async function eventually(probe, { timeoutMs = 3000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/** Returns the suite's raw test image of `length` bytes as a Buffer. */
export function rawImageBytes(length) {
  const bytes = imageBytes(length);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
