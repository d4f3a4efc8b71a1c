//! From a parsed spec to the IR: the product, its operations, their
//! parameters, paths and docs.

use super::*;
use crate::docs::rustdoc;
use crate::naming::{camel, escape_ident, plural_snake, snake, unique_names, Namespace};
use crate::spec::{Api, ApiDocs, Schema, SpecError};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::errors::*;
use super::paging::*;
use super::types::*;

/// Builds the IR of one spec file. `spec_path` is the repository-relative
/// path named in headers; `file` is used in error messages.
pub fn lower(docs: &ApiDocs, spec_path: &str, file: &Path) -> Result<Product, SpecError> {
    if docs.apis.is_empty() {
        return Err(SpecError::new(
            file,
            "apis",
            "the spec defines no operations",
        ));
    }
    let code = docs.info.product.to_ascii_lowercase();
    let style = ApiStyle::from_spec(docs.info.style.as_deref());
    let mut endpoints: Vec<(String, String)> = docs
        .endpoints
        .iter()
        .filter(|e| !e.region_id.is_empty() && !e.endpoint.is_empty())
        .map(|e| (e.region_id.clone(), e.endpoint.clone()))
        .collect();
    endpoints.sort();
    endpoints.dedup_by(|a, b| a.0 == b.0);

    let ram: BTreeMap<&str, (&str, Option<&str>)> = docs
        .ram
        .iter()
        .flat_map(|r| r.ram_actions.iter())
        .map(|e| {
            (
                e.api_name.as_str(),
                (
                    e.ram_action.action.as_str(),
                    e.ram_action.auth_level.as_deref(),
                ),
            )
        })
        .collect();

    let mut operations = Vec::new();
    let mut skipped = Vec::new();
    let mut degraded = Vec::new();
    // Operation modules double as methods of the product `Client`.
    let mut modules =
        Namespace::with_reserved(&["client", "new", "from_env", "config", "rt", "types"]);
    // `DescribeFoo` and `describeFoo` would both make `DescribeFooRequest`.
    let mut type_bases = Namespace::default();
    let mut names: Vec<&String> = docs.apis.keys().collect();
    names.sort();
    let (shared, ref_names) = SharedTypes::new(docs);
    let shared = std::cell::RefCell::new(shared);
    for name in names {
        // Where the example contradicts a declared integer, the field reads
        // as a float: a user's call should not fail on a documentation
        // mistake. Each widening is reported.
        let widened = widen_to_example(&docs.apis[name], name);
        let (api, widen_notes) = match &widened {
            Some((api, notes)) => (api, notes.clone()),
            None => (&docs.apis[name], Vec::new()),
        };
        let ctx = Ctx {
            docs,
            shared: &shared,
            ref_names: &ref_names,
            style: &style,
            notes: Default::default(),
            contested: Default::default(),
            wanted: Default::default(),
            empty: Schema::default(),
        };
        let lowered = if let ApiStyle::Unsupported(style) = &style {
            Err(Lowering::Unsupported(Unsupported(format!(
                "info.style: API style {style:?} (its own signature and addressing) is not supported"
            ))))
        } else {
            // A prefix, never a name on its own: `self` gives `SelfRequest`.
            let type_base = type_bases.claim(&camel(name));
            let ram = ram.get(name.as_str()).copied();
            let first = lower_operation(&ctx, name, &type_base, api, ram);
            // Names two places want are given by owner instead, in a second
            // lowering, so that no name depends on which came first.
            let contested: BTreeSet<String> = ctx
                .wanted
                .borrow()
                .iter()
                .filter(|(_, places)| places.len() > 1)
                .map(|(hint, _)| hint.clone())
                .collect();
            if first.is_ok() && !contested.is_empty() {
                *ctx.contested.borrow_mut() = contested;
                lower_operation(&ctx, name, &type_base, api, ram)
            } else {
                first
            }
        };
        match lowered {
            Err(Lowering::Invalid(problem)) => return Err(SpecError::new(file, "", problem)),
            Ok(mut op) => {
                op.module = escape_ident(&modules.claim(&snake(name)));
                operations.push(op);
                degraded.extend(widen_notes.into_iter().map(|reason| Skipped {
                    operation: name.clone(),
                    reason,
                }));
                degraded.extend(ctx.notes.take().into_iter().map(|reason| Skipped {
                    operation: name.clone(),
                    reason,
                }));
            }
            Err(Lowering::Unsupported(Unsupported(reason))) => skipped.push(Skipped {
                operation: name.clone(),
                reason,
            }),
        }
    }

    let mut shared = shared.into_inner();
    super::shared_enums::share_enums(&mut operations, &mut shared.enums, &shared.structs);
    Ok(Product {
        name: docs.info.product.clone(),
        module: versioned_module(&code, &docs.info.version),
        feature: versioned_feature(&code, &docs.info.version),
        alias: None,
        code,
        version: docs.info.version.clone(),
        style,
        spec_path: spec_path.to_string(),
        endpoints,
        operations,
        types: shared.structs,
        type_enums: shared.enums,
        skipped,
        degraded,
    })
}

