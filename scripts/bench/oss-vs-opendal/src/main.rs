//! The workspace's OSS client (`alibabacloud-oss`) beside opendal's OSS
//! service, in one process, against one running mock, interleaved round by
//! round so machine noise hits both. Each round starts with the next client
//! in turn (ours, opendal | opendal, ours | ...): whoever goes first after a
//! phase change pays for it (page cache, writeback of the last phase's
//! files), and always charging the same client skewed the large transfers.
//! Each cell and each large transfer has an untimed warm-up per client, and
//! dirty pages are flushed (`sync`) before each timed large transfer.
//!
//! ```sh
//! oss-vs-opendal http://127.0.0.1:PORT
//! ```
//!
//! Environment: `BENCH_SECS` (seconds per cell for small objects, default 5),
//! `BENCH_ROUNDS` (rounds a cell is split into, default 4),
//! `BENCH_LARGE_MIB` (size of the large object, default 256),
//! `BENCH_LARGE_ROUNDS` (transfers per client, default 3),
//! `BENCH_DIR` (where the large file goes, default the temporary directory).
//!
//! Prints one markdown table on stdout, progress and errors on stderr, and
//! exits 1 if any request failed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::TryStreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SMALL: usize = 4096;
const ACCESS_KEY_ID: &str = "testid";
const ACCESS_KEY_SECRET: &str = "testsecret";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    /// Our client with its default signature, V4.
    Ours,
    /// Our client signing V1, as opendal does: separates the signature's
    /// cost from the rest of the client.
    OursV1,
    Opendal,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Ours => "alibabacloud-oss (V4)",
            Who::OursV1 => "alibabacloud-oss (V1)",
            Who::Opendal => "opendal (V1)",
        }
    }

    /// For object keys.
    fn tag(self) -> &'static str {
        match self {
            Who::Ours => "ours",
            Who::OursV1 => "ours-v1",
            Who::Opendal => "opendal",
        }
    }
}

/// Small-object cells take turns among these three.
const SMALL_CLIENTS: [Who; 3] = [Who::Ours, Who::OursV1, Who::Opendal];
/// Large transfers (where the signature's cost is lost in the bytes).
const LARGE_CLIENTS: [Who; 2] = [Who::Ours, Who::Opendal];

#[derive(Clone)]
struct Clients {
    ours: alibabacloud_oss::Client,
    ours_v1: alibabacloud_oss::Client,
    dal: opendal::Operator,
    bucket: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Small {
    Put,
    Get,
}

/// One client's totals over the rounds of one cell.
#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    wall: f64,
    cpu: f64,
    bytes: u64,
    first_error: Option<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.wall += other.wall;
        self.cpu += other.cpu;
        self.bytes += other.bytes;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

struct Row {
    op: String,
    who: Who,
    conc: usize,
    /// req/s or MiB/s
    rate: f64,
    rate_unit: &'static str,
    /// µs per request or s per transfer
    cpu: f64,
    cpu_unit: &'static str,
    failed: u64,
}

/// User + system CPU seconds of this process so far.
fn cpu_now() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number")),
        Err(_) => default,
    }
}

async fn small_once(
    c: &Clients,
    who: Who,
    op: Small,
    key: &str,
    data: &Bytes,
) -> Result<u64, String> {
    let ours = if who == Who::OursV1 {
        &c.ours_v1
    } else {
        &c.ours
    };
    match (who, op) {
        (Who::Ours | Who::OursV1, Small::Put) => {
            ours.put_object(&c.bucket, key)
                .body(data.clone())
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?;
            Ok(data.len() as u64)
        }
        (Who::Ours | Who::OursV1, Small::Get) => {
            let body = ours
                .get_object(&c.bucket, key)
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{e:?}"))?;
            check_len(body.len(), data.len())
        }
        (Who::Opendal, Small::Put) => {
            c.dal
                .write(key, data.clone())
                .await
                .map_err(|e| format!("{e:?}"))?;
            Ok(data.len() as u64)
        }
        (Who::Opendal, Small::Get) => {
            let body = c.dal.read(key).await.map_err(|e| format!("{e:?}"))?;
            check_len(body.len(), data.len())
        }
    }
}

