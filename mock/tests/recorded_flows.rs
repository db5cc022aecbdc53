//! Plays the recorded UpCloud exchanges against the simulating mock and compares each
//! response's status, content type, envelope, key set and value types with the recording.
//! UUIDs, titles and timestamps differ by nature and are not compared.

mod common;

use std::collections::HashMap;

use common::{load_case, serve_bytes, Mock};
use reqwest::Method;
use serde_json::Value;

/// Keys the mock may add to a recorded object: `encrypted` is sent by the API since 2025,
/// and `created` was missing from 2020 recordings only.
const OPTIONAL_EXTRA_KEYS: &[&str] = &["encrypted", "created", "storage_encrypted"];
/// The stopped sample server of the first account.
const STOPPED_SERVER: &str = "00000001-0000-4000-8000-000000000002";
/// States a poll may miss because the mock passes them quickly.
const TRANSIENT_STATES: &[&str] = &["maintenance", "pending", "importing", "syncing", "cloning", "backuping"];

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Collects differences of shape between a recorded JSON value and the mock's.
fn compare_shape(recorded: &Value, actual: &Value, at: &str, problems: &mut Vec<String>) {
    match (recorded, actual) {
        (Value::Object(recorded_fields), Value::Object(actual_fields)) => {
            if at.ends_with("/server") {
                compare_server(recorded, actual, at, problems);
                return;
            }
            for key in recorded_fields.keys() {
                if !actual_fields.contains_key(key) {
                    problems.push(format!("{at}/{key}: missing"));
                }
            }
            for key in actual_fields.keys() {
                if !recorded_fields.contains_key(key) && !OPTIONAL_EXTRA_KEYS.contains(&key.as_str()) {
                    problems.push(format!("{at}/{key}: not in the recording"));
                }
            }
            for (key, recorded_value) in recorded_fields {
                if let Some(actual_value) = actual_fields.get(key) {
                    compare_shape(recorded_value, actual_value, &format!("{at}/{key}"), problems);
                }
            }
        }
        (Value::Array(recorded_items), Value::Array(actual_items)) => {
            if recorded_items.is_empty() {
                return;
            }
            for (index, actual_item) in actual_items.iter().enumerate() {
                let fits_one = recorded_items.iter().any(|recorded_item| {
                    let mut item_problems = Vec::new();
                    compare_shape(recorded_item, actual_item, at, &mut item_problems);
                    item_problems.is_empty()
                });
                if !fits_one {
                    let mut first = Vec::new();
                    compare_shape(&recorded_items[0], actual_item, &format!("{at}/{index}"), &mut first);
                    problems.push(format!("{at}/{index}: fits no recorded item ({})", first.join("; ")));
                }
            }
        }
        _ if kind(recorded) != kind(actual) => {
            problems.push(format!("{at}: recorded {}, mock sent {}", kind(recorded), kind(actual)));
        }
        _ => {}
    }
}

/// Compares identity, state and storage devices of servers, because the mock's server
/// objects have fewer fields than real ones.
fn compare_server(recorded: &Value, actual: &Value, at: &str, problems: &mut Vec<String>) {
    for key in ["uuid", "state", "zone", "title", "hostname"] {
        compare_shape(&recorded[key], &actual[key], &format!("{at}/{key}"), problems);
    }
    compare_shape(
        &recorded["storage_devices"],
        &actual["storage_devices"],
        &format!("{at}/storage_devices"),
        problems,
    );
}

/// Learns recorded→mock UUID pairs from the `uuid` fields of matching envelopes.
fn learn_uuids(recorded: &Value, actual: &Value, uuids: &mut HashMap<String, String>) {
    for envelope in ["storage", "storage_import", "resize_backup"] {
        let pair = (recorded[envelope]["uuid"].as_str(), actual[envelope]["uuid"].as_str());
        if let (Some(recorded_uuid), Some(actual_uuid)) = pair {
            uuids.entry(recorded_uuid.to_owned()).or_insert_with(|| actual_uuid.to_owned());
        }
    }
}

