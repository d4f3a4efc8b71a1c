//! What changed for users between two versions of a product's metadata:
//! operations, parameters, response fields and error codes, each change
//! marked breaking or additive from the point of view of code written
//! against the older generated API.

use crate::ir::{Operation, Product, StructType, Type};
use std::collections::BTreeMap;
use std::fmt;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Would code written against the old API stop compiling or behaving?
    pub breaking: bool,
    /// Operation name (empty for product-level changes).
    pub operation: String,
    /// What changed, in words.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking {
            "BREAKING"
        } else {
            "added   "
        };
        if self.operation.is_empty() {
            write!(f, "{mark} {}", self.what)
        } else {
            write!(f, "{mark} {}: {}", self.operation, self.what)
        }
    }
}

/// Every change from `old` to `new`, breaking ones first, then by operation.
pub fn diff(old: &Product, new: &Product) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |breaking: bool, operation: &str, what: String| {
        changes.push(Change {
            breaking,
            operation: operation.to_string(),
            what,
        })
    };
    if old.version != new.version {
        push(
            true,
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
        push(true, name, "operation removed".into());
    }
    for name in new_ops.keys().filter(|n| !old_ops.contains_key(*n)) {
        push(false, name, "new operation".into());
    }
    for (name, old_op) in &old_ops {
        if let Some(new_op) = new_ops.get(name) {
            operation_changes(old_op, new_op, &mut push);
        }
    }
    changes.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.cmp(b)));
    changes
}

fn operation_changes(old: &Operation, new: &Operation, push: &mut impl FnMut(bool, &str, String)) {
    let op = old.name.as_str();
    if !old.deprecated && new.deprecated {
        push(false, op, "now deprecated".into());
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
            None => push(true, op, format!("parameter {wire} removed")),
            Some(n) => {
                if p.ty != n.ty {
                    push(
                        true,
                        op,
                        format!(
                            "parameter {wire} type {} -> {}",
                            type_name(&p.ty),
                            type_name(&n.ty)
                        ),
                    );
                }
                if !p.required && n.required {
                    push(true, op, format!("parameter {wire} is now required"));
                }
                if p.max_items != n.max_items || p.max_length != n.max_length {
                    let tighter = n.max_items.unwrap_or(u64::MAX) < p.max_items.unwrap_or(u64::MAX)
                        || n.max_length.unwrap_or(u64::MAX) < p.max_length.unwrap_or(u64::MAX);
                    push(
                        tighter,
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
                        true,
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
                p.required,
                op,
                format!(
                    "new {} parameter {wire}",
                    if p.required { "required" } else { "optional" }
                ),
            );
        }
    }
    let mut old_fields = BTreeMap::new();
    let mut new_fields = BTreeMap::new();
    flatten_fields(&old.response, &old.response_structs, "", &mut old_fields, 0);
    flatten_fields(&new.response, &new.response_structs, "", &mut new_fields, 0);
    for (path, ty) in &old_fields {
        match new_fields.get(path) {
            None => push(true, op, format!("response field {path} removed")),
            Some(n) if n != ty => push(true, op, format!("response field {path} type {ty} -> {n}")),
            Some(_) => {}
        }
    }
    for path in new_fields.keys().filter(|p| !old_fields.contains_key(*p)) {
        push(false, op, format!("new response field {path}"));
    }
    for e in new
        .errors
        .iter()
        .filter(|e| !old.errors.iter().any(|o| o.code == e.code))
    {
        push(false, op, format!("new error code {}", e.code));
    }
    for e in old
        .errors
        .iter()
        .filter(|e| !new.errors.iter().any(|n| n.code == e.code))
    {
        // The variant disappears from the generated enum.
        push(true, op, format!("error code {} removed", e.code));
    }
}

/// Response fields by wire path (`Instances.KVStoreInstance[].InstanceId`),
/// with a type name that ignores generated struct names.
fn flatten_fields(
    s: &StructType,
    structs: &[StructType],
    prefix: &str,
    out: &mut BTreeMap<String, String>,
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
        out.insert(path.clone(), type_name(&f.ty));
        // Recursive schemas are cut off; metadata nests a handful of levels.
        if depth > 16 {
            continue;
        }
        let (inner, suffix) = match &f.ty {
            Type::Struct(name) => (Some(name), ""),
            Type::List(item) => match item.as_ref() {
                Type::Struct(name) => (Some(name), "[]"),
                _ => (None, ""),
            },
            _ => (None, ""),
        };
        if let Some(child) = inner.and_then(|n| structs.iter().find(|s| &s.name == n)) {
            flatten_fields(child, structs, &format!("{path}{suffix}"), out, depth + 1);
        }
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
        Type::Struct(_) => "object".into(),
        Type::Enum(_) => "enum".into(),
    }
}
