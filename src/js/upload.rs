//! Disk-image uploads: `uploadFileForStorageImport` and the one-call
//! `importStorageFromFile`.
//!
//! Before any byte is sent, the format is detected from the data (never the
//! file name) and checked against the target storage's size. While the bytes
//! go out, the data UpCloud will write is hashed so the uploader's SHA-256
//! can be verified. The file is never read whole: reads are slices of at
//! most [`READ_CHUNK_BYTES`], and all sizes are `u64` end to end.

mod options;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use self::options::{Method, UploadOptions};
use super::args::string_arg;
use super::call::{call, Signal};
use super::convert::to_plain;
use super::manager::CloudManager;
use super::storages::spawn;
use super::waits::{wait_for_import, wait_for_storage_state, WaitSettings};
use crate::error::{codes, Error};
use crate::input::CreateImport;
use crate::model::{StorageState, UploadResult};
use crate::request;
use crate::response;
use crate::transport::upload::{
    has_native_sha256, has_xhr, redact_upload_url, send_upload, UploadFailure, UploadRequest,
    UploadRoute, UploadSource,
};
use crate::transport::{AbortCause, CallSignal, Client};
use crate::upload::{
    check_fits, detect_format, gzip_size_from_trailer, size_from_length, ImageFormat, Phase,
    ProgressEvent, ProgressTracker, UncompressedSize, UploadError, Verifier, WrittenData,
    XzScanStep, XzSizeScan, GIB, HEAD_LEN, READ_CHUNK_BYTES, TAIL_LEN,
};
use crate::wait::PollSchedule;

#[wasm_bindgen(typescript_custom_section)]
const UPLOAD_TYPES: &'static str = r#"
/** An image to upload: a `File` or `Blob` (Node: `fs.openAsBlob(path)`), or a byte stream with `size` given. */
export type UploadSource = Blob | ReadableStream<Uint8Array>;

/** An `onProgress` event. Byte counts are exact up to 2^53. */
export interface UploadProgress {
  /**
   * `uploading`: `loaded` bytes of the `total`-byte source were sent.
   * `importing`: UpCloud wrote `loaded` of `total` bytes into the storage.
   * `syncing`: the storage syncs after the import; `loaded` is a percentage of `total` (100).
   */
  phase: 'uploading' | 'importing' | 'syncing';
  loaded: number;
  total: number;
}

/** Options of `uploadFileForStorageImport`. */
export interface UploadOptions {
  /** Overrides the type detected from the data. Container formats (qcow2, VMDK, …) are rejected regardless. */
  contentType?: 'application/octet-stream' | 'application/gzip' | 'application/x-xz';
  onProgress?: (progress: UploadProgress) => void;
  /** Stops the upload; the promise then rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Hash the data locally and compare with the uploader's SHA-256. Default `true`. */
  verify?: boolean;
  /** Time limit of the upload itself in milliseconds. Default: none. */
  timeoutMs?: number;
  /**
   * Byte size of a `ReadableStream` source (required). For a Blob it must match `blob.size`.
   * The exception is a Blob from Node's `fs.openAsBlob` of a file over 4 GiB, whose size Node
   * reports modulo 4 GiB: pass the size from `fs.stat`. Without it, such an upload fails rather
   * than sending a cut image.
   */
  size?: number;
  /** Size of the target storage in GiB, to reject an image that cannot fit before sending it. */
  storageSize?: number;
}

/** Options of `importStorageFromFile`. */
export interface ImportFromFileOptions extends Omit<UploadOptions, 'storageSize'> {
  /**
   * Whether an abort also cancels the import on UpCloud's side. When not given, a failure before
   * the uploader accepted the data cancels the import whatever its cause, and an abort or timeout
   * while waiting afterwards does not. `true` also cancels on an abort or timeout while waiting;
   * `false` keeps the import after an abort through `signal` during the upload.
   */
  cancelImportOnAbort?: boolean;
  /** After the import completes, wait until the storage is `online` (it is usable while `syncing`). Default `false`. */
  waitForOnline?: boolean;
  /** Milliseconds between status polls after the upload. Default 2000. */
  pollIntervalMs?: number;
  /** Time limit of the waiting after the upload, in milliseconds. Default: none. */
  waitTimeoutMs?: number;
}

