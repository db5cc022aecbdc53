//! The server calls needed around storages: list, details, attach, detach, CD-ROM load and
//! eject, and start/stop so that the "server must be stopped" rules can be exercised.

use axum::http::StatusCode;
use serde_json::Value;

use crate::api_storage::ApiResult;
use crate::error::ApiError;
use crate::render;
use crate::respond::json_response;
use crate::state::AppState;
use crate::store::{Device, Server, StorageType, Store};
use crate::validate;

/// Storage devices a server may have.
const MAX_DEVICES: usize = 16;

pub fn list(state: &AppState, account: &str) -> ApiResult {
    let store = state.store();
    let servers: Vec<&Server> = store.servers.values().filter(|server| server.owner == account).collect();
    Ok(json_response(StatusCode::OK, &render::server_list(&servers)))
}

pub fn details(state: &AppState, account: &str, uuid: &str) -> ApiResult {
    let store = state.store();
    let server = store.server_of_account(account, uuid)?;
    Ok(json_response(StatusCode::OK, &render::server_detail(&store, server)))
}

fn server_response(store: &Store, uuid: &str) -> ApiResult {
    let server = store.servers.get(uuid).expect("the caller checked the server");
    Ok(json_response(StatusCode::OK, &render::server_detail(store, server)))
}

/// Bus of a device address, or `None` when the address is not one the API accepts:
/// `ide:0:0`–`ide:1:1`, `scsi:0:0`–`scsi:0:7`, `virtio:0`–`virtio:7`, or a bare bus name.
fn address_bus(address: &str) -> Option<&str> {
    let parts: Vec<&str> = address.split(':').collect();
    let digit_in = |text: &str, max: u8| text.len() == 1 && text.as_bytes()[0].is_ascii_digit() && text.as_bytes()[0] - b'0' <= max;
    match parts.as_slice() {
        [bus @ ("ide" | "scsi" | "virtio")] => Some(bus),
        ["ide", controller, unit] if digit_in(controller, 1) && digit_in(unit, 1) => Some("ide"),
        ["scsi", "0", unit] if digit_in(unit, 7) => Some("scsi"),
        ["virtio", unit] if digit_in(unit, 7) => Some("virtio"),
        _ => None,
    }
}

fn free_address(server: &Server, bus: &str) -> Option<String> {
    let candidates: Vec<String> = match bus {
        "ide" => ["ide:0:0", "ide:0:1", "ide:1:0", "ide:1:1"].map(str::to_owned).to_vec(),
        "scsi" => (0..8).map(|unit| format!("scsi:0:{unit}")).collect(),
        _ => (0..8).map(|unit| format!("virtio:{unit}")).collect(),
    };
    candidates.into_iter().find(|candidate| server.devices.iter().all(|device| &device.address != candidate))
}

fn device_fields(body: &Option<Value>, allowed: &[&str]) -> Result<serde_json::Map<String, Value>, ApiError> {
    let fields = validate::envelope(body, "storage_device")?;
    validate::reject_unknown(fields, allowed)?;
    Ok(fields.clone())
}

fn string_field<'a>(fields: &'a serde_json::Map<String, Value>, name: &str) -> Result<Option<&'a str>, ApiError> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(ApiError::invalid_request(format!("The attribute '{name}' must be a string."))),
    }
}

pub fn attach(state: &AppState, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = device_fields(body, &["type", "address", "storage", "boot_disk"])?;
    let kind = string_field(&fields, "type")?.unwrap_or("disk").to_owned();
    if kind != "disk" && kind != "cdrom" {
        return Err(ApiError::bad_request("TYPE_INVALID", "The device type must be disk or cdrom."));
    }
    let address = string_field(&fields, "address")?;
    let storage_uuid = string_field(&fields, "storage")?.filter(|text| !text.is_empty()).map(str::to_owned);
    let boot_disk = match fields.get("boot_disk") {
        None => false,
        Some(value) => match validate::lenient_u64(value) {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(ApiError::invalid_request("The attribute 'boot_disk' must be \"0\" or \"1\".")),
        },
    };

    let mut store = state.store();
    let server = store.server_of_account(account, uuid)?.clone();
    let started = server.state != "stopped";

    let bus = match address {
        Some(address) => address_bus(address)
            .ok_or_else(|| ApiError::bad_request("ADDRESS_INVALID", format!("The device address '{address}' is invalid.")))?,
        None if kind == "cdrom" => "ide",
        None => "virtio",
    }
    .to_owned();
    if started && kind == "cdrom" {
        return Err(ApiError::conflict("CDROM_HOTPLUG_UNSUPPORTED", "A CD-ROM drive can be added only to a stopped server."));
    }
    if started && bus == "ide" {
        return Err(ApiError::conflict("IDE_HOTPLUG_UNSUPPORTED", "IDE devices can be attached only to a stopped server."));
    }
    if server.devices.len() >= MAX_DEVICES {
        return Err(ApiError::conflict("STORAGE_DEVICE_LIMIT_REACHED", format!("A server can have at most {MAX_DEVICES} storage devices.")));
    }
    let address = match address {
        Some(address) if address.contains(':') => {
            if server.devices.iter().any(|device| device.address == address) {
                return Err(ApiError::conflict("DEVICE_ADDRESS_IN_USE", format!("The address {address} is already in use.")));
            }
            address.to_owned()
        }
        _ => free_address(&server, &bus)
            .ok_or_else(|| ApiError::conflict("DEVICE_ADDRESS_IN_USE", format!("The {bus} bus has no free address.")))?,
    };

    match (&storage_uuid, kind.as_str()) {
        (None, "disk") => {
            return Err(ApiError::bad_request("STORAGE_MISSING", "A disk device needs a 'storage'."))
        }
        (Some(storage_uuid), _) => check_attachable(&store, account, storage_uuid, &server, &kind)?,
        (None, _) => {}
    }

    let server = store.servers.get_mut(uuid).expect("checked above");
    server.devices.push(Device { address, kind, storage: storage_uuid, boot_disk });
    server_response(&store, uuid)
}

