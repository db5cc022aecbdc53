//! `http_import`: the mock downloads the import's `source_location` itself.
//!
//! Only `http://127.0.0.1` and `http://localhost` URLs are downloaded, so a test or demo can
//! never make the mock reach another host. Any other URL fails the import without a
//! connection attempt. Compression follows the source's Content-Type, as the real API's does.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::Url;
use tokio::sync::mpsc;

use crate::datafile::{self, GIB};
use crate::imports::{self, TransferKind};
use crate::jobs::pause;
use crate::pipeline::{self, Encoding, PipelineError, Target};
use crate::state::AppState;
use crate::store::ImportProgress;

const CHANNEL_CHUNKS: usize = 8;

/// Runs an HTTP import: `prepared` → `pending` → `importing`, then the download.
pub fn spawn(state: &Arc<AppState>, import_uuid: String, location: String) {
    let state = Arc::clone(state);
    let generation = state.generation();
    tokio::spawn(async move {
        pause(&state, 1.0 / 6.0).await;
        if !advance(&state, generation, &import_uuid, "prepared", "pending") {
            return;
        }
        pause(&state, 1.0 / 6.0).await;

        let url = match allowed_url(&location) {
            Ok(url) => url,
            Err(message) => {
                fail(&state, generation, &import_uuid, "SOURCE_LOCATION_NOT_ALLOWED", &message);
                return;
            }
        };
        if !advance(&state, generation, &import_uuid, "pending", "importing") {
            return;
        }
        let result = download(&state, generation, &import_uuid, url).await;
        match result {
            Ok(result) => imports::finish_transfer(&state, generation, &import_uuid, TransferKind::Download, &result),
            Err(message) => fail(&state, generation, &import_uuid, "IMPORT_SOURCE_FAILED", &message),
        }
    });
}

/// Accepts only plain HTTP on the loopback names; the reason is the failure message.
fn allowed_url(location: &str) -> Result<Url, String> {
    let url = Url::parse(location).map_err(|error| format!("The source_location is not a URL: {error}."))?;
    let host = url.host_str().unwrap_or_default();
    if url.scheme() != "http" || !(host == "127.0.0.1" || host == "localhost") {
        return Err(format!(
            "This mock downloads only from http://127.0.0.1 or http://localhost; it did not contact {}://{host}.",
            url.scheme()
        ));
    }
    Ok(url)
}

fn advance(state: &AppState, generation: u64, import_uuid: &str, from: &str, to: &str) -> bool {
    let mut store = state.store();
    if state.generation() != generation {
        return false;
    }
    match store.imports.get_mut(import_uuid) {
        Some(import) if import.state == from => {
            import.state = to.to_owned();
            true
        }
        _ => false,
    }
}

fn fail(state: &AppState, generation: u64, import_uuid: &str, code: &str, message: &str) {
    let mut store = state.store();
    if state.generation() != generation {
        return;
    }
    let Some(import) = store.imports.get_mut(import_uuid) else { return };
    if !import.is_running() {
        return;
    }
    tracing::info!(import = import_uuid, code, "http import failed");
    import.fail(code, message);
    let (storage, job) = (import.storage.clone(), import.job);
    crate::jobs::release(&mut store, &storage, job);
}

/// Storage details the download needs, read in one short lock.
struct Destination {
    storage: String,
    size_gib: u64,
    skip_zero_blocks: bool,
    progress: Arc<ImportProgress>,
}

fn destination(state: &AppState, import_uuid: &str) -> Option<Destination> {
    let mut store = state.store();
    let import = store.imports.get(import_uuid)?;
    let progress = Arc::clone(&import.progress);
    let storage_uuid = import.storage.clone();
    let storage = store.storage_mut(&storage_uuid)?;
    let skip_zero_blocks = storage.data_pristine;
    storage.data_pristine = false;
    Some(Destination { storage: storage_uuid, size_gib: storage.size, skip_zero_blocks, progress })
}

/// Downloads and writes the source. `Err` is a failure before any data (connection, HTTP
/// status); failures while streaming come back inside `Ok`.
async fn download(
    state: &Arc<AppState>,
    generation: u64,
    import_uuid: &str,
    mut url: Url,
) -> Result<Result<pipeline::Digests, PipelineError>, String> {
    let user = percent_decode(url.username());
    let password = url.password().map(percent_decode);
    let _ = url.set_username("");
    let _ = url.set_password(None);

    let mut request = state.http.get(url.clone());
    if !user.is_empty() || password.is_some() {
        request = request.basic_auth(user, password);
    }
    let response = request
        .send()
        .await
        .map_err(|error| format!("The source {url} could not be reached: {}.", error.without_url()))?;
    if !response.status().is_success() {
        return Err(format!("The source {url} answered HTTP {}.", response.status().as_u16()));
    }

    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let content_length = response.content_length();
    let Some(destination) = destination(state, import_uuid) else {
        return Ok(Err(PipelineError::Cancelled));
    };
    {
        let mut store = state.store();
        if state.generation() == generation {
            if let Some(import) = store.imports.get_mut(import_uuid) {
                import.client_content_type = content_type.clone();
                import.client_content_length = content_length.unwrap_or(0);
            }
        }
    }

    let (sender, receiver) = mpsc::channel::<io::Result<bytes::Bytes>>(CHANNEL_CHUNKS);
    let data_dir = state.config.data_dir.clone();
    let encoding = Encoding::from_content_type(&content_type);
    let progress = Arc::clone(&destination.progress);
    let writer = tokio::task::spawn_blocking(move || {
        let file = datafile::open_for_write(&data_dir, &destination.storage, destination.size_gib)
            .map_err(PipelineError::Io)?;
        let target = Target { file, capacity: destination.size_gib * GIB, skip_zero_blocks: destination.skip_zero_blocks };
        pipeline::run(receiver, encoding, target, destination.progress)
    });

    let mut stream = response.bytes_stream();
    let mut received = 0u64;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => {
                received += chunk.len() as u64;
                progress.read_bytes.store(received, Ordering::Relaxed);
                if sender.send(Ok(chunk)).await.is_err() {
                    break;
                }
            }
            Err(error) => {
                let _ = sender.send(Err(io::Error::other(error.without_url().to_string()))).await;
                break;
            }
        }
    }
    drop(sender);
    Ok(writer.await.unwrap_or_else(|error| Err(PipelineError::Io(io::Error::other(error)))))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}
