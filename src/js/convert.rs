//! Results for JS: the core's model values become plain objects with
//! camelCase keys and `null` for absent values, and storages become
//! instances of the `Storage` class.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::manager::CloudManager;
use crate::error::Error;
use crate::model::Storage;
use crate::transport::Client;

#[wasm_bindgen(module = "/src/js/storage.js")]
extern "C" {
    #[wasm_bindgen(js_name = createStorage)]
    fn create_storage_object(data: &JsValue, manager: &JsValue) -> JsValue;
}

/// Converts a serializable value to plain JS data. `None` becomes `null`
/// rather than `undefined`, so `JSON.stringify` keeps the key, and maps
/// become objects. Integers up to 2^53 stay exact numbers.
pub(crate) fn to_plain<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|error| Error::decode(None, format!("A result could not be converted for JavaScript: {error}")))
}

/// Builds a `Storage` object whose methods act through a manager that
/// shares `client`'s settings.
pub(crate) fn storage_to_js(client: &Client, storage: &Storage) -> Result<JsValue, Error> {
    let manager = JsValue::from(CloudManager { client: client.clone() });
    Ok(create_storage_object(&to_plain(storage)?, &manager))
}

/// Builds an array of `Storage` objects that share one manager object.
pub(crate) fn storages_to_js(client: &Client, storages: &[Storage]) -> Result<JsValue, Error> {
    let manager = JsValue::from(CloudManager { client: client.clone() });
    let array = js_sys::Array::new();
    for storage in storages {
        array.push(&create_storage_object(&to_plain(storage)?, &manager));
    }
    Ok(array.into())
}
