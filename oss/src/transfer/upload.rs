//! Uploads of any size: one `PutObject` when the source fits in a part,
//! otherwise concurrent parts. On failure the upload is aborted (its parts
//! deleted), unless a checkpoint directory is set, in which case the upload
//! and the record of its finished parts are kept for the next attempt. The
//! CRC-64 of the parts, combined, is checked against the object OSS built.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::stream::FuturesUnordered;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::checkpoint;
use super::observer::Observer;
use super::TransferOptions;
use crate::body::Body;
use crate::client::Client;
use crate::crc::crc64_combine;
use crate::error::{Error, IntegrityError, TransferError};
use crate::multipart::{UploadedPart, MAX_PARTS};
use crate::object::ObjectHeaders;

/// Where an upload's bytes come from.
enum UploadSource {
    File(PathBuf),
    Stream(std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>),
}

/// An upload of a file or a stream of any size.
#[must_use = "an upload does nothing until sent"]
pub struct Upload {
    client: Client,
    bucket: String,
    key: String,
    source: Option<UploadSource>,
    options: TransferOptions,
    object_headers: ObjectHeaders,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

crate::object::object_header_setters!(Upload);
super::transfer_option_setters!(Upload);

impl Client {
    /// Uploads a file or a stream, in parts when it is larger than one part.
    ///
    /// ```no_run
    /// # async fn demo(client: alibabacloud_oss::Client) -> Result<(), alibabacloud_oss::Error> {
    /// let out = client
    ///     .upload("my-bucket", "backups/db.tar")
    ///     .file("db.tar")
    ///     .part_size(16 * 1024 * 1024)
    ///     .concurrency(8)
    ///     .checkpoint_dir(".oss-checkpoints") // resumable
    ///     .progress(|p| eprintln!("{} / {:?}", p.transferred, p.total))
    ///     .send()
    ///     .await?;
    /// println!("crc64 {:?}", out.crc64());
    /// # Ok(()) }
    /// ```
    pub fn upload(&self, bucket: impl Into<String>, key: impl Into<String>) -> Upload {
        Upload {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            source: None,
            options: TransferOptions::default(),
            object_headers: ObjectHeaders::default(),
        }
    }
}

/// What a finished upload returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOutput {
    etag: Option<String>,
    crc64: Option<u64>,
    size: u64,
    parts: usize,
    resumed_parts: usize,
}

impl UploadOutput {
    /// The object's ETag.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// The object's CRC-64, checked against the bytes sent.
    pub fn crc64(&self) -> Option<u64> {
        self.crc64
    }

    /// Bytes uploaded in all.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Parts the object was built from (1 for a single `PutObject`).
    pub fn parts(&self) -> usize {
        self.parts
    }

    /// Parts taken from a checkpoint rather than sent by this call.
    pub fn resumed_parts(&self) -> usize {
        self.resumed_parts
    }
}

/// The record of a resumable upload.
#[derive(Serialize, Deserialize)]
struct UploadCheckpoint {
    bucket: String,
    key: String,
    source: String,
    size: u64,
    mtime: u64,
    part_size: u64,
    upload_id: String,
    parts: Vec<UploadedPart>,
}

impl Upload {
    /// Uploads this file.
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.source = Some(UploadSource::File(path.into()));
        self
    }

    /// Uploads this stream. Its length need not be known; at most
    /// `concurrency` parts of it are held in memory at once. Streams are
    /// not resumable.
    pub fn stream<S>(mut self, stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        self.source = Some(UploadSource::Stream(Box::pin(stream)));
        self
    }

    /// Runs the upload.
    pub async fn send(self) -> Result<UploadOutput, Error> {
        crate::addressing::validate_bucket_name(&self.bucket)
            .map_err(|p| Error::invalid("bucket", p))?;
        crate::addressing::validate_object_key(&self.key).map_err(|p| Error::invalid("key", p))?;
        self.options.check()?;
        // The source moves out first: a user's stream need not be `Sync`,
        // and the rest of the upload is shared by its parts.
        let job = Job {
            client: self.client,
            bucket: self.bucket,
            key: self.key,
            options: self.options,
            object_headers: self.object_headers,
        };
        match self.source {
            Some(UploadSource::File(path)) => job.upload_file(path).await,
            Some(UploadSource::Stream(s)) => job.upload_stream(s).await,
            None => Err(Error::invalid("source", "set a file or a stream to upload")),
        }
    }
}

