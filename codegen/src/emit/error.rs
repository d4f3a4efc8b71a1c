//! The operation's error enum: one variant per Rust name of the error
//! table's codes, plus a sealed `Unhandled`, each carrying the shared
//! service-error metadata.

use super::{doc_attrs, ident};
use crate::ir::Operation;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error_type);
    let variants: Vec<_> = op.errors.iter().map(|v| ident(&v.variant)).collect();
    let variant_defs = op.errors.iter().map(|v| {
        let statuses: Vec<String> = v.statuses.iter().map(u16::to_string).collect();
        let codes: Vec<String> = v.codes.iter().map(|c| format!("`{c}`")).collect();
        let mut text = format!("{} (HTTP {}).", codes.join(" or "), statuses.join(", "));
        for m in &v.messages {
            text.push_str(&format!("\n\n> {}", m.replace('\n', " ")));
        }
        let docs = doc_attrs(&text);
        let variant = ident(&v.variant);
        quote! { #docs #variant(rt::error::ServiceError), }
    });
    let arms = op.errors.iter().map(|v| {
        let variant = ident(&v.variant);
        let codes = &v.codes;
        quote!(#(#codes)|* => Self::#variant(error),)
    });
    let predicates = op.errors.iter().map(|v| {
        let variant = ident(&v.variant);
        let predicate = ident(&v.predicate);
        let doc = format!(" Whether this is [`{}`](Self::{}).", v.variant, v.variant);
        quote! {
            #[doc = #doc]
            #[inline] pub fn #predicate(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    let known = if variants.is_empty() {
        quote!()
    } else {
        quote!(#(Self::#variants(error))|* => error,)
    };
    // Without table rows the match would have one arm (clippy::match_single_binding).
    let pick = if op.errors.is_empty() {
        quote!(Self::Unhandled(rt::operation::Unhandled::new(error)))
    } else {
        quote! {
            match error.code() {
                #(#arms)*
                _ => Self::Unhandled(rt::operation::Unhandled::new(error)),
            }
        }
    };
    let doc = doc_attrs(&format!(
        "Errors `{}` can return, one variant per code of its error table.\n\n\
         Codes the table does not list arrive as `Unhandled`: match them with a\n\
         wildcard arm and read [`code`]({}::code), since a code the table gains\n\
         later moves to a variant of its own.",
        op.name, op.error_type
    ));
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            /// A code this operation's error table does not list.
            #[deprecated(note = "matching `Unhandled` breaks when its code gets a variant of its own; match a wildcard and check `code()`")]
            Unhandled(rt::operation::Unhandled),
        }

        #[allow(deprecated)]
        impl #name {
            /// The error code, as the service sent it.
            #[inline] pub fn code(&self) -> &str {
                self.service_error().code()
            }

            /// Code, message, request id and the other metadata of the error.
            pub fn service_error(&self) -> &rt::error::ServiceError {
                match self {
                    #known
                    Self::Unhandled(unhandled) => unhandled.service_error(),
                }
            }

            #(#predicates)*
        }

        #[allow(deprecated)]
        impl rt::error::OperationError for #name {
            fn from_service_error(error: rt::error::ServiceError) -> Self {
                #pick
            }

            fn service_error(&self) -> &rt::error::ServiceError {
                #name::service_error(self)
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