/// The runtime's own module names: a product module of the same name would
/// be shadowed in the SDK and clash in a standalone crate.
pub(super) const RUNTIME_MODULES: &[&str] = &[
    "client",
    "config",
    "credentials",
    "de",
    "endpoint",
    "error",
    "generated",
    "operation",
    "paginate",
    "params",
    "response",
    "retry",
    "signer",
    "transport",
    "validate",
    "test_util",
];

/// The module (and feature-gated path) of a product: `r-kvstore` is
/// `r_kvstore`; a product named like a runtime module gets `_api`.
pub fn product_module(code: &str) -> String {
    let base = snake(code);
    if RUNTIME_MODULES.contains(&base.as_str()) {
        format!("{base}_api")
    } else {
        escape_ident(&base)
    }
}

/// The version's letters and digits (`2015-01-01` -> `20150101`).
fn version_tag(version: &str) -> String {
    version
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The module of one product version: `r_kvstore_20150101`. Versioned
/// names never change meaning; the plain name ([`product_module`]) is an
/// alias of the catalogue's default version.
pub fn versioned_module(code: &str, version: &str) -> String {
    escape_ident(&format!("{}_{}", snake(code), version_tag(version)))
}

/// The cargo feature of one product version: `r-kvstore-20150101`.
pub fn versioned_feature(code: &str, version: &str) -> String {
    format!("{code}-{}", version_tag(version))
}

/// A construct the generator cannot express yet: the JSON path and what.
#[derive(Debug)]
pub(super) struct Unsupported(pub(super) String);

/// Why an operation was not lowered.
#[derive(Debug)]
pub(super) enum Lowering {
    /// Skipped and reported; the rest of the product is generated.
    Unsupported(Unsupported),
    /// The spec is wrong in a way that must stop generation (JSON path and what).
    Invalid(String),
}

impl From<Unsupported> for Lowering {
    fn from(u: Unsupported) -> Self {
        Lowering::Unsupported(u)
    }
}

/// Methods of every operation builder besides the parameter setters. A
/// parameter whose name is one of these gets a numbered name instead. Per-call
/// options belong behind `customize`, never beside the setters, so that no
/// later SDK feature can take a name a parameter already has (ECS has a
/// `Timeout` parameter).
pub const BUILDER_METHODS: &[&str] = &["new", "send", "request", "into_paginator", "customize"];

/// The product's shared types, filled as operations reference them.
pub(super) struct Ctx<'a> {
    pub(super) docs: &'a ApiDocs,
    /// Shared across the product's operations.
    pub(super) shared: &'a std::cell::RefCell<SharedTypes>,
    /// The Rust names of `components.schemas`, by `$ref`.
    pub(super) ref_names: &'a BTreeMap<String, String>,
    pub(super) style: &'a ApiStyle,
    /// Where the spec is broken but the operation can still be generated.
    pub(super) notes: std::cell::RefCell<Vec<String>>,
    /// Struct and enum names more than one place of this operation wants
    /// (found by a first lowering): those places all take their owner's
    /// name as prefix, so none of them wins by coming first.
    pub(super) contested: std::cell::RefCell<BTreeSet<String>>,
    /// What the first lowering saw: each struct name hint with the JSON paths
    /// that want it, and each enum hint with its value sets.
    pub(super) wanted: std::cell::RefCell<BTreeMap<String, BTreeSet<String>>>,
    /// Stands in for the target of a dangling `$ref` (lowers to free-form JSON).
    pub(super) empty: Schema,
}

