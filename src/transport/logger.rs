//! The opt-in logger: a function `(level, message, fields)` or an object
//! with `debug`/`info`/`warn`/`error` methods taking `(message, fields)`.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Severity of a log line; the names are the logger's method names.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Level {
    Debug,
    Info,
    Warn,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
        }
    }
}

/// A logger given by the user. Fields are only method, API path, status,
/// attempt and duration: never headers, bodies or URLs of upload sessions.
#[derive(Clone, Debug)]
pub(crate) struct Logger {
    target: JsValue,
}

impl Logger {
    /// Wraps `value` when it is a function or an object, else returns `None`.
    pub(crate) fn from_js(value: JsValue) -> Option<Logger> {
        (value.is_function() || value.is_object()).then_some(Logger { target: value })
    }

    /// Sends one line. A logger that throws is ignored: logging must never
    /// make a call fail.
    pub(crate) fn log(&self, level: Level, message: &str, fields: &[(&str, JsValue)]) {
        let record = Object::new();
        for (name, value) in fields {
            let _ = Reflect::set(&record, &(*name).into(), value);
        }

        if let Some(function) = self.target.dyn_ref::<Function>() {
            let _ = function.call3(&JsValue::UNDEFINED, &level.name().into(), &message.into(), &record);
            return;
        }
        let method = Reflect::get(&self.target, &level.name().into()).ok();
        if let Some(method) = method.and_then(|value| value.dyn_into::<Function>().ok()) {
            let _ = method.call2(&self.target, &message.into(), &record);
        }
    }
}
