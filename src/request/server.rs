//! Requests on a server's storage devices: attach, detach, CD-ROM load and eject.

use serde_json::{json, Map, Value};

use super::{ApiRequest, Method, API_PREFIX};
use crate::error::Error;
use crate::input::{AttachStorage, DetachStorage, LoadCdrom};
use crate::model::DeviceType;
use crate::validate;

fn server_path(server_uuid: &str) -> Result<String, Error> {
    validate::uuid("serverUuid", server_uuid)?;
    Ok(format!("{API_PREFIX}/server/{server_uuid}"))
}

fn wrap_device(fields: Map<String, Value>) -> Value {
    json!({ "storage_device": Value::Object(fields) })
}

/// Attaches a storage (or an empty CD-ROM drive) to a server. `POST /1.3/server/{uuid}/storage/attach`
pub fn attach_storage(server_uuid: &str, input: &AttachStorage) -> Result<ApiRequest, Error> {
    let path = server_path(server_uuid)?;

    let device_type = input.device_type.as_deref().map(DeviceType::from_wire);
    if let Some(DeviceType::Other(_)) = device_type {
        return Err(Error::validation("type", "is not a device type; use disk or cdrom"));
    }

    let mut fields = Map::new();
    if let Some(device_type) = &device_type {
        fields.insert("type".into(), json!(device_type.as_str()));
    }
    if let Some(address) = &input.address {
        validate::device_address("address", address)?;
        fields.insert("address".into(), json!(address));
    }
    match &input.storage {
        Some(storage) => {
            validate::uuid("storage", storage)?;
            fields.insert("storage".into(), json!(storage));
        }
        None if device_type != Some(DeviceType::Cdrom) => {
            return Err(Error::validation(
                "storage",
                "is missing; only an empty CD-ROM drive (type: cdrom) can be attached without a storage",
            ));
        }
        None => {}
    }
    if let Some(boot_disk) = input.boot_disk {
        fields.insert("boot_disk".into(), json!(if boot_disk { "1" } else { "0" }));
    }

    Ok(ApiRequest::new(Method::Post, format!("{path}/storage/attach")).with_body(wrap_device(fields)))
}

/// Detaches the device at an address from a server. `POST /1.3/server/{uuid}/storage/detach`
pub fn detach_storage(server_uuid: &str, input: &DetachStorage) -> Result<ApiRequest, Error> {
    let path = server_path(server_uuid)?;
    validate::device_address("address", &input.address)?;

    let mut fields = Map::new();
    fields.insert("address".into(), json!(input.address));
    Ok(ApiRequest::new(Method::Post, format!("{path}/storage/detach")).with_body(wrap_device(fields)))
}

/// Loads a storage into a server's CD-ROM drive. `POST /1.3/server/{uuid}/cdrom/load`
pub fn load_cdrom(server_uuid: &str, input: &LoadCdrom) -> Result<ApiRequest, Error> {
    let path = server_path(server_uuid)?;
    validate::uuid("storage", &input.storage)?;

    let mut fields = Map::new();
    fields.insert("storage".into(), json!(input.storage));
    Ok(ApiRequest::new(Method::Post, format!("{path}/cdrom/load")).with_body(wrap_device(fields)))
}

/// Ejects the storage from a server's CD-ROM drive. `POST /1.3/server/{uuid}/cdrom/eject`, no body.
pub fn eject_cdrom(server_uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Post, format!("{}/cdrom/eject", server_path(server_uuid)?)))
}
