//! Timed state changes: clone, backup, restore, templatize, resize, imports, cancels,
//! forced states and forced import endings.

mod common;

use std::collections::BTreeSet;

use common::{assert_error, json_body, Mock};
use reqwest::Method;
use serde_json::{json, Value};

fn empty_mock() -> Mock {
    Mock::start(&["--empty"])
}

/// Polls a storage until it is online, collecting the (state, progress) pairs seen.
fn watch_until_online(mock: &Mock, uuid: &str) -> Vec<(String, Option<String>)> {
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    mock.wait_for(10.0, "storage online", || {
        let storage = mock.storage(uuid);
        let entry = (
            storage["state"].as_str().expect("state").to_owned(),
            storage["progress"].as_str().map(str::to_owned),
        );
        if seen.last() != Some(&entry) {
            seen.push(entry.clone());
        }
        (entry.0 == "online").then_some(())
    });
    seen
}

#[test]
fn clone_progress_rises_to_online() {
    let mock = empty_mock();
    let source = mock.create_storage("source", 1);
    let response = mock.post(&format!("/storage/{source}/clone"), &json!({"storage": {"zone": "fi-hel1", "title": "copy"}}));
    let clone = json_body(response, 201, "clone")["storage"].clone();
    assert_eq!(clone["state"], "maintenance");
    assert_eq!(clone["progress"], "0");
    assert_eq!(clone["backup_rule"], json!({}));
    assert_eq!(clone["tier"], "hdd", "the default tier");
    assert_eq!(mock.storage(&source)["state"], "cloning");

    let uuid = clone["uuid"].as_str().expect("uuid");
    let seen = watch_until_online(&mock, uuid);
    let progress: Vec<u32> = seen.iter().filter_map(|(_, progress)| progress.as_ref()?.parse().ok()).collect();
    assert!(progress.windows(2).all(|pair| pair[0] < pair[1]), "progress only rises: {seen:?}");
    assert!(seen.iter().any(|(_, progress)| progress.as_deref() == Some("100")), "progress reaches 100: {seen:?}");
    assert!(mock.storage(uuid).get("progress").is_none(), "no progress once online");
    mock.wait_storage_state(&source, "online");
}

#[test]
fn clone_copies_data() {
    let mock = empty_mock();
    let source = mock.create_storage("source", 1);
    let url = mock.direct_upload_url(&source);
    let payload: Vec<u8> = (0..100_000u32).map(|index| (index % 251) as u8).collect();
    assert_eq!(mock.client.put(url).body(payload.clone()).send().expect("upload").status(), 200);
    mock.wait_storage_state(&source, "online");

    let response = mock.post(&format!("/storage/{source}/clone"), &json!({"storage": {"zone": "fi-hel1", "title": "copy"}}));
    let clone = json_body(response, 201, "clone")["storage"]["uuid"].as_str().expect("uuid").to_owned();
    mock.wait_storage_state(&clone, "online");
    assert_eq!(mock.data(&clone, 0, payload.len() as u64), payload);
}

#[test]
fn backup_then_restore_states() {
    let mock = empty_mock();
    let origin = mock.create_storage("origin", 1);
    let response = mock.post(&format!("/storage/{origin}/backup"), &json!({"storage": {"title": "first"}}));
    let backup = json_body(response, 201, "backup")["storage"].clone();
    assert_eq!(backup["type"], "backup");
    assert_eq!(backup["origin"], origin.as_str());
    assert_eq!(backup["progress"], "0");
    for absent in ["tier", "backup_rule", "backups"] {
        assert!(backup.get(absent).is_none(), "a backup has no {absent}");
    }
    let backup_uuid = backup["uuid"].as_str().expect("uuid").to_owned();
    assert_eq!(mock.storage(&origin)["state"], "backuping");
    assert_eq!(mock.storage(&origin)["backups"]["backup"], json!([backup_uuid]));

    mock.wait_storage_state(&backup_uuid, "online");
    mock.wait_storage_state(&origin, "online");

    let restore = mock.post_empty(&format!("/storage/{backup_uuid}/restore"));
    assert_eq!(restore.status(), 204);
    assert!(restore.headers().get("content-type").is_none());
    let seen = watch_until_online(&mock, &origin);
    let states: Vec<&str> = seen.iter().map(|(state, _)| state.as_str()).collect();
    let mut order = states.clone();
    order.dedup();
    assert_eq!(order.first(), Some(&"maintenance"), "restore starts in maintenance: {seen:?}");
    assert!(order.contains(&"syncing"), "restore passes syncing: {seen:?}");
    assert_eq!(order.last(), Some(&"online"));
}

