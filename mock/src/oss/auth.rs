//! OSS authentication: which scheme a request uses, its access key, its
//! clock and expiry, and its signature recomputed from what arrived.
//!
//! Checked in this order, so that each broken request gets the error real
//! OSS gives it: a scheme at all (`AccessDenied` for anonymous requests), a
//! known access key (`InvalidAccessKeyId`), the security token of STS
//! credentials, the presigned URL's expiry (`AccessDenied` "Request has
//! expired."), the request time (`RequestTimeTooSkewed`), then the
//! signature (`SignatureDoesNotMatch`, with the server's `StringToSign` and,
//! for V4, `CanonicalRequest`).

use super::xml::{parse_http_date, parse_iso_basic, unix};
use super::{OssError, OssRequest};
use crate::sts::Sts;
use alibabacloud_signing::oss;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Which signature an OSS request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OssScheme {
    /// `Authorization: OSS4-HMAC-SHA256 Credential=...`.
    V4Header(V4Auth),
    /// `x-oss-signature-version=OSS4-HMAC-SHA256` in the query.
    V4Query(V4Auth),
    /// `Authorization: OSS ak:signature`.
    V1Header {
        /// Access key id.
        access_key_id: String,
        /// Signature sent (base64).
        signature: String,
    },
    /// `OSSAccessKeyId`, `Expires`, `Signature` in the query.
    V1Query {
        /// Access key id.
        access_key_id: String,
        /// Signature sent (base64).
        signature: String,
        /// Unix seconds after which the URL is refused.
        expires: i64,
    },
    /// No signature at all.
    Anonymous,
}

/// The parts of a V4 credential, header or query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V4Auth {
    /// Access key id.
    pub access_key_id: String,
    /// `yyyymmdd` of the scope.
    pub date: String,
    /// Region of the scope.
    pub region: String,
    /// Product of the scope (`oss`).
    pub product: String,
    /// Additional signed headers, lowercase.
    pub additional_headers: Vec<String>,
    /// Signature sent (hex).
    pub signature: String,
    /// `x-oss-date` (`20261205T130659Z`).
    pub datetime: String,
    /// `x-oss-expires` seconds (query form only).
    pub expires: Option<i64>,
}

fn invalid_argument(message: &str) -> OssError {
    OssError::new(400, "InvalidArgument", message)
}

fn parse_credential(text: &str) -> Result<(String, String, String, String), OssError> {
    let mut it = text.split('/');
    match (
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
    ) {
        (Some(ak), Some(date), Some(region), Some(product), Some("aliyun_v4_request"), None)
            if !ak.is_empty() =>
        {
            Ok((ak.into(), date.into(), region.into(), product.into()))
        }
        _ => Err(
            invalid_argument("Invalid credential in Authorization header.")
                .with("Credential", text),
        ),
    }
}

impl OssScheme {
    /// Tells the scheme from the request; a malformed one is an error.
    pub fn of(req: &OssRequest) -> Result<OssScheme, OssError> {
        if let Some(auth) = req.header("authorization") {
            if let Some(rest) = auth.strip_prefix("OSS4-HMAC-SHA256 ") {
                let (mut cred, mut extra, mut sig) = (None, "", None);
                for part in rest.split(',') {
                    match part.trim().split_once('=') {
                        Some(("Credential", v)) => cred = Some(v),
                        Some(("AdditionalHeaders", v)) => extra = v,
                        Some(("Signature", v)) => sig = Some(v),
                        _ => {}
                    }
                }
                let (Some(cred), Some(sig)) = (cred, sig) else {
                    return Err(invalid_argument(
                        "Authorization header is invalid: Credential and Signature are required.",
                    ));
                };
                let (access_key_id, date, region, product) = parse_credential(cred)?;
                let datetime = req.header("x-oss-date").unwrap_or_default().to_owned();
                return Ok(OssScheme::V4Header(V4Auth {
                    access_key_id,
                    date,
                    region,
                    product,
                    additional_headers: split_headers(extra),
                    signature: sig.to_owned(),
                    datetime,
                    expires: None,
                }));
            }
            if let Some(rest) = auth.strip_prefix("OSS ") {
                return match rest.trim().rsplit_once(':') {
                    Some((ak, sig)) if !ak.is_empty() && !sig.is_empty() => {
                        Ok(OssScheme::V1Header {
                            access_key_id: ak.to_owned(),
                            signature: sig.to_owned(),
                        })
                    }
                    _ => Err(invalid_argument(
                        "Authorization header is invalid: expected OSS AccessKeyId:Signature.",
                    )),
                };
            }
            return Err(invalid_argument(
                "Authorization header is invalid: unknown signature algorithm.",
            ));
        }
        if let Some(version) = req.param("x-oss-signature-version") {
            if version != "OSS4-HMAC-SHA256" {
                return Err(invalid_argument("Unsupported signature version.")
                    .with("ArgumentName", "x-oss-signature-version")
                    .with("ArgumentValue", version));
            }
            let need = |name: &str| {
                req.param(name).ok_or_else(|| {
                    invalid_argument(&format!("Missing query parameter {name}."))
                        .with("ArgumentName", name)
                })
            };
            let (access_key_id, date, region, product) =
                parse_credential(need("x-oss-credential")?)?;
            let expires = need("x-oss-expires")?
                .parse::<i64>()
                .map_err(|_| invalid_argument("x-oss-expires is not a number."))?;
            return Ok(OssScheme::V4Query(V4Auth {
                access_key_id,
                date,
                region,
                product,
                additional_headers: split_headers(
                    req.param("x-oss-additional-headers").unwrap_or_default(),
                ),
                signature: need("x-oss-signature")?.to_owned(),
                datetime: need("x-oss-date")?.to_owned(),
                expires: Some(expires),
            }));
        }
        if let Some(ak) = req.param("OSSAccessKeyId") {
            let expires = req
                .param("Expires")
                .and_then(|e| e.parse::<i64>().ok())
                .ok_or_else(|| invalid_argument("Expires is missing or not a number."))?;
            let signature = req
                .param("Signature")
                .ok_or_else(|| invalid_argument("Signature is missing."))?;
            return Ok(OssScheme::V1Query {
                access_key_id: ak.to_owned(),
                signature: signature.to_owned(),
                expires,
            });
        }
        Ok(OssScheme::Anonymous)
    }
}