fn check_len(got: usize, want: usize) -> Result<u64, String> {
    if got == want {
        Ok(got as u64)
    } else {
        Err(format!("read {got} bytes, expected {want}"))
    }
}

/// `conc` tasks issuing requests back to back for `secs`.
async fn small_cell(
    c: &Clients,
    who: Who,
    op: Small,
    conc: usize,
    secs: f64,
    data: &Bytes,
) -> Tally {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let cpu0 = cpu_now();
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(conc);
    for worker in 0..conc {
        let c = c.clone();
        let data = data.clone();
        tasks.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let mut i = 0u64;
            while Instant::now() < deadline {
                let key = match op {
                    // A few keys per worker, overwritten: the mock's memory stays flat.
                    Small::Put => format!("small/put-{}-{worker}-{}", who.tag(), i % 8),
                    Small::Get => "small/get".to_string(),
                };
                match small_once(&c, who, op, &key, &data).await {
                    Ok(n) => {
                        t.ok += 1;
                        t.bytes += n;
                    }
                    Err(e) => {
                        t.failed += 1;
                        if t.first_error.is_none() {
                            t.first_error = Some(e);
                        }
                    }
                }
                i += 1;
            }
            t
        }));
    }
    let mut total = Tally::default();
    for task in tasks {
        total.add(task.await.expect("a worker panicked"));
    }
    total.wall = t0.elapsed().as_secs_f64();
    total.cpu = cpu_now() - cpu0;
    total
}

/// Writes `mib` MiB of pseudo-random bytes; returns their CRC-64.
fn make_file(path: &Path, mib: u64) -> std::io::Result<u64> {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut crc = 0u64;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut chunk = vec![0u8; 1024 * 1024];
    for _ in 0..mib {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        f.write_all(&chunk)?;
        crc = alibabacloud_oss::crc64_combine(
            crc,
            alibabacloud_oss::crc64(&chunk),
            chunk.len() as u64,
        );
    }
    f.flush()?;
    Ok(crc)
}

fn file_crc(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 4 * 1024 * 1024];
    let (mut crc, mut len) = (0u64, 0u64);
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok((crc, len));
        }
        crc = alibabacloud_oss::crc64_combine(crc, alibabacloud_oss::crc64(&buf[..n]), n as u64);
        len += n as u64;
    }
}

struct Large {
    src: PathBuf,
    dst: PathBuf,
    size: u64,
    crc: u64,
    part: u64,
    conc: usize,
}

async fn upload(c: &Clients, who: Who, l: &Large, key: &str) -> Result<(), String> {
    match who {
        Who::Ours | Who::OursV1 => {
            let out = c
                .ours
                .upload(&c.bucket, key)
                .file(&l.src)
                .part_size(l.part)
                .concurrency(l.conc)
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?;
            if out.size() != l.size {
                return Err(format!(
                    "uploaded {} bytes, expected {}",
                    out.size(),
                    l.size
                ));
            }
            Ok(())
        }
        Who::Opendal => {
            let mut w = c
                .dal
                .writer_with(key)
                .chunk(l.part as usize)
                .concurrent(l.conc)
                .await
                .map_err(|e| format!("{e:?}"))?;
            let mut f = tokio::fs::File::open(&l.src)
                .await
                .map_err(|e| e.to_string())?;
            loop {
                // One part's worth of the file at a time, handed over without a copy.
                let mut buf = BytesMut::with_capacity(l.part as usize);
                while buf.len() < l.part as usize {
                    if f.read_buf(&mut buf).await.map_err(|e| e.to_string())? == 0 {
                        break;
                    }
                }
                if buf.is_empty() {
                    break;
                }
                w.write(buf.freeze()).await.map_err(|e| format!("{e:?}"))?;
            }
            w.close().await.map_err(|e| format!("{e:?}"))?;
            Ok(())
        }
    }
}

