//! Object bytes: in memory while small, in an unlinked temporary file once
//! a body passes the disk threshold or the memory budget, so a 1 GiB upload
//! never sits in RAM. An object is a list of views into shared chunks: a
//! multipart object is its parts' chunks in order, a copy shares the
//! source's chunks, and nothing is copied byte by byte.

use super::body::OssBody;
use crate::faults::Reset;
use hyper::body::Bytes;
use md5::{Digest as _, Md5};
use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Bytes written to a spill file in one blocking call: large enough that the
/// hop to the blocking pool is cheap per byte, small enough to bound memory.
const WRITE_BATCH: usize = 1024 * 1024;
/// Bytes read from a spill file per frame of a response.
const READ_BATCH: usize = 256 * 1024;

/// Where spilled bodies go and how much may stay in memory.
#[derive(Debug)]
pub(crate) struct Spill {
    dir: PathBuf,
    threshold: u64,
    budget: u64,
    in_memory: AtomicU64,
    seq: AtomicU64,
}

impl Spill {
    pub(crate) fn new(dir: PathBuf, threshold: u64, budget: u64) -> Arc<Spill> {
        Arc::new(Spill {
            dir,
            threshold,
            budget,
            in_memory: AtomicU64::new(0),
            seq: AtomicU64::new(0),
        })
    }

    /// Bytes of object data held in memory now.
    pub(crate) fn in_memory(&self) -> u64 {
        self.in_memory.load(Ordering::Relaxed)
    }

    /// Whether a body of `len` bytes must leave memory.
    fn must_spill(&self, len: u64) -> bool {
        len > self.threshold || self.in_memory().saturating_add(len) > self.budget
    }

    /// A new temporary file. On Unix its name is removed at once: the open
    /// handle keeps the data, and nothing is left behind even when the
    /// process is killed. Elsewhere the chunk removes it when dropped.
    fn create(&self) -> io::Result<(File, Option<PathBuf>)> {
        std::fs::create_dir_all(&self.dir)?;
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!(
            "alibabacloud-mock-oss-{}-{}-{n}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        if cfg!(unix) && std::fs::remove_file(&path).is_ok() {
            return Ok((file, None));
        }
        Ok((file, Some(path)))
    }
}

/// One stored run of bytes.
#[derive(Debug)]
pub(crate) struct Chunk {
    data: ChunkData,
    len: u64,
    spill: Arc<Spill>,
}

#[derive(Debug)]
enum ChunkData {
    Memory(Bytes),
    File {
        file: Arc<File>,
        path: Option<PathBuf>,
    },
}

impl Drop for Chunk {
    fn drop(&mut self) {
        match &self.data {
            ChunkData::Memory(_) => {
                self.spill.in_memory.fetch_sub(self.len, Ordering::Relaxed);
            }
            ChunkData::File {
                path: Some(path), ..
            } => {
                let _ = std::fs::remove_file(path);
            }
            ChunkData::File { .. } => {}
        }
    }
}

/// An object's (or a part's) bytes: views `(chunk, offset, len)` in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Blob {
    views: Vec<(Arc<Chunk>, u64, u64)>,
    len: u64,
}

impl Blob {
    /// Total length.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// This blob followed by `other`.
    pub(crate) fn concat(&self, other: &Blob) -> Blob {
        let mut views = self.views.clone();
        views.extend(other.views.iter().cloned());
        Blob {
            views,
            len: self.len + other.len,
        }
    }

    /// Bytes `start..end` (clamped), sharing the chunks.
    pub(crate) fn slice(&self, start: u64, end: u64) -> Blob {
        let end = end.min(self.len);
        let mut views = Vec::new();
        let mut at = 0u64;
        for (chunk, off, len) in &self.views {
            let (lo, hi) = (at, at + len);
            at = hi;
            if hi <= start || lo >= end {
                continue;
            }
            let from = start.max(lo) - lo;
            let to = end.min(hi) - lo;
            views.push((chunk.clone(), off + from, to - from));
        }
        Blob {
            views,
            len: end.saturating_sub(start),
        }
    }

