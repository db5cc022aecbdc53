// The scenario in Node, one node:test case per step, against the package
// installed from its tarball.
import { after, before, test } from 'node:test';

import { startMock } from '../support/mock.mjs';
import { mockControl } from './lib/control.mjs';
import { importPackage } from './lib/package.mjs';
import { imageBytes, startSourceServer } from './lib/source-server.mjs';
import { steps } from './scenario.mjs';

const SOURCE_LENGTH = 3 * 1024 * 1024 + 123;

const pkg = await importPackage();
const ctx = { CloudManager: pkg.CloudManager, UpCloudError: pkg.UpCloudError, Storage: pkg.Storage };
const state = {};
let mock;
let source;

before(async () => {
  mock = await startMock();
  source = await startSourceServer(imageBytes(SOURCE_LENGTH));
  Object.assign(ctx, {
    apiBase: mock.apiBase,
    control: mockControl(mock.url),
    sourceUrl: source.url,
    sourceLength: SOURCE_LENGTH,
  });
});

after(async () => {
  await source?.close();
  await mock?.stop();
});

for (const step of steps) {
  test(`node: ${step.name}`, () => step.run(ctx, state));
}
