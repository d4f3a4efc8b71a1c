//! Signature V3: `ACS3-HMAC-SHA256`.
//!
//! The default scheme of the current official SDKs, for RPC and ROA APIs
//! alike. Stages:
//!
//! 1. [`canonical_request`]:
//!    ```text
//!    METHOD\n
//!    CanonicalURI\n            the path as sent, "/" when empty
//!    CanonicalQueryString\n    sorted k=v&k=v, percent-encoded, "k=" for empty values
//!    CanonicalHeaders\n        "name:value\n" per signed header, sorted
//!    SignedHeaders\n           the names joined with ";"
//!    HashedPayload             lowercase hex SHA-256 of the body
//!    ```
//! 2. [`string_to_sign`]: `ACS3-HMAC-SHA256\n` + hex SHA-256 of stage 1.
//! 3. [`signature`]: lowercase hex HMAC-SHA256 keyed with the secret.
//! 4. `Authorization: ACS3-HMAC-SHA256 Credential=<ak>,SignedHeaders=<...>,Signature=<...>`.
//!
//! Which headers to sign is the caller's choice ([`V3Input::headers`]); the
//! server recomputes the signature over exactly the headers listed in
//! `SignedHeaders`. The official Python SDK signs every header it has set at
//! that point (`host`, `x-acs-action`, `x-acs-version`, `x-acs-date`,
//! `x-acs-signature-nonce`, `x-acs-content-sha256`, `accept`, `user-agent`,
//! `x-acs-credentials-provider`, `content-type` when there is a body, and
//! with STS `x-acs-accesskey-id` and `x-acs-security-token`). The Go and
//! Java SDKs sign only `host`, `content-type` and the `x-acs-*` headers; both
//! are accepted because the server follows `SignedHeaders`.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::buf::{hex, sorted_pairs, Buf};

/// The algorithm name, first line of the string-to-sign and first word of the
/// `Authorization` header.
const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The parts of an HTTP request that a V3 signature covers.
///
/// Borrowed so that the SDK can sign the request it is about to send without
/// copying it.
#[derive(Debug, Clone, Copy)]
pub struct V3Input<'a> {
    /// HTTP method, used as given (the SDKs send it uppercase).
    pub method: &'a str,
    /// Canonical URI exactly as it goes on the wire: `/` for RPC APIs, the
    /// already percent-encoded path for ROA APIs (e.g. `/clusters/c-1%2Fx`).
    /// Not re-encoded here; an empty path is signed as `/`.
    pub path: &'a str,
    /// Query parameters, unencoded (encoding is part of canonicalization).
    pub query: &'a [(String, String)],
    /// The headers to sign, names in any case, values untrimmed. A name may
    /// appear more than once (in any case): its values are merged.
    pub headers: &'a [(String, String)],
    /// The request body exactly as sent (empty for none).
    pub payload: &'a [u8],
}

/// Every stage of a V3 signature, for the request and for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Signed {
    /// The canonical request (stage 1, the SHA-256 input).
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// Lowercase hex HMAC-SHA256 of the string-to-sign.
    pub signature: String,
    /// Value of the `Authorization` header.
    pub authorization: String,
    /// Lowercased signed header names, sorted, joined with `;`.
    pub signed_headers: String,
    /// Lowercase hex SHA-256 of the payload; also the value the request must
    /// carry in `x-acs-content-sha256`.
    pub hashed_payload: String,
}

/// Lowercase hex SHA-256 of `payload`, for `x-acs-content-sha256` and the
/// last line of the canonical request. An empty body gives
/// `e3b0c442...b855`.
pub fn hashed_payload(payload: &[u8]) -> String {
    hex(&Sha256::digest(payload))
}

/// Builds the canonical request and the signed-headers list of `input`.
///
/// Returns `(canonical_request, signed_headers)`. The payload hash is computed
/// from `input.payload`; use [`canonical_request_with_payload_hash`] when the
/// hash is already known.
pub fn canonical_request(input: &V3Input<'_>) -> (String, String) {
    canonical_request_with_payload_hash(input, &hashed_payload(input.payload))
}

/// Like [`canonical_request`], with the payload hash given by the caller
/// (a body hashed while streaming, or a hash already put in
/// `x-acs-content-sha256`). `input.payload` is ignored.
///
/// Canonicalization, as in Alibaba's code (tea-openapi
/// `get_canonical_query_string` / `get_canonicalized_headers`):
///
/// - query: sorted by raw key (byte order); `key=value` with the value
///   percent-encoded; an empty value gives `key=`. Keys are percent-encoded
///   too, as the Java SDK does; the Python and Go SDKs leave keys as they
///   are. That only matters for keys outside `A-Z a-z 0-9 - _ . ~`; API
///   parameter names (letters, digits, dots as in `Tag.1.Key`) encode to
///   themselves.
/// - headers: names lowercased, values trimmed of surrounding whitespace
///   (Python's `str.strip` set), sorted by name; several values of one name
///   (e.g. `X-Acs-A` and `x-acs-a`) are sorted and joined with `,`.
pub fn canonical_request_with_payload_hash(
    input: &V3Input<'_>,
    hashed_payload: &str,
) -> (String, String) {
    let (out, signed_headers) = canonicalize(
        input.method,
        input.path,
        input.query,
        input.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        hashed_payload,
    );
    (out.into_string(), signed_headers)
}