/// An upload under way, without its source.
struct Job {
    client: Client,
    bucket: String,
    key: String,
    options: TransferOptions,
    object_headers: ObjectHeaders,
}

impl Job {
    async fn upload_file(self, path: PathBuf) -> Result<UploadOutput, Error> {
        let meta = tokio::fs::metadata(&path)
            .await
            .map_err(|e| Error::io(Some(path.clone()), "reading the size of", e))?;
        let size = meta.len();
        let part_size = self.options.part_size_for(Some(size));
        let observer = self.options.observer(0, Some(size));

        if size <= part_size {
            let mut put = self
                .client
                .put_object(&self.bucket, &self.key)
                .body(Body::from_file_range(&path, 0, size));
            put.object_headers = self.object_headers.clone();
            let out = put.send_observed(observer).await?;
            return Ok(UploadOutput {
                etag: out.etag().map(str::to_string),
                crc64: out.crc64(),
                size,
                parts: 1,
                resumed_parts: 0,
            });
        }

        let mtime = checkpoint::mtime_secs(&meta);
        let source = path.to_string_lossy().into_owned();
        let cp_path =
            self.options.checkpoint_dir.as_ref().map(|dir| {
                checkpoint::path_for(dir, "upload", &[&self.bucket, &self.key, &source])
            });
        // Resume only what matches this file and this part size exactly.
        let mut record = match &cp_path {
            Some(p) => checkpoint::load::<UploadCheckpoint>(p).await.filter(|c| {
                c.bucket == self.bucket
                    && c.key == self.key
                    && c.source == source
                    && c.size == size
                    && c.mtime == mtime
                    && c.part_size == part_size
            }),
            None => None,
        };
        if let Some(r) = &mut record {
            // An upload aborted or expired since the checkpoint: start over.
            match self.listed_parts(&r.upload_id).await {
                Ok(listed) => r.parts.retain(|p| {
                    listed
                        .iter()
                        .any(|l| l.number == p.number && l.etag == p.etag)
                }),
                Err(e) if e.code() == Some("NoSuchUpload") => record = None,
                Err(e) => return Err(e),
            }
        }
        let mut record = match record {
            Some(r) => r,
            None => {
                let mut init = self
                    .client
                    .initiate_multipart_upload(&self.bucket, &self.key);
                init.object_headers = self.object_headers.clone();
                let upload_id = init.send().await?;
                UploadCheckpoint {
                    bucket: self.bucket.clone(),
                    key: self.key.clone(),
                    source: source.clone(),
                    size,
                    mtime,
                    part_size,
                    upload_id,
                    parts: Vec::new(),
                }
            }
        };
        if let Some(p) = &cp_path {
            checkpoint::save(p, &record).await?;
        }
        let resumed_parts = record.parts.len();
        let already: u64 = record.parts.iter().map(|p| p.size).sum();
        let observer = self.options.observer(already, Some(size));
        let count = size.div_ceil(part_size) as u32;
        let todo: Vec<u32> = (1..=count)
            .filter(|n| !record.parts.iter().any(|p| p.number == *n))
            .collect();

        let mut running = FuturesUnordered::new();
        let mut next = todo.into_iter();
        let mut failure: Option<(u32, Error)> = None;
        loop {
            while failure.is_none() && running.len() < self.options.concurrency {
                let Some(n) = next.next() else { break };
                let offset = u64::from(n - 1) * part_size;
                let len = part_size.min(size - offset);
                let body = Body::from_file_range(&path, offset, len);
                let client = self.client.clone();
                let (bucket, key, id) = (
                    self.bucket.clone(),
                    self.key.clone(),
                    record.upload_id.clone(),
                );
                let observer = observer.clone();
                running.push(async move {
                    let r = client
                        .upload_part_observed(&bucket, &key, &id, n, body, observer)
                        .await;
                    (n, r)
                });
            }
            let Some((n, result)) = running.next().await else {
                break;
            };
            match result {
                Ok(part) => {
                    record.parts.push(part);
                    if let Some(p) = &cp_path {
                        if let Err(e) = checkpoint::save(p, &record).await {
                            failure.get_or_insert((n, e));
                        }
                    }
                }
                // Let the parts in flight finish, start no more.
                Err(e) => {
                    failure.get_or_insert((n, e));
                }
            }
        }
        if let Some((n, cause)) = failure {
            return Err(self
                .fail(
                    &record.upload_id,
                    format!("part {n} of {count}"),
                    cause,
                    cp_path.is_some(),
                )
                .await);
        }
        self.complete(&mut record, size, count, resumed_parts)
            .await
            .inspect(|_| {
                if let Some(p) = &cp_path {
                    let p = p.clone();
                    tokio::spawn(async move { checkpoint::remove(&p).await });
                }
            })
    }

