//! No sentence of Alibaba's metadata is in the repository: every prose
//! string of the corpus (descriptions, summaries, titles, error messages;
//! what `cargo xtask import` drops) is looked for in the imported specs,
//! the overlays and the generated code.
//!
//! Needs `../shared/api-specs-corpus` (or `ALIBABACLOUD_CORPUS`); without
//! it the test says what it skipped.

use aho_corasick::AhoCorasick;
use alibabacloud_codegen::facts;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ALIBABACLOUD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-specs-corpus")
        });
    dir.is_dir().then_some(dir)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "rs" || e == "toml")
        {
            out.push(path);
        }
    }
}

use facts::is_sentence;

/// A line of a JSON sample quoted in a description (`"ErrorInfo": "...",`):
/// example data, which the docs show from the example response itself,
/// not a sentence. Its string value is still checked on its own, as every
/// example string is masked by the importer when it quotes prose.
fn is_json_member(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('"') else {
        return false;
    };
    rest.split_once("\": ").is_some_and(|(key, value)| {
        !key.contains('"')
            && serde_json::from_str::<serde_json::Value>(value.trim_end_matches(',')).is_ok()
    })
}

#[test]
fn no_corpus_sentence_is_in_the_repository() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: no corpus at ../shared/api-specs-corpus (set ALIBABACLOUD_CORPUS)");
        return;
    };
    let mut specs = Vec::new();
    files_under(&corpus, &mut specs);
    let mut sentences: Vec<String> = Vec::new();
    for file in specs.iter().filter(|f| f.ends_with("api-docs.json")) {
        let doc = facts::parse(&std::fs::read_to_string(file).unwrap()).unwrap();
        for (_, text) in facts::prose_strings(&doc) {
            // Each line on its own: rustdoc rewraps nothing, but a
            // description may be split into paragraphs.
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| is_sentence(l) && !is_json_member(l))
            {
                sentences.push(line.to_string());
            }
        }
    }
    sentences.sort();
    sentences.dedup();
    assert!(sentences.len() > 10_000, "{} sentences", sentences.len());
    let matcher = AhoCorasick::new(&sentences).unwrap();

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut ours = Vec::new();
    for dir in ["api-specs", "sdk/src/generated", "products"] {
        files_under(&root.join(dir), &mut ours);
    }
    assert!(ours.len() > 100, "{} files", ours.len());
    let mut found = Vec::new();
    for file in &ours {
        let text = std::fs::read_to_string(file).unwrap();
        // JSON escapes quotes and non-ASCII; compare the decoded strings too.
        let decoded = if file.extension().is_some_and(|e| e == "json") {
            let doc = facts::parse(&text).unwrap();
            let mut strings = String::new();
            collect_strings(&doc, &mut strings);
            strings
        } else {
            String::new()
        };
        for hay in [&text, &decoded] {
            if let Some(m) = matcher.find(hay.as_str()) {
                found.push(format!(
                    "{}: {:?}",
                    file.strip_prefix(&root).unwrap_or(file).display(),
                    &sentences[m.pattern().as_usize()]
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} files hold Alibaba's sentences:\n{}",
        found.len(),
        found.join("\n")
    );
    eprintln!(
        "{} corpus sentences, none in {} files of ours",
        sentences.len(),
        ours.len()
    );
}

fn collect_strings(node: &facts::Json, out: &mut String) {
    match node {
        facts::Json::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        facts::Json::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        facts::Json::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
