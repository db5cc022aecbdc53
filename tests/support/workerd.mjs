// Serves a Worker with workerd on a loopback port, for the suites that run
// the package inside workerd. The caller copies the Worker's files into a
// folder and names its modules. The first module is the main one.
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKERD = join(repoRoot, 'node_modules/.bin/workerd');

/** Lists every file below `dir`, as absolute paths. */
export async function filesUnder(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    found.push(...(entry.isDirectory() ? await filesUnder(path) : [path]));
  }
  return found;
}

/**
 * Returns the config line that embeds the file `name` as a module, or
 * `null` for a file that is not one (a README, a `.d.ts`). A top-level file
 * without an extension is an ES module, for a bare specifier such as
 * `upcloud-storage`.
 */
export function moduleLine(name) {
  if (name.endsWith('.wasm')) {
    return `(name = "${name}", wasm = embed "${name}")`;
  }
  if (/\.(m|c)?js$/.test(name) || !/[./]/.test(name)) {
    return `(name = "${name}", esModule = embed "${name}")`;
  }
  return null;
}

/** Returns the module names of the files below `subdir` of `dir`, relative to `dir`. */
export async function modulesUnder(dir, subdir) {
  return (await filesUnder(join(dir, subdir))).map((file) => relative(dir, file));
}

/**
 * Starts workerd on the Worker in `dir` made of the modules `names`
 * (relative to `dir`, main module first). It may fetch loopback addresses
 * only. Resolves to `{ url, logs, child, stop }` once workerd listens.
 */
export async function serveWorkerd(dir, names, { startTimeoutMs = 30_000 } = {}) {
  const modules = names.map(moduleLine).filter(Boolean);
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
  const logs = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => logs.push(line));
  }
  const exited = new Promise((done) => child.once('exit', done));

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`workerd did not start within ${startTimeoutMs} ms:\n${logs.join('\n')}`));
    }, startTimeoutMs);
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
    child,
    async stop() {
      // A caller may have unreferenced the child. Without a reference, a
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
