// A loopback HTTP server that the mock's http_import downloads from.
import { createServer } from 'node:http';

/**
 * Serves `bytes` at `/image.raw` as application/octet-stream. With
 * `bytesPerSecond` the body is sent in small timed pieces, so an import
 * stays in `importing` long enough to be cancelled.
 */
export async function startSourceServer(bytes, { bytesPerSecond } = {}) {
  const timers = new Set();
  const server = createServer((request, response) => {
    if (request.url !== '/image.raw') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
    });
    if (bytesPerSecond === undefined) {
      response.end(bytes);
      return;
    }
    sendSlowly(response, bytes, bytesPerSecond, timers);
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/image.raw`,
    async stop() {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    },
  };
}

function sendSlowly(response, bytes, bytesPerSecond, timers) {
  const piece = Math.max(1, Math.floor(bytesPerSecond / 10));
  let offset = 0;
  const next = () => {
    if (response.destroyed) {
      return;
    }
    response.write(bytes.subarray(offset, offset + piece));
    offset += piece;
    if (offset >= bytes.length) {
      response.end();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      next();
    }, 100);
    timers.add(timer);
  };
  next();
}
