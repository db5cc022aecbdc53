//! Requests on storages: list, get, create, modify, delete, clone, cancel,
//! templatize, backup, restore, favorites and filesystem resize.

use serde_json::{json, Map, Value};

use super::{ApiRequest, Method, API_PREFIX};
use crate::error::Error;
use crate::input::{
    BackupRuleInput, CloneStorage, CreateStorage, DeleteOptions, LabelInput, ListOptions,
    ModifyStorage, TitleInput,
};
use crate::model::quirks;
use crate::validate;

fn storage_path(uuid: &str) -> String {
    format!("{API_PREFIX}/storage/{uuid}")
}

fn checked_storage_path(field: &str, uuid: &str) -> Result<String, Error> {
    validate::uuid(field, uuid)?;
    Ok(storage_path(uuid))
}

fn wrap_storage(fields: Map<String, Value>) -> Value {
    json!({ "storage": Value::Object(fields) })
}

/// Validates a backup rule and returns its wire form; `{}` stays `{}`.
pub(super) fn backup_rule_body(field: &str, rule: &BackupRuleInput) -> Result<Value, Error> {
    if rule.is_empty() {
        return Ok(json!({}));
    }
    let interval = rule
        .interval
        .as_deref()
        .ok_or_else(|| Error::validation(format!("{field}.interval"), "is missing; a backup rule needs interval, time and retention, or use {} for no rule"))?;
    let time = rule
        .time
        .as_deref()
        .ok_or_else(|| Error::validation(format!("{field}.time"), "is missing; a backup rule needs interval, time and retention, or use {} for no rule"))?;
    let retention = rule
        .retention
        .ok_or_else(|| Error::validation(format!("{field}.retention"), "is missing; a backup rule needs interval, time and retention, or use {} for no rule"))?;

    validate::backup_interval(&format!("{field}.interval"), interval)?;
    validate::backup_time(&format!("{field}.time"), time)?;
    validate::backup_retention(&format!("{field}.retention"), retention)?;

    Ok(json!({ "interval": interval, "time": time, "retention": retention }))
}

fn labels_body(field: &str, labels: &[LabelInput]) -> Result<Value, Error> {
    validate::labels(field, labels.iter().map(|label| (label.key.as_str(), label.value.as_str())))?;
    Ok(Value::Array(
        labels
            .iter()
            .map(|label| json!({ "key": label.key, "value": label.value }))
            .collect(),
    ))
}

/// Lists storages: every storage, or those of one kind, optionally filtered by labels.
///
/// `GET /1.3/storage[/{filter}][?label=key&label=key=value]`
pub fn list_storages(options: &ListOptions) -> Result<ApiRequest, Error> {
    let path = match options.filter.unwrap_or_default().path_segment() {
        Some(segment) => format!("{API_PREFIX}/storage/{segment}"),
        None => format!("{API_PREFIX}/storage"),
    };
    let mut request = ApiRequest::new(Method::Get, path);

    for (index, filter) in options.labels.iter().flatten().enumerate() {
        validate::label_filter(&format!("labels[{index}]"), filter)?;
        request = request.with_query("label", filter);
    }
    Ok(request)
}

/// Gets one storage's details. `GET /1.3/storage/{uuid}`
pub fn get_storage(uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Get, checked_storage_path("uuid", uuid)?))
}

/// Creates a storage. `POST /1.3/storage`
pub fn create_storage(input: &CreateStorage) -> Result<ApiRequest, Error> {
    validate::zone("zone", &input.zone)?;
    validate::size("size", input.size)?;
    validate::title("title", &input.title)?;

    let mut fields = Map::new();
    fields.insert("zone".into(), json!(input.zone));
    fields.insert("size".into(), json!(input.size));
    fields.insert("title".into(), json!(input.title));
    if let Some(tier) = &input.tier {
        validate::creatable_tier("tier", tier)?;
        fields.insert("tier".into(), json!(tier));
    }
    if let Some(encrypted) = input.encrypted {
        fields.insert("encrypted".into(), json!(quirks::yes_no(encrypted)));
    }
    if let Some(rule) = &input.backup_rule {
        fields.insert("backup_rule".into(), backup_rule_body("backupRule", rule)?);
    }
    if let Some(labels) = &input.labels {
        fields.insert("labels".into(), labels_body("labels", labels)?);
    }

    Ok(ApiRequest::new(Method::Post, format!("{API_PREFIX}/storage")).with_body(wrap_storage(fields)))
}

