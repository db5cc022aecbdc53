// The error class every rejection of this package uses. It lives in plain
// JavaScript so that it is a real `Error` subclass with a native stack, and
// so that every entry point can export this one class for `instanceof`.

/**
 * The error every method of this package rejects with.
 *
 * `code` is UpCloud's error code verbatim (such as `STORAGE_NOT_FOUND`) or
 * one of this package's own: `VALIDATION_ERROR` (bad argument, see `field`),
 * `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`, `DECODE_ERROR` (a response that
 * could not be read), `IMPORT_FAILED`, `IMPORT_CANCELLED`, `STORAGE_ERROR`,
 * and for uploads `UNSUPPORTED_IMAGE_FORMAT`, `IMAGE_TOO_LARGE` and
 * `INTEGRITY_MISMATCH`. It is `null` when a failed response carried no code.
 * Secrets never appear in any field. When `mayHaveReachedServer` is `true`,
 * a POST may have taken effect although it failed, so a storage may exist:
 * list the storages before creating one again.
 *
 * `JSON.stringify(error)` gives the data fields, `message` included.
 */
export class UpCloudError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = 'UpCloudError';
    /** UpCloud's error code or one of this package's codes, or `null`. */
    this.code = details.code ?? null;
    /** The HTTP status, or `null` when no response arrived. */
    this.status = details.status ?? null;
    /** For `VALIDATION_ERROR`: the argument or field that was rejected. */
    this.field = details.field ?? null;
    /** The API's correlation id for support requests, when it sent one. */
    this.correlationId = details.correlationId ?? null;
    /** The API's per-parameter complaints: `[{ name, reason }]`, or `null`. */
    this.invalidParams = details.invalidParams ?? null;
    /** Seconds the API asked to wait before trying again (`Retry-After`), or `null`. */
    this.retryAfter = details.retryAfter ?? null;
    /** For import failures: the storage the import was writing to. */
    this.storageUuid = details.storageUuid ?? null;
    /** For `IMPORT_FAILED`: the import's own `error_code`. */
    this.importErrorCode = details.importErrorCode ?? null;
    /** For `IMPORT_FAILED`: the import's own `error_message`. */
    this.importErrorMessage = details.importErrorMessage ?? null;
    /**
     * `true` when a POST was aborted, timed out or failed on the network
     * after `fetch` took it, so UpCloud may have carried it out.
     */
    this.mayHaveReachedServer = details.mayHaveReachedServer ?? false;
  }

  /** Returns the data fields, so that `JSON.stringify(error)` keeps `message`. */
  toJSON() {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
      field: this.field,
      correlationId: this.correlationId,
      invalidParams: this.invalidParams,
      retryAfter: this.retryAfter,
      storageUuid: this.storageUuid,
      importErrorCode: this.importErrorCode,
      importErrorMessage: this.importErrorMessage,
      mayHaveReachedServer: this.mayHaveReachedServer,
    };
  }
}

/** Builds an UpCloudError from Rust, where `new` on a JS class is awkward. */
export function createUpCloudError(message, details) {
  return new UpCloudError(message, details);
}
