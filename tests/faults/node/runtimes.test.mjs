// One listing script, unchanged, in every runtime the package supports; and
// the shipped JavaScript never touches `window`, which workers and servers
// do not have.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { launchChromium, openSuitePage } from '../lib/browser.mjs';
import { startSuiteWorker } from '../lib/workerd.mjs';
import {
  appDir, CloudManager, createTestStorage, packageDir, repoRoot, startFaultMock, TOKEN, tokenManager,
} from '../lib/harness.mjs';
import { listStorages } from '../shared/list-storages.mjs';

const run = promisify(execFile);
const TITLES = ['runtime check one', 'runtime check two'];

let mock;

before(async () => {
  mock = await startFaultMock({
    extra: ['--www', join(repoRoot, 'tests/faults'), '--pkg', packageDir],
  });
  const manager = tokenManager(mock);
  for (const title of TITLES) {
    await createTestStorage(manager, title);
  }
});

after(async () => {
  await mock?.stop();
});

function assertListed(result) {
  assert.equal(result.error, undefined, JSON.stringify(result.error));
  assert.deepEqual(result.titles, TITLES);
}

test('lists storages in Node', async () => {
  assertListed(await listStorages(CloudManager, { apiBase: mock.apiBase, token: TOKEN }));
});

test('lists storages in Deno', async () => {
  const deno = join(repoRoot, 'node_modules/.bin/deno');
  const script = join(repoRoot, 'tests/faults/shared/deno-list.mjs');
  const entry = pathToFileURL(join(appDir, 'entry.mjs')).href;

  // Deno finds the scratch app's package.json, and so the installed package,
  // from its working directory.
  const { stdout } = await run(deno, [
    'run', '--quiet', '--no-prompt', '--allow-net=127.0.0.1', `--allow-read=${repoRoot},${appDir}`,
    script, entry, mock.apiBase, TOKEN,
  ], { cwd: appDir, timeout: 60000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });

  assertListed(JSON.parse(stdout.trim().split('\n').at(-1)));
});

test('lists storages in a Chromium worker', async () => {
  const browser = await launchChromium();
  try {
    const { page, consoleLines } = await openSuitePage(browser.context, mock.url);

    const result = await page.evaluate((args) => window.faultSuite.listInWorker(args), {
      apiBase: mock.apiBase, token: TOKEN,
    });

    assert.equal(result.hasWindow, false, 'the worker has a window global');
    assert.equal(result.error, undefined, `${JSON.stringify(result.error)}\n${consoleLines.join('\n')}`);
    assertListed(result);
    assert.deepEqual(result.unhandled, []);
  } finally {
    await browser.close();
  }
});

test('lists storages in workerd', async () => {
  const workerd = await startSuiteWorker('runtimes');
  try {
    const query = new URLSearchParams({ apiBase: mock.apiBase, token: TOKEN });
    const response = await fetch(`${workerd.url}/?${query}`);
    const body = await response.text();
    assert.equal(response.status, 200, `${body}\n${workerd.logs.join('\n')}`);

    const result = JSON.parse(body);

    assert.equal(result.hasWindow, false);
    assertListed(result);
  } finally {
    await workerd.stop();
  }
});

test('requests use only init fields Workers accept', async () => {
  // workerd rejects fetch options such as `mode`, `credentials` and `cache`
  // that browser-oriented wasm clients often set.
  const inits = [];
  const recordingFetch = (input, init) => {
    inits.push(init);
    return fetch(input, init);
  };
  const manager = new CloudManager({ token: TOKEN }, { baseUrl: mock.apiBase, fetch: recordingFetch });

  const storage = await createTestStorage(manager, 'created through a recording fetch');
  await manager.getStorages('private');
  await manager.modifyStorage(storage.uuid, { title: 'renamed through a recording fetch' });
  await manager.deleteStorage(storage.uuid);

  assert.ok(inits.length >= 4);
  for (const init of inits) {
    const unexpected = Object.keys(init).filter((key) => !['method', 'headers', 'body', 'signal'].includes(key));
    assert.deepEqual(unexpected, [], `fetch init carried ${unexpected.join(', ')}`);
  }
});

async function shippedScripts(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...await shippedScripts(path));
    } else if (/\.(m|c)?js$/.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

test('shipped glue never references window', async () => {
  const scripts = await shippedScripts(packageDir);
  assert.ok(scripts.length > 0, `no scripts found in ${packageDir}`);

  for (const script of scripts) {
    const lines = (await readFile(script, 'utf8')).split('\n');
    const hits = lines
      .map((line, index) => ({ line: line.trim(), number: index + 1 }))
      .filter(({ line }) => /\bwindow\b/.test(line));
    assert.deepEqual(hits, [], `${script.slice(packageDir.length + 1)} mentions window`);
  }
});
