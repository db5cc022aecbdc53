//! Reading the upload methods' options object.
//!
//! The options hold functions and an AbortSignal, which the plain-data
//! argument parser cannot carry, so they are read property by property.
//! Unknown names are rejected like everywhere else, so a misspelled
//! `verfiy: false` fails instead of being ignored.

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::js::args::split_members;
use crate::transport::is_abort_signal;

/// JS numbers are exact integers up to 2^53 - 1.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

const DEFAULT_POLL_INTERVAL_MS: f64 = 2_000.0;

/// The method the options belong to, since each accepts a different set.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Upload,
    Import,
}

impl Method {
    /// Every option name this method accepts.
    fn names(self) -> Vec<&'static str> {
        let mut names = SHARED.to_vec();
        names.extend_from_slice(match self {
            Method::Upload => UPLOAD_ONLY,
            Method::Import => IMPORT_ONLY,
        });
        names
    }
}

const SHARED: &[&str] = &[
    "contentType",
    "onProgress",
    "signal",
    "verify",
    "timeoutMs",
    "size",
];
const UPLOAD_ONLY: &[&str] = &["storageSize"];
const IMPORT_ONLY: &[&str] = &[
    "cancelImportOnAbort",
    "waitForOnline",
    "pollIntervalMs",
    "waitTimeoutMs",
];

/// The options of `uploadFileForStorageImport` and `importStorageFromFile`.
pub(super) struct UploadOptions {
    pub(super) content_type: Option<String>,
    pub(super) on_progress: Option<Function>,
    /// The caller's AbortSignal, or `undefined`.
    pub(super) signal: JsValue,
    pub(super) verify: bool,
    /// Time limit of the upload body alone; `None` means none.
    pub(super) timeout_ms: Option<f64>,
    /// Byte size of a stream source.
    pub(super) size: Option<u64>,
    /// Size of the target storage in bytes, for the size check.
    pub(super) storage_bytes: Option<u64>,
    /// `None` when not given: the default rules of `importStorageFromFile` apply.
    pub(super) cancel_import_on_abort: Option<bool>,
    pub(super) wait_for_online: bool,
    pub(super) poll_interval_ms: f64,
    /// Time limit of the waits after the upload; `None` means none.
    pub(super) wait_timeout_ms: Option<f64>,
}

impl UploadOptions {
    pub(super) fn from_js(value: &JsValue, method: Method) -> Result<UploadOptions, Error> {
        let mut options = UploadOptions {
            content_type: None,
            on_progress: None,
            signal: JsValue::UNDEFINED,
            verify: true,
            timeout_ms: None,
            size: None,
            storage_bytes: None,
            cancel_import_on_abort: None,
            wait_for_online: false,
            poll_interval_ms: DEFAULT_POLL_INTERVAL_MS,
            wait_timeout_ms: None,
        };
        if value.is_undefined() || value.is_null() {
            return Ok(options);
        }
        if !value.is_object() || js_sys::Array::is_array(value) || value.is_function() {
            return Err(Error::validation(
                "options",
                "options must be a plain object.",
            ));
        }

        // The caller's object is read once, in JS with a catch, so a throwing
        // getter or Proxy trap becomes a validation error instead of an
        // exception unwinding through wasm.
        let names = method.names();
        let (rest, members) = split_members(value, &names, "options")?;
        if let Some(name) = rest
            .dyn_ref::<Object>()
            .and_then(|rest| Object::keys(rest).get(0).as_string())
        {
            return Err(Error::validation(
                format!("options.{name}"),
                format!("options.{name} is not an option of this method."),
            ));
        }
        let given = |name: &str| {
            names
                .iter()
                .position(|known| *known == name)
                .map(|index| members[index].clone())
                .filter(|field| !field.is_undefined())
        };

        if let Some(field) = given("contentType") {
            let text = field.as_string().ok_or_else(|| {
                Error::validation("options.contentType", "contentType must be a string.")
            })?;
            options.content_type = Some(text);
        }
        if let Some(field) = given("onProgress") {
            let function = field.dyn_into::<Function>().map_err(|_| {
                Error::validation("options.onProgress", "onProgress must be a function.")
            })?;
            options.on_progress = Some(function);
        }
        if let Some(field) = given("signal") {
            if !is_abort_signal(&field) {
                return Err(Error::validation(
                    "options.signal",
                    "signal must be an AbortSignal.",
                ));
            }
            options.signal = field;
        }
        if let Some(field) = given("verify") {
            options.verify = field.as_bool().ok_or_else(|| {
                Error::validation("options.verify", "verify must be true or false.")
            })?;
        }
        options.timeout_ms = given("timeoutMs")
            .map(|field| positive_ms(&field, "timeoutMs"))
            .transpose()?;
        options.size = given("size")
            .map(|field| byte_count(&field, "size"))
            .transpose()?;
        if let Some(field) = given("storageSize") {
            let gib = byte_count(&field, "storageSize")?;
            if gib == 0 {
                return Err(Error::validation(
                    "options.storageSize",
                    "storageSize must be at least 1 (GiB).",
                ));
            }
            options.storage_bytes = Some(gib.saturating_mul(crate::upload::GIB));
        }
        if let Some(field) = given("cancelImportOnAbort") {
            options.cancel_import_on_abort = Some(field.as_bool().ok_or_else(|| {
                Error::validation(
                    "options.cancelImportOnAbort",
                    "cancelImportOnAbort must be true or false.",
                )
            })?);
        }
        if let Some(field) = given("waitForOnline") {
            options.wait_for_online = field.as_bool().ok_or_else(|| {
                Error::validation(
                    "options.waitForOnline",
                    "waitForOnline must be true or false.",
                )
            })?;
        }
        if let Some(field) = given("pollIntervalMs") {
            options.poll_interval_ms = positive_ms(&field, "pollIntervalMs")?;
        }
        options.wait_timeout_ms = given("waitTimeoutMs")
            .map(|field| positive_ms(&field, "waitTimeoutMs"))
            .transpose()?;
        Ok(options)
    }
}

fn positive_ms(value: &JsValue, name: &str) -> Result<f64, Error> {
    match value.as_f64() {
        Some(ms) if ms.is_finite() && ms > 0.0 => Ok(ms),
        _ => Err(Error::validation(
            format!("options.{name}"),
            format!("{name} must be a positive number of milliseconds."),
        )),
    }
}

fn byte_count(value: &JsValue, name: &str) -> Result<u64, Error> {
    match value.as_f64() {
        Some(count) if (0.0..=MAX_SAFE_INTEGER).contains(&count) && count.fract() == 0.0 => {
            Ok(count as u64)
        }
        _ => Err(Error::validation(
            format!("options.{name}"),
            format!("{name} must be a whole number from 0 to 2^53 - 1."),
        )),
    }
}
