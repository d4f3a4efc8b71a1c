//! Operations as types: the [`Operation`] trait every generated request
//! implements, what the spec says an operation does ([`OperationType`]), and
//! the wrappers for values this SDK version does not know ([`Unhandled`],
//! [`UnknownValue`]).
//!
//! The hidden items here are what generated code tells the runtime about a
//! product and an operation; they carry no compatibility promise.

use crate::error::{OperationError, ServiceError, ValidationError};
use crate::params::{Location, Params};

/// What the spec says an operation does, which decides whether it may be
/// retried after the request may have reached the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationType {
    /// Reads only (`read`): safe to repeat.
    Read,
    /// Changes something (`write`).
    Write,
    /// Reads and changes (`readAndWrite`).
    ReadAndWrite,
    /// The spec does not say: treated as a write.
    Unspecified,
}

impl OperationType {
    /// The spec's spelling (`read`, `write`, `readAndWrite`), empty for
    /// [`Unspecified`](Self::Unspecified).
    pub fn as_str(&self) -> &'static str {
        match self {
            OperationType::Read => "read",
            OperationType::Write => "write",
            OperationType::ReadAndWrite => "readAndWrite",
            OperationType::Unspecified => "",
        }
    }

    /// Whether repeating it is safe whatever the service did with the first
    /// attempt: only [`Read`](Self::Read).
    pub fn is_read(&self) -> bool {
        matches!(self, OperationType::Read)
    }
}

impl std::fmt::Display for OperationType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OperationType::Unspecified => "unspecified",
            other => other.as_str(),
        })
    }
}

/// How a product's API is called.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiStyle {
    /// Remote procedure call: `Action` and parameters in the query (or form).
    Rpc,
    /// Resource-oriented: path templates, JSON bodies.
    Roa,
}

/// A product at one API version.
#[doc(hidden)]
#[derive(Debug)]
pub struct ProductDescriptor {
    /// Product code as Alibaba spells it (`R-kvstore`).
    pub name: &'static str,
    /// Lowercase code, the first label of default hosts (`r-kvstore`).
    pub code: &'static str,
    /// API version (`2015-01-01`).
    pub version: &'static str,
    /// Call style.
    pub style: ApiStyle,
    /// Region id to host name, sorted by region id.
    pub endpoints: &'static [(&'static str, &'static str)],
}

impl ProductDescriptor {
    /// The host the endpoint table gives for `region`.
    pub fn endpoint_for(&self, region: &str) -> Option<&'static str> {
        self.endpoints
            .binary_search_by(|(r, _)| (*r).cmp(region))
            .ok()
            .map(|i| self.endpoints[i].1)
    }
}

/// An operation's facts from the spec.
#[doc(hidden)]
#[derive(Debug)]
pub struct OperationDescriptor {
    /// The product it belongs to.
    pub product: &'static ProductDescriptor,
    /// Operation name, sent as `Action` / `x-acs-action`.
    pub action: &'static str,
    /// Accepted HTTP methods, uppercase.
    pub methods: &'static [&'static str],
    /// Path template (ROA) or `/` (RPC).
    pub path: &'static str,
    /// Accepted authentication kinds (`AK`, `Anonymous`, ...).
    pub auth: &'static [&'static str],
    /// What the spec says it does.
    pub operation_type: OperationType,
    /// The wire name and place of its `ClientToken` parameter, when it has
    /// one: the runtime then fills in a UUID when the caller set none, and
    /// retries it after sending like a read.
    pub client_token: Option<(&'static str, Location)>,
    /// RAM action that authorizes it (`kvstore:ModifySecurityGroupConfiguration`).
    pub ram_action: Option<&'static str>,
    /// RAM access level (`update`, `get`, `list`).
    pub ram_access_level: Option<&'static str>,
    /// Deprecated in the spec.
    pub deprecated: bool,
    /// Whether the spec documents a success body. When it does not, an empty
    /// 2xx body is a success (many ROA writes answer 204 or nothing).
    pub response_body: bool,
}

impl OperationDescriptor {
    /// Whether repeating it after the request may have reached the server
    /// is safe: a `read` operation, or one made idempotent by its
    /// `ClientToken`.
    pub fn is_idempotent(&self) -> bool {
        self.operation_type.is_read() || self.client_token.is_some()
    }

    /// The method to send with: POST where allowed (parameters never end up
    /// in proxy logs as often), else the first listed, else GET.
    pub fn preferred_method(&self) -> &'static str {
        if self.methods.contains(&"POST") {
            "POST"
        } else {
            self.methods.first().copied().unwrap_or("GET")
        }
    }

    /// Whether the operation accepts anonymous calls only (no signature).
    pub fn is_anonymous(&self) -> bool {
        !self.auth.is_empty() && self.auth.iter().all(|a| *a == "Anonymous")
    }
}

/// An operation's request type: every generated `XxxRequest` implements it,
/// and generic code names an operation by it
/// (`Rule::operation::<DescribeInstancesRequest>()`,
/// `PaginationStream<DescribeInstancesRequest>`).
///
/// Sealed: only generated code implements it, through a hidden supertrait
/// that carries the wire encoding and may change in any release.
pub trait Operation: OperationSpec + Clone + Send + Sync + 'static {
    /// The typed success response.
    type Response: serde::de::DeserializeOwned + Send + 'static;
    /// The typed error enum.
    type Error: OperationError;

    /// Operation name (`DescribeInstances`).
    fn action() -> &'static str {
        Self::DESCRIPTOR.action
    }

    /// What the spec says it does.
    fn operation_type() -> OperationType {
        Self::DESCRIPTOR.operation_type
    }
}

/// What the runtime needs from a request type: its facts, its checks and
/// its wire encoding. Implemented by generated code only; this is what seals
/// [`Operation`].
#[doc(hidden)]
pub trait OperationSpec {
    /// The operation's facts.
    const DESCRIPTOR: &'static OperationDescriptor;
    /// Checks the spec's constraints (required, limits, patterns, enums).
    fn validate(&self) -> Result<(), ValidationError>;
    /// Writes the parameters in their wire encoding.
    fn write_params(&self, out: &mut Params);
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

/// A code an operation's error table does not list. Its variant is
/// deprecated so that matching it directly warns: a code added to the table
/// later moves to its own variant, and such a match would silently stop
/// matching. Match a wildcard and check `code()` instead.
#[derive(Debug)]
pub struct Unhandled(ServiceError);

impl Unhandled {
    /// Wraps the error.
    #[doc(hidden)]
    pub fn new(error: ServiceError) -> Self {
        Unhandled(error)
    }

    /// The metadata.
    pub fn service_error(&self) -> &ServiceError {
        &self.0
    }
}

/// A response enum value this version of the SDK does not know. Its variant
/// is deprecated for the same reason as [`Unhandled`]'s: match a wildcard and
/// check `as_str()`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Wraps the value.
    #[doc(hidden)]
    pub fn new(value: impl Into<String>) -> Self {
        UnknownValue(value.into())
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
