//! The response side: structs that read leniently (`Deserialize`), write
//! back in the wire shape (`Serialize`, behind the `serialize` feature where
//! only responses use them), give accessors that spare users
//! XML-style wrapper objects, and `with_` setters so users can build
//! responses for their own tests.

use super::types::{rust_type, rust_type_text};
use super::verbatim::{self, FieldText, Method};
use super::{doc_attrs, doc_lines, ident};
use crate::ir::{EnumType, Field, StructType, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether a response struct always implements `Serialize`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Serialize {
    /// Always: the struct can also travel in a request (a product's shared
    /// `types`), where JSON-style parameters serialize it.
    Always,
    /// Only with the `serialize` feature. A derived `Serialize` is about a
    /// quarter of an operation's compile time, and few users need it
    /// outside their own tests (`test-util` turns the feature on).
    WithFeature,
}

/// A response struct (the body or a nested object). `keys` names the
/// wrapper-key marker of each wrapper field's inner key.
/// A response struct: its definition and accessors (what users read), and
/// apart from them its reader and writer impls (plumbing), so a module can
/// put the public items first.
pub(crate) fn response_struct(
    s: &StructType,
    keys: &WrapperKeys,
    serialize: Serialize,
) -> (TokenStream, TokenStream) {
    let name = ident(&s.name);
    let transparent = s.whole_body;
    let accessors = s.fields.iter().map(accessor);
    let setters = s.fields.iter().map(|fd| response_setter(fd, keys));
    let fields = s.fields.iter().map(|fd| field(fd, keys));
    let reader = reader(&name, &s.fields, transparent);
    let writer = writer(&name, &s.fields, transparent, serialize);
    let field_lines: Vec<FieldText> = s
        .fields
        .iter()
        .map(|fd| FieldText {
            docs: Vec::new(),
            name: &fd.ident,
            ty: stored_type_text(fd, keys),
        })
        .collect();
    let definition = verbatim::struct_definition(
        &doc_lines(&s.docs),
        &[
            "#[derive(Debug, Clone, Default, PartialEq)]",
            "#[non_exhaustive]",
        ],
        &s.name,
        &field_lines,
    )
    .unwrap_or_else(|| {
        let docs = doc_attrs(&s.docs);
        quote! {
            #docs
            #[derive(Debug, Clone, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }
        }
    });
    let public = quote! {
        #definition

        impl #name {
            #(#accessors)*
            #(#setters)*
        }
    };
    (public, quote!(#reader #writer))
}

/// `Serialize`, written out like the reader: the wire names in field order,
/// unset fields left out, so a response writes back the keys it was read
/// from.
fn writer(
    name: &proc_macro2::Ident,
    fields: &[Field],
    transparent: bool,
    serialize: Serialize,
) -> TokenStream {
    if !transparent {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|fd| (fd.wire_name.as_str(), fd.ident.as_str()))
            .collect();
        let cfg = match serialize {
            Serialize::Always => None,
            Serialize::WithFeature => Some("#[cfg(feature = \"serialize\")]"),
        };
        if let Some(tokens) = verbatim::object_writer(&name.to_string(), &pairs, cfg) {
            return tokens;
        }
    }
    let cfg = match serialize {
        Serialize::Always => quote!(),
        Serialize::WithFeature => quote!(#[cfg(feature = "serialize")]),
    };
    let body = if transparent {
        let f = fields.iter().map(|fd| ident(&fd.ident));
        quote!(#(::serde::Serialize::serialize(&self.#f, serializer))*)
    } else {
        let entries = fields.iter().map(|fd| {
            let f = ident(&fd.ident);
            let wire = &fd.wire_name;
            quote!(out.field(#wire, &self.#f)?;)
        });
        let out = if fields.is_empty() {
            quote!(out)
        } else {
            quote!(mut out)
        };
        quote! {
            let #out = rt::de::ObjectWriter::new(serializer)?;
            #(#entries)*
            out.end()
        }
    };
    quote! {
        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #body
            }
        }
    }
}

/// `Deserialize`, written out rather than derived: one `match` on the key
/// over the runtime's generic object reader (`rt::de::object`). serde's
/// derive also emits a field enum, its visitor, a sequence form and
/// missing- and duplicate-field checks, none of which a lenient reader of
/// JSON objects whose fields all default needs; it was most of an
/// operation's compile time.
fn reader(name: &proc_macro2::Ident, fields: &[Field], transparent: bool) -> TokenStream {
    if transparent {
        let f = fields.iter().map(|fd| ident(&fd.ident));
        return quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    ::std::result::Result::Ok(Self { #(#f: ::serde::Deserialize::deserialize(deserializer)?,)* })
                }
            }
        };
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|fd| (fd.wire_name.as_str(), fd.ident.as_str()))
        .collect();
    if let Some(tokens) = verbatim::object_reader(&name.to_string(), &pairs) {
        return tokens;
    }
    let body = if fields.is_empty() {
        quote!(rt::de::skip_value(map))
    } else {
        let arms = fields.iter().map(|fd| {
            let f = ident(&fd.ident);
            let wire = &fd.wire_name;
            quote!(#wire => self.#f = map.next_value()?,)
        });
        quote! {
            match key {
                #(#arms)*
                _ => rt::de::skip_value(map)?,
            }
            ::std::result::Result::Ok(())
        }
    };
    let key = if fields.is_empty() {
        quote!(_key)
    } else {
        quote!(key)
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                rt::de::object(deserializer)
            }
        }

        impl rt::de::Object for #name {
            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(&mut self, #key: &str, map: &mut A) -> ::std::result::Result<(), A::Error> {
                #body
            }
        }
    }
}

