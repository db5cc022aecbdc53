//! The option objects JavaScript passes to each call, and their strict decoding.
//!
//! Every type takes the JS names (camelCase), rejects unknown keys so a typo
//! such as `encrypt` fails instead of being ignored, and reads `null` or a
//! missing key as "not set". Range checks happen later, in the request
//! builders, so Rust callers get them too.

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;

use crate::error::{redact_quoted, redact_url_userinfo, Error};

/// An option object decodable from JavaScript with [`from_js_input`].
pub trait JsInput: DeserializeOwned {
    /// Keys that exist on the matching API object but cannot be sent in this call.
    const READ_ONLY_FIELDS: &'static [&'static str] = &[];
    /// The keys this call accepts, listed in the read-only error message.
    const ACCEPTED_FIELDS: &'static [&'static str] = &[];
}

/// Decodes a JS argument into `T`, turning every failure into a `VALIDATION_ERROR`
/// whose `field` is the offending path (`encrypt`, `size`, `backupRule.time`, `labels[1].key`).
///
/// `argument` names the argument in messages (`options`). Values from the input
/// never appear in the message, because they may hold credentials.
pub fn from_js_input<'de, T, D>(deserializer: D, argument: &str) -> Result<T, Error>
where
    T: JsInput,
    D: Deserializer<'de>,
{
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        input_error::<T>(argument, &path, &message)
    })
}

fn input_error<T: JsInput>(argument: &str, path: &str, message: &str) -> Error {
    let parent = if path == "." { "" } else { path };
    let named_field = backticked_after(message, "unknown field `")
        .or_else(|| backticked_after(message, "missing field `"));
    // serde_path_to_error already ends the path with an unknown key, but not with a missing one.
    let path_names_field = |name: &str| parent == name || parent.ends_with(&format!(".{name}"));
    let field = match named_field {
        Some(name) if path_names_field(name) => parent.to_string(),
        Some(name) if parent.is_empty() => name.to_string(),
        Some(name) => format!("{parent}.{name}"),
        None if parent.is_empty() => argument.to_string(),
        None => parent.to_string(),
    };

    if let Some(name) = backticked_after(message, "unknown field `") {
        if field == name && T::READ_ONLY_FIELDS.contains(&name) {
            return Error::validation(
                field,
                format!(
                    "`{name}` is read-only and cannot be sent in {argument}; the fields that can be set are {}",
                    T::ACCEPTED_FIELDS.join(", ")
                ),
            );
        }
        return Error::validation(
            field,
            format!("`{name}` is not an option of {argument}; check its spelling"),
        );
    }

    let message = describe(argument, &field, &friendly_serde_message(message));
    Error::validation(field, message)
}

/// Rewords serde's "invalid type: map, expected a string" and "missing
/// field `title`" in JavaScript's terms, naming the field.
fn describe(argument: &str, field: &str, text: &str) -> String {
    let subject = if field == argument { argument.to_string() } else { format!("`{field}`") };
    if let Some((found, _)) = text.strip_prefix("invalid value: ").and_then(|rest| rest.split_once(", expected ")) {
        if found.starts_with("integer") || found.starts_with("floating point") {
            return format!("{subject} is out of range.");
        }
    }
    let mismatch = text.strip_prefix("invalid type: ").or_else(|| text.strip_prefix("invalid value: "));
    if let Some((found, expected)) = mismatch.and_then(|rest| rest.split_once(", expected ")) {
        return format!("{subject} must be {}, not {}.", js_expected(expected), js_found(found));
    }
    if text.starts_with("missing field `") {
        return format!("{subject} is missing from {argument}.");
    }
    if let Some((_, choices)) = text.split_once("`…`, expected ") {
        let choices = choices.strip_prefix("one of ").unwrap_or(choices);
        return format!("{subject} must be one of {choices}.");
    }
    format!("invalid {argument}: {text}")
}

