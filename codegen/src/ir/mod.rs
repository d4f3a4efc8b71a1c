//! The normalized model the emitters read. Every naming and typing decision is
//! made here, once, so emitters only print.

//!
//! Split by concern: this module holds the model; `lower` walks a spec into
//! it, `types` lowers schemas (and the product's shared `$ref` types),
//! `paging` detects pagination and `errors` reads the error table.

mod errors;
mod lower;
mod paging;
mod shared_enums;
mod types;

pub use lower::{lower, product_module, versioned_feature, versioned_module, BUILDER_METHODS};
use serde::Serialize;

/// A product at one API version, ready to emit.
#[derive(Debug, Clone, Serialize)]
pub struct Product {
    /// Product code as Alibaba spells it (`R-kvstore`).
    pub name: String,
    /// Lowercase code used for the host and the cargo feature (`r-kvstore`).
    pub code: String,
    /// Rust module of this version (`r_kvstore_20150101`).
    pub module: String,
    /// Cargo feature of this version (`r-kvstore-20150101`).
    pub feature: String,
    /// The plain module name (`r_kvstore`, feature `r-kvstore`) when this is
    /// the product's default version; set by [`crate::generate`], which
    /// sees every version.
    pub alias: Option<String>,
    /// API version.
    pub version: String,
    /// How the API is called.
    pub style: ApiStyle,
    /// Spec path relative to the repository, for generated-file headers.
    pub spec_path: String,
    /// Region endpoint table, sorted by region.
    pub endpoints: Vec<(String, String)>,
    /// Operations, sorted by name.
    pub operations: Vec<Operation>,
    /// The `$ref` schemas the operations use, emitted once in
    /// `<product>::types` and shared (with the objects and enums nested in
    /// them).
    pub types: Vec<StructType>,
    /// Enums nested in [`Product::types`].
    pub type_enums: Vec<EnumType>,
    /// Operations the generator could not express, with the reason.
    pub skipped: Vec<Skipped>,
    /// Generated operations where the spec is broken or unclear and the
    /// generator made do, with where and how: a `$ref` to a schema that does
    /// not exist or an array without `items` (free-form JSON), a repeated
    /// parameter (sent once), a count that could page several lists (no item
    /// list).
    pub degraded: Vec<Skipped>,
}

/// An operation left out of generation, by name and reason.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// Operation name.
    pub operation: String,
    /// JSON path and what is not supported.
    pub reason: String,
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Wire name (`ModifySecurityGroupConfiguration`), sent as `Action`.
    pub name: String,
    /// Module and client method name (`modify_security_group_configuration`).
    pub module: String,
    /// Request struct name.
    pub request_type: String,
    /// Fluent builder struct name.
    pub builder_type: String,
    /// Response struct name.
    pub response_type: String,
    /// Error enum name.
    pub error_type: String,
    /// Our own description (`docs.toml`), or empty.
    pub docs: String,
    /// Alibaba's API reference page of the operation.
    pub reference: String,
    /// Marked deprecated in the spec.
    pub deprecated: bool,
    /// Accepted HTTP methods, in spec order.
    pub methods: Vec<Method>,
    /// Accepted authentication kinds.
    pub auth: Vec<Auth>,
    /// Whether it reads, writes or both, as the spec says.
    pub operation_type: OperationType,
    /// Whether the spec documents a success body (when it does not, an
    /// empty answer is a success).
    pub documents_body: bool,
    /// RAM action (`kvstore:ModifySecurityGroupConfiguration`), if known.
    pub ram_action: Option<String>,
    /// RAM access level (`update`), if known.
    pub ram_access_level: Option<String>,
    /// Path template (ROA); `/` for RPC.
    pub path: String,
    /// Query pairs fixed by the path template (`/alerts/{name}?action=disable`).
    pub fixed_query: Vec<(String, String)>,
    /// Request parameters, in spec order.
    pub params: Vec<Param>,
    /// Struct types used by parameters (objects in lists, `json` objects).
    pub param_structs: Vec<StructType>,
    /// The response body.
    pub response: StructType,
    /// Nested struct types of the response.
    pub response_structs: Vec<StructType>,
    /// String enums of the request and the response, one per (name, value
    /// set): a request parameter and a response field with the same values
    /// share a type. Each keeps values it does not know.
    pub enums: Vec<EnumType>,
    /// Enums of this operation that live in the product's `types` module,
    /// because other operations use the same name with the same values;
    /// the module re-exports them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_enums: Vec<String>,
    /// One variant per distinct error code.
    pub errors: Vec<ErrorVariant>,
    /// How to fetch the next page, when the operation pages.
    pub pagination: Option<Pagination>,
    /// The JSON example of a success response from `responseDemo`, when the
    /// spec has one that parses as JSON.
    pub example_response: Option<String>,
    /// Top-level keys of that example which the response schema does not
    /// declare, so no field can hold them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub example_undeclared_keys: Vec<String>,
    /// The idempotency parameter (`ClientToken`), when the operation has a
    /// plain string one in the query, form or headers: the runtime fills it
    /// when unset and retries the operation after sending like a read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<ClientToken>,
}

