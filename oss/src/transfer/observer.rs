//! What watches bytes go by during a transfer: progress callbacks and a
//! bandwidth limit shared by all the parts in flight.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A progress callback: bytes transferred so far and the total, when known.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// A transfer's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes moved so far, including those of a resumed checkpoint.
    pub transferred: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
}

/// Progress and bandwidth for one transfer. Every body and download stream
/// of the transfer reports its chunks here.
pub(crate) struct Observer {
    transferred: AtomicU64,
    total: Option<u64>,
    progress: Option<ProgressFn>,
    limiter: Option<Limiter>,
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observer")
            .field("transferred", &self.transferred.load(Ordering::Relaxed))
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Observer {
    pub(crate) fn new(
        already: u64,
        total: Option<u64>,
        progress: Option<ProgressFn>,
        bytes_per_second: Option<u64>,
    ) -> Observer {
        Observer {
            transferred: AtomicU64::new(already),
            total,
            progress,
            limiter: bytes_per_second.filter(|b| *b > 0).map(Limiter::new),
        }
    }

    /// Called for every chunk sent or received: waits as long as the
    /// bandwidth limit asks, then reports progress.
    pub(crate) async fn transferred(&self, bytes: u64) {
        if let Some(l) = &self.limiter {
            let wait = l.take(bytes);
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
        let now = self.transferred.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if let Some(p) = &self.progress {
            p(Progress {
                transferred: now,
                total: self.total,
            });
        }
    }

    /// Takes back bytes of an attempt that failed and will be sent again.
    pub(crate) fn rewind(&self, bytes: u64) {
        let _ = self
            .transferred
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
                Some(v.saturating_sub(bytes))
            });
    }
}

/// A token bucket in bytes: a second's worth of burst, refilled at the
/// rate. Each caller is told how long to wait for its bytes, so concurrent
/// parts share the rate fairly without a background task.
struct Limiter {
    rate: u64,
    state: Mutex<(f64, Instant)>,
}

impl Limiter {
    fn new(rate: u64) -> Limiter {
        Limiter {
            rate,
            state: Mutex::new((rate as f64, Instant::now())),
        }
    }

    fn take(&self, bytes: u64) -> Duration {
        let Ok(mut state) = self.state.lock() else {
            return Duration::ZERO;
        };
        let now = Instant::now();
        let (tokens, last) = *state;
        let refilled = (tokens + now.duration_since(last).as_secs_f64() * self.rate as f64)
            .min(self.rate as f64);
        let left = refilled - bytes as f64;
        *state = (left, now);
        if left >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-left / self.rate as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_makes_debt_wait() {
        let l = Limiter::new(1000);
        assert_eq!(l.take(1000), Duration::ZERO);
        let wait = l.take(500);
        assert!(
            wait > Duration::from_millis(400) && wait <= Duration::from_millis(501),
            "{wait:?}"
        );
    }

    #[tokio::test]
    async fn progress_counts_and_rewinds() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let o = Observer::new(
            10,
            Some(100),
            Some(Arc::new(move |p: Progress| {
                s.lock().unwrap().push(p.transferred)
            })),
            None,
        );
        o.transferred(5).await;
        o.rewind(5);
        o.transferred(7).await;
        assert_eq!(*seen.lock().unwrap(), vec![15, 17]);
    }
}