fn check_attachable(store: &Store, account: &str, storage_uuid: &str, server: &Server, kind: &str) -> Result<(), ApiError> {
    let storage = store.visible(account, storage_uuid)?;
    if kind == "disk" {
        if storage.is_public() {
            return Err(ApiError::conflict("PUBLIC_STORAGE_ATTACH", "Public storages can only be loaded into a CD-ROM drive."));
        }
        if storage.kind != StorageType::Normal {
            return Err(ApiError::storage_type_illegal(storage_uuid, storage.kind.as_str()));
        }
    } else if storage.kind == StorageType::Template {
        return Err(ApiError::storage_type_illegal(storage_uuid, storage.kind.as_str()));
    }
    if let Some(zone) = &storage.zone {
        if zone != &server.zone {
            return Err(ApiError::conflict(
                "ZONE_MISMATCH",
                format!("The storage {storage_uuid} is in {zone} but the server is in {}.", server.zone),
            ));
        }
    }
    if storage.state != "online" && storage.state != "syncing" {
        return Err(ApiError::storage_state_illegal(storage_uuid, &storage.state));
    }
    if !storage.is_public() {
        let in_use = store
            .servers
            .values()
            .flat_map(|server| server.devices.iter())
            .find(|device| device.storage.as_deref() == Some(storage_uuid));
        match in_use.map(|device| device.kind.as_str()) {
            Some("cdrom") => {
                return Err(ApiError::conflict("STORAGE_ATTACHED_AS_CDROM", format!("The storage {storage_uuid} is loaded in a CD-ROM drive.")))
            }
            Some(_) => {
                return Err(ApiError::conflict("STORAGE_ATTACHED_AS_DISK", format!("The storage {storage_uuid} is already attached as a disk.")))
            }
            None => {}
        }
    }
    Ok(())
}

pub fn detach(state: &AppState, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = device_fields(body, &["address"])?;
    let address = string_field(&fields, "address")?
        .ok_or_else(|| ApiError::bad_request("ADDRESS_INVALID", "The attribute 'address' is required."))?
        .to_owned();
    if address_bus(&address).is_none() || !address.contains(':') {
        return Err(ApiError::bad_request("ADDRESS_INVALID", format!("The device address '{address}' is invalid.")));
    }

    let mut store = state.store();
    let server = store.server_of_account(account, uuid)?;
    if server.state != "stopped" && address.starts_with("ide") {
        return Err(ApiError::conflict("IDE_HOTPLUG_UNSUPPORTED", "IDE devices can be detached only from a stopped server."));
    }
    if !server.devices.iter().any(|device| device.address == address) {
        return Err(ApiError::conflict("DEVICE_ADDRESS_NOT_IN_USE", format!("No device is attached at {address}.")));
    }
    let server = store.servers.get_mut(uuid).expect("checked above");
    server.devices.retain(|device| device.address != address);
    server_response(&store, uuid)
}

pub fn load_cdrom(state: &AppState, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = device_fields(body, &["storage"])?;
    let storage_uuid = string_field(&fields, "storage")?
        .filter(|text| !text.is_empty())
        .ok_or_else(|| ApiError::bad_request("STORAGE_MISSING", "The attribute 'storage' is required."))?
        .to_owned();

    let mut store = state.store();
    let server = store.server_of_account(account, uuid)?.clone();
    let drive = server
        .devices
        .iter()
        .position(|device| device.kind == "cdrom")
        .ok_or_else(|| ApiError::conflict("NO_CDROM_DEVICE", format!("The server {uuid} has no CD-ROM drive.")))?;
    if server.devices[drive].storage.is_some() {
        return Err(ApiError::conflict("CDROM_DEVICE_IN_USE", "The CD-ROM drive already contains a storage. Eject it first."));
    }
    check_attachable(&store, account, &storage_uuid, &server, "cdrom")?;

    let server = store.servers.get_mut(uuid).expect("checked above");
    server.devices[drive].storage = Some(storage_uuid);
    server_response(&store, uuid)
}

/// Ejecting an empty drive succeeds; the API's behaviour there is not documented.
pub fn eject_cdrom(state: &AppState, account: &str, uuid: &str) -> ApiResult {
    let mut store = state.store();
    let server = store.server_of_account(account, uuid)?;
    if !server.devices.iter().any(|device| device.kind == "cdrom") {
        return Err(ApiError::conflict("NO_CDROM_DEVICE", format!("The server {uuid} has no CD-ROM drive.")));
    }
    let server = store.servers.get_mut(uuid).expect("checked above");
    for device in server.devices.iter_mut().filter(|device| device.kind == "cdrom") {
        device.storage = None;
    }
    server_response(&store, uuid)
}

/// Starts or stops a sample server at once; the real calls take a while.
pub fn set_power(state: &AppState, account: &str, uuid: &str, start: bool) -> ApiResult {
    let mut store = state.store();
    let server = store.server_of_account(account, uuid)?;
    let (from, to) = if start { ("stopped", "started") } else { ("started", "stopped") };
    if server.state != from {
        return Err(ApiError::server_state_illegal(uuid, &server.state));
    }
    store.servers.get_mut(uuid).expect("checked above").state = to.to_owned();
    server_response(&store, uuid)
}