/// Where an operation's `ClientToken` travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientToken {
    /// Wire name, verbatim (`ClientToken`).
    pub wire_name: String,
    /// Its place.
    pub location: Location,
}

impl ClientToken {
    /// The wire name Alibaba's idempotent operations use.
    pub const WIRE_NAME: &'static str = "ClientToken";

    /// The token parameter among `params`, if one can carry a generated
    /// token: a plain string in the query, the form or a header. Not one
    /// `in: body`: next to a whole JSON body (ROA) the runtime would drop a
    /// form field, so such operations keep the read-only retry rule.
    pub fn find(params: &[Param]) -> Option<ClientToken> {
        params
            .iter()
            .find(|p| {
                p.wire_name == Self::WIRE_NAME
                    && p.ty == Type::String
                    && p.encoding == Encoding::Plain
                    && matches!(
                        p.location,
                        Location::Query | Location::Form | Location::Header
                    )
            })
            .map(|p| ClientToken {
                wire_name: p.wire_name.clone(),
                location: p.location,
            })
    }
}

/// How a product's API is called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ApiStyle {
    /// `Action` and parameters in the query or a form body.
    Rpc,
    /// Path templates and JSON bodies (`ROA`, and `FC`, which is ROA-shaped).
    Roa,
    /// A style with its own signature and addressing (`OSS`), by name.
    Unsupported(String),
}

impl ApiStyle {
    /// From `info.style` (RPC when absent).
    pub fn from_spec(style: Option<&str>) -> Self {
        match style.unwrap_or("RPC").to_ascii_uppercase().as_str() {
            "RPC" => ApiStyle::Rpc,
            "ROA" | "FC" => ApiStyle::Roa,
            other => ApiStyle::Unsupported(other.to_string()),
        }
    }
}

/// An HTTP method an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `PATCH`.
    Patch,
    /// `HEAD`.
    Head,
    /// Any other, uppercase.
    Other(String),
}

impl Method {
    /// From the spec's lowercase name.
    pub fn from_spec(method: &str) -> Self {
        match method.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "PATCH" => Method::Patch,
            "HEAD" => Method::Head,
            other => Method::Other(other.to_string()),
        }
    }

    /// The method as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Other(m) => m,
        }
    }
}

/// An authentication kind an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Auth {
    /// An access key (signed requests).
    Ak,
    /// No credentials.
    Anonymous,
    /// A bearer token.
    BearerToken,
    /// Any other kind, as the spec names it.
    Other(String),
}

impl Auth {
    /// From a key of the spec's `security` entries.
    pub fn from_spec(kind: &str) -> Self {
        match kind {
            "AK" => Auth::Ak,
            "Anonymous" => Auth::Anonymous,
            "BearerToken" => Auth::BearerToken,
            other => Auth::Other(other.to_string()),
        }
    }

    /// The kind as the spec names it.
    pub fn as_str(&self) -> &str {
        match self {
            Auth::Ak => "AK",
            Auth::Anonymous => "Anonymous",
            Auth::BearerToken => "BearerToken",
            Auth::Other(k) => k,
        }
    }
}

/// Whether an operation reads or changes state; only reads (and, later,
/// idempotent writes) are retried after a request may have arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum OperationType {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `readAndWrite`.
    ReadAndWrite,
    /// The spec is silent.
    Unspecified,
    /// A value this generator does not know, as written.
    Other(String),
}

impl OperationType {
    /// From `operationType`.
    pub fn from_spec(value: Option<&str>) -> Self {
        match value {
            None | Some("") => OperationType::Unspecified,
            Some("read") => OperationType::Read,
            Some("write") => OperationType::Write,
            Some("readAndWrite") => OperationType::ReadAndWrite,
            Some(other) => OperationType::Other(other.to_string()),
        }
    }

    /// The value as the spec writes it (empty when unspecified).
    pub fn as_str(&self) -> &str {
        match self {
            OperationType::Read => "read",
            OperationType::Write => "write",
            OperationType::ReadAndWrite => "readAndWrite",
            OperationType::Unspecified => "",
            OperationType::Other(v) => v,
        }
    }
}

/// A check a request parameter gets before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Check {
    /// It must be set.
    Required,
    /// At most this many items.
    MaxItems(u64),
    /// At most this many characters.
    MaxLength(u64),
    /// One of these strings (string and string-enum parameters).
    OneOf(Vec<String>),
    /// One of these integers (integer enums).
    OneOfNumber(Vec<i64>),
    /// At least this number (numeric parameters), or above it when
    /// `exclusive`; the limit as the spec writes it.
    Minimum {
        /// The bound.
        limit: String,
        /// Whether the bound itself is out.
        exclusive: bool,
    },
    /// At most this number, or below it when `exclusive`.
    Maximum {
        /// The bound.
        limit: String,
        /// Whether the bound itself is out.
        exclusive: bool,
    },
    /// The whole value matches this regular expression (strings).
    Pattern(String),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Location {
    /// URL query string.
    Query,
    /// Form-encoded body.
    Form,
    /// Path segment of a ROA template.
    Path,
    /// The request body.
    Body,
    /// An HTTP header.
    Header,
    /// Part of the host name.
    Host,
}