/** The result of `uploadFileForStorageImport`. */
export interface UploadResult {
  /** Bytes UpCloud wrote: the decompressed size for gzip and xz. */
  writtenBytes: number;
  /** MD5 of the written data, hex, as the uploader reported it. */
  md5sum: string | null;
  /** SHA-256 of the written data, hex, as the uploader reported it. */
  sha256sum: string | null;
  /** Bytes sent: the size of the source. */
  readBytes: number;
  /** The Content-Type sent, which selects how the uploader decodes the body. */
  contentType: string;
}
"#;

#[wasm_bindgen]
impl CloudManager {
    /// Uploads a disk image to a `direct_upload` import's URL and resolves
    /// with what the uploader wrote.
    ///
    /// `source` is a `File` or `Blob` (Node: `await fs.openAsBlob(path)`) or
    /// a `ReadableStream<Uint8Array>` with `options.size`. The Content-Type
    /// comes from the first bytes: gzip and xz are decompressed by UpCloud,
    /// anything else is written raw. qcow2, VMDK, VHD, VHDX, VDI, zip,
    /// bzip2, zstd, 7z, lz4 and tar inputs are rejected with
    /// `UNSUPPORTED_IMAGE_FORMAT` before anything is sent. With
    /// `storageSize`, an image that cannot fit is rejected with
    /// `IMAGE_TOO_LARGE`. The uncompressed size is exact for raw and xz
    /// Blobs and a lower bound for gzip. It is unknown for compressed
    /// streams, so verification stops those as soon as they overflow.
    ///
    /// How bytes travel, with a Content-Length unless noted: in browsers,
    /// XMLHttpRequest sends the File or Blob (byte progress over any HTTP
    /// version); in Node and Deno, node:http(s) sends chunks as they are
    /// read (Node's fetch would hold the whole body in memory); in workerd,
    /// fetch sends a stream fed in chunks through a FixedLengthStream, or the
    /// Blob itself when neither progress nor verification is asked for. A
    /// ReadableStream source in a browser is sent with fetch as a streamed
    /// body, which browsers support over HTTP/2 or later only and send
    /// without a Content-Length; pass the File itself to upload over
    /// HTTP/1.1 or to send one.
    ///
    /// With `verify` (the default), the SHA-256 of the data UpCloud writes
    /// (decompressed for gzip and xz) is computed while uploading and
    /// compared with the uploader's; a difference rejects with
    /// `INTEGRITY_MISMATCH`. Rejects with `ABORTED` when `signal` fires and
    /// `TIMEOUT` after `timeoutMs`. The manager's API timeout does not apply
    /// to the upload.
    ///
    /// Raw data is hashed with the runtime's own SHA-256 where it has a
    /// streaming one (Node, Deno, workerd). Browsers have none, and gzip and
    /// xz must be decoded first, so those are hashed in wasm: about
    /// 150 MiB/s of CPU time on a 2-core x86-64 test machine (an estimate
    /// for other hardware). On links faster than that, verification slows
    /// the upload; pass `verify: false` where speed matters more.
    ///
    /// **Warning:** the direct-upload URL is a credential; it never appears
    /// in errors, but keep the `StorageImport` itself out of logs.
    #[wasm_bindgen(js_name = uploadFileForStorageImport, unchecked_return_type = "Promise<UploadResult>")]
    pub fn upload_file_for_storage_import(
        &self,
        #[wasm_bindgen(js_name = storageImport, unchecked_param_type = "StorageImport")]
        storage_import: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UploadSource")] source: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UploadOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |_| async move { upload_for_import(&storage_import, &source, &options).await })
    }

