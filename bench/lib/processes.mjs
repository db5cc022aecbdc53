// Runs a Node script of the benchmarks as a child process and times it.

import { spawn } from 'node:child_process';

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
