//! Every stage of OSS V4 and V1 signing against vectors computed by Alibaba's
//! official OSS SDK (`tests/vectors/oss/make_vectors.py` drives its
//! `SignerV4` / `SignerV1`; nothing in the JSON files comes from this crate).

use alibabacloud_signing::oss::{self, OssRequest, PresignError, V4Credentials};
use serde::Deserialize;

#[derive(Deserialize)]
struct File<C> {
    meta: Meta,
    cases: Vec<C>,
}

#[derive(Deserialize)]
struct Meta {
    package: String,
    version: String,
}

fn load<C: for<'de> Deserialize<'de>>(file: &str, min_cases: usize) -> Vec<C> {
    let path = format!("{}/tests/vectors/oss/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let f: File<C> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"));
    assert_eq!(f.meta.package, "alibabacloud-oss-v2", "{file}");
    assert!(!f.meta.version.is_empty(), "{file}");
    assert!(
        f.cases.len() >= min_cases,
        "{file}: {} cases, expected at least {min_cases}",
        f.cases.len()
    );
    f.cases
}

/// The request parts shared by every kind of case.
#[derive(Deserialize)]
struct Req {
    name: String,
    method: String,
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, Option<String>)>,
    headers: Vec<(String, String)>,
}

/// Borrowed views of a [`Req`], kept alive while the request is signed.
struct Views<'a> {
    query: Vec<(&'a str, Option<&'a str>)>,
    headers: Vec<(&'a str, &'a str)>,
}

impl Req {
    fn views(&self) -> Views<'_> {
        Views {
            query: self
                .query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_deref()))
                .collect(),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    fn request<'a>(&'a self, v: &'a Views<'a>) -> OssRequest<'a> {
        OssRequest {
            method: &self.method,
            bucket: self.bucket.as_deref(),
            key: self.key.as_deref(),
            query: &v.query,
            headers: &v.headers,
        }
    }
}

fn encoded(query: &[(String, String)]) -> String {
    let mut out = String::new();
    alibabacloud_signing::encode_query_into(&mut out, query);
    out
}

#[derive(Deserialize)]
struct V4Case {
    #[serde(flatten)]
    req: Req,
    access_key_id: String,
    secret: String,
    security_token: Option<String>,
    region: String,
    product: String,
    datetime: String,
    additional_headers: Vec<String>,
    #[serde(default)]
    expires_secs: u64,
    expected: V4Expected,
}

#[derive(Deserialize)]
struct V4Expected {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    #[serde(default)]
    authorization: String,
    #[serde(default)]
    x_oss_date: String,
    #[serde(default)]
    query: Vec<(String, String)>,
    #[serde(default)]
    query_encoded: String,
}

impl V4Case {
    fn cred(&self) -> V4Credentials<'_> {
        V4Credentials {
            access_key_id: &self.access_key_id,
            secret: &self.secret,
            security_token: self.security_token.as_deref(),
        }
    }

    fn additional(&self) -> Vec<&str> {
        self.additional_headers.iter().map(String::as_str).collect()
    }
}

#[test]
fn v4_header_vectors() {
    let cases: Vec<V4Case> = load("v4_header.json", 200);
    for c in &cases {
        let n = &c.req.name;
        let views = c.req.views();
        let req = c.req.request(&views);
        let cred = c.cred();
        let s = oss::v4_sign(
            &req,
            &cred,
            &c.region,
            &c.product,
            &c.datetime,
            &c.additional(),
        );
        let e = &c.expected;
        assert_eq!(e.x_oss_date, c.datetime, "{n}: x-oss-date");
        assert_eq!(
            s.canonical_request, e.canonical_request,
            "{n}: canonical request"
        );
        assert_eq!(s.string_to_sign, e.string_to_sign, "{n}: string to sign");
        assert_eq!(s.signature, e.signature, "{n}: signature");
        assert_eq!(s.authorization, e.authorization, "{n}: authorization");

        let date = c.datetime.get(..8).unwrap_or(&c.datetime);
        let key = oss::v4_signing_key(&c.secret, date, &c.region, &c.product);
        let k = oss::v4_sign_with_key(
            &req,
            &cred,
            &key,
            &c.region,
            &c.product,
            &c.datetime,
            &c.additional(),
        );
        assert_eq!(k, s, "{n}: with a cached key");
    }
}

#[test]
fn v4_presign_vectors() {
    let cases: Vec<V4Case> = load("v4_presign.json", 200);
    for c in &cases {
        let n = &c.req.name;
        let views = c.req.views();
        let req = c.req.request(&views);
        let p = oss::v4_presign(
            &req,
            &c.cred(),
            &c.region,
            &c.product,
            &c.datetime,
            c.expires_secs,
            &c.additional(),
        )
        .unwrap_or_else(|e| panic!("{n}: {e}"));
        let e = &c.expected;
        assert_eq!(
            p.canonical_request, e.canonical_request,
            "{n}: canonical request"
        );
        assert_eq!(p.string_to_sign, e.string_to_sign, "{n}: string to sign");
        assert_eq!(p.signature, e.signature, "{n}: signature");
        assert_eq!(p.query, e.query, "{n}: presigned query");
        assert_eq!(encoded(&p.query), e.query_encoded, "{n}: encoded query");
    }
}

