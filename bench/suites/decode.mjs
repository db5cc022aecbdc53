// Decoding: a list of 5,000 storages turned into typed JS objects, through
// the package and through plain fetch + JSON.parse + normalisation. Then
// 1,000 concurrent getStorage calls on one client.

import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { accountToEnv } from '../lib/account.mjs';
import { startBenchMock } from '../lib/bench-mock.mjs';
import { profileShares } from '../lib/profile.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';
import { runNodeScript } from '../lib/processes.mjs';
import { alternate, summarize, timeMs } from '../lib/stats.mjs';
import { countOf, fileSize } from '../lib/text.mjs';
import { createPlainClient } from '../plain-client.mjs';

export const TITLE = 'Decoding';

const SEEDED_STORAGES = 5000;
const CONCURRENT_CALLS = 1000;
const WARM_UP_RUNS = 3;
// Each concurrent run is a fresh process that takes seconds, so five runs,
// the fewest that give a median and a range.
const CONCURRENT_RUNS = 5;
const DECODE_TARGET_RATIO = 1.5;
const PROFILED_RUNS = 3;

// Sorts object keys recursively so that two decodings compare equal when
// they contain the same data in a different key order.
function canonicalJson(value) {
  return JSON.stringify(value, (key, item) => (item && typeof item === 'object' && !Array.isArray(item)
    ? Object.fromEntries(Object.keys(item).sort().map((name) => [name, item[name]]))
    : item));
}

function firstDifference(packageList, plainList) {
  if (packageList.length !== plainList.length) {
    return `the package decoded ${packageList.length} storages, plain JS ${plainList.length}`;
  }
  for (let i = 0; i < packageList.length; i++) {
    const packageItem = JSON.parse(canonicalJson(packageList[i]));
    const plainItem = JSON.parse(canonicalJson(plainList[i]));
    for (const key of new Set([...Object.keys(packageItem), ...Object.keys(plainItem)])) {
      if (canonicalJson(packageItem[key]) !== canonicalJson(plainItem[key])) {
        return `storage ${i}, field \`${key}\`: package ${canonicalJson(packageItem[key])}, plain JS ${canonicalJson(plainItem[key])}`;
      }
    }
  }
  return null;
}

// Times `getStorages('private')` on each side, alternating, after warm-up
// runs, with a garbage collection before each timed call when `--expose-gc`
// is on, so that one side does not pay for the other's garbage.
async function timeListing(context, packageClient, plainClient) {
  const sides = {
    package: () => packageClient.getStorages('private'),
    plain: () => plainClient.getStorages('private'),
  };
  await alternate(WARM_UP_RUNS, sides);

  const timed = Object.fromEntries(Object.entries(sides).map(([name, call]) => [name, () => {
    globalThis.gc?.();
    return timeMs(call);
  }]));
  const samples = await alternate(context.runs, timed);
  return { package: summarize(samples.package), plain: summarize(samples.plain) };
}

async function measureConcurrency(context, account, uuids) {
  const uuidsFile = path.join(context.outDir, 'concurrent-uuids.json');
  writeFileSync(uuidsFile, JSON.stringify(uuids));
  const script = path.join(context.benchDir, 'children', 'concurrent.mjs');
  const runChild = (side) => runNodeScript(script, { env: accountToEnv(account), args: [side, uuidsFile], nodeArgs: ['--expose-gc'] });

  const runCount = context.quick ? context.runs : CONCURRENT_RUNS;
  const runs = await alternate(runCount, { package: () => runChild('package'), plain: () => runChild('plain') });
  const outputs = { package: runs.package.map((run) => run.output), plain: runs.plain.map((run) => run.output) };
  const pick = (side, read) => summarize(outputs[side].map(read));

  const failures = Object.entries(outputs).flatMap(([side, list]) => list
    .filter((output) => output.succeeded !== output.calls)
    .map((output) => `${side}: ${output.succeeded} of ${output.calls} succeeded (first error: ${output.firstError})`));

  const rows = [
    {
      figure: `${CONCURRENT_CALLS.toLocaleString('en-US')} concurrent getStorage calls on one client: time until all settled`,
      unit: 'ms', better: 'lower',
      package: pick('package', (output) => output.ms),
      plain: pick('plain', (output) => output.ms),
      target: { text: 'all succeed', met: failures.length === 0, reason: failures.join('; ') },
    },
    {
      figure: `${CONCURRENT_CALLS.toLocaleString('en-US')} concurrent getStorage calls: peak process RSS`,
      unit: 'bytes', better: 'lower',
      package: pick('package', (output) => output.peakRssBytes),
      plain: pick('plain', (output) => output.peakRssBytes),
    },
    {
      figure: `${CONCURRENT_CALLS.toLocaleString('en-US')} concurrent getStorage calls: RSS growth over the process's RSS before the calls`,
      unit: 'bytes', better: 'lower',
      package: pick('package', (output) => output.peakRssBytes - output.rssBeforeBytes),
      plain: pick('plain', (output) => output.peakRssBytes - output.rssBeforeBytes),
    },
  ];
  const succeeded = failures.length === 0
    ? `Every run of both sides completed all ${CONCURRENT_CALLS} calls with the requested storage.`
    : `Not every call succeeded: ${failures.join('; ')}.`;
  const callsPerSecond = (side) => CONCURRENT_CALLS / (pick(side, (output) => output.ms).median / 1000);
  return { rows, note: succeeded, getRequestsPerSecond: [callsPerSecond('package'), callsPerSecond('plain')] };
}

