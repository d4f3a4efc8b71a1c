//! ROA (resource-oriented) calls of a generated product, CS 2015-12-15,
//! through its public client: path templates with percent-encoded segments,
//! JSON bodies, V3 signing in headers, and path values refused before
//! sending.
//!
//! Needs the `catalog` feature, which compiles the CS module:
//! `cargo test -p alibabacloud-tests --features catalog --test roa`.

mod support;

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::cs::types::Tag;
use alibabacloud_sdk::cs::Client;
use alibabacloud_sdk::error::{Error, ValidationProblem};
use alibabacloud_sdk::{Config, SignatureVersion};
use sha2::{Digest, Sha256};
use support::CaptureTransport;

fn client(transport: &CaptureTransport, signature: SignatureVersion, validate: bool) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .signature_version(signature)
            .validate_requests(validate)
            .transport(transport.clone())
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn path_segments_are_percent_encoded_and_signed_with_v3() {
    let transport = CaptureTransport::new(r#"{"cluster_id":"c/1 x"}"#);
    // Even with V1 configured: ROA has no V1 form, so V3 is used.
    let c = client(&transport, SignatureVersion::V1, true);
    let out = c
        .describe_cluster_detail()
        .cluster_id("c/1 x~")
        .send()
        .await
        .unwrap();
    assert_eq!(out.cluster_id(), Some("c/1 x"));
    let sent = &transport.requests()[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(
        sent.url,
        "https://cs.cn-hangzhou.aliyuncs.com/clusters/c%2F1%20x~"
    );
    assert_eq!(sent.header("x-acs-action"), Some("DescribeClusterDetail"));
    assert_eq!(sent.header("x-acs-version"), Some("2015-12-15"));
    assert!(sent
        .header("authorization")
        .unwrap()
        .starts_with("ACS3-HMAC-SHA256 Credential=testid,"));
    assert!(!sent.url.contains("Signature="));
}

#[tokio::test]
async fn json_body_travels_whole_with_its_hash() {
    let transport = CaptureTransport::new(r#"{}"#);
    let c = client(&transport, SignatureVersion::V3, true);
    c.modify_cluster_tags()
        .cluster_id("c1")
        .body([Tag::default().with_key("env").with_value("prod")])
        .send()
        .await
        .unwrap();
    let sent = &transport.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.url,
        "https://cs.cn-hangzhou.aliyuncs.com/clusters/c1/tags"
    );
    assert_eq!(sent.body, br#"[{"key":"env","value":"prod"}]"#);
    assert_eq!(
        sent.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let hash = hex::encode(Sha256::digest(&sent.body));
    assert_eq!(sent.header("x-acs-content-sha256"), Some(hash.as_str()));
    let auth = sent.header("authorization").unwrap();
    assert!(
        auth.contains("content-type;"),
        "the content type is signed: {auth}"
    );
}

#[tokio::test]
async fn unset_path_parameter_is_a_clear_error() {
    let transport = CaptureTransport::new("{}");
    // Validated: the spec says ClusterId is required.
    let err = client(&transport, SignatureVersion::V3, true)
        .describe_cluster_detail()
        .send()
        .await
        .unwrap_err();
    let Error::Validation(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.parameter(), "ClusterId");
    assert_eq!(e.problem(), &ValidationProblem::Missing);
    // Not validated: the runtime still cannot build the path.
    let err = client(&transport, SignatureVersion::V3, false)
        .describe_cluster_detail()
        .send()
        .await
        .unwrap_err();
    let Error::Config(e) = &err else {
        panic!("{err:?}")
    };
    assert!(
        e.to_string()
            .contains("DescribeClusterDetail: path parameter {ClusterId} is not set"),
        "{e}"
    );
    assert!(transport.requests().is_empty());
}

#[tokio::test]
async fn path_values_that_would_change_the_resource_are_refused() {
    let transport = CaptureTransport::new("{}");
    let c = client(&transport, SignatureVersion::V3, false);
    for bad in ["", ".", ".."] {
        let err = c
            .describe_cluster_detail()
            .cluster_id(bad)
            .send()
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("would change the resource path"),
            "{bad:?}: {err}"
        );
    }
    assert!(transport.requests().is_empty());
}
