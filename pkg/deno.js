// Deno entry: the .wasm is loaded as a module with a source phase import, so
// Deno compiles it while loading the module graph and no file permission is
// needed, then it is instantiated synchronously. `new CloudManager(...)`
// works with no init call.
import source wasmModule from './dist/upcloud_storage_bg.wasm';
import { initSync } from './dist/upcloud_storage.js';

initSync({ module: wasmModule });

export { CloudManager } from './dist/upcloud_storage.js';
export { UpCloudError, Storage } from './dist/classes.js';

/** Does nothing here: this entry is ready as soon as it is imported. */
export async function init() {}
