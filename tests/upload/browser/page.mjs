// Browser side of the upload suite. The Node driver sets a File on the
// input and calls `window.uploadSuite` through page.evaluate; every
// function returns plain data. The page is served by the mock, so the API
// and the uploader share its origin.
import { CloudManager, UpCloudError } from '/pkg/web.js';

const unhandled = [];
window.addEventListener('unhandledrejection', (event) => {
  unhandled.push(String(event.reason?.stack ?? event.reason));
});

function selectedFile() {
  const file = document.getElementById('image').files[0];
  if (!file) {
    throw new Error('no file is set on the input');
  }
  return file;
}

function describeError(error) {
  return {
    isUpCloudError: error instanceof UpCloudError,
    code: error?.code ?? null,
    message: String(error?.message ?? error),
    storageUuid: error?.storageUuid ?? null,
  };
}

/** Returns the protocol of the last request to the uploader, from resource timing. */
function uploadProtocol() {
  const entries = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/uploader/session/'));
  return entries.at(-1)?.nextHopProtocol ?? null;
}

window.uploadSuite = {
  /**
   * Imports the selected File into `storageUuid`; with `abortAfterMs`,
   * aborts it that long after the start. Returns the outcome, the progress
   * events, the upload's protocol and how late a rejection came after the
   * abort.
   */
  async importSelected({ token, storageUuid, abortAfterMs = null, options = {} }) {
    const manager = new CloudManager({ token }, { baseUrl: `${location.origin}/1.3` });
    const events = [];
    const controller = new AbortController();
    let abortedAt = null;
    if (abortAfterMs !== null) {
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      }, abortAfterMs);
    }
    const outcome = {};
    try {
      const done = await manager.importStorageFromFile(storageUuid, selectedFile(), {
        pollIntervalMs: 50, signal: controller.signal, onProgress: (event) => events.push({ ...event }), ...options,
      });
      outcome.value = { ...done };
    } catch (error) {
      outcome.error = describeError(error);
    }
    outcome.lateMs = abortedAt === null ? null : performance.now() - abortedAt;
    outcome.progress = events;
    outcome.protocol = uploadProtocol();
    return outcome;
  },

  /** Imports the selected File as a ReadableStream with its size. */
  async importSelectedStream({ token, storageUuid }) {
    const manager = new CloudManager({ token }, { baseUrl: `${location.origin}/1.3` });
    const file = selectedFile();
    const events = [];
    const outcome = {};
    try {
      const done = await manager.importStorageFromFile(storageUuid, file.stream(), {
        size: file.size, pollIntervalMs: 50, onProgress: (event) => events.push({ ...event }),
      });
      outcome.value = { ...done };
    } catch (error) {
      outcome.error = describeError(error);
    }
    outcome.progress = events;
    outcome.protocol = uploadProtocol();
    return outcome;
  },

  unhandledRejections() {
    return [...unhandled];
  },
};
window.uploadSuiteReady = true;