#[test]
fn templatize_then_online() {
    let mock = empty_mock();
    let source = mock.create_storage("source", 1);
    let response = mock.post(&format!("/storage/{source}/templatize"), &json!({"storage": {"title": "image"}}));
    let template = json_body(response, 201, "templatize")["storage"].clone();
    assert_eq!(template["type"], "template");
    assert_eq!(template["state"], "maintenance");
    assert!(template.get("progress").is_none());
    assert_eq!(template["tier"], "maxiops");
    assert_eq!(mock.storage(&source)["state"], "cloning");
    let uuid = template["uuid"].as_str().expect("uuid");
    mock.wait_storage_state(uuid, "online");
    mock.wait_storage_state(&source, "online");
    let listed: Value = mock.get("/storage/template").json().expect("list");
    assert!(listed["storages"]["storage"].as_array().expect("items").iter().any(|item| item["uuid"] == uuid));
}

#[test]
fn resize_keeps_backup_and_holds_maintenance() {
    let mock = empty_mock();
    let uuid = mock.create_storage("disk", 1);
    let grown = json_body(mock.put(&format!("/storage/{uuid}"), &json!({"storage": {"size": "2"}})), 202, "grow");
    assert_eq!(grown["storage"]["size"], 2);
    assert_eq!(grown["storage"]["state"], "online");

    let resized = json_body(mock.post(&format!("/storage/{uuid}/resize"), &json!({"UUID": uuid})), 200, "resize");
    let backup = &resized["resize_backup"];
    assert_eq!(backup["title"], "Resize Backup");
    assert_eq!(backup["type"], "backup");
    assert_eq!(backup["origin"], uuid.as_str());
    assert_eq!(backup["state"], "online");
    assert_eq!(mock.storage(&uuid)["state"], "maintenance");
    mock.wait_storage_state(&uuid, "online");
    assert_eq!(mock.storage(&uuid)["backups"]["backup"], json!([backup["uuid"]]));
}

#[test]
fn cancel_clone_removes_target() {
    let mock = Mock::start(&["--empty", "--op-seconds", "20"]);
    let source = mock.create_storage("source", 1);
    let response = mock.post(&format!("/storage/{source}/clone"), &json!({"storage": {"zone": "fi-hel1", "title": "copy"}}));
    let clone = json_body(response, 201, "clone")["storage"]["uuid"].as_str().expect("uuid").to_owned();

    let not_cancellable = mock.post_empty(&format!("/storage/{source}/cancel"));
    assert_error(not_cancellable, 409, "STORAGE_STATE_ILLEGAL");

    let cancel = mock.post_empty(&format!("/storage/{clone}/cancel"));
    assert_eq!(cancel.status(), 204);
    assert_error(mock.get(&format!("/storage/{clone}")), 404, "STORAGE_NOT_FOUND");
    assert_eq!(mock.storage(&source)["state"], "online");
}

#[test]
fn direct_upload_import_states() {
    let mock = empty_mock();
    let storage = mock.create_storage("target", 1);
    let url = mock.direct_upload_url(&storage);
    let import = mock.import(&storage);
    assert_eq!(import["state"], "prepared");
    assert_eq!(import["read_bytes"], 0);
    assert_eq!(import["md5sum"], "");
    assert_eq!(mock.storage(&storage)["state"], "maintenance");

    let upload = mock.client.put(url).header("content-type", "application/octet-stream").body(vec![5u8; 4096]).send().expect("upload");
    assert_eq!(upload.status(), 200);
    let after = mock.import(&storage);
    assert!(["pending", "completed"].contains(&after["state"].as_str().expect("state")), "after the PUT: {after}");

    let completed = mock.wait_import_state(&storage, "completed");
    assert_eq!(completed["read_bytes"], 4096);
    assert_eq!(completed["written_bytes"], 4096);
    assert_eq!(completed["client_content_type"], "application/octet-stream");
    assert_eq!(completed["client_content_length"], 4096);
    assert_eq!(completed["sha256sum"], common::sha256_hex(&[5u8; 4096]));
    assert_ne!(completed["completed"], "");

    let mut states = BTreeSet::new();
    mock.wait_for(10.0, "storage online", || {
        let state = mock.storage(&storage)["state"].as_str().expect("state").to_owned();
        states.insert(state.clone());
        (state == "online").then_some(())
    });
    assert!(states.contains("syncing") || states.len() == 1, "syncing may be missed between polls: {states:?}");
}

#[test]
fn import_cancel_states() {
    let mock = empty_mock();
    let storage = mock.create_storage("target", 1);
    mock.direct_upload_url(&storage);
    let cancelled = json_body(mock.post_empty(&format!("/storage/{storage}/import/cancel")), 200, "cancel import");
    assert_eq!(cancelled["storage_import"]["state"], "cancelling");
    mock.wait_import_state(&storage, "cancelled");
    mock.wait_storage_state(&storage, "online");

    let again = mock.post_empty(&format!("/storage/{storage}/import/cancel"));
    assert_error(again, 409, "STORAGE_IMPORT_NOT_IN_PROGRESS");
}

