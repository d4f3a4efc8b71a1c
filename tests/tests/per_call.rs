//! Control per call: per-call options, tunable retries with a budget,
//! idempotency tokens, generic calls, clock skew, against the mock endpoint
//! (faults injected) or loopback servers.

mod support;

use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::__private::client::Client as RawClient;
use alibabacloud_sdk::__private::operation::{
    ApiStyle, OperationDescriptor, OperationSpec, ProductDescriptor,
};
use alibabacloud_sdk::__private::params::{Location, Params};
use alibabacloud_sdk::call::ApiClient;
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::{DispatchKind, Error, ServiceError, ValidationError};
use alibabacloud_sdk::operation::{Operation, OperationType};
use alibabacloud_sdk::options::CallOptions;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::retry::{RetryBudget, RetryDecision, RetryPolicy};
use alibabacloud_sdk::test_util::{ReplayTransport, Rule};
use alibabacloud_sdk::transport::{HttpRequest, HttpResponse};
use alibabacloud_sdk::{ConfigBuilder, SignatureVersion};
use std::time::{Duration, Instant, SystemTime};
use support::{query_pairs, Reply, ScriptedServer};

const INSTANCE: &str = "r-mock000000000001";

fn base(url: &str) -> ConfigBuilder {
    alibabacloud_sdk::Config::builder()
        .endpoint(url)
        .allow_http(true)
        .credentials(Credentials::new("testid", "testsecret"))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
}

fn conflict_twice() -> FaultPlan {
    FaultPlan::new().rule(
        FaultRule::new(Fault::error(409, "OperationConflict", "busy"))
            .action("ModifySecurityIps")
            .times(2),
    )
}

async fn modify_ips(
    c: &Client,
    options: Option<CallOptions>,
) -> Result<(), Error<alibabacloud_sdk::r_kvstore::ModifySecurityIpsError>> {
    let b = c
        .modify_security_ips()
        .instance_id(INSTANCE)
        .security_ips("10.0.0.1");
    match options {
        None => b.send().await.map(|_| ()),
        Some(o) => b.customize().options(o).send().await.map(|_| ()),
    }
}

#[tokio::test]
async fn operation_conflict_is_retried_only_when_configured() {
    let server = MockServer::start(MockConfig::new().faults(conflict_twice()))
        .await
        .unwrap();
    let plain = Client::new(base(&server.url()).build().unwrap());
    let e = modify_ips(&plain, None).await.unwrap_err();
    assert_eq!(e.code(), Some("OperationConflict"));
    assert_eq!(
        server.fault_stats().requests_for("ModifySecurityIps"),
        1,
        "1 attempt without the code"
    );

    // Per client.
    server.set_faults(&conflict_twice());
    let tuned = Client::new(
        base(&server.url())
            .retry_policy(
                RetryPolicy::default()
                    .base_delay(Duration::from_millis(1))
                    .retry_codes(["OperationConflict"]),
            )
            .build()
            .unwrap(),
    );
    modify_ips(&tuned, None).await.unwrap();
    assert_eq!(
        server.fault_stats().requests_for("ModifySecurityIps"),
        1 + 3
    );

    // Per call, with a trailing `*`, on the plain client.
    server.set_faults(&conflict_twice());
    modify_ips(&plain, Some(CallOptions::new().retry_codes(["Operation*"])))
        .await
        .unwrap();
    assert_eq!(
        server.fault_stats().requests_for("ModifySecurityIps"),
        4 + 3
    );

    // The call's no-retry list wins over the client's retry list.
    server.set_faults(&conflict_twice());
    let e = modify_ips(
        &tuned,
        Some(CallOptions::new().no_retry_codes(["OperationConflict"])),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Some("OperationConflict"));
    assert_eq!(
        server.fault_stats().requests_for("ModifySecurityIps"),
        7 + 1
    );
}

