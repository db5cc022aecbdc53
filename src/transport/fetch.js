// Reading API responses for fetch.rs. A custom `fetch` may return any
// Response-like object, so the body is read here, where a value of the
// wrong kind is easy to recognise and report.

/**
 * Resolves to the body of `response` as a Uint8Array. Takes it from
 * `arrayBuffer()`, which may give an ArrayBuffer of another realm, a
 * SharedArrayBuffer or a typed array such as a Node Buffer. Falls back to
 * `text()` for objects that have only that. Rejects with a TypeError when
 * neither gives bytes.
 */
export async function readBody(response) {
  if (typeof response.arrayBuffer === 'function') {
    const value = await response.arrayBuffer();
    if (ArrayBuffer.isView(value)) {
      return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
    const kind = Object.prototype.toString.call(value);
    if (kind === '[object ArrayBuffer]' || kind === '[object SharedArrayBuffer]') {
      return new Uint8Array(value);
    }
    throw new TypeError(`the response's arrayBuffer() resolved to ${kind}, not to bytes; a custom fetch must resolve to a Response`);
  }
  if (typeof response.text === 'function') {
    return new TextEncoder().encode(await response.text());
  }
  throw new TypeError('the response has neither arrayBuffer() nor text(); a custom fetch must resolve to a Response');
}
