// The site the README's browser example assumes: the page at `/`, the
// installed package at `/upcloud-storage/`, and a same-origin reverse proxy
// from `/1.3/` to the API (here the mock), all on one loopback origin.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

/** Returns the CSP source for the inline module script of `html`, as `'sha256-…'`. */
export function inlineScriptHash(html) {
  const match = /<script type="module">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) {
    throw new Error('the browser example has no inline module script');
  }
  return `'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`;
}

/**
 * Builds the page's Content-Security-Policy: only this origin, the inline
 * script by its hash, and WebAssembly compilation unless `allowWasm` is false.
 */
export function contentSecurityPolicy(html, { allowWasm = true } = {}) {
  const scripts = ["'self'", inlineScriptHash(html), ...(allowWasm ? ["'wasm-unsafe-eval'"] : [])];
  return `default-src 'self'; script-src ${scripts.join(' ')}; connect-src 'self'; style-src 'self'`;
}

async function servePackageFile(packageDir, path, response) {
  const relative = normalize(decodeURIComponent(path)).replace(/^[/\\]+/, '');
  const file = join(packageDir, relative);
  if (relative.startsWith('..') || !file.startsWith(packageDir + sep)) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

function proxyToApi(apiOrigin, request, response) {
  const target = new URL(request.url, apiOrigin);
  const headers = { ...request.headers, host: target.host };
  const upstream = httpRequest(target, { method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', (error) => {
    response.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy error: ${error.message}`);
  });
  request.pipe(upstream);
}

/**
 * Starts the site on 127.0.0.1 and a port chosen by the OS. `html` is the
 * page; `/?csp=no-wasm` serves it with a policy that lacks
 * 'wasm-unsafe-eval'. Resolves to `{ url, close() }`.
 */
export function startSite({ html, packageDir, apiOrigin }) {
  const page = `<!doctype html>\n<meta charset="utf-8">\n<title>README browser example</title>\n${html}`;
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (url.pathname === '/') {
      const allowWasm = url.searchParams.get('csp') !== 'no-wasm';
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': contentSecurityPolicy(html, { allowWasm }),
      });
      response.end(page);
    } else if (url.pathname.startsWith('/upcloud-storage/')) {
      servePackageFile(packageDir, url.pathname.slice('/upcloud-storage/'.length), response);
    } else if (url.pathname.startsWith('/1.3/')) {
      proxyToApi(apiOrigin, request, response);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
