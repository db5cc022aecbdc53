//! Every operation's request: exact method, path, query and JSON body.

use serde_json::{json, Value};

use upcloud_storage::input::{
    AttachStorage, BackupRuleInput, CloneStorage, CreateImport, CreateStorage, DeleteOptions,
    DeletePolicy, DetachStorage, LabelInput, ListOptions, LoadCdrom, ModifyStorage, StorageFilter,
    TitleInput,
};
use upcloud_storage::request::{self, ApiRequest, Method};
use upcloud_storage::Error;

const DISK: &str = "01aaaaaa-0000-4000-8000-000000000001";
const SERVER: &str = "00aaaaaa-0000-4000-8000-000000000001";
const CDROM: &str = "01000000-0000-4000-8000-000020060101";

fn assert_request(request: &ApiRequest, method: Method, path_and_query: &str, body: Option<Value>) {
    assert_eq!(request.method, method);
    assert_eq!(request.path_and_query(), path_and_query);
    assert_eq!(request.body, body);
}

fn field_of(result: Result<ApiRequest, Error>) -> Option<String> {
    let error = result.expect_err("the builder should reject the input");
    assert_eq!(error.code, "VALIDATION_ERROR");
    error.field
}

fn rule(interval: &str, time: &str, retention: u32) -> BackupRuleInput {
    BackupRuleInput {
        interval: Some(interval.into()),
        time: Some(time.into()),
        retention: Some(retention),
    }
}

fn label(key: &str, value: &str) -> LabelInput {
    LabelInput { key: key.into(), value: value.into() }
}

fn create_input() -> CreateStorage {
    CreateStorage {
        zone: "fi-hel2".into(),
        size: 10,
        title: "Test storage".into(),
        ..Default::default()
    }
}

#[test]
fn list_every_filter() {
    let all = request::list_storages(&ListOptions::default()).unwrap();
    assert_request(&all, Method::Get, "/1.3/storage", None);

    for (filter, segment) in [
        (StorageFilter::All, None),
        (StorageFilter::Normal, Some("normal")),
        (StorageFilter::Public, Some("public")),
        (StorageFilter::Private, Some("private")),
        (StorageFilter::Backup, Some("backup")),
        (StorageFilter::Cdrom, Some("cdrom")),
        (StorageFilter::Template, Some("template")),
        (StorageFilter::Favorite, Some("favorite")),
    ] {
        let options = ListOptions { filter: Some(filter), labels: None };
        let expected = match segment {
            Some(segment) => format!("/1.3/storage/{segment}"),
            None => "/1.3/storage".to_string(),
        };
        assert_request(&request::list_storages(&options).unwrap(), Method::Get, &expected, None);
    }
}

#[test]
fn list_label_filters_repeat() {
    let options = ListOptions {
        filter: Some(StorageFilter::Private),
        labels: Some(vec!["color".into(), "color=green".into(), "team=a b".into()]),
    };
    let built = request::list_storages(&options).unwrap();
    assert_request(
        &built,
        Method::Get,
        "/1.3/storage/private?label=color&label=color%3Dgreen&label=team%3Da%20b",
        None,
    );
    assert_eq!(built.query[1], ("label".to_string(), "color=green".to_string()));

    let invalid = ListOptions { filter: None, labels: Some(vec!["ok".into(), "=green".into()]) };
    assert_eq!(field_of(request::list_storages(&invalid)).as_deref(), Some("labels[1]"));
}

#[test]
fn get_storage_path() {
    assert_request(&request::get_storage(DISK).unwrap(), Method::Get, &format!("/1.3/storage/{DISK}"), None);
}

#[test]
fn uuids_validated_before_paths() {
    for bad in ["", "../x", "private", "01aaaaaa-0000-4000-8000-000000000001/clone"] {
        assert_eq!(field_of(request::get_storage(bad)).as_deref(), Some("uuid"), "{bad:?}");
        assert_eq!(field_of(request::delete_storage(bad, &DeleteOptions::default())).as_deref(), Some("uuid"));
        assert_eq!(field_of(request::restore_backup(bad)).as_deref(), Some("uuid"));
        assert_eq!(field_of(request::get_import(bad)).as_deref(), Some("uuid"));
        assert_eq!(field_of(request::eject_cdrom(bad)).as_deref(), Some("serverUuid"));
    }
}

