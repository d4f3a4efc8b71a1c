//! Quick start with no cloud account: reset an instance's ECS security
//! groups, read them back, and handle a typed error, all against the local
//! mock endpoint.
//!
//! ```text
//! # Against a mock started here, in-process:
//! cargo run -p alibabacloud-mock --example quickstart
//! # Against a mock running elsewhere (`cargo run -p alibabacloud-mock`):
//! cargo run -p alibabacloud-mock --example quickstart -- http://127.0.0.1:PORT
//! ```
//!
//! The code talking to the endpoint is the same as against Alibaba Cloud;
//! only the endpoint (and `allow_http`) differ.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::Error;
use alibabacloud_sdk::r_kvstore::{Client, ModifySecurityGroupConfigurationError};
use alibabacloud_sdk::Config;

/// An instance of the mock's shipped state (`mock/fixtures/state.json`).
const INSTANCE: &str = "r-mock000000000001";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the in-process server alive until the end of main.
    let (url, _server) = match std::env::args().nth(1) {
        Some(url) => (url, None),
        None => {
            let server = MockServer::start(MockConfig::new()).await?;
            (server.url(), Some(server))
        }
    };
    println!("endpoint: {url}");

    // The access key the mock accepts by default: Alibaba's documentation pair.
    let client = Client::new(
        Config::builder()
            .endpoint(&url)
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .build()?,
    );

    // 1. Replace the instance's security groups.
    let out = client
        .modify_security_group_configuration()
        .db_instance_id(INSTANCE)
        .security_group_id("sg-quickstart1,sg-quickstart2")
        .send()
        .await?;
    println!(
        "reset the security groups of {INSTANCE} (request {})",
        out.request_id().unwrap_or("none")
    );

    // 2. Read them back.
    let read = client
        .describe_security_group_configuration()
        .instance_id(INSTANCE)
        .send()
        .await?;
    for group in read.items() {
        println!(
            "  {} ({}, {})",
            group.security_group_id().unwrap_or("?"),
            group.net_type().unwrap_or("?"),
            group.region_id().unwrap_or("?")
        );
    }

    // 3. A typed error: the operation's error table is an enum.
    let missing = client
        .modify_security_group_configuration()
        .db_instance_id("r-doesnotexist")
        .security_group_id("sg-quickstart1")
        .send()
        .await;
    match missing {
        Err(Error::Service(ModifySecurityGroupConfigurationError::InvalidInstanceIdNotFound(
            e,
        ))) => {
            println!("typed error InvalidInstanceIdNotFound: {e}");
        }
        other => return Err(format!("expected InvalidInstanceId.NotFound, got {other:?}").into()),
    }
    Ok(())
}