#[tokio::test]
async fn the_classifier_sees_the_error_and_the_operation() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let c = Client::new(
        base(&server.url())
            .retry_classifier(move |o: &alibabacloud_sdk::retry::AttemptOutcome<'_>| {
                log.lock().unwrap().push(format!(
                    "{} {} {} {:?} {:?} read={}",
                    o.operation().product(),
                    o.operation().version(),
                    o.operation().action(),
                    o.code(),
                    o.status(),
                    o.operation().is_idempotent()
                ));
                match o.code() {
                    Some("SystemBusy") => RetryDecision::Retry,
                    Some(c) if c.starts_with("Throttling") => RetryDecision::DoNotRetry,
                    _ => RetryDecision::Default,
                }
            })
            .build()
            .unwrap(),
    );
    server.set_faults(
        &FaultPlan::new().rule(
            FaultRule::new(Fault::error(503, "SystemBusy", "busy"))
                .action("DescribeSecurityIps")
                .times(1),
        ),
    );
    c.describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(server.fault_stats().requests_for("DescribeSecurityIps"), 2);
    server.set_faults(
        &FaultPlan::new().rule(
            FaultRule::new(Fault::throttling())
                .action("DescribeSecurityIps")
                .times(1),
        ),
    );
    let e = c
        .describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some("Throttling.User"),
        "the hook overrode the built-in throttling retry"
    );
    assert_eq!(server.fault_stats().requests_for("DescribeSecurityIps"), 3);
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0],
        "R-kvstore 2015-01-01 DescribeSecurityIps Some(\"SystemBusy\") Some(503) read=false"
    );
    assert_eq!(seen.len(), 2);
}

#[tokio::test]
async fn an_empty_retry_budget_stops_retries_and_says_so() {
    let server = MockServer::start(MockConfig::new().faults(
        FaultPlan::new().rule(FaultRule::new(Fault::throttling()).action("DescribeSecurityIps")),
    ))
    .await
    .unwrap();
    let c = Client::new(
        base(&server.url())
            .retry_policy(
                RetryPolicy::default()
                    .max_attempts(5)
                    .base_delay(Duration::from_millis(1)),
            )
            .retry_budget(RetryBudget::new(7))
            .build()
            .unwrap(),
    );
    let e = c
        .describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap_err();
    // 7 tokens pay for one retry (5); the second finds 2.
    assert_eq!(server.fault_stats().requests_for("DescribeSecurityIps"), 2);
    assert!(e.retry_budget_exhausted());
    assert!(e.to_string().contains("retry budget is empty"), "{e}");
    assert_eq!(c.config().retry_tokens_available(), 2);
    // A success puts one token back.
    server.set_faults(&FaultPlan::new());
    c.describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(c.config().retry_tokens_available(), 3);
}

