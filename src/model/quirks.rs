//! Every encoding quirk of UpCloud's JSON, decoded (and, for requests, encoded) here only.
//!
//! The API sends numbers as strings (`"size": "10"`, `"progress": "90"`,
//! `"retention": "30"`), booleans as `"yes"`/`"no"` (and `boot_disk` as
//! `"0"`/`"1"`), lists inside wrapper objects (`{"backups": {"backup": […]}}`),
//! `""` where a value is absent, and `backup_rule` as `{}`, `""`, absent or an
//! object. The model types point their fields at these helpers with
//! `deserialize_with`, so JavaScript only ever receives numbers, booleans, plain
//! arrays and `null`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::BackupRule;

/// A JSON number or a string holding one, before range checks.
enum Numeric {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

struct NumericVisitor;

impl<'de> Visitor<'de> for NumericVisitor {
    type Value = Option<Numeric>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a number or a string holding a number")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(Numeric::Unsigned(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(Numeric::Signed(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Some(Numeric::Float(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if let Ok(number) = trimmed.parse::<u64>() {
            return Ok(Some(Numeric::Unsigned(number)));
        }
        if let Ok(number) = trimmed.parse::<i64>() {
            return Ok(Some(Numeric::Signed(number)));
        }
        match trimmed.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Some(Numeric::Float(number))),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(NumericVisitor)
    }
}

fn to_unsigned<E: de::Error>(number: Numeric, max: u64) -> Result<u64, E> {
    let value = match number {
        Numeric::Unsigned(value) => Some(value),
        Numeric::Signed(value) => u64::try_from(value).ok(),
        Numeric::Float(value) if value >= 0.0 && value.fract() == 0.0 && value <= u64::MAX as f64 => {
            Some(value as u64)
        }
        Numeric::Float(_) => None,
    };
    match value {
        Some(value) if value <= max => Ok(value),
        _ => Err(E::custom(format!(
            "expected a whole number between 0 and {max}"
        ))),
    }
}

fn optional_unsigned<'de, D: Deserializer<'de>>(deserializer: D, max: u64) -> Result<Option<u64>, D::Error> {
    match deserializer.deserialize_any(NumericVisitor)? {
        Some(number) => to_unsigned(number, max).map(Some),
        None => Ok(None),
    }
}

/// Decodes a `u32` sent as a number or a numeric string (`10` or `"10"`).
pub fn u32_from_number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    optional_unsigned(deserializer, u32::MAX.into())?
        .map(|value| value as u32)
        .ok_or_else(|| de::Error::custom("expected a number, found an empty value"))
}

/// Decodes a `u64` sent as a number or a numeric string, exact up to `u64::MAX`; `""` or `null` read as 0.
pub fn u64_from_number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(optional_unsigned(deserializer, u64::MAX)?.unwrap_or(0))
}

/// Decodes a percentage such as `"90"`; `""`, `null` or absence mean "no operation running".
pub fn optional_percent<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    Ok(optional_unsigned(deserializer, 100)?.map(|value| value as u8))
}

/// Decodes a JSON number or numeric string as `f64`; `""` or `null` read as 0.
pub fn f64_from_number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(match deserializer.deserialize_any(NumericVisitor)? {
        Some(Numeric::Unsigned(value)) => value as f64,
        Some(Numeric::Signed(value)) => value as f64,
        Some(Numeric::Float(value)) => value,
        None => 0.0,
    })
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Option<bool>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(r#""yes", "no", "1", "0", "true", "false", a boolean or 0/1"#)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        match value {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(value), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        match value {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(de::Unexpected::Signed(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        match value.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Ok(Some(true)),
            "no" | "false" | "0" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// Decodes `"yes"`/`"no"` (also `true`/`"true"`/`1`/`"1"` and their opposites); `""` or `null` read as absent.
pub fn optional_yes_no<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_any(FlagVisitor)
}

/// Decodes a yes/no flag whose absence means `false` (`part_of_plan`, `boot_disk`).
pub fn yes_no_or_false<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(deserializer.deserialize_any(FlagVisitor)?.unwrap_or(false))
}

/// Encodes a boolean the way the API writes it.
pub fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// Decodes a string where `""` means "absent".
pub fn empty_string_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(value) => T::deserialize(value).map(Some).map_err(de::Error::custom),
    }
}

