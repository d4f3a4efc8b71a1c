//! Fault injection: make chosen operations fail the way a real endpoint or
//! the network between does (throttling, `ServiceUnavailable`, 5xx, a reset
//! connection, a slow answer, a body cut short), a given number of times or
//! with a probability drawn from a seeded generator, so a test that found a
//! problem can be run again with the same decisions.
//!
//! ```
//! use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
//! use alibabacloud_mock::MockConfig;
//! let config = MockConfig::new().faults(
//!     FaultPlan::new()
//!         .seed(7)
//!         // The first two DescribeSecurityIps calls are throttled, then the
//!         // operation answers normally.
//!         .rule(FaultRule::new(Fault::throttling()).action("DescribeSecurityIps").times(2))
//!         // One call in ten, of any operation, loses its connection.
//!         .rule(FaultRule::new(Fault::ResetBeforeRead).probability(0.1)),
//! );
//! # drop(config);
//! ```
//!
//! The binary takes the same rules as `--fault` flags (see [`FaultRule::parse`]).

use crate::endpoint::Reply;
use crate::error::{ApiError, MockError};
use hyper::body::{Body, Bytes, Frame};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

/// One way a request can go wrong.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// An error answer with Alibaba's error body (`RequestId`, `HostId`,
    /// `Code`, `Message`, `Recommend`); the operation does not run.
    Error {
        /// HTTP status.
        status: u16,
        /// Error code (`Throttling.User`).
        code: String,
        /// Error message.
        message: String,
    },
    /// The connection is reset (TCP RST) before the request body is read;
    /// the operation does not run.
    ResetBeforeRead,
    /// The request is read and the operation runs (its change is kept), then
    /// the connection is reset instead of answering: the case where a client
    /// cannot know whether its call took effect.
    ResetAfterRead,
    /// The answer is sent this much later; the request is otherwise served
    /// normally.
    Delay(Duration),
    /// The operation runs, the answer's `Content-Length` is the full body's,
    /// but only the first `keep` bytes are sent before the connection closes.
    TruncatedBody {
        /// Bytes of the body sent.
        keep: usize,
    },
}

impl Fault {
    /// `Throttling.User` (HTTP 400), as Alibaba answers a caller over its
    /// flow-control limit.
    pub fn throttling() -> Fault {
        Fault::error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
    }

    /// `ServiceUnavailable` (HTTP 503).
    pub fn service_unavailable() -> Fault {
        Fault::error(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        )
    }

    /// `InternalError` with the given 5xx status.
    pub fn server_error(status: u16) -> Fault {
        Fault::error(
            status,
            "InternalError",
            "The request processing has failed due to some unknown error, exception or failure.",
        )
    }

    /// Any error answer.
    pub fn error(status: u16, code: impl Into<String>, message: impl Into<String>) -> Fault {
        Fault::Error {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A short name for counters and logs (`error:Throttling.User`, `reset-before`, ...).
    pub fn kind(&self) -> String {
        match self {
            Fault::Error { code, .. } => format!("error:{code}"),
            Fault::ResetBeforeRead => "reset-before".into(),
            Fault::ResetAfterRead => "reset-after".into(),
            Fault::Delay(_) => "delay".into(),
            Fault::TruncatedBody { .. } => "truncate".into(),
        }
    }
}

/// When to inject a [`Fault`]: for which operation, how many times, how
/// often.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// The operation (`Action`); `None` matches every operation.
    pub action: Option<String>,
    /// The fault.
    pub fault: Fault,
    /// Inject at most this many times, then let requests through.
    pub times: Option<u32>,
    /// Chance of injecting on a matching request, 0.0 to 1.0.
    pub probability: f64,
}

impl FaultRule {
    /// Injects `fault` on every request of every operation, without limit.
    pub fn new(fault: Fault) -> FaultRule {
        FaultRule {
            action: None,
            fault,
            times: None,
            probability: 1.0,
        }
    }

    /// Only for requests of this operation (`Action`, as on the wire).
    pub fn action(mut self, action: impl Into<String>) -> FaultRule {
        self.action = Some(action.into());
        self
    }

    /// At most `n` times; afterwards the operation is served normally.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.times = Some(n);
        self
    }

