// Creates and removes the storage and direct-upload import that one upload
// run writes into. This setup is never part of a timed figure.

const GIB = 2 ** 30;
// UpCloud's tools disagree whether the minimum size is 1 or 10 GiB, so
// the target is never smaller than 10 GiB; the mock's data file is sparse.
const MIN_STORAGE_GIB = 10;
const SETTLE_TIMEOUT_MS = 120_000;
// The mock finishes an import within a second, so short polls keep the
// untimed cleanup between runs from adding minutes to `make bench`.
const POLL_INTERVAL_MS = 100;

/**
 * Creates a storage big enough for `bytes` and a direct-upload import into
 * it; resolves to `{ storage, storageImport }`.
 */
export async function createUploadTarget(manager, { zone, bytes }) {
  const size = Math.max(MIN_STORAGE_GIB, Math.ceil(bytes / GIB) + 1);
  const storage = await manager.createStorage({ zone, size, title: 'bench upload target', tier: 'maxiops' });
  const storageImport = await manager.createStorageImport({ storage: storage.uuid, source: 'direct_upload' });
  return { storage, storageImport };
}

/**
 * Waits for the import to finish and the storage to come back online, then
 * deletes the storage so that the mock frees its data file.
 */
export async function removeUploadTarget(manager, storageUuid) {
  const wait = { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS };
  await manager.waitForStorageImport(storageUuid, wait);
  await manager.waitForStorageState(storageUuid, 'online', wait);
  await manager.deleteStorage(storageUuid);
}
