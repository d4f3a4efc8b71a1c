//! What can go wrong, typed: the service's answer ([`OssServiceError`], with
//! OSS's `Code`, `Message`, `RequestId`, `HostId` and `EC`), a corrupted or
//! short body ([`IntegrityError`]), bad input caught before sending, and the
//! transport and credential failures the runtime already names.

use std::fmt;
use std::path::PathBuf;

pub use alibabacloud_runtime::credentials::CredentialsError;
pub use alibabacloud_runtime::error::{ConfigError, DispatchError, DispatchKind};

/// Everything an OSS call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// OSS answered with an error body (`NoSuchKey`, `SignatureDoesNotMatch`...).
    Service(Box<OssServiceError>),
    /// A parameter was refused before anything was sent.
    InvalidInput(InvalidInput),
    /// The client could not be built.
    Config(ConfigError),
    /// No credentials could be loaded or refreshed.
    Credentials(CredentialsError),
    /// The request did not get an answer: connect failure, timeout, reset.
    Dispatch(DispatchError),
    /// The answer could not be read: not the XML the operation returns.
    Response(ResponseError),
    /// The data arrived but is not what OSS said it sent (CRC-64 or length).
    Integrity(IntegrityError),
    /// A local file could not be read or written.
    Io(IoError),
    /// A transfer stopped: which part or range failed, and why.
    Transfer(Box<TransferError>),
}

impl Error {
    /// The OSS error code, when OSS answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(e.code()),
            Error::Transfer(t) => t.source.code(),
            _ => None,
        }
    }

    /// The service error, when OSS answered with one.
    pub fn service_error(&self) -> Option<&OssServiceError> {
        match self {
            Error::Service(e) => Some(e),
            Error::Transfer(t) => t.source.service_error(),
            _ => None,
        }
    }

    pub(crate) fn invalid(parameter: &'static str, problem: impl Into<String>) -> Error {
        Error::InvalidInput(InvalidInput {
            parameter,
            problem: problem.into(),
        })
    }

    pub(crate) fn io(path: Option<PathBuf>, action: &'static str, source: std::io::Error) -> Error {
        Error::Io(IoError {
            path,
            action,
            source,
        })
    }

    /// Whether sending the same request again may succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => {
                e.status >= 500
                    || e.status == 429
                    || matches!(
                        e.code(),
                        "RequestTimeTooSkewed" | "ServiceUnavailable" | "InternalError"
                    )
            }
            Error::Dispatch(d) => {
                !matches!(d.kind(), DispatchKind::Refused | DispatchKind::Request)
            }
            Error::Integrity(_) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => e.fmt(f),
            Error::InvalidInput(e) => e.fmt(f),
            Error::Config(e) => write!(f, "OSS client configuration: {e}"),
            Error::Credentials(e) => write!(f, "OSS credentials: {e}"),
            Error::Dispatch(e) => write!(f, "OSS request not answered: {e}"),
            Error::Response(e) => e.fmt(f),
            Error::Integrity(e) => e.fmt(f),
            Error::Io(e) => e.fmt(f),
            Error::Transfer(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Dispatch(e) => Some(e),
            Error::Io(e) => Some(&e.source),
            Error::Transfer(e) => Some(&e.source),
            _ => None,
        }
    }
}

/// OSS's error body, as the service sent it.
///
/// ```xml
/// <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
///   <RequestId>...</RequestId><HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
///   <Key>a.txt</Key><EC>0026-00000001</EC></Error>
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssServiceError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
    pub(crate) ec: Option<String>,
    pub(crate) recommend_doc: Option<String>,
    pub(crate) extra: Vec<(String, String)>,
    pub(crate) operation: &'static str,
}

impl OssServiceError {
    /// The error code (`NoSuchKey`, `AccessDenied`, ...).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The service's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `x-oss-request-id` (or the body's `RequestId`): quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The host that answered.
    pub fn host_id(&self) -> Option<&str> {
        self.host_id.as_deref()
    }

