// The one place where the page calls the package. Every call takes an
// AbortSignal, so signing out or closing a dialog stops what it started.

import { CloudManager } from '/pkg/web.js';

/**
 * Makes a manager and checks the credentials with one small list call.
 * Resolves to the manager; rejects with the package's UpCloudError
 * (`AUTHENTICATION_FAILED` for wrong credentials).
 */
export async function signIn(credentials, baseUrl, signal) {
  const manager = new CloudManager(credentials, { baseUrl });
  await manager.getStorages('private', {}, { signal });
  return manager;
}

/** Lists storages of one kind (`normal`, `backup`, … or `all`), optionally filtered by labels. */
export function listStorages(manager, filter, labels, signal) {
  return manager.getStorages(filter, { labels }, { signal });
}

export function getStorage(manager, uuid, signal) {
  return manager.getStorage(uuid, { signal });
}

export function createStorage(manager, settings, signal) {
  return manager.createStorage(settings, { signal });
}

export function modifyStorage(manager, uuid, changes, signal) {
  return manager.modifyStorage(uuid, changes, { signal });
}

export function deleteStorage(manager, uuid, backups, signal) {
  return manager.deleteStorage(uuid, backups ? { backups } : {}, { signal });
}

export function cloneStorage(manager, uuid, settings, signal) {
  return manager.cloneStorage(uuid, settings, { signal });
}

export function cancelClone(manager, cloneUuid, signal) {
  return manager.cancelCloneStorage(cloneUuid, { signal });
}

export function createBackup(manager, uuid, title, signal) {
  return manager.createStorageBackup(uuid, title, { signal });
}

export function restoreBackup(manager, backupUuid, signal) {
  return manager.restoreStorageBackup(backupUuid, { signal });
}

export function templatize(manager, uuid, title, signal) {
  return manager.templatizeStorage(uuid, title, { signal });
}

export function resizeFilesystem(manager, uuid, signal) {
  return manager.resizeStorageFilesystem(uuid, { signal });
}

export function importFromUrl(manager, uuid, sourceLocation, signal) {
  return manager.createStorageImport({ storage: uuid, source: 'http_import', sourceLocation }, { signal });
}

/** Polls an import until it completes; `onPoll` receives each StorageImport on the way. */
export function waitForImport(manager, uuid, onPoll, signal) {
  return manager.waitForStorageImport(uuid, { onPoll, signal });
}

export function cancelImport(manager, uuid, signal) {
  return manager.cancelStorageImport(uuid, { signal });
}

/**
 * Uploads `file` into the storage and waits until the import completes and
 * the storage is online again. `onProgress` receives `{ phase, loaded, total }`.
 * Aborting also cancels the import on UpCloud's side, so the disk does not
 * stay reserved by an import that will never receive its data.
 */
export function importFromFile(manager, uuid, file, onProgress, signal) {
  return manager.importStorageFromFile(uuid, file, {
    onProgress,
    signal,
    waitForOnline: true,
    cancelImportOnAbort: true,
    pollIntervalMs: 1000,
  });
}