/// Names the kind of a given value as JS would. The value itself is left
/// out, because it may be a secret.
fn js_found(found: &str) -> &str {
    match found.split(" `").next().unwrap_or(found) {
        "map" => "an object",
        "sequence" => "an array",
        "unit value" => "null",
        "boolean" => "a boolean",
        "integer" => "a number",
        "floating point" => "a fractional number",
        kind if kind.starts_with("string") || kind.starts_with("character") => "a string",
        kind => kind,
    }
}

/// Names serde's description of an expected type as JS would.
fn js_expected(expected: &str) -> &str {
    match expected {
        "a sequence" => "an array",
        "a map" => "an object",
        // serde's words for an enum given a value that is not a string.
        "string or map" | "map with a single key" => "a string",
        _ if expected.starts_with("struct ") => "an object",
        _ => expected,
    }
}

fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let length = message[start..].find('`')?;
    Some(&message[start..start + length])
}

fn friendly_serde_message(message: &str) -> String {
    // An unknown enum value is quoted in backticks and may be anything the
    // caller passed, backticks and quotes included. It ends at the last
    // "`, expected ", because the list of choices follows it.
    let marker = "unknown variant `";
    let message = match (message.find(marker), message.rfind("`, expected ")) {
        (Some(start), Some(end)) if end >= start + marker.len() => {
            format!("{}unknown variant `…{}", &message[..start], &message[end..])
        }
        _ => message.to_string(),
    };
    let redacted = redact_quoted(&message);
    let redacted = redacted
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string();
    [
        ("expected u8", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ]
    .iter()
    .fold(redacted, |text, (from, to)| text.replace(from, to))
}

/// The set of storages `listStorages` returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageFilter {
    /// Every storage the account can see: its own and all public templates and CD-ROM images.
    #[default]
    All,
    /// Writable disks.
    Normal,
    /// UpCloud's public templates and CD-ROM images.
    Public,
    /// The account's own storages.
    Private,
    /// Backups.
    Backup,
    /// CD-ROM images.
    Cdrom,
    /// Templates.
    Template,
    /// Storages marked as favorites.
    Favorite,
}

impl StorageFilter {
    /// Returns the path segment after `/storage/`, or `None` for every storage.
    pub fn path_segment(self) -> Option<&'static str> {
        match self {
            StorageFilter::All => None,
            StorageFilter::Normal => Some("normal"),
            StorageFilter::Public => Some("public"),
            StorageFilter::Private => Some("private"),
            StorageFilter::Backup => Some("backup"),
            StorageFilter::Cdrom => Some("cdrom"),
            StorageFilter::Template => Some("template"),
            StorageFilter::Favorite => Some("favorite"),
        }
    }

    /// Returns the filter whose path segment is `segment`, if any.
    pub fn from_path_segment(segment: &str) -> Option<Self> {
        [
            StorageFilter::Normal,
            StorageFilter::Public,
            StorageFilter::Private,
            StorageFilter::Backup,
            StorageFilter::Cdrom,
            StorageFilter::Template,
            StorageFilter::Favorite,
        ]
        .into_iter()
        .find(|filter| filter.path_segment() == Some(segment))
    }
}

/// Options of `listStorages`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListOptions {
    /// The set of storages to list; every storage when not set.
    #[serde(default)]
    pub filter: Option<StorageFilter>,
    /// Label filters, each `key` (has the label) or `key=value`; all must match.
    #[serde(default)]
    pub labels: Option<Vec<String>>,
}

impl JsInput for ListOptions {}

/// A label to set on a storage.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelInput {
    /// 2–32 printable ASCII characters, not starting with `_`.
    pub key: String,
    /// Up to 255 characters; empty when not given.
    #[serde(default)]
    pub value: String,
}

/// A backup rule to set. All three fields together set a rule; `{}` means "no rule".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupRuleInput {
    /// `daily`, or a weekday `mon` … `sun`.
    #[serde(default)]
    pub interval: Option<String>,
    /// UTC start time `HHMM`, `"0000"` to `"2359"`.
    #[serde(default)]
    pub time: Option<String>,
    /// Days each backup is kept, 1–1095.
    #[serde(default)]
    pub retention: Option<u32>,
}

