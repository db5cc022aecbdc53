//! Replays recorded UpCloud API exchanges against the core.
//!
//! Every `*.json` case file in the conformance directory is read: the
//! `shared/conformance` folder next to the repository, or the directory in
//! `UPCLOUD_CONFORMANCE_DIR`. For each exchange the test recognises the
//! operation from method and path, rebuilds the request from the typed input
//! and compares it with the recorded one, then parses the recorded response
//! and checks its key fields against the raw JSON. One line per case file is
//! written to stdout (`PASS name` or `FAIL name: reason`), also when the test
//! passes, and the test fails if any case failed.
//!
//! How recorded requests are compared with rebuilt ones:
//! - A number sent as a numeric string (`"size": "10"`) equals the number.
//! - A key the recording sends as `""` equals a key we leave out, because the
//!   API reads an empty string as "not set" (the Go SDK sends
//!   `"source_location": ""` on direct uploads).
//! - `backups=keep` equals no `backups` parameter, because `keep` is the API's
//!   default; we always send it so the policy is explicit.
//! - Bodies on restore, resize, eject, cancel and favorites are ignored: the
//!   Go SDK sends stray bodies there that the API ignores, and we send none.
//! - The Python SDK's `backup_rule: {}` and `encrypted: "no"` on create need
//!   no special rule: they decode to an empty rule and `encrypted: false`,
//!   which the builder sends back as set.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use serde::Deserialize;
use serde_json::{Map, Value};

use upcloud_storage::input::{
    from_js_input, AttachStorage, CloneStorage, CreateImport, CreateStorage, DeleteOptions,
    DeletePolicy, DetachStorage, JsInput, ListOptions, LoadCdrom, ModifyStorage, StorageFilter,
    TitleInput,
};
use upcloud_storage::model::{Server, Storage, StorageImport, UploadResult};
use upcloud_storage::request::{self, ApiRequest, Method};
use upcloud_storage::response;
use upcloud_storage::Error;

#[derive(Deserialize)]
struct CaseFile {
    exchanges: Vec<Exchange>,
}

#[derive(Deserialize)]
struct Exchange {
    request: RecordedRequest,
    response: RecordedResponse,
}

#[derive(Deserialize)]
struct RecordedRequest {
    method: String,
    path: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    body: Value,
    #[serde(default)]
    upload: bool,
}

#[derive(Deserialize)]
struct RecordedResponse {
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, Value>,
    #[serde(default)]
    body: Value,
}

impl RecordedResponse {
    fn content_type(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .and_then(|(_, value)| value.as_str())
    }

    /// Returns the body bytes as the server sent them: JSON re-serialised, a string
    /// body of a non-JSON response sent as its text, `null` as nothing.
    fn body_bytes(&self) -> Vec<u8> {
        let json_type = self
            .content_type()
            .map(|value| value.to_ascii_lowercase().contains("json"))
            .unwrap_or(true);
        match &self.body {
            Value::Null => Vec::new(),
            Value::String(text) if !json_type => text.as_bytes().to_vec(),
            other => serde_json::to_vec(other).expect("a JSON value serialises"),
        }
    }
}

/// The operations the core builds requests for, recognised from method and path.
#[derive(Debug)]
enum Operation {
    List(StorageFilter),
    Get(String),
    Create,
    Modify(String),
    Delete(String),
    Clone(String),
    Cancel(String),
    Templatize(String),
    Backup(String),
    Restore(String),
    AddFavorite(String),
    RemoveFavorite(String),
    Resize(String),
    CreateImport(String),
    GetImport(String),
    CancelImport(String),
    Attach(String),
    Detach(String),
    LoadCdrom(String),
    EjectCdrom(String),
}

enum Recognised {
    Api(Operation),
    Upload,
    /// A call outside the storage API (server create, stop, delete), set-up for the case.
    Unrelated,
}

