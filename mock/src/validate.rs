//! Parsing and checking of request bodies, with the API's error codes.
//!
//! Numbers are accepted as JSON numbers or numeric strings because the Go SDK sends
//! `"size":"10"` and the Python SDK sends `"size":10`, and the API takes both.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::seed::ZONES;
use crate::store::{BackupRule, Label};

pub const TIERS: &[&str] = &["maxiops", "standard", "hdd"];
pub const MAX_SIZE_GIB: u64 = 4096;
const INTERVALS: &[&str] = &["daily", "mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a request body; an empty body is `None`.
pub fn parse_body(bytes: &[u8]) -> Result<Option<Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|error| ApiError::invalid_request(format!("The request body is not valid JSON: {error}.")))
}

/// Returns the object under the single top-level key `name`, as in `{"storage": {...}}`.
pub fn envelope<'a>(body: &'a Option<Value>, name: &str) -> Result<&'a Map<String, Value>, ApiError> {
    let missing = || ApiError::invalid_request(format!("The request body must be a JSON object {{\"{name}\": {{...}}}}."));
    let object = body.as_ref().and_then(Value::as_object).ok_or_else(missing)?;
    if let Some(other) = object.keys().find(|key| key.as_str() != name) {
        return Err(ApiError::unknown_attribute(other));
    }
    object.get(name).and_then(Value::as_object).ok_or_else(missing)
}

pub fn reject_unknown(fields: &Map<String, Value>, allowed: &[&str]) -> Result<(), ApiError> {
    match fields.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(ApiError::unknown_attribute(key)),
        None => Ok(()),
    }
}

/// Reads an unsigned integer sent as a JSON number or as a string of digits.
pub fn lenient_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        _ => None,
    }
}

pub fn title(fields: &Map<String, Value>, required: bool) -> Result<Option<String>, ApiError> {
    let Some(value) = fields.get("title") else {
        return if required {
            Err(ApiError::bad_request("TITLE_MISSING", "The attribute 'title' is required."))
        } else {
            Ok(None)
        };
    };
    let invalid = || ApiError::bad_request("TITLE_INVALID", "The title must be a string of 1 to 255 characters.");
    let text = value.as_str().ok_or_else(invalid)?;
    let length = text.chars().count();
    if (1..=255).contains(&length) {
        Ok(Some(text.to_owned()))
    } else {
        Err(invalid())
    }
}

/// Reads a size in GiB from 1 to 4096. The lower bound of the real API (1 or 10) is not known;
/// current UpCloud tooling validates 1.
pub fn size(fields: &Map<String, Value>, required: bool) -> Result<Option<u64>, ApiError> {
    let Some(value) = fields.get("size") else {
        return if required {
            Err(ApiError::bad_request("SIZE_MISSING", "The attribute 'size' is required."))
        } else {
            Ok(None)
        };
    };
    match lenient_u64(value) {
        Some(size) if (1..=MAX_SIZE_GIB).contains(&size) => Ok(Some(size)),
        _ => Err(ApiError::bad_request(
            "SIZE_INVALID",
            format!("The size must be a whole number of GiB from 1 to {MAX_SIZE_GIB}."),
        )),
    }
}

pub fn zone(fields: &Map<String, Value>) -> Result<String, ApiError> {
    let value = fields
        .get("zone")
        .ok_or_else(|| ApiError::bad_request("ZONE_MISSING", "The attribute 'zone' is required."))?;
    let zone = value.as_str().unwrap_or_default();
    let well_formed = zone.len() >= 6
        && zone.len() <= 16
        && zone.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        return Err(ApiError::bad_request("ZONE_INVALID", "The zone is not a valid zone identifier."));
    }
    if !ZONES.contains(&zone) {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "ZONE_NOT_FOUND",
            format!("The zone {zone} does not exist."),
        ));
    }
    Ok(zone.to_owned())
}

pub fn tier(fields: &Map<String, Value>, default: &str) -> Result<String, ApiError> {
    match fields.get("tier") {
        None => Ok(default.to_owned()),
        Some(Value::String(tier)) if TIERS.contains(&tier.as_str()) => Ok(tier.clone()),
        Some(_) => Err(ApiError::bad_request(
            "TIER_INVALID",
            "The tier must be one of maxiops, standard or hdd.",
        )),
    }
}

