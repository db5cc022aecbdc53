//! When to resend a request: a pure decision the transport requests after each failed attempt.
//!
//! GET, PUT and DELETE are resent after network errors, timeouts, 429 and
//! 502/503/504, with exponential backoff and jitter. A POST is resent only
//! when it certainly never left the client: POSTs create storages, backups,
//! templates and imports or start operations, and a second copy could do the
//! work twice. `fetch` reports every failure (DNS, refused connection, reset
//! mid-response) as the same `TypeError`, so the transport must report those as
//! [`Outcome::NetworkError`], which counts as "may have reached the server".

use std::time::{Duration, UNIX_EPOCH};

/// The result of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The request certainly was not sent (for example, it was refused before any byte left).
    NotSent,
    /// The request failed on the network and may have reached the server.
    NetworkError,
    /// The attempt's own time limit ran out; the request may have reached the server.
    TimedOut,
    /// A response arrived with this status; `retry_after` is its parsed `Retry-After`, if any.
    Response {
        /// The HTTP status.
        status: u16,
        /// How long the server asked the client to wait.
        retry_after: Option<Duration>,
    },
}

/// How often and how long to back off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Resends after the first attempt; 0 disables retries.
    pub max_retries: u32,
    /// The delay before the first resend, doubled for each further one.
    pub base_delay: Duration,
    /// The maximum delay. A `Retry-After` longer than this is not waited for, and the error is returned instead.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Returns the backoff before resend number `attempt` (1-based): `base · 2^(attempt−1)`, capped at
    /// `max_delay`, then scaled into its upper half by `jitter` in `[0, 1]` so that clients
    /// that failed together do not retry together.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let uncapped = self.base_delay.saturating_mul(1u32 << exponent);
        let capped = uncapped.min(self.max_delay);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        Duration::try_from_secs_f64(capped.as_secs_f64() * (0.5 + 0.5 * jitter)).unwrap_or(capped)
    }
}

/// Decides whether to resend after a failed attempt, and after how long.
///
/// `attempt` counts the attempts made so far, so it is 1 after the first
/// failure. `idempotent` is [`crate::request::ApiRequest::is_idempotent`], and
/// `jitter` is a random number in `[0, 1]` supplied by the caller. Returns
/// `None` when the failure should be returned to the caller as it is.
pub fn retry_decision(
    policy: &RetryPolicy,
    idempotent: bool,
    attempt: u32,
    outcome: Outcome,
    jitter: f64,
) -> Option<Duration> {
    if attempt == 0 || attempt > policy.max_retries {
        return None;
    }

    match outcome {
        Outcome::NotSent => Some(policy.backoff(attempt, jitter)),
        Outcome::NetworkError | Outcome::TimedOut if idempotent => Some(policy.backoff(attempt, jitter)),
        Outcome::Response { status, retry_after } if idempotent && is_retryable_status(status) => {
            match retry_after {
                Some(wait) if wait > policy.max_delay => None,
                Some(wait) => Some(wait),
                None => Some(policy.backoff(attempt, jitter)),
            }
        }
        _ => None,
    }
}

/// Returns whether a status means "try again later": 429, 502, 503 or 504.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Parses a `Retry-After` header: delay seconds (`120`) or an HTTP date, relative to
/// `now_unix_millis` (what `Date.now()` returns). A date in the past means no wait.
pub fn parse_retry_after(value: &str, now_unix_millis: u64) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let now = UNIX_EPOCH + Duration::from_millis(now_unix_millis);
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Seconds to report in an error's `retryAfter`, rounded up.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}


#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(30),
    };

    fn response(status: u16) -> Outcome {
        Outcome::Response { status, retry_after: None }
    }

    #[test]
    fn idempotent_retries_transient_failures() {
        for outcome in [Outcome::NetworkError, Outcome::TimedOut, response(429), response(502), response(503), response(504)] {
            assert!(retry_decision(&POLICY, true, 1, outcome, 0.0).is_some(), "{outcome:?}");
        }
    }

    #[test]
    fn idempotent_does_not_retry_client_errors() {
        for status in [400, 401, 403, 404, 409, 500, 501] {
            assert_eq!(retry_decision(&POLICY, true, 1, response(status), 0.0), None, "{status}");
        }
    }

    #[test]
    fn post_never_resent_once_it_may_have_arrived() {
        for outcome in [Outcome::NetworkError, Outcome::TimedOut, response(429), response(502), response(503), response(504)] {
            assert_eq!(retry_decision(&POLICY, false, 1, outcome, 0.5), None, "{outcome:?}");
        }
        assert!(retry_decision(&POLICY, false, 1, Outcome::NotSent, 0.5).is_some());
    }

    #[test]
    fn gives_up_after_max_retries() {
        assert!(retry_decision(&POLICY, true, 3, Outcome::NetworkError, 0.0).is_some());
        assert_eq!(retry_decision(&POLICY, true, 4, Outcome::NetworkError, 0.0), None);
        assert_eq!(retry_decision(&POLICY, true, 0, Outcome::NetworkError, 0.0), None);
        let disabled = RetryPolicy { max_retries: 0, ..POLICY };
        assert_eq!(retry_decision(&disabled, true, 1, Outcome::NetworkError, 0.0), None);
    }

    #[test]
    fn backoff_grows_with_jitter() {
        assert_eq!(POLICY.backoff(1, 0.0), Duration::from_millis(250));
        assert_eq!(POLICY.backoff(1, 1.0), Duration::from_millis(500));
        assert_eq!(POLICY.backoff(2, 1.0), Duration::from_millis(1000));
        assert_eq!(POLICY.backoff(3, 0.5), Duration::from_millis(1500));
        assert_eq!(POLICY.backoff(20, 1.0), Duration::from_secs(30));
        assert_eq!(POLICY.backoff(u32::MAX, 1.0), Duration::from_secs(30));
        assert_eq!(POLICY.backoff(1, f64::NAN), Duration::from_millis(250));
        assert_eq!(POLICY.backoff(1, 7.0), Duration::from_millis(500));
    }

    #[test]
    fn retry_after_honoured() {
        let wait = Duration::from_secs(7);
        let outcome = Outcome::Response { status: 429, retry_after: Some(wait) };
        assert_eq!(retry_decision(&POLICY, true, 1, outcome, 0.9), Some(wait));

        let too_long = Outcome::Response { status: 503, retry_after: Some(Duration::from_secs(120)) };
        assert_eq!(retry_decision(&POLICY, true, 1, too_long, 0.9), None);
    }

    #[test]
    fn retry_after_parsing() {
        let now = 1_445_412_480_000; // Wed, 21 Oct 2015 07:28:00 GMT
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(3)), 3);
    }
}
