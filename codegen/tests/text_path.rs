//! Short methods and fixed-shape items are written as text (see
//! `emit::verbatim`) instead of going through `syn` and prettyplease. This
//! test renders real products both ways and requires the same bytes, so a
//! layout rule that drifts from prettyplease's fails here, by file and line.
//! Its own test binary: the switch is process-wide.

use alibabacloud_codegen::{generate, render, SpecInput};
use std::path::Path;

/// RPC and ROA products with every construct the text path covers:
/// wrapper lists, long names, error tables with code aliases, deprecated
/// operations, fixed queries and client tokens (which stay tokens).
const PRODUCTS: &[&str] = &["r-kvstore", "ecs", "cs", "sls", "fc", "alidns", "cms"];

fn inputs() -> Vec<SpecInput> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
    PRODUCTS
        .iter()
        .map(|product| {
            let dir = root.join(product);
            let version = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .find(|p| p.join("api-docs.json").is_file())
                .unwrap_or_else(|| panic!("{}: no version with api-docs.json", dir.display()));
            SpecInput::from_path(&version.join("api-docs.json"))
        })
        .collect()
}

#[test]
fn text_and_tokens_print_the_same_bytes() {
    let inputs = inputs();
    render::set_text_path(false);
    let tokens = generate(&inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        render::text_items(),
        0,
        "the switch turns the text path off"
    );
    render::set_text_path(true);
    let text = generate(&inputs).unwrap_or_else(|e| panic!("{e}"));
    let items = render::text_items();
    assert_eq!(tokens.files.len(), text.files.len());
    let mut compared_lines = 0;
    for (a, b) in tokens.files.iter().zip(&text.files) {
        assert_eq!(a.path, b.path);
        if a.contents != b.contents {
            let (n, (left, right)) = a
                .contents
                .lines()
                .zip(b.contents.lines())
                .enumerate()
                .find(|(_, (l, r))| l != r)
                .unwrap_or((0, ("<length differs>", "")));
            panic!(
                "{}: line {} differs\n  tokens: {left}\n  text:   {right}",
                a.path.display(),
                n + 1
            );
        }
        compared_lines += a.contents.lines().count();
    }
    // Guards against comparing nothing.
    let operations: usize = text.products.iter().map(|p| p.operations.len()).sum();
    assert!(operations > 800, "{operations} operations");
    assert!(items > 20 * operations as u64, "{items} items as text");
    eprintln!(
        "{} files, {compared_lines} lines, {operations} operations, {items} items as text: identical",
        text.files.len()
    );
}
