// Turns upload runs into result rows: throughput of the package without and
// with verification against plain fetch, and peak memory of each.

import { summarize } from './stats.mjs';

const MIB = 2 ** 20;
// Targets for the package's throughput relative to plain fetch of the same
// Blob: verification hashes every byte, so it is allowed to cost more.
const TARGETS = { package: 0.9, 'package-verify': 0.8 };

/**
 * `runs` maps 'plain', 'package' and 'package-verify' to lists of
 * `{ ms, bytes, peak }`, where `peak` is the peak memory in bytes that
 * `memoryLabel` describes.
 */
export function uploadRows({ runtime, runs, memoryLabel }) {
  const throughput = (side) => summarize(runs[side].map((run) => run.bytes / MIB / (run.ms / 1000)));
  const peak = (side) => summarize(runs[side].map((run) => run.peak));
  const plainThroughput = throughput('plain');

  const rows = [];
  for (const [side, label] of [['package', 'verify: false'], ['package-verify', 'verify: true']]) {
    const packageThroughput = throughput(side);
    const ratio = packageThroughput.median / plainThroughput.median;
    rows.push({
      figure: `${runtime}: upload throughput, package with \`${label}\``,
      unit: 'MiB/s', better: 'higher',
      package: packageThroughput,
      plain: plainThroughput,
      target: { text: `≥ ${TARGETS[side]}× plain fetch`, met: ratio >= TARGETS[side] },
    });
  }
  for (const [side, label] of [['package', 'verify: false'], ['package-verify', 'verify: true']]) {
    rows.push({
      figure: `${runtime}: ${memoryLabel}, package with \`${label}\``,
      unit: 'bytes', better: 'lower',
      package: peak(side),
      plain: peak('plain'),
    });
  }
  return rows;
}
