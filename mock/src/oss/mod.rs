//! OSS (Object Storage Service) on the same port as the OpenAPI endpoint:
//! buckets, objects, ranges, listings, multipart uploads and copies, with
//! OSS's XML bodies, headers, ETags, CRC-64 and error codes.
//!
//! # Addressing
//!
//! A request is OSS's when its `Host` says so, or when it carries OSS
//! authentication; everything else goes on to the RPC/ROA endpoint.
//!
//! | `Host` | bucket | key |
//! | --- | --- | --- |
//! | `<bucket>.oss-<region>.aliyuncs.com` (virtual-hosted; connect to 127.0.0.1 and send this `Host`) | first label | the path |
//! | `<bucket>.localhost[:port]` (virtual-hosted on loopback) | first label | the path |
//! | `oss-<region>.aliyuncs.com`, or any other host (`127.0.0.1:PORT`) when the request carries OSS auth (path style) | first path segment | the rest of the path |
//!
//! OSS auth is an `Authorization` header starting `OSS4-HMAC-SHA256 ` or
//! `OSS `, or the query parameters `x-oss-signature-version`,
//! `x-oss-credential` or `OSSAccessKeyId`. An anonymous path-style request
//! cannot be told from an ROA call and is answered as one; anonymous
//! virtual-hosted requests get OSS's `AccessDenied`. Clients: the official
//! Python SDK with `use_path_style=True` and endpoint
//! `http://127.0.0.1:PORT`; the workspace's OSS client in path style.
//!
//! # Signatures
//!
//! V4 (`OSS4-HMAC-SHA256`, header and presigned query) and V1 (`OSS ak:sig`,
//! and the presigned `OSSAccessKeyId`/`Expires`/`Signature` query), with the
//! mock's access keys and STS credentials (with `x-oss-security-token`).
//! Requests may be 15 minutes off the clock; a presigned URL past its
//! expiry gets `AccessDenied` "Request has expired.". See [`auth`].
//!
//! # Storage
//!
//! Per [`crate::MockServer`], in memory; a body larger than
//! [`OssConfig::disk_threshold`], or one that would take the bytes held in
//! memory past [`OssConfig::memory_budget`], goes to a temporary file
//! (removed from the directory at once on Unix, so nothing outlives the
//! process). Parts and copies share bytes instead of copying them.
//!
//! # Faults
//!
//! The server's [`crate::faults::FaultPlan`] applies with the OSS operation
//! name as the action (`PutObject`, `UploadPart`, `GetObject`, ...):
//! errors come back as OSS error XML, `truncate:N` on `GetObject` sends N
//! bytes of the object under the full `Content-Length` and breaks the
//! connection, resets and delays as for RPC. To fail the Nth `UploadPart`
//! only, install the rule with [`crate::MockServer::set_faults`] once
//! [`crate::MockServer::fault_stats`] counts N-1 of them.

pub mod auth;
mod blob;
mod body;
mod ops;
mod xml;

pub(crate) use body::OssBody;

use crate::faults::{self, Fault, Injector};
use crate::sts::Sts;
use blob::Spill;
use hyper::{Request, Response};
use percent_encoding::percent_decode_str;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

/// How the OSS part of the mock behaves.
#[derive(Debug, Clone)]
pub struct OssConfig {
    /// Serve OSS at all (default true).
    pub enabled: bool,
    /// Bodies larger than this go to disk (default 8 MiB).
    pub disk_threshold: u64,
    /// Object bytes kept in memory at most, over all objects and parts
    /// (default 256 MiB); past it new bodies go to disk whatever their size.
    pub memory_budget: u64,
    /// Directory for spilled bodies (default: the system's temporary
    /// directory).
    pub spill_dir: Option<PathBuf>,
    /// Region reported for buckets created without a signature naming one
    /// (V1), and in `GetBucketLocation` (default `cn-hangzhou`).
    pub region: String,
}

impl Default for OssConfig {
    fn default() -> Self {
        OssConfig {
            enabled: true,
            disk_threshold: 8 * 1024 * 1024,
            memory_budget: 256 * 1024 * 1024,
            spill_dir: None,
            region: "cn-hangzhou".into(),
        }
    }
}

/// The OSS service of one server: its buckets and its keys.
#[derive(Debug)]
pub(crate) struct Oss {
    config: OssConfig,
    store: ops::Store,
    auth: auth::OssAuth,
}

