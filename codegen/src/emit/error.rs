//! The operation's error enum: one variant per Rust name of the error
//! table's codes, plus a sealed `Unhandled`, each carrying the shared
//! service-error metadata.

use super::verbatim;
use super::{doc_attrs, doc_lines, ident};
use crate::ir::Operation;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn error_enum(op: &Operation) -> TokenStream {
    if let Some(tokens) = error_enum_text(op) {
        return tokens;
    }
    let name = ident(&op.error_type);
    let variants: Vec<_> = op.errors.iter().map(|v| ident(&v.variant)).collect();
    let variant_defs = op.errors.iter().map(|v| {
        let docs = doc_attrs(&variant_docs(v));
        let variant = ident(&v.variant);
        quote! { #docs #variant(crate::error::ServiceError), }
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
        quote!(Self::Unhandled(crate::operation::Unhandled::new(error)))
    } else {
        quote! {
            match error.code() {
                #(#arms)*
                _ => Self::Unhandled(crate::operation::Unhandled::new(error)),
            }
        }
    };
    let doc = doc_attrs(&enum_docs(op));
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            /// A code this operation's error table does not list.
            #[deprecated(note = "matching `Unhandled` breaks when its code gets a variant of its own; match a wildcard and check `code()`")]
            Unhandled(crate::operation::Unhandled),
        }

        #[allow(deprecated)]
        impl #name {
            /// The error code, as the service sent it.
            #[inline] pub fn code(&self) -> &str {
                self.service_error().code()
            }

            /// Code, message, request id and the other metadata of the error.
            pub fn service_error(&self) -> &crate::error::ServiceError {
                match self {
                    #known
                    Self::Unhandled(unhandled) => unhandled.service_error(),
                }
            }

            #(#predicates)*
        }

        #[allow(deprecated)]
        impl crate::error::OperationError for #name {
            fn from_service_error(error: crate::error::ServiceError) -> Self {
                #pick
            }

            fn service_error(&self) -> &crate::error::ServiceError {
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

fn enum_docs(op: &Operation) -> String {
    format!(
        "Errors `{}` can return, one variant per code of its error table.\n\n\
         Codes the table does not list arrive as `Unhandled`: match them with a\n\
         wildcard arm and read [`code`]({}::code), since a code the table gains\n\
         later moves to a variant of its own.",
        op.name, op.error_type
    )
}

fn variant_docs(v: &crate::ir::ErrorVariant) -> String {
    let statuses: Vec<String> = v.statuses.iter().map(u16::to_string).collect();
    let codes: Vec<String> = v.codes.iter().map(|c| format!("`{c}`")).collect();
    let mut text = format!("{} (HTTP {}).", codes.join(" or "), statuses.join(", "));
    // What the client does with it before the caller sees it (the runtime's
    // retry rules, `ServiceError::is_throttling` and `RetryPolicy`).
    if v.codes.iter().any(|c| is_throttling_code(c)) {
        text.push_str(
            "\n\nThrottling: the client retries it with backoff, within the \
             retry policy, before returning it.",
        );
    } else if v.codes.iter().any(|c| c == "ServiceUnavailable")
        || v.statuses.iter().any(|s| *s >= 500)
    {
        text.push_str(
            "\n\nA failure on the service's side: the client retries it, within \
             the retry policy, for read operations and those with a `ClientToken`.",
        );
    }
    for m in &v.messages {
        text.push_str(&format!("\n\n> {}", m.replace('\n', " ")));
    }
    text
}

/// The runtime's throttling rule (`ServiceError::is_throttling`);
/// `tests/tests/api_shape.rs` checks that both agree.
pub fn is_throttling_code(code: &str) -> bool {
    code == "Throttling"
        || code.starts_with("Throttling.")
        || code == "RequestLimitExceeded"
        || code.ends_with(".Throttling")
}

/// The same items as text (see `verbatim`), when every line fits and no
/// code needs escaping.
fn error_enum_text(op: &Operation) -> Option<TokenStream> {
    let name = &op.error_type;
    let mut t = String::with_capacity(2048 + op.errors.len() * 400);
    verbatim::push_docs(&mut t, &doc_lines(&enum_docs(op)), "")?;
    t.push_str(&format!(
        "#[derive(Debug)]\n#[non_exhaustive]\npub enum {name} {{\n"
    ));
    for v in &op.errors {
        verbatim::push_docs(&mut t, &doc_lines(&variant_docs(v)), "    ")?;
        t.push_str(&format!("    {}(crate::error::ServiceError),\n", v.variant));
    }
    t.push_str("    /// A code this operation's error table does not list.\n    #[deprecated(\n");
    t.push_str(NOTE_LINE);
    t.push_str(concat!(
        "\n",
        "    )]\n",
        "    Unhandled(crate::operation::Unhandled),\n",
        "}\n",
    ));
    t.push_str(&format!(
        "#[allow(deprecated)]\nimpl {name} {{\n    /// The error code, as the service sent it.\n    #[inline]\n    pub fn code(&self) -> &str {{\n        self.service_error().code()\n    }}\n    /// Code, message, request id and the other metadata of the error.\n    pub fn service_error(&self) -> &crate::error::ServiceError {{\n        match self {{\n"
    ));
    if !op.errors.is_empty() {
        let alts: Vec<String> = op
            .errors
            .iter()
            .map(|v| format!("Self::{}(error)", v.variant))
            .collect();
        verbatim::alternatives_arm(&mut t, 12, &alts, "error");
    }
    t.push_str(
        "            Self::Unhandled(unhandled) => unhandled.service_error(),\n        }\n    }\n",
    );
    for v in &op.errors {
        t.push_str(&format!(
            "    /// Whether this is [`{0}`](Self::{0}).\n    #[inline]\n    pub fn {1}(&self) -> bool {{\n        matches!(self, Self::{0}(_))\n    }}\n",
            v.variant, v.predicate
        ));
    }
    t.push_str("}\n");
    t.push_str(&format!(
        "#[allow(deprecated)]\nimpl crate::error::OperationError for {name} {{\n    fn from_service_error(error: crate::error::ServiceError) -> Self {{\n"
    ));
    if op.errors.is_empty() {
        t.push_str("        Self::Unhandled(crate::operation::Unhandled::new(error))\n");
    } else {
        t.push_str("        match error.code() {\n");
        for v in &op.errors {
            let codes: Option<Vec<String>> = v
                .codes
                .iter()
                .map(|c| verbatim::string_literal(c))
                .collect();
            verbatim::alternatives_arm(&mut t, 12, &codes?, &format!("Self::{}(error)", v.variant));
        }
        t.push_str(
            "            _ => Self::Unhandled(crate::operation::Unhandled::new(error)),\n        }\n",
        );
    }
    t.push_str(&format!(
        "    }}\n    fn service_error(&self) -> &crate::error::ServiceError {{\n        {name}::service_error(self)\n    }}\n}}\nimpl ::std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        ::std::fmt::Display::fmt(self.service_error(), f)\n    }}\n}}\nimpl ::std::error::Error for {name} {{}}\n"
    ));
    verbatim::item(t, &[NOTE_LINE])
}

/// The `Unhandled` variant's deprecation note as prettyplease prints it:
/// one literal, longer than the margin, which it cannot break.
const NOTE_LINE: &str = "        note = \"matching `Unhandled` breaks when its code gets a variant of its own; match a wildcard and check `code()`\"";
