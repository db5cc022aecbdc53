//! `--replay`: every recorded case file is served back exactly, in order.

mod common;

use common::{conformance_dir, Mock};
use reqwest::Method;
use serde_json::Value;

fn case_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(conformance_dir())
        .expect("the conformance folder exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    files.sort();
    files
}

fn replay_mock(file: &std::path::Path) -> Mock {
    Mock::start_with(&["--listen", "127.0.0.1:0", "--replay", file.to_str().expect("UTF-8 path")])
}

fn send(mock: &Mock, request: &Value) -> reqwest::blocking::Response {
    let method: Method = request["method"].as_str().expect("method").parse().expect("HTTP method");
    let query = request["query"].as_str().unwrap_or_default();
    let mut url = format!("{}{}", mock.url, request["path"].as_str().expect("path"));
    if !query.is_empty() {
        url = format!("{url}?{query}");
    }
    let mut builder = mock.client.request(method, url);
    if request["binary"] == true {
        builder = builder.body(vec![0u8; 4096]);
    } else if !request["body"].is_null() {
        builder = builder.json(&request["body"]);
    }
    builder.send().expect("the mock answers")
}

#[test]
fn replay_serves_every_case() {
    let files = case_files();
    assert!(files.len() >= 20, "expected the recorded cases in {}", conformance_dir().display());

    for file in files {
        let name = file.file_name().expect("file name").to_string_lossy().into_owned();
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
        let exchanges = case["exchanges"].as_array().expect("exchanges");
        let mock = replay_mock(&file);

        for (index, exchange) in exchanges.iter().enumerate() {
            let response = send(&mock, &exchange["request"]);
            let expected = &exchange["response"];
            assert_eq!(response.status().as_u16() as u64, expected["status"], "{name} exchange {index}: status");
            let content_type = response.headers().get("content-type").map(|value| value.to_str().expect("ASCII").to_owned());
            assert_eq!(content_type.as_deref(), expected["headers"]["content-type"].as_str(), "{name} exchange {index}: content type");
            let bytes = response.bytes().expect("body");
            let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON") };
            let mut expected_body = expected["body"].clone();
            if let Some(url) = expected_body.pointer_mut("/storage_import/direct_upload_url") {
                let recorded = url.as_str().expect("a URL").to_owned();
                let (_, session) = recorded.split_once("/uploader/").expect("an uploader URL");
                *url = Value::String(format!("{}/uploader/{session}", mock.url));
            }
            assert_eq!(body, expected_body, "{name} exchange {index}: body");
        }

        let report: Value = mock.control(Method::GET, "/replay", None).json().expect("report");
        assert_eq!(report["matched"], exchanges.len(), "{name}: matched count");
        assert_eq!(report["unmatched"], 0, "{name}: unmatched count");
        assert_eq!(report["remaining"], 0, "{name}: remaining count");
    }
}

#[test]
fn replay_rejects_different_body() {
    let file = conformance_dir().join("001-create-modify-delete-storage.json");
    let mock = replay_mock(&file);
    let response = mock.post("/storage", &serde_json::json!({"storage": {"size": "11", "tier": "maxiops", "title": "Test storage", "zone": "fi-hel2"}}));
    let body = common::assert_error(response, 400, "REPLAY_MISMATCH");
    let message = body["error"]["error_message"].as_str().expect("message");
    assert!(message.contains("/storage"), "the message names the differing place: {message}");

    let report: Value = mock.control(Method::GET, "/replay", None).json().expect("report");
    assert_eq!(report["matched"], 0);
    assert_eq!(report["unmatched"], 1);
    assert_eq!(report["remaining"], 3);
}

#[test]
fn replay_accepts_numbers_for_strings() {
    let file = conformance_dir().join("001-create-modify-delete-storage.json");
    let mock = replay_mock(&file);
    let body = serde_json::json!({"storage": {
        "size": 10, "tier": "maxiops", "title": "Test storage", "zone": "fi-hel2",
        "backup_rule": {"interval": "daily", "time": "0430", "retention": 30},
    }});
    assert_eq!(mock.post("/storage", &body).status(), 201);
}

#[test]
fn replay_rejects_wrong_path_and_order() {
    let file = conformance_dir().join("001-create-modify-delete-storage.json");
    let mock = replay_mock(&file);
    let wrong = mock.delete("/storage/01ce904c-0c6a-4cbd-8be9-962a4cc0f6b2");
    let body = common::assert_error(wrong, 400, "REPLAY_MISMATCH");
    assert!(body["error"]["error_message"].as_str().expect("message").contains("method"), "{body}");

    let report: Value = mock.control(Method::GET, "/replay", None).json().expect("report");
    assert_eq!(report["unmatched"], 1);
    assert_eq!(report["remaining"], 3);
}
