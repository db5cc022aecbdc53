// Imports an image in Deno, run by the Node driver as
// `deno run --allow-net --allow-read upload.mjs '<json args>'`. Prints one
// JSON line: the outcome and the progress events.
import { CloudManager } from '../../../pkg/deno.js';

const { apiBase, token, storageUuid, imagePath, asStream } = JSON.parse(Deno.args[0]);
const manager = new CloudManager({ token }, { baseUrl: apiBase });
const events = [];
const options = { pollIntervalMs: 50, onProgress: (event) => events.push({ ...event }) };

let source;
if (asStream) {
  const file = await Deno.open(imagePath);
  options.size = (await file.stat()).size;
  source = file.readable;
} else {
  source = new Blob([await Deno.readFile(imagePath)]);
}

const outcome = { progress: events };
try {
  const done = await manager.importStorageFromFile(storageUuid, source, options);
  outcome.value = { state: done.state, writtenBytes: done.writtenBytes, sha256sum: done.sha256sum };
} catch (error) {
  outcome.error = { code: error.code ?? null, message: String(error.message ?? error) };
}
console.log(JSON.stringify(outcome));
