//! Authentication, account isolation and every 4xx rule of the storage and server calls.

mod common;

use common::{assert_error, json_body, Mock, PASSWORD, TOKEN, USER};
use reqwest::Method;
use serde_json::{json, Value};

const STARTED_SERVER: &str = "00000001-0000-4000-8000-000000000001";
const STOPPED_SERVER: &str = "00000001-0000-4000-8000-000000000002";

fn empty_mock() -> Mock {
    Mock::start(&["--empty"])
}

#[test]
fn basic_and_bearer_accepted() {
    let mock = empty_mock();
    let basic = mock.client.get(mock.api("/storage")).basic_auth(USER, Some(PASSWORD)).send().expect("GET");
    json_body(basic, 200, "basic");
    let bearer = mock.client.get(mock.api("/storage")).bearer_auth(TOKEN).send().expect("GET");
    json_body(bearer, 200, "bearer");
}

#[test]
fn bad_credentials_rejected() {
    let mock = empty_mock();
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no header", None),
        ("wrong password", Some(format!("Basic {}", base64_of("a:wrong")))),
        ("unknown user", Some(format!("Basic {}", base64_of("x:b")))),
        ("wrong token", Some("Bearer nope".to_owned())),
        ("unknown scheme", Some("Digest a".to_owned())),
        ("not base64", Some("Basic !!!".to_owned())),
    ];
    for (case, header) in cases {
        let mut request = mock.client.get(mock.api("/storage"));
        if let Some(header) = header {
            request = request.header("authorization", header);
        }
        let response = request.send().expect("GET");
        assert_eq!(response.status(), 401, "{case}");
        assert_error(response, 401, "AUTHENTICATION_FAILED");
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn utf8_password_accepted() {
    let mock = Mock::start_with(&["--listen", "127.0.0.1:0", "--empty", "--user", "jürgen:pässwörd✓"]);
    let header = format!("Basic {}", base64_of("jürgen:pässwörd✓"));
    let response = mock.client.get(mock.api("/storage")).header("authorization", header).send().expect("GET");
    json_body(response, 200, "UTF-8 Basic credentials");
}

#[test]
fn accounts_see_only_their_storages() {
    let mock = Mock::start(&["--empty", "--user", "other:secret"]);
    let mine = mock.create_storage("mine", 1);
    let other = |method: Method, path: &str| {
        mock.client.request(method, mock.api(path)).basic_auth("other", Some("secret")).send().expect("request")
    };
    let listed = json_body(other(Method::GET, "/storage/private"), 200, "other list");
    assert_eq!(listed["storages"]["storage"], json!([]));
    assert_error(other(Method::GET, &format!("/storage/{mine}")), 403, "STORAGE_FORBIDDEN");
    assert_error(other(Method::DELETE, &format!("/storage/{mine}")), 403, "STORAGE_FORBIDDEN");
    assert_error(other(Method::GET, &format!("/server/{STOPPED_SERVER}")), 403, "SERVER_FORBIDDEN");
    let servers = json_body(other(Method::GET, "/server"), 200, "other servers");
    assert_eq!(servers["servers"]["server"].as_array().expect("servers").len(), 2);
}

#[test]
fn unknown_storage_is_legacy_404() {
    let mock = empty_mock();
    let uuid = "01234567-89ab-4def-8123-456789abcdef";
    let body = assert_error(mock.get(&format!("/storage/{uuid}")), 404, "STORAGE_NOT_FOUND");
    assert_eq!(body["error"]["error_message"], format!("The storage {uuid} does not exist."));
    assert_eq!(body.as_object().expect("object").len(), 1, "only the error envelope");
    for (method, path) in [
        (Method::PUT, format!("/storage/{uuid}")),
        (Method::DELETE, format!("/storage/{uuid}")),
        (Method::POST, format!("/storage/{uuid}/restore")),
        (Method::GET, format!("/storage/{uuid}/import")),
    ] {
        let response = mock.request(method.clone(), &path).json(&json!({"storage": {"title": "x"}})).send().expect("request");
        assert_error(response, 404, "STORAGE_NOT_FOUND");
    }
    assert_error(mock.get("/storage/not-a-uuid"), 400, "STORAGE_INVALID");
    assert_error(mock.get("/server/not-a-uuid"), 400, "SERVER_INVALID");
    assert_error(mock.get(&format!("/server/{uuid}")), 404, "SERVER_NOT_FOUND");
}

#[test]
fn create_validation_errors() {
    let mock = empty_mock();
    let valid = json!({"size": 10, "title": "t", "zone": "fi-hel1"});
    let with = |key: &str, value: Value| {
        let mut fields = valid.clone();
        fields[key] = value;
        json!({"storage": fields})
    };
    let without = |key: &str| {
        let mut fields = valid.clone();
        fields.as_object_mut().expect("object").remove(key);
        json!({"storage": fields})
    };
    let cases = [
        (without("size"), 400, "SIZE_MISSING"),
        (with("size", json!(0)), 400, "SIZE_INVALID"),
        (with("size", json!(4097)), 400, "SIZE_INVALID"),
        (with("size", json!("ten")), 400, "SIZE_INVALID"),
        (without("title"), 400, "TITLE_MISSING"),
        (with("title", json!("")), 400, "TITLE_INVALID"),
        (with("title", json!("x".repeat(256))), 400, "TITLE_INVALID"),
        (without("zone"), 400, "ZONE_MISSING"),
        (with("zone", json!("Mars!")), 400, "ZONE_INVALID"),
        (with("zone", json!("xx-abc9")), 404, "ZONE_NOT_FOUND"),
        (with("tier", json!("ssd")), 400, "TIER_INVALID"),
        (with("backup_rule", json!({"time": "0430", "retention": "7"})), 400, "INTERVAL_MISSING"),
        (with("backup_rule", json!({"interval": "monthly", "time": "0430", "retention": 7})), 400, "INTERVAL_INVALID"),
        (with("backup_rule", json!({"interval": "daily", "retention": 7})), 400, "HOUR_MISSING"),
        (with("backup_rule", json!({"interval": "daily", "time": "2460", "retention": 7})), 400, "HOUR_INVALID"),
        (with("backup_rule", json!({"interval": "daily", "time": "0430"})), 400, "RETENTION_MISSING"),
        (with("backup_rule", json!({"interval": "daily", "time": "0430", "retention": 1096})), 400, "RETENTION_INVALID"),
        (with("backup_rule", json!([1])), 400, "BACKUP_RULE_INVALID"),
        (with("labels", json!([{"key": "_system", "value": "x"}])), 400, "INVALID_LABEL_KEY"),
        (with("labels", json!([{"key": "k", "value": "x"}])), 400, "INVALID_LABEL_KEY"),
        (with("labels", json!([{"key": "key", "value": "v".repeat(256)}])), 400, "INVALID_LABEL_VALUE"),
        (with("labels", json!([{"key": "key", "value": "1"}, {"key": "key", "value": "2"}])), 400, "DUPLICATE_LABEL_KEYS"),
        (with("colour", json!("red")), 400, "UNKNOWN_ATTRIBUTE"),
        (json!({"disk": {}}), 400, "UNKNOWN_ATTRIBUTE"),
        (json!([]), 400, "INVALID_REQUEST"),
    ];
    for (body, status, code) in cases {
        let response = mock.post("/storage", &body);
        assert_eq!(response.status().as_u16(), status, "{code} for {body}");
        assert_error(response, status, code);
    }
    let not_json = mock.request(Method::POST, "/storage").header("content-type", "application/json").body("{").send().expect("POST");
    assert_error(not_json, 400, "INVALID_REQUEST");
}

#[test]
fn create_accepts_sdk_bodies() {
    let mock = empty_mock();
    let go = json!({"storage": {"size": "10", "tier": "maxiops", "title": "Go", "zone": "fi-hel1",
        "backup_rule": {"interval": "daily", "time": "0430", "retention": "30"}, "labels": [{"key": "color", "value": "green"}]}});
    let created = json_body(mock.post("/storage", &go), 201, "Go SDK body")["storage"].clone();
    assert_eq!(created["size"], 10);
    assert_eq!(created["backup_rule"], json!({"interval": "daily", "retention": "30", "time": "0430"}));
    assert_eq!(created["labels"], json!([{"key": "color", "value": "green"}]));
    assert_eq!(created["state"], "online");

    let python = json!({"storage": {"size": 10, "tier": "maxiops", "title": "Py", "zone": "fi-hel1", "backup_rule": {}, "encrypted": "yes"}});
    let created = json_body(mock.post("/storage", &python), 201, "Python SDK body")["storage"].clone();
    assert_eq!(created["encrypted"], "yes");
    assert_eq!(created["backup_rule"], json!({}));
    assert!(created.get("labels").is_none(), "labels are absent until set");
}

#[test]
fn modify_rules() {
    let mock = empty_mock();
    let uuid = mock.create_storage("disk", 10);
    let path = format!("/storage/{uuid}");
    assert_error(mock.put(&path, &json!({"storage": {"size": 5}})), 400, "SIZE_INVALID");
    assert_error(mock.put(&path, &json!({"storage": {"zone": "fi-hel2"}})), 400, "UNKNOWN_ATTRIBUTE");
    let same = json_body(mock.put(&path, &json!({"storage": {"size": "10"}})), 202, "same size");
    assert_eq!(same["storage"]["size"], 10);

    let labelled = json_body(mock.put(&path, &json!({"storage": {"labels": [{"key": "color", "value": "purple"}]}})), 202, "labels");
    assert_eq!(labelled["storage"]["labels"], json!([{"key": "color", "value": "purple"}]));
    let cleared = json_body(mock.put(&path, &json!({"storage": {"labels": []}})), 202, "clear labels");
    assert_eq!(cleared["storage"]["labels"], json!([]));
    let ruled = json_body(mock.put(&path, &json!({"storage": {"backup_rule": {"interval": "mon", "time": "2359", "retention": 1095}}})), 202, "rule");
    assert_eq!(ruled["storage"]["backup_rule"]["retention"], "1095");
    let unruled = json_body(mock.put(&path, &json!({"storage": {"backup_rule": {}}})), 202, "remove rule");
    assert_eq!(unruled["storage"]["backup_rule"], json!({}));

    let backup = json_body(mock.post(&format!("{path}/backup"), &json!({"storage": {"title": "b"}})), 201, "backup");
    let backup_uuid = backup["storage"]["uuid"].as_str().expect("uuid").to_owned();
    assert_error(mock.put(&path, &json!({"storage": {"title": "busy"}})), 409, "STORAGE_STATE_ILLEGAL");
    mock.wait_storage_state(&backup_uuid, "online");
    assert_error(mock.put(&format!("/storage/{backup_uuid}"), &json!({"storage": {"size": 20}})), 409, "STORAGE_TYPE_ILLEGAL");
    json_body(mock.put(&format!("/storage/{backup_uuid}"), &json!({"storage": {"title": "renamed backup"}})), 202, "rename backup");
}

#[test]
fn public_storages_are_read_only() {
    let mock = Mock::start(&[]);
    let cdrom = "01000000-0000-4000-8000-000020060101";
    json_body(mock.get(&format!("/storage/{cdrom}")), 200, "public details");
    assert_error(mock.put(&format!("/storage/{cdrom}"), &json!({"storage": {"title": "x"}})), 403, "STORAGE_FORBIDDEN");
    assert_error(mock.delete(&format!("/storage/{cdrom}")), 403, "STORAGE_FORBIDDEN");
    assert_error(mock.post(&format!("/storage/{cdrom}/backup"), &json!({"storage": {"title": "x"}})), 409, "STORAGE_TYPE_ILLEGAL");
    assert_error(mock.post(&format!("/storage/{cdrom}/clone"), &json!({"storage": {"title": "x", "zone": "fi-hel1"}})), 409, "STORAGE_TYPE_ILLEGAL");
    let template = "01000000-0000-4000-8000-000020070200";
    let cloned = json_body(mock.post(&format!("/storage/{template}/clone"), &json!({"storage": {"title": "from template", "zone": "fi-hel1", "tier": "maxiops"}})), 201, "clone a public template");
    assert_eq!(cloned["storage"]["type"], "normal");
    assert_eq!(cloned["storage"]["access"], "private");
}

#[test]
fn delete_rules_and_backup_policies() {
    let mock = empty_mock();
    let uuid = mock.create_storage("disk", 1);
    let mut backups = Vec::new();
    for title in ["one", "two", "three"] {
        let backup = json_body(mock.post(&format!("/storage/{uuid}/backup"), &json!({"storage": {"title": title}})), 201, "backup");
        let backup_uuid = backup["storage"]["uuid"].as_str().expect("uuid").to_owned();
        mock.wait_storage_state(&backup_uuid, "online");
        mock.wait_storage_state(&uuid, "online");
        backups.push(backup_uuid);
    }
    assert_error(mock.delete(&format!("/storage/{uuid}?backups=some")), 400, "BACKUP_DELETION_POLICY_INVALID");

    let attach = mock.post(&format!("/server/{STOPPED_SERVER}/storage/attach"), &json!({"storage_device": {"type": "disk", "address": "virtio:1", "storage": uuid}}));
    json_body(attach, 200, "attach");
    assert_error(mock.delete(&format!("/storage/{uuid}")), 409, "STORAGE_ATTACHED");
    json_body(mock.post(&format!("/server/{STOPPED_SERVER}/storage/detach"), &json!({"storage_device": {"address": "virtio:1"}})), 200, "detach");

    let deleted = mock.delete(&format!("/storage/{uuid}?backups=keep_latest"));
    assert_eq!(deleted.status(), 204);
    assert!(deleted.headers().get("content-type").is_none());
    assert!(deleted.bytes().expect("body").is_empty());
    assert_error(mock.get(&format!("/storage/{}", backups[0])), 404, "STORAGE_NOT_FOUND");
    assert_error(mock.get(&format!("/storage/{}", backups[1])), 404, "STORAGE_NOT_FOUND");
    json_body(mock.get(&format!("/storage/{}", backups[2])), 200, "latest backup kept");
    assert_error(mock.post_empty(&format!("/storage/{}/restore", backups[2])), 404, "STORAGE_NOT_FOUND");
}

#[test]
fn operations_need_right_type() {
    let mock = empty_mock();
    let uuid = mock.create_storage("disk", 1);
    assert_error(mock.post_empty(&format!("/storage/{uuid}/restore")), 409, "STORAGE_TYPE_ILLEGAL");
    let template = json_body(mock.post(&format!("/storage/{uuid}/templatize"), &json!({"storage": {"title": "t"}})), 201, "templatize");
    let template = template["storage"]["uuid"].as_str().expect("uuid").to_owned();
    mock.wait_storage_state(&template, "online");
    mock.wait_storage_state(&uuid, "online");
    let import = mock.post(&format!("/storage/{template}/import"), &json!({"storage_import": {"source": "direct_upload"}}));
    assert_error(import, 409, "STORAGE_TYPE_ILLEGAL");
    assert_error(mock.post(&format!("/storage/{template}/backup"), &json!({"storage": {"title": "b"}})), 409, "STORAGE_TYPE_ILLEGAL");
    assert_error(mock.post_empty(&format!("/storage/{template}/resize")), 409, "STORAGE_TYPE_ILLEGAL");
    assert_error(mock.post(&format!("/storage/{uuid}/backup"), &json!({"storage": {}})), 400, "TITLE_MISSING");
    assert_error(mock.post(&format!("/storage/{uuid}/clone"), &json!({"storage": {"title": "c"}})), 400, "ZONE_MISSING");
    assert_error(mock.post(&format!("/storage/{uuid}/clone"), &json!({"storage": {"title": "c", "zone": "fi-hel1", "size": 20}})), 400, "UNKNOWN_ATTRIBUTE");
}

#[test]
fn started_server_rules() {
    let mock = empty_mock();
    let uuid = mock.create_storage("disk", 1);
    json_body(
        mock.post(&format!("/server/{STARTED_SERVER}/storage/attach"), &json!({"storage_device": {"type": "disk", "storage": uuid}})),
        200,
        "hot-plug a virtio disk",
    );
    for (path, body) in [
        (format!("/storage/{uuid}/clone"), json!({"storage": {"title": "c", "zone": "fi-hel1"}})),
        (format!("/storage/{uuid}/templatize"), json!({"storage": {"title": "t"}})),
        (format!("/storage/{uuid}/resize"), json!({})),
        (format!("/storage/{uuid}/import"), json!({"storage_import": {"source": "direct_upload"}})),
    ] {
        let body = assert_error(mock.post(&path, &body), 409, "SERVER_STATE_ILLEGAL");
        let message = body["error"]["error_message"].as_str().expect("message");
        assert_eq!(message, format!("The operation is not allowed while the server {STARTED_SERVER} is in state 'started'."));
    }
    json_body(mock.post(&format!("/storage/{uuid}/backup"), &json!({"storage": {"title": "live"}})), 201, "backup of an attached disk");
    mock.wait_storage_state(&uuid, "online");
    json_body(mock.put(&format!("/storage/{uuid}"), &json!({"storage": {"size": 2}})), 202, "grow while started");

    let cdrom = mock.post(&format!("/server/{STARTED_SERVER}/storage/attach"), &json!({"storage_device": {"type": "cdrom"}}));
    assert_error(cdrom, 409, "CDROM_HOTPLUG_UNSUPPORTED");
    let ide = mock.post(&format!("/server/{STARTED_SERVER}/storage/attach"), &json!({"storage_device": {"type": "disk", "address": "ide:0:1", "storage": uuid}}));
    assert_error(ide, 409, "IDE_HOTPLUG_UNSUPPORTED");

    json_body(mock.post_empty(&format!("/server/{STARTED_SERVER}/stop")), 200, "stop");
    json_body(mock.post(&format!("/storage/{uuid}/resize"), &json!({})), 200, "resize after stop");
}

#[test]
fn legacy_resize_rule_flag() {
    let mock = Mock::start(&["--empty", "--resize-requires-stopped-server"]);
    let uuid = mock.create_storage("disk", 1);
    mock.post(&format!("/server/{STARTED_SERVER}/storage/attach"), &json!({"storage_device": {"storage": uuid}}));
    assert_error(mock.put(&format!("/storage/{uuid}"), &json!({"storage": {"size": 2}})), 409, "SERVER_STATE_ILLEGAL");
    json_body(mock.put(&format!("/storage/{uuid}"), &json!({"storage": {"title": "renaming is fine"}})), 202, "rename");
}

#[test]
fn attach_detach_rules() {
    let mock = Mock::start(&[]);
    let uuid = mock.create_storage("disk", 1);
    let attach = |body: Value| mock.post(&format!("/server/{STOPPED_SERVER}/storage/attach"), &json!({"storage_device": body}));
    assert_error(attach(json!({"type": "floppy", "storage": uuid})), 400, "TYPE_INVALID");
    assert_error(attach(json!({"type": "disk"})), 400, "STORAGE_MISSING");
    assert_error(attach(json!({"type": "disk", "address": "virtio:9", "storage": uuid})), 400, "ADDRESS_INVALID");
    assert_error(attach(json!({"type": "disk", "storage": "01000000-0000-4000-8000-000020060101"})), 409, "PUBLIC_STORAGE_ATTACH");

    let other_zone = json_body(mock.post("/storage", &json!({"storage": {"size": 1, "title": "far", "zone": "de-fra1"}})), 201, "create");
    let far = other_zone["storage"]["uuid"].as_str().expect("uuid");
    assert_error(attach(json!({"storage": far})), 409, "ZONE_MISMATCH");

    let attached = json_body(attach(json!({"type": "disk", "address": "scsi:0:0", "storage": uuid})), 200, "attach");
    let devices = &attached["server"]["storage_devices"]["storage_device"];
    assert_eq!(devices[0]["address"], "scsi:0:0");
    assert_eq!(devices[0]["boot_disk"], "0");
    assert_eq!(devices[0]["storage_size"], 1);
    assert_eq!(mock.storage(&uuid)["servers"]["server"], json!([STOPPED_SERVER]));
    assert_error(attach(json!({"type": "disk", "address": "scsi:0:0", "storage": uuid})), 409, "DEVICE_ADDRESS_IN_USE");
    assert_error(attach(json!({"type": "disk", "address": "scsi:0:1", "storage": uuid})), 409, "STORAGE_ATTACHED_AS_DISK");

    let detach = |address: &str| mock.post(&format!("/server/{STOPPED_SERVER}/storage/detach"), &json!({"storage_device": {"address": address}}));
    assert_error(detach("scsi:0:5"), 409, "DEVICE_ADDRESS_NOT_IN_USE");
    assert_error(detach("bogus"), 400, "ADDRESS_INVALID");
    let detached = json_body(detach("scsi:0:0"), 200, "detach");
    assert_eq!(detached["server"]["storage_devices"]["storage_device"], json!([]));
}

#[test]
fn cdrom_rules() {
    let mock = Mock::start(&[]);
    let cdrom = "01000000-0000-4000-8000-000020060101";
    let load = |storage: &str| mock.post(&format!("/server/{STOPPED_SERVER}/cdrom/load"), &json!({"storage_device": {"storage": storage}}));
    assert_error(load(cdrom), 409, "NO_CDROM_DEVICE");
    assert_error(mock.post_empty(&format!("/server/{STOPPED_SERVER}/cdrom/eject")), 409, "NO_CDROM_DEVICE");
    json_body(mock.post(&format!("/server/{STOPPED_SERVER}/storage/attach"), &json!({"storage_device": {"type": "cdrom"}})), 200, "attach drive");
    let loaded = json_body(load(cdrom), 200, "load");
    let drive = &loaded["server"]["storage_devices"]["storage_device"][0];
    assert_eq!(drive["address"], "ide:0:0");
    assert_eq!(drive["storage"], cdrom);
    assert_error(load(cdrom), 409, "CDROM_DEVICE_IN_USE");
    let ejected = json_body(mock.post(&format!("/server/{STOPPED_SERVER}/cdrom/eject"), &json!({"ServerUUID": STOPPED_SERVER})), 200, "eject");
    assert_eq!(ejected["server"]["storage_devices"]["storage_device"][0]["storage"], "");
    assert_error(load(""), 400, "STORAGE_MISSING");
}

#[test]
fn import_create_rules() {
    let mock = empty_mock();
    let uuid = mock.create_storage("disk", 1);
    let import = |body: Value| mock.post(&format!("/storage/{uuid}/import"), &json!({"storage_import": body}));
    assert_error(import(json!({})), 400, "SOURCE_MISSING");
    assert_error(import(json!({"source": "ftp"})), 400, "SOURCE_INVALID");
    assert_error(import(json!({"source": "http_import"})), 400, "SOURCE_LOCATION_MISSING");
    assert_error(import(json!({"source": "http_import", "source_location": "ftp://x/y"})), 400, "SOURCE_LOCATION_INVALID");
    assert_error(mock.get(&format!("/storage/{uuid}/import")), 404, "STORAGE_IMPORT_NOT_FOUND");
    assert_error(mock.post_empty(&format!("/storage/{uuid}/import/cancel")), 404, "STORAGE_IMPORT_NOT_FOUND");

    let created = json_body(import(json!({"source": "direct_upload", "source_location": ""})), 201, "direct upload");
    assert!(created["storage_import"].get("source_location").is_none(), "no source_location on direct uploads");
    assert_error(import(json!({"source": "direct_upload"})), 409, "STORAGE_STATE_ILLEGAL");
}

#[test]
fn wrong_method_and_unknown_paths() {
    let mock = empty_mock();
    assert_error(mock.request(Method::PATCH, "/storage").send().expect("PATCH"), 405, "METHOD_NOT_ALLOWED");
    assert_error(mock.delete("/storage"), 405, "METHOD_NOT_ALLOWED");
    assert_error(mock.get("/nothing/here"), 404, "RESOURCE_NOT_FOUND");
    let old_version = mock.client.get(format!("{}/1.2/storage", mock.url)).basic_auth(USER, Some(PASSWORD)).send().expect("GET");
    assert_eq!(old_version.status(), 404, "/1.2 is not an API path of this mock");
}

#[test]
fn list_kinds_and_label_filters() {
    let mock = Mock::start(&[]);
    let count = |path: &str| json_body(mock.get(path), 200, path)["storages"]["storage"].as_array().expect("items").len();
    let all = count("/storage");
    assert_eq!(all, count("/storage/public") + count("/storage/private"));
    assert_eq!(count("/storage/cdrom"), 3);
    assert_eq!(count("/storage/template"), 3);
    assert_eq!(count("/storage/backup"), 1);
    assert_eq!(count("/storage/public/template"), 3);
    assert_eq!(count("/storage/private/normal"), 3);
    assert_eq!(count("/storage/normal/"), 3, "a trailing slash is accepted");
    assert_eq!(count("/storage?label=env"), 1);
    assert_eq!(count("/storage?label=env%3Dprod"), 1);
    assert_eq!(count("/storage?label=env%3Dtest"), 0);
    assert_eq!(count("/storage?label=env%3Dprod&label=role"), 1);
    assert_eq!(count("/storage?label=env%3Dprod&label=missing"), 0);
    let empty = json_body(mock.get("/storage?label=none"), 200, "empty list");
    assert_eq!(empty, json!({"storages": {"storage": []}}));

    let cdrom = "01000000-0000-4000-8000-000020060101";
    assert_eq!(count("/storage/favorite"), 0);
    assert_eq!(mock.post_empty(&format!("/storage/{cdrom}/favorite")).status(), 204);
    assert_eq!(mock.post_empty(&format!("/storage/{cdrom}/favorite")).status(), 204, "adding twice is fine");
    assert_eq!(count("/storage/favorite"), 1);
    assert_eq!(mock.delete(&format!("/storage/{cdrom}/favorite")).status(), 204);
    assert_eq!(mock.delete(&format!("/storage/{cdrom}/favorite")).status(), 204, "removing twice is fine");
    assert_eq!(count("/storage/favorite"), 0);
}

#[test]
fn concurrent_requests_all_answered() {
    let mock = Mock::start(&["--seed-storages", "200"]);
    let uuid = mock.create_storage("shared", 1);
    let results: Vec<(u16, usize)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..64)
            .map(|index| {
                let mock = &mock;
                let uuid = &uuid;
                scope.spawn(move || {
                    let path = if index % 2 == 0 { "/storage/private".to_owned() } else { format!("/storage/{uuid}") };
                    let response = mock.get(&path);
                    let status = response.status().as_u16();
                    let body: Value = response.json().expect("JSON");
                    let items = body["storages"]["storage"].as_array().map_or(1, Vec::len);
                    (status, items)
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().expect("worker")).collect()
    });
    for (index, (status, items)) in results.iter().enumerate() {
        assert_eq!(*status, 200, "request {index}");
        let expected = if index % 2 == 0 { 4 + 200 + 1 } else { 1 };
        assert_eq!(*items, expected, "request {index}");
    }
}
