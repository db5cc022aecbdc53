// Uploads in headless Chromium: a real File picked through an
// <input type=file>, PUT by the package's browser entry without and with
// verification, against plain fetch of the same File.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { startBenchMock } from '../lib/bench-mock.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';
import { alternate } from '../lib/stats.mjs';
import { countOf, fileSize } from '../lib/text.mjs';
import { uploadRows } from '../lib/upload-rows.mjs';
import { createUploadTarget, removeUploadTarget } from '../lib/upload-target.mjs';

export const TITLE = 'Uploads in Chromium';

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Peak resident set size of a process, from the kernel's high-water mark.
function peakRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmHWM:\s+(\d+) kB$/m);
  if (!match) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(match[1]) * 1024;
}

// Reads the peak RSS of every process of the browser before it closes:
// the renderer that ran the page, and the sum over all its processes.
async function browserPeakMemory(browser) {
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = await session.send('SystemInfo.getProcessInfo');
  await session.detach();

  let rendererBytes = 0;
  let totalBytes = 0;
  for (const info of processInfo) {
    let bytes;
    try {
      bytes = peakRssBytes(info.id);
    } catch {
      continue; // the process exited after the list was taken
    }
    totalBytes += bytes;
    if (info.type === 'renderer') rendererBytes = Math.max(rendererBytes, bytes);
  }
  return { rendererBytes, totalBytes };
}

async function uploadInFreshBrowser({ mockUrl, file, side, storageImport, account }) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${mockUrl}/upload.html`);
    await page.waitForFunction(() => window.benchReady === true);
    await page.setInputFiles('#file', file);

    const result = await page.evaluate((args) => window.benchUpload(args), { side, storageImport, account });
    if (result.writtenBytes !== result.bytes) {
      throw new Error(`${side}: the uploader wrote ${result.writtenBytes} bytes of the ${result.bytes}-byte file`);
    }
    return { ...result, ...await browserPeakMemory(browser) };
  } finally {
    await browser.close();
  }
}

/** Measures Chromium uploads; see the file comment. */
export async function run(context) {
  const { CloudManager } = await import('upcloud-storage');
  const bytes = statSync(context.uploadFile).size;
  // The mock serves the page and the package itself, so the page, the API
  // and the uploader share one origin, as behind a same-origin proxy.
  const { mock, account } = await startBenchMock({
    extraArgs: ['--www', path.join(context.benchDir, 'browser'), '--pkg', context.packageDir],
  });
  try {
    const manager = createPackageManager(CloudManager, account);
    const pageAccount = { baseUrl: account.baseUrl, username: account.username, password: account.password };

    const uploadOnce = (side) => async () => {
      const { storage, storageImport } = await createUploadTarget(manager, { zone: account.zone, bytes });
      const result = await uploadInFreshBrowser({ mockUrl: mock.url, file: context.uploadFile, side, storageImport, account: pageAccount });
      await removeUploadTarget(manager, storage.uuid);
      return result;
    };
    const runs = await alternate(context.uploadRuns, {
      plain: uploadOnce('plain'),
      package: uploadOnce('package'),
      'package-verify': uploadOnce('package-verify'),
    });

    const withPeak = (read) => Object.fromEntries(Object.entries(runs).map(([side, list]) => [side, list.map((run) => ({ ...run, peak: read(run) }))]));
    const rendererRows = uploadRows({ runtime: 'Chromium', runs: withPeak((run) => run.rendererBytes), memoryLabel: 'peak RSS of the page\'s renderer process' });
    const totalRows = uploadRows({ runtime: 'Chromium', runs: withPeak((run) => run.totalBytes), memoryLabel: 'sum of the peak RSS of all browser processes' })
      .filter((row) => row.unit === 'bytes');

    return {
      title: TITLE,
      about: `The ${fileSize(bytes)} file of random bytes set on an \`<input type=file>\` with Playwright and PUT from the page over HTTP/1.1 to the mock, which also serves the page and the package (one origin, so no CORS preflight). ${countOf(context.uploadRuns, 'run')} per side, alternating, each in a fresh browser so that the kernel's peak-RSS marks (VmHWM) belong to that run. Plain JS is \`fetch(url, { method: 'PUT', body: file })\`. The package's wasm is loaded before the timer starts. The sum of per-process peaks overstates the browser's true peak when the processes peak at different times.`,
      rows: [...rendererRows, ...totalRows],
      metrics: { uploadMibPerSecond: rendererRows.filter((row) => row.unit === 'MiB/s').flatMap((row) => [row.package.median, row.plain.median]) },
    };
  } finally {
    await mock.stop();
  }
}
