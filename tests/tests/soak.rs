//! Soak: many clients, a mixed workload (reads, whitelist appends, paging)
//! against the mock under injected faults, for a bounded time. Then:
//!
//! - no whitelist update lost, duplicated or applied when it said it was not,
//!   checked against the mock's state after every batch and at the end;
//! - every failure a typed error of an expected kind, never a panic;
//! - no connection or task left once the clients are dropped;
//! - RSS sampled once a second and reported (start, peak, end).
//!
//! Ignored by default (it runs for a while). CI runs the short version:
//!
//! ```sh
//! SOAK_SECS=30 cargo test -p alibabacloud-tests --test soak -- --ignored --nocapture
//! SOAK_SECS=600 SOAK_CLIENTS=64 cargo test --release -p alibabacloud-tests --test soak -- --ignored --nocapture
//! ```
//!
//! `SOAK_SEED` picks the faults' seed (the decisions then depend only on the
//! order requests arrive in).

use alibabacloud_mock::faults::{Fault, FaultPlan, FaultRule};
use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::Error;
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::retry::RetryPolicy;
use alibabacloud_sdk::Config;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INSTANCE: &str = "r-mock000000000001";
/// Appends per batch before the client checks its whitelist and resets it:
/// keeps the state (and so memory) bounded however long the run.
const BATCH: usize = 150;
const SENTINEL: &str = "192.0.2.1";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn plan(seed: u64) -> FaultPlan {
    FaultPlan::new()
        .seed(seed)
        .rule(FaultRule::new(Fault::throttling()).probability(0.04))
        .rule(
            FaultRule::new(Fault::service_unavailable())
                .action("DescribeInstances")
                .probability(0.05),
        )
        .rule(FaultRule::new(Fault::server_error(502)).probability(0.01))
        .rule(FaultRule::new(Fault::ResetBeforeRead).probability(0.02))
        .rule(
            FaultRule::new(Fault::ResetAfterRead)
                .action("ModifySecurityIps")
                .probability(0.02),
        )
        .rule(FaultRule::new(Fault::TruncatedBody { keep: 7 }).probability(0.01))
        .rule(FaultRule::new(Fault::Delay(Duration::from_millis(30))).probability(0.02))
}

/// What one append is known to have done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The SDK returned success: it must be in the whitelist, once.
    Acked,
    /// The service refused it before running it: it must be absent.
    Refused,
    /// The answer was lost (reset after reading, cut body, timeout): either.
    Unknown,
}

#[derive(Default)]
struct Tally {
    requests: u64,
    ok: u64,
    failures: BTreeMap<String, u64>,
    appends_acked: u64,
    appends_refused: u64,
    appends_unknown: u64,
    unknown_applied: u64,
    pages_walked: u64,
    problems: Vec<String>,
}

