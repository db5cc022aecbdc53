//! Checks run on every argument before a request is built.
//!
//! Every limit lives in [`LIMITS`], so a limit change is a one-line edit. A
//! failed check is a `VALIDATION_ERROR` whose `field` is the JS path of the
//! argument (`size`, `backupRule.time`, `labels[2].key`).

use std::collections::HashSet;
use std::ops::RangeInclusive;

use crate::error::Error;

/// The limits the API enforces on storage arguments, as far as they are known.
pub struct Limits {
    /// Storage size in GiB. NOTE: some tools still use 10 as the minimum; the API's lower bound is unconfirmed.
    pub size_gib: RangeInclusive<u32>,
    /// Title length in characters.
    pub title_chars: RangeInclusive<usize>,
    /// Tiers a new storage or clone may use.
    pub creatable_tiers: &'static [&'static str],
    /// Tiers existing storages may report but new ones may not use.
    pub legacy_tiers: &'static [&'static str],
    /// Zone identifiers: the country letters, the city letters and the digits after them.
    pub zone_country_letters: usize,
    /// Letters of the city part of a zone identifier (`hel` in `fi-hel1`).
    pub zone_city_letters: RangeInclusive<usize>,
    /// Digits at the end of a zone identifier.
    pub zone_digits: RangeInclusive<usize>,
    /// Backup rule intervals.
    pub backup_intervals: &'static [&'static str],
    /// Days a scheduled backup is kept.
    pub backup_retention_days: RangeInclusive<u32>,
    /// Label key length in characters (printable ASCII, not starting with `_`).
    pub label_key_chars: RangeInclusive<usize>,
    /// Label value length in characters.
    pub label_value_chars: RangeInclusive<usize>,
    /// Buses of a server storage device address (`scsi:0:0`, `virtio:1`, `ide:1:0`).
    pub device_buses: &'static [&'static str],
    /// URL schemes UpCloud downloads an `http_import` from.
    pub import_url_schemes: &'static [&'static str],
}

/// The limits every check in this module applies.
pub const LIMITS: Limits = Limits {
    size_gib: 1..=4096,
    title_chars: 1..=255,
    creatable_tiers: &["maxiops", "standard", "hdd"],
    legacy_tiers: &["ssd"],
    zone_country_letters: 2,
    zone_city_letters: 3..=4,
    zone_digits: 1..=2,
    backup_intervals: &["daily", "mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    backup_retention_days: 1..=1095,
    label_key_chars: 2..=32,
    label_value_chars: 0..=255,
    device_buses: &["ide", "scsi", "virtio"],
    import_url_schemes: &["http", "https"],
};

/// Checks that `value` is a UUID (`01234567-89ab-cdef-0123-456789abcdef`), so nothing else reaches a URL path.
pub fn uuid(field: &str, value: &str) -> Result<(), Error> {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths_match = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length);
    let hex_only = value.chars().all(|c| c == '-' || c.is_ascii_hexdigit());

    if lengths_match && hex_only {
        Ok(())
    } else if value.is_empty() {
        Err(Error::validation(field, "is missing; expected a UUID"))
    } else {
        Err(Error::validation(
            field,
            "is not a UUID; expected 32 hex digits in groups of 8-4-4-4-12, like 01234567-89ab-4cde-8f01-23456789abcd",
        ))
    }
}

/// Checks a storage size in GiB.
pub fn size(field: &str, value: u32) -> Result<(), Error> {
    let range = &LIMITS.size_gib;
    if range.contains(&value) {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!("is {value} GiB; expected {} to {} GiB", range.start(), range.end()),
        ))
    }
}

