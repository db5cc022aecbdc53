// The signed-in session's state and the loop that keeps the screen current:
// one refresh loads the list, the selected storage and every storage an
// operation is watching, and repeats every second while any of them is busy.

import * as api from './api.js';
import { showError } from './notify.js';

/** States in which a storage is done changing. Any other state is polled. */
const SETTLED_STATES = new Set(['online', 'error']);
const POLL_INTERVAL_MS = 1000;
// A storage can stay busy for hours (a large clone), so after a while the
// loop polls less often rather than sending a request every second.
const SLOW_POLL_AFTER_MS = 120_000;
const SLOW_POLL_INTERVAL_MS = 5000;

export const app = {
  /** The CloudManager of the signed-in session, or `null` when signed out. */
  manager: null,
  /** Aborted on sign-out, which stops every request the session started. */
  session: null,
  filter: 'normal',
  labels: [],
  storages: [],
  selectedUuid: null,
  /** Full details of the selected storage, as last fetched. */
  selected: null,
  /** Titles of every storage seen, so backups and origins can be named. */
  titles: new Map(),
  /** uuid → callback that receives each fetched Storage (or `null` once it is gone). */
  watchers: new Map(),
  /** Render hooks set by main.js. */
  view: { list() {}, details() {} },
};

let refreshController = null;
let pollTimer = 0;
let busySince = 0;

/** Returns whether a storage is in the middle of an operation. */
export function isBusy(storage) {
  return Boolean(storage) && !SETTLED_STATES.has(storage.state);
}

/** Starts a session for a signed-in manager. */
export function startSession(manager, session) {
  app.manager = manager;
  app.session = session;
}

/** Forgets the manager (and with it the credentials) and stops every request and timer. */
export function endSession() {
  app.session?.abort();
  refreshController = null;
  clearTimeout(pollTimer);
  pollTimer = 0;
  app.manager = null;
  app.session = null;
  app.storages = [];
  app.selectedUuid = null;
  app.selected = null;
  app.titles.clear();
  app.watchers.clear();
}

/**
 * Calls `onUpdate` with the storage on every refresh until it returns `true`.
 * It receives `null` when the storage no longer exists.
 */
export function watchStorage(uuid, onUpdate) {
  app.watchers.set(uuid, onUpdate);
  schedulePoll(0);
}

/**
 * Reloads the list, the selected storage and the watched storages, then
 * schedules the next poll when anything is still busy. A newer refresh aborts
 * an older one that is still running. Resolves to whether the list loaded;
 * a failure is shown in the error banner.
 */
export async function refresh() {
  if (!app.manager) {
    return false;
  }
  clearTimeout(pollTimer);
  pollTimer = 0;
  refreshController?.abort();
  const controller = new AbortController();
  refreshController = controller;
  const signal = AbortSignal.any([controller.signal, app.session.signal]);

  try {
    const [storages] = await Promise.all([
      api.listStorages(app.manager, app.filter, app.labels, signal),
      refreshSelected(signal),
      refreshWatched(signal),
    ]);
    if (signal.aborted) {
      return false;
    }
    app.storages = storages;
    rememberTitles(storages);
    app.view.list();
    return true;
  } catch (error) {
    if (!signal.aborted) {
      showError('Could not load storages', error);
    }
    return false;
  } finally {
    if (refreshController === controller) {
      refreshController = null;
      if (!signal.aborted) {
        schedulePoll();
      }
    }
  }
}

/** Remembers the title of each storage by UUID. */
export function rememberTitles(storages) {
  for (const storage of storages) {
    app.titles.set(storage.uuid, storage.title);
  }
}

function schedulePoll(delay) {
  if (!app.manager || pollTimer || refreshController) {
    return;
  }
  const busy = app.storages.some(isBusy) || isBusy(app.selected) || app.watchers.size > 0;
  if (!busy) {
    busySince = 0;
    return;
  }
  const now = performance.now();
  busySince ||= now;
  const interval = now - busySince > SLOW_POLL_AFTER_MS ? SLOW_POLL_INTERVAL_MS : POLL_INTERVAL_MS;
  pollTimer = setTimeout(() => {
    pollTimer = 0;
    refresh();
  }, delay ?? interval);
}

async function refreshSelected(signal) {
  const uuid = app.selectedUuid;
  if (!uuid) {
    return;
  }
  const storage = await fetchOrNull(uuid, signal);
  if (signal.aborted || app.selectedUuid !== uuid) {
    return;
  }
  app.selected = storage;
  if (storage) {
    app.titles.set(uuid, storage.title);
    await nameBackups(storage, signal);
  }
  app.view.details();
}

async function refreshWatched(signal) {
  await Promise.all([...app.watchers].map(async ([uuid, onUpdate]) => {
    const storage = await fetchOrNull(uuid, signal);
    if (signal.aborted || app.watchers.get(uuid) !== onUpdate) {
      return;
    }
    if (onUpdate(storage)) {
      app.watchers.delete(uuid);
    }
  }));
}

async function fetchOrNull(uuid, signal) {
  try {
    return await api.getStorage(app.manager, uuid, signal);
  } catch (error) {
    if (error?.code === 'STORAGE_NOT_FOUND') {
      return null;
    }
    throw error;
  }
}

// Backups appear in a storage's details as bare UUIDs; one list call of the
// account's backups names all of them.
async function nameBackups(storage, signal) {
  const unnamed = (storage.backups ?? []).some((uuid) => !app.titles.has(uuid));
  if (!unnamed) {
    return;
  }
  rememberTitles(await api.listStorages(app.manager, 'backup', [], signal));
}
