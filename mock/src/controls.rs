//! Test controls under `/__mock/`: faults, the request log, storage data and states, upload
//! sessions, forced import endings, replay counters and reset. No authentication.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::datafile::{self, GIB};
use crate::faults::{Fault, FaultSpec};
use crate::jobs;
use crate::respond::{control_json, no_content, with_content_type};
use crate::state::{lock, AppState};
use crate::store::{new_job_id, new_uuid, ForcedOutcome, JobKind};

/// Largest byte range `GET /__mock/storages/{uuid}/data` returns at once.
const MAX_DATA_READ: u64 = 256 << 20;

fn control_error(status: StatusCode, message: impl Into<String>) -> Response {
    control_json(status, &json!({"error": message.into()}))
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body)
        .map_err(|error| control_error(StatusCode::BAD_REQUEST, format!("invalid control body: {error}")))
}

pub async fn handle(state: &Arc<AppState>, method: &Method, path: &str, query: &str, body: &[u8]) -> Response {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(2).collect();
    let result = match (method.as_str(), segments.as_slice()) {
        ("POST", ["faults"]) => add_fault(state, body),
        ("GET", ["faults"]) => Ok(list_faults(state)),
        ("DELETE", ["faults"]) => {
            lock(&state.faults).clear();
            Ok(no_content())
        }
        ("GET", ["requests"]) => {
            let requests: Vec<Value> = lock(&state.requests).iter().map(|entry| entry.to_json()).collect();
            Ok(control_json(StatusCode::OK, &json!({"requests": requests})))
        }
        ("DELETE", ["requests"]) => {
            lock(&state.requests).clear();
            Ok(no_content())
        }
        ("GET", ["uploads"]) => {
            let uploads: Vec<Value> = lock(&state.uploads).iter().map(|record| record.to_json()).collect();
            Ok(control_json(StatusCode::OK, &json!({"uploads": uploads})))
        }
        ("GET", ["storages", uuid, "data"]) => read_data(state, uuid, query).await,
        ("POST", ["storages", uuid, "state"]) => force_state(state, uuid, body),
        ("POST", ["imports", "next"]) => next_import(state, body),
        ("GET", ["replay"]) => match &state.replay {
            Some(replay) => Ok(control_json(StatusCode::OK, &lock(replay).report())),
            None => Err(control_error(StatusCode::NOT_FOUND, "the mock was not started with --replay")),
        },
        ("POST", ["reset"]) => {
            state.reset();
            Ok(no_content())
        }
        _ => Err(control_error(StatusCode::NOT_FOUND, format!("no control {method} {path}"))),
    };
    result.unwrap_or_else(|response| response)
}

fn add_fault(state: &AppState, body: &[u8]) -> Result<Response, Response> {
    let spec: FaultSpec = parse(body)?;
    spec.check().map_err(|message| control_error(StatusCode::BAD_REQUEST, message))?;
    let id = new_uuid(0xfa);
    let remaining = spec.count;
    lock(&state.faults).push(Fault { id: id.clone(), spec, remaining });
    Ok(control_json(StatusCode::CREATED, &json!({"id": id})))
}

fn list_faults(state: &AppState) -> Response {
    let faults: Vec<Value> = lock(&state.faults)
        .iter()
        .map(|fault| {
            json!({
                "id": fault.id,
                "method": fault.spec.method,
                "path_prefix": fault.spec.path_prefix,
                "remaining": fault.remaining,
            })
        })
        .collect();
    control_json(StatusCode::OK, &json!({"faults": faults}))
}

fn query_number(query: &str, name: &str) -> Result<Option<u64>, Response> {
    match form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name) {
        None => Ok(None),
        Some((_, value)) => value
            .parse()
            .map(Some)
            .map_err(|_| control_error(StatusCode::BAD_REQUEST, format!("{name} must be a whole number of bytes"))),
    }
}

async fn read_data(state: &Arc<AppState>, uuid: &str, query: &str) -> Result<Response, Response> {
    let size_bytes = match state.store().storages.get(uuid) {
        Some(storage) => storage.size * GIB,
        None => return Err(control_error(StatusCode::NOT_FOUND, format!("no storage {uuid}"))),
    };
    let offset = query_number(query, "offset")?.unwrap_or(0);
    let default_length = size_bytes.saturating_sub(offset).min(1 << 20);
    let length = query_number(query, "length")?.unwrap_or(default_length);
    if offset.saturating_add(length) > size_bytes {
        return Err(control_error(
            StatusCode::BAD_REQUEST,
            format!("offset {offset} + length {length} is past the end of the storage ({size_bytes} bytes)"),
        ));
    }
    if length > MAX_DATA_READ {
        return Err(control_error(StatusCode::BAD_REQUEST, format!("length is limited to {MAX_DATA_READ} bytes")));
    }

    let data_dir = state.config.data_dir.clone();
    let uuid = uuid.to_owned();
    let read = tokio::task::spawn_blocking(move || datafile::read(&data_dir, &uuid, offset, length as usize)).await;
    match read {
        Ok(Ok(bytes)) => Ok(with_content_type(StatusCode::OK, "application/octet-stream", bytes)),
        Ok(Err(error)) => Err(control_error(StatusCode::INTERNAL_SERVER_ERROR, format!("reading the data failed: {error}"))),
        Err(error) => Err(control_error(StatusCode::INTERNAL_SERVER_ERROR, format!("reading the data failed: {error}"))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateSpec {
    state: String,
    seconds: Option<f64>,
    progress: Option<String>,
}

/// Forces a storage into any state; after `seconds` it goes back `online`. Without
/// `seconds` it stays until changed. Forcing `online` ends any running operation's claim.
fn force_state(state: &Arc<AppState>, uuid: &str, body: &[u8]) -> Result<Response, Response> {
    let spec: StateSpec = parse(body)?;
    if spec.state.is_empty() {
        return Err(control_error(StatusCode::BAD_REQUEST, "state must not be empty"));
    }
    let mut store = state.store();
    if !store.storages.contains_key(uuid) {
        return Err(control_error(StatusCode::NOT_FOUND, format!("no storage {uuid}")));
    }
    let job = new_job_id();
    jobs::claim(&mut store, uuid, job, JobKind::Forced, &spec.state, spec.progress.as_deref());
    if spec.state == "online" {
        jobs::release(&mut store, uuid, job);
    }
    drop(store);
    if spec.state != "online" {
        if let Some(seconds) = spec.seconds {
            jobs::spawn_hold(state, job, uuid.to_owned(), Some(seconds), 0.0);
        }
    }
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeSpec {
    outcome: String,
    error_code: Option<String>,
    error_message: Option<String>,
    after_seconds: Option<f64>,
}

fn next_import(state: &AppState, body: &[u8]) -> Result<Response, Response> {
    let spec: OutcomeSpec = parse(body)?;
    let outcome = match spec.outcome.as_str() {
        "failed" => ForcedOutcome::Failed {
            error_code: spec.error_code.unwrap_or_else(|| "IMPORT_FAILED".to_owned()),
            error_message: spec.error_message.unwrap_or_else(|| "The import failed.".to_owned()),
            after_seconds: spec.after_seconds,
        },
        "cancelled" => ForcedOutcome::Cancelled { after_seconds: spec.after_seconds },
        other => {
            return Err(control_error(
                StatusCode::BAD_REQUEST,
                format!("unknown outcome `{other}`: use failed or cancelled"),
            ))
        }
    };
    state.store().next_outcome = Some(outcome);
    Ok(no_content())
}