fn recognise(request: &RecordedRequest) -> Result<Recognised, String> {
    if request.upload {
        return Ok(Recognised::Upload);
    }

    let Some(rest) = request.path.strip_prefix("/1.3/") else {
        return Err(format!("path {} is not under /1.3/", request.path));
    };
    let segments: Vec<String> = rest
        .trim_end_matches('/')
        .split('/')
        .map(str::to_string)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method.to_ascii_uppercase();

    let operation = match (method.as_str(), segments.as_slice()) {
        ("GET", ["storage"]) => Operation::List(StorageFilter::All),
        ("POST", ["storage"]) => Operation::Create,
        ("GET", ["storage", segment]) => match StorageFilter::from_path_segment(segment) {
            Some(filter) => Operation::List(filter),
            None => Operation::Get(segment.to_string()),
        },
        ("PUT", ["storage", uuid]) => Operation::Modify(uuid.to_string()),
        ("DELETE", ["storage", uuid]) => Operation::Delete(uuid.to_string()),
        ("POST", ["storage", uuid, "clone"]) => Operation::Clone(uuid.to_string()),
        ("POST", ["storage", uuid, "cancel"]) => Operation::Cancel(uuid.to_string()),
        ("POST", ["storage", uuid, "templatize"]) => Operation::Templatize(uuid.to_string()),
        ("POST", ["storage", uuid, "backup"]) => Operation::Backup(uuid.to_string()),
        ("POST", ["storage", uuid, "restore"]) => Operation::Restore(uuid.to_string()),
        ("POST", ["storage", uuid, "favorite"]) => Operation::AddFavorite(uuid.to_string()),
        ("DELETE", ["storage", uuid, "favorite"]) => Operation::RemoveFavorite(uuid.to_string()),
        ("POST", ["storage", uuid, "resize"]) => Operation::Resize(uuid.to_string()),
        ("POST", ["storage", uuid, "import"]) => Operation::CreateImport(uuid.to_string()),
        ("GET", ["storage", uuid, "import"]) => Operation::GetImport(uuid.to_string()),
        ("POST", ["storage", uuid, "import", "cancel"]) => Operation::CancelImport(uuid.to_string()),
        ("POST", ["server", uuid, "storage", "attach"]) => Operation::Attach(uuid.to_string()),
        ("POST", ["server", uuid, "storage", "detach"]) => Operation::Detach(uuid.to_string()),
        ("POST", ["server", uuid, "cdrom", "load"]) => Operation::LoadCdrom(uuid.to_string()),
        ("POST", ["server", uuid, "cdrom", "eject"]) => Operation::EjectCdrom(uuid.to_string()),
        (_, ["storage", ..]) => {
            return Err(format!("unrecognised storage operation {method} {}", request.path))
        }
        _ => return Ok(Recognised::Unrelated),
    };
    Ok(Recognised::Api(operation))
}

/// Converts a recorded wire body into the JS input the library accepts:
/// snake_case keys become camelCase, numeric strings of numeric fields become
/// numbers, and yes/no flags become booleans.
fn wire_to_js(value: &Value) -> Value {
    match value {
        Value::Object(fields) => {
            let mut converted = Map::new();
            for (key, value) in fields {
                let js_value = match (key.as_str(), value) {
                    ("size" | "retention", Value::String(text)) => text
                        .parse::<u64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| value.clone()),
                    ("encrypted" | "boot_disk", Value::String(text)) => {
                        match text.to_ascii_lowercase().as_str() {
                            "yes" | "1" | "true" => Value::Bool(true),
                            "no" | "0" | "false" => Value::Bool(false),
                            _ => value.clone(),
                        }
                    }
                    _ => wire_to_js(value),
                };
                converted.insert(camel_case(key), js_value);
            }
            Value::Object(converted)
        }
        Value::Array(items) => Value::Array(items.iter().map(wire_to_js).collect()),
        other => other.clone(),
    }
}

fn camel_case(key: &str) -> String {
    let mut converted = String::new();
    let mut upper_next = false;
    for character in key.chars() {
        if character == '_' && !converted.is_empty() {
            upper_next = true;
        } else if upper_next {
            converted.extend(character.to_uppercase());
            upper_next = false;
        } else {
            converted.push(character);
        }
    }
    converted
}

fn js_input<T: JsInput>(body: &Value, envelope: &str) -> Result<T, String> {
    let inner = body
        .get(envelope)
        .ok_or_else(|| format!("recorded body has no `{envelope}` object"))?;
    from_js_input(wire_to_js(inner), "recorded body").map_err(|error| error.to_string())
}

fn decoded_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                percent_decode_str(&text.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(key), decode(value))
        })
        .collect()
}

