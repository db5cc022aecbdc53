// The mock's /__mock/ test controls over plain fetch, so the same scenario
// drives them from Node, Deno and a Worker under workerd alike.

/** Returns the control functions of the mock listening at `url`. */
export function mockControl(url) {
  const control = async (method, route, body) => {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(`${url}/__mock${route}`, init);
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`mock control ${method} ${route} failed with ${response.status}: ${text}`);
    }
    return text === '' ? null : JSON.parse(text);
  };

  return {
    faults: (spec) => control('POST', '/faults', spec),
    clearFaults: () => control('DELETE', '/faults'),
    requests: async () => (await control('GET', '/requests')).requests,
    clearRequests: () => control('DELETE', '/requests'),
    setState: (uuid, spec) => control('POST', `/storages/${uuid}/state`, spec),
    nextImport: (spec) => control('POST', '/imports/next', spec),
  };
}
