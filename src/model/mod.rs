//! The API's objects as clean types.
//!
//! Decoding accepts the wire format with all its quirks (see [`quirks`]);
//! serialising produces what JavaScript receives: camelCase keys, numbers,
//! booleans, plain arrays, and `null` for absent values.

mod enums;
mod import;
pub mod quirks;
mod server;
mod storage;

pub use enums::{
    Access, BackupInterval, DeviceType, ImportSource, ImportState, StorageState, StorageType,
    TemplateType, Tier,
};
pub use import::{StorageImport, UploadResult};
pub use server::{Server, StorageDevice};
pub use storage::{BackupRule, Label, Storage};
