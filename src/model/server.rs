//! The server object, as far as the responses to attach, detach and CD-ROM calls need it.

use serde::{Deserialize, Serialize};

use super::enums::{DeviceType, Tier};
use super::quirks;
use super::Label;

/// A storage device of a server: a disk or a CD-ROM drive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct StorageDevice {
    /// The bus address, such as `virtio:0`, `scsi:0:0` or `ide:0:0`.
    pub address: String,
    /// `disk` or `cdrom`.
    #[serde(rename = "type")]
    pub device_type: DeviceType,
    /// The UUID of the storage in this device; `null` for an empty CD-ROM drive.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub storage: Option<String>,
    /// The storage's size in GiB; 0 for an empty CD-ROM drive.
    #[serde(default, deserialize_with = "quirks::u64_from_number_or_string")]
    pub storage_size: u64,
    /// The storage's title; `null` for an empty CD-ROM drive.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub storage_title: Option<String>,
    /// The storage's tier, if the API reports one.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub storage_tier: Option<Tier>,
    /// Whether the storage is encrypted at rest, if the API reports it.
    #[serde(default, deserialize_with = "quirks::optional_yes_no")]
    pub storage_encrypted: Option<bool>,
    /// Whether the server boots from this device.
    #[serde(default, deserialize_with = "quirks::yes_no_or_false")]
    pub boot_disk: bool,
    /// The storage's labels.
    #[serde(default, deserialize_with = "quirks::wrapped_list")]
    pub labels: Vec<Label>,
}

/// A server, with the fields storage operations need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct Server {
    /// The server UUID.
    pub uuid: String,
    /// The server's title.
    #[serde(default)]
    pub title: String,
    /// The server's hostname.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub hostname: Option<String>,
    /// The server's state (`started`, `stopped`, `maintenance`, `error`).
    #[serde(default)]
    pub state: String,
    /// The server's zone.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub zone: Option<String>,
    /// The disks and CD-ROM drives attached to the server.
    #[serde(default, deserialize_with = "quirks::wrapped_list")]
    pub storage_devices: Vec<StorageDevice>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn storage_devices_decode() {
        let server: Server = serde_json::from_value(json!({
            "uuid": "00ca5d8e-3f8d-4a49-8ecf-ea5f7644e005", "title": "s", "state": "stopped",
            "zone": "fi-hel2", "created": 1666890946, "labels": {"label": []},
            "storage_devices": {"storage_device": [
                {"address": "virtio:0", "boot_disk": "1", "storage": "0136d167-5e5a-4e9c-b0b6-162a1d261df3",
                 "storage_size": 10, "storage_tier": "maxiops", "storage_title": "disk1", "type": "disk",
                 "storage_encrypted": "no", "labels": [{"key": "a", "value": "b"}]},
                {"address": "ide:0:0", "boot_disk": "0", "storage": "", "storage_size": 0,
                 "storage_title": "", "type": "cdrom"}
            ]}
        }))
        .unwrap();
        assert_eq!(server.storage_devices.len(), 2);
        let disk = &server.storage_devices[0];
        assert!(disk.boot_disk);
        assert_eq!(disk.storage_encrypted, Some(false));
        assert_eq!(disk.labels.len(), 1);
        let cdrom = &server.storage_devices[1];
        assert_eq!(cdrom.device_type, DeviceType::Cdrom);
        assert_eq!(cdrom.storage, None);
        assert_eq!(cdrom.storage_title, None);
        assert!(!cdrom.boot_disk);
        let js = serde_json::to_value(&server).unwrap();
        assert_eq!(js["storageDevices"][1]["storage"], serde_json::Value::Null);
        assert_eq!(js["storageDevices"][0]["bootDisk"], json!(true));
    }
}
