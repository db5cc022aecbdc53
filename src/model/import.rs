//! The storage import object and the upload host's response to a direct upload.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::enums::{ImportSource, ImportState};
use super::quirks;
use crate::error::redact_url_userinfo;

/// A storage import: data written into a storage from an upload or an HTTP download.
///
/// **Warning:** `directUploadUrl` is a credential. Anyone holding it can write to
/// the storage until the import ends, so never log or display it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct StorageImport {
    /// The import UUID; also the last path segment of `directUploadUrl`.
    pub uuid: String,
    /// `direct_upload` or `http_import`.
    pub source: ImportSource,
    /// The URL UpCloud downloads from (`http_import` only).
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub source_location: Option<String>,
    /// The URL to PUT the data to (`direct_upload` only). Its host may be in another zone than the storage.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub direct_upload_url: Option<String>,
    /// `prepared`, `pending`, `importing`, `completed`, `failed`, `cancelling`, `cancelled`, or a newer one.
    pub state: ImportState,
    /// When the import was created, RFC 3339 UTC.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub created: Option<String>,
    /// When the import finished; `null` until then.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub completed: Option<String>,
    /// Bytes received from the client or the remote server (compressed size for compressed input).
    #[serde(default, deserialize_with = "quirks::u64_from_number_or_string")]
    pub read_bytes: u64,
    /// Bytes written to the storage (the decompressed size).
    #[serde(default, deserialize_with = "quirks::u64_from_number_or_string")]
    pub written_bytes: u64,
    /// MD5 of the written (decompressed) data, hex; `null` until completed.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub md5sum: Option<String>,
    /// SHA-256 of the written (decompressed) data, hex; `null` until completed.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub sha256sum: Option<String>,
    /// The Content-Type the upload or the remote server sent; `null` before data arrives.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub client_content_type: Option<String>,
    /// The Content-Length the upload or the remote server sent; 0 for streamed uploads.
    #[serde(default, deserialize_with = "quirks::u64_from_number_or_string")]
    pub client_content_length: u64,
    /// UpCloud's code for a failed import; `null` otherwise.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub error_code: Option<String>,
    /// UpCloud's message for a failed import; `null` otherwise.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub error_message: Option<String>,
}

impl fmt::Debug for StorageImport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("StorageImport")
            .field("uuid", &self.uuid)
            .field("source", &self.source)
            .field("source_location", &self.source_location.as_deref().map(redact_url_userinfo))
            .field("direct_upload_url", &self.direct_upload_url.as_ref().map(|_| "<redacted>"))
            .field("state", &self.state)
            .field("created", &self.created)
            .field("completed", &self.completed)
            .field("read_bytes", &self.read_bytes)
            .field("written_bytes", &self.written_bytes)
            .field("md5sum", &self.md5sum)
            .field("sha256sum", &self.sha256sum)
            .field("client_content_type", &self.client_content_type)
            .field("client_content_length", &self.client_content_length)
            .field("error_code", &self.error_code)
            .field("error_message", &self.error_message)
            .finish()
    }
}

/// The upload host's response to a direct-upload PUT, sent once all data was processed.
///
/// The byte count and digests describe the data written to the storage, that is
/// after the upload host decompressed a gzip or xz upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct UploadResult {
    /// Bytes written to the storage.
    #[serde(deserialize_with = "quirks::u64_from_number_or_string")]
    pub written_bytes: u64,
    /// MD5 of the written data, hex.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub md5sum: Option<String>,
    /// SHA-256 of the written data, hex.
    #[serde(default, deserialize_with = "quirks::empty_string_as_none")]
    pub sha256sum: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prepared() -> serde_json::Value {
        json!({
            "client_content_length": 0, "client_content_type": "", "completed": "",
            "created": "2020-08-19T14:14:36Z",
            "direct_upload_url": "https://fi-hel1.img.upcloud.com/uploader/session/07d3c4fc-0312-42f3-9c07-51b06b7b5202",
            "error_code": "", "error_message": "", "md5sum": "", "read_bytes": 0, "sha256sum": "",
            "source": "direct_upload", "state": "prepared",
            "uuid": "07d3c4fc-0312-42f3-9c07-51b06b7b5202", "written_bytes": 0
        })
    }

    #[test]
    fn empty_strings_become_null() {
        let import: StorageImport = serde_json::from_value(prepared()).unwrap();
        assert_eq!(import.state, ImportState::Prepared);
        assert_eq!(import.completed, None);
        assert_eq!(import.md5sum, None);
        assert_eq!(import.client_content_type, None);
        assert_eq!(import.error_code, None);
        assert_eq!(import.source_location, None);
        let js = serde_json::to_value(&import).unwrap();
        assert_eq!(js["completed"], serde_json::Value::Null);
        assert_eq!(js["readBytes"], json!(0));
        assert!(js["directUploadUrl"].as_str().unwrap().starts_with("https://"));
    }

    #[test]
    fn counters_exact_above_32_bits() {
        let mut value = prepared();
        value["read_bytes"] = json!(4_398_046_511_104u64);
        value["written_bytes"] = json!("9007199254740993");
        value["client_content_length"] = json!(5_000_000_000u64);
        let import: StorageImport = serde_json::from_value(value).unwrap();
        assert_eq!(import.read_bytes, 4_398_046_511_104);
        assert_eq!(import.written_bytes, 9_007_199_254_740_993);
        assert_eq!(import.client_content_length, 5_000_000_000);
    }

    #[test]
    fn debug_hides_upload_url_and_userinfo() {
        let mut value = prepared();
        value["source_location"] = json!("https://user:secret@example.com/image.raw");
        let import: StorageImport = serde_json::from_value(value).unwrap();
        let debug = format!("{import:?}");
        assert!(!debug.contains("uploader/session"), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("example.com/image.raw"), "{debug}");
    }

    #[test]
    fn upload_result_decodes() {
        let result: UploadResult = serde_json::from_value(json!({
            "written_bytes": 100000000, "md5sum": "0f86d7c5a6180cf9584c1d21144d85b0",
            "sha256sum": "a993f8c574e0fea8c1cdcbcd9408d9e2e107ee6e4d120edcfa11decd53fa0cae"
        }))
        .unwrap();
        assert_eq!(result.written_bytes, 100_000_000);
        assert_eq!(serde_json::to_value(&result).unwrap()["writtenBytes"], json!(100000000));
    }
}
