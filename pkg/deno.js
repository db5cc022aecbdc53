// Deno entry: reads and instantiates the .wasm with top-level await on
// import, so `new CloudManager(...)` works with no init call. Reading the
// file needs read permission for the package directory.
import initWasm from './dist/upcloud_storage.js';

await initWasm({
  module_or_path: await Deno.readFile(new URL('./dist/upcloud_storage_bg.wasm', import.meta.url)),
});

export { CloudManager } from './dist/upcloud_storage.js';
export { UpCloudError, Storage } from './dist/classes.js';

/** Does nothing here: this entry is ready as soon as it is imported. */
export async function init() {}
