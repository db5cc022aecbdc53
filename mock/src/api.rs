//! Authentication and routing of `/1.3/` calls.

use std::sync::Arc;

use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;

use crate::api_server;
use crate::api_storage::{self, ApiResult, LIST_KINDS};
use crate::error::ApiError;
use crate::imports;
use crate::state::AppState;
use crate::validate::parse_body;

/// An API request with its body already read (API bodies are small JSON documents).
pub struct ApiRequest<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// `http://ADDR` or `https://ADDR` of the listener the request came in on.
    pub listener_base: &'a str,
}

/// Returns the account of a valid `Basic` or `Bearer` Authorization header.
fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(ApiError::authentication_failed)?;
    let (scheme, credentials) = header.split_once(' ').ok_or_else(ApiError::authentication_failed)?;
    let credentials = credentials.trim();
    let accounts = &state.config.accounts;

    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(ApiError::authentication_failed)?;
        let (name, password) = decoded.split_once(':').ok_or_else(ApiError::authentication_failed)?;
        return accounts
            .iter()
            .find(|(account, secret)| account == name && secret == password)
            .map(|(account, _)| account.clone())
            .ok_or_else(ApiError::authentication_failed);
    }
    if scheme.eq_ignore_ascii_case("bearer") && state.config.tokens.iter().any(|token| token == credentials) {
        if let Some((account, _)) = accounts.first() {
            return Ok(account.clone());
        }
    }
    Err(ApiError::authentication_failed())
}

pub async fn handle(state: &Arc<AppState>, request: ApiRequest<'_>) -> Response {
    let result = route(state, &request).await;
    result.unwrap_or_else(ApiError::into_response)
}

async fn route(state: &Arc<AppState>, request: &ApiRequest<'_>) -> ApiResult {
    let path = request.path.trim_end_matches('/');
    let Some(rest) = path.strip_prefix("/1.3/") else {
        return Err(ApiError::bad_request("API_VERSION_INVALID", "This mock serves API version 1.3 only."));
    };
    let account = authenticate(state, request.headers)?;
    let body = parse_body(request.body)?;
    let segments: Vec<&str> = rest.split('/').collect();
    let method = request.method.as_str();
    let query = request.query;

    match (method, segments.as_slice()) {
        ("GET", ["storage"]) => api_storage::list(state, &account, None, None, query),
        ("POST", ["storage"]) => api_storage::create(state, &account, &body),
        ("GET", ["storage", kind]) if LIST_KINDS.contains(kind) => {
            let (access, kind) = match *kind {
                "public" | "private" => (Some(*kind), None),
                other => (None, Some(other)),
            };
            api_storage::list(state, &account, access, kind, query)
        }
        ("GET", ["storage", access @ ("public" | "private"), kind]) if LIST_KINDS.contains(kind) => {
            api_storage::list(state, &account, Some(access), Some(kind), query)
        }
        ("GET", ["storage", uuid]) => api_storage::details(state, &account, uuid),
        ("PUT", ["storage", uuid]) => api_storage::modify(state, &account, uuid, &body),
        ("DELETE", ["storage", uuid]) => api_storage::delete(state, &account, uuid, query),
        ("POST", ["storage", uuid, "clone"]) => api_storage::clone(state, &account, uuid, &body),
        ("POST", ["storage", uuid, "cancel"]) => api_storage::cancel(state, &account, uuid),
        ("POST", ["storage", uuid, "templatize"]) => api_storage::templatize(state, &account, uuid, &body),
        ("POST", ["storage", uuid, "backup"]) => api_storage::backup(state, &account, uuid, &body),
        ("POST", ["storage", uuid, "restore"]) => api_storage::restore(state, &account, uuid),
        ("POST", ["storage", uuid, "resize"]) => api_storage::resize(state, &account, uuid),
        ("POST", ["storage", uuid, "favorite"]) => api_storage::favorite(state, &account, uuid, true),
        ("DELETE", ["storage", uuid, "favorite"]) => api_storage::favorite(state, &account, uuid, false),
        ("POST", ["storage", uuid, "import"]) => {
            imports::create(state, &account, uuid, &body, request.listener_base)
        }
        ("GET", ["storage", uuid, "import"]) => imports::details(state, &account, uuid),
        ("POST", ["storage", uuid, "import", "cancel"]) => imports::cancel(state, &account, uuid),
        ("GET", ["server"]) => api_server::list(state, &account),
        ("GET", ["server", uuid]) => api_server::details(state, &account, uuid),
        ("POST", ["server", uuid, "storage", "attach"]) => api_server::attach(state, &account, uuid, &body),
        ("POST", ["server", uuid, "storage", "detach"]) => api_server::detach(state, &account, uuid, &body),
        ("POST", ["server", uuid, "cdrom", "load"]) => api_server::load_cdrom(state, &account, uuid, &body),
        ("POST", ["server", uuid, "cdrom", "eject"]) => api_server::eject_cdrom(state, &account, uuid),
        ("POST", ["server", uuid, action @ ("start" | "stop")]) => {
            api_server::set_power(state, &account, uuid, action == &"start")
        }
        _ => Err(unrouted(method, &segments)),
    }
}

/// 405 for a known path with the wrong method, 404 otherwise.
fn unrouted(method: &str, segments: &[&str]) -> ApiError {
    let known_path = matches!(
        segments,
        ["storage"]
            | ["storage", _]
            | ["storage", _, "clone" | "cancel" | "templatize" | "backup" | "restore" | "resize" | "favorite" | "import"]
            | ["storage", _, "import", "cancel"]
            | ["server"]
            | ["server", _]
            | ["server", _, "storage", "attach" | "detach"]
            | ["server", _, "cdrom", "load" | "eject"]
            | ["server", _, "start" | "stop"]
    );
    if known_path {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("The method {method} is not allowed for this resource."),
        )
    } else {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "RESOURCE_NOT_FOUND",
            format!("There is no resource /1.3/{}.", segments.join("/")),
        )
    }
}
