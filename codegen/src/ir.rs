//! The normalized model the emitters read. Every naming and typing decision is
//! made here, once, so emitters only print.

use crate::docs::rustdoc;
use crate::naming::{
    camel, escape_ident, escape_type, plural_snake, snake, unique_names, Namespace,
};
use crate::spec::{AdditionalProperties, Api, ApiDocs, Schema, SpecError};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A product at one API version, ready to emit.
#[derive(Debug, Clone, Serialize)]
pub struct Product {
    /// Product code as Alibaba spells it (`R-kvstore`).
    pub name: String,
    /// Lowercase code used for the host and the cargo feature (`r-kvstore`).
    pub code: String,
    /// Rust module name (`r_kvstore`).
    pub module: String,
    /// API version.
    pub version: String,
    /// `RPC` or `ROA`.
    pub style: String,
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
    /// Rustdoc text.
    pub docs: String,
    /// Marked deprecated in the spec.
    pub deprecated: bool,
    /// Accepted HTTP methods, uppercase, in spec order.
    pub methods: Vec<String>,
    /// Accepted authentication kinds (`AK`, `Anonymous`, `BearerToken`).
    pub auth: Vec<String>,
    /// `read`, `write`, `readAndWrite`, or empty when the spec is silent.
    pub operation_type: String,
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
    /// One variant per distinct error code.
    pub errors: Vec<ErrorVariant>,
    /// How to fetch the next page, when the operation pages.
    pub pagination: Option<Pagination>,
    /// The JSON example of a success response from `responseDemo`, when the
    /// spec has one that parses as JSON.
    pub example_response: Option<String>,
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
    /// A generated string enum of the same operation module (responses only).
    Enum(String),
}

/// A string enum of a response, with the values the spec lists.
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
    /// Rustdoc text.
    pub docs: String,
}

