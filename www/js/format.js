// Text for values shown in the panel. Pure functions, no DOM.

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Formats a byte count with binary units, e.g. 3.4 MiB. */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '?';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BINARY_UNITS[unit]}`;
}

/** Formats a transfer rate in bytes per second, e.g. 2.1 MiB/s. */
export function formatSpeed(bytesPerSecond) {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Formats a remaining time in seconds as "about 12 s left" or "about 3 min left". */
export function formatEta(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return 'time left unknown';
  }
  if (seconds < 1) {
    return 'less than a second left';
  }
  if (seconds < 90) {
    return `about ${Math.ceil(seconds)} s left`;
  }
  if (seconds < 90 * 60) {
    return `about ${Math.round(seconds / 60)} min left`;
  }
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

const WEEKDAYS = {
  mon: 'Mondays', tue: 'Tuesdays', wed: 'Wednesdays', thu: 'Thursdays',
  fri: 'Fridays', sat: 'Saturdays', sun: 'Sundays',
};

/** Describes a backup rule `{ interval, time: 'HHMM', retention }`, or its absence. */
export function describeBackupRule(rule) {
  if (!rule || !rule.interval) {
    return 'No scheduled backups';
  }
  const when = rule.interval === 'daily' ? 'Daily' : (WEEKDAYS[rule.interval] ?? rule.interval);
  const time = /^\d{4}$/.test(rule.time ?? '') ? `${rule.time.slice(0, 2)}:${rule.time.slice(2)} UTC` : rule.time;
  const days = Number(rule.retention) === 1 ? 'day' : 'days';
  return `${when} at ${time}, kept ${rule.retention} ${days}`;
}

/** Formats an RFC 3339 timestamp in the reader's locale, keeping the UTC value next to it. */
export function formatTimestamp(value) {
  if (!value) {
    return 'unknown';
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return value;
  }
  return `${date.toLocaleString()} (${value})`;
}

const TIER_NAMES = { maxiops: 'MaxIOPS', standard: 'Standard', hdd: 'Archive', ssd: 'SSD (legacy)' };

/** Returns the product name of a tier, keeping unknown API values as they are. */
export function tierName(tier) {
  if (!tier) {
    return '–';
  }
  return TIER_NAMES[tier] ?? tier;
}

/**
 * Turns a rejection into one readable sentence with UpCloud's code and the HTTP status,
 * e.g. `Could not delete "web": The storage is attached (STORAGE_ATTACHED, HTTP 409)`.
 */
export function describeError(action, error) {
  const message = error?.message || String(error);
  const facts = [];
  if (error?.code) {
    facts.push(error.code);
  }
  if (error?.importErrorCode) {
    facts.push(`import error ${error.importErrorCode}`);
  }
  if (error?.field) {
    facts.push(`field ${error.field}`);
  }
  if (Number.isInteger(error?.status)) {
    facts.push(`HTTP ${error.status}`);
  }
  const suffix = facts.length > 0 ? ` (${facts.join(', ')})` : '';
  return `${action}: ${isolate(message)}${suffix}`;
}

/**
 * Removes the `user:password@` part of a URL before it is shown, because an
 * HTTP import source may carry the credentials of the server that hosts the image.
 */
export function redactUrlCredentials(value) {
  try {
    const url = new URL(value);
    if (url.username || url.password) {
      url.username = '';
      url.password = '';
    }
    return url.href;
  } catch {
    return value;
  }
}

const FSI = '\u2068';
const PDI = '\u2069';
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', FSI]);

/**
 * Marks `text` (a title, zone, file name or API message) as one isolated run
 * inside a sentence, so that right-to-left or override characters in it cannot
 * reorder the words around it. `renderText` turns each run into a `<bdi>`.
 *
 * Unmatched isolate controls inside `text` are balanced first, because a stray
 * U+2069 would end the run early. They have no visible effect of their own.
 */
export function isolate(text) {
  let depth = 0;
  let balanced = '';
  for (const char of String(text ?? '')) {
    if (ISOLATE_OPENERS.has(char)) {
      depth += 1;
    } else if (char === PDI) {
      if (depth === 0) {
        continue;
      }
      depth -= 1;
    }
    balanced += char;
  }
  return FSI + balanced + PDI.repeat(depth + 1);
}

/**
 * Splits a sentence built with `isolate` into plain parts and isolated runs:
 * `[{ text, isolated }]`. Text outside any run is returned as it is.
 */
export function splitIsolated(sentence) {
  const parts = [];
  let depth = 0;
  let current = '';
  for (const char of String(sentence ?? '')) {
    if (depth === 0 && char === FSI) {
      if (current) {
        parts.push({ text: current, isolated: false });
      }
      current = '';
      depth = 1;
    } else if (depth > 0 && ISOLATE_OPENERS.has(char)) {
      depth += 1;
      current += char;
    } else if (depth > 0 && char === PDI) {
      depth -= 1;
      if (depth === 0) {
        parts.push({ text: current, isolated: true });
        current = '';
      } else {
        current += char;
      }
    } else {
      current += char;
    }
  }
  if (current) {
    parts.push({ text: current, isolated: depth > 0 });
  }
  return parts;
}
