//! The OSS operations over the buckets of one server.

use super::blob::{crc_combine, Blob, Received, Sink, Spill};
use super::body::OssBody;
use super::xml::{self, iso8601, parse_http_date, unix, Xml};
use super::{OssError, OssRequest};
use base64::Engine as _;
use http_body_util::BodyExt;
use hyper::body::Bytes;
use hyper::Response;
use md5::{Digest as _, Md5};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

/// Largest single PutObject / UploadPart / AppendObject body (OSS: 5 GiB).
const MAX_OBJECT: u64 = 5 * 1024 * 1024 * 1024;
/// Smallest part but the last (OSS: 100 KiB).
const MIN_PART: u64 = 100 * 1024;
/// Largest XML request document read (Delete lists 1000 keys of 1 KiB).
const MAX_DOCUMENT: u64 = 2 * 1024 * 1024;
/// Bytes of an unread request body read and dropped before an error answer,
/// so the client sees the answer instead of a broken pipe; past this the
/// connection is closed.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;
/// The owner every bucket and object reports.
const OWNER_ID: &str = "1234567890123456";
/// Characters `encoding-type=url` leaves alone: RFC 3986 unreserved.
const URL_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// Subresources OSS has that the mock does not serve.
const UNSUPPORTED: &[&str] = &[
    "acl",
    "tagging",
    "symlink",
    "restore",
    "lifecycle",
    "cors",
    "website",
    "referer",
    "logging",
    "versioning",
    "versions",
    "policy",
    "encryption",
    "worm",
    "replication",
    "inventory",
    "qos",
    "cname",
    "stat",
    "select",
    "x-oss-process",
    "style",
    "requestPayment",
    "transferAcceleration",
];

/// An operation, by OSS's name for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    ListBuckets,
    PutBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketInfo,
    GetBucketLocation,
    GetBucketAcl,
    ListObjects,
    ListObjectsV2,
    ListMultipartUploads,
    DeleteMultipleObjects,
    PutObject,
    CopyObject,
    AppendObject,
    GetObject,
    HeadObject,
    GetObjectMeta,
    DeleteObject,
    InitiateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
}

impl Op {
    /// The name fault rules match.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Op::ListBuckets => "ListBuckets",
            Op::PutBucket => "PutBucket",
            Op::DeleteBucket => "DeleteBucket",
            Op::HeadBucket => "HeadBucket",
            Op::GetBucketInfo => "GetBucketInfo",
            Op::GetBucketLocation => "GetBucketLocation",
            Op::GetBucketAcl => "GetBucketAcl",
            Op::ListObjects => "ListObjects",
            Op::ListObjectsV2 => "ListObjectsV2",
            Op::ListMultipartUploads => "ListMultipartUploads",
            Op::DeleteMultipleObjects => "DeleteMultipleObjects",
            Op::PutObject => "PutObject",
            Op::CopyObject => "CopyObject",
            Op::AppendObject => "AppendObject",
            Op::GetObject => "GetObject",
            Op::HeadObject => "HeadObject",
            Op::GetObjectMeta => "GetObjectMeta",
            Op::DeleteObject => "DeleteObject",
            Op::InitiateMultipartUpload => "InitiateMultipartUpload",
            Op::UploadPart => "UploadPart",
            Op::UploadPartCopy => "UploadPartCopy",
            Op::CompleteMultipartUpload => "CompleteMultipartUpload",
            Op::AbortMultipartUpload => "AbortMultipartUpload",
            Op::ListParts => "ListParts",
        }
    }
}

/// Which operation a request is, from method, bucket, key and query.
pub(crate) fn classify(r: &OssRequest) -> Result<Op, OssError> {
    // The official SDKs ask for the bucket ACL to tell whether a bucket
    // exists; every bucket here is private.
    if r.method == "GET" && r.bucket.is_some() && r.key.is_none() && r.has("acl") {
        return Ok(Op::GetBucketAcl);
    }
    if let Some(sub) = UNSUPPORTED.iter().find(|s| r.has(s)) {
        return Err(OssError::new(
            501,
            "NotImplemented",
            format!("The mock does not serve the {sub} subresource."),
        ));
    }
    let m = r.method.as_str();
    let op = match (&r.bucket, &r.key) {
        (None, _) if m == "GET" => Op::ListBuckets,
        (None, _) => return Err(not_allowed(m)),
        (Some(_), None) => match m {
            "PUT" => Op::PutBucket,
            "DELETE" => Op::DeleteBucket,
            "HEAD" => Op::HeadBucket,
            "GET" if r.has("bucketInfo") => Op::GetBucketInfo,
            "GET" if r.has("location") => Op::GetBucketLocation,
            "GET" if r.has("uploads") => Op::ListMultipartUploads,
            "GET" if r.param("list-type") == Some("2") => Op::ListObjectsV2,
            "GET" => Op::ListObjects,
            "POST" if r.has("delete") => Op::DeleteMultipleObjects,
            _ => return Err(not_allowed(m)),
        },
        (Some(_), Some(_)) => {
            let copy = r.header("x-oss-copy-source").is_some();
            match m {
                "PUT" if r.has("partNumber") && r.has("uploadId") && copy => Op::UploadPartCopy,
                "PUT" if r.has("partNumber") && r.has("uploadId") => Op::UploadPart,
                "PUT" if copy => Op::CopyObject,
                "PUT" => Op::PutObject,
                "POST" if r.has("uploads") => Op::InitiateMultipartUpload,
                "POST" if r.has("uploadId") => Op::CompleteMultipartUpload,
                "POST" if r.has("append") => Op::AppendObject,
                "GET" if r.has("uploadId") => Op::ListParts,
                "GET" | "HEAD" if r.has("objectMeta") => Op::GetObjectMeta,
                "GET" => Op::GetObject,
                "HEAD" => Op::HeadObject,
                "DELETE" if r.has("uploadId") => Op::AbortMultipartUpload,
                "DELETE" => Op::DeleteObject,
                _ => return Err(not_allowed(m)),
            }
        }
    };
    Ok(op)
}

fn not_allowed(method: &str) -> OssError {
    OssError::new(
        405,
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
    )
    .with("Method", method)
}

fn no_such_bucket(bucket: &str) -> OssError {
    OssError::new(404, "NoSuchBucket", "The specified bucket does not exist.")
        .with("BucketName", bucket)
        .ec("0015-00000101")
}

fn no_such_key(key: &str) -> OssError {
    OssError::new(404, "NoSuchKey", "The specified key does not exist.")
        .with("Key", key)
        .ec("0026-00000001")
}

