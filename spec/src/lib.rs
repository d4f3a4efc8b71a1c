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

/// One row of an operation's error table, read by the one rule every reader
/// shares: the status must be an HTTP status number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// HTTP status.
    pub status: u16,
    /// The code, trimmed.
    pub code: String,
    /// The message, trimmed (empty when the table has none).
    pub message: String,
}

impl Api {
    /// The error table's rows sorted by (status, code), and a note, with
    /// its JSON path under `apis.<name>`, for each status key that is not an
    /// HTTP status (its rows are left out) and each row without a code.
    pub fn error_rows(&self, name: &str) -> (Vec<ErrorRow>, Vec<String>) {
        let mut rows = Vec::new();
        let mut notes = Vec::new();
        for (status_text, codes) in &self.error_codes {
            let Some(status) = status_text
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|s| (100..600).contains(s))
            else {
                notes.push(format!(
                    "apis.{name}.errorCodes.{status_text:?}: not an HTTP status; its {} rows are left out",
                    codes.len()
                ));
                continue;
            };
            for (i, row) in codes.iter().enumerate() {
                let code = row.error_code.trim();
                if code.is_empty() {
                    notes.push(format!(
                        "apis.{name}.errorCodes.{status_text}[{i}]: a row without a code is left out"
                    ));
                    continue;
                }
                rows.push(ErrorRow {
                    status,
                    code: code.to_string(),
                    message: row
                        .error_message
                        .as_deref()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                });
            }
        }
        rows.sort_by(|a, b| (a.status, &a.code).cmp(&(b.status, &b.code)));
        (rows, notes)
    }

    /// The JSON example of a success response: the `type: json` entry of
    /// `responseDemo` (itself JSON text holding a list), parsed. `Ok(None)`
    /// when the metadata has none; `Err` with the JSON path when it has one
    /// that does not parse.
    pub fn json_example(&self, name: &str) -> Result<Option<serde_json::Value>, String> {
        let Some(text) = self.response_demo.as_deref() else {
            return Ok(None);
        };
        let path = format!("apis.{name}.responseDemo");
        let list: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{path}: not a JSON list of examples: {e}"))?;
        let Some(entries) = list.as_array() else {
            return Err(format!("{path}: not a JSON list of examples"));
        };
        let Some((i, entry)) = entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.get("type").and_then(|t| t.as_str()) == Some("json"))
        else {
            return Ok(None);
        };
        let Some(example) = entry.get("example").and_then(|e| e.as_str()) else {
            return Ok(None);
        };
        if example.trim().is_empty() {
            return Ok(None);
        }
        serde_json::from_str(example)
            .map(Some)
            .map_err(|e| format!("{path}[{i}].example: not JSON: {e}"))
    }
}

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
    #[serde(deserialize_with = "prose")]
    pub summary: Option<String>,
    /// Display title.
    #[serde(deserialize_with = "prose")]
    pub title: Option<String>,
    /// Long description (Markdown).
    #[serde(deserialize_with = "prose")]
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
    #[serde(deserialize_with = "prose")]
    pub error_message: Option<String>,
    /// Optional explanation.
    #[serde(deserialize_with = "prose")]
    pub description: Option<String>,
}

/// A JSON-schema-like type description.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Schema {
    /// Markdown description.
    #[serde(deserialize_with = "prose")]
    pub description: Option<String>,
    /// Short title.
    #[serde(deserialize_with = "prose")]
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
    /// Lower bound on list length.
    #[serde(deserialize_with = "lenient_u64")]
    pub min_items: Option<u64>,
    /// Lower bound on string length (characters).
    #[serde(deserialize_with = "lenient_u64")]
    pub min_length: Option<u64>,
    /// Lower bound of a number, as the file writes it (`"1"`, `1`, `0.5`).
    #[serde(deserialize_with = "number_text")]
    pub minimum: Option<String>,
    /// Upper bound of a number, as the file writes it.
    #[serde(deserialize_with = "number_text")]
    pub maximum: Option<String>,
    /// Whether `minimum` itself is excluded.
    #[serde(deserialize_with = "lenient_bool")]
    pub exclusive_minimum: Option<bool>,
    /// Whether `maximum` itself is excluded.
    #[serde(deserialize_with = "lenient_bool")]
    pub exclusive_maximum: Option<bool>,
    /// A regular expression the whole value must match (`^\d+$`).
    pub pattern: Option<String>,
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

