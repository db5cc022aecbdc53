// The README's bundler example. TypeScript checks it in strict mode against
// the installed package's types with bundler module resolution, then emits
// JavaScript into the scratch project. No bundler runs here: the emitted
// module is imported by this Node process, where `upcloud-storage` resolves
// to the package's `node` entry, and its functions are called on the mock.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';

import { appDir, isLoopback, PASSWORD, repoRoot, startReadmeMock, USERNAME, writeExample } from './lib/setup.mjs';

const TSC = join(repoRoot, 'node_modules/.bin/tsc');
const EMIT_DIR = 'readme-bundler-out';

let mock;
let compiled;
let CloudManager;
let manager;

before(async () => {
  mock = await startReadmeMock();

  writeExample('bundler', join(appDir, 'readme-bundler.ts'));
  writeFileSync(join(appDir, 'tsconfig.readme.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'],
      strict: true,
      skipLibCheck: false,
      types: [],
      outDir: EMIT_DIR,
    },
    files: ['readme-bundler.ts'],
  }, null, 2));
});

after(async () => {
  await mock?.stop();
});

test('bundler example type-checks', async () => {
  try {
    await promisify(execFile)(TSC, ['-p', 'tsconfig.readme.json'], { cwd: appDir });
  } catch (error) {
    assert.fail(`tsc rejected the example:\n${error.stdout}${error.stderr}`);
  }
  compiled = await import(pathToFileURL(join(appDir, EMIT_DIR, 'readme-bundler.js')).href);
  ({ CloudManager } = await import(pathToFileURL(join(appDir, 'entry.mjs')).href));
  const loopbackFetch = (input, init) => (isLoopback(input)
    ? fetch(input, init)
    : Promise.reject(new TypeError(`the README test blocked ${new URL(input).origin}`)));
  manager = new CloudManager(
    { username: USERNAME, password: PASSWORD },
    { baseUrl: mock.apiBase, fetch: loopbackFetch },
  );
});

test('bundler example finds a labelled disk', async () => {
  assert.ok(compiled, 'the example did not compile');
  const disk = await manager.createStorage({
    zone: 'fi-hel1', size: 10, tier: 'maxiops', title: 'panel data', labels: [{ key: 'app', value: 'panel' }],
  });
  await manager.createStorage({ zone: 'fi-hel1', size: 10, tier: 'maxiops', title: 'panel data' });

  const found = await compiled.findPanelDisk(manager, 'panel data');
  assert.equal(found?.uuid, disk.uuid);
  assert.equal(await compiled.findPanelDisk(manager, 'no such disk'), null);
});

test('bundler example grows a busy disk', async () => {
  assert.ok(compiled, 'the example did not compile');
  const disk = await manager.createStorage({ zone: 'fi-hel1', size: 10, tier: 'maxiops', title: 'grow me' });
  await mock.setState(disk.uuid, { state: 'maintenance', seconds: 1 });

  const grown = await compiled.growDisk(manager, disk.uuid, 20);
  assert.equal(grown?.size, 20);
  assert.equal((await manager.getStorage(disk.uuid)).size, 20);

  const puts = (await mock.requests()).filter((entry) => entry.method === 'PUT' && entry.path.endsWith(disk.uuid));
  assert.deepEqual(puts.map((entry) => entry.status), [409, 202], 'the first change should meet the busy disk');
});

test('bundler example returns null for a deleted disk', async () => {
  assert.ok(compiled, 'the example did not compile');
  const disk = await manager.createStorage({ zone: 'fi-hel1', size: 10, tier: 'maxiops', title: 'short-lived' });
  await manager.deleteStorage(disk.uuid);

  assert.equal(await compiled.growDisk(manager, disk.uuid, 20), null);
});
