//! Object Storage Service (OSS) request signing: V4 (`OSS4-HMAC-SHA256`)
//! and the legacy V1 (`OSS ak:signature`, HMAC-SHA1).
//!
//! OSS does not use the OpenAPI schemes of [`crate::v1`] / [`crate::v3`]; it
//! has its own. Everything here follows Alibaba's official OSS SDK
//! (`alibabacloud-oss-v2`, `signer/v4.py` and `signer/v1.py`), and
//! `tests/oss_vectors.rs` checks every stage against vectors that SDK
//! computed (`tests/vectors/oss/make_vectors.py`).
//!
//! V4 stages (header authentication, [`v4_sign`]):
//!
//! 1. canonical request:
//!    ```text
//!    METHOD\n
//!    /bucket/key          percent-encoded, "/" kept ("/" alone without bucket)
//!    sorted query         k=v&k, RFC 3986 encoded, a key alone when its value is empty
//!    canonical headers    "name:value\n" for x-oss-*, content-type, content-md5
//!                         and the additional headers; names lowercased, values NOT trimmed
//!    additional headers   names joined with ";"
//!    UNSIGNED-PAYLOAD
//!    ```
//! 2. string to sign: `OSS4-HMAC-SHA256\n<datetime>\n<date>/<region>/<product>/aliyun_v4_request\n<hex sha256>`.
//! 3. signature: hex HMAC-SHA256 with the key of [`v4_signing_key`].
//!
//! The official signer adds headers before signing, so the request must carry
//! them too: `x-oss-date: <datetime>`, `x-oss-content-sha256: UNSIGNED-PAYLOAD`
//! and, with STS credentials, `x-oss-security-token`. [`v4_sign`] signs those
//! values whatever `headers` holds for them.
//!
//! As in the official SDK, header values are signed exactly as given (no
//! trimming), and a header given twice (in any case) keeps its last value.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::buf::{hex, Buf};

/// The V4 algorithm name: first line of the string to sign, first word of
/// the `Authorization` header, value of `x-oss-signature-version`.
pub const V4_ALGORITHM: &str = "OSS4-HMAC-SHA256";

/// The payload hash OSS V4 signs: the body itself is never hashed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Longest V4 presigned URL lifetime OSS accepts (7 days).
pub const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;

/// Last element of the V4 scope and of the signing-key chain.
const V4_TERMINATOR: &str = "aliyun_v4_request";

/// Query keys that V1 signs (the official SDK's `_subresource_key_set`);
/// every other query parameter is left out of the V1 string to sign unless
/// the operation names it (see [`v1_sign_with_sub_resources`]).
pub const V1_SUB_RESOURCES: &[&str] = &[
    "acl",
    "bucketInfo",
    "location",
    "stat",
    "delete",
    "append",
    "tagging",
    "objectMeta",
    "uploads",
    "uploadId",
    "partNumber",
    "security-token",
    "position",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "restore",
    "callback",
    "callback-var",
    "versions",
    "versioning",
    "versionId",
    "sequential",
    "continuation-token",
    "regionList",
    "cloudboxes",
    "symlink",
    "resourceGroup",
];

/// The parts of a request a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct OssRequest<'a> {
    /// HTTP method, used as given (send it uppercase).
    pub method: &'a str,
    /// Bucket name; `None` for service-level requests such as ListBuckets.
    pub bucket: Option<&'a str>,
    /// Object key, unencoded; `None` for bucket-level requests.
    pub key: Option<&'a str>,
    /// Query parameters, decoded. `None` (like `Some("")`) is a bare key such
    /// as `?uploads`. Keys should be unique, as in the official SDK's maps.
    pub query: &'a [(&'a str, Option<&'a str>)],
    /// Headers as sent, names in any case; a repeated name keeps its last value.
    pub headers: &'a [(&'a str, &'a str)],
}

/// Credentials for signing.
#[derive(Debug, Clone, Copy)]
pub struct V4Credentials<'a> {
    /// AccessKey ID.
    pub access_key_id: &'a str,
    /// AccessKey secret.
    pub secret: &'a str,
    /// STS token; `None` or empty for long-term keys.
    pub security_token: Option<&'a str>,
}

