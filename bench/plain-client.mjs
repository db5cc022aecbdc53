// The hand-written alternative to the package: fetch, Basic auth,
// JSON.parse and the normalisation the package applies, in plain JS. The
// benchmarks compare the package against this file, so it does what a
// careful user would write in about forty lines and nothing more: no input
// checks, retries, timeouts or typed errors.

// Lists come flat (`labels: [...]`) or wrapped (`backups: {backup: [...]}`).
const unwrap = (value, key) => (Array.isArray(value) ? value : value?.[key] ?? []);
const orNull = (value) => (value === undefined || value === '' ? null : value);
const numberOrNull = (value) => (value === undefined || value === null || value === '' ? null : Number(value));

function toBackupRule(rule) {
  if (!rule || rule.interval === undefined) return null; // `{}` or `""` means no rule
  return { interval: rule.interval, time: rule.time, retention: Number(rule.retention) };
}

/** Turns one wire storage into the data fields the package's Storage has. */
export function toStorage(wire) {
  return {
    uuid: wire.uuid,
    title: wire.title,
    size: Number(wire.size),
    zone: orNull(wire.zone),
    tier: orNull(wire.tier),
    type: wire.type,
    state: wire.state,
    access: wire.access,
    progress: numberOrNull(wire.progress),
    encrypted: wire.encrypted === undefined ? null : wire.encrypted === 'yes',
    labels: unwrap(wire.labels, 'label').map(({ key, value = '' }) => ({ key, value })),
    backupRule: toBackupRule(wire.backup_rule),
    backups: unwrap(wire.backups, 'backup'),
    servers: unwrap(wire.servers, 'server'),
    origin: orNull(wire.origin),
    created: orNull(wire.created),
    license: Number(wire.license ?? 0),
    partOfPlan: wire.part_of_plan === 'yes',
    templateType: orNull(wire.template_type),
  };
}

/**
 * Creates a client for one account; `baseUrl` ends in `/1.3`. `fetch`
 * replaces `globalThis.fetch` when given, as the package's option does.
 */
export function createPlainClient({ baseUrl, username, password, fetch = globalThis.fetch }) {
  const authorization = `Basic ${btoa(`${username}:${password}`)}`;

  async function get(path) {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Accept: 'application/json', Authorization: authorization },
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${path} failed with HTTP ${response.status}: ${body.slice(0, 200)}`);
    return JSON.parse(body);
  }

  return {
    getStorage: async (uuid) => toStorage((await get(`/storage/${uuid}`)).storage),
    /** Lists storages of one kind (`private`, `normal`, …) or, for `all`, every storage. */
    getStorages: async (kind) => unwrap((await get(kind === 'all' ? '/storage' : `/storage/${kind}`)).storages, 'storage').map(toStorage),
  };
}
