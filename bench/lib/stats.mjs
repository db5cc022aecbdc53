// Summaries of repeated measurements: median and range, never the mean,
// because one slow run on a shared machine would move a mean far more
// than it moves a median.

/** Returns `{ n, median, min, max }` of a list of numbers. */
export function summarize(samples) {
  if (samples.length === 0) {
    throw new Error('summarize: no samples to summarize');
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;

  return { n: sorted.length, median, min: sorted[0], max: sorted[sorted.length - 1], samples };
}

/** Measures `fn` once and returns the elapsed wall time in milliseconds. */
export async function timeMs(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs each side `runs` times, alternating A, B, A, B, … so that drift in
 * the machine's load hits both sides alike. Resolves to each side's list
 * of results, in run order.
 */
export async function alternate(runs, sides) {
  const results = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, measure] of Object.entries(sides)) {
      results[name].push(await measure(i));
    }
  }
  return results;
}
