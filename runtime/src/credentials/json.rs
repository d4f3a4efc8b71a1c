//! Reading fields out of untyped JSON without echoing values.
//!
//! serde's typed errors quote the offending value ("invalid type: integer
//! `123`"), which could be a secret; going through `serde_json::Value` lets
//! errors name the field and the JSON type only.

use serde_json::{Map, Value};

/// Why a string field could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldProblem {
    /// The key is absent or `null`.
    Missing,
    /// The value is `""`.
    Empty,
    /// The value is not a string; holds the JSON type found.
    NotAString(&'static str),
}

impl FieldProblem {
    /// A sentence fragment: "is missing", "is empty", "must be a string, found a number".
    pub(crate) fn describe(self) -> String {
        match self {
            FieldProblem::Missing => "is missing".to_owned(),
            FieldProblem::Empty => "is empty".to_owned(),
            FieldProblem::NotAString(found) => format!("must be a string, found {found}"),
        }
    }
}

/// The JSON type of a value, with an article, for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A non-empty string field of `object`.
pub(crate) fn required_str<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a str, FieldProblem> {
    match optional_str(object, key)? {
        None => Err(FieldProblem::Missing),
        Some("") => Err(FieldProblem::Empty),
        Some(s) => Ok(s),
    }
}

/// A string field of `object` that may be absent or `null`.
pub(crate) fn optional_str<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, FieldProblem> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(FieldProblem::NotAString(type_name(other))),
    }
}

/// An `Expiration` as STS, the ECS metadata service and credentials URIs
/// write it: RFC 3339 in UTC (`2015-04-09T11:52:19Z`, fractions allowed),
/// the only form the official SDKs read.
pub(super) fn parse_expiration(
    text: &str,
) -> Result<std::time::SystemTime, humantime::TimestampError> {
    humantime::parse_rfc3339(text.trim())
}
