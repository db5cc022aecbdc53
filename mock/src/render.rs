//! JSON shapes of storages, servers and imports, with the API's field presence rules.
//!
//! serde_json's default map sorts keys, which matches the API's alphabetical key order.

use serde_json::{json, Map, Number, Value};

use crate::store::{Import, Server, Storage, StorageType, Store};

fn license(value: f64) -> Value {
    if value.fract() == 0.0 && value >= 0.0 {
        Value::from(value as u64)
    } else {
        Number::from_f64(value).map(Value::Number).unwrap_or(Value::from(0))
    }
}

fn labels(storage: &Storage) -> Option<Value> {
    let labels = storage.labels.as_ref()?;
    Some(Value::Array(
        labels.iter().map(|label| json!({"key": label.key, "value": label.value})).collect(),
    ))
}

/// Fields shared by list items and details.
fn common_fields(storage: &Storage) -> Map<String, Value> {
    let mut fields = Map::new();
    let access = if storage.is_public() { "public" } else { "private" };
    fields.insert("access".into(), access.into());
    if let Some(created) = &storage.created {
        fields.insert("created".into(), created.clone().into());
    }
    fields.insert("encrypted".into(), if storage.encrypted { "yes" } else { "no" }.into());
    if let Some(labels) = labels(storage) {
        fields.insert("labels".into(), labels);
    }
    fields.insert("license".into(), license(storage.license));
    if let Some(origin) = &storage.origin {
        fields.insert("origin".into(), origin.clone().into());
    }
    if storage.state == "maintenance" {
        if let Some(progress) = &storage.progress {
            fields.insert("progress".into(), progress.clone().into());
        }
    }
    fields.insert("size".into(), storage.size.into());
    fields.insert("state".into(), storage.state.clone().into());
    if let Some(template_type) = &storage.template_type {
        fields.insert("template_type".into(), template_type.clone().into());
    }
    if storage.kind != StorageType::Backup {
        if let Some(tier) = &storage.tier {
            fields.insert("tier".into(), tier.clone().into());
        }
    }
    fields.insert("title".into(), storage.title.clone().into());
    fields.insert("type".into(), storage.kind.as_str().into());
    fields.insert("uuid".into(), storage.uuid.clone().into());
    if let Some(zone) = &storage.zone {
        fields.insert("zone".into(), zone.clone().into());
    }
    fields
}

/// Renders a list item, which has no `backup_rule`, `backups` or `servers`.
pub fn storage_list_item(storage: &Storage) -> Value {
    Value::Object(common_fields(storage))
}

/// Renders the detail object of `GET /storage/{uuid}` and of create, modify, clone and
/// similar calls.
pub fn storage_detail(store: &Store, storage: &Storage) -> Value {
    let mut fields = common_fields(storage);
    if storage.kind == StorageType::Normal {
        let rule = match &storage.backup_rule {
            Some(rule) => json!({
                "interval": rule.interval,
                "retention": rule.retention.to_string(),
                "time": rule.time,
            }),
            None => json!({}),
        };
        fields.insert("backup_rule".into(), rule);
        fields.insert("backups".into(), json!({"backup": storage.backups}));
    }
    if !storage.is_public() {
        let servers: Vec<&str> =
            store.servers_using(&storage.uuid).iter().map(|server| server.uuid.as_str()).collect();
        fields.insert("servers".into(), json!({"server": servers}));
    }
    Value::Object(fields)
}

pub fn storage_list(items: Vec<Value>) -> Value {
    json!({"storages": {"storage": items}})
}