    /// Imports a disk image into a storage in one call: checks the image
    /// against the storage, creates a `direct_upload` import, uploads (as
    /// `uploadFileForStorageImport`), waits until the import is `completed`
    /// and, with `waitForOnline`, until the storage is `online`. Resolves
    /// with the final `StorageImport`.
    ///
    /// `onProgress` reports `uploading`, then `importing` and `syncing`.
    /// Rejects with `IMPORT_FAILED` (carrying the import's `importErrorCode`,
    /// `importErrorMessage` and `storageUuid`) or `IMPORT_CANCELLED` when the
    /// import ends that way, and with the upload's codes otherwise.
    ///
    /// The image is sniffed and checked against the storage's size before
    /// the import is created, so those errors leave the storage as it was.
    /// When the call rejects after it created the import and before the
    /// uploader accepted the data (an unsupported or corrupt image found
    /// while sending, a stream shorter than `size`, a network error, a
    /// timeout or an abort), it cancels that import so the storage does not
    /// stay in `maintenance`. The one exception is an abort through `signal`
    /// with `cancelImportOnAbort: false` given explicitly. The cancel is
    /// best effort and bounded in time; the promise still rejects with the
    /// original error. After the uploader accepted the data, an abort or
    /// timeout of the waiting cancels the import only with
    /// `cancelImportOnAbort: true`.
    ///
    /// **Warning:** the storage's current contents are overwritten.
    #[wasm_bindgen(js_name = importStorageFromFile, unchecked_return_type = "Promise<StorageImport>")]
    pub fn import_storage_from_file(
        &self,
        #[wasm_bindgen(js_name = storageUuid, unchecked_param_type = "string")]
        storage_uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UploadSource")] source: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ImportFromFileOptions")] options: JsValue,
    ) -> Promise {
        spawn(&self.client, |client| async move {
            import_from_file(&client, &storage_uuid, &source, &options).await
        })
    }
}

/// Bytes of wasm linear memory this package has reserved; it only grows.
/// Not part of the public API: the upload memory test reads it.
#[doc(hidden)]
#[wasm_bindgen(js_name = wasmMemoryBytes, skip_typescript)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) as f64) * 65_536.0
}

async fn upload_for_import(
    storage_import: &JsValue,
    source: &JsValue,
    options: &JsValue,
) -> Result<JsValue, Error> {
    let options = UploadOptions::from_js(options, Method::Upload)?;
    let url = direct_upload_url(storage_import)?;
    let source = source_arg(source, &options)?;
    let prepared = prepare(source, &options, options.storage_bytes).await?;
    let progress = ProgressSink {
        callback: options.on_progress.clone(),
    };
    let sent = send(&url, &prepared, &options, options.storage_bytes, &progress)
        .await
        .map_err(|failure| failure.error)?;
    Ok(sent.to_js())
}

fn direct_upload_url(storage_import: &JsValue) -> Result<String, Error> {
    if !storage_import.is_object() {
        return Err(Error::validation(
            "storageImport",
            "storageImport must be the StorageImport object of a direct_upload import.",
        ));
    }
    let url = Reflect::get(storage_import, &"directUploadUrl".into())
        .ok()
        .and_then(|value| value.as_string());
    // The URL is a credential, so no message quotes any part of it.
    match url {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => Ok(url),
        Some(url) if url.is_empty() => Err(Error::validation(
            "storageImport.directUploadUrl",
            "storageImport.directUploadUrl is empty; create the import with source 'direct_upload'.",
        )),
        Some(_) => Err(Error::validation(
            "storageImport.directUploadUrl",
            "storageImport.directUploadUrl must be an http: or https: URL; it has another scheme or is not a URL.",
        )),
        None => Err(Error::validation(
            "storageImport.directUploadUrl",
            "storageImport has no directUploadUrl; create the import with source 'direct_upload'.",
        )),
    }
}

/// A source that passed the checks, with its encoding and exact size.
struct Prepared {
    source: UploadSource,
    format: ImageFormat,
    size: u64,
}

/// Wraps the `source` argument. A stream is locked from here on, so call
/// this only once every other argument is known to be valid.
fn source_arg(source: &JsValue, options: &UploadOptions) -> Result<UploadSource, Error> {
    UploadSource::from_js(source, options.size).ok_or_else(|| {
        Error::validation(
            "source",
            "source must be a File, a Blob or a ReadableStream of Uint8Array chunks.",
        )
    })
}

/// Detects the format and checks the size, before anything is sent. A stream
/// source's reader lock is released when a check fails.
async fn prepare(
    source: UploadSource,
    options: &UploadOptions,
    storage_bytes: Option<u64>,
) -> Result<Prepared, Error> {
    match check_source(&source, options, storage_bytes).await {
        Ok((format, size)) => Ok(Prepared {
            source,
            format,
            size,
        }),
        Err(error) => {
            source.release();
            Err(error)
        }
    }
}

