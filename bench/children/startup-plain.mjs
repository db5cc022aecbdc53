// Runs in a fresh Node process: imports the plain-JS client, then completes
// one getStorage against the mock. Prints the times since process start.
import { createPlainClient } from '../plain-client.mjs';

import { accountFromEnv } from '../lib/account.mjs';

const importedMs = performance.now();
const account = accountFromEnv();
const client = createPlainClient(account);
const storage = await client.getStorage(account.storageUuid);
const firstCallMs = performance.now();

if (storage.uuid !== account.storageUuid) {
  throw new Error(`getStorage returned storage ${storage.uuid}, expected ${account.storageUuid}`);
}
console.log(JSON.stringify({ importedMs, firstCallMs }));
