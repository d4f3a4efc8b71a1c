//! `api-specs/manifest.toml`: which spec files exist, where they came from,
//! and the SHA-256 that tells a maintainer a spec changed.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The manifest file.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// One entry per spec file.
    #[serde(default)]
    pub spec: Vec<Entry>,
}

/// One spec file.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // product/version/style/source document the entry for people
pub struct Entry {
    pub product: String,
    pub code: String,
    pub version: String,
    pub style: String,
    /// Relative to `api-specs/`.
    pub path: String,
    pub source: String,
    pub sha256: String,
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
