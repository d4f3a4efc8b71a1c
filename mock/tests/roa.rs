//! ROA over HTTP: routing by method and path template, signature V3 as
//! Alibaba's official SDK computes it (replayed byte for byte from a
//! capture), parameters in the path, query, headers and JSON body, error
//! bodies in the product's spelling, success statuses other than 200.
//!
//! Specs: `tests/fixtures/roa/specs/` (our own minimal files in Alibaba's
//! format, facts only: a few CS operations and a made-up `Demo` product
//! holding the shapes the corpus has).

use alibabacloud_mock::catalog::Catalog;
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_signing::{percent_encode, v3};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/roa")
        .join(rel)
}

/// A mock over the fixture specs. The captured requests are dated
/// 2026-01-15, so the window is wide enough for them to stay valid.
async fn server() -> MockServer {
    MockServer::start(
        MockConfig::new()
            .specs_dir(fixture("specs"))
            .timestamp_tolerance(Duration::from_secs(20 * 365 * 86_400)),
    )
    .await
    .unwrap()
}

/// One HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Writes `raw` as is and reads one response (by its Content-Length, so a
/// keep-alive request needs no `Connection: close` added to it).
async fn exchange(server: &MockServer, raw: &[u8]) -> Answer {
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    s.write_all(raw).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let status: u16 = lines.next().unwrap()[9..12].parse().unwrap();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            if buf.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned();
                return Answer {
                    status,
                    headers,
                    body,
                };
            }
        }
        let n = tokio::time::timeout_at(deadline, s.read(&mut chunk))
            .await
            .expect("an answer within 10 s")
            .unwrap();
        assert!(
            n > 0,
            "connection closed early: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// One request of `cs_captured.json`, as the official SDK put it on the wire.
struct Captured {
    operation: String,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Captured {
    fn raw(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(&self.body);
        out.into_bytes()
    }
}

fn captured() -> Vec<Captured> {
    let text = std::fs::read_to_string(fixture("cs_captured.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Captured {
            operation: r["operation"].as_str().unwrap().to_owned(),
            method: r["method"].as_str().unwrap().to_owned(),
            target: r["target"].as_str().unwrap().to_owned(),
            headers: r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h[0].as_str().unwrap().to_owned(),
                        h[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect(),
            body: r["body"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// Replaces the first occurrence of `from` in `raw` by `to` (same length:
/// one byte changed, nothing else moves).
fn one_byte_changed(raw: &[u8], from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = raw
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from:?} not in the request"));
    let mut out = raw.to_vec();
    out[at..at + from.len()].copy_from_slice(to.as_bytes());
    let changed = out.iter().zip(raw).filter(|(a, b)| a != b).count();
    assert_eq!(changed, 1, "{from:?} -> {to:?}");
    out
}

#[tokio::test]
async fn the_official_sdks_roa_requests_are_accepted_exactly_and_refused_with_one_byte_changed() {
    let requests = captured();
    assert_eq!(requests.len(), 2);
    for req in &requests {
        // One server per request: both captures carry the same pinned nonce.
        let server = server().await;
        let raw = req.raw();
        // One byte changed in each signed part: the path, the query, a
        // signed header, the body (its x-acs-content-sha256 then lies).
        let mutations: &[(&str, &str)] = match req.operation.as_str() {
            "DescribeClustersV1" => &[
                ("page_size=10", "page_size=11"),
                ("region_id=cn-hangzhou", "region_id=cn-hangzhoo"),
                ("Python/3.11.7", "Python/3.11.8"),
                (
                    "x-acs-date: 2026-01-15T08:00:00Z",
                    "x-acs-date: 2026-01-15T08:00:01Z",
                ),
                ("Signature=5dff", "Signature=5dfe"),
            ],
            "CreateClusterNodePool" => &[
                ("/clusters/c82e", "/clusters/c82f"),
                ("\"count\":2", "\"count\":3"),
                ("Python/3.11.7", "Python/3.11.8"),
                ("Signature=9951", "Signature=9952"),
            ],
            other => panic!("unexpected capture {other}"),
        };
        for (from, to) in mutations {
            let a = exchange(&server, &one_byte_changed(&raw, from, to)).await;
            let body = a.json();
            // CS spells its error body in lower camel case.
            assert_eq!(
                (a.status, body["code"].as_str()),
                (400, Some("SignatureDoesNotMatch")),
                "{} with {from:?} -> {to:?}: {}",
                req.operation,
                a.body
            );
            assert_eq!(body["requestId"].as_str(), a.header("x-acs-request-id"));
        }

        let a = exchange(&server, &raw).await;
        assert_eq!(a.status, 200, "{}: {}", req.operation, a.body);
        let body = a.json();
        match req.operation.as_str() {
            "DescribeClustersV1" => {
                assert_eq!(body["clusters"][0]["cluster_id"], "c-fixture0001")
            }
            _ => {
                assert_eq!(body["nodepool_id"], "np-fixture0001");
                // The example's request id is replaced by this answer's.
                assert_eq!(body["request_id"].as_str(), a.header("x-acs-request-id"));
            }
        }
        assert!(a
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")));

        // The nonce is spent now.
        let a = exchange(&server, &raw).await;
        assert_eq!(
            (a.status, a.json()["code"].as_str()),
            (400, Some("SignatureNonceUsed"))
        );
    }
}

/// A V3-signed request built with `alibabacloud-signing`, as raw bytes.
struct Call<'a> {
    method: &'a str,
    /// Percent-encoded path.
    path: &'a str,
    query: &'a [(&'a str, &'a str)],
    headers: &'a [(&'a str, &'a str)],
    body: &'a str,
    version: &'a str,
}

fn nonce() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Call<'_> {
    fn signed(&self, secret: &str) -> Vec<u8> {
        let date = alibabacloud_mock_timestamp(SystemTime::now());
        let query: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), "127.0.0.1".into()),
            ("x-acs-version".into(), self.version.into()),
            ("x-acs-date".into(), date),
            ("x-acs-signature-nonce".into(), nonce()),
            (
                "x-acs-content-sha256".into(),
                v3::hashed_payload(self.body.as_bytes()),
            ),
        ];
        if !self.body.is_empty() {
            headers.push((
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            ));
        }
        headers.extend(
            self.headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let signed = v3::sign(
            &v3::V3Input {
                method: self.method,
                path: self.path,
                query: &query,
                headers: &headers,
                payload: self.body.as_bytes(),
            },
            "testid",
            secret,
        );
        headers.push(("authorization".into(), signed.authorization));
        self.raw(&query, &headers)
    }

    fn unsigned(&self) -> Vec<u8> {
        let query: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.raw(&query, &[("host".into(), "127.0.0.1".into())])
    }

    fn raw(&self, query: &[(String, String)], headers: &[(String, String)]) -> Vec<u8> {
        let mut target = self.path.to_owned();
        if !query.is_empty() {
            target.push('?');
            let q: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
                .collect();
            target.push_str(&q.join("&"));
        }
        let mut out = format!("{} {target} HTTP/1.1\r\n", self.method);
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        out.push_str(self.body);
        out.into_bytes()
    }
}

fn alibabacloud_mock_timestamp(now: SystemTime) -> String {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

const DEMO: &str = "2020-01-01";
const GOOD_THING: &str = r#"{"size":3,"kind":"small","tags":[{"key":"env"}]}"#;

fn put_thing<'a>(path: &'a str, headers: &'a [(&'a str, &'a str)], body: &'a str) -> Call<'a> {
    Call {
        method: "PUT",
        path,
        query: &[],
        headers,
        body,
        version: DEMO,
    }
}

/// `(status, code, message)` of an error answer in the gateway's spelling.
async fn error_of(server: &MockServer, raw: Vec<u8>) -> (u16, String, String) {
    let a = exchange(server, &raw).await;
    let body = a.json();
    assert_eq!(
        body["RequestId"].as_str(),
        a.header("x-acs-request-id"),
        "{}",
        a.body
    );
    (
        a.status,
        body["Code"].as_str().unwrap_or("OK").to_owned(),
        body["Message"].as_str().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn roa_parameters_are_checked_in_path_query_headers_and_json_body() {
    let server = server().await;
    let mode = [("x-demo-mode", "fast")];

    // Success: the lowest 2xx of the spec (202), the example with a fresh id.
    let a = exchange(
        &server,
        &put_thing("/things/t-1", &mode, GOOD_THING).signed("testsecret"),
    )
    .await;
    assert_eq!(a.status, 202, "{}", a.body);
    let body = a.json();
    assert_eq!(body["ThingId"], "t-1");
    assert_eq!(body["RequestId"].as_str(), a.header("x-acs-request-id"));
    assert_ne!(body["RequestId"], "demo-id");
    // Jackson-style coercion: a numeric string for an integer is read.
    let a = exchange(
        &server,
        &put_thing("/things/t-1", &mode, r#"{"size":"12"}"#).signed("testsecret"),
    )
    .await;
    assert_eq!(a.status, 202, "{}", a.body);

    let cases: Vec<(Vec<u8>, u16, &str, &str)> = vec![
        // The header parameter: required, then its enum.
        (
            put_thing("/things/t-1", &[], GOOD_THING).signed("testsecret"),
            400,
            "MissingParameter",
            "x-demo-mode",
        ),
        (
            put_thing("/things/t-1", &[("x-demo-mode", "slow")], GOOD_THING).signed("testsecret"),
            400,
            "InvalidParameter",
            "x-demo-mode",
        ),
        // The path parameter's maxLength (a `[ThingId]` template).
        (
            put_thing("/things/t-123456789", &mode, GOOD_THING).signed("testsecret"),
            400,
            "InvalidParameter",
            "ThingId",
        ),
        // The body: required, JSON, members required/typed/enum/limits.
        (
            put_thing("/things/t-1", &mode, "").signed("testsecret"),
            400,
            "MissingParameter",
            "body",
        ),
        (
            put_thing("/things/t-1", &mode, "{not json").signed("testsecret"),
            400,
            "InvalidParameter",
            "body",
        ),
        (
            put_thing("/things/t-1", &mode, "[1]").signed("testsecret"),
            400,
            "InvalidParameter",
            "body",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"kind":"small"}"#).signed("testsecret"),
            400,
            "MissingParameter",
            "size",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"size":"three"}"#).signed("testsecret"),
            400,
            "InvalidParameter",
            "size",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"size":1.5}"#).signed("testsecret"),
            400,
            "InvalidParameter",
            "size",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"size":{"n":1}}"#).signed("testsecret"),
            400,
            "InvalidParameter",
            "size",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"size":1,"kind":"huge"}"#).signed("testsecret"),
            400,
            "InvalidParameter",
            "kind",
        ),
        (
            put_thing(
                "/things/t-1",
                &mode,
                r#"{"size":1,"tags":[{"key":"a"},{"key":"b"},{"key":"c"}]}"#,
            )
            .signed("testsecret"),
            400,
            "InvalidParameter",
            "tags",
        ),
        (
            put_thing(
                "/things/t-1",
                &mode,
                r#"{"size":1,"tags":[{"key":"a"},{"key":"toolong"}]}"#,
            )
            .signed("testsecret"),
            400,
            "InvalidParameter",
            "tags.2.key",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"size":1,"tags":[{}]}"#).signed("testsecret"),
            400,
            "MissingParameter",
            "tags.1.key",
        ),
        (
            put_thing("/things/t-1", &mode, r#"{"size":1,"tags":{"key":"a"}}"#)
                .signed("testsecret"),
            400,
            "InvalidParameter",
            "tags",
        ),
        // A query parameter's type.
        (
            Call {
                query: &[("dryRun", "maybe")],
                ..put_thing("/things/t-1", &mode, GOOD_THING)
            }
            .signed("testsecret"),
            400,
            "InvalidParameter",
            "dryRun",
        ),
        // Signature and routing.
        (
            put_thing("/things/t-1", &mode, GOOD_THING).signed("wrong"),
            400,
            "SignatureDoesNotMatch",
            "",
        ),
        (
            put_thing("/things/t-1", &mode, GOOD_THING).unsigned(),
            400,
            "MissingParameter",
            "Authorization",
        ),
        (
            Call {
                method: "POST",
                ..put_thing("/things/t-1", &mode, GOOD_THING)
            }
            .signed("testsecret"),
            404,
            "InvalidAction.NotFound",
            "",
        ),
        (
            put_thing("/nothing/here", &mode, GOOD_THING).signed("testsecret"),
            404,
            "InvalidAction.NotFound",
            "",
        ),
        (
            Call {
                version: "2099-01-01",
                ..put_thing("/things/t-1", &mode, GOOD_THING)
            }
            .signed("testsecret"),
            400,
            "InvalidVersion",
            "",
        ),
    ];
    for (i, (raw, status, code, names)) in cases.into_iter().enumerate() {
        let (s, c, m) = error_of(&server, raw).await;
        assert_eq!((s, c.as_str()), (status, code), "case {i}: {m}");
        assert!(m.contains(names), "case {i}: {m:?} should name {names:?}");
    }

    // An RPC signature on an ROA path is not how ROA calls are signed.
    let v1 = b"GET /things/t-1?Signature=x&AccessKeyId=testid HTTP/1.1\r\nhost: 127.0.0.1\r\nx-acs-version: 2020-01-01\r\ncontent-length: 0\r\n\r\n";
    let (s, c, _) = error_of(&server, v1.to_vec()).await;
    assert_eq!((s, c.as_str()), (404, "InvalidAction.NotFound"));
    let v1 = b"DELETE /things/t-1?Signature=x&AccessKeyId=testid HTTP/1.1\r\nhost: 127.0.0.1\r\nx-acs-version: 2020-01-01\r\ncontent-length: 0\r\n\r\n";
    let (s, c, _) = error_of(&server, v1.to_vec()).await;
    assert_eq!((s, c.as_str()), (400, "IncompleteSignature"));
}

