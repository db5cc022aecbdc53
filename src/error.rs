//! The one error type every call rejects with.
//!
//! JavaScript receives it as an `Error` subclass whose `code` is either UpCloud's
//! error code verbatim (`STORAGE_NOT_FOUND`, `RESOURCE_NOT_FOUND`, …) or one of
//! the codes in [`codes`] that this library adds for failures UpCloud never
//! reports (network, timeout, validation, …).

use std::fmt;

use serde::Serialize;

/// The codes this library adds next to UpCloud's own error codes.
pub mod codes {
    /// An argument failed validation before any request was sent; `field` names it.
    pub const VALIDATION_ERROR: &str = "VALIDATION_ERROR";
    /// The request could not be sent or its response could not be read.
    pub const NETWORK_ERROR: &str = "NETWORK_ERROR";
    /// A request or a wait took longer than its time limit.
    pub const TIMEOUT: &str = "TIMEOUT";
    /// The caller's `AbortSignal` fired.
    pub const ABORTED: &str = "ABORTED";
    /// A response body did not have the shape the API documents.
    pub const DECODE_ERROR: &str = "DECODE_ERROR";
    /// An HTTP error status came with a body that carries no UpCloud error code
    /// (an HTML 502 page from a proxy, an empty 503, a plain-text 429). The JS
    /// face reports this as `code: null`, with `status` and a text excerpt.
    pub const HTTP_ERROR: &str = "HTTP_ERROR";
    /// A waited-for import ended in state `failed`.
    pub const IMPORT_FAILED: &str = "IMPORT_FAILED";
    /// A waited-for import was cancelled (`cancelling` or `cancelled`).
    pub const IMPORT_CANCELLED: &str = "IMPORT_CANCELLED";
    /// A waited-for storage entered state `error`.
    pub const STORAGE_ERROR: &str = "STORAGE_ERROR";
    /// An image to upload is in a format the API cannot import.
    pub const UNSUPPORTED_IMAGE_FORMAT: &str = "UNSUPPORTED_IMAGE_FORMAT";
    /// An image to upload does not fit in the target storage.
    pub const IMAGE_TOO_LARGE: &str = "IMAGE_TOO_LARGE";
    /// The digests the API reports differ from the digests of the uploaded data.
    pub const INTEGRITY_MISMATCH: &str = "INTEGRITY_MISMATCH";
}

/// One parameter that an `application/problem+json` error names as invalid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvalidParam {
    /// The request field the API rejected.
    pub name: String,
    /// The API's reason for rejecting it.
    pub reason: String,
}

/// The error every operation rejects with.
///
/// `code` is what callers branch on: UpCloud's code verbatim for API errors,
/// otherwise one of [`codes`]. `status` is the HTTP status whenever a response
/// arrived. No field ever contains a credential, an `Authorization` header or a
/// direct-upload URL: messages name API paths only, and values quoted from
/// responses or inputs are replaced by `"…"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Error {
    /// UpCloud's error code verbatim, or one of [`codes`].
    pub code: String,
    /// The HTTP status of the response, if one arrived.
    pub status: Option<u16>,
    /// A human-readable description; never parse it, branch on `code`.
    pub message: String,
    /// The input field at fault, as a JS path such as `backupRule.time` or `labels[1].key`.
    pub field: Option<String>,
    /// The `type` URL of an `application/problem+json` error.
    pub problem_type: Option<String>,
    /// The `correlation_id` of an `application/problem+json` error, for UpCloud support.
    pub correlation_id: Option<String>,
    /// The `invalid_params` of an `application/problem+json` error.
    pub invalid_params: Vec<InvalidParam>,
    /// Seconds the server asked the client to wait (`Retry-After`), if given.
    pub retry_after: Option<u64>,
    /// The storage a failed or cancelled import or a failed wait belongs to.
    pub storage_uuid: Option<String>,
    /// The import's own `error_code` when an import failed.
    pub import_error_code: Option<String>,
    /// The import's own `error_message` when an import failed.
    pub import_error_message: Option<String>,
    /// Whether a POST failed without a response after it was handed to
    /// `fetch`, so UpCloud may have acted on it (created a storage, say).
    pub may_have_reached_server: bool,
}