fn split_headers(text: &str) -> Vec<String> {
    text.split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect()
}

/// Keys and clock rule for OSS.
#[derive(Debug)]
pub(crate) struct OssAuth {
    keys: HashMap<String, String>,
    sts: Arc<Sts>,
    tolerance: Duration,
}

impl OssAuth {
    pub(crate) fn new(keys: &[(String, String)], sts: Arc<Sts>, tolerance: Duration) -> Self {
        OssAuth {
            keys: keys.iter().cloned().collect(),
            sts,
            tolerance,
        }
    }

    /// Checks `req`; on success, the region its signature names (V4) or
    /// the default one (V1), for buckets it creates.
    pub(crate) fn check(&self, req: &OssRequest, now: SystemTime) -> Result<String, OssError> {
        let scheme = OssScheme::of(req)?;
        let now_s = unix(now);
        match &scheme {
            OssScheme::Anonymous => Err(OssError::new(
                403,
                "AccessDenied",
                "You have no right to access this object because of bucket acl.",
            )),
            OssScheme::V4Header(a) | OssScheme::V4Query(a) => {
                let token = req
                    .header("x-oss-security-token")
                    .or_else(|| req.param("x-oss-security-token"));
                let secret = self.secret(&a.access_key_id, token, now)?;
                let signed_at = parse_iso_basic(&a.datetime).ok_or_else(|| {
                    invalid_argument("x-oss-date is missing or not in ISO 8601 basic format.")
                })?;
                if let Some(expires) = a.expires {
                    if now_s > signed_at.saturating_add(expires) {
                        return Err(expired(now_s, signed_at.saturating_add(expires)));
                    }
                } else {
                    self.check_skew(signed_at, now_s)?;
                }
                if a.date != a.datetime.get(..8).unwrap_or_default() {
                    return Err(invalid_argument(
                        "The date of the credential scope is not the date of x-oss-date.",
                    ));
                }
                verify_v4(req, &scheme, a, &secret)?;
                Ok(a.region.clone())
            }
            OssScheme::V1Header { access_key_id, .. } => {
                let secret = self.secret(access_key_id, req.header("x-oss-security-token"), now)?;
                let date = req
                    .header("x-oss-date")
                    .or_else(|| req.header("date"))
                    .and_then(parse_http_date)
                    .ok_or_else(|| {
                        OssError::new(
                            403,
                            "AccessDenied",
                            "OSS authentication requires a valid Date.",
                        )
                    })?;
                self.check_skew(date, now_s)?;
                verify_v1(req, &scheme, &secret)?;
                Ok(req.default_region.clone())
            }
            OssScheme::V1Query {
                access_key_id,
                expires,
                ..
            } => {
                let secret = self.secret(access_key_id, req.param("security-token"), now)?;
                if now_s > *expires {
                    return Err(expired(now_s, *expires));
                }
                verify_v1(req, &scheme, &secret)?;
                Ok(req.default_region.clone())
            }
        }
    }

    fn check_skew(&self, signed_at: i64, now: i64) -> Result<(), OssError> {
        if signed_at.abs_diff(now) > self.tolerance.as_secs() {
            return Err(OssError::new(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
            )
            .with(
                "MaxAllowedSkewMilliseconds",
                (self.tolerance.as_millis()).to_string(),
            ));
        }
        Ok(())
    }