impl Ctx<'_> {
    /// Records a note once (a schema may be resolved more than once).
    pub(super) fn note(&self, text: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&text) {
            notes.push(text);
        }
    }
}

pub(super) fn lower_operation(
    ctx: &Ctx<'_>,
    name: &str,
    type_base: &str,
    api: &Api,
    ram: Option<(&str, Option<&str>)>,
) -> Result<Operation, Lowering> {
    let request_type = format!("{type_base}Request");
    let builder_type = format!("{type_base}Builder");
    let response_type = format!("{type_base}Response");
    let error_type = format!("{type_base}Error");
    let mut names = Namespace::with_reserved(&[
        &request_type,
        &builder_type,
        &response_type,
        &error_type,
        "Client",
        "DESCRIPTOR",
    ]);

    // Request side.
    let mut params = Vec::new();
    let mut param_bases = Vec::new();
    let mut sink = TypeSink {
        names: &mut names,
        structs: Vec::new(),
        enums: Vec::new(),
        enum_keys: BTreeMap::new(),
        refs: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        response_side: false,
        shared: false,
    };
    let mut first_index: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
    let mut spec_index = Vec::new();
    for (i, p) in api.parameters.iter().enumerate() {
        let path = format!("apis.{name}.parameters[{i}]");
        // Real metadata repeats a parameter now and then (ECS lists
        // `RegionId` twice in 100 operations): one wire parameter, sent once.
        let key = (p.name.as_str(), p.location.as_deref());
        if let Some(first) = first_index.get(&key) {
            ctx.note(format!(
                "{path}: {:?} repeats apis.{name}.parameters[{first}]; the first is used",
                p.name
            ));
            continue;
        }
        first_index.insert(key, i);
        spec_index.push(i);
        let location = match p.location.as_deref().unwrap_or("query") {
            "query" => Location::Query,
            "formData" => Location::Form,
            "path" => Location::Path,
            "body" => Location::Body,
            "header" => Location::Header,
            "host" => Location::Host,
            other => {
                return Err(Unsupported(format!("{path}.in: parameter location {other:?}")).into())
            }
        };
        let schema = resolve(ctx, &p.schema, &format!("{path}.schema"))?;
        // The unresolved schema, so a `$ref` names its struct after the target.
        let ty = lower_type(
            ctx,
            &mut sink,
            "",
            &p.schema,
            &camel(&p.name),
            &format!("{path}.schema"),
        )?;
        let is_list = matches!(ty, Type::List(_));
        let is_compound = matches!(
            ty,
            Type::List(_) | Type::Struct(_) | Type::Shared(_) | Type::Map(_)
        );
        let encoding = match p.style.as_deref() {
            Some("repeatList") | Some("flat") => Encoding::Flat,
            Some("json") => Encoding::Json,
            Some("simple") => Encoding::Simple,
            Some(other) => {
                return Err(Unsupported(format!("{path}.style: parameter style {other:?}")).into())
            }
            None if is_compound && location == Location::Body => Encoding::Json,
            None if is_compound => Encoding::Flat,
            None => Encoding::Plain,
        };
        // A ROA body that is a list is still one body (`body`, not `bodies`).
        param_bases.push(if is_list && location != Location::Body {
            plural_snake(&p.name)
        } else {
            snake(&p.name)
        });
        let allowed: Vec<String> = schema
            .enum_values
            .iter()
            .flatten()
            .filter_map(json_scalar_text)
            .collect();
        let checks = param_checks(&ty, schema, &allowed);
        params.push(Param {
            checks,
            wire_name: p.name.clone(),
            ident: String::new(),
            location,
            encoding,
            ty,
            required: schema.required == Some(true),
            max_items: schema.max_items,
            max_length: schema.max_length,
            allowed,
            example: schema
                .example
                .as_ref()
                .and_then(json_scalar_text)
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty() && !e.contains('\n')),
            docs: field_docs(schema),
        });
    }
    // Setters share the builder with its own methods.
    let keyed: Vec<(&str, String)> = params
        .iter()
        .zip(param_bases)
        .map(|(p, base)| (p.wire_name.as_str(), base))
        .collect();
    let idents = unique_names(&keyed, BUILDER_METHODS).map_err(|clash| {
        Lowering::Invalid(format!(
            "apis.{name}.parameters[{}] and apis.{name}.parameters[{}]: two parameters named {:?} cannot get distinct Rust names",
            spec_index[clash.first], spec_index[clash.second], clash.wire
        ))
    })?;
    for (p, ident) in params.iter_mut().zip(idents) {
        p.ident = escape_ident(&ident);
    }
    let param_structs = std::mem::take(&mut sink.structs);
    let (path, fixed_query) = request_path(ctx, name, api, &params)?;

    // Response side; enums carry over so both sides share them.
    let request_enums = std::mem::take(&mut sink.enums);
    let enum_keys = std::mem::take(&mut sink.enum_keys);
    let mut sink = TypeSink {
        names: &mut names,
        structs: Vec::new(),
        enums: request_enums,
        enum_keys,
        refs: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        response_side: true,
        shared: false,
    };
    let ok = api
        .responses
        .get("200")
        .or_else(|| api.responses.values().next())
        .and_then(|r| r.schema.as_ref());
    let response_path = format!("apis.{name}.responses.200.schema");
    let response = match ok {
        Some(schema) => {
            let schema = resolve(ctx, schema, &response_path)?;
            match schema.properties.as_ref() {
                Some(props) if !props.is_empty() => StructType {
                    whole_body: false,
                    name: response_type.clone(),
                    docs: format!("The response of [`{type_base}`](super::Client)."),
                    fields: lower_fields(ctx, &mut sink, "", props, &response_path)?,
                },
                _ => {
                    let ty = lower_type(ctx, &mut sink, "", schema, "Body", &response_path)?;
                    StructType {
                        whole_body: true,
                        name: response_type.clone(),
                        docs: "The response body, which is not a JSON object.".to_string(),
                        fields: vec![Field {
                            wire_name: String::new(),
                            ident: "body".to_string(),
                            ty,
                            wrapper_of: None,
                            required: false,
                            docs: field_docs(schema),
                        }],
                    }
                }
            }
        }
        None => StructType {
            whole_body: false,
            name: response_type.clone(),
            docs: "The operation's response, which documents no fields.".to_string(),
            fields: Vec::new(),
        },
    };
    let response_structs = std::mem::take(&mut sink.structs);
    let enums = std::mem::take(&mut sink.enums);

    let pagination = pagination(ctx, name, &params, &response);
    let client_token = ClientToken::find(&params);
    let example = match api.json_example(name) {
        Ok(example) => example,
        Err(note) => {
            ctx.note(note);
            None
        }
    };
    let example_undeclared_keys = example
        .as_ref()
        .map(|v| undeclared_example_keys(v, &response))
        .unwrap_or_default();
    Ok(Operation {
        client_token,
        pagination,
        name: name.to_string(),
        module: String::new(),
        request_type,
        builder_type,
        response_type,
        error_type,
        docs: operation_docs(api),
        reference: format!(
            "https://api.alibabacloud.com/document/{}/{}/{name}",
            ctx.docs.info.product, ctx.docs.info.version
        ),
        deprecated: api.deprecated == Some(true),
        methods: api.methods.iter().map(|m| Method::from_spec(m)).collect(),
        auth: api
            .security
            .iter()
            .flat_map(|s| s.keys().map(|k| Auth::from_spec(k)))
            .collect(),
        operation_type: OperationType::from_spec(api.operation_type.as_deref()),
        documents_body: !response.fields.is_empty(),
        ram_action: ram.map(|r| r.0.to_string()).filter(|a| !a.is_empty()),
        ram_access_level: ram.and_then(|r| r.1.map(str::to_string)),
        path,
        fixed_query,
        params,
        param_structs,
        response,
        response_structs,
        enums,
        shared_enums: Vec::new(),
        errors: lower_errors(ctx, name, api),
        example_undeclared_keys,
        example_response: example.map(|v| v.to_string()),
    })
}

