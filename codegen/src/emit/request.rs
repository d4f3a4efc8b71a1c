//! The request side: request struct, parameter object structs, validation and
//! wire serialization, and the setters shared by builders and objects.

use super::types::{field_type, field_type_text, is_collection, rust_type, rust_type_text};
use super::verbatim::{self, FieldText, Method};
use super::{doc_attrs, doc_lines, ident};
use crate::ir::{Check, Encoding, Location, Operation, Pagination, Param, StructType, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The request struct with its accessors, and apart from them its
/// `Operation` impls (plumbing).
pub(crate) fn request(op: &Operation) -> (TokenStream, TokenStream) {
    let name = ident(&op.request_type);
    let response = ident(&op.response_type);
    let error = ident(&op.error_type);
    let fields = op.params.iter().map(|p| {
        let f = ident(&p.ident);
        let ty = field_type(&p.ty);
        quote! { #f: #ty, }
    });
    let checks = op.params.iter().map(validation);
    let writes = op.params.iter().map(write_param);
    let fixed = op
        .fixed_query
        .iter()
        .map(|(k, v)| quote!(out.query.push((#k.to_string(), #v.to_string()));));
    let out = if op.params.is_empty() && op.fixed_query.is_empty() {
        quote!(_out)
    } else {
        quote!(out)
    };
    let doc_text = format!(
        "Parameters of `{}`, as its builder [`{}`] sets them.",
        op.name, op.builder_type
    );
    let field_lines: Vec<FieldText> = op
        .params
        .iter()
        .map(|p| FieldText {
            docs: Vec::new(),
            name: &p.ident,
            ty: field_type_text(&p.ty),
        })
        .collect();
    let getters = op
        .params
        .iter()
        .map(|p| getter(&p.ident, &p.ty, &param_docs(p), Storage::Plain));
    let getters = quote! {
        impl #name {
            #(#getters)*
        }
    };
    let definition = verbatim::struct_definition(
        &doc_lines(&doc_text),
        &[
            "#[derive(Debug, Clone, Default, PartialEq)]",
            "#[non_exhaustive]",
        ],
        &op.request_type,
        &field_lines,
    )
    .unwrap_or_else(|| {
        let doc = doc_attrs(&doc_text);
        quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }
        }
    });
    let operation_impl = operation_impl_text(op).unwrap_or_else(|| {
        quote! {
            impl crate::operation::Operation for #name {
                type Response = #response;
                type Error = #error;
            }

            impl rt::operation::OperationSpec for #name {
                const DESCRIPTOR: &'static rt::operation::OperationDescriptor = &DESCRIPTOR;

                fn validate(&self) -> ::std::result::Result<(), crate::error::ValidationError> {
                    #(#checks)*
                    Ok(())
                }

                fn write_params(&self, #out: &mut rt::params::Params) {
                    #(#fixed)*
                    #(#writes)*
                }
            }
        }
    });
    (quote!(#definition #getters), operation_impl)
}

/// How a struct stores a field: as [`field_type`] (requests and parameter
/// objects), or inside the lenient reader's wrapper, `.0` (responses), for
/// everything but objects and enums, which both store as `Option<T>`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Storage {
    Plain,
    Wrapped,
}

/// The read accessor of every model type: `Option<&str>` for strings,
/// slices for lists, `&BTreeMap` for maps, `Option<T>` for scalars and
/// `Option<&T>` for objects and enums.
pub(crate) fn getter(field_ident: &str, ty: &Type, docs: &str, storage: Storage) -> TokenStream {
    let value = match storage {
        Storage::Plain => format!("self.{field_ident}"),
        Storage::Wrapped => format!("self.{field_ident}.0"),
    };
    let (ret, body) = match ty {
        Type::String => (
            "::std::option::Option<&str>".to_string(),
            format!("{value}.as_deref()"),
        ),
        Type::List(item) => (format!("&[{}]", rust_type_text(item)), format!("&{value}")),
        Type::Map(_) => (format!("&{}", rust_type_text(ty)), format!("&{value}")),
        Type::I32 | Type::I64 | Type::F64 | Type::Bool => (
            format!("::std::option::Option<{}>", rust_type_text(ty)),
            value,
        ),
        Type::Struct(_) | Type::Shared(_) | Type::Enum(_) | Type::Any => (
            format!("::std::option::Option<&{}>", rust_type_text(ty)),
            format!("self.{field_ident}.as_ref()"),
        ),
    };
    let verbatim = Method {
        attrs: &["#[inline]"],
        head: "pub fn",
        docs: &doc_lines(docs),
        name: field_ident,
        params: &["&self"],
        ret: &ret,
        body: std::slice::from_ref(&body),
    }
    .verbatim();
    if let Some(tokens) = verbatim {
        return tokens;
    }
    // The same text, as tokens, where the layout is not certain.
    let docs = doc_attrs(docs);
    let method: TokenStream =
        format!("#[inline] pub fn {field_ident}(&self) -> {ret} {{ {body} }}")
            .parse()
            .expect("an accessor is built from identifiers and type paths");
    quote!(#docs #method)
}

/// A parameter object member's docs: its description, then facts always,
/// so no accessor lacks rustdoc where the spec is silent.
fn member_docs(fd: &crate::ir::Field) -> String {
    let mut facts = format!("Wire name `{}`", fd.wire_name);
    if fd.required {
        facts.push_str("; required");
    }
    facts.push('.');
    if fd.docs.is_empty() {
        facts
    } else {
        format!("{}\n\n{facts}", fd.docs)
    }
}

/// The `with_` setter name of a field (`r#type` gives `with_type`).
pub(crate) fn with_name(field_ident: &str) -> String {
    format!("with_{}", field_ident.trim_start_matches("r#"))
}

/// The `Operation` and `OperationSpec` impls as text (see `verbatim`) in the
/// common case: no fixed query, at least one parameter, checks whose
/// literals need no escaping.
fn operation_impl_text(op: &Operation) -> Option<TokenStream> {
    if !op.fixed_query.is_empty() || op.params.is_empty() {
        return None;
    }
    let mut text = String::with_capacity(1024 + op.params.len() * 160);
    text.push_str(&format!(
        "impl crate::operation::Operation for {0} {{\n    type Response = {1};\n    type Error = {2};\n}}\nimpl rt::operation::OperationSpec for {0} {{\n    const DESCRIPTOR: &'static rt::operation::OperationDescriptor = &DESCRIPTOR;\n    fn validate(&self) -> ::std::result::Result<(), crate::error::ValidationError> {{\n",
        op.request_type, op.response_type, op.error_type
    ));
    for p in &op.params {
        let wire = verbatim::string_literal(&p.wire_name)?;
        let field = format!("&self.{}", p.ident);
        for check in &p.checks {
            let (callee, extra) = match check {
                Check::Required => ("rt::validate::required", vec![]),
                Check::MaxItems(n) => ("rt::validate::max_items", vec![format!("{n}usize")]),
                Check::MaxLength(n) => ("rt::validate::max_length", vec![format!("{n}usize")]),
                Check::OneOf(allowed) => {
                    let values: Option<Vec<String>> = allowed
                        .iter()
                        .map(|v| verbatim::string_literal(v))
                        .collect();
                    (
                        "rt::validate::one_of",
                        vec![format!("&[{}]", values?.join(", "))],
                    )
                }
                Check::OneOfNumber(_) => return None,
                Check::Minimum { limit, exclusive } => (
                    "rt::validate::minimum",
                    vec![number_literal(limit), exclusive.to_string()],
                ),
                Check::Maximum { limit, exclusive } => (
                    "rt::validate::maximum",
                    vec![number_literal(limit), exclusive.to_string()],
                ),
                Check::Pattern(pattern) => (
                    "rt::validate::pattern",
                    vec![verbatim::string_literal(pattern)?],
                ),
            };
            let mut args = vec![wire.clone(), field.clone()];
            args.extend(extra);
            verbatim::call_statement(&mut text, 0, 8, callee, &args, "?;")?;
        }
    }
    text.push_str(
        "        Ok(())\n    }\n    fn write_params(&self, out: &mut rt::params::Params) {\n",
    );
    for p in &op.params {
        let method = match p.encoding {
            Encoding::Plain => "out.plain",
            Encoding::Flat => "out.flat",
            Encoding::Json => "out.json",
            Encoding::Simple => "out.simple",
        };
        let args = [
            location_text(p.location).to_string(),
            verbatim::string_literal(&p.wire_name)?,
            format!("&self.{}", p.ident),
        ];
        verbatim::call_statement(&mut text, 0, 8, method, &args, ";")?;
    }
    text.push_str("    }\n}\n");
    verbatim::item(text, &[])
}

pub(crate) fn param_docs(p: &Param) -> String {
    let mut facts = vec![format!("Wire name `{}`", p.wire_name)];
    if p.required {
        facts.push("required".to_string());
    }
    facts.extend(param_limits(p));
    let facts = format!("{}.", facts.join("; "));
    if p.docs.is_empty() {
        facts
    } else {
        format!("{}\n\n{facts}", p.docs)
    }
}

/// The spec's limits on a parameter's value, in words: item and length
/// limits, allowed values, bounds and pattern.
pub(crate) fn param_limits(p: &Param) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(n) = p.max_items {
        facts.push(format!("at most {n} items"));
    }
    if let Some(n) = p.max_length {
        facts.push(format!("at most {n} characters"));
    }
    if !p.allowed.is_empty() {
        let values: Vec<String> = p.allowed.iter().map(|v| format!("`{v}`")).collect();
        facts.push(format!("one of {}", values.join(", ")));
    }
    for check in &p.checks {
        match check {
            Check::Minimum { limit, exclusive } => facts.push(format!(
                "{} {limit}",
                if *exclusive { "above" } else { "at least" }
            )),
            Check::Maximum { limit, exclusive } => facts.push(format!(
                "{} {limit}",
                if *exclusive { "below" } else { "at most" }
            )),
            Check::Pattern(pattern) => facts.push(format!("matches `{pattern}`")),
            _ => {}
        }
    }
    facts
}

fn validation(p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    let f = ident(&p.ident);
    let checks = p.checks.iter().map(|check| match check {
        Check::Required => quote!(rt::validate::required(#wire, &self.#f)?;),
        Check::MaxItems(n) => {
            let n = *n as usize;
            quote!(rt::validate::max_items(#wire, &self.#f, #n)?;)
        }
        Check::MaxLength(n) => {
            let n = *n as usize;
            quote!(rt::validate::max_length(#wire, &self.#f, #n)?;)
        }
        Check::OneOf(allowed) => {
            quote!(rt::validate::one_of(#wire, &self.#f, &[#(#allowed),*])?;)
        }
        Check::OneOfNumber(allowed) => {
            quote!(rt::validate::one_of_number(#wire, &self.#f, &[#(#allowed),*])?;)
        }
        Check::Minimum { limit, exclusive } => {
            let limit = number_tokens(limit);
            quote!(rt::validate::minimum(#wire, &self.#f, #limit, #exclusive)?;)
        }
        Check::Maximum { limit, exclusive } => {
            let limit = number_tokens(limit);
            quote!(rt::validate::maximum(#wire, &self.#f, #limit, #exclusive)?;)
        }
        Check::Pattern(pattern) => quote!(rt::validate::pattern(#wire, &self.#f, #pattern)?;),
    });
    quote!(#(#checks)*)
}

/// A spec bound (`"1"`, `"0.5"`) as an `f64` literal (`1.0`, `0.5`): the
/// runtime compares every numeric parameter as `f64`, exact for the
/// integers the specs bound.
fn number_literal(limit: &str) -> String {
    // The spec model keeps only bounds that parse as finite numbers; this is
    // how proc-macro2 prints an unsuffixed float, so both paths agree.
    let text = limit.parse::<f64>().unwrap_or(0.0).to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn number_tokens(limit: &str) -> TokenStream {
    let literal = proc_macro2::Literal::f64_unsuffixed(limit.parse::<f64>().unwrap_or(0.0));
    quote!(#literal)
}

fn location_text(l: Location) -> &'static str {
    match l {
        Location::Query => "rt::params::Location::Query",
        Location::Form => "rt::params::Location::Form",
        Location::Path => "rt::params::Location::Path",
        Location::Body => "rt::params::Location::Body",
        Location::Header => "rt::params::Location::Header",
        Location::Host => "rt::params::Location::Host",
    }
}

pub(crate) fn location(l: Location) -> TokenStream {
    match l {
        Location::Query => quote!(rt::params::Location::Query),
        Location::Form => quote!(rt::params::Location::Form),
        Location::Path => quote!(rt::params::Location::Path),
        Location::Body => quote!(rt::params::Location::Body),
        Location::Header => quote!(rt::params::Location::Header),
        Location::Host => quote!(rt::params::Location::Host),
    }
}

fn write_param(p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    let f = ident(&p.ident);
    let loc = location(p.location);
    match p.encoding {
        Encoding::Plain => quote!(out.plain(#loc, #wire, &self.#f);),
        Encoding::Flat => quote!(out.flat(#loc, #wire, &self.#f);),
        Encoding::Json => quote!(out.json(#loc, #wire, &self.#f);),
        Encoding::Simple => quote!(out.simple(#loc, #wire, &self.#f);),
    }
}

/// `Paginated` for operations that page: how to build the next request
/// from a response; and `PaginatedItems` where the response names the list.
pub(crate) fn paginated(op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else {
        return quote!();
    };
    let name = ident(&op.request_type);
    // Page fields are widened to i64 whatever their width in the spec; where
    // the spec already says i64 the conversion is a no-op clippy flags.
    let clippy_allow = match pagination {
        Pagination::PageNumber { .. } => quote!(#[allow(clippy::useless_conversion)]),
        Pagination::Token { .. } => quote!(),
    };
    let (body, items) = match pagination {
        Pagination::PageNumber {
            page_number,
            page_size,
            total_count,
            response_page_size,
            items,
        } => {
            let number = ident(page_number);
            let size = ident(page_size);
            let total = ident(total_count);
            let count = match items {
                Some(list) => {
                    let field = ident(&list.field);
                    quote!(::std::option::Option::Some(response.#field().len()))
                }
                None => quote!(::std::option::Option::None),
            };
            // The size the service used when the request named none.
            let asked = match response_page_size {
                Some(field) => {
                    let field = ident(field);
                    quote!(self.#size.map(i64::from).or(response.#field().map(i64::from)))
                }
                None => quote!(self.#size.map(i64::from)),
            };
            (
                quote! {
                    let (next, size) = rt::paging::next_page_number(
                        self.#number.map(i64::from),
                        #asked,
                        response.#total().map(i64::from),
                        #count,
                    )?;
                    let mut request = self.clone();
                    request.#number = ::std::option::Option::Some(next.try_into().ok()?);
                    request.#size = ::std::option::Option::Some(size.try_into().ok()?);
                    ::std::option::Option::Some(request)
                },
                items,
            )
        }
        Pagination::Token {
            request_token,
            response_token,
            items,
        } => {
            let req = ident(request_token);
            let resp = ident(response_token);
            (
                quote! {
                    let token = rt::paging::next_token(self.#req.as_deref(), response.#resp())?;
                    let mut request = self.clone();
                    request.#req = ::std::option::Option::Some(token);
                    ::std::option::Option::Some(request)
                },
                items,
            )
        }
    };
    let items = items.as_ref().map(|list| {
        let field = ident(&list.field);
        let item = rust_type(&list.item);
        quote! {
            impl rt::paging::PaginatedItems for #name {
                type Item = #item;
                fn page_items(response: Self::Response) -> ::std::vec::Vec<Self::Item> {
                    response.#field.0
                }
            }
        }
    });
    quote! {
        impl rt::paging::Paginated for #name {
            #clippy_allow
            fn next_request(&self, response: &Self::Response) -> ::std::option::Option<Self> {
                #body
            }
        }
        #items
    }
}

/// A parameter object (`Tag` of `Tag.N.Key`): private fields read by
/// accessors and set by `with_` setters, as every model type, and both wire
/// spellings (numbered keys and JSON).
pub(crate) fn param_struct(s: &StructType) -> (TokenStream, TokenStream) {
    let name = ident(&s.name);
    let docs = doc_attrs(&s.docs);
    let fields = s.fields.iter().map(|fd| {
        let f = ident(&fd.ident);
        let ty = field_type(&fd.ty);
        let wire = &fd.wire_name;
        let skip = if is_collection(&fd.ty) {
            quote!(#[serde(rename = #wire, skip_serializing_if = "rt::params::is_empty")])
        } else {
            quote!(#[serde(rename = #wire, skip_serializing_if = "::std::option::Option::is_none")])
        };
        quote! { #skip #f: #ty, }
    });
    let getters = s
        .fields
        .iter()
        .map(|fd| getter(&fd.ident, &fd.ty, &member_docs(fd), Storage::Plain));
    let members = s.fields.iter().map(|fd| {
        let f = ident(&fd.ident);
        let wire = &fd.wire_name;
        quote!(rt::params::flat_member(prefix, #wire, &self.#f, out);)
    });
    let setters = s.fields.iter().map(|fd| {
        let doc = format!(
            "Sets [`{0}`](Self::{0}()).",
            fd.ident.trim_start_matches("r#")
        );
        setter(&with_name(&fd.ident), &fd.ident, &fd.ty, &doc, "self")
    });
    let public = quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        impl #name {
            #(#getters)*
            #(#setters)*
        }
    };
    let plumbing = quote! {
        impl rt::validate::Checkable for #name {
            #[inline] fn is_set(&self) -> bool {
                true
            }
        }

        impl rt::params::FlatParam for #name {
            #[inline] fn write_flat(&self, prefix: &str, out: &mut ::std::vec::Vec<(::std::string::String, ::std::string::String)>) {
                #(#members)*
            }
        }
    };
    (public, plumbing)
}

/// A by-value setter `method` for field `field_ident` of `target` (`self` or
/// `self.request`).
pub(crate) fn setter(
    method: &str,
    field_ident: &str,
    ty: &Type,
    docs: &str,
    target: &str,
) -> TokenStream {
    // The common cases as text (see `verbatim`); tokens otherwise.
    let text_form = match ty {
        Type::String => Some((
            "value: impl ::std::convert::Into<::std::string::String>".to_string(),
            "value.into()",
        )),
        Type::Enum(_) => Some((
            format!("value: impl ::std::convert::Into<{}>", rust_type_text(ty)),
            "value.into()",
        )),
        Type::List(_) | Type::Map(_) => None,
        other => Some((format!("value: {}", rust_type_text(other)), "value")),
    };
    if let Some((param, value)) = text_form {
        let verbatim = Method {
            attrs: &["#[inline]"],
            head: "pub fn",
            docs: &doc_lines(docs),
            name: method,
            params: &["mut self", &param],
            ret: "Self",
            body: &[
                format!("{target}.{field_ident} = ::std::option::Option::Some({value});"),
                "self".to_string(),
            ],
        }
        .verbatim();
        if let Some(tokens) = verbatim {
            return tokens;
        }
    }
    let f = ident(field_ident);
    let m = ident(method);
    let target: TokenStream = target
        .parse()
        .expect("a setter's target is `self` or a field path");
    let docs = doc_attrs(docs);
    match ty {
        Type::String => quote! {
            #docs
            #[inline] pub fn #m(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                #target.#f = ::std::option::Option::Some(value.into());
                self
            }
        },
        Type::List(item) => {
            let item = rust_type(item);
            quote! {
                #docs
                #[inline] pub fn #m<I, V>(mut self, values: I) -> Self
                where
                    I: ::std::iter::IntoIterator<Item = V>,
                    V: ::std::convert::Into<#item>,
                {
                    #target.#f = values.into_iter().map(::std::convert::Into::into).collect();
                    self
                }
            }
        }
        Type::Map(value) => {
            let value = rust_type(value);
            quote! {
                #docs
                #[inline] pub fn #m<I, K, V>(mut self, entries: I) -> Self
                where
                    I: ::std::iter::IntoIterator<Item = (K, V)>,
                    K: ::std::convert::Into<::std::string::String>,
                    V: ::std::convert::Into<#value>,
                {
                    #target.#f = entries.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
                    self
                }
            }
        }
        Type::Enum(_) => {
            let ty = rust_type(ty);
            quote! {
                #docs
                #[inline] pub fn #m(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    #target.#f = ::std::option::Option::Some(value.into());
                    self
                }
            }
        }
        other => {
            let ty = rust_type(other);
            quote! {
                #docs
                #[inline] pub fn #m(mut self, value: #ty) -> Self {
                    #target.#f = ::std::option::Option::Some(value);
                    self
                }
            }
        }
    }
}
