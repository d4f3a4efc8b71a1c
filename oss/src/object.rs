//! Object operations: put, get (streamed, ranged, conditional), head,
//! delete, delete many, copy, append.

use std::collections::BTreeMap;
use std::ops::{Bound, RangeBounds};

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::Deserialize;

use crate::body::{Body, ByteStream, Expect};
use crate::client::{header, Answer, Client, Request};
use crate::error::Error;

/// The headers an object carries, shared by put, copy, append and multipart
/// initiation.
#[derive(Debug, Default, Clone)]
pub(crate) struct ObjectHeaders {
    headers: Vec<(String, String)>,
}

impl ObjectHeaders {
    pub(crate) fn set(&mut self, name: &str, value: String) {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((name.to_string(), value));
    }

    pub(crate) fn apply(&self, mut r: Request) -> Request {
        for (n, v) in &self.headers {
            r = r.header(n, v.clone());
        }
        r
    }
}

/// Setters for an object's headers, on every builder that writes an object.
macro_rules! object_header_setters {
    ($builder:ident) => {
        impl $builder {
            /// `Content-Type` (OSS guesses `application/octet-stream` otherwise).
            pub fn content_type(mut self, value: impl Into<String>) -> Self {
                self.object_headers.set("content-type", value.into());
                self
            }

            /// `Content-Disposition`.
            pub fn content_disposition(mut self, value: impl Into<String>) -> Self {
                self.object_headers.set("content-disposition", value.into());
                self
            }

            /// `Content-Encoding`.
            pub fn content_encoding(mut self, value: impl Into<String>) -> Self {
                self.object_headers.set("content-encoding", value.into());
                self
            }

            /// `Cache-Control`.
            pub fn cache_control(mut self, value: impl Into<String>) -> Self {
                self.object_headers.set("cache-control", value.into());
                self
            }

            /// User metadata, sent as `x-oss-meta-<name>` (names are
            /// case-insensitive and come back lowercase).
            pub fn metadata(mut self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
                let name = format!("x-oss-meta-{}", name.as_ref().to_ascii_lowercase());
                self.object_headers.set(&name, value.into());
                self
            }

            /// The object's ACL (`private`, `public-read`, `public-read-write`, `default`).
            pub fn acl(mut self, acl: impl Into<String>) -> Self {
                self.object_headers.set("x-oss-object-acl", acl.into());
                self
            }

            /// Storage class (`Standard`, `IA`, `Archive`, `ColdArchive`, `DeepColdArchive`).
            pub fn storage_class(mut self, class: impl Into<String>) -> Self {
                self.object_headers.set("x-oss-storage-class", class.into());
                self
            }

            /// Tags, as a query string (`a=1&b=2`).
            pub fn tagging(mut self, tags: impl Into<String>) -> Self {
                self.object_headers.set("x-oss-tagging", tags.into());
                self
            }

            /// Refuse to replace an existing object (`FileAlreadyExists`).
            pub fn forbid_overwrite(mut self, forbid: bool) -> Self {
                self.object_headers
                    .set("x-oss-forbid-overwrite", forbid.to_string());
                self
            }

            /// Server-side encryption (`AES256`, `KMS`, `SM4`).
            pub fn server_side_encryption(mut self, algorithm: impl Into<String>) -> Self {
                self.object_headers
                    .set("x-oss-server-side-encryption", algorithm.into());
                self
            }
        }
    };
}

pub(crate) use object_header_setters;

/// The user metadata among response headers, without the prefix.
fn metadata_of(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let n = name.as_str().strip_prefix("x-oss-meta-")?;
            Some((n.to_string(), value.to_str().ok()?.to_string()))
        })
        .collect()
}

fn crc64_of(headers: &HeaderMap) -> Option<u64> {
    header(headers, "x-oss-hash-crc64ecma").and_then(|v| v.parse().ok())
}

/// Uploads an object in one request (up to 5 GiB; larger objects go
/// through [`Client::upload`](crate::Client::upload) in parts).
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct PutObject {
    client: Client,
    bucket: String,
    key: String,
    body: Body,
    pub(crate) object_headers: ObjectHeaders,
}
object_header_setters!(PutObject);

