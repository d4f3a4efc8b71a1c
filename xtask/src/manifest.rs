//! `api-specs/manifest.toml`: which spec files exist, where they came from,
//! and the SHA-256 that tells a maintainer a spec changed.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The manifest file.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// One entry per spec file.
    #[serde(default)]
    pub spec: Vec<Entry>,
}

/// One spec file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // product/style/source document the entry for people
pub struct Entry {
    pub product: String,
    pub code: String,
    pub version: String,
    pub style: String,
    /// Relative to `api-specs/`.
    pub path: String,
    pub source: String,
    /// The upstream file it was imported from (repository-relative or
    /// corpus-relative, never a path of one machine).
    #[serde(default)]
    pub upstream: Option<String>,
    /// SHA-256 of the upstream file as imported.
    #[serde(default)]
    pub upstream_sha256: Option<String>,
    /// The catalogue's default version of this product (`products.json`),
    /// which gets the plain module and feature name.
    #[serde(default)]
    pub default_version: Option<String>,
    /// The version of the product's crate, moved by each import that
    /// changes the spec (absent: the first version).
    #[serde(default)]
    pub crate_version: Option<String>,
    /// SHA-256 of the file at `path`.
    pub sha256: String,
}

impl Entry {
    /// The directory of this product version's crate (under `products/` or
    /// a catalogue), which is also its cargo feature: `r-kvstore-20150101`.
    pub fn crate_dir(&self) -> String {
        alibabacloud_codegen::ir::versioned_feature(&self.code.to_ascii_lowercase(), &self.version)
    }
}

const HEADER: &str = "\
# Spec files used by the code generator, one [[spec]] table per file,
# written by `cargo xtask import` (sorted by path).
# `sha256` is the hex SHA-256 of the file at `path` (relative to this
# directory); `cargo xtask regenerate` checks it before generating.
# `upstream` and `upstream_sha256` name the Alibaba metadata file the facts
# were imported from; `default_version` is the catalogue's default version
# of the product, which gets the plain module and feature name;
# `crate_version` is the version of the product's crate, which each import
# that changes the spec moves (breaking changes: 0.x to 0.(x+1)).
";

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The manifest's text for `entries`, sorted by path: the same entries
/// always give the same bytes.
pub fn render(entries: &[Entry]) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::from(HEADER);
    for e in sorted {
        out.push_str("\n[[spec]]\n");
        let mut line = |k: &str, v: &str| {
            let _ = writeln!(out, "{k} = {}", toml_str(v));
        };
        line("product", &e.product);
        line("code", &e.code);
        line("version", &e.version);
        line("style", &e.style);
        line("path", &e.path);
        line("source", &e.source);
        if let Some(u) = &e.upstream {
            line("upstream", u);
        }
        if let Some(u) = &e.upstream_sha256 {
            line("upstream_sha256", u);
        }
        if let Some(v) = &e.default_version {
            line("default_version", v);
        }
        if let Some(v) = &e.crate_version {
            line("crate_version", v);
        }
        line("sha256", &e.sha256);
    }
    out
}

/// Writes `text` to `file` through a temporary file and a rename, so a
/// reader (or a crash) never sees half of it.
pub fn write_atomically(file: &Path, text: &str) -> Result<(), String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| format!("{}: cannot write: {e}", tmp.display()))?;
    std::fs::rename(&tmp, file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot replace: {e}", file.display())
    })
}

/// Reads `manifest.toml` under `specs_dir`.
pub fn load(specs_dir: &Path) -> Result<Manifest, String> {
    let file = specs_dir.join("manifest.toml");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

/// Every `api-docs.json` under `specs_dir`, sorted, relative to it.
pub fn discover(specs_dir: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    walk(specs_dir, specs_dir, &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: cannot list: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            walk(root, &path, found)?;
        } else if path.file_name().is_some_and(|n| n == "api-docs.json") {
            found.push(relative(root, &path));
        }
    }
    Ok(())
}

/// `/`-separated path of `path` below `root`.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_of(file: &Path) -> Result<String, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Rewrites the `sha256` of the entry whose `path` is `spec_path`, keeping
/// the rest of the file (comments included) as it is.
pub fn update_sha(specs_dir: &Path, spec_path: &str, sha: &str) -> Result<(), String> {
    let file = specs_dir.join("manifest.toml");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let mut out = String::with_capacity(text.len());
    let mut in_entry = false;
    let mut done = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed == "[[spec]]" {
            in_entry = false;
        }
        if trimmed.starts_with("path") && trimmed.contains(&format!("\"{spec_path}\"")) {
            in_entry = true;
        }
        if in_entry && !done && trimmed.starts_with("sha256") {
            out.push_str(&format!("sha256 = \"{sha}\"\n"));
            done = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !done {
        return Err(format!(
            "{}: no `sha256` line after `path = \"{spec_path}\"`",
            file.display()
        ));
    }
    std::fs::write(&file, out).map_err(|e| format!("{}: cannot write: {e}", file.display()))
}
