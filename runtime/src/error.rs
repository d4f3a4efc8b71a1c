//! Errors users see. [`Error`] sorts every failure into a kind a caller can
//! act on; its `Display` always says what happened, and for service errors
//! shows code, message, request id and the recommend URL.

use crate::credentials::CredentialsError;
use std::fmt;

/// Metadata of an error the service returned, shared by every variant of
/// every operation's error enum: what the service said, nothing about how
/// the call went (attempts and the retry budget are the call's:
/// [`Error::attempts`], [`Error::retry_budget_exhausted`]).
#[derive(Debug, Clone, Default)]
pub struct ServiceError {
    code: String,
    message: String,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
    status: u16,
    access_denied: Option<AccessDeniedDetail>,
    /// The call's retry outcome, kept here only because `Error::Service`
    /// holds the operation's enum, which holds this; read through
    /// [`Error`], and left out of equality.
    call: CallOutcome,
}

/// How a call that failed went: attempts made, and whether the retry budget
/// stopped a retry that was due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CallOutcome {
    /// Attempts made; 0 means "not recorded", read as 1.
    attempts: u32,
    budget_exhausted: bool,
}

impl CallOutcome {
    fn attempts(&self) -> u32 {
        self.attempts.max(1)
    }

    /// " after N attempts" when there were several, else nothing.
    fn after_attempts(&self) -> String {
        match self.attempts() {
            1 => String::new(),
            n => format!(" after {n} attempts"),
        }
    }
}

impl PartialEq for ServiceError {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
            && self.message == other.message
            && self.request_id == other.request_id
            && self.host_id == other.host_id
            && self.recommend == other.recommend
            && self.status == other.status
            && self.access_denied == other.access_denied
    }
}

impl Eq for ServiceError {}

/// What an error says when the retry budget stopped a retry.
const BUDGET_EXHAUSTED: &str = "not retried: the client's retry budget is empty";

