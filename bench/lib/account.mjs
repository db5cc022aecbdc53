// Passes the mock's address and credentials to child processes through the
// environment, so that no secret appears on a command line.

/** Returns the environment variables that carry `account` to a child. */
export function accountToEnv(account) {
  return {
    BENCH_BASE_URL: account.baseUrl,
    BENCH_USERNAME: account.username,
    BENCH_PASSWORD: account.password,
    BENCH_STORAGE_UUID: account.storageUuid ?? '',
    BENCH_ZONE: account.zone ?? '',
  };
}

/** Reads the account that `accountToEnv` passed to this process. */
export function accountFromEnv() {
  const { BENCH_BASE_URL, BENCH_USERNAME, BENCH_PASSWORD, BENCH_STORAGE_UUID, BENCH_ZONE } = process.env;
  if (!BENCH_BASE_URL || !BENCH_USERNAME || !BENCH_PASSWORD) {
    throw new Error('BENCH_BASE_URL, BENCH_USERNAME and BENCH_PASSWORD must be set; run this file through bench/main.mjs');
  }
  return {
    baseUrl: BENCH_BASE_URL,
    username: BENCH_USERNAME,
    password: BENCH_PASSWORD,
    storageUuid: BENCH_STORAGE_UUID || undefined,
    zone: BENCH_ZONE || undefined,
  };
}
