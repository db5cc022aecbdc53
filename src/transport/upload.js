// Sends a disk image to a direct-upload URL with what each runtime offers.
// The Rust side decides what to send (content type, size, verification) and
// keeps the state. This file only moves bytes, because XHR events, stream
// pulls and promise races are plainer here than through wasm-bindgen.
//
// Routes, chosen by `uploadRoute`:
// - 'xhr': browsers (windows and dedicated workers) with a Blob or File.
//   XMLHttpRequest sends the Blob itself, so the browser streams it from
//   disk with a Content-Length over any HTTP version and reports byte
//   progress; the image is read a second time, in slices, for hashing.
// - 'node-http': Node and Deno. node:http(s) sends the chunks with a
//   Content-Length, waiting for the socket to drain. Their fetch is not
//   used: Node 20's fetch keeps a copy of the whole request body in memory
//   (it tees the body for redirects), and Deno's drops the Content-Length
//   of streamed bodies.
// - 'fetch-blob': other runtimes (workerd) with a Blob when nothing needs
//   the bytes as they are sent. fetch sends the Blob with a Content-Length.
// - 'fetch-stream': a ReadableStream body fed chunk by chunk, which gives
//   byte progress and hashes each chunk as it goes. workerd gets a
//   Content-Length through FixedLengthStream. Browsers stream request
//   bodies only over HTTP/2 or later, so there this route is used only for
//   ReadableStream sources.

/** Tells whether `value` can be used as a Blob, by shape, since Blobs may come from another realm. */
export function isBlob(value) {
  // A throwing getter or Proxy trap means "not a Blob": an exception here
  // would unwind through wasm and leave the caller's promise pending.
  try {
    return typeof value === 'object' && value !== null
      && typeof value.size === 'number'
      && typeof value.slice === 'function'
      && typeof value.arrayBuffer === 'function';
  } catch {
    return false;
  }
}

/** Tells whether `value` can be used as a ReadableStream of bytes. */
export function isReadableStream(value) {
  try {
    return typeof value === 'object' && value !== null && typeof value.getReader === 'function';
  } catch {
    return false;
  }
}

export function hasXhr() {
  return typeof XMLHttpRequest === 'function';
}

/**
 * node:http or node:https for `url` in Node and Deno, else null. workerd's
 * node:http (with nodejs_compat) is built on fetch, so it is not used.
 */
function nodeHttpFor(url) {
  if (typeof navigator === 'object' && navigator !== null && navigator.userAgent === 'Cloudflare-Workers') {
    return null;
  }
  const getBuiltinModule = globalThis.process?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') {
    return null;
  }
  return getBuiltinModule(url.startsWith('https:') ? 'node:https' : 'node:http') ?? null;
}

/**
 * Tells whether fetch can send a ReadableStream body. Runtimes without
 * support turn the stream into the text "[object ReadableStream]" and set a
 * text Content-Type, which this detects without sending anything.
 */
export function supportsRequestStreams() {
  if (typeof Request !== 'function' || typeof ReadableStream !== 'function') {
    return false;
  }
  // workerd sends streamed bodies but, depending on its compatibility date,
  // never reads `duplex`, so the probe below would wrongly say no.
  if (typeof FixedLengthStream === 'function') {
    return true;
  }
  try {
    let duplexRead = false;
    const request = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: new ReadableStream(),
      get duplex() {
        duplexRead = true;
        return 'half';
      },
    });
    return duplexRead && !request.headers.has('Content-Type');
  } catch {
    return false;
  }
}

/**
 * Picks the route for `source` (a Blob or a SourceStream). `needsBytes` is
 * true when progress or verification wants the bytes as they are sent.
 */
export function uploadRoute(url, source, needsBytes) {
  if (nodeHttpFor(url) !== null) {
    return 'node-http';
  }
  if (source instanceof SourceStream) {
    return 'fetch-stream';
  }
  if (hasXhr()) {
    return 'xhr';
  }
  return needsBytes ? 'fetch-stream' : 'fetch-blob';
}

/**
 * Returns a streaming SHA-256 built into the runtime, or null where there is none
 * (browsers, whose WebCrypto digests only whole buffers). Native hashing is
 * several times faster than hashing in wasm, which matters on fast links.
 * `process.getBuiltinModule` (Node 20.16+, Deno 2) reaches node:crypto
 * without an import statement that would break browser bundles.
 */
