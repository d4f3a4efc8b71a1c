//! Catalog products end to end against the mock, which serves their
//! imported specs: ECS `DescribeInstances` pages (RPC, signature V1) and a
//! CS call (ROA, signature V3) returns its typed response.
//!
//! Needs the `catalog` feature, which compiles the ECS and CS modules:
//! `cargo test -p alibabacloud-tests --features catalog --test catalog_e2e`.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::{cs, ecs, Config};
use futures_util::TryStreamExt;
use serde_json::json;

fn config(server: &MockServer) -> Config {
    Config::builder()
        .endpoint(server.url())
        .allow_http(true)
        .region("cn-hangzhou")
        .credentials(Credentials::new("testid", "testsecret"))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// One `DescribeInstances` page in ECS's wire shape, with its XML-style
/// `{"Instances": {"Instance": [...]}}` wrapper.
fn page(number: i32, ids: &[&str]) -> serde_json::Value {
    let instances: Vec<_> = ids
        .iter()
        .map(|id| json!({"InstanceId": id, "Status": "Running"}))
        .collect();
    json!({
        "RequestId": "placeholder",
        "PageNumber": number,
        "PageSize": 2,
        "TotalCount": 5,
        "Instances": {"Instance": instances}
    })
}

#[tokio::test]
async fn ecs_describe_instances_pages_through_the_mock() {
    let server = MockServer::start(MockConfig::new().products(["ecs"]).answers(
        "DescribeInstances",
        [
            page(1, &["i-1", "i-2"]),
            page(2, &["i-3", "i-4"]),
            page(3, &["i-5"]),
        ],
    ))
    .await
    .unwrap();
    let client = ecs::Client::new(config(&server));
    let ids: Vec<String> = client
        .describe_instances()
        .region_id("cn-hangzhou")
        .page_size(2)
        .into_paginator()
        .items()
        .map_ok(|i| i.instance_id().unwrap_or_default().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["i-1", "i-2", "i-3", "i-4", "i-5"]);
    // Three pages for five items, two per page; a fourth request would
    // have been answered with the spec's example instance.
    assert_eq!(server.fault_stats().requests_for("DescribeInstances"), 3);
}

#[tokio::test]
async fn ecs_refusals_come_back_as_typed_errors() {
    let server = MockServer::start(MockConfig::new().products(["ecs"]))
        .await
        .unwrap();
    let client = ecs::Client::new(config(&server));
    // The mock checks the query against ECS's spec: `PageSize` is an
    // integer.
    let err = client
        .describe_instances()
        .region_id("cn-hangzhou")
        .customize()
        .query("PageSize", "not-a-number")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"), "{err}");
    let service = err.service_error().unwrap();
    assert!(service.request_id().is_some(), "{err:?}");
}

#[tokio::test]
async fn cs_roa_calls_return_typed_responses() {
    let server = MockServer::start(MockConfig::new().products(["cs"]))
        .await
        .unwrap();
    let client = cs::Client::new(config(&server));
    // GET /quota, answered from the spec's example.
    let quota = client.describe_user_quota().send().await.unwrap();
    assert_eq!(quota.amk_cluster_quota(), Some(20));
    assert_eq!(quota.node_quota(), Some(100));
    let q = quota.quotas().get("key").expect("the example's quota");
    assert_eq!(q.operation_code(), Some("q_Kubernetes_Cluster"));

    // A path parameter that needs encoding, signed with V3 and checked by
    // the mock over the raw path.
    let detail = client
        .describe_cluster_detail()
        .cluster_id("c-1 é")
        .send()
        .await
        .unwrap();
    assert!(detail.cluster_id().is_some());
    assert!(detail.name().is_some());
}