/// Checks a title's length in characters.
pub fn title(field: &str, value: &str) -> Result<(), Error> {
    let range = &LIMITS.title_chars;
    let length = value.chars().count();
    if range.contains(&length) {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!(
                "is {length} characters long; expected {} to {} characters",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// Checks that a tier may be used for a new storage or a clone.
pub fn creatable_tier(field: &str, value: &str) -> Result<(), Error> {
    if LIMITS.creatable_tiers.contains(&value) {
        return Ok(());
    }
    let allowed = LIMITS.creatable_tiers.join(", ");
    if LIMITS.legacy_tiers.contains(&value) {
        Err(Error::validation(
            field,
            format!("'{value}' is a legacy tier that existing storages may have but new ones cannot use; use one of {allowed}"),
        ))
    } else {
        Err(Error::validation(field, format!("is not a known tier; use one of {allowed}")))
    }
}

/// Checks zone syntax such as `fi-hel1`, `us-nyc1` or `de-fra1`; whether the zone exists is the API's call.
pub fn zone(field: &str, value: &str) -> Result<(), Error> {
    let valid = value.split_once('-').is_some_and(|(country, rest)| {
        let city_letters = rest.chars().take_while(|c| c.is_ascii_lowercase()).count();
        let digits = &rest[city_letters..];
        country.len() == LIMITS.zone_country_letters
            && country.chars().all(|c| c.is_ascii_lowercase())
            && LIMITS.zone_city_letters.contains(&city_letters)
            && LIMITS.zone_digits.contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
    });
    if valid {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            "is not a zone identifier; expected a form like fi-hel1 or us-nyc1",
        ))
    }
}

/// Checks a backup interval: `daily` or a weekday `mon` … `sun`.
pub fn backup_interval(field: &str, value: &str) -> Result<(), Error> {
    if LIMITS.backup_intervals.contains(&value) {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!("is not a backup interval; use one of {}", LIMITS.backup_intervals.join(", ")),
        ))
    }
}

/// Checks a backup time `HHMM` between 0000 and 2359 (UTC).
pub fn backup_time(field: &str, value: &str) -> Result<(), Error> {
    let digits_only = value.len() == 4 && value.chars().all(|c| c.is_ascii_digit());
    let in_range = digits_only && {
        let hours: u32 = value[..2].parse().unwrap_or(99);
        let minutes: u32 = value[2..].parse().unwrap_or(99);
        hours <= 23 && minutes <= 59
    };
    if in_range {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            "is not a time of day; expected four digits HHMM from 0000 to 2359 (UTC), like \"0430\"",
        ))
    }
}

/// Checks a backup retention in days.
pub fn backup_retention(field: &str, value: u32) -> Result<(), Error> {
    let range = &LIMITS.backup_retention_days;
    if range.contains(&value) {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!("is {value} days; expected {} to {} days", range.start(), range.end()),
        ))
    }
}

fn printable_ascii(value: &str) -> bool {
    value.chars().all(|c| (' '..='~').contains(&c))
}

/// Checks one user label's key and value.
pub fn label(field: &str, key: &str, value: &str) -> Result<(), Error> {
    let key_field = format!("{field}.key");
    let key_range = &LIMITS.label_key_chars;
    if !key_range.contains(&key.chars().count()) {
        return Err(Error::validation(
            key_field,
            format!("must be {} to {} characters long", key_range.start(), key_range.end()),
        ));
    }
    if !printable_ascii(key) {
        return Err(Error::validation(key_field, "must contain printable ASCII characters only"));
    }
    if key.starts_with('_') {
        return Err(Error::validation(
            key_field,
            "must not start with '_'; such keys are system labels that UpCloud sets",
        ));
    }

    let value_range = &LIMITS.label_value_chars;
    let value_length = value.chars().count();
    if !value_range.contains(&value_length) {
        return Err(Error::validation(
            format!("{field}.value"),
            format!("is {value_length} characters long; expected at most {}", value_range.end()),
        ));
    }
    Ok(())
}

/// Checks a set of user labels, including that no key repeats.
pub fn labels<'a>(field: &str, labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for (index, (key, value)) in labels.into_iter().enumerate() {
        let item_field = format!("{field}[{index}]");
        label(&item_field, key, value)?;
        if !seen.insert(key) {
            return Err(Error::validation(
                format!("{item_field}.key"),
                format!("repeats the key '{key}'; each label key may appear once"),
            ));
        }
    }
    Ok(())
}

