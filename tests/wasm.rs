//! The JS face and the fetch transport inside a JS engine: run by
//! `scripts/test-wasm.sh` with wasm-bindgen-test in Node and in headless
//! Chromium, against an `upcloud-mock` whose API base URL the script passes
//! at build time in `UPCLOUD_MOCK_API` (token `t`, `--op-seconds 0.3`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Promise, Reflect};
use serde_json::json;
use upcloud_storage::CloudManager;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const MISSING_UUID: &str = "01000000-dead-4000-8000-00000000beef";

fn api_base() -> &'static str {
    option_env!("UPCLOUD_MOCK_API").expect("UPCLOUD_MOCK_API is set by scripts/test-wasm.sh")
}

fn js(value: serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("test values convert to JS")
}

fn manager(extra: serde_json::Value) -> CloudManager {
    let mut options = json!({ "baseUrl": api_base() });
    if let (Some(target), Some(source)) = (options.as_object_mut(), extra.as_object()) {
        target.extend(source.clone());
    }
    CloudManager::new(js(json!({ "token": "t" })), js(options)).expect("valid manager options")
}

fn get(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

fn assert_up_cloud_error(error: &JsValue, code: Option<&str>, status: Option<f64>) {
    assert!(error.is_instance_of::<js_sys::Error>(), "rejections are Error objects");
    assert_eq!(get(error, "name").as_string().as_deref(), Some("UpCloudError"));
    assert_eq!(get(error, "code").as_string().as_deref(), code, "code");
    assert_eq!(get(error, "status").as_f64(), status, "status");
}

async fn create_disk(manager: &CloudManager, title: &str) -> JsValue {
    let settings = js(json!({ "zone": "fi-hel1", "size": 10, "title": title, "encrypted": true }));
    settle(manager.create_storage(settings, JsValue::UNDEFINED))
        .await
        .expect("the mock creates a storage")
}

#[wasm_bindgen_test]
fn constructor_rejects_missing_credentials() {
    let error = match CloudManager::new(js(json!({})), JsValue::UNDEFINED) {
        Ok(_) => panic!("empty credentials were accepted"),
        Err(error) => error,
    };
    assert_up_cloud_error(&error, Some("VALIDATION_ERROR"), None);
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("credentials"));
}

#[wasm_bindgen_test]
fn constructor_rejects_misspelt_option() {
    let options = js(json!({ "baseURL": "http://127.0.0.1:1/1.3" }));
    let error = match CloudManager::new(js(json!({ "token": "t" })), options) {
        Ok(_) => panic!("a misspelt option was accepted"),
        Err(error) => error,
    };
    assert_up_cloud_error(&error, Some("VALIDATION_ERROR"), None);
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("baseURL"));
}

