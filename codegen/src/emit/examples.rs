//! Tests generated from the metadata itself: every operation's documented
//! example response must deserialize into its typed response, and every
//! top-level key of the example that the schema declares must land in a
//! field.

use super::ident;
use crate::ir::Product;
use crate::ProductSummary;
use proc_macro2::TokenStream;
use quote::quote;

/// One product's test module: a `#[test]` per operation with a JSON
/// example, calling the `check` helper at the root of the test crate.
pub fn response_example_tests(p: &Product) -> TokenStream {
    let product = ident(&p.module);
    let tests = p.operations.iter().filter_map(|op| {
        let example = op.example_response.as_ref()?;
        let module = ident(&op.module);
        let name = module.clone();
        let response = ident(&op.response_type);
        let label = format!("{} {} {}", p.name, p.version, op.name);
        let undeclared = &op.example_undeclared_keys;
        Some(quote! {
            #[test]
            fn #name() {
                crate::check::<alibabacloud_sdk::#product::#module::#response>(
                    #label, #example, &[#(#undeclared),*],
                );
            }
        })
    });
    // The call each operation's docs show (`no_run` there): compiled here,
    // for every product, so a generator change cannot ship an example that
    // does not build.
    let calls = p.operations.iter().map(|op| {
        let text = format!(
            "{{ {} let _ = response; }}",
            super::operation_docs::example_call(op).join("\n")
        );
        text.parse::<TokenStream>().unwrap_or_else(|e| {
            let message = format!("generator bug: the example of {} is not Rust: {e}", op.name);
            quote!(compile_error!(#message);)
        })
    });
    quote! {
        #(#tests)*

        /// The documented call of every operation, compiled, never run.
        #[allow(dead_code, deprecated)]
        async fn documented_calls(
            client: alibabacloud_sdk::#product::Client,
        ) -> ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {
            #(#calls)*
            Ok(())
        }
    }
}

/// The index of the example test modules, each behind its product's feature.
pub fn example_tests_root(products: &[ProductSummary]) -> TokenStream {
    let items = products.iter().map(|p| {
        let m = ident(&p.module);
        let feature = &p.feature;
        quote! {
            #[cfg(feature = #feature)]
            mod #m;
        }
    });
    quote!(#(#items)*)
}
