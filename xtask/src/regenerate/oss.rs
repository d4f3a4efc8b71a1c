//! The OSS part of `regenerate`: specs of style `OSS` become the typed
//! operations of the `alibabacloud-oss` crate, in `oss/src/generated/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Generates (or, with `check`, compares) every OSS spec's operations;
/// returns how many operations were generated.
pub(super) fn generate(
    root: &Path,
    inputs: &[(PathBuf, String)],
    check: bool,
    drift: &mut Vec<String>,
    written: &mut usize,
) -> Result<usize, String> {
    let dir = root.join("oss/src/generated");
    if inputs.len() > 1 {
        return Err(format!(
            "{} OSS specs in api-specs/; the oss crate is generated from exactly one",
            inputs.len()
        ));
    }
    let Some((file, label)) = inputs.first() else {
        return Ok(0);
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let spec: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{label}: not JSON: {e}"))?;
    let generation = alibabacloud_codegen::oss::generate(&spec, label)?;
    let mut wanted = BTreeSet::new();
    for f in &generation.files {
        wanted.insert(f.path.clone());
        let target = dir.join(&f.path);
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if check {
            drift.push(match current {
                None => format!("missing: oss/src/generated/{}", f.path),
                Some(_) => format!("changed: oss/src/generated/{}", f.path),
            });
        } else {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
            std::fs::write(&target, &f.contents)
                .map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
            *written += 1;
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !wanted.contains(&name) {
                if check {
                    drift.push(format!("stale: oss/src/generated/{name}"));
                } else {
                    std::fs::remove_file(entry.path())
                        .map_err(|e| format!("{name}: cannot remove: {e}"))?;
                    *written += 1;
                }
            }
        }
    }
    println!(
        "OSS {label}: {} operations generated, {} written by hand, {} skipped",
        generation.generated.len(),
        alibabacloud_codegen::oss::HAND_WRITTEN.len(),
        generation.skipped.len()
    );
    for (op, why) in &generation.skipped {
        println!("  skipped {op}: {why}");
    }
    Ok(generation.generated.len())
}
