//! Tests generated from the metadata itself: every operation's documented
//! example response must deserialize into its typed response.

use super::ident;
use crate::ir::Product;
use proc_macro2::TokenStream;
use quote::quote;

/// A test file with one `#[test]` per operation that has a JSON example;
/// `krate` is the crate under test.
pub fn response_example_tests(krate: &str, products: &[Product]) -> TokenStream {
    let krate = ident(krate);
    let tests = products.iter().flat_map(|p| {
        let product = ident(&p.module);
        let krate = krate.clone();
        p.operations.iter().filter_map(move |op| {
            let example = op.example_response.as_ref()?;
            let name = ident(&format!(
                "{}__{}",
                p.module,
                op.module.trim_start_matches("r#").trim_end_matches('_')
            ));
            let module = ident(&op.module);
            let response = ident(&op.response_type);
            let label = format!("{} {}", p.name, op.name);
            Some(quote! {
                #[test]
                fn #name() {
                    let parsed: ::std::result::Result<#krate::#product::#module::#response, _> =
                        ::serde_json::from_str(#example);
                    if let ::std::result::Result::Err(e) = parsed {
                        panic!("{}: {}", #label, e);
                    }
                }
            })
        })
    });
    quote! {
        #![allow(non_snake_case)]
        #(#tests)*
    }
}