async fn check_source(
    source: &UploadSource,
    options: &UploadOptions,
    storage_bytes: Option<u64>,
) -> Result<(ImageFormat, u64), Error> {
    let size = match (source.size(), options.size) {
        (Some(size), None) => size,
        (Some(size), Some(stated)) if source.is_stream() || stated == size => size,
        (Some(size), Some(stated)) => {
            return Err(Error::validation(
                "options.size",
                format!("size is {stated}, but the Blob is {size} bytes; omit size for a Blob, or give the file's size for a Blob from Node's fs.openAsBlob."),
            ))
        }
        (None, _) => {
            return Err(Error::validation(
                "options.size",
                "size is required for a ReadableStream source: the upload host needs the Content-Length.",
            ))
        }
    };
    if size == 0 {
        return Err(UploadError::EmptyImage.into());
    }

    let head = source.head(HEAD_LEN as u64).await.map_err(read_failed)?;
    // A source that ends inside its first bytes is known to be shorter than
    // its size before anything is created or sent.
    if (head.len() as u64) < size.min(HEAD_LEN as u64) {
        return Err(Error::validation(
            "options.size",
            format!("The source ended after {} bytes, but its size is {size}.", head.len()),
        ));
    }
    let tail = match source
        .range(size.saturating_sub(TAIL_LEN as u64), size)
        .await
    {
        Some(bytes) => bytes.map_err(read_failed)?,
        None => Vec::new(),
    };
    let format = detect_format(&head, &tail, options.content_type.as_deref())?;

    if let Some(storage_bytes) = storage_bytes {
        let known = uncompressed_size(source, &head, format, size).await?;
        check_fits(known, storage_bytes)?;
    }
    Ok((format, size))
}

/// Finds the uncompressed size, as far as a few reads near the end reveal it.
async fn uncompressed_size(
    source: &UploadSource,
    head: &[u8],
    format: ImageFormat,
    size: u64,
) -> Result<UncompressedSize, Error> {
    match format {
        ImageFormat::Raw => Ok(size_from_length(format, size)),
        ImageFormat::Gzip => match source.range(size.saturating_sub(4), size).await {
            Some(trailer) => Ok(gzip_size_from_trailer(head, &trailer.map_err(read_failed)?, size)),
            None => Ok(UncompressedSize::Unknown),
        },
        ImageFormat::Xz => {
            let mut scan = XzSizeScan::new(size);
            loop {
                let range = match scan.next_step() {
                    XzScanStep::Done(known) => return Ok(known),
                    XzScanStep::Read(range) => range,
                };
                let bytes = match source.range(range.offset, range.offset + range.len).await {
                    Some(bytes) => bytes.map_err(read_failed)?,
                    None => return Ok(UncompressedSize::Unknown),
                };
                // Node's Blobs of files over 4 GiB return nothing past 2^32.
                if bytes.len() as u64 != range.len {
                    return Ok(UncompressedSize::Unknown);
                }
                scan.supply(&bytes)?;
            }
        }
    }
}

fn read_failed(message: String) -> Error {
    Error::validation("source", format!("Reading the source failed: {message}"))
}

/// The outcome of a successful upload.
struct Sent {
    result: UploadResult,
    read_bytes: u64,
    content_type: &'static str,
}

impl Sent {
    fn to_js(&self) -> JsValue {
        let object = Object::new();
        let optional =
            |text: &Option<String>| text.as_deref().map_or(JsValue::NULL, JsValue::from_str);
        set(
            &object,
            "writtenBytes",
            JsValue::from(self.result.written_bytes as f64),
        );
        set(&object, "md5sum", optional(&self.result.md5sum));
        set(&object, "sha256sum", optional(&self.result.sha256sum));
        set(&object, "readBytes", JsValue::from(self.read_bytes as f64));
        set(&object, "contentType", JsValue::from_str(self.content_type));
        object.into()
    }
}

fn set(object: &Object, name: &str, value: JsValue) {
    let _ = Reflect::set(object, &name.into(), &value);
}

/// Calls the caller's `onProgress`; an exception thrown there is ignored so
/// a faulty progress bar cannot break an upload.
#[derive(Clone)]
struct ProgressSink {
    callback: Option<Function>,
}

impl ProgressSink {
    fn wanted(&self) -> bool {
        self.callback.is_some()
    }

    fn emit(&self, event: Option<ProgressEvent>) {
        let (Some(callback), Some(event)) = (&self.callback, event) else {
            return;
        };
        let object = Object::new();
        set(&object, "phase", JsValue::from_str(event.phase.as_str()));
        set(&object, "loaded", JsValue::from(event.loaded as f64));
        set(&object, "total", JsValue::from(event.total as f64));
        let _ = callback.call1(&JsValue::UNDEFINED, &object);
    }
}

