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
    /// Generate a standalone crate from these metadata files instead of
    /// regenerating the SDK (repeatable; needs --out).
    #[arg(long = "spec", requires = "out")]
    specs: Vec<PathBuf>,
    /// Directory of the standalone crate (created or replaced).
    #[arg(long, requires = "specs")]
    out: Option<PathBuf>,
}

const BEGIN_FEATURES: &str = "# BEGIN GENERATED FEATURES (cargo xtask regenerate)";
const END_FEATURES: &str = "# END GENERATED FEATURES";

pub fn run(root: &Path, args: Args) -> Result<ExitCode, String> {
    if let Some(out) = &args.out {
        return standalone(root, &args.specs, out);
    }
    let started = Instant::now();
    let specs_dir = root.join("api-specs");
    let out_dir = root.join("sdk/src/generated");
    let sdk_manifest = root.join("sdk/Cargo.toml");

    let manifest = manifest::load(&specs_dir)?;
    let on_disk = manifest::discover(&specs_dir)?;
    let mut drift: Vec<String> = Vec::new();
    let mut inputs = Vec::new();
    // Manifest updates wait until generation has succeeded, so a spec that
    // fails to generate never looks up to date.
    let mut sha_updates: Vec<(String, String)> = Vec::new();
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
                sha_updates.push((spec_path.clone(), sha));
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
    for (spec_path, sha) in &sha_updates {
        manifest::update_sha(&specs_dir, spec_path, sha)?;
        println!("spec changed: api-specs/{spec_path} (manifest sha256 updated)");
    }
    let features: Vec<String> = generation.products.iter().map(|p| p.code.clone()).collect();

    let wanted: BTreeMap<PathBuf, &GeneratedFile> = generation
        .files
        .iter()
        .map(|f| (f.path.clone(), f))
        .collect();
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

    print_summary(&generation);
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
            eprintln!(
                "generated code is out of date ({} differences):",
                drift.len()
            );
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

/// One line per product: operations generated and skipped, lines of code.
fn print_summary(generation: &alibabacloud_codegen::Generation) {
    for p in &generation.products {
        let lines: usize = generation
            .files
            .iter()
            .filter(|f| {
                f.path
                    .components()
                    .any(|c| c.as_os_str() == p.module.as_str())
            })
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
        for d in &p.degraded {
            println!("  degraded {}: {}", d.operation, d.reason);
        }
    }
}

/// `--spec FILE... --out DIR`: a standalone crate for any metadata files,
/// depending on this workspace's `alibabacloud-sdk` for the runtime.
fn standalone(root: &Path, specs: &[PathBuf], out: &Path) -> Result<ExitCode, String> {
    let started = Instant::now();
    let inputs: Vec<SpecInput> = specs
        .iter()
        .map(|file| SpecInput::from_path(file))
        .collect();
    let sdk = root.join("sdk");
    let sdk = sdk.canonicalize().unwrap_or(sdk);
    let options = alibabacloud_codegen::CrateOptions {
        name: "alibabacloud-generated".to_string(),
        sdk_dependency: format!("{{ path = {:?} }}", sdk.display().to_string()),
    };
    let mut generation =
        alibabacloud_codegen::generate_crate(&inputs, &options).map_err(|e| e.to_string())?;
    let generated_at = Instant::now();
    let mut rust: Vec<GeneratedFile> = generation
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .cloned()
        .collect();
    rustfmt_all(&mut rust)?;
    for f in &mut generation.files {
        if let Some(formatted) = rust.iter().find(|r| r.path == f.path) {
            f.contents = formatted.contents.clone();
        }
    }
    // Only ever replace a crate this command wrote.
    let existing_manifest = out.join("Cargo.toml");
    if existing_manifest.exists() {
        let text = std::fs::read_to_string(&existing_manifest)
            .map_err(|e| format!("{}: {e}", existing_manifest.display()))?;
        if !text.starts_with("# @generated by alibabacloud-codegen") {
            return Err(format!(
                "{} exists and was not generated by this command; choose an empty or generated --out directory",
                existing_manifest.display()
            ));
        }
    } else if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!(
            "{} is not empty and holds no generated crate; choose an empty or generated --out directory",
            out.display()
        ));
    }
    if out.exists() {
        for sub in ["src", "tests"] {
            let dir = out.join(sub);
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
        }
    }
    for f in &generation.files {
        let target = out.join(&f.path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&target, &f.contents).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    print_summary(&generation);
    println!(
        "wrote {} files to {} (generation {:.2?}, with rustfmt {:.2?})",
        generation.files.len(),
        out.display(),
        generated_at - started,
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs rustfmt over the rendered files, so generated code passes
/// `cargo fmt --check` like the rest of the workspace. One rustfmt process
/// for all files, in a private staging directory.
fn rustfmt_all(files: &mut [GeneratedFile]) -> Result<(), String> {
    // Unique per call, so parallel calls in one process never share it.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staging = std::env::temp_dir().join(format!(
        "alibabacloud-regenerate-{}-{call}",
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
                format!(
                    "cannot run {rustfmt}: {e} (install it with `rustup component add rustfmt`)"
                )
            })?;
        if !output.status.success() {
            return Err(format!(
                "rustfmt rejected generated code (a generator bug): {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    for (f, path) in files.iter_mut().zip(&paths) {
        f.contents =
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
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
    Ok(format!(
        "{}{}{}",
        &cargo_toml[..start],
        block,
        &cargo_toml[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch copy of the parts of the repository regenerate touches.
    fn scratch_root(name: &str) -> PathBuf {
        let real = crate::workspace_root();
        let root = std::env::temp_dir().join(format!("xtask-regen-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let spec_dir = root.join("api-specs/r-kvstore/2015-01-01");
        std::fs::create_dir_all(&spec_dir).unwrap();
        std::fs::create_dir_all(root.join("sdk/src")).unwrap();
        for rel in [
            "api-specs/manifest.toml",
            "api-specs/r-kvstore/2015-01-01/api-docs.json",
            "sdk/Cargo.toml",
        ] {
            std::fs::copy(real.join(rel), root.join(rel)).unwrap();
        }
        root
    }

    fn run_in(root: &Path, check: bool) -> ExitCode {
        run(
            root,
            Args {
                check,
                specs: vec![],
                out: None,
            },
        )
        .unwrap()
    }

    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
        existing_files(dir)
            .unwrap()
            .into_iter()
            .map(|p| (p.clone(), std::fs::read_to_string(dir.join(&p)).unwrap()))
            .collect()
    }

    #[test]
    fn regenerate_then_check_and_drift() {
        let root = scratch_root("drift");
        let generated = root.join("sdk/src/generated");
        assert_eq!(
            run_in(&root, true),
            ExitCode::FAILURE,
            "nothing generated yet"
        );
        assert_eq!(run_in(&root, false), ExitCode::SUCCESS);
        let first = snapshot(&generated);
        assert!(first.len() >= 11);
        assert_eq!(run_in(&root, true), ExitCode::SUCCESS);
        assert_eq!(run_in(&root, false), ExitCode::SUCCESS);
        assert_eq!(snapshot(&generated), first, "two runs, identical bytes");

        // A hand edit of generated code is drift.
        let target = generated.join("r_kvstore/modify_security_group_configuration.rs");
        let text = std::fs::read_to_string(&target).unwrap();
        std::fs::write(&target, format!("{text}// hand edit\n")).unwrap();
        assert_eq!(run_in(&root, true), ExitCode::FAILURE);
        // A stale file is drift, and regenerate removes it.
        std::fs::write(generated.join("r_kvstore/stale.rs"), "// old").unwrap();
        assert_eq!(run_in(&root, false), ExitCode::SUCCESS);
        assert!(!generated.join("r_kvstore/stale.rs").exists());
        assert_eq!(snapshot(&generated), first);

        // A changed spec: check reports the sha256, regenerate updates it.
        let spec = root.join("api-specs/r-kvstore/2015-01-01/api-docs.json");
        let text = std::fs::read_to_string(&spec).unwrap();
        std::fs::write(
            &spec,
            text.replacen("\"version\": \"1.0\"", "\"version\": \"1.1\"", 1),
        )
        .unwrap();
        assert_eq!(run_in(&root, true), ExitCode::FAILURE);
        assert_eq!(run_in(&root, false), ExitCode::SUCCESS);
        assert_eq!(run_in(&root, true), ExitCode::SUCCESS);
        let manifest = std::fs::read_to_string(root.join("api-specs/manifest.toml")).unwrap();
        assert!(manifest.contains(&manifest::sha256_of(&spec).unwrap()));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn unlisted_spec_is_named() {
        let root = scratch_root("unlisted");
        let extra = root.join("api-specs/other/2020-01-01");
        std::fs::create_dir_all(&extra).unwrap();
        std::fs::write(extra.join("api-docs.json"), "{}").unwrap();
        let err = run(
            &root,
            Args {
                check: true,
                specs: vec![],
                out: None,
            },
        )
        .unwrap_err();
        assert!(
            err.contains("api-specs/other/2020-01-01/api-docs.json has no [[spec]] entry"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn feature_block_is_rewritten_between_markers() {
        let toml = format!(
            "[features]\ndefault = []\n{BEGIN_FEATURES}\nold = []\n{END_FEATURES}\n\n[deps]\n"
        );
        let out = with_features(&toml, &["a".into(), "b-c".into()]).unwrap();
        assert_eq!(
            out,
            format!("[features]\ndefault = []\n{BEGIN_FEATURES}\na = []\nb-c = []\n{END_FEATURES}\n\n[deps]\n")
        );
        assert!(with_features("[features]\n", &[])
            .unwrap_err()
            .contains("marker"));
        assert_eq!(line_diff_summary("a\nb\n", "a\nc\nd\n"), "+2 -1 lines");
    }
}

#[cfg(test)]
mod standalone_tests {
    use super::*;

    #[test]
    fn out_never_overwrites_a_foreign_directory() {
        let dir = std::env::temp_dir().join(format!("xtask-out-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
        let specs = [crate::workspace_root().join("api-specs/r-kvstore/2015-01-01/api-docs.json")];
        let err = standalone(&crate::workspace_root(), &specs, &dir).unwrap_err();
        assert!(err.contains("was not generated by this command"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
            "[package]\nname = \"mine\"\n",
            "left untouched"
        );
        // An empty directory is fine, and so is writing over our own output.
        let fresh = dir.join("fresh");
        assert_eq!(
            standalone(&crate::workspace_root(), &specs, &fresh),
            Ok(ExitCode::SUCCESS)
        );
        assert_eq!(
            standalone(&crate::workspace_root(), &specs, &fresh),
            Ok(ExitCode::SUCCESS)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