impl Oss {
    pub(crate) fn new(
        config: &OssConfig,
        keys: &[(String, String)],
        sts: Arc<Sts>,
        tolerance: std::time::Duration,
    ) -> Oss {
        let dir = config.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
        Oss {
            config: config.clone(),
            store: ops::Store::new(Spill::new(dir, config.disk_threshold, config.memory_budget)),
            auth: auth::OssAuth::new(keys, sts, tolerance),
        }
    }

    /// Whether this request is OSS's (see the module docs).
    pub(crate) fn claims<B>(&self, req: &Request<B>) -> bool {
        if !self.config.enabled {
            return false;
        }
        let host = req
            .headers()
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if matches!(host_style(host), HostStyle::Virtual(_) | HostStyle::OssPath) {
            return true;
        }
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth.starts_with("OSS4-HMAC-SHA256 ") || auth.starts_with("OSS ") {
            return true;
        }
        req.uri().query().is_some_and(|q| {
            q.split('&').any(|p| {
                let k = p.split('=').next().unwrap_or_default();
                k == "x-oss-signature-version" || k == "x-oss-credential" || k == "OSSAccessKeyId"
            })
        })
    }

    /// Serves one OSS request.
    pub(crate) async fn serve(
        self: Arc<Self>,
        req: Request<hyper::body::Incoming>,
        injector: Arc<Injector>,
        reset: Arc<AtomicBool>,
        log: bool,
    ) -> Result<Response<OssBody>, faults::Reset> {
        let (parts, body) = req.into_parts();
        let now = SystemTime::now();
        let r = OssRequest::from_parts(&parts, now, &self.config.region);
        let op = ops::classify(&r);
        let name = op.as_ref().map_or("-", |o| o.name());
        let fault = injector.decide(Some(name));
        if fault == Some(Fault::ResetBeforeRead) {
            reset.store(true, Ordering::Relaxed);
            return Err(faults::Reset);
        }
        let answer = match (&fault, op) {
            (
                Some(Fault::Error {
                    status,
                    code,
                    message,
                }),
                _,
            ) => {
                ops::drain(body).await;
                Err(OssError::new(*status, code, message.clone()))
            }
            (_, Err(e)) => {
                ops::drain(body).await;
                Err(e)
            }
            (_, Ok(op)) => match self.auth.check(&r, now) {
                Err(e) => {
                    ops::drain(body).await;
                    Err(e)
                }
                Ok(region) => self.store.run(op, &r, region, body).await,
            },
        };
        match fault {
            Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
            Some(Fault::ResetAfterRead) => {
                reset.store(true, Ordering::Relaxed);
                return Err(faults::Reset);
            }
            _ => {}
        }
        let keep = match fault {
            Some(Fault::TruncatedBody { keep }) => Some(keep),
            _ => None,
        };
        if log {
            eprintln!(
                "mock: oss {} {} {name} -> {}{}",
                r.method,
                parts.uri.path(),
                match &answer {
                    Ok(a) => a.status.to_string(),
                    Err(e) => format!("{} {}", e.status, e.code),
                },
                fault
                    .as_ref()
                    .map(|f| format!(" (fault {})", f.kind()))
                    .unwrap_or_default()
            );
        }
        Ok(ops::respond(answer, &r, keep))
    }
}

/// What the `Host` header says about addressing.
#[derive(Debug, PartialEq, Eq)]
enum HostStyle {
    /// `<bucket>.oss-<region>.aliyuncs.com` or `<bucket>.localhost`.
    Virtual(String),
    /// `oss-<region>.aliyuncs.com`: path style, OSS for sure.
    OssPath,
    /// Anything else: path style if the request carries OSS auth.
    Other,
}

fn host_style(host: &str) -> HostStyle {
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let host = host.to_ascii_lowercase();
    if let Some(rest) = host.strip_suffix(".aliyuncs.com") {
        let labels: Vec<&str> = rest.split('.').collect();
        return match labels.as_slice() {
            [endpoint] if endpoint.starts_with("oss-") => HostStyle::OssPath,
            [bucket, endpoint] if endpoint.starts_with("oss-") => {
                HostStyle::Virtual((*bucket).to_owned())
            }
            _ => HostStyle::Other,
        };
    }
    match host.strip_suffix(".localhost") {
        Some(bucket) if !bucket.is_empty() && !bucket.contains('.') => {
            HostStyle::Virtual(bucket.to_owned())
        }
        _ => HostStyle::Other,
    }
}

