//! The accessors see through wrapper objects on Alibaba's own example
//! responses, and every R-kvstore example is parsed by a test.
//!
//! Parsing each of the 146 examples into its typed response is
//! `products/r-kvstore-20150101/tests/response_examples/cases.rs`, which the generator
//! writes from the same spec (one test per operation, and a stricter check:
//! every key of the example must map to a field). Listing the 146 response
//! types here by hand again would be a second copy to keep in step;
//! instead, `every_demo_has_its_generated_test` fails when an operation of
//! the spec has no test there.

use alibabacloud_sdk::r_kvstore::*;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

fn demos() -> BTreeMap<String, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../api-specs/r-kvstore/2015-01-01/api-docs.json");
    let spec = alibabacloud_codegen::spec::load(&path).unwrap();
    let mut out = BTreeMap::new();
    for (name, api) in &spec.apis {
        let example = api
            .json_example(name)
            .unwrap()
            .unwrap_or_else(|| panic!("{name} has a JSON example"));
        out.insert(name.clone(), example.to_string());
    }
    out
}

fn parse<T: DeserializeOwned>(demos: &BTreeMap<String, String>, op: &str) -> T {
    let text = &demos[op];
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{op}: {e}\n{text}"))
}

#[test]
fn every_demo_has_its_generated_test() {
    let d = demos();
    assert_eq!(d.len(), 146);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../products/r-kvstore-20150101/tests/response_examples/cases.rs");
    let tests = std::fs::read_to_string(&path).unwrap();
    let missing: Vec<&String> = d
        .keys()
        .filter(|op| !tests.contains(&format!("\"R-kvstore 2015-01-01 {op}\",")))
        .collect();
    assert!(
        missing.is_empty(),
        "no test parses the example of {missing:?}"
    );
    assert_eq!(
        tests.matches("crate::check::<").count(),
        d.len(),
        "one check per operation"
    );
}

#[test]
fn accessors_see_through_wrapper_objects() {
    let d = demos();
    let r: ModifySecurityGroupConfigurationResponse = parse(&d, "ModifySecurityGroupConfiguration");
    assert!(!r.request_id().unwrap().is_empty());
    let r: DescribeSecurityGroupConfigurationResponse =
        parse(&d, "DescribeSecurityGroupConfiguration");
    assert!(!r.items().is_empty());
    assert!(r.items()[0].security_group_id().unwrap().starts_with("sg-"));
    let r: DescribeSecurityIpsResponse = parse(&d, "DescribeSecurityIps");
    assert!(!r.security_ip_groups().is_empty());
    let _: ModifySecurityIpsResponse = parse(&d, "ModifySecurityIps");
    let r: DescribeInstancesResponse = parse(&d, "DescribeInstances");
    assert!(!r.instances().is_empty());
    assert!(!r.instances()[0].instance_id().unwrap().is_empty());
    let r: DescribeInstanceAttributeResponse = parse(&d, "DescribeInstanceAttribute");
    assert!(!r.instances().is_empty());
    let r: DescribeRegionsResponse = parse(&d, "DescribeRegions");
    assert!(!r.region_ids().is_empty());
    assert!(!r.region_ids()[0].region_id().unwrap().is_empty());
    let _: TagResourcesResponse = parse(&d, "TagResources");
    let r: ListTagResourcesResponse = parse(&d, "ListTagResources");
    assert!(!r.tag_resources().is_empty());
}
