//! What a call tells the outside: `tracing` spans, a metrics hook, and
//! (with the `opentelemetry` feature) W3C trace context on the wire.
//!
//! # Spans
//!
//! Every call opens one `alibabacloud.call` span (level INFO) with the
//! fields `product`, `version`, `action`, `region`, `host`, `attempts`,
//! `status` (the last HTTP status), `error_code`, `request_id` and
//! `latency_ms`, and one child `alibabacloud.attempt` span (level DEBUG) per
//! attempt with `attempt`, `status`, `error_code` and `request_id`. No span
//! or event holds a secret, a signature or the query string.
//!
//! # Metrics
//!
//! A [`Metrics`] implementation given to `ConfigBuilder::metrics` receives
//! one [`AttemptRecord`] per attempt and one [`CallRecord`] per call, from
//! which calls, attempts, throttles and latency per action follow.
//!
//! # Trace context
//!
//! With the `opentelemetry` feature, each request carries `traceparent` (and
//! `tracestate`) for the OpenTelemetry context current when the call runs,
//! written by the globally installed propagator
//! (`opentelemetry::global::set_text_map_propagator`).

use crate::retry::OperationInfo;
use std::time::Duration;

/// Receives what calls did. Methods have empty defaults; implement those
/// you need. Called inline on the calling task: keep them quick.
pub trait Metrics: Send + Sync {
    /// One attempt ended (success or not).
    fn on_attempt(&self, attempt: &AttemptRecord<'_>) {
        let _ = attempt;
    }

    /// One call ended, after its last attempt.
    fn on_call(&self, call: &CallRecord<'_>) {
        let _ = call;
    }
}

/// A shared recorder is a recorder: keep one `Arc` to read it and give a
/// clone to the configuration.
impl<T: Metrics + ?Sized> Metrics for std::sync::Arc<T> {
    fn on_attempt(&self, attempt: &AttemptRecord<'_>) {
        (**self).on_attempt(attempt)
    }

    fn on_call(&self, call: &CallRecord<'_>) {
        (**self).on_call(call)
    }
}

/// One attempt.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptRecord<'a> {
    /// The operation.
    pub operation: &'a OperationInfo<'a>,
    /// 1-based.
    pub attempt: u32,
    /// From sending to the whole answer (or the failure).
    pub latency: Duration,
    /// HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The service's error code, when it sent one.
    pub error_code: Option<&'a str>,
    /// Whether the service throttled it.
    pub throttled: bool,
}

/// One call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CallRecord<'a> {
    /// The operation.
    pub operation: &'a OperationInfo<'a>,
    /// Attempts made.
    pub attempts: u32,
    /// Attempts the service throttled.
    pub throttles: u32,
    /// The whole call, waits between attempts included.
    pub latency: Duration,
    /// HTTP status of the last answer, if any came.
    pub status: Option<u16>,
    /// Error code of the last answer, if it was a service error.
    pub error_code: Option<&'a str>,
    /// Request id of the last answer, if any.
    pub request_id: Option<&'a str>,
    /// Whether the call succeeded.
    pub success: bool,
}

/// Writes the current OpenTelemetry context into `headers` with the
/// globally installed propagator.
#[cfg(feature = "opentelemetry")]
pub(crate) fn inject_trace_context(headers: &mut Vec<(String, String)>) {
    use opentelemetry::propagation::Injector;
    struct Headers<'a>(&'a mut Vec<(String, String)>);
    impl Injector for Headers<'_> {
        fn set(&mut self, key: &str, value: String) {
            // A value with a line break could add a header of its own.
            if value.bytes().any(|b| b == b'\r' || b == b'\n') {
                return;
            }
            self.0.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
            self.0.push((key.to_ascii_lowercase(), value));
        }
    }
    let cx = opentelemetry::Context::current();
    opentelemetry::global::get_text_map_propagator(|p| {
        p.inject_context(&cx, &mut Headers(headers))
    });
}