fn build(operation: &Operation, recorded: &RecordedRequest) -> Result<ApiRequest, String> {
    let query = decoded_query(&recorded.query);
    let body = &recorded.body;
    let built = match operation {
        Operation::List(filter) => {
            let labels: Vec<String> = query
                .iter()
                .filter(|(key, _)| key == "label")
                .map(|(_, value)| value.clone())
                .collect();
            let options = ListOptions {
                filter: Some(*filter),
                labels: (!labels.is_empty()).then_some(labels),
            };
            request::list_storages(&options)
        }
        Operation::Get(uuid) => request::get_storage(uuid),
        Operation::Create => request::create_storage(&js_input::<CreateStorage>(body, "storage")?),
        Operation::Modify(uuid) => request::modify_storage(uuid, &js_input::<ModifyStorage>(body, "storage")?),
        Operation::Delete(uuid) => {
            let backups = match query.iter().find(|(key, _)| key == "backups") {
                Some((_, value)) => Some(
                    DeletePolicy::from_query_value(value)
                        .ok_or_else(|| format!("unknown backups policy {value:?}"))?,
                ),
                None => None,
            };
            request::delete_storage(uuid, &DeleteOptions { backups })
        }
        Operation::Clone(uuid) => request::clone_storage(uuid, &js_input::<CloneStorage>(body, "storage")?),
        Operation::Cancel(uuid) => request::cancel_operation(uuid),
        Operation::Templatize(uuid) => request::templatize_storage(uuid, &js_input::<TitleInput>(body, "storage")?),
        Operation::Backup(uuid) => request::create_backup(uuid, &js_input::<TitleInput>(body, "storage")?),
        Operation::Restore(uuid) => request::restore_backup(uuid),
        Operation::AddFavorite(uuid) => request::add_favorite(uuid),
        Operation::RemoveFavorite(uuid) => request::remove_favorite(uuid),
        Operation::Resize(uuid) => request::resize_filesystem(uuid),
        Operation::CreateImport(uuid) => {
            request::create_import(uuid, &js_input::<CreateImport>(body, "storage_import")?)
        }
        Operation::GetImport(uuid) => request::get_import(uuid),
        Operation::CancelImport(uuid) => request::cancel_import(uuid),
        Operation::Attach(uuid) => request::attach_storage(uuid, &js_input::<AttachStorage>(body, "storage_device")?),
        Operation::Detach(uuid) => request::detach_storage(uuid, &js_input::<DetachStorage>(body, "storage_device")?),
        Operation::LoadCdrom(uuid) => request::load_cdrom(uuid, &js_input::<LoadCdrom>(body, "storage_device")?),
        Operation::EjectCdrom(uuid) => request::eject_cdrom(uuid),
    };
    built.map_err(|error| format!("the builder rejected the recorded request: {error}"))
}

/// Returns whether the operation has no request body, so a recorded one is ignored.
fn body_is_ignored(operation: &Operation) -> bool {
    matches!(
        operation,
        Operation::Restore(_)
            | Operation::Resize(_)
            | Operation::EjectCdrom(_)
            | Operation::Cancel(_)
            | Operation::CancelImport(_)
            | Operation::AddFavorite(_)
            | Operation::RemoveFavorite(_)
            | Operation::Get(_)
            | Operation::GetImport(_)
            | Operation::List(_)
            | Operation::Delete(_)
    )
}

/// Compares JSON values, treating a numeric string as equal to the number and
/// a recorded `""` as equal to a key we leave out.
fn json_matches(recorded: &Value, built: &Value, path: &str) -> Result<(), String> {
    match (recorded, built) {
        (Value::Object(recorded_fields), Value::Object(built_fields)) => {
            for (key, recorded_value) in recorded_fields {
                let child = format!("{path}.{key}");
                match built_fields.get(key) {
                    Some(built_value) => json_matches(recorded_value, built_value, &child)?,
                    None if recorded_value == &Value::String(String::new()) => {}
                    None => return Err(format!("{child} is recorded but not sent")),
                }
            }
            for key in built_fields.keys() {
                if !recorded_fields.contains_key(key) {
                    return Err(format!("{path}.{key} is sent but was not recorded"));
                }
            }
            Ok(())
        }
        (Value::Array(recorded_items), Value::Array(built_items)) => {
            if recorded_items.len() != built_items.len() {
                return Err(format!(
                    "{path} has {} items recorded and {} sent",
                    recorded_items.len(),
                    built_items.len()
                ));
            }
            for (index, (recorded_item, built_item)) in recorded_items.iter().zip(built_items).enumerate() {
                json_matches(recorded_item, built_item, &format!("{path}[{index}]"))?;
            }
            Ok(())
        }
        (Value::String(text), Value::Number(number)) | (Value::Number(number), Value::String(text))
            if text.parse::<f64>().ok() == number.as_f64() =>
        {
            Ok(())
        }
        _ if recorded == built => Ok(()),
        _ => Err(format!("{path} is {recorded} recorded but {built} sent")),
    }
}

fn compare_request(operation: &Operation, recorded: &RecordedRequest, built: &ApiRequest) -> Result<(), String> {
    if !built.method.as_str().eq_ignore_ascii_case(&recorded.method) {
        return Err(format!("method {} built, {} recorded", built.method, recorded.method));
    }
    let recorded_path = recorded.path.trim_end_matches('/');
    if built.path != recorded_path {
        return Err(format!("path {} built, {} recorded", built.path, recorded_path));
    }

    let mut recorded_query = decoded_query(&recorded.query);
    let mut built_query = built.query.clone();
    let keep = ("backups".to_string(), "keep".to_string());
    if built.method == Method::Delete && !recorded_query.iter().any(|(key, _)| key == "backups") {
        built_query.retain(|pair| pair != &keep);
    }
    recorded_query.sort();
    built_query.sort();
    if recorded_query != built_query {
        return Err(format!("query {built_query:?} built, {recorded_query:?} recorded"));
    }

    if body_is_ignored(operation) {
        return match &built.body {
            None => Ok(()),
            Some(body) => Err(format!("a body {body} is built for an operation without one")),
        };
    }
    match (&recorded.body, &built.body) {
        (Value::Null, None) => Ok(()),
        (recorded_body, Some(built_body)) => json_matches(recorded_body, built_body, "body"),
        (recorded_body, None) => Err(format!("no body built, {recorded_body} recorded")),
    }
}

