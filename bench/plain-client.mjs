// The hand-written alternative to the package: fetch, Basic auth,
// JSON.parse and the same normalisation the package applies, in plain JS.
// The benchmarks compare the package against this file, so it does what a
// careful user would write in about forty lines and nothing more.

const BOOLEAN_KEYS = new Set(['encrypted', 'part_of_plan']);
const NUMERIC_STRING_KEYS = new Set(['progress', 'retention']);

const toCamelCase = (key) => key.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());

/** Turns an UpCloud wire value into the shape the package returns. */
export function normalize(value, key = '') {
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value === '') return null;
  if (BOOLEAN_KEYS.has(key)) return value === 'yes';
  if (NUMERIC_STRING_KEYS.has(key) && typeof value === 'string') return Number(value);
  if (value === null || typeof value !== 'object') return value;

  // `{"backups": {"backup": [...]}}` carries a list under a one-key wrapper.
  const keys = Object.keys(value);
  if (keys.length === 1 && Array.isArray(value[keys[0]])) return normalize(value[keys[0]]);

  const result = {};
  for (const wireKey of keys) result[toCamelCase(wireKey)] = normalize(value[wireKey], wireKey);
  return result;
}

/**
 * Creates a client for one account; `baseUrl` ends in `/1.3`. `fetch`
 * replaces `globalThis.fetch` when given, as the package's option does.
 */
export function createPlainClient({ baseUrl, username, password, fetch = globalThis.fetch }) {
  const authorization = `Basic ${btoa(`${username}:${password}`)}`;

  async function request(path) {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Accept: 'application/json', Authorization: authorization },
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${path} failed with HTTP ${response.status}: ${body.slice(0, 200)}`);
    return JSON.parse(body);
  }

  return {
    getStorage: async (uuid) => normalize((await request(`/storage/${uuid}`)).storage),
    getStorages: async (kind = '') => normalize((await request(kind ? `/storage/${kind}` : '/storage')).storages),
  };
}
