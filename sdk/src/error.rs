//! Errors users see. [`Error`] sorts every failure into a kind a caller can
//! act on; its `Display` always says what happened, and for service errors
//! shows code, message, request id and the recommend URL.

use crate::credentials::CredentialsError;
use std::fmt;

/// Metadata of an error the service returned, shared by every variant of
/// every operation's error enum.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ServiceError {
    /// Error code (`InvalidInstanceId.NotFound`).
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Request id, for Alibaba Cloud support.
    pub request_id: Option<String>,
    /// Host that served the request.
    pub host_id: Option<String>,
    /// Diagnosis URL Alibaba suggests.
    pub recommend: Option<String>,
    /// HTTP status.
    pub status: u16,
}

impl ServiceError {
    /// An error with a code, message and status; the rest unset.
    pub fn new(code: impl Into<String>, message: impl Into<String>, status: u16) -> Self {
        ServiceError {
            code: code.into(),
            message: message.into(),
            status,
            ..Default::default()
        }
    }

    /// Error code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Host id.
    pub fn host_id(&self) -> Option<&str> {
        self.host_id.as_deref()
    }

    /// Recommend (diagnosis) URL.
    pub fn recommend(&self) -> Option<&str> {
        self.recommend.as_deref()
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
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
        if let Some(url) = &self.recommend {
            write!(f, "; see {url}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// What generated error enums implement.
pub trait OperationError: std::error::Error + Send + Sync + Sized + 'static {
    /// Picks the variant for the error's code (`Unhandled` when unknown).
    fn from_service_error(error: ServiceError) -> Self;
    /// The shared metadata.
    fn service_error(&self) -> &ServiceError;
}

/// The error type of calls that are not a specific operation's (raw calls):
/// every code is "unhandled".
impl OperationError for ServiceError {
    fn from_service_error(error: ServiceError) -> Self {
        error
    }
    fn service_error(&self) -> &ServiceError {
        self
    }
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
    pub fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
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
    attempts: u32,
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
            attempts: 1,
        }
    }

    /// Records how many attempts were made.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Why.
    pub fn kind(&self) -> DispatchKind {
        self.kind
    }

    /// Attempts made before giving up.
    pub fn attempts(&self) -> u32 {
        self.attempts
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
        write!(f, "{what}: {}", self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for DispatchError {}

/// A response the SDK could not understand (an HTML page from a proxy, an
/// empty or truncated body, JSON of the wrong shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    /// HTTP status.
    pub status: u16,
    /// What could not be understood.
    pub message: String,
    /// The start of the body, at most [`ResponseError::EXCERPT_LIMIT`] bytes.
    pub excerpt: String,
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
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response (HTTP {}): {}",
            self.status, self.message
        )?;
        if self.excerpt.is_empty() {
            f.write_str("; the body is empty")
        } else {
            write!(f, "; body starts: {:?}", self.excerpt)
        }
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

    /// The typed service error, when that is what happened.
    pub fn as_service(&self) -> Option<&E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The typed service error, by value.
    pub fn into_service(self) -> Result<E, Self> {
        match self {
            Error::Service(e) => Ok(e),
            other => Err(other),
        }
    }

    /// The error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(ServiceError::code)
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

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => write!(f, "invalid request: {e}"),
            Error::Config(e) => e.fmt(f),
            Error::Credentials(e) => write!(f, "credentials: {e}"),
            Error::Dispatch(e) => e.fmt(f),
            Error::Response(e) => e.fmt(f),
            Error::Service(e) => write!(f, "service error: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => Some(e),
            Error::Config(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Dispatch(e) => Some(e),
            Error::Response(e) => Some(e),
            Error::Service(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_error_display_has_everything_a_user_needs() {
        let mut e = ServiceError::new(
            "InvalidInstanceId.NotFound",
            "Specified instance does not exist.",
            404,
        );
        e.request_id = Some("REQ-1".into());
        e.recommend = Some("https://api.aliyun.com/troubleshoot?q=x".into());
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
        assert!(e.excerpt.len() <= ResponseError::EXCERPT_LIMIT + '…'.len_utf8());
        assert!(e.to_string().contains("HTTP 502"));
        let empty = ResponseError::new(500, "empty body", b"");
        assert!(empty.to_string().contains("body is empty"));
    }
}
