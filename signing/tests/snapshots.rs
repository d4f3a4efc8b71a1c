//! Snapshots of every stage for a few representative requests, so that a
//! change in any intermediate string shows up as a readable diff. The values
//! in these snapshots are also asserted against the oracle in `vectors.rs`
//! (same inputs as the cases named in each test).

use alibabacloud_signing::{v1, v3};

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn render_v1(s: &v1::V1Signed) -> String {
    format!(
        "== canonical_query\n{}\n== string_to_sign\n{}\n== signature\n{}\n",
        s.canonical_query, s.string_to_sign, s.signature
    )
}

fn render_v3(s: &v3::V3Signed) -> String {
    format!(
        "== hashed_payload\n{}\n== canonical_request\n{}\n== signed_headers\n{}\n== string_to_sign\n{}\n== signature\n{}\n== authorization\n{}\n",
        s.hashed_payload,
        s.canonical_request,
        s.signed_headers,
        s.string_to_sign,
        s.signature,
        s.authorization
    )
}

const T: &str = "2016-02-23T12:46:24Z";
const N: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";

/// v1.json case `doc-DescribeRegions-GET` (Alibaba's published example).
#[test]
fn v1_doc_describe_regions_get() {
    let params = v1::common_params("DescribeRegions", "2014-05-26", "testid", None, T, N, "XML");
    insta::assert_snapshot!(render_v1(&v1::sign("GET", &params, "testsecret")));
}

/// v1.json case `ModifySecurityGroupConfiguration-POST-form-body-STS`:
/// parameters in a form body, signed together with the query.
#[test]
fn v1_modify_security_group_configuration_post_form_body_sts() {
    let mut params = v1::common_params(
        "ModifySecurityGroupConfiguration",
        "2015-01-01",
        "testid",
        Some("CAIS+sts/token=="),
        T,
        N,
        "JSON",
    );
    params.extend(pairs(&[
        ("DBInstanceId", "r-bp1zxszhcgatnx****"),
        ("SecurityGroupId", "sg-1,sg-2"),
    ]));
    insta::assert_snapshot!(render_v1(&v1::sign("POST", &params, "testsecret")));
}

/// v3.json case `doc-RunInstances-POST` (Alibaba's published example).
#[test]
fn v3_doc_run_instances_post() {
    let query = pairs(&[
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
        ("RegionId", "cn-shanghai"),
    ]);
    let headers = pairs(&[
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
        ("x-acs-action", "RunInstances"),
        ("x-acs-version", "2014-05-26"),
        ("x-acs-date", "2023-10-26T10:22:32Z"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
    ]);
    let input = v3::V3Input {
        method: "POST",
        path: "/",
        query: &query,
        headers: &headers,
        payload: b"",
    };
    insta::assert_snapshot!(render_v3(&v3::sign(
        &input,
        "YourAccessKeyId",
        "YourAccessKeySecret"
    )));
}

/// v3.json case `headers-case-whitespace-multi`: header names in mixed case,
/// padded values, one name given twice, an empty value.
#[test]
fn v3_headers_case_whitespace_multi() {
    let query = pairs(&[
        ("DBInstanceId", "r-bp1zxszhcgatnx****"),
        ("SecurityGroupId", "sg-1,sg-2"),
    ]);
    let headers = pairs(&[
        ("host", "r-kvstore.aliyuncs.com"),
        ("x-acs-action", "ModifySecurityGroupConfiguration"),
        ("x-acs-version", "2015-01-01"),
        ("x-acs-date", T),
        ("x-acs-signature-nonce", N),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("X-Acs-Custom", "  padded value  "),
        ("x-acs-multi", "b"),
        ("X-ACS-MULTI", "a"),
        ("Content-Type", "  text/plain "),
        ("x-acs-empty", ""),
    ]);
    let input = v3::V3Input {
        method: "GET",
        path: "/",
        query: &query,
        headers: &headers,
        payload: b"",
    };
    insta::assert_snapshot!(render_v3(&v3::sign(&input, "testid", "testsecret")));
}
