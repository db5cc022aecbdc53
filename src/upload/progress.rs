//! Progress of an upload and the import after it, as the events JavaScript
//! receives.
//!
//! Counts come from different places (XHR upload events, chunks handed to a
//! stream body, the import's polled `written_bytes`), and some report the
//! same position twice or a count past the end. The tracker turns them into
//! events a progress bar can trust: `loaded` never decreases, never exceeds
//! `total`, and the last event has `loaded == total`.

/// The phases `onProgress` reports, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Bytes sent to the uploader; `total` is the file size.
    Uploading,
    /// UpCloud writes the image to the storage; `loaded`/`total` are the
    /// import's written bytes and the expected size.
    Importing,
    /// The import completed and the storage is syncing before `online`.
    Syncing,
}

impl Phase {
    /// Returns the name JavaScript receives in `phase`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Uploading => "uploading",
            Phase::Importing => "importing",
            Phase::Syncing => "syncing",
        }
    }
}

/// One `onProgress` event. Byte counts are `u64`: images pass 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressEvent {
    pub phase: Phase,
    pub loaded: u64,
    pub total: u64,
}

/// Turns raw counts into monotonic, bounded events of one phase.
#[derive(Debug, Clone)]
pub struct ProgressTracker {
    phase: Phase,
    total: u64,
    loaded: u64,
    /// The `loaded` of the last event given out, if any.
    reported: Option<u64>,
}

impl ProgressTracker {
    pub fn new(phase: Phase, total: u64) -> Self {
        ProgressTracker {
            phase,
            total,
            loaded: 0,
            reported: None,
        }
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn loaded(&self) -> u64 {
        self.loaded
    }

    /// Records `bytes` more sent; returns an event if the position moved.
    pub fn advance(&mut self, bytes: u64) -> Option<ProgressEvent> {
        self.observe(self.loaded.saturating_add(bytes))
    }

    /// Records an absolute position; returns an event if it moved forward.
    /// Positions behind the current one are ignored, and positions past the
    /// total are held back to the total.
    pub fn observe(&mut self, position: u64) -> Option<ProgressEvent> {
        self.loaded = self.loaded.max(position.min(self.total));
        if self
            .reported
            .is_some_and(|reported| reported >= self.loaded)
        {
            return None;
        }
        self.reported = Some(self.loaded);
        Some(self.event())
    }

    /// Returns the final event (`loaded == total`), unless it was already given out.
    pub fn complete(&mut self) -> Option<ProgressEvent> {
        self.loaded = self.total;
        if self.reported == Some(self.total) {
            return None;
        }
        self.reported = Some(self.total);
        Some(self.event())
    }

    fn event(&self) -> ProgressEvent {
        ProgressEvent {
            phase: self.phase,
            loaded: self.loaded,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(event: Option<ProgressEvent>) -> Option<u64> {
        event.map(|event| event.loaded)
    }

    #[test]
    fn advances_by_chunks() {
        let mut progress = ProgressTracker::new(Phase::Uploading, 10);
        assert_eq!(loaded(progress.advance(4)), Some(4));
        assert_eq!(loaded(progress.advance(4)), Some(8));
        assert_eq!(loaded(progress.advance(2)), Some(10));
        assert_eq!(progress.complete(), None);
    }

    #[test]
    fn ignores_backward_and_repeated_positions() {
        let mut progress = ProgressTracker::new(Phase::Uploading, 100);
        assert_eq!(loaded(progress.observe(50)), Some(50));
        assert_eq!(progress.observe(50), None);
        assert_eq!(progress.observe(20), None);
        assert_eq!(progress.loaded(), 50);
    }

    #[test]
    fn caps_positions_at_total() {
        let mut progress = ProgressTracker::new(Phase::Uploading, 100);
        assert_eq!(loaded(progress.observe(180)), Some(100));
        assert_eq!(progress.complete(), None);
    }

    #[test]
    fn complete_reports_total_once() {
        let mut progress = ProgressTracker::new(Phase::Uploading, 100);
        progress.observe(30);
        let last = progress.complete().unwrap();
        assert_eq!(
            (last.phase, last.loaded, last.total),
            (Phase::Uploading, 100, 100)
        );
        assert_eq!(progress.complete(), None);
    }

    #[test]
    fn events_carry_their_phase() {
        let mut progress = ProgressTracker::new(Phase::Importing, 10);
        assert_eq!(progress.observe(3).unwrap().phase, Phase::Importing);
        assert_eq!(progress.complete().unwrap().phase, Phase::Importing);
    }

    #[test]
    fn first_zero_event_is_reported() {
        let mut progress = ProgressTracker::new(Phase::Uploading, 100);
        assert_eq!(loaded(progress.observe(0)), Some(0));
        assert_eq!(progress.observe(0), None);
    }

    #[test]
    fn empty_total_completes() {
        let mut progress = ProgressTracker::new(Phase::Uploading, 0);
        assert_eq!(loaded(progress.complete()), Some(0));
    }

    #[test]
    fn sizes_above_4_gib_are_exact() {
        let total = 53_687_091_200u64;
        let mut progress = ProgressTracker::new(Phase::Uploading, total);
        assert_eq!(loaded(progress.observe(total - 1)), Some(total - 1));
        assert_eq!(loaded(progress.complete()), Some(total));
    }

    #[test]
    fn phase_names() {
        assert_eq!(Phase::Uploading.as_str(), "uploading");
        assert_eq!(Phase::Importing.as_str(), "importing");
        assert_eq!(Phase::Syncing.as_str(), "syncing");
    }
}
