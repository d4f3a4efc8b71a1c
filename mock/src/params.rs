//! Checks a request's parameters against its operation's spec: required,
//! type, enum, `minLength`/`maxLength`, `minimum`/`maximum` (exclusive or
//! not, compared as numbers whatever the JSON type of the value), `pattern`,
//! and `minItems`/`maxItems`, reading each parameter in its wire style
//! (`repeatList`/`flat` numbered keys, `simple` comma lists, `json`).
//! Unknown parameters are ignored, as the real gateway does.

use alibabacloud_spec::{Parameter, Schema};
use regex_lite::Regex;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

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

/// What an ROA request carries, split by where the spec places parameters.
#[derive(Debug, Clone, Copy)]
pub struct RoaInput<'a> {
    /// Decoded query parameters.
    pub query: &'a BTreeMap<String, String>,
    /// Path parameters taken from the template, decoded.
    pub path: &'a BTreeMap<String, String>,
    /// Request headers, names lowercased.
    pub headers: &'a [(String, String)],
    /// Form-body parameters, when the body is a form.
    pub form: &'a BTreeMap<String, String>,
    /// The raw body.
    pub body: &'a [u8],
}

/// Checks an ROA request against `spec` in spec order; the first violation
/// wins.
///
/// Path, query, header and form parameters are read as RPC ones are (same
/// styles, same rules). The body: when the operation has a single `body`
/// parameter that is an object, an array, a `$ref` or `style: json`, the
/// whole body is its JSON value (as the official SDKs send it), checked
/// member by member: required members, types, enums, `maxLength`,
/// `maxItems`, at any depth. A scalar `body` parameter is the raw body
/// (present or not). Several body parameters are members of one JSON object
/// body. `host` parameters (SLS's project) are in the host name, which this
/// endpoint does not route by, so they are not checked.
pub fn check_roa(spec: &[Parameter], input: &RoaInput<'_>) -> Result<(), Violation> {
    let body_params: Vec<&Parameter> = spec
        .iter()
        .filter(|p| p.location.as_deref() == Some("body"))
        .collect();
    let whole_body = match body_params.as_slice() {
        [only] => {
            let s = &only.schema;
            let ty = s.ty.as_deref();
            s.properties.is_some()
                || s.reference.is_some()
                || matches!(ty, Some("object") | Some("array"))
                || only.style.as_deref() == Some("json")
                || (ty.is_none() && only.name == "body")
        }
        _ => false,
    };
    // Parsed once, when some body parameter needs it.
    let mut parsed: Option<Result<serde_json::Value, String>> = None;
    let mut parse_body = || {
        parsed
            .get_or_insert_with(|| {
                if input.body.iter().all(u8::is_ascii_whitespace) {
                    Ok(serde_json::Value::Null)
                } else if !input.form.is_empty() {
                    // A form body (the SDKs' `formData` ROA calls): its
                    // members, as strings; the scalar rules coerce them.
                    Ok(serde_json::Value::Object(
                        input
                            .form
                            .iter()
                            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                            .collect(),
                    ))
                } else {
                    serde_json::from_slice(input.body).map_err(|e| format!("expected JSON: {e}"))
                }
            })
            .clone()
    };
    for p in spec {
        match p.location.as_deref() {
            Some("path") => check_one(p, input.path)?,
            None | Some("query") => check_one(p, input.query)?,
            Some("formData") => check_one(p, input.form)?,
            Some("header") => {
                let lower = p.name.to_ascii_lowercase();
                let value: BTreeMap<String, String> = input
                    .headers
                    .iter()
                    .find(|(k, _)| *k == lower)
                    .map(|(_, v)| (p.name.clone(), v.clone()))
                    .into_iter()
                    .collect();
                check_one(p, &value)?
            }
            Some("body") if whole_body => {
                let ty = p.schema.ty.as_deref();
                let scalar_body = matches!(ty, Some(t) if t != "object" && t != "array")
                    && p.schema.properties.is_none();
                if scalar_body {
                    if input.body.is_empty() {
                        required(p)?;
                    }
                    continue;
                }
                match parse_body() {
                    Err(why) => {
                        return Err(Violation::Invalid {
                            name: p.name.clone(),
                            why,
                        })
                    }
                    Ok(serde_json::Value::Null) => required(p)?,
                    Ok(value) => check_json("", &p.name, &p.schema, &value, 0)?,
                }
            }
            Some("body") => {
                let member = match parse_body() {
                    Err(why) => {
                        return Err(Violation::Invalid {
                            name: p.name.clone(),
                            why,
                        })
                    }
                    Ok(serde_json::Value::Object(mut m)) => m.remove(&p.name),
                    Ok(serde_json::Value::Null) => None,
                    Ok(_) => {
                        return Err(Violation::Invalid {
                            name: p.name.clone(),
                            why: "the body must be a JSON object of the body parameters".into(),
                        })
                    }
                };
                match member {
                    None | Some(serde_json::Value::Null) => required(p)?,
                    Some(v) => check_json("", &p.name, &p.schema, &v, 0)?,
                }
            }
            // `host`, and positions the corpus does not use.
            _ => {}
        }
    }
    Ok(())
}

