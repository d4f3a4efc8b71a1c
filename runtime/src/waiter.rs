//! Polling an operation until its answer says a resource reached a state.
//!
//! Alibaba Cloud creates and changes resources asynchronously (`Creating`,
//! then `Normal`); a [`Waiter`] repeats any call, typed or generic, until a
//! predicate on its response holds.
//!
//! ```no_run
//! # async fn demo(client: alibabacloud_sdk::r_kvstore::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use alibabacloud_sdk::r_kvstore::DescribeInstanceAttributeResponse;
//! use alibabacloud_sdk::waiter::Waiter;
//! use std::time::Duration;
//!
//! let status = |r: &DescribeInstanceAttributeResponse| {
//!     r.instances().first().and_then(|i| i.instance_status()).map(str::to_owned)
//! };
//! let waiter = Waiter::builder()
//!     .success(move |r| status(r).as_deref() == Some("Normal"))
//!     .failure(|r: &DescribeInstanceAttributeResponse| r.instances().is_empty())
//!     .retry_codes(["InvalidInstanceId.NotFound"]) // not visible yet
//!     .delays(Duration::from_secs(2), Duration::from_secs(30))
//!     .timeout(Duration::from_secs(600))
//!     .build()?;
//! let ready = waiter
//!     .wait(|| client.describe_instance_attribute().instance_id("r-bp1zxszhcgatnx****").send())
//!     .await?;
//! # drop(ready); Ok(())
//! # }
//! ```

use crate::error::{ConfigError, Error, OperationError};
use crate::retry::CodePattern;
use rand::Rng;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

type Predicate<R> = Arc<dyn Fn(&R) -> bool + Send + Sync>;

/// Polls until a predicate on the response holds; build with
/// [`Waiter::builder`]. Reusable and cheap to clone.
pub struct Waiter<R> {
    success: Predicate<R>,
    failure: Option<Predicate<R>>,
    retry_codes: Vec<CodePattern>,
    min_delay: Duration,
    max_delay: Duration,
    timeout: Duration,
}

impl<R> Clone for Waiter<R> {
    fn clone(&self) -> Self {
        Waiter {
            success: self.success.clone(),
            failure: self.failure.clone(),
            retry_codes: self.retry_codes.clone(),
            min_delay: self.min_delay,
            max_delay: self.max_delay,
            timeout: self.timeout,
        }
    }
}

