//! A server that lies about the CRC-64: the client must refuse the data
//! both ways, never hand a corrupt download over as good or report a
//! corrupt upload as stored. A raw loopback server, so nothing in the
//! workspace can correct the answer on the way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use alibabacloud_oss::error::Error;
use alibabacloud_oss::{Client, Credentials, IntegrityError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request with `answer`, after reading the request (and
/// its body, by Content-Length); counts requests.
async fn liar(answer: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len: usize = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            seen.fetch_add(1, Ordering::SeqCst);
                            let _ = sock.write_all(answer.as_bytes()).await;
                            buf.drain(..end + 4 + len);
                        }
                    }
                }
            });
        }
    });
    (url, count)
}

fn client(url: &str) -> Client {
    Client::builder()
        .region("cn-hangzhou")
        .endpoint(url)
        .credentials(Credentials::new("id", "secret"))
        .retry_base_delay(std::time::Duration::from_millis(1))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_download_whose_crc_differs_is_refused() {
    let (url, _) =
        liar("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-oss-hash-crc64ecma: 12345\r\n\r\nhello")
            .await;
    let out = client(&url).get_object("bkt", "k").send().await.unwrap();
    let err = out.into_body().collect().await.unwrap_err();
    match err {
        Error::Integrity(IntegrityError::Crc64Mismatch {
            expected, actual, ..
        }) => {
            assert_eq!(expected, 12345);
            assert_eq!(actual, alibabacloud_oss::crc64(b"hello"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_upload_whose_stored_crc_differs_is_retried_then_refused() {
    let (url, count) = liar(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nETag: \"X\"\r\nx-oss-hash-crc64ecma: 1\r\n\r\n",
    )
    .await;
    let err = client(&url)
        .put_object("bkt", "k")
        .body("hello")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Integrity(IntegrityError::Crc64Mismatch { expected: 1, .. })
        ),
        "{err:?}"
    );
    // Sent again (the bytes may have been damaged on the way), then given up.
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_matching_crc_passes() {
    let answer: &'static str = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-oss-hash-crc64ecma: {}\r\n\r\nhello",
            alibabacloud_oss::crc64(b"hello")
        )
        .into_boxed_str(),
    );
    let (url, _) = liar(answer).await;
    let out = client(&url).get_object("bkt", "k").send().await.unwrap();
    assert_eq!(&out.into_body().collect().await.unwrap()[..], b"hello");
}
