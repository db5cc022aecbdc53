//! The direct-upload host: `PUT /uploader/session/{import uuid}`.
//!
//! No authentication is needed (the session URL is the credential) and an Authorization
//! header is ignored. The body is streamed through `pipeline` into the storage's data file,
//! and the response is the bare `{"written_bytes","md5sum","sha256sum"}` once all of it is written.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::datafile::{self, GIB};
use crate::imports::{self, TransferKind};
use crate::pipeline::{self, Encoding, PipelineError, Target};
use crate::respond::uploader_json;
use crate::state::{lock, AppState};
use crate::store::ImportProgress;

/// Chunks in flight between the connection and the writer thread. With hyper's frames of at
/// most a few hundred KiB this bounds an upload's buffered data to a few MiB.
const CHANNEL_CHUNKS: usize = 8;
/// Uploader sessions listed by `GET /__mock/uploads`; older ones are forgotten.
const MAX_RECORDS: usize = 200;

/// One PUT to the uploader, as `GET /__mock/uploads` shows it.
#[derive(Debug)]
pub struct UploadRecord {
    pub import: String,
    pub storage: String,
    pub state: Mutex<&'static str>,
    pub received_bytes: AtomicU64,
    pub written_bytes: AtomicU64,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
}

impl UploadRecord {
    pub fn to_json(&self) -> Value {
        json!({
            "import": self.import,
            "storage": self.storage,
            "state": *lock(&self.state),
            "received_bytes": self.received_bytes.load(Ordering::Relaxed),
            "written_bytes": self.written_bytes.load(Ordering::Relaxed),
            "content_type": self.content_type,
            "content_length": self.content_length,
        })
    }
}

fn uploader_error(status: StatusCode, code: &str, message: String) -> Response {
    uploader_json(status, &json!({"error": {"error_code": code, "error_message": message}}))
}

/// Session details the PUT needs, read in one short lock.
struct Session {
    storage: String,
    capacity: u64,
    size_gib: u64,
    skip_zero_blocks: bool,
    progress: Arc<ImportProgress>,
    generation: u64,
}

fn open_session(state: &AppState, session: &str, content_type: &str, content_length: Option<u64>) -> Result<Session, Response> {
    let generation = state.generation();
    let mut store = state.store();
    let Some(import) = store.imports.get_mut(session) else {
        return Err(uploader_error(
            StatusCode::NOT_FOUND,
            "IMPORT_SESSION_NOT_FOUND",
            format!("There is no upload session {session}."),
        ));
    };
    if import.source != "direct_upload" || import.state != "prepared" {
        return Err(uploader_error(
            StatusCode::CONFLICT,
            "IMPORT_SESSION_CLOSED",
            format!("The upload session {session} does not accept data in state '{}'.", import.state),
        ));
    }
    if state.config.require_content_length && content_length.is_none() {
        return Err(uploader_error(
            StatusCode::LENGTH_REQUIRED,
            "CONTENT_LENGTH_REQUIRED",
            "This uploader needs a Content-Length header.".to_owned(),
        ));
    }
    import.state = "importing".to_owned();
    import.client_content_type = content_type.to_owned();
    import.client_content_length = content_length.unwrap_or(0);
    let progress = Arc::clone(&import.progress);
    let storage_uuid = import.storage.clone();

    let Some(storage) = store.storage_mut(&storage_uuid) else {
        return Err(uploader_error(
            StatusCode::NOT_FOUND,
            "IMPORT_SESSION_NOT_FOUND",
            format!("The storage of the upload session {session} no longer exists."),
        ));
    };
    let skip_zero_blocks = storage.data_pristine;
    storage.data_pristine = false;
    Ok(Session {
        storage: storage_uuid,
        capacity: storage.size * GIB,
        size_gib: storage.size,
        skip_zero_blocks,
        progress,
        generation,
    })
}