#[test]
fn create_minimal_body() {
    let built = request::create_storage(&create_input()).unwrap();
    assert_request(
        &built,
        Method::Post,
        "/1.3/storage",
        Some(json!({"storage": {"zone": "fi-hel2", "size": 10, "title": "Test storage"}})),
    );
}

#[test]
fn create_full_body() {
    let input = CreateStorage {
        tier: Some("maxiops".into()),
        encrypted: Some(true),
        backup_rule: Some(rule("daily", "0430", 30)),
        labels: Some(vec![label("color", "green")]),
        ..create_input()
    };
    let built = request::create_storage(&input).unwrap();
    assert_request(
        &built,
        Method::Post,
        "/1.3/storage",
        Some(json!({"storage": {
            "zone": "fi-hel2", "size": 10, "title": "Test storage", "tier": "maxiops", "encrypted": "yes",
            "backup_rule": {"interval": "daily", "time": "0430", "retention": 30},
            "labels": [{"key": "color", "value": "green"}]
        }})),
    );
}

#[test]
fn create_sends_what_caller_set() {
    let input = CreateStorage {
        encrypted: Some(false),
        backup_rule: Some(BackupRuleInput::default()),
        ..create_input()
    };
    let body = request::create_storage(&input).unwrap().body.unwrap();
    assert_eq!(body["storage"]["encrypted"], json!("no"));
    assert_eq!(body["storage"]["backup_rule"], json!({}));
}

#[test]
fn create_validation_names_fields() {
    let cases: Vec<(CreateStorage, &str)> = vec![
        (CreateStorage { zone: "Helsinki".into(), ..create_input() }, "zone"),
        (CreateStorage { size: 0, ..create_input() }, "size"),
        (CreateStorage { size: 4097, ..create_input() }, "size"),
        (CreateStorage { title: String::new(), ..create_input() }, "title"),
        (CreateStorage { title: "t".repeat(256), ..create_input() }, "title"),
        (CreateStorage { tier: Some("ssd".into()), ..create_input() }, "tier"),
        (CreateStorage { tier: Some("archive".into()), ..create_input() }, "tier"),
        (CreateStorage { backup_rule: Some(rule("weekly", "0430", 30)), ..create_input() }, "backupRule.interval"),
        (CreateStorage { backup_rule: Some(rule("daily", "2400", 30)), ..create_input() }, "backupRule.time"),
        (CreateStorage { backup_rule: Some(rule("daily", "0430", 0)), ..create_input() }, "backupRule.retention"),
        (CreateStorage { backup_rule: Some(rule("daily", "0430", 1096)), ..create_input() }, "backupRule.retention"),
        (
            CreateStorage { backup_rule: Some(BackupRuleInput { time: None, ..rule("sun", "0000", 1) }), ..create_input() },
            "backupRule.time",
        ),
        (CreateStorage { labels: Some(vec![label("_os", "x")]), ..create_input() }, "labels[0].key"),
        (CreateStorage { labels: Some(vec![label("a", "b"), label("a", "c")]), ..create_input() }, "labels[0].key"),
        (CreateStorage { labels: Some(vec![label("ab", "b"), label("ab", "c")]), ..create_input() }, "labels[1].key"),
    ];
    for (input, field) in cases {
        assert_eq!(field_of(request::create_storage(&input)).as_deref(), Some(field), "{input:?}");
    }
}

#[test]
fn create_accepts_bounds() {
    for (size, title) in [(1, "t".to_string()), (4096, "t".repeat(255))] {
        let input = CreateStorage {
            size,
            title,
            tier: Some("standard".into()),
            backup_rule: Some(rule("mon", "2359", 1095)),
            ..create_input()
        };
        assert!(request::create_storage(&input).is_ok());
    }
    let hdd = CreateStorage { tier: Some("hdd".into()), backup_rule: Some(rule("sun", "0000", 1)), ..create_input() };
    assert!(request::create_storage(&hdd).is_ok());
}

