// A loopback HTTP server with one disk image for http_import tests. It uses
// node:http, which Node and Deno both provide.
import { createServer } from 'node:http';

/** The image the server returns: a recognisable raw pattern of `length` bytes. */
export function imageBytes(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    bytes[i] = (i * 131 + 17) & 0xff;
  }
  return bytes;
}

/**
 * Serves `bytes` at `/image.raw` as application/octet-stream on 127.0.0.1
 * and a port chosen by the OS. Resolves to `{ url, close() }`.
 */
export function startSourceServer(bytes) {
  const server = createServer((request, response) => {
    if (request.url !== '/image.raw') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
    });
    response.end(bytes);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/image.raw`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