fn substitute(text: &str, uuids: &HashMap<String, String>) -> String {
    uuids.iter().fold(text.to_owned(), |text, (recorded, actual)| text.replace(recorded, actual))
}

/// Maps a UUID the recording created before its first exchange to a mock object.
fn prepare_path_uuids(mock: &Mock, path: &str, uuids: &mut HashMap<String, String>) {
    let segments: Vec<&str> = path.split('/').collect();
    if let ["", "1.3", collection, uuid, ..] = segments.as_slice() {
        if uuids.contains_key(*uuid) || uuid.len() != 36 {
            return;
        }
        let actual = match *collection {
            "storage" => mock.create_storage("prepared by the flow test", 10),
            "server" => STOPPED_SERVER.to_owned(),
            _ => return,
        };
        uuids.insert((*uuid).to_owned(), actual);
    }
}

fn recorded_state(body: &Value) -> Option<&str> {
    body["storage"]["state"].as_str().or(body["storage_import"]["state"].as_str())
}

/// Plays one case file. Returns how many exchanges were compared.
fn play(case_name: &str, mock: &Mock, http_source: Option<&str>) -> usize {
    let case = load_case(case_name);
    let mut uuids = HashMap::new();
    let mut compared = 0;

    for (index, exchange) in case["exchanges"].as_array().expect("exchanges").iter().enumerate() {
        let request = &exchange["request"];
        let expected = &exchange["response"];
        let what = format!("{case_name} exchange {index}");
        let method: Method = request["method"].as_str().expect("method").parse().expect("HTTP method");
        let recorded_path = request["path"].as_str().expect("path");
        if expected["status"] != 404 {
            prepare_path_uuids(mock, recorded_path, &mut uuids);
        }
        let path = substitute(recorded_path, &uuids);
        let query = request["query"].as_str().unwrap_or_default();

        let url = if request["upload"] == true {
            format!("{}{path}", mock.url)
        } else {
            format!("{}{path}", mock.url) + if query.is_empty() { "" } else { "?" } + query
        };
        let send = || {
            let mut builder = mock.client.request(method.clone(), &url);
            if request["upload"] == true {
                let content_type = request["headers"]["content-type"].as_str().unwrap_or("application/octet-stream");
                builder = builder.header("content-type", content_type).body(vec![7u8; 1 << 20]);
            } else {
                builder = builder.basic_auth(common::USER, Some(common::PASSWORD));
                if !request["body"].is_null() {
                    // The sample servers are in fi-hel1, so recorded fi-hel2 storages move there.
                    let text = substitute(&request["body"].to_string(), &uuids).replace("fi-hel2", "fi-hel1");
                    let mut body: Value = serde_json::from_str(&text).expect("JSON");
                    if let (Some(source), Some(location)) = (http_source, body.pointer_mut("/storage_import/source_location")) {
                        if location.as_str().is_some_and(|text| !text.is_empty()) {
                            *location = Value::String(format!("{source}/image.iso"));
                        }
                    }
                    builder = builder.json(&body);
                }
            }
            builder.send().expect("the mock answers")
        };

        // A GET that recorded a state is repeated until the mock reaches that state.
        let wanted_state = (method == Method::GET).then(|| recorded_state(&expected["body"])).flatten();
        let mut response = send();
        let mut actual: Value;
        let mut reached = true;
        if let Some(state) = wanted_state {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
            loop {
                let status = response.status();
                actual = response.json().unwrap_or(Value::Null);
                if status != 200 || recorded_state(&actual) == Some(state) {
                    break;
                }
                if std::time::Instant::now() > deadline {
                    reached = false;
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
                response = send();
            }
            if !reached {
                assert!(
                    TRANSIENT_STATES.contains(&state),
                    "{what}: the mock never reached the final state {state}: {actual}"
                );
                eprintln!("note: {what}: the mock passed state {state} between polls; not compared");
                continue;
            }
            assert_eq!(200, expected["status"].as_u64().expect("status"), "{what}: recorded status");
        } else {
            let status = response.status().as_u16() as u64;
            assert_eq!(status, expected["status"].as_u64().expect("status"), "{what}: status");
            let content_type = response.headers().get("content-type").map(|value| value.to_str().expect("ASCII").to_owned());
            let recorded_type = expected["headers"]["content-type"].as_str().map(str::to_owned);
            assert_eq!(content_type, recorded_type, "{what}: content type");
            let bytes = response.bytes().expect("body");
            actual = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
        }

        let mut problems = Vec::new();
        compare_shape(&expected["body"], &actual, "", &mut problems);
        assert!(problems.is_empty(), "{what}: {}\nmock sent {actual}", problems.join("\n"));
        if let Some(message) = expected["body"]["error"]["error_message"].as_str() {
            assert_eq!(actual["error"]["error_message"].as_str(), Some(substitute(message, &uuids).as_str()), "{what}: message");
        }
        learn_uuids(&expected["body"], &actual, &mut uuids);
        compared += 1;
    }
    compared
}

fn slow_mock() -> Mock {
    // One second per operation leaves room to see the intermediate states between polls.
    Mock::start_with(&["--listen", "127.0.0.1:0", "--user", "a:b", "--op-seconds", "1"])
}

#[test]
fn create_modify_delete_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("001-create-modify-delete-storage.json", &mock, None), 3);
}