    /// Streams bytes `start..end` as a response body. With `keep`, only
    /// that many bytes are sent and then the connection breaks (the
    /// truncated-body fault). Files are read on the blocking pool.
    pub(crate) fn stream(&self, start: u64, end: u64, keep: Option<u64>) -> OssBody {
        let part = self.slice(start, end);
        let (tx, rx) = mpsc::channel::<Result<Bytes, Reset>>(4);
        tokio::spawn(async move {
            let mut budget = keep.unwrap_or(u64::MAX);
            'views: for (chunk, off, len) in &part.views {
                let mut pos = 0u64;
                while pos < *len {
                    if budget == 0 {
                        break 'views;
                    }
                    let n = (len - pos).min(READ_BATCH as u64).min(budget);
                    let bytes = match &chunk.data {
                        ChunkData::Memory(b) => {
                            let from = (off + pos) as usize;
                            b.slice(from..from + n as usize)
                        }
                        ChunkData::File { file, .. } => {
                            let file = file.clone();
                            let at = off + pos;
                            let read = tokio::task::spawn_blocking(move || {
                                let mut buf = vec![0u8; n as usize];
                                read_exact_at(&file, &mut buf, at).map(|_| Bytes::from(buf))
                            })
                            .await;
                            match read {
                                Ok(Ok(b)) => b,
                                _ => {
                                    let _ = tx.send(Err(Reset)).await;
                                    return;
                                }
                            }
                        }
                    };
                    pos += n;
                    budget -= n;
                    if tx.send(Ok(bytes)).await.is_err() {
                        return;
                    }
                }
            }
            if keep.is_some() {
                // Let hyper write out what it holds before the failure
                // makes it drop the connection (see faults::Truncated).
                tokio::time::sleep(Duration::from_millis(20)).await;
                let _ = tx.send(Err(Reset)).await;
            }
        });
        OssBody::stream(rx)
    }

    /// Every byte (for tests); `None` past `limit`.
    #[cfg(test)]
    pub(crate) fn to_vec(&self, limit: u64) -> Option<Vec<u8>> {
        if self.len > limit {
            return None;
        }
        let mut out = Vec::with_capacity(self.len as usize);
        for (chunk, off, len) in &self.views {
            match &chunk.data {
                ChunkData::Memory(b) => {
                    out.extend_from_slice(&b[*off as usize..(off + len) as usize]);
                }
                ChunkData::File { file, .. } => {
                    let mut buf = vec![0u8; *len as usize];
                    read_exact_at(file, &mut buf, *off).ok()?;
                    out.extend_from_slice(&buf);
                }
            }
        }
        Some(out)
    }

    /// MD5 and CRC-64 of every byte (for a part copied from a range, which
    /// has no digest of its own yet); blocking, run it off the runtime.
    pub(crate) fn digest(&self) -> io::Result<([u8; 16], u64)> {
        let mut md5 = Md5::new();
        let mut crc = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Xz);
        for (chunk, off, len) in &self.views {
            match &chunk.data {
                ChunkData::Memory(b) => {
                    let s = &b[*off as usize..(off + len) as usize];
                    md5.update(s);
                    crc.update(s);
                }
                ChunkData::File { file, .. } => {
                    let mut pos = 0;
                    let mut buf = vec![0u8; READ_BATCH];
                    while pos < *len {
                        let n = (len - pos).min(READ_BATCH as u64) as usize;
                        read_exact_at(file, &mut buf[..n], off + pos)?;
                        md5.update(&buf[..n]);
                        crc.update(&buf[..n]);
                        pos += n as u64;
                    }
                }
            }
        }
        Ok((md5.finalize().into(), crc.finalize()))
    }
}

/// A body arriving: kept in memory until it must spill, hashed on the way.
pub(crate) struct Sink {
    spill: Arc<Spill>,
    buf: Vec<u8>,
    file: Option<(Arc<File>, Option<PathBuf>)>,
    written: u64,
    md5: Md5,
    crc: crc_fast::Digest,
}

