// The Worker that runs the scenario inside workerd. It imports the package
// by name, and the workerd config maps that name to the module named by the
// package's `workerd` export condition, as a bundler for Workers would. The
// guard goes first so that the package cannot compile wasm from bytes.
import './lib/wasm-guard.mjs';
import { CloudManager, Storage, UpCloudError } from 'upcloud-storage';

import { mockControl } from './lib/control.mjs';
import { runScenario } from './scenario.mjs';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== '/run') {
      return new Response('ready');
    }
    const params = url.searchParams;
    const results = await runScenario({
      CloudManager,
      UpCloudError,
      Storage,
      apiBase: params.get('apiBase'),
      control: mockControl(params.get('mockUrl')),
      sourceUrl: params.get('sourceUrl'),
      sourceLength: Number(params.get('sourceLength')),
    });
    return Response.json(results);
  },
};