impl Client {
    /// Uploads an object in one request.
    pub fn put_object(&self, bucket: impl Into<String>, key: impl Into<String>) -> PutObject {
        PutObject {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            body: Body::empty(),
            object_headers: ObjectHeaders::default(),
        }
    }
}

impl PutObject {
    /// The content: bytes, a string, a [`Body`] from a file or a stream.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request. The CRC-64 of what was sent is checked against
    /// the one OSS computed.
    pub async fn send(self) -> Result<PutObjectOutput, Error> {
        self.send_with(None).await
    }

    pub(crate) async fn send_with(
        self,
        observer: Option<std::sync::Arc<crate::transfer::Observer>>,
    ) -> Result<PutObjectOutput, Error> {
        let r = Request::new("PutObject", Method::PUT).object(&self.bucket, &self.key)?;
        let mut r = self.object_headers.apply(r).data(self.body);
        r.observer = observer;
        let answer = self.client.send(r).await?;
        Ok(PutObjectOutput::from_answer(&answer))
    }
}

/// What a write of an object returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutObjectOutput {
    etag: Option<String>,
    crc64: Option<u64>,
    version_id: Option<String>,
    request_id: Option<String>,
}

impl PutObjectOutput {
    fn from_answer(a: &Answer) -> PutObjectOutput {
        PutObjectOutput {
            etag: a.header("etag"),
            crc64: crc64_of(a.headers()).or(a.sent_crc64),
            version_id: a.header("x-oss-version-id"),
            request_id: a.header("x-oss-request-id"),
        }
    }

    /// The object's ETag, quotes included as OSS sends it.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// The CRC-64 of the stored object.
    pub fn crc64(&self) -> Option<u64> {
        self.crc64
    }

    /// The version id, on versioned buckets.
    pub fn version_id(&self) -> Option<&str> {
        self.version_id.as_deref()
    }