/// Handles a PUT. The caller runs this on its own task, so a client that disconnects
/// mid-body cannot cancel the bookkeeping.
pub async fn put(state: Arc<AppState>, session: String, headers: HeaderMap, body: Body, bytes_per_second: Option<u64>) -> (Response, u64) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let content_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());

    let opened = open_session(&state, &session, &content_type, content_length);
    let session_info = match opened {
        Ok(session_info) => session_info,
        Err(response) => return (response, 0),
    };

    let record = Arc::new(UploadRecord {
        import: session.clone(),
        storage: session_info.storage.clone(),
        state: Mutex::new("receiving"),
        received_bytes: AtomicU64::new(0),
        written_bytes: AtomicU64::new(0),
        content_type: (!content_type.is_empty()).then(|| content_type.clone()),
        content_length,
    });
    {
        let mut uploads = lock(&state.uploads);
        if uploads.len() >= MAX_RECORDS {
            uploads.remove(0);
        }
        uploads.push(Arc::clone(&record));
    }

    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    let writer = spawn_writer(&state, &session_info, Encoding::from_content_type(&content_type), receiver);
    let received = feed(body, &sender, &session_info.progress, &record, content_length, bytes_per_second).await;
    drop(sender);

    let result = writer.await.unwrap_or_else(|error| Err(PipelineError::Io(io::Error::other(error))));
    record.written_bytes.store(session_info.progress.written_bytes.load(Ordering::Relaxed), Ordering::Relaxed);
    *lock(&record.state) = match &result {
        Ok(_) => "completed",
        Err(PipelineError::Interrupted(_)) => "aborted",
        Err(_) => "failed",
    };
    imports::finish_transfer(&state, session_info.generation, &session, TransferKind::Upload, &result);
    (answer(result), received)
}

fn spawn_writer(
    state: &AppState,
    session: &Session,
    encoding: Encoding,
    receiver: mpsc::Receiver<io::Result<bytes::Bytes>>,
) -> tokio::task::JoinHandle<Result<pipeline::Digests, PipelineError>> {
    let data_dir = state.config.data_dir.clone();
    let storage = session.storage.clone();
    let (capacity, size_gib, skip_zero_blocks) = (session.capacity, session.size_gib, session.skip_zero_blocks);
    let progress = Arc::clone(&session.progress);
    tokio::task::spawn_blocking(move || {
        let file = datafile::open_for_write(&data_dir, &storage, size_gib).map_err(PipelineError::Io)?;
        pipeline::run(receiver, encoding, Target { file, capacity, skip_zero_blocks }, progress)
    })
}

/// Moves the request body into the channel, counting bytes and throttling for a slow-body
/// fault. Returns the number of bytes received.
async fn feed(
    mut body: Body,
    sender: &mpsc::Sender<io::Result<bytes::Bytes>>,
    progress: &ImportProgress,
    record: &UploadRecord,
    content_length: Option<u64>,
    bytes_per_second: Option<u64>,
) -> u64 {
    let started = Instant::now();
    let mut received = 0u64;
    loop {
        // A writer that stopped early (size exceeded, corrupt data, cancel) closes the
        // channel; waiting for the client's next bytes would then wait forever.
        let frame = tokio::select! {
            frame = body.frame() => frame,
            _ = sender.closed() => return received,
        };
        let chunk = match frame {
            None => break,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Some(Err(error)) => {
                let _ = sender.send(Err(io::Error::other(error.to_string()))).await;
                return received;
            }
        };
        received += chunk.len() as u64;
        progress.read_bytes.store(received, Ordering::Relaxed);
        record.received_bytes.store(received, Ordering::Relaxed);
        if sender.send(Ok(chunk)).await.is_err() {
            return received;
        }
        if let Some(rate) = bytes_per_second.filter(|rate| *rate > 0) {
            let due = crate::jobs::seconds_to_duration(received as f64 / rate as f64);
            tokio::time::sleep(due.saturating_sub(started.elapsed())).await;
        }
    }
    if content_length.is_some_and(|expected| received < expected) {
        let message = format!("the body ended after {received} of {} bytes", content_length.unwrap_or(0));
        let _ = sender.send(Err(io::Error::other(message))).await;
    }
    received
}

fn answer(result: Result<pipeline::Digests, PipelineError>) -> Response {
    match result {
        Ok(digests) => uploader_json(
            StatusCode::OK,
            &json!({
                "written_bytes": digests.written_bytes,
                "md5sum": digests.md5sum,
                "sha256sum": digests.sha256sum,
            }),
        ),
        Err(PipelineError::SizeExceeded { capacity }) => uploader_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "IMPORT_SIZE_EXCEEDED",
            format!("The decompressed data is larger than the storage ({capacity} bytes)."),
        ),
        Err(PipelineError::Decompression(reason)) => uploader_error(
            StatusCode::BAD_REQUEST,
            "IMPORT_DECOMPRESSION_FAILED",
            format!("The body could not be decompressed: {reason}."),
        ),
        Err(PipelineError::Interrupted(reason)) => uploader_error(
            StatusCode::BAD_REQUEST,
            "UPLOAD_INTERRUPTED",
            format!("The body ended early: {reason}."),
        ),
        Err(PipelineError::Cancelled) => uploader_error(
            StatusCode::CONFLICT,
            "IMPORT_CANCELLED",
            "The import was cancelled during the upload.".to_owned(),
        ),
        Err(PipelineError::Io(_)) => uploader_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "IMPORT_WRITE_FAILED",
            "The mock failed to write the storage data.".to_owned(),
        ),
    }
}
