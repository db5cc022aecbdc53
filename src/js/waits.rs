//! Polling loops: waiting for a storage state or for an import to finish,
//! and the opt-in "wait until online, then send once more" of mutations.

use std::time::Duration;

use js_sys::Function;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

use super::args::{parse_arg, split_members};
use super::call::{call, call_with_retries, check_signal, Parser, Signal};
use super::convert::{storage_to_js, to_plain};
use crate::error::{codes, Error};
use crate::input::JsInput;
use crate::model::{Storage, StorageImport, StorageState};
use crate::request::{self, ApiRequest};
use crate::response;
use crate::transport::{now_ms, AbortCause, CallSignal, Client};
use crate::wait::{import_wait_step, storage_wait_step, wait_timeout, PollSchedule, TransientErrors, WaitStep};

const DEFAULT_WAIT_TIMEOUT_MS: f64 = 600_000.0;
const DEFAULT_INTERVAL_MS: f64 = 1_000.0;
/// The pause between polls grows from `intervalMs` up to this many times it.
const MAX_INTERVAL_FACTOR: f64 = 10.0;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct WaitOptionsInput {
    #[serde(default)]
    timeout_ms: Option<f64>,
    #[serde(default)]
    interval_ms: Option<f64>,
}

impl JsInput for WaitOptionsInput {}

/// How long and how often to poll, and whom to tell about each poll.
#[derive(Clone)]
pub(crate) struct WaitSettings {
    pub(crate) timeout_ms: f64,
    pub(crate) schedule: PollSchedule,
    pub(crate) on_poll: Option<Function>,
}

impl Default for WaitSettings {
    fn default() -> Self {
        WaitSettings {
            timeout_ms: DEFAULT_WAIT_TIMEOUT_MS,
            schedule: schedule(DEFAULT_INTERVAL_MS),
            on_poll: None,
        }
    }
}

fn schedule(interval_ms: f64) -> PollSchedule {
    PollSchedule {
        initial: Duration::from_secs_f64(interval_ms / 1000.0),
        factor: 1.5,
        max: Duration::from_secs_f64(interval_ms * MAX_INTERVAL_FACTOR / 1000.0),
    }
}

/// Reads the wait options `{ timeoutMs?, intervalMs?, onPoll?, signal? }`.
pub(crate) fn wait_options(options: &JsValue) -> Result<(Signal, WaitSettings), Error> {
    let (data, members) = split_members(options, &["signal", "onPoll"], "options")?;
    let mut members = members.into_iter();
    let signal = check_signal(members.next().unwrap_or(JsValue::UNDEFINED))?;
    let on_poll = members.next().unwrap_or(JsValue::UNDEFINED);
    let input: WaitOptionsInput = parse_arg(&data, "options")?;

    let timeout_ms = positive_ms(input.timeout_ms, DEFAULT_WAIT_TIMEOUT_MS, "timeoutMs")?;
    let interval_ms = positive_ms(input.interval_ms, DEFAULT_INTERVAL_MS, "intervalMs")?;
    let on_poll = if on_poll.is_undefined() || on_poll.is_null() {
        None
    } else {
        Some(
            on_poll
                .dyn_into::<Function>()
                .map_err(|_| Error::validation("onPoll", "onPoll must be a function."))?,
        )
    };
    Ok((signal, WaitSettings { timeout_ms, schedule: schedule(interval_ms), on_poll }))
}

fn positive_ms(value: Option<f64>, default: f64, field: &str) -> Result<f64, Error> {
    match value {
        None => Ok(default),
        Some(ms) if ms.is_finite() && ms > 0.0 => Ok(ms),
        Some(_) => Err(Error::validation(field, format!("{field} must be a positive number of milliseconds."))),
    }
}

/// Polls a storage until it is in `target`. Rejects with `STORAGE_ERROR` as
/// soon as it is in `error` (unless that is the target), with `TIMEOUT` when
/// `settings.timeout_ms` runs out, and with the last error after more than
/// three transient failures in a row.
pub(crate) async fn wait_for_storage_state(
    client: &Client,
    uuid: &str,
    target: &StorageState,
    settings: &WaitSettings,
    signal: &Signal,
) -> Result<Storage, Error> {
    let request = request::get_storage(uuid)?;
    let what = format!("storage {uuid} to be {target}");
    let step = |storage: &Storage| storage_wait_step(storage, target);
    let to_js = |storage: &Storage| storage_to_js(client, storage).unwrap_or(JsValue::UNDEFINED);
    let target_poll = PollTarget { request: &request, parse: response::parse_storage, what: &what };
    poll_until(client, target_poll, settings, signal, step, to_js)
    .await
    .map_err(|error| with_storage(error, uuid))
}