    /// `x-oss-request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// Downloads an object, or a range of it, as a stream.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct GetObject {
    client: Client,
    bucket: String,
    key: String,
    range: Option<(u64, Option<u64>)>,
    conditions: Vec<(&'static str, String)>,
    version_id: Option<String>,
    overrides: Vec<(&'static str, String)>,
    pub(crate) observer: Option<std::sync::Arc<crate::transfer::Observer>>,
}

impl Client {
    /// Downloads an object as a stream of chunks.
    pub fn get_object(&self, bucket: impl Into<String>, key: impl Into<String>) -> GetObject {
        GetObject {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            range: None,
            conditions: Vec::new(),
            version_id: None,
            overrides: Vec::new(),
            observer: None,
        }
    }
}

impl GetObject {
    /// A byte range, like `0..1024`, `1024..` or `..=99`. A range outside
    /// the object fails with `InvalidRange` (OSS's standard range
    /// behaviour, asked for explicitly).
    pub fn range(mut self, range: impl RangeBounds<u64>) -> Self {
        let start = match range.start_bound() {
            Bound::Included(s) => *s,
            Bound::Excluded(s) => s.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(e) => Some(*e),
            Bound::Excluded(e) => Some(e.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        self.range = Some((start, end));
        self
    }

    /// Only if the ETag matches (else `PreconditionFailed`).
    pub fn if_match(mut self, etag: impl Into<String>) -> Self {
        self.conditions.push(("if-match", etag.into()));
        self
    }

    /// Only if the ETag differs (else HTTP 304, as `NotModified`).
    pub fn if_none_match(mut self, etag: impl Into<String>) -> Self {
        self.conditions.push(("if-none-match", etag.into()));
        self
    }

    /// Only if modified after this HTTP date.
    pub fn if_modified_since(mut self, http_date: impl Into<String>) -> Self {
        self.conditions
            .push(("if-modified-since", http_date.into()));
        self
    }

    /// Only if not modified after this HTTP date.
    pub fn if_unmodified_since(mut self, http_date: impl Into<String>) -> Self {
        self.conditions
            .push(("if-unmodified-since", http_date.into()));
        self
    }

    /// A specific version, on versioned buckets.
    pub fn version_id(mut self, version: impl Into<String>) -> Self {
        self.version_id = Some(version.into());
        self
    }

    /// Overrides the `Content-Type` of the answer.
    pub fn response_content_type(mut self, value: impl Into<String>) -> Self {
        self.overrides.push(("response-content-type", value.into()));
        self
    }

    /// Overrides the `Content-Disposition` of the answer.
    pub fn response_content_disposition(mut self, value: impl Into<String>) -> Self {
        self.overrides
            .push(("response-content-disposition", value.into()));
        self
    }

    pub(crate) fn request(&self) -> Result<Request, Error> {
        let mut r = Request::new("GetObject", Method::GET).object(&self.bucket, &self.key)?;
        if let Some((start, end)) = self.range {
            if let Some(end) = end {
                if end < start {
                    return Err(Error::invalid(
                        "range",
                        format!("ends at {end}, before its start {start}"),
                    ));
                }
            }
            let value = match end {
                Some(e) => format!("bytes={start}-{e}"),
                None => format!("bytes={start}-"),
            };
            r = r
                .header("range", value)
                .header("x-oss-range-behavior", "standard");
        }
        for (n, v) in &self.conditions {
            r = r.header(n, v.clone());
        }
        for (n, v) in &self.overrides {
            r = r.query(n, v.clone());
        }
        Ok(r.query_opt("versionId", self.version_id.clone()))
    }

    /// Sends the request. The body is not read yet: read it from the
    /// output's [`ByteStream`], which checks length and CRC-64 as it ends.
    pub async fn send(self) -> Result<GetObjectOutput, Error> {
        let r = self.request()?;
        let answer = self.client.send(r).await?;
        let headers = answer.headers().clone();
        let status = answer.status();
        let length = header(&headers, "content-length").and_then(|v| v.parse().ok());
        // A 206 is part of the object: its bytes cannot be checked against
        // the whole object's CRC.
        let whole = status == 200 && header(&headers, "content-encoding").is_none();
        let expect = Expect {
            what: format!("GetObject {}", self.key),
            length,
            crc64: if whole { crc64_of(&headers) } else { None },
        };
        let body = ByteStream::new(answer.response, expect, self.observer.clone());
        Ok(GetObjectOutput {
            meta: ObjectMeta::from_headers(&headers),
            content_range: header(&headers, "content-range"),
            body,
        })
    }
}

/// What a download returns: the object's headers and its body, unread.
#[derive(Debug)]
pub struct GetObjectOutput {
    meta: ObjectMeta,
    content_range: Option<String>,
    body: ByteStream,
}

impl GetObjectOutput {
    /// The object's headers.
    pub fn meta(&self) -> &ObjectMeta {
        &self.meta
    }

    /// `Content-Range` of a ranged answer (`bytes 0-99/1000`).
    pub fn content_range(&self) -> Option<&str> {
        self.content_range.as_deref()
    }

    /// The body, to read chunk by chunk.
    pub fn body_mut(&mut self) -> &mut ByteStream {
        &mut self.body
    }

    /// The body.
    pub fn into_body(self) -> ByteStream {
        self.body
    }
}

/// An object's headers, as get and head return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    content_length: Option<u64>,
    content_type: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    crc64: Option<u64>,
    object_type: Option<String>,
    storage_class: Option<String>,
    version_id: Option<String>,
    request_id: Option<String>,
    metadata: BTreeMap<String, String>,
}

impl ObjectMeta {
    fn from_headers(h: &HeaderMap) -> ObjectMeta {
        ObjectMeta {
            content_length: header(h, "content-length").and_then(|v| v.parse().ok()),
            content_type: header(h, "content-type"),
            etag: header(h, "etag"),
            last_modified: header(h, "last-modified"),
            crc64: crc64_of(h),
            object_type: header(h, "x-oss-object-type"),
            storage_class: header(h, "x-oss-storage-class"),
            version_id: header(h, "x-oss-version-id"),
            request_id: header(h, "x-oss-request-id"),
            metadata: metadata_of(h),
        }
    }

    /// `Content-Length` of this answer (of the range, for a ranged get).
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The ETag, quotes included.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// `Last-Modified`, as an HTTP date.
    pub fn last_modified(&self) -> Option<&str> {
        self.last_modified.as_deref()
    }

    /// The CRC-64 of the whole object.
    pub fn crc64(&self) -> Option<u64> {
        self.crc64
    }

    /// `Normal`, `Multipart`, `Appendable` or `Symlink`.
    pub fn object_type(&self) -> Option<&str> {
        self.object_type.as_deref()
    }

    /// The storage class.
    pub fn storage_class(&self) -> Option<&str> {
        self.storage_class.as_deref()
    }

    /// The version id, on versioned buckets.
    pub fn version_id(&self) -> Option<&str> {
        self.version_id.as_deref()
    }

    /// `x-oss-request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// User metadata (`x-oss-meta-*`), names without the prefix.
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }
}

/// Reads an object's headers without its body.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct HeadObject {
    client: Client,
    bucket: String,
    key: String,
    version_id: Option<String>,
}

impl Client {
    /// Reads an object's headers. A missing object is `NoSuchKey`.
    pub fn head_object(&self, bucket: impl Into<String>, key: impl Into<String>) -> HeadObject {
        HeadObject {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            version_id: None,
        }
    }
}

impl HeadObject {
    /// A specific version.
    pub fn version_id(mut self, version: impl Into<String>) -> Self {
        self.version_id = Some(version.into());
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<ObjectMeta, Error> {
        let r = Request::new("HeadObject", Method::HEAD)
            .object(&self.bucket, &self.key)?
            .query_opt("versionId", self.version_id);
        let answer = self.client.send(r).await?;
        Ok(ObjectMeta::from_headers(answer.headers()))
    }
}

/// Deletes one object.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct DeleteObject {
    client: Client,
    bucket: String,
    key: String,
    version_id: Option<String>,
}

impl Client {
    /// Deletes an object. Deleting a missing object succeeds, as in OSS.
    pub fn delete_object(&self, bucket: impl Into<String>, key: impl Into<String>) -> DeleteObject {
        DeleteObject {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            version_id: None,
        }
    }
}

impl DeleteObject {
    /// A specific version.
    pub fn version_id(mut self, version: impl Into<String>) -> Self {
        self.version_id = Some(version.into());
        self
    }

