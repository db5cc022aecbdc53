// Runs a Worker under workerd on a loopback port. The Worker's modules are
// copied into a scratch folder with the installed package under
// node_modules/upcloud-storage, plus a module named `upcloud-storage` that
// re-exports the package's `workerd` export, as a bundler would resolve it.
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { createInterface } from 'node:readline';

import { appDir, killOnExit, packageDir, repoRoot } from './harness.mjs';

const WORKERD = join(repoRoot, 'node_modules/.bin/workerd');
const PACKAGE_PREFIX = 'node_modules/upcloud-storage';

async function filesUnder(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...await filesUnder(path));
    } else {
      found.push(path);
    }
  }
  return found;
}

function moduleLine(name) {
  if (name.endsWith('.wasm')) {
    return `(name = "${name}", wasm = embed "${name}")`;
  }
  if (/\.(m|c)?js$/.test(name) || name === 'upcloud-storage') {
    return `(name = "${name}", esModule = embed "${name}")`;
  }
  return null;
}

async function workerdEntry() {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
  const root = manifest.exports?.['.'] ?? {};
  const target = root.workerd ?? root.worker;
  if (typeof target !== 'string') {
    throw new Error('the installed package has no workerd export');
  }
  return target.replace(/^\.\//, '');
}

/**
 * Starts workerd serving a Worker whose main module is `mainModule`, with
 * `extraModules` (absolute paths) beside it. Returns `{ url, logs, stop }`.
 */
export async function startWorkerd(name, mainModule, extraModules = []) {
  const dir = join(appDir, '..', 'workerd', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  const moduleNames = [];
  for (const file of [mainModule, ...extraModules]) {
    await cp(file, join(dir, basename(file)));
    moduleNames.push(basename(file));
  }
  await cp(packageDir, join(dir, PACKAGE_PREFIX), { recursive: true });
  for (const file of await filesUnder(join(dir, PACKAGE_PREFIX))) {
    moduleNames.push(relative(dir, file));
  }
  await writeFile(join(dir, 'upcloud-storage'), `export * from './${PACKAGE_PREFIX}/${await workerdEntry()}';\n`);
  moduleNames.push('upcloud-storage');

  const modules = moduleNames.map(moduleLine).filter(Boolean);
  await writeFile(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Only loopback destinations: the Worker talks to the local mock alone.
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "2025-06-01",
);
`);

  const child = spawn(WORKERD, ['serve', '--control-fd', '3', 'config.capnp'], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  killOnExit(child);
  const logs = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => logs.push(line));
  }
  const exited = new Promise((done) => child.once('exit', done));

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not start:\n${logs.join('\n')}`)), 20000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with ${code}:\n${logs.join('\n')}`));
    });
    createInterface({ input: child.stdio[3] }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'listen' && message.socket === 'http') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      // killOnExit unreferenced the child; without a reference again, a
      // test awaiting only this exit lets the event loop drain, and
      // node:test fails it as "still pending" when workerd exits slowly.
      child.ref();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** Starts the suite's Worker (tests/faults/workerd/worker.mjs) and its modules. */
export function startSuiteWorker(name) {
  const file = (path) => join(repoRoot, 'tests/faults', path);
  return startWorkerd(name, file('workerd/worker.mjs'), [
    file('workerd/wasm-guard.mjs'),
    file('shared/list-storages.mjs'),
    file('shared/image-bytes.mjs'),
  ]);
}