#[tokio::test]
async fn statuses_fixed_queries_and_anonymous_calls() {
    let server = server().await;
    // 204: no body, still a request id header.
    let remove = Call {
        method: "DELETE",
        path: "/things/t-1",
        query: &[],
        headers: &[],
        body: "",
        version: DEMO,
    };
    let a = exchange(&server, &remove.signed("testsecret")).await;
    assert_eq!((a.status, a.body.as_str()), (204, ""));
    assert!(a.header("x-acs-request-id").is_some());

    // A template's fixed query picks the operation; without it, the other.
    let shard = |query: &'static [(&'static str, &'static str)], path: &'static str| Call {
        method: "GET",
        path,
        query,
        headers: &[],
        body: "",
        version: DEMO,
    };
    let a = exchange(
        &server,
        &shard(
            &[("type", "cursor"), ("from", "begin")],
            "/streams/s1/shards/0",
        )
        .signed("testsecret"),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["cursor"].as_str()),
        (200, Some("MTQ0")),
        "{}",
        a.body
    );
    let a = exchange(
        &server,
        &shard(&[], "/streams/s1/shards/0").signed("testsecret"),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["shard"].as_i64()),
        (200, Some(0)),
        "{}",
        a.body
    );
    // The cursor operation's own required query parameter.
    let (s, c, m) = error_of(
        &server,
        shard(&[("type", "cursor")], "/streams/s1/shards/0").signed("testsecret"),
    )
    .await;
    assert_eq!((s, c.as_str()), (400, "MissingParameter"), "{m}");
    // A path parameter typed integer.
    let (s, c, m) = error_of(
        &server,
        shard(&[], "/streams/s1/shards/x").signed("testsecret"),
    )
    .await;
    assert_eq!((s, c.as_str()), (400, "InvalidParameter"), "{m}");
    assert!(m.contains("shard"), "{m}");

    // Anonymous: unsigned is fine; the schema's RequestId is filled in.
    let a = exchange(&server, &shard(&[], "/public/things").unsigned()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["RequestId"].as_str(), a.header("x-acs-request-id"));
}