    /// Sends the request; returns the request id.
    pub async fn send(self) -> Result<Option<String>, Error> {
        let r = Request::new("DeleteObject", Method::DELETE)
            .object(&self.bucket, &self.key)?
            .query_opt("versionId", self.version_id);
        let answer = self.client.send(r).await?;
        Ok(answer.header("x-oss-request-id"))
    }
}

/// Deletes up to 1,000 objects in one request.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct DeleteObjects {
    client: Client,
    bucket: String,
    keys: Vec<String>,
    quiet: bool,
}

impl Client {
    /// Deletes up to 1,000 objects in one request.
    pub fn delete_objects(&self, bucket: impl Into<String>) -> DeleteObjects {
        DeleteObjects {
            client: self.clone(),
            bucket: bucket.into(),
            keys: Vec::new(),
            quiet: false,
        }
    }
}

#[derive(Deserialize)]
struct DeleteResult {
    #[serde(rename = "Deleted", default)]
    deleted: Vec<DeletedEntry>,
    #[serde(rename = "EncodingType", default)]
    encoding_type: Option<String>,
}

#[derive(Deserialize)]
struct DeletedEntry {
    #[serde(rename = "Key")]
    key: String,
}

impl DeleteObjects {
    /// Adds a key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.keys.push(key.into());
        self
    }

    /// Adds keys.
    pub fn keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Quiet mode: OSS lists no deleted keys in its answer.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// Sends the request; returns the keys OSS reports deleted.
    pub async fn send(self) -> Result<Vec<String>, Error> {
        if self.keys.is_empty() || self.keys.len() > 1000 {
            return Err(Error::invalid(
                "keys",
                format!(
                    "{} keys given; one request deletes 1 to 1000",
                    self.keys.len()
                ),
            ));
        }
        let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Delete>"#);
        xml.push_str(if self.quiet {
            "<Quiet>true</Quiet>"
        } else {
            "<Quiet>false</Quiet>"
        });
        for k in &self.keys {
            crate::addressing::validate_object_key(k).map_err(|p| Error::invalid("keys", p))?;
            xml.push_str("<Object><Key>");
            xml.push_str(&crate::xml::escape(k));
            xml.push_str("</Key></Object>");
        }
        xml.push_str("</Delete>");
        let md5 = content_md5(xml.as_bytes());
        let r = Request::new("DeleteMultipleObjects", Method::POST)
            .bucket(&self.bucket)?
            .subresource("delete")
            .query("encoding-type", "url")
            .header("content-type", "application/xml")
            .header("content-md5", md5)
            .body(Body::from_bytes(xml));
        let answer = self.client.send(r).await?;
        let result: DeleteResult = answer.xml("DeleteMultipleObjects").await?;
        let url_encoded = result.encoding_type.as_deref() == Some("url");
        Ok(result
            .deleted
            .into_iter()
            .map(|d| {
                if url_encoded {
                    url_decode(&d.key)
                } else {
                    d.key
                }
            })
            .collect())
    }
}