/// Top-level keys of a JSON example that the response schema does not
/// declare: Alibaba's examples sometimes show fields its schema lacks
/// (CS `DescribeUserQuota`'s `edge_improved_nodepool_quota`), which no typed
/// field can hold. A body that is not an object declares no keys to compare.
fn undeclared_example_keys(example: &serde_json::Value, response: &StructType) -> Vec<String> {
    if response.whole_body {
        return Vec::new();
    }
    let Some(keys) = example.as_object() else {
        return Vec::new();
    };
    keys.keys()
        .filter(|k| !response.fields.iter().any(|f| &f.wire_name == *k))
        .cloned()
        .collect()
}

/// The path template and the query it carries, checked against the
/// parameters: every `{Name}` has a path parameter and every path parameter a
/// `{Name}`; at most one body, and not beside form fields.
pub(super) fn request_path(
    ctx: &Ctx<'_>,
    name: &str,
    api: &Api,
    params: &[Param],
) -> Result<(String, Vec<(String, String)>), Unsupported> {
    let bodies = params
        .iter()
        .filter(|p| p.location == Location::Body)
        .count();
    let forms = params
        .iter()
        .filter(|p| p.location == Location::Form)
        .count();
    if bodies > 1 || (bodies == 1 && forms > 0) {
        return Err(Unsupported(format!(
            "apis.{name}.parameters: {bodies} body and {forms} formData parameters (one body, alone, is supported)"
        )));
    }
    if *ctx.style == ApiStyle::Rpc {
        return Ok(("/".to_string(), Vec::new()));
    }
    let template = api.path.clone().unwrap_or_else(|| "/".to_string());
    let (path, query) = match template.split_once('?') {
        Some((path, query)) => (path.to_string(), query),
        None => (template.clone(), ""),
    };
    let fixed_query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (pair.to_string(), String::new()),
        })
        .collect();
    let placeholders: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(p, _)| p))
        .collect();
    for placeholder in &placeholders {
        if !params
            .iter()
            .any(|p| p.location == Location::Path && p.wire_name == *placeholder)
        {
            return Err(Unsupported(format!(
                "apis.{name}.path: {{{placeholder}}} in {template:?} has no path parameter"
            )));
        }
    }
    if let Some(p) = params
        .iter()
        .find(|p| p.location == Location::Path && !placeholders.contains(&p.wire_name.as_str()))
    {
        return Err(Unsupported(format!(
            "apis.{name}.parameters: path parameter {} has no {{{}}} in {template:?}",
            p.wire_name, p.wire_name
        )));
    }
    Ok((path, fixed_query))
}

