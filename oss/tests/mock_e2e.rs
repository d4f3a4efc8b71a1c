//! The OSS client against the workspace's mock, over real HTTP on
//! loopback: every request signed (V4, and V1 where named) and checked by
//! the mock, objects stored, errors in OSS's XML.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_oss::error::Error;
use alibabacloud_oss::{crc64, Body, Client, Credentials, OssErrorKind, OssSignatureVersion};
use futures_util::StreamExt;

async fn server() -> MockServer {
    MockServer::start(MockConfig::new())
        .await
        .expect("mock starts")
}

fn client_for(server: &MockServer, version: OssSignatureVersion) -> Client {
    Client::builder()
        .region("cn-hangzhou")
        .endpoint(server.url())
        .credentials(Credentials::new("testid", "testsecret"))
        .signature_version(version)
        .retry_base_delay(Duration::from_millis(10))
        .build()
        .expect("client builds")
}

/// Deterministic bytes that differ at every offset that matters.
fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

fn service_code(e: &Error) -> &str {
    e.code()
        .unwrap_or_else(|| panic!("expected a service error, got {e:?}"))
}

#[tokio::test]
async fn objects_round_trip_with_both_signatures() {
    let server = server().await;
    for (bucket, version) in [
        ("e2e-v4", OssSignatureVersion::V4),
        ("e2e-v1", OssSignatureVersion::V1),
    ] {
        let client = client_for(&server, version);
        client.create_bucket(bucket).send().await.unwrap();
        let err = client.create_bucket(bucket).send().await.unwrap_err();
        assert_eq!(service_code(&err), "BucketAlreadyExists", "{version:?}");

        let body = data(300_000, 7);
        let put = client
            .put_object(bucket, "dir/a b+c.bin")
            .body(body.clone())
            .content_type("application/x-test")
            .metadata("Owner", "ops")
            .send()
            .await
            .unwrap();
        assert_eq!(put.crc64(), Some(crc64(&body)), "{version:?}");
        assert!(put.etag().is_some());

        let got = client
            .get_object(bucket, "dir/a b+c.bin")
            .send()
            .await
            .unwrap();
        assert_eq!(got.meta().content_type(), Some("application/x-test"));
        assert_eq!(
            got.meta().metadata().get("owner").map(String::as_str),
            Some("ops")
        );
        assert_eq!(got.meta().crc64(), Some(crc64(&body)));
        let bytes = got.into_body().collect().await.unwrap();
        assert_eq!(&bytes[..], &body[..], "{version:?}");

        let head = client
            .head_object(bucket, "dir/a b+c.bin")
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_length(), Some(body.len() as u64));

        client
            .delete_object(bucket, "dir/a b+c.bin")
            .send()
            .await
            .unwrap();
        let err = client
            .head_object(bucket, "dir/a b+c.bin")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.service_error().unwrap().kind(), OssErrorKind::NoSuchKey);
    }
}

#[tokio::test]
async fn ranges_conditions_and_typed_errors() {
    let server = server().await;
    let client = client_for(&server, OssSignatureVersion::V4);
    client.create_bucket("e2e-ranges").send().await.unwrap();
    let body = data(10_000, 3);
    let put = client
        .put_object("e2e-ranges", "k")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let etag = put.etag().unwrap().to_string();

    let part = client
        .get_object("e2e-ranges", "k")
        .range(100..200)
        .send()
        .await
        .unwrap();
    assert_eq!(part.content_range(), Some("bytes 100-199/10000"));
    assert_eq!(
        &part.into_body().collect().await.unwrap()[..],
        &body[100..200]
    );
    let tail = client
        .get_object("e2e-ranges", "k")
        .range(9_990..)
        .send()
        .await
        .unwrap();
    assert_eq!(
        &tail.into_body().collect().await.unwrap()[..],
        &body[9_990..]
    );

    let err = client
        .get_object("e2e-ranges", "k")
        .range(20_000..)
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&err), "InvalidRange");
    let err = client
        .get_object("e2e-ranges", "k")
        .if_match("\"nope\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&err), "PreconditionFailed");
    let err = client
        .get_object("e2e-ranges", "k")
        .if_none_match(&etag)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().status(), 304);
    assert!(client
        .get_object("e2e-ranges", "k")
        .if_match(&etag)
        .send()
        .await
        .is_ok());

    let err = client
        .get_object("e2e-ranges", "missing")
        .send()
        .await
        .unwrap_err();
    let e = err.service_error().unwrap();
    assert_eq!((e.code(), e.status()), ("NoSuchKey", 404));
    assert!(e.request_id().is_some(), "{e:?}");
    let err = client
        .get_object("no-such-bucket", "k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&err), "NoSuchBucket");

    // Caught before sending, naming the parameter.
    let err = client
        .get_object("Bad_Bucket", "k")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("invalid `bucket`"), "{err}");
    let err = client
        .put_object("e2e-ranges", "/abs")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("invalid `key`"), "{err}");
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let server = server().await;
    let good = client_for(&server, OssSignatureVersion::V4);
    good.create_bucket("e2e-sig").send().await.unwrap();
    for version in [OssSignatureVersion::V4, OssSignatureVersion::V1] {
        let bad = Client::builder()
            .region("cn-hangzhou")
            .endpoint(server.url())
            .credentials(Credentials::new("testid", "not-the-secret"))
            .signature_version(version)
            .build()
            .unwrap();
        let err = bad
            .put_object("e2e-sig", "k")
            .body("x")
            .send()
            .await
            .unwrap_err();
        assert_eq!(service_code(&err), "SignatureDoesNotMatch", "{version:?}");
        // Nothing was written.
        assert!(good.head_object("e2e-sig", "k").send().await.is_err());
    }
}

