//! Storage calls: list, details, create, modify, delete, clone, cancel, templatize, backup,
//! restore, resize and favorites.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::datafile;
use crate::error::ApiError;
use crate::jobs;
use crate::render;
use crate::respond::{json_response, no_content};
use crate::seed;
use crate::state::AppState;
use crate::store::{new_job_id, JobKind, Storage, StorageType, Store};
use crate::validate;

pub type ApiResult = Result<Response, ApiError>;

/// Path words after `/storage/` that name a list rather than a UUID.
pub const LIST_KINDS: &[&str] = &["public", "private", "normal", "backup", "cdrom", "template", "favorite"];

/// A `label` query filter: a key alone, or `key=value`.
struct LabelFilter {
    key: String,
    value: Option<String>,
}

fn label_filters(query: &str) -> Vec<LabelFilter> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "label")
        .map(|(_, filter)| match filter.split_once('=') {
            Some((key, value)) => LabelFilter { key: key.to_owned(), value: Some(value.to_owned()) },
            None => LabelFilter { key: filter.into_owned(), value: None },
        })
        .collect()
}

fn matches_labels(storage: &Storage, filters: &[LabelFilter]) -> bool {
    let labels = storage.labels.as_deref().unwrap_or_default();
    filters.iter().all(|filter| {
        labels.iter().any(|label| {
            label.key == filter.key && filter.value.as_ref().is_none_or(|value| &label.value == value)
        })
    })
}

/// `GET /storage`, `/storage/{kind}` and `/storage/{access}/{type}`, with `label` filters
/// combined with AND (the API's rule for several filters is not documented).
pub fn list(state: &AppState, account: &str, access: Option<&str>, kind: Option<&str>, query: &str) -> ApiResult {
    let filters = label_filters(query);
    let store = state.store();
    let favorites = store.favorites.get(account);
    let items: Vec<Value> = store
        .storages
        .values()
        .filter(|storage| storage.owner.as_deref().is_none_or(|owner| owner == account))
        .filter(|storage| match access {
            Some("public") => storage.is_public(),
            Some("private") => !storage.is_public(),
            _ => true,
        })
        .filter(|storage| match kind {
            Some("favorite") => favorites.is_some_and(|set| set.contains(&storage.uuid)),
            Some(kind) => storage.kind.as_str() == kind,
            None => true,
        })
        .filter(|storage| matches_labels(storage, &filters))
        .map(render::storage_list_item)
        .collect();
    Ok(json_response(StatusCode::OK, &render::storage_list(items)))
}

pub fn details(state: &AppState, account: &str, uuid: &str) -> ApiResult {
    let store = state.store();
    let storage = store.visible(account, uuid)?;
    Ok(storage_response(&store, storage, StatusCode::OK))
}

fn storage_response(store: &Store, storage: &Storage, status: StatusCode) -> Response {
    json_response(status, &serde_json::json!({"storage": render::storage_detail(store, storage)}))
}

pub fn create(state: &AppState, account: &str, body: &Option<Value>) -> ApiResult {
    let fields = validate::envelope(body, "storage")?;
    validate::reject_unknown(fields, &["size", "title", "zone", "tier", "encrypted", "backup_rule", "labels"])?;
    let size = validate::size(fields, true)?.expect("required");
    let title = validate::title(fields, true)?.expect("required");
    let zone = validate::zone(fields)?;
    let tier = validate::tier(fields, &state.config.default_tier)?;
    let encrypted = validate::encrypted(fields)?;
    let backup_rule = match fields.get("backup_rule") {
        Some(rule) => validate::backup_rule(rule)?,
        None => None,
    };
    let labels = fields.get("labels").map(validate::labels).transpose()?;

    let mut storage = seed::private(account, &title, size, &tier, &zone);
    storage.encrypted = encrypted;
    storage.backup_rule = backup_rule;
    storage.labels = labels;

    let mut store = state.store();
    let response = storage_response(&store, &storage, StatusCode::CREATED);
    store.storages.insert(storage.uuid.clone(), storage);
    Ok(response)
}

