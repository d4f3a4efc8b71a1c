//! The runtime against a real HTTP server on 127.0.0.1 that answers the way
//! Alibaba Cloud (or a proxy in front of it) does: success, JSON and XML
//! errors, throttling, HTML error pages, broken bodies, dead ports, silence.

mod support;

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::{DispatchKind, Error, ResponseError};
use alibabacloud_sdk::r_kvstore::{
    Client, DescribeSecurityGroupConfigurationError, ModifySecurityGroupConfigurationError,
};
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::{Config, SignatureVersion};
use futures_util::TryStreamExt;
use std::time::Duration;
use support::{query_pairs, Reply, ScriptedServer};

const SECRET: &str = "s3cr3t-never-printed";
const TOKEN: &str = "sts-token-never-printed";

fn client(url: &str, signature: SignatureVersion) -> Client {
    Client::new(
        Config::builder()
            .endpoint(url)
            .allow_http(true)
            .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
            .signature_version(signature)
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
            .build()
            .unwrap(),
    )
}

async fn modify(c: &Client) -> Result<(), Error<ModifySecurityGroupConfigurationError>> {
    c.modify_security_group_configuration()
        .db_instance_id("r-1")
        .security_group_id("sg-1")
        .send()
        .await
        .map(|_| ())
}

async fn describe(c: &Client) -> Result<usize, Error<DescribeSecurityGroupConfigurationError>> {
    c.describe_security_group_configuration()
        .instance_id("r-1")
        .send()
        .await
        .map(|r| r.items().len())
}

#[tokio::test]
async fn success_by_v1_and_v3() {
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let server = ScriptedServer::start(vec![Reply::json(
            200,
            r#"{"RequestId":"R","Items":{"EcsSecurityGroupRelation":[{"SecurityGroupId":"sg-1","NetType":"vpc"}]}}"#,
        )])
        .await;
        let c = client(&server.url, signature);
        assert_eq!(describe(&c).await.unwrap(), 1);
        let req = &server.requests()[0];
        assert!(
            req.request_line().starts_with("POST /?"),
            "{}",
            req.request_line()
        );
        assert_eq!(
            req.header("x-acs-action").as_deref(),
            Some("DescribeSecurityGroupConfiguration")
        );
        assert!(req
            .header("user-agent")
            .unwrap()
            .starts_with("alibabacloud-sdk-rust/"));
        let target = req.request_line().split(' ').nth(1).unwrap();
        let query = query_pairs(target);
        match signature {
            SignatureVersion::V1 => {
                assert!(query.iter().any(|(k, _)| k == "Signature"));
                assert!(query.contains(&("SecurityToken".into(), TOKEN.into())));
            }
            _ => {
                assert!(req
                    .header("authorization")
                    .unwrap()
                    .starts_with("ACS3-HMAC-SHA256 "));
                assert_eq!(req.header("x-acs-security-token").as_deref(), Some(TOKEN));
                assert_eq!(query, vec![("InstanceId".to_string(), "r-1".to_string())]);
            }
        }
    }
}

#[tokio::test]
async fn json_error_becomes_typed_variant_with_metadata() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        r#"{"RequestId":"REQ-404","HostId":"r-kvstore.aliyuncs.com","Code":"InvalidInstanceId.NotFound","Message":"Specified instance does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound"}"#,
    )])
    .await;
    let err = modify(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    let Error::Service(ModifySecurityGroupConfigurationError::InvalidInstanceIdNotFound(meta)) =
        &err
    else {
        panic!("wrong variant: {err:?}")
    };
    assert_eq!(meta.status(), 404);
    assert_eq!(meta.request_id(), Some("REQ-404"));
    assert_eq!(meta.host_id(), Some("r-kvstore.aliyuncs.com"));
    let text = err.to_string();
    for part in [
        "InvalidInstanceId.NotFound",
        "Specified instance does not exist.",
        "REQ-404",
        "https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound",
    ] {
        assert!(text.contains(part), "{text} lacks {part}");
    }
    assert_eq!(server.requests().len(), 1, "a 4xx is final");
    assert_eq!(err.attempts(), 1);
    assert!(
        !text.contains("attempts"),
        "one attempt goes unsaid: {text}"
    );
}

