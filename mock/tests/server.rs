//! The HTTP layer: raw requests over TCP, limits, and stopping.

use alibabacloud_mock::{MockConfig, MockServer};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `head` (+ `body`) on a fresh connection and reads the whole answer.
async fn exchange(server: &MockServer, head: String, body: &[u8]) -> String {
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (and close) before reading a body it refuses.
    let _ = s.write_all(body).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn json_body(response: &str) -> serde_json::Value {
    let (_, body) = response
        .split_once("\r\n\r\n")
        .expect("a complete response");
    serde_json::from_str(body).expect("a JSON body")
}

#[tokio::test]
async fn unsigned_request_gets_an_alibaba_error_with_headers() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let r = exchange(
        &server,
        format!(
            "GET /?Action=DescribeRegions&Version=2015-01-01 HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.endpoint()
        ),
        b"",
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 400"), "{r}");
    let lower = r.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/json;charset=utf-8"),
        "{r}"
    );
    let body = json_body(&r);
    assert_eq!(body["Code"], "MissingParameter");
    assert_eq!(body["HostId"], server.endpoint());
    let id = body["RequestId"].as_str().unwrap().to_ascii_lowercase();
    assert!(lower.contains(&format!("x-acs-request-id: {id}")), "{r}");
}

#[tokio::test]
async fn an_oversized_body_is_refused_not_buffered() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let big = vec![b'a'; 9 * 1024 * 1024];
    let r = exchange(
        &server,
        format!(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            big.len()
        ),
        &big,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 413"), "{}", &r[..r.len().min(200)]);
    assert_eq!(json_body(&r)["Code"], "RequestTooLarge");
}

#[tokio::test]
async fn shutdown_and_drop_stop_listening() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let addr = server.addr();
    TcpStream::connect(addr).await.unwrap();
    server.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());

    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let addr = server.addr();
    drop(server);
    // Dropping signals the accept loop; give it a moment to close the socket.
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still listening after drop");
}

#[tokio::test]
async fn bad_configuration_is_an_error() {
    let e = MockServer::start(MockConfig::new().specs_dir("no/such/dir"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no/such/dir"), "{e}");
    let e = MockServer::start(MockConfig::new().state_json("{"))
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("state:"), "{e}");
}