#[tokio::test]
async fn listing_pages_and_batch_delete_and_copy() {
    let server = server().await;
    let client = client_for(&server, OssSignatureVersion::V4);
    client.create_bucket("e2e-list").send().await.unwrap();
    let keys = ["a/1", "a/2", "a/sub/3", "b/4", "c 5", "ü/6"];
    for k in keys {
        client
            .put_object("e2e-list", k)
            .body(k.to_string())
            .send()
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut stream = Box::pin(client.list_objects_v2("e2e-list").max_keys(2).into_pages());
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        pages += 1;
        seen.extend(page.contents().iter().map(|o| o.key().to_string()));
    }
    let mut want: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(seen, want);
    assert_eq!(pages, 3);

    let page = client
        .list_objects_v2("e2e-list")
        .prefix("a/")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let direct: Vec<&str> = page.contents().iter().map(|o| o.key()).collect();
    assert_eq!(direct, ["a/1", "a/2"]);
    assert_eq!(page.common_prefixes().collect::<Vec<_>>(), ["a/sub/"]);

    let etag = client
        .copy_object("e2e-list", "copied")
        .source("e2e-list", "c 5")
        .send()
        .await
        .unwrap();
    assert!(etag.is_some());
    let copied = client
        .get_object("e2e-list", "copied")
        .send()
        .await
        .unwrap();
    assert_eq!(&copied.into_body().collect().await.unwrap()[..], b"c 5");

    let mut deleted = client
        .delete_objects("e2e-list")
        .keys(keys)
        .key("copied")
        .send()
        .await
        .unwrap();
    deleted.sort();
    assert_eq!(deleted.len(), keys.len() + 1);
    let page = client.list_objects_v2("e2e-list").send().await.unwrap();
    assert!(page.contents().is_empty());
    client.delete_bucket("e2e-list").await.unwrap();
}

