//! `--replay FILE`: responds to requests from one recorded case, in order.
//!
//! A case file contains `exchanges`, each with a `request` (`method`, `path`, `query`, `body`,
//! and `binary: true` where the body was not recorded) and a `response` (`status`,
//! `headers.content-type`, `body`, where `null` means an empty body). A request matches the
//! next exchange when method, path, query and JSON body are equal, a numeric string counting
//! as equal to the same number. A mismatch gets a 400 naming the first difference,
//! and the case does not advance.

use std::path::Path;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::respond::{json_response, no_content, with_content_type};

/// Paths whose bodies the API ignores; recordings of them carry SDK accidents such as
/// `{"UUID": …}` that a client need not repeat.
const BODY_IGNORED_SUFFIXES: &[&str] = &["/restore", "/resize", "/cdrom/eject", "/cancel"];
const KEPT_MISMATCHES: usize = 20;

#[derive(Debug)]
pub struct Replay {
    name: String,
    exchanges: Vec<Value>,
    next: usize,
    matched: u64,
    unmatched: u64,
    mismatches: Vec<String>,
}

impl Replay {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read the replay file {}: {error}", path.display()))?;
        let case: Value = serde_json::from_str(&text)
            .map_err(|error| format!("the replay file {} is not JSON: {error}", path.display()))?;
        let exchanges = case
            .get("exchanges")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| format!("the replay file {} has no `exchanges` array", path.display()))?;
        for (index, exchange) in exchanges.iter().enumerate() {
            let complete = exchange.pointer("/request/method").is_some_and(Value::is_string)
                && exchange.pointer("/request/path").is_some_and(Value::is_string)
                && exchange.pointer("/response/status").is_some_and(Value::is_u64);
            if !complete {
                return Err(format!(
                    "exchange {index} of {} lacks request.method, request.path or response.status",
                    path.display()
                ));
            }
        }
        let name = case.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
        Ok(Replay { name, exchanges, next: 0, matched: 0, unmatched: 0, mismatches: Vec::new() })
    }

    pub fn rewind(&mut self) {
        self.next = 0;
        self.matched = 0;
        self.unmatched = 0;
        self.mismatches.clear();
    }

    pub fn report(&self) -> Value {
        json!({
            "case": self.name,
            "total": self.exchanges.len(),
            "matched": self.matched,
            "unmatched": self.unmatched,
            "remaining": self.exchanges.len() - self.next,
            "mismatches": self.mismatches,
        })
    }

    /// Responds to one request from the next exchange, or with 400 naming the difference.
    /// A recorded `direct_upload_url` is moved to `listener_base` (`http://ADDR`), so a client
    /// under test uploads to the mock and never to the recorded UpCloud host.
    pub fn answer(&mut self, method: &str, path: &str, query: &str, body: &[u8], listener_base: &str) -> Response {
        let Some(exchange) = self.exchanges.get(self.next) else {
            return self.mismatch(format!(
                "the recorded case has no exchange left for {method} {path} (all {} were answered)",
                self.exchanges.len()
            ));
        };
        if let Err(difference) = compare(&exchange["request"], method, path, query, body) {
            let message = format!("exchange {}: {difference}", self.next);
            return self.mismatch(message);
        }
        let response = recorded_response(&exchange["response"], listener_base);
        self.next += 1;
        self.matched += 1;
        response
    }

    fn mismatch(&mut self, message: String) -> Response {
        self.unmatched += 1;
        if self.mismatches.len() == KEPT_MISMATCHES {
            self.mismatches.remove(0);
        }
        self.mismatches.push(message.clone());
        json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": {"error_code": "REPLAY_MISMATCH", "error_message": message}}),
        )
    }
}

