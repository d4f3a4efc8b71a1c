//! `cargo xtask regenerate [--check]`: api-specs/ in, sdk/src/generated/ out.

use crate::manifest;
use alibabacloud_codegen::{generate, GeneratedFile, SpecInput};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Flags of `regenerate`.
#[derive(clap::Args)]
pub struct Args {
    /// Write nothing; exit non-zero and summarize the drift if the committed
    /// generated code (or the manifest) differs from what the specs produce.
    #[arg(long)]
    check: bool,
}

const BEGIN_FEATURES: &str = "# BEGIN GENERATED FEATURES (cargo xtask regenerate)";
const END_FEATURES: &str = "# END GENERATED FEATURES";

pub fn run(root: &Path, args: Args) -> Result<ExitCode, String> {
    let started = Instant::now();
    let specs_dir = root.join("api-specs");
    let out_dir = root.join("sdk/src/generated");
    let sdk_manifest = root.join("sdk/Cargo.toml");

    let manifest = manifest::load(&specs_dir)?;
    let on_disk = manifest::discover(&specs_dir)?;
    let mut drift: Vec<String> = Vec::new();
    let mut inputs = Vec::new();
    for spec_path in &on_disk {
        let entry = manifest
            .spec
            .iter()
            .find(|e| &e.path == spec_path)
            .ok_or_else(|| {
                format!(
                    "api-specs/{spec_path} has no [[spec]] entry in api-specs/manifest.toml \
                     (add one with product, code, version, style, path, source and sha256)"
                )
            })?;
        let file = specs_dir.join(spec_path);
        let sha = manifest::sha256_of(&file)?;
        if sha != entry.sha256 {
            if args.check {
                drift.push(format!(
                    "api-specs/manifest.toml: sha256 of {spec_path} is {sha}, manifest says {}",
                    entry.sha256
                ));
            } else {
                manifest::update_sha(&specs_dir, spec_path, &sha)?;
                println!("spec changed: api-specs/{spec_path} (manifest sha256 updated)");
            }
        }
        inputs.push(SpecInput {
            file,
            label: format!("api-specs/{spec_path}"),
        });
    }
    for entry in &manifest.spec {
        if !on_disk.contains(&entry.path) {
            return Err(format!(
                "api-specs/manifest.toml lists {} but api-specs/{} does not exist",
                entry.path, entry.path
            ));
        }
    }

    let mut generation = generate(&inputs).map_err(|e| e.to_string())?;
    rustfmt_all(&mut generation.files)?;
    let features: Vec<String> = generation.products.iter().map(|p| p.code.clone()).collect();

    let wanted: BTreeMap<PathBuf, &GeneratedFile> =
        generation.files.iter().map(|f| (f.path.clone(), f)).collect();
    let existing = existing_files(&out_dir)?;
    let mut written = 0usize;
    for (path, file) in &wanted {
        let target = out_dir.join(path);
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if args.check {
            drift.push(match current {
                None => format!("missing: sdk/src/generated/{}", path.display()),
                Some(old) => format!(
                    "changed: sdk/src/generated/{} ({})",
                    path.display(),
                    line_diff_summary(&old, &file.contents)
                ),
            });
        } else {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
            }
            std::fs::write(&target, &file.contents)
                .map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
            written += 1;
        }
    }
    for stale in existing.iter().filter(|p| !wanted.contains_key(*p)) {
        if args.check {
            drift.push(format!("stale: sdk/src/generated/{}", stale.display()));
        } else {
            let target = out_dir.join(stale);
            std::fs::remove_file(&target)
                .map_err(|e| format!("{}: cannot remove: {e}", target.display()))?;
            written += 1;
        }
    }
    remove_empty_dirs(&out_dir);

    let cargo_toml = std::fs::read_to_string(&sdk_manifest)
        .map_err(|e| format!("{}: cannot read: {e}", sdk_manifest.display()))?;
    let new_cargo_toml = with_features(&cargo_toml, &features)?;
    if new_cargo_toml != cargo_toml {
        if args.check {
            drift.push("changed: sdk/Cargo.toml generated features".to_string());
        } else {
            std::fs::write(&sdk_manifest, new_cargo_toml)
                .map_err(|e| format!("{}: cannot write: {e}", sdk_manifest.display()))?;
            written += 1;
        }
    }

    for p in &generation.products {
        let lines: usize = generation
            .files
            .iter()
            .filter(|f| f.path.starts_with(&p.module))
            .map(|f| f.contents.lines().count())
            .sum();
        println!(
            "{} {}: {} operations generated, {} skipped, {} lines ({:.0} per operation)",
            p.name,
            p.version,
            p.operations.len(),
            p.skipped.len(),
            lines,
            lines as f64 / p.operations.len().max(1) as f64
        );
        for s in &p.skipped {
            println!("  skipped {}: {}", s.operation, s.reason);
        }
    }
    let elapsed = started.elapsed();
    if args.check {
        if drift.is_empty() {
            println!(
                "up to date: {} files checked in {:.2?}",
                wanted.len(),
                elapsed
            );
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!("generated code is out of date ({} differences):", drift.len());
            for d in &drift {
                eprintln!("  {d}");
            }
            eprintln!("run `cargo xtask regenerate` and commit the result");
            Ok(ExitCode::FAILURE)
        }
    } else {
        println!(
            "regenerated sdk/src/generated: {} files, {} written, in {:.2?}",
            wanted.len(),
            written,
            elapsed
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Runs rustfmt over the rendered files, so generated code passes
/// `cargo fmt --check` like the rest of the workspace. One rustfmt process
/// for all files, in a private staging directory.
fn rustfmt_all(files: &mut [GeneratedFile]) -> Result<(), String> {
    let staging = std::env::temp_dir().join(format!(
        "alibabacloud-regenerate-{}",
        std::process::id()
    ));
    let result = rustfmt_in(&staging, files);
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn rustfmt_in(staging: &Path, files: &mut [GeneratedFile]) -> Result<(), String> {
    let mut paths = Vec::with_capacity(files.len());
    for f in files.iter() {
        let path = staging.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &f.contents).map_err(|e| format!("{}: {e}", path.display()))?;
        paths.push(path);
    }
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    for chunk in paths.chunks(500) {
        let output = std::process::Command::new(&rustfmt)
            .args(["--edition", "2021"])
            .args(chunk)
            .output()
            .map_err(|e| {
                format!("cannot run {rustfmt}: {e} (install it with `rustup component add rustfmt`)")
            })?;
        if !output.status.success() {
            return Err(format!(
                "rustfmt rejected generated code (a generator bug): {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    for (f, path) in files.iter_mut().zip(&paths) {
        f.contents = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// `.rs` files under `dir`, relative to it.
fn existing_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    if !dir.exists() {
        return Ok(found);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                remove_empty_dirs(&path);
                // Fails (and is meant to) when the directory is not empty.
                let _ = std::fs::remove_dir(&path);
            }
        }
    }
}

/// "+A -R lines" between two versions of a file, by line multiset.
fn line_diff_summary(old: &str, new: &str) -> String {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for l in old.lines() {
        *counts.entry(l).or_default() -= 1;
    }
    for l in new.lines() {
        *counts.entry(l).or_default() += 1;
    }
    let added: i64 = counts.values().filter(|v| **v > 0).sum();
    let removed: i64 = -counts.values().filter(|v| **v < 0).sum::<i64>();
    format!("+{added} -{removed} lines")
}

/// `cargo_toml` with the feature block between the markers replaced.
fn with_features(cargo_toml: &str, features: &[String]) -> Result<String, String> {
    let start = cargo_toml.find(BEGIN_FEATURES).ok_or_else(|| {
        format!("sdk/Cargo.toml: marker line `{BEGIN_FEATURES}` not found in [features]")
    })?;
    let end = cargo_toml
        .find(END_FEATURES)
        .filter(|end| *end > start)
        .ok_or_else(|| format!("sdk/Cargo.toml: marker line `{END_FEATURES}` not found"))?;
    let mut block = format!("{BEGIN_FEATURES}\n");
    for f in features {
        block.push_str(&format!("{f} = []\n"));
    }
    Ok(format!("{}{}{}", &cargo_toml[..start], block, &cargo_toml[end..]))
}
