//! The storage import methods of `CloudManager` (HTTP imports and the
//! import objects of direct uploads).

use js_sys::Promise;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::args::{parse_arg, string_arg};
use super::call::{call, options_with, signal_only, MutationOptions};
use super::convert::to_plain;
use super::manager::CloudManager;
use super::storages::spawn;
use super::waits::{mutate, wait_for_import, wait_options};
use crate::input::{CreateImport, JsInput};
use crate::error::Error;
use crate::request::{self, ApiRequest};
use crate::response;
use crate::transport::Client;

/// `createStorageImport`'s argument: the core's import options plus the
/// storage to import into.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CreateImportInput {
    storage: String,
    source: String,
    #[serde(default)]
    source_location: Option<String>,
}

impl JsInput for CreateImportInput {}

#[wasm_bindgen]
impl CloudManager {
    /// Starts an import into a storage: `{ storage, source, sourceLocation? }`.
    /// With `source: 'http_import'` UpCloud downloads `sourceLocation` (an
    /// `http://` or `https://` URL; compression is taken from the
    /// Content-Type the remote server sends). With `'direct_upload'` the
    /// result's `directUploadUrl` takes a PUT of the data.
    ///
    /// **Warning:** the data is written from the start of the storage, which
    /// is not cleared first. Resolves to the `StorageImport`, in state
    /// `prepared`; follow it with `waitForStorageImport`. Never sent twice.
    #[wasm_bindgen(js_name = createStorageImport, unchecked_return_type = "Promise<StorageImport>")]
    pub fn create_storage_import(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateStorageImportInput")] settings: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MutationOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, mutation): (_, MutationOptions) = options_with(&options)?;
            let input: CreateImportInput = parse_arg(&settings, "settings")?;
            let import = CreateImport { source: input.source, source_location: input.source_location };
            let request = request::create_import(&input.storage, &import)?;
            let wait = mutation.wait_until_online.unwrap_or(false);
            to_plain(&mutate(&client, &request, &signal, response::parse_import, &input.storage, wait).await?)
        })
    }

    /// Fetches the latest import of a storage (pass the **storage's** UUID),
    /// finished ones included. Resolves to the `StorageImport`; rejects with
    /// the API's error (such as `STORAGE_IMPORT_NOT_FOUND`) when there is none.
    #[wasm_bindgen(js_name = getStorageImportDetails, unchecked_return_type = "Promise<StorageImport>")]
    pub fn get_storage_import_details(
        &self,
        #[wasm_bindgen(js_name = storageUuid, unchecked_param_type = "string")] storage_uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| import_call(client, storage_uuid, options, request::get_import))
    }

    /// Cancels the running import of a storage (pass the **storage's** UUID).
    /// Resolves to the `StorageImport`, usually in state `cancelling`.
    #[wasm_bindgen(js_name = cancelStorageImport, unchecked_return_type = "Promise<StorageImport>")]
    pub fn cancel_storage_import(
        &self,
        #[wasm_bindgen(js_name = storageUuid, unchecked_param_type = "string")] storage_uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| import_call(client, storage_uuid, options, request::cancel_import))
    }

    /// Polls the import of a storage until it is `completed` and resolves to
    /// that `StorageImport`. The storage itself may still be `syncing`; wait
    /// with `waitForStorageState` when it must be `online`.
    ///
    /// Rejects with `IMPORT_FAILED` (with `importErrorCode`,
    /// `importErrorMessage` and `storageUuid`) when the import fails, and
    /// with `IMPORT_CANCELLED` when it is cancelled. It also rejects with
    /// `TIMEOUT` after `timeoutMs` (default 10 minutes), with `ABORTED` on
    /// `signal`, and with the last error after four failed polls in a row. `onPoll` sees
    /// each polled `StorageImport`.
    #[wasm_bindgen(js_name = waitForStorageImport, unchecked_return_type = "Promise<StorageImport>")]
    pub fn wait_for_storage_import(
        &self,
        #[wasm_bindgen(js_name = storageUuid, unchecked_param_type = "string")] storage_uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions<StorageImport>")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let (signal, settings) = wait_options(&options)?;
            let uuid = string_arg(&storage_uuid, "storageUuid")?;
            to_plain(&wait_for_import(&client, &uuid, &settings, &signal).await?)
        })
    }
}

/// Sends a request about a storage's import and resolves to the
/// `StorageImport` the API returns.
async fn import_call(
    client: Client,
    storage_uuid: JsValue,
    options: JsValue,
    build: fn(&str) -> Result<ApiRequest, Error>,
) -> Result<JsValue, Error> {
    let signal = signal_only(&options)?;
    let uuid = string_arg(&storage_uuid, "storageUuid")?;
    to_plain(&call(&client, &build(&uuid)?, &signal, response::parse_import).await?)
}
