//! The ModifySecurityGroupConfiguration request our SDK sends is, parameter
//! for parameter, the one Alibaba's official Python SDK sent in
//! `../shared/oracle/captured_request.txt` (same key, timestamp and nonce),
//! by signature V1 and V3, with and without an STS token.

mod support;

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::{Config, SignatureVersion};
use std::time::{Duration, UNIX_EPOCH};
use support::{query_pairs, CaptureTransport};

/// One "new SDK" request from the capture file.
#[derive(Debug)]
struct Captured {
    v3: bool,
    port: u16,
    token: Option<String>,
    request_line: String,
    headers: Vec<(String, String)>,
}

fn captured_requests() -> Vec<Captured> {
    // The official SDKs' wire requests, captured by `../shared/oracle`.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../signing/tests/vectors/captured_request.txt"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    let mut token = None;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(inputs) = line.strip_prefix("# inputs: ") {
            token = inputs
                .split_once("SecurityToken=")
                .map(|(_, rest)| rest.split(' ').next().unwrap_or(""))
                .filter(|t| *t != "None")
                .map(|t| t.trim_matches('\'').to_string());
        }
        let Some(title) = line.strip_prefix("===== new SDK, signature ") else {
            continue;
        };
        let port = title
            .rsplit_once("(port ")
            .and_then(|(_, p)| p.trim_end_matches(')').parse().ok())
            .expect("port in section title");
        let request_line = lines.next().unwrap().to_string();
        let mut headers = Vec::new();
        for h in lines.by_ref() {
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(": ").unwrap();
            headers.push((k.to_ascii_lowercase(), v.to_string()));
        }
        out.push(Captured {
            v3: title.starts_with("V3"),
            port,
            token: token.clone(),
            request_line,
            headers,
        });
    }
    out
}

async fn ours(c: &Captured) -> alibabacloud_sdk::transport::HttpRequest {
    let transport =
        CaptureTransport::new(r#"{"RequestId":"147CAC09-E8C6-43F8-9599-982A43D6ABCD"}"#);
    let mut credentials = Credentials::new("testid", "testsecret");
    if let Some(t) = &c.token {
        credentials = credentials.with_security_token(t.clone());
    }
    let client = Client::new(
        Config::builder()
            .endpoint(format!("http://127.0.0.1:{}", c.port))
            .allow_http(true)
            .credentials(credentials)
            .signature_version(if c.v3 {
                SignatureVersion::V3
            } else {
                SignatureVersion::V1
            })
            // 2016-02-23T12:46:24Z and the nonce of the capture.
            .clock(|| UNIX_EPOCH + Duration::from_secs(1_456_231_584))
            .nonce_source(|| "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf".to_string())
            .transport(transport.clone())
            .build()
            .unwrap(),
    );
    client
        .modify_security_group_configuration()
        .db_instance_id("r-bp1zxszhcgatnx****")
        .security_group_id("sg-bpcfmyiu4ekp****")
        .send()
        .await
        .unwrap();
    transport.requests().remove(0)
}

#[tokio::test]
async fn same_request_as_the_official_sdk() {
    let captured = captured_requests();
    assert_eq!(captured.len(), 4, "V1 and V3, with and without token");
    for c in &captured {
        let sent = ours(c).await;
        let (method, target) = {
            let mut parts = c.request_line.split(' ');
            (parts.next().unwrap(), parts.next().unwrap())
        };
        assert_eq!(sent.method, method);
        let our_target = sent
            .url
            .split_once(&format!("127.0.0.1:{}", c.port))
            .unwrap()
            .1;
        assert_eq!(
            query_pairs(our_target),
            query_pairs(target),
            "V{} token={:?}: query parameters (V1: signature included)",
            if c.v3 { 3 } else { 1 },
            c.token
        );
        assert_eq!(
            our_target.split('?').next(),
            target.split('?').next(),
            "path"
        );
        let header = |name: &str| {
            c.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        for name in [
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-security-token",
            "x-acs-accesskey-id",
            "accept",
        ] {
            assert_eq!(sent.header(name), header(name), "header {name}");
        }
        assert!(sent.body.is_empty(), "parameters travel in the query");
        if c.v3 {
            let auth = sent.header("authorization").expect("V3 signs in a header");
            assert!(
                auth.starts_with("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders="),
                "{auth}"
            );
        } else {
            assert!(sent.header("authorization").is_none());
        }
    }
}
