// Runs every benchmark suite in turn and writes bench/RESULTS.md.
//
// Environment:
//   BENCH_ONLY=size,decode  runs only the named suites (for trial runs)
//   BENCH_QUICK=1           fewer runs, for trial runs; the machine table
//                           of the results page marks such a run
//   BENCH_UPLOAD_FILE       the upload file (required), made by run.sh

import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

import { describeMachine } from './lib/machine.mjs';
import { mockHeadroomNote } from './lib/mock-headroom.mjs';
import { renderResults } from './lib/report.mjs';
import * as size from './suites/size.mjs';
import * as startup from './suites/startup.mjs';
import * as decode from './suites/decode.mjs';
import * as uploadsNode from './suites/uploads-node.mjs';
import * as uploadsChromium from './suites/uploads-chromium.mjs';
import * as mockThroughput from './suites/mock-throughput.mjs';

const SUITES = { size, startup, decode, uploadsNode, uploadsChromium, mockThroughput };

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const outDir = path.join(benchDir, 'out');
const quick = process.env.BENCH_QUICK === '1';

const context = {
  repoRoot,
  benchDir,
  outDir,
  quick,
  // Seven runs give a median that one slow run cannot move. Uploads move
  // 1 GiB each, so they run three times to keep `make bench` under ten
  // minutes on two cores.
  runs: quick ? 3 : 7,
  uploadRuns: quick ? 1 : 3,
  // The package as run.sh installed it from the packed tarball.
  packageDir: path.join(benchDir, 'node_modules/upcloud-storage'),
  uploadFile: process.env.BENCH_UPLOAD_FILE,
};
if (!context.uploadFile) throw new Error('BENCH_UPLOAD_FILE is not set; run bench/run.sh, which creates the file');

const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : Object.keys(SUITES);
for (const name of only) {
  if (!SUITES[name]) throw new Error(`BENCH_ONLY contains the unknown suite "${name}"; expected some of: ${Object.keys(SUITES).join(', ')}`);
}

mkdirSync(outDir, { recursive: true });
const started = Date.now();
const loadAtStart = os.loadavg()[0];
const results = [];

for (const name of only) {
  const suite = SUITES[name];
  console.log(`bench: ${suite.TITLE}`);
  const suiteStarted = Date.now();
  try {
    results.push(await suite.run(context));
  } catch (error) {
    console.error(`bench: ${suite.TITLE} failed: ${error.stack ?? error}`);
    results.push({ title: suite.TITLE, rows: [], error: String(error.message ?? error) });
  }
  console.log(`bench: ${suite.TITLE} took ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
}

const headroom = mockHeadroomNote(results);
const mockResult = results.find((suite) => suite.title === mockThroughput.TITLE && !suite.error);
if (headroom && mockResult) mockResult.notes = [...(mockResult.notes ?? []), headroom];

const machine = describeMachine({ repoRoot });
// Other work on the machine slows and spreads the figures, so the page
// records how busy the machine was.
machine.push(['Load average (1 min)', `${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`]);
if (quick) machine.push(['Mode', 'BENCH_QUICK trial run with fewer runs, not for quoting']);

const durationSeconds = (Date.now() - started) / 1000;
writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ machine, results, durationSeconds }, null, 2));

// A partial or trial run goes to bench/out/ so that it never replaces the
// full results page.
const complete = !quick && only.length === Object.keys(SUITES).length;
const resultsPath = complete ? path.join(benchDir, 'RESULTS.md') : path.join(outDir, 'RESULTS.md');
writeFileSync(resultsPath, renderResults({ machine, suites: results, durationSeconds }));
console.log(`bench: wrote ${path.relative(repoRoot, resultsPath)} in ${durationSeconds.toFixed(0)} s`);

if (results.some((suite) => suite.error)) process.exitCode = 1;
