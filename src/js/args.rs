//! Reading arguments that come from JS.

use js_sys::{Object, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::input::JsInput;

/// Deserializes a JS argument into `T`. Wrong types, unknown option names and
/// values that are not plain data become a `VALIDATION_ERROR` naming the
/// argument or the field inside it.
///
/// The value goes through `serde_json::Value` first because serde-wasm-bindgen
/// reads a struct by looking up its declared field names only, so a misspelled
/// option would be ignored instead of rejected.
pub(crate) fn parse_arg<T: JsInput>(value: &JsValue, argument: &str) -> Result<T, Error> {
    crate::input::from_js_input(to_json(value, argument)?, argument)
}

/// Like [`parse_arg`], but `undefined` and `null` give `T::default()`.
pub(crate) fn parse_optional_arg<T: JsInput + Default>(
    value: &JsValue,
    argument: &str,
) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        parse_arg(value, argument)
    }
}

/// Reads a required string argument such as a UUID or a title.
pub(crate) fn string_arg(value: &JsValue, argument: &str) -> Result<String, Error> {
    match value.as_string() {
        Some(text) if !text.is_empty() => Ok(text),
        Some(_) => Err(Error::validation(argument, format!("{argument} must not be empty."))),
        None => Err(Error::validation(argument, format!("{argument} must be a string."))),
    }
}

fn to_json(value: &JsValue, argument: &str) -> Result<Value, Error> {
    serde_wasm_bindgen::from_value(value.clone()).map_err(|_| {
        Error::validation(
            argument,
            format!("{argument} must contain only plain data: objects, arrays, strings, numbers, booleans and null."),
        )
    })
}

/// Splits the members named in `names` (functions, signals and other values
/// that are not plain data) off an options object. Returns a shallow copy
/// without them, to be parsed as data, and their values in the order of
/// `names` (`undefined` when absent). `undefined` and `null` give an empty
/// object; anything else that is not an object is returned as is, so parsing
/// it reports the type error.
pub(crate) fn split_members(value: &JsValue, names: &[&str]) -> (JsValue, Vec<JsValue>) {
    if value.is_undefined() || value.is_null() {
        return (Object::new().into(), vec![JsValue::UNDEFINED; names.len()]);
    }
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
        return (value.clone(), vec![JsValue::UNDEFINED; names.len()]);
    }

    let rest = Object::assign(&Object::new(), value.unchecked_ref());
    let members = names
        .iter()
        .map(|name| {
            let member = Reflect::get(value, &(*name).into()).unwrap_or(JsValue::UNDEFINED);
            let _ = Reflect::delete_property(&rest, &(*name).into());
            member
        })
        .collect();
    (rest.into(), members)
}
