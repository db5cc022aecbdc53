// The README's Cloudflare Workers example under workerd. The fault suite's
// workerd helper lays out the installed package as a bundler would resolve
// its `workerd` condition and allows outbound requests to loopback only. A
// small main module gives the example the `env` bindings Wrangler would.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { startWorkerd } from '../faults/lib/workerd.mjs';
import { apiGet, outDir, startReadmeMock, TOKEN, writeExample } from './lib/setup.mjs';

const REQUEST_TIMEOUT_MS = 30_000;

let mock;
let workerd;

before(async () => {
  mock = await startReadmeMock();
  const example = writeExample('worker', join(outDir, 'readme-worker.mjs'));
  const main = join(outDir, 'readme-worker-main.mjs');
  const env = { UPCLOUD_API: mock.apiBase, UPCLOUD_TOKEN: TOKEN };
  writeFileSync(main, `import worker from './readme-worker.mjs';

const env = ${JSON.stringify(env)};

export default {
  fetch: (request, _bindings, context) => worker.fetch(request, env, context),
};
`);
  workerd = await startWorkerd('readme', main, [example]);
});

after(async () => {
  await workerd?.stop();
  await mock?.stop();
});

test('worker example returns the normal disks', async () => {
  const response = await fetch(`${workerd.url}/`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  assert.equal(response.status, 200, `the Worker failed: ${text}\n${workerd.logs.join('\n')}`);
  const disks = JSON.parse(text);

  const { storages } = await apiGet(mock, '/storage/normal');
  const expected = storages.storage
    .map(({ uuid, title, state, size }) => ({ uuid, title, state, size }))
    .sort((a, b) => a.uuid.localeCompare(b.uuid));
  assert.ok(expected.length > 0, 'the mock has no normal disks to list');
  assert.deepEqual([...disks].sort((a, b) => a.uuid.localeCompare(b.uuid)), expected);
});
