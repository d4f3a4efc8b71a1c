//! Rust names from Alibaba's wire names: case conversion, keyword escaping and
//! de-duplication. Wire names are always kept verbatim elsewhere; these
//! functions only decide what users type.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words Rust reserves (strict and reserved-for-future, 2021 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is an error).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits an acronym-heavy wire name the way a reader would: `DBInstanceId`
/// is `db_instance_id`, `KVStoreInstance` is `kv_store_instance`.
pub fn snake(wire: &str) -> String {
    let cleaned: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let s = cleaned.to_snake_case();
    if s.is_empty() {
        "value".to_string()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else {
        s
    }
}

/// UpperCamelCase type or variant name; separators (`.`, `-`, `_`) vanish.
pub fn camel(wire: &str) -> String {
    let cleaned: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let s = cleaned.to_upper_camel_case();
    if s.is_empty() {
        "Value".to_string()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{s}")
    } else {
        s
    }
}

/// The identifier text for a field, method or module: keywords become raw
/// identifiers (`r#type`), and the few that cannot be raw get a trailing `_`.
pub fn escape_ident(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// Type names: only `Self` is a keyword in UpperCamelCase.
pub fn escape_type(name: &str) -> String {
    if NOT_RAW.contains(&name) || KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// Plural field name for list parameters (`SecurityGroupId` -> `security_group_ids`),
/// so a setter taking many values reads as such.
pub fn plural_snake(wire: &str) -> String {
    let s = snake(wire);
    if s.ends_with('s') || s.ends_with("list") {
        s
    } else if let Some(stem) = s.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{s}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{s}s")
    }
}

/// Hands out names unique within one scope, in request order: a name already
/// taken gets the smallest free numeric suffix (`Tag`, `Tag2`, ...).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Whether `name` is already claimed.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `base`, or `base2`, `base3`, ... if taken. The separator is `_`
    /// for snake_case names so `value_2` stays readable.
    pub fn claim(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        let snake_style = base.contains('_') || base.chars().all(|c| !c.is_ascii_uppercase());
        (2..)
            .map(|n| {
                if snake_style {
                    format!("{base}_{n}")
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_splits_acronyms() {
        assert_eq!(snake("DBInstanceId"), "db_instance_id");
        assert_eq!(snake("KVStoreInstance"), "kv_store_instance");
        assert_eq!(snake("Tag.N.Key"), "tag_n_key");
        assert_eq!(snake("2ndValue"), "n2nd_value");
    }

    #[test]
    fn camel_drops_separators() {
        assert_eq!(camel("InvalidIzNo.NotSupported"), "InvalidIzNoNotSupported");
        assert_eq!(camel("Throttling.User"), "ThrottlingUser");
        assert_eq!(camel("self"), "Self");
    }

    #[test]
    fn keywords_escaped() {
        assert_eq!(escape_ident("type"), "r#type");
        assert_eq!(escape_ident("match"), "r#match");
        assert_eq!(escape_ident("self"), "self_");
        assert_eq!(escape_type("Self"), "Self_");
        assert_eq!(escape_type("Match"), "Match");
    }

    #[test]
    fn plural_of_list_fields() {
        assert_eq!(plural_snake("SecurityGroupId"), "security_group_ids");
        assert_eq!(plural_snake("Tag"), "tags");
        assert_eq!(plural_snake("InstanceIds"), "instance_ids");
        assert_eq!(plural_snake("Policy"), "policies");
        assert_eq!(plural_snake("Key"), "keys");
    }

    #[test]
    fn namespace_suffixes_collisions() {
        let mut ns = Namespace::with_reserved(&["Unhandled"]);
        assert_eq!(ns.claim("Unhandled"), "Unhandled2");
        assert_eq!(ns.claim("Tag"), "Tag");
        assert_eq!(ns.claim("Tag"), "Tag2");
        let mut fields = Namespace::default();
        assert_eq!(fields.claim("value"), "value");
        assert_eq!(fields.claim("value"), "value_2");
    }
}
