// Runs in a fresh Node process so that its peak RSS belongs to this run
// alone: sends 1,000 getStorage calls at once through one client of the
// side named in argv[2] ('package' or 'plain') and prints time and memory.
import { readFileSync } from 'node:fs';

import { CloudManager } from 'upcloud-storage';

import { accountFromEnv } from '../lib/account.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';
import { createPlainClient } from '../plain-client.mjs';

const side = process.argv[2];
const uuids = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const account = accountFromEnv();

let client;
if (side === 'package') client = createPackageManager(CloudManager, account);
else if (side === 'plain') client = createPlainClient(account);
else throw new Error(`invalid side "${side}"; expected "package" or "plain"`);

// One call first, so that neither side's figure includes setting up fetch.
await client.getStorage(uuids[0]);
globalThis.gc?.();
const rssBeforeBytes = process.memoryUsage().rss;

const start = performance.now();
const settled = await Promise.allSettled(uuids.map((uuid) => client.getStorage(uuid)));
const ms = performance.now() - start;

const fulfilled = settled.filter((result, index) => result.status === 'fulfilled' && result.value.uuid === uuids[index]);
const firstRejection = settled.find((result) => result.status === 'rejected');

console.log(JSON.stringify({
  ms,
  calls: uuids.length,
  succeeded: fulfilled.length,
  firstError: firstRejection ? String(firstRejection.reason?.message ?? firstRejection.reason) : null,
  rssBeforeBytes,
  // resourceUsage() reports kibibytes.
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}));
