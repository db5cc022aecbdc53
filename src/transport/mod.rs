//! The only code that calls `fetch`: one HTTP exchange (`fetch`), the abort
//! and timeout plumbing (`signals`), the opt-in logger (`logger`), request
//! authentication (`auth`) and the API client that ties them together with
//! retries (`client`).

mod auth;
mod client;
mod fetch;
mod logger;
mod signals;
pub(crate) mod upload;

pub(crate) use auth::{redact_authorization, Credentials};
pub(crate) use client::{retry_after_of as client_retry_after, CallFailure, Client, ClientConfig};
pub(crate) use fetch::HttpResponse;
pub(crate) use logger::Logger;
pub(crate) use signals::{is_abort_signal, now_ms, AbortCause, CallSignal};
