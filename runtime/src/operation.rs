//! What generated code tells the runtime about a product and an operation.

use crate::error::{ServiceError, ValidationError};
use crate::params::{Location, Params};

/// How a product's API is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiStyle {
    /// Remote procedure call: `Action` and parameters in the query (or form).
    Rpc,
    /// Resource-oriented: path templates, JSON bodies.
    Roa,
}

/// A product at one API version.
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
    /// `read`, `write`, `readAndWrite`, or empty.
    pub operation_type: &'static str,
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
    /// Whether the spec marks it `read`: such operations (and those with a
    /// `ClientToken`) are retried after the request may have reached the
    /// server.
    pub fn is_idempotent(&self) -> bool {
        self.operation_type == "read"
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

/// A request type: generated code implements it for every `XxxRequest`.
pub trait Operation: Clone + Send + Sync + 'static {
    /// The typed success response.
    type Response: serde::de::DeserializeOwned + Send + 'static;
    /// The typed error enum.
    type Error: OperationError;
    /// The operation's facts.
    const DESCRIPTOR: &'static OperationDescriptor;
    /// The wire name and place of its `ClientToken` parameter, when it has
    /// one: the runtime then fills in a UUID when the caller set none, and
    /// retries it after sending like a read.
    const CLIENT_TOKEN: Option<(&'static str, Location)> = None;
    /// Checks the spec's constraints (required, maxItems, maxLength, enums).
    fn validate(&self) -> Result<(), ValidationError>;
    /// Writes the parameters in their wire encoding.
    fn write_params(&self, out: &mut Params);
}

pub use crate::error::OperationError;

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
    pub fn new(value: impl Into<String>) -> Self {
        UnknownValue(value.into())
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
