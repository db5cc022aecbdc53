// A dedicated module Worker that runs the flow with the browser entry.
import * as pkg from '/pkg/web.js';

import { runFlow } from './flow.mjs';

self.onmessage = async (event) => {
  try {
    self.postMessage(await runFlow(pkg, event.data));
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