/// A body fully received.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) blob: Blob,
    pub(crate) md5: [u8; 16],
    pub(crate) crc64: u64,
}

impl Sink {
    pub(crate) fn new(spill: Arc<Spill>) -> Sink {
        Sink {
            spill,
            buf: Vec::new(),
            file: None,
            written: 0,
            md5: Md5::new(),
            crc: crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Xz),
        }
    }

    /// Bytes received so far.
    pub(crate) fn len(&self) -> u64 {
        self.written + self.buf.len() as u64
    }

    pub(crate) async fn push(&mut self, data: &[u8]) -> io::Result<()> {
        self.md5.update(data);
        self.crc.update(data);
        self.buf.extend_from_slice(data);
        if self.file.is_none() && self.spill.must_spill(self.buf.len() as u64) {
            let spill = self.spill.clone();
            let (file, path) = tokio::task::spawn_blocking(move || spill.create())
                .await
                .map_err(io::Error::other)??;
            self.file = Some((Arc::new(file), path));
        }
        if self.file.is_some() && self.buf.len() >= WRITE_BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> io::Result<()> {
        let Some((file, _)) = &self.file else {
            return Ok(());
        };
        if self.buf.is_empty() {
            return Ok(());
        }
        let file = file.clone();
        let data = std::mem::take(&mut self.buf);
        let at = self.written;
        let n = data.len() as u64;
        tokio::task::spawn_blocking(move || write_all_at(&file, &data, at))
            .await
            .map_err(io::Error::other)??;
        self.written += n;
        Ok(())
    }

    pub(crate) async fn finish(mut self) -> io::Result<Received> {
        self.flush().await?;
        let len = self.len();
        let data = match self.file.take() {
            Some((file, path)) => ChunkData::File { file, path },
            None => {
                self.spill.in_memory.fetch_add(len, Ordering::Relaxed);
                ChunkData::Memory(Bytes::from(std::mem::take(&mut self.buf)))
            }
        };
        let chunk = Arc::new(Chunk {
            data,
            len,
            spill: self.spill.clone(),
        });
        let blob = if len == 0 {
            Blob::default()
        } else {
            Blob {
                views: vec![(chunk, 0, len)],
                len,
            }
        };
        Ok(Received {
            blob,
            md5: self.md5.clone().finalize().into(),
            crc64: self.crc.finalize(),
        })
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, buf, at)?;
        buf = &buf[n..];
        at += n as u64;
    }
    Ok(())
}

/// CRC-64/XZ of `a` followed by `b`, from their CRCs and `b`'s length.
pub(crate) fn crc_combine(a: u64, b: u64, b_len: u64) -> u64 {
    crc_fast::checksum_combine(crc_fast::CrcAlgorithm::Crc64Xz, a, b, b_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_is_the_xz_variant_oss_uses() {
        // CRC-64/XZ check value for "123456789".
        let mut d = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Xz);
        d.update(b"123456789");
        assert_eq!(d.finalize(), 0x995D_C9BB_DF19_39FA);
        let a = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, b"1234");
        let b = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, b"56789");
        assert_eq!(crc_combine(a, b, 5), 0x995D_C9BB_DF19_39FA);
    }

    #[tokio::test]
    async fn spills_past_the_threshold_and_slices_across_chunks() {
        let dir = std::env::temp_dir();
        let spill = Spill::new(dir, 10, 1 << 20);
        let mut small = Sink::new(spill.clone());
        small.push(b"hello").await.unwrap();
        let small = small.finish().await.unwrap();
        assert_eq!(spill.in_memory(), 5);
        let mut big = Sink::new(spill.clone());
        big.push(b" world, this is long").await.unwrap();
        let big = big.finish().await.unwrap();
        assert_eq!(spill.in_memory(), 5, "the long body went to disk");
        let both = small.blob.concat(&big.blob);
        assert_eq!(both.to_vec(100).unwrap(), b"hello world, this is long");
        assert_eq!(both.slice(3, 9).to_vec(100).unwrap(), b"lo wor");
        drop((small, both));
        assert_eq!(spill.in_memory(), 0);
    }
}
