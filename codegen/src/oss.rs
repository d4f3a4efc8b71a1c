//! OSS's metadata (`info.style` `OSS`) to typed operations of the
//! `alibabacloud-oss` crate.
//!
//! OSS is not an OpenAPI product: its requests are addressed by bucket and
//! object, signed by the OSS schemes, and carry XML. Its operations are
//! generated here straight from the facts file, onto the crate's own
//! request path (`crate::client::Request`). Operations whose semantics are
//! more than a request (bodies streamed from files, CRC-64 checks, paging,
//! multipart) are written by hand in the crate and skipped here
//! ([`HAND_WRITTEN`]).
//!
//! Per operation: a builder (`client.get_bucket_cors(bucket)`), its
//! setters for query and header parameters and the XML or text body, and
//! an output with the response headers the spec lists and the parsed XML
//! body. Schemas become serde models (`models.rs`), XML elements named as
//! on the wire.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::naming::{camel, escape_ident, escape_type, snake};
use crate::render;

/// Operations the crate implements by hand.
pub const HAND_WRITTEN: &[&str] = &[
    "AbortMultipartUpload",
    "AppendObject",
    "CompleteMultipartUpload",
    "CopyObject",
    "DeleteBucket",
    "DeleteMultipleObjects",
    "DeleteObject",
    "GetBucketInfo",
    "GetObject",
    "HeadObject",
    "InitiateMultipartUpload",
    "ListBuckets",
    "ListMultipartUploads",
    "ListObjectsV2",
    "ListParts",
    "PutBucket",
    "PutObject",
    "UploadPart",
];

/// One generated file, relative to its tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssFile {
    /// Path under `oss/src/generated/`.
    pub path: String,
    /// The source text.
    pub contents: String,
}

