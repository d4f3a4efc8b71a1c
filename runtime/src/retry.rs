//! When to try again, and how long to wait first.
//!
//! Three layers decide, in this order: a [`ClassifyRetry`] hook, if set;
//! the error codes the policy lists ([`RetryPolicy::retry_codes`],
//! [`RetryPolicy::no_retry_codes`]); then the built-in rules (throttling and
//! connection failures always, 5xx and failures after sending only for
//! operations safe to repeat). A retry the layers allow still needs tokens
//! from the client's [`RetryBudget`].

use crate::error::DispatchKind;
use crate::operation::{ApiStyle, OperationDescriptor, OperationType};
use rand::Rng;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// Retry policy: capped exponential backoff with full jitter, and codes to
/// retry or not beyond the built-in rules.
///
/// Retried by default: throttling codes (the server refused before doing
/// anything) and connection failures (nothing was sent), always;
/// `ServiceUnavailable`, 5xx and timeouts or I/O errors after sending, only
/// for operations whose spec marks them `read` or that carry a `ClientToken`,
/// since otherwise the first attempt may have taken effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    retry_codes: Vec<CodePattern>,
    no_retry_codes: Vec<CodePattern>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            retry_codes: Vec::new(),
            no_retry_codes: Vec::new(),
        }
    }
}

/// An error code to match: exact (`OperationConflict`) or a prefix ending
/// in `*` (`IncorrectInstanceStatus*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePattern {
    text: String,
}

impl CodePattern {
    /// A pattern from its text; a trailing `*` matches any rest.
    pub fn new(text: impl Into<String>) -> Self {
        CodePattern { text: text.into() }
    }

    /// Whether `code` matches.
    pub fn matches(&self, code: &str) -> bool {
        match self.text.strip_suffix('*') {
            Some(prefix) => code.starts_with(prefix),
            None => self.text == code,
        }
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<S: Into<String>> From<S> for CodePattern {
    fn from(text: S) -> Self {
        CodePattern::new(text)
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

    /// Total attempts, the first included (at least 1; default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay scale: attempt `n` waits up to `base * 2^(n-1)` (default
    /// 200 ms).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest single wait (default 10 s); a longer retry-after hint
    /// ends the retries.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether failed attempt `attempt` (1-based) may be followed by
    /// another: the attempt cap, checked before anything else decides.
    pub(crate) fn allows_attempt_after(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }

    /// Whether the service's retry-after hint is longer than the longest
    /// wait allowed, which ends the retries.
    pub(crate) fn hint_too_long(&self, hint: Duration) -> bool {
        hint > self.max_delay
    }

    /// Also retries errors with these codes (exact, or a prefix ending in
    /// `*`), for every operation: such a code says the service refused the
    /// call (`OperationConflict`, `SystemBusy`), so repeating it is safe.
    pub fn retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.retry_codes.extend(codes.into_iter().map(Into::into));
        self
    }

    /// Never retries errors with these codes, even throttling ones; wins
    /// over [`retry_codes`](Self::retry_codes).
    pub fn no_retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.no_retry_codes
            .extend(codes.into_iter().map(Into::into));
        self
    }

    /// What the code lists say about `code`: `Some(true)` retry,
    /// `Some(false)` do not, `None` no opinion.
    pub(crate) fn code_decision(&self, code: &str) -> Option<bool> {
        if self.no_retry_codes.iter().any(|p| p.matches(code)) {
            Some(false)
        } else if self.retry_codes.iter().any(|p| p.matches(code)) {
            Some(true)
        } else {
            None
        }
    }

    /// The built-in rule, attempts aside.
    pub(crate) fn default_rule(&self, failure: Failure, idempotent: bool) -> bool {
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

/// What the retry hook, metrics and waiters may know about an operation: a
/// small read-only view, typed or generic call alike.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo<'a> {
    pub(crate) product_name: &'a str,
    pub(crate) product_code: &'a str,
    pub(crate) version: &'a str,
    pub(crate) style: ApiStyle,
    pub(crate) endpoints: &'a [(&'a str, &'a str)],
    pub(crate) action: &'a str,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) operation_type: OperationType,
    pub(crate) anonymous: bool,
    pub(crate) client_token: bool,
}

impl<'a> OperationInfo<'a> {
    pub(crate) fn of(op: &'a OperationDescriptor) -> Self {
        OperationInfo {
            product_name: op.product.name,
            product_code: op.product.code,
            version: op.product.version,
            style: op.product.style,
            endpoints: op.product.endpoints,
            action: op.action,
            method: op.preferred_method(),
            path: op.path,
            operation_type: op.operation_type,
            anonymous: op.is_anonymous(),
            client_token: op.client_token.is_some(),
        }
    }

    /// Product code as Alibaba spells it (`R-kvstore`).
    pub fn product(&self) -> &'a str {
        self.product_name
    }

    /// API version (`2015-01-01`).
    pub fn version(&self) -> &'a str {
        self.version
    }