/// Checks one JSON value against its schema. `path` is the value's place in
/// the body (`nodepool_info.name`, `tags.2.key`; empty for the body itself),
/// `root` the body parameter's name, used when `path` is empty.
///
/// Scalars are coerced the way the Java services behind the gateway read
/// JSON (Jackson's defaults): a number or boolean is accepted where a string
/// is declared, and a numeric string where a number is; an object or array
/// is never accepted for a scalar, nor a scalar for one.
fn check_json(
    path: &str,
    root: &str,
    schema: &Schema,
    value: &serde_json::Value,
    depth: u32,
) -> Result<(), Violation> {
    use serde_json::Value;
    let name = if path.is_empty() { root } else { path };
    let invalid = |why: String| Violation::Invalid {
        name: name.to_owned(),
        why,
    };
    // Deeper than any real schema; a self-referencing one stops here.
    if depth > 32 {
        return Ok(());
    }
    let child = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    let ty = schema
        .ty
        .as_deref()
        .or(schema.properties.as_ref().map(|_| "object"));
    match (ty, value) {
        (_, Value::Null) => Ok(()),
        (Some("object"), Value::Object(members)) => {
            if let Some(props) = &schema.properties {
                for (key, prop) in props {
                    match members.get(key) {
                        None | Some(Value::Null) if prop.required == Some(true) => {
                            return Err(Violation::Missing { name: child(key) })
                        }
                        None | Some(Value::Null) => {}
                        Some(v) => check_json(&child(key), root, prop, v, depth + 1)?,
                    }
                }
            }
            Ok(())
        }
        (Some("object"), other) => Err(invalid(format!(
            "expected a JSON object, got {}",
            kind(other)
        ))),
        (Some("array"), Value::Array(items)) => {
            if let Some(item_schema) = &schema.items {
                for (i, item) in items.iter().enumerate() {
                    check_json(
                        &child(&(i + 1).to_string()),
                        root,
                        item_schema,
                        item,
                        depth + 1,
                    )?;
                }
            }
            check_count(name, schema, items.len() as u64)
        }
        (Some("array"), other) => Err(invalid(format!(
            "expected a JSON array, got {}",
            kind(other)
        ))),
        (_, Value::Object(_) | Value::Array(_)) if ty.is_some() && ty != Some("any") => {
            Err(invalid(format!(
                "expected {}, got {}",
                ty.unwrap_or("a scalar"),
                kind(value)
            )))
        }
        (_, Value::String(s)) => check_scalar(name, schema, s),
        (_, Value::Number(_) | Value::Bool(_)) => check_scalar(name, schema, &value.to_string()),
        _ => Ok(()),
    }
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
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
    match (schema.min_items, schema.max_items) {
        (_, Some(max)) if actual > max => Err(Violation::TooMany {
            name: name.to_owned(),
            max,
            actual,
        }),
        (Some(min), _) if actual < min => Err(Violation::Invalid {
            name: name.to_owned(),
            why: format!("{actual} items; at least {min} are required"),
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
    if schema.max_length.is_some() || schema.min_length.is_some() {
        let len = value.chars().count() as u64;
        if let Some(max) = schema.max_length.filter(|max| len > *max) {
            return Err(invalid(format!(
                "{len} characters long; at most {max} are allowed"
            )));
        }
        if let Some(min) = schema.min_length.filter(|min| len < *min) {
            return Err(invalid(format!(
                "{len} characters long; at least {min} are required"
            )));
        }
    }
    check_bounds(schema, value).map_err(invalid)?;
    if let Some(pattern) = schema.pattern.as_deref() {
        // A pattern the engine cannot compile is not checked; the catalog
        // reported it once when the spec loaded (`pattern_error`).
        if let Some(re) = compiled(pattern) {
            if !re.is_match(value) {
                return Err(invalid(format!(
                    "{value:?} does not match the pattern {pattern}"
                )));
            }
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

/// `minimum` and `maximum` (each exclusive when its flag says so), compared
/// as numbers: clients send every value as text, and the spec writes the
/// bounds as strings (`"1"`, `"100"`). A value that is not a number is left
/// to the type check (a string parameter may carry bounds the metadata
/// meant for something else).
fn check_bounds(schema: &Schema, value: &str) -> Result<(), String> {
    if schema.minimum.is_none() && schema.maximum.is_none() {
        return Ok(());
    }
    if let Some(min) = schema.minimum.as_deref() {
        let exclusive = schema.exclusive_minimum == Some(true);
        match compare_numbers(value, min) {
            Some(Ordering::Less) => {
                return Err(format!("{value} is less than the minimum {min}"));
            }
            Some(Ordering::Equal) if exclusive => {
                return Err(format!("{value} must be greater than {min}"));
            }
            _ => {}
        }
    }
    if let Some(max) = schema.maximum.as_deref() {
        let exclusive = schema.exclusive_maximum == Some(true);
        match compare_numbers(value, max) {
            Some(Ordering::Greater) => {
                return Err(format!("{value} is greater than the maximum {max}"));
            }
            Some(Ordering::Equal) if exclusive => {
                return Err(format!("{value} must be less than {max}"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// `a` against `b`, both decimal text: exactly as integers when both are
/// (64-bit bounds stay exact), else as finite floats; `None` when either is
/// not a number.
fn compare_numbers(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (a.trim(), b.trim());
    if let (Ok(x), Ok(y)) = (a.parse::<i128>(), b.parse::<i128>()) {
        return Some(x.cmp(&y));
    }
    let x = a.parse::<f64>().ok().filter(|x| x.is_finite())?;
    let y = b.parse::<f64>().ok().filter(|y| y.is_finite())?;
    x.partial_cmp(&y)
}

/// Compiled patterns by their text, `None` for those the engine refuses;
/// the spec's patterns are few and short, so the map stays small.
type PatternCache = Mutex<HashMap<String, Option<Arc<Regex>>>>;

fn pattern_cache() -> &'static PatternCache {
    static CACHE: OnceLock<PatternCache> = OnceLock::new();
    CACHE.get_or_init(PatternCache::default)
}

/// `pattern` compiled to match the whole value (JSON Schema's patterns
/// search; Alibaba's are anchored anyway, `^\d+$`), or `None` when it does
/// not compile.
fn compiled(pattern: &str) -> Option<Arc<Regex>> {
    let mut cache = pattern_cache().lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern.to_owned())
        .or_insert_with(|| Regex::new(&format!("^(?:{pattern})$")).ok().map(Arc::new))
        .clone()
}

/// Why `pattern` cannot be checked, or `None` when it compiles; the
/// catalog calls this for every pattern of a spec it loads, to report each
/// one that is not checked.
pub fn pattern_error(pattern: &str) -> Option<String> {
    if compiled(pattern).is_some() {
        return None;
    }
    Some(match Regex::new(pattern) {
        Err(e) => e
            .to_string()
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        Ok(_) => "it cannot be anchored to match the whole value".to_owned(),
    })
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

    fn limited(schema: serde_json::Value) -> Vec<Parameter> {
        vec![param(
            serde_json::json!({"name": "N", "in": "query", "schema": schema}),
        )]
    }

    fn why(spec: &[Parameter], value: &str) -> Option<String> {
        match check(spec, &params(&[("N", value)])) {
            Ok(()) => None,
            Err(Violation::Invalid { name, why }) => {
                assert_eq!(name, "N");
                Some(why)
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn numeric_bounds_are_compared_as_numbers() {
        let spec =
            limited(serde_json::json!({"type": "integer", "minimum": "1", "maximum": "100"}));
        assert_eq!(why(&spec, "1"), None);
        assert_eq!(why(&spec, "100"), None);
        assert_eq!(
            why(&spec, "9"),
            None,
            "not compared as text (\"9\" > \"100\")"
        );
        assert_eq!(
            why(&spec, "101").as_deref(),
            Some("101 is greater than the maximum 100")
        );
        assert_eq!(
            why(&spec, "0").as_deref(),
            Some("0 is less than the minimum 1")
        );
        assert!(why(&spec, "-5").is_some());
        // Exclusive bounds; a number given as a JSON number; decimals.
        let spec = limited(
            serde_json::json!({"type": "number", "minimum": 0, "exclusiveMinimum": true,
            "maximum": "2.5", "exclusiveMaximum": "true"}),
        );
        assert_eq!(why(&spec, "0").as_deref(), Some("0 must be greater than 0"));
        assert_eq!(
            why(&spec, "2.5").as_deref(),
            Some("2.5 must be less than 2.5")
        );
        assert_eq!(why(&spec, "0.001"), None);
        assert_eq!(why(&spec, "2.49"), None);
        // 64-bit bounds stay exact.
        let spec =
            limited(serde_json::json!({"type": "integer", "maximum": "9223372036854775806"}));
        assert_eq!(why(&spec, "9223372036854775806"), None);
        assert!(why(&spec, "9223372036854775807").is_some());
        // A string parameter whose value is not a number: bounds do not apply.
        let spec = limited(serde_json::json!({"type": "string", "minimum": "1"}));
        assert_eq!(why(&spec, "abc"), None);
        assert!(why(&spec, "0").is_some());
    }

    #[test]
    fn min_length_min_items_and_patterns() {
        let spec =
            limited(serde_json::json!({"type": "string", "minLength": "2", "pattern": "^[a-z]+$"}));
        assert_eq!(why(&spec, "ab"), None);
        assert_eq!(
            why(&spec, "a").as_deref(),
            Some("1 characters long; at least 2 are required")
        );
        assert_eq!(
            why(&spec, "aB").as_deref(),
            Some("\"aB\" does not match the pattern ^[a-z]+$")
        );
        // An unanchored pattern must still match the whole value.
        let spec = limited(serde_json::json!({"type": "string", "pattern": "\\d+"}));
        assert_eq!(why(&spec, "123"), None);
        assert!(why(&spec, "a123").is_some());
        // The corpus's class with a dash after a range compiles.
        assert_eq!(
            pattern_error("^[0-9a-zA-Z][0-9a-zA-Z-_]{0,126}[0-9a-zA-Z]$"),
            None
        );
        // A pattern the engine refuses is not checked, and says why.
        let broken = "^(?<=a)b[$";
        assert!(pattern_error(broken).is_some());
        let spec = limited(serde_json::json!({"type": "string", "pattern": broken}));
        assert_eq!(why(&spec, "anything"), None);
        // minItems, in the JSON style.
        let spec = vec![param(
            serde_json::json!({"name": "N", "in": "query", "style": "json",
                "schema": {"type": "array", "minItems": 2}}),
        )];
        assert_eq!(
            why(&spec, "[1]").as_deref(),
            Some("1 items; at least 2 are required")
        );
        assert_eq!(why(&spec, "[1,2]"), None);
    }
}
