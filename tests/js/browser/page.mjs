// Imports the browser entry without calling init() (unless `?init=1`), runs
// the flow in the page and in a dedicated module Worker, and publishes the
// results on `window.results`.
import * as pkg from '/pkg/web.js';

import { runFlow } from './flow.mjs';

const explicitInit = new URLSearchParams(location.search).get('init') === '1';

function inWorker() {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ explicitInit });
  });
}

try {
  const page = await runFlow(pkg, { explicitInit });
  const worker = await inWorker();
  window.results = { page, worker };
} catch (error) {
  window.results = { error: String(error?.stack ?? error) };
}
