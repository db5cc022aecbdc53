//! The one conversion from the core's error to the JS `UpCloudError`.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::{codes, Error};
use crate::transport::{redact_authorization, CallFailure};

#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = createUpCloudError)]
    fn create_up_cloud_error(message: &str, details: &Object) -> JsValue;
}

/// Builds the `UpCloudError` for `error`. An HTTP error whose body carried
/// no UpCloud code gets `code: null`, so `code` is only ever a real UpCloud
/// code or one of this package's documented codes.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let details = Object::new();
    let code = if error.code == codes::HTTP_ERROR { None } else { Some(error.code.as_str()) };
    set(&details, "code", code.map(JsValue::from_str));
    set(&details, "status", error.status.map(JsValue::from));
    set(&details, "field", error.field.as_deref().map(JsValue::from_str));
    set(&details, "correlationId", error.correlation_id.as_deref().map(JsValue::from_str));
    set(&details, "retryAfter", error.retry_after.map(|seconds| JsValue::from(seconds as f64)));
    set(&details, "storageUuid", error.storage_uuid.as_deref().map(JsValue::from_str));
    set(&details, "importErrorCode", error.import_error_code.as_deref().map(JsValue::from_str));
    set(
        &details,
        "importErrorMessage",
        error.import_error_message.as_deref().map(|text| JsValue::from_str(&redact_authorization(text))),
    );

    set(&details, "mayHaveReachedServer", Some(JsValue::from_bool(error.may_have_reached_server)));

    if !error.invalid_params.is_empty() {
        let params = Array::new();
        for param in &error.invalid_params {
            let entry = Object::new();
            set(&entry, "name", Some(JsValue::from_str(&param.name)));
            set(&entry, "reason", Some(JsValue::from_str(&param.reason)));
            params.push(&entry);
        }
        set(&details, "invalidParams", Some(params.into()));
    }

    // Errors built away from a manager are still cleared of anything that
    // looks like an Authorization value.
    create_up_cloud_error(&redact_authorization(&message_of(error)), &details)
}

/// Names the field in every validation message, because JS readers often see
/// the message alone: in front of messages that the core words as a predicate
/// (`is not a UUID`), and after messages that do not mention it yet.
fn message_of(error: &Error) -> String {
    match &error.field {
        Some(field) if error.code == codes::VALIDATION_ERROR && error.message.starts_with("is ") => {
            format!("{field} {}", error.message)
        }
        Some(field) if error.code == codes::VALIDATION_ERROR && !error.message.contains(field.as_str()) => {
            format!("{} (field `{field}`)", error.message)
        }
        _ => error.message.clone(),
    }
}

fn set(target: &Object, name: &str, value: Option<JsValue>) {
    let _ = Reflect::set(target, &name.into(), &value.unwrap_or(JsValue::NULL));
}

/// Maps a transport failure to the core's error type.
pub(crate) fn from_call_failure(failure: CallFailure) -> Error {
    match failure {
        CallFailure::Network(message) => Error::network(format!("The request failed: {message}")),
        CallFailure::Timeout => Error::timeout("The call took longer than its timeoutMs and was stopped."),
        CallFailure::Aborted => Error::aborted(),
    }
}