#[derive(Deserialize)]
struct V1Case {
    #[serde(flatten)]
    req: Req,
    access_key_id: String,
    secret: String,
    sub_resources: Vec<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    security_token: Option<String>,
    #[serde(default)]
    expires_epoch_secs: u64,
    expected: V1Expected,
}

#[derive(Deserialize)]
struct V1Expected {
    string_to_sign: String,
    signature: String,
    #[serde(default)]
    authorization: String,
    #[serde(default)]
    query: Vec<(String, String)>,
    #[serde(default)]
    query_encoded: String,
}

#[test]
fn v1_header_vectors() {
    let cases: Vec<V1Case> = load("v1_header.json", 200);
    for c in &cases {
        let n = &c.req.name;
        let views = c.req.views();
        let req = c.req.request(&views);
        let subs: Vec<&str> = c.sub_resources.iter().map(String::as_str).collect();
        let s = oss::v1_sign_with_sub_resources(&req, &c.access_key_id, &c.secret, &c.date, &subs);
        let e = &c.expected;
        assert_eq!(s.string_to_sign, e.string_to_sign, "{n}: string to sign");
        assert_eq!(
            oss::v1_string_to_sign(&req, &c.date, &subs),
            e.string_to_sign,
            "{n}: string to sign alone"
        );
        assert_eq!(s.signature, e.signature, "{n}: signature");
        assert_eq!(s.authorization, e.authorization, "{n}: authorization");
        if subs.is_empty() {
            let plain = oss::v1_sign(&req, &c.access_key_id, &c.secret, &c.date);
            assert_eq!(plain, s, "{n}: v1_sign");
        }
    }
}

#[test]
fn v1_presign_vectors() {
    let cases: Vec<V1Case> = load("v1_presign.json", 200);
    for c in &cases {
        let n = &c.req.name;
        let views = c.req.views();
        let req = c.req.request(&views);
        let subs: Vec<&str> = c.sub_resources.iter().map(String::as_str).collect();
        let p = oss::v1_presign_with_sub_resources(
            &req,
            &c.access_key_id,
            &c.secret,
            c.security_token.as_deref(),
            c.expires_epoch_secs,
            &subs,
        );
        let e = &c.expected;
        assert_eq!(p.string_to_sign, e.string_to_sign, "{n}: string to sign");
        assert_eq!(p.signature, e.signature, "{n}: signature");
        assert_eq!(p.query, e.query, "{n}: presigned query");
        assert_eq!(encoded(&p.query), e.query_encoded, "{n}: encoded query");
        if subs.is_empty() {
            let plain = oss::v1_presign(
                &req,
                &c.access_key_id,
                &c.secret,
                c.security_token.as_deref(),
                c.expires_epoch_secs,
            );
            assert_eq!(plain, p, "{n}: v1_presign");
        }
    }
}

#[derive(Deserialize)]
struct PolicyCase {
    name: String,
    policy_base64: String,
    secret: String,
    date: String,
    region: String,
    product: String,
    expected_signature: String,
}

#[test]
fn post_policy_vectors() {
    let cases: Vec<PolicyCase> = load("post_policy.json", 50);
    for c in &cases {
        let sig = oss::v4_post_policy_signature(
            &c.policy_base64,
            &c.secret,
            &c.date,
            &c.region,
            &c.product,
        );
        assert_eq!(sig, c.expected_signature, "{}", c.name);
    }
}

#[test]
fn presign_refuses_zero_and_over_seven_days() {
    let req = OssRequest {
        method: "GET",
        bucket: Some("b"),
        key: Some("k"),
        query: &[],
        headers: &[],
    };
    let cred = V4Credentials {
        access_key_id: "ak",
        secret: "sk",
        security_token: None,
    };
    let presign = |secs| {
        oss::v4_presign(
            &req,
            &cred,
            "cn-hangzhou",
            "oss",
            "20231203T121212Z",
            secs,
            &[],
        )
    };
    assert_eq!(presign(0).unwrap_err(), PresignError::ZeroExpires);
    let too_long = presign(604_801).unwrap_err();
    assert_eq!(
        too_long,
        PresignError::ExpiresTooLong {
            expires_secs: 604_801,
            max_secs: oss::MAX_PRESIGN_EXPIRES_SECS
        }
    );
    let msg = too_long.to_string();
    assert!(msg.contains("604801") && msg.contains("604800"), "{msg}");
    let ok = presign(604_800).expect("7 days is accepted");
    assert!(ok
        .query
        .contains(&("x-oss-expires".to_owned(), "604800".to_owned())));
}
