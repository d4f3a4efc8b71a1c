//! Object bodies as streams both ways. An upload reads its source chunk by
//! chunk (bytes in memory, a file or a range of it, any byte stream) and a
//! download hands chunks over as they arrive, so memory stays bounded
//! whatever the object's size. Both sides compute the CRC-64 of what passes
//! through, to check it against OSS's `x-oss-hash-crc64ecma`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt};

use crate::crc::Crc64;
use crate::error::{Error, IntegrityError};
use crate::transfer::Observer;

/// A boxed stream of chunks.
type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// What an upload sends.
///
/// Bytes and files can be sent again, so requests with them are retried;
/// a stream is read once, so a request with one is not.
pub struct Body {
    pub(crate) source: Source,
}

pub(crate) enum Source {
    Bytes(Bytes),
    File {
        path: PathBuf,
        offset: u64,
        len: u64,
    },
    Stream(Mutex<Option<ChunkStream>>, Option<u64>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Bytes(b) => write!(f, "Body::Bytes({} bytes)", b.len()),
            Source::File { path, offset, len } => {
                write!(f, "Body::File({}, {offset}+{len})", path.display())
            }
            Source::Stream(_, len) => write!(f, "Body::Stream({len:?} bytes)"),
        }
    }
}

/// Size of the chunks read from files.
const FILE_CHUNK: usize = 256 * 1024;

impl Body {
    /// No body.
    pub fn empty() -> Body {
        Body::from_bytes(Bytes::new())
    }

    /// Bytes already in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Body {
        Body {
            source: Source::Bytes(bytes.into()),
        }
    }

    /// A whole file, read as it is sent.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Body, Error> {
        let path = path.as_ref().to_path_buf();
        let len = tokio::fs::metadata(&path)
            .await
            .map_err(|e| Error::io(Some(path.clone()), "reading the size of", e))?
            .len();
        Ok(Body::from_file_range(path, 0, len))
    }

    /// `len` bytes of a file from `offset`, read as they are sent (one part
    /// of a multipart upload, say).
    pub fn from_file_range(path: impl Into<PathBuf>, offset: u64, len: u64) -> Body {
        Body {
            source: Source::File {
                path: path.into(),
                offset,
                len,
            },
        }
    }

    /// Any stream of byte chunks. Give its length when known: OSS needs a
    /// `Content-Length` for a simple upload, so a stream without one is
    /// sent with chunked encoding, which `PutObject` accepts but some
    /// proxies do not.
    pub fn from_stream<S>(stream: S, len: Option<u64>) -> Body
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        Body {
            source: Source::Stream(Mutex::new(Some(Box::pin(stream))), len),
        }
    }

    /// The length, when known.
    pub fn content_length(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(b) => Some(b.len() as u64),
            Source::File { len, .. } => Some(*len),
            Source::Stream(_, len) => *len,
        }
    }

    /// Whether the body can be sent again after a failed attempt.
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream(..))
    }

    /// The body for one attempt, with the CRC-64 accumulated as it is read
    /// and the observer (progress, bandwidth) told of each chunk.
    pub(crate) async fn attempt(
        &self,
        crc: Arc<Mutex<Crc64>>,
        observer: Option<Arc<Observer>>,
    ) -> Result<reqwest::Body, Error> {
        let stream: ChunkStream = match &self.source {
            Source::Bytes(b) => {
                // In memory: checksum at once, send without copying.
                if let Ok(mut c) = crc.lock() {
                    c.update(b);
                }
                match observer {
                    None => return Ok(reqwest::Body::from(b.clone())),
                    Some(_) => Box::pin(futures_util::stream::iter(
                        b.chunks(FILE_CHUNK)
                            .map(|c| Ok(b.slice_ref(c)))
                            .collect::<Vec<_>>(),
                    )),
                }
            }
            Source::File { path, offset, len } => {
                let mut file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io(Some(path.clone()), "opening", e))?;
                file.seek(std::io::SeekFrom::Start(*offset))
                    .await
                    .map_err(|e| Error::io(Some(path.clone()), "seeking in", e))?;
                Box::pin(file_chunks(file.take(*len), *len, path.clone()))
            }
            Source::Stream(slot, _) => {
                let taken = slot.lock().ok().and_then(|mut s| s.take());
                match taken {
                    Some(s) => s,
                    None => {
                        return Err(Error::invalid(
                            "body",
                            "a stream body is read once and was already sent",
                        ))
                    }
                }
            }
        };
        let observed = stream.then(move |chunk| {
            let crc = crc.clone();
            let observer = observer.clone();
            async move {
                let chunk = chunk?;
                if let Ok(mut c) = crc.lock() {
                    c.update(&chunk);
                }
                if let Some(o) = observer {
                    o.transferred(chunk.len() as u64).await;
                }
                Ok::<_, std::io::Error>(chunk)
            }
        });
        Ok(reqwest::Body::wrap_stream(observed))
    }
}

