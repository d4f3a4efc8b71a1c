//! Checks a request's parameters against its operation's spec: required,
//! type, enum, `maxLength` and `maxItems`, reading each parameter in its wire
//! style (`repeatList`/`flat` numbered keys, `simple` comma lists, `json`).
//! Unknown parameters are ignored, as the real gateway does.

use alibabacloud_spec::{Parameter, Schema};
use std::collections::{BTreeMap, BTreeSet};

/// What is wrong with a parameter. The endpoint turns it into an error
/// answer; which code and status depends on the operation (see
/// `Endpoint::violation_error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A required parameter is absent.
    Missing {
        /// Wire name.
        name: String,
    },
    /// A value breaks its type, enum or length.
    Invalid {
        /// Wire name (of the offending key, e.g. `Tag.x.Key`).
        name: String,
        /// How.
        why: String,
    },
    /// A list has more items than `maxItems`.
    TooMany {
        /// Wire name.
        name: String,
        /// The limit.
        max: u64,
        /// What was sent.
        actual: u64,
    },
}

/// Checks `params` (query and form together) against `spec` in spec order;
/// the first violation wins.
pub fn check(spec: &[Parameter], params: &BTreeMap<String, String>) -> Result<(), Violation> {
    for p in spec {
        // RPC parameters travel in the query or the form body; header, path
        // and host parameters are not read from there.
        let in_params = matches!(
            p.location.as_deref(),
            None | Some("query") | Some("formData") | Some("body")
        );
        if in_params {
            check_one(p, params)?;
        }
    }
    Ok(())
}

fn check_one(p: &Parameter, params: &BTreeMap<String, String>) -> Result<(), Violation> {
    let name = p.name.as_str();
    let schema = &p.schema;
    let ty = schema.ty.as_deref().unwrap_or("string");
    let style = p.style.as_deref();
    let is_list = ty == "array";
    let numbered = matches!(style, Some("repeatList") | Some("flat"))
        || (style.is_none() && (ty == "array" || ty == "object"));

    if numbered {
        let prefix = format!("{name}.");
        let members: Vec<(&str, &str)> = params
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (&k[prefix.len()..], v.as_str()))
            .collect();
        let whole = params.get(name);
        if members.is_empty() && whole.is_none() {
            return required(p);
        }
        if !is_list {
            return Ok(());
        }
        // `Name.N` or `Name.N.Member`: N counts from 1.
        let mut indices = BTreeSet::new();
        for (rest, value) in &members {
            let (index, member) = rest.split_once('.').unwrap_or((rest, ""));
            match index.parse::<u64>() {
                Ok(n) if n >= 1 => {
                    indices.insert(n);
                }
                _ => {
                    return Err(Violation::Invalid {
                        name: format!("{name}.{rest}"),
                        why: "list items are numbered from 1 (Name.1, Name.2, ...)".into(),
                    })
                }
            }
            if member.is_empty() {
                if let Some(items) = &schema.items {
                    check_scalar(&format!("{name}.{index}"), items, value)?;
                }
            }
        }
        let count = indices.len() as u64 + u64::from(whole.is_some());
        return check_count(name, schema, count);
    }

    let Some(value) = params.get(name) else {
        return required(p);
    };
    match (ty, style) {
        ("array", Some("simple")) => {
            let items: Vec<&str> = value.split(',').collect();
            if let Some(item_schema) = &schema.items {
                for item in &items {
                    check_scalar(name, item_schema, item.trim())?;
                }
            }
            check_count(name, schema, items.len() as u64)
        }
        (_, Some("json")) | ("array", _) | ("object", _) => {
            let parsed: serde_json::Value =
                serde_json::from_str(value).map_err(|e| Violation::Invalid {
                    name: name.to_owned(),
                    why: format!("expected JSON text: {e}"),
                })?;
            match parsed {
                serde_json::Value::Array(a) if ty == "array" => {
                    check_count(name, schema, a.len() as u64)
                }
                _ if ty == "array" => Err(Violation::Invalid {
                    name: name.to_owned(),
                    why: "expected a JSON array".into(),
                }),
                serde_json::Value::Object(_) => Ok(()),
                _ if ty == "object" => Err(Violation::Invalid {
                    name: name.to_owned(),
                    why: "expected a JSON object".into(),
                }),
                _ => Ok(()),
            }
        }
        _ => check_scalar(name, schema, value),
    }
}

fn required(p: &Parameter) -> Result<(), Violation> {
    if p.schema.required == Some(true) {
        Err(Violation::Missing {
            name: p.name.clone(),
        })
    } else {
        Ok(())
    }
}

fn check_count(name: &str, schema: &Schema, actual: u64) -> Result<(), Violation> {
    match schema.max_items {
        Some(max) if actual > max => Err(Violation::TooMany {
            name: name.to_owned(),
            max,
            actual,
        }),
        _ => Ok(()),
    }
}

