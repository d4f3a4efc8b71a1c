//! Catalog products end to end against the mock, which serves their
//! imported specs: ECS `DescribeInstances` pages (RPC, signature V1), from
//! scripted answers and from the mock's generic state (seeded and created
//! instances, an unknown one as the typed not-found error), out-of-range
//! parameters are refused naming the limit, and a CS call (ROA, signature
//! V3) returns its typed response.
//!
//! Needs the `catalog` feature, which compiles the ECS and CS modules:
//! `cargo test -p alibabacloud-tests --features catalog --test catalog_e2e`.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::Error;
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
        .retry_policy(RetryPolicy::disabled())
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
async fn ecs_an_unknown_instance_is_the_typed_not_found_error() {
    let server = MockServer::start(MockConfig::new().products(["ecs"]).resource_with(
        "ecs",
        "InstanceId",
        "i-seeded",
        json!({"Status": "Stopped"}).as_object().unwrap().clone(),
    ))
    .await
    .unwrap();
    let client = ecs::Client::new(config(&server));
    match client
        .describe_instance_attribute()
        .instance_id("i-unknown")
        .send()
        .await
    {
        Err(Error::Service(ecs::DescribeInstanceAttributeError::InvalidInstanceIdNotFound(e))) => {
            assert_eq!(e.status(), 404);
            assert_eq!(e.code(), "InvalidInstanceId.NotFound");
        }
        other => panic!("expected InvalidInstanceIdNotFound, got {other:?}"),
    }
    let seeded = client
        .describe_instance_attribute()
        .instance_id("i-seeded")
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.instance_id(), Some("i-seeded"));
    assert_eq!(seeded.status(), Some("Stopped"), "the seeded attribute");

    // Created instances are found too, with what their creation said.
    let run = client
        .run_instances()
        .region_id("cn-hangzhou")
        .amount(2)
        .instance_name("web")
        .send()
        .await
        .unwrap();
    assert_eq!(run.instance_id_sets().len(), 2);
    for id in run.instance_id_sets() {
        let described = client
            .describe_instance_attribute()
            .instance_id(id)
            .send()
            .await
            .unwrap();
        assert_eq!(described.instance_id(), Some(id.as_str()));
        assert_eq!(described.instance_name(), Some("web"));
    }
}

#[tokio::test]
async fn ecs_a_paginator_over_seeded_instances_walks_pages_of_page_size() {
    let mut mock = MockConfig::new().products(["ecs"]);
    for n in 1..=7 {
        mock = mock.resource("Ecs", "InstanceId", format!("i-{n}"));
    }
    let server = MockServer::start(mock).await.unwrap();
    let client = ecs::Client::new(config(&server));
    for (size, expected) in [(3, vec![3, 3, 1]), (7, vec![7]), (10, vec![7])] {
        let pages: Vec<_> = client
            .describe_instances()
            .region_id("cn-hangzhou")
            .page_size(size)
            .into_paginator()
            .try_collect()
            .await
            .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.instances().len()).collect();
        assert_eq!(sizes, expected, "page size {size}");
        let ids: Vec<&str> = pages
            .iter()
            .flat_map(|p| p.instances().iter().filter_map(|i| i.instance_id()))
            .collect();
        assert_eq!(ids, ["i-1", "i-2", "i-3", "i-4", "i-5", "i-6", "i-7"]);
    }
}

#[tokio::test]
async fn ecs_out_of_range_parameters_are_refused_naming_the_limit() {
    let server = MockServer::start(MockConfig::new().products(["ecs"]))
        .await
        .unwrap();
    let client = ecs::Client::new(config(&server));
    // Past any client-side check: the mock applies the spec's maximum.
    let err = client
        .describe_instances()
        .region_id("cn-hangzhou")
        .customize()
        .query("PageSize", "1000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"), "{err}");
    let message = err.service_error().unwrap().message().to_owned();
    assert!(
        message.contains("PageSize") && message.contains("maximum 100"),
        "{message}"
    );
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