impl BackupRuleInput {
    /// Returns whether this is `{}`, which clears a rule on modify and means "no rule" on create.
    pub fn is_empty(&self) -> bool {
        self.interval.is_none() && self.time.is_none() && self.retention.is_none()
    }
}

/// Options of `createStorage`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateStorage {
    /// The zone to create the storage in, such as `fi-hel1`.
    pub zone: String,
    /// Size in GiB, 1–4096.
    pub size: u32,
    /// Title, 1–255 characters.
    pub title: String,
    /// `maxiops`, `standard` or `hdd`. NOTE: the API's default tier when this is not set is undocumented.
    #[serde(default)]
    pub tier: Option<String>,
    /// Encrypt the data at rest; cannot be changed later.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// A scheduled backup rule; `{}` is sent as "no rule".
    #[serde(default)]
    pub backup_rule: Option<BackupRuleInput>,
    /// User labels.
    #[serde(default)]
    pub labels: Option<Vec<LabelInput>>,
}

impl JsInput for CreateStorage {}

/// Options of `modifyStorage`. Only the fields set are sent.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModifyStorage {
    /// New title, 1–255 characters.
    #[serde(default)]
    pub title: Option<String>,
    /// New size in GiB; the API rejects shrinking. Growing does not grow the filesystem (see `resizeFilesystem`).
    #[serde(default)]
    pub size: Option<u32>,
    /// New backup rule; `{}` removes the rule.
    #[serde(default)]
    pub backup_rule: Option<BackupRuleInput>,
    /// New user labels, replacing all existing ones; `[]` removes them all.
    #[serde(default)]
    pub labels: Option<Vec<LabelInput>>,
}

impl JsInput for ModifyStorage {
    const READ_ONLY_FIELDS: &'static [&'static str] = &[
        "uuid",
        "state",
        "type",
        "servers",
        "backups",
        "zone",
        "tier",
        "access",
        "origin",
        "created",
        "progress",
        "license",
        "encrypted",
        "partOfPlan",
        "templateType",
    ];
    const ACCEPTED_FIELDS: &'static [&'static str] = &["title", "size", "backupRule", "labels"];
}

/// The policy for a storage's backups when the storage is deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletePolicy {
    /// Keep every backup (the API's default).
    #[default]
    Keep,
    /// Keep only the most recent backup.
    KeepLatest,
    /// Delete every backup too.
    Delete,
}

impl DeletePolicy {
    /// Returns the value of the `backups` query parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            DeletePolicy::Keep => "keep",
            DeletePolicy::KeepLatest => "keep_latest",
            DeletePolicy::Delete => "delete",
        }
    }

    /// Returns the policy for a `backups` query value, if it is one.
    pub fn from_query_value(value: &str) -> Option<Self> {
        match value {
            "keep" => Some(DeletePolicy::Keep),
            "keep_latest" => Some(DeletePolicy::KeepLatest),
            "delete" => Some(DeletePolicy::Delete),
            _ => None,
        }
    }
}

/// Options of `deleteStorage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteOptions {
    /// `keep` (when not set), `keep_latest` or `delete`.
    #[serde(default)]
    pub backups: Option<DeletePolicy>,
}

impl JsInput for DeleteOptions {}

/// Options of `cloneStorage`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloneStorage {
    /// The zone of the new storage; cloning is how a storage moves between zones.
    pub zone: String,
    /// Title of the new storage, 1–255 characters.
    pub title: String,
    /// Tier of the new storage: `maxiops`, `standard` or `hdd`.
    #[serde(default)]
    pub tier: Option<String>,
    /// Encrypt the new storage at rest.
    #[serde(default)]
    pub encrypted: Option<bool>,
}

impl JsInput for CloneStorage {}

/// Options of `templatizeStorage` and `createBackup`: the new storage's title.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitleInput {
    /// Title of the new template or backup, 1–255 characters.
    pub title: String,
}

impl JsInput for TitleInput {}

