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
