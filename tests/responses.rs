//! Response parsing: every success shape and every error-mapping arm.

use serde_json::json;

use upcloud_storage::model::{ImportState, StorageState, StorageType};
use upcloud_storage::response::{
    error_from_response, parse_empty, parse_import, parse_resize_backup, parse_server,
    parse_storage, parse_storage_list, parse_upload_result,
};

const JSON: Option<&str> = Some("application/json; charset=UTF-8");
const DISK: &str = "01aaaaaa-0000-4000-8000-000000000001";

fn storage_body() -> serde_json::Value {
    json!({
        "access": "private", "license": 0, "size": 10, "state": "online", "tier": "maxiops",
        "title": "Test storage", "type": "normal", "uuid": DISK, "zone": "fi-hel2"
    })
}

fn bytes(value: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn storage_envelope() {
    let body = bytes(json!({ "storage": storage_body() }));
    for status in [200, 201, 202] {
        let storage = parse_storage(status, JSON, &body).unwrap();
        assert_eq!(storage.uuid, DISK);
        assert_eq!(storage.state, StorageState::Online);
    }
}

#[test]
fn storage_list_envelope() {
    let body = bytes(json!({"storages": {"storage": [storage_body(), storage_body()]}}));
    assert_eq!(parse_storage_list(200, JSON, &body).unwrap().len(), 2);
    let empty = bytes(json!({"storages": {"storage": []}}));
    assert!(parse_storage_list(200, JSON, &empty).unwrap().is_empty());
}

#[test]
fn resize_backup_envelope() {
    let mut backup = storage_body();
    backup["type"] = json!("backup");
    backup["origin"] = json!(DISK);
    backup["title"] = json!("Resize Backup");
    let parsed = parse_resize_backup(200, JSON, &bytes(json!({ "resize_backup": backup }))).unwrap();
    assert_eq!(parsed.storage_type, StorageType::Backup);
    assert_eq!(parsed.origin.as_deref(), Some(DISK));
}

#[test]
fn import_envelope() {
    let body = bytes(json!({"storage_import": {
        "uuid": "07aaaaaa-0000-4000-8000-000000000001", "source": "http_import", "state": "cancelling",
        "source_location": "https://example.com/a.iso", "read_bytes": 0, "written_bytes": 0
    }}));
    let import = parse_import(200, JSON, &body).unwrap();
    assert_eq!(import.state, ImportState::Cancelling);
}

#[test]
fn upload_result_bare() {
    let body = br#"{"written_bytes":24,"md5sum":"a","sha256sum":"b"}"#;
    let result = parse_upload_result(200, Some("application/json"), body).unwrap();
    assert_eq!(result.written_bytes, 24);
}

#[test]
fn server_envelope() {
    let body = bytes(json!({"server": {"uuid": "00aaaaaa-0000-4000-8000-000000000001", "state": "stopped",
        "storage_devices": {"storage_device": [{"address": "ide:0:0", "type": "cdrom", "storage": ""}]}}}));
    let server = parse_server(200, JSON, &body).unwrap();
    assert_eq!(server.storage_devices[0].storage, None);
}

#[test]
fn empty_answers() {
    assert!(parse_empty(204, None, b"").is_ok());
    assert!(parse_empty(200, Some("application/json"), b"{}").is_ok());
    assert!(parse_empty(202, None, b"anything").is_ok());
    assert_eq!(parse_empty(404, None, b"").unwrap_err().status, Some(404));
}

#[test]
fn legacy_error_shape() {
    let body = br#"{"error":{"error_code":"STORAGE_NOT_FOUND","error_message":"The storage 0160e290 does not exist."}}"#;
    let error = parse_storage(404, JSON, body).unwrap_err();
    assert_eq!(error.code, "STORAGE_NOT_FOUND");
    assert_eq!(error.status, Some(404));
    assert_eq!(error.message, "The storage 0160e290 does not exist.");
    assert_eq!(error.field, None);
}

#[test]
fn legacy_error_without_code() {
    let error = error_from_response(400, JSON, br#"{"error":{"error_message":"Bad request"}}"#);
    assert_eq!(error.code, "HTTP_ERROR");
    assert_eq!(error.message, "Bad request");

    let no_message = error_from_response(409, JSON, br#"{"error":{"error_code":"STORAGE_STATE_ILLEGAL"}}"#);
    assert_eq!(no_message.code, "STORAGE_STATE_ILLEGAL");
    assert_eq!(no_message.status, Some(409));
}

#[test]
fn problem_json_shape() {
    let body = bytes(json!({
        "type": "https://developers.upcloud.com/1.3/errors#ERROR_INVALID_REQUEST",
        "title": "Validation error.",
        "detail": "Size is out of range.",
        "status": 400,
        "correlation_id": "01HABCDEF",
        "invalid_params": [{"name": "size", "reason": "must be at most 4096"}, {"reason": "nameless"}]
    }));
    let error = parse_storage(400, Some("application/problem+json"), &body).unwrap_err();
    assert_eq!(error.code, "INVALID_REQUEST");
    assert_eq!(error.status, Some(400));
    assert_eq!(error.message, "Validation error.: Size is out of range.");
    assert_eq!(error.correlation_id.as_deref(), Some("01HABCDEF"));
    assert_eq!(error.problem_type.as_deref(), Some("https://developers.upcloud.com/1.3/errors#ERROR_INVALID_REQUEST"));
    assert_eq!(error.invalid_params.len(), 1);
    assert_eq!(error.invalid_params[0].name, "size");
    assert_eq!(error.invalid_params[0].reason, "must be at most 4096");
}

#[test]
fn problem_detected_despite_charset_and_case() {
    let body = bytes(json!({"type": "https://developers.upcloud.com/1.3/errors#ERROR_RESOURCE_NOT_FOUND", "title": "Not found", "status": 404}));
    for content_type in ["application/problem+json; charset=utf-8", "Application/Problem+JSON;charset=UTF-8", " application/problem+json "] {
        let error = error_from_response(404, Some(content_type), &body);
        assert_eq!(error.code, "RESOURCE_NOT_FOUND", "{content_type}");
        assert_eq!(error.message, "Not found");
    }
}

#[test]
fn problem_detected_by_type_key() {
    let body = bytes(json!({"type": "https://developers.upcloud.com/1.3/errors#ERROR_FORBIDDEN", "title": "Forbidden"}));
    for content_type in [Some("application/json"), None] {
        let error = error_from_response(403, content_type, &body);
        assert_eq!(error.code, "FORBIDDEN");
        assert_eq!(error.status, Some(403));
    }
}

#[test]
fn problem_codes_from_type_urls() {
    let cases = [
        ("https://developers.upcloud.com/1.3/errors#STORAGE_NOT_FOUND", "STORAGE_NOT_FOUND"),
        ("https://example.com/problems/quota-exceeded", "quota-exceeded"),
        ("https://example.com/problems/quota-exceeded/", "quota-exceeded"),
        ("about:blank", "HTTP_ERROR"),
        ("https://example.com/errors#", "HTTP_ERROR"),
        ("https://example.com/errors#ERROR_", "HTTP_ERROR"),
    ];
    for (problem_type, code) in cases {
        let body = bytes(json!({"type": problem_type, "title": "t"}));
        let error = error_from_response(400, Some("application/problem+json"), &body);
        assert_eq!(error.code, code, "{problem_type}");
    }
    let untitled = error_from_response(400, Some("application/problem+json"), &bytes(json!({"type": "x#ERROR_Y"})));
    assert!(untitled.message.contains('Y'), "{}", untitled.message);
}

#[test]
fn html_gateway_page() {
    let body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>";
    let error = parse_storage_list(502, Some("text/html"), body).unwrap_err();
    assert_eq!(error.code, "HTTP_ERROR");
    assert_eq!(error.status, Some(502));
    assert_eq!(error.message, "The API answered HTTP 502: 502 Bad Gateway 502 Bad Gateway");
}

#[test]
fn empty_error_body() {
    let error = parse_storage(503, None, b"").unwrap_err();
    assert_eq!(error.code, "HTTP_ERROR");
    assert_eq!(error.status, Some(503));
    assert!(error.message.contains("empty body"), "{}", error.message);
}

#[test]
fn plain_text_rate_limit() {
    let error = parse_storage(429, Some("text/plain"), b"Too Many Requests\n").unwrap_err();
    assert_eq!(error.code, "HTTP_ERROR");
    assert_eq!(error.status, Some(429));
    assert!(error.message.ends_with("Too Many Requests"), "{}", error.message);
}

#[test]
fn json_error_of_unknown_shape() {
    let error = error_from_response(500, JSON, br#"{"message":"internal"}"#);
    assert_eq!(error.code, "HTTP_ERROR");
    assert_eq!(error.status, Some(500));
    assert!(error.message.contains("internal"), "{}", error.message);
}

#[test]
fn excerpt_bounded() {
    let body = format!("<p>{}</p>", "word ".repeat(500));
    let error = error_from_response(502, Some("text/html"), body.as_bytes());
    assert!(error.message.chars().count() < 260, "{}", error.message.len());
}

#[test]
fn redirect_is_an_error() {
    assert_eq!(parse_storage(302, None, b"").unwrap_err().status, Some(302));
}

#[test]
fn success_with_wrong_shape_is_decode_error() {
    let cases: Vec<&[u8]> = vec![
        b"",
        b"   ",
        b"<html>ok</html>",
        br#"{"storages":{"storage":[]}}"#,
        br#"{"storage":{"uuid":"x"}}"#,
        br#"{"storage":null}"#,
        br#"[]"#,
        br#"{"storage": {"access":"private","size":"ten","state":"online","title":"t","type":"normal","uuid":"u"}}"#,
    ];
    for body in cases {
        let error = parse_storage(200, JSON, body).unwrap_err();
        assert_eq!(error.code, "DECODE_ERROR", "{}", String::from_utf8_lossy(body));
        assert_eq!(error.status, Some(200));
    }
}

#[test]
fn decode_error_names_path_not_value() {
    let body = bytes(json!({"storage_import": {"uuid": "u", "source": "direct_upload", "state": "prepared",
        "direct_upload_url": 12, "read_bytes": "https://secret.example/session"}}));
    let error = parse_import(201, JSON, &body).unwrap_err();
    assert_eq!(error.code, "DECODE_ERROR");
    assert!(!error.message.contains("secret"), "{}", error.message);
    assert!(error.message.contains("storage_import."), "{}", error.message);
}

#[test]
fn byte_order_mark_is_ignored() {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(&bytes(json!({ "storage": storage_body() })));
    assert!(parse_storage(200, JSON, &body).is_ok());

    let mut error_body = b"\xEF\xBB\xBF".to_vec();
    error_body.extend_from_slice(br#"{"error":{"error_code":"STORAGE_NOT_FOUND","error_message":"gone"}}"#);
    assert_eq!(parse_storage(404, JSON, &error_body).unwrap_err().code, "STORAGE_NOT_FOUND");
}

#[test]
fn trailing_data_is_decode_error() {
    let mut body = bytes(json!({ "storage": storage_body() }));
    body.extend_from_slice(b" {}");
    assert_eq!(parse_storage(200, JSON, &body).unwrap_err().code, "DECODE_ERROR");
}

#[test]
fn unknown_fields_and_values_kept_or_ignored() {
    let mut storage = storage_body();
    storage["state"] = json!("pending_delete");
    storage["tier"] = json!("turbo");
    storage["brand_new_field"] = json!([1, 2, 3]);
    let parsed = parse_storage(200, JSON, &bytes(json!({ "storage": storage }))).unwrap();
    assert_eq!(parsed.state.as_str(), "pending_delete");
    assert_eq!(parsed.tier.unwrap().as_str(), "turbo");
}
