// Browser side of the fault suite. The Node driver opens index.html with
// `?entry=<browser entry of the package>` and calls `window.faultSuite`
// through page.evaluate; every function returns plain data.
const params = new URLSearchParams(location.search);
const entry = params.get('entry');

const unhandled = [];
window.addEventListener('unhandledrejection', (event) => {
  unhandled.push(String(event.reason?.stack ?? event.reason));
});

const pkg = await import(entry);

function describeError(error) {
  return {
    isUpCloudError: error instanceof pkg.UpCloudError,
    isError: error instanceof Error,
    name: error?.name ?? null,
    code: error?.code ?? null,
    status: error?.status ?? null,
    message: String(error?.message ?? error),
  };
}

function selectedFile() {
  const file = document.getElementById('image').files[0];
  if (!file) {
    throw new Error('no file is set on the input');
  }
  return file;
}

function manager({ apiBase, token }) {
  return new pkg.CloudManager({ token }, { baseUrl: apiBase });
}

async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: describeError(error) };
  }
}

function progressLog() {
  const events = [];
  return { events, onProgress: (event) => events.push({ ...event }) };
}

window.faultSuite = {
  noStream: Boolean(globalThis.faultSuiteNoStream),

  /** Imports the selected File into a storage in one call. */
  async importSelected({ apiBase, token, storageUuid }) {
    const progress = progressLog();
    const outcome = await settle(manager({ apiBase, token }).importStorageFromFile(
      storageUuid, selectedFile(), { onProgress: progress.onProgress, pollIntervalMs: 50 },
    ));
    return { ...outcome, value: outcome.value && { ...outcome.value }, progress: progress.events };
  },

  /** Uploads the selected File as a ReadableStream with a known size. */
  async uploadSelectedAsStream({ apiBase, token, storageUuid }) {
    const client = manager({ apiBase, token });
    const file = selectedFile();
    const created = await client.createStorageImport({ storage: storageUuid, source: 'direct_upload' });
    const progress = progressLog();
    const outcome = await settle(client.uploadFileForStorageImport(created, file.stream(), {
      size: file.size, onProgress: progress.onProgress,
    }));
    return { ...outcome, value: outcome.value && { ...outcome.value }, progress: progress.events };
  },

  /** Uploads the selected File and aborts `afterMs` after the first bytes are sent. */
  async abortSelected({ apiBase, token, storageUuid, afterMs }) {
    const client = manager({ apiBase, token });
    const created = await client.createStorageImport({ storage: storageUuid, source: 'direct_upload' });
    const controller = new AbortController();
    let abortedAt;
    const abortSoonAfterStart = (event) => {
      if (abortedAt === undefined && event.phase === 'uploading' && event.loaded > 0) {
        abortedAt = null;
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, afterMs);
      }
    };
    const outcome = await settle(client.uploadFileForStorageImport(
      created, selectedFile(), { signal: controller.signal, onProgress: abortSoonAfterStart },
    ));
    return { ...outcome, value: undefined, lateMs: performance.now() - abortedAt };
  },

  /** Runs the shared listing script in a dedicated module worker. */
  listInWorker({ apiBase, token }) {
    const worker = new Worker(`/browser/worker.mjs?entry=${encodeURIComponent(entry)}`, { type: 'module' });
    return new Promise((resolve) => {
      worker.onmessage = (event) => {
        worker.terminate();
        resolve(event.data);
      };
      worker.onerror = (event) => {
        worker.terminate();
        resolve({ error: { message: `worker failed: ${event.message}` } });
      };
      worker.postMessage({ apiBase, token });
    });
  },

  unhandledRejections() {
    return [...unhandled];
  },
};

window.faultSuiteReady = true;
