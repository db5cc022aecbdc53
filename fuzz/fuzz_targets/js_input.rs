//! Feeds arbitrary JSON as JS input to every option type and, when it decodes, to its request builder.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use upcloud_storage::input::{
    from_js_input, AttachStorage, CloneStorage, CreateImport, CreateStorage, DeleteOptions,
    DetachStorage, ListOptions, LoadCdrom, ModifyStorage, TitleInput,
};
use upcloud_storage::request;

const UUID: &str = "01aaaaaa-0000-4000-8000-000000000001";

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };

    if let Ok(input) = from_js_input::<CreateStorage, _>(value.clone(), "options") {
        let _ = request::create_storage(&input);
    }
    if let Ok(input) = from_js_input::<ModifyStorage, _>(value.clone(), "options") {
        let _ = request::modify_storage(UUID, &input);
    }
    if let Ok(input) = from_js_input::<CloneStorage, _>(value.clone(), "options") {
        let _ = request::clone_storage(UUID, &input);
    }
    if let Ok(input) = from_js_input::<ListOptions, _>(value.clone(), "options") {
        if let Ok(built) = request::list_storages(&input) {
            let _ = built.path_and_query();
        }
    }
    if let Ok(input) = from_js_input::<DeleteOptions, _>(value.clone(), "options") {
        let _ = request::delete_storage(UUID, &input);
    }
    if let Ok(input) = from_js_input::<TitleInput, _>(value.clone(), "options") {
        let _ = request::create_backup(UUID, &input);
    }
    if let Ok(input) = from_js_input::<CreateImport, _>(value.clone(), "options") {
        let _ = request::create_import(UUID, &input);
    }
    if let Ok(input) = from_js_input::<AttachStorage, _>(value.clone(), "options") {
        let _ = request::attach_storage(UUID, &input);
    }
    if let Ok(input) = from_js_input::<DetachStorage, _>(value.clone(), "options") {
        let _ = request::detach_storage(UUID, &input);
    }
    if let Ok(input) = from_js_input::<LoadCdrom, _>(value.clone(), "options") {
        let _ = request::load_cdrom(UUID, &input);
    }
    if let Value::String(text) = &value {
        let _ = request::get_storage(text);
    }
});
