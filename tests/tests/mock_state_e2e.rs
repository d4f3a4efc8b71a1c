//! The SDK against the mock's generic state (`alibabacloud_mock::generic`),
//! with R-kvstore operations the mock has no hand-written model for: ids it
//! has not seen arrive as the operation's typed not-found error, and a
//! paginator over seeded resources walks pages whose sizes follow
//! `PageSize`, then ends. ECS: `catalog_e2e.rs`.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::Error;
use alibabacloud_sdk::r_kvstore::{Client, DescribeInstanceSslError};
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::{Config, SignatureVersion};
use futures_util::TryStreamExt;

const REDIS: &str = "r-mock000000000001";

fn client(server: &MockServer, signature: SignatureVersion) -> Client {
    Client::new(
        Config::builder()
            .endpoint(server.url())
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .signature_version(signature)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn an_instance_the_mock_has_not_seen_is_the_typed_not_found_error() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let c = client(&server, signature);
        match c
            .describe_instance_ssl()
            .instance_id("r-unknown")
            .send()
            .await
        {
            Err(Error::Service(DescribeInstanceSslError::InvalidInstanceIdNotFound(e))) => {
                assert_eq!(e.status(), 404);
                assert!(e.request_id().is_some());
            }
            other => panic!("expected InvalidInstanceIdNotFound, got {other:?}"),
        }
        // An instance of the state file is one the mock has seen: the
        // example answer, about that instance.
        let ssl = c
            .describe_instance_ssl()
            .instance_id(REDIS)
            .send()
            .await
            .unwrap();
        assert_eq!(ssl.instance_id(), Some(REDIS));
    }
}

#[tokio::test]
async fn a_paginator_over_seeded_backups_walks_pages_of_page_size() {
    // DescribeBackups takes a page size of 30, 50, 100, ... (an enum).
    let mut config = MockConfig::new();
    for id in 1001..=1065 {
        config = config.resource("r-kvstore", "BackupId", id.to_string());
    }
    let server = MockServer::start(config).await.unwrap();
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let pages: Vec<_> = client(&server, signature)
            .describe_backups()
            .instance_id(REDIS)
            .start_time("2019-03-11T10:00Z")
            .end_time("2019-03-14T18:00Z")
            .page_size(30)
            .into_paginator()
            .try_collect()
            .await
            .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.backups().len()).collect();
        assert_eq!(sizes, [30, 30, 5]);
        let ids: Vec<Option<i64>> = pages
            .iter()
            .flat_map(|p| p.backups().iter().map(|b| b.backup_id()))
            .collect();
        assert_eq!(ids, (1001..=1065).map(Some).collect::<Vec<_>>());
        assert!(pages.iter().all(|p| p.total_count() == Some(65)));
        // Each item is the example's backup, about the seeded id.
        assert_eq!(pages[0].backups()[0].backup_status(), Some("Success"));
    }
    assert_eq!(server.fault_stats().requests_for("DescribeBackups"), 6);
}
