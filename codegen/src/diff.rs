//! What changed for users between two versions of a product's metadata:
//! operations, parameters, response fields and error codes, each change
//! marked breaking or additive from the point of view of code written
//! against the older generated API.

use crate::ir::{EnumType, Operation, Product, StructType, Type};
use std::collections::BTreeMap;
use std::fmt;

/// How a change affects code written against the older generated API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// It stops compiling or behaves differently: a removed item, a renamed
    /// Rust item, a changed type, a new requirement.
    Breaking,
    /// It compiles, but behaves differently: a new error code now gets its
    /// own variant, so a `match` that handled it through the wildcard arm no
    /// longer sees it there.
    Behaviour,
    /// Something new; old code is unaffected.
    Additive,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// What it means for existing code.
    pub impact: Impact,
    /// Operation name (empty for product-level changes).
    pub operation: String,
    /// What changed, in words.
    pub what: String,
}

impl Change {
    /// Whether old code stops compiling or behaving as it did.
    pub fn is_breaking(&self) -> bool {
        self.impact == Impact::Breaking
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.impact {
            Impact::Breaking => "BREAKING",
            Impact::Behaviour => "behaviour",
            Impact::Additive => "added   ",
        };
        if self.operation.is_empty() {
            write!(f, "{mark} {}", self.what)
        } else {
            write!(f, "{mark} {}: {}", self.operation, self.what)
        }
    }
}

/// Every change from `old` to `new`, breaking ones first, then behaviour
/// changes, then additions, each group by operation.
pub fn diff(old: &Product, new: &Product) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |impact: Impact, operation: &str, what: String| {
        changes.push(Change {
            impact,
            operation: operation.to_string(),
            what,
        })
    };
    if old.version != new.version {
        push(
            Impact::Breaking,
            "",
            format!("API version {} -> {}", old.version, new.version),
        );
    }
    let old_ops: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    for name in old_ops.keys().filter(|n| !new_ops.contains_key(*n)) {
        push(Impact::Breaking, name, "operation removed".into());
    }
    for name in new_ops.keys().filter(|n| !old_ops.contains_key(*n)) {
        push(Impact::Additive, name, "new operation".into());
    }
    for (name, old_op) in &old_ops {
        if let Some(new_op) = new_ops.get(name) {
            operation_changes(
                old_op,
                new_op,
                (&old.types, &new.types),
                (&old.type_enums, &new.type_enums),
                &mut push,
            );
        }
    }
    changes.sort();
    changes.dedup();
    changes
}