    /// On each matching request with this chance (clamped to 0.0..=1.0).
    pub fn probability(mut self, p: f64) -> FaultRule {
        self.probability = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self
    }

    /// Parses the binary's `--fault` syntax:
    /// `ACTION=KIND[*TIMES][@PROBABILITY]`, `ACTION` being an operation name
    /// or `*` for all, and `KIND` one of `throttling`, `unavailable`,
    /// `status:5XX`, `error:CODE:STATUS[:MESSAGE]`, `reset-before`,
    /// `reset-after`, `delay:MILLIS`, `truncate:BYTES`.
    ///
    /// ```
    /// # use alibabacloud_mock::faults::{Fault, FaultRule};
    /// let rule = FaultRule::parse("ModifySecurityIps=throttling*2").unwrap();
    /// assert_eq!(rule, FaultRule::new(Fault::throttling()).action("ModifySecurityIps").times(2));
    /// assert!(FaultRule::parse("*=delay:250@0.5").is_ok());
    /// assert!(FaultRule::parse("*=explode").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<FaultRule, MockError> {
        let bad = |why: &str| MockError::Fault(format!("{text:?}: {why}"));
        let (action, rest) = text
            .split_once('=')
            .ok_or_else(|| bad("expected ACTION=KIND (ACTION may be *)"))?;
        let action = action.trim();
        if action.is_empty() {
            return Err(bad("empty ACTION (use * for every operation)"));
        }
        let (rest, probability) = match rest.rsplit_once('@') {
            Some((r, p)) => {
                let p: f64 = p
                    .trim()
                    .parse()
                    .map_err(|_| bad("@PROBABILITY is not a number"))?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(bad("@PROBABILITY must be between 0 and 1"));
                }
                (r, p)
            }
            None => (rest, 1.0),
        };
        let (kind, times) = match rest.rsplit_once('*') {
            Some((k, n)) => (
                k,
                Some(
                    n.trim()
                        .parse::<u32>()
                        .map_err(|_| bad("*TIMES is not a whole number"))?,
                ),
            ),
            None => (rest, None),
        };
        let mut parts = kind.trim().splitn(2, ':');
        let name = parts.next().unwrap_or_default();
        let arg = parts.next();
        let number = |what: &str| -> Result<u64, MockError> {
            arg.and_then(|a| a.trim().parse().ok())
                .ok_or_else(|| bad(&format!("{name} needs {what}")))
        };
        let fault = match name {
            "throttling" => Fault::throttling(),
            "unavailable" => Fault::service_unavailable(),
            "status" => {
                let status = number("a status, as status:503")?;
                if !(500..=599).contains(&status) {
                    return Err(bad("status:N takes a 5xx status; use error:CODE:STATUS for others"));
                }
                Fault::server_error(status as u16)
            }
            "error" => {
                let mut fields = arg.unwrap_or_default().splitn(3, ':');
                let code = fields.next().unwrap_or_default();
                let status = fields.next().and_then(|s| s.trim().parse::<u16>().ok());
                match (code.is_empty(), status) {
                    (false, Some(status)) if (100..=599).contains(&status) => Fault::error(
                        status,
                        code,
                        fields
                            .next()
                            .map(str::to_owned)
                            .unwrap_or_else(|| format!("Injected fault {code}.")),
                    ),
                    _ => return Err(bad("expected error:CODE:STATUS[:MESSAGE]")),
                }
            }
            "reset-before" => Fault::ResetBeforeRead,
            "reset-after" => Fault::ResetAfterRead,
            "delay" => Fault::Delay(Duration::from_millis(number("milliseconds, as delay:250")?)),
            "truncate" => Fault::TruncatedBody {
                keep: usize::try_from(number("a byte count, as truncate:10")?)
                    .map_err(|_| bad("byte count too large"))?,
            },
            _ => {
                return Err(bad(
                    "unknown KIND; expected throttling, unavailable, status:5XX, \
                     error:CODE:STATUS[:MESSAGE], reset-before, reset-after, delay:MS, truncate:BYTES",
                ))
            }
        };
        let mut rule = FaultRule::new(fault).probability(probability);
        rule.times = times;
        if action != "*" {
            rule.action = Some(action.to_owned());
        }
        Ok(rule)
    }
}