    /// Completes the upload and checks the combined CRC-64 of the parts
    /// against OSS's. A mismatch deletes the object: a corrupt object must
    /// not stay in place as if the upload had worked.
    async fn complete(
        &self,
        record: &mut UploadCheckpoint,
        size: u64,
        count: u32,
        resumed_parts: usize,
    ) -> Result<UploadOutput, Error> {
        record.parts.sort_by_key(|p| p.number);
        let done = self
            .client
            .complete_multipart_upload(&self.bucket, &self.key, &record.upload_id, &record.parts)
            .await
            .map_err(|e| {
                Error::Transfer(Box::new(TransferError {
                    what: "completion".into(),
                    upload_id: Some(record.upload_id.clone()),
                    aborted: false,
                    source: e,
                }))
            })?;
        let mut combined = Some(0u64);
        for p in &record.parts {
            combined = match (combined, p.crc64) {
                (Some(acc), Some(c)) => Some(crc64_combine(acc, c, p.size)),
                _ => None,
            };
        }
        if let (Some(ours), Some(theirs)) = (combined, done.crc64()) {
            if ours != theirs {
                let _ = self
                    .client
                    .delete_object(&self.bucket, &self.key)
                    .send()
                    .await;
                return Err(Error::Integrity(IntegrityError::Crc64Mismatch {
                    what: format!("multipart upload of {} (object deleted)", self.key),
                    expected: theirs,
                    actual: ours,
                }));
            }
        }
        Ok(UploadOutput {
            etag: done.etag().map(str::to_string),
            crc64: done.crc64().or(combined),
            size,
            parts: count as usize,
            resumed_parts,
        })
    }

    async fn listed_parts(&self, upload_id: &str) -> Result<Vec<UploadedPart>, Error> {
        let mut all = Vec::new();
        let mut pages = std::pin::pin!(self.client.list_parts(&self.bucket, &self.key, upload_id));
        while let Some(page) = pages.next().await {
            all.extend(page?);
        }
        Ok(all)
    }

    /// Wraps a failure; aborts the upload unless it is kept for resuming.
    async fn fail(&self, upload_id: &str, what: String, cause: Error, keep: bool) -> Error {
        let aborted = !keep
            && self
                .client
                .abort_multipart_upload(&self.bucket, &self.key, upload_id)
                .await
                .is_ok();
        Error::Transfer(Box::new(TransferError {
            what,
            upload_id: Some(upload_id.to_string()),
            aborted,
            source: cause,
        }))
    }