/// Checks a list label filter: `key` (storages having that label) or `key=value`.
///
/// System keys (starting with `_`) are allowed here, because filtering on them is useful.
pub fn label_filter(field: &str, filter: &str) -> Result<(), Error> {
    let (key, value) = match filter.split_once('=') {
        Some((key, value)) => (key, value),
        None => (filter, ""),
    };
    if key.is_empty() || key.chars().count() > *LIMITS.label_key_chars.end() || !printable_ascii(key) {
        return Err(Error::validation(
            field,
            format!(
                "is not a label filter; expected 'key' or 'key=value' with a key of 1 to {} printable ASCII characters",
                LIMITS.label_key_chars.end()
            ),
        ));
    }
    if value.chars().count() > *LIMITS.label_value_chars.end() {
        return Err(Error::validation(
            field,
            format!("has a value longer than {} characters", LIMITS.label_value_chars.end()),
        ));
    }
    Ok(())
}

/// Checks the URL of an `http_import`: `http://` or `https://` with a host.
pub fn import_url(field: &str, value: &str) -> Result<(), Error> {
    let scheme_ok = value.split_once("://").is_some_and(|(scheme, rest)| {
        LIMITS.import_url_schemes.contains(&scheme.to_ascii_lowercase().as_str())
            && rest
                .split(['/', '?', '#'])
                .next()
                .is_some_and(|authority| !authority.rsplit('@').next().unwrap_or("").is_empty())
    });
    let no_spaces = !value.chars().any(|c| c.is_whitespace() || c.is_control());

    if scheme_ok && no_spaces {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!(
                "is not a URL UpCloud can download from; expected an absolute URL with scheme {}",
                LIMITS.import_url_schemes.join(" or ")
            ),
        ))
    }
}