#[tokio::test]
async fn retry_after_wins_over_backoff() {
    let throttled = r#"{"Code":"Throttling.User","Message":"slow down","RequestId":"R1"}"#;
    let server = ScriptedServer::start(vec![
        Reply::json(400, throttled).with_header("x-acs-retry-after", "5"),
        Reply::json(200, r#"{"RequestId":"R2"}"#),
    ])
    .await;
    // Backoff alone would wait up to 30 s.
    let c = Client::new(
        base(&server.url)
            .retry_policy(
                RetryPolicy::default()
                    .base_delay(Duration::from_secs(30))
                    .max_delay(Duration::from_secs(60)),
            )
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    c.describe_security_ips()
        .instance_id("r-1")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
    let retry = &server.requests()[1];
    assert_eq!(retry.header("x-acs-retry-delay").as_deref(), Some("5"));
}

fn replay_ok() -> ReplayTransport {
    let mut rule = Rule::http(|_| true);
    for _ in 0..8 {
        rule = rule.then_response(HttpResponse::new(200, r#"{"RequestId":"R"}"#));
    }
    ReplayTransport::new([rule])
}

#[tokio::test]
async fn per_call_options_override_the_client_and_bad_ones_send_nothing() {
    let replay = replay_ok();
    let c = Client::new(
        base("http://127.0.0.1:9")
            .transport(replay.clone())
            .default_header("x-acs-team", "client")
            .default_header("x-acs-app", "client")
            .build()
            .unwrap(),
    );
    c.describe_security_ips()
        .instance_id("r-1")
        .customize()
        .header("X-Acs-Team", "call")
        .query("Extra", "1")
        .endpoint("http://127.0.0.1:10")
        .send()
        .await
        .unwrap();
    c.describe_security_ips()
        .instance_id("r-1")
        .send()
        .await
        .unwrap();
    let sent = replay.requests();
    assert!(
        sent[0].url.starts_with("http://127.0.0.1:10/?"),
        "{}",
        sent[0].url
    );
    let teams: Vec<&str> = sent[0]
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("x-acs-team"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(teams, ["call"], "the call's header replaces the default");
    assert_eq!(sent[0].header("x-acs-app"), Some("client"));
    assert!(query_pairs(&sent[0].url).contains(&("Extra".into(), "1".into())));
    // The next call has the client's settings again.
    assert!(
        sent[1].url.starts_with("http://127.0.0.1:9/"),
        "{}",
        sent[1].url
    );
    assert_eq!(sent[1].header("x-acs-team"), Some("client"));
    assert!(!query_pairs(&sent[1].url).iter().any(|(k, _)| k == "Extra"));

    for (options, says) in [
        (CallOptions::new().header("x-bad\nname", "v"), "HTTP token"),
        (
            CallOptions::new().header("x-ok", "v\r\nx-injected: 1"),
            "line break",
        ),
        (CallOptions::new().endpoint("http://"), "per-call endpoint"),
    ] {
        let e = c
            .describe_security_ips()
            .instance_id("r-1")
            .customize()
            .options(options)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert!(e.to_string().contains(says), "{e}");
    }
    assert_eq!(replay.requests().len(), 2, "bad options sent nothing");

    let e = base("http://127.0.0.1:9")
        .default_header("x-a", "b\nc")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("default_header"), "{e}");
}

#[tokio::test]
async fn extra_headers_are_signed_and_the_mock_accepts_them() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let c = Client::new(
            base(&server.url())
                .signature_version(signature)
                .default_header("x-acs-caller", "tests")
                .build()
                .unwrap(),
        );
        c.describe_security_ips()
            .instance_id(INSTANCE)
            .customize()
            .header("x-acs-extra", "yes")
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn per_call_timeouts_apply_to_that_call_only() {
    let server = MockServer::start(MockConfig::new().faults(FaultPlan::new().rule(
        FaultRule::new(Fault::Delay(Duration::from_millis(400))).action("DescribeSecurityIps"),
    )))
    .await
    .unwrap();
    let c = Client::new(base(&server.url()).build().unwrap());
    let started = Instant::now();
    let e = c
        .describe_security_ips()
        .instance_id(INSTANCE)
        .customize()
        .attempt_timeout(Duration::from_millis(50))
        .retry_policy(RetryPolicy::disabled())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Dispatch(d) if d.kind() == DispatchKind::Timeout),
        "{e}"
    );
    assert!(e.to_string().contains("attempt timeout"), "{e}");
    let e = c
        .describe_security_ips()
        .instance_id(INSTANCE)
        .customize()
        .timeout(Duration::from_millis(80))
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("operation timeout of 80ms"), "{e}");
    assert!(
        started.elapsed() < Duration::from_millis(390),
        "{:?}",
        started.elapsed()
    );
    // Without options the client's 60 s apply: the slow answer arrives.
    c.describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
}

// A write operation with a `ClientToken`, as the generator emits one.
static TOK: ProductDescriptor = ProductDescriptor {
    name: "Tok",
    code: "tok",
    version: "2024-01-01",
    style: ApiStyle::Rpc,
    endpoints: &[],
};

static CREATE_THING: OperationDescriptor = OperationDescriptor {
    product: &TOK,
    action: "CreateThing",
    methods: &["POST"],
    path: "/",
    auth: &["AK"],
    operation_type: OperationType::Write,
    client_token: Some(("ClientToken", Location::Query)),
    ram_action: None,
    ram_access_level: None,
    deprecated: false,
    response_body: false,
};

#[derive(Debug, Clone, Default)]
struct CreateThing {
    client_token: Option<String>,
}

impl Operation for CreateThing {
    type Response = serde_json::Value;
    type Error = ServiceError;
}

impl OperationSpec for CreateThing {
    const DESCRIPTOR: &'static OperationDescriptor = &CREATE_THING;
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
    fn write_params(&self, out: &mut Params) {
        out.plain(Location::Query, "Name", &Some("n".to_string()));
        out.plain(Location::Query, "ClientToken", &self.client_token);
    }
}

/// The same operation without a token parameter.
#[derive(Debug, Clone, Default)]
struct CreateThingNoToken;

static CREATE_THING_NO_TOKEN: OperationDescriptor = OperationDescriptor {
    client_token: None,
    ..CREATE_THING
};

impl Operation for CreateThingNoToken {
    type Response = serde_json::Value;
    type Error = ServiceError;
}

impl OperationSpec for CreateThingNoToken {
    const DESCRIPTOR: &'static OperationDescriptor = &CREATE_THING_NO_TOKEN;
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
    fn write_params(&self, out: &mut Params) {
        out.plain(Location::Query, "Name", &Some("n".to_string()));
    }
}

/// The `ClientToken` in a URL or a request line (`POST /?a=b HTTP/1.1`).
fn token_of(target: &str) -> Option<String> {
    let url = target.split(' ').nth(1).unwrap_or(target);
    query_pairs(url)
        .into_iter()
        .find(|(k, _)| k == "ClientToken")
        .map(|(_, v)| v)
}

#[tokio::test]
async fn client_token_is_generated_kept_across_attempts_and_makes_writes_retryable() {
    let unavailable = r#"{"Code":"ServiceUnavailable","Message":"try later","RequestId":"R1"}"#;
    let replies = || {
        vec![
            Reply::json(503, unavailable),
            Reply::json(200, r#"{"RequestId":"R2"}"#),
        ]
    };
    let server = ScriptedServer::start(replies()).await;
    let c = RawClient::new(base(&server.url).build().unwrap());
    c.execute(CreateThing::default()).await.unwrap();
    let sent = server.requests();
    assert_eq!(sent.len(), 2, "retried after a 503 although it writes");
    let first = token_of(sent[0].request_line()).expect("a token was generated");
    assert_eq!(uuid_version(&first), Some('4'), "{first}");
    assert_eq!(
        token_of(sent[1].request_line()),
        Some(first),
        "same token on the retry"
    );

    // The caller's token is kept.
    let server = ScriptedServer::start(replies()).await;
    let c = RawClient::new(base(&server.url).build().unwrap());
    c.execute(CreateThing {
        client_token: Some("mine-1".into()),
    })
    .await
    .unwrap();
    let tokens: Vec<_> = server
        .requests()
        .iter()
        .map(|r| token_of(r.request_line()))
        .collect();
    assert_eq!(
        tokens,
        [Some("mine-1".to_string()), Some("mine-1".to_string())]
    );

    // Without a token parameter, a write is not repeated after a 503.
    let server = ScriptedServer::start(replies()).await;
    let c = RawClient::new(base(&server.url).build().unwrap());
    let e = c.execute(CreateThingNoToken).await.unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(server.requests().len(), 1);
    assert!(token_of(server.requests()[0].request_line()).is_none());

    // A generic call that names its token parameter behaves the same.
    let server = ScriptedServer::start(replies()).await;
    let generic = ApiClient::new(base(&server.url).build().unwrap());
    generic
        .rpc("Tok", "2024-01-01", "CreateThing")
        .query("Name", "n")
        .client_token_param("ClientToken")
        .send()
        .await
        .unwrap();
    let tokens: Vec<_> = server
        .requests()
        .iter()
        .map(|r| token_of(r.request_line()))
        .collect();
    assert_eq!(tokens.len(), 2);
    assert!(tokens[0].is_some() && tokens[0] == tokens[1], "{tokens:?}");
}

fn uuid_version(text: &str) -> Option<char> {
    let parts: Vec<&str> = text.split('-').collect();
    (parts.len() == 5)
        .then(|| parts[2].chars().next())
        .flatten()
}

/// The request with what changes on every attempt taken out: time, nonce
/// and the signature over them.
fn stable(request: &HttpRequest) -> (String, String, Vec<(String, String)>, Vec<u8>) {
    const VOLATILE: &[&str] = &["Timestamp", "SignatureNonce", "Signature"];
    let (base, _) = request.url.split_once('?').unwrap_or((&request.url, ""));
    let query: Vec<String> = query_pairs(&request.url)
        .into_iter()
        .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(k, _)| {
            !["x-acs-date", "x-acs-signature-nonce", "authorization"]
                .contains(&k.to_ascii_lowercase().as_str())
        })
        .cloned()
        .collect();
    headers.sort();
    (
        request.method.clone(),
        format!("{base}?{}", query.join("&")),
        headers,
        request.body.clone(),
    )
}

#[tokio::test]
async fn generic_and_typed_describe_security_ips_send_the_same_request() {
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let replay = replay_ok();
        let config = base("http://127.0.0.1:9")
            .transport(replay.clone())
            .signature_version(signature)
            .build()
            .unwrap();
        Client::new(config.clone())
            .describe_security_ips()
            .instance_id("r-bp1zxszhcgatnx****")
            .send()
            .await
            .unwrap();
        let out = ApiClient::new(config)
            .rpc("R-kvstore", "2015-01-01", "DescribeSecurityIps")
            .query("InstanceId", "r-bp1zxszhcgatnx****")
            .send()
            .await
            .unwrap();
        assert_eq!(out.request_id(), Some("R"));
        let sent = replay.requests();
        assert_eq!(sent.len(), 2);
        assert_eq!(stable(&sent[0]), stable(&sent[1]), "{signature:?}");
    }
}

