//! Property tests: quirk helpers round-trip, and whatever passes validation stays inside its path.

use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use serde_json::{json, Value};

use upcloud_storage::input::ListOptions;
use upcloud_storage::model::quirks::{wrap_list, yes_no};
use upcloud_storage::model::{Storage, StorageImport};
use upcloud_storage::request;

fn storage_wire(size: Value, progress: Value, encrypted: Value, backups: Value, servers: Value) -> Value {
    json!({
        "access": "private", "license": 0, "size": size, "state": "maintenance", "title": "t",
        "type": "normal", "uuid": "01aaaaaa-0000-4000-8000-000000000001", "progress": progress,
        "encrypted": encrypted, "backups": backups, "servers": servers
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn numbers_round_trip_as_strings(size in any::<u32>(), progress in 0u8..=100, as_string in any::<bool>()) {
        let (size_wire, progress_wire) = if as_string {
            (Value::from(size.to_string()), Value::from(progress.to_string()))
        } else {
            (Value::from(size), Value::from(progress))
        };
        let wire = storage_wire(size_wire, progress_wire, Value::from("no"), json!({}), json!({}));
        let storage: Storage = serde_json::from_value(wire).unwrap();
        prop_assert_eq!(storage.size, size);
        prop_assert_eq!(storage.progress, Some(progress));

        let js = serde_json::to_value(&storage).unwrap();
        prop_assert_eq!(&js["size"], &Value::from(size));
        prop_assert_eq!(&js["progress"], &Value::from(progress));
    }

    #[test]
    fn flags_round_trip(flag in any::<bool>()) {
        let wire = storage_wire(Value::from(1), Value::from(""), Value::from(yes_no(flag)), json!({}), json!({}));
        let storage: Storage = serde_json::from_value(wire).unwrap();
        prop_assert_eq!(storage.encrypted, Some(flag));
        prop_assert_eq!(yes_no(storage.encrypted.unwrap()), yes_no(flag));
    }

    #[test]
    fn wrapped_lists_round_trip(backups in prop::collection::vec("[0-9a-f-]{1,36}", 0..5),
                                servers in prop::collection::vec("[0-9a-f-]{1,36}", 0..5)) {
        let to_values = |items: &[String]| items.iter().cloned().map(Value::String).collect::<Vec<_>>();
        let backups_wire = wrap_list("backup", to_values(&backups));
        let servers_wire = wrap_list("server", to_values(&servers));
        let wire = storage_wire(Value::from(1), Value::from("0"), Value::from(""), backups_wire.clone(), servers_wire.clone());
        let storage: Storage = serde_json::from_value(wire).unwrap();
        prop_assert_eq!(&storage.backups, &backups);
        prop_assert_eq!(&storage.servers, &servers);
        prop_assert_eq!(wrap_list("backup", to_values(&storage.backups)), backups_wire);
        prop_assert_eq!(wrap_list("server", to_values(&storage.servers)), servers_wire);
    }

    #[test]
    fn import_counters_exact(read in any::<u64>(), written in any::<u64>(), as_string in any::<bool>()) {
        let encode = |value: u64| if as_string { Value::from(value.to_string()) } else { Value::from(value) };
        let import: StorageImport = serde_json::from_value(json!({
            "uuid": "07aaaaaa-0000-4000-8000-000000000001", "source": "direct_upload", "state": "importing",
            "read_bytes": encode(read), "written_bytes": encode(written), "completed": "", "md5sum": ""
        })).unwrap();
        prop_assert_eq!(import.read_bytes, read);
        prop_assert_eq!(import.written_bytes, written);
        prop_assert_eq!(import.completed, None);
        prop_assert_eq!(import.md5sum, None);
    }

    #[test]
    fn accepted_uuids_stay_one_segment(uuid in prop_oneof!["[0-9a-fA-F-]{36}", any::<String>(),
                                                           "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"]) {
        if let Ok(built) = request::get_storage(&uuid) {
            let segment = built.path.strip_prefix("/1.3/storage/").unwrap();
            prop_assert_eq!(segment.len(), 36);
            prop_assert!(segment.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
            prop_assert_eq!(built.path_and_query(), built.path);
        }
    }

    #[test]
    fn label_filters_survive_encoding(filters in prop::collection::vec(any::<String>(), 1..4)) {
        let options = ListOptions { filter: None, labels: Some(filters.clone()) };
        if let Ok(built) = request::list_storages(&options) {
            let path_and_query = built.path_and_query();
            let query = path_and_query.split_once('?').unwrap().1;
            prop_assert!(query.chars().all(|c| c.is_ascii_alphanumeric() || "-._~%=&".contains(c)), "{}", query);

            let decoded: Vec<String> = query
                .split('&')
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap();
                    assert_eq!(key, "label");
                    percent_decode_str(value).decode_utf8().unwrap().into_owned()
                })
                .collect();
            prop_assert_eq!(decoded, filters);
        }
    }
}