impl Error {
    /// Creates an error with a code and a message and nothing else set.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Error {
            code: code.to_string(),
            status: None,
            message: message.into(),
            field: None,
            problem_type: None,
            correlation_id: None,
            invalid_params: Vec::new(),
            retry_after: None,
            storage_uuid: None,
            import_error_code: None,
            import_error_message: None,
            may_have_reached_server: false,
        }
    }

    /// Creates a `VALIDATION_ERROR` for the input at `field` (a JS path).
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut error = Error::new(codes::VALIDATION_ERROR, message);
        error.field = Some(field.into());
        error
    }

    /// Creates a `VALIDATION_ERROR` that concerns the input as a whole.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(codes::VALIDATION_ERROR, message)
    }

    /// Creates a `NETWORK_ERROR`. The message must not contain a URL other than an API path.
    pub fn network(message: impl Into<String>) -> Self {
        Error::new(codes::NETWORK_ERROR, message)
    }

    /// Creates a `TIMEOUT` for a request or a wait that ran out of time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Error::new(codes::TIMEOUT, message)
    }

    /// Creates an `ABORTED` error for a call cancelled through its `AbortSignal`.
    pub fn aborted() -> Self {
        Error::new(codes::ABORTED, "The operation was aborted by its AbortSignal.")
    }

    /// Marks a failure of a POST that `fetch` had already taken: sets
    /// `may_have_reached_server` and adds a message sentence asking the caller
    /// to check before sending the request again.
    pub fn sent_without_response(mut self) -> Self {
        self.may_have_reached_server = true;
        self.message.push_str(
            " The request may have reached UpCloud, so the resource may exist. \
             Check (for example, list the storages) before creating it again.",
        );
        self
    }

    /// Creates a `DECODE_ERROR` for a response body that does not have the expected shape.
    pub fn decode(status: Option<u16>, message: impl Into<String>) -> Self {
        let mut error = Error::new(codes::DECODE_ERROR, message);
        error.status = status;
        error
    }

    /// Creates an `IMPORT_FAILED` error carrying the import's own code and message.
    pub fn import_failed(
        storage_uuid: &str,
        import_error_code: Option<&str>,
        import_error_message: Option<&str>,
    ) -> Self {
        let detail = match (import_error_code, import_error_message) {
            (Some(code), Some(message)) => format!(": {code}: {message}"),
            (Some(code), None) => format!(": {code}"),
            (None, Some(message)) => format!(": {message}"),
            (None, None) => String::new(),
        };
        let mut error = Error::new(
            codes::IMPORT_FAILED,
            format!("The import into storage {storage_uuid} failed{detail}"),
        );
        error.storage_uuid = Some(storage_uuid.to_string());
        error.import_error_code = import_error_code.map(str::to_string);
        error.import_error_message = import_error_message.map(str::to_string);
        error
    }

    /// Creates an `IMPORT_CANCELLED` error for an import that was cancelled while waited for.
    pub fn import_cancelled(storage_uuid: &str) -> Self {
        let mut error = Error::new(
            codes::IMPORT_CANCELLED,
            format!("The import into storage {storage_uuid} was cancelled."),
        );
        error.storage_uuid = Some(storage_uuid.to_string());
        error
    }

    /// Creates a `STORAGE_ERROR` for a waited-for storage that entered state `error`.
    pub fn storage_error(storage_uuid: &str) -> Self {
        let mut error = Error::new(
            codes::STORAGE_ERROR,
            format!("Storage {storage_uuid} entered state 'error' and is inaccessible."),
        );
        error.storage_uuid = Some(storage_uuid.to_string());
        error
    }

    /// Creates an `UNSUPPORTED_IMAGE_FORMAT` error.
    pub fn unsupported_image_format(message: impl Into<String>) -> Self {
        Error::new(codes::UNSUPPORTED_IMAGE_FORMAT, message)
    }

    /// Creates an `IMAGE_TOO_LARGE` error.
    pub fn image_too_large(message: impl Into<String>) -> Self {
        Error::new(codes::IMAGE_TOO_LARGE, message)
    }

    /// Creates an `INTEGRITY_MISMATCH` error.
    pub fn integrity_mismatch(message: impl Into<String>) -> Self {
        Error::new(codes::INTEGRITY_MISMATCH, message)
    }

    /// Returns this error with the HTTP status set.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Returns this error with `retryAfter` set, in seconds.
    pub fn with_retry_after(mut self, seconds: Option<u64>) -> Self {
        self.retry_after = seconds;
        self
    }

    /// Returns this error with the storage it concerns set.
    pub fn with_storage_uuid(mut self, storage_uuid: &str) -> Self {
        self.storage_uuid = Some(storage_uuid.to_string());
        self
    }

    /// Returns whether the code is one this library defines rather than one from UpCloud.
    pub fn is_library_code(&self) -> bool {
        const OWN: [&str; 12] = [
            codes::VALIDATION_ERROR,
            codes::NETWORK_ERROR,
            codes::TIMEOUT,
            codes::ABORTED,
            codes::DECODE_ERROR,
            codes::HTTP_ERROR,
            codes::IMPORT_FAILED,
            codes::IMPORT_CANCELLED,
            codes::STORAGE_ERROR,
            codes::UNSUPPORTED_IMAGE_FORMAT,
            codes::IMAGE_TOO_LARGE,
            codes::INTEGRITY_MISMATCH,
        ];
        OWN.contains(&self.code.as_str())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(field) = &self.field {
            write!(f, " at {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// Replaces every double-quoted literal in `message` by `"…"`.
///
/// serde quotes the offending value in its messages (`invalid type: string
/// "https://user:pass@host/…", expected …`). That value may be a
/// direct-upload URL or a source URL with credentials, so it never reaches
/// an error message.
pub(crate) fn redact_quoted(message: &str) -> String {
    let mut redacted = String::with_capacity(message.len());
    let mut inside_quotes = false;
    let mut escaped = false;

    for character in message.chars() {
        if inside_quotes {
            if escaped {
                escaped = false;
            } else if character == '\\' {
                escaped = true;
            } else if character == '"' {
                inside_quotes = false;
                redacted.push_str("…\"");
            }
            continue;
        }
        redacted.push(character);
        if character == '"' {
            inside_quotes = true;
        }
    }

    if inside_quotes {
        redacted.push_str("…\"");
    }
    redacted
}

/// Removes the `user:password@` part from a URL so it can be shown in `Debug` output.
pub(crate) fn redact_url_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |offset| authority_start + offset);

    match url[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}<redacted>@{}",
            &url[..authority_start],
            &url[authority_start + at + 1..]
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_without_response_marks_error() {
        let error = Error::timeout("The call timed out.");
        assert!(!error.may_have_reached_server);

        let marked = error.sent_without_response();
        assert!(marked.may_have_reached_server);
        assert_eq!(marked.code, codes::TIMEOUT);
        assert!(marked.message.starts_with("The call timed out. "), "{}", marked.message);
        assert!(marked.message.contains("may exist"), "{}", marked.message);
    }

    #[test]
    fn display_includes_code_status_field() {
        let error = Error::validation("backupRule.time", "must be HHMM").with_status(400);
        assert_eq!(
            error.to_string(),
            "VALIDATION_ERROR (HTTP 400) at backupRule.time: must be HHMM"
        );
    }

    #[test]
    fn redact_quoted_hides_values() {
        let message = r#"invalid type: string "https://a:b@h/x\"y", expected u32"#;
        assert_eq!(redact_quoted(message), r#"invalid type: string "…", expected u32"#);
        assert_eq!(redact_quoted(r#"open "abc"#), r#"open "…""#);
        assert_eq!(redact_quoted("no quotes"), "no quotes");
    }

    #[test]
    fn redact_userinfo_in_urls() {
        assert_eq!(
            redact_url_userinfo("https://user:pw@example.com/a@b"),
            "https://<redacted>@example.com/a@b"
        );
        assert_eq!(
            redact_url_userinfo("http://example.com/x"),
            "http://example.com/x"
        );
        assert_eq!(redact_url_userinfo("not a url"), "not a url");
    }

    #[test]
    fn import_failed_carries_details() {
        let error = Error::import_failed("01aa", Some("BAD_IMAGE"), Some("corrupt"));
        assert_eq!(error.code, codes::IMPORT_FAILED);
        assert_eq!(error.storage_uuid.as_deref(), Some("01aa"));
        assert_eq!(error.import_error_code.as_deref(), Some("BAD_IMAGE"));
        assert_eq!(error.import_error_message.as_deref(), Some("corrupt"));
        assert!(error.message.contains("BAD_IMAGE: corrupt"));
    }

    #[test]
    fn library_codes_are_recognised() {
        assert!(Error::aborted().is_library_code());
        assert!(!Error::new("STORAGE_NOT_FOUND", "x").is_library_code());
    }
}
