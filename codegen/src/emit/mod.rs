//! Emitters: IR in, `TokenStream` out. One module per kind of output; they
//! print decisions the IR already made and decide nothing themselves.

mod error;
mod examples;
mod operation;
mod operation_docs;
mod product;
mod request;
mod response;
mod types;
pub(crate) mod verbatim;

pub use error::is_throttling_code;
pub use examples::{example_tests_root, response_example_tests};
pub use operation::operation_module;
pub use operation_docs::module_docs as operation_module_docs;
pub use product::{facade_root, generated_root, product_module, types_module};

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = " line"]` attributes for each line of `text` (none when empty).
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = " line"]` inner attributes (module docs, printed as `//!`).
pub(crate) fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#![doc = #lines])*)
}

/// Doc lines as rustdoc wants them: a leading space, tabs expanded.
pub fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.replace('\t', "    ");
            if line.is_empty() {
                line
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// Parses an identifier the IR produced (raw identifiers included).
pub(crate) fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => syn::Ident::new(name, proc_macro2::Span::call_site()),
    }
}
