// A Worker that imports a generated image when asked. The Node driver
// POSTs `{ apiBase, token, storageUuid, size }` and gets the outcome and the
// progress events as JSON.
import { CloudManager } from './pkg/workerd.js';

function imageBytes(length) {
  const bytes = new Uint8Array(length);
  let state = 7;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes.set([0xeb, 0x63, 0x90], 0);
  return bytes;
}

export default {
  async fetch(request) {
    const { apiBase, token, storageUuid, size } = await request.json();
    const manager = new CloudManager({ token }, { baseUrl: apiBase });
    const events = [];
    const outcome = { progress: events };
    try {
      const done = await manager.importStorageFromFile(storageUuid, new Blob([imageBytes(size)]), {
        pollIntervalMs: 50, onProgress: (event) => events.push({ ...event }),
      });
      outcome.value = { state: done.state, writtenBytes: done.writtenBytes, sha256sum: done.sha256sum };
    } catch (error) {
      outcome.error = { code: error.code ?? null, message: String(error.message ?? error) };
    }
    return Response.json(outcome);
  },
};