/// Modifies a storage's title, size, backup rule or labels. `PUT /1.3/storage/{uuid}`
pub fn modify_storage(uuid: &str, input: &ModifyStorage) -> Result<ApiRequest, Error> {
    let path = checked_storage_path("uuid", uuid)?;

    let mut fields = Map::new();
    if let Some(title) = &input.title {
        validate::title("title", title)?;
        fields.insert("title".into(), json!(title));
    }
    if let Some(size) = input.size {
        validate::size("size", size)?;
        fields.insert("size".into(), json!(size));
    }
    if let Some(rule) = &input.backup_rule {
        fields.insert("backup_rule".into(), backup_rule_body("backupRule", rule)?);
    }
    if let Some(labels) = &input.labels {
        fields.insert("labels".into(), labels_body("labels", labels)?);
    }
    if fields.is_empty() {
        return Err(Error::invalid_input(
            "Nothing to modify: set at least one of title, size, backupRule, labels.",
        ));
    }

    Ok(ApiRequest::new(Method::Put, path).with_body(wrap_storage(fields)))
}

/// Deletes a storage; `backups` defaults to `keep` and is always sent.
///
/// `DELETE /1.3/storage/{uuid}?backups=keep|keep_latest|delete`
///
/// **Warning:** the data is gone for good, and with `backups: "delete"` so are
/// all backups of the storage. The API rejects deleting an attached storage.
pub fn delete_storage(uuid: &str, options: &DeleteOptions) -> Result<ApiRequest, Error> {
    let policy = options.backups.unwrap_or_default();
    Ok(ApiRequest::new(Method::Delete, checked_storage_path("uuid", uuid)?)
        .with_query("backups", policy.as_str()))
}

/// Clones a storage into a new one. `POST /1.3/storage/{uuid}/clone`
pub fn clone_storage(uuid: &str, input: &CloneStorage) -> Result<ApiRequest, Error> {
    let path = checked_storage_path("uuid", uuid)?;
    validate::zone("zone", &input.zone)?;
    validate::title("title", &input.title)?;

    let mut fields = Map::new();
    fields.insert("zone".into(), json!(input.zone));
    fields.insert("title".into(), json!(input.title));
    if let Some(tier) = &input.tier {
        validate::creatable_tier("tier", tier)?;
        fields.insert("tier".into(), json!(tier));
    }
    if let Some(encrypted) = input.encrypted {
        fields.insert("encrypted".into(), json!(quirks::yes_no(encrypted)));
    }

    Ok(ApiRequest::new(Method::Post, format!("{path}/clone")).with_body(wrap_storage(fields)))
}

/// Cancels the clone or templatize writing into this storage. `POST /1.3/storage/{uuid}/cancel`
///
/// Pass the UUID of the new storage that `cloneStorage` returned, not the source.
/// The API deletes the incomplete storage and returns the source to `online`.
pub fn cancel_operation(uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Post, format!("{}/cancel", checked_storage_path("uuid", uuid)?)))
}

/// Creates a private template from a storage. `POST /1.3/storage/{uuid}/templatize`
pub fn templatize_storage(uuid: &str, input: &TitleInput) -> Result<ApiRequest, Error> {
    titled_post(uuid, "templatize", input)
}

/// Takes a backup of a storage now. `POST /1.3/storage/{uuid}/backup`
pub fn create_backup(uuid: &str, input: &TitleInput) -> Result<ApiRequest, Error> {
    titled_post(uuid, "backup", input)
}

fn titled_post(uuid: &str, action: &str, input: &TitleInput) -> Result<ApiRequest, Error> {
    let path = checked_storage_path("uuid", uuid)?;
    validate::title("title", &input.title)?;
    let mut fields = Map::new();
    fields.insert("title".into(), json!(input.title));
    Ok(ApiRequest::new(Method::Post, format!("{path}/{action}")).with_body(wrap_storage(fields)))
}

/// Restores a backup onto the storage it was taken from. `POST /1.3/storage/{backup_uuid}/restore`, no body.
///
/// **Warning:** the origin storage's current data is overwritten.
pub fn restore_backup(backup_uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Post, format!("{}/restore", checked_storage_path("uuid", backup_uuid)?)))
}

/// Marks a storage as a favorite. `POST /1.3/storage/{uuid}/favorite`
pub fn add_favorite(uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Post, format!("{}/favorite", checked_storage_path("uuid", uuid)?)))
}

/// Removes a storage from the favorites. `DELETE /1.3/storage/{uuid}/favorite`
pub fn remove_favorite(uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Delete, format!("{}/favorite", checked_storage_path("uuid", uuid)?)))
}

/// Grows the last partition and its filesystem to the storage's size, after a backup.
/// `POST /1.3/storage/{uuid}/resize`, no body.
///
/// The API returns that backup and keeps it, so delete it when it is no longer needed.
pub fn resize_filesystem(uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Post, format!("{}/resize", checked_storage_path("uuid", uuid)?)))
}