/// Why [`send`] failed, and whether the uploader had accepted the data by
/// then (a local check failed after a successful response).
struct SendFailure {
    error: Error,
    accepted: bool,
}

impl SendFailure {
    fn before_acceptance(error: Error) -> SendFailure {
        SendFailure {
            error,
            accepted: false,
        }
    }

    fn after_acceptance(error: impl Into<Error>) -> SendFailure {
        SendFailure {
            error: error.into(),
            accepted: true,
        }
    }
}

/// Sends a prepared source to `url`, verifying it on the way.
async fn send(
    url: &str,
    prepared: &Prepared,
    options: &UploadOptions,
    storage_bytes: Option<u64>,
    progress: &ProgressSink,
) -> Result<Sent, SendFailure> {
    // Raw bytes are what UpCloud writes, so the runtime's own SHA-256 can
    // hash them as sent; compressed input must be decoded in wasm first.
    let native_hash = options.verify && prepared.format == ImageFormat::Raw && has_native_sha256();
    let wasm_verify = options.verify && !native_hash;
    let verifier = Rc::new(RefCell::new(
        wasm_verify.then(|| Verifier::new(prepared.format, storage_bytes)),
    ));
    let tracker = Rc::new(RefCell::new(ProgressTracker::new(
        Phase::Uploading,
        prepared.size,
    )));

    // Each chunk is copied into one reused buffer in wasm memory, so memory
    // stays at one chunk whatever the image size.
    let on_chunk = wasm_verify.then(|| {
        let verifier = Rc::clone(&verifier);
        let mut buffer = Vec::new();
        Closure::<dyn FnMut(Uint8Array) -> bool>::new(move |chunk: Uint8Array| {
            buffer.resize(chunk.length() as usize, 0);
            chunk.copy_to(&mut buffer);
            match verifier.borrow_mut().as_mut() {
                Some(verifier) => verifier.update(&buffer).is_ok(),
                None => true,
            }
        })
    });
    let on_progress = progress.wanted().then(|| {
        let tracker = Rc::clone(&tracker);
        let sink = progress.clone();
        Closure::<dyn FnMut(f64)>::new(move |loaded: f64| {
            let event = tracker.borrow_mut().observe(loaded as u64);
            sink.emit(event);
        })
    });

    let route = prepared
        .source
        .route(url, options.verify || progress.wanted());
    let request = UploadRequest {
        url,
        source: &prepared.source,
        route,
        content_type: prepared.format.content_type(),
        chunk_bytes: READ_CHUNK_BYTES,
        // NOTE: uploads use the runtime's own fetch or XMLHttpRequest; the
        // manager's `fetch` option applies to API calls only.
        fetch: None,
        native_hash,
    };
    let signal = CallSignal::new(&options.signal, options.timeout_ms);
    let first = tracker.borrow_mut().observe(0);
    progress.emit(first);

    let answer = send_upload(
        &request,
        &signal,
        on_chunk
            .as_ref()
            .map(|closure| closure.as_ref().unchecked_ref()),
        on_progress
            .as_ref()
            .map(|closure| closure.as_ref().unchecked_ref()),
    )
    .await;
    let verifier = verifier.borrow_mut().take();
    let answer = match answer {
        Ok(answer) => answer,
        Err(failure) => {
            return Err(SendFailure::before_acceptance(upload_failure(
                failure,
                verifier,
                route,
                options.timeout_ms,
            )))
        }
    };

    let result = response::parse_upload_result(
        answer.status,
        answer.content_type.as_deref(),
        answer.body.as_bytes(),
    )
    .map_err(|error| SendFailure::before_acceptance(redact(error, url)))?;
    let last = tracker.borrow_mut().complete();
    progress.emit(last);

    let written = match (verifier, answer.sha256.as_deref()) {
        (Some(verifier), _) => Some(verifier.finish().map_err(SendFailure::after_acceptance)?),
        (None, Some(hex)) if native_hash => Some(WrittenData::from_hex(hex, prepared.size).ok_or_else(|| {
            SendFailure::after_acceptance(Error::network("The runtime's SHA-256 of the upload is not a hex digest; retry with verify: false."))
        })?),
        (None, _) if native_hash => {
            return Err(SendFailure::after_acceptance(Error::network("The runtime's SHA-256 of the upload was not returned; retry with verify: false.")))
        }
        (None, _) => None,
    };
    if let Some(written) = written {
        written
            .check_against(
                result.sha256sum.as_deref().unwrap_or(""),
                result.written_bytes,
            )
            .map_err(SendFailure::after_acceptance)?;
    }
    Ok(Sent {
        result,
        read_bytes: prepared.size,
        content_type: prepared.format.content_type(),
    })
}

