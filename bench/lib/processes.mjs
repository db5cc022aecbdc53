// Child processes for the benchmarks: a Node script run to completion and
// timed, and a free loopback port for servers that need one named upfront.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const CHILD_TIMEOUT_MS = 120_000;

/**
 * Runs `node script` with `env` added, waits for it to exit and resolves to
 * `{ wallMs, output }`: the time from spawn to exit and the JSON object the
 * script printed last on stdout.
 */
export function runNodeScript(script, { env = {}, args = [], nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });

    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) {
        reject(new Error(`${script} exited with ${signal ?? `code ${code}`}: ${stderr.trim()}`));
        return;
      }
      const lastLine = stdout.trim().split('\n').pop();
      try {
        resolve({ wallMs, output: JSON.parse(lastLine) });
      } catch {
        reject(new Error(`${script} printed no JSON result; stdout ended with "${lastLine}"`));
      }
    });
  });
}

/** Resolves to a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
