// Credentials: the right Authorization header for each kind, UTF-8 Basic
// auth, none on the uploader, and no secret in any error or log line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CloudManager, createTestStorage, journal, rawImageBytes, rejectionOf, rejectsWith, startFaultMock,
} from '../lib/harness.mjs';

const USERNAME = 'user';
const PASSWORD = 'pässwörd€';
const TOKEN = 'ucat_01faultsuitesecrettoken4f7a';
const WRONG_TOKEN = 'ucat_01wrongsecrettokenb9c2e81';
const BASIC = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`, 'utf8').toString('base64')}`;

let mock;

before(async () => {
  mock = await startFaultMock({ extra: ['--user', `${USERNAME}:${PASSWORD}`, '--token', TOKEN] });
});

after(async () => {
  await mock?.stop();
});

function manager(credentials, options = {}) {
  return new CloudManager(credentials, { baseUrl: mock.apiBase, ...options });
}

async function authorizationOfLastList() {
  const lists = await journal(mock, { method: 'GET', pathPrefix: '/1.3/storage' });
  assert.ok(lists.length > 0, 'no request reached the mock');
  return lists.at(-1).headers.authorization;
}

test('token sends Bearer authorization', async () => {
  await manager({ token: TOKEN }).getStorages('private');

  assert.equal(await authorizationOfLastList(), `Bearer ${TOKEN}`);
});

test('password sends Basic over UTF-8 bytes', async () => {
  await manager({ username: USERNAME, password: PASSWORD }).getStorages('private');

  assert.equal(await authorizationOfLastList(), BASIC);
});

test('token wins over password', async () => {
  await manager({ username: USERNAME, password: PASSWORD, token: TOKEN }).getStorages('private');

  assert.equal(await authorizationOfLastList(), `Bearer ${TOKEN}`);
});

test('wrong credentials reject with AUTHENTICATION_FAILED', async () => {
  await rejectsWith(manager({ username: USERNAME, password: 'passwörd€' }).getStorages(), {
    code: 'AUTHENTICATION_FAILED', status: 401,
  });
  await rejectsWith(manager({ token: WRONG_TOKEN }).getStorages(), {
    code: 'AUTHENTICATION_FAILED', status: 401,
  });
});

test('uploader PUT carries no Authorization', async () => {
  const owner = manager({ username: USERNAME, password: PASSWORD });
  const storage = await createTestStorage(owner, 'upload without authorization');

  await owner.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(16 * 1024)]), { pollIntervalMs: 50 });

  const puts = await journal(mock, { method: 'PUT', pathPrefix: '/uploader/' });
  assert.ok(puts.length > 0, 'the upload did not reach the mock');
  for (const put of puts) {
    assert.equal(put.headers.authorization, undefined);
  }
});

/** Renders an error every way a program might print or log it. */
function renderings(error) {
  const texts = [String(error), error?.message, error?.stack, inspect(error, { depth: 6, showHidden: true })];
  try {
    texts.push(JSON.stringify(error));
  } catch (cause) {
    texts.push(`JSON.stringify threw ${cause}`);
  }
  let cause = error?.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
    texts.push(String(cause), cause?.stack, inspect(cause, { depth: 4 }));
    cause = cause?.cause;
  }
  return texts.filter((text) => typeof text === 'string');
}

async function uploadTo(owner, title) {
  const target = await createTestStorage(owner, title);
  return owner.importStorageFromFile(target.uuid, new Blob([rawImageBytes(16 * 1024)]), { pollIntervalMs: 50 });
}