#[tokio::test]
async fn generic_calls_against_the_mock_sign_retry_and_parse_errors() {
    let server = MockServer::start(
        MockConfig::new().faults(
            FaultPlan::new().rule(
                FaultRule::new(Fault::throttling())
                    .action("DescribeSecurityIps")
                    .times(1),
            ),
        ),
    )
    .await
    .unwrap();
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let client = ApiClient::new(
            base(&server.url())
                .signature_version(signature)
                .build()
                .unwrap(),
        );
        let out = client
            .rpc("R-kvstore", "2015-01-01", "DescribeSecurityIps")
            .query("InstanceId", INSTANCE)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 200);
        assert_eq!(out.request_id(), out.header("x-acs-request-id"));
        assert_eq!(
            out.body()["RequestId"].as_str(),
            out.request_id(),
            "the mock's request id, in header and body"
        );
        assert!(
            out.body()["SecurityIpGroups"]["SecurityIpGroup"].is_array(),
            "{}",
            out.body()
        );
        // Lists as `Name.1=`, through the same error parsing as typed calls.
        let e = client
            .rpc(
                "R-kvstore",
                "2015-01-01",
                "ModifySecurityGroupConfiguration",
            )
            .query("DBInstanceId", "r-nope")
            .query_list("SecurityGroupId", ["sg-1"])
            .send()
            .await
            .unwrap_err();
        assert!(e.code().is_some(), "{e}");
        assert!(e.service_error().unwrap().request_id().is_some());
    }
    assert_eq!(
        server.fault_stats().requests_for("DescribeSecurityIps"),
        3,
        "the throttled first attempt was retried"
    );
}