/// A generated struct (request object or response body).
#[derive(Debug, Clone, Serialize)]
pub struct StructType {
    /// Type name.
    pub name: String,
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
    let style = docs
        .info
        .style
        .clone()
        .unwrap_or_else(|| "RPC".to_string())
        .to_ascii_uppercase();
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
        let api = &docs.apis[name];
        let ctx = Ctx {
            docs,
            shared: &shared,
            ref_names: &ref_names,
            style: &style,
            notes: Default::default(),
            empty: Schema::default(),
        };
        let lowered = if matches!(style.as_str(), "RPC" | "ROA" | "FC") {
            // A prefix, never a name on its own: `self` gives `SelfRequest`.
            let type_base = type_bases.claim(&camel(name));
            lower_operation(&ctx, name, &type_base, api, ram.get(name.as_str()).copied())
        } else {
            Err(Lowering::Unsupported(Unsupported(format!(
                "info.style: API style {style:?} (its own signature and addressing) is not supported"
            ))))
        };
        match lowered {
            Err(Lowering::Invalid(problem)) => return Err(SpecError::new(file, "", problem)),
            Ok(mut op) => {
                op.module = escape_ident(&modules.claim(&snake(name)));
                operations.push(op);
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

    let shared = shared.into_inner();
    Ok(Product {
        name: docs.info.product.clone(),
        module: product_module(&code),
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
const RUNTIME_MODULES: &[&str] = &[
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
fn product_module(code: &str) -> String {
    let base = snake(code);
    if RUNTIME_MODULES.contains(&base.as_str()) {
        format!("{base}_api")
    } else {
        escape_ident(&base)
    }
}

/// A construct the generator cannot express yet: the JSON path and what.
#[derive(Debug)]
struct Unsupported(String);

/// Why an operation was not lowered.
#[derive(Debug)]
enum Lowering {
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
#[derive(Default)]
struct SharedTypes {
    names: Namespace,
    structs: Vec<StructType>,
    enums: Vec<EnumType>,
    enum_keys: BTreeMap<(String, Vec<String>), String>,
    refs: BTreeMap<String, String>,
    in_progress: BTreeSet<String>,
}

impl SharedTypes {
    /// The state, and the Rust name of every `components.schemas` key
    /// (`#/components/schemas/<key>` to name), keyed on the schema names alone.
    fn new(docs: &ApiDocs) -> (Self, BTreeMap<String, String>) {
        let keyed: Vec<(&str, String)> = docs
            .components
            .schemas
            .keys()
            .map(|k| (k.as_str(), escape_type(&camel(k))))
            .collect();
        let mut state = SharedTypes::default();
        let mut ref_names = BTreeMap::new();
        // Schema keys are unique JSON keys, so this cannot clash.
        if let Ok(names) = unique_names(&keyed, &[]) {
            for ((key, _), name) in keyed.iter().zip(names) {
                state.names.claim(&name);
                ref_names.insert(format!("#/components/schemas/{key}"), name);
            }
        }
        (state, ref_names)
    }
}

struct Ctx<'a> {
    docs: &'a ApiDocs,
    /// Shared across the product's operations.
    shared: &'a std::cell::RefCell<SharedTypes>,
    /// The Rust names of `components.schemas`, by `$ref`.
    ref_names: &'a BTreeMap<String, String>,
    style: &'a str,
    /// Where the spec is broken but the operation can still be generated.
    notes: std::cell::RefCell<Vec<String>>,
    /// Stands in for the target of a dangling `$ref` (lowers to free-form JSON).
    empty: Schema,
}

impl Ctx<'_> {
    /// Records a note once (a schema may be resolved more than once).
    fn note(&self, text: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&text) {
            notes.push(text);
        }
    }
}

/// Collects the struct types of one side (request or response) of an operation.
struct TypeSink<'a> {
    names: &'a mut Namespace,
    structs: Vec<StructType>,
    enums: Vec<EnumType>,
    /// Enums by (name hint, values), so both sides share one type.
    enum_keys: BTreeMap<(String, Vec<String>), String>,
    /// `$ref` targets already lowered, by ref string, to their struct name.
    refs: BTreeMap<String, String>,
    /// `$ref`s being lowered, to cut cycles.
    in_progress: BTreeSet<String>,
    response_side: bool,
    /// This sink is the product's `types` module.
    shared: bool,
}

fn lower_operation(
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
        param_bases.push(if is_list {
            plural_snake(&p.name)
        } else {
            snake(&p.name)
        });
        let allowed = schema
            .enum_values
            .iter()
            .flatten()
            .filter_map(json_scalar_text)
            .collect();
        params.push(Param {
            wire_name: p.name.clone(),
            ident: String::new(),
            location,
            encoding,
            ty,
            required: schema.required == Some(true),
            max_items: schema.max_items,
            max_length: schema.max_length,
            allowed,
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
                    name: response_type.clone(),
                    docs: format!("The response of [`{type_base}`](super::Client)."),
                    fields: lower_fields(ctx, &mut sink, "", props, &response_path)?,
                },
                _ => {
                    let ty = lower_type(ctx, &mut sink, "", schema, "Body", &response_path)?;
                    StructType {
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
            name: response_type.clone(),
            docs: "The operation's response, which documents no fields.".to_string(),
            fields: Vec::new(),
        },
    };
    let response_structs = std::mem::take(&mut sink.structs);
    let enums = std::mem::take(&mut sink.enums);

    let pagination = pagination(ctx, name, &params, &response);
    Ok(Operation {
        pagination,
        name: name.to_string(),
        module: String::new(),
        request_type,
        builder_type,
        response_type,
        error_type,
        docs: operation_docs(api),
        deprecated: api.deprecated == Some(true),
        methods: api.methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
        auth: api
            .security
            .iter()
            .flat_map(|s| s.keys().cloned())
            .collect(),
        operation_type: api.operation_type.clone().unwrap_or_default(),
        ram_action: ram.map(|r| r.0.to_string()).filter(|a| !a.is_empty()),
        ram_access_level: ram.and_then(|r| r.1.map(str::to_string)),
        path,
        fixed_query,
        params,
        param_structs,
        response,
        response_structs,
        enums,
        errors: lower_errors(ctx, name, api),
        example_response: match api.json_example(name) {
            Ok(example) => example.map(|v| v.to_string()),
            Err(note) => {
                ctx.note(note);
                None
            }
        },
    })
}

/// The path template and the query it carries, checked against the
/// parameters: every `{Name}` has a path parameter and every path parameter a
/// `{Name}`; at most one body, and not beside form fields.
fn request_path(
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
    if ctx.style == "RPC" {
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

/// Detects paging: integer `PageNumber`/`PageSize` with an integer
/// `TotalCount` in the response, or a string `NextToken` both ways.
fn pagination(
    ctx: &Ctx<'_>,
    name: &str,
    params: &[Param],
    response: &StructType,
) -> Option<Pagination> {
    let param = |wire: &str, ok: &dyn Fn(&Type) -> bool| {
        params
            .iter()
            .find(|p| p.wire_name == wire && p.encoding == Encoding::Plain && ok(&p.ty))
            .map(|p| p.ident.clone())
    };
    let field = |wire: &str, ok: &dyn Fn(&Type) -> bool| {
        response
            .fields
            .iter()
            .find(|f| f.wire_name == wire && ok(&f.ty))
            .map(|f| f.ident.clone())
    };
    let integer = |t: &Type| matches!(t, Type::I32 | Type::I64);
    let string = |t: &Type| *t == Type::String;
    if let (Some(page_number), Some(page_size), Some(total_count)) = (
        param("PageNumber", &integer),
        param("PageSize", &integer),
        field("TotalCount", &integer),
    ) {
        return Some(Pagination::PageNumber {
            page_number,
            page_size,
            total_count,
            response_page_size: field("PageSize", &integer),
            items: paged_list(ctx, name, response, "TotalCount"),
        });
    }
    match (param("NextToken", &string), field("NextToken", &string)) {
        (Some(request_token), Some(response_token)) => Some(Pagination::Token {
            request_token,
            response_token,
            items: paged_list(ctx, name, response, "NextToken"),
        }),
        _ => None,
    }
}

/// The list a count or token pages through, never chosen by position: the
/// only list; else the only list of objects (IDs beside their objects are not
/// what is paged); else the list the operation is named after
/// (`DescribeVpnRouteEntries` pages `VpnRouteEntries`). When none of these
/// decides, there is no item list: pages are still counted by the total and
/// the page size, and the ambiguity is reported.
fn paged_list(ctx: &Ctx<'_>, name: &str, response: &StructType, by: &str) -> Option<PagedList> {
    let lists: Vec<(&Field, &Type)> = response
        .fields
        .iter()
        .filter_map(|f| match &f.ty {
            Type::List(item) => Some((f, item.as_ref())),
            _ => None,
        })
        .collect();
    let pick = |f: &Field, item: &Type| PagedList {
        field: f.ident.clone(),
        item: item.clone(),
    };
    match lists.as_slice() {
        [] => return None,
        [(f, item)] => return Some(pick(f, item)),
        _ => {}
    }
    let objects: Vec<_> = lists
        .iter()
        .filter(|(_, item)| matches!(item, Type::Struct(_) | Type::Shared(_)))
        .collect();
    if let [(f, item)] = objects.as_slice() {
        return Some(pick(f, item));
    }
    let named: Vec<_> = lists
        .iter()
        .filter(|(f, _)| name.ends_with(f.wire_name.as_str()))
        .collect();
    if let [(f, item)] = named.as_slice() {
        return Some(pick(f, item));
    }
    let names: Vec<&str> = lists.iter().map(|(f, _)| f.wire_name.as_str()).collect();
    ctx.note(format!(
        "apis.{name}.responses.200.schema: {by} may count any of {}; paging without an item list",
        names.join(", ")
    ));
    None
}

/// Follows a `$ref` into `components.schemas`, or returns the schema itself.
fn resolve<'a>(
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

fn lower_fields(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    owner: &str,
    props: &indexmap::IndexMap<String, Schema>,
    path: &str,
) -> Result<Vec<Field>, Unsupported> {
    let mut fields = Vec::new();
    for (wire, raw) in props {
        let fpath = format!("{path}.properties.{wire}");
        let schema = resolve(ctx, raw, &fpath)?;
        let (ty, wrapper_of) = match wrapper_inner(schema).filter(|_| sink.response_side) {
            Some((inner_key, inner)) => {
                let inner_path = format!("{fpath}.properties.{inner_key}");
                (
                    lower_type(ctx, sink, owner, inner, &camel(inner_key), &inner_path)?,
                    Some(inner_key.clone()),
                )
            }
            None => (
                lower_type(ctx, sink, owner, raw, &camel(wire), &fpath)?,
                None,
            ),
        };
        fields.push(Field {
            wire_name: wire.clone(),
            ident: String::new(),
            ty,
            wrapper_of,
            required: schema.required == Some(true),
            docs: field_docs(schema),
        });
    }
    // JSON object keys are unique, so this cannot clash.
    let keyed: Vec<(&str, String)> = fields
        .iter()
        .map(|f| (f.wire_name.as_str(), snake(&f.wire_name)))
        .collect();
    let idents = unique_names(&keyed, &[])
        .map_err(|c| Unsupported(format!("{path}.properties: {:?} twice", c.wire)))?;
    for (f, ident) in fields.iter_mut().zip(idents) {
        f.ident = escape_ident(&ident);
    }
    Ok(fields)
}

/// An XML-style wrapper object: exactly one member, and that member a list.
fn wrapper_inner(schema: &Schema) -> Option<(&String, &Schema)> {
    let props = schema.properties.as_ref()?;
    if props.len() != 1 {
        return None;
    }
    let (k, v) = props.iter().next()?;
    (v.ty.as_deref() == Some("array") || v.items.is_some()).then_some((k, v))
}

/// A `$ref` to an object schema: one struct in the product's `types`
/// module, whichever operations and sides use it.
fn lower_shared(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    reference: &str,
    target: &Schema,
) -> Result<Type, Unsupported> {
    if !sink.shared {
        // Lower into the product's sink, then hand the state back.
        let mut state = ctx.shared.take();
        let SharedTypes {
            names,
            structs,
            enums,
            enum_keys,
            refs,
            in_progress,
        } = &mut state;
        let mut shared = TypeSink {
            names,
            structs: std::mem::take(structs),
            enums: std::mem::take(enums),
            enum_keys: std::mem::take(enum_keys),
            refs: std::mem::take(refs),
            in_progress: std::mem::take(in_progress),
            response_side: true,
            shared: true,
        };
        let result = lower_shared_struct(ctx, &mut shared, reference, target);
        *structs = shared.structs;
        *enums = shared.enums;
        *enum_keys = shared.enum_keys;
        *refs = shared.refs;
        *in_progress = shared.in_progress;
        ctx.shared.replace(state);
        return result;
    }
    lower_shared_struct(ctx, sink, reference, target)
}

fn lower_shared_struct(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    reference: &str,
    target: &Schema,
) -> Result<Type, Unsupported> {
    if let Some(name) = sink.refs.get(reference) {
        return Ok(Type::Shared(name.clone()));
    }
    if sink.in_progress.contains(reference) {
        // A recursive schema: the inner occurrence stays free-form JSON.
        return Ok(Type::Any);
    }
    let Some(name) = ctx.ref_names.get(reference).cloned() else {
        return Err(Unsupported(format!(
            "$ref {reference:?}: not a schema of components.schemas"
        )));
    };
    let key = reference.trim_start_matches("#/components/schemas/");
    let path = format!("components.schemas.{key}");
    let props = target.properties.as_ref().expect("checked by the caller");
    let slot = sink.structs.len();
    sink.structs.push(StructType {
        name: name.clone(),
        docs: String::new(),
        fields: Vec::new(),
    });
    sink.in_progress.insert(reference.to_string());
    let fields = lower_fields(ctx, sink, &name, props, &path);
    sink.in_progress.remove(reference);
    let fields = match fields {
        Ok(fields) => fields,
        Err(e) => {
            // Nothing half-lowered stays behind for other operations.
            sink.structs.truncate(slot);
            return Err(e);
        }
    };
    let mut docs = field_docs(target);
    if docs.is_empty() {
        docs = format!("The `{key}` object, shared by the operations that use it.");
    }
    sink.structs[slot] = StructType {
        name: name.clone(),
        docs,
        fields,
    };
    sink.refs.insert(reference.to_string(), name.clone());
    Ok(Type::Shared(name))
}

/// The Rust type of `schema`. New structs are named after `hint` (the
/// member name); if that is taken, after `owner` + `hint`
/// (`KvStoreInstanceTag`), and only then with a number.
fn lower_type(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    owner: &str,
    schema: &Schema,
    hint: &str,
    path: &str,
) -> Result<Type, Unsupported> {
    if let Some(r) = &schema.reference {
        let target = resolve(ctx, schema, path)?;
        if target.properties.as_ref().is_some_and(|p| !p.is_empty()) {
            return lower_shared(ctx, sink, r, target);
        }
        if let Some(name) = sink.refs.get(r) {
            return Ok(Type::Struct(name.clone()));
        }
        if sink.in_progress.contains(r) {
            // A recursive schema: the inner occurrence stays free-form JSON.
            return Ok(Type::Any);
        }
        let ref_hint = r
            .rsplit('/')
            .next()
            .map(camel)
            .unwrap_or_else(|| hint.to_string());
        sink.in_progress.insert(r.clone());
        let ty = lower_type(ctx, sink, owner, target, &ref_hint, path)?;
        sink.in_progress.remove(r);
        if let Type::Struct(name) = &ty {
            sink.refs.insert(r.clone(), name.clone());
        }
        return Ok(ty);
    }
    let ty = schema
        .ty
        .as_deref()
        .unwrap_or(if schema.properties.is_some() {
            "object"
        } else if schema.items.is_some() {
            "array"
        } else {
            "any"
        });
    Ok(match ty {
        // String enums are types on both sides that still accept values the
        // spec does not list; requests check them before sending.
        "string" if schema.enum_values.as_ref().is_some_and(|v| !v.is_empty()) => {
            let mut values: Vec<String> = Vec::new();
            for value in schema
                .enum_values
                .iter()
                .flatten()
                .filter_map(json_scalar_text)
            {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            let key = (hint.to_string(), values.clone());
            if let Some(name) = sink.enum_keys.get(&key) {
                return Ok(Type::Enum(name.clone()));
            }
            let name = sink.names.claim(&escape_type(hint));
            sink.enum_keys.insert(key, name.clone());
            // Variant names keyed on the values, never on their order.
            let keyed: Vec<(&str, String)> = values
                .iter()
                .map(|v| (v.as_str(), escape_type(&camel(v))))
                .collect();
            let variant_names = unique_names(&keyed, &["Unknown"])
                .map_err(|c| Unsupported(format!("{path}.enum: {:?} twice", c.wire)))?;
            let variants = variant_names.into_iter().zip(values).collect();
            let mut docs = field_docs(schema);
            if docs.is_empty() {
                docs = format!("Values of `{hint}`.");
            }
            sink.enums.push(EnumType {
                name: name.clone(),
                docs,
                variants,
            });
            Type::Enum(name)
        }
        "string" => Type::String,
        "integer" => match schema.format.as_deref() {
            Some("int32") => Type::I32,
            _ => Type::I64,
        },
        "number" => Type::F64,
        "boolean" => Type::Bool,
        "any" => Type::Any,
        "array" => {
            let items = match schema.items.as_deref() {
                Some(items) => items,
                None => {
                    ctx.note(format!(
                        "{path}: array without items; items are free-form JSON"
                    ));
                    &ctx.empty
                }
            };
            let item_hint = hint.to_string();
            Type::List(Box::new(lower_type(
                ctx,
                sink,
                owner,
                items,
                &item_hint,
                &format!("{path}.items"),
            )?))
        }
        "object" => match (&schema.properties, &schema.additional_properties) {
            (Some(props), _) if !props.is_empty() => {
                let base = escape_type(hint);
                let name = if sink.names.is_taken(&base) && !owner.is_empty() {
                    sink.names.claim(&format!("{owner}{hint}"))
                } else {
                    sink.names.claim(&base)
                };
                // Reserve the slot now so nested types come after their parent.
                let slot = sink.structs.len();
                sink.structs.push(StructType {
                    name: name.clone(),
                    docs: String::new(),
                    fields: Vec::new(),
                });
                let fields = lower_fields(ctx, sink, &name, props, path)?;
                let mut docs = field_docs(schema);
                if docs.is_empty() {
                    // Every public item has rustdoc, even where the spec is silent.
                    docs = format!("The `{hint}` object.");
                }
                sink.structs[slot] = StructType {
                    name: name.clone(),
                    docs,
                    fields,
                };
                Type::Struct(name)
            }
            (_, Some(AdditionalProperties::Schema(values))) => Type::Map(Box::new(lower_type(
                ctx,
                sink,
                owner,
                values,
                hint,
                &format!("{path}.additionalProperties"),
            )?)),
            _ => Type::Any,
        },
        other => {
            return Err(Unsupported(format!("{path}.type: type {other:?}")));
        }
    })
}

/// One variant per Rust name: codes that differ only in separators
/// (`AssociatedEcsSecurityGroupId.QuotaExceed`, `AssociatedEcsSecurityGroupIdQuotaExceed`)
/// share a variant, so that no name depends on the order of the table's rows.
/// Variants are sorted by name.
fn lower_errors(ctx: &Ctx<'_>, name: &str, api: &Api) -> Vec<ErrorVariant> {
    let mut by_name: BTreeMap<String, ErrorVariant> = BTreeMap::new();
    let (rows, notes) = api.error_rows(name);
    for note in notes {
        ctx.note(note);
    }
    for row in rows {
        let status = row.status;
        let code = row.code.as_str();
        let mut name = escape_type(&camel(code));
        if name == "Unhandled" {
            name = "UnhandledCode".to_string();
        }
        let message = row.message;
        let v = by_name.entry(name.clone()).or_insert_with(|| ErrorVariant {
            codes: Vec::new(),
            predicate: String::new(),
            variant: name,
            statuses: Vec::new(),
            messages: Vec::new(),
        });
        if !v.codes.iter().any(|c| c == code) {
            v.codes.push(code.to_string());
            v.codes.sort();
        }
        if !v.statuses.contains(&status) {
            v.statuses.push(status);
            v.statuses.sort();
        }
        if !message.is_empty() && !v.messages.contains(&message) {
            v.messages.push(message);
        }
    }
    let mut predicates = Namespace::default();
    by_name
        .into_values()
        .map(|mut v| {
            v.predicate = predicates.claim(&format!("is_{}", snake(&v.variant)));
            v
        })
        .collect()
}

fn operation_docs(api: &Api) -> String {
    let mut parts = Vec::new();
    for text in [&api.summary, &api.description].into_iter().flatten() {
        let doc = rustdoc(text);
        if !doc.is_empty() && !parts.contains(&doc) {
            parts.push(doc);
        }
    }
    parts.join("\n\n")
}

fn field_docs(schema: &Schema) -> String {
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

fn json_scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