pub fn modify(state: &AppState, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = validate::envelope(body, "storage")?;
    validate::reject_unknown(fields, &["size", "title", "backup_rule", "labels"])?;
    let title = validate::title(fields, false)?;
    let size = validate::size(fields, false)?;
    let backup_rule = fields.get("backup_rule").map(validate::backup_rule).transpose()?;
    let labels = fields.get("labels").map(validate::labels).transpose()?;

    let mut store = state.store();
    let storage = store.owned_mut(account, uuid)?;
    if storage.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &storage.state));
    }
    let only_normal = size.is_some() || backup_rule.is_some();
    if only_normal && storage.kind != StorageType::Normal {
        return Err(ApiError::storage_type_illegal(uuid, storage.kind.as_str()));
    }
    if let Some(size) = size {
        if size < storage.size {
            return Err(ApiError::bad_request(
                "SIZE_INVALID",
                format!("The size cannot shrink from {} GiB to {size} GiB.", storage.size),
            ));
        }
        let grows = size > storage.size;
        if grows && state.config.resize_requires_stopped_server {
            store.require_servers_stopped(uuid)?;
        }
    }

    let storage = store.storage_mut(uuid).expect("checked above");
    if let Some(title) = title {
        storage.title = title;
    }
    if let Some(size) = size {
        storage.size = size;
    }
    if let Some(rule) = backup_rule {
        storage.backup_rule = rule;
    }
    if let Some(labels) = labels {
        storage.labels = Some(labels);
    }
    if let Some(size) = size {
        if let Err(error) = datafile::grow(&state.config.data_dir, uuid, size) {
            tracing::error!(storage = uuid, %error, "failed to grow a storage data file");
        }
    }
    let storage = store.storages.get(uuid).expect("still present");
    Ok(storage_response(&store, storage, StatusCode::ACCEPTED))
}

pub fn delete(state: &AppState, account: &str, uuid: &str, query: &str) -> ApiResult {
    let policy = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "backups")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| "keep".to_owned());
    if !["keep", "keep_latest", "delete"].contains(&policy.as_str()) {
        return Err(ApiError::bad_request(
            "BACKUP_DELETION_POLICY_INVALID",
            "The backups parameter must be keep, keep_latest or delete.",
        ));
    }

    let mut store = state.store();
    let storage = store.owned_mut(account, uuid)?;
    if storage.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &storage.state));
    }
    if !store.servers_using(uuid).is_empty() {
        return Err(ApiError::conflict(
            "STORAGE_ATTACHED",
            format!("The storage {uuid} is attached to a server; detach it first."),
        ));
    }

    let backups = store.storages.get(uuid).map(|storage| storage.backups.clone()).unwrap_or_default();
    let doomed: Vec<String> = match policy.as_str() {
        "delete" => backups,
        // Backups are listed oldest first, so all but the last one go.
        "keep_latest" => backups.iter().take(backups.len().saturating_sub(1)).cloned().collect(),
        _ => Vec::new(),
    };
    let data_dir = &state.config.data_dir;
    for backup in doomed.iter().chain(std::iter::once(&uuid.to_owned())) {
        store.remove_storage(backup);
        datafile::remove(data_dir, backup);
    }
    Ok(no_content())
}

/// Checks that a storage may be the source of a copy: online, and its servers stopped.
fn require_copyable(store: &Store, account: &str, uuid: &str) -> Result<Storage, ApiError> {
    let source = store.visible(account, uuid)?.clone();
    if source.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &source.state));
    }
    store.require_servers_stopped(uuid)?;
    Ok(source)
}

