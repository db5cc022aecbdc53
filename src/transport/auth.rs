//! The `Authorization` header for API calls, and the redaction of secrets
//! from text that crosses to JS.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Replacement text for a secret in error messages and log lines.
pub(crate) const REDACTED: &str = "[redacted]";

/// API credentials: the finished `Authorization` header value and the
/// secrets it was built from, kept so they can be cut out of messages.
/// `Debug` prints the scheme alone, so the secret never reaches a log line.
#[derive(Clone)]
pub(crate) struct Credentials {
    header: String,
    secrets: Vec<String>,
}

impl Credentials {
    /// Creates HTTP Basic credentials over the UTF-8 bytes of `username:password`.
    pub(crate) fn basic(username: &str, password: &str) -> Credentials {
        let pair = format!("{username}:{password}");
        let encoded = STANDARD.encode(pair.as_bytes());
        Credentials {
            header: format!("Basic {encoded}"),
            secrets: vec![encoded, pair, password.to_owned()],
        }
    }

    /// Creates credentials from an API token, sent as `Bearer`.
    pub(crate) fn bearer(token: &str) -> Credentials {
        Credentials { header: format!("Bearer {token}"), secrets: vec![token.to_owned()] }
    }

    /// Returns the `Authorization` header value. Callers pass it to fetch and nowhere else.
    pub(crate) fn header_value(&self) -> &str {
        &self.header
    }

    /// Replaces these credentials, and any `Bearer …` or `Basic …` value,
    /// in `text` with `[redacted]`. A custom fetch or a server may quote the
    /// request's header in its message, which then reaches JS.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = redact_authorization(text);
        // The pair comes before the password, so a quoted `username:password`
        // goes as a whole instead of leaving the username behind.
        for secret in &self.secrets {
            text = replace_secret(&text, secret);
        }
        text
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

/// Replaces each `Bearer …` or `Basic …` (any case) in `text`, scheme and
/// value up to the next whitespace or quote, with `[redacted]`. It needs no
/// credentials, so it also guards messages built away from a manager.
pub(crate) fn redact_authorization(text: &str) -> String {
    const SCHEMES: [&str; 2] = ["bearer ", "basic "];
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < text.len() {
        let scheme = SCHEMES.iter().find(|scheme| {
            lower[index..].starts_with(**scheme) && (index == 0 || !is_word_byte(lower.as_bytes()[index - 1]))
        });
        let Some(scheme) = scheme else {
            let next = text[index..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[index..index + next]);
            index += next;
            continue;
        };
        let value_start = index + scheme.len();
        let value_len = text[value_start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '`')
            .unwrap_or(text.len() - value_start);
        if value_len > 0 {
            out.push_str(REDACTED);
        } else {
            out.push_str(&text[index..value_start]);
        }
        index = value_start + value_len;
    }
    out
}

/// Secrets shorter than this are replaced only where they stand alone, so a
/// one-letter password does not garble every word that contains the letter.
const SHORT_SECRET: usize = 8;

fn replace_secret(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    if secret.len() >= SHORT_SECRET {
        return text.replace(secret, REDACTED);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find(secret) {
        let end = found + secret.len();
        let alone_before = !rest[..found].chars().next_back().is_some_and(char::is_alphanumeric);
        let alone_after = !rest[end..].chars().next().is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..found]);
        out.push_str(if alone_before && alone_after { REDACTED } else { secret });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}
