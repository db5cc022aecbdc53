// Runs the JavaScript examples of pkg/README.md, in order, as one module in
// the scratch project against upcloud-mock. The examples use the default
// base URL, so a fetch wrapper sends requests for https://api.upcloud.com/
// to the mock and rejects every other host. Nothing leaves the machine. The
// one name the examples leave to the reader, `imageUrl`, is defined first.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { startMock } from '../support/mock.mjs';
import { appDir } from './lib/package.mjs';
import { imageBytes, startSourceServer } from './lib/source-server.mjs';

const README = new URL('../../pkg/README.md', import.meta.url);
const API_ORIGIN = 'https://api.upcloud.com/';

let mock;
let source;
const realFetch = globalThis.fetch;

function javascriptBlocks(markdown) {
  return [...markdown.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
}

before(async () => {
  mock = await startMock({
    args: ['--listen', '127.0.0.1:0', '--empty', '--user', 'username:password', '--op-seconds', '0.3'],
  });
  source = await startSourceServer(imageBytes(64 * 1024));
  globalThis.fetch = (input, init) => {
    const url = String(input);
    if (url.startsWith(API_ORIGIN)) {
      return realFetch(`${mock.url}/${url.slice(API_ORIGIN.length)}`, init);
    }
    if (url.startsWith(`${mock.url}/`)) {
      return realFetch(url, init);
    }
    return Promise.reject(new TypeError(`the README test does not fetch ${new URL(url).host}`));
  };
});

after(async () => {
  globalThis.fetch = realFetch;
  await source?.close();
  await mock?.stop();
});

test('README examples run against the mock', async () => {
  const blocks = javascriptBlocks(readFileSync(README, 'utf8'));
  assert.ok(blocks.length >= 5, `found only ${blocks.length} js blocks in the README`);

  const program = [`const imageUrl = ${JSON.stringify(source.url)};`, ...blocks].join('\n');
  const file = join(appDir, 'readme-examples.mjs');
  writeFileSync(file, program);
  await import(pathToFileURL(file).href);

  const requests = await (await realFetch(`${mock.url}/__mock/requests`)).json();
  assert.ok(requests.requests.length > 10, 'the examples reached the mock');
});