impl<R> fmt::Debug for Waiter<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("failure", &self.failure.is_some())
            .field("retry_codes", &self.retry_codes)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Waiter`]. Defaults: delays between 2 s and 120 s, 10 minutes
/// in all, no failure predicate, no codes to wait through.
pub struct WaiterBuilder<R> {
    success: Option<Predicate<R>>,
    failure: Option<Predicate<R>>,
    retry_codes: Vec<CodePattern>,
    min_delay: Duration,
    max_delay: Duration,
    timeout: Duration,
}

impl<R> fmt::Debug for WaiterBuilder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaiterBuilder")
            .field("success", &self.success.is_some())
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<R> Waiter<R> {
    /// A builder with the defaults.
    pub fn builder() -> WaiterBuilder<R> {
        WaiterBuilder {
            success: None,
            failure: None,
            retry_codes: Vec::new(),
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(120),
            timeout: Duration::from_secs(600),
        }
    }
}

impl<R> WaiterBuilder<R> {
    /// The state waited for (required).
    pub fn success(mut self, done: impl Fn(&R) -> bool + Send + Sync + 'static) -> Self {
        self.success = Some(Arc::new(done));
        self
    }

    /// A state from which the wanted one cannot come (`Deleted`): waiting
    /// stops with [`WaitError::Failed`].
    pub fn failure(mut self, failed: impl Fn(&R) -> bool + Send + Sync + 'static) -> Self {
        self.failure = Some(Arc::new(failed));
        self
    }

    /// Error codes that mean "not yet" (a resource not visible yet, an
    /// `IncorrectInstanceStatus`): waiting goes on. Exact, or a prefix ending
    /// in `*`. Other errors stop the wait.
    pub fn retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.retry_codes.extend(codes.into_iter().map(Into::into));
        self
    }

    /// The delay between polls: random, from `min` for the first wait up to
    /// `max`, doubling its upper bound after each poll.
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max;
        self
    }

    /// The whole wait, polls included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks the settings: a success predicate is set and the maximum delay
    /// is not below the minimum.
    pub fn build(self) -> Result<Waiter<R>, ConfigError> {
        let success = self.success.ok_or_else(|| {
            ConfigError::new("waiter: no success predicate; call WaiterBuilder::success(..)")
        })?;
        if self.max_delay < self.min_delay {
            return Err(ConfigError::new(format!(
                "waiter: the maximum delay {:?} is below the minimum delay {:?}",
                self.max_delay, self.min_delay
            )));
        }
        Ok(Waiter {
            success,
            failure: self.failure,
            retry_codes: self.retry_codes,
            min_delay: self.min_delay,
            max_delay: self.max_delay,
            timeout: self.timeout,
        })
    }
}

impl<R> Waiter<R> {
    /// Calls `poll` until the success predicate holds on its response, the
    /// failure predicate holds, an error other than the retry codes comes,
    /// or the timeout passes. `poll` makes one call each time (typically
    /// `|| client.op().param(..).send()`).
    pub async fn wait<F, Fut, E>(&self, mut poll: F) -> Result<R, WaitError<R, E>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<R, Error<E>>>,
        E: OperationError,
    {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut last: Option<R> = None;
        let mut polls = 0u32;
        loop {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let timed_out = |last, polls| WaitError::TimedOut {
                last,
                polls,
                timeout: self.timeout,
            };
            if remaining.is_zero() {
                return Err(timed_out(last, polls));
            }
            let outcome = match tokio::time::timeout(remaining, poll()).await {
                Ok(outcome) => outcome,
                Err(_) => return Err(timed_out(last, polls)),
            };
            polls += 1;
            match outcome {
                Ok(response) => {
                    if (self.success)(&response) {
                        return Ok(response);
                    }
                    if self
                        .failure
                        .as_ref()
                        .is_some_and(|failed| failed(&response))
                    {
                        return Err(WaitError::Failed { response, polls });
                    }
                    last = Some(response);
                }
                Err(error) => {
                    let waits = error
                        .code()
                        .is_some_and(|code| self.retry_codes.iter().any(|p| p.matches(code)));
                    if !waits {
                        return Err(WaitError::Error { error, polls });
                    }
                }
            }
            let delay = self.delay(polls);
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                return Err(timed_out(last, polls));
            }
            // Sleeping past the deadline would only end in a timeout; one
            // last poll at the deadline has a chance.
            tokio::time::sleep(delay.min(remaining)).await;
        }
    }

    /// The wait after poll `polls` (1-based): random between the minimum and
    /// `min * 2^(polls-1)`, capped at the maximum, so that many waiters
    /// started together spread out.
    fn delay(&self, polls: u32) -> Duration {
        let exp = polls.saturating_sub(1).min(20);
        let upper = self
            .min_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay)
            .max(self.min_delay);
        if upper == self.min_delay {
            return upper;
        }
        let span = u64::try_from((upper - self.min_delay).as_nanos()).unwrap_or(u64::MAX);
        self.min_delay + Duration::from_nanos(rand::thread_rng().gen_range(0..=span))
    }
}

/// Why a wait ended without the wanted state.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<R, E> {
    /// The timeout passed; the last response, if any came.
    TimedOut {
        /// The last successful response.
        last: Option<R>,
        /// Polls made.
        polls: u32,
        /// The waiter's timeout.
        timeout: Duration,
    },
    /// The failure predicate held on this response.
    Failed {
        /// The response it held on.
        response: R,
        /// Polls made.
        polls: u32,
    },
    /// A call failed with an error that is not one to wait through.
    Error {
        /// The error.
        error: Error<E>,
        /// Polls made.
        polls: u32,
    },
}

impl<R, E> WaitError<R, E> {
    /// Polls made before the wait ended.
    pub fn polls(&self) -> u32 {
        match self {
            WaitError::TimedOut { polls, .. }
            | WaitError::Failed { polls, .. }
            | WaitError::Error { polls, .. } => *polls,
        }
    }
}

impl<R, E> fmt::Display for WaitError<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut {
                last,
                polls,
                timeout,
            } => write!(
                f,
                "timed out after {timeout:?} and {polls} polls without reaching the state waited for{}",
                if last.is_some() { "" } else { " (no successful answer)" }
            ),
            WaitError::Failed { polls, .. } => write!(
                f,
                "the resource reached a failure state (poll {polls}); the wanted state cannot follow"
            ),
            // The error itself is the source: said once, by it.
            WaitError::Error { polls, .. } => write!(f, "waiting stopped by an error at poll {polls}"),
        }
    }
}

impl<R: fmt::Debug, E: OperationError> std::error::Error for WaitError<R, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Error { error, .. } => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_below_min_is_refused_at_build_time() {
        let e = Waiter::<u32>::builder()
            .success(|_| true)
            .delays(Duration::from_secs(5), Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("below the minimum"), "{e}");
        let e = Waiter::<u32>::builder().build().unwrap_err();
        assert!(e.to_string().contains("success predicate"), "{e}");
    }

    #[test]
    fn delays_stay_between_min_and_max_and_vary() {
        let w = Waiter::<u32>::builder()
            .success(|_| true)
            .delays(Duration::from_millis(100), Duration::from_millis(700))
            .build()
            .unwrap();
        for polls in 1..30 {
            let d = w.delay(polls);
            assert!(
                d >= Duration::from_millis(100) && d <= Duration::from_millis(700),
                "{d:?}"
            );
        }
        assert_eq!(
            w.delay(1),
            Duration::from_millis(100),
            "the first wait is the minimum"
        );
        let distinct: std::collections::BTreeSet<_> = (0..50).map(|_| w.delay(4)).collect();
        assert!(distinct.len() > 1, "jittered");
    }
}
