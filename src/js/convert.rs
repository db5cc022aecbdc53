//! Results for JS: the core's model values become plain objects with
//! camelCase keys and `null` for absent values, and storages become
//! instances of the `Storage` class.
//!
//! Results cross into JS as one JSON text for `JSON.parse`, because
//! setting properties one at a time from wasm is slower for lists of
//! thousands of storages.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::manager::CloudManager;
use crate::error::Error;
use crate::model::Storage;
use crate::transport::Client;

#[wasm_bindgen(module = "/src/js/storage.js")]
extern "C" {
    #[wasm_bindgen(js_name = parseData)]
    fn parse_data(json: &[u8]) -> JsValue;

    #[wasm_bindgen(js_name = createStorage)]
    fn create_storage_object(json: &[u8], manager: JsValue) -> JsValue;

    #[wasm_bindgen(js_name = createStorages)]
    fn create_storage_objects(json: &[u8], manager: JsValue) -> JsValue;
}

/// An estimate of one storage's JSON size in bytes, so the buffer is sized once.
const STORAGE_JSON_BYTES: usize = 512;

/// Serializes `value` as UTF-8 JSON into a buffer of `capacity` bytes to
/// start with. JS reads the bytes straight out of wasm memory and decodes
/// them, so no Rust `String` is built or checked.
fn to_json<T: Serialize + ?Sized>(value: &T, capacity: usize) -> Result<Vec<u8>, Error> {
    let mut json = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut json, value)
        .map_err(|error| Error::decode(None, format!("A result could not be converted for JavaScript: {error}")))?;
    Ok(json)
}

/// Converts a serializable value to plain JS data. `None` becomes `null`
/// rather than `undefined`, so `JSON.stringify` keeps the key, and maps
/// become objects. Integers up to 2^53 stay exact numbers; larger ones,
/// which would be byte counts over 8 PiB, are rounded as JS numbers are.
pub(crate) fn to_plain<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    Ok(parse_data(&to_json(value, STORAGE_JSON_BYTES)?))
}

/// Builds a `Storage` object whose methods act through a manager that
/// shares `client`'s settings.
pub(crate) fn storage_to_js(client: &Client, storage: &Storage) -> Result<JsValue, Error> {
    let manager = JsValue::from(CloudManager { client: client.clone() });
    Ok(create_storage_object(&to_json(storage, STORAGE_JSON_BYTES)?, manager))
}

/// Builds an array of `Storage` objects that share one manager object.
pub(crate) fn storages_to_js(client: &Client, storages: &[Storage]) -> Result<JsValue, Error> {
    let manager = JsValue::from(CloudManager { client: client.clone() });
    Ok(create_storage_objects(&to_json(storages, STORAGE_JSON_BYTES * storages.len())?, manager))
}
