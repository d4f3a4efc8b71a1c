//! Schemas to Rust types: structs named by member, enums shared by both
//! sides of an operation, and the product's `$ref` types.

use super::*;
use crate::naming::{camel, escape_ident, escape_type, snake, unique_names, Namespace};
use crate::spec::{AdditionalProperties, ApiDocs, Schema};
use std::collections::{BTreeMap, BTreeSet};

use super::lower::*;

#[derive(Default)]
pub(super) struct SharedTypes {
    pub(super) names: Namespace,
    pub(super) structs: Vec<StructType>,
    pub(super) enums: Vec<EnumType>,
    pub(super) enum_keys: BTreeMap<(String, Vec<String>), String>,
    pub(super) refs: BTreeMap<String, String>,
    pub(super) in_progress: BTreeSet<String>,
}

impl SharedTypes {
    /// The state, and the Rust name of every `components.schemas` key
    /// (`#/components/schemas/<key>` to name), keyed on the schema names alone.
    pub(super) fn new(docs: &ApiDocs) -> (Self, BTreeMap<String, String>) {
        let keyed: Vec<(&str, String)> = docs
            .components
            .schemas
            .keys()
            .map(|k| (k.as_str(), escape_type(&camel(k))))
            .collect();
        let mut state = SharedTypes::default();
        let mut ref_names = BTreeMap::new();
        // Schema keys are unique JSON keys, so this cannot clash.
        if let Ok(names) = unique_names(&keyed, &[]) {
            for ((key, _), name) in keyed.iter().zip(names) {
                state.names.claim(&name);
                ref_names.insert(format!("#/components/schemas/{key}"), name);
            }
        }
        (state, ref_names)
    }
}

/// Collects the struct types of one side (request or response) of an operation.
pub(super) struct TypeSink<'a> {
    pub(super) names: &'a mut Namespace,
    pub(super) structs: Vec<StructType>,
    pub(super) enums: Vec<EnumType>,
    /// Enums by (name hint, values), so both sides share one type.
    pub(super) enum_keys: BTreeMap<(String, Vec<String>), String>,
    /// `$ref` targets already lowered, by ref string, to their struct name.
    pub(super) refs: BTreeMap<String, String>,
    /// `$ref`s being lowered, to cut cycles.
    pub(super) in_progress: BTreeSet<String>,
    pub(super) response_side: bool,
    /// This sink is the product's `types` module.
    pub(super) shared: bool,
}

pub(super) fn lower_fields(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    owner: &str,
    props: &indexmap::IndexMap<String, Schema>,
    path: &str,
) -> Result<Vec<Field>, Unsupported> {
    let mut fields = Vec::new();
    for (wire, raw) in props {
        let fpath = format!("{path}.properties.{wire}");
        let schema = resolve(ctx, raw, &fpath)?;
        let (ty, wrapper_of) = match wrapper_inner(schema).filter(|_| sink.response_side) {
            Some((inner_key, inner)) => {
                let inner_path = format!("{fpath}.properties.{inner_key}");
                (
                    lower_type(ctx, sink, owner, inner, &camel(inner_key), &inner_path)?,
                    Some(inner_key.clone()),
                )
            }
            None => (
                lower_type(ctx, sink, owner, raw, &camel(wire), &fpath)?,
                None,
            ),
        };
        fields.push(Field {
            wire_name: wire.clone(),
            ident: String::new(),
            ty,
            wrapper_of,
            required: schema.required == Some(true),
            docs: field_docs(schema),
        });
    }
    // JSON object keys are unique, so this cannot clash.
    let keyed: Vec<(&str, String)> = fields
        .iter()
        .map(|f| (f.wire_name.as_str(), snake(&f.wire_name)))
        .collect();
    // Accessors share the struct with the derived traits' methods:
    // `X::default()` must stay the constructor users call.
    let idents = unique_names(&keyed, FIELD_RESERVED)
        .map_err(|c| Unsupported(format!("{path}.properties: {:?} twice", c.wire)))?;
    for (f, ident) in fields.iter_mut().zip(idents) {
        f.ident = escape_ident(&ident);
    }
    Ok(fields)
}

/// An XML-style wrapper object: exactly one member, and that member a list.
pub(super) fn wrapper_inner(schema: &Schema) -> Option<(&String, &Schema)> {
    let props = schema.properties.as_ref()?;
    if props.len() != 1 {
        return None;
    }
    let (k, v) = props.iter().next()?;
    (v.ty.as_deref() == Some("array") || v.items.is_some()).then_some((k, v))
}

