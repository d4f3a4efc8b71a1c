//! API diffs between real R-kvstore snapshots (`../shared/api-specs-corpus/
//! history/`): every operation and parameter that appeared or disappeared,
//! as computed straight from the JSON, is reported, and nothing else of
//! that kind.

use alibabacloud_codegen::diff::{diff, Change};
use alibabacloud_codegen::{load_product, SpecInput};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `ALIBABACLOUD_CORPUS`, else `../shared/api-specs-corpus`; `None` (and a
/// line saying so) when neither exists.
fn corpus() -> Option<PathBuf> {
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

fn load(file: &Path) -> alibabacloud_codegen::ir::Product {
    load_product(&SpecInput::from_path(file)).unwrap_or_else(|e| panic!("{e}"))
}

/// Operation names and, per operation, parameter names, read from the raw JSON.
fn raw_shape(file: &Path) -> BTreeSet<(String, Option<String>)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut out = BTreeSet::new();
    for (name, api) in json["apis"].as_object().unwrap() {
        out.insert((name.clone(), None));
        for p in api["parameters"].as_array().into_iter().flatten() {
            out.insert((name.clone(), Some(p["name"].as_str().unwrap().to_string())));
        }
    }
    out
}

fn reported(changes: &[Change], added: bool) -> BTreeSet<(String, Option<String>)> {
    changes
        .iter()
        .filter_map(|c| {
            let op = c.operation.clone();
            if added && c.what == "new operation" || !added && c.what == "operation removed" {
                return Some((op, None));
            }
            let param = if added {
                c.what
                    .strip_prefix("new required parameter ")
                    .or_else(|| c.what.strip_prefix("new optional parameter "))
            } else {
                c.what
                    .strip_prefix("parameter ")
                    .and_then(|rest| rest.strip_suffix(" removed"))
            };
            param.map(|p| (op, Some(p.to_string())))
        })
        .collect()
}

#[test]
fn history_diffs_match_the_raw_metadata() {
    let Some(corpus) = corpus() else { return };
    let history = corpus.join("history/r-kvstore/2015-01-01");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&history)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push(corpus.join("r-kvstore/2015-01-01/api-docs.json"));
    assert_eq!(files.len(), 6);
    for pair in files.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        let changes = diff(&load(old), &load(new));
        let (old_raw, new_raw) = (raw_shape(old), raw_shape(new));
        // Parameters of added/removed operations are not listed one by one.
        let ops = |set: &BTreeSet<(String, Option<String>)>| -> BTreeSet<String> {
            set.iter().map(|(o, _)| o.clone()).collect()
        };
        let (old_ops, new_ops) = (ops(&old_raw), ops(&new_raw));
        let expected_added: BTreeSet<_> = new_raw
            .difference(&old_raw)
            .filter(|(o, p)| p.is_none() || old_ops.contains(o))
            .cloned()
            .collect();
        let expected_removed: BTreeSet<_> = old_raw
            .difference(&new_raw)
            .filter(|(o, p)| p.is_none() || new_ops.contains(o))
            .cloned()
            .collect();
        let label = format!(
            "{} -> {}",
            old.file_name().unwrap().to_string_lossy(),
            new.file_name().unwrap().to_string_lossy()
        );
        assert_eq!(
            reported(&changes, true),
            expected_added,
            "{label}: additions"
        );
        assert_eq!(
            reported(&changes, false),
            expected_removed,
            "{label}: removals"
        );
        eprintln!(
            "{label}: {} changes ({} breaking)",
            changes.len(),
            changes.iter().filter(|c| c.is_breaking()).count()
        );
    }
}

