//! The generic client every product client wraps. Generated code calls the
//! small generic [`Client::execute`]; all the work (endpoint, credentials,
//! signing, sending, retrying, reading errors) is in the non-generic
//! [`Client::execute_raw`], compiled once however many operations exist.

use crate::config::Config;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::endpoint;
use crate::error::{DispatchError, DispatchKind, Error, ServiceError};
use crate::operation::{Operation, OperationDescriptor, OperationError};
use crate::params::Params;
use crate::response;
use crate::retry::Failure;
use crate::signer::{self, Attempt};
use crate::transport::HttpResponse;
use std::sync::Arc;
use tracing::Instrument;

/// Why an attempt failed: its kind for the retry policy, the error, and the
/// service's retry-after hint.
type AttemptFailure = (Failure, Error<ServiceError>, Option<std::time::Duration>);

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
        // Typed replay rules see the request as the caller built it.
        #[cfg(feature = "test-util")]
        {
            let typed: std::sync::Arc<dyn std::any::Any + Send + Sync> =
                std::sync::Arc::new(request.clone());
            crate::test_util::with_typed_request(typed, self.execute_inner(request)).await
        }
        #[cfg(not(feature = "test-util"))]
        self.execute_inner(request).await
    }

    async fn execute_inner<O: Operation>(
        &self,
        request: O,
    ) -> Result<O::Response, Error<O::Error>> {
        if self.config.validate_requests {
            request
                .validate()
                .map_err(|e| Error::Validation(e.in_operation(O::DESCRIPTOR.action)))?;
        }
        let mut params = Params::default();
        request.write_params(&mut params);
        let raw = self
            .execute_raw(O::DESCRIPTOR, &params)
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
        let config = &self.config;
        let work = self.attempts(op, params);
        match tokio::time::timeout(config.operation_timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::Dispatch(DispatchError::new(
                DispatchKind::Timeout,
                format!(
                    "{} did not complete within the operation timeout of {:?}",
                    op.action, config.operation_timeout
                ),
            ))),
        }
    }

    async fn attempts(
        &self,
        op: &'static OperationDescriptor,
        params: &Params,
    ) -> Result<HttpResponse, Error<ServiceError>> {
        let config = &self.config;
        let endpoint = endpoint::resolve_with(
            op.product,
            config.region(),
            config.endpoint.as_ref(),
            &config.endpoint_rules,
        )
        .map_err(Error::Config)?;
        let idempotent = op.is_idempotent();
        let mut attempt = 1u32;
        let mut last_delay: Option<std::time::Duration> = None;
        loop {
            let span = tracing::debug_span!(
                "alibabacloud.attempt",
                action = op.action,
                host = %endpoint.authority,
                attempt
            );
            let retry = last_delay.map(|delay| (attempt - 1, delay));
            let outcome = self
                .attempt_once(op, params, &endpoint, retry)
                .instrument(span)
                .await;
            let (failure, error, retry_after) = match outcome {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            // A hint longer than the policy allows: waiting less would only be
            // throttled again, so give the error back now.
            let hint_too_long = retry_after.is_some_and(|h| h > config.retry.max_delay());
            if hint_too_long || !config.retry.should_retry(attempt, failure, idempotent) {
                return Err(match error {
                    Error::Dispatch(d) => Error::Dispatch(d.with_attempts(attempt)),
                    other => other,
                });
            }
            // The service's own hint wins over the backoff schedule, capped.
            let delay = retry_after.unwrap_or_else(|| config.retry.delay(attempt));
            last_delay = Some(delay);
            tracing::debug!(action = op.action, attempt, ?delay, ?failure, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One signed attempt (fresh timestamp and nonce). On failure, says
    /// what kind, for the retry policy, and the service's `x-acs-retry-after`
    /// hint if it gave one. `retry` is (retries so far, last delay).
    async fn attempt_once(
        &self,
        op: &'static OperationDescriptor,
        params: &Params,
        endpoint: &endpoint::ResolvedEndpoint,
        retry: Option<(u32, std::time::Duration)>,
    ) -> Result<HttpResponse, AttemptFailure> {
        let config = &self.config;
        let credentials: Option<Credentials> = if op.is_anonymous() {
            None
        } else {
            Some(
                config
                    .credentials
                    .provide_credentials()
                    .await
                    .map_err(|e| (Failure::Final, Error::Credentials(e), None))?,
            )
        };
        let nonce = (config.nonce)();
        let attempt = Attempt {
            endpoint,
            signature: config.signature_version,
            now: (config.clock)(),
            nonce: &nonce,
            user_agent: &config.user_agent,
            retry,
        };
        let request = signer::build_request(op, params, credentials.as_ref(), &attempt)
            .map_err(|e| (Failure::Final, Error::Config(e), None))?;
        // Never the query: under V1 it holds the signature and the STS token.
        let path = request.url.split('?').next().unwrap_or_default();
        tracing::debug!(method = %request.method, url = %path, "sending");
        let response = config.transport.send(request).await.map_err(|e| {
            let failure = match e.kind() {
                DispatchKind::Connect => Failure::Connect,
                DispatchKind::Request | DispatchKind::Refused => Failure::Final,
                _ => Failure::AfterSend,
            };
            (failure, Error::Dispatch(e), None)
        })?;
        tracing::debug!(status = response.status, "received");
        if (200..300).contains(&response.status) && !response::is_error_body(&response.body) {
            return Ok(response);
        }
        let retry_after = response
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-acs-retry-after"))
            .and_then(|(_, v)| v.trim().parse::<u64>().ok())
            .map(std::time::Duration::from_millis);
        match response::service_error(&response) {
            Ok(e) => {
                let failure = if e.is_throttling() {
                    Failure::Throttled
                } else if e.code() == "ServiceUnavailable" || e.status() >= 500 {
                    Failure::ServerError
                } else {
                    Failure::Final
                };
                Err((failure, Error::Service(e), retry_after))
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
                Err((failure, Error::Response(e), retry_after))
            }
        }
    }
}
