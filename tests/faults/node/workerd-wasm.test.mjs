// Workers refuse to compile wasm from bytes at run time, so the package must
// initialise from the .wasm that workerd compiled as a module, and never
// fetch the .wasm or hand bytes to the WebAssembly API.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  createTestStorage, journal, startFaultMock, TOKEN, tokenManager,
} from '../lib/harness.mjs';
import { startSuiteWorker } from '../lib/workerd.mjs';

let mock;
let workerd;

before(async () => {
  mock = await startFaultMock();
  await createTestStorage(tokenManager(mock), 'listed from workerd');
  workerd = await startSuiteWorker('wasm-module');
});

after(async () => {
  await workerd?.stop();
  await mock?.stop();
});

test('workerd loads wasm as a module', async () => {
  await mock.clearRequests();
  const query = new URLSearchParams({ apiBase: mock.apiBase, token: TOKEN });

  const response = await fetch(`${workerd.url}/?${query}`);
  const body = await response.text();

  assert.equal(response.status, 200, `${body}\n${workerd.logs.join('\n')}`);
  const result = JSON.parse(body);
  assert.equal(result.error, undefined, JSON.stringify(result.error));
  assert.deepEqual(result.titles, ['listed from workerd']);
  assert.deepEqual(result.wasmEvents, [], 'the package compiled or fetched wasm itself');
  const wasmFetches = (await journal(mock)).filter((entry) => entry.path.endsWith('.wasm'));
  assert.deepEqual(wasmFetches, []);
});
