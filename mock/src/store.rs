//! The in-memory world of the mock: storages, servers, imports and favorites.
//!
//! Everything sits behind one `std::sync::Mutex` in `AppState`. Handlers lock it only for
//! the short, synchronous part of a request and never across an `.await`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::ApiError;

/// Storage kinds as the API names them in `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageType {
    Normal,
    Backup,
    Cdrom,
    Template,
}

impl StorageType {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageType::Normal => "normal",
            StorageType::Backup => "backup",
            StorageType::Cdrom => "cdrom",
            StorageType::Template => "template",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub key: String,
    pub value: String,
}

/// A backup rule with `retention` in days and `time` as `"HHMM"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRule {
    pub interval: String,
    pub time: String,
    pub retention: u32,
}

/// What a running background operation is doing to a storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// The storage is the new copy of a clone.
    CloneTarget,
    /// The storage is the new template of a templatize.
    TemplatizeTarget,
    /// The storage is the new backup of a backup call.
    BackupTarget,
    /// The storage is the source of a clone or templatize (state `cloning`).
    CopySource,
    /// The storage is being backed up (state `backuping`).
    BackupSource,
    /// The storage is being overwritten from a backup.
    Restore,
    /// The storage's filesystem is being grown.
    Resize,
    /// An import writes into the storage.
    Import,
    /// A state forced through `/__mock/storages/{uuid}/state`.
    Forced,
}

/// A background operation's claim on a storage. Timed steps apply only while the claim's
/// `id` is still the storage's, so a cancel, a forced state or a reset stops them.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    pub id: u64,
    pub kind: JobKind,
}

#[derive(Clone, Debug)]
pub struct Storage {
    pub uuid: String,
    /// Owning account; `None` for public templates and CD-ROMs.
    pub owner: Option<String>,
    pub kind: StorageType,
    pub title: String,
    pub size: u64,
    pub tier: Option<String>,
    pub zone: Option<String>,
    pub state: String,
    pub progress: Option<String>,
    pub created: Option<String>,
    pub encrypted: bool,
    pub labels: Option<Vec<Label>>,
    pub backup_rule: Option<BackupRule>,
    pub backups: Vec<String>,
    pub origin: Option<String>,
    pub template_type: Option<String>,
    pub license: f64,
    pub job: Option<Job>,
    /// The storage whose data a clone or templatize copies (kept for cancel).
    pub copy_source: Option<String>,
    /// True while the data file is known to hold only zeros, so writers may skip zero blocks
    /// and keep the file sparse.
    pub data_pristine: bool,
}

