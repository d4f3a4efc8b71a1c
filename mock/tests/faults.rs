//! Fault injection, seen from the wire and from the SDK: each fault arrives
//! as it would from a real endpoint, and the SDK's retry policy and typed
//! errors react to it as documented.

use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::{DispatchKind, Error};
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::Config;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const INSTANCE: &str = "r-mock000000000001";

async fn start(plan: FaultPlan) -> MockServer {
    MockServer::start(MockConfig::new().faults(plan))
        .await
        .unwrap()
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::new(
        Config::builder()
            .endpoint(server.url())
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .retry_policy(retry.base_delay(Duration::from_millis(5)))
            .read_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    )
}

fn whitelist(server: &MockServer) -> Vec<String> {
    let state = server.state();
    let instance = state.find(INSTANCE).unwrap();
    instance
        .ip_groups
        .iter()
        .find(|g| g.name == "default")
        .map(|g| g.ips.clone())
        .unwrap_or_default()
}

/// One raw V1 GET naming `action` in the query (no signature: the fault
/// answers before the signature would be checked), read to the end.
async fn raw_get(server: &MockServer, action: &str) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(server.addr()).await?;
    let head = format!(
        "GET /?Action={action}&Version=2015-01-01 HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.endpoint()
    );
    s.write_all(head.as_bytes()).await?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .expect("the mock answers or closes")?;
    Ok(out)
}

#[tokio::test]
async fn throttling_twice_then_success_takes_three_attempts() {
    let server = start(
        FaultPlan::new().rule(
            FaultRule::new(Fault::throttling())
                .action("DescribeSecurityIps")
                .times(2),
        ),
    )
    .await;
    let out = client(&server, RetryPolicy::default())
        .describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("the third attempt succeeds");
    assert!(!out.security_ip_groups().is_empty());
    let stats = server.fault_stats();
    assert_eq!(stats.requests_for("DescribeSecurityIps"), 3);
    assert_eq!(stats.injected["error:Throttling.User"], 2);
}

#[tokio::test]
async fn throttling_past_the_attempts_is_a_typed_error_with_alibabas_body() {
    let server = start(FaultPlan::new().rule(FaultRule::new(Fault::throttling()))).await;
    let err = client(&server, RetryPolicy::default().max_attempts(2))
        .describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Service(typed) => {
            let e = typed.service_error();
            assert_eq!(e.code(), "Throttling.User");
            assert_eq!(e.status(), 400);
            assert!(e.is_throttling());
            assert!(e.request_id().is_some_and(|id| !id.is_empty()));
            assert_eq!(e.message(), "Request was denied due to user flow control.");
        }
        other => panic!("expected a throttling error, got {other:?}"),
    }
    assert_eq!(server.fault_stats().requests_for("DescribeSecurityIps"), 2);
}

#[tokio::test]
async fn a_code_n_times_then_success_on_the_wire() {
    let server = start(
        FaultPlan::new()
            .rule(FaultRule::parse("DescribeRegions=error:OperationConflict:409:busy*2").unwrap()),
    )
    .await;
    for _ in 0..2 {
        let r = String::from_utf8(raw_get(&server, "DescribeRegions").await.unwrap()).unwrap();
        assert!(r.starts_with("HTTP/1.1 409"), "{r}");
        let body: serde_json::Value =
            serde_json::from_str(r.split_once("\r\n\r\n").unwrap().1).unwrap();
        assert_eq!(body["Code"], "OperationConflict");
        assert_eq!(body["Message"], "busy");
        for key in ["RequestId", "HostId", "Recommend"] {
            assert!(body.get(key).is_some(), "{key} in {body}");
        }
    }
    // The third goes through to the normal pipeline (unsigned: refused).
    let r = String::from_utf8(raw_get(&server, "DescribeRegions").await.unwrap()).unwrap();
    assert!(r.contains("MissingParameter"), "{r}");
}

#[tokio::test]
async fn service_unavailable_is_retried_for_reads_not_for_writes() {
    let server =
        start(FaultPlan::new().rule(FaultRule::new(Fault::service_unavailable()).times(1))).await;
    let c = client(&server, RetryPolicy::default());
    // DescribeInstanceAttribute is marked `read` in the spec (DescribeSecurityIps is not).
    c.describe_instance_attribute()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("a read is retried after 503");
    assert_eq!(
        server
            .fault_stats()
            .requests_for("DescribeInstanceAttribute"),
        2
    );

    server.set_faults(&FaultPlan::new().rule(FaultRule::new(Fault::server_error(502)).times(1)));
    let err = c
        .modify_security_ips()
        .instance_id(INSTANCE)
        .security_ips("10.9.9.9")
        .modify_mode("Append")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Service(typed) => {
            let e = typed.service_error();
            assert_eq!((e.code(), e.status()), ("InternalError", 502))
        }
        other => panic!("expected InternalError, got {other:?}"),
    }
    assert_eq!(server.fault_stats().requests_for("ModifySecurityIps"), 1);
    assert!(!whitelist(&server).contains(&"10.9.9.9".to_owned()));
}

