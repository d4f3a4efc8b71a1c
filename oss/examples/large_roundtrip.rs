//! Uploads a large file in parts and downloads it back, checked by CRC-64,
//! then prints throughput and this process's peak memory.
//!
//! ```sh
//! cargo run --release -p alibabacloud-mock -- --port 0     # prints its URL
//! cargo run --release -p alibabacloud-oss --example large_roundtrip -- http://127.0.0.1:PORT
//! OSS_EXAMPLE_MIB=64 cargo run -p alibabacloud-oss --example large_roundtrip   # in-process mock
//! ```
//!
//! Without a URL a mock is started in this process (its memory then
//! counts too). The size defaults to 1 GiB (`OSS_EXAMPLE_MIB`).

use std::io::Write;
use std::time::Instant;

use alibabacloud_oss::{crc64_combine, Client, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = std::env::var("OSS_EXAMPLE_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let (url, _mock) = match std::env::args().nth(1) {
        Some(url) => (url, None),
        None => {
            let mock =
                alibabacloud_mock::MockServer::start(alibabacloud_mock::MockConfig::new()).await?;
            (mock.url(), Some(mock))
        }
    };
    let client = Client::builder()
        .region("cn-hangzhou")
        .endpoint(&url)
        .credentials(Credentials::new("testid", "testsecret"))
        .build()?;
    let bucket = format!("roundtrip-{}", std::process::id());
    client.create_bucket(&bucket).send().await?;

    // The source file, written a chunk at a time (never whole in memory),
    // its CRC-64 computed as it is written.
    let dir = std::env::temp_dir().join(format!("oss-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let src = dir.join("source.bin");
    let dst = dir.join("downloaded.bin");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&src)?);
    let mut crc = 0u64;
    let mut chunk = vec![0u8; 1024 * 1024];
    for i in 0..mib {
        for (j, b) in chunk.iter_mut().enumerate() {
            *b = ((i as usize * 31 + j * 7) % 251) as u8;
        }
        file.write_all(&chunk)?;
        crc = crc64_combine(crc, alibabacloud_oss::crc64(&chunk), chunk.len() as u64);
    }
    file.flush()?;
    drop(file);
    let size = mib * 1024 * 1024;

    let t = Instant::now();
    let up = client
        .upload(&bucket, "large.bin")
        .file(&src)
        .part_size(16 * 1024 * 1024)
        .concurrency(4)
        .send()
        .await?;
    let up_secs = t.elapsed().as_secs_f64();
    assert_eq!(
        up.crc64(),
        Some(crc),
        "OSS's CRC-64 differs from the file's"
    );

    let t = Instant::now();
    let down = client
        .download(&bucket, "large.bin")
        .to_file(&dst)
        .part_size(16 * 1024 * 1024)
        .concurrency(4)
        .send()
        .await?;
    let down_secs = t.elapsed().as_secs_f64();
    assert_eq!(down.crc64(), Some(crc), "the download's CRC-64 differs");
    assert_eq!(std::fs::metadata(&dst)?.len(), size);

    let mb = size as f64 / (1024.0 * 1024.0);
    println!("object: {mib} MiB in {} parts, crc64 {crc}", up.parts());
    println!("upload:   {up_secs:.2} s, {:.0} MiB/s", mb / up_secs);
    println!("download: {down_secs:.2} s, {:.0} MiB/s", mb / down_secs);
    println!("peak RSS of this process: {}", peak_rss());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// `VmHWM` from `/proc/self/status` (Linux), else "unknown".
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
