//! Endpoint resolution over the real metadata of `../shared/api-specs-corpus`:
//! every (product, region) of every table resolves to the table's host; and,
//! leaving each region out of its table in turn, how often the inferred
//! rule alone gives the host the table has (printed, not asserted: tables
//! have one-off hosts no rule can guess).

use alibabacloud_sdk::__private::endpoint::resolve;
use alibabacloud_sdk::__private::operation::{ApiStyle, ProductDescriptor};
use std::path::Path;

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn product(code: &str, endpoints: Vec<(&'static str, &'static str)>) -> ProductDescriptor {
    let mut endpoints = endpoints;
    endpoints.sort();
    ProductDescriptor {
        name: leak(code),
        code: leak(code),
        version: "corpus",
        style: ApiStyle::Rpc,
        endpoints: Box::leak(endpoints.into_boxed_slice()),
    }
}

#[test]
fn every_table_entry_resolves_to_its_host() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-specs-corpus");
    if !corpus.is_dir() {
        println!("skipped: ../shared/api-specs-corpus is not beside the repository");
        return;
    }
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .flat_map(|product| std::fs::read_dir(product.path()).unwrap().flatten())
        .map(|version| version.path().join("api-docs.json"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no api-docs.json under {}",
        corpus.display()
    );

    let (mut entries, mut predicted, mut products) = (0usize, 0usize, 0usize);
    for file in &files {
        let code = file
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let table: Vec<(&'static str, &'static str)> = spec["endpoints"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| {
                        Some((
                            leak(row["regionId"].as_str()?),
                            leak(row["endpoint"].as_str()?),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if table.is_empty() {
            continue;
        }
        products += 1;
        let whole = product(&code, table.clone());
        let mut misses = Vec::new();
        for (i, (region, host)) in table.iter().enumerate() {
            let resolved = resolve(&whole, Some(region), None)
                .unwrap_or_else(|e| panic!("{code} {region}: {e}"));
            assert_eq!(resolved.authority, host.trim(), "{code} {region}");
            entries += 1;

            let mut others = table.clone();
            others.remove(i);
            let rule = resolve(&product(&code, others), Some(region), None)
                .unwrap_or_else(|e| panic!("{code} {region} (rule): {e}"));
            if rule.authority == host.trim() {
                predicted += 1;
            } else {
                misses.push(format!("{region}: rule {} / table {host}", rule.authority));
            }
        }
        if !misses.is_empty() {
            println!(
                "{code}: {} of {} not predicted by the rule: {}",
                misses.len(),
                table.len(),
                misses
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    println!(
        "{entries} (product, region) entries of {products} tables resolve to the table's host; \
         leave-one-out, the inferred rule alone gives {predicted} of them ({:.1}%)",
        100.0 * predicted as f64 / entries as f64
    );
}

#[test]
fn dds_ram_and_alidns_follow_their_tables_outside_them() {
    let dds = product(
        "dds",
        vec![
            ("cn-beijing", "mongodb.aliyuncs.com"),
            ("cn-zhengzhou-jva", "mongodb.cn-zhengzhou-jva.aliyuncs.com"),
            ("ap-southeast-1", "mongodb.ap-southeast-1.aliyuncs.com"),
        ],
    );
    assert_eq!(
        resolve(&dds, Some("eu-west-1"), None).unwrap().authority,
        "mongodb.eu-west-1.aliyuncs.com"
    );
    let alidns = product("alidns", vec![("public", "alidns.aliyuncs.com")]);
    assert_eq!(
        resolve(&alidns, Some("cn-hangzhou"), None)
            .unwrap()
            .authority,
        "alidns.aliyuncs.com"
    );
    let ram = product(
        "ram",
        vec![
            ("cn-beijing", "ram.aliyuncs.com"),
            ("us-west-1", "ram.aliyuncs.com"),
        ],
    );
    assert_eq!(
        resolve(&ram, Some("eu-central-1"), None).unwrap().authority,
        "ram.aliyuncs.com"
    );
}
