//! One pure function per API operation, each returning the request to send.
//!
//! Every builder validates its arguments first, so an invalid UUID or size is
//! a `VALIDATION_ERROR` and never reaches the network. Bodies carry only what
//! the caller set, never `null` and never read-only fields.

mod import;
mod server;
mod storage;

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use crate::error::redact_url_userinfo;

pub use import::{cancel_import, create_import, get_import};
pub use server::{attach_storage, detach_storage, eject_cdrom, load_cdrom};
pub use storage::{
    add_favorite, cancel_operation, clone_storage, create_backup, create_storage, delete_storage,
    get_storage, list_storages, modify_storage, remove_favorite, resize_filesystem, restore_backup,
    templatize_storage,
};

/// The API version prefix every request path starts with.
pub const API_PREFIX: &str = "/1.3";

/// An HTTP method the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl Method {
    /// Returns the method's name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Returns whether sending the request twice has the same effect as sending it once.
    ///
    /// POST is not: the API's POSTs create storages, backups and imports, or
    /// start operations, so a repeat may do the work twice.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A request to the API, ready for a transport to send.
///
/// `path` starts with [`API_PREFIX`] and is joined to the API origin
/// (`https://api.upcloud.com` or a local mock). The transport adds the
/// `Authorization`, `Accept: application/json` and, when `body` is set,
/// `Content-Type: application/json` headers.
#[derive(Clone, PartialEq)]
pub struct ApiRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path, such as `/1.3/storage/01234567-89ab-4cde-8f01-23456789abcd`.
    pub path: String,
    /// Query parameters in order, not yet percent-encoded; a key may repeat.
    pub query: Vec<(String, String)>,
    /// The JSON body, if the operation has one.
    pub body: Option<Value>,
}

/// Characters left as they are in a query component: RFC 3986's unreserved set.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl ApiRequest {
    fn new(method: Method, path: String) -> Self {
        ApiRequest {
            method,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn with_query(mut self, key: &str, value: &str) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    /// Returns the path followed by the percent-encoded query, such as `/1.3/storage?label=color%3Dgreen`.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(key, value)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(key, QUERY_COMPONENT),
                    utf8_percent_encode(value, QUERY_COMPONENT)
                )
            })
            .collect();
        format!("{}?{}", self.path, query.join("&"))
    }

    /// Returns whether the transport may resend this request after it may have reached the server.
    pub fn is_idempotent(&self) -> bool {
        self.method.is_idempotent()
    }

    /// Returns the body serialised as JSON text, if there is a body.
    pub fn body_json(&self) -> Option<String> {
        self.body.as_ref().map(Value::to_string)
    }
}

impl fmt::Debug for ApiRequest {
    // An import body may hold a source URL with a password in it.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body.as_ref().map(|body| {
            let mut body = body.clone();
            if let Some(location) = body
                .pointer_mut("/storage_import/source_location")
                .filter(|location| location.is_string())
            {
                let redacted = redact_url_userinfo(location.as_str().unwrap_or_default());
                *location = Value::String(redacted);
            }
            body
        });
        formatter
            .debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body", &body)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_encoding() {
        let request = ApiRequest::new(Method::Get, "/1.3/storage".into())
            .with_query("label", "color=green")
            .with_query("label", "a b&c")
            .with_query("label", "ä~._-");
        assert_eq!(
            request.path_and_query(),
            "/1.3/storage?label=color%3Dgreen&label=a%20b%26c&label=%C3%A4~._-"
        );
        let plain = ApiRequest::new(Method::Get, "/1.3/storage".into());
        assert_eq!(plain.path_and_query(), "/1.3/storage");
    }

    #[test]
    fn debug_redacts_source_credentials() {
        let request = ApiRequest::new(Method::Post, "/1.3/storage/x/import".into()).with_body(json!({
            "storage_import": {"source": "http_import", "source_location": "https://u:secret@example.com/a.iso"}
        }));
        let debug = format!("{request:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("example.com/a.iso"), "{debug}");
    }

    #[test]
    fn idempotency_by_method() {
        assert!(Method::Get.is_idempotent());
        assert!(Method::Put.is_idempotent());
        assert!(Method::Delete.is_idempotent());
        assert!(!Method::Post.is_idempotent());
    }
}