/// Every stage of a V4 header signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V4Signature {
    /// The canonical request (SHA-256 input).
    pub canonical_request: String,
    /// The string to sign (HMAC input).
    pub string_to_sign: String,
    /// Lowercase hex HMAC-SHA256.
    pub signature: String,
    /// Value of the `Authorization` header.
    pub authorization: String,
}

/// Every stage of a V4 presigned URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V4Presigned {
    /// The `x-oss-*` parameters to append to the request's own query, decoded
    /// (encode them with [`crate::encode_query_into`]), in the order the
    /// official SDK writes them, `x-oss-signature` last.
    pub query: Vec<(String, String)>,
    /// The canonical request (SHA-256 input).
    pub canonical_request: String,
    /// The string to sign (HMAC input).
    pub string_to_sign: String,
    /// Lowercase hex HMAC-SHA256.
    pub signature: String,
}

/// Why a presigned URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresignError {
    /// A lifetime of 0 seconds: the URL would be expired when made.
    ZeroExpires,
    /// A lifetime longer than OSS accepts for V4.
    ExpiresTooLong {
        /// The lifetime asked for, in seconds.
        expires_secs: u64,
        /// The longest accepted, [`MAX_PRESIGN_EXPIRES_SECS`].
        max_secs: u64,
    },
}

impl fmt::Display for PresignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresignError::ZeroExpires => {
                f.write_str("presign expires is 0 seconds; it must be at least 1")
            }
            PresignError::ExpiresTooLong {
                expires_secs,
                max_secs,
            } => write!(
                f,
                "presign expires is {expires_secs} seconds; OSS V4 accepts at most {max_secs} (7 days)"
            ),
        }
    }
}

impl std::error::Error for PresignError {}

/// Every stage of a V1 header signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Signature {
    /// The string to sign (HMAC input).
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1.
    pub signature: String,
    /// Value of the `Authorization` header: `OSS <ak>:<signature>`.
    pub authorization: String,
}

/// Every stage of a V1 presigned URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Presigned {
    /// Parameters to append, decoded, in the official SDK's order:
    /// `OSSAccessKeyId`, `Expires`, `security-token` (with STS), `Signature`.
    pub query: Vec<(String, String)>,
    /// The string to sign (HMAC input).
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1.
    pub signature: String,
}

/// Percent-encodes an object path the way the V4 canonical URI needs:
/// RFC 3986 unreserved characters and `/` are kept, every other byte is
/// `%XX` (uppercase). `a b/c+d` becomes `a%20b/c%2Bd`; `//` stays `//`.
pub fn uri_encode_key(key: &str) -> String {
    let mut out = Buf::with_capacity(3 * key.len() + 1);
    push_path_encoded(&mut out, key);
    out.into_string()
}

/// [`uri_encode_key`] into a buffer: each `/`-separated segment is encoded
/// on its own, so the separators survive.
fn push_path_encoded(out: &mut Buf, path: &str) {
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push_ascii(b'/');
        }
        out.push_percent_encoded(segment);
    }
}

/// The request's headers with lowercased names, a repeated name keeping its
/// last value in its first position (as the official SDK's case-insensitive
/// dict does), unsorted.
fn collapse_headers<'a>(headers: &[(&'a str, &'a str)]) -> Vec<(String, &'a str)> {
    let mut out: Vec<(String, &'a str)> = Vec::with_capacity(headers.len() + 3);
    for (name, value) in headers {
        set_header(&mut out, name.to_lowercase(), value);
    }
    out
}

/// Sets `name` (already lowercase) to `value`, replacing an earlier value.
fn set_header<'a>(headers: &mut Vec<(String, &'a str)>, name: String, value: &'a str) {
    match headers.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => headers.push((name, value)),
    }
}

/// The value of lowercase `name`, if present.
fn header<'a>(headers: &[(String, &'a str)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
}

