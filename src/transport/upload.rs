//! Rust side of `upload.js`: reading a source's bytes and sending a disk
//! image to a direct-upload URL.
//!
//! The direct-upload URL is a credential, so no text that leaves this module
//! contains it: runtime error messages are scrubbed before they are returned.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::signals::{AbortCause, CallSignal};

#[wasm_bindgen(module = "/src/transport/upload.js")]
extern "C" {
    #[wasm_bindgen(js_name = isBlob)]
    pub(crate) fn is_blob(value: &JsValue) -> bool;

    #[wasm_bindgen(js_name = isReadableStream)]
    pub(crate) fn is_readable_stream(value: &JsValue) -> bool;

    #[wasm_bindgen(js_name = supportsRequestStreams)]
    fn supports_request_streams() -> bool;

    #[wasm_bindgen(js_name = hasNativeSha256)]
    pub(crate) fn has_native_sha256() -> bool;

    #[wasm_bindgen(js_name = uploadRoute)]
    fn upload_route(url: &str, source: &JsValue, needs_bytes: bool) -> String;

    #[wasm_bindgen(js_name = readSlice)]
    fn read_slice_js(blob: &JsValue, start: f64, end: f64) -> Promise;

    #[wasm_bindgen(js_name = sendUpload)]
    fn send_upload_js(options: &Object) -> Promise;

    #[wasm_bindgen(js_name = isVerificationStop)]
    fn is_verification_stop(error: &JsValue) -> bool;

    /// Tells whether XMLHttpRequest exists: in browsers' windows and dedicated workers.
    #[wasm_bindgen(js_name = hasXhr)]
    pub(crate) fn has_xhr() -> bool;

    /// A caller's ReadableStream whose first bytes can be peeked.
    pub(crate) type SourceStream;

    // `getReader` throws for a locked stream or a hostile object.
    #[wasm_bindgen(constructor, catch)]
    fn new(stream: &JsValue) -> Result<SourceStream, JsValue>;

    #[wasm_bindgen(method, js_name = head)]
    fn head_js(this: &SourceStream, length: f64) -> Promise;

    #[wasm_bindgen(method)]
    fn release(this: &SourceStream);
}

/// Where the image comes from.
pub(crate) enum UploadSource {
    /// A `Blob` or `File`; its `size` is exact.
    Blob { blob: JsValue, size: u64 },
    /// A `ReadableStream<Uint8Array>` with the size the caller stated, if any.
    Stream {
        stream: SourceStream,
        size: Option<u64>,
    },
}

/// The transfer method; see the route notes in `upload.js`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UploadRoute {
    Xhr,
    NodeHttp,
    FetchBlob,
    FetchStream,
}

impl UploadRoute {
    /// Returns the description a caller sees in errors about this route.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            UploadRoute::Xhr => "XMLHttpRequest with the Blob as body",
            UploadRoute::NodeHttp => "node:http with a streamed body",
            UploadRoute::FetchBlob => "fetch with the Blob as body",
            UploadRoute::FetchStream => "fetch with a streamed body",
        }
    }
}

/// Why the upload produced no response from the uploader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UploadFailure {
    /// The caller's signal or the upload's own timeout fired.
    Aborted(AbortCause),
    /// The local verification rejected a chunk; the verifier stores the reason.
    StoppedByVerification,
    /// The connection failed. The text is the runtime's, with the URL removed.
    Network(String),
    /// A stream source that this runtime cannot send as a request body.
    StreamsUnsupported,
}

/// The uploader's response, whatever its status.
#[derive(Debug)]
pub(crate) struct UploadResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: String,
    /// Hex SHA-256 of the bytes sent, when `native_hash` was asked for.
    pub(crate) sha256: Option<String>,
}

