//! The API client: a cheap cloneable handle with the manager's settings, and
//! the one function that sends an API request with authentication, a
//! timeout, the caller's abort signal and retries.

use std::rc::Rc;

use wasm_bindgen::JsValue;

use super::auth::Credentials;
use crate::request::{ApiRequest, API_PREFIX};
use crate::retry::{parse_retry_after, retry_decision, Outcome, RetryPolicy};
use super::fetch::{send, FetchFailure, HttpRequest, HttpResponse};
use super::logger::{Level, Logger};
use super::signals::{now_ms, AbortCause, CallSignal};

/// Settings fixed when the manager is created.
#[derive(Debug)]
pub(crate) struct ClientConfig {
    /// API root including the version and without a trailing slash, such as
    /// `https://api.upcloud.com/1.3`.
    pub(crate) base_url: String,
    pub(crate) credentials: Credentials,
    /// The user's fetch function; `None` means `globalThis.fetch`.
    pub(crate) fetch: Option<js_sys::Function>,
    /// Time limit of one API call including its retries; `None` means none.
    pub(crate) timeout_ms: Option<f64>,
    /// How many times a failed attempt may be repeated.
    pub(crate) retries: u32,
    pub(crate) logger: Option<Logger>,
}

/// The shared state of a manager. Cloning it is cheap, so every exported
/// async method moves its own clone into its future and two calls at once
/// never share a borrow.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    config: Rc<ClientConfig>,
}

/// The reason an API call produced no response to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CallFailure {
    /// No response came back, even after the allowed retries.
    Network(String),
    /// The call's time limit ran out.
    Timeout,
    /// The caller's signal aborted.
    Aborted,
}

impl From<AbortCause> for CallFailure {
    fn from(cause: AbortCause) -> Self {
        match cause {
            AbortCause::User => CallFailure::Aborted,
            AbortCause::Timeout => CallFailure::Timeout,
        }
    }
}

impl Client {
    pub(crate) fn new(config: ClientConfig) -> Client {
        Client { config: Rc::new(config) }
    }

    /// Sends `request` and returns the final response, whatever its status.
    ///
    /// `user_signal` is the caller's AbortSignal or `undefined`; an already
    /// aborted signal fails before anything is sent. Retries follow
    /// [`crate::retry::retry_decision`]: network failures and 429/502/503/504
    /// are repeated for GET, PUT and DELETE, never for a POST, because a POST
    /// may create something twice. `retries` overrides the manager's retry
    /// count for this call.
    pub(crate) async fn send(
        &self,
        request: &ApiRequest,
        user_signal: &JsValue,
        retries: Option<u32>,
    ) -> Result<HttpResponse, CallFailure> {
        let policy = RetryPolicy {
            max_retries: retries.unwrap_or(self.config.retries),
            ..RetryPolicy::default()
        };
        let signal = CallSignal::new(user_signal, self.config.timeout_ms);
        if let Some(cause) = signal.cause() {
            return Err(cause.into());
        }

        let url = self.url_of(request);
        let body = request.body_json();
        let mut headers = vec![
            ("Accept", "application/json"),
            ("Authorization", self.config.credentials.header_value()),
        ];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let http = HttpRequest {
            method: request.method.as_str(),
            url: &url,
            headers: &headers,
            body: body.as_deref(),
        };

        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let started = now_ms();
            let outcome = send(self.config.fetch.as_ref(), &http, &signal).await;
            self.log_attempt(request, attempt, started, &outcome);

            let result = match &outcome {
                Ok(response) if (200..300).contains(&response.status) => Outcome::Response {
                    status: response.status,
                    retry_after: None,
                },
                Ok(response) => Outcome::Response {
                    status: response.status,
                    retry_after: retry_after_of(response),
                },
                Err(FetchFailure::Aborted(cause)) => return Err((*cause).into()),
                Err(FetchFailure::Network(_)) => Outcome::NetworkError,
            };
            let success = matches!(&outcome, Ok(response) if response.status < 400);
            let delay = if success {
                None
            } else {
                retry_decision(&policy, request.is_idempotent(), attempt, result, js_sys::Math::random())
            };

            match delay {
                None => {
                    return outcome.map_err(|failure| match failure {
                        FetchFailure::Network(message) => CallFailure::Network(self.redact(&message)),
                        FetchFailure::Aborted(cause) => cause.into(),
                    })
                }
                Some(delay) => signal.sleep(delay.as_secs_f64() * 1000.0).await.map_err(CallFailure::from)?,
            }
        }
    }

    /// The base URL already ends in the API version, which request paths
    /// start with too, so the version is taken from the base URL alone.
    fn url_of(&self, request: &ApiRequest) -> String {
        let path = request.path_and_query();
        let below_version = path.strip_prefix(API_PREFIX).unwrap_or(&path);
        format!("{}{}", self.config.base_url, below_version)
    }

    fn log_attempt(
        &self,
        request: &ApiRequest,
        attempt: u32,
        started: f64,
        outcome: &Result<HttpResponse, FetchFailure>,
    ) {
        let Some(logger) = &self.config.logger else {
            return;
        };
        let path = request.path.as_str();
        let method = request.method.as_str();
        let mut fields = vec![
            ("method", JsValue::from_str(method)),
            ("path", JsValue::from_str(path)),
            ("attempt", JsValue::from(attempt)),
            ("durationMs", JsValue::from((now_ms() - started).round())),
        ];
        let (level, message) = match outcome {
            Ok(response) => {
                fields.push(("status", JsValue::from(response.status)));
                let level = if response.status >= 500 || response.status == 429 { Level::Warn } else { Level::Debug };
                (level, format!("{method} {path} -> {}", response.status))
            }
            Err(FetchFailure::Network(reason)) => {
                fields.push(("status", JsValue::NULL));
                (Level::Warn, format!("{method} {path} failed: {reason}"))
            }
            Err(FetchFailure::Aborted(cause)) => {
                fields.push(("status", JsValue::NULL));
                let what = match cause {
                    AbortCause::User => "aborted",
                    AbortCause::Timeout => "timed out",
                };
                (Level::Info, format!("{method} {path} {what}"))
            }
        };
        logger.log(level, &self.redact(&message), &fields);
    }

    /// Cuts this manager's credentials, and any `Authorization`-looking
    /// value, out of `text` that is about to reach JS.
    pub(crate) fn redact(&self, text: &str) -> String {
        self.config.credentials.redact(text)
    }
}


/// Parses the response's `Retry-After` into a delay from now, if it has a valid one.
pub(crate) fn retry_after_of(response: &HttpResponse) -> Option<std::time::Duration> {
    let value = response.retry_after.as_deref()?;
    parse_retry_after(value, js_sys::Date::now().max(0.0) as u64)
}
