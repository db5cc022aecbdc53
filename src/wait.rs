//! Pure decisions for polling until a storage or an import is ready.
//!
//! The JS layer polls `getStorage` or `getImport`, classifies each response
//! with [`storage_wait_step`] or [`import_wait_step`], sleeps for
//! [`PollSchedule::delay`], and feeds failed polls to [`TransientErrors`].

use std::time::Duration;

use crate::error::{codes, Error};
use crate::model::{ImportState, Storage, StorageImport, StorageState};

/// The decision after one poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitStep {
    /// The awaited state was reached.
    Done,
    /// Not there yet; poll again.
    Continue,
}

/// Classifies a polled storage while waiting for `target` (usually `online`).
///
/// State `error` rejects at once with `STORAGE_ERROR`, unless `error` is the
/// target. Every other state, including ones this version does not know such
/// as `pending_delete`, means "poll again".
pub fn storage_wait_step(storage: &Storage, target: &StorageState) -> Result<WaitStep, Error> {
    if &storage.state == target {
        Ok(WaitStep::Done)
    } else if storage.state == StorageState::Error {
        Err(Error::storage_error(&storage.uuid))
    } else {
        Ok(WaitStep::Continue)
    }
}

/// Classifies a polled import of the storage `storage_uuid`.
///
/// `completed` is done; `failed` rejects with `IMPORT_FAILED` carrying the
/// import's `error_code` and `error_message`; `cancelling` and `cancelled`
/// reject with `IMPORT_CANCELLED`; every other state means "poll again".
/// The storage itself may still be `syncing` when the import is completed.
pub fn import_wait_step(import: &StorageImport, storage_uuid: &str) -> Result<WaitStep, Error> {
    match import.state {
        ImportState::Completed => Ok(WaitStep::Done),
        ImportState::Failed => Err(Error::import_failed(
            storage_uuid,
            import.error_code.as_deref(),
            import.error_message.as_deref(),
        )),
        ImportState::Cancelling | ImportState::Cancelled => Err(Error::import_cancelled(storage_uuid)),
        _ => Ok(WaitStep::Continue),
    }
}

/// How long to sleep between polls: growing from `initial` by `factor` up to `max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollSchedule {
    /// The delay before the second poll.
    pub initial: Duration,
    /// The growth factor per poll.
    pub factor: f64,
    /// The maximum delay between polls.
    pub max: Duration,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule {
            initial: Duration::from_secs(1),
            factor: 1.5,
            max: Duration::from_secs(10),
        }
    }
}

impl PollSchedule {
    /// Returns the delay after poll number `poll` (0 for the first poll).
    pub fn delay(&self, poll: u32) -> Duration {
        let factor = if self.factor.is_finite() && self.factor >= 1.0 { self.factor } else { 1.0 };
        let seconds = self.initial.as_secs_f64() * factor.powi(poll.min(64) as i32);
        Duration::try_from_secs_f64(seconds)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// Returns whether a failed poll is worth tolerating: a network error, a request timeout, 429 or any 5xx.
pub fn is_transient(error: &Error) -> bool {
    error.code == codes::NETWORK_ERROR
        || error.code == codes::TIMEOUT
        || error.status.is_some_and(|status| status == 429 || status >= 500)
}

/// Counts consecutive transient poll failures; a wait rejects on the one after [`TransientErrors::TOLERATED`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransientErrors {
    consecutive: u32,
}

impl TransientErrors {
    /// Consecutive transient failures a wait survives.
    pub const TOLERATED: u32 = 3;

    /// Records a failed poll: `Ok` to keep polling, or `Err` with the error to reject with.
    /// Errors that are not transient (a 404, a decode error) reject at once.
    pub fn on_error(&mut self, error: Error) -> Result<(), Error> {
        if !is_transient(&error) {
            return Err(error);
        }
        self.consecutive += 1;
        if self.consecutive > Self::TOLERATED {
            Err(error)
        } else {
            Ok(())
        }
    }