    /// OSS's detailed error code (`EC`, like `0026-00000001`), which names
    /// the exact cause inside a code.
    pub fn ec(&self) -> Option<&str> {
        self.ec.as_deref()
    }

    /// The troubleshooting link OSS sent, if any.
    pub fn recommend_doc(&self) -> Option<&str> {
        self.recommend_doc.as_deref()
    }

    /// Any other element of the error body (`Key`, `BucketName`,
    /// `StringToSign`, `CanonicalRequest`...), by element name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The operation that failed (`GetObject`, ...).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The code as a known kind, for `match`.
    pub fn kind(&self) -> OssErrorKind {
        OssErrorKind::from_code(&self.code)
    }
}

impl fmt::Display for OssServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed: {} (HTTP {}): {}",
            self.operation, self.code, self.status, self.message
        )?;
        if let Some(ec) = &self.ec {
            write!(f, "; EC {ec}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, "; request id {id}")?;
        }
        if let Some(doc) = &self.recommend_doc {
            write!(f, "; see {doc}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OssServiceError {}

macro_rules! error_kinds {
    ($($(#[$doc:meta])* $variant:ident),* $(,)?) => {
        /// The OSS error codes a program usually handles; any other code is
        /// [`OssErrorKind::Other`] and still readable from
        /// [`OssServiceError::code`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum OssErrorKind {
            $($(#[$doc])* $variant,)*
            /// A code not listed here.
            Other,
        }

        impl OssErrorKind {
            fn from_code(code: &str) -> Self {
                match code {
                    $(stringify!($variant) => OssErrorKind::$variant,)*
                    _ => OssErrorKind::Other,
                }
            }
        }
    };
}

error_kinds! {
    /// The object does not exist.
    NoSuchKey,
    /// The bucket does not exist.
    NoSuchBucket,
    /// The multipart upload does not exist (completed, aborted or never begun).
    NoSuchUpload,
    /// The bucket name is taken.
    BucketAlreadyExists,
    /// The bucket still holds objects or uploads.
    BucketNotEmpty,
    /// The signature does not match what OSS computed.
    SignatureDoesNotMatch,
    /// The access key id is unknown.
    InvalidAccessKeyId,
    /// Refused by policy, or a presigned URL has expired.
    AccessDenied,
    /// A condition (`If-Match`, `If-Unmodified-Since`) did not hold.
    PreconditionFailed,
    /// The range lies outside the object.
    InvalidRange,
    /// A part of a multipart completion is missing or its ETag differs.
    InvalidPart,
    /// The parts of a multipart completion are not in ascending order.
    InvalidPartOrder,
    /// The bucket name breaks OSS's naming rules.
    InvalidBucketName,
    /// The object name breaks OSS's naming rules.
    InvalidObjectName,
    /// The request went to the wrong region's endpoint.
    AccessForbidden,
    /// The client clock is more than 15 minutes off.
    RequestTimeTooSkewed,
    /// The object exists and `x-oss-forbid-overwrite` was set.
    FileAlreadyExists,
    /// The object is not an appendable object, or the position is wrong.
    PositionNotEqualToLength,
    /// OSS failed internally; retried automatically.
    InternalError,
}

/// A parameter refused before sending: which one and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    pub(crate) parameter: &'static str,
    pub(crate) problem: String,
}

impl InvalidInput {
    /// The parameter's name, as the builder method spells it.
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.parameter, self.problem)
    }
}

/// An answer that is not what the operation returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) problem: String,
}

impl ResponseError {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// What could not be read.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: unreadable answer (HTTP {}): {}",
            self.operation, self.status, self.problem
        )
    }
}

/// Data that is not what OSS said it sent, or sent what the client did not.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntegrityError {
    /// The CRC-64 of the bytes differs from the one OSS computed.
    Crc64Mismatch {
        /// What was checked (`"GetObject a.txt"`, `"upload of part 3"`).
        what: String,
        /// OSS's `x-oss-hash-crc64ecma`.
        expected: u64,
        /// The CRC-64 of the bytes seen.
        actual: u64,
    },
    /// The body ended before its `Content-Length`.
    Truncated {
        /// What was read.
        what: String,
        /// Bytes announced.
        expected: u64,
        /// Bytes received.
        received: u64,
    },
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegrityError::Crc64Mismatch {
                what,
                expected,
                actual,
            } => write!(
                f,
                "{what}: CRC-64 mismatch, OSS has {expected} but the data gives {actual}"
            ),
            IntegrityError::Truncated {
                what,
                expected,
                received,
            } => write!(
                f,
                "{what}: body truncated after {received} of {expected} bytes"
            ),
        }
    }
}

