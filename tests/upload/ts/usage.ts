// Compiled with `tsc --noEmit --strict` against the package's types: the
// upload methods as a control panel calls them.
import {
  CloudManager,
  type ImportFromFileOptions,
  type StorageImport,
  type UploadProgress,
  type UploadResult,
} from '../../../pkg/index.js';

async function uploads(manager: CloudManager, file: File, stream: ReadableStream<Uint8Array>): Promise<void> {
  const controller = new AbortController();
  const phases: Array<UploadProgress['phase']> = [];
  const options: ImportFromFileOptions = {
    onProgress: (progress) => phases.push(progress.phase),
    signal: controller.signal,
    verify: true,
    timeoutMs: 60_000,
    cancelImportOnAbort: true,
    waitForOnline: true,
    pollIntervalMs: 2_000,
    waitTimeoutMs: 3_600_000,
  };
  const done: StorageImport = await manager.importStorageFromFile('01000000-0000-4000-8000-000000000000', file, options);
  const written: number = done.writtenBytes;

  const created = await manager.createStorageImport({ storage: '01000000-0000-4000-8000-000000000000', source: 'direct_upload' });
  const result: UploadResult = await manager.uploadFileForStorageImport(created, stream, {
    size: 1024,
    contentType: 'application/x-xz',
    storageSize: 10,
  });
  const digest: string | null = result.sha256sum;
  console.log(written, digest, result.readBytes, result.contentType, phases);
}

void uploads;