/// A set of rules and the seed of the generator that draws probabilities.
/// The first rule that matches a request, still has injections left and
/// wins its draw decides; rules are tried in the order added.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultPlan {
    /// The rules, in order.
    pub rules: Vec<FaultRule>,
    /// Seed for the probability draws: the same seed and the same order of
    /// requests give the same faults.
    pub seed: u64,
}

impl FaultPlan {
    /// No faults, seed 0.
    pub fn new() -> FaultPlan {
        FaultPlan::default()
    }

    /// Adds a rule after those already there.
    pub fn rule(mut self, rule: FaultRule) -> FaultPlan {
        self.rules.push(rule);
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> FaultPlan {
        self.seed = seed;
        self
    }

    /// Whether there is any rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// What fault injection has done so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Requests seen per operation (`-` when the request named none before
    /// its body was read), faulted or not.
    pub requests: BTreeMap<String, u64>,
    /// Faults injected per kind ([`Fault::kind`]).
    pub injected: BTreeMap<String, u64>,
}

impl FaultStats {
    /// Requests seen for `action`.
    pub fn requests_for(&self, action: &str) -> u64 {
        self.requests.get(action).copied().unwrap_or(0)
    }

    /// Faults injected, all kinds together.
    pub fn total_injected(&self) -> u64 {
        self.injected.values().sum()
    }
}

/// The running injector: rules with their remaining counts, the generator,
/// the counters. One lock, held only to decide.
#[derive(Debug)]
pub(crate) struct Injector {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    rules: Vec<(FaultRule, Option<u32>)>,
    rng: StdRng,
    stats: FaultStats,
}

impl Injector {
    pub(crate) fn new(plan: &FaultPlan) -> Injector {
        Injector {
            inner: Mutex::new(Inner::from_plan(plan)),
        }
    }

    /// Replaces the rules and reseeds; the counters are kept.
    pub(crate) fn replace(&self, plan: &FaultPlan) {
        let mut inner = self.lock();
        let stats = std::mem::take(&mut inner.stats);
        *inner = Inner::from_plan(plan);
        inner.stats = stats;
    }

    pub(crate) fn stats(&self) -> FaultStats {
        self.lock().stats.clone()
    }

    /// Counts the request and decides its fault, if any.
    pub(crate) fn decide(&self, action: Option<&str>) -> Option<Fault> {
        let mut inner = self.lock();
        let name = action.unwrap_or("-").to_owned();
        *inner.stats.requests.entry(name).or_default() += 1;
        let Inner { rules, rng, stats } = &mut *inner;
        for (rule, left) in rules.iter_mut() {
            if rule.action.as_deref().is_some_and(|a| Some(a) != action) {
                continue;
            }
            if *left == Some(0) {
                continue;
            }
            // Always draw, so one rule's outcome does not shift the draws of
            // the rules after it between runs with the same seed.
            let draw: f64 = rng.gen();
            if draw >= rule.probability {
                continue;
            }
            if let Some(n) = left {
                *n -= 1;
            }
            *stats.injected.entry(rule.fault.kind()).or_default() += 1;
            return Some(rule.fault.clone());
        }
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Nothing panics while holding it; the counters stay readable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn from_plan(plan: &FaultPlan) -> Inner {
        Inner {
            rules: plan.rules.iter().map(|r| (r.clone(), r.times)).collect(),
            rng: StdRng::seed_from_u64(plan.seed),
            stats: FaultStats::default(),
        }
    }
}

/// The service error a reset fault returns, which makes hyper drop the
/// connection without answering.
#[derive(Debug)]
pub(crate) struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by an injected fault")
    }
}

impl std::error::Error for Reset {}

/// Makes closing `stream` send a TCP RST (linger 0) instead of a FIN.
pub(crate) fn reset(stream: &tokio::net::TcpStream) {
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
}

/// The action a request names in its head: the V3 header, else the V1
/// query parameter. `None` when only the form body can tell.
pub(crate) fn head_action(headers: &hyper::HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(a) = headers.get("x-acs-action").and_then(|v| v.to_str().ok()) {
        return Some(a.to_owned());
    }
    query.and_then(|q| {
        crate::wire::parse_urlencoded(q)
            .into_iter()
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v)
    })
}

