//! String-valued enums of the API that keep values this library does not know yet.
//!
//! UpCloud adds states and tiers over time. A value this version does not know
//! decodes to `Other("the value")` and serialises back to the same string, so a
//! new state reaches JavaScript unchanged instead of failing the whole call.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version of the library does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every value this version of the library recognises, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// Returns the value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(value) => value,
                }
            }

            /// Decodes a wire value; an unknown one becomes `Other`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    };
}

open_string_enum! {
    /// The kind of a storage (`type`). Only `normal` storages are writable disks.
    StorageType {
        /// A writable disk.
        Normal = "normal",
        /// A backup of another storage; `origin` names that storage.
        Backup = "backup",
        /// A CD-ROM image.
        Cdrom = "cdrom",
        /// A template that new servers can be cloned from.
        Template = "template",
    }
}

open_string_enum! {
    /// The state of a storage (`state`).
    StorageState {
        /// Ready for every operation.
        Online = "online",
        /// Work runs on this storage (a clone, backup or template being written, a restore, an import); `progress` may be set.
        Maintenance = "maintenance",
        /// This storage is the source of a running clone or templatize.
        Cloning = "cloning",
        /// A backup of this storage is being taken.
        Backuping = "backuping",
        /// Data is being synchronised, for example after an import; servers can already use it.
        Syncing = "syncing",
        /// The storage failed and is inaccessible.
        Error = "error",
    }
}

open_string_enum! {
    /// The visibility of a storage (`access`).
    Access {
        /// Provided by UpCloud and visible to every account (templates, CD-ROM images).
        Public = "public",
        /// Owned by the account.
        Private = "private",
    }
}

open_string_enum! {
    /// The storage tier (`tier`).
    Tier {
        /// MaxIOPS, the high-performance tier.
        Maxiops = "maxiops",
        /// Standard, the general-purpose tier.
        Standard = "standard",
        /// Archive, the high-capacity tier, called `hdd` on the API.
        Hdd = "hdd",
        /// The legacy SSD tier of old storages; new storages cannot use it.
        Ssd = "ssd",
    }
}

open_string_enum! {
    /// The provisioning method of a template (`template_type`).
    TemplateType {
        /// A classic template without cloud-init.
        Native = "native",
        /// A template configured through cloud-init.
        CloudInit = "cloud-init",
    }
}

open_string_enum! {
    /// When a backup rule runs (`interval`): every day or once a week on the given day.
    BackupInterval {
        /// Every day.
        Daily = "daily",
        /// Every Monday.
        Mon = "mon",
        /// Every Tuesday.
        Tue = "tue",
        /// Every Wednesday.
        Wed = "wed",
        /// Every Thursday.
        Thu = "thu",
        /// Every Friday.
        Fri = "fri",
        /// Every Saturday.
        Sat = "sat",
        /// Every Sunday.
        Sun = "sun",
    }
}

open_string_enum! {
    /// The origin of an import's data (`source`).
    ImportSource {
        /// The client uploads the data with a PUT to `direct_upload_url`.
        DirectUpload = "direct_upload",
        /// UpCloud downloads the data from `source_location`.
        HttpImport = "http_import",
    }
}

open_string_enum! {
    /// The state of a storage import (`state`).
    ImportState {
        /// Created, waiting for data.
        Prepared = "prepared",
        /// Queued, or data received and not yet written.
        Pending = "pending",
        /// Data is being written; `read_bytes`/`written_bytes` grow.
        Importing = "importing",
        /// Finished successfully.
        Completed = "completed",
        /// Finished with an error; see `error_code` and `error_message`.
        Failed = "failed",
        /// A cancel was requested.
        Cancelling = "cancelling",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

open_string_enum! {
    /// The kind of a server's storage device (its `type`).
    DeviceType {
        /// A disk.
        Disk = "disk",
        /// A CD-ROM drive.
        Cdrom = "cdrom",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for wire in StorageState::KNOWN {
            let parsed: StorageState = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
            assert!(!matches!(parsed, StorageState::Other(_)), "{wire} should be known");
            assert_eq!(serde_json::to_string(&parsed).unwrap(), format!("\"{wire}\""));
        }
        assert_eq!(TemplateType::from_wire("cloud-init"), TemplateType::CloudInit);
        assert_eq!(ImportSource::from_wire("http_import"), ImportSource::HttpImport);
    }

    #[test]
    fn unknown_values_kept() {
        let parsed: StorageState = serde_json::from_str("\"pending_delete\"").unwrap();
        assert_eq!(parsed, StorageState::Other("pending_delete".into()));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"pending_delete\"");

        let tier: Tier = serde_json::from_str("\"archive\"").unwrap();
        assert_eq!(tier.as_str(), "archive");
    }

    #[test]
    fn non_strings_rejected() {
        assert!(serde_json::from_str::<Tier>("5").is_err());
        assert!(serde_json::from_str::<Tier>("null").is_err());
    }
}