/// Type, enum and length of one scalar value.
fn check_scalar(name: &str, schema: &Schema, value: &str) -> Result<(), Violation> {
    let invalid = |why: String| Violation::Invalid {
        name: name.to_owned(),
        why,
    };
    let int32 = schema.format.as_deref() == Some("int32");
    // `(parses, what was expected)` for the typed kinds; strings take anything.
    let typed = match schema.ty.as_deref().unwrap_or("string") {
        "integer" if int32 => Some((value.parse::<i32>().is_ok(), "a 32-bit integer")),
        "integer" => Some((value.parse::<i64>().is_ok(), "an integer")),
        "number" => Some((value.parse::<f64>().is_ok_and(f64::is_finite), "a number")),
        "boolean" => Some((
            value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
            "true or false",
        )),
        _ => None,
    };
    if let Some((false, expected)) = typed {
        return Err(invalid(format!("expected {expected}, got {value:?}")));
    }
    if let Some(max) = schema.max_length {
        let len = value.chars().count() as u64;
        if len > max {
            return Err(invalid(format!(
                "{len} characters long; at most {max} are allowed"
            )));
        }
    }
    if let Some(allowed) = &schema.enum_values {
        let allowed: Vec<String> = allowed
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        if !allowed.is_empty() && !allowed.iter().any(|a| a == value) {
            return Err(invalid(format!(
                "{value:?} is not one of {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(json: serde_json::Value) -> Parameter {
        serde_json::from_value(json).unwrap()
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn spec() -> Vec<Parameter> {
        vec![
            param(
                serde_json::json!({"name": "DBInstanceId", "in": "query", "schema": {"type": "string", "required": true}}),
            ),
            param(
                serde_json::json!({"name": "SecurityGroupId", "in": "query", "style": "simple",
                "schema": {"type": "array", "required": true, "maxItems": 3, "items": {"type": "string"}}}),
            ),
            param(
                serde_json::json!({"name": "PageSize", "in": "query", "schema": {"type": "integer", "format": "int32"}}),
            ),
            param(
                serde_json::json!({"name": "Global", "in": "query", "schema": {"type": "boolean"}}),
            ),
            param(
                serde_json::json!({"name": "Mode", "in": "query", "schema": {"type": "string", "enum": ["A", "B"], "maxLength": 1}}),
            ),
            param(
                serde_json::json!({"name": "Tag", "in": "query", "style": "repeatList",
                "schema": {"type": "array", "maxItems": 2, "items": {"type": "object", "properties": {"Key": {"type": "string"}}}}}),
            ),
            param(
                serde_json::json!({"name": "Ids", "in": "query", "style": "repeatList",
                "schema": {"type": "array", "items": {"type": "integer"}}}),
            ),
            param(
                serde_json::json!({"name": "Doc", "in": "query", "style": "json",
                "schema": {"type": "array", "maxItems": 1}}),
            ),
            param(
                serde_json::json!({"name": "X-Header", "in": "header", "schema": {"type": "string", "required": true}}),
            ),
        ]
    }

    const BASE: [(&str, &str); 2] = [("DBInstanceId", "r-1"), ("SecurityGroupId", "sg-1,sg-2")];

    fn with(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut p = params(&BASE);
        p.extend(params(extra));
        p
    }

    #[test]
    fn a_valid_request_passes_and_header_params_are_not_required_here() {
        check(
            &spec(),
            &with(&[
                ("Tag.1.Key", "k"),
                ("Tag.2.Key", "k2"),
                ("Ids.1", "7"),
                ("Doc", "[1]"),
            ]),
        )
        .unwrap();
    }

    #[test]
    fn missing_required_in_spec_order() {
        let e = check(&spec(), &params(&[])).unwrap_err();
        assert_eq!(
            e,
            Violation::Missing {
                name: "DBInstanceId".into()
            }
        );
        let e = check(&spec(), &params(&[("DBInstanceId", "r")])).unwrap_err();
        assert_eq!(
            e,
            Violation::Missing {
                name: "SecurityGroupId".into()
            }
        );
    }

    #[test]
    fn too_many_items_in_each_style() {
        let e = check(&spec(), &with(&[("SecurityGroupId", "a,b,c,d")])).unwrap_err();
        assert_eq!(
            e,
            Violation::TooMany {
                name: "SecurityGroupId".into(),
                max: 3,
                actual: 4
            }
        );
        let e = check(
            &spec(),
            &with(&[("Tag.1.Key", "a"), ("Tag.2.Key", "b"), ("Tag.3.Key", "c")]),
        )
        .unwrap_err();
        assert!(matches!(e, Violation::TooMany { actual: 3, .. }));
        let e = check(&spec(), &with(&[("Doc", "[1,2]")])).unwrap_err();
        assert!(matches!(e, Violation::TooMany { actual: 2, .. }));
    }

    #[test]
    fn wrong_types_enums_lengths_and_numbering() {
        for extra in [
            ("PageSize", "ten"),
            ("PageSize", "99999999999"),
            ("Global", "yes"),
            ("Mode", "C"),
            ("Ids.1", "x"),
            ("Tag.0.Key", "k"),
            ("Tag.x.Key", "k"),
            ("Doc", "{not json"),
            ("Doc", "{}"),
        ] {
            let e = check(&spec(), &with(&[extra])).unwrap_err();
            assert!(matches!(e, Violation::Invalid { .. }), "{extra:?}: {e:?}");
        }
        check(
            &spec(),
            &with(&[("Global", "TRUE"), ("PageSize", "-3"), ("Mode", "A")]),
        )
        .unwrap();
    }
}