#[tokio::test]
async fn multipart_upload_and_parallel_download_check_crc64() {
    let server = server().await;
    let client = client_for(&server, OssSignatureVersion::V4);
    client.create_bucket("e2e-mp").send().await.unwrap();
    let dir = tempdir("mp");
    let src = dir.join("src.bin");
    let body = data(2 * 1024 * 1024 + 12_345, 11);
    std::fs::write(&src, &body).unwrap();

    let calls = Arc::new(AtomicU64::new(0));
    let last = Arc::new(AtomicU64::new(0));
    let (c, l) = (calls.clone(), last.clone());
    let out = client
        .upload("e2e-mp", "big.bin")
        .file(&src)
        .part_size(512 * 1024)
        .concurrency(3)
        .progress(move |p| {
            c.fetch_add(1, Ordering::Relaxed);
            l.fetch_max(p.transferred, Ordering::Relaxed);
            assert_eq!(p.total, Some(2 * 1024 * 1024 + 12_345));
        })
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts(), 5);
    assert_eq!(out.crc64(), Some(crc64(&body)));
    assert_eq!(last.load(Ordering::Relaxed), body.len() as u64);
    assert!(calls.load(Ordering::Relaxed) >= 5);
    assert!(out.etag().unwrap().ends_with("-5\""), "{:?}", out.etag());

    let dst = dir.join("dst.bin");
    let down = client
        .download("e2e-mp", "big.bin")
        .to_file(&dst)
        .part_size(300 * 1024)
        .concurrency(4)
        .send()
        .await
        .unwrap();
    assert_eq!(down.size(), body.len() as u64);
    assert_eq!(down.crc64(), Some(crc64(&body)));
    assert_eq!(std::fs::read(&dst).unwrap(), body);

    // A stream of unknown length goes up in parts too.
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = body
        .chunks(70_000)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let out = client
        .upload("e2e-mp", "streamed.bin")
        .stream(futures_util::stream::iter(chunks))
        .part_size(1024 * 1024)
        .send()
        .await
        .unwrap();
    assert_eq!(out.crc64(), Some(crc64(&body)));
    assert!(out.parts() >= 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_failed_part_aborts_the_upload_or_keeps_it_for_resuming() {
    let server = server().await;
    let client = client_for(&server, OssSignatureVersion::V4);
    client.create_bucket("e2e-fail").send().await.unwrap();
    let dir = tempdir("fail");
    let src = dir.join("src.bin");
    let body = data(1024 * 1024, 5);
    std::fs::write(&src, &body).unwrap();
    let failing = || {
        FaultPlan::new().rule(
            FaultRule::new(Fault::error(
                400,
                "InvalidArgument",
                "part refused by the test",
            ))
            .action("UploadPart")
            .times(1),
        )
    };

    // No checkpoint: the upload is aborted, no parts stay behind.
    server.set_faults(&failing());
    let err = client
        .upload("e2e-fail", "obj")
        .file(&src)
        .part_size(200 * 1024)
        .concurrency(1)
        .send()
        .await
        .unwrap_err();
    let Error::Transfer(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.upload_aborted(), "{err}");
    assert_eq!(t.cause().code(), Some("InvalidArgument"));
    assert!(err.to_string().contains("part 1 of 6"), "{err}");
    let mut uploads = Box::pin(client.list_multipart_uploads("e2e-fail", None));
    assert!(uploads.next().await.unwrap().unwrap().is_empty());
    assert!(client.head_object("e2e-fail", "obj").send().await.is_err());

    // With a checkpoint: kept, then resumed without resending done parts.
    // The bandwidth limit makes each part take ~0.25 s, so the fault can be
    // installed after the third part reliably.
    let cp = dir.join("checkpoints");
    server.set_faults(&FaultPlan::new());
    let before = server.fault_stats().requests_for("UploadPart");
    let slow = client
        .upload("e2e-fail", "obj")
        .file(&src)
        .part_size(200 * 1024)
        .concurrency(1)
        .bandwidth_limit(800 * 1024)
        .checkpoint_dir(&cp);
    let task = tokio::spawn(slow.send());
    while server.fault_stats().requests_for("UploadPart") < before + 3 && !task.is_finished() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.set_faults(&failing());
    let first = task.await.unwrap();
    server.set_faults(&FaultPlan::new());
    let err = first.expect_err("a part fails after three went through");
    let Error::Transfer(t) = &err else {
        panic!("{err:?}")
    };
    assert!(!t.upload_aborted(), "{err}");
    let out = client
        .upload("e2e-fail", "obj")
        .file(&src)
        .part_size(200 * 1024)
        .checkpoint_dir(&cp)
        .send()
        .await
        .unwrap();
    assert!(out.resumed_parts() >= 1, "{out:?}");
    assert_eq!(out.crc64(), Some(crc64(&body)));
    let got = client.get_object("e2e-fail", "obj").send().await.unwrap();
    assert_eq!(&got.into_body().collect().await.unwrap()[..], &body[..]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_truncated_download_is_an_error_not_a_short_file() {
    let server = server().await;
    let client = client_for(&server, OssSignatureVersion::V4);
    client.create_bucket("e2e-trunc").send().await.unwrap();
    let body = data(500_000, 9);
    client
        .put_object("e2e-trunc", "k")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let plan = FaultPlan::new().rule(
        FaultRule::new(Fault::TruncatedBody { keep: 1000 })
            .action("GetObject")
            .times(10),
    );
    server.set_faults(&plan);
    let got = client.get_object("e2e-trunc", "k").send().await.unwrap();
    let err = got.into_body().collect().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Integrity(alibabacloud_oss::IntegrityError::Truncated { received: 1000, .. })
        ),
        "{err:?}"
    );

    let dir = tempdir("trunc");
    let dst = dir.join("out.bin");
    let err = client
        .download("e2e-trunc", "k")
        .to_file(&dst)
        .part_size(200 * 1024)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transfer(_)), "{err:?}");
    assert!(
        !dst.exists(),
        "no file may look complete after a failed download"
    );
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "the partial file is removed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn presigned_urls_work_until_they_expire() {
    let server = server().await;
    let client = client_for(&server, OssSignatureVersion::V4);
    client.create_bucket("e2e-presign").send().await.unwrap();
    client
        .put_object("e2e-presign", "doc.txt")
        .body("shared")
        .send()
        .await
        .unwrap();
    let http = reqwest::Client::new();

    for version in [OssSignatureVersion::V4, OssSignatureVersion::V1] {
        let c = client_for(&server, version);
        let url = c
            .presign_get_object("e2e-presign", "doc.txt", Duration::from_secs(600))
            .send()
            .await
            .unwrap();
        let res = http.get(url.url()).send().await.unwrap();
        assert_eq!(res.status(), 200, "{version:?} {}", url.url());
        assert_eq!(res.text().await.unwrap(), "shared");

        let put = c
            .presign_put_object("e2e-presign", "up.txt", Duration::from_secs(600))
            .header("Content-Type", "text/plain")
            .send()
            .await
            .unwrap();
        let res = http
            .put(put.url())
            .header("content-type", "text/plain")
            .body("uploaded")
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{version:?}: {}",
            res.text().await.unwrap()
        );
    }

    // Expired: OSS answers AccessDenied.
    let url = client
        .presign_get_object("e2e-presign", "doc.txt", Duration::from_secs(1))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let res = http.get(url.url()).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("<Code>AccessDenied</Code>"));

    // Past the V4 cap: refused before anything is signed.
    let err = client
        .presign_get_object(
            "e2e-presign",
            "doc.txt",
            Duration::from_secs(7 * 24 * 3600 + 1),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("7 days"), "{err}");
}

