//! Options for one call: timeouts, the retry policy, the endpoint, extra
//! headers and query parameters. Each overrides the client's setting for
//! that call only; what a call leaves unset comes from the client, then the
//! defaults.
//!
//! Every operation builder has `customize()`, which turns it into a
//! [`Customize`] that takes these options before `send()`:
//!
//! ```no_run
//! # async fn demo(client: alibabacloud_sdk::r_kvstore::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! let out = client
//!     .describe_security_ips()
//!     .instance_id("r-bp1zxszhcgatnx****")
//!     .customize()
//!     .timeout(Duration::from_secs(5))
//!     .attempt_timeout(Duration::from_secs(2))
//!     .retry_codes(["OperationConflict"])
//!     .header("x-acs-my-trace", "abc")
//!     .send()
//!     .await?;
//! # drop(out); Ok(())
//! # }
//! ```
//!
//! Options that cannot apply (an endpoint that does not parse, a header
//! name or value with a line break, a header the signature owns) fail the
//! call with [`Error::Config`] before anything is sent.

use crate::__private::client::Client;
use crate::endpoint::EndpointOverride;
use crate::error::{ConfigError, Error};
use crate::operation::Operation;
use crate::retry::{ClassifyRetry, CodePattern, RetryPolicy};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Per-call settings; unset ones come from the client's configuration.
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) retry_codes: Vec<CodePattern>,
    pub(crate) no_retry_codes: Vec<CodePattern>,
    pub(crate) classifier: Option<Arc<dyn ClassifyRetry>>,
    pub(crate) endpoint: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may carry tokens of the caller's own: names only.
        let headers: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("retry_codes", &self.retry_codes)
            .field("no_retry_codes", &self.no_retry_codes)
            .field("classifier", &self.classifier.as_ref().map(|_| "set"))
            .field("endpoint", &self.endpoint)
            .field("headers", &headers)
            .field("query", &self.query)
            .finish()
    }
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limit on the whole call, retries and waits included (the client's
    /// `timeout` otherwise).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limit on each attempt; an attempt over it counts as a timeout after
    /// sending (retried only when the operation is safe to repeat).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The retry policy for this call, replacing the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Codes to retry in this call, beside the policy's
    /// ([`RetryPolicy::retry_codes`]).
    pub fn retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.retry_codes.extend(codes.into_iter().map(Into::into));
        self
    }

    /// Codes never to retry in this call, beside the policy's
    /// ([`RetryPolicy::no_retry_codes`]).
    pub fn no_retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.no_retry_codes
            .extend(codes.into_iter().map(Into::into));
        self
    }

    /// A retry hook for this call, replacing the client's.
    pub fn retry_classifier(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.classifier = Some(Arc::new(classifier));
        self
    }

    /// The endpoint for this call (`host[:port]` or a URL), before the
    /// client's endpoint and region table. `http://` needs the client's
    /// `allow_http(true)`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// A header to send; replaces a client default header of the same name.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A query parameter to add (signed with the others).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Checks what can be checked before sending; returns the parsed
    /// endpoint, if one is set.
    pub(crate) fn check(&self, allow_http: bool) -> Result<Option<EndpointOverride>, ConfigError> {
        for (name, value) in &self.headers {
            check_header(name, value).map_err(ConfigError::new)?;
        }
        for (name, value) in &self.query {
            if name.is_empty() || has_control(name) || has_control(value) {
                return Err(ConfigError::new(format!(
                    "query parameter {name:?}: names must be non-empty and neither may hold control characters"
                )));
            }
        }
        self.endpoint
            .as_deref()
            .map(|e| {
                EndpointOverride::parse(e, allow_http).map_err(|err| {
                    ConfigError::new(format!("per-call endpoint {e:?}: {}", err.message()))
                })
            })
            .transpose()
    }
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Headers the signer writes: a caller's value would be overwritten or
/// break the signature, so they are refused up front.
const SIGNER_HEADERS: &[&str] = &[
    "authorization",
    "host",
    "content-length",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
    "x-acs-action",
    "x-acs-version",
    "x-acs-security-token",
    "x-acs-accesskey-id",
];