/// Checks a server storage device address: a bus alone (`scsi`) or with slot numbers (`scsi:0:0`, `virtio:1`).
pub fn device_address(field: &str, value: &str) -> Result<(), Error> {
    let mut parts = value.split(':');
    let bus = parts.next().unwrap_or("");
    let numbers: Vec<&str> = parts.collect();
    let numbers_ok = numbers.len() <= 2
        && numbers
            .iter()
            .all(|n| (1..=2).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit()));

    if LIMITS.device_buses.contains(&bus) && numbers_ok {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!(
                "is not a device address; expected a bus ({}) optionally followed by slot numbers, like scsi:0:0 or virtio:1",
                LIMITS.device_buses.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<(), Error>) -> String {
        result.unwrap_err().field.unwrap()
    }

    #[test]
    fn uuid_accepts_and_rejects() {
        assert!(uuid("uuid", "01aaaaaa-0000-4000-8000-000000000001").is_ok());
        assert!(uuid("uuid", "01AAAAAA-0000-4000-8000-00000000000F").is_ok());
        for bad in ["", "../x", "01aaaaaa-0000-4000-8000-00000000000", "01aaaaaa-0000-4000-8000-0000000000011",
            "01aaaaaa00000-4000-8000-000000000001", "01aaaaaa-0000-4000-8000-00000000000g",
            "01aaaaaa-0000-4000-8000-000000000001/..", "01aaaaaa-0000-4000-8000-00000000000%"] {
            assert_eq!(field_of(uuid("uuid", bad)), "uuid", "{bad:?}");
        }
    }

    #[test]
    fn size_bounds() {
        assert!(size("size", 1).is_ok());
        assert!(size("size", 4096).is_ok());
        assert!(size("size", 0).is_err());
        assert!(size("size", 4097).is_err());
        assert_eq!(field_of(size("size", 0)), "size");
    }

    #[test]
    fn title_bounds() {
        assert!(title("title", "a").is_ok());
        assert!(title("title", &"é".repeat(255)).is_ok());
        assert!(title("title", "").is_err());
        assert!(title("title", &"a".repeat(256)).is_err());
    }

    #[test]
    fn tiers() {
        for tier in ["maxiops", "standard", "hdd"] {
            assert!(creatable_tier("tier", tier).is_ok());
        }
        let legacy = creatable_tier("tier", "ssd").unwrap_err();
        assert!(legacy.message.contains("legacy"));
        assert!(creatable_tier("tier", "archive").is_err());
        assert!(creatable_tier("tier", "").is_err());
    }

    #[test]
    fn zones() {
        for good in ["fi-hel1", "fi-hel2", "us-nyc1", "de-fra1", "pl-waw1", "us-sjo1", "au-syd1", "fi-hel10", "ab-abcd1"] {
            assert!(zone("zone", good).is_ok(), "{good}");
        }
        for bad in ["", "fi", "fi-hel", "FI-HEL1", "fi-hel123", "fin-hel1", "fi-he1", "fi-abcde1", "fi-hel1/..", "fi_hel1"] {
            assert!(zone("zone", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backup_rule_parts() {
        for interval in LIMITS.backup_intervals {
            assert!(backup_interval("i", interval).is_ok());
        }
        assert!(backup_interval("i", "weekly").is_err());
        assert!(backup_interval("i", "Daily").is_err());

        for good in ["0000", "2359", "0430", "1200"] {
            assert!(backup_time("t", good).is_ok(), "{good}");
        }
        for bad in ["2400", "0060", "430", "04:30", "", "abcd", "23590"] {
            assert!(backup_time("t", bad).is_err(), "{bad}");
        }

        assert!(backup_retention("r", 1).is_ok());
        assert!(backup_retention("r", 1095).is_ok());
        assert!(backup_retention("r", 0).is_err());
        assert!(backup_retention("r", 1096).is_err());
    }

    #[test]
    fn label_rules() {
        assert!(label("labels[0]", "ab", "").is_ok());
        assert!(label("labels[0]", &"k".repeat(32), &"v".repeat(255)).is_ok());
        assert_eq!(field_of(label("labels[0]", "a", "v")), "labels[0].key");
        assert_eq!(field_of(label("labels[0]", &"k".repeat(33), "v")), "labels[0].key");
        assert_eq!(field_of(label("labels[0]", "_os", "v")), "labels[0].key");
        assert_eq!(field_of(label("labels[0]", "kä", "v")), "labels[0].key");
        assert_eq!(field_of(label("labels[0]", "k\n", "v")), "labels[0].key");
        assert_eq!(field_of(label("labels[0]", "key", &"v".repeat(256))), "labels[0].value");
        assert!(label("labels[0]", "a ~", "").is_ok());
        assert_eq!(field_of(label("labels[0]", "a\u{7f}", "v")), "labels[0].key");
    }

    #[test]
    fn duplicate_label_keys() {
        let error = labels("labels", [("color", "red"), ("size", "l"), ("color", "blue")]).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("labels[2].key"));
        assert!(labels("labels", [("color", "red"), ("size", "l")]).is_ok());
        assert!(labels("labels", []).is_ok());
    }

    #[test]
    fn label_filters() {
        assert!(label_filter("f", "color").is_ok());
        assert!(label_filter("f", "color=green").is_ok());
        assert!(label_filter("f", "_os_type=linux").is_ok());
        assert!(label_filter("f", "a=b=c").is_ok());
        assert!(label_filter("f", "").is_err());
        assert!(label_filter("f", "=green").is_err());
        assert!(label_filter("f", &"k".repeat(33)).is_err());
        assert!(label_filter("f", &format!("k={}", "v".repeat(256))).is_err());
    }

    #[test]
    fn import_urls() {
        assert!(import_url("u", "http://dl-cdn.alpinelinux.org/alpine/x.iso").is_ok());
        assert!(import_url("u", "HTTPS://user:pw@example.com/a.img").is_ok());
        for bad in ["", "ftp://example.com/a", "example.com/a.iso", "https://", "https:///path", "https://user@/x", "https://a b/c"] {
            assert!(import_url("u", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn device_addresses() {
        for good in ["scsi", "scsi:0:0", "virtio:1", "ide:1:1", "virtio:15"] {
            assert!(device_address("a", good).is_ok(), "{good}");
        }
        for bad in ["", "sata:0", "scsi:", "scsi:0:0:0", "scsi:a", "scsi:123", "SCSI:0:0"] {
            assert!(device_address("a", bad).is_err(), "{bad}");
        }
    }
}
