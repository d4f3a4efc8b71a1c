//! `cargo xtask regenerate [--check]`: api-specs/ in, sdk/src/generated/ out.

use crate::manifest;

mod oss;
use alibabacloud_codegen::{generate_crates_into, GeneratedFile, Report, SpecInput, Tree};
use std::collections::{BTreeMap, BTreeSet};
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
const BEGIN_DEPENDENCIES: &str = "# BEGIN GENERATED DEPENDENCIES (cargo xtask regenerate)";
const END_DEPENDENCIES: &str = "# END GENERATED DEPENDENCIES";

pub fn run(root: &Path, args: Args) -> Result<ExitCode, String> {
    if let Some(out) = &args.out {
        return standalone(root, &args.specs, out);
    }
    let started = Instant::now();
    let specs_dir = root.join("api-specs");
    let src_dir = root.join("sdk/src/generated");
    let tests_dir = root.join("sdk/tests/response_examples");
    let products_dir = root.join("products");
    let sdk_manifest = root.join("sdk/Cargo.toml");

    let manifest = manifest::load(&specs_dir)?;
    let on_disk = manifest::discover(&specs_dir)?;
    let mut drift: Vec<String> = Vec::new();
    let mut inputs = Vec::new();
    // Manifest updates wait until generation has succeeded, so a spec that
    // fails to generate never looks up to date.
    let mut sha_updates: Vec<(String, String)> = Vec::new();
    let mut oss_inputs: Vec<(PathBuf, String)> = Vec::new();
    for spec_path in &on_disk {
        let entry = manifest
            .spec
            .iter()
            .find(|e| &e.path == spec_path)
            .ok_or_else(|| {
                format!(
                    "api-specs/{spec_path} has no [[spec]] entry in api-specs/manifest.toml \
                     (import it with `cargo xtask import`)"
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
        // OSS has its own crate and its own generator.
        if entry.style.eq_ignore_ascii_case("OSS") {
            oss_inputs.push((file, format!("api-specs/{spec_path}")));
            continue;
        }
        inputs.push(SpecInput {
            file,
            label: format!("api-specs/{spec_path}"),
            default_version: entry.default_version.clone(),
            crate_version: entry.crate_version.clone(),
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

    // Each file is compared (or written) as it is rendered; nothing holds
    // the whole catalogue.
    let mut wanted: BTreeSet<(Tree, PathBuf)> = BTreeSet::new();
    let mut written = 0usize;
    let dir_of = |tree: Tree| match tree {
        Tree::Source => &src_dir,
        Tree::Tests => &tests_dir,
        Tree::Products => &products_dir,
    };
    let label_of = |tree: Tree| match tree {
        Tree::Source => "sdk/src/generated",
        Tree::Tests => "sdk/tests/response_examples",
        Tree::Products => "products",
    };
    let report = generate_crates_into(&inputs, &mut |file: GeneratedFile| {
        let target = dir_of(file.tree).join(&file.path);
        wanted.insert((file.tree, file.path.clone()));
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            return Ok(());
        }
        if args.check {
            drift.push(match current {
                None => format!("missing: {}/{}", label_of(file.tree), file.path.display()),
                Some(old) => format!(
                    "changed: {}/{} ({})",
                    label_of(file.tree),
                    file.path.display(),
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
        Ok(())
    })?;
    let failed_modules: Vec<String> = report
        .failures
        .iter()
        .filter_map(|f| {
            // The module the generator gives that manifest entry.
            let entry = manifest
                .spec
                .iter()
                .find(|e| specs_dir.join(&e.path) == f.file)?;
            Some(entry.crate_dir())
        })
        .collect();
    for (tree, dir) in [
        (Tree::Source, &src_dir),
        (Tree::Tests, &tests_dir),
        (Tree::Products, &products_dir),
    ] {
        for stale in existing_files(dir)? {
            if wanted.contains(&(tree, stale.clone())) {
                continue;
            }
            // A product that failed keeps its last good crate.
            if tree == Tree::Products && failed_modules.iter().any(|m| stale.starts_with(m)) {
                continue;
            }
            if args.check {
                drift.push(format!("stale: {}/{}", label_of(tree), stale.display()));
            } else {
                let target = dir.join(&stale);
                std::fs::remove_file(&target)
                    .map_err(|e| format!("{}: cannot remove: {e}", target.display()))?;
                written += 1;
            }
        }
        remove_empty_dirs(dir);
    }
    let oss_ops = oss::generate(root, &oss_inputs, args.check, &mut drift, &mut written)?;

    if report.failures.is_empty() {
        for (spec_path, sha) in &sha_updates {
            manifest::update_sha(&specs_dir, spec_path, sha)?;
            println!("spec changed: api-specs/{spec_path} (manifest sha256 updated)");
        }
    }

    let cargo_toml = std::fs::read_to_string(&sdk_manifest)
        .map_err(|e| format!("{}: cannot read: {e}", sdk_manifest.display()))?;
    let new_cargo_toml = with_features(&cargo_toml, &report.products)?;
    if new_cargo_toml != cargo_toml {
        if args.check {
            drift.push("changed: sdk/Cargo.toml generated features".to_string());
        } else {
            std::fs::write(&sdk_manifest, new_cargo_toml)
                .map_err(|e| format!("{}: cannot write: {e}", sdk_manifest.display()))?;
            written += 1;
        }
    }

    print_summary(&report);
    let elapsed = started.elapsed();
    let operations: usize = report.products.iter().map(|p| p.operations).sum::<usize>() + oss_ops;
    let per_op = elapsed.as_secs_f64() * 1000.0 / operations.max(1) as f64;
    for failure in &report.failures {
        eprintln!("error: {failure}");
    }
    if args.check {
        if drift.is_empty() && report.failures.is_empty() {
            println!(
                "up to date: {} files, {operations} operations checked in {elapsed:.2?} ({per_op:.2} ms per operation)",
                wanted.len(),
            );
            Ok(ExitCode::SUCCESS)
        } else {
            if !drift.is_empty() {
                eprintln!(
                    "generated code is out of date ({} differences):",
                    drift.len()
                );
                for d in drift.iter().take(50) {
                    eprintln!("  {d}");
                }
                if drift.len() > 50 {
                    eprintln!("  ... and {} more", drift.len() - 50);
                }
                eprintln!("run `cargo xtask regenerate` and commit the result");
            }
            Ok(ExitCode::FAILURE)
        }
    } else {
        println!(
            "regenerated: {} files, {written} written, {operations} operations in {elapsed:.2?} ({per_op:.2} ms per operation)",
            wanted.len(),
        );
        if report.failures.is_empty() {
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!(
                "{} spec files failed; every other product was generated",
                report.failures.len()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// One line per product: operations generated and skipped, lines of code.
fn print_summary(report: &Report) {
    for label in &report.without_operations {
        println!("skipped {label}: the spec defines no operations");
    }
    for p in &report.products {
        println!(
            "{} {}: {} operations generated, {} skipped, {} lines ({:.0} per operation)",
            p.name,
            p.version,
            p.operations,
            p.skipped.len(),
            p.lines,
            p.lines as f64 / p.operations.max(1) as f64
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
    let generation =
        alibabacloud_codegen::generate_crate(&inputs, &options).map_err(|e| e.to_string())?;
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
    for p in &generation.products {
        println!(
            "{} {}: {} operations generated, {} skipped",
            p.name,
            p.version,
            p.operations.len(),
            p.skipped.len()
        );
        for s in &p.skipped {
            println!("  skipped {}: {}", s.operation, s.reason);
        }
    }
    for label in &generation.without_operations {
        println!("skipped {label}: the spec defines no operations");
    }
    println!(
        "wrote {} files to {} in {:.2?}",
        generation.files.len(),
        out.display(),
        started.elapsed()
    );
    if generation.failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for failure in &generation.failures {
            eprintln!("error: {failure}");
        }
        eprintln!(
            "{} spec files failed; every other product was generated",
            generation.failures.len()
        );
        Ok(ExitCode::FAILURE)
    }
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
            } else if path.extension().is_some_and(|e| e == "rs")
                || path.file_name().is_some_and(|n| n == "Cargo.toml")
            {
                found.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Removes the empty directories under `dir` (not `dir` itself).
pub(crate) fn remove_empty_dirs(dir: &Path) {
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

/// `cargo_toml` with the feature block between the markers replaced: a
/// feature per product version, the plain name of each default version
/// enabling it, and `full` enabling every version.
fn with_features(
    cargo_toml: &str,
    products: &[alibabacloud_codegen::ProductSummary],
) -> Result<String, String> {
    let mut features: Vec<String> = Vec::new();
    for p in products {
        features.push(format!(
            "{} = [\"dep:{}\"]",
            p.feature,
            alibabacloud_codegen::crates::crate_name(p)
        ));
        if let Some(alias) = p.alias_feature() {
            features.push(format!("{alias} = [{:?}]", p.feature));
        }
    }
    features.sort();
    let all: Vec<String> = products
        .iter()
        .map(|p| format!("{:?}", p.feature))
        .collect();
    let serialize: Vec<String> = products
        .iter()
        .map(|p| {
            format!(
                "\"{}?/serialize\"",
                alibabacloud_codegen::crates::crate_name(p)
            )
        })
        .collect();
    let mut block = format!("{BEGIN_FEATURES}\n");
    block.push_str(&format!("full = [{}]\n", all.join(", ")));
    block.push_str(&format!("serialize = [{}]\n", serialize.join(", ")));
    for l in features {
        block.push_str(&l);
        block.push('\n');
    }
    let cargo_toml = replace_block(cargo_toml, BEGIN_FEATURES, END_FEATURES, &block)?;
    let mut deps: Vec<String> = products
        .iter()
        .map(|p| {
            format!(
                "{} = {{ path = \"../products/{}\", version = \"{}\", optional = true }}",
                alibabacloud_codegen::crates::crate_name(p),
                alibabacloud_codegen::crates::crate_dir(p).display(),
                p.crate_version,
            )
        })
        .collect();
    deps.sort();
    let mut block = format!("{BEGIN_DEPENDENCIES}\n");
    for d in deps {
        block.push_str(&d);
        block.push('\n');
    }
    replace_block(&cargo_toml, BEGIN_DEPENDENCIES, END_DEPENDENCIES, &block)
}

/// `text` with the lines from `begin` up to (not including) `end`
/// replaced by `block`.
fn replace_block(text: &str, begin: &str, end: &str, block: &str) -> Result<String, String> {
    let start = text
        .find(begin)
        .ok_or_else(|| format!("sdk/Cargo.toml: marker line `{begin}` not found"))?;
    let stop = text[start..]
        .find(end)
        .map(|i| start + i)
        .ok_or_else(|| format!("sdk/Cargo.toml: marker line `{end}` not found after `{begin}`"))?;
    Ok(format!("{}{}{}", &text[..start], block, &text[stop..]))
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
            "api-specs/r-kvstore/2015-01-01/api-docs.json",
            "api-specs/r-kvstore/2015-01-01/docs.toml",
            "sdk/Cargo.toml",
        ] {
            std::fs::copy(real.join(rel), root.join(rel)).unwrap();
        }
        // The R-kvstore entry only: one product keeps the test quick.
        let entries: Vec<manifest::Entry> = manifest::load(&real.join("api-specs"))
            .unwrap()
            .spec
            .into_iter()
            .filter(|e| e.code == "r-kvstore")
            .collect();
        std::fs::write(
            root.join("api-specs/manifest.toml"),
            manifest::render(&entries),
        )
        .unwrap();
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
        let generated = root.join("products/r-kvstore-20150101");
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
        let target = generated.join("src/generated/modify_security_group_configuration.rs");
        let text = std::fs::read_to_string(&target).unwrap();
        std::fs::write(&target, format!("{text}// hand edit\n")).unwrap();
        assert_eq!(run_in(&root, true), ExitCode::FAILURE);
        // A stale file is drift, and regenerate removes it.
        std::fs::write(generated.join("src/generated/stale.rs"), "// old").unwrap();
        assert_eq!(run_in(&root, false), ExitCode::SUCCESS);
        assert!(!generated.join("src/generated/stale.rs").exists());
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
            "[features]\ndefault = []\n{BEGIN_FEATURES}\nold = []\n{END_FEATURES}\n\n\
             [dependencies]\n{BEGIN_DEPENDENCIES}\nold = \"1\"\n{END_DEPENDENCIES}\n"
        );
        let summary =
            |code: &str, version: &str, alias: bool| alibabacloud_codegen::ProductSummary {
                name: code.into(),
                version: version.into(),
                code: code.into(),
                module: format!("{}_{}", code.replace('-', "_"), version.replace('-', "")),
                feature: format!("{code}-{}", version.replace('-', "")),
                alias: alias.then(|| code.replace('-', "_")),
                spec_path: String::new(),
                operations: 1,
                skipped: vec![],
                degraded: vec![],
                lines: 1,
                bytes: 1,
                crate_version: if code == "a" { "0.2.0" } else { "0.1.0" }.into(),
            };
        let out = with_features(
            &toml,
            &[
                summary("a", "2020-01-01", true),
                summary("b-c", "2014-08-28", false),
                summary("b-c", "2022-02-22", true),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            format!(
                "[features]\ndefault = []\n{BEGIN_FEATURES}\n\
                 full = [\"a-20200101\", \"b-c-20140828\", \"b-c-20220222\"]\n\
                 serialize = [\"alibabacloud-a20200101?/serialize\", \"alibabacloud-b-c20140828?/serialize\", \"alibabacloud-b-c20220222?/serialize\"]\n\
                 a = [\"a-20200101\"]\na-20200101 = [\"dep:alibabacloud-a20200101\"]\n\
                 b-c = [\"b-c-20220222\"]\nb-c-20140828 = [\"dep:alibabacloud-b-c20140828\"]\n\
                 b-c-20220222 = [\"dep:alibabacloud-b-c20220222\"]\n\
                 {END_FEATURES}\n\n[dependencies]\n{BEGIN_DEPENDENCIES}\n\
                 alibabacloud-a20200101 = {{ path = \"../products/a-20200101\", version = \"0.2.0\", optional = true }}\n\
                 alibabacloud-b-c20140828 = {{ path = \"../products/b-c-20140828\", version = \"0.1.0\", optional = true }}\n\
                 alibabacloud-b-c20220222 = {{ path = \"../products/b-c-20220222\", version = \"0.1.0\", optional = true }}\n\
                 {END_DEPENDENCIES}\n"
            )
        );
        assert!(with_features("[features]\n", &[])
            .unwrap_err()
            .contains("marker"));
        assert_eq!(line_diff_summary("a\nb\n", "a\nc\nd\n"), "+2 -1 lines");
    }

    /// Two versions of one product coexist, the catalogue's default gets the
    /// plain name, and a broken file among them stops nothing else.
    #[test]
    fn versions_coexist_and_one_broken_file_stops_nothing() {
        let root = scratch_root("versions");
        let specs = root.join("api-specs");
        let text =
            std::fs::read_to_string(specs.join("r-kvstore/2015-01-01/api-docs.json")).unwrap();
        let newer = specs.join("r-kvstore/2099-01-01");
        std::fs::create_dir_all(&newer).unwrap();
        std::fs::write(
            newer.join("api-docs.json"),
            text.replacen(
                "\"version\": \"2015-01-01\"",
                "\"version\": \"2099-01-01\"",
                1,
            ),
        )
        .unwrap();
        let broken = specs.join("broken/2020-01-01");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::write(
            broken.join("api-docs.json"),
            r#"{"info":{"product":"Broken","version":"2020-01-01"},"apis":{"Op":{"parameters":[{"name":"X","schema":{"maxItems":"many"}}]}}}"#,
        )
        .unwrap();
        let mut entries = manifest::load(&specs).unwrap().spec;
        let mut second = entries[0].clone();
        second.version = "2099-01-01".into();
        second.path = "r-kvstore/2099-01-01/api-docs.json".into();
        second.sha256 = manifest::sha256_of(&newer.join("api-docs.json")).unwrap();
        let mut bad = entries[0].clone();
        bad.product = "Broken".into();
        bad.code = "broken".into();
        bad.path = "broken/2020-01-01/api-docs.json".into();
        bad.default_version = None;
        bad.sha256 = manifest::sha256_of(&broken.join("api-docs.json")).unwrap();
        entries.push(second);
        entries.push(bad);
        std::fs::write(specs.join("manifest.toml"), manifest::render(&entries)).unwrap();

        assert_eq!(run_in(&root, false), ExitCode::FAILURE, "one file failed");
        let products = root.join("products");
        assert!(products.join("r-kvstore-20150101/src/lib.rs").exists());
        assert!(products.join("r-kvstore-20990101/Cargo.toml").exists());
        assert!(!products.join("broken-20200101").exists());
        let index = std::fs::read_to_string(root.join("sdk/src/generated/mod.rs")).unwrap();
        assert!(
            index.contains("pub use alibabacloud_r_kvstore20150101 as r_kvstore;"),
            "the manifest's default version gets the plain name:\n{index}"
        );
        assert!(
            index.contains("pub use alibabacloud_r_kvstore20990101 as r_kvstore_20990101;"),
            "{index}"
        );
        assert!(
            !index.contains("alibabacloud_r_kvstore20990101 as r_kvstore;"),
            "{index}"
        );
        let cargo = std::fs::read_to_string(root.join("sdk/Cargo.toml")).unwrap();
        assert!(
            cargo.contains("r-kvstore = [\"r-kvstore-20150101\"]"),
            "{cargo}"
        );
        assert!(
            cargo.contains("r-kvstore-20990101 = [\"dep:alibabacloud-r-kvstore20990101\"]"),
            "{cargo}"
        );
        let _ = std::fs::remove_dir_all(&root);
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

    /// `--spec A --spec B ... --out DIR`: a file without operations is one
    /// line, a file that cannot be read is an error naming it, and neither
    /// stops the others from being generated.
    #[test]
    fn standalone_generates_every_file_it_can() {
        let dir = std::env::temp_dir().join(format!("xtask-standalone-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let file = dir.join(name);
            std::fs::write(&file, text).unwrap();
            file
        };
        let specs = [
            write(
                "empty.json",
                r#"{"info":{"style":"RPC","product":"Cas","version":"2018-07-13"},"apis":{}}"#,
            ),
            write(
                "broken.json",
                r#"{"info":{"product":"Bad","version":"1"},"apis":{"X":{"parameters":5}}}"#,
            ),
            write(
                "listed.json",
                r#"{"info":{"style":"RPC","product":"Demo","version":"2020-01-01"},
                  "apis":{"DescribeThings":{"description":["Lists","things."],"methods":["post"],
                    "parameters":[{"name":"Mode","in":"query","schema":{"type":"string","description":["a","b"]}}],
                    "responses":{"200":{"schema":{"type":"object","properties":{"RequestId":{"type":"string"}}}}}}}}"#,
            ),
        ];
        let out = dir.join("out");
        let code = standalone(&crate::workspace_root(), &specs, &out).unwrap();
        assert_eq!(code, ExitCode::FAILURE, "one file failed");
        assert!(out.join("src/demo_20200101/describe_things.rs").is_file());
        assert!(!out.join("src/cas_20180713").exists());
        assert!(!out.join("src/bad_1").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