#[tokio::test]
async fn xml_error_and_unknown_codes() {
    let server = ScriptedServer::start(vec![Reply::other(
        400,
        "text/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>X1</RequestId><HostId>h</HostId><Code>InvalidIzNo.NotSupported</Code><Message>the Specified Zone not supported.</Message></Error>",
    )])
    .await;
    let err = modify(&client(&server.url, SignatureVersion::V1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Service(ModifySecurityGroupConfigurationError::InvalidIzNoNotSupported(_))
        ),
        "{err:?}"
    );

    let server = ScriptedServer::start(vec![Reply::json(
        403,
        r#"{"RequestId":"X2","Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource."}"#,
    )])
    .await;
    let err = modify(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    let Error::Service(typed) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(typed.code(), "Forbidden.RAM");
    assert!(!typed.is_invalid_instance_id_not_found());
    assert_eq!(err.code(), Some("Forbidden.RAM"));
}

#[tokio::test]
async fn throttling_is_retried_with_a_fresh_signature() {
    let server = ScriptedServer::start(vec![
        Reply::json(400, r#"{"RequestId":"T1","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#),
        Reply::json(200, r#"{"RequestId":"OK"}"#),
    ])
    .await;
    modify(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_ne!(
        reqs[0].header("x-acs-signature-nonce"),
        reqs[1].header("x-acs-signature-nonce"),
        "each attempt is re-signed with a new nonce"
    );
    assert_ne!(
        reqs[0].header("authorization"),
        reqs[1].header("authorization")
    );
}

#[tokio::test]
async fn server_errors_are_retried_only_when_safe() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    // A write may have taken effect: one attempt only.
    let server = ScriptedServer::start(vec![Reply::other(502, "text/html", page)]).await;
    let err = modify(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    let Error::Response(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(r.status(), 502);
    assert!(r.excerpt().contains("502 Bad Gateway"));
    assert!(err.to_string().contains("HTTP 502"), "{err}");
    assert_eq!(server.requests().len(), 1);

    // A read is safe to repeat: three attempts, then the last error.
    let server = ScriptedServer::start(vec![Reply::json(
        503,
        r#"{"RequestId":"U","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}"#,
    )])
    .await;
    let err = describe(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ServiceUnavailable"));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn the_final_error_says_how_many_attempts_were_made() {
    // A service error, retried (a read) until the attempts run out.
    let server = ScriptedServer::start(vec![Reply::json(
        503,
        r#"{"RequestId":"U","Code":"ServiceUnavailable","Message":"temporary failure"}"#,
    )])
    .await;
    let err = describe(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.attempts(), 3);
    let text = err.to_string();
    assert!(
        text.starts_with("service error after 3 attempts: ServiceUnavailable"),
        "{text}"
    );
    // The service's metadata stays what the service said.
    let meta = err.service_error().unwrap();
    assert_eq!(
        meta,
        &alibabacloud_sdk::error::ServiceError::new("ServiceUnavailable", "temporary failure", 503)
            .with_request_id("U")
    );
    assert!(!meta.to_string().contains("attempts"), "{meta}");

    // An answer that is not Alibaba's: a 502 page, retried for a read.
    let server = ScriptedServer::start(vec![Reply::other(
        502,
        "text/html",
        "<html>bad gateway</html>",
    )])
    .await;
    let err = describe(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");

    // Nothing listening: a dispatch error, retried even for a write.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = modify(&client(&url, SignatureVersion::V3))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert!(
        err.to_string()
            .starts_with("could not connect after 3 attempts: "),
        "{err}"
    );
}

#[tokio::test]
async fn broken_success_bodies_are_response_errors() {
    // A page far over the excerpt limit, as a login page behind a proxy is.
    let long = format!("<html>{}</html>", "proxy login ".repeat(1_000));
    for body in [
        "",
        "{\"RequestId\":\"trunc",
        "<html>proxy login</html>",
        &long,
    ] {
        let server = ScriptedServer::start(vec![Reply::other(200, "application/json", body)]).await;
        let err = modify(&client(&server.url, SignatureVersion::V3))
            .await
            .unwrap_err();
        let Error::Response(r) = &err else {
            panic!("{body:?}: {err:?}")
        };
        assert_eq!(r.status(), 200);
        let limit = ResponseError::EXCERPT_LIMIT;
        if body.len() <= limit {
            assert_eq!(r.excerpt(), body, "a short body is kept whole");
        } else {
            assert_eq!(
                r.excerpt(),
                format!("{}…", &body[..limit]),
                "cut at the limit"
            );
        }
    }
}

#[tokio::test]
async fn dead_port_is_a_connect_error_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = modify(&client(&url, SignatureVersion::V3))
        .await
        .unwrap_err();
    let Error::Dispatch(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.kind(), DispatchKind::Connect);
    assert_eq!(
        d.attempts(),
        3,
        "nothing was sent, so even a write is retried"
    );
}

#[tokio::test]
async fn silence_hits_the_operation_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let _hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket); // accept, never answer
        }
    });
    let c = Client::new(
        Config::builder()
            .endpoint(&url)
            .allow_http(true)
            .credentials(Credentials::new("testid", SECRET))
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    );
    let err = modify(&c).await.unwrap_err();
    let Error::Dispatch(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.kind(), DispatchKind::Timeout);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn secrets_never_show() {
    let server = ScriptedServer::start(vec![Reply::json(
        400,
        r#"{"RequestId":"S","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation."}"#,
    )])
    .await;
    let c = client(&server.url, SignatureVersion::V1);
    let err = modify(&c).await.unwrap_err();
    for text in [
        format!("{c:?}"),
        format!("{:?}", c.config()),
        format!("{err}"),
        format!("{err:?}"),
    ] {
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn paginator_walks_pages_until_the_total() {
    let page = |ids: &[&str]| {
        let items: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"InstanceId":"{id}"}}"#))
            .collect();
        Reply::json(
            200,
            &format!(
                r#"{{"RequestId":"P","TotalCount":3,"PageSize":2,"Instances":{{"KVStoreInstance":[{}]}}}}"#,
                items.join(",")
            ),
        )
    };
    let server = ScriptedServer::start(vec![page(&["r-1", "r-2"]), page(&["r-3"])]).await;
    let c = client(&server.url, SignatureVersion::V3);
    let pages: Vec<_> = c
        .describe_instances()
        .region_id("cn-hangzhou")
        .page_size(2)
        .into_paginator()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.instances())
        .filter_map(|i| i.instance_id())
        .collect();
    assert_eq!(ids, ["r-1", "r-2", "r-3"]);
    let sent: Vec<Vec<(String, String)>> = server
        .requests()
        .iter()
        .map(|r| query_pairs(r.request_line().split(' ').nth(1).unwrap()))
        .collect();
    assert_eq!(sent.len(), 2);
    assert!(!sent[0].iter().any(|(k, _)| k == "PageNumber"));
    assert!(sent[1].contains(&("PageNumber".to_string(), "2".to_string())));
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_carry_secrets() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A callsite another test thread registered while this subscriber was
    // being set could keep a stale "never" interest (tracing's cache); a
    // rebuild now makes this test's logs complete.
    tracing::callsite::rebuild_interest_cache();
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let server = ScriptedServer::start(vec![
            Reply::json(
                400,
                r#"{"RequestId":"T","Code":"Throttling","Message":"slow down"}"#,
            ),
            Reply::json(200, r#"{"RequestId":"OK"}"#),
        ])
        .await;
        // Again, now that the window in which another thread could store a
        // stale interest (computed before this thread's subscriber counted)
        // has passed: more callsites per call made that race visible.
        tracing::callsite::rebuild_interest_cache();
        modify(&client(&server.url, signature)).await.unwrap();
    }
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("ModifySecurityGroupConfiguration"),
        "spans were logged: {text}"
    );
    assert!(text.contains("retrying"), "{text}");
    for secret in [SECRET, TOKEN, "Signature=", "Authorization"] {
        assert!(!text.contains(secret), "{secret} in logs:\n{text}");
    }
}

