// The Storage class that CloudManager resolves storages to. Its own
// enumerable properties are the data fields only, so `JSON.stringify` and
// spreading give plain data. The methods act through the manager that made
// the object, which is kept in a private field.

/**
 * A storage (disk, backup, template or CD-ROM) as the API last reported it,
 * with methods that act on it through the CloudManager that fetched it.
 * Methods that return a storage refresh this object's fields in place.
 */
export class Storage {
  #manager;

  constructor(data, manager) {
    Object.assign(this, data);
    this.#manager = manager;
  }

  /** Modifies this storage and refreshes its fields; resolves to `this`. */
  async update(changes, options) {
    return this.#refresh(await this.#manager.modifyStorage(this.uuid, changes, options));
  }

  /**
   * Deletes this storage. **Warning:** the data is gone for good; with
   * `{ backups: 'delete' }` its backups are deleted too.
   */
  async destroy(policy, options) {
    await this.#manager.deleteStorage(this.uuid, policy, options);
  }

  /** Clones this storage; resolves to the new storage. */
  clone(settings, options) {
    return this.#manager.cloneStorage(this.uuid, settings, options);
  }

  /** Cancels the clone that is writing this (new) storage. */
  async cancelCloning(options) {
    await this.#manager.cancelCloneStorage(this.uuid, options);
  }

  /** Takes a backup of this storage; resolves to the new backup. */
  createBackup(title, options) {
    return this.#manager.createStorageBackup(this.uuid, title, options);
  }

  /**
   * Restores this backup onto the storage it was taken from.
   * **Warning:** overwrites that storage's data.
   */
  async restoreBackup(options) {
    await this.#manager.restoreStorageBackup(this.uuid, options);
  }

  /** Makes a private template from this storage; resolves to the template. */
  templatize(title, options) {
    return this.#manager.templatizeStorage(this.uuid, title, options);
  }

  /** Fetches this storage again and refreshes its fields; resolves to `this`. */
  async reload(options) {
    return this.#refresh(await this.#manager.getStorage(this.uuid, options));
  }

  /**
   * Waits until this storage reaches `state` (default `'online'`), then
   * refreshes its fields; resolves to `this`.
   */
  async waitFor(state, options) {
    return this.#refresh(await this.#manager.waitForStorageState(this.uuid, state, options));
  }

  #refresh(latest) {
    for (const key of Object.keys(this)) {
      if (!(key in latest)) {
        delete this[key];
      }
    }
    Object.assign(this, latest);
    return this;
  }
}

// Rust hands results over as UTF-8 JSON in a view of wasm memory, which is
// valid only during the call, so it is decoded at once.
const utf8 = new TextDecoder();

/** Parses a result that Rust serialized to JSON. */
export function parseData(json) {
  return JSON.parse(utf8.decode(json));
}

/** Builds a Storage from Rust, where `new` on a JS class is awkward. */
export function createStorage(json, manager) {
  return new Storage(parseData(json), manager);
}

/** Builds an array of Storages that share one manager. */
export function createStorages(json, manager) {
  return parseData(json).map((data) => new Storage(data, manager));
}
