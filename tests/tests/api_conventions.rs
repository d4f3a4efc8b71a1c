//! The conventions of the generated public API, checked over the whole
//! checked-in catalog (every product, not only those compiled here):
//! - model types have no public fields (accessors read them, `with_`
//!   setters or builders set them);
//! - public signatures name public paths, never the hidden runtime alias;
//! - acronyms stay one word in names (`ipv6`, not `i_pv6`);
//! - a module's public items come before its plumbing.

use std::path::{Path, PathBuf};

fn generated_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../products");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    assert!(files.len() > 3000, "{} generated files", files.len());
    files
}

/// Lines of public function signatures: from `pub fn`/`pub async fn` to the
/// line that opens the body.
fn public_signatures(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("pub fn ")
            || t.starts_with("pub async fn ")
            || t.starts_with("pub const fn ")
        {
            inside = true;
        }
        if inside {
            out.push(line);
            if line.trim_end().ends_with('{') || line.trim_end().ends_with(';') {
                inside = false;
            }
        }
    }
    out
}

#[test]
fn generated_public_api_follows_one_convention() {
    let mut problems = Vec::new();
    for file in generated_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.display().to_string();
        for line in text.lines() {
            let t = line.trim_start();
            // A struct field is `name: Type,` at one indentation level.
            if line.starts_with("    pub ")
                && !t.starts_with("pub fn ")
                && !t.starts_with("pub async fn ")
                && !t.starts_with("pub const fn ")
                && !t.starts_with("pub use ")
                && !t.starts_with("pub mod ")
                && !t.starts_with("pub struct ")
                && !t.starts_with("pub enum ")
                && !t.starts_with("pub(crate)")
                && t.contains(": ")
            {
                problems.push(format!("{name}: public field: {t}"));
            }
            // A ROA body that is a list is one body.
            if t.starts_with("pub fn bodies") {
                problems.push(format!("{name}: a list body named bodies: {t}"));
            }
            for word in ["i_pv6", "i_pv4", "i_daa_s", "qo_s", "d_dos"] {
                if t.contains(&format!("fn {word}"))
                    || t.contains(&format!("_{word}("))
                    || t.contains(&format!("fn with_{word}"))
                {
                    problems.push(format!("{name}: acronym split: {t}"));
                }
            }
        }
        for line in public_signatures(&text) {
            if line.contains(" rt::") || line.contains("(rt::") || line.contains("<rt::") {
                problems.push(format!(
                    "{name}: hidden path in a signature: {}",
                    line.trim()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems, first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}

#[test]
fn operation_modules_put_public_items_before_plumbing() {
    let mut checked = 0;
    for file in generated_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(descriptor) = text.find("\nconst DESCRIPTOR:") else {
            continue;
        };
        checked += 1;
        for public in ["\npub struct ", "\npub enum "] {
            if let Some(last) = text.rfind(public) {
                assert!(
                    last < descriptor,
                    "{}: a public item after the descriptor",
                    file.display()
                );
            }
        }
        // The docs open with a one-line summary made of the facts.
        let summary = text
            .lines()
            .find(|l| l.starts_with("//!"))
            .unwrap_or_default();
        assert!(
            summary.contains("requires") || summary.contains("no required parameters"),
            "{}: {summary}",
            file.display()
        );
    }
    assert!(checked > 3000, "{checked} operation modules");
}