fn expected_error_code(body: &Value) -> String {
    if let Some(code) = body.pointer("/error/error_code").and_then(Value::as_str) {
        return code.to_string();
    }
    let code = match body.get("type").and_then(Value::as_str) {
        Some("about:blank") | None => None,
        Some(problem_type) => match problem_type.rsplit_once('#') {
            Some((_, fragment)) => Some(fragment),
            None => problem_type.trim_end_matches('/').rsplit('/').next(),
        },
    };
    match code.map(|code| code.trim_start_matches("ERROR_")) {
        Some(code) if !code.is_empty() => code.to_string(),
        _ => "HTTP_ERROR".to_string(),
    }
}

fn check_error(result: Result<(), Error>, response: &RecordedResponse) -> Result<(), String> {
    let error = match result {
        Ok(()) => return Err(format!("status {} parsed as success", response.status)),
        Err(error) => error,
    };
    if error.status != Some(response.status) {
        return Err(format!("error status {:?}, recorded {}", error.status, response.status));
    }
    let expected = expected_error_code(&response.body);
    if error.code != expected {
        return Err(format!("error code {}, expected {expected}", error.code));
    }
    Ok(())
}

fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

fn check_storage(storage: &Storage, raw: &Value, what: &str) -> Result<(), String> {
    let text = |key: &str| raw.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let checks = [
        ("uuid", storage.uuid.clone(), text("uuid")),
        ("state", storage.state.to_string(), text("state")),
        ("type", storage.storage_type.to_string(), text("type")),
        ("title", storage.title.clone(), text("title")),
    ];
    for (field, parsed, recorded) in checks {
        if parsed != recorded {
            return Err(format!("{what}.{field} parsed as {parsed:?}, recorded {recorded:?}"));
        }
    }

    if Some(f64::from(storage.size)) != raw.get("size").and_then(number_of) {
        return Err(format!("{what}.size parsed as {}, recorded {}", storage.size, raw["size"]));
    }
    let recorded_progress = raw.get("progress").and_then(number_of);
    if storage.progress.map(f64::from) != recorded_progress {
        return Err(format!("{what}.progress parsed as {:?}, recorded {recorded_progress:?}", storage.progress));
    }

    let recorded_labels = raw.get("labels").and_then(Value::as_array).map_or(0, Vec::len);
    if storage.labels.len() != recorded_labels {
        return Err(format!("{what}.labels has {} parsed, {recorded_labels} recorded", storage.labels.len()));
    }
    let recorded_backups = raw.pointer("/backups/backup").and_then(Value::as_array).map_or(0, Vec::len);
    if storage.backups.len() != recorded_backups {
        return Err(format!("{what}.backups has {} parsed, {recorded_backups} recorded", storage.backups.len()));
    }
    let recorded_servers = raw.pointer("/servers/server").and_then(Value::as_array).map_or(0, Vec::len);
    if storage.servers.len() != recorded_servers {
        return Err(format!("{what}.servers has {} parsed, {recorded_servers} recorded", storage.servers.len()));
    }

    let recorded_rule = raw
        .get("backup_rule")
        .and_then(Value::as_object)
        .is_some_and(|rule| !rule.is_empty());
    if storage.backup_rule.is_some() != recorded_rule {
        return Err(format!("{what}.backup_rule parsed as {:?}", storage.backup_rule));
    }
    let recorded_encrypted = match raw.get("encrypted") {
        Some(Value::Bool(flag)) => Some(*flag),
        Some(Value::String(flag)) if !flag.is_empty() => Some(matches!(flag.to_ascii_lowercase().as_str(), "yes" | "true" | "1")),
        Some(Value::Number(number)) => Some(number.as_u64() == Some(1)),
        _ => None,
    };
    if storage.encrypted != recorded_encrypted {
        return Err(format!("{what}.encrypted parsed as {:?}, recorded {recorded_encrypted:?}", storage.encrypted));
    }
    Ok(())
}

fn check_import(import: &StorageImport, raw: &Value) -> Result<(), String> {
    let text = |key: &str| raw.get(key).and_then(Value::as_str).filter(|value| !value.is_empty()).map(str::to_string);
    if Some(import.uuid.clone()) != text("uuid") {
        return Err(format!("import uuid parsed as {}", import.uuid));
    }
    if Some(import.state.to_string()) != text("state") {
        return Err(format!("import state parsed as {}", import.state));
    }
    if Some(import.source.to_string()) != text("source") {
        return Err(format!("import source parsed as {}", import.source));
    }
    let counters = [
        ("read_bytes", import.read_bytes),
        ("written_bytes", import.written_bytes),
        ("client_content_length", import.client_content_length),
    ];
    for (field, parsed) in counters {
        let recorded = raw.get(field).and_then(number_of).unwrap_or(0.0);
        if parsed as f64 != recorded {
            return Err(format!("import {field} parsed as {parsed}, recorded {recorded}"));
        }
    }
    let optional = [
        ("sha256sum", &import.sha256sum),
        ("md5sum", &import.md5sum),
        ("completed", &import.completed),
        ("error_code", &import.error_code),
        ("client_content_type", &import.client_content_type),
        ("direct_upload_url", &import.direct_upload_url),
    ];
    for (field, parsed) in optional {
        if parsed != &text(field) {
            return Err(format!("import {field} parsed differently from the recording"));
        }
    }
    Ok(())
}

