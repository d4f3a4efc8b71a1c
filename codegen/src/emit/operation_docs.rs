//! An operation's documentation, written from its facts: what kind of call
//! it is, its required parameters with their limits, its error codes, a call
//! built from the metadata's example values, the example response and the
//! link to Alibaba's reference. The metadata's prose is never used (imported
//! specs hold none); our own description from `docs.toml` comes first where
//! there is one.

use super::request::param_limits;
use crate::ir::{Operation, Pagination};
use crate::ir::{OperationType, Param, Product, Type};

/// Required parameters named in a one-line summary before "and N more".
const SUMMARY_PARAMS: usize = 4;

/// Example responses longer than this many lines are left to the reference
/// page: the docs of a large product would grow by megabytes.
const EXAMPLE_RESPONSE_LINES: usize = 120;

/// One line that tells operations apart in a module list: our own first
/// line where `docs.toml` has one, else the facts (kind, paging, required
/// parameters).
pub(crate) fn summary(op: &Operation) -> String {
    let own = op.docs.lines().next().unwrap_or("").trim();
    let facts = short_facts(op);
    if own.is_empty() {
        facts
    } else {
        // "Replaces the groups (write; requires `A`)."
        let mut chars = facts.trim_end_matches('.').chars();
        let facts: String = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        format!("{} ({facts}).", own.trim_end_matches('.'))
    }
}

fn short_facts(op: &Operation) -> String {
    let mut kind = match op.operation_type {
        OperationType::Read => "Read".to_string(),
        OperationType::Write => "Write".to_string(),
        OperationType::ReadAndWrite => "Read and write".to_string(),
        OperationType::Unspecified | OperationType::Other(_) => "Unspecified kind".to_string(),
    };
    if op.pagination.is_some() {
        kind.push_str(", paged");
    }
    if op.client_token.is_some() {
        kind.push_str(", idempotent");
    }
    if op.deprecated {
        kind.push_str(", deprecated");
    }
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let needs = match required.len() {
        0 => "no required parameters".to_string(),
        n => {
            let names: Vec<String> = required
                .iter()
                .take(SUMMARY_PARAMS)
                .map(|p| format!("`{}`", p.wire_name))
                .collect();
            let more = if n > SUMMARY_PARAMS {
                format!(" and {} more", n - SUMMARY_PARAMS)
            } else {
                String::new()
            };
            format!("requires {}{more}", names.join(", "))
        }
    };
    format!("{kind}; {needs}.")
}

/// The `//!` text of an operation's module.
pub fn module_docs(product: &Product, op: &Operation) -> String {
    let mut out = vec![summary(op)];
    let rest: Vec<&str> = op.docs.splitn(2, '\n').skip(1).collect();
    if let Some(rest) = rest.first().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        out.push(rest.to_string());
    }
    out.push(facts_table(op));
    out.push(required_section(op));
    if let Some(errors) = errors_section(op) {
        out.push(errors);
    }
    out.push(format!(
        "# Example\n\n```no_run\n{}\n```",
        example_doctest(product, op)
    ));
    if let Some(example) = example_response(op) {
        out.push(example);
    }
    out.push(format!(
        "`{}` of {} {}. API reference: <{}>",
        op.name, product.name, product.version, op.reference
    ));
    out.join("\n\n")
}

fn facts_table(op: &Operation) -> String {
    let mut rows = vec!["| Fact | |".to_string(), "|---|---|".to_string()];
    let kind = match op.operation_type {
        OperationType::Read => "read: retried after 5xx and timeouts",
        OperationType::Write => "write: not retried once the request may have arrived",
        OperationType::ReadAndWrite => {
            "read and write: not retried once the request may have arrived"
        }
        OperationType::Unspecified | OperationType::Other(_) => {
            "not stated in the metadata: treated as a write"
        }
    };
    rows.push(format!("| Kind | {kind} |"));
    if let Some(token) = &op.client_token {
        rows.push(format!(
            "| Idempotent | `{}`: the SDK sends a new UUID in it when unset, the same on every attempt, so the call is retried after sending like a read |",
            token.wire_name
        ));
    }
    if let Some(pagination) = &op.pagination {
        let how = match pagination {
            Pagination::PageNumber { .. } => "by `PageNumber`/`PageSize`",
            Pagination::Token { .. } => "by `NextToken`",
        };
        rows.push(format!(
            "| Paged | {how}: [`into_paginator`]({}::into_paginator) streams the pages |",
            op.builder_type
        ));
    }
    let methods: Vec<&str> = op.methods.iter().map(|m| m.as_str()).collect();
    let mut http = methods.join(" or ");
    if op.path != "/" {
        http.push_str(&format!(", path `{}`", op.path));
    }
    if !http.is_empty() {
        rows.push(format!("| HTTP | {http} |"));
    }
    if let Some(action) = &op.ram_action {
        let level = op
            .ram_access_level
            .as_deref()
            .map(|l| format!(" (access level `{l}`)"))
            .unwrap_or_default();
        rows.push(format!("| RAM action | `{action}`{level} |"));
    }
    if op.deprecated {
        rows.push("| Deprecated | in Alibaba Cloud's API metadata |".to_string());
    }
    rows.join("\n")
}

