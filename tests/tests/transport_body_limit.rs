//! A loopback server streams a 500 MB chunked body (no `Content-Length`):
//! the call fails once the 16 MiB limit is passed, and the process's peak
//! memory stays under 100 MB. Alone in its binary so that the peak (VmHWM)
//! is this test's.

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::Config;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOTAL: u64 = 500 * 1000 * 1000;

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in kB.
fn memory_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_mb_streamed_body_fails_early_in_bounded_memory() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut buf = [0u8; 8192];
        let _ = socket.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let block = vec![b'x'; 1 << 20];
        let chunk_head = format!("{:x}\r\n", block.len());
        while counter.load(Ordering::Relaxed) < TOTAL {
            let ok = socket.write_all(chunk_head.as_bytes()).await.is_ok()
                && socket.write_all(&block).await.is_ok()
                && socket.write_all(b"\r\n").await.is_ok();
            if !ok {
                return; // the client hung up: the point of the test
            }
            counter.fetch_add(block.len() as u64, Ordering::Relaxed);
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });

    let before = memory_kb();
    let client = Client::new(
        Config::builder()
            .endpoint(&url)
            .allow_http(true)
            .env_proxies(false)
            .credentials(Credentials::new("testid", "testsecret"))
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let error = client
        .describe_security_group_configuration()
        .instance_id("r-1")
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let text = error.to_string();
    assert!(text.contains("limit of 16777216 bytes"), "{text}");
    // Give the server a moment to notice the hang-up.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let streamed = sent.load(Ordering::Relaxed);
    assert!(streamed < TOTAL, "the whole body was read");

    match (before, memory_kb()) {
        (Some((_, rss_before)), Some((peak, rss_after))) => {
            println!(
                "500 MB body refused after {:.1} ms; server wrote {} MiB before the hang-up; \
                 VmRSS {} -> {} MB, VmHWM {} MB",
                elapsed.as_secs_f64() * 1000.0,
                streamed >> 20,
                rss_before / 1024,
                rss_after / 1024,
                peak / 1024
            );
            assert!(peak < 100 * 1024, "peak RSS {peak} kB");
        }
        _ => println!("skipping the memory check: /proc/self/status is not readable here"),
    }
}