    fn secret(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: SystemTime,
    ) -> Result<String, OssError> {
        if let Some(s) = self.keys.get(access_key_id) {
            return Ok(s.clone());
        }
        match self.sts.secret(access_key_id, token, now) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(OssError::new(
                403,
                "InvalidAccessKeyId",
                "The OSS Access Key Id you provided does not exist in our records.",
            )
            .with("OSSAccessKeyId", access_key_id)),
            Err(e) if e.code.ends_with("Expired") => Err(OssError::new(
                403,
                "SecurityTokenExpired",
                "The security token you provided has expired.",
            )),
            Err(e) => Err(OssError::new(403, "InvalidAccessKeyId", e.message)
                .with("OSSAccessKeyId", access_key_id)),
        }
    }
}

fn expired(now: i64, expires: i64) -> OssError {
    let at = |s: i64| {
        super::xml::iso8601(
            std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(s).unwrap_or(0)),
        )
    };
    OssError::new(403, "AccessDenied", "Request has expired.")
        .with("Expires", at(expires))
        .with("ServerTime", at(now))
}

/// The request as `alibabacloud_signing::oss` takes it: decoded query,
/// headers as received.
fn with_signing_request<T>(req: &OssRequest, f: impl FnOnce(&oss::OssRequest<'_>) -> T) -> T {
    let query: Vec<(&str, Option<&str>)> = req
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    f(&oss::OssRequest {
        method: &req.method,
        bucket: req.bucket.as_deref(),
        key: req.key.as_deref(),
        query: &query,
        headers: &headers,
    })
}

fn mismatch(access_key_id: &str, provided: &str, string_to_sign: &str) -> OssError {
    OssError::new(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
    .with("OSSAccessKeyId", access_key_id)
    .with("SignatureProvided", provided)
    .with("StringToSign", string_to_sign)
}

/// Recomputes a V4 signature (header or query) and compares. The payload
/// is always `UNSIGNED-PAYLOAD`, as the official SDKs send it.
fn verify_v4(
    req: &OssRequest,
    scheme: &OssScheme,
    auth: &V4Auth,
    secret: &str,
) -> Result<(), OssError> {
    let token = req
        .header("x-oss-security-token")
        .or_else(|| req.param("x-oss-security-token"));
    let cred = oss::V4Credentials {
        access_key_id: &auth.access_key_id,
        secret,
        security_token: token,
    };
    let additional: Vec<&str> = auth.additional_headers.iter().map(String::as_str).collect();
    let (signature, string_to_sign, canonical) = with_signing_request(req, |r| match scheme {
        OssScheme::V4Query(_) => {
            let expires = u64::try_from(auth.expires.unwrap_or(0)).unwrap_or(0);
            oss::v4_presign(
                r,
                &cred,
                &auth.region,
                &auth.product,
                &auth.datetime,
                expires,
                &additional,
            )
            .map(|p| (p.signature, p.string_to_sign, p.canonical_request))
            .map_err(|e| invalid_argument(&format!("x-oss-expires is invalid: {e}.")))
        }
        _ => {
            let s = oss::v4_sign(
                r,
                &cred,
                &auth.region,
                &auth.product,
                &auth.datetime,
                &additional,
            );
            Ok((s.signature, s.string_to_sign, s.canonical_request))
        }
    })?;
    if !same(&signature, &auth.signature.to_ascii_lowercase()) {
        return Err(
            mismatch(&auth.access_key_id, &auth.signature, &string_to_sign)
                .with("CanonicalRequest", canonical),
        );
    }
    Ok(())
}

/// Recomputes a V1 signature (header or query) and compares.
fn verify_v1(req: &OssRequest, scheme: &OssScheme, secret: &str) -> Result<(), OssError> {
    let (ak, sent, expected) = match scheme {
        OssScheme::V1Header {
            access_key_id,
            signature,
        } => {
            let date = req.header("date").unwrap_or_default();
            let s = with_signing_request(req, |r| oss::v1_sign(r, access_key_id, secret, date));
            (access_key_id, signature, (s.signature, s.string_to_sign))
        }
        OssScheme::V1Query {
            access_key_id,
            signature,
            expires,
        } => {
            let token = req.param("security-token");
            let expires = u64::try_from(*expires).unwrap_or(0);
            let p = with_signing_request(req, |r| {
                oss::v1_presign(r, access_key_id, secret, token, expires)
            });
            (access_key_id, signature, (p.signature, p.string_to_sign))
        }
        _ => return Ok(()),
    };
    if !same(&expected.0, sent) {
        return Err(mismatch(ak, sent, &expected.1));
    }
    Ok(())
}

/// Equality in time independent of where the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