/// An injected error answer, with Alibaba's body.
pub(crate) fn error_reply(status: u16, code: &str, message: &str, host: &str) -> Reply {
    let request_id = uuid::Uuid::new_v4().to_string().to_ascii_uppercase();
    let e = ApiError::new(status, code.to_owned(), message.to_owned());
    Reply {
        status,
        body: e.body(&request_id, host, None),
        code: Some(code.to_owned()),
        request_id,
    }
}

/// A body that sends its first `keep` bytes and then fails, so hyper closes
/// the connection short of the `Content-Length` it announced. Between the
/// two it waits a moment: hyper writes out what it holds while the body is
/// pending, and would drop it if the failure came straight after.
#[derive(Debug)]
pub(crate) struct Truncated {
    data: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
    failed: bool,
}

impl Truncated {
    pub(crate) fn new(mut full: Bytes, keep: usize) -> Truncated {
        full.truncate(keep);
        Truncated {
            data: Some(full).filter(|b| !b.is_empty()),
            pause: Some(Box::pin(tokio::time::sleep(Duration::from_millis(20)))),
            failed: false,
        }
    }
}

impl Body for Truncated {
    type Data = Bytes;
    type Error = Reset;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Reset>>> {
        let this = self.get_mut();
        if let Some(data) = this.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if let Some(pause) = this.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.pause = None;
        }
        if !this.failed {
            this.failed = true;
            return Poll::Ready(Some(Err(Reset)));
        }
        Poll::Ready(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_times_then_success() {
        let plan = FaultPlan::new().rule(FaultRule::new(Fault::throttling()).action("A").times(2));
        let inj = Injector::new(&plan);
        assert_eq!(inj.decide(Some("B")), None);
        assert_eq!(inj.decide(Some("A")), Some(Fault::throttling()));
        assert_eq!(inj.decide(Some("A")), Some(Fault::throttling()));
        assert_eq!(inj.decide(Some("A")), None);
        let stats = inj.stats();
        assert_eq!(stats.requests_for("A"), 3);
        assert_eq!(stats.injected["error:Throttling.User"], 2);
    }

    #[test]
    fn same_seed_same_faults() {
        let plan = |seed| {
            FaultPlan::new()
                .seed(seed)
                .rule(FaultRule::new(Fault::ResetBeforeRead).probability(0.3))
        };
        let run = |seed| {
            let inj = Injector::new(&plan(seed));
            (0..200)
                .map(|_| inj.decide(Some("X")).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
        let hits = run(1).iter().filter(|h| **h).count();
        assert!((30..=90).contains(&hits), "{hits} of 200 at p=0.3");
    }

    #[test]
    fn parses_every_kind_and_names_the_mistake() {
        let ok = [
            ("*=throttling", FaultRule::new(Fault::throttling())),
            (
                "DescribeInstances=unavailable*3",
                FaultRule::new(Fault::service_unavailable())
                    .action("DescribeInstances")
                    .times(3),
            ),
            ("*=status:502", FaultRule::new(Fault::server_error(502))),
            (
                "X=error:OperationConflict:409:busy",
                FaultRule::new(Fault::error(409, "OperationConflict", "busy")).action("X"),
            ),
            (
                "*=reset-before@0.25",
                FaultRule::new(Fault::ResetBeforeRead).probability(0.25),
            ),
            ("*=reset-after", FaultRule::new(Fault::ResetAfterRead)),
            (
                "*=delay:1500",
                FaultRule::new(Fault::Delay(Duration::from_millis(1500))),
            ),
            (
                "*=truncate:10*1@0.5",
                FaultRule::new(Fault::TruncatedBody { keep: 10 })
                    .times(1)
                    .probability(0.5),
            ),
        ];
        for (text, want) in ok {
            assert_eq!(FaultRule::parse(text).unwrap(), want, "{text}");
        }
        for (text, says) in [
            ("throttling", "ACTION=KIND"),
            ("=throttling", "empty ACTION"),
            ("*=nope", "unknown KIND"),
            ("*=status:404", "5xx"),
            ("*=error:X", "error:CODE:STATUS"),
            ("*=delay", "delay needs"),
            ("*=throttling*x", "*TIMES"),
            ("*=throttling@2", "between 0 and 1"),
        ] {
            let e = FaultRule::parse(text).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains(text), "{text}: {e}");
        }
    }
}