struct WrappedListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for WrappedListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list, or an object wrapping one list such as {\"backup\": [...]}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The wrapper's key is the singular of the outer key (`backups` →
        // `backup`). Taking the first key, whatever its name, lets one helper
        // serve every wrapper.
        let mut items = None;
        while map.next_key::<IgnoredAny>()?.is_some() {
            if items.is_none() {
                let list: Option<WrappedListOrNull<T>> = map.next_value()?;
                items = Some(list.map(|list| list.0).unwrap_or_default());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(items.unwrap_or_default())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.is_empty() {
            Ok(Vec::new())
        } else {
            Err(E::invalid_type(de::Unexpected::Str(value), &self))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

struct WrappedListOrNull<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for WrappedListOrNull<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(WrappedListVisitor(PhantomData))
            .map(WrappedListOrNull)
    }
}

/// Decodes `{"backup": [...]}`-style wrapper objects, plain arrays, `""`, `{}` and `null` into a list.
pub fn wrapped_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_any(WrappedListVisitor(PhantomData))
}

/// Encodes a list inside the wrapper object the API uses (`wrap_list("backup", …)`).
pub fn wrap_list(key: &str, items: Vec<Value>) -> Value {
    let mut wrapper = serde_json::Map::new();
    wrapper.insert(key.to_string(), Value::Array(items));
    Value::Object(wrapper)
}

/// Decodes `backup_rule`: an object is a rule; `{}`, `""`, `null` and absence mean "no rule".
pub fn optional_backup_rule<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<BackupRule>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::Object(fields)) if fields.is_empty() => Ok(None),
        Some(value) => BackupRule::deserialize(value)
            .map(Some)
            .map_err(de::Error::custom),
    }
}

