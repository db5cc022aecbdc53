// Every exported method, called with wrong argument types from a generated
// table: each call returns a promise that rejects with a typed UpCloudError
// (VALIDATION_ERROR where the value can never be valid), nothing throws
// synchronously or panics, and the manager keeps working afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CloudManager, createTestStorage, MISSING_UUID, rawImageBytes, startFaultMock, tokenManager, UpCloudError, ZONE,
} from '../lib/harness.mjs';

const MISSING_SERVER = '00000000-dead-4000-8000-00000000beef';
const HUGE = 'x'.repeat(1 << 20);

/**
 * The bad values. `mayPass` lists the argument kinds for which the value
 * is acceptable input, so the call may go on to the API (and then fail on
 * the missing storage) or even resolve.
 */
const BAD_VALUES = [
  { label: 'undefined', value: undefined, mayPass: ['options', 'filter', 'state'] },
  { label: 'null', value: null, mayPass: ['options', 'filter', 'state'] },
  { label: '42', value: 42, mayPass: [] },
  { label: "'x'", value: 'x', mayPass: ['title', 'state', 'address'] },
  { label: '{}', value: {}, mayPass: ['options', 'changes'] },
  { label: '[]', value: [], mayPass: [] },
  { label: 'NaN', value: Number.NaN, mayPass: [] },
  { label: 'a Symbol', value: Symbol('bad'), mayPass: [] },
  { label: 'a 1 MiB string', value: HUGE, mayPass: ['state'] },
  { label: "'../x'", value: '../x', mayPass: ['title', 'state'] },
  { label: 'a misspelt key', value: { titel: 'x', sgnal: null }, mayPass: [] },
];

let mock;
let manager;
let realImport;
let orphan;

/**
 * Argument kinds and valid values, per method. A valid value fills each
 * position before the one under test, so that position's check is reached.
 */
function managerSignatures() {
  const uuid = { kind: 'uuid', valid: MISSING_UUID };
  const server = { kind: 'uuid', valid: MISSING_SERVER };
  const options = { kind: 'options', valid: {} };
  const title = { kind: 'title', valid: 'valid title' };
  const input = (valid) => ({ kind: 'input', valid });
  const source = { kind: 'source', valid: new Blob([rawImageBytes(1024)]) };
  return {
    getStorages: [{ kind: 'filter', valid: 'private' }, options, options],
    listStorages: [options],
    getStorage: [uuid, options],
    createStorage: [input({ zone: ZONE, size: 10, title: 'table' }), options],
    modifyStorage: [uuid, { kind: 'changes', valid: { title: 'table' } }, options],
    deleteStorage: [uuid, options, options],
    cloneStorage: [uuid, input({ title: 'table', zone: ZONE }), options],
    cancelCloneStorage: [uuid, options],
    createStorageBackup: [uuid, title, options],
    restoreStorageBackup: [uuid, options],
    templatizeStorage: [uuid, title, options],
    addStorageToFavorites: [uuid, options],
    removeStorageFromFavorites: [uuid, options],
    resizeStorageFilesystem: [uuid, options],
    attachStorage: [server, input({ storage: MISSING_UUID }), options],
    detachStorage: [server, { kind: 'address', valid: 'scsi:0:0' }, options],
    loadCdrom: [server, uuid, options],
    ejectCdrom: [server, options],
    createStorageImport: [input({ storage: MISSING_UUID, source: 'direct_upload' }), options],
    getStorageImportDetails: [uuid, options],
    cancelStorageImport: [uuid, options],
    waitForStorageState: [uuid, { kind: 'state', valid: 'online' }, options],
    waitForStorageImport: [uuid, options],
    uploadFileForStorageImport: [{ kind: 'import', valid: realImport }, source, options],
    importStorageFromFile: [uuid, source, options],
  };
}

function storageSignatures() {
  const options = { kind: 'options', valid: {} };
  const title = { kind: 'title', valid: 'valid title' };
  return {
    update: [{ kind: 'changes', valid: { title: 'table' } }, options],
    destroy: [options, options],
    clone: [{ kind: 'input', valid: { title: 'table', zone: ZONE } }, options],
    cancelCloning: [options],
    createBackup: [title, options],
    restoreBackup: [options],
    templatize: [title, options],
    reload: [options],
    waitFor: [{ kind: 'state', valid: 'online' }, options],
  };
}

before(async () => {
  mock = await startFaultMock();
  manager = tokenManager(mock);
  const target = await createTestStorage(manager, 'upload target for the table');
  realImport = await manager.createStorageImport({ storage: target.uuid, source: 'direct_upload' });
  // A Storage object whose storage no longer exists: a call that passes
  // validation then fails with STORAGE_NOT_FOUND instead of changing data.
  orphan = await createTestStorage(manager, 'deleted before the table runs');
  await manager.deleteStorage(orphan.uuid);
});

