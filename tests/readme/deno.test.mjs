// The README's Deno example, run by Deno in the scratch project with network
// access to the mock's port only and read access to its two variables.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { apiGet, appDir, outDir, repoRoot, startReadmeMock, TOKEN, writeExample } from './lib/setup.mjs';

const DENO = join(repoRoot, 'node_modules/.bin/deno');
const RUN_TIMEOUT_MS = 60_000;

let mock;
let script;

before(async () => {
  mock = await startReadmeMock();
  script = writeExample('deno', join(appDir, 'readme-deno.mjs'));
});

after(async () => {
  await mock?.stop();
});

function runDeno(args, env) {
  const child = spawn(DENO, args, {
    cwd: appDir,
    env: { ...process.env, DENO_DIR: join(outDir, 'deno-cache'), NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Deno ran longer than ${RUN_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('deno example lists the templates', async () => {
  const port = new URL(mock.url).port;
  const { code, stdout, stderr } = await runDeno(
    ['run', '--quiet', '--no-prompt', `--allow-net=127.0.0.1:${port}`, '--allow-env=UPCLOUD_API,UPCLOUD_TOKEN', script],
    { UPCLOUD_API: mock.apiBase, UPCLOUD_TOKEN: TOKEN },
  );
  assert.equal(code, 0, `the example failed:\n${stdout}\n${stderr}`);

  const { storages } = await apiGet(mock, '/storage/template');
  const templates = storages.storage;
  assert.ok(templates.length > 0, 'the mock has no templates to list');
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, templates.length, `expected one line per template:\n${stdout}`);
  for (const template of templates) {
    assert.ok(
      lines.includes(`${template.uuid} ${template.size} GiB ${template.title}`),
      `no line for ${template.title}:\n${stdout}`,
    );
  }
});

test('deno example needs its network permission', async () => {
  const { code, stderr } = await runDeno(
    ['run', '--quiet', '--no-prompt', '--allow-env=UPCLOUD_API,UPCLOUD_TOKEN', script],
    { UPCLOUD_API: mock.apiBase, UPCLOUD_TOKEN: TOKEN },
  );
  assert.notEqual(code, 0, 'the example ran without network permission');
  assert.match(stderr, /UpCloudError: The request failed: Requires net access to "127\.0\.0\.1:\d+"/);
});