/// Reads `len` bytes of a file in chunks, failing if the file is shorter
/// (it changed since its size was read): a short body must not be sent as
/// if it were whole.
fn file_chunks(
    file: tokio::io::Take<tokio::fs::File>,
    len: u64,
    path: PathBuf,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let mut read = 0u64;
    tokio_util::io::ReaderStream::with_capacity(file, FILE_CHUNK)
        .map(move |chunk| {
            let chunk = chunk?;
            read += chunk.len() as u64;
            Ok((chunk, read))
        })
        .chain(futures_util::stream::once(async {
            Ok((Bytes::new(), u64::MAX))
        }))
        .scan(
            0u64,
            move |seen, item: Result<(Bytes, u64), std::io::Error>| {
                let out = match item {
                    Err(e) => Some(Err(e)),
                    Ok((chunk, total)) if total != u64::MAX => {
                        *seen = total;
                        Some(Ok(chunk))
                    }
                    Ok(_) if *seen < len => Some(Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!(
                            "{} ended after {} of {len} bytes (changed while uploading?)",
                            path.display(),
                            *seen
                        ),
                    ))),
                    Ok(_) => None,
                };
                futures_util::future::ready(out)
            },
        )
}

/// A downloaded body, chunk by chunk as it arrives.
///
/// When the answer is a whole object, the chunks' CRC-64 is compared with
/// OSS's `x-oss-hash-crc64ecma` at the end and a mismatch is an
/// [`IntegrityError`]; a body shorter than its `Content-Length` is one too,
/// never a silent short read.
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

/// What a download checks at its end.
pub(crate) struct Expect {
    pub(crate) what: String,
    pub(crate) length: Option<u64>,
    pub(crate) crc64: Option<u64>,
}

impl ByteStream {
    pub(crate) fn new(
        response: reqwest::Response,
        expect: Expect,
        observer: Option<Arc<Observer>>,
    ) -> ByteStream {
        // A range carries no CRC to compare with, so none is computed.
        let crc = expect.crc64.map(|_| Crc64::new());
        let state = (response.bytes_stream(), crc, 0u64, expect, observer, false);
        let inner = futures_util::stream::unfold(
            state,
            |(mut body, mut crc, mut got, expect, observer, done)| async move {
                if done {
                    return None;
                }
                match body.next().await {
                    Some(Ok(chunk)) => {
                        if let Some(crc) = crc.as_mut() {
                            crc.update(&chunk);
                        }
                        got += chunk.len() as u64;
                        if let Some(o) = &observer {
                            o.transferred(chunk.len() as u64).await;
                        }
                        Some((Ok(chunk), (body, crc, got, expect, observer, false)))
                    }
                    Some(Err(e)) => {
                        let err = match expect.length {
                            Some(n) if got < n => Error::Integrity(IntegrityError::Truncated {
                                what: expect.what.clone(),
                                expected: n,
                                received: got,
                            }),
                            _ => crate::client::dispatch_error(&e),
                        };
                        Some((Err(err), (body, crc, got, expect, observer, true)))
                    }
                    None => {
                        let actual = crc.as_ref().map(Crc64::value);
                        let err = match (expect.length, expect.crc64) {
                            (Some(n), _) if got != n => {
                                Some(Error::Integrity(IntegrityError::Truncated {
                                    what: expect.what.clone(),
                                    expected: n,
                                    received: got,
                                }))
                            }
                            (_, Some(want)) if actual != Some(want) => {
                                Some(Error::Integrity(IntegrityError::Crc64Mismatch {
                                    what: expect.what.clone(),
                                    expected: want,
                                    actual: actual.unwrap_or_default(),
                                }))
                            }
                            _ => None,
                        };
                        err.map(|e| (Err(e), (body, crc, got, expect, observer, true)))
                    }
                }
            },
        );
        ByteStream {
            inner: Box::pin(inner),
        }
    }

    /// The next chunk; `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, Error>> {
        self.inner.next().await
    }

    /// Reads the whole body into memory. For large objects prefer
    /// [`ByteStream::write_to`] or the chunks themselves.
    pub async fn collect(self) -> Result<Bytes, Error> {
        let chunks: Vec<Bytes> = self.inner.try_collect().await?;
        if chunks.len() == 1 {
            return Ok(chunks.into_iter().next().unwrap_or_default());
        }
        let mut all = Vec::with_capacity(chunks.iter().map(Bytes::len).sum());
        for c in chunks {
            all.extend_from_slice(&c);
        }
        Ok(Bytes::from(all))
    }

    /// Writes the body to `writer` as it arrives and returns the byte count.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64, Error> {
        let mut n = 0u64;
        while let Some(chunk) = self.inner.next().await {
            let chunk = chunk?;
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::io(None, "writing the download", e))?;
            n += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::io(None, "writing the download", e))?;
        Ok(n)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Body {
        Body::from_bytes(b)
    }
}

impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Body {
        Body::from_bytes(b)
    }
}

impl From<String> for Body {
    fn from(s: String) -> Body {
        Body::from_bytes(s)
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Body {
        Body::from_bytes(Bytes::from_static(s.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(s: &'static [u8]) -> Body {
        Body::from_bytes(Bytes::from_static(s))
    }
}