/// Decodes a backup time `"HHMM"`, also when sent as the number `430`.
pub fn backup_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => match number.as_u64() {
            Some(value) if value <= 9999 => Ok(format!("{value:04}")),
            _ => Err(de::Error::custom("expected a time HHMM")),
        },
        _ => Err(de::Error::custom("expected a time HHMM")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Numbers {
        #[serde(deserialize_with = "u32_from_number_or_string")]
        size: u32,
        #[serde(default, deserialize_with = "optional_percent")]
        progress: Option<u8>,
        #[serde(default, deserialize_with = "u64_from_number_or_string")]
        bytes: u64,
        #[serde(default, deserialize_with = "f64_from_number_or_string")]
        license: f64,
    }

    fn numbers(value: Value) -> Result<Numbers, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn numbers_from_strings_and_numbers() {
        let parsed = numbers(json!({"size": "10", "progress": "90", "bytes": "18446744073709551615", "license": "3.36"})).unwrap();
        assert_eq!(parsed.size, 10);
        assert_eq!(parsed.progress, Some(90));
        assert_eq!(parsed.bytes, u64::MAX);
        assert_eq!(parsed.license, 3.36);

        let parsed = numbers(json!({"size": 20, "progress": 0, "bytes": 5_000_000_000u64, "license": 0})).unwrap();
        assert_eq!(parsed.size, 20);
        assert_eq!(parsed.progress, Some(0));
        assert_eq!(parsed.bytes, 5_000_000_000);
        assert_eq!(parsed.license, 0.0);
    }

    #[test]
    fn numbers_empty_means_absent() {
        let parsed = numbers(json!({"size": 1, "progress": ""})).unwrap();
        assert_eq!(parsed.progress, None);
        assert_eq!(parsed.bytes, 0);
        let parsed = numbers(json!({"size": 1, "progress": null})).unwrap();
        assert_eq!(parsed.progress, None);
    }

    #[test]
    fn numbers_reject_garbage() {
        assert!(numbers(json!({"size": "ten"})).is_err());
        assert!(numbers(json!({"size": -1})).is_err());
        assert!(numbers(json!({"size": 1.5})).is_err());
        assert!(numbers(json!({"size": ""})).is_err());
        assert!(numbers(json!({"size": 4_294_967_296u64})).is_err());
        assert!(numbers(json!({"size": 1, "progress": "101"})).is_err());
        assert!(numbers(json!({"size": 1, "license": "NaN"})).is_err());
        assert!(numbers(json!({"size": true})).is_err());
    }

    #[test]
    fn whole_floats_accepted() {
        assert_eq!(numbers(json!({"size": 10.0})).unwrap().size, 10);
    }

    #[derive(Deserialize, Debug)]
    struct Flags {
        #[serde(default, deserialize_with = "optional_yes_no")]
        flag: Option<bool>,
    }

    #[test]
    fn yes_no_round_trip() {
        for (wire, expected) in [("yes", true), ("no", false)] {
            let parsed: Flags = serde_json::from_value(json!({ "flag": wire })).unwrap();
            assert_eq!(parsed.flag, Some(expected));
            assert_eq!(yes_no(expected), wire);
        }
    }

    #[test]
    fn yes_no_accepts_other_spellings() {
        let cases = [
            (json!(true), Some(true)),
            (json!(false), Some(false)),
            (json!("true"), Some(true)),
            (json!("FALSE"), Some(false)),
            (json!(1), Some(true)),
            (json!(0), Some(false)),
            (json!("1"), Some(true)),
            (json!("0"), Some(false)),
            (json!(""), None),
            (json!(null), None),
        ];
        for (wire, expected) in cases {
            let parsed: Flags = serde_json::from_value(json!({ "flag": wire.clone() })).unwrap();
            assert_eq!(parsed.flag, expected, "wire value {wire}");
        }
        assert!(serde_json::from_value::<Flags>(json!({"flag": "maybe"})).is_err());
        assert!(serde_json::from_value::<Flags>(json!({"flag": 2})).is_err());
        assert_eq!(serde_json::from_value::<Flags>(json!({})).unwrap().flag, None);
    }

    #[derive(Deserialize, Debug)]
    struct Lists {
        #[serde(default, deserialize_with = "wrapped_list")]
        backups: Vec<String>,
    }

    #[test]
    fn wrapped_list_round_trip() {
        let wire = json!({"backup": ["01a", "01b"]});
        let parsed: Lists = serde_json::from_value(json!({ "backups": wire.clone() })).unwrap();
        assert_eq!(parsed.backups, vec!["01a", "01b"]);
        let encoded = wrap_list("backup", parsed.backups.into_iter().map(Value::String).collect());
        assert_eq!(encoded, wire);
    }

    #[test]
    fn wrapped_list_accepts_empty_forms() {
        for wire in [json!({"backup": []}), json!({}), json!(""), json!(null), json!([]), json!({"backup": null})] {
            let parsed: Lists = serde_json::from_value(json!({ "backups": wire.clone() })).unwrap();
            assert!(parsed.backups.is_empty(), "wire value {wire}");
        }
        let parsed: Lists = serde_json::from_value(json!({"backups": ["01a"]})).unwrap();
        assert_eq!(parsed.backups, vec!["01a"]);
        assert!(serde_json::from_value::<Lists>(json!({"backups": "01a"})).is_err());
        assert!(serde_json::from_value::<Lists>(json!({"backups": {"backup": [1]}})).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct Optional {
        #[serde(default, deserialize_with = "empty_string_as_none")]
        completed: Option<String>,
    }

    #[test]
    fn empty_string_round_trip() {
        let parsed: Optional = serde_json::from_value(json!({"completed": ""})).unwrap();
        assert_eq!(parsed.completed, None);
        let parsed: Optional = serde_json::from_value(json!({"completed": "2022-10-27T17:16:06Z"})).unwrap();
        assert_eq!(parsed.completed.as_deref(), Some("2022-10-27T17:16:06Z"));
        let parsed: Optional = serde_json::from_value(json!({})).unwrap();
        assert_eq!(parsed.completed, None);
        assert!(serde_json::from_value::<Optional>(json!({"completed": 5})).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct Rule {
        #[serde(default, deserialize_with = "optional_backup_rule")]
        backup_rule: Option<BackupRule>,
    }

    #[test]
    fn backup_rule_forms() {
        for wire in [json!({}), json!(""), json!(null)] {
            let parsed: Rule = serde_json::from_value(json!({ "backup_rule": wire.clone() })).unwrap();
            assert_eq!(parsed.backup_rule, None, "wire value {wire}");
        }
        let parsed: Rule = serde_json::from_value(json!({})).unwrap();
        assert_eq!(parsed.backup_rule, None);

        let wire = json!({"interval": "daily", "retention": "30", "time": "0430"});
        let parsed: Rule = serde_json::from_value(json!({ "backup_rule": wire.clone() })).unwrap();
        let rule = parsed.backup_rule.unwrap();
        assert_eq!(rule.retention, 30);
        assert_eq!(rule.time, "0430");
        assert_eq!(rule.to_wire(), json!({"interval": "daily", "retention": 30, "time": "0430"}));

        let numeric_time: Rule =
            serde_json::from_value(json!({"backup_rule": {"interval": "mon", "retention": 7, "time": 430}})).unwrap();
        assert_eq!(numeric_time.backup_rule.unwrap().time, "0430");

        assert!(serde_json::from_value::<Rule>(json!({"backup_rule": {"interval": "daily"}})).is_err());
        assert!(serde_json::from_value::<Rule>(json!({"backup_rule": 5})).is_err());
    }
}