/// The marker types that name wrapper keys, one per distinct inner key of
/// an operation module.
pub(crate) struct WrapperKeys {
    keys: Vec<(String, String)>,
}

impl WrapperKeys {
    /// Collects the inner keys of every wrapper field in `structs`.
    pub(crate) fn collect<'a>(structs: impl Iterator<Item = &'a StructType>) -> Self {
        let mut wires: Vec<String> = structs
            .flat_map(|s| s.fields.iter().filter_map(|f| f.wrapper_of.clone()))
            .collect();
        wires.sort();
        wires.dedup();
        let keys = wires
            .into_iter()
            .enumerate()
            .map(|(i, wire)| (wire, format!("Key{i}")))
            .collect();
        WrapperKeys { keys }
    }

    fn marker(&self, wire: &str) -> TokenStream {
        let name = ident(self.marker_name(wire));
        quote!(wrapper_keys::#name)
    }

    fn marker_name(&self, wire: &str) -> &str {
        self.keys
            .iter()
            .find(|(w, _)| w == wire)
            .map(|(_, n)| n.as_str())
            .expect("every wrapper key was collected")
    }

    /// `mod wrapper_keys { ... }`, or nothing when there are none.
    pub(crate) fn module(&self) -> TokenStream {
        if self.keys.is_empty() {
            return quote!();
        }
        let items = self.keys.iter().map(|(wire, name)| {
            let name = ident(name);
            let doc = format!(" The wrapper key `{wire}`.");
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Copy, Default, PartialEq)]
                pub struct #name;

                impl rt::de::WrapperKey for #name {
                    const KEY: &'static str = #wire;
                }
            }
        });
        quote! {
            /// Names of the XML-style wrapper objects in this operation's response.
            mod wrapper_keys {
                use crate::__private as rt;
                #(#items)*
            }
        }
    }
}

