// Runs a Worker under workerd on a loopback port and times its start-up
// from spawning `workerd serve` to two points: the socket listening, and
// the first successful response. workerd compiles and evaluates the
// Worker's modules before it listens, so the first point includes
// instantiating the package's wasm.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';

const START_TIMEOUT_MS = 30_000;
// A date this workerd release supports; the Workers run no date-gated code.
const COMPATIBILITY_DATE = '2025-09-01';

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * Returns the workerd module entries for the package's Workers entry and
 * its `dist/` folder, named `upcloud-storage/<path>` so that the entry's
 * relative imports resolve as they do in the installed package.
 */
export function packageModules(packageDir) {
  const files = [path.join(packageDir, 'workerd.js'), ...listFiles(path.join(packageDir, 'dist'))];
  return files
    .filter((file) => file.endsWith('.js') || file.endsWith('.wasm'))
    .map((file) => ({
      name: `upcloud-storage/${path.relative(packageDir, file)}`,
      file,
      kind: file.endsWith('.wasm') ? 'wasm' : 'esModule',
    }));
}

function capnpString(value) {
  // JSON string escapes are valid Cap'n Proto text escapes for these values.
  return JSON.stringify(String(value));
}

/** Writes a workerd config for one Worker and returns its path. */
export function writeWorkerConfig({ dir, modules, bindings }) {
  mkdirSync(dir, { recursive: true });
  const moduleLines = modules.map((module) =>
    `    (name = ${capnpString(module.name)}, ${module.kind} = embed ${capnpString(path.relative(dir, module.file))}),`);
  const bindingLines = Object.entries(bindings).map(([name, value]) =>
    `    (name = ${capnpString(name)}, text = ${capnpString(value)}),`);

  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .benchWorker),
    # Outbound requests may reach loopback addresses only: the mock.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const benchWorker :Workerd.Worker = (
  modules = [
${moduleLines.join('\n')}
  ],
  bindings = [
${bindingLines.join('\n')}
  ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  globalOutbound = "loopback",
);
`;
  const configPath = path.join(dir, 'config.capnp');
  writeFileSync(configPath, config);
  return configPath;
}

/**
 * Starts `workerd serve configPath`, sends one GET once it listens, stops
 * it, and resolves to `{ listeningMs, firstResponseMs, body }` counted
 * from the spawn.
 */
export async function timeWorkerStart({ workerdBinary, configPath }) {
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;

  // workerd reports the port it bound through the control file descriptor.
  const child = spawn(workerdBinary, ['serve', configPath, '--control-fd=3'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited with code ${code} before listening: ${stderr}`));
      });
      createInterface({ input: child.stdio[3] }).on('line', (line) => {
        const event = JSON.parse(line);
        if (event.event === 'listen' && event.socket === 'http') {
          clearTimeout(timer);
          resolve(event.port);
        }
      });
    });
    const listeningMs = elapsedMs();

    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(START_TIMEOUT_MS) });
    const body = await response.text();
    if (!response.ok) throw new Error(`the Worker's first request failed with HTTP ${response.status}: ${body.slice(0, 300)} ${stderr}`);
    const firstResponseMs = elapsedMs();

    return { listeningMs, firstResponseMs, body: JSON.parse(body) };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}