/// Stage 1 over borrowed parts: the canonical request (in a [`Buf`]) and the
/// signed-headers list. Every public entry point goes through here, so they
/// cannot disagree.
fn canonicalize<'h>(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: impl Iterator<Item = (&'h str, &'h str)>,
    hashed_payload: &str,
) -> (Buf, String) {
    let query_pairs = sorted_pairs(query);

    let mut headers: Vec<(Cow<'h, str>, &'h str)> =
        headers.map(|(k, v)| (lowercase(k), trim(v))).collect();
    // Sorting by (name, value) orders names and, within one name, its values.
    headers.sort_unstable();

    let query_len: usize = query.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let header_len: usize = headers.iter().map(|(k, v)| 2 * k.len() + v.len() + 2).sum();
    let mut out = Buf::with_capacity(
        method.len() + path.len() + 3 * query_len + header_len + hashed_payload.len() + 8,
    );

    out.push_str(method);
    out.push_ascii(b'\n');
    out.push_str(if path.is_empty() { "/" } else { path });
    out.push_ascii(b'\n');
    for (i, (k, v)) in query_pairs.into_iter().enumerate() {
        if i > 0 {
            out.push_ascii(b'&');
        }
        out.push_percent_encoded(k);
        out.push_ascii(b'=');
        out.push_percent_encoded(v);
    }
    out.push_ascii(b'\n');

    let mut signed_headers = String::with_capacity(header_len / 2);
    let mut prev: Option<&str> = None;
    for (name, value) in &headers {
        let name: &str = name;
        if prev == Some(name) {
            out.push_ascii(b',');
        } else {
            if prev.is_some() {
                out.push_ascii(b'\n');
                signed_headers.push(';');
            }
            out.push_str(name);
            out.push_ascii(b':');
            signed_headers.push_str(name);
            prev = Some(name);
        }
        out.push_str(value);
    }
    if prev.is_some() {
        out.push_ascii(b'\n');
    }
    out.push_ascii(b'\n');
    out.push_str(&signed_headers);
    out.push_ascii(b'\n');
    out.push_str(hashed_payload);
    (out, signed_headers)
}

/// Builds the string-to-sign: `ACS3-HMAC-SHA256\n` + lowercase hex SHA-256
/// of the canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    let digest = Sha256::digest(canonical_request.as_bytes());
    let mut out = Buf::with_capacity(ALGORITHM.len() + 1 + 64);
    out.push_str(ALGORITHM);
    out.push_ascii(b'\n');
    out.push_hex(&digest);
    out.into_string()
}

/// Computes the signature: lowercase hex HMAC-SHA256 of `string_to_sign`,
/// keyed with the secret itself (unlike V1, no `&` is appended).
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail for
    // Hmac<Sha256>.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Runs every V3 stage and builds the `Authorization` header value.
///
/// The caller must also send the payload hash as `x-acs-content-sha256`
/// (and normally sign that header, i.e. include it in `input.headers`).
pub fn sign(input: &V3Input<'_>, access_key_id: &str, secret: &str) -> V3Signed {
    let hashed = hashed_payload(input.payload);
    sign_with_payload_hash(input, hashed, access_key_id, secret)
}

/// Like [`sign`], with the payload hash given by the caller (see
/// [`canonical_request_with_payload_hash`]); `input.payload` is ignored.
pub fn sign_with_payload_hash(
    input: &V3Input<'_>,
    hashed_payload: String,
    access_key_id: &str,
    secret: &str,
) -> V3Signed {
    let (canonical_request, signed_headers) =
        canonical_request_with_payload_hash(input, &hashed_payload);
    let string_to_sign = string_to_sign(&canonical_request);
    let signature = signature(secret, &string_to_sign);

    let mut authorization = String::with_capacity(
        ALGORITHM.len() + access_key_id.len() + signed_headers.len() + signature.len() + 40,
    );
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(access_key_id);
    authorization.push_str(",SignedHeaders=");
    authorization.push_str(&signed_headers);
    authorization.push_str(",Signature=");
    authorization.push_str(&signature);

    V3Signed {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
        signed_headers,
        hashed_payload,
    }
}

