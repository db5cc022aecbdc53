//! The storage methods of `CloudManager`.

use std::future::Future;
use std::pin::Pin;

use js_sys::Promise;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::args::{parse_optional_arg, string_arg};
use super::call::{call, options_with, signal_only, MutationOptions};
use super::convert::{storage_to_js, storages_to_js};
use super::error::to_js_error;
use super::manager::CloudManager;
use super::waits::{mutate, wait_for_storage_state, wait_options};
use crate::error::Error;
use crate::input::{
    CloneStorage, CreateStorage, DeleteOptions, JsInput, ListOptions, ModifyStorage, StorageFilter, TitleInput,
};
use crate::model::StorageState;
use crate::request::{self, ApiRequest};
use crate::response;
use crate::transport::Client;

/// The data part of `getStorages`' second argument.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LabelFilter {
    #[serde(default)]
    labels: Option<Vec<String>>,
}

impl JsInput for LabelFilter {}

/// A method's work, boxed so that every method shares one Promise adapter.
type Work = Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>;

/// Runs `work` with a clone of the manager's client and turns its result into
/// a Promise that rejects with an `UpCloudError`.
pub(crate) fn spawn<F>(client: &Client, work: impl FnOnce(Client) -> F) -> Promise
where
    F: Future<Output = Result<JsValue, Error>> + 'static,
{
    settle(client.clone(), Box::pin(work(client.clone())))
}

// Not generic, so the wasm contains one copy of `future_to_promise`'s code
// rather than one for each method.
fn settle(client: Client, work: Work) -> Promise {
    future_to_promise(async move { work.await.map_err(|error| to_js_error(&redact_error(&client, error))) })
}

/// Cuts the manager's secrets out of every text of `error`: a server's
/// `error_message` or a custom fetch's exception may quote them.
pub(crate) fn redact_error(client: &Client, mut error: Error) -> Error {
    error.message = client.redact(&error.message);
    error.import_error_message = error.import_error_message.map(|text| client.redact(&text));
    for param in &mut error.invalid_params {
        param.reason = client.redact(&param.reason);
    }
    error
}

/// Sends a request about one storage that returns nothing (a cancel or a
/// favorite) and resolves to `undefined`.
async fn act_on(
    client: Client,
    uuid: JsValue,
    options: JsValue,
    build: fn(&str) -> Result<ApiRequest, Error>,
) -> Result<JsValue, Error> {
    let signal = signal_only(&options)?;
    let uuid = string_arg(&uuid, "uuid")?;
    call(&client, &build(&uuid)?, &signal, response::parse_empty).await?;
    Ok(JsValue::UNDEFINED)
}

/// Creates a titled copy of a storage (a backup or a template) and resolves
/// to it.
async fn titled_copy(
    client: Client,
    uuid: JsValue,
    title: JsValue,
    options: JsValue,
    build: fn(&str, &TitleInput) -> Result<ApiRequest, Error>,
) -> Result<JsValue, Error> {
    let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
    let uuid = string_arg(&uuid, "uuid")?;
    let title = string_arg(&title, "title")?;
    let request = build(&uuid, &TitleInput { title })?;
    let wait = mutation.wait_until_online.unwrap_or(false);
    let storage = mutate(&client, &request, &signal, response::parse_storage, &uuid, wait).await?;
    storage_to_js(&client, &storage)
}

fn filter_arg(value: &JsValue) -> Result<StorageFilter, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(StorageFilter::Normal);
    }
    let text = value
        .as_string()
        .ok_or_else(|| Error::validation("filter", "filter must be a string such as 'normal' or 'private'."))?;
    if text == "all" {
        return Ok(StorageFilter::All);
    }
    StorageFilter::from_path_segment(&text).ok_or_else(|| {
        Error::validation(
            "filter",
            "filter must be one of normal, public, private, backup, cdrom, template, favorite or all.",
        )
    })
}

