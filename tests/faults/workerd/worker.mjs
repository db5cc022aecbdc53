// The suite's Worker. `wasm-guard.mjs` must stay the first import so that
// it is evaluated before the package initialises.
import { wasmEvents } from './wasm-guard.mjs';
import { CloudManager } from 'upcloud-storage';
import { listStorages } from './list-storages.mjs';

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const result = await listStorages(CloudManager, {
      apiBase: params.get('apiBase'),
      token: params.get('token'),
    });
    return Response.json({
      ...result,
      wasmEvents,
      hasWindow: typeof window !== 'undefined',
      wasmModuleType: typeof WebAssembly.Module,
    });
  },
};
