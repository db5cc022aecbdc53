//! Rust side of `signals.js`: one linked abort signal per call, and sleeps
//! that end early when that signal aborts.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/transport/signals.js")]
extern "C" {
    #[wasm_bindgen(js_name = linkSignals)]
    fn link_signals(user_signal: &JsValue, timeout_ms: Option<f64>) -> LinkedSignal;

    #[wasm_bindgen(js_name = sleep)]
    fn sleep_js(ms: f64, signal: &JsValue) -> Promise;

    #[wasm_bindgen(js_name = raceAbort)]
    fn race_abort(promise: &Promise, signal: &JsValue) -> Promise;

    #[wasm_bindgen(js_name = now)]
    pub(crate) fn now_ms() -> f64;

    #[wasm_bindgen(js_name = isAbortSignal)]
    pub(crate) fn is_abort_signal(value: &JsValue) -> bool;

    type LinkedSignal;

    #[wasm_bindgen(method, getter)]
    fn signal(this: &LinkedSignal) -> JsValue;

    #[wasm_bindgen(method)]
    fn reason(this: &LinkedSignal) -> Option<String>;

    #[wasm_bindgen(method)]
    fn dispose(this: &LinkedSignal);
}

/// Why a call's signal fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AbortCause {
    /// The caller's own `AbortSignal` aborted.
    User,
    /// The call ran longer than its timeout.
    Timeout,
}

/// The abort signal of one call: the caller's signal linked with the call's
/// timeout. Dropping it clears the timer and removes the listener it added to
/// the caller's signal, so a long-lived user signal collects no listeners.
pub(crate) struct CallSignal {
    linked: LinkedSignal,
}

impl CallSignal {
    /// Links `user_signal` (an AbortSignal, or `undefined`) with a timeout of
    /// `timeout_ms` milliseconds; `None` means no timeout.
    pub(crate) fn new(user_signal: &JsValue, timeout_ms: Option<f64>) -> CallSignal {
        CallSignal { linked: link_signals(user_signal, timeout_ms) }
    }

    /// Returns the signal to hand to `fetch`.
    pub(crate) fn signal(&self) -> JsValue {
        self.linked.signal()
    }

    /// Returns a promise that follows `promise` but rejects as soon as this
    /// call aborts, so a fetch that ignores its signal cannot hold the call.
    pub(crate) fn race(&self, promise: &Promise) -> Promise {
        race_abort(promise, &self.signal())
    }

    /// Returns which side aborted, or `None` while neither has.
    pub(crate) fn cause(&self) -> Option<AbortCause> {
        match self.linked.reason().as_deref() {
            Some("aborted") => Some(AbortCause::User),
            Some("timeout") => Some(AbortCause::Timeout),
            _ => None,
        }
    }

    /// Waits `ms` milliseconds, returning early with the cause if the call is
    /// aborted meanwhile.
    pub(crate) async fn sleep(&self, ms: f64) -> Result<(), AbortCause> {
        // The JS promise only ever resolves, to `false` on abort.
        let finished = JsFuture::from(sleep_js(ms, &self.signal())).await;
        match finished {
            Ok(value) if value.as_bool() == Some(true) => Ok(()),
            _ => Err(self.cause().unwrap_or(AbortCause::User)),
        }
    }
}

impl Drop for CallSignal {
    fn drop(&mut self) {
        self.linked.dispose();
    }
}