/// One OSS request, as the operations and the signature checks see it.
#[derive(Debug, Clone)]
pub struct OssRequest {
    /// HTTP method.
    pub method: String,
    /// The bucket, from the host or the path.
    pub bucket: Option<String>,
    /// The object key, decoded.
    pub key: Option<String>,
    /// Query parameters, decoded; `None` for a parameter without `=`.
    pub query: Vec<(String, Option<String>)>,
    /// Headers, names lowercase.
    pub headers: Vec<(String, String)>,
    /// `Host` header.
    pub host: String,
    /// The id this request's answer carries.
    pub request_id: String,
    /// When it arrived.
    pub now: SystemTime,
    /// The region to report when the signature names none.
    pub default_region: String,
}

impl OssRequest {
    fn from_parts(parts: &hyper::http::request::Parts, now: SystemTime, region: &str) -> Self {
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let host = headers
            .iter()
            .find(|(k, _)| k == "host")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let path = parts.uri.path();
        let path = path.strip_prefix('/').unwrap_or(path);
        let (bucket, key) = match host_style(&host) {
            HostStyle::Virtual(b) => (Some(b), path),
            _ => match path.split_once('/') {
                Some((b, k)) => (Some(decode(b)), k),
                None => (Some(decode(path)), ""),
            },
        };
        let bucket = bucket.filter(|b| !b.is_empty());
        let key = Some(decode(key)).filter(|k| !k.is_empty());
        let query = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (decode(k), Some(decode(v))),
                None => (decode(p), None),
            })
            .collect();
        OssRequest {
            method: parts.method.as_str().to_owned(),
            bucket,
            key,
            query,
            headers,
            host,
            request_id: request_id(),
            now,
            default_region: region.to_owned(),
        }
    }

    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name` (`""` when it has no `=`).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Whether the query names `name`, with or without a value.
    pub fn has(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }
}

/// Percent-decoding without form semantics: `+` stays `+`, as OSS keys
/// may contain it.
fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// OSS request ids are 24 uppercase hex digits.
fn request_id() -> String {
    let id = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    id[..24].to_owned()
}

/// An OSS error answer: status, code, message and the extra elements the
/// real service adds (`Key`, `BucketName`, `StringToSign`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssError {
    /// HTTP status.
    pub status: u16,
    /// Error code (`NoSuchKey`).
    pub code: String,
    /// Message, in OSS's words.
    pub message: String,
    /// OSS's `EC` (error detail code), when known.
    pub ec: Option<&'static str>,
    /// Further elements, in order.
    pub extra: Vec<(String, String)>,
}

impl OssError {
    /// An error with no extra elements.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> OssError {
        OssError {
            status,
            code: code.to_owned(),
            message: message.into(),
            ec: None,
            extra: Vec::new(),
        }
    }

    /// Adds an element after `HostId`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> OssError {
        self.extra.push((name.to_owned(), value.into()));
        self
    }

    /// Sets the `EC` element.
    pub fn ec(mut self, ec: &'static str) -> OssError {
        self.ec = Some(ec);
        self
    }

    /// The XML body.
    pub fn body(&self, request_id: &str, host: &str) -> String {
        let mut x = xml::Xml::new("Error");
        x.leaf("Code", &self.code)
            .leaf("Message", &self.message)
            .leaf("RequestId", request_id)
            .leaf("HostId", host);
        for (k, v) in &self.extra {
            x.leaf(k, v);
        }
        if let Some(ec) = self.ec {
            x.leaf("EC", ec);
        }
        x.finish("Error")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_style("b1.oss-cn-hangzhou.aliyuncs.com"),
            HostStyle::Virtual("b1".into())
        );
        assert_eq!(
            host_style("oss-cn-hangzhou.aliyuncs.com:443"),
            HostStyle::OssPath
        );
        assert_eq!(
            host_style("b1.localhost:8080"),
            HostStyle::Virtual("b1".into())
        );
        assert_eq!(host_style("ecs.aliyuncs.com"), HostStyle::Other);
        assert_eq!(host_style("127.0.0.1:8080"), HostStyle::Other);
        assert_eq!(host_style("localhost"), HostStyle::Other);
    }
}
