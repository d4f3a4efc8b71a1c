//! A cache in front of any provider, refreshing before expiry.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use super::{
    Credentials, CredentialsError, CredentialsErrorKind, ProvideCredentials,
    ProvideCredentialsFuture, SharedCredentialsProvider,
};

/// The official SDKs treat session credentials as stale 15 minutes before
/// they expire (credentials-go `SessionStaleTimeSeconds`, Python
/// `RefreshCachedSupplier.STALE_TIME`).
const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);
/// When the source hands out credentials that are already inside the window,
/// or fails while cached credentials are still valid, wait this long before
/// asking it again rather than asking at every call.
const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Caches the credentials of another provider.
///
/// - Credentials without an expiration are cached forever.
/// - Credentials with one are refreshed once less than the refresh window
///   (default 15 minutes, the official SDKs' rule) remains.
/// - Refreshes are single-flight: concurrent callers wait for one refresh
///   (under a `tokio::sync::Mutex`) and share its result, success or error;
///   while it runs, callers whose cached credentials have not yet expired get
///   those at once.
/// - If a refresh fails while the cached credentials are still valid, those
///   are returned and the refresh is retried a little later.
pub struct CachingProvider {
    inner: SharedCredentialsProvider,
    refresh_window: Duration,
    min_refresh_interval: Duration,
    clock: Clock,
    cached: RwLock<Option<Cached>>,
    /// Held while refreshing; keeps the error of the last attempt.
    refresh: tokio::sync::Mutex<Option<CredentialsError>>,
    /// Completed refresh attempts, to tell waiters that one ran meanwhile.
    attempts: AtomicU64,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    /// `None`: never.
    refresh_at: Option<SystemTime>,
}

impl Cached {
    fn is_fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.map_or(true, |at| now < at)
    }

    fn is_valid(&self, now: SystemTime) -> bool {
        self.credentials.expiration().map_or(true, |exp| now < exp)
    }
}

/// Configures a [`CachingProvider`].
pub struct CachingProviderBuilder {
    inner: SharedCredentialsProvider,
    refresh_window: Duration,
    min_refresh_interval: Duration,
    clock: Clock,
}

impl CachingProviderBuilder {
    /// Refresh once less than this remains before expiry (default 15 min).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// The least time between two refreshes when the source returns
    /// credentials already inside the refresh window, or fails while the
    /// cached ones are still valid (default 10 s).
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// The clock the cache reads (default [`SystemTime::now`]); tests inject
    /// a fake one.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Builds the provider.
    pub fn build(self) -> CachingProvider {
        CachingProvider {
            inner: self.inner,
            refresh_window: self.refresh_window,
            min_refresh_interval: self.min_refresh_interval,
            clock: self.clock,
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(None),
            attempts: AtomicU64::new(0),
        }
    }
}

impl fmt::Debug for CachingProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProviderBuilder")
            .field("inner", &self.inner)
            .field("refresh_window", &self.refresh_window)
            .field("min_refresh_interval", &self.min_refresh_interval)
            .finish_non_exhaustive()
    }
}

impl CachingProvider {
    /// Caches `provider` with the default settings.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder(provider).build()
    }

    /// A builder, to set the refresh window or the clock.
    pub fn builder(provider: impl ProvideCredentials + 'static) -> CachingProviderBuilder {
        CachingProviderBuilder {
            inner: SharedCredentialsProvider::new(provider),
            refresh_window: DEFAULT_REFRESH_WINDOW,
            min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            clock: Arc::new(SystemTime::now),
        }
    }

    fn snapshot(&self) -> Option<Cached> {
        self.cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self, cached: Cached) {
        *self.cached.write().unwrap_or_else(PoisonError::into_inner) = Some(cached);
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let cached = self.snapshot();
        if let Some(cached) = &cached {
            if cached.is_fresh((self.clock)()) {
                return Ok(cached.credentials.clone());
            }
        }
        let attempts_seen = self.attempts.load(Ordering::Acquire);
        let mut last_error = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is refreshing: still-valid credentials need not wait.
                if let Some(cached) = cached.filter(|c| c.is_valid((self.clock)())) {
                    return Ok(cached.credentials);
                }
                self.refresh.lock().await
            }
        };
        // The refresh we waited for may have done the work.
        if let Some(cached) = self.snapshot() {
            if cached.is_fresh((self.clock)()) {
                return Ok(cached.credentials);
            }
        }
        if self.attempts.load(Ordering::Acquire) != attempts_seen {
            if let Some(error) = last_error.as_ref() {
                return Err(error.clone());
            }
        }

        let result = self.refresh_now().await;
        *last_error = result.as_ref().err().cloned();
        self.attempts.fetch_add(1, Ordering::Release);
        result
    }

    /// Asks the inner provider; called with the refresh lock held.
    async fn refresh_now(&self) -> Result<Credentials, CredentialsError> {
        let fetched = self.inner.provide_credentials().await;
        let now = (self.clock)();
        let fetched = fetched.and_then(|credentials| match credentials.expiration() {
            Some(expiration) if expiration <= now => Err(CredentialsError::new(
                "cache",
                CredentialsErrorKind::Invalid,
                "the source returned credentials that have already expired",
            )),
            _ => Ok(credentials),
        });
        match fetched {
            Ok(credentials) => {
                let refresh_at = credentials.expiration().map(|expiration| {
                    match expiration.checked_sub(self.refresh_window) {
                        Some(at) if at > now => at,
                        // Already inside the window: use them, but not for
                        // longer than the minimum interval.
                        _ => later(now, self.min_refresh_interval).min(expiration),
                    }
                });
                self.store(Cached {
                    credentials: credentials.clone(),
                    refresh_at,
                });
                tracing::debug!("credentials refreshed");
                Ok(credentials)
            }
            Err(error) => match self.snapshot().filter(|c| c.is_valid(now)) {
                Some(mut cached) => {
                    tracing::warn!(
                        error = %error,
                        "credentials refresh failed; using the cached ones until they expire"
                    );
                    let retry_at = later(now, self.min_refresh_interval);
                    cached.refresh_at = Some(match cached.credentials.expiration() {
                        Some(expiration) => retry_at.min(expiration),
                        None => retry_at,
                    });
                    self.store(cached.clone());
                    Ok(cached.credentials)
                }
                None => Err(error),
            },
        }
    }
}

/// `now + interval`, without the overflow panic of `+` (an absurd interval
/// then means "retry at once").
fn later(now: SystemTime, interval: Duration) -> SystemTime {
    now.checked_add(interval).unwrap_or(now)
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.snapshot();
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("refresh_window", &self.refresh_window)
            .field("cached", &cached.is_some())
            .field(
                "expiration",
                &cached.and_then(|c| c.credentials.expiration()),
            )
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
