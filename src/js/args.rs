//! Reading arguments that come from JS.

use js_sys::{Array, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use super::strict::StrictValue;
use crate::input::JsInput;
use crate::transport::is_abort_signal;

#[wasm_bindgen(module = "/src/js/args.js")]
extern "C" {
    #[wasm_bindgen(js_name = plainJson, catch)]
    fn plain_json(value: &JsValue) -> Result<Option<String>, JsValue>;

    #[wasm_bindgen(js_name = splitMembers, catch)]
    fn split_members_js(value: &JsValue, names: &Array) -> Result<JsValue, JsValue>;
}

/// Deserializes a JS argument into `T`. Wrong types, unknown option names and
/// values that are not plain data become a `VALIDATION_ERROR` naming the
/// argument or the field inside it.
///
/// The value goes through `serde_json::Value` first, so that the checks for
/// read-only fields see every name the caller gave.
pub(crate) fn parse_arg<T: JsInput>(value: &JsValue, argument: &str) -> Result<T, Error> {
    reject_bare_signal(value, argument)?;
    let mut json = to_json(value, argument)?;
    check_read_only::<T>(&mut json, argument)?;
    crate::input::from_js_input(StrictValue(json), argument)
}

/// Rejects every read-only field of `T` given in `json` at once, so that a
/// caller who passed a whole storage (`{ ...storage, title }`) learns all the
/// fields to drop from one error. A read-only field set to `null` or
/// `undefined` means "not set", as for every other field, and is removed.
fn check_read_only<T: JsInput>(json: &mut Value, argument: &str) -> Result<(), Error> {
    let Some(object) = json.as_object_mut() else {
        return Ok(());
    };
    object.retain(|name, value| !(value.is_null() && T::READ_ONLY_FIELDS.contains(&name.as_str())));
    let given: Vec<&str> = T::READ_ONLY_FIELDS
        .iter()
        .copied()
        .filter(|name| object.contains_key(*name))
        .collect();
    let Some(first) = given.first() else {
        return Ok(());
    };
    let names = given.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    let verb = if given.len() == 1 { "is" } else { "are" };
    Err(Error::validation(
        *first,
        format!(
            "{names} {verb} read-only and cannot be sent in {argument}; the fields that can be set are {}",
            T::ACCEPTED_FIELDS.join(", ")
        ),
    ))
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
    let not_plain = || {
        Error::validation(
            argument,
            format!("{argument} must contain only plain data: objects, arrays, strings, numbers, booleans and null."),
        )
    };
    let text = plain_json(value).map_err(|_| unreadable(argument))?.ok_or_else(not_plain)?;
    serde_json::from_str(&text).map_err(|_| not_plain())
}

/// Splits the members named in `names` (functions, signals and other values
/// that are not plain data) off an options object. Returns a copy without
/// them, to be parsed as data, and their values in the order of `names`
/// (`undefined` when absent). `undefined` and `null` give an empty object;
/// any other value that is not an object is returned as it is, so parsing
/// it reports the type error. An object whose properties cannot be read
/// (a throwing getter or Proxy) gives a `VALIDATION_ERROR` naming `argument`.
/// An AbortSignal given in place of the object is a `VALIDATION_ERROR`.
pub(crate) fn split_members(value: &JsValue, names: &[&str], argument: &str) -> Result<(JsValue, Vec<JsValue>), Error> {
    reject_bare_signal(value, argument)?;
    let names_js: Array = names.iter().map(|name| JsValue::from_str(name)).collect();
    let split = split_members_js(value, &names_js).map_err(|_| unreadable(argument))?;
    let rest = Reflect::get(&split, &"rest".into()).unwrap_or(JsValue::UNDEFINED);
    let members: Array = Reflect::get(&split, &"members".into())
        .map(|members| members.unchecked_into())
        .unwrap_or_else(|_| Array::new());
    let members = (0..names.len() as u32).map(|index| members.get(index)).collect();
    Ok((rest, members))
}

/// Rejects an AbortSignal given where an object of options or data belongs.
/// Read as an object it has no fields, so it would be ignored silently.
fn reject_bare_signal(value: &JsValue, argument: &str) -> Result<(), Error> {
    if !is_abort_signal(value) {
        return Ok(());
    }
    Err(Error::validation(
        argument,
        format!(
            "{argument} must be an object, not an AbortSignal: pass the signal as {{ signal }} in the last argument."
        ),
    ))
}

fn unreadable(argument: &str) -> Error {
    Error::validation(
        argument,
        format!("{argument} could not be read: a property getter or Proxy threw, or it is nested too deeply."),
    )
}
