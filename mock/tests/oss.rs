//! The mock's OSS service over raw HTTP/1.1, signed with
//! `alibabacloud_signing::oss` V4: storage and wire behaviour the official
//! SDK's interop script (tests/interop/oss_official_against_mock.py) does
//! not reach, and the faults.

use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
use alibabacloud_mock::oss::OssConfig;
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_signing::oss::{v4_sign, OssRequest, V4Credentials};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn now_datetime() -> String {
    let f = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::now_utc().format(f).unwrap()
}

/// Sends one path-style request, V4-signed unless `anonymous`, and reads
/// the answer until the server closes the connection (a cut body is kept
/// as far as it came).
async fn call(
    server: &MockServer,
    method: &str,
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(&str, Option<&str>)],
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let datetime = now_datetime();
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push(("x-oss-date".into(), datetime.clone()));
    all.push(("x-oss-content-sha256".into(), "UNSIGNED-PAYLOAD".into()));
    let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sig = v4_sign(
        &OssRequest {
            method,
            bucket,
            key,
            query,
            headers: &refs,
        },
        &V4Credentials {
            access_key_id: "testid",
            secret: "testsecret",
            security_token: None,
        },
        "cn-hangzhou",
        "oss",
        &datetime,
        &[],
    );
    all.push(("authorization".into(), sig.authorization));
    send(server, method, bucket, key, query, &all, body).await
}

