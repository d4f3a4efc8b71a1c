//! Waiters against the mock, on paused tokio time: an instance that is
//! `Creating` for N polls and then `Normal`; failure states, codes to wait
//! through, errors and the total deadline.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::r_kvstore::{Client, DescribeInstanceAttributeResponse};
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::waiter::{WaitError, Waiter};
use alibabacloud_sdk::Config;
use std::time::Duration;

const ID: &str = "r-wait000000000001";

fn state(after_polls: u64) -> String {
    format!(
        r#"{{"instances": [{{"InstanceId": "{ID}", "RegionId": "cn-hangzhou", "InstanceStatus": "Creating",
            "PendingStatus": {{"InstanceStatus": "Normal", "AfterPolls": {after_polls}}}}}]}}"#
    )
}

async fn setup(after_polls: u64) -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::new().state_json(state(after_polls)))
        .await
        .unwrap();
    let client = Client::new(
        Config::builder()
            .endpoint(server.url())
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .retry_policy(RetryPolicy::disabled())
            // Paused time jumps to the next timer whenever the runtime is
            // idle; no transport or call timer may come before the waiter's.
            .timeout(Duration::from_secs(86_400))
            .connect_timeout(Duration::from_secs(86_400))
            .read_timeout(Duration::from_secs(86_400))
            .build()
            .unwrap(),
    );
    (server, client)
}

fn status(r: &DescribeInstanceAttributeResponse) -> Option<String> {
    r.instances()
        .first()
        .and_then(|i| i.instance_status())
        .map(str::to_owned)
}

fn polls(server: &MockServer) -> u64 {
    server
        .fault_stats()
        .requests_for("DescribeInstanceAttribute")
}

#[tokio::test(start_paused = true)]
async fn waits_until_the_instance_is_normal() {
    let (server, client) = setup(3).await;
    let waiter = Waiter::builder()
        .success(|r| status(r).as_deref() == Some("Normal"))
        .delays(Duration::from_secs(2), Duration::from_secs(10))
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let ready = waiter
        .wait(|| client.describe_instance_attribute().instance_id(ID).send())
        .await
        .unwrap();
    assert_eq!(status(&ready).as_deref(), Some("Normal"));
    assert_eq!(polls(&server), 4, "3 polls saw Creating, the 4th Normal");
    // Three waits: 2 s, then 2..=4 s, then 2..=8 s, on the paused clock.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(6) && waited <= Duration::from_secs(15),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn times_out_with_the_last_response() {
    let (server, client) = setup(1000).await;
    let waiter = Waiter::builder()
        .success(|r| status(r).as_deref() == Some("Normal"))
        .delays(Duration::from_secs(5), Duration::from_secs(5))
        .timeout(Duration::from_secs(21))
        .build()
        .unwrap();
    let e = waiter
        .wait(|| client.describe_instance_attribute().instance_id(ID).send())
        .await
        .unwrap_err();
    match &e {
        WaitError::TimedOut { last, polls, .. } => {
            assert_eq!(status(last.as_ref().unwrap()).as_deref(), Some("Creating"));
            // Polls at 0, 5, 10, 15, 20 s; the deadline falls before the next.
            assert_eq!(*polls, 5);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(e.to_string().contains("timed out"), "{e}");
    assert_eq!(polls(&server), 5);
}

#[tokio::test(start_paused = true)]
async fn a_failure_state_stops_the_wait() {
    let (_server, client) = setup(1000).await;
    let waiter = Waiter::builder()
        .success(|r| status(r).as_deref() == Some("Normal"))
        .failure(|r| status(r).as_deref() == Some("Creating"))
        .build()
        .unwrap();
    let e = waiter
        .wait(|| client.describe_instance_attribute().instance_id(ID).send())
        .await
        .unwrap_err();
    assert!(matches!(&e, WaitError::Failed { polls: 1, .. }), "{e:?}");
    assert!(e.to_string().contains("failure state"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn errors_stop_the_wait_unless_listed() {
    let (server, client) = setup(0).await;
    let waiter = Waiter::builder()
        .success(|_: &DescribeInstanceAttributeResponse| true)
        .delays(Duration::from_secs(1), Duration::from_secs(1))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let e = waiter
        .wait(|| {
            client
                .describe_instance_attribute()
                .instance_id("r-nope")
                .send()
        })
        .await
        .unwrap_err();
    let WaitError::Error { error, polls } = &e else {
        panic!("expected an error, got {e:?}");
    };
    assert_eq!(*polls, 1);
    assert_eq!(error.code(), Some("InvalidInstanceId.NotFound"));
    assert_eq!(
        std::error::Error::source(&e).map(|s| s.to_string()),
        Some(error.to_string()),
        "the error is the source, said once"
    );

    // Listed: the code means "not yet", until the deadline.
    let before = polls_of(&server);
    let waiter = Waiter::builder()
        .success(|_: &DescribeInstanceAttributeResponse| true)
        .retry_codes(["InvalidInstanceId.*"])
        .delays(Duration::from_secs(1), Duration::from_secs(1))
        .timeout(Duration::from_millis(3500))
        .build()
        .unwrap();
    let e = waiter
        .wait(|| {
            client
                .describe_instance_attribute()
                .instance_id("r-nope")
                .send()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            WaitError::TimedOut {
                last: None,
                polls: 4,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(polls_of(&server) - before, 4);
}

fn polls_of(server: &MockServer) -> u64 {
    polls(server)
}

#[test]
fn max_delay_below_min_is_refused_at_build_time() {
    let e = Waiter::builder()
        .success(|_: &DescribeInstanceAttributeResponse| true)
        .delays(Duration::from_secs(10), Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("below the minimum"), "{e}");
}