fn product_from(name: &str, json: &str) -> alibabacloud_codegen::ir::Product {
    let dir = std::env::temp_dir().join(format!(
        "alibabacloud-diff-test-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("api-docs.json");
    std::fs::write(&file, json).unwrap();
    let product = load(&file);
    let _ = std::fs::remove_dir_all(&dir);
    product
}

#[test]
fn rust_name_changes_are_breaking_and_new_codes_change_behaviour() {
    let old = product_from(
        "old",
        r#"{"info":{"product":"P","version":"1"},"apis":{"Op":{
            "parameters":[{"name":"Tag","in":"query","schema":{"type":"string"}}],
            "errorCodes":{"400":[{"errorCode":"Quota.Exceeded"}]}}}}"#,
    );
    let new = product_from(
        "new",
        r#"{"info":{"product":"P","version":"1"},"apis":{"Op":{
            "parameters":[{"name":"Tag","in":"query","schema":{"type":"array","items":{"type":"string"}}}],
            "errorCodes":{"400":[{"errorCode":"QuotaExceeded"},{"errorCode":"Quota.Exceeded"},{"errorCode":"Busy"}]}}}}"#,
    );
    let changes: Vec<String> = diff(&old, &new).iter().map(Change::to_string).collect();
    assert!(
        changes.contains(&"BREAKING Op: parameter Tag setter tag -> tags".to_string()),
        "{changes:#?}"
    );
    assert!(
        changes.contains(
            &"behaviour Op: new error code Busy: variant Busy, no longer `Unhandled`".to_string()
        ),
        "{changes:#?}"
    );
    // `QuotaExceeded` joins the variant `Quota.Exceeded` already had: no rename.
    assert!(
        changes
            .iter()
            .all(|c| !c.contains("variant QuotaExceeded ->")),
        "{changes:#?}"
    );
    let first_behaviour = changes.iter().position(|c| c.starts_with("behaviour"));
    let last_breaking = changes.iter().rposition(|c| c.starts_with("BREAKING"));
    assert!(
        last_breaking < first_behaviour,
        "breaking first: {changes:#?}"
    );
}

#[test]
fn request_object_members_and_enum_values_are_diffed() {
    let old = product_from(
        "old-members",
        r#"{"info":{"product":"P","version":"1"},"apis":{"Op":{"parameters":[
            {"name":"Filter","in":"query","style":"flat","schema":{"type":"object","properties":{"Name":{"type":"string"},"Keep":{"type":"string"}}}},
            {"name":"Status","in":"query","schema":{"type":"string","enum":["Running","Stopped"]}}]}}}"#,
    );
    let new = product_from(
        "new-members",
        r#"{"info":{"product":"P","version":"1"},"apis":{"Op":{"parameters":[
            {"name":"Filter","in":"query","style":"flat","schema":{"type":"object","properties":{"Keep":{"type":"integer"}}}},
            {"name":"Status","in":"query","schema":{"type":"string","enum":["Running","Starting"]}}]}}}"#,
    );
    let changes: Vec<String> = diff(&old, &new).iter().map(Change::to_string).collect();
    for expected in [
        "BREAKING Op: request member Filter.Name removed",
        "BREAKING Op: request member Filter.Keep type string -> int64",
        "BREAKING Op: enum Status value \"Stopped\" (Stopped) removed",
        "behaviour Op: enum Status value \"Starting\": variant Starting, no longer `Unknown`",
    ] {
        assert!(
            changes.iter().any(|c| c == expected),
            "{expected:?} not in {changes:#?}"
        );
    }
}

#[test]
fn an_enum_moving_into_types_is_no_change_and_its_values_are_still_diffed() {
    let op = |name: &str, values: &str| {
        format!(
            r#""{name}":{{"parameters":[{{"name":"Status","in":"query","schema":{{"type":"string","enum":[{values}]}}}}]}}"#
        )
    };
    let spec = |apis: &[String]| {
        format!(
            r#"{{"info":{{"product":"P","version":"1"}},"apis":{{{}}}}}"#,
            apis.join(",")
        )
    };
    let old = product_from("old-enum", &spec(&[op("Op", r#""Running","Stopped""#)]));
    // A second operation with the same values: `Status` moves to `types`.
    let shared = product_from(
        "shared-enum",
        &spec(&[
            op("Op", r#""Running","Stopped""#),
            op("Other", r#""Stopped","Running""#),
        ]),
    );
    assert_eq!(shared.type_enums.len(), 1, "{:?}", shared.type_enums);
    assert!(shared
        .operations
        .iter()
        .all(|o| o.shared_enums == ["Status"]));
    let changes: Vec<String> = diff(&old, &shared).iter().map(Change::to_string).collect();
    assert_eq!(changes, ["added    Other: new operation"], "{changes:#?}");

    let grown = product_from(
        "grown-enum",
        &spec(&[
            op("Op", r#""Running","Stopped","Starting""#),
            op("Other", r#""Running","Stopped","Starting""#),
        ]),
    );
    let changes: Vec<String> = diff(&shared, &grown)
        .iter()
        .map(Change::to_string)
        .collect();
    for o in ["Op", "Other"] {
        let expected = format!(
            "behaviour {o}: enum Status value \"Starting\": variant Starting, no longer `Unknown`"
        );
        assert!(
            changes.contains(&expected),
            "{expected:?} not in {changes:#?}"
        );
    }
}