/// Follows a `$ref` into `components.schemas`, or returns the schema itself.
pub(super) fn resolve<'a>(
    ctx: &'a Ctx<'_>,
    schema: &'a Schema,
    path: &str,
) -> Result<&'a Schema, Unsupported> {
    match &schema.reference {
        None => Ok(schema),
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").ok_or_else(|| {
                Unsupported(format!(
                    "{path}.$ref: reference {r:?} outside components.schemas"
                ))
            })?;
            Ok(match ctx.docs.components.schemas.get(name) {
                Some(target) => target,
                None => {
                    ctx.note(format!(
                        "{path}.$ref: no schema named {name:?} in components.schemas; free-form JSON"
                    ));
                    &ctx.empty
                }
            })
        }
    }
}

/// What a parameter is checked against before sending: presence and limits,
/// and closed value sets where the type can be compared (strings, string
/// enums, integers).
fn param_checks(ty: &Type, schema: &Schema, allowed: &[String]) -> Vec<Check> {
    let mut checks = Vec::new();
    if schema.required == Some(true) {
        checks.push(Check::Required);
    }
    if let Some(n) = schema.max_items {
        checks.push(Check::MaxItems(n));
    }
    if let Some(n) = schema.max_length {
        checks.push(Check::MaxLength(n));
    }
    if !allowed.is_empty() {
        match ty {
            Type::String | Type::Enum(_) => checks.push(Check::OneOf(allowed.to_vec())),
            Type::I32 | Type::I64 => {
                let numbers: Vec<i64> = allowed.iter().filter_map(|v| v.parse().ok()).collect();
                if numbers.len() == allowed.len() {
                    checks.push(Check::OneOfNumber(numbers));
                }
            }
            _ => {}
        }
    }
    if matches!(ty, Type::I32 | Type::I64 | Type::F64) {
        if let Some(limit) = &schema.minimum {
            checks.push(Check::Minimum {
                limit: limit.clone(),
                exclusive: schema.exclusive_minimum == Some(true),
            });
        }
        if let Some(limit) = &schema.maximum {
            checks.push(Check::Maximum {
                limit: limit.clone(),
                exclusive: schema.exclusive_maximum == Some(true),
            });
        }
    }
    if let (Type::String, Some(pattern)) = (ty, &schema.pattern) {
        checks.push(Check::Pattern(pattern.clone()));
    }
    checks
}

