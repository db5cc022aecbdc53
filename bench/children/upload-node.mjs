// Runs in a fresh Node process so that its peak RSS belongs to this upload
// alone: PUTs the file named in argv[3] to the direct-upload URL of the
// import in BENCH_IMPORT, the way named in argv[2]:
//   plain           fetch(url, { method: 'PUT', body: blob })
//   package         uploadFileForStorageImport(..., { verify: false })
//   package-verify  uploadFileForStorageImport(..., { verify: true })
import { openAsBlob } from 'node:fs';

import { CloudManager } from 'upcloud-storage';

import { accountFromEnv } from '../lib/account.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';

const [side, file] = process.argv.slice(2);
const storageImport = JSON.parse(process.env.BENCH_IMPORT);
const manager = createPackageManager(CloudManager, accountFromEnv());

const upload = {
  plain: async (blob) => {
    const response = await fetch(storageImport.directUploadUrl, { method: 'PUT', body: blob });
    const body = await response.text();
    if (!response.ok) throw new Error(`the upload failed with HTTP ${response.status}: ${body.slice(0, 200)}`);
    return JSON.parse(body).written_bytes;
  },
  package: async (blob) => (await manager.uploadFileForStorageImport(storageImport, blob, { verify: false })).writtenBytes,
  'package-verify': async (blob) => (await manager.uploadFileForStorageImport(storageImport, blob, { verify: true })).writtenBytes,
}[side];
if (!upload) throw new Error(`invalid side "${side}"; expected plain, package or package-verify`);

const blob = await openAsBlob(file);
globalThis.gc?.();
const rssBeforeBytes = process.memoryUsage().rss;

const start = performance.now();
const writtenBytes = await upload(blob);
const ms = performance.now() - start;

if (writtenBytes !== blob.size) {
  throw new Error(`the uploader wrote ${writtenBytes} bytes of the ${blob.size}-byte file`);
}
console.log(JSON.stringify({
  ms,
  bytes: blob.size,
  rssBeforeBytes,
  // resourceUsage() reports kibibytes.
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}));