function nativeSha256() {
  const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (nodeCrypto && typeof nodeCrypto.createHash === 'function') {
    const hash = nodeCrypto.createHash('sha256');
    return {
      update: (chunk) => hash.update(chunk),
      digest: async () => hash.digest('hex'),
    };
  }
  if (typeof crypto === 'object' && crypto !== null && typeof crypto.DigestStream === 'function') {
    const stream = new crypto.DigestStream('SHA-256');
    const writer = stream.getWriter();
    let failed = null;
    return {
      update: (chunk) => {
        // The DigestStream reads the chunk later, while the same buffer is
        // also queued on the request body, whose sink may transfer
        // (detach) it first; a copy keeps the two consumers apart.
        writer.write(chunk.slice()).catch((error) => {
          failed = error;
        });
      },
      digest: async () => {
        await writer.close();
        if (failed !== null) {
          throw failed;
        }
        return [...new Uint8Array(await stream.digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      },
    };
  }
  return null;
}

/** Tells whether `sendUpload` can hash with the runtime's own SHA-256. */
export function hasNativeSha256() {
  return nativeSha256() !== null;
}

/** Reads bytes [start, end) of a Blob. Offsets are numbers, exact up to 2^53. */
export async function readSlice(blob, start, end) {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/**
 * A caller's ReadableStream wrapped so its first bytes can be read for
 * format detection and still be sent. The reader lock is released when the
 * upload ends, however it ends, so the caller may cancel the stream.
 */
export class SourceStream {
  #reader;
  #buffered = [];
  #done = false;

  constructor(stream) {
    this.#reader = stream.getReader();
  }

  /** Returns at least `length` leading bytes (fewer if the stream is shorter), without consuming them. */
  async head(length) {
    let have = this.#buffered.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    while (have < length && !this.#done) {
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#done = true;
      } else {
        const chunk = toBytes(value);
        this.#buffered.push(chunk);
        have += chunk.byteLength;
      }
    }
    return concat(this.#buffered).subarray(0, length);
  }

  /** Returns the next chunk of at most `max` bytes, or null at the end. */
  async next(max) {
    while (this.#buffered.length === 0) {
      if (this.#done) {
        return null;
      }
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#done = true;
      } else {
        this.#buffered.push(toBytes(value));
      }
    }
    const chunk = this.#buffered[0];
    if (chunk.byteLength <= max) {
      this.#buffered.shift();
      return chunk;
    }
    this.#buffered[0] = chunk.subarray(max);
    return chunk.subarray(0, max);
  }

  release() {
    try {
      this.#reader.releaseLock();
    } catch {
      // A read still pending when the upload was aborted keeps the lock on
      // old runtimes; cancelling then is the only way to free the stream.
      this.#reader.cancel().catch(() => {});
    }
  }
}

function toBytes(value) {
  if (value instanceof Uint8Array) {
    return value;
  }
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof ArrayBuffer) {
    return new Uint8Array(value);
  }
  throw new TypeError('the source stream must yield Uint8Array chunks');
}