/// What generation made and what it left out.
#[derive(Debug, Default)]
pub struct OssGeneration {
    /// The files.
    pub files: Vec<OssFile>,
    /// Operations generated.
    pub generated: Vec<String>,
    /// Operations skipped, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Generates the OSS operations of `spec` (the facts file's JSON).
pub fn generate(spec: &Value, label: &str) -> Result<OssGeneration, String> {
    let style = spec
        .pointer("/info/style")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !style.eq_ignore_ascii_case("OSS") {
        return Err(format!("{label}: info.style is {style:?}, not OSS"));
    }
    let apis = spec
        .get("apis")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{label}: no `apis` object"))?;
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut gen = Gen {
        schemas: &schemas,
        used_models: BTreeSet::new(),
    };
    let mut out = OssGeneration::default();
    let mut modules = Vec::new();
    let mut examples: Vec<(String, TokenStream)> = Vec::new();
    for (name, api) in apis {
        if HAND_WRITTEN.contains(&name.as_str()) {
            continue;
        }
        let path = format!("{label}: apis.{name}");
        let module = escape_ident(&snake(name));
        match gen.operation(name, api, &path, &module) {
            Ok((tokens, docs, example_ty)) => {
                let what = format!("operation {name}");
                let contents = render::render_file_with_docs(label, &what, &docs, tokens)?;
                if let Some(t) = example_ty {
                    examples.push((name.clone(), t));
                }
                out.files.push(OssFile {
                    path: format!("{}.rs", module.trim_start_matches("r#")),
                    contents,
                });
                modules.push((module, camel(name)));
                out.generated.push(name.clone());
            }
            Err(reason) => out.skipped.push((name.clone(), reason)),
        }
    }
    // Models: every schema an operation reached, and the ones they reach.
    let models = gen.models(label)?;
    out.files.push(OssFile {
        path: "models.rs".into(),
        contents: render::render_file(label, "models", models)?,
    });
    let mods: Vec<TokenStream> = modules
        .iter()
        .map(|(m, ty)| {
            let m: TokenStream = m.parse().map_err(|e| format!("{e}"))?;
            let ty = format_ident!("{}", escape_type(ty));
            let out = format_ident!("{}Output", escape_type(ty.to_string().as_str()));
            Ok(quote! {
                pub mod #m;
                pub use #m::{#ty, #out};
            })
        })
        .collect::<Result<_, String>>()?;
    let listed: Vec<String> = out.generated.clone();
    let skipped: Vec<String> = out
        .skipped
        .iter()
        .map(|(n, r)| format!("{n}: {r}"))
        .collect();
    let example_arms: Vec<TokenStream> = examples
        .iter()
        .map(|(op, t)| {
            if t.to_string() == "String" {
                quote! {
                    #op => Some(crate::xml::root_text(#op, 200, body).map(|_| ())),
                }
            } else {
                quote! {
                    #op => Some(crate::xml::from_body::<#t>(#op, 200, body).map(|_| ())),
                }
            }
        })
        .collect();
    let mod_rs = quote! {
        pub mod models;
        #(#mods)*

        /// Parses `body` as operation `operation`'s XML answer (for the tests
        /// that read the metadata's examples); `None` for an operation without one.
        #[doc(hidden)]
        pub fn __parse_response_example(operation: &str, body: &[u8]) -> Option<Result<(), crate::Error>> {
            match operation {
                #(#example_arms)*
                _ => None,
            }
        }

        /// Operations generated from the metadata, by their OSS names.
        pub const GENERATED_OPERATIONS: &[&str] = &[#(#listed),*];
        /// Operations the metadata has that the generator left out, with why.
        pub const SKIPPED_OPERATIONS: &[&str] = &[#(#skipped),*];
    };
    out.files.push(OssFile {
        path: "mod.rs".into(),
        contents: render::render_file(label, "module list", mod_rs)?,
    });
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A Rust type for a schema, and how its accessor returns it.
#[derive(Clone)]
enum Ty {
    String,
    Int(&'static str),
    Float,
    Bool,
    Model(String),
    Local(String),
    List(Box<Ty>),
}

impl Ty {
    fn tokens(&self) -> TokenStream {
        match self {
            Ty::String => quote!(String),
            Ty::Int(t) => {
                let t = format_ident!("{t}");
                quote!(#t)
            }
            Ty::Float => quote!(f64),
            Ty::Bool => quote!(bool),
            Ty::Model(n) => {
                let n = format_ident!("{n}");
                quote!(super::models::#n)
            }
            Ty::Local(n) => {
                let n = format_ident!("{n}");
                quote!(#n)
            }
            Ty::List(inner) => {
                let inner = inner.tokens();
                quote!(Vec<#inner>)
            }
        }
    }

    fn is_copy(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::Float | Ty::Bool)
    }

    /// The same type seen from inside `models.rs`.
    fn in_models(&self) -> Ty {
        match self {
            Ty::Model(n) => Ty::Local(n.clone()),
            Ty::List(inner) => Ty::List(Box::new(inner.in_models())),
            other => other.clone(),
        }
    }
}

struct Gen<'a> {
    schemas: &'a Map<String, Value>,
    used_models: BTreeSet<String>,
}

/// A struct to emit: its name, XML fields (wire name, type).
struct StructDef {
    name: String,
    fields: Vec<(String, Ty)>,
}

fn ref_name(s: &Value) -> Option<&str> {
    s.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

fn scalar(s: &Value) -> Option<Ty> {
    match s.get("type").and_then(Value::as_str) {
        Some("string") => Some(Ty::String),
        Some("integer") => Some(match s.get("format").and_then(Value::as_str) {
            Some("int32") => Ty::Int("i32"),
            _ => Ty::Int("i64"),
        }),
        Some("number") => Some(Ty::Float),
        Some("boolean") => Some(Ty::Bool),
        _ => None,
    }
}

impl Gen<'_> {
    /// The type of `schema`; inline objects become local structs named
    /// from `hint`, pushed to `locals`.
    fn ty(
        &mut self,
        schema: &Value,
        hint: &str,
        locals: &mut Vec<StructDef>,
        taken: &mut BTreeSet<String>,
        path: &str,
    ) -> Result<Ty, String> {
        if let Some(name) = ref_name(schema) {
            let target = self
                .schemas
                .get(name)
                .ok_or_else(|| format!("{path}: $ref to missing schema {name}"))?;
            if let Some(t) = scalar(target) {
                return Ok(t);
            }
            return match target.get("type").and_then(Value::as_str) {
                Some("array") => {
                    let items = target
                        .get("items")
                        .ok_or_else(|| format!("{path}: array without items"))?;
                    let inner = self.ty(items, hint, locals, taken, path)?;
                    Ok(Ty::List(Box::new(inner)))
                }
                _ => {
                    self.used_models.insert(name.to_string());
                    Ok(Ty::Model(escape_type(&camel(name))))
                }
            };
        }
        if let Some(t) = scalar(schema) {
            return Ok(t);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = schema
                    .get("items")
                    .ok_or_else(|| format!("{path}: array without items"))?;
                let inner = self.ty(items, hint, locals, taken, &format!("{path}.items"))?;
                Ok(Ty::List(Box::new(inner)))
            }
            Some("object") | None => {
                let props = schema.get("properties").and_then(Value::as_object);
                let Some(props) = props else {
                    // An object without members (free-form): its text.
                    return Ok(Ty::String);
                };
                let mut name = escape_type(&camel(hint));
                let mut n = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{}{n}", escape_type(&camel(hint)));
                    n += 1;
                }
                let mut fields = Vec::new();
                for (wire, prop) in props {
                    let t = self.ty(
                        prop,
                        wire,
                        locals,
                        taken,
                        &format!("{path}.properties.{wire}"),
                    )?;
                    fields.push((wire.clone(), t));
                }
                locals.push(StructDef {
                    name: name.clone(),
                    fields,
                });
                Ok(Ty::Local(name))
            }
            Some(other) => Err(format!("{path}: schema type {other:?}")),
        }
    }

    fn operation(
        &mut self,
        name: &str,
        api: &Value,
        path: &str,
        module: &str,
    ) -> Result<(TokenStream, String, Option<TokenStream>), String> {
        let method = api
            .get("methods")
            .and_then(Value::as_array)
            .and_then(|m| m.first())
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{path}.methods: none"))?
            .to_ascii_uppercase();
        if !["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS"].contains(&method.as_str()) {
            return Err(format!("method {method}"));
        }
        let template = api.get("path").and_then(Value::as_str).unwrap_or("/");
        let (path_part, fixed_query) = template.split_once('?').unwrap_or((template, ""));
        let mut fixed: Vec<(String, Option<String>)> = Vec::new();
        for pair in fixed_query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((k, v)) => fixed.push((k.to_string(), Some(v.to_string()))),
                None => fixed.push((pair.to_string(), None)),
            }
        }

        let ty_name = escape_type(&camel(name));
        let builder = format_ident!("{ty_name}");
        let output = format_ident!("{ty_name}Output");
        let method_fn: TokenStream = escape_ident(&snake(name))
            .parse()
            .map_err(|e| format!("{e}"))?;
        let method_ident = format_ident!("{method}");

        let mut has_bucket = false;
        let mut path_params: Vec<String> = Vec::new();
        struct Param {
            wire: String,
            field: Ident,
            ty: Ty,
            required: bool,
            place: &'static str,
        }
        let mut params: Vec<Param> = Vec::new();
        let mut body: Option<(String, Ty, bool)> = None; // root element, type, required
        let mut text_body = false;
        let mut locals = Vec::new();
        let mut taken: BTreeSet<String> = [ty_name.clone(), format!("{ty_name}Output")].into();
        let mut field_names: BTreeSet<String> = ["client".to_string(), "bucket".to_string()].into();
        for (i, p) in api
            .get("parameters")
            .and_then(Value::as_array)
            .map(|v| v.as_slice())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let ppath = format!("{path}.parameters[{i}]");
            let wire = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let required = schema
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            match place {
                "host" if wire == "bucket" => has_bucket = true,
                "path" => path_params.push(wire.to_string()),
                "query" | "header" => {
                    if wire.ends_with('*') {
                        // `x-oss-meta-*`: a family of headers, not one value.
                        continue;
                    }
                    let t = self.ty(&schema, wire, &mut locals, &mut taken, &ppath)?;
                    if !matches!(t, Ty::String | Ty::Int(_) | Ty::Bool | Ty::Float) {
                        return Err(format!("{ppath}: a {place} parameter that is not a scalar"));
                    }
                    let mut field = snake(wire);
                    while !field_names.insert(field.clone()) {
                        field.push('_');
                    }
                    params.push(Param {
                        wire: wire.to_string(),
                        field: Ident::new_raw_or(&field),
                        ty: t,
                        required,
                        place: if place == "query" { "query" } else { "header" },
                    });
                }
                "body" => {
                    if schema.get("type").and_then(Value::as_str) == Some("string") {
                        text_body = true;
                        continue;
                    }
                    let props = schema
                        .get("properties")
                        .and_then(Value::as_object)
                        .filter(|p| p.len() == 1)
                        .ok_or_else(|| format!("{ppath}: an XML body is one root element"))?;
                    let (root, root_schema) = props.iter().next().ok_or("empty body")?;
                    let t = self.ty(root_schema, root, &mut locals, &mut taken, &ppath)?;
                    if !matches!(t, Ty::Model(_) | Ty::Local(_)) {
                        return Err(format!(
                            "{ppath}: XML body root {root} is not an element with members"
                        ));
                    }
                    body = Some((root.clone(), t, required));
                }
                other => return Err(format!("{ppath}: parameter in {other:?}")),
            }
        }
        // The object path: the template with its parameters filled in.
        let key_template = path_part.trim_start_matches('/').to_string();
        for p in &path_params {
            if !key_template.contains(&format!("{{{p}}}")) {
                return Err(format!("{path}: path parameter {p} is not in {template}"));
            }
        }
        if !path_params.is_empty() && !has_bucket {
            return Err(format!("{path}: an object path without a bucket"));
        }
        if path_params.is_empty() && !key_template.is_empty() {
            return Err(format!("{path}: fixed path {path_part}"));
        }

        // Response: headers and the body.
        let ok = api
            .pointer("/responses/200")
            .cloned()
            .unwrap_or(Value::Null);
        let mut out_headers: Vec<(String, Ident, Ty)> = Vec::new();
        let mut out_names: BTreeSet<String> = ["request_id".to_string()].into();
        if let Some(h) = ok.get("headers").and_then(Value::as_object) {
            for (wire, spec) in h {
                let s = spec.get("schema").cloned().unwrap_or(Value::Null);
                let t = scalar(&s).unwrap_or(Ty::String);
                let mut field = snake(wire);
                while !out_names.insert(field.clone()) {
                    field.push('_');
                }
                out_headers.push((wire.to_ascii_lowercase(), Ident::new_raw_or(&field), t));
            }
        }
        enum OutBody {
            None,
            Xml(String, Ty),
            Text,
        }
        let out_body = match ok.get("schema") {
            Some(s) if s.get("type").and_then(Value::as_str) == Some("string") => OutBody::Text,
            Some(s) => match s.get("properties").and_then(Value::as_object) {
                Some(props) if props.len() == 1 => {
                    let (root, rs) = props.iter().next().ok_or("empty response")?;
                    let t = self.ty(
                        rs,
                        root,
                        &mut locals,
                        &mut taken,
                        &format!("{path}.responses.200"),
                    )?;
                    match t {
                        Ty::Model(_) | Ty::Local(_) | Ty::String => OutBody::Xml(root.clone(), t),
                        _ => OutBody::Text,
                    }
                }
                _ => OutBody::None,
            },
            None => OutBody::None,
        };

        // The builder.
        let mut fields = vec![quote!(client: crate::Client,)];
        let mut ctor_args = Vec::new();
        let mut ctor_init = vec![quote!(client: self.clone(),)];
        if has_bucket {
            fields.push(quote!(bucket: String,));
            ctor_args.push(quote!(bucket: impl Into<String>));
            ctor_init.push(quote!(bucket: bucket.into(),));
        }
        for p in &path_params {
            let f = Ident::new_raw_or(&snake(p));
            fields.push(quote!(#f: String,));
            ctor_args.push(quote!(#f: impl Into<String>));
            ctor_init.push(quote!(#f: #f.into(),));
        }
        let mut setters = Vec::new();
        let mut request_steps = Vec::new();
        let mut checks = Vec::new();
        for p in &params {
            let f = &p.field;
            let t = p.ty.tokens();
            fields.push(quote!(#f: Option<#t>,));
            ctor_init.push(quote!(#f: None,));
            let doc = format!(
                "`{}` ({}{}).",
                p.wire,
                p.place,
                if p.required { ", required" } else { "" }
            );
            let setter = if matches!(p.ty, Ty::String) {
                quote! {
                    #[doc = #doc]
                    pub fn #f(mut self, value: impl Into<String>) -> Self {
                        self.#f = Some(value.into());
                        self
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    pub fn #f(mut self, value: #t) -> Self {
                        self.#f = Some(value);
                        self
                    }
                }
            };
            setters.push(setter);
            let wire = &p.wire;
            let wire_lower = p.wire.to_ascii_lowercase();
            let value = if matches!(p.ty, Ty::String) {
                quote!(self.#f)
            } else {
                quote!(self.#f.map(|v| v.to_string()))
            };
            request_steps.push(if p.place == "query" {
                quote!(let r = r.query_opt(#wire, #value);)
            } else {
                quote!(let r = r.header_opt(#wire_lower, #value);)
            });
            if p.required {
                let name = p.wire.clone();
                checks.push(quote! {
                    if self.#f.is_none() {
                        return Err(crate::Error::invalid(#name, "required by the operation, not set"));
                    }
                });
            }
        }
        if let Some((root, t, required)) = &body {
            let f = Ident::new_raw_or(&snake(root));
            let tt = t.tokens();
            fields.push(quote!(#f: Option<#tt>,));
            ctor_init.push(quote!(#f: None,));
            let doc = format!("The request body, the `<{root}>` element.");
            setters.push(quote! {
                #[doc = #doc]
                pub fn #f(mut self, value: #tt) -> Self {
                    self.#f = Some(value);
                    self
                }
            });
            let root_name = root.clone();
            let missing = format!("the `<{root}>` body is required");
            let on_missing = if *required {
                quote!(return Err(crate::Error::invalid(#root_name, #missing));)
            } else {
                quote!(r)
            };
            request_steps.push(quote! {
                let r = match &self.#f {
                    Some(body) => r.xml_body(#root_name, body)?,
                    None => { #on_missing }
                };
            });
        }
        if text_body {
            fields.push(quote!(body: Option<String>,));
            ctor_init.push(quote!(body: None,));
            setters.push(quote! {
                /// The request body (a JSON document for policies).
                pub fn body(mut self, value: impl Into<String>) -> Self {
                    self.body = Some(value.into());
                    self
                }
            });
            request_steps.push(quote! {
                let r = match self.body {
                    Some(text) => r.body(crate::Body::from_bytes(text)),
                    None => r,
                };
            });
        }

        // Addressing.
        let address = if path_params.is_empty() {
            if has_bucket {
                quote!(let r = r.bucket(&self.bucket)?;)
            } else {
                quote!()
            }
        } else {
            let mut fmt = key_template.clone();
            let mut args = Vec::new();
            for p in &path_params {
                fmt = fmt.replace(&format!("{{{p}}}"), "{}");
                let f = Ident::new_raw_or(&snake(p));
                args.push(quote!(self.#f));
            }
            if fmt == "{}" {
                quote!(let r = r.object(&self.bucket, &#(#args),*)?;)
            } else {
                quote! {
                    let key = format!(#fmt, #(#args),*);
                    let r = r.object(&self.bucket, &key)?;
                }
            }
        };
        let fixed_steps: Vec<TokenStream> = fixed
            .iter()
            .map(|(k, v)| match v {
                Some(v) => quote!(let r = r.query(#k, #v);),
                None => quote!(let r = r.subresource(#k);),
            })
            .collect();
        let sub_keys: Vec<&String> = fixed.iter().map(|(k, _)| k).collect();

        // The output.
        let mut out_fields = vec![quote!(request_id: Option<String>,)];
        let mut out_init =
            vec![quote!(request_id: crate::client::header(&headers, "x-oss-request-id"),)];
        let mut out_accessors = vec![quote! {
            /// `x-oss-request-id`.
            pub fn request_id(&self) -> Option<&str> {
                self.request_id.as_deref()
            }
        }];
        for (wire, f, t) in &out_headers {
            let tt = t.tokens();
            out_fields.push(quote!(#f: Option<#tt>,));
            let doc = format!("The `{wire}` header.");
            if matches!(t, Ty::String) {
                out_init.push(quote!(#f: crate::client::header(&headers, #wire),));
                out_accessors.push(quote! {
                    #[doc = #doc]
                    pub fn #f(&self) -> Option<&str> {
                        self.#f.as_deref()
                    }
                });
            } else {
                out_init.push(quote!(#f: crate::client::header(&headers, #wire).and_then(|v| v.parse().ok()),));
                out_accessors.push(quote! {
                    #[doc = #doc]
                    pub fn #f(&self) -> Option<#tt> {
                        self.#f
                    }
                });
            }
        }
        let read_body = match &out_body {
            OutBody::None => quote!(),
            OutBody::Text => {
                out_fields.push(quote!(body: String,));
                out_accessors.push(quote! {
                    /// The response body.
                    pub fn body(&self) -> &str {
                        &self.body
                    }
                });
                out_init.push(quote!(body,));
                quote!(let body = answer.text(#name).await?;)
            }
            OutBody::Xml(root, t) => {
                let f = Ident::new_raw_or(&snake(root));
                let tt = t.tokens();
                out_fields.push(quote!(#f: #tt,));
                let doc = format!("The `<{root}>` element of the answer.");
                out_accessors.push(if matches!(t, Ty::String) {
                    quote! {
                        #[doc = #doc]
                        pub fn #f(&self) -> &str {
                            &self.#f
                        }
                    }
                } else {
                    quote! {
                        #[doc = #doc]
                        pub fn #f(&self) -> &#tt {
                            &self.#f
                        }
                    }
                });
                out_init.push(quote!(#f: body,));
                if matches!(t, Ty::String) {
                    quote!(let body = answer.xml_text(#name).await?;)
                } else {
                    quote!(let body: #tt = answer.xml(#name).await?;)
                }
            }
        };

        let example_ty = match &out_body {
            OutBody::Xml(_, Ty::Model(n)) => {
                let n = format_ident!("{n}");
                Some(quote!(models::#n))
            }
            OutBody::Xml(_, Ty::String) => Some(quote!(String)),
            OutBody::Xml(_, Ty::Local(n)) => {
                let n = format_ident!("{n}");
                let m: TokenStream = module.parse().map_err(|e| format!("{e}"))?;
                Some(quote!(#m::#n))
            }
            _ => None,
        };
        let mut docs = format!(
            "`{name}`: `{method} {template}`{}.\n\nCall it as `client.{}(...)`; see [`{ty_name}`] and [`{ty_name}Output`].",
            if has_bucket { " on a bucket" } else { "" },
            snake(name),
        );
        let required: Vec<String> = params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("`{}`", p.wire))
            .collect();
        if !required.is_empty() {
            docs.push_str(&format!(
                "\n\nRequired besides the address: {}.",
                required.join(", ")
            ));
        }
        let locals = self.structs(&locals, false)?;
        let op_doc = format!("`{name}`: `{method} {template}`.");
        let builder_doc = format!("Builds and sends `{name}` (`{method} {template}`).");
        let out_doc = format!("What `{name}` returns.");
        let name_str = name;
        let tokens = quote! {
            #[doc = #builder_doc]
            #[derive(Debug)]
            #[must_use = "a request does nothing until sent"]
            pub struct #builder {
                #(#fields)*
            }

            impl crate::Client {
                #[doc = #op_doc]
                pub fn #method_fn(&self, #(#ctor_args),*) -> #builder {
                    #builder {
                        #(#ctor_init)*
                    }
                }
            }

            impl #builder {
                #(#setters)*

                /// Sends the request.
                pub async fn send(self) -> Result<#output, crate::Error> {
                    #(#checks)*
                    let r = crate::client::Request::new(#name_str, reqwest::Method::#method_ident);
                    #address
                    #(#fixed_steps)*
                    let r = r.v1_sub_resources(&[#(#sub_keys),*]);
                    #(#request_steps)*
                    let answer = self.client.send(r).await?;
                    let headers = answer.headers().clone();
                    #read_body
                    Ok(#output {
                        #(#out_init)*
                    })
                }
            }

            #[doc = #out_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub struct #output {
                #(#out_fields)*
            }

            impl #output {
                #(#out_accessors)*
            }

            #locals
        };
        Ok((tokens, docs, example_ty))
    }

    /// Structs with private fields, accessors and `with_` setters.
    fn structs(&self, defs: &[StructDef], in_models: bool) -> Result<TokenStream, String> {
        let mut out = Vec::new();
        for d in defs {
            let name = format_ident!("{}", d.name);
            let mut fields = Vec::new();
            let mut methods = Vec::new();
            let mut used: BTreeSet<String> = BTreeSet::new();
            for (wire, t) in &d.fields {
                let t = if in_models { t.in_models() } else { t.clone() };
                let mut f = snake(wire);
                while !used.insert(f.clone()) {
                    f.push('_');
                }
                let field = Ident::new_raw_or(&f);
                let with = format_ident!("with_{}", f);
                let tt = t.tokens();
                let get_doc = format!("`<{wire}>`.");
                let set_doc = format!("Sets `<{wire}>`.");
                match &t {
                    Ty::List(inner) => {
                        let it = inner.tokens();
                        fields.push(quote! {
                            #[serde(rename = #wire, default, skip_serializing_if = "Vec::is_empty")]
                            #field: Vec<#it>,
                        });
                        methods.push(quote! {
                            #[doc = #get_doc]
                            pub fn #field(&self) -> &[#it] {
                                &self.#field
                            }
                            #[doc = #set_doc]
                            pub fn #with(mut self, value: Vec<#it>) -> Self {
                                self.#field = value;
                                self
                            }
                        });
                    }
                    Ty::String => {
                        fields.push(quote! {
                            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                            #field: Option<String>,
                        });
                        methods.push(quote! {
                            #[doc = #get_doc]
                            pub fn #field(&self) -> Option<&str> {
                                self.#field.as_deref()
                            }
                            #[doc = #set_doc]
                            pub fn #with(mut self, value: impl Into<String>) -> Self {
                                self.#field = Some(value.into());
                                self
                            }
                        });
                    }
                    t if t.is_copy() => {
                        fields.push(quote! {
                            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                            #field: Option<#tt>,
                        });
                        methods.push(quote! {
                            #[doc = #get_doc]
                            pub fn #field(&self) -> Option<#tt> {
                                self.#field
                            }
                            #[doc = #set_doc]
                            pub fn #with(mut self, value: #tt) -> Self {
                                self.#field = Some(value);
                                self
                            }
                        });
                    }
                    _ => {
                        fields.push(quote! {
                            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                            #field: Option<#tt>,
                        });
                        methods.push(quote! {
                            #[doc = #get_doc]
                            pub fn #field(&self) -> Option<&#tt> {
                                self.#field.as_ref()
                            }
                            #[doc = #set_doc]
                            pub fn #with(mut self, value: #tt) -> Self {
                                self.#field = Some(value);
                                self
                            }
                        });
                    }
                }
            }
            let doc = format!("The `{}` XML element.", d.name);
            out.push(quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
                pub struct #name {
                    #(#fields)*
                }

                impl #name {
                    #(#methods)*
                }
            });
        }
        Ok(quote!(#(#out)*))
    }

    /// `models.rs`: the schemas operations reached, and what they reach.
    fn models(&mut self, label: &str) -> Result<TokenStream, String> {
        let mut done: BTreeMap<String, StructDef> = BTreeMap::new();
        let mut locals_all = Vec::new();
        loop {
            let todo: Vec<String> = self
                .used_models
                .iter()
                .filter(|n| !done.contains_key(*n))
                .cloned()
                .collect();
            if todo.is_empty() {
                break;
            }
            for name in todo {
                let schema = self.schemas.get(&name).cloned().unwrap_or(Value::Null);
                let props = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                let mut fields = Vec::new();
                let mut taken: BTreeSet<String> = self
                    .schemas
                    .keys()
                    .map(|k| escape_type(&camel(k)))
                    .collect();
                for (wire, prop) in &props {
                    let path = format!("{label}: components.schemas.{name}.properties.{wire}");
                    let t = self.ty(
                        prop,
                        &format!("{name}{wire}"),
                        &mut locals_all,
                        &mut taken,
                        &path,
                    )?;
                    fields.push((wire.clone(), t));
                }
                done.insert(
                    name.clone(),
                    StructDef {
                        name: escape_type(&camel(&name)),
                        fields,
                    },
                );
            }
        }
        let mut defs: Vec<StructDef> = done.into_values().collect();
        defs.extend(locals_all);
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        let structs = self.structs(&defs, true)?;
        Ok(quote! {
            //! The XML elements OSS operations send and return.
            #structs
        })
    }
}

/// `Ident::new` for names that may be keywords.
trait NewRawOr {
    fn new_raw_or(name: &str) -> Ident;
}

impl NewRawOr for Ident {
    fn new_raw_or(name: &str) -> Ident {
        let escaped = escape_ident(name);
        match escaped.strip_prefix("r#") {
            Some(raw) => Ident::new_raw(raw, Span::call_site()),
            None => Ident::new(&escaped, Span::call_site()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_oss_and_names_skips() {
        let rpc = serde_json::json!({"info": {"style": "RPC"}, "apis": {}});
        assert!(generate(&rpc, "x.json").unwrap_err().contains("not OSS"));
        let none = serde_json::json!({"info": {"style": "OSS"}});
        assert!(generate(&none, "x.json").unwrap_err().contains("no `apis`"));
        let spec = serde_json::json!({
            "info": {"style": "OSS"},
            "apis": {
                "GetBucketThing": {"methods": ["get"], "path": "/?thing",
                    "parameters": [{"name": "bucket", "in": "host", "schema": {"type": "string", "required": true}}],
                    "responses": {"200": {"schema": {"type": "object", "properties": {
                        "Thing": {"$ref": "#/components/schemas/Missing"}}}}}},
                "PutObject": {"methods": ["put"], "path": "/{key}"}
            }
        });
        let g = generate(&spec, "x.json").unwrap();
        assert!(g.generated.is_empty(), "{:?}", g.generated);
        assert_eq!(g.skipped.len(), 1);
        assert!(
            g.skipped[0].1.contains("missing schema Missing"),
            "{:?}",
            g.skipped
        );
    }
}