fn check_server(server: &Server, raw: &Value) -> Result<(), String> {
    if Some(server.uuid.as_str()) != raw.get("uuid").and_then(Value::as_str) {
        return Err(format!("server uuid parsed as {}", server.uuid));
    }
    let recorded_devices = raw
        .pointer("/storage_devices/storage_device")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if server.storage_devices.len() != recorded_devices.len() {
        return Err(format!(
            "server has {} storage devices parsed, {} recorded",
            server.storage_devices.len(),
            recorded_devices.len()
        ));
    }
    for (device, raw_device) in server.storage_devices.iter().zip(&recorded_devices) {
        let recorded_storage = raw_device.get("storage").and_then(Value::as_str).filter(|uuid| !uuid.is_empty());
        if Some(device.address.as_str()) != raw_device.get("address").and_then(Value::as_str)
            || device.storage.as_deref() != recorded_storage
        {
            return Err(format!("storage device {} parsed differently from the recording", device.address));
        }
    }
    Ok(())
}

fn check_upload(result: &UploadResult, raw: &Value) -> Result<(), String> {
    if Some(result.written_bytes as f64) != raw.get("written_bytes").and_then(number_of) {
        return Err(format!("upload written_bytes parsed as {}", result.written_bytes));
    }
    let digest = |key: &str| raw.get(key).and_then(Value::as_str).filter(|value| !value.is_empty());
    if result.sha256sum.as_deref() != digest("sha256sum") {
        return Err("upload sha256sum parsed differently from the recording".into());
    }
    if result.md5sum.as_deref() != digest("md5sum") {
        return Err("upload md5sum parsed differently from the recording".into());
    }
    Ok(())
}

/// What a case remembers between exchanges: the direct-upload URLs handed out so far.
#[derive(Default)]
struct CaseState {
    upload_urls: Vec<String>,
}

fn check_response(operation: &Operation, response: &RecordedResponse, state: &mut CaseState) -> Result<(), String> {
    let status = response.status;
    let content_type = response.content_type();
    let bytes = response.body_bytes();
    let success = (200..300).contains(&status);
    let body = &response.body;

    let fail = |error: Error| format!("parsing failed: {error}");
    match operation {
        Operation::Get(_)
        | Operation::Create
        | Operation::Modify(_)
        | Operation::Clone(_)
        | Operation::Templatize(_)
        | Operation::Backup(_) => {
            let parsed = response::parse_storage(status, content_type, &bytes);
            if !success {
                return check_error(parsed.map(drop), response);
            }
            check_storage(&parsed.map_err(fail)?, &body["storage"], "storage")
        }
        Operation::List(_) => {
            let parsed = response::parse_storage_list(status, content_type, &bytes);
            if !success {
                return check_error(parsed.map(drop), response);
            }
            let storages = parsed.map_err(fail)?;
            let raw = body
                .pointer("/storages/storage")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if storages.len() != raw.len() {
                return Err(format!("list has {} storages parsed, {} recorded", storages.len(), raw.len()));
            }
            for (index, (storage, raw_storage)) in storages.iter().zip(&raw).enumerate() {
                check_storage(storage, raw_storage, &format!("storages[{index}]"))?;
            }
            Ok(())
        }
        Operation::Resize(_) => {
            let parsed = response::parse_resize_backup(status, content_type, &bytes);
            if !success {
                return check_error(parsed.map(drop), response);
            }
            let backup = parsed.map_err(fail)?;
            check_storage(&backup, &body["resize_backup"], "resize_backup")?;
            if backup.origin.as_deref() != body.pointer("/resize_backup/origin").and_then(Value::as_str) {
                return Err("resize_backup.origin parsed differently from the recording".into());
            }
            Ok(())
        }
        Operation::CreateImport(_) | Operation::GetImport(_) | Operation::CancelImport(_) => {
            let parsed = response::parse_import(status, content_type, &bytes);
            if !success {
                return check_error(parsed.map(drop), response);
            }
            let import = parsed.map_err(fail)?;
            check_import(&import, &body["storage_import"])?;
            state.upload_urls.extend(import.direct_upload_url.clone());
            Ok(())
        }
        Operation::Attach(_) | Operation::Detach(_) | Operation::LoadCdrom(_) | Operation::EjectCdrom(_) => {
            let parsed = response::parse_server(status, content_type, &bytes);
            if !success {
                return check_error(parsed.map(drop), response);
            }
            check_server(&parsed.map_err(fail)?, &body["server"])
        }
        Operation::Delete(_)
        | Operation::Cancel(_)
        | Operation::Restore(_)
        | Operation::AddFavorite(_)
        | Operation::RemoveFavorite(_) => {
            let parsed = response::parse_empty(status, content_type, &bytes);
            if !success {
                return check_error(parsed, response);
            }
            parsed.map_err(fail)
        }
    }
}