function concat(chunks) {
  if (chunks.length === 1) {
    return chunks[0];
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (chunks.length > 1) {
    chunks.splice(0, chunks.length, joined);
  }
  return joined;
}

/** Yields a Blob's bytes in chunks of `chunkBytes`, stopping when `signal` aborts. */
async function* blobChunks(blob, chunkBytes, signal) {
  for (let start = 0; start < blob.size; start += chunkBytes) {
    if (signal.aborted) {
      return;
    }
    yield await readSlice(blob, start, Math.min(start + chunkBytes, blob.size));
  }
}

/**
 * Yields a Blob's bytes through `blob.stream()`, for Node's Blobs. Node's
 * `fs.openAsBlob` reports the size of files over 4 GiB modulo 2^32, and its
 * slices stop there. Its stream delivers every byte, so reading the stream
 * reveals a cut size and lets the caller's `size` be used.
 *
 * Chunks longer than `chunkBytes` are cut into views of that length,
 * because Node delivers an in-memory Blob as one chunk, which would
 * otherwise be sent and reported as progress in a single step.
 */
async function* blobStream(blob, chunkBytes) {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      for (let start = 0; start < value.byteLength; start += chunkBytes) {
        yield value.subarray(start, Math.min(start + chunkBytes, value.byteLength));
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function* streamChunks(source, chunkBytes) {
  for (;;) {
    const chunk = await source.next(chunkBytes);
    if (chunk === null) {
      return;
    }
    yield chunk;
  }
}

/** The error an upload rejects with when `onChunk` refused a chunk. */
class VerificationStop extends Error {
  constructor() {
    super('the upload was stopped by the local verification');
    this.name = 'VerificationStop';
  }
}

function abortError() {
  const error = new Error('the upload was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * Sends the image and resolves to `{ status, contentType, body }` once the
 * uploader responded, whatever the status.
 *
 * `options`: `url`, `route`, `source` (Blob or SourceStream), `size` (number
 * or null), `contentType`, `signal` (already linked with any timeout),
 * `chunkBytes`, `onChunk(bytes) → boolean` (null when not verifying; false
 * stops the upload), `nativeHash` (hash the sent bytes with the runtime's
 * SHA-256 and add its hex digest to the answer as `sha256`),
 * `onProgress(loaded)` (null when not wanted), `fetch` (the caller's fetch
 * or null).
 */
export async function sendUpload(options) {
  const hasher = options.nativeHash ? nativeSha256() : null;
  if (hasher !== null) {
    options = { ...options, onChunk: (chunk) => (hasher.update(chunk), true) };
  }
  const answer = await sendBytes(options);
  answer.sha256 = hasher === null ? null : await hasher.digest();
  return answer;
}

async function sendBytes(options) {
  const local = new AbortController();
  const forward = () => local.abort();
  if (options.signal.aborted) {
    throw abortError();
  }
  options.signal.addEventListener('abort', forward, { once: true });

  try {
    if (options.route === 'node-http') {
      return await putWithNodeHttp(options, local.signal);
    }
    if (options.route === 'fetch-stream') {
      return await putStream(options, local.signal);
    }

    // Hashing runs next to the transfer, over its own reads of the Blob.
    const hashing = options.onChunk === null
      ? Promise.resolve()
      : hashBlob(options.source, options.chunkBytes, options.onChunk, local.signal);
    const sending = options.route === 'xhr'
      ? putWithXhr(options, local.signal)
      : putBlobWithFetch(options, local.signal);
    const stopOnFailure = (error) => {
      local.abort();
      throw error;
    };
    const [sent, hashed] = await Promise.allSettled([sending.catch(stopOnFailure), hashing.catch(stopOnFailure)]);
    if (hashed.status === 'rejected' && hashed.reason instanceof VerificationStop) {
      throw hashed.reason;
    }
    if (sent.status === 'rejected') {
      throw sent.reason;
    }
    if (hashed.status === 'rejected') {
      throw hashed.reason;
    }
    return sent.value;
  } finally {
    options.signal.removeEventListener('abort', forward);
    if (options.source instanceof SourceStream) {
      options.source.release();
    }
  }
}

async function hashBlob(blob, chunkBytes, onChunk, signal) {
  for await (const chunk of blobChunks(blob, chunkBytes, signal)) {
    if (!onChunk(chunk)) {
      throw new VerificationStop();
    }
  }
}

function putWithXhr(options, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (callback, value) => {
      signal.removeEventListener('abort', onAbort);
      callback(value);
    };

    xhr.open('PUT', options.url);
    xhr.setRequestHeader('Content-Type', options.contentType);
    if (options.onProgress !== null) {
      xhr.upload.onprogress = (event) => options.onProgress(event.loaded);
    }
    xhr.onload = () => settle(resolve, {
      status: xhr.status,
      contentType: xhr.getResponseHeader('content-type'),
      body: xhr.responseText,
    });
    xhr.onerror = () => settle(reject, new TypeError('the connection to the upload host failed'));
    xhr.onabort = () => settle(reject, abortError());
    xhr.ontimeout = () => settle(reject, new TypeError('the upload host did not respond in time'));

    signal.addEventListener('abort', onAbort, { once: true });
    xhr.send(options.source);
  });
}

async function putBlobWithFetch(options, signal) {
  const init = {
    method: 'PUT',
    headers: { 'Content-Type': options.contentType },
    body: options.source,
    signal,
  };
  return readResponse(await callFetch(options.fetch, options.url, init));
}

async function putStream(options, signal) {
  const chunks = options.source instanceof SourceStream
    ? streamChunks(options.source, options.chunkBytes)
    : blobChunks(options.source, options.chunkBytes, signal);
  let sent = 0;
  // Set once fetch settles: the callbacks may be freed after that.
  let settled = false;

  let body = new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (settled) {
        return;
      }
      if (done) {
        checkEnd(options, sent);
        controller.close();
        return;
      }
      checkedChunk(options, sent, value);
      controller.enqueue(value);
      sent += value.byteLength;
      if (options.onProgress !== null) {
        options.onProgress(sent);
      }
    },
    cancel() {
      chunks.return();
    },
  }, { highWaterMark: 0 });

  const headers = { 'Content-Type': options.contentType };
  if (options.size !== null) {
    // NOTE: browsers drop this header (it is forbidden to scripts), so a
    // streamed body from a browser goes without a Content-Length.
    headers['Content-Length'] = String(options.size);
    // workerd sends a Content-Length only for this stream type.
    if (typeof FixedLengthStream === 'function') {
      const fixed = new FixedLengthStream(options.size);
      body.pipeTo(fixed.writable).catch(() => {});
      body = fixed.readable;
    }
  }

  const init = { method: 'PUT', headers, body, signal, duplex: 'half' };
  let stop = null;
  try {
    return readResponse(await callFetch(options.fetch, options.url, init));
  } catch (error) {
    stop = error;
    throw error;
  } finally {
    settled = true;
    if (stop !== null) {
      body.cancel().catch(() => {});
    }
  }
}