/** Measures decoding and concurrent calls; see the file comment. */
export async function run(context) {
  const { CloudManager } = await import('upcloud-storage');
  const { mock, account } = await startBenchMock({ seedStorages: SEEDED_STORAGES });
  try {
    const packageManager = createPackageManager(CloudManager, account);
    const plainClient = createPlainClient(account);

    const packageList = await packageManager.getStorages('private');
    const plainList = await plainClient.getStorages('private');
    if (packageList.length < SEEDED_STORAGES) {
      throw new Error(`getStorages('private') returned ${packageList.length} storages; the mock was asked to seed ${SEEDED_STORAGES}`);
    }
    const difference = firstDifference(packageList, plainList);

    // The same response body, served from memory to both sides through
    // their `fetch` option, isolates decoding from the network and the mock.
    const listResponse = await fetch(`${account.baseUrl}/storage/private`, {
      headers: { Authorization: `Basic ${btoa(`${account.username}:${account.password}`)}`, Accept: 'application/json' },
    });
    const listBody = await listResponse.text();
    const listContentType = listResponse.headers.get('content-type');
    const fetchFromMemory = async () => new Response(listBody, { status: 200, headers: { 'Content-Type': listContentType } });

    const endToEnd = await timeListing(context, packageManager, plainClient);
    const packageFromMemory = createPackageManager(CloudManager, account, { fetch: fetchFromMemory });
    const inMemory = await timeListing(context, packageFromMemory, createPlainClient({ ...account, fetch: fetchFromMemory }));
    const inMemoryRatio = inMemory.package.median / inMemory.plain.median;

    // Profiled separately, because the profiler slows the calls it samples.
    const shares = await profileShares(() => packageFromMemory.getStorages('private'), PROFILED_RUNS);
    const profileText = shares.map(([category, share]) => `${category} ${(share * 100).toFixed(0)} %`).join(', ');

    const concurrency = await measureConcurrency(context, account, packageList.slice(0, CONCURRENT_CALLS).map((storage) => storage.uuid));

    return {
      title: TITLE,
      about: `\`getStorages('private')\` of ${packageList.length.toLocaleString('en-US')} storages (${fileSize(listBody.length)} of JSON) in one Node process, ${countOf(context.runs, 'timed run')} per side after ${countOf(WARM_UP_RUNS, 'warm-up run')}, alternating, with a garbage collection before each. "From memory" serves the same recorded response body through each client's \`fetch\` option, so it times decoding alone: from a \`Response\` to typed JS objects. The concurrent calls run ${countOf(context.quick ? context.runs : CONCURRENT_RUNS, 'time')} per side, each in a fresh process so that the peak RSS is that run's.`,
      rows: [
        {
          figure: `List of ${SEEDED_STORAGES.toLocaleString('en-US')} storages from memory: Response to typed objects`,
          unit: 'ms', better: 'lower',
          package: inMemory.package,
          plain: inMemory.plain,
          target: {
            text: `≤ ${DECODE_TARGET_RATIO}× plain JS`,
            met: inMemoryRatio <= DECODE_TARGET_RATIO,
            reason: `The package's time, from V8's sampling profiler over ${countOf(PROFILED_RUNS, 'call')}: ${profileText}. Plain JS spends its time in one \`JSON.parse\` and the object literals of \`toStorage\``,
          },
        },
        {
          figure: `List of ${SEEDED_STORAGES.toLocaleString('en-US')} storages from the mock, end to end`,
          unit: 'ms', better: 'lower',
          package: endToEnd.package,
          plain: endToEnd.plain,
        },
        ...concurrency.rows,
      ],
      notes: [
        difference === null
          ? 'Both sides decoded the list to the same data (compared field by field after sorting keys).'
          : `**The two decodings differ**, so the comparison is not like for like: ${difference}.`,
        concurrency.note,
      ],
      metrics: { getRequestsPerSecond: concurrency.getRequestsPerSecond },
    };
  } finally {
    await mock.stop();
  }
}
