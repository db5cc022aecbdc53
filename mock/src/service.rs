//! The per-request entry point: CORS, faults, the request log, and routing to the API, the
//! uploader, the test controls and static files.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use tokio_util::sync::CancellationToken;

use crate::api::{self, ApiRequest};
use crate::controls;
use crate::faults::{self, FaultEffect};
use crate::request_log::{self, LoggedRequest};
use crate::respond::{json_response, no_content, text, uploader_json};
use crate::state::{lock, AppState};
use crate::static_files;
use crate::uploader;

/// Largest API or control request body read; UpCloud's bodies are small JSON documents.
const MAX_JSON_BODY: usize = 16 << 20;

/// Details of the connection a request came in on.
#[derive(Clone)]
pub struct Connection {
    pub tls: bool,
    pub local: SocketAddr,
    /// Cancelling it closes the connection without a response (the `drop` fault).
    pub kill: CancellationToken,
}

impl Connection {
    fn base_url(&self) -> String {
        format!("{}://{}", if self.tls { "https" } else { "http" }, self.local)
    }
}

pub async fn handle(state: Arc<AppState>, connection: Connection, request: Request<Body>) -> Response {
    let mut response = if request.method() == Method::OPTIONS {
        preflight()
    } else {
        dispatch(&state, &connection, request).await
    };
    add_cors(&mut response);
    response
}

fn preflight() -> Response {
    let mut response = no_content();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization, content-type, accept"));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}

fn add_cors(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("content-type, retry-after"));
}

async fn read_json_body(body: Body) -> Result<Bytes, Response> {
    match Limited::new(body, MAX_JSON_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => {
            let too_large = error.downcast_ref::<http_body_util::LengthLimitError>().is_some();
            let (status, message) = if too_large {
                (StatusCode::PAYLOAD_TOO_LARGE, format!("The request body is larger than {MAX_JSON_BODY} bytes."))
            } else {
                (StatusCode::BAD_REQUEST, format!("The request body could not be read: {error}."))
            };
            Err(json_response(status, &serde_json::json!({"error": {"error_code": "INVALID_REQUEST", "error_message": message}})))
        }
    }
}

async fn dispatch(state: &Arc<AppState>, connection: &Connection, request: Request<Body>) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let method = request.method().clone();

    if path.starts_with("/__mock/") {
        return match read_json_body(request.into_body()).await {
            Ok(body) => controls::handle(state, &method, &path, &query, &body).await,
            Err(response) => response,
        };
    }
    let is_api = path == "/1.3" || path.starts_with("/1.3/");
    let is_upload = path.starts_with("/uploader/");
    if !is_api && !is_upload {
        return serve_static(state, &path, &method).await;
    }

    let mut entry = LoggedRequest::new(method.as_str(), &path, &query, request.headers());
    let mut bytes_per_second = None;
    if let Some(spec) = faults::take(state, method.as_str(), &path) {
        match faults::apply(&spec).await {
            FaultEffect::Respond(response) => {
                entry.status = Some(response.status().as_u16());
                request_log::push(state, entry);
                return response;
            }
            FaultEffect::Drop => {
                request_log::push(state, entry);
                connection.kill.cancel();
                return std::future::pending().await;
            }
            FaultEffect::SlowBody(rate) => bytes_per_second = Some(rate),
            FaultEffect::Proceed => {}
        }
    }

    if is_upload {
        return upload(state, request, &path, &method, bytes_per_second, entry).await;
    }
    let response = {
        let headers = request.headers().clone();
        match read_json_body(request.into_body()).await {
            Ok(body) => {
                entry.set_body(&body);
                match &state.replay {
                    Some(replay) => lock(replay).answer(method.as_str(), &path, &query, &body, &connection.base_url()),
                    None => {
                        let base = connection.base_url();
                        let api_request = ApiRequest { method: &method, path: &path, query: &query, headers: &headers, body: &body, listener_base: &base };
                        api::handle(state, api_request).await
                    }
                }
            }
            Err(response) => response,
        }
    };
    entry.status = Some(response.status().as_u16());
    request_log::push(state, entry);
    response
}

/// Handles an uploader request and logs it, also when the client disconnects mid-body.
async fn upload(
    state: &Arc<AppState>,
    request: Request<Body>,
    path: &str,
    method: &Method,
    bytes_per_second: Option<u64>,
    mut entry: LoggedRequest,
) -> Response {
    let session = path.trim_end_matches('/').strip_prefix("/uploader/session/").filter(|id| !id.contains('/'));
    let rejection = match session {
        None => Some(uploader_json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": {"error_code": "NOT_FOUND", "error_message": format!("There is no uploader resource {path}.")}}),
        )),
        Some(_) if method != Method::PUT => Some(uploader_json(
            StatusCode::METHOD_NOT_ALLOWED,
            &serde_json::json!({"error": {"error_code": "METHOD_NOT_ALLOWED", "error_message": "Upload the data with PUT."}}),
        )),
        Some(_) => None,
    };
    if let Some(response) = rejection {
        entry.status = Some(response.status().as_u16());
        request_log::push(state, entry);
        return response;
    }
    let session = session.unwrap_or_default().to_owned();

    if let Some(replay) = &state.replay {
        let received = drain(request.into_body()).await;
        let response = lock(replay).answer(method.as_str(), path, "", &[], "");
        entry.body = serde_json::Value::String(format!("<{received} bytes>"));
        entry.status = Some(response.status().as_u16());
        request_log::push(state, entry);
        return response;
    }

    // The upload runs on its own task so that it finishes its bookkeeping, the log entry
    // included, even when the client disconnects and hyper drops this request's future.
    let (parts, body) = request.into_parts();
    let task_state = Arc::clone(state);
    let task = tokio::spawn(async move {
        let (response, received) =
            uploader::put(Arc::clone(&task_state), session, parts.headers, body, bytes_per_second).await;
        entry.body = serde_json::Value::String(format!("<{received} bytes>"));
        entry.status = Some(response.status().as_u16());
        request_log::push(&task_state, entry);
        response
    });
    match task.await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "the upload task failed");
            text(StatusCode::INTERNAL_SERVER_ERROR, "The upload failed inside the mock.\n")
        }
    }
}

async fn drain(mut body: Body) -> u64 {
    let mut received = 0;
    while let Some(Ok(frame)) = body.frame().await {
        if let Ok(data) = frame.into_data() {
            received += data.len() as u64;
        }
    }
    received
}

async fn serve_static(state: &AppState, path: &str, method: &Method) -> Response {
    if let (Some(pkg), Some(relative)) = (&state.config.pkg, path.strip_prefix("/pkg/")) {
        return static_files::serve(pkg, relative, method).await;
    }
    match &state.config.www {
        Some(www) => static_files::serve(www, path.trim_start_matches('/'), method).await,
        None => text(StatusCode::NOT_FOUND, "Not found. This is upcloud-mock: the API is under /1.3/.\n"),
    }
}
