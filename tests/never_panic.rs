//! Property tests: no response, JS input or argument makes the core panic.

use proptest::prelude::*;
use serde_json::{Map, Value};

use upcloud_storage::input::{
    from_js_input, AttachStorage, CloneStorage, CreateImport, CreateStorage, DeleteOptions,
    DetachStorage, ListOptions, LoadCdrom, ModifyStorage, TitleInput,
};
use upcloud_storage::request;
use upcloud_storage::response::{
    error_from_response, parse_empty, parse_import, parse_resize_backup, parse_server,
    parse_storage, parse_storage_list, parse_upload_result,
};

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json; charset=UTF-8".to_string())),
        Just(Some("application/problem+json".to_string())),
        Just(Some("text/html".to_string())),
        any::<String>().prop_map(Some),
    ]
}

/// Keys the parsers look for, so generated objects reach the deeper decoding paths.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "storage", "storages", "storage_import", "resize_backup", "server", "error", "error_code",
            "error_message", "type", "title", "status", "correlation_id", "invalid_params", "name",
            "reason", "uuid", "size", "state", "access", "progress", "encrypted", "labels", "key",
            "value", "backup_rule", "interval", "time", "retention", "backups", "backup", "servers",
            "license", "part_of_plan", "source", "read_bytes", "written_bytes", "md5sum",
            "sha256sum", "storage_devices", "storage_device", "address", "boot_disk", "storage_size",
        ])
        .prop_map(str::to_string),
        "[a-z_]{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec!["", "yes", "no", "0", "1", "90", "online", "daily", "0430", "-1", "1e400", "NaN"])
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn run_every_parser(status: u16, content_type: Option<&str>, body: &[u8]) {
    let _ = parse_storage(status, content_type, body);
    let _ = parse_storage_list(status, content_type, body);
    let _ = parse_import(status, content_type, body);
    let _ = parse_upload_result(status, content_type, body);
    let _ = parse_server(status, content_type, body);
    let _ = parse_resize_backup(status, content_type, body);
    let _ = parse_empty(status, content_type, body);
    let error = error_from_response(status, content_type, body);
    assert_eq!(error.status, Some(status));
    assert!(!error.code.is_empty());
}

fn run_every_input(value: &Value) {
    let _ = from_js_input::<CreateStorage, _>(value.clone(), "options");
    let _ = from_js_input::<ModifyStorage, _>(value.clone(), "options");
    let _ = from_js_input::<CloneStorage, _>(value.clone(), "options");
    let _ = from_js_input::<ListOptions, _>(value.clone(), "options");
    let _ = from_js_input::<DeleteOptions, _>(value.clone(), "options");
    let _ = from_js_input::<TitleInput, _>(value.clone(), "options");
    let _ = from_js_input::<CreateImport, _>(value.clone(), "options");
    let _ = from_js_input::<AttachStorage, _>(value.clone(), "options");
    let _ = from_js_input::<DetachStorage, _>(value.clone(), "options");
    let _ = from_js_input::<LoadCdrom, _>(value.clone(), "options");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes(status in any::<u16>(), content_type in content_type(), body in prop::collection::vec(any::<u8>(), 0..512)) {
        run_every_parser(status, content_type.as_deref(), &body);
    }

    #[test]
    fn arbitrary_json(status in prop_oneof![Just(200u16), Just(201), Just(404), Just(502), any::<u16>()],
                      content_type in content_type(), value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        run_every_parser(status, content_type.as_deref(), &body);
        for envelope in ["storage", "storages", "storage_import", "resize_backup", "server", "error"] {
            let mut wrapped = Map::new();
            wrapped.insert(envelope.to_string(), value.clone());
            let body = serde_json::to_vec(&Value::Object(wrapped)).unwrap();
            run_every_parser(status, content_type.as_deref(), &body);
        }
    }

    #[test]
    fn arbitrary_js_input(value in json_value()) {
        run_every_input(&value);
    }

    #[test]
    fn arbitrary_arguments(uuid in any::<String>(), text in any::<String>(), number in any::<u32>()) {
        let _ = request::get_storage(&uuid);
        let _ = request::delete_storage(&uuid, &DeleteOptions::default());
        let _ = request::create_storage(&CreateStorage { zone: text.clone(), size: number, title: text.clone(), tier: Some(text.clone()), ..Default::default() });
        let _ = request::modify_storage(&uuid, &ModifyStorage { title: Some(text.clone()), size: Some(number), ..Default::default() });
        let _ = request::list_storages(&ListOptions { filter: None, labels: Some(vec![text.clone()]) });
        let _ = request::create_import(&uuid, &CreateImport { source: text.clone(), source_location: Some(text.clone()) });
        let _ = request::attach_storage(&uuid, &AttachStorage { storage: Some(text.clone()), device_type: Some(text.clone()), address: Some(text.clone()), boot_disk: None });
        if let Ok(built) = request::list_storages(&ListOptions { filter: None, labels: Some(vec![text.clone()]) }) {
            let _ = built.path_and_query();
        }
    }
}

/// Runs a time-boxed fuzz loop for machines without a nightly toolchain for cargo-fuzz:
/// `UPCLOUD_FUZZ_SECONDS=300 cargo test --release --test never_panic -- --ignored`.
#[test]
#[ignore = "long-running; scripts/fuzz.sh runs it when cargo-fuzz cannot"]
fn fuzz_loop_for_duration() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::time::{Duration, Instant};

    let seconds: u64 = std::env::var("UPCLOUD_FUZZ_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(60);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runner = TestRunner::default();
    let bytes = (any::<u16>(), content_type(), prop::collection::vec(any::<u8>(), 0..4096));
    let values = (any::<u16>(), content_type(), json_value());

    let mut cases: u64 = 0;
    while Instant::now() < deadline {
        let (status, content_type, body) = bytes.new_tree(&mut runner).expect("strategy generates").current();
        run_every_parser(status, content_type.as_deref(), &body);

        let (status, content_type, value) = values.new_tree(&mut runner).expect("strategy generates").current();
        let body = serde_json::to_vec(&value).expect("a JSON value serialises");
        run_every_parser(status, content_type.as_deref(), &body);
        run_every_input(&value);
        cases += 2;
    }
    println!("fuzz loop: {cases} cases in {seconds} s, no panic");
}
