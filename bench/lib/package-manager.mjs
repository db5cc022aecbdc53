// Constructs the package's CloudManager for the mock in one place, so every
// benchmark builds it the same way.

/**
 * Creates a CloudManager of the given class (each runtime has its own
 * entry) that talks to the API at `account.baseUrl` (ending in `/1.3`). `fetch` replaces
 * `globalThis.fetch` when given.
 */
export function createPackageManager(CloudManager, account, { fetch } = {}) {
  const options = { baseUrl: account.baseUrl };
  if (fetch) options.fetch = fetch;
  return new CloudManager({ username: account.username, password: account.password }, options);
}
