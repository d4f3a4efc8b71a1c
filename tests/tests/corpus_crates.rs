//! Whole products from Alibaba's real metadata: the full R-kvstore (RPC, 146
//! operations) and CS (ROA), plus the generator's edge-case fixture, generate
//! into a standalone crate that compiles,
//! and every operation's documented example response deserializes into its
//! typed response (one generated test per operation).
//!
//! Slow (it builds the generated crate in its own target directory), so it
//! is ignored by default; `.ci/run` runs it with `--ignored`.

use alibabacloud_codegen::{generate_crate, CrateOptions, SpecInput};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
#[ignore = "slow: builds a generated crate; CI runs it with --ignored"]
fn full_products_compile_and_parse_their_examples() {
    let root = workspace();
    let corpus = root.join("../shared/api-specs-corpus");
    let inputs: Vec<SpecInput> = ["r-kvstore/2015-01-01", "cs/2015-12-15"]
        .iter()
        .map(|p| SpecInput {
            file: corpus.join(p).join("api-docs.json"),
            label: format!("../shared/api-specs-corpus/{p}/api-docs.json"),
            default_version: None,
            crate_version: None,
        })
        .chain(std::iter::once(SpecInput {
            // The generator's hard cases (keywords, collisions), compiled too.
            file: root.join("codegen/tests/fixtures/edge-cases/api-docs.json"),
            label: "codegen/tests/fixtures/edge-cases/api-docs.json".into(),
            default_version: None,
            crate_version: None,
        }))
        .collect();
    let options = CrateOptions {
        name: "alibabacloud-corpus-check".into(),
        sdk_dependency: format!("{{ path = {:?} }}", root.join("sdk").display().to_string()),
    };
    let generation = generate_crate(&inputs, &options).unwrap_or_else(|e| panic!("{e}"));
    let examples: usize = generation
        .products
        .iter()
        .flat_map(|p| &p.operations)
        .filter(|op| op.example_response.is_some())
        .count();
    for p in &generation.products {
        eprintln!(
            "{}: {} operations, {} skipped: {:?}",
            p.name,
            p.operations.len(),
            p.skipped.len(),
            p.skipped.iter().map(|s| &s.reason).collect::<Vec<_>>()
        );
    }

    let out = root.join("target/corpus-check/crate");
    let _ = std::fs::remove_dir_all(&out);
    for f in &generation.files {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.contents).unwrap();
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/corpus-check/target"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let passed = format!("{examples} passed; 0 failed");
    assert!(stdout.contains(&passed), "expected {passed:?}:\n{stdout}");
    eprintln!("generated crate compiled; {examples} example responses parsed");
}