/// Options of `createImport`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateImport {
    /// `direct_upload` (the client PUTs the data) or `http_import` (UpCloud downloads it).
    pub source: String,
    /// The `http://` or `https://` URL to download, for `http_import`; absent or empty for `direct_upload`.
    #[serde(default)]
    pub source_location: Option<String>,
}

impl JsInput for CreateImport {}

impl fmt::Debug for CreateImport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("CreateImport")
            .field("source", &self.source)
            .field("source_location", &self.source_location.as_deref().map(redact_url_userinfo))
            .finish()
    }
}

/// Options of `attachStorage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttachStorage {
    /// The storage to attach; may be left out only for an empty CD-ROM drive.
    #[serde(default)]
    pub storage: Option<String>,
    /// `disk` (the API's default) or `cdrom`.
    #[serde(default, rename = "type")]
    pub device_type: Option<String>,
    /// The bus address (`scsi:0:0`, `virtio:1`, or a bus alone); the API picks the next free slot when not set.
    #[serde(default)]
    pub address: Option<String>,
    /// Whether the server boots from this device.
    #[serde(default)]
    pub boot_disk: Option<bool>,
}

impl JsInput for AttachStorage {}

/// Options of `detachStorage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetachStorage {
    /// The bus address of the device to detach, such as `scsi:0:0`.
    pub address: String,
}

impl JsInput for DetachStorage {}

/// Options of `loadCdrom`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadCdrom {
    /// The storage to load into the server's CD-ROM drive (a CD-ROM image, disk or backup).
    pub storage: String,
}

impl JsInput for LoadCdrom {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn decode<T: JsInput>(value: Value) -> Result<T, Error> {
        from_js_input(value, "options")
    }

    #[test]
    fn create_storage_decodes() {
        let input: CreateStorage = decode(json!({
            "zone": "fi-hel1", "size": 10, "title": "disk", "tier": "maxiops", "encrypted": true,
            "backupRule": {"interval": "daily", "time": "0430", "retention": 7},
            "labels": [{"key": "env", "value": "prod"}]
        }))
        .unwrap();
        assert_eq!(input.size, 10);
        assert_eq!(input.encrypted, Some(true));
        assert_eq!(input.backup_rule.unwrap().retention, Some(7));
    }

    #[test]
    fn typo_names_the_field() {
        let error = decode::<CreateStorage>(json!({"zone": "fi-hel1", "size": 10, "title": "t", "encrypt": true})).unwrap_err();
        assert_eq!(error.code, "VALIDATION_ERROR");
        assert_eq!(error.field.as_deref(), Some("encrypt"));
        assert!(error.message.contains("`encrypt`"), "{}", error.message);
    }

    #[test]
    fn wrong_type_names_the_field() {
        let error = decode::<CreateStorage>(json!({"zone": "fi-hel1", "size": "10", "title": "t"})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("size"));
        assert!(error.message.contains("`size` must be a whole number, not a string"), "{}", error.message);
        assert!(!error.message.contains("\"10\""), "{}", error.message);
    }

    #[test]
    fn type_errors_use_javascript_words() {
        let cases = [
            (json!({"zone": {}, "size": 10, "title": "t"}), "`zone` must be a string, not an object."),
            (json!({"zone": "fi-hel1", "size": [1], "title": "t"}), "`size` must be a whole number, not an array."),
            (json!({"zone": "fi-hel1", "size": 1.5, "title": "t"}), "`size` must be a whole number, not a fractional number."),
            (json!({"zone": "fi-hel1", "size": -1, "title": "t"}), "`size` is out of range."),
            (json!({"zone": "fi-hel1", "size": 5_000_000_000u64, "title": "t"}), "`size` is out of range."),
            (json!({"zone": "fi-hel1", "size": 10, "title": 5}), "`title` must be a string, not a number."),
            (json!({"zone": "fi-hel1", "size": 10, "title": null}), "`title` must be a string, not null."),
            (json!({"zone": "fi-hel1", "size": 10, "title": "t", "encrypted": "yes"}), "`encrypted` must be true or false, not a string."),
            (json!({"zone": "fi-hel1", "size": 10, "title": "t", "labels": {}}), "`labels` must be an array, not an object."),
            (json!({"zone": "fi-hel1", "size": 10}), "`title` is missing from options."),
            (json!("x"), "options must be an object, not a string."),
        ];
        for (input, expected) in cases {
            let error = decode::<CreateStorage>(input.clone()).unwrap_err();
            assert_eq!(error.message, expected, "{input}");
        }
    }

