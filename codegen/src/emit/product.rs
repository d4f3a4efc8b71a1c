//! The product module (descriptor, client, re-exports) and the root
//! `generated/mod.rs` that gates each product behind its cargo feature.

use super::{doc_attrs, ident, inner_doc_attrs};
use crate::ir::{ApiStyle, Product};
use crate::ProductSummary;
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
        let text = format!(
            "{}\n\nAction `{}`: see [`{module}`]({module}) for its parameters, errors and an example.",
            super::operation_docs::summary(op),
            op.name,
            module = op.module.trim_start_matches("r#"),
        );
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
    let types_mod = if product.types.is_empty() && product.type_enums.is_empty() {
        quote!()
    } else {
        quote! {
            /// The objects several operations share (the metadata's `$ref` schemas).
            pub mod types;
        }
    };
    let name = &product.name;
    let code = &product.code;
    let version = &product.version;
    let style = match product.style {
        ApiStyle::Roa => quote!(rt::operation::ApiStyle::Roa),
        // Unsupported styles have no operations; RPC is as good as any.
        ApiStyle::Rpc | ApiStyle::Unsupported(_) => quote!(rt::operation::ApiStyle::Rpc),
    };
    let regions = product.endpoints.iter().map(|(r, _)| r);
    let hosts = product.endpoints.iter().map(|(_, h)| h);
    let client_doc = doc_attrs(&format!(
        "Client for {name} {version}: one method per operation, each returning a\nfluent builder. Cheap to clone; clones share connections and credentials."
    ));
    let overview = inner_doc_attrs(&format!(
        "{name} {version}: {count} operations. Cargo feature `{feature}`{alias}.\n\n\
         Create a [`Client`](crate::{module}::Client) from a [`Config`](crate::config::Config) or the environment;\n\
         each of its methods returns an operation's builder, and `send()` returns the\n\
         typed response or an [`Error`](crate::error::Error) carrying the operation's error enum.\n\
         The request, response and error types of each operation are in its module and\n\
         re-exported here.{example}",
        count = product.operations.len(),
        feature = product.feature,
        alias = match &product.alias {
            Some(alias) => format!(
                "; `{}` enables it too and names it `{alias}`, the product's default version",
                product.code
            ),
            None => String::new(),
        },
        module = product.module.trim_start_matches("r#"),
        example = overview_example(product),
    ));
    quote! {
        #overview
        use crate::__private as rt;

        #types_mod

        #(pub mod #modules;)*

        #(#reexports)*

        /// Product, version, style and region endpoints of this API.
        pub(crate) static PRODUCT: rt::operation::ProductDescriptor = rt::operation::ProductDescriptor {
            name: #name,
            code: #code,
            version: #version,
            style: #style,
            endpoints: &[#((#regions, #hosts)),*],
        };

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: rt::client::Client,
        }

        impl Client {
            /// A client with the given configuration. Clients made from clones
            /// of one `Config` share its connections and credentials cache.
            pub fn new(config: crate::config::Config) -> Self {
                Self { inner: rt::client::Client::new(config) }
            }

            /// Region and credentials from the environment and Alibaba's
            /// configuration files (see [`Config::from_env`](crate::config::Config::from_env)).
            pub fn from_env() -> ::std::result::Result<Self, crate::error::ConfigError> {
                Ok(Self::new(crate::config::Config::from_env()?))
            }

            /// The configuration.
            pub fn config(&self) -> &crate::config::Config {
                self.inner.config()
            }

            #(#methods)*
        }
    }
}

/// A `no_run` example for the product module's docs: the first operation
/// (by name) that needs no parameter, else the first one. Standalone crates
/// rewrite the `alibabacloud_sdk::` path to their own name.
fn overview_example(product: &Product) -> String {
    let op = product
        .operations
        .iter()
        .find(|op| !op.deprecated && op.params.iter().all(|p| !p.required))
        .or_else(|| product.operations.iter().find(|op| !op.deprecated));
    let Some(op) = op else {
        return String::new();
    };
    let module = product
        .alias
        .as_deref()
        .unwrap_or(&product.module)
        .trim_start_matches("r#");
    let method = op.module.as_str();
    format!(
        "\n\n```no_run\n\
         # async fn demo() -> Result<(), Box<dyn std::error::Error>> {{\n\
         let client = alibabacloud_sdk::{module}::Client::from_env()?;\n\
         let response = client.{method}().send().await?;\n\
         println!(\"{{response:?}}\");\n\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// `generated/mod.rs`: one feature-gated module per product version, and
/// the plain name of each product's default version as an alias of it.
pub fn generated_root(products: &[ProductSummary]) -> TokenStream {
    let items = products.iter().map(|p| {
        let m = ident(&p.module);
        let feature = &p.feature;
        // No outer docs: rustdoc would put them before the module's own,
        // which already say product, version and features once.
        let alias = p.alias.as_ref().map(|alias| {
            let a = ident(alias);
            let code = &p.code;
            quote! {
                #[cfg(feature = #code)]
                #[cfg_attr(docsrs, doc(cfg(feature = #code)))]
                pub use self::#m as #a;
            }
        });
        quote! {
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            pub mod #m;
            #alias
        }
    });
    quote!(#(#items)*)
}

/// `sdk/src/generated/mod.rs` when each product is a crate: each crate
/// re-exported under its versioned module name, and under the plain name
/// for the default version, each behind its feature.
pub fn facade_root(products: &[ProductSummary]) -> TokenStream {
    let items = products.iter().map(|p| {
        let m = ident(&p.module);
        let krate = ident(&crate::crates::crate_ident(p));
        let feature = &p.feature;
        let alias = p.alias.as_ref().map(|alias| {
            let a = ident(alias);
            let code = &p.code;
            quote! {
                #[cfg(feature = #code)]
                #[cfg_attr(docsrs, doc(cfg(feature = #code)))]
                pub use #krate as #a;
            }
        });
        quote! {
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            pub use #krate as #m;
            #alias
        }
    });
    quote!(#(#items)*)
}

/// `generated/<product>/types.rs`: the shared `$ref` structs and the enums
/// nested in them. They read like response objects (lenient, `with_`
/// setters, `Serialize`) and encode as request parameters too.
pub fn types_module(product: &Product) -> TokenStream {
    use super::response::{response_enum, response_struct, Serialize, WrapperKeys};
    let keys = WrapperKeys::collect(product.types.iter());
    let structs = product.types.iter().map(|s| {
        let (public, plumbing) = response_struct(s, &keys, Serialize::Always);
        let name = ident(&s.name);
        let members = s.fields.iter().map(|fd| {
            let f = ident(&fd.ident);
            let wire = &fd.wire_name;
            quote!(rt::params::flat_member(prefix, #wire, &self.#f, out);)
        });
        quote! {
            #public
            #plumbing

            impl rt::params::FlatParam for #name {
                #[inline] fn write_flat(&self, prefix: &str, out: &mut ::std::vec::Vec<(::std::string::String, ::std::string::String)>) {
                    #(#members)*
                }
            }

            impl rt::validate::Checkable for #name {
                #[inline] fn is_set(&self) -> bool {
                    true
                }
            }
        }
    });
    let enums = product.type_enums.iter().map(response_enum);
    let wrapper_keys = keys.module();
    let doc = inner_doc_attrs(&format!(
        "Objects shared by operations of {} {} (the metadata's `$ref` schemas).",
        product.name, product.version
    ));
    quote! {
        #doc
        use crate::__private as rt;
        #(#structs)*
        #(#enums)*
        #wrapper_keys
    }
}
