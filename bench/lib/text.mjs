// Small wording helpers for the prose of RESULTS.md.

/** Returns "1 run" or "3 runs". */
export function countOf(count, noun) {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** Returns a file size in the largest binary unit that keeps it ≥ 1, e.g. "1 GiB" or "64 MiB". */
export function fileSize(bytes) {
  for (const [unit, factor] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]]) {
    if (bytes >= factor) return `${Number((bytes / factor).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}