/// The `Authorization` header value of a request, signed from borrowed
/// parts: the headers as any sequence of name/value pairs (the SDK passes
/// the headers it is about to send plus `host`, without copying them), the
/// payload hash given (it is also the `x-acs-content-sha256` value). The
/// same bytes as [`sign_with_payload_hash`]'s `authorization`, without
/// keeping the intermediate stages: only the canonical request and the
/// result are allocated.
pub fn authorization<'h>(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    hashed_payload: &str,
    access_key_id: &str,
    secret: &str,
) -> String {
    let (canonical, signed_headers) =
        canonicalize(method, path, query, headers.into_iter(), hashed_payload);
    let digest = Sha256::digest(canonical.as_bytes());
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    // The string-to-sign, fed to the HMAC in pieces instead of built.
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(&hex_array(&digest));
    let signature = hex_array(&mac.finalize().into_bytes());

    let mut out = String::with_capacity(
        ALGORITHM.len() + access_key_id.len() + signed_headers.len() + signature.len() + 40,
    );
    out.push_str(ALGORITHM);
    out.push_str(" Credential=");
    out.push_str(access_key_id);
    out.push_str(",SignedHeaders=");
    out.push_str(&signed_headers);
    out.push_str(",Signature=");
    out.push_str(std::str::from_utf8(&signature).expect("hex digits are ASCII"));
    out
}

/// Lowercase hex of a 32-byte digest, on the stack.
fn hex_array(bytes: &[u8]) -> [u8; 64] {
    const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = LOWER_HEX[usize::from(b >> 4)];
        pair[1] = LOWER_HEX[usize::from(b & 0x0f)];
    }
    out
}

/// Lowercases a header name like Python's `str.lower` (what the official SDK
/// uses). Names are usually lowercase ASCII already (borrowed, no copy) and
/// ASCII in practice (no Unicode tables needed).
fn lowercase(name: &str) -> Cow<'_, str> {
    // One pass for the common case: ASCII with no capital.
    if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(name)
    } else if !name.is_ascii() {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Owned(name.to_ascii_lowercase())
    }
}

/// Trims like Python's `str.strip()`: Unicode whitespace plus the ASCII
/// separators U+001C..U+001F, which Python also counts as whitespace and
/// Rust's `char::is_whitespace` does not.
fn trim(value: &str) -> &str {
    // Most values start and end with a visible ASCII character: nothing to
    // trim, and no need to decode characters to know it.
    let visible = |b: Option<&u8>| b.is_some_and(|b| (0x21..0x7f).contains(b));
    if visible(value.as_bytes().first()) && visible(value.as_bytes().last()) {
        return value;
    }
    value.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn empty_request() {
        let input = V3Input {
            method: "",
            path: "",
            query: &[],
            headers: &[],
            payload: b"",
        };
        let (cr, sh) = canonical_request(&input);
        assert_eq!(
            cr,
            "\n/\n\n\n\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(sh, "");
        let signed = sign(&input, "", "");
        assert!(signed
            .authorization
            .starts_with("ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature="));
    }

    #[test]
    fn headers_merge_case_insensitively_sorted_values() {
        let headers = pairs(&[("x-acs-b", " 2 "), ("X-Acs-B", "1"), ("Host", "h")]);
        let input = V3Input {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
            payload: b"",
        };
        let (cr, sh) = canonical_request(&input);
        assert!(
            cr.contains("\nhost:h\nx-acs-b:1,2\n\nhost;x-acs-b\n"),
            "{cr}"
        );
        assert_eq!(sh, "host;x-acs-b");
    }

    #[test]
    fn trim_matches_python_strip() {
        assert_eq!(trim("\u{1c}\t a b \u{3000}\u{1f}"), "a b");
        // A zero-width space is not whitespace.
        assert_eq!(trim("\u{200b}x"), "\u{200b}x");
        // The fast path (visible ASCII at both ends) and its edges.
        assert_eq!(trim("a b"), "a b");
        assert_eq!(trim("a"), "a");
        assert_eq!(trim(""), "");
        assert_eq!(trim(" a"), "a");
        assert_eq!(trim("a\u{3000}"), "a");
        assert_eq!(trim("a\u{1f}"), "a");
        assert_eq!(lowercase("x-acs-date"), "x-acs-date");
        assert_eq!(lowercase("X-Acs-Date"), "x-acs-date");
        assert_eq!(lowercase("X-\u{c4}"), "x-\u{e4}");
    }

    #[test]
    fn query_empty_value_and_encoding() {
        let query = pairs(&[("b", ""), ("a", "x y*")]);
        let input = V3Input {
            method: "GET",
            path: "/",
            query: &query,
            headers: &[],
            payload: b"",
        };
        let (cr, _) = canonical_request(&input);
        assert!(cr.starts_with("GET\n/\na=x%20y%2A&b=\n"), "{cr}");
    }
}