#[tokio::test]
async fn retry_after_hint_is_honoured_and_retries_are_announced() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            429,
            r#"{"RequestId":"T","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
        )
        .with_header("x-acs-retry-after", "3"),
        Reply::json(200, r#"{"RequestId":"OK"}"#),
    ])
    .await;
    // A base delay of an hour: only the hint can make this finish quickly.
    let c = Client::new(
        Config::builder()
            .endpoint(&server.url)
            .allow_http(true)
            .credentials(Credentials::new("testid", SECRET))
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_secs(3600)))
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
    );
    modify(&c).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("x-acs-retry-attempts"), None);
    assert_eq!(reqs[1].header("x-acs-retry-attempts").as_deref(), Some("1"));
    assert_eq!(reqs[1].header("x-acs-retry-delay").as_deref(), Some("3"));
    assert!(
        reqs[1]
            .header("authorization")
            .unwrap()
            .contains("x-acs-retry-attempts"),
        "the retry headers are signed like every x-acs-* header"
    );
}

#[tokio::test]
async fn bare_429_is_throttling_and_a_long_hint_ends_retries() {
    let server = ScriptedServer::start(vec![
        Reply::other(429, "text/html", "<html>Too Many Requests</html>"),
        Reply::json(200, r#"{"RequestId":"OK"}"#),
    ])
    .await;
    modify(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap();
    assert_eq!(
        server.requests().len(),
        2,
        "a proxy's 429 is retried even for a write"
    );

    let server = ScriptedServer::start(vec![Reply::json(
        429,
        r#"{"RequestId":"T","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
    )
    .with_header("x-acs-retry-after", "3600000")])
    .await;
    let err = modify(&client(&server.url, SignatureVersion::V3))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Throttling.User"));
    assert_eq!(
        server.requests().len(),
        1,
        "an hour's hint is beyond the policy: the error comes back at once"
    );
}

#[tokio::test]
async fn dispatch_errors_and_request_debug_hide_secrets() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    // V1 puts the token and the signature in the URL reqwest reports.
    let err = modify(&client(&url, SignatureVersion::V1))
        .await
        .unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("Signature="), "{text}");
    }

    let transport = support::CaptureTransport::new(r#"{"RequestId":"x"}"#);
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let c = Client::new(
            Config::builder()
                .region("cn-hangzhou")
                .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
                .signature_version(signature)
                .transport(transport.clone())
                .build()
                .unwrap(),
        );
        modify(&c).await.unwrap();
    }
    for request in transport.requests() {
        let shown = format!("{request:?}");
        assert!(
            shown.contains("ModifySecurityGroupConfiguration"),
            "{shown}"
        );
        assert!(!shown.contains(TOKEN), "{shown}");
        let signature = request
            .header("authorization")
            .map(|a| a.rsplit('=').next().unwrap().to_string())
            .or_else(|| {
                query_pairs(&request.url)
                    .into_iter()
                    .find(|(k, _)| k == "Signature")
                    .map(|(_, v)| v)
            })
            .unwrap();
        assert!(!shown.contains(&signature), "{shown}");
    }
}