async fn download(c: &Clients, who: Who, l: &Large, key: &str) -> Result<(), String> {
    match who {
        Who::Ours | Who::OursV1 => {
            c.ours
                .download(&c.bucket, key)
                .to_file(&l.dst)
                .part_size(l.part)
                .concurrency(l.conc)
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?;
            Ok(())
        }
        Who::Opendal => {
            let mut stream = c
                .dal
                .reader_with(key)
                .chunk(l.part as usize)
                .concurrent(l.conc)
                .await
                .map_err(|e| format!("{e:?}"))?
                .into_bytes_stream(..)
                .await
                .map_err(|e| format!("{e:?}"))?;
            let mut f = tokio::fs::File::create(&l.dst)
                .await
                .map_err(|e| e.to_string())?;
            while let Some(chunk) = stream.try_next().await.map_err(|e| e.to_string())? {
                f.write_all(&chunk).await.map_err(|e| e.to_string())?;
            }
            f.flush().await.map_err(|e| e.to_string())?;
            Ok(())
        }
    }
}

/// Indices 0..n starting at `round % n`: each round another client goes first.
fn rotated(n: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| (round + k) % n)
}

/// Times one large transfer; the correctness checks come after the clock stops.
async fn large_once(c: &Clients, who: Who, l: &Large, up: bool) -> Tally {
    let key = format!("large/{}", who.tag());
    // The previous transfer's dirty pages are written out before the clock
    // starts, not charged to whoever comes next.
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    let cpu0 = cpu_now();
    let t0 = Instant::now();
    let result = if up {
        upload(c, who, l, &key).await
    } else {
        // Both download the object our client uploaded.
        download(c, who, l, &format!("large/{}", Who::Ours.tag())).await
    };
    let mut t = Tally {
        wall: t0.elapsed().as_secs_f64(),
        cpu: cpu_now() - cpu0,
        ..Tally::default()
    };
    let checked = match result {
        Err(e) => Err(e),
        Ok(()) if up => match c.ours.head_object(&c.bucket, &key).send().await {
            Ok(meta) if meta.content_length() == Some(l.size) && meta.crc64() == Some(l.crc) => {
                Ok(())
            }
            Ok(meta) => Err(format!(
                "stored object: {:?} bytes, crc64 {:?}; the file: {} bytes, crc64 {}",
                meta.content_length(),
                meta.crc64(),
                l.size,
                l.crc
            )),
            Err(e) => Err(format!("head after upload: {e:?}")),
        },
        Ok(()) => match file_crc(&l.dst) {
            Ok((crc, len)) if crc == l.crc && len == l.size => Ok(()),
            Ok((crc, len)) => Err(format!(
                "downloaded file: {len} bytes, crc64 {crc}; expected {} bytes, crc64 {}",
                l.size, l.crc
            )),
            Err(e) => Err(e.to_string()),
        },
    };
    match checked {
        Ok(()) => {
            t.ok = 1;
            t.bytes = l.size;
        }
        Err(e) => {
            t.failed = 1;
            t.first_error = Some(e);
        }
    }
    if !up {
        let _ = std::fs::remove_file(&l.dst);
    }
    t
}

fn report_errors(what: &str, who: Who, t: &Tally) {
    if let Some(e) = &t.first_error {
        eprintln!(
            "bench: {what} {}: {} failed; first error: {e}",
            who.name(),
            t.failed
        );
    }
}

