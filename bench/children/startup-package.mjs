// Runs in a fresh Node process: imports the package, then completes one
// getStorage against the mock. Prints the times since process start.
import { CloudManager } from 'upcloud-storage';

import { accountFromEnv } from '../lib/account.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';

const importedMs = performance.now();
const account = accountFromEnv();
const manager = createPackageManager(CloudManager, account);
const storage = await manager.getStorage(account.storageUuid);
const firstCallMs = performance.now();

if (storage.uuid !== account.storageUuid) {
  throw new Error(`getStorage returned storage ${storage.uuid}, expected ${account.storageUuid}`);
}
console.log(JSON.stringify({ importedMs, firstCallMs }));