/// The stored type of a response field: lenient wrappers for scalars, lists
/// and maps (see `rt::de`), `Option` for objects, enums and free JSON.
fn stored_type(fd: &Field, keys: &WrapperKeys) -> TokenStream {
    let ty = &fd.ty;
    let inner = rust_type(ty);
    match ty {
        Type::String | Type::I32 | Type::I64 | Type::F64 | Type::Bool => {
            quote!(rt::de::Scalar<#inner>)
        }
        Type::List(item) => {
            let item = rust_type(item);
            match &fd.wrapper_of {
                Some(key) => {
                    let key = keys.marker(key);
                    quote!(rt::de::Wrapped<#item, #key>)
                }
                None => quote!(rt::de::List<#item>),
            }
        }
        Type::Map(value) => {
            let value = rust_type(value);
            quote!(rt::de::Map<#value>)
        }
        Type::Struct(_) | Type::Shared(_) | Type::Enum(_) | Type::Any => {
            quote!(::std::option::Option<#inner>)
        }
    }
}

/// [`stored_type`] as prettyplease prints it.
fn stored_type_text(fd: &Field, keys: &WrapperKeys) -> String {
    match &fd.ty {
        ty @ (Type::String | Type::I32 | Type::I64 | Type::F64 | Type::Bool) => {
            format!("rt::de::Scalar<{}>", rust_type_text(ty))
        }
        Type::List(item) => match &fd.wrapper_of {
            Some(key) => format!(
                "rt::de::Wrapped<{}, wrapper_keys::{}>",
                rust_type_text(item),
                keys.marker_name(key)
            ),
            None => format!("rt::de::List<{}>", rust_type_text(item)),
        },
        Type::Map(value) => format!("rt::de::Map<{}>", rust_type_text(value)),
        ty @ (Type::Struct(_) | Type::Shared(_) | Type::Enum(_) | Type::Any) => {
            format!("::std::option::Option<{}>", rust_type_text(ty))
        }
    }
}

fn field(fd: &Field, keys: &WrapperKeys) -> TokenStream {
    let f = ident(&fd.ident);
    let ty = stored_type(fd, keys);
    quote! { #f: #ty, }
}

fn accessor(fd: &Field) -> TokenStream {
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
    let note = if fd.wire_name.is_empty() {
        "The whole body.".to_string()
    } else {
        format!("Wire name `{}`.", fd.wire_name)
    };
    text = if text.is_empty() {
        note
    } else {
        format!("{text}\n\n{note}")
    };
    super::request::getter(&fd.ident, &fd.ty, &text, super::request::Storage::Wrapped)
}

/// `with_<field>`: sets a field, for responses users build in their tests.
fn response_setter(fd: &Field, keys: &WrapperKeys) -> TokenStream {
    let f = ident(&fd.ident);
    let setter = ident(&format!("with_{}", fd.ident.trim_start_matches("r#")));
    let doc = format!(
        " Sets [`{0}`](Self::{0}).",
        fd.ident.trim_start_matches("r#")
    );
    // The common cases as text (see `verbatim`); tokens otherwise.
    let name = fd.ident.as_str();
    let text_form = match &fd.ty {
        Type::String => Some((
            "value: impl ::std::convert::Into<::std::string::String>".to_string(),
            format!("self.{name} = rt::de::Scalar(::std::option::Option::Some(value.into()));"),
        )),
        Type::I32 | Type::I64 | Type::F64 | Type::Bool => Some((
            format!("value: {}", rust_type_text(&fd.ty)),
            format!("self.{name} = rt::de::Scalar(::std::option::Option::Some(value));"),
        )),
        Type::List(item) if fd.wrapper_of.is_none() => Some((
            format!(
                "values: impl ::std::iter::IntoIterator<Item = {}>",
                rust_type_text(item)
            ),
            format!("self.{name} = rt::de::List(values.into_iter().collect());"),
        )),
        Type::List(_) => None,
        Type::Map(value) => Some((
            format!(
                "entries: impl ::std::iter::IntoIterator<Item = (::std::string::String, {})>",
                rust_type_text(value)
            ),
            format!("self.{name} = rt::de::Map(entries.into_iter().collect());"),
        )),
        Type::Struct(_) | Type::Shared(_) | Type::Enum(_) | Type::Any => Some((
            format!("value: {}", rust_type_text(&fd.ty)),
            format!("self.{name} = ::std::option::Option::Some(value);"),
        )),
    };
    if let Some((param, assign)) = text_form {
        let setter_name = format!("with_{}", fd.ident.trim_start_matches("r#"));
        let verbatim = Method {
            attrs: &["#[inline]"],
            head: "pub fn",
            docs: std::slice::from_ref(&doc),
            name: &setter_name,
            params: &["mut self", &param],
            ret: "Self",
            body: &[assign, "self".to_string()],
        }
        .verbatim();
        if let Some(tokens) = verbatim {
            return tokens;
        }
    }
    match &fd.ty {
        Type::String => quote! {
            #[doc = #doc]
            #[inline] pub fn #setter(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#f = rt::de::Scalar(::std::option::Option::Some(value.into()));
                self
            }
        },
        Type::I32 | Type::I64 | Type::F64 | Type::Bool => {
            let ty = rust_type(&fd.ty);
            quote! {
                #[doc = #doc]
                #[inline] pub fn #setter(mut self, value: #ty) -> Self {
                    self.#f = rt::de::Scalar(::std::option::Option::Some(value));
                    self
                }
            }
        }
        Type::List(item) => {
            let item = rust_type(item);
            let build = match &fd.wrapper_of {
                Some(key) => {
                    let key = keys.marker(key);
                    quote!(rt::de::Wrapped::<#item, #key>::new(values.into_iter().collect()))
                }
                None => quote!(rt::de::List(values.into_iter().collect())),
            };
            quote! {
                #[doc = #doc]
                #[inline] pub fn #setter(mut self, values: impl ::std::iter::IntoIterator<Item = #item>) -> Self {
                    self.#f = #build;
                    self
                }
            }
        }
        Type::Map(value) => {
            let value = rust_type(value);
            quote! {
                #[doc = #doc]
                #[inline] pub fn #setter(mut self, entries: impl ::std::iter::IntoIterator<Item = (::std::string::String, #value)>) -> Self {
                    self.#f = rt::de::Map(entries.into_iter().collect());
                    self
                }
            }
        }
        Type::Struct(_) | Type::Shared(_) | Type::Enum(_) | Type::Any => {
            let ty = rust_type(&fd.ty);
            quote! {
                #[doc = #doc]
                #[inline] pub fn #setter(mut self, value: #ty) -> Self {
                    self.#f = ::std::option::Option::Some(value);
                    self
                }
            }
        }
    }
}

/// A string enum of requests and responses: the listed values as variants,
/// anything else as a sealed `Unknown`, so a value added to the service
/// later never fails a response, and matching it by name warns. Requests
/// take it from a `&str` too and check it before sending.
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
            #[deprecated(note = "matching `Unknown` breaks when its value gets a variant of its own; match a wildcard and check `as_str()`")]
            Unknown(crate::operation::UnknownValue),
        }

        #[allow(deprecated)]
        impl #name {
            /// The value as the service sends it.
            #[inline] pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// The values the API metadata lists.
            pub const fn values() -> &'static [&'static str] {
                &[#(#wires),*]
            }

            /// The known values, read back through [`as_str`](Self::as_str).
            const KNOWN: &'static [Self] = &[#(Self::#variants),*];
        }

        #[allow(deprecated)]
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::KNOWN
                    .iter()
                    .find(|known| known.as_str() == value)
                    .cloned()
                    .unwrap_or_else(|| Self::Unknown(crate::operation::UnknownValue::new(value)))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = rt::de::enum_text(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            #[inline] fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl rt::params::ParamValue for #name {
            #[inline] fn to_param(&self) -> ::std::string::String {
                self.as_str().to_string()
            }
        }

        impl rt::params::FlatParam for #name {
            #[inline] fn write_flat(&self, prefix: &str, out: &mut ::std::vec::Vec<(::std::string::String, ::std::string::String)>) {
                out.push((prefix.to_string(), self.as_str().to_string()));
            }
        }

        impl rt::validate::Checkable for #name {
            #[inline] fn is_set(&self) -> bool {
                true
            }
            #[inline] fn char_len(&self) -> ::std::option::Option<usize> {
                ::std::option::Option::Some(self.as_str().chars().count())
            }
            #[inline] fn as_text(&self) -> ::std::option::Option<&str> {
                ::std::option::Option::Some(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    }
}