fn operation_changes(
    old: &Operation,
    new: &Operation,
    (old_types, new_types): (&[StructType], &[StructType]),
    (old_enums, new_enums): (&[EnumType], &[EnumType]),
    push: &mut impl FnMut(Impact, &str, String),
) {
    use Impact::{Additive, Behaviour, Breaking};
    let op = old.name.as_str();
    if old.module != new.module {
        push(
            Breaking,
            op,
            format!("client method {} -> {}", old.module, new.module),
        );
    }
    for (what, a, b) in [
        ("request type", &old.request_type, &new.request_type),
        ("builder type", &old.builder_type, &new.builder_type),
        ("response type", &old.response_type, &new.response_type),
        ("error type", &old.error_type, &new.error_type),
    ] {
        if a != b {
            push(Breaking, op, format!("{what} {a} -> {b}"));
        }
    }
    if !old.deprecated && new.deprecated {
        push(Additive, op, "now deprecated".into());
    }
    let old_params: BTreeMap<&str, _> = old
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p))
        .collect();
    let new_params: BTreeMap<&str, _> = new
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p))
        .collect();
    for (wire, p) in &old_params {
        match new_params.get(wire) {
            None => push(Breaking, op, format!("parameter {wire} removed")),
            Some(n) => {
                if p.ident != n.ident {
                    push(
                        Breaking,
                        op,
                        format!("parameter {wire} setter {} -> {}", p.ident, n.ident),
                    );
                }
                if p.ty != n.ty {
                    push(
                        Breaking,
                        op,
                        format!(
                            "parameter {wire} type {} -> {}",
                            type_name(&p.ty),
                            type_name(&n.ty)
                        ),
                    );
                }
                if !p.required && n.required {
                    push(Breaking, op, format!("parameter {wire} is now required"));
                }
                if p.max_items != n.max_items || p.max_length != n.max_length {
                    let tighter = n.max_items.unwrap_or(u64::MAX) < p.max_items.unwrap_or(u64::MAX)
                        || n.max_length.unwrap_or(u64::MAX) < p.max_length.unwrap_or(u64::MAX);
                    push(
                        if tighter { Breaking } else { Additive },
                        op,
                        format!(
                            "parameter {wire} limits maxItems {:?} -> {:?}, maxLength {:?} -> {:?}",
                            p.max_items, n.max_items, p.max_length, n.max_length
                        ),
                    );
                }
                let dropped: Vec<&String> = p
                    .allowed
                    .iter()
                    .filter(|v| !n.allowed.contains(v))
                    .collect();
                if !n.allowed.is_empty() && !dropped.is_empty() {
                    push(
                        Breaking,
                        op,
                        format!("parameter {wire} no longer accepts {dropped:?}"),
                    );
                }
            }
        }
    }
    for (wire, p) in &new_params {
        if !old_params.contains_key(wire) {
            push(
                if p.required { Breaking } else { Additive },
                op,
                format!(
                    "new {} parameter {wire}",
                    if p.required { "required" } else { "optional" }
                ),
            );
        }
    }
    // Members of request objects, by wire path under their parameter.
    let request_members = |op: &Operation, types: &[StructType]| {
        let structs: Vec<StructType> = op.param_structs.iter().chain(types).cloned().collect();
        let mut out = BTreeMap::new();
        for p in &op.params {
            let wrapper = StructType {
                whole_body: false,
                name: String::new(),
                docs: String::new(),
                fields: vec![crate::ir::Field {
                    wire_name: p.wire_name.clone(),
                    ident: p.ident.clone(),
                    ty: p.ty.clone(),
                    wrapper_of: None,
                    required: p.required,
                    docs: String::new(),
                }],
            };
            flatten_fields(&wrapper, &structs, "", &mut out, 0);
            out.remove(&p.wire_name);
        }
        out
    };
    let (old_members, new_members) = (
        request_members(old, old_types),
        request_members(new, new_types),
    );
    for (path, (ident, ty)) in &old_members {
        match new_members.get(path) {
            None => push(Breaking, op, format!("request member {path} removed")),
            Some((new_ident, n)) => {
                if n != ty {
                    push(
                        Breaking,
                        op,
                        format!("request member {path} type {ty} -> {n}"),
                    );
                }
                if new_ident != ident {
                    push(
                        Breaking,
                        op,
                        format!("request member {path} Rust name {ident} -> {new_ident}"),
                    );
                }
            }
        }
    }
    for path in new_members.keys().filter(|p| !old_members.contains_key(*p)) {
        push(Additive, op, format!("new request member {path}"));
    }
    // Enum variants: one removed or renamed breaks a `match` on it. An
    // enum the product's `types` holds counts as the operation's own where
    // the operation re-exports it, so moving there changes nothing here.
    fn own_enums<'a>(op: &'a Operation, shared: &'a [EnumType]) -> Vec<&'a EnumType> {
        op.enums
            .iter()
            .chain(shared.iter().filter(|e| op.shared_enums.contains(&e.name)))
            .collect()
    }
    let (old_own, new_own) = (own_enums(old, old_enums), own_enums(new, new_enums));
    let variants = |enums: &[&EnumType]| -> BTreeMap<(String, String), String> {
        enums
            .iter()
            .flat_map(|e| {
                e.variants
                    .iter()
                    .map(move |(v, wire)| ((e.name.clone(), wire.clone()), v.clone()))
            })
            .collect()
    };
    let (old_variants, new_variants) = (variants(&old_own), variants(&new_own));
    let new_enum_names: std::collections::BTreeSet<&str> =
        new_own.iter().map(|e| e.name.as_str()).collect();
    for ((enum_name, wire), variant) in &old_variants {
        match new_variants.get(&(enum_name.clone(), wire.clone())) {
            None if new_enum_names.contains(enum_name.as_str()) => push(
                Breaking,
                op,
                format!("enum {enum_name} value {wire:?} ({variant}) removed"),
            ),
            None => push(Breaking, op, format!("enum {enum_name} removed")),
            Some(v) if v != variant => push(
                Breaking,
                op,
                format!("enum {enum_name} value {wire:?} variant {variant} -> {v}"),
            ),
            Some(_) => {}
        }
    }
    for ((enum_name, wire), variant) in &new_variants {
        if !old_variants.contains_key(&(enum_name.clone(), wire.clone())) {
            push(
                Behaviour,
                op,
                format!("enum {enum_name} value {wire:?}: variant {variant}, no longer `Unknown`"),
            );
        }
    }
    let mut old_fields = BTreeMap::new();
    let mut new_fields = BTreeMap::new();
    // Shared `$ref` types are walked as if they were the operation's own.
    let old_structs: Vec<StructType> = old
        .response_structs
        .iter()
        .chain(old_types)
        .cloned()
        .collect();
    let new_structs: Vec<StructType> = new
        .response_structs
        .iter()
        .chain(new_types)
        .cloned()
        .collect();
    flatten_fields(&old.response, &old_structs, "", &mut old_fields, 0);
    flatten_fields(&new.response, &new_structs, "", &mut new_fields, 0);
    for (path, (ident, ty)) in &old_fields {
        match new_fields.get(path) {
            None => push(Breaking, op, format!("response field {path} removed")),
            Some((new_ident, n)) => {
                if n != ty {
                    push(
                        Breaking,
                        op,
                        format!("response field {path} type {ty} -> {n}"),
                    );
                }
                if new_ident != ident {
                    push(
                        Breaking,
                        op,
                        format!("response field {path} Rust name {ident} -> {new_ident}"),
                    );
                }
            }
        }
    }
    for path in new_fields.keys().filter(|p| !old_fields.contains_key(*p)) {
        push(Additive, op, format!("new response field {path}"));
    }
    let variant_of = |errors: &[crate::ir::ErrorVariant]| -> BTreeMap<String, String> {
        errors
            .iter()
            .flat_map(|v| v.codes.iter().map(move |c| (c.clone(), v.variant.clone())))
            .collect()
    };
    let (old_codes, new_codes) = (variant_of(&old.errors), variant_of(&new.errors));
    for (code, variant) in &new_codes {
        match old_codes.get(code) {
            None => push(
                Behaviour,
                op,
                format!("new error code {code}: variant {variant}, no longer `Unhandled`"),
            ),
            Some(old_variant) if old_variant != variant => push(
                Breaking,
                op,
                format!("error code {code} variant {old_variant} -> {variant}"),
            ),
            Some(_) => {}
        }
    }
    for code in old_codes.keys().filter(|c| !new_codes.contains_key(*c)) {
        // The variant disappears from the generated enum.
        push(Breaking, op, format!("error code {code} removed"));
    }
}

