// Node entry: compiles and instantiates the .wasm synchronously on import,
// so `new CloudManager(...)` works with no init call.
import { readFileSync } from 'node:fs';
import { initSync } from './dist/upcloud_storage.js';

initSync({ module: readFileSync(new URL('./dist/upcloud_storage_bg.wasm', import.meta.url)) });

export { CloudManager } from './dist/upcloud_storage.js';
export { UpCloudError, Storage } from './dist/classes.js';

/** Does nothing here: this entry is ready as soon as it is imported. */
export async function init() {}