/// A `$ref` to an object schema: one struct in the product's `types`
/// module, whichever operations and sides use it.
pub(super) fn lower_shared(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    reference: &str,
    target: &Schema,
) -> Result<Type, Unsupported> {
    if !sink.shared {
        // Lower into the product's sink, then hand the state back.
        let mut state = ctx.shared.take();
        let SharedTypes {
            names,
            structs,
            enums,
            enum_keys,
            refs,
            in_progress,
        } = &mut state;
        let mut shared = TypeSink {
            names,
            structs: std::mem::take(structs),
            enums: std::mem::take(enums),
            enum_keys: std::mem::take(enum_keys),
            refs: std::mem::take(refs),
            in_progress: std::mem::take(in_progress),
            response_side: true,
            shared: true,
        };
        let result = lower_shared_struct(ctx, &mut shared, reference, target);
        *structs = shared.structs;
        *enums = shared.enums;
        *enum_keys = shared.enum_keys;
        *refs = shared.refs;
        *in_progress = shared.in_progress;
        ctx.shared.replace(state);
        return result;
    }
    lower_shared_struct(ctx, sink, reference, target)
}

pub(super) fn lower_shared_struct(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    reference: &str,
    target: &Schema,
) -> Result<Type, Unsupported> {
    if let Some(name) = sink.refs.get(reference) {
        return Ok(Type::Shared(name.clone()));
    }
    if sink.in_progress.contains(reference) {
        // A recursive schema: the inner occurrence stays free-form JSON.
        return Ok(Type::Any);
    }
    let Some(name) = ctx.ref_names.get(reference).cloned() else {
        return Err(Unsupported(format!(
            "$ref {reference:?}: not a schema of components.schemas"
        )));
    };
    let key = reference.trim_start_matches("#/components/schemas/");
    let path = format!("components.schemas.{key}");
    let props = target.properties.as_ref().expect("checked by the caller");
    let slot = sink.structs.len();
    // What a failed lowering must undo, so nothing half-lowered (a struct, a
    // reference to one, an enum, a claimed name) stays for other operations.
    let (refs, enum_keys, enums, names) = (
        sink.refs.clone(),
        sink.enum_keys.clone(),
        sink.enums.len(),
        sink.names.clone(),
    );
    sink.structs.push(StructType {
        whole_body: false,
        name: name.clone(),
        docs: String::new(),
        fields: Vec::new(),
    });
    sink.in_progress.insert(reference.to_string());
    let fields = lower_fields(ctx, sink, &name, props, &path);
    sink.in_progress.remove(reference);
    let fields = match fields {
        Ok(fields) => fields,
        Err(e) => {
            sink.structs.truncate(slot);
            sink.enums.truncate(enums);
            sink.refs = refs;
            sink.enum_keys = enum_keys;
            *sink.names = names;
            return Err(e);
        }
    };
    let mut docs = field_docs(target);
    if docs.is_empty() {
        docs = format!("The `{key}` object, shared by the operations that use it.");
    }
    sink.structs[slot] = StructType {
        whole_body: false,
        name: name.clone(),
        docs,
        fields,
    };
    sink.refs.insert(reference.to_string(), name.clone());
    Ok(Type::Shared(name))
}

/// Names a field accessor cannot take: methods of the traits generated
/// structs derive, which users call as `X::default()`, `x.clone()`.
const FIELD_RESERVED: &[&str] = &[
    "default",
    "clone",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
];

