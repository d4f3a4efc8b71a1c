//! Paging streams against replayed responses: they end after an error
//! instead of sending the failing page again, and flatten items.

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::r_kvstore::describe_instances::KvStoreInstance;
use alibabacloud_sdk::r_kvstore::{Client, DescribeInstancesRequest, DescribeInstancesResponse};
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::test_util::{ReplayTransport, Rule};
use alibabacloud_sdk::Config;
use futures_util::{StreamExt, TryStreamExt};

fn client(replay: &ReplayTransport) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("id", "secret"))
            .retry_policy(RetryPolicy::disabled())
            .transport(replay.clone())
            .build()
            .unwrap(),
    )
}

fn page(number: i32, ids: &[&str]) -> DescribeInstancesResponse {
    DescribeInstancesResponse::default()
        .with_page_number(number)
        .with_total_count(4)
        .with_instances(
            ids.iter()
                .map(|id| KvStoreInstance::default().with_instance_id(*id)),
        )
}

#[tokio::test]
async fn a_failing_page_ends_the_stream() {
    let replay = ReplayTransport::new([Rule::operation::<DescribeInstancesRequest>()
        .then_output(|| page(1, &["r-1", "r-2"]))
        .then_error("AccessDenied", 403)
        // Would be sent if the stream retried the failing page.
        .then_output(|| page(2, &["r-3", "r-4"]))]);
    let mut pages = client(&replay)
        .describe_instances()
        .page_size(2)
        .into_paginator();
    assert!(pages.next_page().await.unwrap().is_ok());
    let err = pages.next_page().await.unwrap().unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(pages.next_page().await.is_none(), "ended after the error");
    assert!(pages.next().await.is_none());
    assert_eq!(replay.requests().len(), 2);
}

#[tokio::test]
async fn items_flatten_pages_and_requests_follow_the_page_numbers() {
    let replay = ReplayTransport::new([
        Rule::operation::<DescribeInstancesRequest>()
            .match_requests(|r| r.page_number().is_none())
            .then_output(|| page(1, &["r-1", "r-2"])),
        Rule::operation::<DescribeInstancesRequest>()
            .match_requests(|r| r.page_number() == Some(2) && r.page_size() == Some(2))
            .then_output(|| page(2, &["r-3", "r-4"])),
    ]);
    let ids: Vec<String> = client(&replay)
        .describe_instances()
        .page_size(2)
        .into_paginator()
        .items()
        .map_ok(|i| i.instance_id().unwrap_or_default().to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["r-1", "r-2", "r-3", "r-4"]);
    replay.assert_all_used();
}

#[test]
fn responses_round_trip_in_their_wire_shape() {
    let response = page(1, &["r-1"]);
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "PageNumber": 1,
            "TotalCount": 4,
            "Instances": {"KVStoreInstance": [{"InstanceId": "r-1"}]}
        })
    );
    let back: DescribeInstancesResponse = serde_json::from_value(json).unwrap();
    assert_eq!(back, response);
    assert_eq!(DescribeInstancesResponse::default().request_id(), None);
}

#[tokio::test]
async fn typed_rules_answer_only_their_own_action() {
    use alibabacloud_sdk::r_kvstore::DescribeRegionsRequest;
    // A rule for DescribeRegions never answers DescribeInstances, even
    // though a typed request is in scope while the call runs.
    let replay = ReplayTransport::new([Rule::operation::<DescribeRegionsRequest>()
        .then_output(alibabacloud_sdk::r_kvstore::DescribeRegionsResponse::default)]);
    let err = client(&replay)
        .describe_instances()
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no replay rule matches"), "{err}");
    assert!(err.to_string().contains("DescribeInstances"), "{err}");
    let raw = Rule::http(|r| {
        r.url.contains("Action=DescribeInstances")
            || r.header("x-acs-action") == Some("DescribeInstances")
    })
    .then_response(alibabacloud_sdk::transport::HttpResponse::new(
        200,
        br#"{"RequestId":"R","TotalCount":0}"#.to_vec(),
    ));
    let replay = ReplayTransport::new([raw]);
    let out = client(&replay).describe_instances().send().await.unwrap();
    assert_eq!(out.total_count(), Some(0));
}