fn check_upload_exchange(exchange: &Exchange, state: &CaseState) -> Result<(), String> {
    // A case may record the upload alone; the session check needs the import that issued it.
    let path = &exchange.request.path;
    if !state.upload_urls.is_empty() && !state.upload_urls.iter().any(|url| url.ends_with(path.as_str())) {
        return Err(format!(
            "upload path {path} matches no direct_upload_url handed out earlier in the case"
        ));
    }

    let response = &exchange.response;
    let parsed = response::parse_upload_result(response.status, response.content_type(), &response.body_bytes());
    if !(200..300).contains(&response.status) {
        return check_error(parsed.map(drop), response);
    }
    check_upload(&parsed.map_err(|error| format!("parsing failed: {error}"))?, &response.body)
}

fn replay_case(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read: {error}"))?;
    let case: CaseFile = serde_json::from_str(&text).map_err(|error| format!("not a case file: {error}"))?;
    if case.exchanges.is_empty() {
        return Err("the case has no exchanges".into());
    }

    let mut state = CaseState::default();
    let mut replayed = 0;
    let mut skipped = 0;
    for (index, exchange) in case.exchanges.iter().enumerate() {
        let label = format!(
            "exchange {index} ({} {})",
            exchange.request.method, exchange.request.path
        );
        let outcome = match recognise(&exchange.request) {
            Ok(Recognised::Api(operation)) => build(&operation, &exchange.request)
                .and_then(|built| compare_request(&operation, &exchange.request, &built))
                .and_then(|()| check_response(&operation, &exchange.response, &mut state)),
            Ok(Recognised::Upload) => check_upload_exchange(exchange, &state),
            Ok(Recognised::Unrelated) => {
                skipped += 1;
                continue;
            }
            Err(reason) => Err(reason),
        };
        outcome.map_err(|reason| format!("{label}: {reason}"))?;
        replayed += 1;
    }

    if replayed == 0 {
        return Err("no exchange of the case is a storage operation".into());
    }
    Ok(format!("{replayed} exchanges replayed, {skipped} outside the storage API skipped"))
}

fn conformance_dir() -> PathBuf {
    match std::env::var_os("UPCLOUD_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"),
    }
}

#[test]
fn conformance_replay() {
    let dir = conformance_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read conformance directory {}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.json case files in {}", dir.display());

    // Written straight to stdout, past the test harness's capture, so the
    // per-case lines show on success too.
    let mut stdout = std::io::stdout().lock();
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let line = match replay_case(file) {
            Ok(summary) => format!("PASS {name} ({summary})\n"),
            Err(reason) => {
                failures.push(name.clone());
                format!("FAIL {name}: {reason}\n")
            }
        };
        stdout.write_all(line.as_bytes()).expect("stdout is writable");
    }
    drop(stdout);

    assert!(
        failures.is_empty(),
        "{} of {} conformance cases failed: {}",
        failures.len(),
        files.len(),
        failures.join(", ")
    );
}

#[test]
fn json_matching_rules() {
    use serde_json::json;
    assert!(json_matches(&json!({"size": "10"}), &json!({"size": 10}), "body").is_ok());
    assert!(json_matches(&json!({"size": "11"}), &json!({"size": 10}), "body").is_err());
    assert!(json_matches(&json!({"source_location": ""}), &json!({}), "body").is_ok());
    assert!(json_matches(&json!({"title": "x"}), &json!({}), "body").is_err());
    assert!(json_matches(&json!({}), &json!({"title": "x"}), "body").is_err());
    assert!(json_matches(&json!({"labels": []}), &json!({"labels": [1]}), "body").is_err());
    assert!(json_matches(&json!({"a": "yes"}), &json!({"a": true}), "body").is_err());
}

#[test]
fn camel_case_keys() {
    assert_eq!(camel_case("backup_rule"), "backupRule");
    assert_eq!(camel_case("source_location"), "sourceLocation");
    assert_eq!(camel_case("title"), "title");
}