    /// Records a successful poll, which resets the count.
    pub fn on_success(&mut self) {
        self.consecutive = 0;
    }
}

/// Builds the `TIMEOUT` error of a wait that ran out of time; the operation itself may still finish.
pub fn wait_timeout(what: &str, waited: Duration) -> Error {
    Error::timeout(format!(
        "Gave up waiting for {what} after {} s; the operation may still complete, so check its state before retrying.",
        waited.as_secs()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn storage(state: &str) -> Storage {
        serde_json::from_value(json!({
            "uuid": "01aaaaaa-0000-4000-8000-000000000001", "title": "t", "size": 10,
            "state": state, "type": "normal", "access": "private"
        }))
        .unwrap()
    }

    fn import(state: &str, code: &str, message: &str) -> StorageImport {
        serde_json::from_value(json!({
            "uuid": "07aaaaaa-0000-4000-8000-000000000001", "source": "direct_upload", "state": state,
            "error_code": code, "error_message": message
        }))
        .unwrap()
    }

    #[test]
    fn storage_states() {
        let online = StorageState::Online;
        assert_eq!(storage_wait_step(&storage("online"), &online), Ok(WaitStep::Done));
        for state in ["maintenance", "cloning", "backuping", "syncing", "pending_delete"] {
            assert_eq!(storage_wait_step(&storage(state), &online), Ok(WaitStep::Continue), "{state}");
        }
        let error = storage_wait_step(&storage("error"), &online).unwrap_err();
        assert_eq!(error.code, codes::STORAGE_ERROR);
        assert_eq!(error.storage_uuid.as_deref(), Some("01aaaaaa-0000-4000-8000-000000000001"));

        let syncing = StorageState::Syncing;
        assert_eq!(storage_wait_step(&storage("syncing"), &syncing), Ok(WaitStep::Done));
    }

    #[test]
    fn import_states() {
        let uuid = "01aaaaaa-0000-4000-8000-000000000001";
        assert_eq!(import_wait_step(&import("completed", "", ""), uuid), Ok(WaitStep::Done));
        for state in ["prepared", "pending", "importing", "verifying"] {
            assert_eq!(import_wait_step(&import(state, "", ""), uuid), Ok(WaitStep::Continue), "{state}");
        }

        let failed = import_wait_step(&import("failed", "IMPORT_DATA_INVALID", "bad gzip"), uuid).unwrap_err();
        assert_eq!(failed.code, codes::IMPORT_FAILED);
        assert_eq!(failed.storage_uuid.as_deref(), Some(uuid));
        assert_eq!(failed.import_error_code.as_deref(), Some("IMPORT_DATA_INVALID"));
        assert_eq!(failed.import_error_message.as_deref(), Some("bad gzip"));

        let failed_silently = import_wait_step(&import("failed", "", ""), uuid).unwrap_err();
        assert_eq!(failed_silently.import_error_code, None);

        for state in ["cancelling", "cancelled"] {
            let cancelled = import_wait_step(&import(state, "", ""), uuid).unwrap_err();
            assert_eq!(cancelled.code, codes::IMPORT_CANCELLED, "{state}");
        }
    }

    #[test]
    fn poll_schedule_grows_to_max() {
        let schedule = PollSchedule::default();
        assert_eq!(schedule.delay(0), Duration::from_secs(1));
        assert_eq!(schedule.delay(1), Duration::from_millis(1500));
        assert_eq!(schedule.delay(2), Duration::from_millis(2250));
        assert_eq!(schedule.delay(10), Duration::from_secs(10));
        assert_eq!(schedule.delay(u32::MAX), Duration::from_secs(10));
        let odd = PollSchedule { factor: f64::NAN, ..schedule };
        assert_eq!(odd.delay(5), Duration::from_secs(1));
    }

    #[test]
    fn fourth_transient_error_rejects() {
        let mut errors = TransientErrors::default();
        for _ in 0..3 {
            assert!(errors.on_error(Error::network("reset")).is_ok());
        }
        let last = Error::new("HTTP_ERROR", "bad gateway").with_status(502);
        assert_eq!(errors.on_error(last.clone()), Err(last));
    }

    #[test]
    fn success_resets_transient_count() {
        let mut errors = TransientErrors::default();
        for _ in 0..3 {
            assert!(errors.on_error(Error::new("HTTP_ERROR", "x").with_status(503)).is_ok());
        }
        errors.on_success();
        for _ in 0..3 {
            assert!(errors.on_error(Error::new("RATE", "x").with_status(429)).is_ok());
        }
    }

    #[test]
    fn permanent_errors_reject_at_once() {
        let mut errors = TransientErrors::default();
        let not_found = Error::new("STORAGE_NOT_FOUND", "gone").with_status(404);
        assert_eq!(errors.on_error(not_found.clone()), Err(not_found));
        assert!(errors.on_error(Error::decode(Some(200), "bad")).is_err());
    }

    #[test]
    fn timeout_message() {
        let error = wait_timeout("storage 01aa to be online", Duration::from_secs(600));
        assert_eq!(error.code, codes::TIMEOUT);
        assert!(error.message.contains("600 s"));
    }
}
