//! Storage imports: create, details and cancel, and the states an import moves through
//! after its bytes have been written.
//!
//! The storage is held in `maintenance` from the import's creation until its data is
//! written, then `syncing`, then `online`. (Which state the real API shows while an import
//! runs is not documented; `maintenance` is the likely one.)

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;

use crate::api_storage::ApiResult;
use crate::error::ApiError;
use crate::http_import;
use crate::jobs::{self, pause};
use crate::pipeline::{Digests, PipelineError};
use crate::render;
use crate::respond::json_response;
use crate::state::AppState;
use crate::store::{
    new_job_id, new_uuid, now_rfc3339, ForcedOutcome, Import, ImportProgress, JobKind, StorageType,
};
use crate::validate;

/// `POST /storage/{uuid}/import`. `upload_base` is the scheme and address of the listener
/// the request came in on, so the uploader URL works over the same listener.
pub fn create(state: &Arc<AppState>, account: &str, uuid: &str, body: &Option<Value>, upload_base: &str) -> ApiResult {
    let fields = validate::envelope(body, "storage_import")?;
    validate::reject_unknown(fields, &["source", "source_location"])?;
    let source = match fields.get("source") {
        None => return Err(ApiError::bad_request("SOURCE_MISSING", "The attribute 'source' is required.")),
        Some(Value::String(source)) if source == "direct_upload" || source == "http_import" => source.clone(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "SOURCE_INVALID",
                "The source must be direct_upload or http_import.",
            ))
        }
    };
    let location = fields.get("source_location").and_then(Value::as_str).unwrap_or_default();
    if source == "http_import" {
        validate_location(location)?;
    }

    let mut store = state.store();
    let storage = store.owned_mut(account, uuid)?;
    if storage.kind != StorageType::Normal {
        return Err(ApiError::storage_type_illegal(uuid, storage.kind.as_str()));
    }
    if storage.state != "online" {
        return Err(ApiError::storage_state_illegal(uuid, &storage.state));
    }
    store.require_servers_stopped(uuid)?;

    let import_uuid = new_uuid(0x07);
    let job = new_job_id();
    let http = source == "http_import";
    let import = Import {
        uuid: import_uuid.clone(),
        storage: uuid.to_owned(),
        source_location: http.then(|| location.to_owned()),
        direct_upload_url: (!http).then(|| format!("{upload_base}/uploader/session/{import_uuid}")),
        source,
        state: "prepared".to_owned(),
        created: now_rfc3339(),
        completed: String::new(),
        md5sum: String::new(),
        sha256sum: String::new(),
        error_code: String::new(),
        error_message: String::new(),
        client_content_type: String::new(),
        client_content_length: 0,
        progress: Arc::new(ImportProgress::default()),
        forced_outcome: store.next_outcome.take(),
        job,
    };
    let body = render::import_object(&import);
    if let Some(previous) = store.latest_import.insert(uuid.to_owned(), import_uuid.clone()) {
        store.imports.remove(&previous);
    }
    store.imports.insert(import_uuid.clone(), import);
    jobs::claim(&mut store, uuid, job, JobKind::Import, "maintenance", None);
    drop(store);

    if http {
        http_import::spawn(state, import_uuid, location.to_owned());
    }
    Ok(json_response(StatusCode::CREATED, &body))
}

/// Checks that an HTTP import has an absolute http or https URL. Whether the mock may
/// download it is decided later, so a disallowed host fails the import, not the request.
fn validate_location(location: &str) -> Result<(), ApiError> {
    if location.is_empty() {
        return Err(ApiError::bad_request(
            "SOURCE_LOCATION_MISSING",
            "An http_import needs a 'source_location' URL.",
        ));
    }
    match reqwest::Url::parse(location) {
        Ok(url) if (url.scheme() == "http" || url.scheme() == "https") && url.host().is_some() => Ok(()),
        _ => Err(ApiError::bad_request(
            "SOURCE_LOCATION_INVALID",
            "The source_location must be an absolute http:// or https:// URL.",
        )),
    }
}

pub fn details(state: &AppState, account: &str, uuid: &str) -> ApiResult {
    let store = state.store();
    store.visible(account, uuid)?;
    let import = store
        .latest_import
        .get(uuid)
        .and_then(|import| store.imports.get(import))
        .ok_or_else(|| no_import(uuid))?;
    Ok(json_response(StatusCode::OK, &render::import_object(import)))
}

fn no_import(uuid: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "STORAGE_IMPORT_NOT_FOUND",
        format!("The storage {uuid} has no import."),
    )
}

/// `POST /storage/{uuid}/import/cancel`: returns the import in `cancelling`, and it reaches
/// `cancelled` a third of an operation later. Data already written stays on the storage.
pub fn cancel(state: &Arc<AppState>, account: &str, uuid: &str) -> ApiResult {
    let mut store = state.store();
    store.owned_mut(account, uuid)?;
    let import_uuid = store.latest_import.get(uuid).cloned().ok_or_else(|| no_import(uuid))?;
    let import = store.imports.get_mut(&import_uuid).ok_or_else(|| no_import(uuid))?;
    if !import.is_running() {
        return Err(ApiError::conflict(
            "STORAGE_IMPORT_NOT_IN_PROGRESS",
            format!("The import of the storage {uuid} is not running (state '{}').", import.state),
        ));
    }
    import.state = "cancelling".to_owned();
    import.progress.cancel.store(true, Ordering::SeqCst);
    let body = render::import_object(import);
    drop(store);
    spawn_cancelled(state, import_uuid, None);
    Ok(json_response(StatusCode::OK, &body))
}

