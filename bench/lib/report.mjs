// Renders the collected results as bench/RESULTS.md.
//
// A suite result is `{ title, about, rows, notes }`. A row compares the
// package with plain JS when it has both `package` and `plain` summaries,
// and is a single figure when it has `value`. `better` is 'lower' or
// 'higher'; `target` is `{ text, met }` when the issue sets one.

// Three significant digits for times from 1 ms to 999 ms.
function milliseconds(value) {
  if (value < 10) return [value.toFixed(2), 'ms'];
  if (value < 100) return [value.toFixed(1), 'ms'];
  return [value.toFixed(0), 'ms'];
}

// Each unit maps a value to [number text, unit text].
const UNITS = {
  ms: milliseconds,
  bytes: (v) => (v >= 2 ** 20 ? [(v / 2 ** 20).toFixed(1), 'MiB'] : [(v / 1024).toFixed(1), 'KiB']),
  'MiB/s': (v) => [v.toFixed(0), 'MiB/s'],
  'req/s': (v) => [Math.round(v).toLocaleString('en-US'), 'req/s'],
};

function format(value, unit) {
  const formatter = UNITS[unit];
  if (!formatter) throw new Error(`report: unknown unit "${unit}"`);
  return formatter(value);
}

function formatSummary(summary, unit) {
  if (typeof summary === 'number') return format(summary, unit).join(' ');

  const [median, medianUnit] = format(summary.median, unit);
  if (summary.n === 1) return `${median} ${medianUnit}`;

  const [min, minUnit] = format(summary.min, unit);
  const [max, maxUnit] = format(summary.max, unit);
  const range = minUnit === maxUnit ? `${min} – ${max} ${maxUnit}` : `${min} ${minUnit} – ${max} ${maxUnit}`;
  return `${median} ${medianUnit} (${range})`;
}

function formatRatio(row) {
  const ratio = row.package.median / row.plain.median;
  return `${ratio.toFixed(2)}× (${row.better} is better)`;
}

function formatTarget(row) {
  if (!row.target) return '';
  return `${row.target.text}: ${row.target.met ? 'met' : '**missed**'}`;
}

function renderSuite(suite) {
  const lines = [`## ${suite.title}`, ''];
  if (suite.about) lines.push(suite.about, '');

  const comparisons = suite.rows.filter((row) => row.package && row.plain);
  if (comparisons.length > 0) {
    lines.push('| Figure | upcloud-storage | plain JS | package ÷ plain | Target |');
    lines.push('| --- | --- | --- | --- | --- |');
    for (const row of comparisons) {
      lines.push(`| ${row.figure} | ${formatSummary(row.package, row.unit)} | ${formatSummary(row.plain, row.unit)} | ${formatRatio(row)} | ${formatTarget(row)} |`);
    }
    lines.push('');
  }

  const singles = suite.rows.filter((row) => row.value !== undefined);
  if (singles.length > 0) {
    lines.push('| Figure | Value | Target |');
    lines.push('| --- | --- | --- |');
    for (const row of singles) {
      lines.push(`| ${row.figure} | ${formatSummary(row.value, row.unit)} | ${formatTarget(row)} |`);
    }
    lines.push('');
  }

  for (const note of suite.notes ?? []) lines.push(note, '');
  return lines.join('\n');
}

function renderMissedTargets(suites) {
  const missed = suites.flatMap((suite) => suite.rows
    .filter((row) => row.target && !row.target.met)
    .map((row) => `- ${suite.title}: ${row.figure} (${row.target.text})${row.target.reason ? `. ${row.target.reason}` : ''}`));
  const failed = suites.filter((suite) => suite.error).map((suite) => `- ${suite.title}: not measured. ${suite.error}`);

  if (missed.length === 0 && failed.length === 0) return 'Every target was met and every figure was measured.\n';
  return [...missed, ...failed].join('\n') + '\n';
}

/** Returns the Markdown text of RESULTS.md. */
export function renderResults({ machine, suites, durationSeconds }) {
  const header = `# Benchmarks: upcloud-storage against plain JavaScript

\`make bench\` builds the mock and the package, runs every figure below on
this machine and rewrites this file. The scripts are in \`bench/\`;
\`bench/plain-client.mjs\` is the plain-JS side: \`fetch\`, Basic auth,
\`JSON.parse\` and the same normalisation the package applies.

How to read it: each cell is the median of several runs with the minimum
and maximum in brackets. Both sides of a comparison ran in the same process
or back to back, alternating, in the same run. "package ÷ plain" divides
the package's median by the plain side's median. Times and memory are
better when lower, throughput when higher. Everything runs on loopback
against \`upcloud-mock\`, so network figures show client cost, not the
cost of a real network.
`;

  const machineTable = ['| | |', '| --- | --- |', ...machine.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');

  return [
    header,
    '## Machine',
    '',
    machineTable,
    '',
    `The suites took ${Math.round(durationSeconds)} s, not counting the builds that \`make bench\` runs first.`,
    '',
    '## Targets missed',
    '',
    renderMissedTargets(suites),
    ...suites.filter((suite) => !suite.error).map(renderSuite),
  ].join('\n');
}
