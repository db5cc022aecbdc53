//! `CloudManager`: construction from credentials and options.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::args::{parse_arg, split_members};
use super::error::to_js_error;
use crate::error::Error;
use crate::input::JsInput;
use crate::transport::{Client, ClientConfig, Credentials, Logger};

const DEFAULT_BASE_URL: &str = "https://api.upcloud.com/1.3";
const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
const DEFAULT_RETRIES: u32 = 3;
const MAX_RETRIES: u32 = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsInput {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

impl JsInput for CredentialsInput {}

/// The data options. `fetch` and `logger` are functions and `baseUrl` may be
/// a `URL` object, so those are read apart.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ManagerOptions {
    #[serde(default)]
    timeout_ms: Option<f64>,
    #[serde(default)]
    retries: Option<u32>,
}

impl JsInput for ManagerOptions {}

/// A client for UpCloud's block-storage API.
///
/// Every method returns a Promise and takes an optional last `options`
/// argument with `signal?: AbortSignal`. Every rejection is an
/// `UpCloudError`. Nothing needs to be freed by hand.
#[wasm_bindgen]
pub struct CloudManager {
    pub(crate) client: Client,
}

#[wasm_bindgen]
impl CloudManager {
    /// Creates a manager. `credentials` is `{ username, password }` or
    /// `{ token }`; a token wins when both are given. Throws an
    /// `UpCloudError` with code `VALIDATION_ERROR` for missing or malformed
    /// credentials (a token with spaces or control characters, a username
    /// with `:`) or a bad option. Error messages and log lines never carry
    /// the credentials: they show `[redacted]` in their place.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Credentials")] credentials: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ManagerOptions")] options: JsValue,
    ) -> Result<CloudManager, JsValue> {
        build(credentials, options)
            .map(|client| CloudManager { client })
            .map_err(|error| to_js_error(&error))
    }
}

fn build(credentials: JsValue, options: JsValue) -> Result<Client, Error> {
    let credentials = parse_credentials(&credentials)?;
    let (data, members) = split_members(&options, &["fetch", "logger", "baseUrl"], "options")?;
    let options: ManagerOptions = parse_arg(&data, "options")?;
    let [fetch, logger, base_url] = <[JsValue; 3]>::try_from(members).unwrap_or_default();

    let base_url = if base_url.is_undefined() || base_url.is_null() {
        DEFAULT_BASE_URL.to_owned()
    } else {
        check_base_url(&url_text(&base_url).ok_or_else(bad_base_url)?)?
    };
    let timeout_ms = match options.timeout_ms {
        None => Some(DEFAULT_TIMEOUT_MS),
        Some(ms) if ms.is_finite() && ms > 0.0 => Some(ms),
        Some(_) => {
            return Err(Error::validation("timeoutMs", "timeoutMs must be a positive number of milliseconds."))
        }
    };
    let retries = options.retries.unwrap_or(DEFAULT_RETRIES);
    if retries > MAX_RETRIES {
        return Err(Error::validation(
            "retries",
            format!("retries must be an integer from 0 to {MAX_RETRIES}."),
        ));
    }
    let fetch = optional_function(fetch, "fetch", "fetch must be a function.")?;
    let logger = if logger.is_undefined() || logger.is_null() {
        None
    } else {
        Some(Logger::from_js(logger).ok_or_else(|| {
            Error::validation(
                "logger",
                "logger must be a function (level, message, fields) or an object with debug, info, warn and error methods.",
            )
        })?)
    };

    Ok(Client::new(ClientConfig { base_url, credentials, fetch, timeout_ms, retries, logger }))
}

fn parse_credentials(value: &JsValue) -> Result<Credentials, Error> {
    if !value.is_object() {
        return Err(Error::validation(
            "credentials",
            "credentials must be an object: { username, password } or { token }.",
        ));
    }
    let input: CredentialsInput = parse_arg(value, "credentials")?;
    if let Some(token) = input.token.filter(|token| !token.is_empty()) {
        // A bearer token is visible ASCII without spaces; anything else
        // would fail later inside fetch with the header quoted in the error.
        if !token.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(Error::validation(
                "token",
                "token is invalid: it may hold only visible ASCII characters, without spaces. Check how it was read or pasted.",
            ));
        }
        return Ok(Credentials::bearer(&token));
    }
    match (input.username, input.password) {
        (Some(username), Some(password)) if !username.is_empty() && !password.is_empty() => {
            if username.contains(':') || username.chars().any(char::is_control) {
                return Err(Error::validation(
                    "username",
                    "username is invalid: it may not contain ':' or control characters such as line breaks.",
                ));
            }
            if password.chars().any(char::is_control) {
                return Err(Error::validation(
                    "password",
                    "password is invalid: it may not contain control characters such as line breaks.",
                ));
            }
            Ok(Credentials::basic(&username, &password))
        }
        _ => Err(Error::validation(
            "credentials",
            "credentials need a non-empty token, or a non-empty username and password.",
        )),
    }
}

/// Reads `baseUrl` given as a string or as a `URL` object (its `href`).
fn url_text(value: &JsValue) -> Option<String> {
    if let Some(text) = value.as_string() {
        return Some(text);
    }
    if !value.is_object() {
        return None;
    }
    // Reflect::get catches a throwing getter, so a hostile object cannot
    // unwind through the constructor.
    js_sys::Reflect::get(value, &"href".into()).ok()?.as_string()
}

fn bad_base_url() -> Error {
    Error::validation(
        "baseUrl",
        "baseUrl must be an http(s) URL without credentials, query or fragment, such as https://api.upcloud.com/1.3.",
    )
}

fn check_base_url(url: &str) -> Result<String, Error> {
    let trimmed = url.trim_end_matches('/');
    let has_scheme = trimmed.starts_with("https://") || trimmed.starts_with("http://");
    let host = trimmed.split("://").nth(1).unwrap_or_default();
    // Paths are appended to the base URL, so a query or fragment in it
    // would swallow them.
    let has_extras = trimmed.contains(['?', '#']);
    if !has_scheme || host.is_empty() || host.contains('@') || has_extras {
        return Err(bad_base_url());
    }
    Ok(trimmed.to_owned())
}

fn optional_function(value: JsValue, field: &str, message: &str) -> Result<Option<js_sys::Function>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| Error::validation(field, message))
}
