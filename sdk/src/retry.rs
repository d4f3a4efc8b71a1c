//! When to try again, and how long to wait first.

use rand::Rng;
use std::time::Duration;

/// Retry policy: capped exponential backoff with full jitter.
///
/// Retried: throttling codes (the server refused before doing anything) and
/// connection failures (nothing was sent), always; `ServiceUnavailable`, 5xx
/// and timeouts or I/O errors after sending, only for operations whose spec
/// marks them `read`, since the first attempt may have taken effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

/// What went wrong with one attempt, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection was made.
    Connect,
    /// A timeout or I/O failure after the request may have been sent.
    AfterSend,
    /// The service said it throttled the caller.
    Throttled,
    /// `ServiceUnavailable` or any 5xx.
    ServerError,
    /// Anything else: a definite answer, not worth repeating.
    Final,
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay scale: attempt `n` waits up to `base * 2^(n-1)`.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest single wait.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest single wait; a longer retry-after hint ends the retries.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// Total attempts allowed.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether attempt number `attempt` (1-based), which failed with
    /// `failure`, should be followed by another.
    pub(crate) fn should_retry(&self, attempt: u32, failure: Failure, idempotent: bool) -> bool {
        if attempt >= self.max_attempts {
            return false;
        }
        match failure {
            Failure::Connect | Failure::Throttled => true,
            Failure::AfterSend | Failure::ServerError => idempotent,
            Failure::Final => false,
        }
    }

    /// How long to wait after failed attempt `attempt` (1-based): a random
    /// duration up to the capped exponential bound ("full jitter"), so that
    /// many throttled clients do not retry in lockstep.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        let bound = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_what_is_safe() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(1, Failure::Connect, false));
        assert!(p.should_retry(1, Failure::Throttled, false));
        assert!(!p.should_retry(1, Failure::ServerError, false));
        assert!(p.should_retry(1, Failure::ServerError, true));
        assert!(!p.should_retry(1, Failure::AfterSend, false));
        assert!(p.should_retry(2, Failure::AfterSend, true));
        assert!(
            !p.should_retry(3, Failure::Connect, true),
            "attempts exhausted"
        );
        assert!(!p.should_retry(1, Failure::Final, true));
        assert!(!RetryPolicy::disabled().should_retry(1, Failure::Connect, true));
    }

    #[test]
    fn delay_is_capped_and_jittered() {
        let p = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(300));
        for attempt in 1..40 {
            let bound = Duration::from_millis(100 * (1u64 << (attempt - 1).min(20)))
                .min(Duration::from_millis(300));
            assert!(p.delay(attempt) <= bound);
        }
        let distinct: std::collections::BTreeSet<Duration> = (0..50).map(|_| p.delay(3)).collect();
        assert!(distinct.len() > 1, "jitter varies the delay");
    }
}