async fn run(url: &str) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let secs = env_num("BENCH_SECS", 5) as f64;
    let rounds = env_num("BENCH_ROUNDS", 4).max(1);
    let large_mib = env_num("BENCH_LARGE_MIB", 256);
    let large_rounds = env_num("BENCH_LARGE_ROUNDS", 3).max(1);
    let bucket = format!("oss-vs-opendal-{}", std::process::id());

    let ours = alibabacloud_oss::Client::builder()
        .region("cn-hangzhou")
        .endpoint(url)
        .credentials(alibabacloud_oss::Credentials::new(
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
        ))
        .build()?;
    let ours_v1 = alibabacloud_oss::Client::builder()
        .region("cn-hangzhou")
        .endpoint(url)
        .credentials(alibabacloud_oss::Credentials::new(
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
        ))
        .signature_version(alibabacloud_oss::OssSignatureVersion::V1)
        .build()?;
    ours.create_bucket(&bucket).send().await?;
    let dal = opendal::Operator::new(
        opendal::services::Oss::default()
            .endpoint(url)
            .addressing_style("path")
            .bucket(&bucket)
            .access_key_id(ACCESS_KEY_ID)
            .access_key_secret(ACCESS_KEY_SECRET),
    )?;
    let c = Clients {
        ours,
        ours_v1,
        dal,
        bucket,
    };

    let data = Bytes::from((0..SMALL).map(|i| (i * 7 % 251) as u8).collect::<Vec<u8>>());
    c.ours
        .put_object(&c.bucket, "small/get")
        .body(data.clone())
        .send()
        .await?;

    let mut rows = Vec::new();
    for (op, name) in [(Small::Put, "PUT 4 KiB"), (Small::Get, "GET 4 KiB")] {
        for conc in [1usize, 32] {
            // Warm-up: connections opened, code paths paged in; not counted.
            for who in SMALL_CLIENTS {
                let t = small_cell(&c, who, op, conc, 0.3, &data).await;
                report_errors(&format!("{name} warm-up"), who, &t);
            }
            let mut totals = [Tally::default(), Tally::default(), Tally::default()];
            for round in 0..rounds as usize {
                for i in rotated(SMALL_CLIENTS.len(), round) {
                    let who = SMALL_CLIENTS[i];
                    totals[i].add(small_cell(&c, who, op, conc, secs / rounds as f64, &data).await);
                }
            }
            for (i, who) in SMALL_CLIENTS.into_iter().enumerate() {
                let t = &totals[i];
                report_errors(name, who, t);
                eprintln!(
                    "bench: {name} c={conc} {}: {} ok, {} failed in {:.2} s, {:.3} s CPU",
                    who.name(),
                    t.ok,
                    t.failed,
                    t.wall,
                    t.cpu
                );
                rows.push(Row {
                    op: name.to_string(),
                    who,
                    conc,
                    rate: t.ok as f64 / t.wall,
                    rate_unit: "req/s",
                    cpu: if t.ok > 0 {
                        1e6 * t.cpu / t.ok as f64
                    } else {
                        f64::NAN
                    },
                    cpu_unit: "µs/req",
                    failed: t.failed,
                });
            }
        }
    }

    // The PUTs stored what they sent (a 2xx alone does not say so).
    for who in SMALL_CLIENTS {
        let key = format!("small/put-{}-0-0", who.tag());
        let stored = c.ours.get_object(&c.bucket, &key).send().await;
        let stored = match stored {
            Ok(out) => out
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{e:?}")),
            Err(e) => Err(format!("{e:?}")),
        };
        if stored.as_deref() != Ok(&data[..]) {
            eprintln!(
                "bench: {key} does not hold what {} sent: {stored:?}",
                who.name()
            );
            if let Some(row) = rows
                .iter_mut()
                .find(|r| r.who == who && r.op.starts_with("PUT"))
            {
                row.failed += 1;
            }
        }
    }

    let dir = std::env::var_os("BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("oss-vs-opendal-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let src = dir.join("source.bin");
    eprintln!("bench: writing a {large_mib} MiB source file");
    let crc = make_file(&src, large_mib)?;
    let large = Large {
        dst: dir.join("downloaded.bin"),
        src,
        size: large_mib * 1024 * 1024,
        crc,
        part: 8 * 1024 * 1024,
        conc: 4,
    };
    for (up, name) in [(true, "multipart upload"), (false, "ranged download")] {
        let mut totals = [Tally::default(), Tally::default()];
        // Warm-up: one untimed transfer each; a failure still counts.
        let mut warm_failed = [0u64; 2];
        for (i, who) in LARGE_CLIENTS.into_iter().enumerate() {
            let t = large_once(&c, who, &large, up).await;
            report_errors(&format!("{name} warm-up"), who, &t);
            warm_failed[i] = t.failed;
        }
        for round in 0..large_rounds as usize {
            for i in rotated(LARGE_CLIENTS.len(), round) {
                totals[i].add(large_once(&c, LARGE_CLIENTS[i], &large, up).await);
            }
        }
        for (t, w) in totals.iter_mut().zip(warm_failed) {
            t.failed += w;
        }
        for (i, who) in LARGE_CLIENTS.into_iter().enumerate() {
            let t = &totals[i];
            report_errors(name, who, t);
            eprintln!(
                "bench: {name} {}: {} ok, {} failed in {:.2} s, {:.3} s CPU",
                who.name(),
                t.ok,
                t.failed,
                t.wall,
                t.cpu
            );
            rows.push(Row {
                op: format!("{name} {large_mib} MiB, 8 MiB parts"),
                who,
                conc: large.conc,
                rate: t.bytes as f64 / (1024.0 * 1024.0) / t.wall,
                rate_unit: "MiB/s",
                cpu: t.cpu / large_rounds as f64,
                cpu_unit: "CPU s/transfer",
                failed: t.failed,
            });
        }
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(rows)
}

fn print_table(rows: &[Row], secs: u64, rounds: u64, large_rounds: u64) {
    println!(
        "alibabacloud-oss (default signature V4, and V1) beside opendal's OSS service (V1) against the release mock, \
         path-style addressing; ratios are each of our rows over opendal's; \
         small objects {secs} s per cell in {rounds} interleaved rounds, large transfers {large_rounds} per client \
         after one untimed each, interleaved, the first client rotating each round; \
         {} cores shared by client and mock",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    println!();
    println!("| operation | client | conc. | throughput | client CPU | ours/opendal throughput | ours/opendal CPU | failed |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let other = rows
            .iter()
            .find(|o| o.op == r.op && o.conc == r.conc && o.who == Who::Opendal);
        let (rr, rc) = match (r.who, other) {
            (Who::Ours | Who::OursV1, Some(o)) => (
                format!("{:.2}", r.rate / o.rate),
                format!("{:.2}", r.cpu / o.cpu),
            ),
            _ => ("".into(), "".into()),
        };
        let cpu = if r.cpu_unit.starts_with('µ') {
            format!("{:.0} {}", r.cpu, r.cpu_unit)
        } else {
            format!("{:.2} {}", r.cpu, r.cpu_unit)
        };
        println!(
            "| {} | {} | {} | {:.0} {} | {} | {} | {} | {} |",
            r.op,
            r.who.name(),
            r.conc,
            r.rate,
            r.rate_unit,
            cpu,
            rr,
            rc,
            r.failed
        );
    }
}

fn main() -> std::process::ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: oss-vs-opendal http://127.0.0.1:PORT");
        return std::process::ExitCode::from(2);
    };
    // opendal's transport is built without a bundled crypto provider; ring
    // is the one the SDK's reqwest already uses. Plain HTTP is all we speak.
    let _ = rustls::crypto::ring::default_provider().install_default();
    opendal::HttpTransporter::install_default(
        opendal_http_transport_reqwest::ReqwestTransport::default(),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let rows = match rt.block_on(run(&url)) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("oss-vs-opendal: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    print_table(
        &rows,
        env_num("BENCH_SECS", 5),
        env_num("BENCH_ROUNDS", 4).max(1),
        env_num("BENCH_LARGE_ROUNDS", 3).max(1),
    );
    let failed: u64 = rows.iter().map(|r| r.failed).sum();
    if failed > 0 {
        eprintln!("oss-vs-opendal: {failed} requests or transfers failed");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
