// Runs a Worker under workerd on a loopback port. The Worker's modules are
// copied into a scratch folder with the installed package under
// node_modules/upcloud-storage, plus a module named `upcloud-storage` that
// re-exports the package's `workerd` export, as a bundler would resolve it.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { modulesUnder, serveWorkerd } from '../../support/workerd.mjs';
import { appDir, killOnExit, packageDir, repoRoot } from './harness.mjs';

const PACKAGE_PREFIX = 'node_modules/upcloud-storage';

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
  moduleNames.push(...await modulesUnder(dir, PACKAGE_PREFIX));
  await writeFile(join(dir, 'upcloud-storage'), `export * from './${PACKAGE_PREFIX}/${await workerdEntry()}';\n`);
  moduleNames.push('upcloud-storage');

  const workerd = await serveWorkerd(dir, moduleNames, { startTimeoutMs: 20_000 });
  killOnExit(workerd.child);
  return workerd;
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