pub fn clone(state: &Arc<AppState>, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = validate::envelope(body, "storage")?;
    validate::reject_unknown(fields, &["zone", "title", "tier", "encrypted"])?;
    let zone = validate::zone(fields)?;
    let title = validate::title(fields, true)?.expect("required");
    let tier = validate::tier(fields, &state.config.default_tier)?;
    let encrypted = validate::encrypted(fields)?;

    let mut store = state.store();
    let source = require_copyable(&store, account, uuid)?;
    if source.kind == StorageType::Cdrom {
        return Err(ApiError::storage_type_illegal(uuid, source.kind.as_str()));
    }

    let mut target = seed::private(account, &title, source.size, &tier, &zone);
    target.encrypted = encrypted || source.encrypted;
    target.data_pristine = source.data_pristine;
    target.copy_source = Some(uuid.to_owned());
    let target_uuid = target.uuid.clone();
    let job = new_job_id();
    store.storages.insert(target_uuid.clone(), target);
    jobs::claim(&mut store, &target_uuid, job, JobKind::CloneTarget, "maintenance", Some("0"));
    if !source.is_public() {
        jobs::claim(&mut store, uuid, job, JobKind::CopySource, "cloning", None);
    }

    let response = storage_response(&store, &store.storages[&target_uuid], StatusCode::CREATED);
    drop(store);
    jobs::spawn_copy(state, job, uuid.to_owned(), target_uuid, source.size, true);
    Ok(response)
}

pub fn templatize(state: &Arc<AppState>, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = validate::envelope(body, "storage")?;
    validate::reject_unknown(fields, &["title"])?;
    let title = validate::title(fields, true)?.expect("required");

    let mut store = state.store();
    let source = require_copyable(&store, account, uuid)?;
    if source.is_public() || !matches!(source.kind, StorageType::Normal | StorageType::Backup) {
        return Err(ApiError::storage_type_illegal(uuid, source.kind.as_str()));
    }

    let tier = source.tier.clone().unwrap_or_else(|| "maxiops".to_owned());
    let zone = source.zone.clone().unwrap_or_else(|| seed::SERVER_ZONE.to_owned());
    let mut template = seed::private(account, &title, source.size, &tier, &zone);
    template.kind = StorageType::Template;
    template.encrypted = source.encrypted;
    template.data_pristine = source.data_pristine;
    template.copy_source = Some(uuid.to_owned());
    let template_uuid = template.uuid.clone();
    let job = new_job_id();
    store.storages.insert(template_uuid.clone(), template);
    jobs::claim(&mut store, &template_uuid, job, JobKind::TemplatizeTarget, "maintenance", None);
    jobs::claim(&mut store, uuid, job, JobKind::CopySource, "cloning", None);

    let response = storage_response(&store, &store.storages[&template_uuid], StatusCode::CREATED);
    drop(store);
    jobs::spawn_copy(state, job, uuid.to_owned(), template_uuid, source.size, false);
    Ok(response)
}

/// Builds a backup object of `source` that is not yet in the store.
fn backup_of(source: &Storage, account: &str, title: &str) -> Storage {
    let zone = source.zone.clone().unwrap_or_else(|| seed::SERVER_ZONE.to_owned());
    let mut backup = seed::private(account, title, source.size, "maxiops", &zone);
    backup.kind = StorageType::Backup;
    backup.tier = None;
    backup.origin = Some(source.uuid.clone());
    backup.encrypted = source.encrypted;
    backup.labels = source.labels.clone();
    backup.data_pristine = source.data_pristine;
    backup
}

pub fn backup(state: &Arc<AppState>, account: &str, uuid: &str, body: &Option<Value>) -> ApiResult {
    let fields = validate::envelope(body, "storage")?;
    validate::reject_unknown(fields, &["title"])?;
    let title = validate::title(fields, true)?.expect("required");

    let mut store = state.store();
    let source = store.visible(account, uuid)?.clone();
    if source.is_public() || source.kind != StorageType::Normal {
        return Err(ApiError::storage_type_illegal(uuid, source.kind.as_str()));
    }
    if source.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &source.state));
    }

    let backup = backup_of(&source, account, &title);
    let backup_uuid = backup.uuid.clone();
    let job = new_job_id();
    store.storages.insert(backup_uuid.clone(), backup);
    if let Some(origin) = store.storage_mut(uuid) {
        origin.backups.push(backup_uuid.clone());
    }
    jobs::claim(&mut store, &backup_uuid, job, JobKind::BackupTarget, "maintenance", Some("0"));
    jobs::claim(&mut store, uuid, job, JobKind::BackupSource, "backuping", None);

    let response = storage_response(&store, &store.storages[&backup_uuid], StatusCode::CREATED);
    drop(store);
    jobs::spawn_copy(state, job, uuid.to_owned(), backup_uuid, source.size, true);
    Ok(response)
}