#[test]
fn modify_only_set_fields() {
    let path = format!("/1.3/storage/{DISK}");
    let title = ModifyStorage { title: Some("New fancy title".into()), ..Default::default() };
    assert_request(
        &request::modify_storage(DISK, &title).unwrap(),
        Method::Put,
        &path,
        Some(json!({"storage": {"title": "New fancy title"}})),
    );

    let size = ModifyStorage { size: Some(20), ..Default::default() };
    assert_request(&request::modify_storage(DISK, &size).unwrap(), Method::Put, &path, Some(json!({"storage": {"size": 20}})));

    let all = ModifyStorage {
        title: Some("t".into()),
        size: Some(30),
        backup_rule: Some(rule("fri", "2200", 7)),
        labels: Some(vec![label("color", "purple")]),
    };
    assert_request(
        &request::modify_storage(DISK, &all).unwrap(),
        Method::Put,
        &path,
        Some(json!({"storage": {
            "title": "t", "size": 30,
            "backup_rule": {"interval": "fri", "time": "2200", "retention": 7},
            "labels": [{"key": "color", "value": "purple"}]
        }})),
    );
}

#[test]
fn modify_clears_rule_and_labels() {
    let clear = ModifyStorage {
        backup_rule: Some(BackupRuleInput::default()),
        labels: Some(Vec::new()),
        ..Default::default()
    };
    assert_eq!(
        request::modify_storage(DISK, &clear).unwrap().body,
        Some(json!({"storage": {"backup_rule": {}, "labels": []}}))
    );
}

#[test]
fn modify_rejects_empty_and_invalid() {
    let error = request::modify_storage(DISK, &ModifyStorage::default()).unwrap_err();
    assert_eq!(error.code, "VALIDATION_ERROR");
    assert!(error.message.contains("title, size, backupRule, labels"), "{}", error.message);

    let shrink_to_zero = ModifyStorage { size: Some(0), ..Default::default() };
    assert_eq!(field_of(request::modify_storage(DISK, &shrink_to_zero)).as_deref(), Some("size"));
    let long_title = ModifyStorage { title: Some("x".repeat(256)), ..Default::default() };
    assert_eq!(field_of(request::modify_storage(DISK, &long_title)).as_deref(), Some("title"));
    let bad_label = ModifyStorage { labels: Some(vec![label("k", "v")]), ..Default::default() };
    assert_eq!(field_of(request::modify_storage(DISK, &bad_label)).as_deref(), Some("labels[0].key"));
}

#[test]
fn delete_always_sends_policy() {
    let path = format!("/1.3/storage/{DISK}");
    assert_request(
        &request::delete_storage(DISK, &DeleteOptions::default()).unwrap(),
        Method::Delete,
        &format!("{path}?backups=keep"),
        None,
    );
    for (policy, value) in [
        (DeletePolicy::Keep, "keep"),
        (DeletePolicy::KeepLatest, "keep_latest"),
        (DeletePolicy::Delete, "delete"),
    ] {
        let options = DeleteOptions { backups: Some(policy) };
        assert_request(
            &request::delete_storage(DISK, &options).unwrap(),
            Method::Delete,
            &format!("{path}?backups={value}"),
            None,
        );
    }
}

#[test]
fn clone_body() {
    let input = CloneStorage {
        zone: "fi-hel2".into(),
        title: "Cloned storage".into(),
        tier: Some("maxiops".into()),
        encrypted: None,
    };
    assert_request(
        &request::clone_storage(DISK, &input).unwrap(),
        Method::Post,
        &format!("/1.3/storage/{DISK}/clone"),
        Some(json!({"storage": {"zone": "fi-hel2", "title": "Cloned storage", "tier": "maxiops"}})),
    );

    let encrypted = CloneStorage { tier: None, encrypted: Some(true), ..input.clone() };
    assert_eq!(
        request::clone_storage(DISK, &encrypted).unwrap().body,
        Some(json!({"storage": {"zone": "fi-hel2", "title": "Cloned storage", "encrypted": "yes"}}))
    );

    let legacy_tier = CloneStorage { tier: Some("ssd".into()), ..input.clone() };
    assert_eq!(field_of(request::clone_storage(DISK, &legacy_tier)).as_deref(), Some("tier"));
    let no_zone = CloneStorage { zone: String::new(), ..input };
    assert_eq!(field_of(request::clone_storage(DISK, &no_zone)).as_deref(), Some("zone"));
}