impl UploadSource {
    /// Wraps a JS value; `None` when it is neither a Blob nor a ReadableStream.
    ///
    /// A Blob's size is its `size`, except that a `stated_size` larger by a
    /// multiple of 4 GiB wins: Node's `fs.openAsBlob` reports the size of
    /// larger files modulo 2^32 (nodejs/node issue 52585, seen in Node
    /// 20.20), and the caller's
    /// `fs.stat` size is the true one.
    pub(crate) fn from_js(value: &JsValue, stated_size: Option<u64>) -> Option<UploadSource> {
        if is_blob(value) {
            let reported = Reflect::get(value, &"size".into()).ok()?.as_f64()? as u64;
            let size = match stated_size {
                Some(stated) if stated > reported && stated % (1 << 32) == reported => stated,
                _ => reported,
            };
            return Some(UploadSource::Blob {
                blob: value.clone(),
                size,
            });
        }
        if is_readable_stream(value) {
            return Some(UploadSource::Stream {
                stream: SourceStream::new(value).ok()?,
                size: stated_size,
            });
        }
        None
    }

    pub(crate) fn size(&self) -> Option<u64> {
        match self {
            UploadSource::Blob { size, .. } => Some(*size),
            UploadSource::Stream { size, .. } => *size,
        }
    }

    pub(crate) fn is_stream(&self) -> bool {
        matches!(self, UploadSource::Stream { .. })
    }

    /// Returns the JS value `upload.js` takes as the source.
    fn as_js(&self) -> JsValue {
        match self {
            UploadSource::Blob { blob, .. } => blob.clone(),
            UploadSource::Stream { stream, .. } => stream.into(),
        }
    }

    /// Reads up to `length` leading bytes without consuming them.
    pub(crate) async fn head(&self, length: u64) -> Result<Vec<u8>, String> {
        match self {
            UploadSource::Blob { blob, size } => read_slice(blob, 0, length.min(*size)).await,
            UploadSource::Stream { stream, .. } => {
                let bytes = JsFuture::from(stream.head_js(length as f64))
                    .await
                    .map_err(|error| js_message(&error))?;
                Ok(Uint8Array::new(&bytes).to_vec())
            }
        }
    }

    /// Reads bytes `[start, end)` of a Blob source; streams cannot seek.
    pub(crate) async fn range(&self, start: u64, end: u64) -> Option<Result<Vec<u8>, String>> {
        match self {
            UploadSource::Blob { blob, .. } => Some(read_slice(blob, start, end).await),
            UploadSource::Stream { .. } => None,
        }
    }

    /// Frees a stream source's reader lock when the upload never started.
    pub(crate) fn release(&self) {
        if let UploadSource::Stream { stream, .. } = self {
            stream.release();
        }
    }

    /// Picks how to send this source to `url`; see `upload.js`.
    pub(crate) fn route(&self, url: &str, needs_bytes: bool) -> UploadRoute {
        match upload_route(url, &self.as_js(), needs_bytes).as_str() {
            "xhr" => UploadRoute::Xhr,
            "node-http" => UploadRoute::NodeHttp,
            "fetch-blob" => UploadRoute::FetchBlob,
            _ => UploadRoute::FetchStream,
        }
    }
}

async fn read_slice(blob: &JsValue, start: u64, end: u64) -> Result<Vec<u8>, String> {
    let bytes = JsFuture::from(read_slice_js(blob, start as f64, end as f64))
        .await
        .map_err(|error| js_message(&error))?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

/// Everything one upload needs besides the callbacks.
pub(crate) struct UploadRequest<'a> {
    pub(crate) url: &'a str,
    pub(crate) source: &'a UploadSource,
    pub(crate) route: UploadRoute,
    pub(crate) content_type: &'a str,
    pub(crate) chunk_bytes: u64,
    /// The caller's fetch, or `None` for `globalThis.fetch`.
    pub(crate) fetch: Option<&'a Function>,
    /// Hash the sent bytes with the runtime's SHA-256 (see
    /// [`has_native_sha256`]) and return the digest in the response.
    pub(crate) native_hash: bool,
}