/** Checks each chunk against the stated size and passes it to `onChunk`. */
function checkedChunk(options, sent, chunk) {
  if (options.size !== null && sent + chunk.byteLength > options.size) {
    throw new TypeError(
      `the source has more bytes than its size of ${options.size}; with fs.openAsBlob, pass the file's size as the size option`,
    );
  }
  if (options.onChunk !== null && !options.onChunk(chunk)) {
    throw new VerificationStop();
  }
}

function checkEnd(options, sent) {
  if (options.size !== null && sent !== options.size) {
    throw new TypeError(`the source ended after ${sent} bytes, but its size is ${options.size}`);
  }
}

function putWithNodeHttp(options, signal) {
  const http = nodeHttpFor(options.url);
  const chunks = options.source instanceof SourceStream
    ? streamChunks(options.source, options.chunkBytes)
    : blobStream(options.source, options.chunkBytes);

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (callback, value) => {
      if (!settled) {
        settled = true;
        callback(value);
      }
    };
    const headers = { 'Content-Type': options.contentType, 'Content-Length': String(options.size) };
    const request = http.request(options.url, { method: 'PUT', headers, signal }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text) => {
        body += text;
      });
      response.on('error', (error) => settle(reject, error));
      response.on('end', () => settle(resolve, {
        status: response.statusCode,
        contentType: response.headers['content-type'] ?? null,
        body,
      }));
    });
    request.on('error', (error) => settle(reject, signal.aborted ? abortError() : error));

    const drained = () => new Promise((done) => {
      const finish = () => {
        request.off('drain', finish);
        request.off('close', finish);
        done();
      };
      request.on('drain', finish);
      request.on('close', finish);
    });

    let sent = 0;
    const send = async (chunk) => {
      const flushed = request.write(chunk);
      sent += chunk.byteLength;
      if (options.onProgress !== null) {
        options.onProgress(sent);
      }
      if (!flushed) {
        await drained();
      }
    };

    // Each chunk is written only once the next one is read, so a source
    // longer than its size fails before the last byte the Content-Length
    // announced is sent, and the uploader never takes a cut image as whole.
    const pump = async () => {
      let seen = 0;
      let unsent = null;
      for await (const chunk of chunks) {
        if (settled || request.destroyed) {
          return;
        }
        checkedChunk(options, seen, chunk);
        seen += chunk.byteLength;
        if (unsent !== null) {
          await send(unsent);
        }
        unsent = chunk;
      }
      checkEnd(options, seen);
      if (unsent !== null) {
        await send(unsent);
      }
      request.end();
    };
    pump().catch((error) => {
      request.destroy();
      settle(reject, error);
    });
  });
}

function callFetch(custom, url, init) {
  if (custom !== null) {
    return custom(url, init);
  }
  if (typeof fetch !== 'function') {
    throw new TypeError('this runtime has no global fetch; pass the fetch option');
  }
  return fetch(url, init);
}

async function readResponse(response) {
  const body = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

/** Tells whether `error` is the stop that a refused chunk caused. */
export function isVerificationStop(error) {
  return error instanceof VerificationStop;
}