/// A local file operation that failed, with its path.
#[derive(Debug)]
pub struct IoError {
    pub(crate) path: Option<PathBuf>,
    pub(crate) action: &'static str,
    pub(crate) source: std::io::Error,
}

impl IoError {
    /// The file, when one is involved.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// The underlying error.
    pub fn io_error(&self) -> &std::io::Error {
        &self.source
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{} {}: {}", self.action, p.display(), self.source),
            None => write!(f, "{}: {}", self.action, self.source),
        }
    }
}

/// Which piece of a transfer failed.
#[derive(Debug)]
pub struct TransferError {
    pub(crate) what: String,
    pub(crate) upload_id: Option<String>,
    pub(crate) aborted: bool,
    pub(crate) source: Error,
}

impl TransferError {
    /// The piece that failed (`"part 3 of 12"`, `"range 8388608-16777215"`).
    pub fn what(&self) -> &str {
        &self.what
    }

    /// The multipart upload id, when one was started.
    pub fn upload_id(&self) -> Option<&str> {
        self.upload_id.as_deref()
    }

    /// Whether the multipart upload was aborted (its parts deleted). False
    /// when the transfer keeps a checkpoint to resume from instead.
    pub fn upload_aborted(&self) -> bool {
        self.aborted
    }

    /// The failure itself.
    pub fn cause(&self) -> &Error {
        &self.source
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transfer failed at {}: {}", self.what, self.source)?;
        match (&self.upload_id, self.aborted) {
            (Some(id), true) => write!(f, " (multipart upload {id} aborted)"),
            (Some(id), false) => write!(f, " (multipart upload {id} kept for resuming)"),
            _ => Ok(()),
        }
    }
}

/// Reads OSS's XML error body. Falls back to the status line and the
/// `x-oss-*` headers when the body is empty (HEAD requests have none) or is
/// not OSS's XML (a proxy's HTML page).
pub(crate) fn parse_error(
    operation: &'static str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> OssServiceError {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut err = OssServiceError {
        status,
        code: String::new(),
        message: String::new(),
        request_id: header("x-oss-request-id"),
        host_id: None,
        ec: header("x-oss-ec"),
        recommend_doc: None,
        extra: Vec::new(),
        operation,
    };
    // HEAD answers have no body; OSS puts the error XML, base64-encoded, in
    // `x-oss-err` instead.
    let from_header = if body.is_empty() {
        header("x-oss-err").and_then(|b64| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.decode(b64).ok()
        })
    } else {
        None
    };
    let body = from_header.as_deref().unwrap_or(body);
    for (name, value) in crate::xml::flat_elements(body, "Error") {
        match name.as_str() {
            "Code" => err.code = value,
            "Message" => err.message = value,
            "RequestId" => err.request_id = Some(value),
            "HostId" => err.host_id = Some(value),
            "EC" => err.ec = Some(value),
            "RecommendDoc" => err.recommend_doc = Some(value),
            _ => err.extra.push((name, value)),
        }
    }
    if err.code.is_empty() {
        // HEAD answers carry no body: name the status as OSS's SDKs do.
        err.code = match status {
            404 => "NoSuchKey".into(),
            403 => "AccessDenied".into(),
            304 => "NotModified".into(),
            412 => "PreconditionFailed".into(),
            416 => "InvalidRange".into(),
            _ => format!("HTTP{status}"),
        };
        if err.message.is_empty() {
            err.message = if body.is_empty() {
                "the answer had no error body".into()
            } else {
                format!(
                    "the answer was not OSS's XML error body: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                )
            };
        }
    }
    err
}
