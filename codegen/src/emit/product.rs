//! The product module (descriptor, client, re-exports) and the root
//! `generated/mod.rs` that gates each product behind its cargo feature.

use super::{doc_attrs, ident};
use crate::ir::Product;
use proc_macro2::TokenStream;
use quote::quote;

/// `generated/<product>/mod.rs`.
pub fn product_module(product: &Product) -> TokenStream {
    let modules: Vec<_> = product
        .operations
        .iter()
        .map(|op| ident(&op.module))
        .collect();
    let reexports = product.operations.iter().map(|op| {
        let m = ident(&op.module);
        let req = ident(&op.request_type);
        let resp = ident(&op.response_type);
        let err = ident(&op.error_type);
        let builder = ident(&op.builder_type);
        quote!(pub use #m::{#builder, #err, #req, #resp};)
    });
    let methods = product.operations.iter().map(|op| {
        let m = ident(&op.module);
        let builder = ident(&op.builder_type);
        let first = op.docs.split("\n\n").next().unwrap_or("").to_string();
        let text = if first.is_empty() {
            format!("`{}`.", op.name)
        } else {
            format!("{first}\n\nAction `{}`.", op.name)
        };
        let docs = doc_attrs(&text);
        let deprecated = if op.deprecated {
            quote!(#[deprecated(note = "this operation is deprecated in Alibaba Cloud's API metadata")])
        } else {
            quote!()
        };
        quote! {
            #docs
            #deprecated
            pub fn #m(&self) -> #m::#builder {
                #m::#builder::new(self.inner.clone())
            }
        }
    });
    let name = &product.name;
    let code = &product.code;
    let version = &product.version;
    let style = match product.style.as_str() {
        "ROA" | "FC" => quote!(crate::operation::ApiStyle::Roa),
        _ => quote!(crate::operation::ApiStyle::Rpc),
    };
    let regions = product.endpoints.iter().map(|(r, _)| r);
    let hosts = product.endpoints.iter().map(|(_, h)| h);
    let client_doc = doc_attrs(&format!(
        "Client for {name} {version}: one method per operation, each returning a\nfluent builder. Cheap to clone; clones share connections and credentials."
    ));
    quote! {
        #(pub mod #modules;)*

        #(#reexports)*

        /// Product, version, style and region endpoints of this API.
        pub static PRODUCT: crate::operation::ProductDescriptor = crate::operation::ProductDescriptor {
            name: #name,
            code: #code,
            version: #version,
            style: #style,
            endpoints: &[#((#regions, #hosts)),*],
        };

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: crate::client::Client,
        }

        impl Client {
            /// A client with the given configuration.
            pub fn new(config: crate::config::Config) -> Self {
                Self { inner: crate::client::Client::new(config) }
            }

            /// Region and credentials from the environment and Alibaba's
            /// configuration files (see [`crate::config::Config::from_env`]).
            pub fn from_env() -> ::std::result::Result<Self, crate::error::ConfigError> {
                Ok(Self::new(crate::config::Config::from_env()?))
            }

            /// Wraps a shared runtime client (to reuse it across products).
            pub fn from_client(inner: crate::client::Client) -> Self {
                Self { inner }
            }

            /// The shared runtime client.
            pub fn runtime(&self) -> &crate::client::Client {
                &self.inner
            }

            /// Sends a request built elsewhere (`XxxRequest::default()`, or a
            /// builder's `into_request`).
            pub async fn execute<O: crate::operation::Operation>(
                &self,
                request: O,
            ) -> ::std::result::Result<O::Response, crate::error::Error<O::Error>> {
                self.inner.execute(request).await
            }

            #(#methods)*
        }
    }
}

/// `generated/mod.rs`: one feature-gated module per product.
pub fn generated_root(products: &[Product]) -> TokenStream {
    let items = products.iter().map(|p| {
        let m = ident(&p.module);
        let feature = &p.code;
        let doc = doc_attrs(&format!(
            "{} {} (cargo feature `{feature}`).",
            p.name, p.version
        ));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            pub mod #m;
        }
    });
    quote!(#(#items)*)
}
