//! The generator over Alibaba's real metadata in `../shared/api-specs-corpus/`:
//! every file parses and lowers; what cannot be expressed is named.

use alibabacloud_codegen::{generate, ir, spec, SpecInput};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The corpus: `ALIBABACLOUD_CORPUS`, else `../shared/api-specs-corpus`
/// beside the repository; `None` (and a line saying so) when neither exists,
/// so the test suite passes on a fresh clone.
fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ALIBABACLOUD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-specs-corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no metadata corpus at {} (set ALIBABACLOUD_CORPUS to run this test)",
            dir.display()
        );
        None
    }
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with("api-docs.json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files
}

#[test]
fn every_corpus_file_parses_and_lowers() {
    let Some(dir) = corpus_dir() else { return };
    let files = corpus_files(&dir);
    assert!(files.len() >= 20, "corpus not found: {} files", files.len());
    let started = Instant::now();
    let mut generated = 0;
    let mut skipped = 0;
    let mut degraded = 0;
    for file in &files {
        let docs = spec::load(file).unwrap_or_else(|e| panic!("{e}"));
        let product = ir::lower(&docs, "corpus", file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            product.operations.len() + product.skipped.len(),
            docs.apis.len(),
            "{}: every operation is generated or reported",
            file.display()
        );
        for s in &product.skipped {
            assert!(
                s.reason.starts_with(&format!("apis.{}", s.operation))
                    || s.reason.starts_with("info.style"),
                "a skip names its JSON path: {s:?}"
            );
        }
        for d in &product.degraded {
            assert!(
                d.reason.starts_with(&format!("apis.{}", d.operation))
                    || d.reason.starts_with("components.schemas."),
                "a note names its JSON path: {d:?}"
            );
        }
        generated += product.operations.len();
        skipped += product.skipped.len();
        degraded += product.degraded.len();
    }
    eprintln!(
        "corpus: {} files, {generated} operations lowered ({degraded} degraded parts), {skipped} skipped, in {:.2?}",
        files.len(),
        started.elapsed()
    );
    assert!(generated > 2500, "{generated}");
}

#[test]
fn full_r_kvstore_renders() {
    let Some(dir) = corpus_dir() else { return };
    let file = dir.join("r-kvstore/2015-01-01/api-docs.json");
    let generation = generate(&[SpecInput {
        file,
        label: "corpus r-kvstore".into(),
        default_version: None,
        crate_version: None,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let product = &generation.products[0];
    assert_eq!(product.operations.len() + product.skipped.len(), 146);
    assert!(
        product.skipped.is_empty(),
        "R-kvstore uses only supported constructs: {:?}",
        product.skipped
    );
    // The source and test indexes, product mod.rs, one file per
    // operation, the product's example tests, and `types.rs` for the enums
    // several operations share (`AutoRenew`, `EditionType`, `ResourceType`).
    assert!(!product.type_enums.is_empty());
    assert_eq!(generation.files.len(), 5 + product.operations.len());
}
