//! The storage object as list items and details return it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::enums::{Access, BackupInterval, StorageState, StorageType, TemplateType, Tier};
use super::quirks;

/// A label on a storage. Keys starting with `_` are system labels that UpCloud sets
/// (for example `_os_type` on disks cloned from public templates); they are read-only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The label key.
    pub key: String,
    /// The label value; may be empty.
    #[serde(default)]
    pub value: String,
}

/// A scheduled backup rule of a storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRule {
    /// `daily`, or the weekday (`mon` … `sun`) on which the backup runs.
    pub interval: BackupInterval,
    /// The UTC time of day the backup starts, as `HHMM` (`"0430"`).
    #[serde(deserialize_with = "quirks::backup_time")]
    pub time: String,
    /// How many days each backup is kept (1–1095).
    #[serde(deserialize_with = "quirks::u32_from_number_or_string")]
    pub retention: u32,
}

impl BackupRule {
    /// Encodes the rule for a request body; the API accepts `retention` as a number.
    pub fn to_wire(&self) -> Value {
        json!({
            "interval": self.interval.as_str(),
            "time": self.time,
            "retention": self.retention,
        })
    }
}

/// A storage: a disk, backup, template or CD-ROM image.
///
/// List responses carry fewer fields than details: `backups`, `servers` and
/// `backupRule` are empty or `null` in list items even when set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct Storage {
    /// The storage UUID.
    pub uuid: String,
    /// The title, 1–255 characters.
    pub title: String,
    /// The size in GiB.
    #[serde(deserialize_with = "quirks::u32_from_number_or_string")]
    pub size: u32,
    /// The zone (`fi-hel1`); `null` for public templates and CD-ROM images.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub zone: Option<String>,
    /// The tier; `null` for backups and public storages.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub tier: Option<Tier>,
    /// The kind of storage: `normal`, `backup`, `cdrom` or `template`.
    #[serde(rename = "type")]
    pub storage_type: StorageType,
    /// The state: `online`, `maintenance`, `cloning`, `backuping`, `syncing`, `error`, or a newer one.
    pub state: StorageState,
    /// `public` or `private`.
    pub access: Access,
    /// The percentage done of the operation running on this storage, if any.
    #[serde(default, deserialize_with = "quirks::optional_percent")]
    pub progress: Option<u8>,
    /// Whether the data is encrypted at rest; `null` when the API does not report it.
    #[serde(default, deserialize_with = "quirks::optional_yes_no")]
    pub encrypted: Option<bool>,
    /// User labels and system labels (keys starting with `_`).
    #[serde(default, deserialize_with = "quirks::wrapped_list")]
    pub labels: Vec<Label>,
    /// The scheduled backup rule; `null` when there is none or in list items.
    #[serde(default, deserialize_with = "quirks::optional_backup_rule")]
    pub backup_rule: Option<BackupRule>,
    /// UUIDs of this storage's backups (details of normal storages only).
    #[serde(default, deserialize_with = "quirks::wrapped_list")]
    pub backups: Vec<String>,
    /// UUIDs of the servers this storage is attached to (details only).
    #[serde(default, deserialize_with = "quirks::wrapped_list")]
    pub servers: Vec<String>,
    /// For a backup: the UUID of the storage it was taken from.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub origin: Option<String>,
    /// When the storage was created, RFC 3339 UTC; `null` on public storages and in old responses.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub created: Option<String>,
    /// The licence cost in credits per hour; non-zero only on licensed public templates.
    #[serde(default, deserialize_with = "quirks::f64_from_number_or_string")]
    pub license: f64,
    /// Whether the storage is included in a server plan's price.
    #[serde(default, deserialize_with = "quirks::yes_no_or_false")]
    pub part_of_plan: bool,
    /// For a template: `native` or `cloud-init`.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub template_type: Option<TemplateType>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail() -> Value {
        json!({
            "access": "private",
            "backup_rule": {"interval": "daily", "retention": "30", "time": "0430"},
            "backups": {"backup": ["01aaaaaa-0000-4000-8000-000000000002"]},
            "created": "2023-01-12T07:59:21Z",
            "encrypted": "no",
            "labels": [{"key": "color", "value": "green"}, {"key": "_os_type", "value": "linux"}],
            "license": 0,
            "servers": {"server": ["00aaaaaa-0000-4000-8000-000000000001"]},
            "size": 10,
            "state": "online",
            "tier": "maxiops",
            "title": "Test storage",
            "type": "normal",
            "uuid": "01aaaaaa-0000-4000-8000-000000000001",
            "zone": "fi-hel2",
            "some_future_field": {"nested": true}
        })
    }

    #[test]
    fn detail_decodes_every_quirk() {
        let storage: Storage = serde_json::from_value(detail()).unwrap();
        assert_eq!(storage.uuid, "01aaaaaa-0000-4000-8000-000000000001");
        assert_eq!(storage.size, 10);
        assert_eq!(storage.tier, Some(Tier::Maxiops));
        assert_eq!(storage.storage_type, StorageType::Normal);
        assert_eq!(storage.state, StorageState::Online);
        assert_eq!(storage.encrypted, Some(false));
        assert_eq!(storage.labels.len(), 2);
        assert_eq!(storage.backup_rule.as_ref().unwrap().retention, 30);
        assert_eq!(storage.backups, vec!["01aaaaaa-0000-4000-8000-000000000002"]);
        assert_eq!(storage.servers, vec!["00aaaaaa-0000-4000-8000-000000000001"]);
        assert!(!storage.part_of_plan);
        assert_eq!(storage.progress, None);
    }

    #[test]
    fn serialises_camel_case_for_js() {
        let storage: Storage = serde_json::from_value(detail()).unwrap();
        let js = serde_json::to_value(&storage).unwrap();
        assert_eq!(js["type"], "normal");
        assert_eq!(js["backupRule"], json!({"interval": "daily", "time": "0430", "retention": 30}));
        assert_eq!(js["backups"], json!(["01aaaaaa-0000-4000-8000-000000000002"]));
        assert_eq!(js["encrypted"], json!(false));
        assert_eq!(js["partOfPlan"], json!(false));
        assert_eq!(js["progress"], Value::Null);
        assert_eq!(js["templateType"], Value::Null);
        assert_eq!(js["origin"], Value::Null);
        assert!(js.get("backup_rule").is_none());
    }

    #[test]
    fn public_template_list_item() {
        let storage: Storage = serde_json::from_value(json!({
            "access": "public", "encrypted": "no", "labels": [], "license": 3.36, "size": 28,
            "state": "online", "template_type": "cloud-init", "title": "Windows",
            "type": "template", "uuid": "01000000-0000-4000-8000-000010060200", "part_of_plan": "yes"
        }))
        .unwrap();
        assert_eq!(storage.zone, None);
        assert_eq!(storage.tier, None);
        assert_eq!(storage.license, 3.36);
        assert_eq!(storage.template_type, Some(TemplateType::CloudInit));
        assert!(storage.part_of_plan);
    }

    #[test]
    fn maintenance_clone_with_progress() {
        let mut value = detail();
        value["state"] = json!("maintenance");
        value["progress"] = json!("90");
        value["backup_rule"] = json!({});
        let storage: Storage = serde_json::from_value(value).unwrap();
        assert_eq!(storage.progress, Some(90));
        assert_eq!(storage.backup_rule, None);
    }

    #[test]
    fn missing_required_field_fails() {
        let mut value = detail();
        value.as_object_mut().unwrap().remove("uuid");
        assert!(serde_json::from_value::<Storage>(value).is_err());
    }
}