fn upload_failure(
    failure: UploadFailure,
    verifier: Option<Verifier>,
    route: UploadRoute,
    timeout_ms: Option<f64>,
) -> Error {
    match failure {
        UploadFailure::Aborted(AbortCause::User) => Error::aborted(),
        UploadFailure::Aborted(AbortCause::Timeout) => Error::timeout(format!(
            "The upload took longer than its timeoutMs of {} ms and was stopped.",
            timeout_ms.unwrap_or_default()
        )),
        UploadFailure::StoppedByVerification => match verifier.map(Verifier::finish) {
            Some(Err(error)) => error.into(),
            _ => Error::network("The upload was stopped by the local verification."),
        },
        UploadFailure::StreamsUnsupported => Error::validation(
            "source",
            "This runtime cannot send a ReadableStream as a request body; pass a File or Blob instead.",
        ),
        UploadFailure::Network(message) => {
            let hint = if route == UploadRoute::FetchStream && has_xhr() {
                " Browsers send streamed request bodies only over HTTP/2 or later; pass the File or Blob itself to upload over HTTP/1.1."
            } else {
                ""
            };
            Error::network(format!("The upload ({}) failed: {message}.{hint}", route.describe()))
        }
    }
}

/// Removes the direct-upload URL, and its session path on its own, from an
/// error built from the uploader's response.
fn redact(mut error: Error, url: &str) -> Error {
    error.message = redact_upload_url(&error.message, url);
    error
}

async fn import_from_file(
    client: &Client,
    storage_uuid: &JsValue,
    source: &JsValue,
    options: &JsValue,
) -> Result<JsValue, Error> {
    let uuid = string_arg(storage_uuid, "storageUuid")?;
    let options = UploadOptions::from_js(options, Method::Import)?;
    let signal = Signal(options.signal.clone());
    let progress = ProgressSink {
        callback: options.on_progress.clone(),
    };

    let get_storage = request::get_storage(&uuid)?;
    let source = source_arg(source, &options)?;
    let storage = match call(client, &get_storage, &signal, response::parse_storage).await {
        Ok(storage) => storage,
        Err(error) => {
            source.release();
            return Err(error);
        }
    };
    let storage_bytes = u64::from(storage.size) * GIB;
    let prepared = prepare(source, &options, Some(storage_bytes)).await?;

    let input = CreateImport {
        source: "direct_upload".to_owned(),
        source_location: None,
    };
    let created = async {
        let import = call(
            client,
            &request::create_import(&uuid, &input)?,
            &signal,
            response::parse_import,
        )
        .await?;
        import
            .direct_upload_url
            .ok_or_else(|| Error::decode(None, "The new import has no direct_upload_url."))
    };
    let url = match created.await {
        Ok(url) => url,
        Err(error) => {
            prepared.source.release();
            // An abort during the call may come after UpCloud created the
            // import, so it is cancelled too when the caller asked for that.
            // Other failures created nothing of ours to cancel.
            let cancel = is_stopped(&error) && options.cancel_import_on_abort == Some(true);
            return Err(after_failure(client, &uuid, cancel, error).await);
        }
    };

    let sent = match send(&url, &prepared, &options, Some(storage_bytes), &progress).await {
        Ok(sent) => sent,
        Err(SendFailure { error, accepted }) => {
            let kept_by_caller =
                error.code == codes::ABORTED && options.cancel_import_on_abort == Some(false);
            let cancel = if accepted {
                is_stopped(&error) && options.cancel_import_on_abort == Some(true)
            } else {
                !kept_by_caller
            };
            return Err(after_failure(client, &uuid, cancel, error).await);
        }
    };

    let tracker = Rc::new(RefCell::new(ProgressTracker::new(
        Phase::Importing,
        sent.result.written_bytes,
    )));
    let on_poll = poll_progress(&progress, "writtenBytes", &tracker);
    let settings = wait_settings(&options, on_poll.as_ref());
    let finished = match wait_for_import(client, &uuid, &settings, &signal).await {
        Ok(finished) => finished,
        Err(error) => {
            let cancel = is_stopped(&error) && options.cancel_import_on_abort == Some(true);
            return Err(after_failure(client, &uuid, cancel, error).await);
        }
    };
    let last = tracker.borrow_mut().complete();
    progress.emit(last);

    if options.wait_for_online {
        let tracker = Rc::new(RefCell::new(ProgressTracker::new(Phase::Syncing, 100)));
        let on_poll = poll_progress(&progress, "progress", &tracker);
        let settings = wait_settings(&options, on_poll.as_ref());
        wait_for_storage_state(client, &uuid, &StorageState::Online, &settings, &signal).await?;
        let last = tracker.borrow_mut().complete();
        progress.emit(last);
    }
    to_plain(&finished)
}