/// Headers V4 signs whatever the caller asks for.
fn v4_default_signed(name: &str) -> bool {
    name.starts_with("x-oss-") || name == "content-type" || name == "content-md5"
}

/// The additional header names actually signed: lowercased, those signed by
/// default dropped, those absent or empty in the request dropped (the
/// official SDK does the same), sorted, deduplicated.
fn v4_additional(headers: &[(String, &str)], additional: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = additional
        .iter()
        .map(|h| h.to_lowercase())
        .filter(|h| !v4_default_signed(h))
        .filter(|h| header(headers, h).is_some_and(|v| !v.is_empty()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The V4 scope: `<date>/<region>/<product>/aliyun_v4_request`.
pub fn v4_scope(date: &str, region: &str, product: &str) -> String {
    format!("{date}/{region}/{product}/{V4_TERMINATOR}")
}

/// The first 8 characters of a V4 datetime (`20231203T121212Z` gives
/// `20231203`), or all of it when shorter, as the official SDK slices it.
fn date_of(datetime: &str) -> &str {
    match datetime.char_indices().nth(8) {
        Some((i, _)) => datetime.get(..i).unwrap_or(datetime),
        None => datetime,
    }
}

/// Builds the V4 canonical request from already-resolved parts: `query` holds
/// (encoded key, encoded value) pairs, `headers` lowercase names.
fn v4_canonical_request(
    method: &str,
    bucket: Option<&str>,
    key: Option<&str>,
    mut query: Vec<(String, String)>,
    headers: &[(String, &str)],
    additional: &[String],
    hashed_payload: &str,
) -> String {
    let mut out = Buf::with_capacity(256);
    out.push_str(method);
    out.push_ascii(b'\n');
    out.push_ascii(b'/');
    if let Some(bucket) = bucket {
        push_path_encoded(&mut out, bucket);
        out.push_ascii(b'/');
    }
    if let Some(key) = key {
        push_path_encoded(&mut out, key);
    }
    out.push_ascii(b'\n');

    // The official SDK sorts the encoded (key, value) pairs.
    query.sort_unstable();
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            out.push_ascii(b'&');
        }
        out.push_str(k);
        if !v.is_empty() {
            out.push_ascii(b'=');
            out.push_str(v);
        }
    }
    out.push_ascii(b'\n');

    let mut signed: Vec<&(String, &str)> = headers
        .iter()
        .filter(|(n, _)| v4_default_signed(n) || additional.contains(n))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in signed {
        out.push_str(name);
        out.push_ascii(b':');
        out.push_str(value);
        out.push_ascii(b'\n');
    }
    out.push_ascii(b'\n');
    for (i, name) in additional.iter().enumerate() {
        if i > 0 {
            out.push_ascii(b';');
        }
        out.push_str(name);
    }
    out.push_ascii(b'\n');
    out.push_str(hashed_payload);
    out.into_string()
}

/// The query of `req`, each key and value percent-encoded.
fn encoded_query(req: &OssRequest<'_>, skip: &[&str]) -> Vec<(String, String)> {
    req.query
        .iter()
        .filter(|(k, _)| !skip.contains(k))
        .map(|(k, v)| {
            (
                crate::percent_encode(k),
                crate::percent_encode(v.unwrap_or("")),
            )
        })
        .collect()
}

/// The V4 string to sign:
/// `OSS4-HMAC-SHA256\n<datetime>\n<scope>\n<hex sha256 of canonical request>`.
pub fn v4_string_to_sign(datetime: &str, scope: &str, canonical_request: &str) -> String {
    let digest = Sha256::digest(canonical_request.as_bytes());
    let mut out = Buf::with_capacity(V4_ALGORITHM.len() + datetime.len() + scope.len() + 67);
    out.push_str(V4_ALGORITHM);
    out.push_ascii(b'\n');
    out.push_str(datetime);
    out.push_ascii(b'\n');
    out.push_str(scope);
    out.push_ascii(b'\n');
    out.push_hex(&digest);
    out.into_string()
}

/// HMAC-SHA256 of `data` keyed with `key`.
fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // `new_from_slice` accepts keys of any length for HMAC; the error arm
    // cannot be taken, and falling back to a zero MAC keeps this panic-free.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

/// The V4 signing key: HMAC-SHA256 chained from `"aliyun_v4" + secret` over
/// `date` (`yyyymmdd`), `region`, `product` and `"aliyun_v4_request"`.
///
/// It changes once a day per region, so callers may cache it and sign with
/// [`v4_sign_with_key`].
pub fn v4_signing_key(secret: &str, date: &str, region: &str, product: &str) -> [u8; 32] {
    let mut seed = Vec::with_capacity(9 + secret.len());
    seed.extend_from_slice(b"aliyun_v4");
    seed.extend_from_slice(secret.as_bytes());
    let k = hmac_sha256(&seed, date.as_bytes());
    let k = hmac_sha256(&k, region.as_bytes());
    let k = hmac_sha256(&k, product.as_bytes());
    hmac_sha256(&k, V4_TERMINATOR.as_bytes())
}

/// Signs a V4 request in the `Authorization` header.
///
/// `datetime` is `yyyymmddTHHMMSSZ` (UTC); `region` e.g. `cn-hangzhou`;
/// `product` normally `oss`; `additional_headers` extra header names to sign
/// (any case; default-signed, absent and empty ones are ignored, as by the
/// official SDK). See the module docs for the headers the request must carry.
///
/// `Date` is not signed by default; named in `additional_headers` it is
/// signed with the value in `req.headers` (the official signer first sets it
/// to the RFC 1123 form of `datetime`, so pass that).
pub fn v4_sign(
    req: &OssRequest<'_>,
    cred: &V4Credentials<'_>,
    region: &str,
    product: &str,
    datetime: &str,
    additional_headers: &[&str],
) -> V4Signature {
    let key = v4_signing_key(cred.secret, date_of(datetime), region, product);
    v4_sign_with_key(
        req,
        cred,
        &key,
        region,
        product,
        datetime,
        additional_headers,
    )
}

/// [`v4_sign`] with a signing key from [`v4_signing_key`] (for the same
/// secret, date, region and product), which saves four HMACs per request.
pub fn v4_sign_with_key(
    req: &OssRequest<'_>,
    cred: &V4Credentials<'_>,
    signing_key: &[u8; 32],
    region: &str,
    product: &str,
    datetime: &str,
    additional_headers: &[&str],
) -> V4Signature {
    let mut headers = collapse_headers(req.headers);
    // The official signer sets these before canonicalizing.
    set_header(&mut headers, "x-oss-date".to_owned(), datetime);
    if let Some(token) = cred.security_token.filter(|t| !t.is_empty()) {
        set_header(&mut headers, "x-oss-security-token".to_owned(), token);
    }
    set_header(
        &mut headers,
        "x-oss-content-sha256".to_owned(),
        UNSIGNED_PAYLOAD,
    );
    let additional = v4_additional(&headers, additional_headers);
    let scope = v4_scope(date_of(datetime), region, product);
    let canonical_request = v4_canonical_request(
        req.method,
        req.bucket,
        req.key,
        encoded_query(req, &[]),
        &headers,
        &additional,
        UNSIGNED_PAYLOAD,
    );
    let string_to_sign = v4_string_to_sign(datetime, &scope, &canonical_request);
    let signature = hex(&hmac_sha256(signing_key, string_to_sign.as_bytes()));

    let mut authorization = format!("{V4_ALGORITHM} Credential={}/{scope}", cred.access_key_id);
    if !additional.is_empty() {
        authorization.push_str(",AdditionalHeaders=");
        authorization.push_str(&additional.join(";"));
    }
    authorization.push_str(",Signature=");
    authorization.push_str(&signature);
    V4Signature {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

/// Query keys the V4 presigner sets itself; the same keys in the request's
/// own query are replaced, as by the official SDK.
const V4_PRESIGN_KEYS: &[&str] = &[
    "x-oss-signature",
    "x-oss-security-token",
    "x-oss-additional-headers",
    "x-oss-signature-version",
    "x-oss-date",
    "x-oss-expires",
    "x-oss-credential",
];

/// Presigns a V4 request: the signature travels in the query.
///
/// `expires_secs` is the lifetime from `datetime`; 0 and more than
/// [`MAX_PRESIGN_EXPIRES_SECS`] are refused. Headers are signed as in
/// [`v4_sign`] (whoever uses the URL must send the signed ones), but nothing
/// is added to them; the payload hash is the request's `x-oss-content-sha256`
/// header if it has one, else `UNSIGNED-PAYLOAD`.
///
/// Parameters of `req.query` named like the ones added here (`x-oss-date`,
/// `x-oss-signature`, ...) are left out of the signature, as the official SDK
/// replaces them: leave them out of the URL too.
pub fn v4_presign(
    req: &OssRequest<'_>,
    cred: &V4Credentials<'_>,
    region: &str,
    product: &str,
    datetime: &str,
    expires_secs: u64,
    additional_headers: &[&str],
) -> Result<V4Presigned, PresignError> {
    if expires_secs == 0 {
        return Err(PresignError::ZeroExpires);
    }
    if expires_secs > MAX_PRESIGN_EXPIRES_SECS {
        return Err(PresignError::ExpiresTooLong {
            expires_secs,
            max_secs: MAX_PRESIGN_EXPIRES_SECS,
        });
    }
    let headers = collapse_headers(req.headers);
    let additional = v4_additional(&headers, additional_headers);
    let date = date_of(datetime);
    let scope = v4_scope(date, region, product);

    let mut added: Vec<(String, String)> = vec![
        (
            "x-oss-signature-version".to_owned(),
            V4_ALGORITHM.to_owned(),
        ),
        ("x-oss-date".to_owned(), datetime.to_owned()),
        ("x-oss-expires".to_owned(), expires_secs.to_string()),
        (
            "x-oss-credential".to_owned(),
            format!("{}/{scope}", cred.access_key_id),
        ),
    ];
    if let Some(token) = cred.security_token.filter(|t| !t.is_empty()) {
        added.push(("x-oss-security-token".to_owned(), token.to_owned()));
    }
    if !additional.is_empty() {
        added.push(("x-oss-additional-headers".to_owned(), additional.join(";")));
    }

    let mut query = encoded_query(req, V4_PRESIGN_KEYS);
    query.extend(
        added
            .iter()
            .map(|(k, v)| (crate::percent_encode(k), crate::percent_encode(v))),
    );
    let hashed_payload = header(&headers, "x-oss-content-sha256").unwrap_or(UNSIGNED_PAYLOAD);
    let canonical_request = v4_canonical_request(
        req.method,
        req.bucket,
        req.key,
        query,
        &headers,
        &additional,
        hashed_payload,
    );
    let string_to_sign = v4_string_to_sign(datetime, &scope, &canonical_request);
    let key = v4_signing_key(cred.secret, date, region, product);
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    added.push(("x-oss-signature".to_owned(), signature.clone()));
    Ok(V4Presigned {
        query: added,
        canonical_request,
        string_to_sign,
        signature,
    })
}

/// The V4 signature of a browser POST (form upload) policy: lowercase hex
/// HMAC-SHA256 of the base64 policy document, keyed with the V4 signing key
/// of `date` (`yyyymmdd`), `region` and `product`.
pub fn v4_post_policy_signature(
    policy_base64: &str,
    secret: &str,
    date: &str,
    region: &str,
    product: &str,
) -> String {
    let key = v4_signing_key(secret, date, region, product);
    hex(&hmac_sha256(&key, policy_base64.as_bytes()))
}

/// The V1 string to sign:
///
/// ```text
/// METHOD\nContent-MD5\nContent-Type\nDate\n<x-oss-* headers><resource>
/// ```
///
/// `Date` is the `x-oss-date` header when the request has a non-empty one,
/// else `date`. Only `x-oss-*` headers are canonicalized ("name:value\n",
/// sorted, values untrimmed). The resource is `/bucket/key` unencoded plus
/// `?k=v&k` over the sub-resources present ([`V1_SUB_RESOURCES`] and
/// `extra_sub_resources`), sorted, decoded.
pub fn v1_string_to_sign(req: &OssRequest<'_>, date: &str, extra_sub_resources: &[&str]) -> String {
    let headers = collapse_headers(req.headers);
    let date = header(&headers, "x-oss-date")
        .filter(|d| !d.is_empty())
        .unwrap_or(date);
    v1_string_to_sign_parts(req, &headers, date, extra_sub_resources, None)
}

/// [`v1_string_to_sign`] with the date already chosen; `token`, when given,
/// replaces any `security-token` of the query (presigning).
fn v1_string_to_sign_parts(
    req: &OssRequest<'_>,
    headers: &[(String, &str)],
    date: &str,
    extra_sub_resources: &[&str],
    token: Option<Option<&str>>,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(header(headers, "content-md5").unwrap_or(""));
    out.push('\n');
    out.push_str(header(headers, "content-type").unwrap_or(""));
    out.push('\n');
    out.push_str(date);
    out.push('\n');

    let mut oss: Vec<&(String, &str)> = headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-oss-"))
        .collect();
    oss.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in oss {
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }

    out.push('/');
    if let Some(bucket) = req.bucket {
        out.push_str(bucket);
        out.push('/');
    }
    if let Some(key) = req.key {
        out.push_str(key);
    }

    let mut subs: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter(|(k, _)| token.is_none() || *k != "security-token")
        .filter(|(k, _)| V1_SUB_RESOURCES.contains(k) || extra_sub_resources.contains(k))
        .map(|(k, v)| (*k, v.unwrap_or("")))
        .collect();
    if let Some(Some(t)) = token {
        subs.push(("security-token", t));
    }
    subs.sort_unstable();
    for (i, (k, v)) in subs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        if !v.is_empty() {
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// Base64 HMAC-SHA1 of `string_to_sign` keyed with the secret (no `&`).
fn v1_signature(secret: &str, string_to_sign: &str) -> String {
    let mac = match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(string_to_sign.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        // Unreachable (HMAC takes keys of any length); kept panic-free.
        Err(_) => Vec::new(),
    };
    base64::engine::general_purpose::STANDARD.encode(mac)
}

/// Signs a V1 request in the `Authorization` header (`OSS ak:signature`).
///
/// `date` is the request's `Date` header (RFC 1123). With STS the request
/// carries a `security-token` header, which V1 does not sign.
pub fn v1_sign(req: &OssRequest<'_>, access_key_id: &str, secret: &str, date: &str) -> V1Signature {
    v1_sign_with_sub_resources(req, access_key_id, secret, date, &[])
}

/// [`v1_sign`] for operations whose own query keys are signed too (the
/// official SDK's per-operation `sub-resource` list, e.g. `policy`,
/// `x-oss-process`).
pub fn v1_sign_with_sub_resources(
    req: &OssRequest<'_>,
    access_key_id: &str,
    secret: &str,
    date: &str,
    extra_sub_resources: &[&str],
) -> V1Signature {
    let string_to_sign = v1_string_to_sign(req, date, extra_sub_resources);
    let signature = v1_signature(secret, &string_to_sign);
    let authorization = format!("OSS {access_key_id}:{signature}");
    V1Signature {
        string_to_sign,
        signature,
        authorization,
    }
}

/// Presigns a V1 request: `expires_epoch_secs` (Unix time) takes the place of
/// the date, and the credentials travel in the query. Unlike V4, V1 has no
/// lifetime cap.
pub fn v1_presign(
    req: &OssRequest<'_>,
    access_key_id: &str,
    secret: &str,
    security_token: Option<&str>,
    expires_epoch_secs: u64,
) -> V1Presigned {
    v1_presign_with_sub_resources(
        req,
        access_key_id,
        secret,
        security_token,
        expires_epoch_secs,
        &[],
    )
}

/// [`v1_presign`] with the operation's own sub-resources (see
/// [`v1_sign_with_sub_resources`]).
pub fn v1_presign_with_sub_resources(
    req: &OssRequest<'_>,
    access_key_id: &str,
    secret: &str,
    security_token: Option<&str>,
    expires_epoch_secs: u64,
    extra_sub_resources: &[&str],
) -> V1Presigned {
    let token = security_token.filter(|t| !t.is_empty());
    let expires = expires_epoch_secs.to_string();
    let headers = collapse_headers(req.headers);
    let string_to_sign =
        v1_string_to_sign_parts(req, &headers, &expires, extra_sub_resources, Some(token));
    let signature = v1_signature(secret, &string_to_sign);
    let mut query = vec![
        ("OSSAccessKeyId".to_owned(), access_key_id.to_owned()),
        ("Expires".to_owned(), expires),
    ];
    if let Some(t) = token {
        query.push(("security-token".to_owned(), t.to_owned()));
    }
    query.push(("Signature".to_owned(), signature.clone()));
    V1Presigned {
        query,
        string_to_sign,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: OssRequest<'static> = OssRequest {
        method: "GET",
        bucket: Some("b"),
        key: Some("k"),
        query: &[],
        headers: &[],
    };
    const CRED: V4Credentials<'static> = V4Credentials {
        access_key_id: "ak",
        secret: "sk",
        security_token: None,
    };

    fn presign(expires: u64) -> Result<V4Presigned, PresignError> {
        v4_presign(
            &REQ,
            &CRED,
            "cn-hangzhou",
            "oss",
            "20231203T121212Z",
            expires,
            &[],
        )
    }

    #[test]
    fn presign_lifetime_bounds() {
        assert_eq!(presign(0), Err(PresignError::ZeroExpires));
        let err = presign(604_801).unwrap_err();
        assert_eq!(
            err,
            PresignError::ExpiresTooLong {
                expires_secs: 604_801,
                max_secs: 604_800
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("604801") && msg.contains("604800"), "{msg}");
        assert!(presign(604_800).is_ok());
        assert!(presign(1).is_ok());
    }

    #[test]
    fn uri_encoding_keeps_slashes() {
        assert_eq!(uri_encode_key("a b//c+d~%中"), "a%20b//c%2Bd~%25%E4%B8%AD");
        assert_eq!(uri_encode_key(""), "");
    }

    #[test]
    fn date_is_first_eight_characters() {
        assert_eq!(date_of("20231203T121212Z"), "20231203");
        assert_eq!(date_of("2023"), "2023");
        assert_eq!(date_of("中中中中中中中中中"), "中中中中中中中中");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let headers = [
            ("", ""),
            ("X-OSS-", "\u{0}"),
            ("\u{130}", "é"),
            ("x-oss-a", " "),
        ];
        let query = [("", None), ("%", Some("")), ("中", Some("/"))];
        let req = OssRequest {
            method: "",
            bucket: Some(""),
            key: Some("//"),
            query: &query,
            headers: &headers,
        };
        let cred = V4Credentials {
            access_key_id: "",
            secret: "",
            security_token: Some(""),
        };
        for dt in ["", "中", "20231203T121212Z中"] {
            v4_sign(&req, &cred, "", "", dt, &["", "\u{130}", "X-OSS-"]);
            assert!(v4_presign(&req, &cred, "", "", dt, u64::MAX, &[]).is_err());
            assert!(v4_presign(&req, &cred, "", "", dt, 1, &[""]).is_ok());
        }
        v1_sign(&req, "", "", "");
        v1_presign(&req, "", "", Some(""), u64::MAX);
        v4_post_policy_signature("", "", "", "", "");
    }

    #[test]
    fn cached_key_gives_the_same_signature() {
        let key = v4_signing_key("sk", "20231203", "cn-hangzhou", "oss");
        let a = v4_sign(&REQ, &CRED, "cn-hangzhou", "oss", "20231203T121212Z", &[]);
        let b = v4_sign_with_key(
            &REQ,
            &CRED,
            &key,
            "cn-hangzhou",
            "oss",
            "20231203T121212Z",
            &[],
        );
        assert_eq!(a, b);
    }
}
