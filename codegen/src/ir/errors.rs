//! The error table: one variant per Rust name of its codes.

use super::*;
use crate::naming::{camel, escape_type, snake, Namespace};
use crate::spec::Api;
use std::collections::BTreeMap;

use super::lower::*;

/// One variant per Rust name: codes that differ only in separators
/// (`AssociatedEcsSecurityGroupId.QuotaExceed`, `AssociatedEcsSecurityGroupIdQuotaExceed`)
/// share a variant, so that no name depends on the order of the table's rows.
/// Variants are sorted by name.
pub(super) fn lower_errors(ctx: &Ctx<'_>, name: &str, api: &Api) -> Vec<ErrorVariant> {
    let mut by_name: BTreeMap<String, ErrorVariant> = BTreeMap::new();
    let (rows, notes) = api.error_rows(name);
    for note in notes {
        ctx.note(note);
    }
    for row in rows {
        let status = row.status;
        let code = row.code.as_str();
        let mut name = escape_type(&camel(code));
        if name == "Unhandled" {
            name = "UnhandledCode".to_string();
        }
        let message = row.message;
        let v = by_name.entry(name.clone()).or_insert_with(|| ErrorVariant {
            codes: Vec::new(),
            predicate: String::new(),
            variant: name,
            statuses: Vec::new(),
            messages: Vec::new(),
        });
        if !v.codes.iter().any(|c| c == code) {
            v.codes.push(code.to_string());
            v.codes.sort();
        }
        if !v.statuses.contains(&status) {
            v.statuses.push(status);
            v.statuses.sort();
        }
        if !message.is_empty() && !v.messages.contains(&message) {
            v.messages.push(message);
        }
    }
    let mut predicates = Namespace::default();
    by_name
        .into_values()
        .map(|mut v| {
            v.predicate = predicates.claim(&format!("is_{}", snake(&v.variant)));
            v
        })
        .collect()
}
