// A Worker that responds to every request with one getStorage through the
// plain-JS client.
import { createPlainClient } from './plain-client.mjs';

export default {
  async fetch(request, env) {
    const client = createPlainClient({ baseUrl: env.BASE_URL, username: env.USERNAME, password: env.PASSWORD });
    const storage = await client.getStorage(env.STORAGE_UUID);
    return Response.json({ uuid: storage.uuid });
  },
};