/// How a list or object parameter is spelled on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    /// A scalar as text.
    Plain,
    /// `repeatList`/`flat`: numbered keys, `Tag.1.Key=...`.
    Flat,
    /// One JSON string.
    Json,
    /// Comma-joined list.
    Simple,
}

/// A Rust type, as far as the generator decides it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Type {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64` (Alibaba's `float` and `double` alike: `f32` loses digits users see).
    F64,
    /// `bool`.
    Bool,
    /// Free-form JSON, `serde_json::Value`.
    Any,
    /// `Vec<T>`.
    List(Box<Type>),
    /// `BTreeMap<String, T>`.
    Map(Box<Type>),
    /// A generated struct of the same operation module.
    Struct(String),
    /// A struct of the product's `types` module (a `$ref` schema).
    Shared(String),
    /// A generated string enum of the same module (requests and responses).
    Enum(String),
}

/// A string enum of requests and responses, with the values the spec lists.
#[derive(Debug, Clone, Serialize)]
pub struct EnumType {
    /// Type name.
    pub name: String,
    /// Rustdoc text.
    pub docs: String,
    /// Variant name and wire value, in spec order.
    pub variants: Vec<(String, String)>,
}

/// One request parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Name on the wire, verbatim.
    pub wire_name: String,
    /// Field and setter identifier (keywords escaped).
    pub ident: String,
    /// Where it travels.
    pub location: Location,
    /// How it is spelled.
    pub encoding: Encoding,
    /// Its type (lists are `Type::List`).
    pub ty: Type,
    /// Must be set before sending.
    pub required: bool,
    /// Most list items allowed.
    pub max_items: Option<u64>,
    /// Most characters allowed.
    pub max_length: Option<u64>,
    /// Closed set of allowed values; empty when open.
    pub allowed: Vec<String>,
    /// The spec's example value, one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// What is checked before sending, in order.
    pub checks: Vec<Check>,
    /// Rustdoc text.
    pub docs: String,
}

/// A generated struct (request object or response body).
#[derive(Debug, Clone, Serialize)]
pub struct StructType {
    /// Type name.
    pub name: String,
    /// The body is not a JSON object: the struct holds it whole, in its one
    /// field (serde `transparent`).
    pub whole_body: bool,
    /// Rustdoc text.
    pub docs: String,
    /// Members, in spec order.
    pub fields: Vec<Field>,
}

/// A struct member.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// JSON key, verbatim.
    pub wire_name: String,
    /// Field and accessor identifier.
    pub ident: String,
    /// Its type.
    pub ty: Type,
    /// For XML-style wrappers (`{"Regions": {"Region": [...]}}`): the inner key,
    /// which the accessor flattens away.
    pub wrapper_of: Option<String>,
    /// Required (request objects only).
    pub required: bool,
    /// Rustdoc text.
    pub docs: String,
}

/// How an operation pages, as detected from its parameters and response.
#[derive(Debug, Clone, Serialize)]
pub enum Pagination {
    /// `PageNumber`/`PageSize` in, `TotalCount` out.
    PageNumber {
        /// Request field of the page number.
        page_number: String,
        /// Request field of the page size.
        page_size: String,
        /// Response field of the total count.
        total_count: String,
        /// Response field of the page size, used when the request sets none.
        response_page_size: Option<String>,
        /// The list being paged, if the response names one.
        items: Option<PagedList>,
    },
    /// `NextToken` in and out.
    Token {
        /// Request field of the token.
        request_token: String,
        /// Response field of the token.
        response_token: String,
        /// The list being paged, if the response names one.
        items: Option<PagedList>,
    },
}

/// The response list a paging operation pages through.
#[derive(Debug, Clone, Serialize)]
pub struct PagedList {
    /// Response field holding the page's items.
    pub field: String,
    /// The items' type.
    pub item: Type,
}

/// One variant of an operation's error enum.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorVariant {
    /// The codes as the service returns them, sorted: several when they
    /// differ only in separators (`X.Y` and `XY`), so that no name depends on
    /// the order of the error table.
    pub codes: Vec<String>,
    /// Variant name.
    pub variant: String,
    /// The `is_...` predicate's name.
    pub predicate: String,
    /// HTTP statuses the table lists it under.
    pub statuses: Vec<u16>,
    /// Messages the table gives for it (deduplicated, in order).
    pub messages: Vec<String>,
}
