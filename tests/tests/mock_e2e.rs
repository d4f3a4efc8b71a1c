//! The SDK against the local mock endpoint (`alibabacloud-mock`), by
//! signature V1 and V3: whitelist changes read back, every error the mock
//! produces arriving as its typed variant, signature failures, and many
//! clients at once losing no update.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::__private::operation::OperationSpec;
use alibabacloud_sdk::__private::params::{Location, Params};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::OperationError;
use alibabacloud_sdk::error::{Error, ServiceError};
use alibabacloud_sdk::r_kvstore::{
    modify_security_group_configuration, Client, DescribeInstancesError,
    DescribeSecurityGroupConfigurationError, DescribeSecurityIpsError,
    ModifySecurityGroupConfigurationError, ModifySecurityIpsError,
};
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::{Config, SignatureVersion};
use std::time::{Duration, Instant, SystemTime};

const REDIS: &str = "r-mock000000000001";
const TAIR: &str = "r-mock000000000002";
const MEMCACHE: &str = "m-mock000000000003";
const BOTH: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

async fn mock() -> MockServer {
    MockServer::start(MockConfig::new())
        .await
        .expect("the mock endpoint starts")
}

fn config(server: &MockServer, signature: SignatureVersion, secret: &str) -> Config {
    Config::builder()
        .endpoint(server.url())
        .allow_http(true)
        .credentials(Credentials::new("testid", secret))
        .signature_version(signature)
        // Every answer the mock gives is final; a retry would only hide it.
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid configuration")
}

fn client(server: &MockServer, signature: SignatureVersion) -> Client {
    Client::new(config(server, signature, "testsecret"))
}