/// A header name is an HTTP token; a value has no line break or NUL (a
/// line break would let it start a header of its own).
pub(crate) fn check_header(name: &str, value: &str) -> Result<(), String> {
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        return Err(format!(
            "header name {name:?} is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
        ));
    }
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!(
            "header {name}: the value holds a line break or NUL"
        ));
    }
    if SIGNER_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
        return Err(format!(
            "header {name} is written by the signer and cannot be set"
        ));
    }
    Ok(())
}

/// An operation with per-call options, from an operation builder's
/// `customize()`; `send()` sends it.
#[derive(Clone)]
pub struct Customize<O> {
    client: Client,
    request: O,
    options: CallOptions,
}

impl<O: fmt::Debug> fmt::Debug for Customize<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customize")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

macro_rules! forward {
    ($(#[$doc:meta] $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[$doc]
            pub fn $name(mut self, $($arg: $ty),*) -> Self {
                self.options = self.options.$name($($arg),*);
                self
            }
        )*
    };
}

impl<O: Operation> Customize<O> {
    /// Generated builders call this.
    #[doc(hidden)]
    pub fn new(client: Client, request: O) -> Self {
        Customize {
            client,
            request,
            options: CallOptions::default(),
        }
    }

    /// The request as built.
    pub fn request(&self) -> &O {
        &self.request
    }

    /// The options set so far.
    pub fn call_options(&self) -> &CallOptions {
        &self.options
    }

    /// Replaces all options at once.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    forward! {
        /// See [`CallOptions::timeout`].
        timeout(timeout: Duration);
        /// See [`CallOptions::attempt_timeout`].
        attempt_timeout(timeout: Duration);
        /// See [`CallOptions::retry_policy`].
        retry_policy(policy: RetryPolicy);
        /// See [`CallOptions::endpoint`].
        endpoint(endpoint: impl Into<String>);
        /// See [`CallOptions::header`].
        header(name: impl Into<String>, value: impl Into<String>);
        /// See [`CallOptions::query`].
        query(name: impl Into<String>, value: impl Into<String>);
        /// See [`CallOptions::retry_classifier`].
        retry_classifier(classifier: impl ClassifyRetry + 'static);
    }

    /// See [`CallOptions::retry_codes`].
    pub fn retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.options = self.options.retry_codes(codes);
        self
    }

    /// See [`CallOptions::no_retry_codes`].
    pub fn no_retry_codes<I>(mut self, codes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CodePattern>,
    {
        self.options = self.options.no_retry_codes(codes);
        self
    }

    /// Validates, signs and sends the request with these options.
    pub async fn send(self) -> Result<O::Response, Error<O::Error>> {
        self.client.execute_with(self.request, &self.options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_options_are_refused_with_the_reason() {
        let bad = [
            (CallOptions::new().header("x-a\nb", "v"), "HTTP token"),
            (
                CallOptions::new().header("x-a", "v\r\nx-b: c"),
                "line break",
            ),
            (CallOptions::new().header("", "v"), "HTTP token"),
            (CallOptions::new().header("Authorization", "v"), "signer"),
            (CallOptions::new().query("", "v"), "non-empty"),
            (
                CallOptions::new().endpoint("http://[::1"),
                "per-call endpoint",
            ),
            (
                CallOptions::new().endpoint("http://127.0.0.1:1"),
                "per-call endpoint",
            ),
        ];
        for (options, says) in bad {
            let e = options.check(false).unwrap_err().to_string();
            assert!(e.contains(says), "{options:?}: {e}");
        }
        let ok = CallOptions::new()
            .header("x-acs-my-tag", "v")
            .query("Extra", "1")
            .endpoint("http://127.0.0.1:1");
        assert!(ok.check(true).unwrap().is_some());
    }
}