fn no_such_upload(upload_id: &str) -> OssError {
    OssError::new(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
    .with("UploadId", upload_id)
}

fn invalid_argument(message: &str, name: &str, value: &str) -> OssError {
    OssError::new(400, "InvalidArgument", message)
        .with("ArgumentName", name)
        .with("ArgumentValue", value)
}

fn internal(e: impl std::fmt::Display) -> OssError {
    OssError::new(
        500,
        "InternalError",
        format!("We encountered an internal error. Please try again. ({e})"),
    )
}

fn precondition_failed(condition: &str) -> OssError {
    OssError::new(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold.",
    )
    .with("Condition", condition)
}

/// A stored object.
#[derive(Debug, Clone)]
struct Object {
    blob: Blob,
    etag: String,
    crc64: u64,
    md5: Option<[u8; 16]>,
    modified: SystemTime,
    content_type: String,
    /// `x-oss-meta-*` and the standard content headers, as sent.
    headers: Vec<(String, String)>,
    kind: &'static str,
}

#[derive(Debug, Clone)]
struct Part {
    blob: Blob,
    md5: [u8; 16],
    crc64: u64,
    modified: SystemTime,
}

#[derive(Debug)]
struct Upload {
    key: String,
    initiated: SystemTime,
    content_type: String,
    headers: Vec<(String, String)>,
    parts: BTreeMap<u32, Part>,
}

#[derive(Debug)]
struct Bucket {
    created: SystemTime,
    region: String,
    objects: BTreeMap<String, Object>,
    uploads: BTreeMap<String, Upload>,
}

/// Every bucket of one server. One lock, held only for map work: bodies
/// are read and written outside it.
#[derive(Debug)]
pub(crate) struct Store {
    spill: Arc<Spill>,
    buckets: Mutex<BTreeMap<String, Bucket>>,
}

/// A successful answer before it becomes HTTP.
pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    payload: Payload,
}

enum Payload {
    Empty,
    Xml(String),
    Object { blob: Blob, start: u64, end: u64 },
}

