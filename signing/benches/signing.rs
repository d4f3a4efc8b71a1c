//! Cost of a full `sign` (canonicalization included) next to the bare HMAC
//! of the same string-to-sign, measured in one run so the ratio is
//! meaningful on any machine. Request: r-kvstore ModifySecurityGroupConfiguration
//! with the parameters and headers the official SDK sends.
//!
//! Run: `cargo bench -p alibabacloud-signing`

use std::hint::black_box;
use std::time::Duration;

use alibabacloud_signing::{oss, v1, v3};
use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

const SECRET: &str = "testsecret";
const T: &str = "2016-02-23T12:46:24Z";
const N: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn bench_v1(c: &mut Criterion) {
    let mut params = v1::common_params(
        "ModifySecurityGroupConfiguration",
        "2015-01-01",
        "testid",
        None,
        T,
        N,
        "json",
    );
    params.extend(pairs(&[
        ("DBInstanceId", "r-bp1zxszhcgatnx****"),
        ("SecurityGroupId", "sg-bpcfmyiu4ekp****"),
    ]));
    let sts = v1::sign("POST", &params, SECRET).string_to_sign;
    let key = format!("{SECRET}&");

    let mut g = c.benchmark_group("v1");
    g.bench_function("sign", |b| {
        b.iter(|| v1::sign(black_box("POST"), black_box(&params), black_box(SECRET)))
    });
    g.bench_function("bare_hmac_sha1", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(black_box(key.as_bytes())).expect("any key");
            mac.update(black_box(sts.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    g.finish();
}

fn bench_v3(c: &mut Criterion) {
    let query = pairs(&[
        ("DBInstanceId", "r-bp1zxszhcgatnx****"),
        ("SecurityGroupId", "sg-bpcfmyiu4ekp****"),
    ]);
    let headers = pairs(&[
        ("host", "r-kvstore.aliyuncs.com"),
        ("x-acs-version", "2015-01-01"),
        ("x-acs-action", "ModifySecurityGroupConfiguration"),
        (
            "user-agent",
            "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
        ),
        ("x-acs-date", T),
        ("x-acs-signature-nonce", N),
        ("accept", "application/json"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("x-acs-credentials-provider", "static_ak"),
    ]);
    let input = v3::V3Input {
        method: "POST",
        path: "/",
        query: &query,
        headers: &headers,
        payload: b"",
    };
    let signed = v3::sign(&input, "testid", SECRET);
    let (sts, canonical) = (signed.string_to_sign, signed.canonical_request);

    let mut g = c.benchmark_group("v3");
    g.bench_function("sign", |b| {
        b.iter(|| v3::sign(black_box(&input), black_box("testid"), black_box(SECRET)))
    });
    g.bench_function("bare_hmac_sha256", |b| {
        b.iter(|| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(black_box(SECRET.as_bytes())).expect("any key");
            mac.update(black_box(sts.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    // The hashing V3 cannot avoid: SHA-256 of the payload and of the
    // canonical request, then the HMAC. The floor for `sign`.
    g.bench_function("crypto_floor", |b| {
        b.iter(|| {
            let payload = Sha256::digest(black_box(b"".as_slice()));
            let cr = Sha256::digest(black_box(canonical.as_bytes()));
            let mut mac =
                Hmac::<Sha256>::new_from_slice(black_box(SECRET.as_bytes())).expect("any key");
            mac.update(black_box(sts.as_bytes()));
            (payload, cr, mac.finalize().into_bytes())
        })
    });
    g.finish();
}

/// OSS V4: a PutObject with metadata, signed in full, with a cached signing
/// key (what a client holding the key for the day pays) and as a presigned URL.
fn bench_oss(c: &mut Criterion) {
    let headers = [
        ("Content-Type", "text/plain"),
        ("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="),
        ("x-oss-meta-author", "alice"),
        ("x-oss-storage-class", "Standard"),
        ("Host", "bucket.oss-cn-hangzhou.aliyuncs.com"),
    ];
    let req = oss::OssRequest {
        method: "PUT",
        bucket: Some("bucket"),
        key: Some("dir/sub dir/中文 file.txt"),
        query: &[("x-oss-process", Some("image/resize,w_100"))],
        headers: &headers,
    };
    let cred = oss::V4Credentials {
        access_key_id: "testid",
        secret: SECRET,
        security_token: None,
    };
    let (dt, region) = ("20231203T121212Z", "cn-hangzhou");
    let key = oss::v4_signing_key(SECRET, "20231203", region, "oss");

    let mut g = c.benchmark_group("oss_v4");
    g.bench_function("sign", |b| {
        b.iter(|| oss::v4_sign(black_box(&req), &cred, region, "oss", dt, &["host"]))
    });
    g.bench_function("sign_with_key", |b| {
        b.iter(|| oss::v4_sign_with_key(black_box(&req), &cred, &key, region, "oss", dt, &["host"]))
    });
    g.bench_function("presign", |b| {
        b.iter(|| oss::v4_presign(black_box(&req), &cred, region, "oss", dt, 3600, &[]))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_secs(1));
    targets = bench_v1, bench_v3, bench_oss
}
criterion_main!(benches);
