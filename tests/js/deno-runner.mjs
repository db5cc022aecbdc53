// The scenario in Deno against the package installed from its tarball,
// printing one line per step and exiting non-zero when any step failed.
import { startMock } from '../support/mock.mjs';
import { mockControl } from './lib/control.mjs';
import { importPackage } from './lib/package.mjs';
import { imageBytes, startSourceServer } from './lib/source-server.mjs';
import { runScenario } from './scenario.mjs';

const SOURCE_LENGTH = 3 * 1024 * 1024 + 123;

const pkg = await importPackage();
const mock = await startMock();
const source = await startSourceServer(imageBytes(SOURCE_LENGTH));
let results;
try {
  results = await runScenario({
    CloudManager: pkg.CloudManager,
    UpCloudError: pkg.UpCloudError,
    Storage: pkg.Storage,
    apiBase: mock.apiBase,
    control: mockControl(mock.url),
    sourceUrl: source.url,
    sourceLength: SOURCE_LENGTH,
  });
} finally {
  await source.close();
  await mock.stop();
}

for (const result of results) {
  console.log(`${result.ok ? 'ok' : 'not ok'} - deno: ${result.name} (${result.ms} ms)`);
  if (!result.ok) {
    console.log(`  ${result.error.replaceAll('\n', '\n  ')}`);
  }
}
const failed = results.filter((result) => !result.ok).length;
console.log(`# deno: ${results.length - failed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
