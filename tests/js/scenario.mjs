// The end-to-end scenario every runtime runs against upcloud-mock: the
// storage flows of the Python SDK's storage chapter, waits, errors, retries,
// abort and timeout. It uses only what Node, Deno and workerd share (fetch,
// AbortController, setTimeout), so the package is exercised the same way in
// each. The mock runs with `--op-seconds 0.3`, so every slow operation
// finishes in well under a second.

const ZONE = 'fi-hel1';
const TOKEN = 't';
const MISSING_UUID = '01000000-dead-4000-8000-00000000beef';
/** Short poll intervals: the mock's operations take 0.3 s. */
const FAST_WAIT = { intervalMs: 100, timeoutMs: 15_000 };

class CheckFailed extends Error {}

function check(condition, message) {
  if (!condition) {
    throw new CheckFailed(message);
  }
}

function equal(actual, expected, what) {
  check(Object.is(actual, expected), `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function sameJson(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  check(a === b, `${what}: expected ${b}, got ${a}`);
}

async function rejection(promise, what) {
  try {
    const value = await promise;
    throw new CheckFailed(`${what}: expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof CheckFailed) {
      throw error;
    }
    return error;
  }
}

function checkError(ctx, error, { code, status }, what) {
  check(error instanceof ctx.UpCloudError, `${what}: expected an UpCloudError, got ${error?.stack ?? error}`);
  check(error instanceof Error, `${what}: UpCloudError must extend Error`);
  equal(error.name, 'UpCloudError', `${what}: name`);
  check(typeof error.stack === 'string' && error.stack.length > 0, `${what}: stack is missing`);
  if (code !== undefined) {
    equal(error.code, code, `${what}: code (message: ${error.message})`);
  }
  if (status !== undefined) {
    equal(error.status, status, `${what}: status (message: ${error.message})`);
  }
}

async function apiRequests(ctx, { method, pathPrefix }) {
  const entries = await ctx.control.requests();
  return entries.filter((entry) => (method === undefined || entry.method === method)
    && (pathPrefix === undefined || entry.path.startsWith(pathPrefix)));
}

function manager(ctx, options = {}) {
  return new ctx.CloudManager({ token: TOKEN }, { baseUrl: ctx.apiBase, ...options });
}

async function newDisk(ctx, mgr, title, extra = {}) {
  return mgr.createStorage({ zone: ZONE, size: 10, tier: 'maxiops', title, ...extra });
}