/// A transfer that outlives its STS credentials keeps going: each request
/// asks the caching provider, which fetches new credentials before expiry.
#[tokio::test]
async fn a_transfer_outlives_its_sts_credentials() {
    use alibabacloud_runtime::credentials::{CachingProvider, RamRoleArnProvider};
    let server = server().await;
    server.sts().set_lifetime_seconds(Some(2));
    let provider = CachingProvider::builder(
        RamRoleArnProvider::builder()
            .source(Credentials::new("testid", "testsecret"))
            .role_arn("acs:ram::1234567890:role/oss-writer")
            .sts_endpoint(server.url())
            .build()
            .unwrap(),
    )
    .refresh_window(Duration::from_secs(1))
    .min_refresh_interval(Duration::from_millis(100))
    .build();
    let client = Client::builder()
        .region("cn-hangzhou")
        .endpoint(server.url())
        .credentials(provider)
        .build()
        .unwrap();
    client.create_bucket("e2e-sts").send().await.unwrap();
    let dir = tempdir("sts");
    let src = dir.join("src.bin");
    let body = data(1024 * 1024, 1);
    std::fs::write(&src, &body).unwrap();
    // ~4 s at 256 KiB/s: twice the credentials' lifetime.
    let out = client
        .upload("e2e-sts", "slow.bin")
        .file(&src)
        .part_size(128 * 1024)
        .concurrency(2)
        .bandwidth_limit(256 * 1024)
        .send()
        .await
        .unwrap();
    assert_eq!(out.crc64(), Some(crc64(&body)));
    let issued = server.sts().calls().len();
    assert!(
        issued >= 2,
        "credentials were refreshed during the transfer: {issued} STS calls"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "alibabacloud-oss-test-{tag}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    h.finish()
}

#[allow(dead_code)]
fn _body_is_send(b: Body) -> impl Send {
    b
}

/// Generated operations go through the same signed path: the mock serves
/// the bucket ACL and location, and answers the configuration it does not
/// keep with OSS's `NotImplemented` (so the signature was accepted).
#[tokio::test]
async fn generated_operations_are_signed_and_typed() {
    let server = server().await;
    for (bucket, version) in [
        ("gen-v4", OssSignatureVersion::V4),
        ("gen-v1", OssSignatureVersion::V1),
    ] {
        let client = client_for(&server, version);
        client.create_bucket(bucket).send().await.unwrap();
        let location = client.get_bucket_location(bucket).send().await.unwrap();
        assert_eq!(
            location.location_constraint(),
            "oss-cn-hangzhou",
            "{version:?}"
        );
        let acl = client.get_bucket_acl(bucket).send().await.unwrap();
        assert!(acl.request_id().is_some());
        let err = client.get_bucket_cors(bucket).send().await.unwrap_err();
        assert_eq!(service_code(&err), "NotImplemented", "{version:?}: {err}");
        let err = client
            .get_bucket_location("gen-missing")
            .send()
            .await
            .unwrap_err();
        assert_eq!(service_code(&err), "NoSuchBucket");
    }
}
