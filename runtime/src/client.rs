//! The generic client every product client wraps. Generated code calls the
//! small generic [`Client::execute`]; all the work (endpoint, credentials,
//! signing, sending, retrying, reading errors, spans and metrics) is in the
//! non-generic `Client::call`, compiled once however many operations
//! exist, and shared with generic calls ([`crate::call`]).

use crate::config::Config;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::endpoint::{self, EndpointOverride};
use crate::error::OperationError;
use crate::error::{ConfigError, DispatchError, DispatchKind, Error, ServiceError};
use crate::operation::{Operation, OperationDescriptor};
use crate::options::CallOptions;
use crate::params::{Location, Params};
use crate::response;
use crate::retry::{
    AttemptOutcome, ClassifyRetry, Failure, OperationInfo, RetryDecision, RetryPolicy,
};
use crate::signer::{self, Attempt};
use crate::telemetry::{AttemptRecord, CallRecord};
use crate::transport::HttpResponse;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tracing::field::Empty;
use tracing::Instrument;

/// Why an attempt failed, with what the retry logic and telemetry need.
struct AttemptFailure {
    failure: Failure,
    error: Error<ServiceError>,
    /// The service's `x-acs-retry-after` hint.
    retry_after: Option<Duration>,
    status: Option<u16>,
    /// The server's clock, when it rejected our timestamp and said its own.
    server_time: Option<SystemTime>,
    /// Local time when the answer came (for the clock offset).
    received_at: SystemTime,
}

impl AttemptFailure {
    fn before_answer(failure: Failure, error: Error<ServiceError>) -> Self {
        AttemptFailure {
            failure,
            error,
            retry_after: None,
            status: None,
            server_time: None,
            received_at: SystemTime::now(),
        }
    }
}

/// The settings of one call: the call's options over the client's.
struct Plan<'a> {
    timeout: Duration,
    attempt_timeout: Option<Duration>,
    retry: Cow<'a, RetryPolicy>,
    options: &'a CallOptions,
    classifier: Option<&'a Arc<dyn ClassifyRetry>>,
    endpoint: Option<EndpointOverride>,
}

/// What the call span and the metrics report at the end.
#[derive(Default)]
struct Summary {
    attempts: u32,
    throttles: u32,
    status: Option<u16>,
    error_code: Option<String>,
    request_id: Option<String>,
}

/// A configured client, shared by product clients. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    config: Arc<Config>,
}