#[test]
fn bodiless_posts() {
    let storage = format!("/1.3/storage/{DISK}");
    assert_request(&request::cancel_operation(DISK).unwrap(), Method::Post, &format!("{storage}/cancel"), None);
    assert_request(&request::restore_backup(DISK).unwrap(), Method::Post, &format!("{storage}/restore"), None);
    assert_request(&request::resize_filesystem(DISK).unwrap(), Method::Post, &format!("{storage}/resize"), None);
    assert_request(&request::add_favorite(DISK).unwrap(), Method::Post, &format!("{storage}/favorite"), None);
    assert_request(&request::remove_favorite(DISK).unwrap(), Method::Delete, &format!("{storage}/favorite"), None);
    assert_request(&request::cancel_import(DISK).unwrap(), Method::Post, &format!("{storage}/import/cancel"), None);
    assert_request(&request::get_import(DISK).unwrap(), Method::Get, &format!("{storage}/import"), None);
    assert_request(&request::eject_cdrom(SERVER).unwrap(), Method::Post, &format!("/1.3/server/{SERVER}/cdrom/eject"), None);
}

#[test]
fn templatize_and_backup_bodies() {
    let input = TitleInput { title: "Templatized storage".into() };
    assert_request(
        &request::templatize_storage(DISK, &input).unwrap(),
        Method::Post,
        &format!("/1.3/storage/{DISK}/templatize"),
        Some(json!({"storage": {"title": "Templatized storage"}})),
    );
    let backup = TitleInput { title: "backup-1".into() };
    assert_request(
        &request::create_backup(DISK, &backup).unwrap(),
        Method::Post,
        &format!("/1.3/storage/{DISK}/backup"),
        Some(json!({"storage": {"title": "backup-1"}})),
    );
    let empty = TitleInput { title: String::new() };
    assert_eq!(field_of(request::create_backup(DISK, &empty)).as_deref(), Some("title"));
    assert_eq!(field_of(request::templatize_storage(DISK, &empty)).as_deref(), Some("title"));
}

#[test]
fn import_bodies() {
    let path = format!("/1.3/storage/{DISK}/import");
    let direct = CreateImport { source: "direct_upload".into(), source_location: None };
    assert_request(
        &request::create_import(DISK, &direct).unwrap(),
        Method::Post,
        &path,
        Some(json!({"storage_import": {"source": "direct_upload"}})),
    );
    let direct_empty = CreateImport { source: "direct_upload".into(), source_location: Some(String::new()) };
    assert_eq!(
        request::create_import(DISK, &direct_empty).unwrap().body,
        Some(json!({"storage_import": {"source": "direct_upload"}}))
    );

    let http = CreateImport {
        source: "http_import".into(),
        source_location: Some("https://example.com/alpine.iso".into()),
    };
    assert_request(
        &request::create_import(DISK, &http).unwrap(),
        Method::Post,
        &path,
        Some(json!({"storage_import": {"source": "http_import", "source_location": "https://example.com/alpine.iso"}})),
    );
}

#[test]
fn import_validation() {
    let cases = [
        (CreateImport { source: "http_import".into(), source_location: None }, "sourceLocation"),
        (CreateImport { source: "http_import".into(), source_location: Some(String::new()) }, "sourceLocation"),
        (CreateImport { source: "http_import".into(), source_location: Some("ftp://x/y".into()) }, "sourceLocation"),
        (CreateImport { source: "direct_upload".into(), source_location: Some("https://x/y".into()) }, "sourceLocation"),
        (CreateImport { source: "s3".into(), source_location: None }, "source"),
    ];
    for (input, field) in cases {
        assert_eq!(field_of(request::create_import(DISK, &input)).as_deref(), Some(field), "{input:?}");
    }
}

