//! A tolerant serde model of Alibaba Cloud's `api-docs.json` metadata format.
//!
//! Only the keys the generator reads are modelled; every other key is ignored,
//! because Alibaba adds keys over time and an unknown key must never break a
//! regeneration. Where the format is loose about a value's JSON type (numbers
//! sent as strings, `example` as a number), the field accepts either.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One `api-docs.json` file: a product at one API version.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApiDocs {
    /// Format version (`"1.0"`).
    pub version: Option<String>,
    /// Product, version and API style.
    pub info: Info,
    /// Shared schemas that `$ref` points into.
    pub components: Components,
    /// Operations by name, in file order.
    pub apis: IndexMap<String, Api>,
    /// Region endpoint table.
    pub endpoints: Vec<Endpoint>,
    /// RAM authorization information, where the file has it.
    pub ram: Option<Ram>,
}

/// The `info` block.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Info {
    /// `RPC`, `ROA`, or a special style (`OSS`, `FC`, ...).
    pub style: Option<String>,
    /// Product code as Alibaba spells it (`R-kvstore`).
    pub product: String,
    /// API version (`2015-01-01`).
    pub version: String,
}

/// The `components` block.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Components {
    /// Named schemas, targets of `#/components/schemas/<Name>`.
    pub schemas: IndexMap<String, Schema>,
}

/// One row of the endpoint table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Endpoint {
    /// Region id (`cn-hangzhou`).
    pub region_id: String,
    /// Host name serving that region.
    pub endpoint: String,
}

/// The top-level `ram` block (the docs' "authorization information").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Ram {
    /// One entry per operation.
    pub ram_actions: Vec<RamActionEntry>,
}

/// An operation's RAM entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RamActionEntry {
    /// Operation name.
    pub api_name: String,
    /// The action, its access level and resources.
    pub ram_action: RamAction,
}

/// The RAM action that authorizes an operation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RamAction {
    /// `product:Action`.
    pub action: String,
    /// Access level (`get`, `list`, `update`, ...).
    pub auth_level: Option<String>,
}

/// One operation under `apis`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Api {
    /// One-line summary.
    pub summary: Option<String>,
    /// Display title.
    pub title: Option<String>,
    /// Long description (Markdown).
    pub description: Option<String>,
    /// HTTP methods the operation accepts (`get`, `post`, ...).
    pub methods: Vec<String>,
    /// URL schemes (`http`, `https`).
    pub schemes: Vec<String>,
    /// Accepted authentication kinds, each a one-key object (`{"AK": []}`).
    pub security: Vec<BTreeMap<String, serde_json::Value>>,
    /// `read`, `write`, `readAndWrite`, or absent.
    pub operation_type: Option<String>,
    /// Whether the operation is deprecated.
    #[serde(deserialize_with = "lenient_bool")]
    pub deprecated: Option<bool>,
    /// Path template of ROA operations (`/clusters/{ClusterId}`).
    pub path: Option<String>,
    /// Request parameters.
    pub parameters: Vec<Parameter>,
    /// Responses by HTTP status.
    pub responses: BTreeMap<String, Response>,
    /// Error table by HTTP status.
    pub error_codes: BTreeMap<String, Vec<ErrorCode>>,
    /// JSON-encoded list of example responses.
    pub response_demo: Option<String>,
}

/// One request parameter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Parameter {
    /// Wire name.
    pub name: String,
    /// Location: `query`, `formData`, `path`, `body`, `header`, `host`.
    #[serde(rename = "in")]
    pub location: Option<String>,
    /// Encoding of lists and objects: `repeatList`, `flat`, `json`, `simple`, `xml`.
    pub style: Option<String>,
    /// The value's schema.
    pub schema: Schema,
}

/// A response entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Response {
    /// The body's schema.
    pub schema: Option<Schema>,
}