    /// Operation name (`DescribeInstances`).
    pub fn action(&self) -> &'a str {
        self.action
    }

    /// HTTP method it is sent with.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// Path template (ROA) or `/` (RPC).
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// Whether the product is resource-oriented (ROA) rather than RPC.
    pub fn is_roa(&self) -> bool {
        self.style == ApiStyle::Roa
    }

    /// What the spec (or the generic call) says it does.
    pub fn operation_type(&self) -> OperationType {
        self.operation_type
    }

    /// Whether it carries a `ClientToken`, filled by the SDK when unset.
    pub fn has_client_token(&self) -> bool {
        self.client_token
    }

    /// Whether repeating it after the request may have arrived is safe: a
    /// `read` operation, or one made idempotent by its `ClientToken`.
    pub fn is_idempotent(&self) -> bool {
        self.operation_type.is_read() || self.client_token
    }
}

/// One failed attempt, as a [`ClassifyRetry`] hook sees it.
#[derive(Debug, Clone, Copy)]
pub struct AttemptOutcome<'a> {
    pub(crate) operation: &'a OperationInfo<'a>,
    pub(crate) attempt: u32,
    pub(crate) status: Option<u16>,
    pub(crate) code: Option<&'a str>,
    pub(crate) message: &'a str,
    pub(crate) dispatch: Option<DispatchKind>,
}

impl<'a> AttemptOutcome<'a> {
    /// The operation.
    pub fn operation(&self) -> &OperationInfo<'a> {
        self.operation
    }

    /// Which attempt failed (1-based).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// HTTP status, when an answer came.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The service's error code, when it sent one.
    pub fn code(&self) -> Option<&'a str> {
        self.code
    }

    /// The error message (the service's, or what went wrong in transit).
    pub fn message(&self) -> &'a str {
        self.message
    }

    /// When no answer came: why (connect, timeout, I/O...).
    pub fn dispatch_kind(&self) -> Option<DispatchKind> {
        self.dispatch
    }
}

/// What a [`ClassifyRetry`] hook says about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Retry (attempts and the retry budget still apply).
    Retry,
    /// Give the error back now.
    DoNotRetry,
    /// No opinion: the code lists and built-in rules decide.
    Default,
}

/// A hook that decides, before the code lists and built-in rules, whether a
/// failed attempt is retried. Closures
/// `Fn(&AttemptOutcome<'_>) -> RetryDecision` implement it.
pub trait ClassifyRetry: Send + Sync {
    /// The decision for `outcome`.
    fn classify(&self, outcome: &AttemptOutcome<'_>) -> RetryDecision;
}

impl<F> ClassifyRetry for F
where
    F: Fn(&AttemptOutcome<'_>) -> RetryDecision + Send + Sync,
{
    fn classify(&self, outcome: &AttemptOutcome<'_>) -> RetryDecision {
        self(outcome)
    }
}

/// A client's retry budget: a token bucket, as the AWS SDKs' standard retry
/// mode keeps one. Each retry takes tokens (more after a timeout, which
/// costs the server more), each success puts some back; an empty bucket
/// stops retries until successes refill it, so that an outage does not
/// multiply the load on a service that is already failing.
///
/// Defaults: 500 tokens, 5 per retry, 10 per retry after a timeout, 1 back
/// per successful call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryBudget {
    /// A budget of `capacity` tokens, default costs.
    pub fn new(capacity: u32) -> Self {
        RetryBudget {
            capacity,
            ..Self::default()
        }
    }

    /// No budget: retries are limited by the policy's attempts only.
    pub fn unlimited() -> Self {
        RetryBudget {
            capacity: u32::MAX,
            retry_cost: 0,
            timeout_cost: 0,
            success_refund: 0,
        }
    }

    /// Tokens a retry takes (default 5).
    pub fn retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Tokens a retry after a timeout takes (default 10).
    pub fn timeout_cost(mut self, cost: u32) -> Self {
        self.timeout_cost = cost;
        self
    }

    /// Tokens a successful call puts back (default 1).
    pub fn success_refund(mut self, refund: u32) -> Self {
        self.success_refund = refund;
        self
    }

    /// The bucket's size, and its content when new.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

/// The running bucket of a client, shared by its clones.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    budget: RetryBudget,
    tokens: Mutex<u32>,
}

impl TokenBucket {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        TokenBucket {
            tokens: Mutex::new(budget.capacity),
            budget,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        // Only integer updates happen under the lock; a poisoned one still
        // holds a valid count.
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the cost of a retry; `false` (and nothing taken) when the
    /// bucket holds less.
    pub(crate) fn try_acquire(&self, timeout: bool) -> bool {
        let cost = if timeout {
            self.budget.timeout_cost
        } else {
            self.budget.retry_cost
        };
        let mut tokens = self.lock();
        if *tokens < cost {
            return false;
        }
        *tokens -= cost;
        true
    }

