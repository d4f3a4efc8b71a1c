//! The operation's error enum: one variant per distinct code of the error
//! table, plus `Unhandled`, each carrying the shared service-error metadata.

use super::{doc_attrs, ident};
use crate::ir::Operation;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error_type);
    let variants: Vec<_> = op.errors.iter().map(|v| ident(&v.variant)).collect();
    let codes: Vec<&str> = op.errors.iter().map(|v| v.code.as_str()).collect();
    let variant_defs = op.errors.iter().map(|v| {
        let statuses: Vec<String> = v.statuses.iter().map(u16::to_string).collect();
        let mut text = format!("`{}` (HTTP {}).", v.code, statuses.join(", "));
        for m in &v.messages {
            text.push_str(&format!("\n\n> {}", m.replace('\n', " ")));
        }
        let docs = doc_attrs(&text);
        let variant = ident(&v.variant);
        quote! { #docs #variant(crate::error::ServiceError), }
    });
    // Without table rows the match would have one arm (clippy::match_single_binding).
    let pick = if op.errors.is_empty() {
        quote!(Self::Unhandled(error))
    } else {
        quote! {
            match error.code() {
                #(#codes => Self::#variants(error),)*
                _ => Self::Unhandled(error),
            }
        }
    };
    let doc = doc_attrs(&format!(
        "Errors `{}` can return, from its error table. Codes the table does not\nlist arrive as [`{}::Unhandled`].",
        op.name, op.error_type
    ));
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            /// A code this operation's error table does not list.
            Unhandled(crate::error::ServiceError),
        }

        impl #name {
            /// Code, message, request id and the other metadata of the error.
            pub fn service_error(&self) -> &crate::error::ServiceError {
                crate::error::OperationError::service_error(self)
            }
        }

        impl crate::error::OperationError for #name {
            fn from_service_error(error: crate::error::ServiceError) -> Self {
                #pick
            }

            fn service_error(&self) -> &crate::error::ServiceError {
                match self {
                    #(Self::#variants(error))|* | Self::Unhandled(error) => error,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self.service_error(), f)
            }
        }

        impl ::std::error::Error for #name {}
    }
}
