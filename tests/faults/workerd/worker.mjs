// The suite's Worker. `wasm-guard.mjs` must stay the first import so that
// it is evaluated before the package initialises.
import { wasmEvents } from './wasm-guard.mjs';
import { CloudManager } from 'upcloud-storage';
import { listStorages } from './list-storages.mjs';
import { uploadImage } from './image-bytes.mjs';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const params = url.searchParams;
    if (url.pathname === '/upload') {
      return Response.json(await uploadImage(CloudManager, {
        apiBase: params.get('apiBase'),
        token: params.get('token'),
        storageUuid: params.get('storage'),
        size: Number(params.get('size')),
        kind: params.get('kind'),
      }));
    }
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