    async fn upload_stream(
        self,
        mut stream: std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>,
    ) -> Result<UploadOutput, Error> {
        let part_size = self.options.part_size_for(None);
        let observer = self.options.observer(0, None);
        // The first part decides: a stream that ends within it is one PutObject.
        let (first, ended) = read_part(&mut stream, part_size).await?;
        if ended {
            let size = first.len() as u64;
            let mut put = self
                .client
                .put_object(&self.bucket, &self.key)
                .body(Body::from_bytes(first));
            put.object_headers = self.object_headers.clone();
            let out = put.send_observed(observer).await?;
            return Ok(UploadOutput {
                etag: out.etag().map(str::to_string),
                crc64: out.crc64(),
                size,
                parts: 1,
                resumed_parts: 0,
            });
        }
        let mut init = self
            .client
            .initiate_multipart_upload(&self.bucket, &self.key);
        init.object_headers = self.object_headers.clone();
        let upload_id = init.send().await?;
        let mut record = UploadCheckpoint {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            source: String::new(),
            size: 0,
            mtime: 0,
            part_size,
            upload_id: upload_id.clone(),
            parts: Vec::new(),
        };
        let mut running = FuturesUnordered::new();
        let mut pending = Some(first);
        let mut ended = false;
        let mut number = 0u32;
        let mut size = 0u64;
        let mut failure: Option<(String, Error)> = None;
        loop {
            while failure.is_none() && running.len() < self.options.concurrency {
                let data = match pending.take() {
                    Some(d) => d,
                    None if ended => break,
                    None => match read_part(&mut stream, part_size).await {
                        Ok((d, end)) => {
                            ended = end;
                            if d.is_empty() {
                                break;
                            }
                            d
                        }
                        Err(e) => {
                            failure = Some(("reading the stream".into(), e));
                            break;
                        }
                    },
                };
                number += 1;
                if number > MAX_PARTS {
                    failure = Some((
                        format!("part {number}"),
                        Error::invalid("part_size", format!("the stream needs more than {MAX_PARTS} parts of {part_size} bytes; raise part_size")),
                    ));
                    break;
                }
                size += data.len() as u64;
                let client = self.client.clone();
                let (bucket, key, id) = (self.bucket.clone(), self.key.clone(), upload_id.clone());
                let observer = observer.clone();
                let n = number;
                running.push(async move {
                    let r = client
                        .upload_part_observed(
                            &bucket,
                            &key,
                            &id,
                            n,
                            Body::from_bytes(data),
                            observer,
                        )
                        .await;
                    (n, r)
                });
            }
            let Some((n, result)) = running.next().await else {
                break;
            };
            match result {
                Ok(part) => record.parts.push(part),
                Err(e) => {
                    failure.get_or_insert((format!("part {n}"), e));
                }
            }
        }
        if let Some((what, cause)) = failure {
            return Err(self.fail(&upload_id, what, cause, false).await);
        }
        let count = number;
        self.complete(&mut record, size, count, 0).await
    }
}

/// Reads up to `size` bytes of the stream into one buffer; says whether
/// the stream ended.
async fn read_part(
    stream: &mut std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>,
    size: u64,
) -> Result<(Bytes, bool), Error> {
    let mut buf = BytesMut::new();
    let mut carry: Option<Bytes> = None;
    let _ = &mut carry;
    while (buf.len() as u64) < size {
        match stream.next().await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(Error::io(None, "reading the upload stream", e)),
            None => return Ok((buf.freeze(), true)),
        }
    }
    // A chunk may overshoot the part size: parts need not be equal, only
    // at least the minimum, so the overshoot simply rides along.
    Ok((buf.freeze(), false))
}

impl crate::object::PutObject {
    async fn send_observed(
        self,
        observer: Option<Arc<Observer>>,
    ) -> Result<crate::object::PutObjectOutput, Error> {
        self.send_with(observer).await
    }
}
