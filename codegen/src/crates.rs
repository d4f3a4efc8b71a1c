//! One crate per product version: where each generated file of a product
//! goes in its crate under `products/`, and the files the crate adds
//! (manifest, crate root, the example tests' root).
//!
//! A product renders as one module tree (`<module>/mod.rs`, one file per
//! operation). In its crate that tree is the private module `generated`,
//! re-exported at the crate root, so the operation modules read exactly as
//! they do anywhere else: `super::Client` is the product's client and
//! `crate::error` the runtime's, which the root re-exports.

use std::path::{Path, PathBuf};

use crate::{GeneratedFile, ProductSummary, Tree};

/// The version of a product crate until an import changes its spec: each
/// crate then moves on its own (`crate_version` in `api-specs/manifest.toml`),
/// so a breaking spec change moves one crate only.
pub const FIRST_VERSION: &str = "0.1.0";

/// The crate's package name, formed as Alibaba's official packages are:
/// `alibabacloud-` + the lowercase product code + the version's digits
/// (`alibabacloud-ecs20140526`, `alibabacloud-r-kvstore20150101`).
pub fn crate_name(p: &ProductSummary) -> String {
    let code: String = p
        .code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let version: String = p
        .version
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("alibabacloud-{code}{version}")
}

/// The crate's Rust name (`alibabacloud_r_kvstore20150101`).
pub fn crate_ident(p: &ProductSummary) -> String {
    crate_name(p).replace('-', "_")
}

/// The crate's directory under `products/`: the product version's cargo
/// feature, so a directory, a feature and a crate name map one to one.
pub fn crate_dir(p: &ProductSummary) -> PathBuf {
    PathBuf::from(&p.feature)
}

/// Moves one product's rendered files into its crate (paths relative to
/// `products/`, tree [`Tree::Products`]) and adds the crate's own files.
pub fn layout(p: &ProductSummary, files: Vec<GeneratedFile>) -> Result<Vec<GeneratedFile>, String> {
    let dir = crate_dir(p);
    let module = p.module.trim_start_matches("r#");
    let ident = crate_ident(p);
    let rename = |text: &str| -> String {
        let mut text = text.replace(&format!("crate::{module}::"), "crate::");
        if let Some(alias) = &p.alias {
            text = text.replace(
                &format!("alibabacloud_sdk::{alias}::"),
                &format!("{ident}::"),
            );
        }
        text.replace(
            &format!("alibabacloud_sdk::{module}::"),
            &format!("{ident}::"),
        )
        .replace("alibabacloud_sdk::", &format!("{ident}::"))
    };
    let mut out = Vec::with_capacity(files.len() + 3);
    let mut crate_docs = None;
    for file in files {
        match file.tree {
            Tree::Source => {
                let inner = file.path.strip_prefix(module).map_err(|_| {
                    format!(
                        "generator bug: {} is outside product module {module}",
                        file.path.display()
                    )
                })?;
                let mut contents = rename(&file.contents);
                if inner == Path::new("mod.rs") {
                    // The module's docs become the crate's; left here too,
                    // their example would run twice as a doc test.
                    let (docs, rest) = split_inner_docs(&contents);
                    crate_docs = Some(docs);
                    contents = rest;
                }
                out.push(GeneratedFile {
                    tree: Tree::Products,
                    path: dir.join("src/generated").join(inner),
                    contents,
                });
            }
            Tree::Tests => out.push(GeneratedFile {
                tree: Tree::Products,
                path: dir.join("tests/response_examples/cases.rs"),
                contents: rename(&file.contents),
            }),
            Tree::Products => out.push(file),
        }
    }
    let docs = crate_docs.ok_or_else(|| format!("generator bug: {module} has no mod.rs"))?;
    out.push(GeneratedFile {
        tree: Tree::Products,
        path: dir.join("src/lib.rs"),
        contents: crate_root(p, &docs),
    });
    out.push(GeneratedFile {
        tree: Tree::Products,
        path: dir.join("Cargo.toml"),
        contents: manifest(p),
    });
    out.push(GeneratedFile {
        tree: Tree::Products,
        path: dir.join("tests/response_examples.rs"),
        contents: EXAMPLE_TESTS_ROOT.replace(
            "#[path = \"response_examples/mod.rs\"]\nmod generated;",
            "#[path = \"response_examples/cases.rs\"]\nmod generated;",
        ),
    });
    Ok(out)
}

/// The `//!` lines of a rendered file (rewritten for a crate root) and the
/// file without them.
fn split_inner_docs(contents: &str) -> (String, String) {
    let mut docs = String::new();
    let mut rest = String::with_capacity(contents.len());
    for line in contents.split_inclusive('\n') {
        if line.starts_with("//!") {
            docs.push_str(line);
        } else {
            rest.push_str(line);
        }
    }
    (docs, rest)
}

