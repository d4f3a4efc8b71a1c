//! The response side: `Deserialize` structs with accessors that spare users
//! `Option` unwrapping and XML-style wrapper objects.

use super::types::rust_type;
use super::{doc_attrs, ident};
use crate::ir::{EnumType, Field, StructType, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// A response struct (the body or a nested object).
pub(crate) fn response_struct(s: &StructType) -> TokenStream {
    let name = ident(&s.name);
    let docs = doc_attrs(&s.docs);
    // A body that is not a JSON object is held whole.
    let transparent = s.fields.len() == 1 && s.fields[0].wire_name.is_empty();
    let fields = s.fields.iter().map(|fd| field(fd, transparent));
    let accessors = s.fields.iter().map(accessor);
    let container = if transparent {
        quote!(#[serde(transparent)])
    } else {
        quote!()
    };
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Deserialize)]
        #container
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        impl #name {
            #(#accessors)*
        }
    }
}

/// The stored type of a response field: lenient wrappers for scalars, lists
/// and maps (see `crate::de`), `Option` for objects, enums and free JSON.
fn stored_type(ty: &Type) -> TokenStream {
    let inner = rust_type(ty);
    match ty {
        Type::String | Type::I32 | Type::I64 | Type::F64 | Type::Bool => {
            quote!(crate::de::Scalar<#inner>)
        }
        Type::List(item) => {
            let item = rust_type(item);
            quote!(crate::de::List<#item>)
        }
        Type::Map(value) => {
            let value = rust_type(value);
            quote!(crate::de::Map<#value>)
        }
        Type::Struct(_) | Type::Enum(_) | Type::Any => quote!(::std::option::Option<#inner>),
    }
}

fn field(fd: &Field, transparent: bool) -> TokenStream {
    let f = ident(&fd.ident);
    let ty = stored_type(&fd.ty);
    let wire = &fd.wire_name;
    if transparent {
        quote! { #f: #ty, }
    } else {
        quote! { #[serde(rename = #wire, default)] #f: #ty, }
    }
}

fn accessor(fd: &Field) -> TokenStream {
    let f = ident(&fd.ident);
    let mut text = fd.docs.clone();
    if let Some(inner) = &fd.wrapper_of {
        let note = format!(
            "On the wire: `{}.{inner}[]`, a wrapper object flattened here.",
            fd.wire_name
        );
        text = if text.is_empty() {
            note
        } else {
            format!("{text}\n\n{note}")
        };
    }
    let docs = doc_attrs(&text);
    match &fd.ty {
        Type::String => quote! {
            #docs
            pub fn #f(&self) -> &str { self.#f.0.as_deref().unwrap_or_default() }
        },
        Type::List(item) => {
            let item = rust_type(item);
            quote! {
                #docs
                pub fn #f(&self) -> &[#item] { &self.#f.0 }
            }
        }
        Type::Map(_) => {
            let ty = rust_type(&fd.ty);
            quote! {
                #docs
                pub fn #f(&self) -> &#ty { &self.#f.0 }
            }
        }
        Type::I32 | Type::I64 | Type::F64 | Type::Bool => {
            let ty = rust_type(&fd.ty);
            quote! {
                #docs
                pub fn #f(&self) -> ::std::option::Option<#ty> { self.#f.0 }
            }
        }
        Type::Struct(_) | Type::Enum(_) | Type::Any => {
            let ty = rust_type(&fd.ty);
            quote! {
                #docs
                pub fn #f(&self) -> ::std::option::Option<&#ty> { self.#f.as_ref() }
            }
        }
    }
}

/// A response string enum: the listed values as variants, anything else as
/// `Unknown`, so a value added to the service later never fails a response.
pub(crate) fn response_enum(e: &EnumType) -> TokenStream {
    let name = ident(&e.name);
    let docs = doc_attrs(&e.docs);
    let variants: Vec<_> = e.variants.iter().map(|(v, _)| ident(v)).collect();
    let wires: Vec<&str> = e.variants.iter().map(|(_, w)| w.as_str()).collect();
    let variant_docs = wires.iter().map(|w| {
        let text = format!(" `{w}`");
        quote!(#[doc = #text])
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this version of the SDK does not know.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value as the service sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = crate::de::enum_text(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }
    }
}