fn required_section(op: &Operation) -> String {
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional = op.params.len() - required.len();
    let mut out = String::from("# Parameters\n\n");
    if required.is_empty() {
        out.push_str("None is required.");
    } else {
        out.push_str("Required:\n");
        for p in &required {
            let limits = param_limits(p);
            let limits = if limits.is_empty() {
                String::new()
            } else {
                format!("; {}", limits.join("; "))
            };
            out.push_str(&format!(
                "\n- [`{field}`]({builder}::{field}) (`{wire}`, {ty}{limits})",
                field = p.ident.trim_start_matches("r#"),
                builder = op.builder_type,
                wire = p.wire_name,
                ty = type_words(&p.ty),
            ));
        }
    }
    if optional > 0 {
        out.push_str(&format!(
            "\n\n{optional} optional; every setter is on [`{}`].",
            op.builder_type
        ));
    }
    out
}

fn type_words(ty: &Type) -> String {
    match ty {
        Type::String => "string".to_string(),
        Type::I32 => "`i32`".to_string(),
        Type::I64 => "`i64`".to_string(),
        Type::F64 => "`f64`".to_string(),
        Type::Bool => "`bool`".to_string(),
        Type::Any => "any JSON".to_string(),
        Type::List(item) => format!("list of {}", type_words(item)),
        Type::Map(value) => format!("map to {}", type_words(value)),
        Type::Struct(name) | Type::Enum(name) => format!("[`{name}`]"),
        Type::Shared(name) => format!("[`{name}`](super::types::{name})"),
    }
}

fn errors_section(op: &Operation) -> Option<String> {
    if op.errors.is_empty() {
        return None;
    }
    let mut out = format!(
        "# Errors\n\nThe error table's codes, each a variant of [`{}`]; others arrive as its `Unhandled`:\n",
        op.error_type
    );
    for v in &op.errors {
        let codes: Vec<String> = v.codes.iter().map(|c| format!("`{c}`")).collect();
        let statuses: Vec<String> = v.statuses.iter().map(u16::to_string).collect();
        let status = if statuses.is_empty() {
            String::new()
        } else {
            format!(" (HTTP {})", statuses.join(", "))
        };
        out.push_str(&format!(
            "\n- {}{status}: [`{variant}`]({}::{variant})",
            codes.join(" or "),
            op.error_type,
            variant = v.variant
        ));
    }
    Some(out)
}

fn example_response(op: &Operation) -> Option<String> {
    let example = op.example_response.as_ref()?;
    // Re-indented, so every example reads alike.
    let value: serde_json::Value = serde_json::from_str(example).ok()?;
    let pretty = serde_json::to_string_pretty(&value).ok()?;
    if pretty.lines().count() > EXAMPLE_RESPONSE_LINES {
        return Some(format!(
            "The metadata's example response has {} lines; the API reference shows it.",
            pretty.lines().count()
        ));
    }
    Some(format!(
        "The metadata's example response:\n\n```json\n{pretty}\n```"
    ))
}

/// The path users name the product by (`alibabacloud_sdk::r_kvstore`).
fn product_path(product: &Product) -> String {
    let module = product
        .alias
        .as_deref()
        .unwrap_or(&product.module)
        .trim_start_matches("r#");
    format!("alibabacloud_sdk::{module}")
}

/// The doc example: the call, inside a hidden function that takes a client.
fn example_doctest(product: &Product, op: &Operation) -> String {
    let mut lines = vec![format!(
        "# async fn example(client: {}::Client) -> Result<(), Box<dyn std::error::Error>> {{",
        product_path(product)
    )];
    lines.extend(example_call(op));
    lines.push("println!(\"{response:?}\");".to_string());
    lines.push("# Ok(())".to_string());
    lines.push("# }".to_string());
    lines.join("\n")
}

/// `let response = client.op().param(example)...send().await?;`, with every
/// required parameter set from the metadata's example value. A required
/// parameter no literal can express (an object) is left as a comment.
pub(crate) fn example_call(op: &Operation) -> Vec<String> {
    let mut lines = vec![
        "let response = client".to_string(),
        format!("    .{}()", op.module),
    ];
    for p in op.params.iter().filter(|p| p.required) {
        match example_value(p) {
            Some(value) => lines.push(format!("    .{}({value})", p.ident)),
            None => lines.push(format!(
                "    // .{}(..): required; see the builder",
                p.ident.trim_start_matches("r#")
            )),
        }
    }
    lines.push("    .send()".to_string());
    lines.push("    .await?;".to_string());
    lines
}

fn example_value(p: &Param) -> Option<String> {
    let text = p
        .allowed
        .first()
        .or(p.example.as_ref())
        .cloned()
        .unwrap_or_default();
    scalar_literal(&p.ty, &text).or_else(|| match &p.ty {
        Type::List(item) => {
            let first = text.split(',').next().unwrap_or("").trim();
            scalar_literal(item, first).map(|v| format!("[{v}]"))
        }
        _ => None,
    })
}

fn scalar_literal(ty: &Type, text: &str) -> Option<String> {
    Some(match ty {
        Type::String | Type::Enum(_) => {
            let text = if text.is_empty() { "value" } else { text };
            format!("{text:?}")
        }
        Type::I32 => text.parse::<i32>().unwrap_or(1).to_string(),
        Type::I64 => text.parse::<i64>().unwrap_or(1).to_string(),
        Type::F64 => {
            let v = text.parse::<f64>().ok().filter(|v| v.is_finite());
            format!("{:?}", v.unwrap_or(1.0))
        }
        Type::Bool => (text != "false").to_string(),
        _ => return None,
    })
}