#[test]
fn clone_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("002-clone-storage.json", &mock, None), 3);
    assert!(play("003-clone-storage-progress-polling.json", &mock, None) >= 3);
}

#[test]
fn backup_restore_delete_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("004-backup-restore-delete-with-backups.json", &mock, None), 8);
    assert_eq!(play("018-get-deleted-backup-404.json", &mock, None), 1);
}

#[test]
fn templatize_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("006-templatize-storage.json", &mock, None), 2);
    assert!(play("007-templatize-state-polling.json", &mock, None) >= 2);
}

#[test]
fn http_import_matches_recording() {
    let mock = slow_mock();
    let source = serve_bytes(vec![42u8; 3 << 20], "application/octet-stream", None);
    assert_eq!(play("008-http-import.json", &mock, Some(&source)), 3);
    assert!(play("009-http-import-state-polling.json", &mock, Some(&source)) >= 3);
}

#[test]
fn direct_upload_matches_recording() {
    let mock = slow_mock();
    assert!(play("010-direct-upload-import.json", &mock, None) >= 4);
}

#[test]
fn resize_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("012-resize-storage-and-filesystem.json", &mock, None), 4);
}

#[test]
fn attach_detach_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("014-attach-detach-storage.json", &mock, None), 3);
}

#[test]
fn cdrom_load_eject_matches_recording() {
    let mock = slow_mock();
    assert_eq!(play("015-cdrom-attach-load-eject.json", &mock, None), 3);
}

#[test]
fn private_list_matches_recording() {
    let mock = Mock::start_with(&["--listen", "127.0.0.1:0", "--user", "a:b", "--empty", "--op-seconds", "30"]);
    let source = mock.create_storage("listed", 10);
    mock.create_storage("listed too", 10);
    let clone = mock.post(&format!("/storage/{source}/clone"), &serde_json::json!({"storage": {"zone": "fi-hel1", "title": "in maintenance"}}));
    assert_eq!(clone.status(), 201);

    let case = load_case("016-list-private-storages.json");
    let exchange = &case["exchanges"][0];
    let response = mock.get("/storage/private");
    let actual = common::json_body(response, 200, "GET /storage/private");
    let items = actual["storages"]["storage"].as_array().expect("list");
    assert_eq!(items.len(), 3);
    assert!(items.iter().any(|item| item["progress"] == "0"), "the clone in maintenance shows progress");

    let mut problems = Vec::new();
    compare_shape(&exchange["response"]["body"], &actual, "", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
