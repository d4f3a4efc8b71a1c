//! One enum type per value set across a product: an enum that several
//! operations declare with the same name and the same values moves into
//! `<product>::types`, and each of those operation modules re-exports it,
//! so `dds::create_db_instance::Engine` and `dds::describe_db_instances::Engine`
//! are one type a user can pass from one call to the next.
//!
//! The rule never depends on the order of the spec: a name is shared only
//! when every operation of the product that declares it uses the same value
//! set, and when `types` has no other item of that name.

use super::{EnumType, Operation, StructType};
use std::collections::{BTreeMap, BTreeSet};

/// Moves the enums described above into `type_enums`, recording each
/// operation's re-exports in [`Operation::shared_enums`].
pub(super) fn share_enums(
    operations: &mut [Operation],
    type_enums: &mut Vec<EnumType>,
    type_structs: &[StructType],
) {
    let mut uses: Vec<EnumUse<'_>> = operations
        .iter_mut()
        .map(|op| EnumUse {
            operation: &op.name,
            enums: &mut op.enums,
            shared: &mut op.shared_enums,
        })
        .collect();
    share(&mut uses, type_enums, type_structs);
}

/// One operation's enums, and the names it re-exports from `types`.
struct EnumUse<'a> {
    operation: &'a str,
    enums: &'a mut Vec<EnumType>,
    shared: &'a mut Vec<String>,
}

fn share(uses: &mut [EnumUse<'_>], type_enums: &mut Vec<EnumType>, type_structs: &[StructType]) {
    // Name -> value sets -> the operations using it.
    let mut by_name: BTreeMap<String, BTreeMap<Vec<String>, Vec<usize>>> = BTreeMap::new();
    for (i, u) in uses.iter().enumerate() {
        for e in u.enums.iter() {
            by_name
                .entry(e.name.clone())
                .or_default()
                .entry(value_set(e))
                .or_default()
                .push(i);
        }
    }
    for (name, sets) in by_name {
        if sets.len() != 1 || type_structs.iter().any(|s| s.name == name) {
            continue;
        }
        let Some((set, users)) = sets.into_iter().next() else {
            continue;
        };
        let existing = match type_enums.iter().find(|e| e.name == name) {
            Some(e) if value_set(e) != set => continue,
            None if users.len() < 2 => continue,
            found => found.is_some(),
        };
        let mut taken = Vec::new();
        for &i in &users {
            let u = &mut uses[i];
            if let Some(at) = u.enums.iter().position(|e| e.name == name) {
                u.shared.push(name.clone());
                taken.push(u.enums.remove(at));
            }
        }
        if !existing {
            let names: Vec<&str> = users.iter().map(|&i| uses[i].operation).collect();
            type_enums.push(merged(&name, taken, &names));
        }
    }
    for u in uses.iter_mut() {
        u.shared.sort();
    }
}

/// The wire values, sorted: the same set whatever order a use lists them in.
fn value_set(e: &EnumType) -> Vec<String> {
    let set: BTreeSet<String> = e.variants.iter().map(|(_, wire)| wire.clone()).collect();
    set.into_iter().collect()
}

/// The shared enum: variants from the first use (their names are keyed on
/// the values, so every use names them alike); its docs when every use
/// documents it alike, else a line naming the operations.
fn merged(name: &str, mut uses: Vec<EnumType>, operations: &[&str]) -> EnumType {
    let same_docs = uses.windows(2).all(|w| w[0].docs == w[1].docs);
    let mut shared = uses.swap_remove(0);
    if !same_docs {
        let ops: Vec<String> = operations.iter().map(|o| format!("`{o}`")).collect();
        shared.docs = format!("Values of `{name}`, as {} use them.", ops.join(", "));
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enum_type(name: &str, values: &[&str], docs: &str) -> EnumType {
        EnumType {
            name: name.into(),
            docs: docs.into(),
            variants: values
                .iter()
                .map(|v| (v.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Runs the pass over `(operation, enums)` pairs; returns each
    /// operation's remaining enums and re-exports.
    fn run(
        ops: Vec<(&str, Vec<EnumType>)>,
        types: &mut Vec<EnumType>,
        structs: &[StructType],
    ) -> Vec<(Vec<EnumType>, Vec<String>)> {
        let mut state: Vec<(String, Vec<EnumType>, Vec<String>)> = ops
            .into_iter()
            .map(|(n, e)| (n.to_string(), e, Vec::new()))
            .collect();
        let mut uses: Vec<EnumUse<'_>> = state
            .iter_mut()
            .map(|(n, e, s)| EnumUse {
                operation: n,
                enums: e,
                shared: s,
            })
            .collect();
        share(&mut uses, types, structs);
        state.into_iter().map(|(_, e, s)| (e, s)).collect()
    }

    #[test]
    fn one_value_set_under_one_name_is_shared_whatever_the_order() {
        for order in [["A", "B"], ["B", "A"]] {
            let mut types = Vec::new();
            let out = run(
                vec![
                    (
                        order[0],
                        vec![enum_type("Engine", &["MongoDB", "Redis"], "d")],
                    ),
                    (
                        order[1],
                        vec![enum_type("Engine", &["Redis", "MongoDB"], "d")],
                    ),
                ],
                &mut types,
                &[],
            );
            assert_eq!(types.len(), 1);
            assert_eq!(types[0].docs, "d");
            assert_eq!(value_set(&types[0]), ["MongoDB", "Redis"]);
            for (enums, shared) in out {
                assert!(enums.is_empty());
                assert_eq!(shared, ["Engine"]);
            }
        }
    }

    #[test]
    fn two_value_sets_or_one_use_or_a_taken_name_stay_local() {
        let structs = vec![StructType {
            whole_body: false,
            name: "Mode".into(),
            docs: String::new(),
            fields: Vec::new(),
        }];
        let mut types = Vec::new();
        let out = run(
            vec![
                (
                    "A",
                    vec![
                        enum_type("Status", &["On"], ""),
                        enum_type("Kind", &["X"], ""),
                    ],
                ),
                (
                    "B",
                    vec![
                        enum_type("Status", &["Off"], ""),
                        enum_type("Mode", &["M"], ""),
                    ],
                ),
                ("C", vec![enum_type("Mode", &["M"], "")]),
            ],
            &mut types,
            &structs,
        );
        assert!(types.is_empty());
        assert_eq!(out[0].0.len(), 2);
        assert_eq!(out[1].0.len(), 2);
        assert_eq!(out[2].0.len(), 1);
        assert!(out.iter().all(|(_, shared)| shared.is_empty()));
    }

    #[test]
    fn an_enum_types_already_has_is_reused_and_differing_docs_name_the_operations() {
        let mut types = vec![
            enum_type("Scope", &["All"], "shared"),
            enum_type("Zone", &["Z1"], ""),
        ];
        let out = run(
            vec![
                (
                    "A",
                    vec![
                        enum_type("Scope", &["All"], "one"),
                        enum_type("Zone", &["Z2"], ""),
                    ],
                ),
                ("B", vec![enum_type("Net", &["Vpc"], "x")]),
                ("C", vec![enum_type("Net", &["Vpc"], "y")]),
            ],
            &mut types,
            &[],
        );
        assert_eq!(types.len(), 3);
        assert_eq!(types[0].docs, "shared");
        assert_eq!(out[0].1, ["Scope"], "Zone's values differ from types' Zone");
        assert_eq!(out[0].0.len(), 1);
        assert_eq!(types[2].docs, "Values of `Net`, as `B`, `C` use them.");
    }
}