#[test]
fn attach_bodies() {
    let path = format!("/1.3/server/{SERVER}/storage/attach");
    let disk = AttachStorage {
        storage: Some(DISK.into()),
        device_type: Some("disk".into()),
        address: Some("scsi:0:0".into()),
        boot_disk: None,
    };
    assert_request(
        &request::attach_storage(SERVER, &disk).unwrap(),
        Method::Post,
        &path,
        Some(json!({"storage_device": {"type": "disk", "address": "scsi:0:0", "storage": DISK}})),
    );

    let empty_cdrom = AttachStorage { device_type: Some("cdrom".into()), ..Default::default() };
    assert_request(
        &request::attach_storage(SERVER, &empty_cdrom).unwrap(),
        Method::Post,
        &path,
        Some(json!({"storage_device": {"type": "cdrom"}})),
    );

    let boot = AttachStorage { storage: Some(DISK.into()), boot_disk: Some(true), ..Default::default() };
    assert_eq!(
        request::attach_storage(SERVER, &boot).unwrap().body,
        Some(json!({"storage_device": {"storage": DISK, "boot_disk": "1"}}))
    );
}

#[test]
fn attach_validation() {
    let no_storage = AttachStorage { device_type: Some("disk".into()), ..Default::default() };
    assert_eq!(field_of(request::attach_storage(SERVER, &no_storage)).as_deref(), Some("storage"));
    let default_type = AttachStorage::default();
    assert_eq!(field_of(request::attach_storage(SERVER, &default_type)).as_deref(), Some("storage"));
    let bad_type = AttachStorage { storage: Some(DISK.into()), device_type: Some("floppy".into()), ..Default::default() };
    assert_eq!(field_of(request::attach_storage(SERVER, &bad_type)).as_deref(), Some("type"));
    let bad_address = AttachStorage { storage: Some(DISK.into()), address: Some("usb:0".into()), ..Default::default() };
    assert_eq!(field_of(request::attach_storage(SERVER, &bad_address)).as_deref(), Some("address"));
    let bad_storage = AttachStorage { storage: Some("disk1".into()), ..Default::default() };
    assert_eq!(field_of(request::attach_storage(SERVER, &bad_storage)).as_deref(), Some("storage"));
    let bad_server = AttachStorage { storage: Some(DISK.into()), ..Default::default() };
    assert_eq!(field_of(request::attach_storage("srv", &bad_server)).as_deref(), Some("serverUuid"));
}

#[test]
fn detach_and_load_bodies() {
    let detach = DetachStorage { address: "scsi:0:0".into() };
    assert_request(
        &request::detach_storage(SERVER, &detach).unwrap(),
        Method::Post,
        &format!("/1.3/server/{SERVER}/storage/detach"),
        Some(json!({"storage_device": {"address": "scsi:0:0"}})),
    );
    let load = LoadCdrom { storage: CDROM.into() };
    assert_request(
        &request::load_cdrom(SERVER, &load).unwrap(),
        Method::Post,
        &format!("/1.3/server/{SERVER}/cdrom/load"),
        Some(json!({"storage_device": {"storage": CDROM}})),
    );

    let bad_detach = DetachStorage { address: String::new() };
    assert_eq!(field_of(request::detach_storage(SERVER, &bad_detach)).as_deref(), Some("address"));
    let bad_load = LoadCdrom { storage: "../x".into() };
    assert_eq!(field_of(request::load_cdrom(SERVER, &bad_load)).as_deref(), Some("storage"));
}

#[test]
fn bodies_never_contain_null() {
    fn has_null(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Array(items) => items.iter().any(has_null),
            Value::Object(fields) => fields.values().any(has_null),
            _ => false,
        }
    }
    let requests = [
        request::create_storage(&create_input()).unwrap(),
        request::modify_storage(DISK, &ModifyStorage { size: Some(11), ..Default::default() }).unwrap(),
        request::attach_storage(SERVER, &AttachStorage { device_type: Some("cdrom".into()), ..Default::default() }).unwrap(),
        request::create_import(DISK, &CreateImport { source: "direct_upload".into(), source_location: None }).unwrap(),
    ];
    for built in requests {
        assert!(!has_null(built.body.as_ref().unwrap()), "{built:?}");
    }
}

#[test]
fn idempotency_follows_operation() {
    assert!(request::get_storage(DISK).unwrap().is_idempotent());
    assert!(request::delete_storage(DISK, &DeleteOptions::default()).unwrap().is_idempotent());
    assert!(request::modify_storage(DISK, &ModifyStorage { size: Some(11), ..Default::default() }).unwrap().is_idempotent());
    assert!(!request::create_storage(&create_input()).unwrap().is_idempotent());
    assert!(!request::restore_backup(DISK).unwrap().is_idempotent());
}