/// Base64 of the MD5 of `data`, for `Content-MD5`.
pub(crate) fn content_md5(data: &[u8]) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(data))
}

/// Decodes a key OSS returned with `encoding-type=url`.
pub(crate) fn url_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Copies an object within a region (up to 1 GiB in one request).
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct CopyObject {
    client: Client,
    bucket: String,
    key: String,
    source: Option<(String, String)>,
    replace_metadata: bool,
    object_headers: ObjectHeaders,
}
object_header_setters!(CopyObject);

impl Client {
    /// Copies an object: the destination is `bucket`/`key`, the source is
    /// set with [`CopyObject::source`].
    pub fn copy_object(&self, bucket: impl Into<String>, key: impl Into<String>) -> CopyObject {
        CopyObject {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            source: None,
            replace_metadata: false,
            object_headers: ObjectHeaders::default(),
        }
    }
}

#[derive(Deserialize)]
struct CopyObjectResult {
    #[serde(rename = "ETag")]
    etag: Option<String>,
    #[serde(rename = "LastModified")]
    last_modified: Option<String>,
}

impl CopyObject {
    /// The object to copy.
    pub fn source(mut self, bucket: impl Into<String>, key: impl Into<String>) -> Self {
        self.source = Some((bucket.into(), key.into()));
        self
    }

    /// Use the metadata set on this request instead of the source's.
    pub fn replace_metadata(mut self, replace: bool) -> Self {
        self.replace_metadata = replace;
        self
    }

    /// Sends the request; returns the new object's ETag.
    pub async fn send(self) -> Result<Option<String>, Error> {
        let Some((sb, sk)) = &self.source else {
            return Err(Error::invalid(
                "source",
                "a copy needs a source bucket and key",
            ));
        };
        crate::addressing::validate_bucket_name(sb).map_err(|p| Error::invalid("source", p))?;
        crate::addressing::validate_object_key(sk).map_err(|p| Error::invalid("source", p))?;
        let source = format!(
            "/{sb}/{}",
            percent_encoding::utf8_percent_encode(sk, crate::addressing::KEY_SET)
        );
        let r = Request::new("CopyObject", Method::PUT)
            .object(&self.bucket, &self.key)?
            .header("x-oss-copy-source", source)
            .header(
                "x-oss-metadata-directive",
                if self.replace_metadata {
                    "REPLACE"
                } else {
                    "COPY"
                },
            );
        let r = self.object_headers.apply(r);
        let answer = self.client.send(r).await?;
        let result: CopyObjectResult = answer.xml("CopyObject").await?;
        let _ = result.last_modified;
        Ok(result.etag)
    }
}

/// Appends to an appendable object (created by the first append).
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct AppendObject {
    client: Client,
    bucket: String,
    key: String,
    position: u64,
    body: Body,
    object_headers: ObjectHeaders,
}
object_header_setters!(AppendObject);

impl Client {
    /// Appends at `position`, which must equal the object's current length
    /// (0 to create it).
    pub fn append_object(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        position: u64,
    ) -> AppendObject {
        AppendObject {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            position,
            body: Body::empty(),
            object_headers: ObjectHeaders::default(),
        }
    }
}

impl AppendObject {
    /// The bytes to append.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request; returns the position for the next append.
    pub async fn send(self) -> Result<u64, Error> {
        let r = Request::new("AppendObject", Method::POST)
            .object(&self.bucket, &self.key)?
            .subresource("append")
            .query("position", self.position.to_string());
        let r = self.object_headers.apply(r).body(self.body);
        let answer = self.client.send(r).await?;
        answer
            .header("x-oss-next-append-position")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| {
                Error::Response(crate::error::ResponseError {
                    operation: "AppendObject",
                    status: answer.status(),
                    problem: "no x-oss-next-append-position header".into(),
                })
            })
    }
}
