//! Injected faults: `POST /__mock/faults` makes the next `count` requests that match a method
//! and path prefix fail in a chosen way.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::respond::{json_response, no_content, with_content_type};
use crate::state::{lock, AppState};

/// A fault as posted by a test. Every field but `path_prefix` is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// HTTP method to match; absent or `*` matches any.
    pub method: Option<String>,
    #[serde(default)]
    pub path_prefix: String,
    #[serde(default = "one")]
    pub count: u32,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub latency_ms: Option<u64>,
    /// `drop` closes the connection with no response, and `slow_body` reads an upload slowly.
    pub action: Option<String>,
    pub bytes_per_second: Option<u64>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub id: String,
    pub spec: FaultSpec,
    pub remaining: u32,
}

/// Effect of a matched fault on its request.
pub enum FaultEffect {
    /// Respond with this instead of handling the request.
    Respond(Response),
    /// Close the connection without a response.
    Drop,
    /// Handle the request, reading an upload body at this rate.
    SlowBody(u64),
    /// Handle the request normally (the fault only added latency).
    Proceed,
}

impl FaultSpec {
    pub fn check(&self) -> Result<(), String> {
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return Err(format!("status {status} is not an HTTP status from 200 to 599"));
            }
        }
        match self.action.as_deref() {
            None | Some("drop") => {}
            Some("slow_body") if self.bytes_per_second.is_some_and(|rate| rate > 0) => {}
            Some("slow_body") => return Err("slow_body needs a positive bytes_per_second".to_owned()),
            Some(other) => return Err(format!("unknown action `{other}`: use drop or slow_body")),
        }
        if self.count == 0 {
            return Err("count must be at least 1".to_owned());
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = match self.method.as_deref() {
            None | Some("*") | Some("") => true,
            Some(expected) => expected.eq_ignore_ascii_case(method),
        };
        method_matches && path.starts_with(&self.path_prefix)
    }
}

/// Takes one use of the first fault matching the request, if any.
pub fn take(state: &AppState, method: &str, path: &str) -> Option<FaultSpec> {
    let mut faults = lock(&state.faults);
    let index = faults.iter().position(|fault| fault.spec.matches(method, path))?;
    let fault = &mut faults[index];
    fault.remaining -= 1;
    let spec = fault.spec.clone();
    if fault.remaining == 0 {
        faults.remove(index);
    }
    Some(spec)
}

/// Waits out the fault's latency and returns how the request continues.
pub async fn apply(spec: &FaultSpec) -> FaultEffect {
    if let Some(latency) = spec.latency_ms {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match spec.action.as_deref() {
        Some("drop") => return FaultEffect::Drop,
        Some("slow_body") => return FaultEffect::SlowBody(spec.bytes_per_second.unwrap_or(1)),
        _ => {}
    }
    let Some(status) = spec.status else {
        return FaultEffect::Proceed;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = if let Some(code) = &spec.error_code {
        let message = spec.error_message.clone().unwrap_or_else(|| format!("Injected fault {code}."));
        json_response(status, &json!({"error": {"error_code": code, "error_message": message}}))
    } else if let Some(body) = &spec.body {
        let content_type = spec.content_type.as_deref().unwrap_or("text/plain");
        with_content_type(status, content_type, body.clone().into_bytes())
    } else {
        let mut empty = no_content();
        *empty.status_mut() = status;
        empty
    };
    if let Some(retry_after) = spec.retry_after.as_deref().and_then(|value| HeaderValue::from_str(value).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, retry_after);
    }
    FaultEffect::Respond(response)
}