/// Polls the import of a storage until it is `completed`. Rejects with
/// `IMPORT_FAILED` or `IMPORT_CANCELLED` as soon as it ends otherwise.
pub(crate) async fn wait_for_import(
    client: &Client,
    storage_uuid: &str,
    settings: &WaitSettings,
    signal: &Signal,
) -> Result<StorageImport, Error> {
    let request = request::get_import(storage_uuid)?;
    let what = format!("the import into storage {storage_uuid} to complete");
    let step = |import: &StorageImport| import_wait_step(import, storage_uuid);
    let to_js = |import: &StorageImport| to_plain(import).unwrap_or(JsValue::UNDEFINED);
    let target_poll = PollTarget { request: &request, parse: response::parse_import, what: &what };
    poll_until(client, target_poll, settings, signal, step, to_js)
    .await
    .map_err(|error| with_storage(error, storage_uuid))
}

fn with_storage(error: Error, uuid: &str) -> Error {
    if error.storage_uuid.is_some() || error.code == codes::VALIDATION_ERROR {
        error
    } else {
        error.with_storage_uuid(uuid)
    }
}

/// The target of a wait: the request, its response parser, and a description
/// of the awaited condition for the `TIMEOUT` message.
struct PollTarget<'a, T> {
    request: &'a ApiRequest,
    parse: Parser<T>,
    what: &'a str,
}

/// Polls `target.request` until `step` reports done. Each poll is one attempt
/// without transport retries, because transient failures are counted here
/// instead. A `Retry-After` longer than the next pause lengthens it.
async fn poll_until<T>(
    client: &Client,
    target: PollTarget<'_, T>,
    settings: &WaitSettings,
    signal: &Signal,
    step: impl Fn(&T) -> Result<WaitStep, Error>,
    to_js: impl Fn(&T) -> JsValue,
) -> Result<T, Error> {
    let PollTarget { request, parse, what } = target;
    let wait_signal = CallSignal::new(signal.js(), Some(settings.timeout_ms));
    let poll_signal = Signal(wait_signal.signal());
    let started = now_ms();
    let stopped = |cause: Option<AbortCause>| match cause {
        Some(AbortCause::Timeout) => wait_timeout(what, Duration::from_secs_f64((now_ms() - started).max(0.0) / 1000.0)),
        _ => Error::aborted(),
    };
    if let Some(cause) = wait_signal.cause() {
        return Err(stopped(Some(cause)));
    }

    let mut transient = TransientErrors::default();
    let mut poll: u32 = 0;
    loop {
        let mut retry_after = None;
        match call_with_retries(client, request, &poll_signal, parse, Some(0)).await {
            Ok(value) => {
                transient.on_success();
                if let Some(on_poll) = &settings.on_poll {
                    // A throwing callback must not end the wait; it only observes.
                    let _ = on_poll.call1(&JsValue::UNDEFINED, &to_js(&value));
                }
                if step(&value)? == WaitStep::Done {
                    return Ok(value);
                }
            }
            Err(error) if error.code == codes::ABORTED => return Err(stopped(wait_signal.cause())),
            Err(error) => {
                retry_after = error.retry_after;
                transient.on_error(error)?;
            }
        }

        let mut delay = settings.schedule.delay(poll);
        if let Some(seconds) = retry_after {
            delay = delay.max(Duration::from_secs(seconds));
        }
        poll = poll.saturating_add(1);
        wait_signal
            .sleep(delay.as_secs_f64() * 1000.0)
            .await
            .map_err(|cause| stopped(Some(cause)))?;
    }
}

/// Sends a request that changes the storage `uuid`. With `wait_until_online`
/// a 409 `STORAGE_STATE_ILLEGAL` (the storage is busy) makes it wait for
/// `online` and send the request once more. A 409 means the API did not act,
/// so the repeat cannot do the work twice.
pub(crate) async fn mutate<T>(
    client: &Client,
    request: &ApiRequest,
    signal: &Signal,
    parse: Parser<T>,
    uuid: &str,
    wait_until_online: bool,
) -> Result<T, Error> {
    match call(client, request, signal, parse).await {
        Err(error) if wait_until_online && is_busy(&error) => {
            let settings = WaitSettings::default();
            wait_for_storage_state(client, uuid, &StorageState::Online, &settings, signal).await?;
            call(client, request, signal, parse).await
        }
        result => result,
    }
}

fn is_busy(error: &Error) -> bool {
    error.status == Some(409) && error.code == "STORAGE_STATE_ILLEGAL"
}
