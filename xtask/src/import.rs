//! `cargo xtask import FILE...`: Alibaba's `api-docs.json` in, the facts of
//! it out, as `api-specs/<code>/<version>/api-docs.json` plus its manifest
//! entry.
//!
//! Each file is checked end to end before anything is written: it must be
//! Alibaba's format, its facts must parse, the generator must lower them,
//! and an existing `docs.toml` overlay must still apply. A newer version of
//! a spec already imported prints what changes for users (breaking first);
//! `--fail-on-breaking` refuses it. One bad file never stops the others; the
//! exit status says whether any failed.

use crate::manifest::{self, Entry};
use alibabacloud_codegen::diff::diff;
use alibabacloud_codegen::facts::{self, Json};
use alibabacloud_codegen::{ir, load_product, overlay, spec, SpecInput};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Flags of `import`.
#[derive(clap::Args)]
pub struct Args {
    /// Alibaba metadata files (`<product>/<version>/api-docs.json`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Refuse a file whose changes would break users' code.
    #[arg(long)]
    fail_on_breaking: bool,
    /// Alibaba's product catalogue (`products.json`), for each product's
    /// default version; found beside the files' product directories when
    /// not given.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Where the facts and their manifest go (default: `api-specs/`); a
    /// scratch directory lets a maintainer import a whole catalogue apart
    /// from the repository's own specs.
    #[arg(long)]
    specs_dir: Option<PathBuf>,
}

/// The outcome for one file.
enum Outcome {
    Written(Entry),
    Unchanged(Entry),
    /// Reported, not a failure: nothing to generate.
    Empty(String),
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode, String> {
    let specs_dir = args
        .specs_dir
        .clone()
        .unwrap_or_else(|| root.join("api-specs"));
    let mut entries = if specs_dir.join("manifest.toml").exists() {
        manifest::load(&specs_dir)?.spec
    } else {
        Vec::new()
    };
    // Examples that quote any file's prose are masked, whichever file it
    // is; the matcher over all of it is built once.
    let mut prose: Vec<String> = Vec::new();
    // Two files naming one product version would write one spec twice.
    let mut first_of: std::collections::BTreeMap<(String, String), &Path> =
        std::collections::BTreeMap::new();
    let mut duplicates: Vec<(usize, String)> = Vec::new();
    // Each file's product version (lowercase code, version), when it reads.
    let mut keys: Vec<Option<(String, String)>> = vec![None; args.files.len()];
    for (i, file) in args.files.iter().enumerate() {
        let Ok(doc) = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|t| facts::parse(&t).map_err(|e| e.to_string()))
        else {
            continue;
        };
        prose.extend(facts::sentences(&doc));
        if let (Ok(product), Ok(version)) = (
            member(&doc, file, "info.product"),
            member(&doc, file, "info.version"),
        ) {
            let key = (product.to_ascii_lowercase(), version.to_string());
            keys[i] = Some(key.clone());
            if let Some(first) = first_of.get(&key) {
                duplicates.push((
                    i,
                    format!(
                        "{}: {product} {version} is also in {}; import one file per product version",
                        file.display(),
                        first.display()
                    ),
                ));
            } else {
                first_of.insert(key, file);
            }
        }
    }
    prose.sort();
    prose.dedup();
    let prose = facts::ProseMatcher::new(&prose);