pub fn import_object(import: &Import) -> Value {
    use std::sync::atomic::Ordering::Relaxed;

    let mut fields = Map::new();
    fields.insert("client_content_length".into(), import.client_content_length.into());
    fields.insert("client_content_type".into(), import.client_content_type.clone().into());
    fields.insert("completed".into(), import.completed.clone().into());
    fields.insert("created".into(), import.created.clone().into());
    if let Some(url) = &import.direct_upload_url {
        fields.insert("direct_upload_url".into(), url.clone().into());
    }
    fields.insert("error_code".into(), import.error_code.clone().into());
    fields.insert("error_message".into(), import.error_message.clone().into());
    fields.insert("md5sum".into(), import.md5sum.clone().into());
    fields.insert("read_bytes".into(), import.progress.read_bytes.load(Relaxed).into());
    fields.insert("sha256sum".into(), import.sha256sum.clone().into());
    fields.insert("source".into(), import.source.clone().into());
    if let Some(location) = &import.source_location {
        fields.insert("source_location".into(), location.clone().into());
    }
    fields.insert("state".into(), import.state.clone().into());
    fields.insert("uuid".into(), import.uuid.clone().into());
    fields.insert("written_bytes".into(), import.progress.written_bytes.load(Relaxed).into());
    json!({"storage_import": fields})
}

fn storage_device(store: &Store, device: &crate::store::Device) -> Value {
    let mut fields = Map::new();
    fields.insert("address".into(), device.address.clone().into());
    fields.insert("boot_disk".into(), if device.boot_disk { "1" } else { "0" }.into());
    fields.insert("type".into(), device.kind.clone().into());
    let storage = device.storage.as_deref().and_then(|uuid| store.storages.get(uuid));
    match storage {
        Some(storage) => {
            fields.insert("storage".into(), storage.uuid.clone().into());
            fields.insert(
                "storage_encrypted".into(),
                if storage.encrypted { "yes" } else { "no" }.into(),
            );
            fields.insert("storage_size".into(), storage.size.into());
            fields.insert("storage_title".into(), storage.title.clone().into());
            if let Some(tier) = &storage.tier {
                fields.insert("storage_tier".into(), tier.clone().into());
            }
            // Recordings show device labels only for labelled storages.
            if storage.labels.as_ref().is_some_and(|labels| !labels.is_empty()) {
                fields.insert("labels".into(), labels(storage).unwrap_or_default());
            }
        }
        None => {
            fields.insert("storage".into(), "".into());
            fields.insert("storage_size".into(), 0.into());
            fields.insert("storage_title".into(), "".into());
        }
    }
    Value::Object(fields)
}

/// Fields of a server list item.
fn server_summary(server: &Server) -> Map<String, Value> {
    let summary = json!({
        "core_number": "1",
        "created": server.created,
        "hostname": server.hostname,
        "labels": {"label": []},
        "license": 0,
        "memory_amount": "1024",
        "plan": "1xCPU-1GB",
        "plan_ipv4_bytes": "0",
        "plan_ipv6_bytes": "0",
        "simple_backup": "no",
        "state": server.state,
        "tags": {"tag": []},
        "title": server.title,
        "uuid": server.uuid,
        "zone": server.zone,
    });
    match summary {
        Value::Object(fields) => fields,
        _ => unreachable!("json! of an object literal"),
    }
}

pub fn server_list(servers: &[&Server]) -> Value {
    let items: Vec<Value> =
        servers.iter().map(|server| Value::Object(server_summary(server))).collect();
    json!({"servers": {"server": items}})
}

/// Renders the `{"server": …}` body of server details, attach, detach and CD-ROM calls.
pub fn server_detail(store: &Store, server: &Server) -> Value {
    let mut fields = server_summary(server);
    let devices: Vec<Value> =
        server.devices.iter().map(|device| storage_device(store, device)).collect();
    let extra = json!({
        "boot_order": "disk",
        "firewall": "off",
        "ip_addresses": {"ip_address": [
            {"access": "utility", "address": "192.0.2.1", "family": "IPv4"},
            {"access": "public", "address": "192.0.2.2", "family": "IPv4"},
        ]},
        "metadata": "no",
        "nic_model": "virtio",
        "remote_access_enabled": "no",
        "remote_access_type": "vnc",
        "storage_devices": {"storage_device": devices},
        "timezone": "UTC",
        "video_model": "cirrus",
    });
    if let Value::Object(extra) = extra {
        fields.extend(extra);
    }
    json!({"server": fields})
}
