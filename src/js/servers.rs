//! The server-side storage device methods of `CloudManager`.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::args::{parse_arg, string_arg};
use super::call::{call, signal_only};
use super::convert::to_plain;
use super::manager::CloudManager;
use super::storages::spawn;
use crate::input::{AttachStorage, DetachStorage, LoadCdrom};
use crate::request;
use crate::response;

#[wasm_bindgen]
impl CloudManager {
    /// Attaches a storage to a server: `{ storage, type?, address?,
    /// bootDisk? }`. `type` is `'disk'` (the default) or `'cdrom'`; leave out
    /// `storage` with `type: 'cdrom'` to add an empty CD-ROM drive. Without
    /// `address` the API picks the next free slot. IDE devices and CD-ROM
    /// drives need a stopped server.
    ///
    /// Resolves to the `Server` with its storage devices.
    #[wasm_bindgen(js_name = attachStorage, unchecked_return_type = "Promise<Server>")]
    pub fn attach_storage(
        &self,
        #[wasm_bindgen(js_name = serverUuid, unchecked_param_type = "string")] server_uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AttachStorageInput")] device: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let signal = signal_only(&options)?;
            let server_uuid = string_arg(&server_uuid, "serverUuid")?;
            let input: AttachStorage = parse_arg(&device, "device")?;
            let request = request::attach_storage(&server_uuid, &input)?;
            to_plain(&call(&client, &request, &signal, response::parse_server).await?)
        })
    }

    /// Detaches the device at `address` (such as `'scsi:0:0'`) from a server.
    /// The storage itself is kept. Resolves to the `Server`.
    #[wasm_bindgen(js_name = detachStorage, unchecked_return_type = "Promise<Server>")]
    pub fn detach_storage(
        &self,
        #[wasm_bindgen(js_name = serverUuid, unchecked_param_type = "string")] server_uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] address: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let signal = signal_only(&options)?;
            let server_uuid = string_arg(&server_uuid, "serverUuid")?;
            let address = string_arg(&address, "address")?;
            let request = request::detach_storage(&server_uuid, &DetachStorage { address })?;
            to_plain(&call(&client, &request, &signal, response::parse_server).await?)
        })
    }

    /// Loads a storage (a CD-ROM image, disk or backup) into the server's
    /// CD-ROM drive, which must exist (see `attachStorage`). Resolves to the
    /// `Server`.
    #[wasm_bindgen(js_name = loadCdrom, unchecked_return_type = "Promise<Server>")]
    pub fn load_cdrom(
        &self,
        #[wasm_bindgen(js_name = serverUuid, unchecked_param_type = "string")] server_uuid: JsValue,
        #[wasm_bindgen(js_name = storageUuid, unchecked_param_type = "string")] storage_uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let signal = signal_only(&options)?;
            let server_uuid = string_arg(&server_uuid, "serverUuid")?;
            let storage = string_arg(&storage_uuid, "storageUuid")?;
            let request = request::load_cdrom(&server_uuid, &LoadCdrom { storage })?;
            to_plain(&call(&client, &request, &signal, response::parse_server).await?)
        })
    }

    /// Ejects whatever is in the server's CD-ROM drive. Resolves to the `Server`.
    #[wasm_bindgen(js_name = ejectCdrom, unchecked_return_type = "Promise<Server>")]
    pub fn eject_cdrom(
        &self,
        #[wasm_bindgen(js_name = serverUuid, unchecked_param_type = "string")] server_uuid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            let signal = signal_only(&options)?;
            let server_uuid = string_arg(&server_uuid, "serverUuid")?;
            let request = request::eject_cdrom(&server_uuid)?;
            to_plain(&call(&client, &request, &signal, response::parse_server).await?)
        })
    }
}