#[tokio::test]
async fn the_sdk_runtime_signs_roa_requests_the_mock_accepts() {
    use alibabacloud_sdk::__private::client::Client;
    use alibabacloud_sdk::__private::operation::{
        ApiStyle, OperationDescriptor, ProductDescriptor,
    };
    use alibabacloud_sdk::__private::params::{Location, Params};
    use alibabacloud_sdk::credentials::Credentials;
    use alibabacloud_sdk::error::Error;
    use alibabacloud_sdk::Config;

    // Descriptors as the generator would emit them for CS (facts from the
    // fixture spec).
    static CS: ProductDescriptor = ProductDescriptor {
        name: "CS",
        code: "cs",
        version: "2015-12-15",
        style: ApiStyle::Roa,
        endpoints: &[],
    };
    static CREATE: OperationDescriptor = OperationDescriptor {
        product: &CS,
        action: "CreateClusterNodePool",
        methods: &["POST"],
        path: "/clusters/{ClusterId}/nodepools",
        auth: &["AK"],
        operation_type: alibabacloud_sdk::operation::OperationType::Write,
        client_token: None,
        ram_action: None,
        ram_access_level: None,
        deprecated: false,
        response_body: true,
    };
    static DELETE: OperationDescriptor = OperationDescriptor {
        product: &CS,
        action: "DeleteClusterNodepool",
        methods: &["DELETE"],
        path: "/clusters/{ClusterId}/nodepools/{NodepoolId}",
        auth: &["AK"],
        operation_type: alibabacloud_sdk::operation::OperationType::Write,
        client_token: None,
        ram_action: None,
        ram_access_level: None,
        deprecated: false,
        response_body: true,
    };

    let server = server().await;
    let client = |secret: &str| {
        Client::new(
            Config::builder()
                .endpoint(server.url())
                .allow_http(true)
                .credentials(Credentials::new("testid", secret))
                .build()
                .unwrap(),
        )
    };
    let create = |body: &str| {
        let mut p = Params::default();
        // A value that must be percent-encoded in the path the signature covers.
        p.plain(Location::Path, "ClusterId", &Some("c-1 *é".to_owned()));
        p.body = Some(body.to_owned());
        p
    };

    let ok = client("testsecret")
        .execute_raw(
            &CREATE,
            &create(r#"{"nodepool_info":{"name":"np"},"count":2}"#),
        )
        .await
        .unwrap();
    assert_eq!(ok.status, 200);
    let body: Value = serde_json::from_slice(&ok.body).unwrap();
    assert_eq!(body["nodepool_id"], "np-fixture0001");

    let mut del = Params::default();
    del.plain(Location::Path, "ClusterId", &Some("c-1".to_owned()));
    del.plain(Location::Path, "NodepoolId", &Some("np-1".to_owned()));
    del.plain(Location::Query, "force", &Some(true));
    let ok = client("testsecret")
        .execute_raw(&DELETE, &del)
        .await
        .unwrap();
    assert_eq!(ok.status, 200);

    // The mock really checks: a wrong secret, and a body breaking the spec,
    // come back as the service errors the runtime reads from CS's
    // lower-case error body.
    for (secret, body, code) in [
        ("other", r#"{"count":2}"#, "SignatureDoesNotMatch"),
        (
            "testsecret",
            r#"{"nodepool_info":{"type":"ess"}}"#,
            "MissingParameter",
        ),
        ("testsecret", r#"{"count":"two"}"#, "InvalidParameter"),
    ] {
        match client(secret).execute_raw(&CREATE, &create(body)).await {
            Err(Error::Service(e)) => {
                assert_eq!(e.code(), code, "{e}");
                assert_eq!(e.status(), 400);
                assert!(e.request_id().is_some(), "{e}");
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn one_broken_file_does_not_stop_the_others_and_is_named_with_its_json_path() {
    let dir = std::env::temp_dir().join(format!("mock-roa-broken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let good = dir.join("demo/2020-01-01");
    let bad = dir.join("broken/2020-01-01");
    let unreadable = dir.join("empty/2020-01-01");
    for d in [&good, &bad, &unreadable] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::copy(
        fixture("specs/demo/2020-01-01/api-docs.json"),
        good.join("api-docs.json"),
    )
    .unwrap();
    std::fs::write(
        bad.join("api-docs.json"),
        r#"{"info":{"style":"ROA","product":"Broken","version":"2020-01-01"},"apis":{"X":{"path":"/x","parameters":[{"name":"a","in":"query","schema":{"maxItems":"many"}}]}}}"#,
    )
    .unwrap();
    std::fs::write(unreadable.join("api-docs.json"), "not json").unwrap();

    let c = Catalog::load_dir(&dir).unwrap();
    assert_eq!(c.loaded(), ["Demo 2020-01-01"]);
    assert_eq!(c.failed().len(), 2, "{:?}", c.failed());
    let broken = c.failed().iter().find(|f| f.contains("broken")).unwrap();
    assert!(
        broken.contains("apis.X.parameters[0].schema.maxItems"),
        "{broken}"
    );
    assert!(c.failed().iter().any(|f| f.contains("empty")));

    // Only broken files: an error that lists them.
    std::fs::remove_dir_all(&good).unwrap();
    let e = Catalog::load_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("apis.X.parameters[0].schema.maxItems"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn products_limit_what_is_loaded() {
    let c = Catalog::load_products(&fixture("specs"), &["CS".to_owned()]).unwrap();
    assert_eq!(c.loaded(), ["CS 2015-12-15"]);
    assert_eq!(c.operation_count(), 3);
    let e = MockServer::start(
        MockConfig::new()
            .specs_dir(fixture("specs"))
            .products(["cs", "nope"]),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("nope") && e.contains("available: cs, demo"),
        "{e}"
    );
    // The workspace's own specs and the ROA fixture side by side: the
    // default directory still serves R-kvstore (RPC) as before.
    let server = MockServer::start(MockConfig::new().products(["r-kvstore"]))
        .await
        .unwrap();
    assert_eq!(server.loaded_specs(), ["R-kvstore 2015-01-01"]);
}

/// The corpus: `ALIBABACLOUD_CORPUS`, else `../shared/api-specs-corpus`
/// beside the repository; `None` (and a line saying so) when neither exists.
fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ALIBABACLOUD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-specs-corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no metadata corpus at {} (set ALIBABACLOUD_CORPUS to run this test)",
            dir.display()
        );
        None
    }
}

/// A request path for `template`, every parameter given `value`.
fn fill(template: &str, value: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = template.split_once('?').unwrap_or((template, ""));
    let filled: Vec<String> = path
        .split('/')
        .map(|seg| {
            if (seg.starts_with('{') && seg.ends_with('}'))
                || (seg.starts_with('[') && seg.ends_with(']'))
            {
                value.to_owned()
            } else {
                seg.to_owned()
            }
        })
        .collect();
    let query = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    (filled.join("/"), query)
}

#[test]
fn every_corpus_operation_is_served_or_its_spec_skipped_with_a_reason() {
    let Some(dir) = corpus_dir() else { return };
    let whole = Catalog::load_dir(&dir).unwrap();
    assert!(whole.failed().is_empty(), "{:#?}", whole.failed());

    // Every corpus file is loaded, or skipped with its reason.
    let mut files = 0usize;
    let mut expected_ops = 0usize;
    let mut roa_specs = Vec::new();
    for product in std::fs::read_dir(&dir).unwrap() {
        let product = product.unwrap().path();
        if !product.is_dir() || product.ends_with("history") {
            continue;
        }
        for version in std::fs::read_dir(&product).unwrap() {
            let file = version.unwrap().path().join("api-docs.json");
            if !file.is_file() {
                continue;
            }
            files += 1;
            let docs = alibabacloud_spec::load(&file).unwrap();
            let label = format!("{} {}", docs.info.product, docs.info.version);
            let style = docs.info.style.clone().unwrap_or_default();
            if whole.loaded().contains(&label) {
                expected_ops += docs.apis.len();
                if style != "RPC" {
                    roa_specs.push(docs);
                }
            } else {
                assert!(
                    whole.skipped().iter().any(|s| s.starts_with(&label)),
                    "{label} neither loaded nor skipped"
                );
            }
        }
    }
    assert_eq!(whole.loaded().len() + whole.skipped().len(), files);
    assert_eq!(
        whole.operation_count(),
        expected_ops,
        "{:#?}",
        whole.skipped()
    );
    let skipped: Vec<&String> = whole.skipped().iter().collect();
    assert!(
        skipped.iter().all(|s| s.starts_with("Oss ")),
        "only OSS is skipped: {skipped:#?}"
    );

    // Every ROA operation is reached by its own method and path, its
    // action and version in the headers (as the SDKs send them).
    let mut routed = 0usize;
    for docs in &roa_specs {
        for (name, api) in &docs.apis {
            let template = api.path.as_deref().unwrap();
            let (path, query) = fill(template, "v1");
            for method in &api.methods {
                let method = method.to_ascii_uppercase();
                let (op, _) = whole
                    .route_roa(&method, &path, &query, Some(&docs.info.version), Some(name))
                    .unwrap_or_else(|_| panic!("{name}: {method} {template} not routed"));
                assert_eq!(op.action, *name, "{method} {template}");
                routed += 1;
            }
        }
    }
    assert!(routed >= 580, "{routed}");

    // Startup: the whole catalog against one product, same run.
    let one = Catalog::load_products(&dir, &["cs".to_owned()]).unwrap();
    let whole = Catalog::load_dir(&dir).unwrap();
    let (w, o) = (whole.load_time(), one.load_time());
    eprintln!(
        "mock startup: whole corpus {} specs / {} ops in {:?}; cs alone {} ops in {:?}; ratio {:.1}",
        whole.loaded().len(),
        whole.operation_count(),
        w,
        one.operation_count(),
        o,
        w.as_secs_f64() / o.as_secs_f64().max(1e-6)
    );
}

#[tokio::test]
async fn the_official_captures_are_served_from_the_real_cs_spec() {
    let Some(dir) = corpus_dir() else { return };
    for req in captured() {
        let server = MockServer::start(
            MockConfig::new()
                .specs_dir(&dir)
                .products(["cs"])
                .timestamp_tolerance(Duration::from_secs(20 * 365 * 86_400)),
        )
        .await
        .unwrap();
        let a = exchange(&server, &req.raw()).await;
        assert_eq!(a.status, 200, "{}: {}", req.operation, a.body);
        // The real example, with this answer's request id where it has one.
        let body = a.json();
        assert!(body.is_object(), "{}", a.body);
        if let Some(id) = body.get("request_id") {
            assert_eq!(id.as_str(), a.header("x-acs-request-id"));
        }
    }
}