impl Answer {
    fn new(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            payload: Payload::Empty,
        }
    }

    fn xml(body: String) -> Answer {
        Answer {
            status: 200,
            headers: Vec::new(),
            payload: Payload::Xml(body),
        }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

fn etag_of(md5: &[u8; 16]) -> String {
    format!("\"{}\"", hex_upper(md5))
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn unquote(etag: &str) -> &str {
    etag.trim().trim_matches('"')
}

/// The headers an object keeps from its upload.
fn kept_headers(r: &OssRequest) -> Vec<(String, String)> {
    const STANDARD: &[&str] = &[
        "cache-control",
        "content-disposition",
        "content-encoding",
        "content-language",
        "expires",
    ];
    r.headers
        .iter()
        .filter(|(k, _)| k.starts_with("x-oss-meta-") || STANDARD.contains(&k.as_str()))
        .cloned()
        .collect()
}

fn content_type(r: &OssRequest) -> String {
    r.header("content-type")
        .filter(|c| !c.is_empty())
        .unwrap_or("application/octet-stream")
        .to_owned()
}

fn valid_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn check_key(key: &str) -> Result<(), OssError> {
    if key.len() > 1023 {
        return Err(OssError::new(
            400,
            "KeyTooLong",
            "Your key is too long: it must be at most 1023 bytes.",
        )
        .with("Key", key));
    }
    if key.starts_with('/') || key.starts_with('\\') {
        return Err(OssError::new(
            400,
            "InvalidObjectName",
            "The specified object is not valid.",
        )
        .with("Key", key));
    }
    Ok(())
}

/// Reads and drops what is left of a request body (up to [`DRAIN_LIMIT`]).
pub(crate) async fn drain(mut body: hyper::body::Incoming) {
    let mut seen = 0u64;
    while let Some(Ok(frame)) = body.frame().await {
        if let Ok(data) = frame.into_data() {
            seen += data.len() as u64;
            if seen > DRAIN_LIMIT {
                return;
            }
        }
    }
}

/// How conditional headers judge an object.
enum Condition {
    Pass,
    NotModified,
    Failed(&'static str),
}

/// RFC 7232's order: If-Match, If-Unmodified-Since, If-None-Match,
/// If-Modified-Since; `prefix` is `""` or `x-oss-copy-source-` (for a
/// copy, whose failures are all 412).
fn judge(r: &OssRequest, obj: &Object, prefix: &str) -> Condition {
    let h = |name: &str| r.header(&format!("{prefix}{name}"));
    let modified = unix(obj.modified);
    let matches = |list: &str| {
        list.split(',')
            .any(|e| e.trim() == "*" || unquote(e).eq_ignore_ascii_case(unquote(&obj.etag)))
    };
    if let Some(m) = h("if-match") {
        if !matches(m) {
            return Condition::Failed("If-Match");
        }
    } else if let Some(t) = h("if-unmodified-since").and_then(parse_http_date) {
        if modified > t {
            return Condition::Failed("If-Unmodified-Since");
        }
    }
    if let Some(m) = h("if-none-match") {
        if matches(m) {
            return Condition::NotModified;
        }
    } else if let Some(t) = h("if-modified-since").and_then(parse_http_date) {
        if modified <= t {
            return Condition::NotModified;
        }
    }
    Condition::Pass
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` against `size`: `Ok(None)` for no
/// (or an unreadable, or a multi-) range, which OSS answers with the whole
/// object; `Err` for one that starts past the end (416).
fn parse_range(text: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, OssError> {
    let Some(spec) = text.and_then(|t| t.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let unsatisfiable = || {
        OssError::new(
            416,
            "InvalidRange",
            "The requested range cannot be satisfied",
        )
        .with("RangeRequested", format!("bytes={spec}"))
        .with("ActualObjectSize", size.to_string())
    };
    let range = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(start), Some(end)) if start <= end => (start, end.min(size.saturating_sub(1))),
        (Some(_), Some(_)) => return Ok(None),
        (Some(start), None) if b.is_empty() => (start, size.saturating_sub(1)),
        (None, Some(n)) if a.is_empty() => {
            if n == 0 {
                return Err(unsatisfiable());
            }
            (size.saturating_sub(n), size.saturating_sub(1))
        }
        _ => return Ok(None),
    };
    if range.0 >= size {
        return Err(unsatisfiable());
    }
    Ok(Some(range))
}

fn url_encode(s: &str) -> String {
    utf8_percent_encode(s, URL_ENCODE).to_string()
}

impl Store {
    pub(crate) fn new(spill: Arc<Spill>) -> Store {
        Store {
            spill,
            buckets: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Bucket>> {
        // Nothing panics while holding it; the map stays consistent.
        self.buckets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `op`; `region` is the one the signature named.
    pub(crate) async fn run(
        &self,
        op: Op,
        r: &OssRequest,
        region: String,
        body: hyper::body::Incoming,
    ) -> Result<Answer, OssError> {
        let bucket = r.bucket.clone().unwrap_or_default();
        let key = r.key.clone().unwrap_or_default();
        if op != Op::ListBuckets && !valid_bucket_name(&bucket) {
            drain(body).await;
            return Err(OssError::new(
                400,
                "InvalidBucketName",
                "The specified bucket is not valid.",
            )
            .with("BucketName", bucket));
        }
        if r.key.is_some() {
            if let Err(e) = check_key(&key) {
                drain(body).await;
                return Err(e);
            }
        }
        // Operations that read a body know when to; the others must still
        // read it, or the client may see a broken pipe instead of an answer.
        match op {
            Op::PutObject => return self.put_object(r, &bucket, &key, body).await,
            Op::AppendObject => return self.append_object(r, &bucket, &key, body).await,
            Op::UploadPart => return self.upload_part(r, &bucket, &key, body).await,
            Op::CompleteMultipartUpload => {
                let doc = self.read_document(body).await?;
                return self.complete(r, &bucket, &key, &doc);
            }
            Op::DeleteMultipleObjects => {
                let doc = self.read_document(body).await?;
                return self.delete_multiple(r, &bucket, &doc);
            }
            _ => drain(body).await,
        }
        match op {
            Op::ListBuckets => Ok(self.list_buckets(r)),
            Op::PutBucket => self.put_bucket(&bucket, region),
            Op::DeleteBucket => self.delete_bucket(&bucket),
            Op::HeadBucket => self.with_bucket(&bucket, |_| Ok(Answer::new(200))),
            Op::GetBucketInfo => self.bucket_info(&bucket),
            Op::GetBucketLocation => self.with_bucket(&bucket, |b| {
                Ok(Answer::xml(format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint>oss-{}</LocationConstraint>",
                    b.region
                )))
            }),
            Op::GetBucketAcl => self.with_bucket(&bucket, |_| {
                let mut x = Xml::new("AccessControlPolicy");
                x.open("Owner")
                    .leaf("ID", OWNER_ID)
                    .leaf("DisplayName", OWNER_ID)
                    .close("Owner")
                    .open("AccessControlList")
                    .leaf("Grant", "private")
                    .close("AccessControlList");
                Ok(Answer::xml(x.finish("AccessControlPolicy")))
            }),
            Op::ListObjects => self.list_objects(r, &bucket, false),
            Op::ListObjectsV2 => self.list_objects(r, &bucket, true),
            Op::ListMultipartUploads => self.list_uploads(r, &bucket),
            Op::GetObject | Op::HeadObject | Op::GetObjectMeta => {
                self.get_object(r, op, &bucket, &key)
            }
            Op::DeleteObject => self.with_bucket_mut(&bucket, |b| {
                b.objects.remove(&key);
                Ok(Answer::new(204))
            }),
            Op::CopyObject => self.copy_object(r, &bucket, &key),
            Op::InitiateMultipartUpload => self.initiate(r, &bucket, &key),
            Op::UploadPartCopy => self.upload_part_copy(r, &bucket, &key).await,
            Op::AbortMultipartUpload => {
                let id = r.param("uploadId").unwrap_or_default().to_owned();
                self.with_bucket_mut(&bucket, |b| match b.uploads.get(&id) {
                    Some(u) if u.key == key => {
                        b.uploads.remove(&id);
                        Ok(Answer::new(204))
                    }
                    _ => Err(no_such_upload(&id)),
                })
            }
            Op::ListParts => self.list_parts(r, &bucket, &key),
            // Served above, with their bodies.
            Op::PutObject
            | Op::AppendObject
            | Op::UploadPart
            | Op::CompleteMultipartUpload
            | Op::DeleteMultipleObjects => Err(internal("operation routed twice")),
        }
    }

    fn with_bucket<T>(
        &self,
        bucket: &str,
        f: impl FnOnce(&Bucket) -> Result<T, OssError>,
    ) -> Result<T, OssError> {
        let buckets = self.lock();
        let b = buckets.get(bucket).ok_or_else(|| no_such_bucket(bucket))?;
        f(b)
    }

    fn with_bucket_mut<T>(
        &self,
        bucket: &str,
        f: impl FnOnce(&mut Bucket) -> Result<T, OssError>,
    ) -> Result<T, OssError> {
        let mut buckets = self.lock();
        let b = buckets
            .get_mut(bucket)
            .ok_or_else(|| no_such_bucket(bucket))?;
        f(b)
    }

    /// Reads a body to the spill (memory or disk), with its MD5 and CRC.
    async fn receive(
        &self,
        r: &OssRequest,
        mut body: hyper::body::Incoming,
    ) -> Result<Received, OssError> {
        let too_large = || {
            OssError::new(
                400,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed object size.",
            )
        };
        if r.header("content-length")
            .and_then(|l| l.parse::<u64>().ok())
            .is_some_and(|l| l > MAX_OBJECT)
        {
            return Err(too_large());
        }
        let mut sink = Sink::new(self.spill.clone());
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                OssError::new(
                    400,
                    "RequestTimeout",
                    format!("The request body could not be read: {e}"),
                )
            })?;
            if let Ok(data) = frame.into_data() {
                if sink.len() + data.len() as u64 > MAX_OBJECT {
                    return Err(too_large());
                }
                sink.push(&data).await.map_err(internal)?;
            }
        }
        let got = sink.finish().await.map_err(internal)?;
        if let Some(sent) = r.header("content-md5") {
            let ok = base64::engine::general_purpose::STANDARD
                .decode(sent.trim())
                .is_ok_and(|d| d == got.md5);
            if !ok {
                return Err(OssError::new(
                    400,
                    "InvalidDigest",
                    "The Content-MD5 you specified was invalid.",
                )
                .with("Content-MD5", sent));
            }
        }
        Ok(got)
    }

    async fn read_document(&self, body: hyper::body::Incoming) -> Result<Vec<u8>, OssError> {
        let limited = http_body_util::Limited::new(body, MAX_DOCUMENT as usize);
        match limited.collect().await {
            Ok(c) => Ok(c.to_bytes().to_vec()),
            Err(_) => Err(OssError::new(
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema.",
            )),
        }
    }

    fn list_buckets(&self, r: &OssRequest) -> Answer {
        let prefix = r.param("prefix").unwrap_or_default();
        let marker = r.param("marker").unwrap_or_default();
        let max = r
            .param("max-keys")
            .and_then(|m| m.parse::<usize>().ok())
            .unwrap_or(100)
            .clamp(1, 1000);
        let buckets = self.lock();
        let all: Vec<(&String, &Bucket)> = buckets
            .iter()
            .filter(|(n, _)| n.starts_with(prefix) && n.as_str() > marker)
            .collect();
        let truncated = all.len() > max;
        let mut x = Xml::new("ListAllMyBucketsResult");
        x.leaf("Prefix", prefix)
            .leaf("Marker", marker)
            .leaf("MaxKeys", max.to_string())
            .leaf("IsTruncated", truncated.to_string());
        if truncated {
            x.leaf("NextMarker", all[max - 1].0);
        }
        x.open("Owner")
            .leaf("ID", OWNER_ID)
            .leaf("DisplayName", OWNER_ID)
            .close("Owner");
        x.open("Buckets");
        for (name, b) in all.iter().take(max) {
            x.open("Bucket")
                .leaf("CreationDate", iso8601(b.created))
                .leaf("ExtranetEndpoint", format!("oss-{}.aliyuncs.com", b.region))
                .leaf(
                    "IntranetEndpoint",
                    format!("oss-{}-internal.aliyuncs.com", b.region),
                )
                .leaf("Location", format!("oss-{}", b.region))
                .leaf("Name", name.as_str())
                .leaf("Region", &b.region)
                .leaf("StorageClass", "Standard")
                .close("Bucket");
        }
        x.close("Buckets");
        Answer::xml(x.finish("ListAllMyBucketsResult"))
    }

    fn put_bucket(&self, bucket: &str, region: String) -> Result<Answer, OssError> {
        let mut buckets = self.lock();
        if buckets.contains_key(bucket) {
            return Err(OssError::new(
                409,
                "BucketAlreadyExists",
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            )
            .with("BucketName", bucket));
        }
        let region = if region.is_empty() {
            "cn-hangzhou".to_owned()
        } else {
            region
        };
        buckets.insert(
            bucket.to_owned(),
            Bucket {
                created: SystemTime::now(),
                region,
                objects: BTreeMap::new(),
                uploads: BTreeMap::new(),
            },
        );
        Ok(Answer::new(200).header("location", format!("/{bucket}")))
    }

    fn delete_bucket(&self, bucket: &str) -> Result<Answer, OssError> {
        let mut buckets = self.lock();
        let b = buckets.get(bucket).ok_or_else(|| no_such_bucket(bucket))?;
        if !b.objects.is_empty() || !b.uploads.is_empty() {
            return Err(OssError::new(
                409,
                "BucketNotEmpty",
                "The bucket has objects. Please delete them first.",
            )
            .with("BucketName", bucket)
            .ec("0015-00000301"));
        }
        buckets.remove(bucket);
        Ok(Answer::new(204))
    }

    fn bucket_info(&self, bucket: &str) -> Result<Answer, OssError> {
        self.with_bucket(bucket, |b| {
            let mut x = Xml::new("BucketInfo");
            x.open("Bucket")
                .leaf("AccessMonitor", "Disabled")
                .leaf("CreationDate", iso8601(b.created))
                .leaf("ExtranetEndpoint", format!("oss-{}.aliyuncs.com", b.region))
                .leaf(
                    "IntranetEndpoint",
                    format!("oss-{}-internal.aliyuncs.com", b.region),
                )
                .leaf("Location", format!("oss-{}", b.region))
                .leaf("StorageClass", "Standard")
                .leaf("TransferAcceleration", "Disabled")
                .leaf("CrossRegionReplication", "Disabled")
                .leaf("Name", bucket)
                .leaf("DataRedundancyType", "LRS")
                .open("Owner")
                .leaf("DisplayName", OWNER_ID)
                .leaf("ID", OWNER_ID)
                .close("Owner")
                .open("AccessControlList")
                .leaf("Grant", "private")
                .close("AccessControlList")
                .open("ServerSideEncryptionRule")
                .leaf("SSEAlgorithm", "None")
                .close("ServerSideEncryptionRule")
                .open("BucketPolicy")
                .leaf("LogBucket", "")
                .leaf("LogPrefix", "")
                .close("BucketPolicy")
                .close("Bucket");
            Ok(Answer::xml(x.finish("BucketInfo")))
        })
    }

    fn list_objects(&self, r: &OssRequest, bucket: &str, v2: bool) -> Result<Answer, OssError> {
        let prefix = r.param("prefix").unwrap_or_default();
        let delimiter = r.param("delimiter").unwrap_or_default();
        let url = match r.param("encoding-type") {
            None | Some("") => false,
            Some("url") => true,
            Some(other) => {
                return Err(invalid_argument(
                    "The encoding type must be url.",
                    "encoding-type",
                    other,
                ))
            }
        };
        let max = match r.param("max-keys") {
            None => 100,
            Some(m) => match m.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    return Err(invalid_argument(
                        "max-keys must be between 1 and 1000.",
                        "max-keys",
                        m,
                    ))
                }
            },
        };
        let token = r.param("continuation-token");
        let after = if v2 {
            match token {
                Some(t) => decode_token(t).ok_or_else(|| {
                    invalid_argument(
                        "The continuation token provided is incorrect.",
                        "continuation-token",
                        t,
                    )
                })?,
                None => r.param("start-after").unwrap_or_default().to_owned(),
            }
        } else {
            r.param("marker").unwrap_or_default().to_owned()
        };
        let enc = |s: &str| if url { url_encode(s) } else { s.to_owned() };
        self.with_bucket(bucket, |b| {
            let start = if after.as_str() >= prefix {
                Bound::Excluded(after.as_str())
            } else {
                Bound::Included(prefix)
            };
            let mut keys: Vec<(&String, &Object)> = Vec::new();
            let mut prefixes: Vec<String> = Vec::new();
            let mut truncated = false;
            let mut last = String::new();
            for (k, o) in b.objects.range::<str, _>((start, Bound::Unbounded)) {
                if !k.starts_with(prefix) {
                    break;
                }
                let group = if delimiter.is_empty() {
                    None
                } else {
                    k[prefix.len()..]
                        .find(delimiter)
                        .map(|i| k[..prefix.len() + i + delimiter.len()].to_owned())
                };
                if let Some(g) = &group {
                    // Emitted already, on this page or an earlier one.
                    if *g <= after || prefixes.last() == Some(g) {
                        continue;
                    }
                }
                if keys.len() + prefixes.len() == max {
                    truncated = true;
                    break;
                }
                match group {
                    Some(g) => {
                        last = g.clone();
                        prefixes.push(g);
                    }
                    None => {
                        last = k.clone();
                        keys.push((k, o));
                    }
                }
            }
            let fetch_owner = !v2 || r.param("fetch-owner") == Some("true");
            let mut x = Xml::new("ListBucketResult");
            x.leaf("Name", bucket).leaf("Prefix", enc(prefix));
            if v2 {
                if let Some(sa) = r.param("start-after") {
                    x.leaf("StartAfter", enc(sa));
                }
                if let Some(t) = token {
                    x.leaf("ContinuationToken", t);
                }
            } else {
                x.leaf("Marker", enc(&after));
            }
            x.leaf("MaxKeys", max.to_string())
                .leaf("Delimiter", enc(delimiter));
            if url {
                x.leaf("EncodingType", "url");
            }
            x.leaf("IsTruncated", truncated.to_string());
            if v2 {
                x.leaf("KeyCount", (keys.len() + prefixes.len()).to_string());
            }
            if truncated {
                if v2 {
                    x.leaf("NextContinuationToken", encode_token(&last));
                } else {
                    x.leaf("NextMarker", enc(&last));
                }
            }
            for (k, o) in keys {
                x.open("Contents")
                    .leaf("Key", enc(k))
                    .leaf("LastModified", iso8601(o.modified))
                    .leaf("ETag", &o.etag)
                    .leaf("Type", o.kind)
                    .leaf("Size", o.blob.len().to_string())
                    .leaf("StorageClass", "Standard");
                if fetch_owner {
                    x.open("Owner")
                        .leaf("ID", OWNER_ID)
                        .leaf("DisplayName", OWNER_ID)
                        .close("Owner");
                }
                x.close("Contents");
            }
            for p in prefixes {
                x.open("CommonPrefixes")
                    .leaf("Prefix", enc(&p))
                    .close("CommonPrefixes");
            }
            Ok(Answer::xml(x.finish("ListBucketResult")))
        })
    }

    fn get_object(
        &self,
        r: &OssRequest,
        op: Op,
        bucket: &str,
        key: &str,
    ) -> Result<Answer, OssError> {
        let obj = self.with_bucket(bucket, |b| {
            b.objects.get(key).cloned().ok_or_else(|| no_such_key(key))
        })?;
        let size = obj.blob.len();
        let mut a = Answer::new(200)
            .header("etag", &obj.etag)
            .header("last-modified", xml::http_date(obj.modified));
        if op == Op::GetObjectMeta {
            return Ok(a
                .header("content-length", size.to_string())
                .header("x-oss-hash-crc64ecma", obj.crc64.to_string()));
        }
        match judge(r, &obj, "") {
            Condition::Pass => {}
            Condition::NotModified => return Ok(Answer { status: 304, ..a }),
            Condition::Failed(c) => return Err(precondition_failed(c)),
        }
        a = a
            .header("content-type", &obj.content_type)
            .header("accept-ranges", "bytes")
            .header("x-oss-object-type", obj.kind)
            .header("x-oss-storage-class", "Standard")
            .header("x-oss-hash-crc64ecma", obj.crc64.to_string());
        if let Some(md5) = obj.md5 {
            a = a.header(
                "content-md5",
                base64::engine::general_purpose::STANDARD.encode(md5),
            );
        }
        if obj.kind == "Appendable" {
            a = a.header("x-oss-next-append-position", size.to_string());
        }
        for (k, v) in &obj.headers {
            a = a.header(k, v);
        }
        // response-* query parameters override the stored headers on GET.
        for (param, header) in [
            ("response-content-type", "content-type"),
            ("response-content-language", "content-language"),
            ("response-expires", "expires"),
            ("response-cache-control", "cache-control"),
            ("response-content-disposition", "content-disposition"),
            ("response-content-encoding", "content-encoding"),
        ] {
            if let Some(v) = r.param(param) {
                a.headers.retain(|(k, _)| k != header);
                a = a.header(header, v);
            }
        }
        let (start, end) = match parse_range(r.header("range"), size)? {
            Some((s, e)) => {
                a.status = 206;
                a = a.header("content-range", format!("bytes {s}-{e}/{size}"));
                (s, e + 1)
            }
            None => (0, size),
        };
        if op == Op::HeadObject {
            return Ok(a.header("content-length", (end - start).to_string()));
        }
        a.payload = Payload::Object {
            blob: obj.blob,
            start,
            end,
        };
        Ok(a)
    }

    async fn put_object(
        &self,
        r: &OssRequest,
        bucket: &str,
        key: &str,
        body: hyper::body::Incoming,
    ) -> Result<Answer, OssError> {
        if let Err(e) = self.with_bucket(bucket, |_| Ok(())) {
            drain(body).await;
            return Err(e);
        }
        let got = self.receive(r, body).await?;
        let forbid = r.header("x-oss-forbid-overwrite") == Some("true");
        let obj = Object {
            etag: etag_of(&got.md5),
            crc64: got.crc64,
            md5: Some(got.md5),
            modified: SystemTime::now(),
            content_type: content_type(r),
            headers: kept_headers(r),
            kind: "Normal",
            blob: got.blob,
        };
        let (etag, crc) = (obj.etag.clone(), obj.crc64);
        self.with_bucket_mut(bucket, |b| {
            if forbid && b.objects.contains_key(key) {
                return Err(OssError::new(
                    409,
                    "FileAlreadyExists",
                    "The object you specified already exists and can not be overwritten.",
                )
                .with("Key", key));
            }
            b.objects.insert(key.to_owned(), obj);
            Ok(())
        })?;
        Ok(Answer::new(200)
            .header("etag", etag)
            .header("x-oss-hash-crc64ecma", crc.to_string())
            .header(
                "content-md5",
                base64::engine::general_purpose::STANDARD.encode(got.md5),
            ))
    }

    async fn append_object(
        &self,
        r: &OssRequest,
        bucket: &str,
        key: &str,
        body: hyper::body::Incoming,
    ) -> Result<Answer, OssError> {
        let position = r.param("position").unwrap_or_default();
        let Ok(position) = position.parse::<u64>() else {
            drain(body).await;
            return Err(invalid_argument(
                "position must be a number.",
                "position",
                position,
            ));
        };
        if let Err(e) = self.with_bucket(bucket, |_| Ok(())) {
            drain(body).await;
            return Err(e);
        }
        let got = self.receive(r, body).await?;
        self.with_bucket_mut(bucket, |b| {
            let (blob, crc, mut obj) = match b.objects.get(key) {
                Some(o) if o.kind != "Appendable" => {
                    return Err(OssError::new(
                        409,
                        "ObjectNotAppendable",
                        "The object is not appendable.",
                    )
                    .with("Key", key))
                }
                Some(o) => (
                    o.blob.concat(&got.blob),
                    crc_combine(o.crc64, got.crc64, got.blob.len()),
                    o.clone(),
                ),
                None => (
                    got.blob.clone(),
                    got.crc64,
                    Object {
                        blob: Blob::default(),
                        etag: String::new(),
                        crc64: 0,
                        md5: None,
                        modified: SystemTime::now(),
                        content_type: content_type(r),
                        headers: kept_headers(r),
                        kind: "Appendable",
                    },
                ),
            };
            let current = obj.blob.len();
            if position != current {
                return Err(OssError::new(
                    409,
                    "PositionNotEqualToLength",
                    "Position is not equal to file length.",
                )
                .with("Key", key)
                .with("NextAppendPosition", current.to_string()));
            }
            let len = blob.len();
            obj.blob = blob;
            obj.crc64 = crc;
            // OSS documents an appendable object's ETag as not an MD5; this
            // one changes with every append, as OSS's does.
            obj.etag = format!("\"{crc:016X}{len:016X}\"");
            obj.modified = SystemTime::now();
            let etag = obj.etag.clone();
            b.objects.insert(key.to_owned(), obj);
            Ok(Answer::new(200)
                .header("etag", etag)
                .header("x-oss-next-append-position", len.to_string())
                .header("x-oss-hash-crc64ecma", crc.to_string()))
        })
    }

    /// The object named by `x-oss-copy-source` (`/bucket/key`, key
    /// URL-encoded), and its bucket and key.
    fn copy_source(&self, r: &OssRequest) -> Result<(String, String, Object), OssError> {
        let raw = r.header("x-oss-copy-source").unwrap_or_default();
        let raw = raw.split('?').next().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned();
        let path = decoded.strip_prefix('/').unwrap_or(&decoded);
        let Some((bucket, key)) = path
            .split_once('/')
            .filter(|(b, k)| !b.is_empty() && !k.is_empty())
        else {
            return Err(invalid_argument(
                "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
                "x-oss-copy-source",
                raw,
            ));
        };
        let obj = self.with_bucket(bucket, |b| {
            b.objects.get(key).cloned().ok_or_else(|| no_such_key(key))
        })?;
        Ok((bucket.to_owned(), key.to_owned(), obj))
    }

    fn copy_object(&self, r: &OssRequest, bucket: &str, key: &str) -> Result<Answer, OssError> {
        let (_, _, src) = self.copy_source(r)?;
        if let Condition::Failed(c) = match judge(r, &src, "x-oss-copy-source-") {
            Condition::NotModified => Condition::Failed("If-None-Match"),
            other => other,
        } {
            return Err(precondition_failed(c));
        }
        let replace = r
            .header("x-oss-metadata-directive")
            .is_some_and(|d| d.eq_ignore_ascii_case("REPLACE"));
        let mut obj = src;
        obj.modified = SystemTime::now();
        if replace {
            obj.content_type = content_type(r);
            obj.headers = kept_headers(r);
        }
        let (etag, crc, modified) = (obj.etag.clone(), obj.crc64, obj.modified);
        self.with_bucket_mut(bucket, |b| {
            b.objects.insert(key.to_owned(), obj);
            Ok(())
        })?;
        let mut x = Xml::new("CopyObjectResult");
        x.leaf("ETag", &etag)
            .leaf("LastModified", iso8601(modified));
        Ok(Answer::xml(x.finish("CopyObjectResult"))
            .header("etag", etag)
            .header("x-oss-hash-crc64ecma", crc.to_string()))
    }

    fn initiate(&self, r: &OssRequest, bucket: &str, key: &str) -> Result<Answer, OssError> {
        let id = uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .to_ascii_uppercase();
        self.with_bucket_mut(bucket, |b| {
            b.uploads.insert(
                id.clone(),
                Upload {
                    key: key.to_owned(),
                    initiated: SystemTime::now(),
                    content_type: content_type(r),
                    headers: kept_headers(r),
                    parts: BTreeMap::new(),
                },
            );
            Ok(())
        })?;
        let url = r.param("encoding-type") == Some("url");
        let mut x = Xml::new("InitiateMultipartUploadResult");
        x.leaf("Bucket", bucket)
            .leaf("Key", if url { url_encode(key) } else { key.to_owned() })
            .leaf("UploadId", &id);
        if url {
            x.leaf("EncodingType", "url");
        }
        Ok(Answer::xml(x.finish("InitiateMultipartUploadResult")))
    }

    fn part_target(
        &self,
        r: &OssRequest,
        bucket: &str,
        key: &str,
    ) -> Result<(String, u32), OssError> {
        let id = r.param("uploadId").unwrap_or_default().to_owned();
        let n = r.param("partNumber").unwrap_or_default();
        let number = n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=10000).contains(n))
            .ok_or_else(|| {
                invalid_argument(
                    "Part number must be an integer between 1 and 10000, inclusive.",
                    "partNumber",
                    n,
                )
            })?;
        self.with_bucket(bucket, |b| match b.uploads.get(&id) {
            Some(u) if u.key == key => Ok(()),
            _ => Err(no_such_upload(&id)),
        })?;
        Ok((id, number))
    }

    fn store_part(
        &self,
        bucket: &str,
        key: &str,
        id: &str,
        number: u32,
        part: Part,
    ) -> Result<(), OssError> {
        self.with_bucket_mut(bucket, |b| match b.uploads.get_mut(id) {
            // The upload may have been aborted or completed meanwhile.
            Some(u) if u.key == key => {
                u.parts.insert(number, part);
                Ok(())
            }
            _ => Err(no_such_upload(id)),
        })
    }

    async fn upload_part(
        &self,
        r: &OssRequest,
        bucket: &str,
        key: &str,
        body: hyper::body::Incoming,
    ) -> Result<Answer, OssError> {
        let (id, number) = match self.part_target(r, bucket, key) {
            Ok(t) => t,
            Err(e) => {
                drain(body).await;
                return Err(e);
            }
        };
        let got = self.receive(r, body).await?;
        let etag = etag_of(&got.md5);
        let crc = got.crc64;
        self.store_part(
            bucket,
            key,
            &id,
            number,
            Part {
                blob: got.blob,
                md5: got.md5,
                crc64: crc,
                modified: SystemTime::now(),
            },
        )?;
        Ok(Answer::new(200)
            .header("etag", etag)
            .header("x-oss-hash-crc64ecma", crc.to_string())
            .header(
                "content-md5",
                base64::engine::general_purpose::STANDARD.encode(got.md5),
            ))
    }

    async fn upload_part_copy(
        &self,
        r: &OssRequest,
        bucket: &str,
        key: &str,
    ) -> Result<Answer, OssError> {
        let (id, number) = self.part_target(r, bucket, key)?;
        let (_, _, src) = self.copy_source(r)?;
        if let Condition::Failed(c) = match judge(r, &src, "x-oss-copy-source-") {
            Condition::NotModified => Condition::Failed("If-None-Match"),
            other => other,
        } {
            return Err(precondition_failed(c));
        }
        let size = src.blob.len();
        let blob = match parse_range(r.header("x-oss-copy-source-range"), size)? {
            Some((s, e)) => src.blob.slice(s, e + 1),
            None => src.blob.clone(),
        };
        let for_digest = blob.clone();
        let (md5, crc) = tokio::task::spawn_blocking(move || for_digest.digest())
            .await
            .map_err(internal)?
            .map_err(internal)?;
        let modified = SystemTime::now();
        self.store_part(
            bucket,
            key,
            &id,
            number,
            Part {
                blob,
                md5,
                crc64: crc,
                modified,
            },
        )?;
        let mut x = Xml::new("CopyPartResult");
        x.leaf("LastModified", iso8601(modified))
            .leaf("ETag", etag_of(&md5));
        Ok(Answer::xml(x.finish("CopyPartResult")).header("x-oss-hash-crc64ecma", crc.to_string()))
    }

    fn complete(
        &self,
        r: &OssRequest,
        bucket: &str,
        key: &str,
        doc: &[u8],
    ) -> Result<Answer, OssError> {
        let id = r.param("uploadId").unwrap_or_default().to_owned();
        let complete_all = r.header("x-oss-complete-all") == Some("yes");
        let listed: Option<Vec<(u32, String)>> = if complete_all {
            None
        } else {
            let parsed: xml::CompleteMultipartUpload = xml::parse(doc).ok_or_else(malformed)?;
            let mut list = Vec::with_capacity(parsed.parts.len());
            for p in parsed.parts {
                let n = p.number.trim().parse::<u32>().map_err(|_| malformed())?;
                list.push((n, p.etag));
            }
            if list.is_empty() {
                return Err(malformed());
            }
            Some(list)
        };
        let url = r.param("encoding-type") == Some("url");
        self.with_bucket_mut(bucket, |b| {
            let upload = match b.uploads.get(&id) {
                Some(u) if u.key == key => u,
                _ => return Err(no_such_upload(&id)),
            };
            let chosen: Vec<(u32, &Part)> = match &listed {
                None => upload.parts.iter().map(|(n, p)| (*n, p)).collect(),
                Some(list) => {
                    let mut out = Vec::with_capacity(list.len());
                    let mut prev = 0u32;
                    for (n, etag) in list {
                        if *n <= prev {
                            return Err(OssError::new(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts list must specified in order by part number."));
                        }
                        prev = *n;
                        match upload.parts.get(n) {
                            Some(p) if unquote(etag).eq_ignore_ascii_case(&hex_upper(&p.md5)) => {
                                out.push((*n, p))
                            }
                            _ => {
                                return Err(OssError::new(400, "InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.")
                                    .with("PartNumber", n.to_string())
                                    .with("ETag", etag.as_str()))
                            }
                        }
                    }
                    out
                }
            };
            for (i, (n, p)) in chosen.iter().enumerate() {
                if i + 1 < chosen.len() && p.blob.len() < MIN_PART {
                    return Err(OssError::new(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.")
                        .with("PartNumber", n.to_string())
                        .with("MinSizeAllowed", MIN_PART.to_string()));
                }
            }
            let mut blob = Blob::default();
            let mut crc = 0u64;
            let mut md5s = Md5::new();
            for (_, p) in &chosen {
                crc = crc_combine(crc, p.crc64, p.blob.len());
                blob = blob.concat(&p.blob);
                md5s.update(p.md5);
            }
            let etag = format!("\"{}-{}\"", hex_upper(&md5s.finalize()), chosen.len());
            let obj = Object {
                blob,
                etag: etag.clone(),
                crc64: crc,
                md5: None,
                modified: SystemTime::now(),
                content_type: upload.content_type.clone(),
                headers: upload.headers.clone(),
                kind: "Multipart",
            };
            b.uploads.remove(&id);
            b.objects.insert(key.to_owned(), obj);
            let mut x = Xml::new("CompleteMultipartUploadResult");
            if url {
                x.leaf("EncodingType", "url");
            }
            x.leaf("Location", format!("http://{}/{}/{}", r.host, bucket, key))
                .leaf("Bucket", bucket)
                .leaf("Key", if url { url_encode(key) } else { key.to_owned() })
                .leaf("ETag", &etag);
            Ok(Answer::xml(x.finish("CompleteMultipartUploadResult"))
                .header("etag", etag)
                .header("x-oss-hash-crc64ecma", crc.to_string()))
        })
    }

    fn delete_multiple(
        &self,
        r: &OssRequest,
        bucket: &str,
        doc: &[u8],
    ) -> Result<Answer, OssError> {
        let md5_ok = r.header("content-md5").is_some_and(|sent| {
            base64::engine::general_purpose::STANDARD
                .decode(sent.trim())
                .is_ok_and(|d| d.as_slice() == Md5::digest(doc).as_slice())
        });
        if !md5_ok {
            return Err(OssError::new(
                400,
                "InvalidDigest",
                "The Content-MD5 you specified was invalid.",
            ));
        }
        let parsed: xml::Delete = xml::parse(doc).ok_or_else(malformed)?;
        if parsed.objects.len() > 1000 {
            return Err(malformed());
        }
        let quiet = parsed.quiet.as_deref().is_some_and(|q| q.trim() == "true");
        let url = r.param("encoding-type") == Some("url");
        self.with_bucket_mut(bucket, |b| {
            let mut x = Xml::new("DeleteResult");
            if url {
                x.leaf("EncodingType", "url");
            }
            for o in &parsed.objects {
                let key = if url {
                    percent_encoding::percent_decode_str(&o.key)
                        .decode_utf8_lossy()
                        .into_owned()
                } else {
                    o.key.clone()
                };
                b.objects.remove(&key);
                if !quiet {
                    x.open("Deleted")
                        .leaf("Key", if url { url_encode(&key) } else { key })
                        .close("Deleted");
                }
            }
            Ok(Answer::xml(x.finish("DeleteResult")))
        })
    }

    fn list_uploads(&self, r: &OssRequest, bucket: &str) -> Result<Answer, OssError> {
        let prefix = r.param("prefix").unwrap_or_default();
        let key_marker = r.param("key-marker").unwrap_or_default();
        let id_marker = r.param("upload-id-marker").unwrap_or_default();
        let max = r
            .param("max-uploads")
            .and_then(|m| m.parse::<usize>().ok())
            .unwrap_or(1000)
            .clamp(1, 1000);
        let url = r.param("encoding-type") == Some("url");
        let enc = |s: &str| if url { url_encode(s) } else { s.to_owned() };
        self.with_bucket(bucket, |b| {
            let mut all: Vec<(&String, &Upload)> = b
                .uploads
                .iter()
                .filter(|(id, u)| {
                    u.key.starts_with(prefix)
                        && (u.key.as_str() > key_marker
                            || (u.key == key_marker
                                && !id_marker.is_empty()
                                && id.as_str() > id_marker))
                })
                .collect();
            all.sort_by(|a, b| (&a.1.key, a.1.initiated, a.0).cmp(&(&b.1.key, b.1.initiated, b.0)));
            let truncated = all.len() > max;
            all.truncate(max);
            let mut x = Xml::new("ListMultipartUploadsResult");
            x.leaf("Bucket", bucket)
                .leaf("KeyMarker", enc(key_marker))
                .leaf("UploadIdMarker", id_marker)
                .leaf(
                    "NextKeyMarker",
                    all.last().map(|u| enc(&u.1.key)).unwrap_or_default(),
                )
                .leaf(
                    "NextUploadIdMarker",
                    all.last().map(|u| u.0.as_str()).unwrap_or_default(),
                )
                .leaf("Delimiter", "")
                .leaf("Prefix", enc(prefix))
                .leaf("MaxUploads", max.to_string())
                .leaf("IsTruncated", truncated.to_string());
            if url {
                x.leaf("EncodingType", "url");
            }
            for (id, u) in all {
                x.open("Upload")
                    .leaf("Key", enc(&u.key))
                    .leaf("UploadId", id)
                    .leaf("StorageClass", "Standard")
                    .leaf("Initiated", iso8601(u.initiated))
                    .close("Upload");
            }
            Ok(Answer::xml(x.finish("ListMultipartUploadsResult")))
        })
    }

    fn list_parts(&self, r: &OssRequest, bucket: &str, key: &str) -> Result<Answer, OssError> {
        let id = r.param("uploadId").unwrap_or_default().to_owned();
        let marker = r
            .param("part-number-marker")
            .and_then(|m| m.parse::<u32>().ok())
            .unwrap_or(0);
        let max = r
            .param("max-parts")
            .and_then(|m| m.parse::<usize>().ok())
            .unwrap_or(1000)
            .clamp(1, 1000);
        self.with_bucket(bucket, |b| {
            let upload = match b.uploads.get(&id) {
                Some(u) if u.key == key => u,
                _ => return Err(no_such_upload(&id)),
            };
            let parts: Vec<(&u32, &Part)> = upload
                .parts
                .range((Bound::Excluded(marker), Bound::Unbounded))
                .collect();
            let truncated = parts.len() > max;
            let shown = &parts[..parts.len().min(max)];
            let mut x = Xml::new("ListPartsResult");
            x.leaf("Bucket", bucket)
                .leaf("Key", key)
                .leaf("UploadId", &id)
                .leaf("StorageClass", "Standard")
                .leaf("PartNumberMarker", marker.to_string())
                .leaf(
                    "NextPartNumberMarker",
                    shown.last().map(|p| p.0.to_string()).unwrap_or_default(),
                )
                .leaf("MaxParts", max.to_string())
                .leaf("IsTruncated", truncated.to_string());
            for (n, p) in shown {
                x.open("Part")
                    .leaf("PartNumber", n.to_string())
                    .leaf("LastModified", iso8601(p.modified))
                    .leaf("ETag", etag_of(&p.md5))
                    .leaf("HashCrc64ecma", p.crc64.to_string())
                    .leaf("Size", p.blob.len().to_string())
                    .close("Part");
            }
            Ok(Answer::xml(x.finish("ListPartsResult")))
        })
    }
}

fn malformed() -> OssError {
    OssError::new(
        400,
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema.",
    )
}

/// V2 continuation tokens are opaque to clients: the key to resume after,
/// hex-encoded so that any key survives a query string.
fn encode_token(after: &str) -> String {
    after.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Option<String> {
    if token.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// The HTTP answer, with OSS's common headers; `keep` cuts the body short
/// (the truncated-body fault).
pub(crate) fn respond(
    answer: Result<Answer, OssError>,
    r: &OssRequest,
    keep: Option<usize>,
) -> Response<OssBody> {
    let (status, mut headers, body) = match answer {
        Ok(Answer {
            status,
            mut headers,
            payload: Payload::Object { blob, start, end },
        }) => {
            headers.push(("content-length".into(), (end - start).to_string()));
            let mut resp = Response::new(blob.stream(start, end, keep.map(|k| k as u64)));
            finish(&mut resp, status, headers, r);
            return resp;
        }
        Ok(a) => {
            let body = match a.payload {
                Payload::Xml(x) => Bytes::from(x),
                _ => Bytes::new(),
            };
            (a.status, a.headers, body)
        }
        Err(e) => {
            let mut headers = Vec::new();
            if let Some(ec) = e.ec {
                headers.push(("x-oss-ec".into(), ec.into()));
            }
            (
                e.status,
                headers,
                Bytes::from(e.body(&r.request_id, &r.host)),
            )
        }
    };
    if !body.is_empty() && !headers.iter().any(|(k, _)| k == "content-type") {
        headers.push(("content-type".into(), "application/xml".into()));
    }
    // HEAD answers state the object's length and send no body.
    if !headers.iter().any(|(k, _)| k == "content-length") {
        headers.push(("content-length".into(), body.len().to_string()));
    }
    let body = match keep {
        Some(k) if !body.is_empty() => OssBody::truncated(body, k),
        _ if body.is_empty() => OssBody::empty(),
        _ => OssBody::full(body),
    };
    let mut resp = Response::new(body);
    finish(&mut resp, status, headers, r);
    resp
}

fn finish(
    resp: &mut Response<OssBody>,
    status: u16,
    headers: Vec<(String, String)>,
    r: &OssRequest,
) {
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let map = resp.headers_mut();
    let mut put = |k: &str, v: &str| {
        if let (Ok(k), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            hyper::header::HeaderValue::from_str(v),
        ) {
            map.append(k, v);
        }
    };
    put("server", "AliyunOSS");
    put("date", &xml::http_date(r.now));
    put("x-oss-request-id", &r.request_id);
    for (k, v) in &headers {
        put(k, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range(Some("bytes=0-9"), 100).unwrap(), Some((0, 9)));
        assert_eq!(parse_range(Some("bytes=90-"), 100).unwrap(), Some((90, 99)));
        assert_eq!(parse_range(Some("bytes=-10"), 100).unwrap(), Some((90, 99)));
        assert_eq!(
            parse_range(Some("bytes=50-500"), 100).unwrap(),
            Some((50, 99))
        );
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100).unwrap(), None);
        assert_eq!(parse_range(Some("nonsense"), 100).unwrap(), None);
        assert_eq!(parse_range(None, 100).unwrap(), None);
        let e = parse_range(Some("bytes=100-"), 100).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (416, "InvalidRange"));
        assert!(parse_range(Some("bytes=0-0"), 0).is_err());
    }

    #[test]
    fn tokens_and_names() {
        for k in ["", "a/b c", "日本/x"] {
            assert_eq!(decode_token(&encode_token(k)).as_deref(), Some(k));
        }
        assert_eq!(decode_token("zz"), None);
        assert_eq!(decode_token("abc"), None);
        assert!(valid_bucket_name("my-bucket-1"));
        for bad in ["ab", "-ab", "ab-", "Abc", "a_b", "a.b"] {
            assert!(!valid_bucket_name(bad), "{bad}");
        }
    }
}