#[tokio::test]
async fn reset_before_read_is_a_dispatch_error_and_reads_retry_through_it() {
    let server = start(
        FaultPlan::new().rule(
            FaultRule::new(Fault::ResetBeforeRead)
                .action("DescribeInstanceAttribute")
                .times(2),
        ),
    )
    .await;
    // On the wire: no status line at all.
    let raw = raw_get(&server, "DescribeInstanceAttribute").await;
    assert!(
        raw.as_ref().map_or(true, |b| b.is_empty()),
        "nothing is answered: {raw:?}"
    );
    let c = client(&server, RetryPolicy::default());
    c.describe_instance_attribute()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("the second attempt succeeds");
    assert_eq!(
        server
            .fault_stats()
            .requests_for("DescribeInstanceAttribute"),
        3
    );

    server.set_faults(&FaultPlan::new().rule(FaultRule::new(Fault::ResetBeforeRead).times(1)));
    let err = c
        .modify_security_ips()
        .instance_id(INSTANCE)
        .security_ips("10.8.8.8")
        .modify_mode("Append")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Dispatch(d) => assert_eq!(d.attempts(), 1, "{d}"),
        other => panic!("expected a dispatch error, got {other:?}"),
    }
    assert!(!whitelist(&server).contains(&"10.8.8.8".to_owned()));
}

#[tokio::test]
async fn reset_after_read_applies_the_change_and_loses_the_answer() {
    let server = start(
        FaultPlan::new().rule(
            FaultRule::new(Fault::ResetAfterRead)
                .action("ModifySecurityIps")
                .times(1),
        ),
    )
    .await;
    let c = client(&server, RetryPolicy::default());
    let err = c
        .modify_security_ips()
        .instance_id(INSTANCE)
        .security_ips("10.7.7.7")
        .modify_mode("Append")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Dispatch(_)), "{err:?}");
    // Not retried (a write), yet it took effect: exactly once.
    let ips = whitelist(&server);
    assert_eq!(
        ips.iter().filter(|ip| *ip == "10.7.7.7").count(),
        1,
        "{ips:?}"
    );
    assert_eq!(server.fault_stats().requests_for("ModifySecurityIps"), 1);
}

#[tokio::test]
async fn a_truncated_body_is_cut_under_the_full_content_length() {
    let server = start(
        FaultPlan::new().rule(
            FaultRule::new(Fault::TruncatedBody { keep: 10 })
                .action("DescribeRegions")
                .times(2),
        ),
    )
    .await;
    let raw = raw_get(&server, "DescribeRegions")
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("content-length");
    assert_eq!(body.len(), 10, "{text}");
    assert!(length > 10, "{head}");

    // The SDK: a read retries past it.
    let server = start(
        FaultPlan::new().rule(
            FaultRule::new(Fault::TruncatedBody { keep: 5 })
                .action("DescribeInstanceAttribute")
                .times(1),
        ),
    )
    .await;
    let c = client(&server, RetryPolicy::default());
    c.describe_instance_attribute()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("retried after the cut body");
    // Without retries: a typed dispatch error, never a half-read response.
    server.set_faults(&FaultPlan::new().rule(FaultRule::new(Fault::TruncatedBody { keep: 5 })));
    let err = client(&server, RetryPolicy::disabled())
        .describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Dispatch(d) => assert_ne!(d.kind(), DispatchKind::Connect, "{d}"),
        other => panic!("expected a dispatch error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_delay_past_the_operation_timeout_is_a_timeout() {
    let server =
        start(FaultPlan::new().rule(
            FaultRule::new(Fault::Delay(Duration::from_secs(3))).action("DescribeSecurityIps"),
        ))
        .await;
    let c = Client::new(
        Config::builder()
            .endpoint(server.url())
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .retry_policy(RetryPolicy::disabled())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let err = c
        .describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Dispatch(d) => assert_eq!(d.kind(), DispatchKind::Timeout, "{d}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Bounded by the timeout, not by the delay (a generous margin; no timing
    // figure is asserted beyond "did not wait for the fault").
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn the_same_seed_injects_the_same_faults() {
    let run = |seed| async move {
        let server = start(
            FaultPlan::new()
                .seed(seed)
                .rule(FaultRule::new(Fault::service_unavailable()).probability(0.5)),
        )
        .await;
        let mut seen = Vec::new();
        for _ in 0..24 {
            let r = raw_get(&server, "DescribeRegions").await.unwrap();
            seen.push(String::from_utf8_lossy(&r).contains("ServiceUnavailable"));
        }
        seen
    };
    let a = run(11).await;
    assert_eq!(a, run(11).await);
    assert_ne!(a, run(12).await);
}

#[tokio::test]
async fn replayed_nonces_are_refused_unless_allowed() {
    for allow in [false, true] {
        let server = MockServer::start(MockConfig::new().allow_replay(allow))
            .await
            .unwrap();
        let c = Client::new(
            Config::builder()
                .endpoint(server.url())
                .allow_http(true)
                .credentials(Credentials::new("testid", "testsecret"))
                .nonce_source(|| "one-nonce-for-every-request".into())
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap(),
        );
        let call = || c.describe_security_ips().instance_id(INSTANCE).send();
        call().await.unwrap();
        match (allow, call().await) {
            (true, Ok(_)) => {}
            (false, Err(e)) => assert_eq!(e.code(), Some("SignatureNonceUsed"), "{e:?}"),
            (_, other) => panic!("allow_replay({allow}): {other:?}"),
        }
    }
}