/// Writes `cases` as case files into a fresh directory and replays each one.
fn replay_synthetic(cases: &[(&str, Value)]) -> Vec<(String, Result<String, String>)> {
    let dir = std::env::temp_dir().join(format!(
        "upcloud-conformance-{}-{}",
        std::process::id(),
        cases.first().map_or("empty", |(name, _)| name)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir is writable");
    let results = cases
        .iter()
        .map(|(name, case)| {
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, serde_json::to_vec_pretty(case).expect("case serialises")).expect("case is writable");
            (name.to_string(), replay_case(&path))
        })
        .collect();
    std::fs::remove_dir_all(&dir).expect("temp dir is removable");
    results
}

fn exchange(method: &str, path: &str, query: &str, body: Value, status: u16, response: Value) -> Value {
    let content_type = if response.is_null() { Value::Null } else { Value::from("application/json; charset=UTF-8") };
    serde_json::json!({
        "request": {"method": method, "path": path, "query": query, "headers": {}, "body": body},
        "response": {"status": status, "headers": {"content-type": content_type}, "body": response}
    })
}

fn storage_json(uuid: &str, state: &str, extra: Value) -> Value {
    let mut storage = serde_json::json!({
        "access": "private", "created": "2023-02-27T08:35:04Z", "license": 0, "size": 10,
        "state": state, "tier": "maxiops", "title": "Labelled", "type": "normal", "uuid": uuid, "zone": "fi-hel2"
    });
    if let (Some(fields), Value::Object(extra)) = (storage.as_object_mut(), extra) {
        fields.extend(extra);
    }
    storage
}

#[test]
fn replays_unseen_case_shapes() {
    use serde_json::json;
    const DISK: &str = "01aaaaaa-0000-4000-8000-000000000001";
    const BACKUP: &str = "01aaaaaa-0000-4000-8000-000000000002";
    const SERVER: &str = "00aaaaaa-0000-4000-8000-000000000001";
    const IMPORT: &str = "07aaaaaa-0000-4000-8000-000000000001";
    let disk_path = format!("/1.3/storage/{DISK}");
    let backup_path = format!("/1.3/storage/{BACKUP}");

    let labels = json!({"exchanges": [
        exchange("POST", "/1.3/storage", "", json!({"storage": {"size": "10", "tier": "maxiops", "title": "Labelled", "zone": "fi-hel2", "labels": [{"key": "color", "value": "green"}]}}),
            201, json!({"storage": storage_json(DISK, "online", json!({"labels": [{"key": "color", "value": "green"}], "backup_rule": {}, "backups": {"backup": []}, "servers": {"server": []}}))})),
        exchange("GET", "/1.3/storage", "label=color", Value::Null, 200,
            json!({"storages": {"storage": [storage_json(DISK, "online", json!({"labels": [{"key": "color", "value": "green"}]}))]}})),
        exchange("GET", "/1.3/storage", "label=color%3Dgreen&label=size", Value::Null, 200, json!({"storages": {"storage": []}})),
        exchange("PUT", &disk_path, "", json!({"storage": {"labels": [{"key": "color", "value": "purple"}]}}),
            202, json!({"storage": storage_json(DISK, "online", json!({"labels": [{"key": "color", "value": "purple"}]}))})),
        exchange("PUT", &disk_path, "", json!({"storage": {"labels": []}}),
            202, json!({"storage": storage_json(DISK, "online", json!({"labels": []}))})),
        exchange("DELETE", &disk_path, "", Value::Null, 204, Value::Null),
    ]});

    let restore_polling = json!({"exchanges": [
        exchange("POST", &format!("{backup_path}/restore"), "", json!({"UUID": BACKUP}), 204, Value::Null),
        exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": storage_json(DISK, "maintenance", json!({"progress": "95"}))})),
        exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": storage_json(DISK, "syncing", json!({}))})),
        exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": storage_json(DISK, "backuping", json!({"progress": "5"}))})),
        exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": storage_json(DISK, "online", json!({}))})),
    ]});

    let import_answer = |state: &str, read: u64, written: u64, content_type: &str| json!({"storage_import": {
        "client_content_length": 0, "client_content_type": content_type, "completed": "", "created": "2022-10-27T17:15:56Z",
        "direct_upload_url": format!("https://pl-waw1.img.upcloud.com/uploader/session/{IMPORT}"),
        "error_code": "", "error_message": "", "md5sum": "", "read_bytes": read, "sha256sum": "",
        "source": "direct_upload", "state": state, "uuid": IMPORT, "written_bytes": written}});
    let mut upload = exchange("PUT", &format!("/uploader/session/{IMPORT}"), "", Value::from("<binary gzip body>"), 200,
        json!({"written_bytes": 24, "md5sum": "d41d8cd98f00b204e9800998ecf8427e", "sha256sum": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}));
    upload["request"]["upload"] = json!(true);
    upload["response"]["headers"]["content-type"] = json!("application/json");
    let gzip_upload = json!({"exchanges": [
        exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": storage_json(DISK, "online", json!({"backup_rule": {}}))})),
        exchange("POST", &format!("{disk_path}/import"), "", json!({"storage_import": {"source": "direct_upload", "source_location": ""}}),
            201, import_answer("prepared", 0, 0, "")),
        upload,
        exchange("GET", &format!("{disk_path}/import"), "", Value::Null, 200, import_answer("pending", 0, 0, "")),
        exchange("GET", &format!("{disk_path}/import"), "", Value::Null, 200, import_answer("completed", 48, 24, "application/gzip")),
    ]});

    let system_labels = json!({"exchanges": [
        exchange("POST", &format!("/1.3/server/{SERVER}/stop"), "", json!({"stop_server": {"stop_type": "hard"}}), 202, json!({"server": {"uuid": SERVER}})),
        exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": storage_json(DISK, "online", json!({
            "encrypted": "no", "backup_rule": {}, "backups": {"backup": []}, "servers": {"server": [SERVER]},
            "labels": [{"key": "_os_family", "value": "debian"}, {"key": "_template_uuid", "value": "01000000-0000-4000-8000-000020070100"}]}))})),
        exchange("DELETE", &format!("/1.3/server/{SERVER}/"), "storages=1", Value::Null, 204, Value::Null),
    ]});

    let mut problem = exchange("GET", &disk_path, "", Value::Null, 404, json!({
        "type": "https://developers.upcloud.com/1.3/errors#ERROR_RESOURCE_NOT_FOUND", "title": "Resource not found", "status": 404,
        "correlation_id": "01HXYZ"}));
    problem["response"]["headers"]["content-type"] = json!("application/problem+json; charset=utf-8");
    let mut bad_gateway = exchange("GET", "/1.3/storage/private", "", Value::Null, 502, Value::from("<html><body><h1>502 Bad Gateway</h1></body></html>"));
    bad_gateway["response"]["headers"]["content-type"] = json!("text/html");
    let errors = json!({"exchanges": [
        problem,
        bad_gateway,
        exchange("POST", &format!("{disk_path}/favorite"), "", Value::Null, 204, Value::Null),
        exchange("DELETE", &format!("{disk_path}/favorite"), "", Value::Null, 204, Value::Null),
        exchange("DELETE", &disk_path, "backups=keep_latest", Value::Null, 409,
            json!({"error": {"error_code": "STORAGE_ATTACHED", "error_message": "The storage is attached."}})),
    ]});

    let mut lone_upload = exchange("PUT", &format!("/uploader/session/{IMPORT}"), "", Value::from("<binary>"), 200,
        json!({"written_bytes": 909500125u64, "md5sum": "5cc6f7e7a1c52303ac3137d62410eec5", "sha256sum": ""}));
    lone_upload["request"]["upload"] = json!(true);
    let lone_upload = json!({"exchanges": [lone_upload]});

    let results = replay_synthetic(&[
        ("lone-upload", lone_upload),
        ("labels", labels),
        ("restore-polling", restore_polling),
        ("gzip-upload", gzip_upload),
        ("system-labels", system_labels),
        ("errors", errors),
    ]);
    for (name, result) in results {
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}

