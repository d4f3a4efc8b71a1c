//! Multipart upload, the operations themselves: initiate, upload a part,
//! complete, abort, list parts and uploads. The transfer manager
//! ([`crate::transfer`]) drives them; they are public for programs that
//! schedule parts their own way.

use futures_util::Stream;
use reqwest::Method;
use serde::Deserialize;

use crate::body::Body;
use crate::client::{Client, Request};
use crate::error::{Error, ResponseError};
use crate::object::{url_decode, ObjectHeaders};

/// Largest part number OSS accepts.
pub const MAX_PARTS: u32 = 10_000;
/// Smallest size of every part but the last.
pub const MIN_PART_SIZE: u64 = 100 * 1024;
/// Largest part.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;

/// Starts a multipart upload.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct InitiateMultipartUpload {
    client: Client,
    bucket: String,
    key: String,
    pub(crate) object_headers: ObjectHeaders,
}

crate::object::object_header_setters!(InitiateMultipartUpload);

#[derive(Deserialize)]
struct InitiateResult {
    #[serde(rename = "UploadId")]
    upload_id: String,
}

impl Client {
    /// Starts a multipart upload; the object's headers are set here.
    pub fn initiate_multipart_upload(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> InitiateMultipartUpload {
        InitiateMultipartUpload {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            object_headers: ObjectHeaders::default(),
        }
    }
}

impl InitiateMultipartUpload {
    /// Sends the request; returns the upload id.
    pub async fn send(self) -> Result<String, Error> {
        let r = Request::new("InitiateMultipartUpload", Method::POST)
            .object(&self.bucket, &self.key)?
            .subresource("uploads");
        let r = self.object_headers.apply(r);
        let result: InitiateResult = self
            .client
            .send(r)
            .await?
            .xml("InitiateMultipartUpload")
            .await?;
        Ok(result.upload_id)
    }
}

/// A part uploaded: its number, ETag and CRC-64, as completion needs them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct UploadedPart {
    pub(crate) number: u32,
    pub(crate) etag: String,
    pub(crate) size: u64,
    pub(crate) crc64: Option<u64>,
}

impl UploadedPart {
    /// A part known from elsewhere (a listing, a program's own records).
    pub fn new(number: u32, etag: impl Into<String>, size: u64) -> UploadedPart {
        UploadedPart {
            number,
            etag: etag.into(),
            size,
            crc64: None,
        }
    }

    /// The part number, 1 to 10,000.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The ETag OSS returned for it.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Its CRC-64, when known.
    pub fn crc64(&self) -> Option<u64> {
        self.crc64
    }
}

