//! Shared state of the running mock and its fixed configuration.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::faults::Fault;
use crate::replay::Replay;
use crate::request_log::LoggedRequest;
use crate::seed;
use crate::store::Store;
use crate::uploader::UploadRecord;

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    pub accounts: Vec<(String, String)>,
    pub tokens: Vec<String>,
    pub op_seconds: f64,
    pub empty: bool,
    pub seed_storages: usize,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    pub require_content_length: bool,
    pub data_dir: PathBuf,
    pub default_tier: String,
    pub resize_requires_stopped_server: bool,
}

impl Config {
    /// Returns the duration of `fraction` of one slow operation.
    pub fn op(&self, fraction: f64) -> Duration {
        crate::jobs::seconds_to_duration(self.op_seconds * fraction)
    }
}

pub struct AppState {
    pub config: Config,
    store: Mutex<Store>,
    /// Bumped by every reset; timed steps of an older generation do nothing.
    generation: AtomicU64,
    pub faults: Mutex<Vec<Fault>>,
    pub requests: Mutex<VecDeque<LoggedRequest>>,
    pub uploads: Mutex<Vec<Arc<UploadRecord>>>,
    pub replay: Option<Mutex<Replay>>,
    pub http: reqwest::Client,
}

impl AppState {
    pub fn new(config: Config, replay: Option<Replay>) -> Arc<Self> {
        let store = seed::initial_store(&config);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .expect("a client with no TLS and no proxy always builds");
        Arc::new(AppState {
            config,
            store: Mutex::new(store),
            generation: AtomicU64::new(0),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(VecDeque::new()),
            uploads: Mutex::new(Vec::new()),
            replay: replay.map(Mutex::new),
            http,
        })
    }

    /// Locks the store. A panic in another handler must not take the mock down, so a
    /// poisoned lock is taken over as it is.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Restores the start-up state and clears faults, the request log and uploads.
    pub fn reset(&self) {
        let fresh = seed::initial_store(&self.config);
        let mut store = self.store();
        self.generation.fetch_add(1, Ordering::SeqCst);
        for storage in store.storages.keys() {
            crate::datafile::remove(&self.config.data_dir, storage);
        }
        for import in store.imports.values() {
            import.progress.cancel.store(true, Ordering::SeqCst);
        }
        *store = fresh;
        drop(store);
        lock(&self.faults).clear();
        lock(&self.requests).clear();
        lock(&self.uploads).clear();
        if let Some(replay) = &self.replay {
            lock(replay).rewind();
        }
    }
}

/// Locks a mutex, taking over a poisoned one (see `AppState::store`).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
