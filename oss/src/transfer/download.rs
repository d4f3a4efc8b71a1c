//! Downloads to a file in parallel ranges. The data goes to a temporary
//! file beside the destination, which is renamed into place only after
//! every range arrived and the combined CRC-64 matched OSS's: a failed or
//! corrupt download never leaves a file that looks complete. Every range is
//! asked for with `If-Match` on the object's ETag, so an object replaced
//! mid-download fails instead of mixing two versions.

use std::path::{Path, PathBuf};

use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::checkpoint;
use super::TransferOptions;
use crate::client::Client;
use crate::crc::crc64_combine;
use crate::error::{Error, IntegrityError, TransferError};

/// A download of an object to a file.
#[derive(Debug)]
#[must_use = "a download does nothing until sent"]
pub struct Download {
    client: Client,
    bucket: String,
    key: String,
    path: Option<PathBuf>,
    options: TransferOptions,
}

super::transfer_option_setters!(Download);

impl Client {
    /// Downloads an object to a file in parallel ranges.
    ///
    /// ```no_run
    /// # async fn demo(client: alibabacloud_oss::Client) -> Result<(), alibabacloud_oss::Error> {
    /// let out = client
    ///     .download("my-bucket", "backups/db.tar")
    ///     .to_file("db.tar")
    ///     .concurrency(8)
    ///     .send()
    ///     .await?;
    /// println!("{} bytes, crc64 {:?}", out.size(), out.crc64());
    /// # Ok(()) }
    /// ```
    pub fn download(&self, bucket: impl Into<String>, key: impl Into<String>) -> Download {
        Download {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            path: None,
            options: TransferOptions::default(),
        }
    }
}

/// What a finished download returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadOutput {
    size: u64,
    crc64: Option<u64>,
    etag: Option<String>,
    resumed_ranges: usize,
}

impl DownloadOutput {
    /// Bytes in the file.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The CRC-64 of the file, equal to OSS's.
    pub fn crc64(&self) -> Option<u64> {
        self.crc64
    }

    /// The ETag of the object downloaded.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// Ranges taken from a checkpoint rather than fetched by this call.
    pub fn resumed_ranges(&self) -> usize {
        self.resumed_ranges
    }
}

#[derive(Serialize, Deserialize, Clone)]
struct RangeDone {
    index: u64,
    crc64: u64,
}

#[derive(Serialize, Deserialize)]
struct DownloadCheckpoint {
    bucket: String,
    key: String,
    path: String,
    size: u64,
    etag: String,
    part_size: u64,
    done: Vec<RangeDone>,
}

/// The temporary file a download writes before it is complete.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".oss-partial");
    path.with_file_name(name)
}