async fn send(
    server: &MockServer,
    method: &str,
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(&str, Option<&str>)],
    headers: &[(String, String)],
    body: &[u8],
) -> Reply {
    let mut path = String::from("/");
    if let Some(b) = bucket {
        path.push_str(b);
        path.push('/');
    }
    if let Some(k) = key {
        path.push_str(&alibabacloud_signing::oss::uri_encode_key(k));
    }
    if !query.is_empty() {
        let q: Vec<String> = query
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={}", alibabacloud_signing::percent_encode(v)),
                None => k.to_string(),
            })
            .collect();
        path.push('?');
        path.push_str(&q.join("&"));
    }
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
        server.endpoint(),
        body.len()
    );
    for (k, v) in headers {
        if k != "host" {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str("\r\n");
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => raw.extend_from_slice(&buf[..n]),
            Err(_) => panic!("no answer within 10 s"),
        }
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn code(reply: &Reply) -> String {
    let t = reply.text();
    t.split("<Code>")
        .nth(1)
        .and_then(|r| r.split("</Code>").next())
        .unwrap_or_default()
        .to_owned()
}

async fn server(threshold: u64) -> MockServer {
    MockServer::start(MockConfig::new().products(["r-kvstore"]).oss(OssConfig {
        disk_threshold: threshold,
        ..OssConfig::default()
    }))
    .await
    .unwrap()
}

#[tokio::test]
async fn objects_round_trip_through_memory_and_disk() {
    let s = server(1024).await;
    let r = call(&s, "PUT", Some("bucket-a"), None, &[], &[], b"").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-oss-request-id").map(str::len), Some(24));
    let big: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    for (key, data) in [("small", b"tiny".to_vec()), ("dir/big key+", big.clone())] {
        let r = call(&s, "PUT", Some("bucket-a"), Some(key), &[], &[], &data).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let crc = r.header("x-oss-hash-crc64ecma").unwrap().to_owned();
        let g = call(&s, "GET", Some("bucket-a"), Some(key), &[], &[], b"").await;
        assert_eq!(g.status, 200);
        assert_eq!(g.body, data);
        assert_eq!(g.header("x-oss-hash-crc64ecma"), Some(crc.as_str()));
        let h = call(&s, "HEAD", Some("bucket-a"), Some(key), &[], &[], b"").await;
        assert_eq!(
            h.header("content-length"),
            Some(data.len().to_string().as_str())
        );
        assert!(h.body.is_empty());
    }
    let g = call(
        &s,
        "GET",
        Some("bucket-a"),
        Some("dir/big key+"),
        &[],
        &[("range", "bytes=2000000-2000009")],
        b"",
    )
    .await;
    assert_eq!(g.status, 206);
    assert_eq!(g.body, big[2_000_000..2_000_010]);
    assert_eq!(
        g.header("content-range"),
        Some(format!("bytes 2000000-2000009/{}", big.len()).as_str())
    );
}

#[tokio::test]
async fn errors_carry_oss_codes() {
    let s = server(8 << 20).await;
    let r = call(&s, "PUT", Some("Bad_Name"), None, &[], &[], b"").await;
    assert_eq!((r.status, code(&r).as_str()), (400, "InvalidBucketName"));
    let r = call(&s, "GET", Some("nobucket"), Some("k"), &[], &[], b"").await;
    assert_eq!((r.status, code(&r).as_str()), (404, "NoSuchBucket"));
    assert!(r.text().contains("<EC>0015-00000101</EC>"));
    call(&s, "PUT", Some("bucket-b"), None, &[], &[], b"").await;
    let r = call(&s, "GET", Some("bucket-b"), Some("k"), &[], &[], b"").await;
    assert_eq!((r.status, code(&r).as_str()), (404, "NoSuchKey"));
    assert!(r.text().contains("<Key>k</Key>"));
    // Anonymous virtual-hosted requests are OSS's and are refused.
    let mut raw = TcpStream::connect(s.addr()).await.unwrap();
    raw.write_all(b"GET /k HTTP/1.1\r\nhost: bucket-b.oss-cn-hangzhou.aliyuncs.com\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    raw.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 403"), "{out}");
    assert!(out.contains("<Code>AccessDenied</Code>"), "{out}");
    // A tampered signature shows the server's canonical request.
    let mut headers = vec![("x-oss-date".to_owned(), now_datetime())];
    headers.push(("x-oss-content-sha256".into(), "UNSIGNED-PAYLOAD".into()));
    let date = &headers[0].1[..8];
    headers.push((
        "authorization".into(),
        format!("OSS4-HMAC-SHA256 Credential=testid/{date}/cn-hangzhou/oss/aliyun_v4_request,Signature=00"),
    ));
    let r = send(&s, "GET", Some("bucket-b"), Some("k"), &[], &headers, b"").await;
    assert_eq!(
        (r.status, code(&r).as_str()),
        (403, "SignatureDoesNotMatch")
    );
    assert!(
        r.text().contains("<CanonicalRequest>GET\n/bucket-b/k\n"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn the_nth_upload_part_fails_and_a_get_body_is_cut_short() {
    let s = server(8 << 20).await;
    call(&s, "PUT", Some("bucket-c"), None, &[], &[], b"").await;
    let init = call(
        &s,
        "POST",
        Some("bucket-c"),
        Some("mp"),
        &[("uploads", None)],
        &[],
        b"",
    )
    .await;
    let text = init.text();
    let id = text
        .split("<UploadId>")
        .nth(1)
        .and_then(|r| r.split("</UploadId>").next())
        .unwrap()
        .to_owned();
    let part = vec![7u8; 100 * 1024];
    let mut etags = Vec::new();
    for n in 1..=3u32 {
        if n == 3 {
            // The third UploadPart (two counted so far) fails once.
            assert_eq!(s.fault_stats().requests_for("UploadPart"), 2);
            s.set_faults(
                &FaultPlan::new().rule(
                    FaultRule::new(Fault::service_unavailable())
                        .action("UploadPart")
                        .times(1),
                ),
            );
        }
        let number = n.to_string();
        let q = [
            ("partNumber", Some(number.as_str())),
            ("uploadId", Some(id.as_str())),
        ];
        let mut r = call(&s, "PUT", Some("bucket-c"), Some("mp"), &q, &[], &part).await;
        if n == 3 {
            assert_eq!((r.status, code(&r).as_str()), (503, "ServiceUnavailable"));
            r = call(&s, "PUT", Some("bucket-c"), Some("mp"), &q, &[], &part).await;
        }
        assert_eq!(r.status, 200, "{}", r.text());
        etags.push(r.header("etag").unwrap().to_owned());
    }
    let doc: String = etags
        .iter()
        .enumerate()
        .map(|(i, e)| {
            format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{e}</ETag></Part>",
                i + 1
            )
        })
        .collect();
    let doc = format!("<CompleteMultipartUpload>{doc}</CompleteMultipartUpload>");
    let q = [("uploadId", Some(id.as_str()))];
    let r = call(
        &s,
        "POST",
        Some("bucket-c"),
        Some("mp"),
        &q,
        &[],
        doc.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("etag").unwrap().ends_with("-3\""));

    s.set_faults(
        &FaultPlan::new().rule(
            FaultRule::new(Fault::TruncatedBody { keep: 1000 })
                .action("GetObject")
                .times(1),
        ),
    );
    let g = call(&s, "GET", Some("bucket-c"), Some("mp"), &[], &[], b"").await;
    assert_eq!(g.status, 200);
    assert_eq!(g.header("content-length"), Some("307200"));
    assert_eq!(g.body.len(), 1000, "the body is cut after 1000 bytes");
    let g = call(&s, "GET", Some("bucket-c"), Some("mp"), &[], &[], b"").await;
    assert_eq!(g.body.len(), 300 * 1024);
}