impl Client {
    /// Uploads part `number` (1 to 10,000) of an upload. The body's CRC-64
    /// is checked against OSS's.
    pub async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: Body,
    ) -> Result<UploadedPart, Error> {
        self.upload_part_observed(bucket, key, upload_id, number, body, None)
            .await
    }

    pub(crate) async fn upload_part_observed(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: Body,
        observer: Option<std::sync::Arc<crate::transfer::Observer>>,
    ) -> Result<UploadedPart, Error> {
        if !(1..=MAX_PARTS).contains(&number) {
            return Err(Error::invalid(
                "part number",
                format!("{number} is outside 1 to {MAX_PARTS}"),
            ));
        }
        let size = body.content_length().unwrap_or(0);
        let mut r = Request::new("UploadPart", Method::PUT)
            .object(bucket, key)?
            .query("partNumber", number.to_string())
            .query("uploadId", upload_id)
            .data(body);
        r.observer = observer;
        let answer = self.send(r).await?;
        let etag = answer.header("etag").ok_or_else(|| {
            Error::Response(ResponseError {
                operation: "UploadPart",
                status: answer.status(),
                problem: format!("part {number}: no ETag header"),
            })
        })?;
        Ok(UploadedPart {
            number,
            etag,
            size,
            crc64: answer.sent_crc64,
        })
    }

    /// Completes an upload from its parts (sorted here by number). Returns
    /// the object's ETag and CRC-64.
    pub async fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<CompletedUpload, Error> {
        if parts.is_empty() {
            return Err(Error::invalid(
                "parts",
                "a completion needs at least one part",
            ));
        }
        let mut sorted: Vec<&UploadedPart> = parts.iter().collect();
        sorted.sort_by_key(|p| p.number);
        let mut xml =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>");
        for p in &sorted {
            xml.push_str(&format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>",
                p.number,
                crate::xml::escape(&p.etag)
            ));
        }
        xml.push_str("</CompleteMultipartUpload>");
        let r = Request::new("CompleteMultipartUpload", Method::POST)
            .object(bucket, key)?
            .query("uploadId", upload_id)
            .query("encoding-type", "url")
            .header("content-type", "application/xml")
            .body(Body::from_bytes(xml));
        let answer = self.send(r).await?;
        let crc64 = answer
            .header("x-oss-hash-crc64ecma")
            .and_then(|v| v.parse().ok());
        #[derive(Deserialize)]
        struct Result_ {
            #[serde(rename = "ETag", default)]
            etag: Option<String>,
        }
        let result: Result_ = answer.xml("CompleteMultipartUpload").await?;
        Ok(CompletedUpload {
            etag: result.etag,
            crc64,
        })
    }

    /// Aborts an upload and deletes its parts. Returns the request id.
    pub async fn abort_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> Result<Option<String>, Error> {
        let r = Request::new("AbortMultipartUpload", Method::DELETE)
            .object(bucket, key)?
            .query("uploadId", upload_id);
        Ok(self.send(r).await?.header("x-oss-request-id"))
    }

    /// The parts uploaded so far, every page.
    pub fn list_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> impl Stream<Item = Result<Vec<UploadedPart>, Error>> + Send + 'static {
        let client = self.clone();
        let (bucket, key, upload_id) = (bucket.to_string(), key.to_string(), upload_id.to_string());
        crate::bucket::pages(move |marker: Option<String>| {
            let client = client.clone();
            let (bucket, key, upload_id) = (bucket.clone(), key.clone(), upload_id.clone());
            async move {
                #[derive(Deserialize)]
                struct ListPartsResult {
                    #[serde(rename = "IsTruncated", default)]
                    is_truncated: bool,
                    #[serde(rename = "NextPartNumberMarker", default)]
                    next: Option<String>,
                    #[serde(rename = "Part", default)]
                    parts: Vec<PartEntry>,
                }
                #[derive(Deserialize)]
                struct PartEntry {
                    #[serde(rename = "PartNumber")]
                    number: u32,
                    #[serde(rename = "ETag")]
                    etag: String,
                    #[serde(rename = "Size", default)]
                    size: u64,
                    #[serde(rename = "HashCrc64ecma", default)]
                    crc64: Option<u64>,
                }
                let r = Request::new("ListParts", Method::GET)
                    .object(&bucket, &key)?
                    .query("uploadId", upload_id)
                    .query_opt("part-number-marker", marker);
                let page: ListPartsResult = client.send(r).await?.xml("ListParts").await?;
                let next = if page.is_truncated { page.next } else { None };
                let parts = page
                    .parts
                    .into_iter()
                    .map(|p| UploadedPart {
                        number: p.number,
                        etag: p.etag,
                        size: p.size,
                        crc64: p.crc64,
                    })
                    .collect();
                Ok((parts, next))
            }
        })
    }

    /// Uploads begun and neither completed nor aborted, under `prefix`.
    pub fn list_multipart_uploads(
        &self,
        bucket: &str,
        prefix: Option<&str>,
    ) -> impl Stream<Item = Result<Vec<MultipartUpload>, Error>> + Send + 'static {
        let client = self.clone();
        let bucket = bucket.to_string();
        let prefix = prefix.map(str::to_string);
        crate::bucket::pages(move |marker: Option<String>| {
            let client = client.clone();
            let (bucket, prefix) = (bucket.clone(), prefix.clone());
            async move {
                #[derive(Deserialize)]
                struct ListUploadsResult {
                    #[serde(rename = "IsTruncated", default)]
                    is_truncated: bool,
                    #[serde(rename = "NextKeyMarker", default)]
                    next_key: Option<String>,
                    #[serde(rename = "NextUploadIdMarker", default)]
                    next_upload: Option<String>,
                    #[serde(rename = "Upload", default)]
                    uploads: Vec<MultipartUpload>,
                    #[serde(rename = "EncodingType", default)]
                    encoding_type: Option<String>,
                }
                let (key_marker, upload_marker) =
                    match marker.as_deref().and_then(|m| m.split_once('\n')) {
                        Some((k, u)) => (Some(k.to_string()), Some(u.to_string())),
                        None => (None, None),
                    };
                let r = Request::new("ListMultipartUploads", Method::GET)
                    .bucket(&bucket)?
                    .subresource("uploads")
                    .query("encoding-type", "url")
                    .query_opt("prefix", prefix)
                    .query_opt("key-marker", key_marker)
                    .query_opt("upload-id-marker", upload_marker);
                let mut page: ListUploadsResult =
                    client.send(r).await?.xml("ListMultipartUploads").await?;
                if page.encoding_type.as_deref() == Some("url") {
                    for u in &mut page.uploads {
                        u.key = url_decode(&u.key);
                    }
                }
                let next = match (page.is_truncated, page.next_key, page.next_upload) {
                    (true, Some(k), Some(u)) => Some(format!("{}\n{u}", url_decode(&k))),
                    _ => None,
                };
                Ok((page.uploads, next))
            }
        })
    }
}

/// What a completed multipart upload returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedUpload {
    etag: Option<String>,
    crc64: Option<u64>,
}

impl CompletedUpload {
    /// The object's ETag (`"<hex>-<parts>"`).
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// The object's CRC-64, as OSS computed it.
    pub fn crc64(&self) -> Option<u64> {
        self.crc64
    }
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MultipartUpload {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "UploadId")]
    upload_id: String,
    #[serde(rename = "Initiated", default)]
    initiated: Option<String>,
}

impl MultipartUpload {
    /// The object key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The upload id.
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }

    /// When it was started (ISO 8601).
    pub fn initiated(&self) -> Option<&str> {
        self.initiated.as_deref()
    }
}