/// A generic call is retried after sending (a 503) only when it says it is
/// a read, with the same enum typed operations carry.
#[tokio::test]
async fn generic_call_retries_after_sending_only_when_typed_read() {
    for (operation_type, retried) in [
        (Some(OperationType::Read), true),
        (Some(OperationType::Write), false),
        (None, false),
    ] {
        let server = MockServer::start(
            MockConfig::new().faults(
                FaultPlan::new().rule(
                    FaultRule::new(Fault::service_unavailable())
                        .action("DescribeSecurityIps")
                        .times(1),
                ),
            ),
        )
        .await
        .unwrap();
        let client = ApiClient::new(base(&server.url()).build().unwrap());
        let mut call = client
            .rpc("R-kvstore", "2015-01-01", "DescribeSecurityIps")
            .query("InstanceId", INSTANCE);
        if let Some(kind) = operation_type {
            call = call.operation_type(kind);
        }
        let result = call.send().await;
        assert_eq!(result.is_ok(), retried, "{operation_type:?}: {result:?}");
        assert_eq!(
            server.fault_stats().requests_for("DescribeSecurityIps"),
            if retried { 2 } else { 1 },
            "{operation_type:?}"
        );
    }
}

#[tokio::test]
async fn generic_roa_call_sends_method_path_headers_and_json() {
    let server =
        ScriptedServer::start(vec![Reply::json(200, r#"{"requestId":"R9","ok":true}"#)
            .with_header("x-acs-request-id", "R9")])
        .await;
    let client = ApiClient::new(base(&server.url).build().unwrap());
    let out = client
        .roa(
            "CS",
            "2015-12-15",
            "ModifyClusterTags",
            "PUT",
            "/clusters/{ClusterId}/tags",
        )
        .path_param("ClusterId", "c 1")
        .query("dry", "true")
        .header("x-acs-extra", "1")
        .json_body(&serde_json::json!([{"key": "env", "value": "prod"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(out.request_id(), Some("R9"));
    assert_eq!(out.body()["ok"], true);
    let got = &server.requests()[0];
    assert_eq!(
        got.request_line(),
        "PUT /clusters/c%201/tags?dry=true HTTP/1.1"
    );
    assert_eq!(
        got.header("x-acs-action").as_deref(),
        Some("ModifyClusterTags")
    );
    assert_eq!(got.header("x-acs-version").as_deref(), Some("2015-12-15"));
    assert_eq!(got.header("x-acs-extra").as_deref(), Some("1"));
    assert!(got
        .header("authorization")
        .unwrap()
        .starts_with("ACS3-HMAC-SHA256"));
    assert_eq!(got.body, br#"[{"key":"env","value":"prod"}]"#);
}

#[tokio::test]
async fn malformed_generic_calls_are_refused_with_the_reason() {
    let replay = replay_ok();
    let client = ApiClient::new(
        base("http://127.0.0.1:9")
            .transport(replay.clone())
            .build()
            .unwrap(),
    );
    let cases = [
        (
            client.rpc("R-kvstore", "2015-01-01", "Describe Things"),
            "action",
        ),
        (client.rpc("R-kvstore", "2015-01-01", ""), "action"),
        (client.rpc("R kvstore", "2015-01-01", "A"), "product"),
        (client.rpc("R-kvstore", "2015", "A"), "version"),
        (client.roa("CS", "2015-12-15", "A", "FETCH", "/x"), "method"),
        (
            client.roa("CS", "2015-12-15", "A", "GET", "x"),
            "start with '/'",
        ),
        (
            client.roa("CS", "2015-12-15", "A", "GET", "/a/../b"),
            "'..'",
        ),
        (client.roa("CS", "2015-12-15", "A", "GET", "/a?b=c"), "'?'"),
        (
            client.roa("CS", "2015-12-15", "A", "GET", "/a\nb"),
            "control",
        ),
    ];
    for (call, says) in cases {
        let e = call.send().await.unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert!(e.to_string().contains(says), "{says}: {e}");
    }
    let e = client
        .roa("CS", "2015-12-15", "A", "GET", "/clusters/{ClusterId}")
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("{ClusterId} is not set"), "{e}");
    assert!(replay.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_from_the_servers_date_and_retried_once() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let c = Client::new(
        base(&server.url())
            .retry_policy(RetryPolicy::disabled())
            .clock(|| SystemTime::now() + Duration::from_secs(3600))
            .build()
            .unwrap(),
    );
    c.describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(server.fault_stats().requests_for("DescribeSecurityIps"), 2);
    let offset = c.config().clock_offset();
    assert!(
        offset > Duration::from_secs(3590) && offset < Duration::from_secs(3610),
        "{offset:?}"
    );
    // Learnt once: the next call is right the first time.
    c.describe_security_ips()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(server.fault_stats().requests_for("DescribeSecurityIps"), 3);

    // Without the server's time there is nothing to correct by: one attempt.
    let expired = r#"{"Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired.","RequestId":"R"}"#;
    let scripted =
        ScriptedServer::start(vec![Reply::json(400, expired), Reply::json(400, expired)]).await;
    let c = Client::new(base(&scripted.url).build().unwrap());
    let e = c
        .describe_security_ips()
        .instance_id("r-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidTimeStamp.Expired"));
    assert_eq!(scripted.requests().len(), 1);
}