test('secrets stay out of errors and logs', async () => {
  const lines = [];
  const record = (level) => (...args) => lines.push(`${level} ${args.map((arg) => inspect(arg, { depth: 6 })).join(' ')}`);
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const basicManager = manager({ username: USERNAME, password: PASSWORD }, { logger, retries: 1 });
  const tokenManagerWithLog = manager({ token: TOKEN }, { logger, retries: 0, timeoutMs: 300 });
  const storage = await createTestStorage(basicManager, 'storage for secret checks');
  const storagePath = `/1.3/storage/${storage.uuid}`;
  const errors = [];

  errors.push(await rejectionOf(manager({ username: USERNAME, password: `${PASSWORD}x` }, { logger }).getStorages()));
  errors.push(await rejectionOf(manager({ token: WRONG_TOKEN }, { logger }).getStorages()));
  errors.push(await rejectionOf(basicManager.getStorage('01000000-dead-4000-8000-00000000beef')));
  await mock.faults({ method: 'GET', path_prefix: storagePath, count: 2, status: 503, error_code: 'SERVICE_UNAVAILABLE', error_message: 'Down.' });
  errors.push(await rejectionOf(basicManager.getStorage(storage.uuid)));
  await mock.faults({ method: 'GET', path_prefix: storagePath, count: 1, action: 'drop' });
  errors.push(await rejectionOf(tokenManagerWithLog.getStorage(storage.uuid)));
  await mock.faults({ method: 'GET', path_prefix: storagePath, count: 1, latency_ms: 1500 });
  errors.push(await rejectionOf(tokenManagerWithLog.getStorage(storage.uuid)));
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', count: 1, status: 500, body: 'uploader broke', content_type: 'text/plain' });
  errors.push(await rejectionOf(uploadTo(basicManager, 'upload answered 500')));
  await mock.faults({ method: 'PUT', path_prefix: '/uploader/', count: 1, action: 'drop' });
  errors.push(await rejectionOf(uploadTo(tokenManagerWithLog, 'upload dropped')));
  await mock.clearFaults();
  await uploadTo(tokenManagerWithLog, 'upload that succeeds');

  const uploadPaths = (await journal(mock, { method: 'PUT', pathPrefix: '/uploader/' })).map((put) => put.path);
  assert.ok(uploadPaths.length >= 2, 'the uploads did not reach the mock');
  const secrets = [
    PASSWORD, `${PASSWORD}x`, BASIC.slice('Basic '.length), TOKEN, WRONG_TOKEN,
    ...uploadPaths.flatMap((path) => [`${mock.url}${path}`, path]),
  ];
  assert.ok(lines.length > 0, 'the logger received no lines');
  const texts = [...errors.flatMap(renderings), ...lines];
  for (const secret of secrets) {
    const leak = texts.find((text) => text.includes(secret));
    assert.equal(leak, undefined, `a secret appeared in: ${leak}`);
  }
});

test('unreachable uploader error hides the upload URL', async () => {
  const owner = manager({ token: TOKEN });
  const storage = await createTestStorage(owner, 'upload to a closed port');
  const created = await owner.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  // Port 9 on loopback has no listener, so the connection is refused.
  const secretPath = `/uploader/session/${created.uuid}`;
  const unreachable = { ...created, directUploadUrl: `http://127.0.0.1:9${secretPath}` };

  const error = await rejectsWith(
    owner.uploadFileForStorageImport(unreachable, new Blob([rawImageBytes(16 * 1024)])),
    { code: 'NETWORK_ERROR' },
  );

  for (const text of renderings(error)) {
    assert.ok(!text.includes(secretPath), `the upload URL appeared in: ${text}`);
  }
});

test('package prints nothing without a logger', async () => {
  const printed = [];
  const originals = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    originals[level] = console[level];
    console[level] = (...args) => printed.push(`${level}: ${args.map((arg) => inspect(arg)).join(' ')}`);
  }
  try {
    const quiet = manager({ username: USERNAME, password: PASSWORD }, { retries: 1 });
    const storage = await createTestStorage(quiet, 'quiet manager');
    await quiet.getStorages('private');
    await rejectionOf(quiet.getStorage('01000000-dead-4000-8000-00000000beef'));
    await mock.faults({ method: 'GET', path_prefix: `/1.3/storage/${storage.uuid}`, count: 2, status: 503 });
    await rejectionOf(quiet.getStorage(storage.uuid));
    await quiet.importStorageFromFile(storage.uuid, new Blob([rawImageBytes(16 * 1024)]), { pollIntervalMs: 50 });
  } finally {
    Object.assign(console, originals);
  }

  assert.deepEqual(printed, []);
});