#[test]
fn forced_import_failure() {
    let mock = empty_mock();
    let storage = mock.create_storage("target", 1);
    let next = mock.control(
        Method::POST,
        "/imports/next",
        Some(json!({"outcome": "failed", "error_code": "IMPORT_BROKEN", "error_message": "Broken on purpose.", "after_seconds": 0.2})),
    );
    assert_eq!(next.status(), 204);
    let url = mock.direct_upload_url(&storage);
    assert_eq!(mock.client.put(url).body(vec![1u8; 10]).send().expect("upload").status(), 200);
    let failed = mock.wait_import_state(&storage, "failed");
    assert_eq!(failed["error_code"], "IMPORT_BROKEN");
    assert_eq!(failed["error_message"], "Broken on purpose.");
    mock.wait_storage_state(&storage, "online");

    // The outcome applies to one import only.
    let second = mock.create_storage("second", 1);
    let url = mock.direct_upload_url(&second);
    assert_eq!(mock.client.put(url).body(vec![1u8; 10]).send().expect("upload").status(), 200);
    mock.wait_import_state(&second, "completed");
}

#[test]
fn forced_import_cancellation() {
    let mock = empty_mock();
    let storage = mock.create_storage("target", 1);
    mock.control(Method::POST, "/imports/next", Some(json!({"outcome": "cancelled"})));
    let url = mock.direct_upload_url(&storage);
    assert_eq!(mock.client.put(url).body(vec![1u8; 10]).send().expect("upload").status(), 200);
    mock.wait_import_state(&storage, "cancelled");
}

#[test]
fn forced_state_then_online() {
    let mock = empty_mock();
    let storage = mock.create_storage("target", 1);
    let forced = mock.control(
        Method::POST,
        &format!("/storages/{storage}/state"),
        Some(json!({"state": "maintenance", "seconds": 0.5, "progress": "50"})),
    );
    assert_eq!(forced.status(), 204);
    let now = mock.storage(&storage);
    assert_eq!(now["state"], "maintenance");
    assert_eq!(now["progress"], "50");
    assert_error(mock.delete(&format!("/storage/{storage}")), 409, "STORAGE_STATE_ILLEGAL");
    mock.wait_storage_state(&storage, "online");

    mock.control(Method::POST, &format!("/storages/{storage}/state"), Some(json!({"state": "error"})));
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(mock.storage(&storage)["state"], "error", "without seconds the state stays");
    mock.control(Method::POST, &format!("/storages/{storage}/state"), Some(json!({"state": "online"})));
    assert_eq!(mock.storage(&storage)["state"], "online");

    for seconds in [json!(1e300), json!(-5)] {
        let forced = mock.control(Method::POST, &format!("/storages/{storage}/state"), Some(json!({"state": "maintenance", "seconds": seconds})));
        assert_eq!(forced.status(), 204, "{seconds}");
    }
    mock.wait_storage_state(&storage, "online");
}

#[test]
fn reset_restores_start_state() {
    let mock = Mock::start(&[]);
    let before: Value = mock.get("/storage").json().expect("list");
    let created = mock.create_storage("extra", 1);
    mock.control(Method::POST, "/faults", Some(json!({"path_prefix": "/nothing", "status": 500})));
    assert_eq!(mock.control(Method::POST, "/reset", None).status(), 204);

    assert_error(mock.get(&format!("/storage/{created}")), 404, "STORAGE_NOT_FOUND");
    let after: Value = mock.get("/storage").json().expect("list");
    let count = |list: &Value| list["storages"]["storage"].as_array().expect("items").len();
    assert_eq!(count(&after), count(&before));
    let faults: Value = mock.control(Method::GET, "/faults", None).json().expect("faults");
    assert_eq!(faults["faults"], json!([]));
}

#[test]
fn seeded_world_is_alive() {
    let mock = Mock::start(&["--seed-storages", "25"]);
    let private: Value = mock.get("/storage/private").json().expect("list");
    let items = private["storages"]["storage"].as_array().expect("items");
    assert_eq!(items.len(), 4 + 25);
    let zones: BTreeSet<&str> = items.iter().filter_map(|item| item["zone"].as_str()).collect();
    assert!(zones.len() >= 2, "two zones: {zones:?}");
    assert!(items.iter().any(|item| item.get("labels").is_some()), "a labelled storage");
    assert!(items.iter().any(|item| item["type"] == "backup"), "a backup");

    let public: Value = mock.get("/storage/public").json().expect("list");
    let public = public["storages"]["storage"].as_array().expect("items");
    assert!(public.iter().any(|item| item["type"] == "template"));
    assert!(public.iter().any(|item| item["type"] == "cdrom"));
    for item in public {
        assert!(item.get("zone").is_none(), "public storages have no zone: {item}");
        assert!(item.get("tier").is_none(), "public storages have no tier: {item}");
    }

    let servers: Value = mock.get("/server").json().expect("servers");
    let states: BTreeSet<&str> = servers["servers"]["server"].as_array().expect("servers").iter().filter_map(|server| server["state"].as_str()).collect();
    assert_eq!(states, BTreeSet::from(["started", "stopped"]));
}