impl ServiceError {
    /// An error with a code, message and status; the rest unset. Mostly for
    /// tests: the SDK builds these from what the service sends.
    pub fn new(code: impl Into<String>, message: impl Into<String>, status: u16) -> Self {
        ServiceError {
            code: code.into(),
            message: message.into(),
            status,
            ..Default::default()
        }
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the host id.
    pub fn with_host_id(mut self, host_id: impl Into<String>) -> Self {
        self.host_id = Some(host_id.into());
        self
    }

    /// Sets the recommend (diagnosis) URL.
    pub fn with_recommend(mut self, recommend: impl Into<String>) -> Self {
        self.recommend = Some(recommend.into());
        self
    }

    /// Sets the RAM diagnosis of a denied call.
    pub fn with_access_denied_detail(mut self, detail: AccessDeniedDetail) -> Self {
        self.access_denied = Some(detail);
        self
    }

    pub(crate) fn set_status(&mut self, status: u16) {
        self.status = status;
    }

    pub(crate) fn set_request_id_if_absent(&mut self, request_id: Option<String>) {
        if self.request_id.is_none() {
            self.request_id = request_id;
        }
    }

    /// Error code (`InvalidInstanceId.NotFound`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Human-readable message, as the service wrote it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Request id, for Alibaba Cloud support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Host that served the request.
    pub fn host_id(&self) -> Option<&str> {
        self.host_id.as_deref()
    }

    /// Diagnosis URL Alibaba suggests.
    pub fn recommend(&self) -> Option<&str> {
        self.recommend.as_deref()
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Why RAM denied the call, when the service says (`AccessDeniedDetail`
    /// in the error body of a `NoPermission`/`Forbidden.RAM` answer).
    pub fn access_denied_detail(&self) -> Option<&AccessDeniedDetail> {
        self.access_denied.as_ref()
    }

    /// Whether the code says the caller was throttled.
    pub fn is_throttling(&self) -> bool {
        let c = self.code.as_str();
        c == "Throttling"
            || c.starts_with("Throttling.")
            || c == "RequestLimitExceeded"
            || c.ends_with(".Throttling")
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (HTTP {}", self.code, self.message, self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")?;
        if let Some(detail) = &self.access_denied {
            write!(f, "; {detail}")?;
        }
        if let Some(url) = &self.recommend {
            write!(f, "; see {url}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// RAM's account of a denied call: which action, for which principal, under
/// which kind of policy. Alibaba sends it inside the error body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessDeniedDetail {
    auth_action: Option<String>,
    policy_type: Option<String>,
    no_permission_type: Option<String>,
    auth_principal_type: Option<String>,
    auth_principal_display_name: Option<String>,
    auth_principal_owner_id: Option<String>,
    encoded_diagnostic_message: Option<String>,
}

impl AccessDeniedDetail {
    /// Reads the `AccessDeniedDetail` object of an error body; `None` when it
    /// holds none of the known keys.
    pub(crate) fn from_json(value: &serde_json::Value) -> Option<Self> {
        let obj = value.as_object()?;
        let text = |key: &str| match obj.get(key) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let detail = AccessDeniedDetail {
            auth_action: text("AuthAction"),
            policy_type: text("PolicyType"),
            no_permission_type: text("NoPermissionType"),
            auth_principal_type: text("AuthPrincipalType"),
            auth_principal_display_name: text("AuthPrincipalDisplayName"),
            auth_principal_owner_id: text("AuthPrincipalOwnerId"),
            encoded_diagnostic_message: text("EncodedDiagnosticMessage"),
        };
        (detail != AccessDeniedDetail::default()).then_some(detail)
    }

    /// Sets the denied RAM action (for tests that build errors).
    pub fn with_auth_action(mut self, value: impl Into<String>) -> Self {
        self.auth_action = Some(value.into());
        self
    }

    /// Sets the kind of policy that decided (for tests that build errors).
    pub fn with_policy_type(mut self, value: impl Into<String>) -> Self {
        self.policy_type = Some(value.into());
        self
    }

    /// Sets `ImplicitDeny` or `ExplicitDeny` (for tests that build errors).
    pub fn with_no_permission_type(mut self, value: impl Into<String>) -> Self {
        self.no_permission_type = Some(value.into());
        self
    }

    /// Sets the caller's kind (for tests that build errors).
    pub fn with_auth_principal_type(mut self, value: impl Into<String>) -> Self {
        self.auth_principal_type = Some(value.into());
        self
    }

    /// Sets the caller's display name (for tests that build errors).
    pub fn with_auth_principal_display_name(mut self, value: impl Into<String>) -> Self {
        self.auth_principal_display_name = Some(value.into());
        self
    }

    /// Sets the account that owns the caller (for tests that build errors).
    pub fn with_auth_principal_owner_id(mut self, value: impl Into<String>) -> Self {
        self.auth_principal_owner_id = Some(value.into());
        self
    }

    /// Sets the encoded diagnosis (for tests that build errors).
    pub fn with_encoded_diagnostic_message(mut self, value: impl Into<String>) -> Self {
        self.encoded_diagnostic_message = Some(value.into());
        self
    }

    /// The RAM action that was denied (`ecs:DescribeInstances`).
    pub fn auth_action(&self) -> Option<&str> {
        self.auth_action.as_deref()
    }

    /// The kind of policy that decided (`AccountLevelIdentityBasedPolicy`).
    pub fn policy_type(&self) -> Option<&str> {
        self.policy_type.as_deref()
    }

    /// `ImplicitDeny` (no policy allows it) or `ExplicitDeny`.
    pub fn no_permission_type(&self) -> Option<&str> {
        self.no_permission_type.as_deref()
    }

    /// The caller's kind (`SubUser`, `AssumedRoleUser`).
    pub fn auth_principal_type(&self) -> Option<&str> {
        self.auth_principal_type.as_deref()
    }

    /// The caller's display name.
    pub fn auth_principal_display_name(&self) -> Option<&str> {
        self.auth_principal_display_name.as_deref()
    }

    /// The account that owns the caller.
    pub fn auth_principal_owner_id(&self) -> Option<&str> {
        self.auth_principal_owner_id.as_deref()
    }

    /// The encoded diagnosis, which RAM's `DecodeDiagnosticMessage` reads.
    pub fn encoded_diagnostic_message(&self) -> Option<&str> {
        self.encoded_diagnostic_message.as_deref()
    }
}

impl fmt::Display for AccessDeniedDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("denied")?;
        if let Some(action) = &self.auth_action {
            write!(f, " {action}")?;
        }
        if let Some(who) = &self.auth_principal_display_name {
            write!(f, " for {who}")?;
        }
        if let Some(kind) = &self.no_permission_type {
            write!(f, " ({kind}")?;
            if let Some(policy) = &self.policy_type {
                write!(f, ", {policy}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// What every operation's error enum implements, so code can handle the
/// errors of any operation alike (`fn report<E: OperationError>(e: &Error<E>)`).
pub trait OperationError: std::error::Error + Send + Sync + Sized + 'static {
    /// The variant for the error's code (`Unhandled` when the table does not
    /// list it). Tests use it to build typed errors.
    fn from_service_error(error: ServiceError) -> Self;
    /// Code, message, request id and the other metadata.
    fn service_error(&self) -> &ServiceError;
}

/// What is wrong with a parameter, found before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationProblem {
    /// A required parameter is not set.
    Missing,
    /// More items than `maxItems`.
    TooManyItems {
        /// The limit.
        max: usize,
        /// What was given.
        actual: usize,
    },
    /// Longer than `maxLength` characters.
    TooLong {
        /// The limit.
        max: usize,
        /// What was given.
        actual: usize,
    },
    /// Not one of the spec's allowed values.
    NotAllowed {
        /// What was given.
        value: String,
        /// The allowed values.
        allowed: &'static [&'static str],
    },
    /// Not one of the spec's allowed integers.
    NumberNotAllowed {
        /// What was given.
        value: i64,
        /// The allowed values.
        allowed: &'static [i64],
    },
    /// Outside the spec's `minimum`/`maximum`.
    OutOfRange {
        /// What was given.
        value: String,
        /// The limit it breaks, as the message says it (`at least 1`,
        /// `below 100`).
        limit: String,
    },
    /// Does not match the spec's `pattern`.
    PatternMismatch {
        /// What was given.
        value: String,
        /// The regular expression.
        pattern: &'static str,
    },
}

/// A request that breaks a constraint of its spec; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    operation: Option<&'static str>,
    parameter: &'static str,
    problem: ValidationProblem,
}

impl ValidationError {
    /// A problem with `parameter` (its wire name).
    pub fn new(parameter: &'static str, problem: ValidationProblem) -> Self {
        ValidationError {
            operation: None,
            parameter,
            problem,
        }
    }

    /// Names the operation in the message.
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// The operation, when known (`DescribeInstances`).
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// The parameter's wire name.
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// What is wrong.
    pub fn problem(&self) -> &ValidationProblem {
        &self.problem
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.operation {
            write!(f, "{op}: ")?;
        }
        let p = self.parameter;
        match &self.problem {
            ValidationProblem::Missing => write!(f, "required parameter {p} is not set"),
            ValidationProblem::TooManyItems { max, actual } => write!(
                f,
                "parameter {p} has {actual} items; at most {max} are allowed"
            ),
            ValidationProblem::TooLong { max, actual } => write!(
                f,
                "parameter {p} is {actual} characters long; at most {max} are allowed"
            ),
            ValidationProblem::NotAllowed { value, allowed } => write!(
                f,
                "parameter {p} is {value:?}; allowed values: {}",
                allowed.join(", ")
            ),
            ValidationProblem::NumberNotAllowed { value, allowed } => {
                let allowed: Vec<String> = allowed.iter().map(i64::to_string).collect();
                write!(
                    f,
                    "parameter {p} is {value}; allowed values: {}",
                    allowed.join(", ")
                )
            }
            ValidationProblem::OutOfRange { value, limit } => {
                write!(f, "parameter {p} is {value}; it must be {limit}")
            }
            ValidationProblem::PatternMismatch { value, pattern } => write!(
                f,
                "parameter {p} is {value:?}; it must match the pattern {pattern}"
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Configuration that cannot work (no region and no endpoint, a bad URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    /// An error with the given explanation.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }

    /// The explanation, without the "configuration error" prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The request could not be delivered or the answer not received.
#[derive(Debug)]
pub struct DispatchError {
    kind: DispatchKind,
    message: String,
    call: CallOutcome,
}

/// Why dispatch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchKind {
    /// No connection was made; the request never reached the server.
    Connect,
    /// A timeout (connect, read or the whole operation).
    Timeout,
    /// Any other I/O failure, possibly after the request was sent.
    Io,
    /// The HTTP stack refused the request before sending (an invalid
    /// header value, say); retrying cannot help.
    Request,
    /// The answer was refused unread: a redirect (never followed) or a body
    /// over the size limit; retrying cannot help.
    Refused,
}

impl DispatchError {
    /// A failure of `kind`.
    pub fn new(kind: DispatchKind, message: impl Into<String>) -> Self {
        DispatchError {
            kind,
            message: message.into(),
            call: CallOutcome::default(),
        }
    }

    /// Whether a retry was due but the client's retry budget was empty.
    pub fn retry_budget_exhausted(&self) -> bool {
        self.call.budget_exhausted
    }

    /// Records how many attempts were made.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.call.attempts = attempts;
        self
    }

    /// Why.
    pub fn kind(&self) -> DispatchKind {
        self.kind
    }

    /// Attempts made before giving up.
    pub fn attempts(&self) -> u32 {
        self.call.attempts()
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            DispatchKind::Connect => "could not connect",
            DispatchKind::Timeout => "timed out",
            DispatchKind::Io => "request failed",
            DispatchKind::Request => "request could not be built",
            DispatchKind::Refused => "response refused",
        };
        write!(f, "{what}{}: {}", self.call.after_attempts(), self.message)?;
        if self.call.budget_exhausted {
            write!(f, "; {BUDGET_EXHAUSTED}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DispatchError {}

/// A response the SDK could not understand (an HTML page from a proxy, an
/// empty or truncated body, JSON of the wrong shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    status: u16,
    message: String,
    excerpt: String,
    call: CallOutcome,
}

impl ResponseError {
    /// Most bytes of the body kept in [`ResponseError::excerpt`].
    pub const EXCERPT_LIMIT: usize = 512;

    /// An error for `body`, keeping a bounded excerpt.
    pub fn new(status: u16, message: impl Into<String>, body: &[u8]) -> Self {
        let cut = body.len().min(Self::EXCERPT_LIMIT);
        let mut excerpt = String::from_utf8_lossy(&body[..cut]).into_owned();
        if body.len() > cut {
            excerpt.push('…');
        }
        ResponseError {
            status,
            message: message.into(),
            excerpt,
            call: CallOutcome::default(),
        }
    }
}

impl ResponseError {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// What could not be understood.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether a retry was due but the client's retry budget was empty.
    pub fn retry_budget_exhausted(&self) -> bool {
        self.call.budget_exhausted
    }

    /// Attempts made before giving up.
    pub fn attempts(&self) -> u32 {
        self.call.attempts()
    }

    /// The start of the body, at most [`ResponseError::EXCERPT_LIMIT`] bytes
    /// (lossily decoded as UTF-8).
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response{} (HTTP {}): {}",
            self.call.after_attempts(),
            self.status,
            self.message
        )?;
        if self.excerpt.is_empty() {
            f.write_str("; the body is empty")?;
        } else {
            write!(f, "; body starts: {:?}", self.excerpt)?;
        }
        if self.call.budget_exhausted {
            write!(f, "; {BUDGET_EXHAUSTED}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}

/// Every way a call can fail. `E` is the operation's typed error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// A parameter breaks the spec; nothing was sent.
    Validation(ValidationError),
    /// The client configuration cannot work.
    Config(ConfigError),
    /// No credentials could be found or loaded.
    Credentials(CredentialsError),
    /// The request could not be delivered, or no answer came.
    Dispatch(DispatchError),
    /// An answer came but could not be understood.
    Response(ResponseError),
    /// The service returned an error: the operation's typed variant.
    Service(E),
}

impl<E: OperationError> Error<E> {
    /// The service error's metadata, when the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e.service_error()),
            _ => None,
        }
    }

    /// The operation's typed error (the variant for the code), when the
    /// service answered with one.
    pub fn operation_error(&self) -> Option<&E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The operation's typed error, by value; any other error unchanged.
    pub fn into_operation_error(self) -> Result<E, Self> {
        match self {
            Error::Service(e) => Ok(e),
            other => Err(other),
        }
    }

    /// The error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(ServiceError::code)
    }

    /// Whether a retry was due but the client's retry budget was empty, so
    /// this error came back early.
    pub fn retry_budget_exhausted(&self) -> bool {
        self.call_outcome().is_some_and(|c| c.budget_exhausted)
    }

    /// Attempts the call made before this error: 1 or more for an answer
    /// or a failed dispatch, 0 when nothing was sent (validation,
    /// configuration, credentials).
    pub fn attempts(&self) -> u32 {
        self.call_outcome().map_or(0, CallOutcome::attempts)
    }

    fn call_outcome(&self) -> Option<&CallOutcome> {
        match self {
            Error::Service(e) => Some(&e.service_error().call),
            Error::Dispatch(e) => Some(&e.call),
            Error::Response(e) => Some(&e.call),
            _ => None,
        }
    }

    /// Converts the service part (used to map raw errors to typed ones).
    pub(crate) fn map_service<F: OperationError>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Validation(e) => Error::Validation(e),
            Error::Config(e) => Error::Config(e),
            Error::Credentials(e) => Error::Credentials(e),
            Error::Dispatch(e) => Error::Dispatch(e),
            Error::Response(e) => Error::Response(e),
            Error::Service(e) => Error::Service(f(e)),
        }
    }
}

impl Error<ServiceError> {
    fn call_outcome_mut(&mut self) -> Option<&mut CallOutcome> {
        match self {
            Error::Service(e) => Some(&mut e.call),
            Error::Dispatch(e) => Some(&mut e.call),
            Error::Response(e) => Some(&mut e.call),
            _ => None,
        }
    }

    /// Notes that the retry budget stopped a retry.
    pub(crate) fn mark_budget_exhausted(&mut self) {
        if let Some(call) = self.call_outcome_mut() {
            call.budget_exhausted = true;
        }
    }

    /// Records the attempts the call made.
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        if let Some(call) = self.call_outcome_mut() {
            call.attempts = attempts;
        }
    }
}

// Each fact is printed once: `Display` names the kind and the inner error's
// message, and `source()` continues with what the inner error wraps (never
// the inner error itself, which reporters would print a second time).
impl<E: OperationError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => write!(f, "invalid request: {e}"),
            Error::Config(e) => e.fmt(f),
            Error::Credentials(e) => write!(f, "credentials: {e}"),
            Error::Dispatch(e) => e.fmt(f),
            Error::Response(e) => e.fmt(f),
            Error::Service(e) => {
                let call = &e.service_error().call;
                write!(f, "service error{}: {e}", call.after_attempts())?;
                if call.budget_exhausted {
                    write!(f, "; {BUDGET_EXHAUSTED}")?;
                }
                Ok(())
            }
        }
    }
}

impl<E: OperationError> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => e.source(),
            Error::Config(e) => e.source(),
            Error::Credentials(e) => e.source(),
            Error::Dispatch(e) => e.source(),
            Error::Response(e) => e.source(),
            Error::Service(e) => e.source(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_error_display_has_everything_a_user_needs() {
        let e = ServiceError::new(
            "InvalidInstanceId.NotFound",
            "Specified instance does not exist.",
            404,
        )
        .with_request_id("REQ-1")
        .with_recommend("https://api.aliyun.com/troubleshoot?q=x");
        let text = Error::<ServiceError>::Service(e).to_string();
        for part in [
            "InvalidInstanceId.NotFound",
            "Specified instance does not exist.",
            "404",
            "REQ-1",
            "https://api.aliyun.com/troubleshoot?q=x",
        ] {
            assert!(text.contains(part), "{text:?} lacks {part:?}");
        }
    }

    #[test]
    fn response_error_excerpt_is_bounded() {
        let body = vec![b'x'; 10_000];
        let e = ResponseError::new(502, "not JSON", &body);
        assert!(e.excerpt().len() <= ResponseError::EXCERPT_LIMIT + '…'.len_utf8());
        assert!(e.to_string().contains("HTTP 502"));
        let empty = ResponseError::new(500, "empty body", b"");
        assert!(empty.to_string().contains("body is empty"));
    }

    /// What `anyhow`'s `{:#}` and other reporters print: the error, then
    /// each `source()` in turn.
    fn report(error: &(dyn std::error::Error + 'static)) -> String {
        let mut text = error.to_string();
        let mut next = error.source();
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }

    #[test]
    fn a_reported_chain_states_each_fact_once() {
        use crate::credentials::{CredentialsError, CredentialsErrorKind};
        let service = ServiceError::new("Forbidden.RAM", "not authorized", 403)
            .with_request_id("REQ-7")
            .with_recommend("https://api.aliyun.com/troubleshoot?q=diag-1");
        let chain = CredentialsError::new(
            "default chain",
            CredentialsErrorKind::NoSourceSucceeded,
            "no source had credentials",
        )
        .with_tried(vec![CredentialsError::new(
            "environment",
            CredentialsErrorKind::NotConfigured,
            "ALIBABA_CLOUD_ACCESS_KEY_ID is not set",
        )]);
        let cases: Vec<(Box<dyn std::error::Error>, Vec<&str>)> = vec![
            (
                Box::new(Error::<ServiceError>::Service(service)),
                vec![
                    "Forbidden.RAM",
                    "not authorized",
                    "REQ-7",
                    "403",
                    "troubleshoot",
                ],
            ),
            (
                Box::new(Error::<ServiceError>::Credentials(chain)),
                vec!["no source had credentials", "ALIBABA_CLOUD_ACCESS_KEY_ID"],
            ),
            (
                Box::new(Error::<ServiceError>::Validation(ValidationError::new(
                    "SecurityGroupId",
                    ValidationProblem::TooManyItems {
                        max: 10,
                        actual: 11,
                    },
                ))),
                vec!["SecurityGroupId", "11 items"],
            ),
            (
                Box::new(Error::<ServiceError>::Dispatch(DispatchError::new(
                    DispatchKind::Connect,
                    "connection refused",
                ))),
                vec!["connection refused"],
            ),
            (
                Box::new(Error::<ServiceError>::Response(ResponseError::new(
                    502,
                    "not JSON",
                    b"<html>bad gateway</html>",
                ))),
                vec!["502", "bad gateway"],
            ),
        ];
        for (error, facts) in cases {
            let text = report(error.as_ref());
            for fact in facts {
                assert_eq!(text.matches(fact).count(), 1, "{fact:?} in {text:?}");
            }
        }
    }
}