/** The scenario's steps in order; later steps use what earlier ones made. */
export const steps = [
  {
    name: 'create returns a Storage with JS types',
    async run(ctx, state) {
      const mgr = manager(ctx);
      state.manager = mgr;
      const disk = await newDisk(ctx, mgr, 'scenario disk', {
        encrypted: true,
        labels: [{ key: 'color', value: 'green' }],
        backupRule: { interval: 'daily', time: '0430', retention: 7 },
      });
      state.disk = disk;

      check(disk instanceof ctx.Storage, 'createStorage resolves to a Storage');
      equal(disk.size, 10, 'size');
      equal(disk.encrypted, true, 'encrypted');
      equal(disk.state, 'online', 'state');
      equal(disk.type, 'normal', 'type');
      equal(disk.zone, ZONE, 'zone');
      sameJson(disk.labels, [{ key: 'color', value: 'green' }], 'labels');
      sameJson(disk.backupRule, { interval: 'daily', time: '0430', retention: 7 }, 'backupRule');
      equal(disk.origin, null, 'origin of a disk');

      const data = JSON.parse(JSON.stringify(disk));
      sameJson(data.labels, disk.labels, 'labels after JSON.stringify');
      check('origin' in data && data.origin === null, 'JSON.stringify keeps null fields');
      check(!('update' in data), 'JSON.stringify gives data fields only');
      sameJson(Object.keys({ ...disk }), Object.keys(data), 'spread gives the data fields');
    },
  },
  {
    name: 'getStorage returns the same storage',
    async run(ctx, state) {
      const fetched = await state.manager.getStorage(state.disk.uuid);
      check(fetched instanceof ctx.Storage, 'getStorage resolves to a Storage');
      equal(fetched.uuid, state.disk.uuid, 'uuid');
      equal(fetched.title, 'scenario disk', 'title');
      check(Array.isArray(fetched.backups) && Array.isArray(fetched.servers), 'backups and servers are arrays');
    },
  },
  {
    name: 'getStorages filters by kind and labels',
    async run(ctx, state) {
      const mgr = state.manager;
      const other = await newDisk(ctx, mgr, 'red disk', { labels: [{ key: 'color', value: 'red' }] });

      const normal = await mgr.getStorages();
      check(normal.some((s) => s.uuid === state.disk.uuid), 'the default (normal) list has the disk');
      check(normal.every((s) => s.type === 'normal'), 'the default list has only normal storages');
      check(normal.every((s) => s instanceof ctx.Storage), 'list items are Storage objects');

      const green = await mgr.getStorages('private', { labels: ['color=green'] });
      sameJson(green.map((s) => s.uuid), [state.disk.uuid], 'color=green');
      const colored = await mgr.getStorages('all', { labels: ['color'] });
      sameJson(colored.map((s) => s.uuid).sort(), [state.disk.uuid, other.uuid].sort(), 'label key only');
      const none = await mgr.getStorages('normal', { labels: ['color=blue'] });
      equal(none.length, 0, 'no storage is blue');
      const templates = await mgr.getStorages('template');
      check(templates.every((s) => s.type === 'template'), 'the template list has only templates');

      await mgr.deleteStorage(other.uuid);
    },
  },
  {
    name: 'update changes the storage in place',
    async run(ctx, state) {
      const disk = state.disk;
      const same = await disk.update({ title: 'renamed disk', size: 20 });
      check(same === disk, 'update resolves to the same object');
      equal(disk.title, 'renamed disk', 'title after update');
      equal(disk.size, 20, 'size after update');
      const fetched = await state.manager.getStorage(disk.uuid);
      equal(fetched.title, 'renamed disk', 'title as the API reports it');
    },
  },
  {
    name: 'clone then cancel the clone',
    async run(ctx, state) {
      const clone = await state.disk.clone({ title: 'clone to cancel', zone: ZONE });
      check(clone instanceof ctx.Storage, 'clone resolves to a Storage');
      check(clone.uuid !== state.disk.uuid, 'the clone is a new storage');
      equal(clone.state, 'maintenance', 'a fresh clone is in maintenance');

      await clone.cancelCloning();
      const error = await rejection(state.manager.getStorage(clone.uuid), 'get of a cancelled clone');
      checkError(ctx, error, { code: 'STORAGE_NOT_FOUND', status: 404 }, 'get of a cancelled clone');
      await state.disk.waitFor('online', FAST_WAIT);
    },
  },
  {
    name: 'clone and wait until online',
    async run(ctx, state) {
      const clone = await state.disk.clone({ title: 'finished clone', zone: ZONE, tier: 'standard' });
      const polled = [];
      const online = await clone.waitFor('online', { ...FAST_WAIT, onPoll: (s) => polled.push(s.state) });
      check(online === clone, 'waitFor resolves to the same object');
      equal(clone.state, 'online', 'state after waitFor');
      check(polled.length > 0 && polled.at(-1) === 'online', `onPoll saw ${JSON.stringify(polled)}`);
      await state.manager.deleteStorage(clone.uuid);
    },
  },
  {
    name: 'backup and restore',
    async run(ctx, state) {
      const backup = await state.disk.createBackup('scenario backup');
      equal(backup.type, 'backup', 'type of a backup');
      equal(backup.origin, state.disk.uuid, 'origin of the backup');
      await backup.waitFor('online', FAST_WAIT);
      await state.disk.waitFor('online', FAST_WAIT);

      await state.disk.reload();
      check(state.disk.backups.includes(backup.uuid), 'the disk lists its backup');

      await backup.restoreBackup();
      await state.manager.waitForStorageState(state.disk.uuid, 'online', FAST_WAIT);
      state.backup = backup;
    },
  },
  {
    name: 'templatize, wait, then clone the template',
    async run(ctx, state) {
      const template = await state.disk.templatize('scenario template');
      equal(template.type, 'template', 'type of a template');
      await template.waitFor('online', FAST_WAIT);
      await state.disk.waitFor('online', FAST_WAIT);

      const fromTemplate = await template.clone({ title: 'from template', zone: ZONE });
      await fromTemplate.waitFor('online', FAST_WAIT);
      equal(fromTemplate.type, 'normal', 'a clone of a template is a disk');
      await state.manager.deleteStorage(fromTemplate.uuid);
      await state.manager.deleteStorage(template.uuid);
    },
  },
  {
    name: 'http import completes',
    async run(ctx, state) {
      const mgr = state.manager;
      const target = await newDisk(ctx, mgr, 'import target');
      const created = await mgr.createStorageImport({
        storage: target.uuid, source: 'http_import', sourceLocation: ctx.sourceUrl,
      });
      equal(created.source, 'http_import', 'source');
      equal(created.directUploadUrl, null, 'an http import has no upload URL');
      check(!(created instanceof ctx.Storage), 'an import is a plain object');

      const states = [];
      const done = await mgr.waitForStorageImport(target.uuid, { ...FAST_WAIT, onPoll: (i) => states.push(i.state) });
      equal(done.state, 'completed', 'final state');
      equal(done.writtenBytes, ctx.sourceLength, 'writtenBytes');
      equal(done.readBytes, ctx.sourceLength, 'readBytes');
      check(typeof done.sha256sum === 'string' && done.sha256sum.length === 64, 'sha256sum is hex');
      equal(done.errorCode, null, 'errorCode of a completed import');

      const details = await mgr.getStorageImportDetails(target.uuid);
      equal(details.uuid, created.uuid, 'details are of the same import');
      await mgr.waitForStorageState(target.uuid, 'online', FAST_WAIT);
      await mgr.deleteStorage(target.uuid);
    },
  },
  {
    name: 'delete with each backups policy',
    async run(ctx, state) {
      const mgr = state.manager;
      const expectations = { keep: 2, keep_latest: 1, delete: 0 };
      for (const [policy, remaining] of Object.entries(expectations)) {
        const disk = await newDisk(ctx, mgr, `delete ${policy}`);
        const backups = [];
        for (const title of ['first', 'second']) {
          const backup = await disk.createBackup(`${policy} ${title}`);
          await backup.waitFor('online', FAST_WAIT);
          await disk.waitFor('online', FAST_WAIT);
          backups.push(backup.uuid);
        }

        await disk.destroy({ backups: policy });
        const left = (await mgr.getStorages('backup')).filter((s) => backups.includes(s.uuid));
        equal(left.length, remaining, `backups left after backups=${policy}`);
        if (policy === 'keep_latest') {
          equal(left[0].uuid, backups[1], 'keep_latest keeps the newest backup');
        }
        for (const backup of left) {
          await mgr.deleteStorage(backup.uuid);
        }
      }
    },
  },
  {
    name: 'not found is 404 STORAGE_NOT_FOUND',
    async run(ctx, state) {
      const error = await rejection(state.manager.getStorage(MISSING_UUID), 'get of a missing storage');
      checkError(ctx, error, { code: 'STORAGE_NOT_FOUND', status: 404 }, 'get of a missing storage');
    },
  },
  {
    name: 'wrong state is 409',
    async run(ctx, state) {
      const disk = await newDisk(ctx, state.manager, 'busy disk');
      await ctx.control.setState(disk.uuid, { state: 'maintenance', seconds: 1 });
      const error = await rejection(state.manager.deleteStorage(disk.uuid), 'delete of a busy storage');
      checkError(ctx, error, { code: 'STORAGE_STATE_ILLEGAL', status: 409 }, 'delete of a busy storage');

      await state.manager.deleteStorage(disk.uuid, {}, { waitUntilOnline: true });
    },
  },
  {
    name: 'bad arguments fail before any request',
    async run(ctx, state) {
      const mgr = state.manager;
      await ctx.control.clearRequests();
      const cases = [
        [() => mgr.createStorage({ zone: ZONE, size: '10', title: 't' }), 'size'],
        [() => mgr.createStorage({ zone: ZONE, size: 10, title: 't', encrypt: true }), 'encrypt'],
        [() => mgr.getStorage(42), 'uuid'],
        [() => mgr.getStorages('everything'), 'filter'],
        [() => mgr.modifyStorage(state.disk.uuid, { ...state.disk, title: 'x' }), undefined],
        [() => mgr.waitForStorageState(state.disk.uuid, 'online', { timeout: 5 }), 'timeout'],
      ];
      for (const [call, field] of cases) {
        const error = await rejection(call(), `validation of ${field}`);
        checkError(ctx, error, { code: 'VALIDATION_ERROR', status: null }, `validation of ${field}`);
        if (field !== undefined) {
          equal(error.field, field, 'field of the validation error');
        }
      }
      equal((await apiRequests(ctx, {})).length, 0, 'API requests sent for invalid arguments');

      const fine = await mgr.getStorage(state.disk.uuid);
      equal(fine.uuid, state.disk.uuid, 'the manager still works');
    },
  },
  {
    name: 'GET retries 503 and succeeds',
    async run(ctx, state) {
      const path = `/1.3/storage/${state.disk.uuid}`;
      await ctx.control.clearRequests();
      await ctx.control.faults({ method: 'GET', path_prefix: path, count: 2, status: 503, body: '', content_type: 'text/plain' });
      const fetched = await state.manager.getStorage(state.disk.uuid);
      equal(fetched.uuid, state.disk.uuid, 'uuid after retries');
      equal((await apiRequests(ctx, { method: 'GET', pathPrefix: path })).length, 3, 'GET attempts');
    },
  },
  {
    name: '429 Retry-After is honoured',
    async run(ctx, state) {
      const path = `/1.3/storage/${state.disk.uuid}`;
      await ctx.control.faults({
        method: 'GET', path_prefix: path, count: 1, status: 429, retry_after: '1', body: 'slow down', content_type: 'text/plain',
      });
      const started = Date.now();
      await state.manager.getStorage(state.disk.uuid);
      const elapsed = Date.now() - started;
      check(elapsed >= 950, `the retry came after ${elapsed} ms, before Retry-After`);
    },
  },
  {
    name: 'POST answered 503 is not resent',
    async run(ctx, state) {
      const path = `/1.3/storage/${state.disk.uuid}/clone`;
      await ctx.control.clearRequests();
      await ctx.control.faults({ method: 'POST', path_prefix: path, count: 1, status: 503, body: '', content_type: 'text/plain' });
      const error = await rejection(state.disk.clone({ title: 'must not exist', zone: ZONE }), 'clone answered 503');
      checkError(ctx, error, { status: 503 }, 'clone answered 503');
      equal((await apiRequests(ctx, { method: 'POST', pathPrefix: path })).length, 1, 'clone attempts');
      const clones = (await state.manager.getStorages('private')).filter((s) => s.title === 'must not exist');
      equal(clones.length, 0, 'clones made');
    },
  },
  {
    name: 'already aborted signal sends nothing',
    async run(ctx, state) {
      await ctx.control.clearRequests();
      const controller = new AbortController();
      controller.abort();
      const error = await rejection(
        state.manager.getStorages('private', {}, { signal: controller.signal }),
        'list with an aborted signal',
      );
      checkError(ctx, error, { code: 'ABORTED', status: null }, 'list with an aborted signal');
      equal((await apiRequests(ctx, {})).length, 0, 'API requests sent');
    },
  },
  {
    name: 'abort during a wait rejects ABORTED',
    async run(ctx, state) {
      const disk = await newDisk(ctx, state.manager, 'abort target');
      await ctx.control.setState(disk.uuid, { state: 'maintenance', seconds: 5 });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 200);
      const error = await rejection(
        disk.waitFor('online', { ...FAST_WAIT, signal: controller.signal }),
        'wait aborted after 200 ms',
      );
      checkError(ctx, error, { code: 'ABORTED' }, 'wait aborted after 200 ms');
      const elapsed = Date.now() - started;
      check(elapsed < 1500, `the aborted wait settled after ${elapsed} ms`);
    },
  },
  {
    name: 'slow answer rejects TIMEOUT',
    async run(ctx, state) {
      const path = `/1.3/storage/${state.disk.uuid}`;
      await ctx.control.faults({ method: 'GET', path_prefix: path, count: 1, latency_ms: 3000 });
      const impatient = manager(ctx, { timeoutMs: 300, retries: 0 });
      const started = Date.now();
      const error = await rejection(impatient.getStorage(state.disk.uuid), 'call slower than timeoutMs');
      checkError(ctx, error, { code: 'TIMEOUT', status: null }, 'call slower than timeoutMs');
      const elapsed = Date.now() - started;
      check(elapsed < 2000, `the timeout fired after ${elapsed} ms`);
      await ctx.control.clearFaults();
    },
  },
  {
    name: 'wait gives up with TIMEOUT',
    async run(ctx, state) {
      const disk = await newDisk(ctx, state.manager, 'never ready');
      await ctx.control.setState(disk.uuid, { state: 'maintenance', seconds: 10 });
      const error = await rejection(
        state.manager.waitForStorageState(disk.uuid, 'online', { intervalMs: 100, timeoutMs: 500 }),
        'wait past its timeoutMs',
      );
      checkError(ctx, error, { code: 'TIMEOUT' }, 'wait past its timeoutMs');
      equal(error.storageUuid, disk.uuid, 'storageUuid of the wait timeout');
    },
  },
  {
    name: 'clean up the scenario disk',
    async run(ctx, state) {
      await state.manager.deleteStorage(state.disk.uuid, { backups: 'delete' }, { waitUntilOnline: true });
      const error = await rejection(state.manager.getStorage(state.disk.uuid), 'get after delete');
      checkError(ctx, error, { code: 'STORAGE_NOT_FOUND', status: 404 }, 'get after delete');
    },
  },
];

/**
 * Runs every step in order and resolves to `[{ name, ok, ms, error }]`.
 * A failed step does not stop the later ones; steps that need its results
 * fail on their own.
 */
export async function runScenario(ctx) {
  const state = {};
  const results = [];
  for (const step of steps) {
    const started = Date.now();
    try {
      await step.run(ctx, state);
      results.push({ name: step.name, ok: true, ms: Date.now() - started });
    } catch (error) {
      const detail = error instanceof CheckFailed ? error.message : String(error?.stack ?? error);
      results.push({ name: step.name, ok: false, ms: Date.now() - started, error: detail });
    }
  }
  return results;
}