impl Client {
    /// A client with `config`.
    pub fn new(config: Config) -> Self {
        Client {
            config: Arc::new(config),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Validates, signs, sends (retrying what is safe) and decodes one call.
    pub async fn execute<O: Operation>(&self, request: O) -> Result<O::Response, Error<O::Error>> {
        self.execute_with(request, &CallOptions::default()).await
    }

    /// [`Client::execute`] with per-call options.
    pub async fn execute_with<O: Operation>(
        &self,
        request: O,
        options: &CallOptions,
    ) -> Result<O::Response, Error<O::Error>> {
        // Typed replay rules see the request as the caller built it.
        #[cfg(feature = "test-util")]
        {
            let typed: std::sync::Arc<dyn std::any::Any + Send + Sync> =
                std::sync::Arc::new(request.clone());
            crate::test_util::with_typed_request(typed, self.execute_inner(request, options)).await
        }
        #[cfg(not(feature = "test-util"))]
        self.execute_inner(request, options).await
    }

    async fn execute_inner<O: Operation>(
        &self,
        request: O,
        options: &CallOptions,
    ) -> Result<O::Response, Error<O::Error>> {
        if self.config.validate_requests {
            request
                .validate()
                .map_err(|e| Error::Validation(e.with_operation(O::DESCRIPTOR.action)))?;
        }
        let mut params = Params::default();
        request.write_params(&mut params);
        if let Some((name, location)) = O::DESCRIPTOR.client_token {
            fill_client_token(&mut params, name, location);
        }
        let info = OperationInfo::of(O::DESCRIPTOR);
        let raw = self
            .call(&info, params, options)
            .await
            .map_err(|e| e.map_service(O::Error::from_service_error))?;
        response::success(&raw, O::DESCRIPTOR.response_body).map_err(Error::Response)
    }

    /// Sends already encoded parameters and returns the raw success response;
    /// an error answer becomes `Error::Service(ServiceError)`.
    pub async fn execute_raw(
        &self,
        op: &'static OperationDescriptor,
        params: &Params,
    ) -> Result<HttpResponse, Error<ServiceError>> {
        let mut params = params.clone();
        if let Some((name, location)) = op.client_token {
            fill_client_token(&mut params, name, location);
        }
        self.call(&OperationInfo::of(op), params, &CallOptions::default())
            .await
    }

    /// One call of any operation: options checked, endpoint resolved, then
    /// attempts under the call's timeout, inside one span.
    pub(crate) async fn call(
        &self,
        info: &OperationInfo<'_>,
        mut params: Params,
        options: &CallOptions,
    ) -> Result<HttpResponse, Error<ServiceError>> {
        let config = &*self.config;
        let started = Instant::now();
        let span = tracing::info_span!(
            "alibabacloud.call",
            product = info.product_name,
            version = info.version,
            action = info.action,
            region = config.region().unwrap_or(""),
            host = Empty,
            attempts = Empty,
            status = Empty,
            error_code = Empty,
            request_id = Empty,
            latency_ms = Empty,
        );
        let mut summary = Summary::default();
        let result = async {
            let plan = self.plan(options).map_err(Error::Config)?;
            params.query.extend(options.query.iter().cloned());
            // The trace context replaces any header of its name, so the
            // extra headers go in first there; otherwise the signer writes
            // them straight into the request (`Attempt::extra_headers`).
            #[cfg(feature = "opentelemetry")]
            {
                for (name, value) in config.default_headers.iter().chain(&options.headers) {
                    params
                        .headers
                        .retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                    params
                        .headers
                        .push((name.to_ascii_lowercase(), value.clone()));
                }
                crate::telemetry::inject_trace_context(&mut params.headers);
            }
            let endpoint = endpoint::resolve_with(
                endpoint::ProductRef {
                    name: info.product_name,
                    code: info.product_code,
                    endpoints: info.endpoints,
                },
                config.region(),
                plan.endpoint.as_ref().or(config.endpoint.as_ref()),
                &config.endpoint_rules,
            )
            .map_err(Error::Config)?;
            tracing::Span::current().record("host", endpoint.authority.as_str());
            let work = self.attempts(info, &params, &plan, &endpoint, &mut summary);
            // Bound first: the timeout future, which borrows `summary`, must
            // be gone before the error reads it.
            let outcome = tokio::time::timeout(plan.timeout, work).await;
            match outcome {
                Ok(result) => result,
                Err(_) => Err(Error::Dispatch(
                    DispatchError::new(
                        DispatchKind::Timeout,
                        format!(
                            "{} did not complete within the operation timeout of {:?}",
                            info.action, plan.timeout
                        ),
                    )
                    .with_attempts(summary.attempts),
                )),
            }
        }
        .instrument(span.clone())
        .await;
        let latency = started.elapsed();
        span.record("attempts", summary.attempts);
        span.record("latency_ms", latency.as_millis() as u64);
        if let Some(status) = summary.status {
            span.record("status", status);
        }
        if let Some(code) = &summary.error_code {
            span.record("error_code", code.as_str());
        }
        if let Some(id) = &summary.request_id {
            span.record("request_id", id.as_str());
        }
        if let Some(metrics) = &config.metrics {
            metrics.on_call(&CallRecord {
                operation: info,
                attempts: summary.attempts,
                throttles: summary.throttles,
                latency,
                status: summary.status,
                error_code: summary.error_code.as_deref(),
                request_id: summary.request_id.as_deref(),
                success: result.is_ok(),
            });
        }
        result
    }

    /// The call's settings over the client's; bad options fail here,
    /// before anything is sent.
    fn plan<'a>(&'a self, options: &'a CallOptions) -> Result<Plan<'a>, ConfigError> {
        let config = &*self.config;
        let endpoint = options.check(config.allow_http)?;
        let retry = match &options.retry_policy {
            Some(policy) => Cow::Borrowed(policy),
            None => Cow::Borrowed(&config.retry),
        };
        Ok(Plan {
            timeout: options.timeout.unwrap_or(config.operation_timeout),
            attempt_timeout: options.attempt_timeout.or(config.attempt_timeout),
            retry,
            options,
            classifier: options.classifier.as_ref().or(config.classifier.as_ref()),
            endpoint,
        })
    }

    async fn attempts(
        &self,
        info: &OperationInfo<'_>,
        params: &Params,
        plan: &Plan<'_>,
        endpoint: &endpoint::ResolvedEndpoint,
        summary: &mut Summary,
    ) -> Result<HttpResponse, Error<ServiceError>> {
        let config = &*self.config;
        let mut attempt = 1u32;
        let mut last_delay: Option<Duration> = None;
        let mut skew_corrected = false;
        loop {
            let span = tracing::debug_span!(
                "alibabacloud.attempt",
                attempt,
                status = Empty,
                error_code = Empty,
                request_id = Empty,
            );
            let retry = last_delay.map(|delay| (attempt - 1, delay));
            // Counted when it starts, so that an operation timeout in the
            // middle of it reports it too.
            summary.attempts = attempt;
            let started = Instant::now();
            let once = self.attempt_once(info, params, endpoint, retry, &plan.options.headers);
            let outcome = match plan.attempt_timeout {
                None => once.instrument(span.clone()).await,
                Some(limit) => match tokio::time::timeout(limit, once.instrument(span.clone()))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(AttemptFailure::before_answer(
                        Failure::AfterSend,
                        Error::Dispatch(DispatchError::new(
                            DispatchKind::Timeout,
                            format!(
                                "attempt {attempt} of {} did not complete within the attempt timeout of {limit:?}",
                                info.action
                            ),
                        )),
                    )),
                },
            };
            let latency = started.elapsed();
            let failure = match outcome {
                Ok(response) => {
                    summary.status = Some(response.status);
                    summary.error_code = None;
                    summary.request_id = success_request_id(&response, &span, config);
                    record_attempt(
                        &span,
                        Some(response.status),
                        None,
                        summary.request_id.as_deref(),
                    );
                    if let Some(metrics) = &config.metrics {
                        metrics.on_attempt(&AttemptRecord {
                            operation: info,
                            attempt,
                            latency,
                            status: Some(response.status),
                            error_code: None,
                            throttled: false,
                        });
                    }
                    config.budget.refund_success();
                    return Ok(response);
                }
                Err(failure) => failure,
            };
            let service = match &failure.error {
                Error::Service(e) => Some(e),
                _ => None,
            };
            summary.status = failure.status;
            summary.error_code = service.map(|e| e.code().to_owned());
            summary.request_id = service.and_then(|e| e.request_id().map(str::to_owned));
            let code_owned = summary.error_code.clone();
            let code = code_owned.as_deref();
            let throttled = failure.failure == Failure::Throttled;
            if throttled {
                summary.throttles += 1;
            }
            record_attempt(&span, failure.status, code, summary.request_id.as_deref());
            if let Some(metrics) = &config.metrics {
                metrics.on_attempt(&AttemptRecord {
                    operation: info,
                    attempt,
                    latency,
                    status: failure.status,
                    error_code: code,
                    throttled,
                });
            }

            // A rejected timestamp with the server's own time: our clock is
            // off. Correct it and sign again, once; the server did nothing.
            if code == Some("InvalidTimeStamp.Expired") && !skew_corrected {
                if let Some(server) = failure.server_time {
                    config.learn_clock_offset(server, failure.received_at);
                    tracing::debug!(
                        offset_ms = config
                            .clock_offset
                            .load(std::sync::atomic::Ordering::Relaxed),
                        "clock skew corrected; signing again"
                    );
                    skew_corrected = true;
                    last_delay = Some(Duration::ZERO);
                    attempt += 1;
                    continue;
                }
            }

            let mut error = failure.error;
            let give_up = |mut error: Error<ServiceError>| {
                error.set_attempts(attempt);
                error
            };
            // A hint longer than the policy allows: waiting less would only be
            // throttled again, so give the error back now.
            let hint_too_long = failure
                .retry_after
                .is_some_and(|h| plan.retry.hint_too_long(h));
            if hint_too_long
                || !self.wants_retry(
                    info,
                    plan,
                    attempt,
                    &failure.failure,
                    failure.status,
                    code,
                    &error,
                )
            {
                return Err(give_up(error));
            }
            let timed_out =
                matches!(&error, Error::Dispatch(d) if d.kind() == DispatchKind::Timeout);
            if !config.budget.try_acquire(timed_out) {
                error.mark_budget_exhausted();
                return Err(give_up(error));
            }
            // The service's own hint wins over the backoff schedule, capped.
            let delay = failure
                .retry_after
                .unwrap_or_else(|| plan.retry.delay(attempt));
            last_delay = Some(delay);
            tracing::debug!(attempt, ?delay, failure = ?failure.failure, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Whether failed attempt `attempt` should be followed by another: the
    /// hook, then the call's code lists, then the policy's, then the
    /// built-in rule. Attempts are never exceeded.
    #[allow(clippy::too_many_arguments)]
    fn wants_retry(
        &self,
        info: &OperationInfo<'_>,
        plan: &Plan<'_>,
        attempt: u32,
        failure: &Failure,
        status: Option<u16>,
        code: Option<&str>,
        error: &Error<ServiceError>,
    ) -> bool {
        if !plan.retry.allows_attempt_after(attempt) {
            return false;
        }
        if let Some(classifier) = plan.classifier {
            let message = match error {
                Error::Service(e) => e.message().to_owned(),
                other => other.to_string(),
            };
            let outcome = AttemptOutcome {
                operation: info,
                attempt,
                status,
                code,
                message: &message,
                dispatch: match error {
                    Error::Dispatch(d) => Some(d.kind()),
                    _ => None,
                },
            };
            match classifier.classify(&outcome) {
                RetryDecision::Retry => return true,
                RetryDecision::DoNotRetry => return false,
                RetryDecision::Default => {}
            }
        }
        if let Some(code) = code {
            let options = plan.options;
            if options.no_retry_codes.iter().any(|p| p.matches(code)) {
                return false;
            }
            if options.retry_codes.iter().any(|p| p.matches(code)) {
                return true;
            }
            if let Some(decision) = plan.retry.code_decision(code) {
                return decision;
            }
        }
        plan.retry.default_rule(*failure, info.is_idempotent())
    }

    /// One signed attempt (fresh timestamp and nonce). On failure, says
    /// what kind, for the retry policy, and the service's `x-acs-retry-after`
    /// hint if it gave one. `retry` is (retries so far, last delay).
    async fn attempt_once(
        &self,
        op: &OperationInfo<'_>,
        params: &Params,
        endpoint: &endpoint::ResolvedEndpoint,
        retry: Option<(u32, Duration)>,
        call_headers: &[(String, String)],
    ) -> Result<HttpResponse, AttemptFailure> {
        let config = &self.config;
        let credentials: Option<Credentials> = if op.anonymous {
            None
        } else {
            Some(
                config
                    .credentials
                    .provide_credentials()
                    .await
                    .map_err(|e| {
                        AttemptFailure::before_answer(Failure::Final, Error::Credentials(e))
                    })?,
            )
        };
        let nonce = (config.nonce)();
        let extra_headers: [&[(String, String)]; 2] = if cfg!(feature = "opentelemetry") {
            [&[], &[]]
        } else {
            [&config.default_headers, call_headers]
        };
        let attempt = Attempt {
            endpoint,
            signature: config.signature_version,
            now: config.signing_time(),
            nonce: &nonce,
            user_agent: &config.user_agent,
            retry,
            extra_headers,
        };
        let request = signer::build_request(op, params, credentials.as_ref(), &attempt)
            .map_err(|e| AttemptFailure::before_answer(Failure::Final, Error::Config(e)))?;
        // Never the query: under V1 it holds the signature and the STS token.
        let path = request.url.split('?').next().unwrap_or_default();
        tracing::debug!(method = %request.method, url = %path, "sending");
        let response = config.transport.send(request).await.map_err(|e| {
            let failure = match e.kind() {
                DispatchKind::Connect => Failure::Connect,
                DispatchKind::Request | DispatchKind::Refused => Failure::Final,
                _ => Failure::AfterSend,
            };
            AttemptFailure::before_answer(failure, Error::Dispatch(e))
        })?;
        let received_at = (config.clock)();
        tracing::debug!(status = response.status, "received");
        if (200..300).contains(&response.status) && !response::is_error_body(&response.body) {
            return Ok(response);
        }
        let retry_after = response
            .header("x-acs-retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        let status = Some(response.status);
        match response::service_error(&response) {
            Ok(mut e) => {
                if e.request_id().is_none() {
                    e.set_request_id_if_absent(
                        response.header("x-acs-request-id").map(str::to_owned),
                    );
                }
                let failure = if e.is_throttling() {
                    Failure::Throttled
                } else if e.code() == "ServiceUnavailable" || e.status() >= 500 {
                    Failure::ServerError
                } else {
                    Failure::Final
                };
                let server_time = if e.code() == "InvalidTimeStamp.Expired" {
                    server_time(&response, e.message())
                } else {
                    None
                };
                Err(AttemptFailure {
                    failure,
                    error: Error::Service(e),
                    retry_after,
                    status,
                    server_time,
                    received_at,
                })
            }
            Err(e) => {
                let failure = if e.status() == 429 {
                    // Too Many Requests from a proxy or gateway, without an
                    // Alibaba body: still throttling.
                    Failure::Throttled
                } else if e.status() >= 500 {
                    Failure::ServerError
                } else {
                    Failure::Final
                };
                Err(AttemptFailure {
                    failure,
                    error: Error::Response(e),
                    retry_after,
                    status,
                    server_time: None,
                    received_at,
                })
            }
        }
    }
}

fn record_attempt(
    span: &tracing::Span,
    status: Option<u16>,
    code: Option<&str>,
    request_id: Option<&str>,
) {
    if let Some(status) = status {
        span.record("status", status);
    }
    if let Some(code) = code {
        span.record("error_code", code);
    }
    if let Some(id) = request_id {
        span.record("request_id", id);
    }
}

/// The request id of a success: the `x-acs-request-id` header, else the
/// body's `RequestId`, read only when a span or the metrics will use it.
fn success_request_id(
    response: &HttpResponse,
    span: &tracing::Span,
    config: &Config,
) -> Option<String> {
    if let Some(id) = response.header("x-acs-request-id") {
        return Some(id.to_owned());
    }
    if span.is_disabled() && config.metrics.is_none() {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Id {
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }
    serde_json::from_slice::<Id>(&response.body)
        .ok()
        .and_then(|id| id.request_id)
}

/// Puts a fresh token in the `ClientToken` parameter unless the caller set
/// one. Done once per call, so every attempt carries the same token and the
/// service can tell a retry from a new request.
fn fill_client_token(params: &mut Params, name: &str, location: Location) {
    let set = [&params.query, &params.form, &params.headers]
        .iter()
        .any(|list| list.iter().any(|(k, _)| k == name));
    if !set {
        let token = crate::signer::random_nonce();
        params.plain(location, name, &Some(token));
    }
}

/// The server's clock from a timestamp rejection: the `Date` header, else
/// an ISO 8601 UTC time in the message.
fn server_time(response: &HttpResponse, message: &str) -> Option<SystemTime> {
    if let Some(date) = response.header("date") {
        if let Ok(t) = httpdate::parse_http_date(date.trim()) {
            return Some(t);
        }
    }
    let bytes = message.as_bytes();
    (0..bytes.len().saturating_sub(19)).find_map(|i| {
        let candidate = message.get(i..i + 20)?;
        humantime::parse_rfc3339(candidate).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_time_from_date_or_message() {
        let r = HttpResponse::new(400, "").with_header("Date", "Thu, 03 Dec 2026 14:18:11 GMT");
        let t = server_time(&r, "").unwrap();
        assert_eq!(crate::signer::format_timestamp(t), "2026-12-03T14:18:11Z");
        let r = HttpResponse::new(400, "");
        let t = server_time(&r, "expired; server time is 2026-12-03T14:18:12Z.").unwrap();
        assert_eq!(crate::signer::format_timestamp(t), "2026-12-03T14:18:12Z");
        assert!(server_time(&r, "Specified time stamp or date value is expired.").is_none());
    }
}