pub fn encrypted(fields: &Map<String, Value>) -> Result<bool, ApiError> {
    match fields.get("encrypted") {
        None => Ok(false),
        Some(Value::String(text)) if text == "yes" => Ok(true),
        Some(Value::String(text)) if text == "no" => Ok(false),
        Some(_) => Err(ApiError::invalid_request("The attribute 'encrypted' must be \"yes\" or \"no\".")),
    }
}

/// Reads a backup rule, where `{}` (or the Python SDK's `""`) means no rule.
pub fn backup_rule(value: &Value) -> Result<Option<BackupRule>, ApiError> {
    let rule = match value {
        Value::String(text) if text.is_empty() => return Ok(None),
        Value::Object(rule) if rule.is_empty() => return Ok(None),
        Value::Object(rule) => rule,
        _ => return Err(ApiError::bad_request("BACKUP_RULE_INVALID", "The backup rule must be an object.")),
    };
    reject_unknown(rule, &["interval", "time", "retention"])?;

    let interval = match rule.get("interval") {
        None => return Err(ApiError::bad_request("INTERVAL_MISSING", "The backup rule needs an 'interval'.")),
        Some(Value::String(interval)) if INTERVALS.contains(&interval.as_str()) => interval.clone(),
        Some(_) => {
            return Err(ApiError::bad_request(
                "INTERVAL_INVALID",
                "The interval must be daily, mon, tue, wed, thu, fri, sat or sun.",
            ))
        }
    };

    let time = match rule.get("time") {
        None => return Err(ApiError::bad_request("HOUR_MISSING", "The backup rule needs a 'time'.")),
        Some(Value::String(time)) if is_hhmm(time) => time.clone(),
        Some(_) => return Err(ApiError::bad_request("HOUR_INVALID", "The time must be \"HHMM\" from 0000 to 2359.")),
    };

    let retention = match rule.get("retention") {
        None => return Err(ApiError::bad_request("RETENTION_MISSING", "The backup rule needs a 'retention'.")),
        Some(value) => match lenient_u64(value) {
            Some(days) if (1..=1095).contains(&days) => days as u32,
            _ => {
                return Err(ApiError::bad_request(
                    "RETENTION_INVALID",
                    "The retention must be a number of days from 1 to 1095.",
                ))
            }
        },
    };
    Ok(Some(BackupRule { interval, time, retention }))
}

fn is_hhmm(text: &str) -> bool {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let hours: u32 = text[..2].parse().unwrap_or(99);
    let minutes: u32 = text[2..].parse().unwrap_or(99);
    hours < 24 && minutes < 60
}

/// User labels: keys of 2–32 printable ASCII characters not starting with `_`, values up to
/// 255 characters, no duplicate keys.
pub fn labels(value: &Value) -> Result<Vec<Label>, ApiError> {
    let items = value
        .as_array()
        .ok_or_else(|| ApiError::invalid_request("The attribute 'labels' must be an array."))?;
    let mut seen = HashSet::new();
    let mut labels = Vec::with_capacity(items.len());
    for item in items {
        let object = item
            .as_object()
            .ok_or_else(|| ApiError::invalid_request("Each label must be an object {\"key\", \"value\"}."))?;
        reject_unknown(object, &["key", "value"])?;
        let key = object.get("key").and_then(Value::as_str).unwrap_or_default();
        let key_valid = (2..=32).contains(&key.len())
            && !key.starts_with('_')
            && key.bytes().all(|b| b.is_ascii_graphic());
        if !key_valid {
            return Err(ApiError::bad_request(
                "INVALID_LABEL_KEY",
                format!("The label key '{key}' is invalid: use 2 to 32 printable ASCII characters, not starting with '_'."),
            ));
        }
        let label_value = match object.get("value") {
            Some(Value::String(text)) if text.chars().count() <= 255 => text.clone(),
            _ => {
                return Err(ApiError::bad_request(
                    "INVALID_LABEL_VALUE",
                    format!("The value of the label '{key}' must be a string of at most 255 characters."),
                ))
            }
        };
        if !seen.insert(key.to_owned()) {
            return Err(ApiError::bad_request("DUPLICATE_LABEL_KEYS", format!("The label key '{key}' appears twice.")));
        }
        labels.push(Label { key: key.to_owned(), value: label_value });
    }
    Ok(labels)
}
