// Cloudflare Workers (workerd) entry. Workers refuse to compile wasm from
// bytes at run time, so the .wasm is imported as a module, which the
// runtime compiles at upload time, and only instantiated here.
import wasmModule from './dist/upcloud_storage_bg.wasm';
import { initSync } from './dist/upcloud_storage.js';

initSync({ module: wasmModule });

export { CloudManager } from './dist/upcloud_storage.js';
export { UpCloudError, Storage } from './dist/classes.js';

/** Does nothing here: this entry is ready as soon as it is imported. */
export async function init() {}