impl Tally {
    fn failure<E>(&mut self, e: &Error<E>) -> bool
    where
        E: alibabacloud_sdk::error::OperationError + std::fmt::Debug,
    {
        let kind = match e {
            Error::Service(_) => format!(
                "service {}",
                e.service_error().map(|s| s.code()).unwrap_or("?")
            ),
            Error::Dispatch(d) => format!("dispatch {:?}", d.kind()),
            Error::Response(_) => "response".to_owned(),
            other => {
                self.problems
                    .push(format!("unexpected error kind: {other:?}"));
                "unexpected".to_owned()
            }
        };
        *self.failures.entry(kind).or_default() += 1;
        true
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn client(url: &str) -> Client {
    Client::new(
        Config::builder()
            .endpoint(url)
            .allow_http(true)
            .credentials(Credentials::new("testid", "testsecret"))
            .retry_policy(
                RetryPolicy::default()
                    .max_attempts(4)
                    .base_delay(Duration::from_millis(5))
                    .max_delay(Duration::from_millis(100)),
            )
            .read_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
    )
}

/// The entries of whitelist `group` in the mock's state, as a count per entry.
fn entries(server: &MockServer, group: &str) -> BTreeMap<String, usize> {
    let state = server.state();
    let mut counts = BTreeMap::new();
    if let Some(g) = state
        .find(INSTANCE)
        .and_then(|i| i.ip_groups.iter().find(|g| g.name == group))
    {
        for ip in &g.ips {
            *counts.entry(ip.clone()).or_default() += 1;
        }
    }
    counts
}

/// Checks one client's batch against the state: acked present once,
/// refused absent, unknown at most once, nothing unasked-for.
fn check_batch(
    server: &MockServer,
    group: &str,
    ledger: &BTreeMap<String, Outcome>,
    tally: &mut Tally,
) {
    let present = entries(server, group);
    for (ip, n) in &present {
        if *n > 1 {
            tally
                .problems
                .push(format!("{group}: {ip} present {n} times"));
        }
        if ip != SENTINEL && !ledger.contains_key(ip) {
            tally.problems.push(format!("{group}: {ip} never appended"));
        }
    }
    for (ip, outcome) in ledger {
        let there = present.contains_key(ip);
        match outcome {
            Outcome::Acked if !there => tally.problems.push(format!("{group}: acked {ip} lost")),
            Outcome::Refused if there => tally
                .problems
                .push(format!("{group}: refused {ip} applied anyway")),
            Outcome::Unknown if there => tally.unknown_applied += 1,
            _ => {}
        }
    }
}

/// Replaces the group with the sentinel, trying until it goes through.
async fn reset_group(c: &Client, group: &str, tally: &mut Tally) {
    for _ in 0..50 {
        tally.requests += 1;
        match c
            .modify_security_ips()
            .instance_id(INSTANCE)
            .security_ip_group_name(group)
            .security_ips(SENTINEL)
            .modify_mode("Cover")
            .send()
            .await
        {
            Ok(_) => {
                tally.ok += 1;
                return;
            }
            Err(e) => {
                tally.failure(&e);
            }
        }
    }
    tally.problems.push(format!("{group}: could not reset"));
}

async fn worker(
    id: usize,
    url: String,
    server: Arc<MockServer>,
    deadline: Instant,
    next_ip: Arc<AtomicU64>,
    expected_instances: BTreeSet<String>,
) -> Tally {
    let c = client(&url);
    let mut tally = Tally::default();
    let group = format!("soak{id}");
    let mut ledger: BTreeMap<String, Outcome> = BTreeMap::new();
    reset_group(&c, &group, &mut tally).await;
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        match (n + id as u64) % 10 {
            // Whitelist appends, each with an address no one else uses.
            0..=3 => {
                let k = next_ip.fetch_add(1, Ordering::Relaxed);
                let ip = format!("10.{}.{}.{}", (k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff);
                tally.requests += 1;
                let r = c
                    .modify_security_ips()
                    .instance_id(INSTANCE)
                    .security_ip_group_name(&group)
                    .security_ips(&ip)
                    .modify_mode("Append")
                    .send()
                    .await;
                let outcome = match &r {
                    Ok(_) => {
                        tally.ok += 1;
                        tally.appends_acked += 1;
                        Outcome::Acked
                    }
                    Err(e) => {
                        tally.failure(e);
                        let code = e.service_error().map(|s| s.code().to_owned());
                        match code.as_deref() {
                            Some("SecurityIPList.Duplicate") => {
                                tally
                                    .problems
                                    .push(format!("{group}: {ip} applied twice (Duplicate)"));
                                Outcome::Unknown
                            }
                            // Injected before the operation ran.
                            Some(_) => {
                                tally.appends_refused += 1;
                                Outcome::Refused
                            }
                            None => {
                                tally.appends_unknown += 1;
                                Outcome::Unknown
                            }
                        }
                    }
                };
                ledger.insert(ip, outcome);
                if ledger.len() >= BATCH {
                    check_batch(&server, &group, &ledger, &mut tally);
                    ledger.clear();
                    reset_group(&c, &group, &mut tally).await;
                }
            }
            // Reads.
            4..=7 => {
                tally.requests += 1;
                let r = if n % 2 == 0 {
                    c.describe_security_ips()
                        .instance_id(INSTANCE)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| tally.failure(&e))
                } else {
                    c.describe_instance_attribute()
                        .instance_id(INSTANCE)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| tally.failure(&e))
                };
                if r.is_ok() {
                    tally.ok += 1;
                }
            }
            // A paged walk, one instance per page. The stream ends after an
            // error (it never sends the failing page again by itself), so a
            // walk is checked for completeness only when no page failed.
            _ => {
                let mut pages = c.describe_instances().page_size(1).into_paginator();
                let mut seen = Vec::new();
                let mut errors = 0;
                loop {
                    tally.requests += 1;
                    match pages.next_page().await {
                        None => break,
                        Some(Ok(page)) => {
                            tally.ok += 1;
                            seen.extend(
                                page.instances()
                                    .iter()
                                    .map(|i| i.instance_id().unwrap_or_default().to_owned()),
                            )
                        }
                        Some(Err(e)) => {
                            tally.failure(&e);
                            errors += 1;
                        }
                    }
                }
                tally.requests -= 1; // the `None` that ended the walk sent nothing
                let unique: BTreeSet<String> = seen.iter().cloned().collect();
                if unique.len() != seen.len() {
                    tally
                        .problems
                        .push(format!("paging: an instance came twice: {seen:?}"));
                }
                if errors > 1 {
                    tally.problems.push(format!(
                        "paging: the stream went on after an error ({errors})"
                    ));
                }
                if errors == 0 {
                    tally.pages_walked += 1;
                    if unique != expected_instances {
                        tally.problems.push(format!(
                            "paging: walked {seen:?}, expected {expected_instances:?}"
                        ));
                    }
                }
            }
        }
    }
    check_batch(&server, &group, &ledger, &mut tally);
    tally
}

