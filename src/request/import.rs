//! Requests on storage imports: create, details and cancel.

use serde_json::{json, Map, Value};

use super::{ApiRequest, Method, API_PREFIX};
use crate::error::Error;
use crate::input::CreateImport;
use crate::model::ImportSource;
use crate::validate;

fn import_path(storage_uuid: &str) -> Result<String, Error> {
    validate::uuid("uuid", storage_uuid)?;
    Ok(format!("{API_PREFIX}/storage/{storage_uuid}/import"))
}

/// Starts an import into a storage. `POST /1.3/storage/{uuid}/import`
///
/// A `direct_upload` import returns a `direct_upload_url` to PUT the data
/// to; an `http_import` makes UpCloud download `sourceLocation`.
///
/// **Warning:** the image is written over the storage from its first byte.
/// Existing data past the end of the image stays.
pub fn create_import(storage_uuid: &str, input: &CreateImport) -> Result<ApiRequest, Error> {
    let path = import_path(storage_uuid)?;

    let mut fields = Map::new();
    match ImportSource::from_wire(&input.source) {
        ImportSource::HttpImport => {
            let location = input.source_location.as_deref().unwrap_or_default();
            if location.is_empty() {
                return Err(Error::validation(
                    "sourceLocation",
                    "is missing; an http_import needs the http:// or https:// URL to download",
                ));
            }
            validate::import_url("sourceLocation", location)?;
            fields.insert("source".into(), json!("http_import"));
            fields.insert("source_location".into(), json!(location));
        }
        ImportSource::DirectUpload => {
            // The API ignores an empty source_location on direct uploads, so
            // "" is read as "not set" rather than sent.
            if input.source_location.as_deref().is_some_and(|location| !location.is_empty()) {
                return Err(Error::validation(
                    "sourceLocation",
                    "must not be set for a direct_upload import; the data is PUT to the returned directUploadUrl",
                ));
            }
            fields.insert("source".into(), json!("direct_upload"));
        }
        ImportSource::Other(_) => {
            return Err(Error::validation(
                "source",
                "is not an import source; use direct_upload or http_import",
            ));
        }
    }

    Ok(ApiRequest::new(Method::Post, path).with_body(json!({ "storage_import": Value::Object(fields) })))
}

/// Gets the latest import of a storage, finished or not. `GET /1.3/storage/{uuid}/import`
pub fn get_import(storage_uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Get, import_path(storage_uuid)?))
}

/// Cancels the running import of a storage. `POST /1.3/storage/{uuid}/import/cancel`
pub fn cancel_import(storage_uuid: &str) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::new(Method::Post, format!("{}/cancel", import_path(storage_uuid)?)))
}