/// The Rust type of `schema`. New structs are named after `hint` (the
/// member name); if that is taken, after `owner` + `hint`
/// (`KvStoreInstanceTag`), and only then with a number.
pub(super) fn lower_type(
    ctx: &Ctx<'_>,
    sink: &mut TypeSink<'_>,
    owner: &str,
    schema: &Schema,
    hint: &str,
    path: &str,
) -> Result<Type, Unsupported> {
    if let Some(r) = &schema.reference {
        let target = resolve(ctx, schema, path)?;
        if target.properties.as_ref().is_some_and(|p| !p.is_empty()) {
            return lower_shared(ctx, sink, r, target);
        }
        if let Some(name) = sink.refs.get(r) {
            return Ok(Type::Struct(name.clone()));
        }
        if sink.in_progress.contains(r) {
            // A recursive schema: the inner occurrence stays free-form JSON.
            return Ok(Type::Any);
        }
        let ref_hint = r
            .rsplit('/')
            .next()
            .map(camel)
            .unwrap_or_else(|| hint.to_string());
        sink.in_progress.insert(r.clone());
        let ty = lower_type(ctx, sink, owner, target, &ref_hint, path)?;
        sink.in_progress.remove(r);
        if let Type::Struct(name) = &ty {
            sink.refs.insert(r.clone(), name.clone());
        }
        return Ok(ty);
    }
    let ty = schema
        .ty
        .as_deref()
        .unwrap_or(if schema.properties.is_some() {
            "object"
        } else if schema.items.is_some() {
            "array"
        } else {
            "any"
        });
    Ok(match ty {
        // String enums are types on both sides that still accept values the
        // spec does not list; requests check them before sending.
        "string" if schema.enum_values.as_ref().is_some_and(|v| !v.is_empty()) => {
            let mut values: Vec<String> = Vec::new();
            for value in schema
                .enum_values
                .iter()
                .flatten()
                .filter_map(json_scalar_text)
            {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            // A value set, whatever order each use lists it in.
            let mut set = values.clone();
            set.sort();
            let key = (hint.to_string(), set);
            if let Some(name) = sink.enum_keys.get(&key) {
                return Ok(Type::Enum(name.clone()));
            }
            let base = escape_type(hint);
            let by_owner = if sink.shared {
                true
            } else {
                // Another value set under the same name contests it.
                ctx.wanted
                    .borrow_mut()
                    .entry(base.clone())
                    .or_default()
                    .insert(format!("enum {:?}", key.1));
                ctx.contested.borrow().contains(&base)
            };
            let name = if by_owner && !owner.is_empty() {
                sink.names.claim(&format!("{owner}{hint}"))
            } else {
                sink.names.claim(&base)
            };
            sink.enum_keys.insert(key, name.clone());
            // Variant names keyed on the values, never on their order.
            let keyed: Vec<(&str, String)> = values
                .iter()
                .map(|v| (v.as_str(), escape_type(&camel(v))))
                .collect();
            let variant_names = unique_names(&keyed, &["Unknown"])
                .map_err(|c| Unsupported(format!("{path}.enum: {:?} twice", c.wire)))?;
            let variants = variant_names.into_iter().zip(values).collect();
            let mut docs = field_docs(schema);
            if docs.is_empty() {
                docs = format!("Values of `{hint}`.");
            }
            sink.enums.push(EnumType {
                name: name.clone(),
                docs,
                variants,
            });
            Type::Enum(name)
        }
        "string" => Type::String,
        "integer" => match schema.format.as_deref() {
            Some("int32") => Type::I32,
            _ => Type::I64,
        },
        "number" => Type::F64,
        "boolean" => Type::Bool,
        "any" => Type::Any,
        "array" => {
            let items = match schema.items.as_deref() {
                Some(items) => items,
                None => {
                    ctx.note(format!(
                        "{path}: array without items; items are free-form JSON"
                    ));
                    &ctx.empty
                }
            };
            let item_hint = hint.to_string();
            Type::List(Box::new(lower_type(
                ctx,
                sink,
                owner,
                items,
                &item_hint,
                &format!("{path}.items"),
            )?))
        }
        "object" => match (&schema.properties, &schema.additional_properties) {
            (Some(props), _) if !props.is_empty() => {
                let base = escape_type(hint);
                let by_owner = if sink.shared {
                    // Shared types nest under their schema's fixed name.
                    true
                } else {
                    ctx.wanted
                        .borrow_mut()
                        .entry(base.clone())
                        .or_default()
                        .insert(path.to_string());
                    ctx.contested.borrow().contains(&base) || sink.names.is_taken(&base)
                };
                let name = if by_owner && !owner.is_empty() {
                    sink.names.claim(&format!("{owner}{hint}"))
                } else {
                    sink.names.claim(&base)
                };
                // Reserve the slot now so nested types come after their parent.
                let slot = sink.structs.len();
                sink.structs.push(StructType {
                    whole_body: false,
                    name: name.clone(),
                    docs: String::new(),
                    fields: Vec::new(),
                });
                let fields = lower_fields(ctx, sink, &name, props, path)?;
                let mut docs = field_docs(schema);
                if docs.is_empty() {
                    // Every public item has rustdoc, even where the spec is silent.
                    docs = format!("The `{hint}` object.");
                }
                sink.structs[slot] = StructType {
                    whole_body: false,
                    name: name.clone(),
                    docs,
                    fields,
                };
                Type::Struct(name)
            }
            (_, Some(AdditionalProperties::Schema(values))) => Type::Map(Box::new(lower_type(
                ctx,
                sink,
                owner,
                values,
                hint,
                &format!("{path}.additionalProperties"),
            )?)),
            _ => Type::Any,
        },
        other => {
            return Err(Unsupported(format!("{path}.type: type {other:?}")));
        }
    })
}
