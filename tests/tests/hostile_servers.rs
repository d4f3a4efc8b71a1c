//! The SDK against loopback servers that misbehave on purpose: a body that
//! never ends, a trickle, a stall, bytes that are not UTF-8 in headers, JSON
//! nested 100,000 deep, a 200 carrying an error, HTML pages. Each call must
//! end within the configured timeouts with a typed error (or, where the
//! answer is usable, a value), never a panic, a hang or unbounded memory.

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::{DispatchKind, Error};
use alibabacloud_sdk::r_kvstore::{Client, DescribeSecurityIpsError};
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::Config;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const READ_TIMEOUT: Duration = Duration::from_millis(1500);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a test waits before declaring the SDK hung: the operation
/// timeout plus slack for a loaded machine. Not a performance figure.
const HANG: Duration = Duration::from_secs(20);

/// A server on 127.0.0.1 running `behave` on every connection once the
/// request has been read. Returns the URL and a counter of bytes sent
/// (behaviours add to it), and stops with the test's runtime.
async fn hostile<F, Fut>(behave: F) -> (String, Arc<AtomicU64>)
where
    F: Fn(TcpStream, Arc<AtomicU64>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let behave = Arc::new(behave);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let behave = behave.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                if read_request(&mut socket).await {
                    behave(socket, counter).await;
                }
            });
        }
    });
    (url, sent)
}

/// Reads one request head and its `Content-Length` body.
async fn read_request(socket: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            return true;
        }
    }
}

/// Writes a whole answer and closes.
async fn answer(mut socket: TcpStream, status: &str, headers: &[u8], body: &[u8]) {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(headers);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    let _ = socket.write_all(&out).await;
    let _ = socket.shutdown().await;
}

fn client(url: &str, retry: RetryPolicy) -> Client {
    Client::new(
        Config::builder()
            .endpoint(url)
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .retry_policy(retry.base_delay(Duration::from_millis(10)))
            .read_timeout(READ_TIMEOUT)
            .timeout(OPERATION_TIMEOUT)
            .build()
            .unwrap(),
    )
}

type Outcome = Result<
    alibabacloud_sdk::r_kvstore::DescribeSecurityIpsResponse,
    Error<DescribeSecurityIpsError>,
>;

/// One DescribeSecurityIps call, failing the test if it outlives [`HANG`].
async fn call(url: &str, retry: RetryPolicy) -> Outcome {
    let c = client(url, retry);
    let fut = c.describe_security_ips().instance_id("r-1").send();
    tokio::time::timeout(HANG, fut)
        .await
        .expect("the call ends within its timeouts")
}

