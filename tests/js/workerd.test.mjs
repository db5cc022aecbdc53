// The scenario in a Worker under workerd. This file writes a workerd config
// whose modules are the Worker, the scenario and every file of the installed
// package (the .wasm as a compiled Wasm module, because Workers refuse to
// compile wasm from bytes), and starts `workerd serve` on a loopback port.
// A request to the Worker then runs the scenario, one node:test case per step.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { startMock } from '../support/mock.mjs';
import { appDir, packageDir } from './lib/package.mjs';
import { imageBytes, startSourceServer } from './lib/source-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const workerdBin = join(repoRoot, 'node_modules', '.bin', 'workerd');
const SOURCE_LENGTH = 3 * 1024 * 1024 + 123;
const START_TIMEOUT_MS = 15_000;
const SCENARIO_TIMEOUT_MS = 180_000;

function filesUnder(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Returns the file the package's `workerd` export condition names. */
function workerdEntry() {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const entry = manifest.exports?.['.']?.workerd;
  assert.equal(typeof entry, 'string', 'the package has a workerd export condition');
  return entry;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Returns `file`'s path relative to the config as a capnp string, as `embed` expects. */
function embedPath(file) {
  return JSON.stringify(relative(appDir, file));
}

function capnpString(text) {
  return JSON.stringify(text);
}

/**
 * Writes the config next to the scratch project. Package modules are named
 * by their path inside the package, and the entry module by the package's
 * name, so relative imports inside the package and the Worker's bare
 * `import 'upcloud-storage'` both resolve.
 */
function writeConfig(port) {
  const entry = workerdEntry();
  const modules = [
    `(name = "worker.mjs", esModule = embed ${embedPath(join(here, 'worker.mjs'))})`,
    `(name = "scenario.mjs", esModule = embed ${embedPath(join(here, 'scenario.mjs'))})`,
    `(name = "lib/control.mjs", esModule = embed ${embedPath(join(here, 'lib', 'control.mjs'))})`,
    `(name = "lib/wasm-guard.mjs", esModule = embed ${embedPath(join(here, 'lib', 'wasm-guard.mjs'))})`,
    `(name = "upcloud-storage", esModule = embed ${embedPath(join(packageDir, entry))})`,
  ];
  for (const file of filesUnder(packageDir)) {
    const name = relative(packageDir, file);
    if (name.endsWith('.js')) {
      modules.push(`(name = ${capnpString(name)}, esModule = embed ${embedPath(file)})`);
    } else if (name.endsWith('.wasm')) {
      modules.push(`(name = ${capnpString(name)}, wasm = embed ${embedPath(file)})`);
    }
  }

  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .scenarioWorker),
    # The mock and the import source listen on 127.0.0.1, which the default
    # outbound network (public addresses only) would refuse.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const scenarioWorker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "2025-01-01",
  globalOutbound = "loopback",
);
`;
  const path = join(appDir, 'workerd.capnp');
  writeFileSync(path, config);
  return path;
}

function startWorkerd(configPath, port) {
  const child = spawn(workerdBin, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });

  return new Promise((resolve, reject) => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const poll = async () => {
      if (child.exitCode !== null) {
        reject(new Error(`workerd exited with ${child.exitCode}:\n${output}`));
        return;
      }
      try {
        await fetch(`http://127.0.0.1:${port}/health`, { method: 'HEAD' });
        resolve({ child, output: () => output });
      } catch {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          reject(new Error(`workerd did not listen within ${START_TIMEOUT_MS} ms:\n${output}`));
        } else {
          setTimeout(poll, 100);
        }
      }
    };
    poll();
  });
}

let mock;
let source;
let workerd;
let results = [];

before(async () => {
  mock = await startMock();
  source = await startSourceServer(imageBytes(SOURCE_LENGTH));
  const port = await freePort();
  workerd = await startWorkerd(writeConfig(port), port);

  const query = new URLSearchParams({
    apiBase: mock.apiBase,
    mockUrl: mock.url,
    sourceUrl: source.url,
    sourceLength: String(SOURCE_LENGTH),
  });
  const response = await fetch(`http://127.0.0.1:${port}/run?${query}`, {
    signal: AbortSignal.timeout(SCENARIO_TIMEOUT_MS),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `the Worker failed: ${text}\n${workerd.output()}`);
  results = JSON.parse(text);
}, { timeout: SCENARIO_TIMEOUT_MS + START_TIMEOUT_MS });

after(async () => {
  workerd?.child.kill('SIGTERM');
  await source?.close();
  await mock?.stop();
});

test('workerd: the scenario ran every step', () => {
  assert.ok(results.length > 0, 'the Worker returned no results');
});

test('workerd: every scenario step passed', async (t) => {
  for (const result of results) {
    await t.test(`workerd: ${result.name}`, () => {
      assert.ok(result.ok, result.error);
    });
  }
});
