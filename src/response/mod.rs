//! Pure parsing of API responses: status, content type and body in, a value or one typed error out.
//!
//! Every parser first maps a non-2xx status to an [`Error`] that keeps the HTTP
//! status and UpCloud's code verbatim, then decodes the body into the model.
//! A body that does not have the documented shape is a `DECODE_ERROR`. No
//! input makes a parser panic.

mod error;
mod excerpt;
mod path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{redact_quoted, Error};
use crate::model::{quirks, Server, Storage, StorageImport, UploadResult};

pub use error::error_from_response;
pub use excerpt::{text_excerpt, MAX_EXCERPT_CHARS};

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn decode<T: DeserializeOwned>(status: u16, body: &[u8], what: &str) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::decode(
            Some(status),
            format!("The {what} response has an empty body."),
        ));
    }

    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(&mut deserializer).map_err(|error| {
        let reason = if error.is_syntax() || error.is_eof() {
            "it is not valid JSON".to_string()
        } else {
            let whole_object = error.to_string().starts_with("missing field");
            let path = path::path_at(body, error.line(), error.column(), whole_object);
            let text = redact_quoted(&error.to_string());
            let text = text.split(" at line ").next().unwrap_or_default().to_string();
            format!("{text} at `{path}`")
        };
        Error::decode(
            Some(status),
            format!("The {what} response does not have the expected shape: {reason}."),
        )
    })?;
    deserializer.end().map_err(|_| {
        Error::decode(
            Some(status),
            format!("The {what} response has data after its JSON value."),
        )
    })?;
    Ok(value)
}

fn parse<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    what: &str,
) -> Result<T, Error> {
    let body = without_bom(body);
    if !is_success(status) {
        return Err(error_from_response(status, content_type, body));
    }
    decode(status, body, what)
}

/// Drops a UTF-8 byte order mark, which `Response.text()` would drop too.
fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

#[derive(Deserialize)]
struct StorageEnvelope {
    storage: Storage,
}

#[derive(Deserialize)]
struct StorageListEnvelope {
    #[serde(deserialize_with = "quirks::wrapped_list")]
    storages: Vec<Storage>,
}

#[derive(Deserialize)]
struct ImportEnvelope {
    storage_import: StorageImport,
}

#[derive(Deserialize)]
struct ServerEnvelope {
    server: Server,
}

#[derive(Deserialize)]
struct ResizeBackupEnvelope {
    resize_backup: Storage,
}

/// Parses `{"storage": {…}}`, the response to get, create, modify, clone, templatize and backup.
pub fn parse_storage(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Storage, Error> {
    parse::<StorageEnvelope>(status, content_type, body, "storage").map(|envelope| envelope.storage)
}

/// Parses `{"storages": {"storage": […]}}`, the response to a list.
pub fn parse_storage_list(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<Storage>, Error> {
    parse::<StorageListEnvelope>(status, content_type, body, "storage list")
        .map(|envelope| envelope.storages)
}

/// Parses `{"storage_import": {…}}`, the response to import create, details and cancel.
pub fn parse_import(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<StorageImport, Error> {
    parse::<ImportEnvelope>(status, content_type, body, "storage import")
        .map(|envelope| envelope.storage_import)
}

/// Parses the upload host's bare `{"written_bytes", "md5sum", "sha256sum"}` response to a direct-upload PUT.
pub fn parse_upload_result(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<UploadResult, Error> {
    parse::<UploadResult>(status, content_type, body, "upload")
}

/// Parses `{"server": {…}}`, the response to attach, detach, CD-ROM load and eject.
pub fn parse_server(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Server, Error> {
    parse::<ServerEnvelope>(status, content_type, body, "server").map(|envelope| envelope.server)
}

/// Parses `{"resize_backup": {…}}`, the response to a filesystem resize: the backup taken first.
pub fn parse_resize_backup(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Storage, Error> {
    parse::<ResizeBackupEnvelope>(status, content_type, body, "resize")
        .map(|envelope| envelope.resize_backup)
}

/// Checks the response to a call that returns nothing (delete, cancel, restore, favorites).
///
/// Any 2xx succeeds whatever its body, because such responses are 204 with no body
/// but some servers send `{}` with 200.
pub fn parse_empty(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<(), Error> {
    if is_success(status) {
        Ok(())
    } else {
        Err(error_from_response(status, content_type, without_bom(body)))
    }
}
