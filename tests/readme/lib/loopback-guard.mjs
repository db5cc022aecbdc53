// Preloaded with `node --import` before a README example runs: fetch and
// node:http(s) reject any destination but loopback, so an example that
// ignored UPCLOUD_API could never reach api.upcloud.com or another host.
import http from 'node:http';
import https from 'node:https';

function isLoopbackHost(hostname) {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

function blocked(destination) {
  return new Error(`the README test blocked a request to ${destination}: examples reach loopback only`);
}

const nativeFetch = globalThis.fetch;
globalThis.fetch = function loopbackFetch(input, init) {
  const url = new URL(String(input?.url ?? input));
  if (!isLoopbackHost(url.hostname)) {
    return Promise.reject(blocked(url.origin));
  }
  return nativeFetch.call(this, input, init);
};

for (const module of [http, https]) {
  for (const name of ['request', 'get']) {
    const original = module[name];
    module[name] = function loopbackRequest(target, ...rest) {
      const hostname = typeof target === 'string' || target instanceof URL
        ? new URL(String(target)).hostname
        : (target?.hostname ?? String(target?.host ?? 'localhost').replace(/:\d+$/, ''));
      if (!isLoopbackHost(hostname)) {
        throw blocked(hostname);
      }
      return original.call(this, target, ...rest);
    };
  }
}