/// Rewrites the overview's first line, which names the SDK's cargo
/// features, to name the crate and the SDK feature that re-exports it.
fn crate_overview(p: &ProductSummary, docs: &str) -> String {
    let name = crate_name(p);
    let through_sdk = match &p.alias {
        Some(alias) => format!(
            "`alibabacloud-sdk` re-exports it as `{}` (feature `{}`) and as `{alias}` (feature `{}`), the product's default version",
            p.module.trim_start_matches("r#"),
            p.feature,
            p.code
        ),
        None => format!(
            "`alibabacloud-sdk` re-exports it as `{}` (feature `{}`)",
            p.module.trim_start_matches("r#"),
            p.feature
        ),
    };
    // At the crate root these names resolve by themselves; rustdoc
    // refuses an explicit target that repeats them.
    let docs = docs
        .replace("[`Client`](crate::Client)", "[`Client`]")
        .replace("[`Config`](crate::config::Config)", "[`Config`]")
        .replace("[`Error`](crate::error::Error)", "[`Error`]");
    let mut out = String::with_capacity(docs.len() + 200);
    let mut first = true;
    for line in docs.split_inclusive('\n') {
        if first {
            first = false;
            if let Some(cut) = line.find(" Cargo feature `") {
                out.push_str(&line[..cut]);
                out.push_str(&format!(" This crate is `{name}`; {through_sdk}.\n"));
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// `src/lib.rs`: the product's docs, the runtime's modules re-exported
/// (the paths generated code and users name), and the generated tree.
/// Written in rustfmt's own layout, since rustfmt checks this file.
fn crate_root(p: &ProductSummary, docs: &str) -> String {
    format!(
        "{mark} from {spec} ({name} {version} crate root).\n\
         // Do not edit: change the spec or the generator, then run `cargo xtask regenerate`.\n\n\
         {docs}\n\
         #![warn(missing_docs)]\n\
         #![forbid(unsafe_code)]\n\
         #![cfg_attr(docsrs, feature(doc_cfg))]\n\n\
         #[cfg(feature = \"test-util\")]\n\
         #[cfg_attr(docsrs, doc(cfg(feature = \"test-util\")))]\n\
         #[doc(inline)]\n\
         pub use alibabacloud_runtime::test_util;\n\
         #[doc(inline)]\n\
         pub use alibabacloud_runtime::{{\n    \
             call, config, credentials, error, operation, options, paginate, retry, telemetry, transport,\n    \
             waiter,\n\
         }};\n\n\
         // What generated code calls. Not public API.\n\
         #[doc(hidden)]\n\
         pub use alibabacloud_runtime::__private;\n\n\
         pub use config::{{Config, ConfigBuilder, SignatureVersion}};\n\
         pub use error::Error;\n\n\
         // Generated and printed by prettyplease, deterministic; rustfmt leaves it alone.\n\
         #[rustfmt::skip]\n\
         mod generated;\n\n\
         pub use generated::*;\n",
        mark = crate::render::HEADER_MARK,
        spec = p.spec_path,
        name = p.name,
        version = p.version,
        docs = crate_overview(p, docs),
    )
}

/// `Cargo.toml` of the crate.
fn manifest(p: &ProductSummary) -> String {
    format!(
        "{mark} from {spec} ({name} {version} crate manifest).\n\
         # Do not edit: change the spec or the generator, then run `cargo xtask regenerate`.\n\
         [package]\n\
         name = \"{crate_name}\"\n\
         description = \"Alibaba Cloud {name} {version} API: typed requests, responses and errors, generated from Alibaba's API metadata\"\n\
         version = \"{crate_version}\"\n\
         edition.workspace = true\n\
         license.workspace = true\n\
         rust-version.workspace = true\n\
         repository.workspace = true\n\n\
         [features]\n\
         # `serde::Serialize` on every response type, in its wire shape.\n\
         serialize = []\n\
         # Test doubles (`test_util`): a replay transport and typed rules.\n\
         test-util = [\"alibabacloud-runtime/test-util\", \"serialize\"]\n\n\
         [dependencies]\n\
         alibabacloud-runtime.workspace = true\n\
         serde.workspace = true\n\
         serde_json.workspace = true\n\n\
         [package.metadata.docs.rs]\n\
         all-features = true\n\
         rustdoc-args = [\"--cfg\", \"docsrs\"]\n\n\
         # The example tests write each parsed response back to find the keys\n\
         # that landed in a field.\n\
         [[test]]\n\
         name = \"response_examples\"\n\
         required-features = [\"serialize\"]\n",
        mark = crate::render::HEADER_MARK.replacen("//", "#", 1),
        spec = p.spec_path,
        name = p.name,
        version = p.version,
        crate_name = crate_name(p),
        crate_version = p.crate_version,
    )
}

const EXAMPLE_TESTS_ROOT: &str = include_str!("../templates/response_examples.rs");