#[test]
#[ignore = "long-running; CI runs it with SOAK_SECS (see the module docs)"]
fn soak() {
    let secs = env_u64("SOAK_SECS", 30);
    let clients = env_u64("SOAK_CLIENTS", 32) as usize;
    let seed = env_u64("SOAK_SEED", 1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fds_before = open_fds();
    let tasks_before = runtime.metrics().num_alive_tasks();
    let (tally, rss, stats, tasks_during) = runtime.block_on(async {
        // The mock remembers each nonce for twice the timestamp window; a
        // 30 s window keeps that memory (in this process too) bounded
        // within a minute, so the RSS trend shows the SDK's own.
        let server = Arc::new(
            MockServer::start(MockConfig::new().timestamp_tolerance(Duration::from_secs(30)))
                .await
                .unwrap(),
        );
        let url = server.url();
        // The instances one clean walk sees: what every faulted walk must see.
        let expected: BTreeSet<String> = {
            let c = client(&url);
            let mut all = BTreeSet::new();
            let mut pages = c.describe_instances().page_size(1).into_paginator();
            while let Some(page) = pages.next_page().await {
                all.extend(
                    page.unwrap()
                        .instances()
                        .iter()
                        .map(|i| i.instance_id().unwrap_or_default().to_owned()),
                );
            }
            all
        };
        assert!(expected.len() >= 2, "{expected:?}");
        server.set_faults(&plan(seed));

        let rss = Arc::new(Mutex::new(vec![rss_kib()]));
        let sampler = {
            let rss = rss.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    rss.lock().unwrap().push(rss_kib());
                }
            })
        };
        let deadline = Instant::now() + Duration::from_secs(secs);
        let next_ip = Arc::new(AtomicU64::new(1));
        let workers: Vec<_> = (0..clients)
            .map(|id| {
                tokio::spawn(worker(
                    id,
                    url.clone(),
                    server.clone(),
                    deadline,
                    next_ip.clone(),
                    expected.clone(),
                ))
            })
            .collect();
        let tasks_during = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        let mut total = Tally::default();
        for w in workers {
            // A panic in a worker is a JoinError here: the test fails on it.
            let t = w.await.expect("a worker panicked");
            total.requests += t.requests;
            total.ok += t.ok;
            total.appends_acked += t.appends_acked;
            total.appends_refused += t.appends_refused;
            total.appends_unknown += t.appends_unknown;
            total.unknown_applied += t.unknown_applied;
            total.pages_walked += t.pages_walked;
            for (k, v) in t.failures {
                *total.failures.entry(k).or_default() += v;
            }
            total.problems.extend(t.problems);
        }
        sampler.abort();
        let _ = sampler.await;
        let stats = server.fault_stats();
        // Clients are gone; stop the server and let connections close.
        Arc::into_inner(server)
            .expect("workers released the server")
            .shutdown()
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss = rss.lock().unwrap().clone();
        (total, rss, stats, tasks_during)
    });
    let tasks_after = runtime.metrics().num_alive_tasks();
    drop(runtime);
    let fds_after = open_fds();

    let failed: u64 = tally.failures.values().sum();
    println!("soak: {secs} s, {clients} clients, seed {seed}");
    println!(
        "soak: {} requests ({:.0}/s), {} ok, {} failed; server saw {} requests, injected {} faults",
        tally.requests,
        tally.requests as f64 / secs as f64,
        tally.ok,
        failed,
        stats.requests.values().sum::<u64>(),
        stats.total_injected()
    );
    println!("soak: faults injected by kind: {:?}", stats.injected);
    println!("soak: failures by kind: {:?}", tally.failures);
    println!(
        "soak: appends: {} acked, {} refused, {} unknown ({} of those applied); {} paged walks complete",
        tally.appends_acked,
        tally.appends_refused,
        tally.appends_unknown,
        tally.unknown_applied,
        tally.pages_walked
    );
    let peak = rss.iter().max().copied().unwrap_or(0);
    // Flat means the end is near the level reached once warmed up (pools
    // filled, buffers grown), not near the idle start.
    let warm = rss.get(5.min(rss.len().saturating_sub(1))).unwrap_or(&0);
    println!(
        "soak: RSS KiB start {} after 5 s {warm} peak {} end {} ({} samples, one a second)",
        rss.first().unwrap_or(&0),
        peak,
        rss.last().unwrap_or(&0),
        rss.len()
    );
    let series: Vec<String> = (0..=10)
        .map(|i| (rss.len().saturating_sub(1)) * i / 10)
        .map(|i| format!("{}", rss.get(i).copied().unwrap_or(0) / 1024))
        .collect();
    println!(
        "soak: RSS MiB at 0%, 10%, ..., 100% of the run: {}",
        series.join(" ")
    );
    println!(
        "soak: tasks alive before {tasks_before}, during {tasks_during}, after {tasks_after}; open fds before {fds_before}, after {fds_after}"
    );
    assert!(
        tally.problems.is_empty(),
        "{} problems, first: {:?}",
        tally.problems.len(),
        &tally.problems[..tally.problems.len().min(10)]
    );
    assert!(tally.ok > 0 && failed > 0, "the run exercised faults");
    assert!(tally.appends_acked > 0);
    assert_eq!(tasks_after, tasks_before, "tasks left behind");
    assert!(
        fds_after <= fds_before,
        "connections left open: {fds_before} -> {fds_after}"
    );
}