/// Prose: a string, or a list of strings (one per line), as some files
/// write it (airec 2020-11-26, R-kvstore 2015-01-01 of 2025-03-07); anything
/// else is no text rather than a refused file.
fn prose<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Array(items) => {
            let lines: Vec<String> = items
                .into_iter()
                .filter_map(|item| match item {
                    serde_json::Value::String(s) => Some(s),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        }
        _ => None,
    })
}

/// A bound written as a number or as a string holding one; anything else
/// (an empty string, a word) is no bound, since the metadata is hand-edited.
fn number_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
            Some(s.trim().to_string())
        }
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {

    #[test]
    fn prose_may_be_a_list_of_strings() {
        let api: Api = serde_json::from_str(
            r#"{"summary":["Lists","things."],"parameters":[{"name":"Mode","schema":{"type":"integer","description":["Valid values:","- 0"],"title":[]}}]}"#,
        )
        .unwrap();
        assert_eq!(api.summary.as_deref(), Some("Lists\nthings."));
        let schema = &api.parameters[0].schema;
        assert_eq!(schema.description.as_deref(), Some("Valid values:\n- 0"));
        assert_eq!(schema.title, None);
        let odd: Schema = serde_json::from_str(r#"{"description":{"en":"x"}}"#).unwrap();
        assert_eq!(
            odd.description, None,
            "anything else is no text, not an error"
        );
    }
    use super::*;

    fn api(json: &str) -> Api {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn error_rows_follow_one_rule_and_report_the_rest() {
        let a = api(
            r#"{"errorCodes":{"404":[{"errorCode":"B"},{"errorCode":" A "}],"400":[{"errorCode":"C","errorMessage":" m "}],"Http":[{"errorCode":"D"}],"500":[{"errorCode":""}]}}"#,
        );
        let (rows, notes) = a.error_rows("Op");
        let got: Vec<(u16, &str, &str)> = rows
            .iter()
            .map(|r| (r.status, r.code.as_str(), r.message.as_str()))
            .collect();
        assert_eq!(got, [(400, "C", "m"), (404, "A", ""), (404, "B", "")]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes
            .iter()
            .any(|n| n.contains("apis.Op.errorCodes.\"Http\": not an HTTP status")));
        assert!(notes
            .iter()
            .any(|n| n.contains("apis.Op.errorCodes.500[0]")));
    }

    #[test]
    fn the_json_example_is_found_or_reported() {
        let demo = |d: &str| api(&serde_json::json!({ "responseDemo": d }).to_string());
        assert_eq!(
            demo(r#"[{"type":"xml","example":"<a/>"},{"type":"json","example":"{\"RequestId\":\"X\"}"}]"#)
                .json_example("Op"),
            Ok(Some(serde_json::json!({"RequestId": "X"})))
        );
        assert_eq!(api("{}").json_example("Op"), Ok(None));
        assert_eq!(
            demo(r#"[{"type":"json","example":""}]"#).json_example("Op"),
            Ok(None)
        );
        let broken = demo(r#"[{"type":"json","example":"{broken"}]"#).json_example("Op");
        assert!(broken
            .unwrap_err()
            .starts_with("apis.Op.responseDemo[0].example: not JSON"));
        let not_list = demo("not json").json_example("Op");
        assert!(not_list
            .unwrap_err()
            .starts_with("apis.Op.responseDemo: not a JSON list"));
    }
}
