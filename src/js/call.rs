//! Shared steps of every exported method: reading the trailing `options`
//! argument, sending one API request through the client and turning the
//! response or failure into a value or an [`Error`].

use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::args::{parse_arg, split_members};
use super::error::from_call_failure;
use crate::error::Error;
use crate::input::JsInput;
use crate::request::ApiRequest;
use crate::transport::{client_retry_after, is_abort_signal, Client, HttpResponse};

/// The caller's AbortSignal, or `undefined`.
#[derive(Clone)]
pub(crate) struct Signal(pub(crate) JsValue);

impl Signal {
    pub(crate) fn none() -> Signal {
        Signal(JsValue::UNDEFINED)
    }

    pub(crate) fn js(&self) -> &JsValue {
        &self.0
    }

    /// This signal, or `other` when this one is not set.
    pub(crate) fn or(self, other: Signal) -> Signal {
        if self.0.is_undefined() {
            other
        } else {
            self
        }
    }
}

/// The trailing options of a read-only call: `{ signal? }`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoExtraOptions {}

impl JsInput for NoExtraOptions {}

/// The trailing options of a call that changes a storage.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct MutationOptions {
    /// On 409 `STORAGE_STATE_ILLEGAL`, wait for `online` and send once more.
    #[serde(default)]
    pub(crate) wait_until_online: Option<bool>,
}

impl JsInput for MutationOptions {}

/// Reads `options` as `{ signal? }` plus the data fields of `T`.
pub(crate) fn options_with<T: JsInput + Default>(options: &JsValue) -> Result<(Signal, T), Error> {
    let (data, members) = split_members(options, &["signal"], "options")?;
    let signal = members.into_iter().next().unwrap_or(JsValue::UNDEFINED);
    let signal = check_signal(signal)?;
    let extra = parse_arg(&data, "options")?;
    Ok((signal, extra))
}

/// Reads `options` that may only hold `signal`.
pub(crate) fn signal_only(options: &JsValue) -> Result<Signal, Error> {
    options_with::<NoExtraOptions>(options).map(|(signal, _)| signal)
}

/// Checks that `value` is an AbortSignal, `undefined` or `null`.
pub(crate) fn check_signal(value: JsValue) -> Result<Signal, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(Signal::none())
    } else if is_abort_signal(&value) {
        Ok(Signal(value))
    } else {
        Err(Error::validation("signal", "signal must be an AbortSignal."))
    }
}

/// A response parser of the core, such as `response::parse_storage`.
pub(crate) type Parser<T> = fn(u16, Option<&str>, &[u8]) -> Result<T, Error>;

/// Sends `request` and parses the response with `parse`. A failed status gives
/// the core's error with `retryAfter` from the response headers.
pub(crate) async fn call<T>(
    client: &Client,
    request: &ApiRequest,
    signal: &Signal,
    parse: Parser<T>,
) -> Result<T, Error> {
    call_with_retries(client, request, signal, parse, None).await
}

/// Like [`call`] with the manager's retry count replaced by `retries`.
pub(crate) async fn call_with_retries<T>(
    client: &Client,
    request: &ApiRequest,
    signal: &Signal,
    parse: Parser<T>,
    retries: Option<u32>,
) -> Result<T, Error> {
    // A signal that has already aborted stops the call before fetch is called.
    // NOTE: a network failure before any request left (no global fetch, a
    // custom fetch that throws at once) is still flagged for a POST, which
    // errs on the side of checking.
    let aborted_before_send = is_aborted(signal.js());
    let response = client
        .send(request, signal.js(), retries)
        .await
        .map_err(|failure| {
            let error = from_call_failure(failure);
            if request.is_idempotent() || aborted_before_send {
                error
            } else {
                error.sent_without_response()
            }
        })?;
    parse_response(&response, parse)
}

fn is_aborted(signal: &JsValue) -> bool {
    signal.is_object()
        && js_sys::Reflect::get(signal, &"aborted".into())
            .ok()
            .and_then(|value| value.as_bool())
            .unwrap_or(false)
}

fn parse_response<T>(response: &HttpResponse, parse: Parser<T>) -> Result<T, Error> {
    parse(response.status, response.content_type.as_deref(), &response.body).map_err(|error| {
        match client_retry_after(response) {
            Some(wait) => error.with_retry_after(Some(crate::retry::retry_after_seconds(wait))),
            None => error,
        }
    })
}
