//! Response builders with the API's exact content types.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

/// Content type of every JSON response of the API (not of the uploader).
pub const API_JSON: &str = "application/json; charset=UTF-8";

pub fn json_response(status: StatusCode, body: &Value) -> Response {
    with_content_type(status, API_JSON, serde_json::to_vec(body).unwrap_or_default())
}

/// The uploader responds with `application/json` and no charset.
pub fn uploader_json(status: StatusCode, body: &Value) -> Response {
    with_content_type(status, "application/json", serde_json::to_vec(body).unwrap_or_default())
}

/// A 204 with no body and no content type, as the API sends for delete and restore.
pub fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

pub fn with_content_type(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// A plain-text answer for the mock's own controls and static files.
pub fn text(status: StatusCode, message: impl Into<String>) -> Response {
    with_content_type(status, "text/plain; charset=utf-8", message.into().into_bytes())
}

/// A JSON answer of the mock's own controls (`/__mock/`).
pub fn control_json(status: StatusCode, body: &Value) -> Response {
    uploader_json(status, body)
}
