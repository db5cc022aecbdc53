// Dedicated module worker: runs the shared listing script with the browser
// entry of the package, which must work where there is no `window`.
import { listStorages } from '/shared/list-storages.mjs';

const entry = new URLSearchParams(location.search).get('entry');
const unhandled = [];
self.addEventListener('unhandledrejection', (event) => {
  unhandled.push(String(event.reason));
});

self.onmessage = async (event) => {
  let result;
  try {
    const { CloudManager } = await import(entry);
    result = await listStorages(CloudManager, event.data);
  } catch (error) {
    result = { error: { message: `loading the package failed: ${error?.message ?? error}` } };
  }
  self.postMessage({ ...result, hasWindow: typeof window !== 'undefined', unhandled });
};