fn is_stopped(error: &Error) -> bool {
    error.code == codes::ABORTED || error.code == codes::TIMEOUT
}

/// Time limit of the best-effort cancel after a failure, so a stalled API
/// cannot hold back the original error for long.
const CANCEL_TIMEOUT_MS: f64 = 30_000.0;

/// Cancels the storage's import when `cancel` is set, and names the storage
/// in the error.
async fn after_failure(client: &Client, uuid: &str, cancel: bool, error: Error) -> Error {
    if cancel {
        // The caller's signal may have fired, so the cancel runs with its
        // own time limit instead. Its failure is not reported: the original
        // error is what the caller needs to see.
        if let Ok(request) = request::cancel_import(uuid) {
            let signal = Signal(timeout_signal(CANCEL_TIMEOUT_MS));
            let _ = call(client, &request, &signal, response::parse_import).await;
        }
    }
    if error.storage_uuid.is_some() {
        error
    } else {
        error.with_storage_uuid(uuid)
    }
}

/// `AbortSignal.timeout(ms)`, or `undefined` in a runtime without it (the
/// manager's API timeout then still applies).
fn timeout_signal(ms: f64) -> JsValue {
    let global = js_sys::global();
    let Ok(class) = Reflect::get(&global, &"AbortSignal".into()) else {
        return JsValue::UNDEFINED;
    };
    let Ok(timeout) = Reflect::get(&class, &"timeout".into()) else {
        return JsValue::UNDEFINED;
    };
    match timeout.dyn_ref::<Function>() {
        Some(timeout) => timeout.call1(&class, &JsValue::from(ms)).unwrap_or(JsValue::UNDEFINED),
        None => JsValue::UNDEFINED,
    }
}

/// The maximum delay JS timers support (about 24.8 days). Longer delays
/// fire at once, so this value means "no limit".
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

fn wait_settings(
    options: &UploadOptions,
    on_poll: Option<&Closure<dyn FnMut(JsValue)>>,
) -> WaitSettings {
    let interval = options.poll_interval_ms;
    WaitSettings {
        timeout_ms: options
            .wait_timeout_ms
            .unwrap_or(MAX_TIMER_MS)
            .min(MAX_TIMER_MS),
        schedule: PollSchedule {
            initial: Duration::from_secs_f64(interval / 1000.0),
            factor: 1.0,
            max: Duration::from_secs_f64(interval / 1000.0),
        },
        on_poll: on_poll.map(|closure| closure.as_ref().unchecked_ref::<Function>().clone()),
    }
}

/// A wait's `onPoll` callback that turns each polled object's numeric
/// `field` into a progress event of `tracker`'s phase.
fn poll_progress(
    progress: &ProgressSink,
    field: &'static str,
    tracker: &Rc<RefCell<ProgressTracker>>,
) -> Option<Closure<dyn FnMut(JsValue)>> {
    if !progress.wanted() {
        return None;
    }
    let sink = progress.clone();
    let tracker = Rc::clone(tracker);
    Some(Closure::<dyn FnMut(JsValue)>::new(
        move |polled: JsValue| {
            let value = Reflect::get(&polled, &field.into())
                .ok()
                .and_then(|value| value.as_f64())
                .unwrap_or(0.0);
            let event = tracker.borrow_mut().observe(value as u64);
            sink.emit(event);
        },
    ))
}