/// Response fields by wire path (`Instances.KVStoreInstance[].InstanceId`),
/// with a type name that ignores generated struct names.
fn flatten_fields(
    s: &StructType,
    structs: &[StructType],
    prefix: &str,
    out: &mut BTreeMap<String, (String, String)>,
    depth: usize,
) {
    for f in &s.fields {
        let mut path = if prefix.is_empty() {
            f.wire_name.clone()
        } else {
            format!("{prefix}.{}", f.wire_name)
        };
        if let Some(inner) = &f.wrapper_of {
            path = format!("{path}.{inner}");
        }
        out.insert(path.clone(), (f.ident.clone(), rust_type_name(&f.ty)));
        // Recursive schemas are cut off; metadata nests a handful of levels.
        if depth > 16 {
            continue;
        }
        let (inner, suffix) = match &f.ty {
            Type::Struct(name) | Type::Shared(name) => (Some(name), ""),
            Type::List(item) => match item.as_ref() {
                Type::Struct(name) | Type::Shared(name) => (Some(name), "[]"),
                _ => (None, ""),
            },
            _ => (None, ""),
        };
        if let Some(child) = inner.and_then(|n| structs.iter().find(|s| &s.name == n)) {
            flatten_fields(child, structs, &format!("{path}{suffix}"), out, depth + 1);
        }
    }
}

/// The wire type, with generated type names where they are part of the API
/// (a renamed struct or enum breaks code that names it).
fn rust_type_name(ty: &Type) -> String {
    match ty {
        Type::Struct(name) | Type::Shared(name) => format!("object {name}"),
        Type::Enum(name) => format!("enum {name}"),
        Type::List(inner) => format!("list of {}", rust_type_name(inner)),
        Type::Map(inner) => format!("map of {}", rust_type_name(inner)),
        other => type_name(other),
    }
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::I32 => "int32".into(),
        Type::I64 => "int64".into(),
        Type::F64 => "number".into(),
        Type::Bool => "boolean".into(),
        Type::Any => "any".into(),
        Type::List(inner) => format!("list of {}", type_name(inner)),
        Type::Map(inner) => format!("map of {}", type_name(inner)),
        Type::Struct(_) | Type::Shared(_) => "object".into(),
        Type::Enum(_) => "enum".into(),
    }
}