after(async () => {
  await mock?.stop();
});

function methodNames(prototype) {
  return Object.getOwnPropertyNames(prototype).filter((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
    return name !== 'constructor' && name !== 'free' && !name.startsWith('__')
      && typeof descriptor.value === 'function';
  });
}

/** Calls `target[name](...args)` and classifies what happened. */
async function outcomeOf(target, name, args) {
  let returned;
  try {
    returned = target[name](...args);
  } catch (error) {
    return { kind: 'threw', error };
  }
  if (typeof returned?.then !== 'function') {
    return { kind: 'not a promise', value: returned };
  }
  try {
    return { kind: 'resolved', value: await returned };
  } catch (error) {
    return { kind: 'rejected', error };
  }
}

async function runTable(target, signatures, owner) {
  const problems = [];
  for (const name of methodNames(Object.getPrototypeOf(target))) {
    const signature = signatures[name];
    if (signature === undefined) {
      problems.push(`${owner}.${name}: no row in the argument table; add one`);
      continue;
    }
    for (let position = 0; position < signature.length; position += 1) {
      const prefix = signature.slice(0, position).map((argument) => argument.valid);
      const { kind } = signature[position];
      for (const bad of BAD_VALUES) {
        const call = `${owner}.${name}(${[...prefix.map(() => '…'), bad.label].join(', ')})`;
        const outcome = await outcomeOf(target, name, [...prefix, bad.value]);
        const problem = judge(outcome, bad.mayPass.includes(kind));
        if (problem) {
          problems.push(`${call}: ${problem}`);
        }
      }
    }
  }
  return problems;
}

function judge(outcome, mayPass) {
  if (outcome.kind === 'threw') {
    return `threw synchronously: ${inspect(outcome.error)}`;
  }
  if (outcome.kind === 'not a promise') {
    return `returned ${inspect(outcome.value)} instead of a promise`;
  }
  if (outcome.kind === 'resolved') {
    return mayPass ? null : 'resolved instead of rejecting';
  }
  const { error } = outcome;
  if (!(error instanceof UpCloudError)) {
    return `rejected with a non-UpCloudError: ${inspect(error)}`;
  }
  if (typeof error.stack !== 'string' || error.stack.length === 0) {
    return 'the UpCloudError has no stack';
  }
  if (!mayPass && error.code !== 'VALIDATION_ERROR') {
    return `rejected with ${error.code} instead of VALIDATION_ERROR: ${error.message}`;
  }
  return null;
}

test('every documented method is exported', () => {
  const exported = new Set(methodNames(Object.getPrototypeOf(manager)));

  const missing = Object.keys(managerSignatures()).filter((name) => !exported.has(name));

  assert.deepEqual(missing, []);
});

test('manager methods reject wrong argument types', async () => {
  const problems = await runTable(manager, managerSignatures(), 'manager');

  assert.deepEqual(problems, []);
});

test('Storage methods reject wrong argument types', async () => {
  const problems = await runTable(orphan, storageSignatures(), 'storage');

  assert.deepEqual(problems, []);
});

function abortedSignal() {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
}

/**
 * Constructs a manager from bad input. The constructor may throw the
 * VALIDATION_ERROR, or else the first call may reject with it. That call
 * carries an aborted signal, so a manager that wrongly accepted the input
 * still sends nothing.
 */
async function constructorOutcome(credentials, options) {
  let client;
  try {
    client = new CloudManager(credentials, options);
  } catch (error) {
    return { kind: 'rejected', error };
  }
  return outcomeOf(client, 'getStorages', ['private', undefined, { signal: abortedSignal() }]);
}

test('constructor rejects wrong argument types', async () => {
  const problems = [];
  const options = { baseUrl: mock.apiBase };

  for (const bad of BAD_VALUES) {
    const problem = judge(await constructorOutcome(bad.value, options), false);
    if (problem) {
      problems.push(`new CloudManager(${bad.label}, …): ${problem}`);
    }
  }
  for (const bad of BAD_VALUES.filter((value) => !value.mayPass.includes('options'))) {
    const problem = judge(await constructorOutcome({ token: 't' }, bad.value), false);
    if (problem) {
      problems.push(`new CloudManager(…, ${bad.label}): ${problem}`);
    }
  }

  assert.deepEqual(problems, []);
});

test('manager still works after the table', async () => {
  const storages = await manager.getStorages('private');
  assert.ok(Array.isArray(storages));
  const fresh = await createTestStorage(manager, 'after the table');
  assert.equal((await manager.getStorage(fresh.uuid)).title, 'after the table');
});
