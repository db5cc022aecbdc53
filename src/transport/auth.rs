//! The `Authorization` header for API calls.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// API credentials, held only as the finished `Authorization` header value.
/// `Debug` prints the scheme alone, so the secret never reaches a log line.
#[derive(Clone)]
pub(crate) struct Credentials {
    header: String,
}

impl Credentials {
    /// Creates HTTP Basic credentials over the UTF-8 bytes of `username:password`.
    pub(crate) fn basic(username: &str, password: &str) -> Credentials {
        let encoded = STANDARD.encode(format!("{username}:{password}").as_bytes());
        Credentials { header: format!("Basic {encoded}") }
    }

    /// Creates credentials from an API token, sent as `Bearer`.
    pub(crate) fn bearer(token: &str) -> Credentials {
        Credentials { header: format!("Bearer {token}") }
    }

    /// Returns the `Authorization` header value. Callers pass it to fetch and nowhere else.
    pub(crate) fn header_value(&self) -> &str {
        &self.header
    }

    fn scheme(&self) -> &str {
        self.header.split(' ').next().unwrap_or_default()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Credentials({} <redacted>)", self.scheme())
    }
}
