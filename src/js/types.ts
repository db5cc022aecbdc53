/** `{ username, password }` (HTTP Basic) or `{ token }` (Bearer). A token wins when both are given. */
export type Credentials =
  | { username: string; password: string; token?: string }
  | { token: string; username?: string; password?: string };

/** Severity passed to a logger. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields logged for each HTTP attempt. Headers, bodies and credentials are never logged. */
export interface LogFields {
  method: string;
  /** The API path without the query, such as `/1.3/storage/01…`. */
  path: string;
  /** The HTTP status, or `null` when no response arrived. */
  status: number | null;
  /** 1 for the first try, 2 for the first retry, and so on. */
  attempt: number;
  durationMs: number;
}

/** A logger: one function, or an object with a method per level (`console` works). */
export type Logger =
  | ((level: LogLevel, message: string, fields: LogFields) => void)
  | {
      debug?(message: string, fields: LogFields): void;
      info?(message: string, fields: LogFields): void;
      warn?(message: string, fields: LogFields): void;
      error?(message: string, fields: LogFields): void;
    };

/** Options of `new CloudManager(credentials, options)`. */
export interface ManagerOptions {
  /** API root including the version, without query or fragment. Default `https://api.upcloud.com/1.3`. */
  baseUrl?: string | URL;
  /** Time limit of each call, retries included, in milliseconds. Default 60 000. */
  timeoutMs?: number;
  /** How many times a failed attempt may be repeated (0–10). Default 3. */
  retries?: number;
  /** The fetch function to use instead of `globalThis.fetch`, for proxies and tests. */
  fetch?: (input: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<Response>;
  /** Receiver of one log line per HTTP attempt. Off by default. */
  logger?: Logger;
}

/** The options every method takes last. */
export interface CallOptions {
  /** Aborts the call; it then rejects with code `ABORTED`. */
  signal?: AbortSignal;
}

/** Options of calls that change a storage. */
export interface MutationOptions extends CallOptions {
  /**
   * When the API responds with 409 `STORAGE_STATE_ILLEGAL` because the storage is
   * busy, wait until it is `online` and send the call once more. Off by default.
   */
  waitUntilOnline?: boolean;
}

/** The kind of storages `getStorages` lists. */
export type StorageFilter = 'normal' | 'public' | 'private' | 'backup' | 'cdrom' | 'template' | 'favorite' | 'all';

/** Options of `getStorages`. */
export interface GetStoragesOptions extends CallOptions {
  /** Label filters, each `key` (has the label) or `key=value`; all must match. */
  labels?: string[];
}

/** Options of `listStorages`. */
export interface ListStoragesOptions extends GetStoragesOptions {
  /** The kind of storages to list. Default `'all'`. */
  filter?: StorageFilter;
}

/** A storage's type. */
export type StorageType = 'normal' | 'backup' | 'cdrom' | 'template' | (string & {});
/** The states the API documents; the only ones a wait accepts as its target. */
export type KnownStorageState = 'online' | 'maintenance' | 'cloning' | 'backuping' | 'syncing' | 'error';
/** A storage's state; newer states the API adds come through as they are. */
export type StorageState = KnownStorageState | (string & {});
/** A storage tier. `hdd` is the Archive tier; `ssd` exists only on old storages. */
export type StorageTier = 'maxiops' | 'standard' | 'hdd' | 'ssd' | (string & {});
/** When a backup rule runs: daily or on one weekday. */
export type BackupInterval = 'daily' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A label. Keys starting with `_` are read-only system labels. */
export interface Label {
  key: string;
  value: string;
}

/** A scheduled backup rule. */
export interface BackupRule {
  interval: BackupInterval;
  /** UTC start time as `HHMM`, such as `"0430"`. */
  time: string;
  /** Days each backup is kept, 1–1095. */
  retention: number;
}

/** A backup rule to set; `{}` means no rule. */
export type BackupRuleInput = BackupRule | Record<string, never>;

/** The data fields of a storage. Absent values are `null`. */
export interface StorageData {
  uuid: string;
  title: string;
  /** Size in GiB. */
  size: number;
  /** `null` for public templates and CD-ROM images. */
  zone: string | null;
  /** `null` for backups and public storages. */
  tier: StorageTier | null;
  type: StorageType;
  state: StorageState;
  access: 'public' | 'private' | (string & {});
  /** Percentage done of the running operation, or `null`. */
  progress: number | null;
  /** Whether the data is encrypted at rest; `null` when the API does not report it. */
  encrypted: boolean | null;
  labels: Label[];
  /** `null` when there is no rule and in list results. */
  backupRule: BackupRule | null;
  /** UUIDs of this storage's backups (details of normal storages only). */
  backups: string[];
  /** UUIDs of the servers it is attached to (details only). */
  servers: string[];
  /** For a backup: the storage it was taken from. */
  origin: string | null;
  /** RFC 3339 time of creation, or `null`. */
  created: string | null;
  /** Licence cost in credits per hour. */
  license: number;
  partOfPlan: boolean;
  templateType: 'native' | 'cloud-init' | null;
}

/**
 * A storage returned by a CloudManager. Its own properties are the data
 * fields only, so `JSON.stringify(storage)` gives plain data; the methods act
 * through the manager that returned it.
 */
export declare class Storage {
  private constructor();
  /** Modifies this storage and refreshes its fields; resolves to `this`. */
  update(changes: ModifyStorageInput, options?: MutationOptions): Promise<this>;
  /** Deletes this storage. **Warning:** the data cannot be recovered. */
  destroy(policy?: DeleteStorageOptions, options?: MutationOptions): Promise<void>;
  /** Clones this storage; resolves to the new storage, usually in `maintenance`. */
  clone(settings: CloneStorageInput, options?: MutationOptions): Promise<Storage>;
  /** Cancels the clone writing this (new) storage; the incomplete copy is deleted. */
  cancelCloning(options?: CallOptions): Promise<void>;
  /** Takes a backup; resolves to the new backup. */
  createBackup(title: string, options?: MutationOptions): Promise<Storage>;
  /** Restores this backup onto its origin. **Warning:** overwrites the origin's data. */
  restoreBackup(options?: MutationOptions): Promise<void>;
  /** Makes a private template of this storage; resolves to the template. */
  templatize(title: string, options?: MutationOptions): Promise<Storage>;
  /** Fetches this storage again; resolves to `this`. */
  reload(options?: CallOptions): Promise<this>;
  /** Waits for `state` (default `'online'`) and refreshes; resolves to `this`. */
  waitFor(state?: KnownStorageState, options?: WaitOptions<Storage>): Promise<this>;
}
export interface Storage extends StorageData {}

/** Options of `createStorage`. */
export interface CreateStorageInput {
  zone: string;
  /** Size in GiB, 1–4096. */
  size: number;
  /** 1–255 characters. */
  title: string;
  tier?: 'maxiops' | 'standard' | 'hdd' | null;
  /** Encrypt at rest; cannot be changed later. */
  encrypted?: boolean | null;
  backupRule?: BackupRuleInput | null;
  labels?: Label[] | null;
}

/** The fields `modifyStorage` can change; only those given are sent. */
export interface ModifyStorageInput {
  title?: string | null;
  /** New size in GiB; shrinking is rejected, and the filesystem is not grown (see `resizeStorageFilesystem`). */
  size?: number | null;
  /** `{}` removes the rule. */
  backupRule?: BackupRuleInput | null;
  /** Replaces every user label; `[]` removes them all. */
  labels?: Label[] | null;
}

/** The policy for a storage's backups when it is deleted. */
export interface DeleteStorageOptions {
  /** `keep` (default), `keep_latest` or `delete`. */
  backups?: 'keep' | 'keep_latest' | 'delete';
}

/** Options of `cloneStorage`. */
export interface CloneStorageInput {
  title: string;
  zone: string;
  tier?: 'maxiops' | 'standard' | 'hdd' | null;
  encrypted?: boolean | null;
}

/** Options of `attachStorage`. */
export interface AttachStorageInput {
  /** The storage to attach; leave out to add an empty CD-ROM drive. */
  storage?: string;
  type?: 'disk' | 'cdrom';
  /** Bus address such as `virtio:1` or `scsi:0:0`, or a bus alone; the next free slot when left out. */
  address?: string;
  bootDisk?: boolean;
}

/** A server's disk or CD-ROM drive. */
export interface StorageDevice {
  address: string;
  type: 'disk' | 'cdrom' | (string & {});
  /** `null` for an empty CD-ROM drive. */
  storage: string | null;
  storageSize: number;
  storageTitle: string | null;
  storageTier: StorageTier | null;
  storageEncrypted: boolean | null;
  bootDisk: boolean;
  labels: Label[];
}

/** A server as attach, detach and CD-ROM calls return it. */
export interface Server {
  uuid: string;
  title: string;
  hostname: string | null;
  state: string;
  zone: string | null;
  storageDevices: StorageDevice[];
}

/** Options of `createStorageImport`. */
export interface CreateStorageImportInput {
  /** The storage to write into. */
  storage: string;
  /** `http_import`: UpCloud downloads `sourceLocation`. `direct_upload`: you PUT the data. */
  source: 'http_import' | 'direct_upload';
  /** The `http://` or `https://` URL to download, for `http_import`. */
  sourceLocation?: string | null;
}

/** The state of an import. */
export type ImportState = 'prepared' | 'pending' | 'importing' | 'completed' | 'failed' | 'cancelling' | 'cancelled' | (string & {});

/** A storage import. Values the API leaves empty are `null`. */
export interface StorageImport {
  uuid: string;
  source: 'http_import' | 'direct_upload' | (string & {});
  sourceLocation: string | null;
  /** **Warning:** a credential; never log or display it. */
  directUploadUrl: string | null;
  state: ImportState;
  created: string | null;
  completed: string | null;
  readBytes: number;
  writtenBytes: number;
  md5sum: string | null;
  sha256sum: string | null;
  clientContentType: string | null;
  clientContentLength: number;
  errorCode: string | null;
  errorMessage: string | null;
}

/** Options of the wait methods. */
export interface WaitOptions<T> extends CallOptions {
  /** Give up after this many milliseconds with code `TIMEOUT`. Default 600 000. */
  timeoutMs?: number;
  /** First pause between polls in milliseconds; it grows up to 10× this. Default 1 000. */
  intervalMs?: number;
  /** Called with each polled value. */
  onPoll?: (value: T) => void;
}

/** The codes of failures this package reports itself, next to UpCloud's own codes. */
export type UpCloudErrorCode =
  | 'VALIDATION_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'DECODE_ERROR'
  | 'IMPORT_FAILED'
  | 'IMPORT_CANCELLED'
  | 'STORAGE_ERROR'
  | 'UNSUPPORTED_IMAGE_FORMAT'
  | 'IMAGE_TOO_LARGE'
  | 'INTEGRITY_MISMATCH'
  | (string & {});

/** The error every method rejects with. */
export declare class UpCloudError extends Error {
  private constructor();
  readonly name: 'UpCloudError';
  /** UpCloud's error code verbatim, one of this package's codes, or `null` when the response carried none. */
  readonly code: UpCloudErrorCode | null;
  /** The HTTP status, or `null` when no response arrived. */
  readonly status: number | null;
  /** For `VALIDATION_ERROR`: the argument or field at fault, such as `size` or `backupRule.time`. */
  readonly field: string | null;
  readonly correlationId: string | null;
  readonly invalidParams: { name: string; reason: string }[] | null;
  /** Seconds the API asked to wait before trying again (`Retry-After`), or `null`. */
  readonly retryAfter: number | null;
  /** The storage an import or a wait concerned. */
  readonly storageUuid: string | null;
  /** For `IMPORT_FAILED`: the import's `error_code`. */
  readonly importErrorCode: string | null;
  /** For `IMPORT_FAILED`: the import's `error_message`. */
  readonly importErrorMessage: string | null;
  /**
   * `true` when a POST was aborted, timed out or failed on the network after
   * `fetch` took it. UpCloud may then have carried it out (a storage may
   * exist), so list the storages before creating one again.
   */
  readonly mayHaveReachedServer: boolean;
  /** Returns the data fields above, `message` included, for `JSON.stringify`. */
  toJSON(): {
    name: 'UpCloudError';
    code: UpCloudErrorCode | null;
    status: number | null;
    message: string;
    field: string | null;
    correlationId: string | null;
    invalidParams: { name: string; reason: string }[] | null;
    retryAfter: number | null;
    storageUuid: string | null;
    importErrorCode: string | null;
    importErrorMessage: string | null;
    mayHaveReachedServer: boolean;
  };
}
