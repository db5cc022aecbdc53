// Compiled with `tsc --noEmit --strict` against the installed package: the
// README's examples and every method, with the types a user relies on.
import {
  CloudManager,
  Storage,
  UpCloudError,
  init,
  type StorageData,
  type StorageImport,
  type Server,
  type WaitOptions,
  type UpCloudErrorCode,
} from 'upcloud-storage';

async function readme(): Promise<void> {
  await init();
  const manager = new CloudManager({ username: 'user', password: 'secret' }, { timeoutMs: 30_000 });
  const byToken = new CloudManager({ token: 'ucat_example' }, {
    baseUrl: 'http://127.0.0.1:8080/1.3',
    retries: 1,
    fetch: (input, init) => fetch(input, init),
    logger: (level, message, fields) => console.log(level, message, fields.status, fields.durationMs),
  });
  const byUrl = new CloudManager({ token: 'ucat_example' }, { baseUrl: new URL('http://127.0.0.1:8080/1.3') });
  const templates: Storage[] = await byUrl.getStorages('template');

  const disk: Storage = await manager.createStorage({
    zone: 'fi-hel1',
    size: 10,
    tier: 'maxiops',
    title: 'my storage disk',
    encrypted: true,
    backupRule: { interval: 'daily', time: '0430', retention: 7 },
    labels: [{ key: 'env', value: 'dev' }],
  });
  const size: number = disk.size;
  const encrypted: boolean | null = disk.encrypted;
  const backups: string[] = disk.backups;
  const data: StorageData = JSON.parse(JSON.stringify(disk));
  console.log(size, encrypted, backups, data.labels[0]?.key);

  const storages: Storage[] = await manager.getStorages('private', { labels: ['env=dev'] });
  const all: Storage[] = await byToken.listStorages({ filter: 'all' });
  console.log(storages.length, all.length);

  await disk.update({ size: 20, title: 'new title' });
  const clone = await disk.clone({ title: 'clone', zone: 'fi-hel1', tier: 'standard' });
  await clone.cancelCloning();
  const backup = await disk.createBackup('Backup title');
  await backup.waitFor();
  await backup.restoreBackup();
  const template = await disk.templatize('Template title');
  await manager.waitForStorageState(template.uuid, 'online', { intervalMs: 500, onPoll: (s: Storage) => s.state });
  await disk.reload();

  const started: StorageImport = await manager.createStorageImport({
    storage: disk.uuid,
    source: 'http_import',
    sourceLocation: 'https://example.com/image.raw',
  });
  const options: WaitOptions<StorageImport> = { timeoutMs: 60_000, onPoll: (i) => console.log(i.writtenBytes) };
  const done: StorageImport = await manager.waitForStorageImport(started.uuid, options);
  const written: number = done.writtenBytes;
  const digest: string | null = done.sha256sum;
  console.log(written, digest);
  await manager.getStorageImportDetails(disk.uuid);
  await manager.cancelStorageImport(disk.uuid);

  const server: Server = await manager.attachStorage('00aaaaaa-0000-4000-8000-000000000001', {
    storage: disk.uuid,
    type: 'disk',
    address: 'virtio',
  });
  console.log(server.storageDevices.map((device) => device.address));
  await manager.detachStorage(server.uuid, 'virtio:1');
  await manager.loadCdrom(server.uuid, '01000000-0000-4000-8000-000030060200');
  await manager.ejectCdrom(server.uuid);
  await manager.addStorageToFavorites(disk.uuid);
  await manager.removeStorageFromFavorites(disk.uuid);
  const resizeBackup: Storage = await manager.resizeStorageFilesystem(disk.uuid);
  console.log(resizeBackup.origin);

  const controller = new AbortController();
  await manager.getStorage(disk.uuid, { signal: controller.signal });
  await manager.deleteStorage(disk.uuid, { backups: 'keep_latest' }, { waitUntilOnline: true });
  await disk.destroy({ backups: 'delete' });
}

function handle(error: unknown): string {
  if (error instanceof UpCloudError) {
    const status: number | null = error.status;
    const field: string | null = error.field;
    const mayExist: boolean = error.mayHaveReachedServer;
    const json: string = JSON.stringify(error.toJSON().message);
    console.log(mayExist, json);
    return `${error.code ?? 'no code'} ${status} ${field} ${error.correlationId} ${error.invalidParams?.length}`;
  }
  return 'not ours';
}

// The union's named codes, without its open `string` member, so that a code
// missing from the union fails to compile here.
type NamedCode<T> = T extends string ? (string extends T ? never : T) : never;
const uploadCodes: NamedCode<UpCloudErrorCode>[] = ['UNSUPPORTED_IMAGE_FORMAT', 'IMAGE_TOO_LARGE', 'INTEGRITY_MISMATCH'];

// @ts-expect-error the storage UUID must be a string
void new CloudManager({ token: 't' }).importStorageFromFile(42, new Blob([]));
// @ts-expect-error size must be a number
void new CloudManager({ token: 't' }).createStorage({ zone: 'fi-hel1', size: '10', title: 't' });
// @ts-expect-error a filter outside the union
void new CloudManager({ token: 't' }).getStorages('everything');
// @ts-expect-error credentials need a token or a username and password
void new CloudManager({ user: 'x' });
// @ts-expect-error a wait target outside the API's states
void new CloudManager({ token: 't' }).waitForStorageState('u', 'onlien');

void readme;
void handle;
void uploadCodes;