/// One row of an operation's error table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorCode {
    /// The code the service returns (`InvalidIzNo.NotSupported`).
    pub error_code: String,
    /// The message that goes with it.
    pub error_message: Option<String>,
    /// Optional explanation.
    pub description: Option<String>,
}

/// A JSON-schema-like type description.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Schema {
    /// Markdown description.
    pub description: Option<String>,
    /// Short title.
    pub title: Option<String>,
    /// `string`, `integer`, `number`, `boolean`, `array`, `object`, `any`, ...
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// `int32`, `int64`, `float`, `double`, `binary`, ...
    pub format: Option<String>,
    /// Whether the value is required (a boolean inside each schema).
    #[serde(deserialize_with = "lenient_bool")]
    pub required: Option<bool>,
    /// Whether the docs call it required (may disagree with `required`).
    #[serde(deserialize_with = "lenient_bool")]
    pub doc_required: Option<bool>,
    /// Whether the field is deprecated.
    #[serde(deserialize_with = "lenient_bool")]
    pub deprecated: Option<bool>,
    /// Upper bound on list length.
    #[serde(deserialize_with = "lenient_u64")]
    pub max_items: Option<u64>,
    /// Upper bound on string length (characters).
    #[serde(deserialize_with = "lenient_u64")]
    pub max_length: Option<u64>,
    /// Allowed values, when the set is closed.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<serde_json::Value>>,
    /// Example value.
    pub example: Option<serde_json::Value>,
    /// Object members, in file order.
    pub properties: Option<IndexMap<String, Schema>>,
    /// Element type of arrays.
    pub items: Option<Box<Schema>>,
    /// Value type of maps (`true` or a schema).
    pub additional_properties: Option<AdditionalProperties>,
    /// Reference into `components.schemas`.
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// Marks an XML-style wrapper object (`{"Regions": {"Region": [...]}}`).
    #[serde(deserialize_with = "lenient_bool")]
    pub item_node: Option<bool>,
}

/// `additionalProperties`: a schema for map values, or a bare boolean.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    /// `additionalProperties: true|false`.
    Bool(bool),
    /// `additionalProperties: { ...schema }`.
    Schema(Box<Schema>),
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Some(b),
        serde_json::Value::String(s) => match s.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    use serde::de::Error;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a non-negative integer, found {n}"))),
        serde_json::Value::String(s) => {
            s.trim().parse().map(Some).map_err(|_| {
                D::Error::custom(format!("expected a non-negative integer, found {s:?}"))
            })
        }
        other => Err(D::Error::custom(format!(
            "expected a non-negative integer, found {other}"
        ))),
    }
}

/// A spec file that could not be read or understood.
#[derive(Debug)]
pub struct SpecError {
    /// The file.
    pub file: PathBuf,
    /// JSON path of the offending value (`apis.Foo.parameters[2].schema.maxItems`), or empty.
    pub json_path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.json_path.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: at {}: {}",
                self.file.display(),
                self.json_path,
                self.message
            )
        }
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    /// Builds an error for `file` at `json_path`.
    pub fn new(file: &Path, json_path: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError {
            file: file.to_path_buf(),
            json_path: json_path.into(),
            message: message.into(),
        }
    }
}

/// Parses the text of an `api-docs.json`; `file` names it in errors.
pub fn parse(file: &Path, text: &str) -> Result<ApiDocs, SpecError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let docs: ApiDocs = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." { String::new() } else { path };
        SpecError::new(file, path, inner.to_string())
    })?;
    if docs.info.product.is_empty() {
        return Err(SpecError::new(file, "info.product", "missing product name"));
    }
    if docs.info.version.is_empty() {
        return Err(SpecError::new(file, "info.version", "missing API version"));
    }
    Ok(docs)
}

/// Reads and parses an `api-docs.json` file.
pub fn load(file: &Path) -> Result<ApiDocs, SpecError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| SpecError::new(file, "", format!("cannot read file: {e}")))?;
    parse(file, &text)
}
