// Types for every entry of the package. The classes and option types are
// generated from the Rust doc comments into dist/upcloud_storage.d.ts.
export {
  CloudManager,
  UpCloudError,
  Storage,
} from './dist/upcloud_storage.js';
export type * from './dist/upcloud_storage.js';

/**
 * Loads the WebAssembly module. Only the browser entry needs it, and even
 * there it is optional: the first method call loads the module from next to
 * the package's JavaScript. Pass a URL, a Response, bytes or a compiled
 * `WebAssembly.Module` to load it from elsewhere. In Node, Deno and Workers
 * it resolves at once.
 */
export function init(
  input?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
