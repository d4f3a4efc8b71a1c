//! One operation's module: descriptor, request, builder, response, error.

use super::error::error_enum;
use super::request::{location, paginated, param_docs, param_struct, request, setter};
use super::response::{response_enum, response_struct, Serialize, WrapperKeys};
use super::verbatim::Method;
use super::{doc_attrs, ident};
use crate::ir::{Operation, OperationType};
use proc_macro2::TokenStream;
use quote::quote;

/// The whole module file of `op`.
pub fn operation_module(op: &Operation) -> TokenStream {
    let descriptor = descriptor(op);
    let (request, operation_impl) = request(op);
    let paginated = paginated(op);
    let builder = builder(op);
    let keys = WrapperKeys::collect(std::iter::once(&op.response).chain(&op.response_structs));
    let (responses, response_plumbing): (Vec<_>, Vec<_>) = std::iter::once(&op.response)
        .chain(&op.response_structs)
        .map(|s| response_struct(s, &keys, Serialize::WithFeature))
        .unzip();
    let wrapper_keys = keys.module();
    let enums = op.enums.iter().map(response_enum);
    let shared_enums = op.shared_enums.iter().map(|name| {
        let name = ident(name);
        quote!(pub use super::types::#name;)
    });
    let (objects, object_plumbing): (Vec<_>, Vec<_>) =
        op.param_structs.iter().map(param_struct).unzip();
    let error = error_enum(op);
    // What users read first, in the order they use it; the wire plumbing
    // (descriptor, trait impls, readers) after it.
    quote! {
        use crate::__private as rt;
        #request
        #builder
        #(#objects)*
        #(#responses)*
        #(#enums)*
        #(#shared_enums)*
        #error
        #descriptor
        #operation_impl
        #paginated
        #(#object_plumbing)*
        #(#response_plumbing)*
        #wrapper_keys
    }
}

fn descriptor(op: &Operation) -> TokenStream {
    let action = &op.name;
    let methods: Vec<&str> = op.methods.iter().map(|m| m.as_str()).collect();
    let auth: Vec<&str> = op.auth.iter().map(|a| a.as_str()).collect();
    let path = &op.path;
    // A value the generator does not know is treated as a write: never
    // retried after sending.
    let operation_type = match op.operation_type {
        OperationType::Read => quote!(rt::operation::OperationType::Read),
        OperationType::Write => quote!(rt::operation::OperationType::Write),
        OperationType::ReadAndWrite => quote!(rt::operation::OperationType::ReadAndWrite),
        OperationType::Unspecified | OperationType::Other(_) => {
            quote!(rt::operation::OperationType::Unspecified)
        }
    };
    let client_token = match &op.client_token {
        Some(token) => {
            let wire = &token.wire_name;
            let place = location(token.location);
            quote!(::std::option::Option::Some((#wire, #place)))
        }
        None => quote!(::std::option::Option::None),
    };
    let ram_action = option_str(op.ram_action.as_deref());
    let ram_access_level = option_str(op.ram_access_level.as_deref());
    let deprecated = op.deprecated;
    let response_body = op.documents_body;
    quote! {
        /// What the runtime needs to know to send this operation.
        const DESCRIPTOR: rt::operation::OperationDescriptor = rt::operation::OperationDescriptor {
            product: &super::PRODUCT,
            action: #action,
            methods: &[#(#methods),*],
            path: #path,
            auth: &[#(#auth),*],
            operation_type: #operation_type,
            client_token: #client_token,
            ram_action: #ram_action,
            ram_access_level: #ram_access_level,
            deprecated: #deprecated,
            response_body: #response_body,
        };
    }
}

fn option_str(v: Option<&str>) -> TokenStream {
    match v {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    }
}

fn builder(op: &Operation) -> TokenStream {
    let name = ident(&op.builder_type);
    let request = ident(&op.request_type);
    let response = ident(&op.response_type);
    let error = ident(&op.error_type);
    // A setter says all a caller needs: what it is, required or not, limits
    // and allowed values (the same text as the request's accessor).
    let setters = op
        .params
        .iter()
        .map(|p| setter(&p.ident, &p.ident, &p.ty, &param_docs(p), "self.request"));
    let doc = doc_attrs(&format!(
        "Fluent builder for `{}`: set parameters, then [`send`]({}::send).",
        op.name, op.builder_type
    ));
    let deprecated = if op.deprecated {
        quote!(#[deprecated(note = "this operation is deprecated in Alibaba Cloud's API metadata")])
    } else {
        quote!()
    };
    let paginator = if op.pagination.is_some() {
        quote! {
            /// The pages of the results, as a stream: each page is one
            /// request, sent when the stream is polled.
            pub fn into_paginator(self) -> crate::paginate::PaginationStream<#request> {
                rt::paging::stream(self.client, self.request)
            }
        }
    } else {
        quote!()
    };
    // The fixed methods as text where their layout is certain (see
    // `verbatim`); tokens otherwise.
    let deprecated_text: &[&str] = if op.deprecated { &[DEPRECATED] } else { &[] };
    let new = Method {
        docs: &[],
        attrs: &[],
        head: "pub(crate) fn",
        name: "new",
        params: &["client: rt::client::Client"],
        ret: "Self",
        body: &[
            "Self {".to_string(),
            "    client,".to_string(),
            "    request: ::std::default::Default::default(),".to_string(),
            "}".to_string(),
        ],
    }
    .verbatim()
    .unwrap_or_else(|| {
        quote! {
            pub(crate) fn new(client: rt::client::Client) -> Self {
                Self { client, request: ::std::default::Default::default() }
            }
        }
    });
    let request_ret = format!("&{}", op.request_type);
    let request_accessor = Method {
        docs: &[" The request as built so far.".to_string()],
        attrs: &[],
        head: "pub fn",
        name: "request",
        params: &["&self"],
        ret: &request_ret,
        body: &["&self.request".to_string()],
    }
    .verbatim()
    .unwrap_or_else(|| {
        quote! {
            /// The request as built so far.
            pub fn request(&self) -> &#request {
                &self.request
            }
        }
    });
    let customize_ret = format!("crate::options::Customize<{}>", op.request_type);
    let customize = Method {
        docs: &[
            " Per-call options (timeouts, retries, endpoint, headers) for".to_string(),
            " this call only; then [`send`](crate::options::Customize::send).".to_string(),
        ],
        attrs: deprecated_text,
        head: "pub fn",
        name: "customize",
        params: &["self"],
        ret: &customize_ret,
        body: &["crate::options::Customize::new(self.client, self.request)".to_string()],
    }
    .verbatim()
    .unwrap_or_else(|| {
        quote! {
            /// Per-call options (timeouts, retries, endpoint, headers) for
            /// this call only; then [`send`](crate::options::Customize::send).
            #deprecated
            pub fn customize(self) -> crate::options::Customize<#request> {
                crate::options::Customize::new(self.client, self.request)
            }
        }
    });
    let send_ret = format!(
        "::std::result::Result<{}, crate::error::Error<{}>>",
        op.response_type, op.error_type
    );
    let send = Method {
        docs: &[
            " Validates, signs and sends the request; returns the typed".to_string(),
            " response or a typed error.".to_string(),
        ],
        attrs: deprecated_text,
        head: "pub async fn",
        name: "send",
        params: &["self"],
        ret: &send_ret,
        body: &["self.client.execute(self.request).await".to_string()],
    }
    .verbatim()
    .unwrap_or_else(|| {
        quote! {
            /// Validates, signs and sends the request; returns the typed
            /// response or a typed error.
            #deprecated
            pub async fn send(self) -> ::std::result::Result<#response, crate::error::Error<#error>> {
                self.client.execute(self.request).await
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct #name {
            client: rt::client::Client,
            request: #request,
        }

        impl #name {
            #new
            #(#setters)*
            #request_accessor
            #paginator
            #customize
            #send
        }
    }
}

/// The attribute a deprecated operation's builder methods carry, as
/// prettyplease prints it.
const DEPRECATED: &str =
    "#[deprecated(note = \"this operation is deprecated in Alibaba Cloud's API metadata\")]";
