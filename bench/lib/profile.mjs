// Attributes the CPU time of an in-process call to parts of the package
// with V8's sampling profiler, to explain a missed decoding target.

import { Session } from 'node:inspector/promises';

// Categories by the profile node's function name and script URL, first
// match wins.
const CATEGORIES = [
  ['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
  ['wasm code (parsing, normalising, writing the result as JSON)', (frame) => frame.functionName.startsWith('wasm-function')],
  ['result JSON read out of wasm memory (TextDecoder)', (frame) => /^(decode|decodeUTF8)$/.test(frame.functionName)],
  ['wasm-bindgen JS glue (copying the body into wasm memory)', (frame) => frame.url.endsWith('/upcloud_storage.js') || frame.functionName.startsWith('wasm-to-js')],
  ['JSON.parse of the result and Storage objects (JS)', (frame) => frame.url.includes('/snippets/') || frame.url.endsWith('/storage.js')],
  ['response body and fetch (JS)', (frame) => /^(text|arrayBuffer|consumeBody|fetchFromMemory)$/.test(frame.functionName)],
];

function categoryOf(frame) {
  const match = CATEGORIES.find(([, test]) => test(frame));
  return match ? match[0] : 'other JS and runtime';
}

/**
 * Runs `fn` `runs` times under the profiler and resolves to
 * `[[category, share], …]`, largest share first, shares summing to 1.
 */
export async function profileShares(fn, runs) {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    for (let i = 0; i < runs; i++) await fn();
    const { profile } = await session.post('Profiler.stop');

    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const microseconds = new Map();
    profile.samples.forEach((id, index) => {
      const frame = nodes.get(id).callFrame;
      // Idle time between awaits is not the calls' cost.
      if (frame.functionName === '(idle)') return;
      const category = categoryOf(frame);
      microseconds.set(category, (microseconds.get(category) ?? 0) + (profile.timeDeltas[index] ?? 0));
    });

    const total = [...microseconds.values()].reduce((sum, value) => sum + value, 0);
    return [...microseconds.entries()].map(([category, value]) => [category, value / total]).sort((a, b) => b[1] - a[1]);
  } finally {
    session.disconnect();
  }
}