impl Storage {
    pub fn is_public(&self) -> bool {
        self.owner.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct Device {
    pub address: String,
    /// `disk` or `cdrom`.
    pub kind: String,
    /// Attached storage; `None` for an empty CD-ROM drive.
    pub storage: Option<String>,
    pub boot_disk: bool,
}

#[derive(Clone, Debug)]
pub struct Server {
    pub uuid: String,
    pub owner: String,
    pub title: String,
    pub hostname: String,
    pub zone: String,
    pub state: String,
    pub created: u64,
    pub devices: Vec<Device>,
}

/// Live counters of an import, shared with the task that moves its bytes.
#[derive(Debug, Default)]
pub struct ImportProgress {
    pub read_bytes: AtomicU64,
    pub written_bytes: AtomicU64,
    pub cancel: AtomicBool,
}

/// How a test asked the next import to end (`POST /__mock/imports/next`).
#[derive(Clone, Debug)]
pub enum ForcedOutcome {
    Failed { error_code: String, error_message: String, after_seconds: Option<f64> },
    Cancelled { after_seconds: Option<f64> },
}

#[derive(Clone, Debug)]
pub struct Import {
    pub uuid: String,
    pub storage: String,
    pub source: String,
    pub source_location: Option<String>,
    pub direct_upload_url: Option<String>,
    pub state: String,
    pub created: String,
    pub completed: String,
    pub md5sum: String,
    pub sha256sum: String,
    pub error_code: String,
    pub error_message: String,
    pub client_content_type: String,
    pub client_content_length: u64,
    pub progress: Arc<ImportProgress>,
    pub forced_outcome: Option<ForcedOutcome>,
    pub job: u64,
}

impl Import {
    pub fn is_running(&self) -> bool {
        matches!(self.state.as_str(), "prepared" | "pending" | "importing")
    }

    pub fn fail(&mut self, code: &str, message: &str) {
        self.state = "failed".to_owned();
        self.error_code = code.to_owned();
        self.error_message = message.to_owned();
        self.completed = now_rfc3339();
    }
}

#[derive(Debug, Default)]
pub struct Store {
    /// Storages by UUID; the ordered map keeps lists sorted by UUID as the API's are.
    pub storages: BTreeMap<String, Storage>,
    pub servers: BTreeMap<String, Server>,
    pub imports: HashMap<String, Import>,
    /// The latest import of each storage, by storage UUID.
    pub latest_import: HashMap<String, String>,
    pub favorites: HashMap<String, BTreeSet<String>>,
    pub next_outcome: Option<ForcedOutcome>,
}

static NEXT_JOB_ID: AtomicU64 = AtomicU64::new(1);

/// Returns a job id never handed out before in this process, even across resets.
pub fn new_job_id() -> u64 {
    NEXT_JOB_ID.fetch_add(1, Ordering::Relaxed)
}

/// Current time as the API writes storage timestamps: RFC 3339, UTC, whole seconds.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// A fresh random UUID whose first byte is `prefix`, as UpCloud's ids start with
/// `01` for storages, `00` for servers and `07` for imports.
pub fn new_uuid(prefix: u8) -> String {
    let mut bytes = *uuid::Uuid::new_v4().as_bytes();
    bytes[0] = prefix;
    uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
}

/// True for a lower-case hyphenated UUID, the only form the API hands out.
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && uuid::Uuid::try_parse(text).is_ok()
        && !text.bytes().any(|byte| byte.is_ascii_uppercase())
}

impl Store {
    /// Looks up a storage the account may see, or the API's 404/403 error for it.
    pub fn visible(&self, account: &str, uuid: &str) -> Result<&Storage, ApiError> {
        let storage = self.storages.get(uuid).ok_or_else(|| storage_lookup_error(uuid))?;
        match &storage.owner {
            Some(owner) if owner != account => Err(ApiError::storage_forbidden(uuid)),
            _ => Ok(storage),
        }
    }

    /// Like `visible`, but for a change: public storages belong to UpCloud and are read-only.
    pub fn owned_mut(&mut self, account: &str, uuid: &str) -> Result<&mut Storage, ApiError> {
        self.visible(account, uuid)?;
        let storage = self.storages.get_mut(uuid).expect("checked by visible");
        if storage.is_public() {
            return Err(ApiError::storage_forbidden(uuid));
        }
        Ok(storage)
    }

    pub fn storage_mut(&mut self, uuid: &str) -> Option<&mut Storage> {
        self.storages.get_mut(uuid)
    }

    pub fn server_of_account(&self, account: &str, uuid: &str) -> Result<&Server, ApiError> {
        if !is_uuid(uuid) {
            return Err(ApiError::server_invalid());
        }
        match self.servers.get(uuid) {
            Some(server) if server.owner == account => Ok(server),
            Some(_) => Err(ApiError::server_forbidden(uuid)),
            None => Err(ApiError::server_not_found(uuid)),
        }
    }

    /// Servers that have this storage in one of their devices, disk or CD-ROM.
    pub fn servers_using(&self, storage: &str) -> Vec<&Server> {
        self.servers
            .values()
            .filter(|server| {
                server.devices.iter().any(|device| device.storage.as_deref() == Some(storage))
            })
            .collect()
    }

    /// Rejects a change of a storage attached to a started server.
    pub fn require_servers_stopped(&self, storage: &str) -> Result<(), ApiError> {
        match self.servers_using(storage).into_iter().find(|server| server.state != "stopped") {
            Some(server) => Err(ApiError::server_state_illegal(&server.uuid, &server.state)),
            None => Ok(()),
        }
    }

    /// Removes a storage with its favorites and import records. The caller removes its data file.
    pub fn remove_storage(&mut self, uuid: &str) -> Option<Storage> {
        let removed = self.storages.remove(uuid)?;
        for favorites in self.favorites.values_mut() {
            favorites.remove(uuid);
        }
        if let Some(import) = self.latest_import.remove(uuid) {
            self.imports.remove(&import);
        }
        if let Some(origin) = &removed.origin {
            if let Some(origin) = self.storages.get_mut(origin) {
                origin.backups.retain(|backup| backup != uuid);
            }
        }
        Some(removed)
    }
}

fn storage_lookup_error(uuid: &str) -> ApiError {
    if is_uuid(uuid) {
        ApiError::storage_not_found(uuid)
    } else {
        ApiError::storage_invalid()
    }
}
