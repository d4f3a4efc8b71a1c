//! Load client for `scripts/bench-vs-official.sh`: calls DescribeSecurityIps
//! on an endpoint from `concurrency` tasks for a number of seconds, then
//! prints one JSON line: requests, wall time, this process's CPU time and
//! peak RSS. Two modes:
//!
//! - `sdk`: the SDK as users call it (signs every request, V3);
//! - `bare`: a bare reqwest client replaying one request the SDK signed
//!   once (the mock must run with `--allow-replay`): the floor, HTTP only.
//!
//! ```sh
//! cargo bench -p alibabacloud-sdk --features r-kvstore --bench load -- sdk http://127.0.0.1:PORT 64 5
//! ```

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::DispatchError;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use alibabacloud_sdk::Config;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INSTANCE: &str = "r-mock000000000001";

/// User + system CPU seconds of this process, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`, which may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5): 12 and 13 after `)`.
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Keeps the first request the SDK builds instead of sending it.
#[derive(Debug, Default)]
struct Capture(Mutex<Option<HttpRequest>>);

impl Transport for Capture {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        *self.0.lock().unwrap() = Some(request);
        Box::pin(async {
            Ok::<_, DispatchError>(HttpResponse::new(
                200,
                br#"{"RequestId":"captured"}"#.to_vec(),
            ))
        })
    }
}

fn config(url: &str) -> alibabacloud_sdk::config::ConfigBuilder {
    Config::builder()
        .endpoint(url)
        .allow_http(true)
        .credentials(Credentials::new("testid", "testsecret"))
}

#[derive(Clone)]
enum Caller {
    Sdk(Client),
    Bare(reqwest::Client, Arc<HttpRequest>),
}

impl Caller {
    async fn call(&self) -> bool {
        match self {
            Caller::Sdk(c) => c
                .describe_security_ips()
                .instance_id(INSTANCE)
                .send()
                .await
                .is_ok_and(|r| !r.security_ip_groups().is_empty()),
            Caller::Bare(c, req) => {
                let mut b = c.post(&req.url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                match b.body(req.body.clone()).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [mode, url, concurrency, secs] = args.as_slice() else {
        eprintln!("usage: load sdk|bare URL CONCURRENCY SECONDS");
        std::process::exit(2);
    };
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY");
    let secs: f64 = secs.parse().expect("SECONDS");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let caller = match mode.as_str() {
            "sdk" => Caller::Sdk(Client::new(config(url).build().unwrap())),
            "bare" => {
                let capture = Arc::new(Capture::default());
                let c = Client::new(config(url).transport(CaptureRef(capture.clone())).build().unwrap());
                c.describe_security_ips().instance_id(INSTANCE).send().await.unwrap();
                let req = capture.0.lock().unwrap().take().expect("a captured request");
                // The same defaults as the SDK's transport: rustls, pooled.
                let client = reqwest::Client::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .read_timeout(Duration::from_secs(30))
                    .build()
                    .unwrap();
                Caller::Bare(client, Arc::new(req))
            }
            other => panic!("unknown mode {other}"),
        };
        let ok = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let counting = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| {
                let (caller, ok, failed, counting, stop) =
                    (caller.clone(), ok.clone(), failed.clone(), counting.clone(), stop.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let good = caller.call().await;
                        if counting.load(Ordering::Relaxed) {
                            if good { &ok } else { &failed }.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        // Warm up (connections, pools, allocator), then measure.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (cpu0, t0) = (cpu_seconds(), Instant::now());
        counting.store(true, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs_f64(secs)).await;
        counting.store(false, Ordering::Relaxed);
        let (cpu1, wall) = (cpu_seconds(), t0.elapsed().as_secs_f64());
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            let _ = t.await;
        }
        println!(
            "{{\"client\":\"rust-{mode}\",\"concurrency\":{concurrency},\"requests\":{},\"failed\":{},\"wall_s\":{wall:.3},\"cpu_s\":{:.3},\"peak_rss_kib\":{}}}",
            ok.load(Ordering::Relaxed),
            failed.load(Ordering::Relaxed),
            cpu1 - cpu0,
            peak_rss_kib()
        );
    });
}

/// Shares the capture with the config.
#[derive(Debug, Clone)]
struct CaptureRef(Arc<Capture>);

impl Transport for CaptureRef {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.0.send(request)
    }
}