#[wasm_bindgen]
impl CloudManager {
    /// Lists storages of one kind, like the Python SDK's `get_storages`.
    ///
    /// `filter` is `'normal'` (the default: your disks), `'public'`,
    /// `'private'`, `'backup'`, `'cdrom'`, `'template'`, `'favorite'` or
    /// `'all'` (everything you can see, public templates included).
    /// `labels` keeps only storages with every given label, each written
    /// `key` or `key=value`. List results carry no `backups`, `servers` or
    /// `backupRule`; use `getStorage` for those.
    ///
    /// Resolves to `Storage[]`. Rejects with `VALIDATION_ERROR` for a bad
    /// filter, or with the API's error.
    #[wasm_bindgen(js_name = getStorages, unchecked_return_type = "Promise<Storage[]>")]
    pub fn get_storages(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "StorageFilter")] filter: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ labels?: string[] }")] selection: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            // The signal may also come in the second argument, for callers
            // that pass `{ labels, signal }` together.
            let (inner_signal, selection): (_, LabelFilter) = options_with(&selection)?;
            let signal = signal_only(&options)?.or(inner_signal);
            let filter = filter_arg(&filter)?;
            let request = request::list_storages(&ListOptions { filter: Some(filter), labels: selection.labels })?;
            let storages = call(&client, &request, &signal, response::parse_storage_list).await?;
            storages_to_js(&client, &storages)
        })
    }

    /// Lists storages with one options object: `filter` defaults to `'all'`
    /// here, and `labels` works as in `getStorages`. Resolves to `Storage[]`.
    /// The signal may sit in that object or, as in every other method, in a
    /// trailing `{ signal }`.
    #[wasm_bindgen(js_name = listStorages, unchecked_return_type = "Promise<Storage[]>")]
    pub fn list_storages(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListStoragesOptions")] options: JsValue,
        #[wasm_bindgen(js_name = callOptions, unchecked_optional_param_type = "CallOptions")] call_options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (inner_signal, list): (_, ListOptions) = options_with(&options)?;
            let signal = signal_only(&call_options)?.or(inner_signal);
            let request = request::list_storages(&list)?;
            let storages = call(&client, &request, &signal, response::parse_storage_list).await?;
            storages_to_js(&client, &storages)
        })
    }

    /// Fetches one storage with all its details.
    ///
    /// Resolves to a `Storage`. Rejects with `STORAGE_NOT_FOUND` (status 404)
    /// when it does not exist, or `VALIDATION_ERROR` for a malformed UUID.
    #[wasm_bindgen(js_name = getStorage, unchecked_return_type = "Promise<Storage>")]
    pub fn get_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let signal = signal_only(&options)?;
            let uuid = string_arg(&uuid, "uuid")?;
            let request = request::get_storage(&uuid)?;
            let storage = call(&client, &request, &signal, response::parse_storage).await?;
            storage_to_js(&client, &storage)
        })
    }

    /// Creates an empty disk: `{ zone, size, title, tier?, encrypted?,
    /// backupRule?, labels? }`. `size` is in GiB; `encrypted` cannot be
    /// changed later. Unknown or misspelled fields are rejected.
    ///
    /// Resolves to the new `Storage`. Never sent twice: a failure after the
    /// request may have reached the API is returned, not retried.
    #[wasm_bindgen(js_name = createStorage, unchecked_return_type = "Promise<Storage>")]
    pub fn create_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateStorageInput")] settings: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let signal = signal_only(&options)?;
            let input: CreateStorage = super::args::parse_arg(&settings, "settings")?;
            let request = request::create_storage(&input)?;
            let storage = call(&client, &request, &signal, response::parse_storage).await?;
            storage_to_js(&client, &storage)
        })
    }

    /// Changes a storage's `title`, `size`, `backupRule` or `labels`; only
    /// the fields given are sent, and read-only fields are rejected by name.
    /// Growing `size` does not grow the filesystem (see
    /// `resizeStorageFilesystem`); shrinking is rejected by the API.
    ///
    /// Resolves to the updated `Storage`. With `waitUntilOnline: true` a busy
    /// storage (409 `STORAGE_STATE_ILLEGAL`) is waited for and the change
    /// sent once more.
    #[wasm_bindgen(js_name = modifyStorage, unchecked_return_type = "Promise<Storage>")]
    pub fn modify_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ModifyStorageInput")] changes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
            let uuid = string_arg(&uuid, "uuid")?;
            let input: ModifyStorage = super::args::parse_arg(&changes, "changes")?;
            let request = request::modify_storage(&uuid, &input)?;
            let wait = mutation.wait_until_online.unwrap_or(false);
            let storage = mutate(&client, &request, &signal, response::parse_storage, &uuid, wait).await?;
            storage_to_js(&client, &storage)
        })
    }

    /// Deletes a storage. `policy.backups` is `'keep'` (the default),
    /// `'keep_latest'` or `'delete'`.
    ///
    /// **Warning:** the data cannot be recovered, and with `'delete'` neither
    /// can its backups. The storage must be detached and `online`; otherwise
    /// the API rejects with 409 (`STORAGE_ATTACHED`, `STORAGE_STATE_ILLEGAL`).
    /// Resolves to `undefined`.
    #[wasm_bindgen(js_name = deleteStorage, unchecked_return_type = "Promise<void>")]
    pub fn delete_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DeleteStorageOptions")] policy: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
            let uuid = string_arg(&uuid, "uuid")?;
            let policy: DeleteOptions = parse_optional_arg(&policy, "policy")?;
            let request = request::delete_storage(&uuid, &policy)?;
            let wait = mutation.wait_until_online.unwrap_or(false);
            mutate(&client, &request, &signal, response::parse_empty, &uuid, wait).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Clones a storage: `{ title, zone, tier?, encrypted? }`. Cloning into
    /// another zone or tier is how a storage moves. The copy has the source's
    /// size and no backup rule.
    ///
    /// Resolves to the new `Storage`, usually in `maintenance` until the copy
    /// is done (see `waitForStorageState`). Never sent twice.
    #[wasm_bindgen(js_name = cloneStorage, unchecked_return_type = "Promise<Storage>")]
    pub fn clone_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CloneStorageInput")] settings: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
            let uuid = string_arg(&uuid, "uuid")?;
            let input: CloneStorage = super::args::parse_arg(&settings, "settings")?;
            let request = request::clone_storage(&uuid, &input)?;
            let wait = mutation.wait_until_online.unwrap_or(false);
            let storage = mutate(&client, &request, &signal, response::parse_storage, &uuid, wait).await?;
            storage_to_js(&client, &storage)
        })
    }

    /// Cancels a running clone or templatize. Pass the UUID of the **new**
    /// storage that the clone returned, not of its source; the incomplete
    /// copy is deleted. Resolves to `undefined`.
    #[wasm_bindgen(js_name = cancelCloneStorage, unchecked_return_type = "Promise<void>")]
    pub fn cancel_clone_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| act_on(client, uuid, options, request::cancel_operation))
    }

    /// Takes a backup of a storage now, titled `title`.
    ///
    /// Resolves to the new backup (`type: 'backup'`, `origin` set), usually in
    /// `maintenance` until it is written. Never sent twice.
    #[wasm_bindgen(js_name = createStorageBackup, unchecked_return_type = "Promise<Storage>")]
    pub fn create_storage_backup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] title: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| titled_copy(client, uuid, title, options, request::create_backup))
    }

    /// Restores a backup onto the storage it was taken from. Pass the
    /// **backup's** UUID.
    ///
    /// **Warning:** overwrites the origin storage's data. Resolves to
    /// `undefined`; the origin is in `maintenance` until the restore is done.
    #[wasm_bindgen(js_name = restoreStorageBackup, unchecked_return_type = "Promise<void>")]
    pub fn restore_storage_backup(
        &self,
        #[wasm_bindgen(js_name = backupUuid, unchecked_param_type = "string")] backup_uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
            let uuid = string_arg(&backup_uuid, "backupUuid")?;
            let request = request::restore_backup(&uuid)?;
            let wait = mutation.wait_until_online.unwrap_or(false);
            mutate(&client, &request, &signal, response::parse_empty, &uuid, wait).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Creates a private template from a storage, titled `title`.
    ///
    /// Resolves to the new template (`type: 'template'`), in `maintenance`
    /// until it is written; wait for it before cloning it. Never sent twice.
    #[wasm_bindgen(js_name = templatizeStorage, unchecked_return_type = "Promise<Storage>")]
    pub fn templatize_storage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] title: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| titled_copy(client, uuid, title, options, request::templatize_storage))
    }

    /// Marks a storage as a favorite (listed by `getStorages('favorite')`).
    /// Adding one twice is not an error. Resolves to `undefined`.
    #[wasm_bindgen(js_name = addStorageToFavorites, unchecked_return_type = "Promise<void>")]
    pub fn add_storage_to_favorites(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| act_on(client, uuid, options, request::add_favorite))
    }

    /// Removes a storage from the favorites. Resolves to `undefined`.
    #[wasm_bindgen(js_name = removeStorageFromFavorites, unchecked_return_type = "Promise<void>")]
    pub fn remove_storage_from_favorites(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| act_on(client, uuid, options, request::remove_favorite))
    }

    /// Grows the last partition and its filesystem (ext3, ext4, XFS, NTFS)
    /// to the storage's size, after `modifyStorage` grew the disk. The API
    /// first takes a backup and restores it if the resize fails.
    ///
    /// Resolves to that backup as a `Storage`; delete it when no longer needed.
    #[wasm_bindgen(js_name = resizeStorageFilesystem, unchecked_return_type = "Promise<Storage>")]
    pub fn resize_storage_filesystem(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
            let uuid = string_arg(&uuid, "uuid")?;
            let request = request::resize_filesystem(&uuid)?;
            let wait = mutation.wait_until_online.unwrap_or(false);
            let backup = mutate(&client, &request, &signal, response::parse_resize_backup, &uuid, wait).await?;
            storage_to_js(&client, &backup)
        })
    }

    /// Polls a storage until it reaches `state` (default `'online'`), for
    /// example after a clone, backup or templatize.
    ///
    /// Resolves to the `Storage` in that state. Rejects with `STORAGE_ERROR`
    /// as soon as the storage is in `error`, with `TIMEOUT` after
    /// `timeoutMs` (default 10 minutes), with `ABORTED` on `signal`, and with
    /// the last error after four failed polls in a row (network errors, 429,
    /// 5xx). Polls start `intervalMs` apart (default 1 s) and slow down to
    /// ten times that; `onPoll` receives each polled `Storage`. A `state`
    /// that is not one of the API's states rejects with `VALIDATION_ERROR`
    /// at once, so a misspelling does not poll until the timeout.
    #[wasm_bindgen(js_name = waitForStorageState, unchecked_return_type = "Promise<Storage>")]
    pub fn wait_for_storage_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KnownStorageState")] state: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions<Storage>")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, settings) = wait_options(&options)?;
            let uuid = string_arg(&uuid, "uuid")?;
            let target = if state.is_undefined() || state.is_null() {
                StorageState::Online
            } else {
                known_state(&string_arg(&state, "state")?)?
            };
            let storage = wait_for_storage_state(&client, &uuid, &target, &settings, &signal).await?;
            storage_to_js(&client, &storage)
        })
    }
}

/// Reads a target state for a wait. Only the API's own states are accepted:
/// a storage never reaches any other, so waiting for one could only time out.
fn known_state(state: &str) -> Result<StorageState, Error> {
    match StorageState::from_wire(state) {
        StorageState::Other(_) => Err(Error::validation(
            "state",
            format!("state must be one of {}; got {state:?}.", StorageState::KNOWN.join(", ")),
        )),
        known => Ok(known),
    }
}
