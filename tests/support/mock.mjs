// Starts `upcloud-mock` for a test suite and drives its `/__mock/` controls.
// Plain ES module using only `node:` built-ins and `fetch`, so it runs in Node >= 20 and Deno 2.
//
//   import { startMock } from '../support/mock.mjs';
//   const mock = await startMock();
//   try { ...fetch(`${mock.apiBase}/storage`, ...) } finally { await mock.stop(); }

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_ARGS = ['--listen', '127.0.0.1:0', '--empty', '--user', 'a:b', '--token', 't', '--op-seconds', '0.3'];
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const KEPT_STDERR_CHARS = 8_000;

/** Path of the mock binary: `UPCLOUD_MOCK_BIN`, else the release build in this repository. */
export function mockBinary() {
  const fromEnv = globalThis.process?.env?.UPCLOUD_MOCK_BIN;
  return fromEnv || path.join(REPO_ROOT, 'target', 'release', 'upcloud-mock');
}

/**
 * Starts the mock and resolves once it listens.
 *
 * `args` replaces the default arguments (`--listen 127.0.0.1:0 --empty --user a:b --token t
 * --op-seconds 0.3`); `tls: true` adds `--tls-listen 127.0.0.1:0`. Rejects when the binary is
 * missing, exits early, or prints no `listening on` line within 15 seconds.
 */
export async function startMock({ args = DEFAULT_ARGS, tls = false } = {}) {
  const fullArgs = tls ? [...args, '--tls-listen', '127.0.0.1:0'] : [...args];
  const child = spawn(mockBinary(), fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-KEPT_STDERR_CHARS);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  let urls;
  try {
    urls = await readListeningLines(child, exited, tls, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const { url, tlsUrl, spki } = urls;
  return {
    url,
    tlsUrl,
    /** Base64 SHA-256 of the TLS key (for Chromium's --ignore-certificate-errors-spki-list). */
    tlsSpki: spki,
    apiBase: `${url}/1.3`,
    process: child,
    faults: (spec) => control(url, 'POST', '/faults', spec).then((response) => response.json()),
    clearFaults: () => control(url, 'DELETE', '/faults'),
    requests: () => control(url, 'GET', '/requests').then(async (response) => (await response.json()).requests),
    clearRequests: () => control(url, 'DELETE', '/requests'),
    storageData: async (uuid, offset = 0, length = 4096) => {
      const query = `?offset=${offset}&length=${length}`;
      const response = await control(url, 'GET', `/storages/${uuid}/data${query}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    uploads: () => control(url, 'GET', '/uploads').then(async (response) => (await response.json()).uploads),
    setState: (uuid, spec) => control(url, 'POST', `/storages/${uuid}/state`, spec),
    nextImport: (spec) => control(url, 'POST', '/imports/next', spec),
    replay: () => control(url, 'GET', '/replay').then((response) => response.json()),
    reset: () => control(url, 'POST', '/reset'),
    stop: () => stop(child, exited),
  };
}

function readListeningLines(child, exited, tls, stderr) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let url;
    let tlsUrl;
    let spki;
    let settled = false;
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      finish(new Error(`upcloud-mock printed no listening line within ${START_TIMEOUT_MS} ms; stderr:\n${stderr()}`));
    }, START_TIMEOUT_MS);

    child.once('error', (error) => finish(new Error(`cannot start ${mockBinary()}: ${error.message} (run \`make mock\` first)`)));
    exited.then(({ code, signal }) => {
      finish(new Error(`upcloud-mock exited before listening (code ${code}, signal ${signal}); stderr:\n${stderr()}`));
    });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        const plain = /^listening on (http:\/\/\S+)$/.exec(line);
        const secure = /^listening on (https:\/\/\S+)$/.exec(line);
        const key = /^tls certificate spki sha256: (\S+)$/.exec(line);
        if (plain) url = plain[1];
        if (secure) tlsUrl = secure[1];
        if (key) spki = key[1];
        const complete = url && (!tls || (tlsUrl && spki));
        if (complete) finish(null, { url, tlsUrl, spki });
      }
    });
  });
}

async function control(base, method, route, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${base}/__mock${route}`, init);
  if (!response.ok) {
    const text = await response.text();
    throw new Error(`upcloud-mock control ${method} ${route} failed with ${response.status}: ${text}`);
  }
  return response;
}

async function stop(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
