//! Timed state changes of slow storage operations.
//!
//! Each operation claims the storages it changes with a job id (see `store::Job`) and then
//! steps through its states on a tokio task. `--op-seconds` is the length of one operation.
//! A step applies only while its job still owns the storage, so cancel, forced states and
//! reset stop an operation without extra bookkeeping.

use std::sync::Arc;

use crate::datafile;
use crate::state::AppState;
use crate::store::{Job, JobKind, Store};

/// Progress values a copy reports, one per step, before it goes online.
const PROGRESS_STEPS: [&str; 5] = ["20", "40", "60", "80", "100"];

/// Converts seconds from a control request to a duration. Negative or NaN values become
/// zero and values past a day become one day, so no input can make `Duration` panic.
pub fn seconds_to_duration(seconds: f64) -> std::time::Duration {
    const DAY: f64 = 86_400.0;
    let clamped = if seconds.is_nan() { 0.0 } else { seconds.clamp(0.0, DAY) };
    std::time::Duration::from_secs_f64(clamped)
}

pub async fn pause(state: &AppState, fraction: f64) {
    tokio::time::sleep(state.config.op(fraction)).await;
}

/// Runs `change` on the store only while `job` still owns `storage` in this generation.
pub fn with_job<R>(
    state: &AppState,
    generation: u64,
    storage: &str,
    job: u64,
    change: impl FnOnce(&mut Store) -> R,
) -> Option<R> {
    let mut store = state.store();
    if state.generation() != generation {
        return None;
    }
    let owned = store
        .storages
        .get(storage)
        .and_then(|storage| storage.job)
        .is_some_and(|claim| claim.id == job);
    owned.then(|| change(&mut store))
}

/// Puts a storage back `online` if `job` still owns it.
pub fn release(store: &mut Store, storage: &str, job: u64) {
    if let Some(storage) = store.storage_mut(storage) {
        if storage.job.is_some_and(|claim| claim.id == job) {
            storage.state = "online".to_owned();
            storage.progress = None;
            storage.job = None;
            storage.copy_source = None;
        }
    }
}

pub fn claim(store: &mut Store, storage: &str, id: u64, kind: JobKind, state: &str, progress: Option<&str>) {
    if let Some(storage) = store.storage_mut(storage) {
        storage.job = Some(Job { id, kind });
        storage.state = state.to_owned();
        storage.progress = progress.map(str::to_owned);
    }
}

/// Copies `source`'s data into the new `target` (clone, templatize, backup) and steps
/// `target` from `maintenance` to `online`, releasing the source at the end.
pub fn spawn_copy(state: &Arc<AppState>, job: u64, source: String, target: String, target_size: u64, with_progress: bool) {
    let state = Arc::clone(state);
    let generation = state.generation();
    tokio::spawn(async move {
        copy_data(&state, &source, &target, target_size).await;
        for progress in PROGRESS_STEPS {
            pause(&state, 1.0 / 6.0).await;
            let stepped = with_job(&state, generation, &target, job, |store| {
                if let (true, Some(storage)) = (with_progress, store.storage_mut(&target)) {
                    storage.progress = Some(progress.to_owned());
                }
            });
            if stepped.is_none() {
                return;
            }
        }
        pause(&state, 1.0 / 6.0).await;
        with_job(&state, generation, &target, job, |store| {
            release(store, &target, job);
            release(store, &source, job);
        });
    });
}

/// Overwrites the backup's origin with the backup's data: `maintenance` with rising
/// progress, then `syncing`, then `online`.
pub fn spawn_restore(state: &Arc<AppState>, job: u64, backup: String, origin: String, origin_size: u64) {
    let state = Arc::clone(state);
    let generation = state.generation();
    tokio::spawn(async move {
        copy_data(&state, &backup, &origin, origin_size).await;
        for progress in &PROGRESS_STEPS[..3] {
            pause(&state, 1.0 / 6.0).await;
            let stepped = with_job(&state, generation, &origin, job, |store| {
                if let Some(storage) = store.storage_mut(&origin) {
                    storage.progress = Some((*progress).to_owned());
                }
            });
            if stepped.is_none() {
                return;
            }
        }
        pause(&state, 1.0 / 6.0).await;
        let synced = with_job(&state, generation, &origin, job, |store| {
            if let Some(storage) = store.storage_mut(&origin) {
                storage.state = "syncing".to_owned();
                storage.progress = None;
            }
        });
        if synced.is_none() {
            return;
        }
        pause(&state, 2.0 / 6.0).await;
        with_job(&state, generation, &origin, job, |store| release(store, &origin, job));
    });
}

/// Keeps a storage in its current state for `fraction` of an operation, then `online`.
pub fn spawn_hold(state: &Arc<AppState>, job: u64, storage: String, seconds: Option<f64>, fraction: f64) {
    let state = Arc::clone(state);
    let generation = state.generation();
    tokio::spawn(async move {
        match seconds {
            Some(seconds) => tokio::time::sleep(seconds_to_duration(seconds)).await,
            None => pause(&state, fraction).await,
        }
        with_job(&state, generation, &storage, job, |store| release(store, &storage, job));
    });
}

async fn copy_data(state: &Arc<AppState>, source: &str, target: &str, target_size: u64) {
    let data_dir = state.config.data_dir.clone();
    let (source, target) = (source.to_owned(), target.to_owned());
    let copied = tokio::task::spawn_blocking(move || {
        let result = datafile::copy(&data_dir, &source, &target, target_size);
        (result, source, target)
    })
    .await;
    if let Ok((Err(error), source, target)) = copied {
        tracing::error!(%source, %target, %error, "failed to copy storage data");
    }
}
