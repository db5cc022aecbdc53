// Browser and bundler entry. It uses no top-level await, so the .wasm is
// loaded lazily: the first method call of any CloudManager awaits init().
// Call init() yourself to load it earlier or from a custom URL.
import initWasm, { CloudManager as WasmCloudManager } from './dist/upcloud_storage.js';

export { UpCloudError, Storage } from './dist/classes.js';

let loading = null;
let loaded = false;

/**
 * Loads the .wasm. Without an argument it is fetched from next to this
 * file; pass a URL, a Response, bytes or a `WebAssembly.Module` to load it
 * from elsewhere. Only the first successful call has an effect; a failed
 * load may be retried.
 */
export function init(input) {
  if (loading === null) {
    const options = input === undefined ? undefined : { module_or_path: input };
    loading = initWasm(options).then(
      () => {
        loaded = true;
      },
      (error) => {
        loading = null;
        throw error;
      },
    );
  }
  return loading;
}

// The real manager of each wrapper, made once the .wasm is loaded.
const pending = new WeakMap();

async function wasmManager(wrapper) {
  const state = pending.get(wrapper);
  if (state.manager === null) {
    await init();
    state.manager ??= new WasmCloudManager(...state.args);
  }
  return state.manager;
}

/**
 * Same API as the CloudManager of the other entries. When the .wasm is not
 * loaded yet, checking the credentials and options waits until the first
 * method call, which then rejects if they are invalid.
 */
export class CloudManager {
  constructor(...args) {
    const manager = loaded ? new WasmCloudManager(...args) : null;
    pending.set(this, { args, manager });
  }

  /** Releases the wasm side now instead of at garbage collection; optional. */
  free() {
    const state = pending.get(this);
    state?.manager?.free();
    pending.delete(this);
  }
}

for (const name of Object.getOwnPropertyNames(WasmCloudManager.prototype)) {
  const member = Object.getOwnPropertyDescriptor(WasmCloudManager.prototype, name);
  // `__destroy_into_raw` and other `__` members are wasm-bindgen internals.
  if (name === 'constructor' || name === 'free' || name.startsWith('__') || typeof member.value !== 'function') {
    continue;
  }
  Object.defineProperty(CloudManager.prototype, name, {
    value: async function (...args) {
      const manager = await wasmManager(this);
      return manager[name](...args);
    },
    writable: true,
    configurable: true,
  });
}