    // Files are independent from here: each is imported on a worker and
    // reported in the order given.
    let mut results: Vec<Option<(Result<Outcome, String>, String)>> =
        (0..args.files.len()).map(|_| None).collect();
    for (i, why) in duplicates {
        results[i] = Some((Err(why), String::new()));
    }
    let todo: Vec<usize> = (0..args.files.len())
        .filter(|i| results[*i].is_none())
        .collect();
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, 8)
        .min(todo.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(results);
    // The manifest entry a file replaces: the same product version.
    let previous_of = |i: usize| -> Option<&Entry> {
        let (code, version) = keys[i].as_ref()?;
        entries
            .iter()
            .find(|e| &e.code == code && &e.version == version)
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&i) = todo.get(k) else { break };
                let file = &args.files[i];
                let catalog = args.catalog.clone().or_else(|| find_catalog(file));
                let mut log = String::new();
                let outcome = import_one(
                    &specs_dir,
                    previous_of(i),
                    file,
                    catalog.as_deref(),
                    args.fail_on_breaking,
                    &prose,
                    &mut log,
                );
                if let Ok(mut results) = results.lock() {
                    results[i] = Some((outcome, log));
                }
            });
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);

    // How messages name the specs directory: as the repository does, or
    // as the maintainer gave it.
    let shown = if args.specs_dir.is_some() {
        specs_dir.display().to_string()
    } else {
        "api-specs".to_string()
    };
    let mut failures = Vec::new();
    let mut changed = false;
    for (file, result) in args.files.iter().zip(results) {
        let (outcome, log) =
            result.unwrap_or_else(|| (Err("import bug: file not imported".into()), String::new()));
        print!("{log}");
        match outcome {
            Ok(Outcome::Written(entry)) => {
                println!(
                    "imported {} -> {shown}/{}",
                    upstream_label(file),
                    entry.path
                );
                entries.retain(|e| e.path != entry.path);
                entries.push(entry);
                changed = true;
            }
            Ok(Outcome::Unchanged(entry)) => {
                println!("unchanged: {shown}/{}", entry.path);
                if !entries.contains(&entry) {
                    entries.retain(|e| e.path != entry.path);
                    entries.push(entry);
                    changed = true;
                }
            }
            Ok(Outcome::Empty(why)) => println!("not imported: {}: {why}", upstream_label(file)),
            Err(e) => {
                eprintln!("error: {e}");
                failures.push(e);
            }
        }
    }
    if changed {
        manifest::write_atomically(
            &specs_dir.join("manifest.toml"),
            &manifest::render(&entries),
        )?;
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        let rest = if failures.len() < args.files.len() {
            "; the others were imported"
        } else {
            ""
        };
        eprintln!(
            "{} of {} files failed to import{rest}",
            failures.len(),
            args.files.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// The crate version after a spec change, by Cargo's semver rules: a
/// breaking change moves `0.x` to `0.(x+1)` (`x.y` to `(x+1).0` from
/// 1.0), additions move the patch before 1.0 and the minor after, and a
/// change users cannot see in the API (examples, limits in docs) the patch.
fn next_crate_version(current: &str, breaking: bool, api_changed: bool) -> Result<String, String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{current}` is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("`{current}` is not MAJOR.MINOR.PATCH"));
    };
    Ok(match (major, breaking, api_changed) {
        (0, true, _) => format!("0.{}.0", minor + 1),
        (_, true, _) => format!("{}.0.0", major + 1),
        (0, false, _) | (_, false, false) => format!("{major}.{minor}.{}", patch + 1),
        (_, false, true) => format!("{major}.{}.0", minor + 1),
    })
}

/// How the manifest names an upstream file: from `api-specs-corpus/` on
/// when it is in a corpus, else its last three components
/// (`<product>/<version>/api-docs.json`), so no path of this machine lands
/// in the repository.
fn upstream_label(file: &Path) -> String {
    let parts: Vec<String> = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(i) = parts.iter().rposition(|p| p == "api-specs-corpus") {
        return parts[i..].join("/");
    }
    let start = parts.len().saturating_sub(3);
    parts[start..].join("/")
}

/// `products.json` two levels above `<product>/<version>/api-docs.json`.
fn find_catalog(file: &Path) -> Option<PathBuf> {
    let candidate = file.parent()?.parent()?.parent()?.join("products.json");
    candidate.is_file().then_some(candidate)
}

/// The catalogue's default version of `product`.
fn default_version(catalog: &Path, product: &str) -> Result<Option<String>, String> {
    let text = std::fs::read_to_string(catalog)
        .map_err(|e| format!("{}: cannot read: {e}", catalog.display()))?;
    let list: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", catalog.display()))?;
    let Some(list) = list.as_array() else {
        return Err(format!(
            "{}: not a JSON list of products",
            catalog.display()
        ));
    };
    Ok(list
        .iter()
        .find(|p| {
            p.get("code")
                .and_then(|c| c.as_str())
                .is_some_and(|c| c.eq_ignore_ascii_case(product))
        })
        .and_then(|p| p.get("defaultVersion"))
        .and_then(|v| v.as_str())
        .map(str::to_string))
}

/// A string member of an object, or an error naming its JSON path.
fn member<'a>(doc: &'a Json, file: &Path, path: &str) -> Result<&'a str, String> {
    let mut node = doc;
    for key in path.split('.') {
        node = match node {
            Json::Object(map) => map.get(key),
            _ => None,
        }
        .ok_or_else(|| not_alibaba(file, path, "missing"))?;
    }
    match node {
        Json::String(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(not_alibaba(file, path, "not a non-empty string")),
    }
}

fn not_alibaba(file: &Path, path: &str, what: &str) -> String {
    format!(
        "{}: at {path}: {what}; not Alibaba's api-docs.json format (it needs info.product, info.version and apis)",
        file.display()
    )
}

fn import_one(
    specs_dir: &Path,
    previous: Option<&Entry>,
    file: &Path,
    catalog: Option<&Path>,
    fail_on_breaking: bool,
    prose: &facts::ProseMatcher,
    log: &mut String,
) -> Result<Outcome, String> {
    let raw = std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let upstream_sha256 = manifest::sha256_bytes(&raw);
    let text =
        String::from_utf8(raw).map_err(|e| format!("{}: not UTF-8 text: {e}", file.display()))?;
    let mut doc = facts::parse(&text).map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
    let Json::Object(top) = &doc else {
        return Err(not_alibaba(file, "(top level)", "not an object"));
    };
    let product = member(&doc, file, "info.product")?.to_string();
    let version = member(&doc, file, "info.version")?.to_string();
    match top.get("apis") {
        Some(Json::Object(_)) => {}
        Some(_) => return Err(not_alibaba(file, "apis", "not an object")),
        None => return Err(not_alibaba(file, "apis", "missing")),
    }
    // Model errors point into the file as given (line and column), not
    // into the facts text written from it.
    spec::parse(file, &text).map_err(|e| e.to_string())?;
    let style = match top.get("info") {
        Some(Json::Object(info)) => match info.get("style") {
            Some(Json::String(s)) => s.clone(),
            _ => "RPC".to_string(),
        },
        _ => "RPC".to_string(),
    };
    facts::facts_only_masking(&mut doc, prose);
    let facts_text = facts::to_text(&doc);

    let code = product.to_ascii_lowercase();
    if code.contains(['/', '\\']) || code.starts_with('.') || version.contains(['/', '\\']) {
        return Err(format!(
            "{}: at info.product/info.version: `{product}` `{version}` cannot name a directory",
            file.display()
        ));
    }
    let rel = format!("{code}/{version}/api-docs.json");
    let target = specs_dir.join(&rel);

    // OSS is generated by its own generator into its own crate: the facts
    // must go through that one.
    if style.eq_ignore_ascii_case("OSS") {
        let value: serde_json::Value =
            serde_json::from_str(&facts_text).map_err(|e| format!("{}: {e}", file.display()))?;
        let generation = alibabacloud_codegen::oss::generate(&value, &format!("api-specs/{rel}"))?;
        if generation.generated.is_empty() {
            return Ok(Outcome::Empty(format!(
                "{product} {version}: no OSS operation can be generated"
            )));
        }
        let default_version = match catalog {
            Some(c) => default_version(c, &product)?,
            None => None,
        };
        let entry = Entry {
            product: product.clone(),
            code,
            version: version.clone(),
            style,
            path: rel.clone(),
            source: "Alibaba Cloud OpenAPI metadata, facts only (cargo xtask import)".to_string(),
            upstream: Some(upstream_label(file)),
            upstream_sha256: Some(upstream_sha256),
            default_version,
            crate_version: previous.and_then(|e| e.crate_version.clone()),
            sha256: manifest::sha256_bytes(facts_text.as_bytes()),
        };
        if std::fs::read_to_string(&target).ok().as_deref() == Some(facts_text.as_str()) {
            return Ok(Outcome::Unchanged(entry));
        }
        manifest::write_atomically(&target, &facts_text)?;
        return Ok(Outcome::Written(entry));
    }

    // The facts must parse, lower, and take the overlay we wrote.
    let mut docs = spec::parse(file, &facts_text).map_err(|e| e.to_string())?;
    if docs.apis.is_empty() {
        return Ok(Outcome::Empty(format!(
            "{product} {version} has no operations (apis is empty)"
        )));
    }
    let overlay_file = target.with_file_name(overlay::FILE_NAME);
    if overlay_file.is_file() {
        let o = overlay::load(&overlay_file).map_err(|e| e.to_string())?;
        overlay::apply(&mut docs, &o, &overlay_file).map_err(|e| e.to_string())?;
    }
    let label = format!("api-specs/{rel}");
    let new = ir::lower(&docs, &label, file).map_err(|e| e.to_string())?;
    if new.operations.is_empty() {
        return Ok(Outcome::Empty(format!(
            "{product} {version}: none of its {} operations can be generated ({})",
            new.skipped.len(),
            new.skipped
                .iter()
                .map(|s| format!("{}: {}", s.operation, s.reason))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }

    let default_version = match catalog {
        Some(c) => default_version(c, &product)?,
        None => None,
    };
    let mut entry = Entry {
        product: product.clone(),
        code,
        version: version.clone(),
        style,
        path: rel.clone(),
        source: "Alibaba Cloud OpenAPI metadata, facts only (cargo xtask import)".to_string(),
        upstream: Some(upstream_label(file)),
        upstream_sha256: Some(upstream_sha256),
        default_version,
        crate_version: previous.and_then(|e| e.crate_version.clone()),
        sha256: manifest::sha256_bytes(facts_text.as_bytes()),
    };

    if let Ok(current) = std::fs::read_to_string(&target) {
        if current == facts_text {
            return Ok(Outcome::Unchanged(entry));
        }
        let old = load_product(&SpecInput {
            file: target.clone(),
            label: label.clone(),
            ..SpecInput::default()
        })
        .map_err(|e| e.to_string())?;
        let mut changes = diff(&old, &new);
        changes.sort_by_key(|c| c.impact);
        let breaking = changes.iter().filter(|c| c.is_breaking()).count();
        let _ = writeln!(
            log,
            "{product} {version}: {} operations -> {}; {} changes, {breaking} breaking",
            old.operations.len(),
            new.operations.len(),
            changes.len()
        );
        for c in &changes {
            let _ = writeln!(log, "  {c}");
        }
        if fail_on_breaking && breaking > 0 {
            return Err(format!(
                "{}: {breaking} breaking changes to api-specs/{rel}; not imported (--fail-on-breaking)",
                upstream_label(file)
            ));
        }
        let current = entry
            .crate_version
            .as_deref()
            .unwrap_or(alibabacloud_codegen::crates::FIRST_VERSION);
        let next = next_crate_version(current, breaking > 0, !changes.is_empty())
            .map_err(|e| format!("api-specs/manifest.toml: crate_version of {rel}: {e}"))?;
        let _ = writeln!(log, "  crate version {current} -> {next}");
        entry.crate_version = Some(next);
    }
    manifest::write_atomically(&target, &facts_text)?;
    Ok(Outcome::Written(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-import-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("upstream/demo/2020-01-01")).unwrap();
        root
    }

    fn upstream(root: &Path, text: &str) -> PathBuf {
        let file = root.join("upstream/demo/2020-01-01/api-docs.json");
        std::fs::write(&file, text).unwrap();
        file
    }

    const SPEC: &str = r#"{"version":"1.0","info":{"style":"RPC","product":"Demo","version":"2020-01-01","title":"Words of Alibaba"},
      "directories":[{"id":1,"title":"A tree of titles"}],
      "apis":{"GetThing":{"summary":"Gets the thing you asked for.","methods":["get"],
        "parameters":[{"name":"ThingId","in":"query","schema":{"type":"string","required":true,"description":"The ID of the thing to get.","example":"t-1"}}],
        "responses":{"200":{"schema":{"type":"object","properties":{"Description":{"type":"string","description":"What the thing is."}}}}},
        "errorCodes":{"404":[{"errorCode":"Thing.NotFound","errorMessage":"The thing does not exist."}]}}}}"#;

    fn run_import(root: &Path, file: &Path, fail_on_breaking: bool) -> ExitCode {
        run(
            root,
            Args {
                files: vec![file.to_path_buf()],
                fail_on_breaking,
                catalog: None,
                specs_dir: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn facts_land_with_their_manifest_and_twice_changes_nothing() {
        let root = scratch("facts");
        let file = upstream(&root, SPEC);
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        let written = root.join("api-specs/demo/2020-01-01/api-docs.json");
        let text = std::fs::read_to_string(&written).unwrap();
        for prose in [
            "Words of Alibaba",
            "A tree of titles",
            "Gets the thing",
            "The ID of",
            "What the thing",
            "does not exist",
        ] {
            assert!(!text.contains(prose), "{prose:?} kept:\n{text}");
        }
        for fact in [
            "\"ThingId\"",
            "\"t-1\"",
            "\"Description\"",
            "\"Thing.NotFound\"",
            "\"required\": true",
        ] {
            assert!(text.contains(fact), "{fact} lost:\n{text}");
        }
        let manifest = std::fs::read_to_string(root.join("api-specs/manifest.toml")).unwrap();
        assert!(
            manifest.contains("upstream = \"demo/2020-01-01/api-docs.json\""),
            "{manifest}"
        );
        assert!(manifest.contains(&format!(
            "upstream_sha256 = \"{}\"",
            manifest::sha256_bytes(SPEC.as_bytes())
        )));
        assert!(manifest.contains(&format!(
            "sha256 = \"{}\"",
            manifest::sha256_bytes(text.as_bytes())
        )));
        assert!(
            !manifest.contains(&root.display().to_string()),
            "no machine path"
        );

        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert_eq!(std::fs::read_to_string(&written).unwrap(), text);
        assert_eq!(
            std::fs::read_to_string(root.join("api-specs/manifest.toml")).unwrap(),
            manifest
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_breaking_update_is_shown_and_can_be_refused() {
        let root = scratch("breaking");
        let file = upstream(&root, SPEC);
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        let written = root.join("api-specs/demo/2020-01-01/api-docs.json");
        let before = std::fs::read_to_string(&written).unwrap();
        let manifest_before =
            std::fs::read_to_string(root.join("api-specs/manifest.toml")).unwrap();
        // The parameter is renamed: old code that sets `thing_id` breaks.
        upstream(&root, &SPEC.replace("ThingId", "ItemId"));
        assert_eq!(run_import(&root, &file, true), ExitCode::FAILURE);
        assert_eq!(
            std::fs::read_to_string(&written).unwrap(),
            before,
            "refused: untouched"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("api-specs/manifest.toml")).unwrap(),
            manifest_before
        );
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert!(std::fs::read_to_string(&written)
            .unwrap()
            .contains("ItemId"));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn bad_files_are_named_and_nothing_is_written() {
        let root = scratch("bad");
        for (text, want) in [
            ("[1, 2]", "at (top level): not an object"),
            (
                r#"{"info":{"version":"1"},"apis":{}}"#,
                "at info.product: missing",
            ),
            (
                r#"{"info":{"product":"Demo","version":"1"},"apis":[]}"#,
                "at apis: not an object",
            ),
            (
                r#"{"info":{"product":"Demo","version":"1"},"apis":{"Op":{"parameters":[{"name":"X","schema":{"maxItems":"many"}}]}}}"#,
                "apis.Op.parameters[0].schema.maxItems",
            ),
            ("{not json", "not JSON"),
        ] {
            let file = upstream(&root, text);
            assert_eq!(run_import(&root, &file, false), ExitCode::FAILURE, "{text}");
            let err = import_one(
                &root.join("api-specs"),
                None,
                &file,
                None,
                false,
                &facts::ProseMatcher::new(&[]),
                &mut String::new(),
            )
            .err()
            .unwrap();
            assert!(err.contains(want), "{text}: {err}");
            assert!(err.contains("api-docs.json"), "names the file: {err}");
        }
        assert!(!root.join("api-specs").exists(), "nothing written");
        // No operations: reported, not a failure, nothing written.
        let file = upstream(
            &root,
            r#"{"info":{"product":"Demo","version":"1"},"apis":{}}"#,
        );
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert!(!root.join("api-specs").exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn each_import_that_changes_a_spec_moves_its_crate_version() {
        let root = scratch("crate-version");
        let file = upstream(&root, SPEC);
        let manifest_text =
            || std::fs::read_to_string(root.join("api-specs/manifest.toml")).unwrap();
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert!(
            !manifest_text().contains("crate_version = "),
            "first version: none recorded"
        );
        // An optional parameter more: an addition.
        upstream(
            &root,
            &SPEC.replace(
                r#""parameters":[{"#,
                r#""parameters":[{"name":"Extra","in":"query","schema":{"type":"string"}},{"#,
            ),
        );
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert!(
            manifest_text().contains("crate_version = \"0.1.1\""),
            "{}",
            manifest_text()
        );
        // The required parameter renamed: breaking.
        upstream(&root, &SPEC.replace("ThingId", "ItemId"));
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert!(
            manifest_text().contains("crate_version = \"0.2.0\""),
            "{}",
            manifest_text()
        );
        // The same file again: unchanged, the version stays.
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        assert!(
            manifest_text().contains("crate_version = \"0.2.0\""),
            "{}",
            manifest_text()
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn crate_versions_follow_cargo_semver() {
        for (current, breaking, api, want) in [
            ("0.1.0", true, true, "0.2.0"),
            ("0.1.3", false, true, "0.1.4"),
            ("0.1.3", false, false, "0.1.4"),
            ("1.2.3", true, true, "2.0.0"),
            ("1.2.3", false, true, "1.3.0"),
            ("1.2.3", false, false, "1.2.4"),
        ] {
            assert_eq!(next_crate_version(current, breaking, api).unwrap(), want);
        }
        for bad in ["1.2", "1.2.x", ""] {
            let err = next_crate_version(bad, true, true).unwrap_err();
            assert!(err.contains("MAJOR.MINOR.PATCH"), "{err}");
        }
    }

    /// Two files of one product version in one run would write one spec
    /// twice, in whichever order the workers finish: the second is refused
    /// by name, the first imported.
    #[test]
    fn a_product_version_given_twice_is_refused_once() {
        let root = scratch("twice");
        let first = upstream(&root, SPEC);
        let copy = root.join("upstream/copy/demo/2020-01-01/api-docs.json");
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, SPEC.replace("t-1", "t-2")).unwrap();
        let code = run(
            &root,
            Args {
                files: vec![first, copy],
                fail_on_breaking: false,
                catalog: None,
                specs_dir: None,
            },
        )
        .unwrap();
        assert_eq!(code, ExitCode::FAILURE);
        let written =
            std::fs::read_to_string(root.join("api-specs/demo/2020-01-01/api-docs.json")).unwrap();
        assert!(
            written.contains("\"t-1\""),
            "the first file wins: {written}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Real files (airec 2020-11-26, R-kvstore 2015-01-01 of 2025-03-07)
    /// write some descriptions as a list of strings: the file imports, the
    /// prose is dropped either way, and a second import (which diffs the
    /// new file against the one in place) reads it too.
    #[test]
    fn list_descriptions_import_and_diff() {
        let root = scratch("list-prose");
        let text = r#"{"info":{"style":"RPC","product":"Demo","version":"2020-01-01"},
          "apis":{"DescribeThings":{"summary":["Lists","things."],"methods":["post"],
            "parameters":[{"name":"Mode","in":"query","schema":{"type":"integer","description":["Valid values:","- 0","- 1"],"enum":["0","1"]}}],
            "responses":{"200":{"schema":{"type":"object","title":["Response"],"properties":{"RequestId":{"type":"string"}}}}}}}}"#;
        let file = upstream(&root, text);
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        let written =
            std::fs::read_to_string(root.join("api-specs/demo/2020-01-01/api-docs.json")).unwrap();
        assert!(written.contains("\"Mode\""), "{written}");
        assert!(!written.contains("Valid values"), "{written}");
        upstream(&root, &text.replace("\"Mode\"", "\"Kind\""));
        assert_eq!(run_import(&root, &file, false), ExitCode::SUCCESS);
        let _ = std::fs::remove_dir_all(&root);
    }
}
