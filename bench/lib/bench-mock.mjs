// Starts upcloud-mock for a benchmark with a known account and returns
// everything a client needs to reach it.

import { startMock } from '../../tests/support/mock.mjs';
import { createPlainClient } from '../plain-client.mjs';

// A throwaway account that exists only inside the mock on loopback.
const USERNAME = 'bench';
const PASSWORD = 'bench-password';

/**
 * Starts the mock with `--seed-storages seedStorages` and resolves to
 * `{ mock, account }`, where `account.storageUuid` is one private storage
 * and `account.zone` its zone.
 */
export async function startBenchMock({ seedStorages = 10, extraArgs = [] } = {}) {
  // Not --empty: the sample storages keep the listing realistic, with
  // backups, labels and public templates among the seeded disks.
  const mock = await startMock({
    args: [
      '--listen', '127.0.0.1:0', '--user', `${USERNAME}:${PASSWORD}`,
      '--seed-storages', String(seedStorages), '--op-seconds', '0.2', ...extraArgs,
    ],
  });

  try {
    const account = { baseUrl: `${mock.url}/1.3`, username: USERNAME, password: PASSWORD };
    const storages = await createPlainClient(account).getStorages('private');
    const normal = storages.find((storage) => storage.type === 'normal');
    if (!normal) throw new Error('the mock listed no private normal storage to benchmark against');
    return { mock, account: { ...account, storageUuid: normal.uuid, zone: normal.zone } };
  } catch (error) {
    await mock.stop();
    throw error;
  }
}