/// A copy of `api` whose inline success-response schema reads `number`
/// wherever it declares `integer` and the example holds a fraction, with a
/// note per field; `None` when the example agrees with the types.
fn widen_to_example(api: &Api, name: &str) -> Option<(Api, Vec<String>)> {
    let example = api.json_example(name).ok()??;
    let (status, _) = api
        .responses
        .iter()
        .find(|(status, r)| status.starts_with('2') && r.schema.is_some())?;
    let status = status.clone();
    let mut copy = api.clone();
    let schema = copy.responses.get_mut(&status)?.schema.as_mut()?;
    let mut notes = Vec::new();
    widen(
        schema,
        &example,
        &format!("apis.{name}.responses.{status}.schema"),
        &mut notes,
    );
    (!notes.is_empty()).then_some((copy, notes))
}

fn widen(schema: &mut Schema, example: &serde_json::Value, path: &str, notes: &mut Vec<String>) {
    match example {
        serde_json::Value::Number(n) if schema.ty.as_deref() == Some("integer") && n.is_f64() => {
            notes.push(format!(
                "{path}: declared integer ({}) but the example holds {n}; read as a float",
                schema.format.as_deref().unwrap_or("no format")
            ));
            schema.ty = Some("number".to_string());
            schema.format = Some("double".to_string());
        }
        serde_json::Value::Object(members) => {
            if let Some(props) = schema.properties.as_mut() {
                for (key, value) in members {
                    if let Some(child) = props.get_mut(key) {
                        widen(child, value, &format!("{path}.properties.{key}"), notes);
                    }
                }
            }
        }
        serde_json::Value::Array(items) => {
            if let Some(item_schema) = schema.items.as_deref_mut() {
                for item in items {
                    widen(item_schema, item, &format!("{path}.items"), notes);
                }
            }
        }
        _ => {}
    }
}

/// Our own description of an operation (from `docs.toml`; imported specs
/// hold no prose), or empty. The facts are written by the emitter from the
/// IR's fields.
pub(super) fn operation_docs(api: &Api) -> String {
    let mut parts: Vec<String> = Vec::new();
    for text in [&api.summary, &api.description].into_iter().flatten() {
        let doc = rustdoc(text);
        if !doc.is_empty() && !parts.contains(&doc) {
            parts.push(doc);
        }
    }
    parts.join("\n\n")
}

pub(super) fn field_docs(schema: &Schema) -> String {
    let mut doc = rustdoc(
        schema
            .description
            .as_deref()
            .or(schema.title.as_deref())
            .unwrap_or(""),
    );
    if let Some(example) = schema.example.as_ref().and_then(json_scalar_text) {
        let example = example.trim();
        if !example.is_empty() && !example.contains('`') && !example.contains('\n') {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&format!("Example: `{example}`"));
        }
    }
    doc
}

pub(super) fn json_scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
