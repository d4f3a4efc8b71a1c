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

/// Mixed-case words that case conversion would split in the middle
/// (`IPv6` into `i_pv6`), with the spelling that converts as one word.
/// Each entry is matched as a whole word: after the start, a lowercase
/// letter, a digit or a separator, and before the end or anything but a
/// lowercase letter.
const ACRONYMS: &[(&str, &str)] = &[
    ("DDoS", "Ddos"),
    ("DDos", "Ddos"),
    ("IDaaS", "Idaas"),
    ("IDs", "Ids"),
    ("IPs", "Ips"),
    ("IPsec", "Ipsec"),
    ("IPv4", "Ipv4"),
    ("IPv6", "Ipv6"),
    ("QoS", "Qos"),
];

/// `wire` with the [`ACRONYMS`] respelled, and separators as spaces.
fn words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    let bytes = wire.as_bytes();
    let mut i = 0;
    'scan: while i < bytes.len() {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_uppercase();
        if starts_word {
            for (acronym, spelling) in ACRONYMS {
                let end = i + acronym.len();
                if bytes[i..].starts_with(acronym.as_bytes())
                    && bytes.get(end).map_or(true, |b| !b.is_ascii_lowercase())
                {
                    out.push_str(spelling);
                    i = end;
                    continue 'scan;
                }
            }
        }
        let c = bytes[i] as char;
        out.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
        i += 1;
    }
    out
}

/// Splits an acronym-heavy wire name the way a reader would: `DBInstanceId`
/// is `db_instance_id`, `KVStoreInstance` is `kv_store_instance`,
/// `EnableIPv6` is `enable_ipv6`.
pub fn snake(wire: &str) -> String {
    let cleaned = words(wire);
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
    let cleaned = words(wire);
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

/// Type and variant names: only `Self` is a keyword in UpperCamelCase, and
/// it becomes `SelfValue` (a real UpperCamelCase name, unlike `Self_`).
pub fn escape_type(name: &str) -> String {
    if NOT_RAW.contains(&name) || KEYWORDS.contains(&name) {
        format!("{name}Value")
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

/// Two different wire names that would get the same Rust name no matter how
/// they are ordered: the same wire name twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The wire name.
    pub wire: String,
    /// Index of the first occurrence in the input.
    pub first: usize,
    /// Index of the second occurrence.
    pub second: usize,
}

/// Unique Rust names for `(wire name, base name)` pairs that never depend on
/// the order of the input: where several wire names share a base, the
/// lexicographically first wire name keeps the base and the others get the
/// smallest free suffix in wire-name order. Bases in `reserved` are taken.
/// Returns the names in input order.
pub fn unique_names(items: &[(&str, String)], reserved: &[&str]) -> Result<Vec<String>, Clash> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[a].1.cmp(&items[b].1).then(items[a].0.cmp(items[b].0)));
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if items[a].0 == items[b].0 && items[a].1 == items[b].1 {
            return Err(Clash {
                wire: items[a].0.to_string(),
                first: a.min(b),
                second: a.max(b),
            });
        }
    }
    // Every base is claimed first, so a suffix never takes another item's
    // own base (`tag_2` as a real wire name beside two `tag`s).
    let mut ns = Namespace::with_reserved(reserved);
    let mut names = vec![String::new(); items.len()];
    let mut first_of_base = std::collections::BTreeSet::new();
    for &i in &order {
        if first_of_base.insert(items[i].1.clone()) && ns.taken.insert(items[i].1.clone()) {
            names[i] = items[i].1.clone();
        }
    }
    for &i in &order {
        if names[i].is_empty() {
            names[i] = ns.claim(&items[i].1);
        }
    }
    Ok(names)
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
    fn acronyms_stay_one_word() {
        assert_eq!(snake("EnableIPv6"), "enable_ipv6");
        assert_eq!(snake("IPv6Address"), "ipv6_address");
        assert_eq!(snake("PrivateIPv4"), "private_ipv4");
        assert_eq!(snake("IDaaSInstanceId"), "idaas_instance_id");
        assert_eq!(snake("EcQoSConflict"), "ec_qos_conflict");
        assert_eq!(snake("AntiDDoS"), "anti_ddos");
        assert_eq!(snake("DDosDefendQuery"), "ddos_defend_query");
        assert_eq!(snake("InstanceIDs"), "instance_ids");
        assert_eq!(snake("IPsecServer"), "ipsec_server");
        assert_eq!(camel("InvalidIPv6.NotFound"), "InvalidIpv6NotFound");
        assert_eq!(camel("IPv6Gateway"), "Ipv6Gateway");
        // Wire names are not always ASCII; the scan steps over other bytes.
        assert_eq!(snake("名称IPv6"), "ipv6");
        // Only whole words: an uppercase letter before, or a lowercase one
        // after, leaves the name as it was.
        assert_eq!(snake("VPCIDs"), "vpci_ds");
        assert_eq!(snake("IPsecond"), "i_psecond");
        assert_eq!(snake("QoSs"), "qo_ss");
        // And the old splits still hold.
        assert_eq!(snake("DBInstanceId"), "db_instance_id");
        assert_eq!(snake("VSwitchId"), "v_switch_id");
        assert_eq!(snake("Ipv6Address"), "ipv6_address");
    }

    #[test]
    fn keywords_escaped() {
        assert_eq!(escape_ident("type"), "r#type");
        assert_eq!(escape_ident("match"), "r#match");
        assert_eq!(escape_ident("self"), "self_");
        assert_eq!(escape_type("Self"), "SelfValue");
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
    fn unique_names_ignore_input_order() {
        let forward = [
            ("DBInstanceId", "db_instance_id".to_string()),
            ("DbInstanceId", "db_instance_id".to_string()),
            ("db_instance_id_2", "db_instance_id_2".to_string()),
            ("Send", "send".to_string()),
        ];
        let names = unique_names(&forward, &["send"]).unwrap();
        assert_eq!(
            names,
            [
                "db_instance_id",
                "db_instance_id_3",
                "db_instance_id_2",
                "send_2"
            ]
        );
        let mut backward = forward.clone();
        backward.reverse();
        let mut again = unique_names(&backward, &["send"]).unwrap();
        again.reverse();
        assert_eq!(again, names, "the same wire name gets the same Rust name");
        let clash = unique_names(&[("Tag", "tags".into()), ("Tag", "tags".into())], &[]);
        assert_eq!(
            clash,
            Err(Clash {
                wire: "Tag".into(),
                first: 0,
                second: 1
            })
        );
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
