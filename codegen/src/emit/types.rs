//! Rust type syntax for IR types.

use super::ident;
use crate::ir::Type;
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type of a value.
pub(crate) fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(::std::string::String),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F64 => quote!(f64),
        Type::Bool => quote!(bool),
        Type::Any => quote!(::serde_json::Value),
        Type::List(inner) => {
            let inner = rust_type(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = rust_type(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Type::Shared(name) => {
            let name = ident(name);
            quote!(super::types::#name)
        }
        Type::Struct(name) | Type::Enum(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// [`rust_type`] as prettyplease prints it, for methods written as text.
pub(crate) fn rust_type_text(ty: &Type) -> String {
    match ty {
        Type::String => "::std::string::String".to_string(),
        Type::I32 => "i32".to_string(),
        Type::I64 => "i64".to_string(),
        Type::F64 => "f64".to_string(),
        Type::Bool => "bool".to_string(),
        Type::Any => "::serde_json::Value".to_string(),
        Type::List(inner) => format!("::std::vec::Vec<{}>", rust_type_text(inner)),
        Type::Map(inner) => format!(
            "::std::collections::BTreeMap<::std::string::String, {}>",
            rust_type_text(inner)
        ),
        Type::Shared(name) => format!("super::types::{name}"),
        Type::Struct(name) | Type::Enum(name) => name.clone(),
    }
}

/// [`field_type`] as prettyplease prints it.
pub(crate) fn field_type_text(ty: &Type) -> String {
    if is_collection(ty) {
        rust_type_text(ty)
    } else {
        format!("::std::option::Option<{}>", rust_type_text(ty))
    }
}

/// The type a struct field holds: lists and maps as themselves (empty means
/// unset), everything else wrapped in `Option`.
pub(crate) fn field_type(ty: &Type) -> TokenStream {
    let inner = rust_type(ty);
    if is_collection(ty) {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// Lists and maps: "unset" is "empty".
pub(crate) fn is_collection(ty: &Type) -> bool {
    matches!(ty, Type::List(_) | Type::Map(_))
}
