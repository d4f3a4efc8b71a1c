//! The generator's front half on mutated real metadata: parse an
//! `api-docs.json`, lower it to the IR. Either may refuse the input (with a
//! `SpecError` naming a JSON path); neither may panic or hang.

#![no_main]

use alibabacloud_codegen::{ir, spec};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("fuzz/api-docs.json");
    let Ok(docs) = spec::parse(file, text) else {
        return;
    };
    match ir::lower(&docs, "fuzz/api-docs.json", file) {
        Ok(product) => {
            // Every name the emitters would print must be non-empty.
            assert!(!product.module.is_empty(), "empty module name");
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(
                shown.contains("fuzz/api-docs.json"),
                "error without the file: {shown}"
            );
        }
    }
});
