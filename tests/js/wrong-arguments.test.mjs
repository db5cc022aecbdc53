// Calls every method of CloudManager (and the constructor) with a generated
// table of wrong argument values. Every call must return a Promise that
// settles: a rejection must be an UpCloudError, never a TypeError or a wasm
// trap, and the manager must still work afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startMock } from '../support/mock.mjs';
import { importPackage } from './lib/package.mjs';

const { CloudManager, UpCloudError } = await importPackage();

const MISSING_UUID = '01000000-dead-4000-8000-00000000beef';
const SETTLE_TIMEOUT_MS = 10_000;

const throwingProxy = new Proxy({}, {
  get() { throw new Error('property read'); },
  ownKeys() { throw new Error('keys read'); },
  getOwnPropertyDescriptor() { throw new Error('descriptor read'); },
});

/** Values of the wrong type or shape for any argument. */
const WRONG_VALUES = {
  undefined: undefined,
  null: null,
  zero: 0,
  negative: -1,
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  empty: '',
  word: 'x',
  true: true,
  array: [1, 'two', { three: 3 }],
  object: { unknownOption: 1 },
  function: () => 1,
  symbol: Symbol('wrong'),
  bigint: 10n,
  date: new Date(0),
  bareObject: Object.create(null),
  throwingProxy,
  hugeString: 'x'.repeat(100_000),
};

let mock;
let manager;

before(async () => {
  mock = await startMock();
  manager = new CloudManager({ token: 't' }, { baseUrl: mock.apiBase, retries: 0, timeoutMs: 5000 });
});

after(async () => {
  await mock?.stop();
});

function methodNames() {
  return Object.getOwnPropertyNames(CloudManager.prototype)
    .filter((name) => name !== 'constructor' && name !== 'free' && !name.startsWith('__')
      && typeof CloudManager.prototype[name] === 'function');
}

async function settle(call) {
  let result;
  try {
    result = call();
  } catch (error) {
    return { thrown: error };
  }
  if (!(result instanceof Promise)) {
    return { notPromise: result };
  }
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), SETTLE_TIMEOUT_MS);
  });
  const settled = result.then((value) => ({ value }), (error) => ({ error }));
  const outcome = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return outcome;
}

test('every method is in the table', () => {
  const names = methodNames();
  assert.ok(names.includes('getStorages'), names.join(', '));
  assert.ok(names.includes('waitForStorageImport'), names.join(', '));
  assert.ok(names.length >= 25, `only ${names.length} methods found: ${names.join(', ')}`);
});

test('wrong arguments reject with UpCloudError', async () => {
  const failures = [];
  for (const name of methodNames()) {
    for (const [label, wrong] of Object.entries(WRONG_VALUES)) {
      const argumentLists = [
        [wrong, wrong, wrong, wrong],
        [MISSING_UUID, wrong, wrong, wrong],
        [MISSING_UUID, MISSING_UUID, wrong, wrong],
        [MISSING_UUID, undefined, wrong],
      ];
      for (const args of argumentLists) {
        const outcome = await settle(() => manager[name](...args));
        const where = `${name}(${args.map((arg) => (arg === wrong ? label : JSON.stringify(arg))).join(', ')})`;
        if ('thrown' in outcome) {
          failures.push(`${where} threw synchronously: ${outcome.thrown}`);
        } else if ('notPromise' in outcome) {
          failures.push(`${where} returned ${typeof outcome.notPromise} instead of a Promise`);
        } else if ('timedOut' in outcome) {
          failures.push(`${where} did not settle within ${SETTLE_TIMEOUT_MS} ms`);
        } else if ('error' in outcome && !(outcome.error instanceof UpCloudError)) {
          failures.push(`${where} rejected with ${outcome.error?.stack ?? outcome.error}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('constructor throws UpCloudError for wrong arguments', () => {
  const failures = [];
  for (const [label, wrong] of Object.entries(WRONG_VALUES)) {
    for (const args of [[wrong, wrong], [{ token: 't' }, wrong], [{ token: wrong }], [{ username: 'u', password: wrong }]]) {
      try {
        new CloudManager(...args);
      } catch (error) {
        if (!(error instanceof UpCloudError) || error.code !== 'VALIDATION_ERROR') {
          failures.push(`new CloudManager with ${label}: ${error?.stack ?? error}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('manager works after the table', async () => {
  const storages = await manager.getStorages('all');
  assert.ok(Array.isArray(storages));
  const error = await manager.getStorage(MISSING_UUID).catch((rejection) => rejection);
  assert.ok(error instanceof UpCloudError);
  assert.equal(error.code, 'STORAGE_NOT_FOUND');
});