    pub(crate) fn refund_success(&self) {
        let mut tokens = self.lock();
        *tokens = tokens
            .saturating_add(self.budget.success_refund)
            .min(self.budget.capacity);
    }

    pub(crate) fn available(&self) -> u32 {
        *self.lock()
    }
}

impl fmt::Display for RetryDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RetryDecision::Retry => "retry",
            RetryDecision::DoNotRetry => "do not retry",
            RetryDecision::Default => "default",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_what_is_safe() {
        let p = RetryPolicy::default();
        assert!(p.default_rule(Failure::Connect, false));
        assert!(p.default_rule(Failure::Throttled, false));
        assert!(!p.default_rule(Failure::ServerError, false));
        assert!(p.default_rule(Failure::ServerError, true));
        assert!(!p.default_rule(Failure::AfterSend, false));
        assert!(p.default_rule(Failure::AfterSend, true));
        assert!(!p.default_rule(Failure::Final, true));
    }

    /// The cap the client checks (`Client::wants_retry`), not a copy.
    #[test]
    fn attempts_are_capped() {
        let p = RetryPolicy::default();
        assert!(p.allows_attempt_after(1));
        assert!(p.allows_attempt_after(2));
        assert!(!p.allows_attempt_after(3), "3 attempts by default");
        assert!(!RetryPolicy::disabled().allows_attempt_after(1));
        let five = RetryPolicy::default().max_attempts(5);
        assert!(five.allows_attempt_after(4));
        assert!(!five.allows_attempt_after(5));
        assert!(
            !RetryPolicy::default()
                .max_attempts(0)
                .allows_attempt_after(1),
            "at least one attempt, and 0 means one"
        );
    }

    #[test]
    fn delay_is_capped_and_jittered() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(300));
        for attempt in 1..40 {
            let bound = Duration::from_millis(100 * (1u64 << (attempt - 1).min(20)))
                .min(Duration::from_millis(300));
            assert!(p.delay(attempt) <= bound);
        }
        let distinct: std::collections::BTreeSet<Duration> = (0..50).map(|_| p.delay(3)).collect();
        assert!(distinct.len() > 1, "jitter varies the delay");
    }

    #[test]
    fn code_patterns_exact_and_prefix() {
        let p = RetryPolicy::default()
            .retry_codes(["OperationConflict", "IncorrectStatus*"])
            .no_retry_codes(["IncorrectStatus.Deleted"]);
        assert_eq!(p.code_decision("OperationConflict"), Some(true));
        assert_eq!(
            p.code_decision("OperationConflict.X"),
            None,
            "exact means exact"
        );
        assert_eq!(p.code_decision("IncorrectStatus.Creating"), Some(true));
        assert_eq!(p.code_decision("IncorrectStatus.Deleted"), Some(false));
        assert_eq!(p.code_decision("Other"), None);
    }

    #[test]
    fn bucket_costs_and_refunds() {
        let b = TokenBucket::new(RetryBudget::new(12));
        assert!(b.try_acquire(false));
        assert_eq!(b.available(), 7);
        assert!(!b.try_acquire(true), "a timeout costs 10");
        assert_eq!(b.available(), 7, "a refused take takes nothing");
        assert!(b.try_acquire(false));
        assert!(!b.try_acquire(false));
        b.refund_success();
        assert_eq!(b.available(), 3);
        for _ in 0..100 {
            b.refund_success();
        }
        assert_eq!(b.available(), 12, "capped at capacity");
    }
}