/// The service error of a failed call, or a panic saying what happened instead.
fn service<E: OperationError + std::fmt::Debug, T: std::fmt::Debug>(r: Result<T, Error<E>>) -> E {
    match r {
        Err(Error::Service(e)) => e,
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn security_groups_and_ip_whitelists_change_and_read_back() {
    let server = mock().await;
    for (n, signature) in BOTH.into_iter().enumerate() {
        let c = client(&server, signature);
        let groups = [format!("sg-e2e{n}a"), format!("sg-e2e{n}b")];
        let out = c
            .modify_security_group_configuration()
            .db_instance_id(REDIS)
            .security_group_id(groups.join(","))
            .send()
            .await
            .unwrap();
        assert!(!out.request_id().unwrap_or_default().is_empty());

        let read = c
            .describe_security_group_configuration()
            .instance_id(REDIS)
            .send()
            .await
            .unwrap();
        let got: Vec<&str> = read
            .items()
            .iter()
            .filter_map(|i| i.security_group_id())
            .collect();
        assert_eq!(got, groups, "{signature:?}");
        assert!(read
            .items()
            .iter()
            .all(|i| i.net_type() == Some("vpc") && i.region_id() == Some("cn-hangzhou")));

        let ip = format!("192.168.{n}.0/24");
        c.modify_security_ips()
            .instance_id(TAIR)
            .security_ips(ip.as_str())
            .security_ip_group_name("app")
            .modify_mode("Append")
            .send()
            .await
            .unwrap();
        let whitelists = c
            .describe_security_ips()
            .instance_id(TAIR)
            .send()
            .await
            .unwrap();
        let app = whitelists
            .security_ip_groups()
            .iter()
            .find(|g| g.security_ip_group_name() == Some("app"))
            .expect("the new whitelist");
        assert!(
            app.security_ip_list()
                .unwrap_or_default()
                .split(',')
                .any(|e| e == ip),
            "{signature:?}"
        );
        // The system's hidden whitelist is still there, untouched.
        assert!(whitelists
            .security_ip_groups()
            .iter()
            .any(|g| g.security_ip_group_attribute() == Some("hidden")));
    }
}

#[tokio::test]
async fn instances_are_listed_and_described() {
    let server = mock().await;
    for signature in BOTH {
        let c = client(&server, signature);
        let all = c.describe_instances().send().await.unwrap();
        assert_eq!(all.total_count(), Some(3));
        assert_eq!(all.page_size(), Some(30));
        let ids: Vec<&str> = all
            .instances()
            .iter()
            .filter_map(|i| i.instance_id())
            .collect();
        assert_eq!(ids, [REDIS, TAIR, MEMCACHE]);

        let memcache = c
            .describe_instances()
            .instance_type("Memcache")
            .send()
            .await
            .unwrap();
        assert_eq!(memcache.instances().len(), 1);
        assert_eq!(memcache.instances()[0].instance_type(), Some("Memcache"));

        let attr = c
            .describe_instance_attribute()
            .instance_id(TAIR)
            .send()
            .await
            .unwrap();
        assert_eq!(attr.instances()[0].instance_id(), Some(TAIR));
        assert_eq!(
            attr.instances()[0].instance_name(),
            Some("mock-tair-cluster")
        );

        // An operation without state answers its spec's example, which the
        // generated response type reads.
        let regions = c.describe_regions().send().await.unwrap();
        assert!(!regions.request_id().unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn every_error_the_mock_produces_arrives_as_its_typed_variant() {
    use ModifySecurityGroupConfigurationError as M;
    let server = mock().await;
    for signature in BOTH {
        let c = client(&server, signature);
        let modify = |id: &str, groups: &[&str]| {
            c.modify_security_group_configuration()
                .db_instance_id(id)
                .security_group_id(groups.join(","))
                .send()
        };

        let e = service(modify("r-doesnotexist", &["sg-1"]).await);
        let M::InvalidInstanceIdNotFound(meta) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(meta.status(), 404);
        assert_eq!(meta.message(), "Specified instance does not exist.");
        assert!(meta
            .recommend()
            .unwrap_or_default()
            .contains("InvalidInstanceId.NotFound"));

        let e = service(modify(MEMCACHE, &["sg-1"]).await);
        assert!(
            matches!(&e, M::EngineNotSupported(m) if m.status() == 400),
            "{e:?}"
        );

        let e = service(modify(REDIS, &["sg-1", "not-a-group"]).await);
        assert!(
            matches!(&e, M::InvalidParam(m) if m.status() == 400),
            "{e:?}"
        );

        let e = service(modify("", &["sg-1"]).await);
        assert!(
            matches!(&e, M::MissingInstanceId(m) if m.status() == 400),
            "{e:?}"
        );

        let e = service(
            c.describe_security_group_configuration()
                .instance_id("r-x")
                .send()
                .await,
        );
        assert!(
            matches!(
                e,
                DescribeSecurityGroupConfigurationError::InvalidInstanceIdNotFound(_)
            ),
            "{e:?}"
        );
        let e = service(c.describe_security_ips().instance_id("r-x").send().await);
        assert!(
            matches!(e, DescribeSecurityIpsError::InvalidInstanceIdNotFound(_)),
            "{e:?}"
        );
        let e = service(c.describe_instances().instance_ids("r-1,,r-2").send().await);
        assert!(
            matches!(e, DescribeInstancesError::InvalidInstanceIdsMalformed(_)),
            "{e:?}"
        );
        // DescribeInstanceAttribute's spec has no error table: Unhandled, code kept.
        let e = service(
            c.describe_instance_attribute()
                .instance_id("r-x")
                .send()
                .await,
        );
        assert_eq!(e.service_error().code(), "InvalidInstanceId.NotFound");

        let ips = |ip: &str, mode: &str, group: &str| {
            c.modify_security_ips()
                .instance_id(REDIS)
                .security_ips(ip)
                .modify_mode(mode)
                .security_ip_group_name(group)
                .send()
        };
        ips("10.1.1.1", "Append", "default").await.unwrap();
        let e = service(ips("10.1.1.1", "Append", "default").await);
        assert!(
            matches!(&e, ModifySecurityIpsError::SecurityIpListDuplicate(m) if m.status() == 409),
            "{e:?}"
        );
        let e = service(ips("10.9.9.9", "Delete", "default").await);
        assert!(
            matches!(&e, ModifySecurityIpsError::InvalidSecurityIpListNotFound(m) if m.status() == 404),
            "{e:?}"
        );
        ips("10.1.1.1", "Delete", "default").await.unwrap();
        let e = service(ips("10.1.1.1", "Cover", "Not-Valid").await);
        assert!(
            matches!(e, ModifySecurityIpsError::InvalidGroupNameFormat(_)),
            "{e:?}"
        );
        let e = service(ips("999.1.1.1", "Cover", "default").await);
        assert!(e.code() == "InvalidParameter", "{e:?}");
    }
}

/// What the SDK checks before sending (required parameters, at most ten
/// groups) is checked again by the server; raw calls reach those checks.
#[tokio::test]
async fn server_side_parameter_checks_reached_by_raw_calls() {
    let server = mock().await;
    for signature in BOTH {
        let raw = alibabacloud_sdk::__private::client::Client::new(config(
            &server,
            signature,
            "testsecret",
        ));
        let call = |query: Vec<(&str, String)>| {
            let mut params = Params::default();
            for (k, v) in query {
                params.plain(Location::Query, k, &Some(v));
            }
            let raw = raw.clone();
            async move {
                let r = raw
                    .execute_raw(
                        <modify_security_group_configuration::ModifySecurityGroupConfigurationRequest as OperationSpec>::DESCRIPTOR,
                        &params,
                    )
                    .await;
                match r {
                    Err(Error::Service(e)) => {
                        ModifySecurityGroupConfigurationError::from_service_error(e)
                    }
                    other => panic!("expected a service error, got {other:?}"),
                }
            }
        };

        let e = call(vec![("SecurityGroupId", "sg-1".into())]).await;
        let ModifySecurityGroupConfigurationError::MissingParameter(meta) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(
            meta.status(),
            404,
            "the status of the operation's error table"
        );
        assert!(
            meta.message().contains("DBInstanceId"),
            "{}",
            meta.message()
        );

        let e = call(vec![("DBInstanceId", REDIS.into())]).await;
        assert!(
            matches!(&e, ModifySecurityGroupConfigurationError::MissingParameter(m) if m.message().contains("SecurityGroupId")),
            "{e:?}"
        );

        let eleven = (1..=11)
            .map(|i| format!("sg-{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let e = call(vec![
            ("DBInstanceId", REDIS.into()),
            ("SecurityGroupId", eleven),
        ])
        .await;
        assert!(
            matches!(&e, ModifySecurityGroupConfigurationError::AssociatedEcsSecurityGroupIdQuotaExceed(m) if m.status() == 403),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_secret_gets_signature_does_not_match_with_the_string_to_sign() {
    let server = mock().await;
    for signature in BOTH {
        let c = Client::new(config(&server, signature, "not-the-secret"));
        let e = service(
            c.modify_security_group_configuration()
                .db_instance_id(REDIS)
                .security_group_id("sg-1")
                .send()
                .await,
        );
        let meta = e.service_error();
        assert_eq!((meta.code(), meta.status()), ("SignatureDoesNotMatch", 400));
        let (_, string_to_sign) = meta
            .message()
            .split_once("server string to sign is:")
            .expect("the message carries the server's string-to-sign");
        match signature {
            SignatureVersion::V1 => assert!(
                string_to_sign.starts_with(
                    "POST&%2F&AccessKeyId%3Dtestid%26Action%3DModifySecurityGroupConfiguration"
                ),
                "{string_to_sign}"
            ),
            _ => assert!(
                string_to_sign.starts_with("ACS3-HMAC-SHA256\n"),
                "{string_to_sign}"
            ),
        }
    }
    // The groups did not change.
    let groups = server.state().find(REDIS).unwrap().security_groups.clone();
    assert_eq!(groups, ["sg-mock0000000000001"]);
}

#[tokio::test]
async fn unknown_keys_stale_timestamps_and_replayed_nonces_are_refused() {
    let server = mock().await;
    for signature in BOTH {
        let unknown = Client::new(
            Config::builder()
                .endpoint(server.url())
                .allow_http(true)
                .credentials(Credentials::new("nobody", "x"))
                .signature_version(signature)
                .build()
                .unwrap(),
        );
        let e = service(
            unknown
                .describe_security_ips()
                .instance_id(REDIS)
                .send()
                .await,
        );
        let meta = e.service_error();
        assert_eq!(
            (meta.code(), meta.status()),
            ("InvalidAccessKeyId.NotFound", 404)
        );

        let stale = Client::new(
            Config::builder()
                .endpoint(server.url())
                .allow_http(true)
                .credentials(Credentials::new("testid", "testsecret"))
                .signature_version(signature)
                .clock(|| SystemTime::now() - Duration::from_secs(20 * 60))
                .build()
                .unwrap(),
        );
        // The mock refuses the stale timestamp (InvalidTimeStamp.Expired)
        // and sends its Date; the client corrects its clock and signs again.
        let before = server.fault_stats().requests_for("DescribeSecurityIps");
        stale
            .describe_security_ips()
            .instance_id(REDIS)
            .send()
            .await
            .unwrap();
        assert_eq!(
            server.fault_stats().requests_for("DescribeSecurityIps") - before,
            2,
            "one refused attempt, one corrected"
        );
        assert!(stale.config().clock_offset() >= Duration::from_secs(20 * 60 - 10));

        let nonce = format!("fixed-nonce-{signature:?}");
        let replaying = Client::new(
            Config::builder()
                .endpoint(server.url())
                .allow_http(true)
                .credentials(Credentials::new("testid", "testsecret"))
                .signature_version(signature)
                .nonce_source(move || nonce.clone())
                .build()
                .unwrap(),
        );
        replaying
            .describe_security_ips()
            .instance_id(REDIS)
            .send()
            .await
            .unwrap();
        let e = service(
            replaying
                .describe_security_ips()
                .instance_id(REDIS)
                .send()
                .await,
        );
        assert_eq!(e.service_error().code(), "SignatureNonceUsed");
    }
}

/// 16 clients, half V1 and half V3, each appending 200 unique addresses to
/// one of four whitelists of the same instance, all at once. Every request
/// succeeds and every address is there at the end: no update is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_lose_no_update() {
    const CLIENTS: usize = 16;
    const REQUESTS: usize = 200;
    const GROUPS: usize = 4;
    let server = mock().await;

    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..CLIENTS {
        let c = client(&server, BOTH[i % 2]);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(REQUESTS);
            let mut failures = Vec::new();
            for j in 0..REQUESTS {
                let t = Instant::now();
                let r = c
                    .modify_security_ips()
                    .instance_id(TAIR)
                    .security_ip_group_name(format!("group{}", i % GROUPS))
                    .security_ips(format!("10.{i}.{}.{}", j / 100, j % 100))
                    .modify_mode("Append")
                    .send()
                    .await;
                latencies.push(t.elapsed());
                if let Err(e) = r {
                    failures.push(e.to_string());
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for t in tasks {
        let (l, f) = t.await.expect("client task");
        latencies.extend(l);
        failures.extend(f);
    }
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );

    latencies.sort_unstable();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    let total = CLIENTS * REQUESTS;
    eprintln!(
        "mock_e2e concurrency: {total} requests ({CLIENTS} clients x {REQUESTS}) in {:.2} s = {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        pct(50).as_secs_f64() * 1e3,
        pct(99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
    );

    let read = client(&server, SignatureVersion::V3)
        .describe_security_ips()
        .instance_id(TAIR)
        .send()
        .await
        .unwrap();
    for g in 0..GROUPS {
        let name = format!("group{g}");
        let list = read
            .security_ip_groups()
            .iter()
            .find(|x| x.security_ip_group_name() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("whitelist {name} exists"))
            .security_ip_list();
        let entries: std::collections::HashSet<&str> =
            list.unwrap_or_default().split(',').collect();
        for i in (g..CLIENTS).step_by(GROUPS) {
            for j in 0..REQUESTS {
                let ip = format!("10.{i}.{}.{}", j / 100, j % 100);
                assert!(entries.contains(ip.as_str()), "{ip} lost from {name}");
            }
        }
        assert_eq!(entries.len(), CLIENTS / GROUPS * REQUESTS);
    }
    // The same answer straight from the state.
    let state = server.state();
    let inst = state.find(TAIR).unwrap();
    let stored: usize = inst
        .ip_groups
        .iter()
        .filter(|g| g.name.starts_with("group"))
        .map(|g| g.ips.len())
        .sum();
    assert_eq!(stored, total);
}

/// The server error type is a plain `ServiceError` for raw calls; make sure
/// the typed conversion used above is the SDK's own.
#[test]
fn raw_errors_convert_with_the_generated_mapping() {
    let e = ServiceError::new("EngineNotSupported", "m", 400);
    assert!(matches!(
        ModifySecurityGroupConfigurationError::from_service_error(e),
        ModifySecurityGroupConfigurationError::EngineNotSupported(_)
    ));
}
