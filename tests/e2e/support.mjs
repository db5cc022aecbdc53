// Helpers for the panel's end-to-end test: the browser, the mock's test
// controls, disk image fixtures, a loopback image server, and screenshots
// that are checked for leaked secrets.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Launches Debian's Chromium with a fresh profile and returns `{ context, page, consoleLog, close }`.
 * `consoleLog` collects every console message and page error, for the secret checks.
 */
export async function launchPanel(viewport) {
  const profile = mkdtempSync(join(tmpdir(), 'upcloud-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const consoleLog = [];
  page.on('console', (message) => consoleLog.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`pageerror: ${error.stack ?? error.message}`));
  return {
    context,
    page,
    consoleLog,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Drives the mock's `/__mock/` test controls. */
export function mockControls(baseUrl) {
  const call = async (method, path, body) => {
    const response = await fetch(`${baseUrl}/__mock/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} /__mock/${path} answered ${response.status}`);
    const text = await response.text();
    return text === '' ? null : JSON.parse(text);
  };
  return {
    fault: (spec) => call('POST', 'faults', spec),
    clearFaults: () => call('DELETE', 'faults'),
    requests: async () => (await call('GET', 'requests')).requests,
    clearRequests: () => call('DELETE', 'requests'),
    uploads: async () => (await call('GET', 'uploads')).uploads,
    async storageData(uuid, offset, length) {
      const response = await fetch(`${baseUrl}/__mock/storages/${uuid}/data?offset=${offset}&length=${length}`);
      assert.equal(response.status, 200, 'reading storage data from the mock');
      return Buffer.from(await response.arrayBuffer());
    },
  };
}

/** Makes a raw disk image with an ext4 filesystem, `mebibytes` in size, and returns its SHA-256. */
export function makeDiskImage(path, mebibytes) {
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, `${mebibytes}M`]);
  execFileSync('mkfs.ext4', ['-F', '-q', '-L', 'e2e', path]);
  return sha256(readFileSync(path));
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Serves one file at `/<name>` on a loopback port, for HTTP imports. Returns `{ url, close }`. */
export async function serveFile(path, name) {
  const body = readFileSync(path);
  const server = createServer((request, response) => {
    if (request.url !== `/${name}`) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/${name}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Saves a full-page screenshot as `<out>/<NN>-<name>.png` and asserts that
 * no secret appears in what the page shows or stores: its text, its HTML,
 * its input values, its URL, its web storage and cookies, and the console so far.
 */
export async function screenshotWithoutSecrets(browser, out, name, secrets) {
  const { page, consoleLog } = browser;
  screenshotWithoutSecrets.count = (screenshotWithoutSecrets.count ?? 0) + 1;
  const file = join(out, `${String(screenshotWithoutSecrets.count).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });

  const visible = await page.evaluate(() => ({
    text: document.body.innerText,
    html: document.documentElement.outerHTML,
    values: [...document.querySelectorAll('input, textarea, select')].map((element) => element.value),
    url: window.location.href,
    stored: JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }),
    cookies: document.cookie,
  }));
  const places = {
    'page text': visible.text,
    'page HTML': visible.html,
    'input values': visible.values.join('\n'),
    'page URL': visible.url,
    'web storage': visible.stored,
    cookies: visible.cookies,
    'console log': consoleLog.join('\n'),
  };
  for (const [secretName, secret] of Object.entries(secrets)) {
    for (const [place, content] of Object.entries(places)) {
      assert.ok(!content.includes(secret), `${name}: the ${secretName} appears in the ${place}`);
    }
  }
  return file;
}