#[test]
fn replay_reports_mismatches() {
    use serde_json::json;
    const DISK: &str = "01aaaaaa-0000-4000-8000-000000000001";
    let disk_path = format!("/1.3/storage/{DISK}");
    let ok_storage = json!({"storage": storage_json(DISK, "online", json!({}))});

    let cases = [
        ("unknown-action", exchange("POST", &format!("{disk_path}/explode"), "", Value::Null, 204, Value::Null)),
        ("read-only-field", exchange("PUT", &disk_path, "", json!({"storage": {"title": "x", "zone": "fi-hel1"}}), 202, ok_storage.clone())),
        ("invalid-size", exchange("POST", "/1.3/storage", "", json!({"storage": {"size": "0", "title": "t", "zone": "fi-hel2"}}), 201, ok_storage.clone())),
        ("bad-policy", exchange("DELETE", &disk_path, "backups=purge", Value::Null, 204, Value::Null)),
        ("wrong-shape", exchange("GET", &disk_path, "", Value::Null, 200, json!({"storages": {"storage": []}}))),
        ("error-as-success", exchange("GET", &disk_path, "", Value::Null, 200, json!({"storage": {"uuid": DISK}}))),
    ];
    let mut cases: Vec<(&str, Value)> = cases
        .into_iter()
        .map(|(name, exchange)| (name, json!({ "exchanges": [exchange] })))
        .collect();

    let import = json!({"storage_import": {"uuid": "07aaaaaa-0000-4000-8000-000000000001", "source": "direct_upload",
        "state": "prepared", "direct_upload_url": "https://fi-hel1.img.upcloud.com/uploader/session/07aaaaaa-0000-4000-8000-000000000001"}});
    let mut upload = exchange("PUT", "/uploader/session/07aaaaaa-0000-4000-8000-000000000009", "", Value::Null, 200, json!({"written_bytes": 1}));
    upload["request"]["upload"] = json!(true);
    cases.push(("upload-to-other-session", json!({"exchanges": [
        exchange("POST", &format!("{disk_path}/import"), "", json!({"storage_import": {"source": "direct_upload"}}), 201, import),
        upload,
    ]})));
    for (name, result) in replay_synthetic(&cases) {
        assert!(result.is_err(), "{name} should fail but replayed: {result:?}");
    }
}
