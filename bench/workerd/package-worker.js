// A Worker that responds to every request with one getStorage through the
// package, as an edge function built on it would.
// A bundler such as wrangler resolves `upcloud-storage` to this entry through
// the `workerd` export condition; workerd alone looks modules up by name.
import { CloudManager } from 'upcloud-storage/workerd.js';

export default {
  async fetch(request, env) {
    const manager = new CloudManager({ username: env.USERNAME, password: env.PASSWORD }, { baseUrl: env.BASE_URL });
    const storage = await manager.getStorage(env.STORAGE_UUID);
    return Response.json({ uuid: storage.uuid });
  },
};
