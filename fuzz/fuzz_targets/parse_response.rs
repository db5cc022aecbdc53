//! Feeds arbitrary responses to every parser.
//!
//! Input layout: two bytes of HTTP status (big-endian), one byte choosing the
//! content type, then the body.

#![no_main]

use libfuzzer_sys::fuzz_target;
use upcloud_storage::response;

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json; charset=UTF-8"),
    Some("application/json"),
    Some("application/problem+json; charset=utf-8"),
    Some("text/html"),
    Some("text/plain"),
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    let content_type = CONTENT_TYPES[usize::from(data[2]) % CONTENT_TYPES.len()];
    let body = &data[3..];

    let _ = response::parse_storage(status, content_type, body);
    let _ = response::parse_storage_list(status, content_type, body);
    let _ = response::parse_import(status, content_type, body);
    let _ = response::parse_upload_result(status, content_type, body);
    let _ = response::parse_server(status, content_type, body);
    let _ = response::parse_resize_backup(status, content_type, body);
    let _ = response::parse_empty(status, content_type, body);

    let error = response::error_from_response(status, content_type, body);
    assert_eq!(error.status, Some(status));
    assert!(!error.code.is_empty());
});