fn compare(recorded: &Value, method: &str, path: &str, query: &str, body: &[u8]) -> Result<(), String> {
    let expected_method = recorded["method"].as_str().unwrap_or_default();
    if !expected_method.eq_ignore_ascii_case(method) {
        return Err(format!("method: expected {expected_method}, got {method}"));
    }
    let expected_path = recorded["path"].as_str().unwrap_or_default();
    if expected_path.trim_end_matches('/') != path.trim_end_matches('/') {
        return Err(format!("path: expected {expected_path}, got {path}"));
    }
    let expected_query = recorded["query"].as_str().unwrap_or_default();
    if query_pairs(expected_query) != query_pairs(query) {
        return Err(format!("query: expected `{expected_query}`, got `{query}`"));
    }

    let unrecorded = recorded["binary"].as_bool().unwrap_or(false) || recorded["upload"].as_bool().unwrap_or(false);
    let ignored = BODY_IGNORED_SUFFIXES.iter().any(|suffix| path.trim_end_matches('/').ends_with(suffix));
    if unrecorded || ignored {
        return Ok(());
    }
    let actual = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|error| format!("body: not JSON ({error})"))?
    };
    let expected = recorded.get("body").unwrap_or(&Value::Null);
    loose_equal(expected, &actual, "")
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// JSON equality where `"10"` equals `10`; the error names the first differing place.
pub fn loose_equal(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    let differ = || Err(format!("body at `{}`: expected {expected}, got {actual}", if at.is_empty() { "/" } else { at }));
    match (expected, actual) {
        (Value::Object(expected_fields), Value::Object(actual_fields)) => {
            for key in expected_fields.keys() {
                if !actual_fields.contains_key(key) {
                    return Err(format!("body at `{at}/{key}`: missing"));
                }
            }
            for (key, value) in actual_fields {
                let Some(expected_value) = expected_fields.get(key) else {
                    return Err(format!("body at `{at}/{key}`: not in the recording"));
                };
                loose_equal(expected_value, value, &format!("{at}/{key}"))?;
            }
            Ok(())
        }
        (Value::Array(expected_items), Value::Array(actual_items)) => {
            if expected_items.len() != actual_items.len() {
                return differ();
            }
            for (index, (expected_item, actual_item)) in expected_items.iter().zip(actual_items).enumerate() {
                loose_equal(expected_item, actual_item, &format!("{at}/{index}"))?;
            }
            Ok(())
        }
        (Value::String(text), Value::Number(number)) | (Value::Number(number), Value::String(text)) => {
            match (text.parse::<f64>(), number.as_f64()) {
                (Ok(parsed), Some(number)) if parsed == number => Ok(()),
                _ => differ(),
            }
        }
        (Value::Number(left), Value::Number(right)) if left.as_f64() == right.as_f64() => Ok(()),
        _ if expected == actual => Ok(()),
        _ => differ(),
    }
}

/// Replaces the scheme and host of a recorded uploader URL with the mock's listener.
pub fn local_upload_url(recorded: &str, listener_base: &str) -> String {
    match recorded.find("/uploader/") {
        Some(start) => format!("{listener_base}{}", &recorded[start..]),
        None => recorded.to_owned(),
    }
}

fn recorded_response(recorded: &Value, listener_base: &str) -> Response {
    let status = recorded["status"]
        .as_u64()
        .and_then(|status| StatusCode::from_u16(status as u16).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = recorded.pointer("/headers/content-type").and_then(Value::as_str);
    match (recorded.get("body"), content_type) {
        (None | Some(Value::Null), None) => {
            let mut response = no_content();
            *response.status_mut() = status;
            response
        }
        (None | Some(Value::Null), Some(content_type)) => with_content_type(status, content_type, Vec::new()),
        (Some(body), content_type) => {
            let mut body = body.clone();
            if let Some(url) = body.pointer_mut("/storage_import/direct_upload_url") {
                if let Some(recorded_url) = url.as_str() {
                    *url = Value::String(local_upload_url(recorded_url, listener_base));
                }
            }
            with_content_type(status, content_type.unwrap_or("application/json"), serde_json::to_vec(&body).unwrap_or_default())
        }
    }
}