#[wasm_bindgen_test]
async fn create_get_delete_round_trip() {
    let manager = manager(json!({}));
    let disk = create_disk(&manager, "wasm test disk").await;
    let uuid = get(&disk, "uuid");
    assert_eq!(get(&disk, "encrypted").as_bool(), Some(true));
    assert_eq!(get(&disk, "size").as_f64(), Some(10.0));
    assert!(get(&disk, "origin").is_null(), "absent values are null");

    let fetched = settle(manager.get_storage(uuid.clone(), JsValue::UNDEFINED)).await.expect("get");
    assert_eq!(get(&fetched, "uuid"), uuid);
    let keys = Object::keys(fetched.unchecked_ref::<Object>());
    assert!(!keys.includes(&"update".into(), 0), "methods are not own properties");

    settle(manager.delete_storage(uuid.clone(), JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .expect("delete");
    let error = settle(manager.get_storage(uuid, JsValue::UNDEFINED)).await.expect_err("deleted");
    assert_up_cloud_error(&error, Some("STORAGE_NOT_FOUND"), Some(404.0));
}

#[wasm_bindgen_test]
async fn list_filters_by_label() {
    let manager = manager(json!({}));
    // Each runtime's run shares the mock, so the label value is unique per run.
    let run = format!("run{}", (js_sys::Math::random() * 1e9) as u64);
    let settings = js(json!({
        "zone": "fi-hel1", "size": 10, "title": "labelled", "labels": [{ "key": "suite", "value": run }]
    }));
    let disk = settle(manager.create_storage(settings, JsValue::UNDEFINED)).await.expect("create");

    let filter = js(json!({ "labels": [format!("suite={run}")] }));
    let found = settle(manager.get_storages("all".into(), filter, JsValue::UNDEFINED))
        .await
        .expect("list");
    let found: Array = found.unchecked_into();
    assert_eq!(found.length(), 1);
    assert_eq!(get(&found.get(0), "uuid"), get(&disk, "uuid"));
}

#[wasm_bindgen_test]
async fn not_found_has_code_and_status() {
    let manager = manager(json!({}));
    let error = settle(manager.get_storage(MISSING_UUID.into(), JsValue::UNDEFINED))
        .await
        .expect_err("missing storage");
    assert_up_cloud_error(&error, Some("STORAGE_NOT_FOUND"), Some(404.0));
}

#[wasm_bindgen_test]
async fn wrong_argument_types_reject() {
    let manager = manager(json!({}));
    let calls: Vec<(Promise, &str)> = vec![
        (manager.get_storage(42.into(), JsValue::UNDEFINED), "uuid"),
        (manager.create_storage(js(json!({ "zone": "fi-hel1", "size": "10", "title": "t" })), JsValue::UNDEFINED), "size"),
        (manager.get_storages(7.into(), JsValue::UNDEFINED, JsValue::UNDEFINED), "filter"),
        (manager.get_storage(MISSING_UUID.into(), js(json!({ "signal": "soon" }))), "signal"),
        (manager.delete_storage(MISSING_UUID.into(), js(json!({ "backups": "all" })), JsValue::UNDEFINED), "backups"),
    ];
    for (promise, field) in calls {
        let error = settle(promise).await.expect_err("invalid argument");
        assert_up_cloud_error(&error, Some("VALIDATION_ERROR"), None);
        assert_eq!(get(&error, "field").as_string().as_deref(), Some(field));
    }

    let fine = settle(manager.get_storages(JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert!(fine.is_ok(), "the manager still works after invalid arguments");
}

#[wasm_bindgen_test]
async fn aborted_signal_rejects_aborted() {
    let manager = manager(json!({}));
    let controller = web_sys_abort_controller();
    let abort: js_sys::Function = get(&controller, "abort").unchecked_into();
    abort.call0(&controller).expect("abort");
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), &get(&controller, "signal")).expect("set signal");

    let error = settle(manager.get_storages("private".into(), JsValue::UNDEFINED, options.into()))
        .await
        .expect_err("aborted call");
    assert_up_cloud_error(&error, Some("ABORTED"), None);
}

#[wasm_bindgen_test]
async fn unreachable_host_is_network_error() {
    let manager = CloudManager::new(
        js(json!({ "username": "user", "password": "pässwörd€" })),
        js(json!({ "baseUrl": "http://127.0.0.1:9/1.3", "retries": 0 })),
    )
    .expect("valid options");
    let error = settle(manager.get_storage(MISSING_UUID.into(), JsValue::UNDEFINED))
        .await
        .expect_err("nothing listens on port 9");
    assert_up_cloud_error(&error, Some("NETWORK_ERROR"), None);
    let text = format!("{:?}", get(&error, "message"));
    assert!(!text.contains("pässwörd€"), "the password leaked into the message");
}

#[wasm_bindgen_test]
async fn clone_and_wait_for_online() {
    let manager = manager(json!({}));
    let disk = create_disk(&manager, "clone source").await;
    let settings = js(json!({ "title": "wasm clone", "zone": "fi-hel1" }));
    let clone = settle(manager.clone_storage(get(&disk, "uuid"), settings, JsValue::UNDEFINED))
        .await
        .expect("clone");
    assert_eq!(get(&clone, "state").as_string().as_deref(), Some("maintenance"));

    let wait = js(json!({ "intervalMs": 100, "timeoutMs": 10000 }));
    let online = settle(manager.wait_for_storage_state(get(&clone, "uuid"), JsValue::UNDEFINED, wait))
        .await
        .expect("wait");
    assert_eq!(get(&online, "state").as_string().as_deref(), Some("online"));
}

fn web_sys_abort_controller() -> JsValue {
    let constructor: js_sys::Function = get(&js_sys::global(), "AbortController").unchecked_into();
    Reflect::construct(&constructor, &Array::new()).expect("AbortController exists")
}
