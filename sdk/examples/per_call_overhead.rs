//! What per-call options cost: the same DescribeSecurityIps call, signed
//! and decoded, over an in-memory transport, without options and with
//! `customize()` (timeouts, retry codes, two headers, a query parameter).
//!
//! ```sh
//! cargo run --release -p alibabacloud-sdk --features r-kvstore --example per_call_overhead
//! ```

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::DispatchError;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use alibabacloud_sdk::Config;
use std::time::{Duration, Instant};

/// Answers every request at once, as a local server would, minus the socket.
#[derive(Debug)]
struct Instant200;

impl Transport for Instant200 {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async {
            Ok::<_, DispatchError>(
                HttpResponse::new(
                    200,
                    r#"{"RequestId":"R","SecurityIpGroups":{"SecurityIpGroup":[{"SecurityIpGroupName":"default","SecurityIpList":"127.0.0.1"}]}}"#,
                )
                .with_header("x-acs-request-id", "R"),
            )
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client::new(
        Config::builder()
            .endpoint("https://r-kvstore.aliyuncs.com")
            .credentials(Credentials::new("testid", "testsecret"))
            .transport(Instant200)
            .build()
            .unwrap(),
    );
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let plain = || async {
        client
            .describe_security_ips()
            .instance_id("r-1")
            .send()
            .await
            .unwrap();
    };
    let customized = || async {
        client
            .describe_security_ips()
            .instance_id("r-1")
            .customize()
            .timeout(Duration::from_secs(5))
            .attempt_timeout(Duration::from_secs(2))
            .retry_codes(["OperationConflict", "SystemBusy*"])
            .header("x-acs-app", "bench")
            .header("x-acs-team", "sdk")
            .query("Extra", "1")
            .send()
            .await
            .unwrap();
    };
    // Warm up, then alternate rounds so drift hits both alike.
    for _ in 0..1000 {
        plain().await;
        customized().await;
    }
    let (mut t_plain, mut t_custom) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..n / 5 {
            plain().await;
        }
        t_plain += start.elapsed();
        let start = Instant::now();
        for _ in 0..n / 5 {
            customized().await;
        }
        t_custom += start.elapsed();
    }
    let per = |t: Duration| t.as_secs_f64() * 1e6 / f64::from(n);
    println!(
        "{n} calls each: plain {:.2} us/call, customize() {:.2} us/call, ratio {:.3}",
        per(t_plain),
        per(t_custom),
        t_custom.as_secs_f64() / t_plain.as_secs_f64()
    );
}