    #[test]
    fn unknown_choice_never_echoes_the_value() {
        for value in ["se`cret", "se\"cret", "se`cret`, expected x", "`"] {
            let error = decode::<ListOptions>(json!({ "filter": value })).unwrap_err();
            assert!(!error.message.contains("cret"), "{}", error.message);
            assert!(error.message.starts_with("`filter` must be one of `all`"), "{}", error.message);
        }
        let error = decode::<DeleteOptions>(json!({ "backups": 5 })).unwrap_err();
        assert!(!error.message.contains('5'), "{}", error.message);
    }

    #[test]
    fn unknown_choice_lists_the_choices() {
        let error = decode::<ListOptions>(json!({"filter": "bogus"})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("filter"));
        assert!(!error.message.contains("bogus"), "{}", error.message);
        assert!(error.message.starts_with("`filter` must be one of `all`, `normal`"), "{}", error.message);
    }

    #[test]
    fn nested_paths_named() {
        let error = decode::<CreateStorage>(json!({
            "zone": "fi-hel1", "size": 10, "title": "t", "backupRule": {"time": 430}
        }))
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("backupRule.time"));

        let error = decode::<ModifyStorage>(json!({"backupRule": {"hour": "0430"}})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("backupRule.hour"));

        let error = decode::<ModifyStorage>(json!({"labels": [{"key": "a", "value": "b"}, {"key": 5}]})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("labels[1].key"));
    }

    #[test]
    fn missing_required_field_named() {
        let error = decode::<CreateStorage>(json!({"size": 10, "title": "t"})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("zone"));
    }

    #[test]
    fn null_means_not_set() {
        let input: ModifyStorage = decode(json!({"title": "x", "size": null, "backupRule": null, "labels": null})).unwrap();
        assert_eq!(input, ModifyStorage { title: Some("x".into()), ..Default::default() });
        let input: DeleteOptions = decode(json!({})).unwrap();
        assert_eq!(input.backups, None);
    }

    #[test]
    fn read_only_fields_rejected_with_list() {
        for name in ModifyStorage::READ_ONLY_FIELDS {
            let mut value = json!({"title": "x"});
            value[name] = json!("anything");
            let error = decode::<ModifyStorage>(value).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(*name));
            assert!(error.message.contains("read-only"), "{}", error.message);
            assert!(error.message.contains("title, size, backupRule, labels"), "{}", error.message);
        }
    }

    #[test]
    fn whole_argument_of_wrong_type() {
        let error = decode::<CreateStorage>(json!("fi-hel1")).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("options"));
    }

    #[test]
    fn values_never_echoed() {
        let error = decode::<CreateImport>(json!({"source": "http_import", "sourceLocation": 5})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("sourceLocation"));

        let error = decode::<ListOptions>(json!({"filter": "https://user:secret@example.com"})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("filter"));
        assert!(!error.message.contains("secret"), "{}", error.message);
    }

    #[test]
    fn enums_decode() {
        let input: ListOptions = decode(json!({"filter": "favorite", "labels": ["a", "b=c"]})).unwrap();
        assert_eq!(input.filter, Some(StorageFilter::Favorite));
        let input: DeleteOptions = decode(json!({"backups": "keep_latest"})).unwrap();
        assert_eq!(input.backups, Some(DeletePolicy::KeepLatest));
        let error = decode::<DeleteOptions>(json!({"backups": "all"})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("backups"));
    }

    #[test]
    fn create_import_debug_redacts() {
        let input = CreateImport {
            source: "http_import".into(),
            source_location: Some("https://user:secret@example.com/a.img".into()),
        };
        let debug = format!("{input:?}");
        assert!(!debug.contains("secret"), "{debug}");
    }
}
