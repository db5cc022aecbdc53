//! The log of API and uploader requests that tests read through `GET /__mock/requests`.
//!
//! It keeps Authorization headers verbatim on purpose: tests check which scheme the client
//! sent. It is served only to loopback callers of this test double and never printed.

use axum::http::HeaderMap;
use serde_json::{json, Map, Value};

use crate::state::{lock, AppState};

const MAX_ENTRIES: usize = 1000;

#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Map<String, Value>,
    pub body: Value,
    /// `None` when no response was sent (a dropped connection).
    pub status: Option<u16>,
}

impl LoggedRequest {
    pub fn new(method: &str, path: &str, query: &str, headers: &HeaderMap) -> Self {
        let mut names = Map::new();
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            names.insert(name.as_str().to_owned(), Value::String(value));
        }
        LoggedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: names,
            body: Value::Null,
            status: None,
        }
    }

    /// Stores a JSON body as parsed JSON, and anything else as a note of its length.
    pub fn set_body(&mut self, bytes: &[u8]) {
        self.body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(format!("<{} bytes>", bytes.len())))
        };
    }

    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "status": self.status,
        })
    }
}

pub fn push(state: &AppState, entry: LoggedRequest) {
    let mut requests = lock(&state.requests);
    if requests.len() >= MAX_ENTRIES {
        requests.pop_front();
    }
    requests.push_back(entry);
}