impl Download {
    /// The destination file (replaced only when the download succeeds).
    pub fn to_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Runs the download.
    pub async fn send(self) -> Result<DownloadOutput, Error> {
        self.options.check()?;
        let Some(path) = self.path.clone() else {
            return Err(Error::invalid("to_file", "set the file to download to"));
        };
        let head = self
            .client
            .head_object(&self.bucket, &self.key)
            .send()
            .await?;
        let size = head.content_length().unwrap_or(0);
        let etag = head.etag().unwrap_or_default().to_string();
        let part_size = self.options.part_size_for(Some(size));
        let count = size.div_ceil(part_size).max(1);
        let tmp = temp_path(&path);
        let source = path.to_string_lossy().into_owned();
        let cp_path =
            self.options.checkpoint_dir.as_ref().map(|dir| {
                checkpoint::path_for(dir, "download", &[&self.bucket, &self.key, &source])
            });
        let mut record = match &cp_path {
            Some(p) => checkpoint::load::<DownloadCheckpoint>(p).await.filter(|c| {
                c.bucket == self.bucket
                    && c.key == self.key
                    && c.path == source
                    && c.size == size
                    && c.etag == etag
                    && c.part_size == part_size
                    && std::fs::metadata(&tmp)
                        .map(|m| m.len() == size)
                        .unwrap_or(false)
            }),
            None => None,
        }
        .unwrap_or_else(|| DownloadCheckpoint {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            path: source.clone(),
            size,
            etag: etag.clone(),
            part_size,
            done: Vec::new(),
        });
        let resumed_ranges = record.done.len();
        if resumed_ranges == 0 {
            let file = tokio::fs::File::create(&tmp)
                .await
                .map_err(|e| Error::io(Some(tmp.clone()), "creating", e))?;
            file.set_len(size)
                .await
                .map_err(|e| Error::io(Some(tmp.clone()), "sizing", e))?;
        }
        let already: u64 = record
            .done
            .iter()
            .map(|r| range_len(r.index, part_size, size))
            .sum();
        let observer = self.options.observer(already, Some(size));
        let todo: Vec<u64> = (0..count)
            .filter(|i| !record.done.iter().any(|r| r.index == *i))
            .collect();

        let mut running = FuturesUnordered::new();
        let mut next = todo.into_iter();
        let mut failure: Option<(u64, Error)> = None;
        loop {
            while failure.is_none() && running.len() < self.options.concurrency {
                let Some(index) = next.next() else { break };
                let this = (self.client.clone(), self.bucket.clone(), self.key.clone());
                let (tmp, etag, observer) = (tmp.clone(), etag.clone(), observer.clone());
                running.push(async move {
                    let r = fetch_range(this, &tmp, &etag, index, part_size, size, observer).await;
                    (index, r)
                });
            }
            let Some((index, result)) = running.next().await else {
                break;
            };
            match result {
                Ok(crc) => {
                    record.done.push(RangeDone { index, crc64: crc });
                    if let Some(p) = &cp_path {
                        if let Err(e) = checkpoint::save(p, &record).await {
                            failure.get_or_insert((index, e));
                        }
                    }
                }
                Err(e) => {
                    failure.get_or_insert((index, e));
                }
            }
        }
        if let Some((index, cause)) = failure {
            if cp_path.is_none() {
                let _ = tokio::fs::remove_file(&tmp).await;
            }
            let start = index * part_size;
            let end = start + range_len(index, part_size, size);
            return Err(Error::Transfer(Box::new(TransferError {
                what: format!("range {start}-{} of {size} bytes", end.saturating_sub(1)),
                upload_id: None,
                aborted: false,
                source: cause,
            })));
        }

        record.done.sort_by_key(|r| r.index);
        let combined = record.done.iter().fold(0u64, |acc, r| {
            crc64_combine(acc, r.crc64, range_len(r.index, part_size, size))
        });
        if let Some(theirs) = head.crc64() {
            if theirs != combined {
                let _ = tokio::fs::remove_file(&tmp).await;
                if let Some(p) = &cp_path {
                    checkpoint::remove(p).await;
                }
                return Err(Error::Integrity(IntegrityError::Crc64Mismatch {
                    what: format!("download of {} (partial file removed)", self.key),
                    expected: theirs,
                    actual: combined,
                }));
            }
        }
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| Error::io(Some(path.clone()), "moving the finished download to", e))?;
        if let Some(p) = &cp_path {
            checkpoint::remove(p).await;
        }
        Ok(DownloadOutput {
            size,
            crc64: Some(combined),
            etag: Some(etag),
            resumed_ranges,
        })
    }
}

fn range_len(index: u64, part_size: u64, size: u64) -> u64 {
    let start = index * part_size;
    part_size.min(size.saturating_sub(start))
}

/// Fetches one range into its place in the file; returns its CRC-64.
async fn fetch_range(
    (client, bucket, key): (Client, String, String),
    tmp: &Path,
    etag: &str,
    index: u64,
    part_size: u64,
    size: u64,
    observer: Option<std::sync::Arc<super::Observer>>,
) -> Result<u64, Error> {
    let len = range_len(index, part_size, size);
    if len == 0 {
        return Ok(0);
    }
    let start = index * part_size;
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(tmp)
        .await
        .map_err(|e| Error::io(Some(tmp.to_path_buf()), "opening", e))?;
    // A range that fails mid-way is fetched again whole, up to the client's
    // attempts, from the start of its place in the file.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut got = 0u64;
        let result = async {
            file.seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(|e| Error::io(Some(tmp.to_path_buf()), "seeking in", e))?;
            let mut get = client
                .get_object(&bucket, &key)
                .range(start..start + len)
                .if_match(etag);
            get.observer = observer.clone();
            let out = get.send().await?;
            let mut body = out.into_body();
            let mut crc = crate::crc::Crc64::new();
            while let Some(chunk) = body.next_chunk().await {
                let chunk = chunk?;
                crc.update(&chunk);
                got += chunk.len() as u64;
                file.write_all(&chunk)
                    .await
                    .map_err(|e| Error::io(Some(tmp.to_path_buf()), "writing", e))?;
            }
            if got != len {
                return Err(Error::Integrity(IntegrityError::Truncated {
                    what: format!("range {start}-{} of {key}", start + len - 1),
                    expected: len,
                    received: got,
                }));
            }
            file.flush()
                .await
                .map_err(|e| Error::io(Some(tmp.to_path_buf()), "writing", e))?;
            Ok(crc.value())
        }
        .await;
        match result {
            Ok(crc) => return Ok(crc),
            Err(e) if attempt < client.inner.max_attempts && e.is_retryable() => {
                if let Some(o) = &observer {
                    // The bytes of the failed attempt will be counted again.
                    o.rewind(got);
                }
                tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(attempt)))
                    .await;
            }
            Err(e) => return Err(e),
        }
    }
}