/// Moves an import from `cancelling` to `cancelled` and frees its storage.
fn spawn_cancelled(state: &Arc<AppState>, import_uuid: String, after_seconds: Option<f64>) {
    let state = Arc::clone(state);
    let generation = state.generation();
    tokio::spawn(async move {
        wait(&state, after_seconds, 1.0 / 3.0).await;
        let mut store = state.store();
        if state.generation() != generation {
            return;
        }
        let Some(import) = store.imports.get_mut(&import_uuid) else { return };
        if import.state != "cancelling" {
            return;
        }
        import.state = "cancelled".to_owned();
        import.completed = now_rfc3339();
        let (storage, job) = (import.storage.clone(), import.job);
        jobs::release(&mut store, &storage, job);
    });
}

async fn wait(state: &AppState, seconds: Option<f64>, fraction: f64) {
    match seconds {
        Some(seconds) => tokio::time::sleep(jobs::seconds_to_duration(seconds)).await,
        None => pause(state, fraction).await,
    }
}

/// The error code an import fails with when its data stream breaks.
#[derive(Clone, Copy)]
pub enum TransferKind {
    Upload,
    Download,
}

/// Records the end of a transfer on the import and starts the remaining state changes.
pub fn finish_transfer(
    state: &Arc<AppState>,
    generation: u64,
    import_uuid: &str,
    kind: TransferKind,
    result: &Result<Digests, PipelineError>,
) {
    let mut store = state.store();
    if state.generation() != generation {
        return;
    }
    let Some(import) = store.imports.get_mut(import_uuid) else { return };
    if import.state == "cancelling" || import.state == "cancelled" {
        return;
    }
    let (storage, job) = (import.storage.clone(), import.job);
    match result {
        Ok(digests) => {
            if matches!(kind, TransferKind::Upload) {
                import.state = "pending".to_owned();
            }
            let outcome = import.forced_outcome.clone();
            let digests = (digests.md5sum.clone(), digests.sha256sum.clone());
            drop(store);
            spawn_completion(state, import_uuid.to_owned(), digests, outcome);
            return;
        }
        Err(PipelineError::Cancelled) => return,
        Err(PipelineError::SizeExceeded { capacity }) => import.fail(
            "IMPORT_SIZE_EXCEEDED",
            &format!("The imported data is larger than the storage ({capacity} bytes)."),
        ),
        Err(PipelineError::Decompression(reason)) => import.fail(
            "IMPORT_DECOMPRESSION_FAILED",
            &format!("The data could not be decompressed as {}: {reason}.", import.client_content_type),
        ),
        Err(PipelineError::Interrupted(reason)) => match kind {
            TransferKind::Upload => import.fail(
                "UPLOAD_INTERRUPTED",
                &format!("The upload ended before the whole body arrived: {reason}."),
            ),
            TransferKind::Download => import.fail(
                "IMPORT_SOURCE_FAILED",
                &format!("The download of the source ended early: {reason}."),
            ),
        },
        Err(PipelineError::Io(error)) => {
            tracing::error!(import = import_uuid, %error, "failed to write imported data");
            import.fail("IMPORT_WRITE_FAILED", "The mock failed to write the storage data.")
        }
    }
    jobs::release(&mut store, &storage, job);
}

/// `pending`/`importing` → `completed` (storage `syncing` → `online`), unless a test asked
/// for another ending with `POST /__mock/imports/next`.
fn spawn_completion(state: &Arc<AppState>, import_uuid: String, digests: (String, String), outcome: Option<ForcedOutcome>) {
    let state = Arc::clone(state);
    let generation = state.generation();
    tokio::spawn(async move {
        let delay = match &outcome {
            Some(ForcedOutcome::Failed { after_seconds, .. }) => *after_seconds,
            Some(ForcedOutcome::Cancelled { .. }) | None => None,
        };
        wait(&state, delay, 1.0 / 3.0).await;

        let mut store = state.store();
        if state.generation() != generation {
            return;
        }
        let Some(import) = store.imports.get_mut(&import_uuid) else { return };
        if !import.is_running() {
            return;
        }
        let (storage, job) = (import.storage.clone(), import.job);
        match outcome {
            Some(ForcedOutcome::Failed { error_code, error_message, .. }) => {
                import.fail(&error_code, &error_message);
                jobs::release(&mut store, &storage, job);
            }
            Some(ForcedOutcome::Cancelled { after_seconds }) => {
                import.state = "cancelling".to_owned();
                drop(store);
                spawn_cancelled(&state, import_uuid, after_seconds);
            }
            None => {
                import.state = "completed".to_owned();
                import.completed = now_rfc3339();
                (import.md5sum, import.sha256sum) = digests;
                if let Some(storage) = store.storage_mut(&storage) {
                    storage.state = "syncing".to_owned();
                }
                drop(store);
                jobs::spawn_hold(&state, job, storage, None, 0.5);
            }
        }
    });
}