fn expect_timeout(outcome: Outcome) {
    match outcome {
        Err(Error::Dispatch(d)) => assert_eq!(d.kind(), DispatchKind::Timeout, "{d}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_never_ends_is_cut_by_the_operation_timeout() {
    // Chunked, 16 KiB every 5 ms: fast enough that no read ever times out,
    // bounded so the test measures the SDK, not the loopback.
    let (url, sent) = hostile(|mut s, sent| async move {
        let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if s.write_all(head).await.is_err() {
            return;
        }
        let chunk = format!("4000\r\n{}\r\n", " ".repeat(0x4000));
        let _ = s.write_all(b"5\r\n{\"a\":\r\n").await;
        loop {
            if s.write_all(chunk.as_bytes()).await.is_err() {
                return; // the client went away: what we want
            }
            sent.fetch_add(0x4000, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    expect_timeout(call(&url, RetryPolicy::default()).await);
    // The client hung up: the server's writes stop growing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after_call = sent.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sent.load(Ordering::Relaxed),
        after_call,
        "connection still read"
    );
}

#[tokio::test]
async fn a_content_length_of_a_terabyte_is_refused_before_reading() {
    let (url, _) = hostile(|mut s, _| async move {
        let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1099511627776\r\n\r\n{";
        let _ = s.write_all(head).await;
        let block = vec![b' '; 0x4000];
        while s.write_all(&block).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    // The body cap (16 MiB by default) refuses it from the header alone,
    // long before any timeout.
    match call(&url, RetryPolicy::disabled()).await {
        Err(Error::Dispatch(d)) => {
            assert_eq!(d.kind(), DispatchKind::Refused, "{d}");
            assert!(d.to_string().contains("1099511627776"), "{d}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_trickle_of_one_byte_a_second_ends_by_the_operation_timeout() {
    // Each byte comes well within the read timeout, so only the operation
    // timeout can end it.
    let (url, _) = hostile(|mut s, _| async move {
        let body = br#"{"RequestId":"R","SecurityIpGroups":{"SecurityIpGroup":[]}}"#;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for b in body {
            if s.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    expect_timeout(call(&url, RetryPolicy::default()).await);
}

#[tokio::test]
async fn a_trickled_head_ends_by_the_operation_timeout() {
    let (url, _) = hostile(|mut s, _| async move {
        for b in b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-padding: "
            .iter()
            .chain(std::iter::repeat(&b'a'))
        {
            if s.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    expect_timeout(call(&url, RetryPolicy::disabled()).await);
}

#[tokio::test]
async fn a_stalled_answer_ends_by_the_read_timeout() {
    let client_side = Client::new(
        Config::builder()
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .retry_policy(RetryPolicy::disabled())
            .read_timeout(Duration::from_millis(500))
            // Long: the read timeout must be what ends it.
            .timeout(Duration::from_secs(60))
            .endpoint({
                let (url, _) = hostile(|mut s, _| async move {
                    let _ = s
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{")
                        .await;
                    tokio::time::sleep(Duration::from_secs(120)).await;
                })
                .await;
                url
            })
            .build()
            .unwrap(),
    );
    let outcome = tokio::time::timeout(
        HANG,
        client_side
            .describe_security_ips()
            .instance_id("r-1")
            .send(),
    )
    .await
    .expect("the read timeout ends the call");
    match outcome {
        Err(Error::Dispatch(d)) => assert_ne!(d.kind(), DispatchKind::Connect, "{d}"),
        other => panic!("expected a dispatch error, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_utf8_in_headers_is_read_lossily_or_refused_never_a_panic() {
    // In a header value: HTTP allows obs-text; the SDK reads it lossily.
    let body = br#"{"RequestId":"R","SecurityIpGroups":{"SecurityIpGroup":[{"SecurityIpGroupName":"default","SecurityIpList":"1.2.3.4","SecurityIpGroupAttribute":""}]}}"#;
    let (url, _) = hostile(move |s, _| async move {
        answer(
            s,
            "200 OK",
            b"content-type: application/json\r\nx-acs-request-id: \xff\xfe\xc3\x28\r\n",
            body,
        )
        .await
    })
    .await;
    let out = call(&url, RetryPolicy::disabled())
        .await
        .expect("a usable answer");
    assert_eq!(
        out.security_ip_groups()[0].security_ip_list(),
        Some("1.2.3.4")
    );

    // An error whose only request id is that header: kept, lossily.
    let (url, _) = hostile(|s, _| async move {
        answer(
            s,
            "404 Not Found",
            b"content-type: application/json\r\nx-acs-request-id: id-\xff\xfe\r\n",
            br#"{"Code":"InvalidInstanceId.NotFound","Message":"gone"}"#,
        )
        .await
    })
    .await;
    match call(&url, RetryPolicy::disabled()).await {
        Err(Error::Service(DescribeSecurityIpsError::InvalidInstanceIdNotFound(e))) => {
            let id = e.request_id().expect("the header's id");
            assert!(id.starts_with("id-"), "{id:?}");
        }
        other => panic!("expected InvalidInstanceIdNotFound, got {other:?}"),
    }

    // In a header name, and in the status line: not HTTP; a dispatch error.
    for head in [
        &b"HTTP/1.1 200 OK\r\nx-\xff\xfe: 1\r\ncontent-length: 2\r\n\r\n{}"[..],
        &b"HTTP/1.1 200 \xff\xfe\r\ncontent-length: 2\r\n\r\n{}"[..],
        &b"HTTP/1.1 2\xff0 OK\r\ncontent-length: 2\r\n\r\n{}"[..],
    ] {
        let head = head.to_vec();
        let (url, _) = hostile(move |mut s, _| {
            let head = head.clone();
            async move {
                let _ = s.write_all(&head).await;
                let _ = s.shutdown().await;
            }
        })
        .await;
        match call(&url, RetryPolicy::disabled()).await {
            Err(Error::Dispatch(_)) | Err(Error::Response(_)) => {}
            // A parser may accept obs-text in the reason phrase.
            Ok(_) => {}
            Err(other) => panic!("unexpected error kind: {other:?}"),
        }
    }
}

/// `depth` nested arrays (or objects) as the body.
fn deep(depth: usize, object: bool) -> Vec<u8> {
    let (open, close): (&[u8], &[u8]) = if object {
        (b"{\"a\":", b"}")
    } else {
        (b"[", b"]")
    };
    let mut body = Vec::with_capacity(depth * (open.len() + close.len()));
    for _ in 0..depth {
        body.extend_from_slice(open);
    }
    body.extend_from_slice(b"1");
    for _ in 0..depth {
        body.extend_from_slice(close);
    }
    body
}

#[tokio::test]
async fn json_nested_100000_deep_is_a_response_error_not_a_stack_overflow() {
    let mut bodies = vec![deep(100_000, false), deep(100_000, true)];
    // Deep inside a field the lenient readers handle (a list wrapper, a
    // scalar read as text).
    let mut inside_list = br#"{"RequestId":"R","SecurityIpGroups":"#.to_vec();
    inside_list.extend(deep(100_000, true));
    inside_list.push(b'}');
    bodies.push(inside_list);
    let mut inside_scalar = br#"{"RequestId":"#.to_vec();
    inside_scalar.extend(deep(100_000, false));
    inside_scalar.push(b'}');
    bodies.push(inside_scalar);
    for (status, expect_status) in [("200 OK", 200u16), ("400 Bad Request", 400)] {
        for body in &bodies {
            let shared = Arc::new(body.clone());
            let (url, _) = hostile(move |s, _| {
                let body = shared.clone();
                async move { answer(s, status, b"content-type: application/json\r\n", &body).await }
            })
            .await;
            match call(&url, RetryPolicy::disabled()).await {
                Err(Error::Response(e)) => {
                    let text = e.to_string();
                    assert!(text.contains(&format!("HTTP {expect_status}")), "{text}");
                    assert!(
                        text.len() < 2048,
                        "the excerpt is bounded: {} bytes",
                        text.len()
                    );
                }
                // `{"a":{"a":...}}` as a success: one unknown field, which
                // serde_json skips without recursing; nothing is read.
                Ok(out) if expect_status == 200 && body.starts_with(b"{\"a\"") => {
                    assert_eq!(out.request_id(), None);
                    assert!(out.security_ip_groups().is_empty());
                }
                other => panic!("expected a response error, got {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_200_with_an_error_body_is_the_typed_service_error() {
    let (url, _) = hostile(|s, _| async move {
        answer(
            s,
            "200 OK",
            b"content-type: application/json\r\n",
            br#"{"RequestId":"R-200","HostId":"r-kvstore.aliyuncs.com","Code":"InvalidInstanceId.NotFound","Message":"Specified instance does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound"}"#,
        )
        .await
    })
    .await;
    match call(&url, RetryPolicy::disabled()).await {
        Err(Error::Service(DescribeSecurityIpsError::InvalidInstanceIdNotFound(e))) => {
            assert_eq!(e.request_id(), Some("R-200"));
            assert_eq!(e.status(), 200);
        }
        other => panic!("expected InvalidInstanceIdNotFound, got {other:?}"),
    }

    // Throttling sent as a 200 is throttling: retried, then given back.
    let (url, _) = hostile(|s, _| async move {
        answer(
            s,
            "200 OK",
            b"content-type: application/json\r\n",
            br#"{"RequestId":"R","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
        )
        .await
    })
    .await;
    match call(&url, RetryPolicy::default().max_attempts(2)).await {
        Err(Error::Service(e)) => {
            assert!(e.service_error().is_throttling(), "{e}")
        }
        other => panic!("expected throttling, got {other:?}"),
    }

    // A success body that merely has a success code is a success.
    let (url, _) = hostile(|s, _| async move {
        answer(
            s,
            "200 OK",
            b"content-type: application/json\r\n",
            br#"{"RequestId":"R","Code":"Success","Message":"ok"}"#,
        )
        .await
    })
    .await;
    let out = call(&url, RetryPolicy::disabled())
        .await
        .expect("a success");
    assert_eq!(out.request_id(), Some("R"));
}

#[tokio::test]
async fn an_html_error_page_is_a_response_error_with_an_excerpt() {
    let page = format!(
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<p>upstream unavailable</p>".repeat(2000)
    );
    for (status, retry) in [
        ("502 Bad Gateway", RetryPolicy::disabled()),
        ("200 OK", RetryPolicy::disabled()),
        ("403 Forbidden", RetryPolicy::default()),
    ] {
        let page = Arc::new(page.clone());
        let (url, _) = hostile(move |s, _| {
            let page = page.clone();
            async move { answer(s, status, b"content-type: text/html\r\n", page.as_bytes()).await }
        })
        .await;
        match call(&url, retry).await {
            Err(Error::Response(e)) => {
                let text = e.to_string();
                assert!(text.contains("502 Bad Gateway"), "{text}");
                assert!(
                    text.len() < 2048,
                    "the excerpt is bounded: {} bytes",
                    text.len()
                );
            }
            other => panic!("expected a response error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_body_of_control_characters_gives_a_bounded_message() {
    // From fuzzing (response_decode): form feeds and a few letters, 504
    // bytes. The excerpt is shown escaped, six characters per form feed:
    // larger than the excerpt limit, still bounded by a multiple of it.
    let mut body = vec![0x0c; 31];
    body.extend_from_slice(b"AAAAAAAAAA!AAAAA");
    body.resize(504, 0x0c);
    let body = Arc::new(body);
    let (url, _) = hostile(move |s, _| {
        let body = body.clone();
        async move { answer(s, "454 Odd", b"content-type: text/plain\r\n", &body).await }
    })
    .await;
    match call(&url, RetryPolicy::disabled()).await {
        Err(Error::Response(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("HTTP 454") && text.contains(r"\u{c}"),
                "{text}"
            );
            assert!(text.len() < 10 * 512 + 1024, "{} bytes", text.len());
        }
        other => panic!("expected a response error, got {other:?}"),
    }
}