/// Sends the image and returns the uploader's response.
///
/// `on_chunk` receives every byte of the source in order (for hashing) and
/// returns `false` to stop the upload; `on_progress` receives the number of
/// bytes sent so far. Both are JS functions made from Rust closures.
pub(crate) async fn send_upload(
    request: &UploadRequest<'_>,
    signal: &CallSignal,
    on_chunk: Option<&Function>,
    on_progress: Option<&Function>,
) -> Result<UploadResponse, UploadFailure> {
    if let Some(cause) = signal.cause() {
        return Err(UploadFailure::Aborted(cause));
    }
    if request.route == UploadRoute::FetchStream
        && request.source.is_stream()
        && !supports_request_streams()
    {
        request.source.release();
        return Err(UploadFailure::StreamsUnsupported);
    }

    let options = Object::new();
    let size = request
        .source
        .size()
        .map_or(JsValue::NULL, |size| JsValue::from(size as f64));
    let route = match request.route {
        UploadRoute::Xhr => "xhr",
        UploadRoute::NodeHttp => "node-http",
        UploadRoute::FetchBlob => "fetch-blob",
        UploadRoute::FetchStream => "fetch-stream",
    };
    let fields: [(&str, JsValue); 9] = [
        ("url", request.url.into()),
        ("route", route.into()),
        ("source", request.source.as_js()),
        ("size", size),
        ("contentType", request.content_type.into()),
        ("signal", signal.signal()),
        ("chunkBytes", JsValue::from(request.chunk_bytes as f64)),
        (
            "onChunk",
            on_chunk.map_or(JsValue::NULL, |function| function.into()),
        ),
        (
            "onProgress",
            on_progress.map_or(JsValue::NULL, |function| function.into()),
        ),
    ];
    for (name, value) in fields {
        let _ = Reflect::set(&options, &name.into(), &value);
    }
    let _ = Reflect::set(
        &options,
        &"fetch".into(),
        &request
            .fetch
            .map_or(JsValue::NULL, |function| function.into()),
    );
    let _ = Reflect::set(
        &options,
        &"nativeHash".into(),
        &JsValue::from_bool(request.native_hash),
    );

    let answer = JsFuture::from(send_upload_js(&options))
        .await
        .map_err(|error| {
            if let Some(cause) = signal.cause() {
                UploadFailure::Aborted(cause)
            } else if is_verification_stop(&error) {
                UploadFailure::StoppedByVerification
            } else {
                UploadFailure::Network(redact_upload_url(&js_message(&error), request.url))
            }
        })?;

    let status = Reflect::get(&answer, &"status".into())
        .ok()
        .and_then(|value| value.as_f64())
        .unwrap_or(0.0);
    let content_type = Reflect::get(&answer, &"contentType".into())
        .ok()
        .and_then(|value| value.as_string());
    let body = Reflect::get(&answer, &"body".into())
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_default();
    let sha256 = Reflect::get(&answer, &"sha256".into())
        .ok()
        .and_then(|value| value.as_string());
    Ok(UploadResponse {
        status: status as u16,
        content_type,
        body,
        sha256,
    })
}

/// Describes a JS error by its message plus its `cause`'s (Node hides the
/// reason of "fetch failed" there).
fn js_message(error: &JsValue) -> String {
    let text = |value: &JsValue, name: &str| {
        Reflect::get(value, &name.into())
            .ok()
            .and_then(|value| value.as_string())
            .filter(|text| !text.is_empty())
    };
    let message = if error.is_object() {
        text(error, "message")
    } else {
        error.as_string()
    };
    let message = message.unwrap_or_else(|| "the upload failed".to_owned());
    let cause = if error.is_object() {
        Reflect::get(error, &"cause".into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let detail = if cause.is_object() {
        text(&cause, "message").or_else(|| text(&cause, "code"))
    } else {
        None
    };
    match detail {
        Some(detail) if !message.contains(&detail) => format!("{message}: {detail}"),
        _ => message,
    }
}

/// Replaces the direct-upload URL in `text`, and also its path alone (some
/// runtimes quote only the path), with a placeholder.
pub(crate) fn redact_upload_url(text: &str, url: &str) -> String {
    let mut redacted = text.replace(url, "<upload URL>");
    let path = url.splitn(4, '/').nth(3).unwrap_or_default();
    if path.len() > 1 {
        redacted = redacted.replace(path, "<upload path>");
    }
    redacted
}