/// `POST /storage/{uuid}/cancel` on the new storage of a running clone or templatize:
/// removes it and puts the source back online.
pub fn cancel(state: &AppState, account: &str, uuid: &str) -> ApiResult {
    let mut store = state.store();
    let target = store.owned_mut(account, uuid)?;
    let cancellable = matches!(
        target.job.map(|job| job.kind),
        Some(JobKind::CloneTarget | JobKind::TemplatizeTarget)
    );
    if !cancellable {
        return Err(ApiError::storage_state_illegal(uuid, &target.state));
    }
    let job = target.job.map(|job| job.id).unwrap_or_default();
    let source = target.copy_source.clone();
    store.remove_storage(uuid);
    datafile::remove(&state.config.data_dir, uuid);
    if let Some(source) = source {
        jobs::release(&mut store, &source, job);
    }
    Ok(no_content())
}

pub fn restore(state: &Arc<AppState>, account: &str, uuid: &str) -> ApiResult {
    let mut store = state.store();
    let backup = store.owned_mut(account, uuid)?.clone();
    if backup.kind != StorageType::Backup {
        return Err(ApiError::storage_type_illegal(uuid, backup.kind.as_str()));
    }
    if backup.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &backup.state));
    }
    let origin_uuid = backup.origin.clone().unwrap_or_default();
    let origin = store
        .storages
        .get(&origin_uuid)
        .ok_or_else(|| ApiError::storage_not_found(&origin_uuid))?;
    if origin.state != "online" {
        return Err(ApiError::storage_state_illegal(&origin_uuid, &origin.state));
    }
    let origin_size = origin.size;
    store.require_servers_stopped(&origin_uuid)?;

    let job = new_job_id();
    jobs::claim(&mut store, &origin_uuid, job, JobKind::Restore, "maintenance", Some("0"));
    if let Some(origin) = store.storage_mut(&origin_uuid) {
        origin.data_pristine = backup.data_pristine;
    }
    drop(store);
    jobs::spawn_restore(state, job, uuid.to_owned(), origin_uuid, origin_size);
    Ok(no_content())
}

/// `POST /storage/{uuid}/resize`: takes a backup named "Resize Backup" (returned already
/// online, as recorded), then keeps the storage in `maintenance` while the filesystem grows.
pub fn resize(state: &Arc<AppState>, account: &str, uuid: &str) -> ApiResult {
    let mut store = state.store();
    let storage = store.owned_mut(account, uuid)?.clone();
    if storage.kind != StorageType::Normal {
        return Err(ApiError::storage_type_illegal(uuid, storage.kind.as_str()));
    }
    if storage.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &storage.state));
    }
    store.require_servers_stopped(uuid)?;

    let backup = backup_of(&storage, account, "Resize Backup");
    let backup_uuid = backup.uuid.clone();
    store.storages.insert(backup_uuid.clone(), backup);
    if let Some(origin) = store.storage_mut(uuid) {
        origin.backups.push(backup_uuid.clone());
    }
    let job = new_job_id();
    jobs::claim(&mut store, uuid, job, JobKind::Resize, "maintenance", None);
    let body = serde_json::json!({"resize_backup": render::storage_detail(&store, &store.storages[&backup_uuid])});
    drop(store);

    let data_dir = state.config.data_dir.clone();
    let (source, target) = (uuid.to_owned(), backup_uuid);
    let size = storage.size;
    tokio::task::spawn_blocking(move || {
        if let Err(error) = datafile::copy(&data_dir, &source, &target, size) {
            tracing::error!(%source, %target, %error, "failed to copy storage data for a resize backup");
        }
    });
    jobs::spawn_hold(state, job, uuid.to_owned(), None, 1.0);
    Ok(json_response(StatusCode::OK, &body))
}

pub fn favorite(state: &AppState, account: &str, uuid: &str, add: bool) -> ApiResult {
    let mut store = state.store();
    store.visible(account, uuid)?;
    let favorites = store.favorites.entry(account.to_owned()).or_default();
    if add {
        favorites.insert(uuid.to_owned());
    } else {
        favorites.remove(uuid);
    }
    Ok(no_content())
}
