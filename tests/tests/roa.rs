//! ROA (resource-oriented) calls through the runtime: path templates with
//! percent-encoded segments, JSON bodies, V3 signing in headers. The
//! descriptors mirror CS 2015-12-15 operations (`DescribeClusterDetail`,
//! `ModifyClusterTags`) as the generator emits them.

mod support;

use alibabacloud_sdk::__private::client::Client;
use alibabacloud_sdk::__private::operation::{ApiStyle, OperationDescriptor, ProductDescriptor};
use alibabacloud_sdk::__private::params::{Location, Params};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::Error;
use alibabacloud_sdk::{Config, SignatureVersion};
use sha2::{Digest, Sha256};
use support::CaptureTransport;

static CS: ProductDescriptor = ProductDescriptor {
    name: "CS",
    code: "cs",
    version: "2015-12-15",
    style: ApiStyle::Roa,
    endpoints: &[],
};

static DESCRIBE_CLUSTER_DETAIL: OperationDescriptor = OperationDescriptor {
    product: &CS,
    action: "DescribeClusterDetail",
    methods: &["GET"],
    path: "/clusters/{ClusterId}",
    auth: &["AK"],
    operation_type: "read",
    ram_action: None,
    ram_access_level: None,
    deprecated: false,
    response_body: true,
};

static MODIFY_CLUSTER_TAGS: OperationDescriptor = OperationDescriptor {
    product: &CS,
    action: "ModifyClusterTags",
    methods: &["POST"],
    path: "/clusters/{ClusterId}/tags",
    auth: &["AK"],
    operation_type: "write",
    ram_action: None,
    ram_access_level: None,
    deprecated: false,
    response_body: true,
};

fn client(transport: &CaptureTransport, signature: SignatureVersion) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .signature_version(signature)
            .transport(transport.clone())
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn path_segments_are_percent_encoded_and_signed_with_v3() {
    let transport = CaptureTransport::new(r#"{"cluster_id":"c/1 x"}"#);
    // Even with V1 configured: ROA has no V1 form, so V3 is used.
    let c = client(&transport, SignatureVersion::V1);
    let mut params = Params::default();
    params.plain(Location::Path, "ClusterId", &Some("c/1 x~".to_string()));
    let response = c
        .execute_raw(&DESCRIBE_CLUSTER_DETAIL, &params)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
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
    let c = client(&transport, SignatureVersion::V3);
    let mut params = Params::default();
    params.plain(Location::Path, "ClusterId", &Some("c1".to_string()));
    let tags = vec![serde_json::json!({"key": "env", "value": "prod"})];
    params.json(Location::Body, "body", &tags);
    c.execute_raw(&MODIFY_CLUSTER_TAGS, &params).await.unwrap();
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
    let c = client(&transport, SignatureVersion::V3);
    let err = c
        .execute_raw(&DESCRIBE_CLUSTER_DETAIL, &Params::default())
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
    let c = client(&transport, SignatureVersion::V3);
    for bad in ["", ".", ".."] {
        let mut params = Params::default();
        params.plain(Location::Path, "ClusterId", &Some(bad.to_string()));
        let err = c
            .execute_raw(&DESCRIBE_CLUSTER_DETAIL, &params)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("would change the resource path"),
            "{err}"
        );
    }
    assert!(transport.requests().is_empty());
}
