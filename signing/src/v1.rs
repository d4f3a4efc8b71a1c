//! RPC signature V1: `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`.
//!
//! The oldest scheme, still accepted by every RPC-style API and used by the
//! official SDKs when `signature_algorithm = "v2"` is configured. Stages:
//!
//! 1. [`canonical_query`]: every signed parameter (query and form body
//!    together, common parameters included, `Signature` excluded), sorted by
//!    key, each key and value [`percent_encode`](crate::percent_encode)d,
//!    joined with `=` and `&`.
//! 2. [`string_to_sign`]: `METHOD&%2F&` + the percent-encoding of stage 1
//!    (so the canonical query is encoded twice: `*` ends up as `%252A`).
//! 3. [`signature`]: base64 of HMAC-SHA1 keyed with `secret + "&"`.
//!
//! The result goes into the request as the `Signature` query parameter.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::buf::{push_encoded_once_and_twice, sorted_pairs, Buf};

/// The three stages of a V1 signature, kept together so that callers (the
/// SDK's debug logging, `cargo xtask sign`, the mock server's error message)
/// can show where a mismatch comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Signed {
    /// Sorted, percent-encoded `k=v&k=v` over every signed parameter.
    pub canonical_query: String,
    /// `METHOD&%2F&` + percent-encoded canonical query: the HMAC input.
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1 of the string-to-sign; the `Signature` parameter.
    pub signature: String,
}

/// Builds the canonicalized query string over all signed parameters.
///
/// `params` are the query parameters and the form-body parameters together
/// (the official SDK merges the form body into the signed set), including the
/// common ones from [`common_params`], excluding `Signature`.
///
/// Sorting is by the *raw* (unencoded) key in byte order, which is what
/// Alibaba's code does (`keys.sort()` before encoding, in tea-openapi,
/// openapi-util and aliyun-python-sdk-core alike). It only differs from
/// sorting the encoded keys for keys with characters outside `A-Z a-z 0-9 -
/// _ . ~`, e.g. `Key0` sorts before `Key:x` raw but after `Key%3Ax` encoded.
/// Empty values are kept as `Key=`.
///
/// Keys are expected to be unique, as in the official SDK's map (where a
/// form-body value replaces a query value of the same key). Duplicates are not
/// rejected; they are ordered by value so that the result never depends on
/// the order of `params`.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut out = Buf::with_capacity(3 * raw_len(params));
    for (i, (k, v)) in sorted_pairs(params).into_iter().enumerate() {
        if i > 0 {
            out.push_ascii(b'&');
        }
        out.push_percent_encoded(k);
        out.push_ascii(b'=');
        out.push_percent_encoded(v);
    }
    out.into_string()
}

/// Unencoded length of `k=v&` over all parameters, to size buffers
/// (encoding at most triples it).
fn raw_len(params: &[(String, String)]) -> usize {
    params.iter().map(|(k, v)| k.len() + v.len() + 2).sum()
}

/// The parameter set V1 signs for a request with `query` parameters (common
/// ones included) and a form body: one map, as in Alibaba's SDKs, where a
/// form value replaces a query value of the same key (and, within each
/// list, a later value an earlier one). Sign the result with [`sign`].
pub fn merge_params(
    query: &[(String, String)],
    form: &[(String, String)],
) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> = Vec::with_capacity(query.len() + form.len());
    for (k, v) in query.iter().chain(form) {
        match merged.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => merged.push((k.clone(), v.clone())),
        }
    }
    merged
}

/// Builds the V1 string-to-sign: `METHOD&%2F&` + percent-encoded canonical query.
///
/// `method` is used exactly as given (the official SDK passes the uppercase
/// HTTP method; GET and POST give different signatures). The `%2F` is the
/// encoded path `/`, which is fixed for RPC APIs. (The Python SDK uses
/// `quote_plus` here, which would turn a space into `+`; a canonical query
/// has no spaces left, so the result is the same.)
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    let mut out = Buf::with_capacity(method.len() + 5 + 3 * canonical_query.len());
    out.push_str(method);
    out.push_str("&%2F&");
    out.push_percent_encoded(canonical_query);
    out.into_string()
}

/// Computes the V1 signature: base64 (standard alphabet, padded) of
/// HMAC-SHA1 over `string_to_sign`, keyed with `secret + "&"`.
///
/// The trailing `&` belongs to the key as the scheme defines it
/// (`AccessKeySecret + "&"` in Alibaba's documentation and SDKs); forgetting
/// it is a classic cause of `SignatureDoesNotMatch`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    // HMAC accepts keys of any length (long keys are hashed, short ones
    // padded), so `new_from_slice` cannot fail for Hmac<Sha1>.
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Runs all V1 stages over `params` (the complete signed parameter set, see
/// [`canonical_query`]) and returns every intermediate value.
///
/// ```
/// use alibabacloud_signing::v1;
/// let params = v1::common_params("DescribeRegions", "2014-05-26", "testid", None,
///     "2016-02-23T12:46:24Z", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "XML");
/// assert_eq!(v1::sign("GET", &params, "testsecret").signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
/// ```
pub fn sign(method: &str, params: &[(String, String)], secret: &str) -> V1Signed {
    // Builds the canonical query and its encoding (the string-to-sign) in one
    // pass rather than encoding the finished canonical query again; the tests
    // check that both paths give the same strings. Encoding once at most
    // triples the text, twice at most quintuples it.
    let raw_len = raw_len(params);
    let mut canonical_query = Buf::with_capacity(3 * raw_len);
    let mut string_to_sign = Buf::with_capacity(method.len() + 5 + 5 * raw_len);
    string_to_sign.push_str(method);
    string_to_sign.push_str("&%2F&");
    for (i, (k, v)) in sorted_pairs(params).into_iter().enumerate() {
        if i > 0 {
            canonical_query.push_ascii(b'&');
            string_to_sign.push_str("%26");
        }
        push_encoded_once_and_twice(&mut canonical_query, &mut string_to_sign, k);
        canonical_query.push_ascii(b'=');
        string_to_sign.push_str("%3D");
        push_encoded_once_and_twice(&mut canonical_query, &mut string_to_sign, v);
    }
    let string_to_sign = string_to_sign.into_string();
    let signature = signature(secret, &string_to_sign);
    V1Signed {
        canonical_query: canonical_query.into_string(),
        string_to_sign,
        signature,
    }
}

/// The common parameters that the official new SDK (tea-openapi with
/// `signature_algorithm = "v2"`) adds to every V1 request, all of them signed.
///
/// Returns `Action`, `Format`, `Version`, `Timestamp`, `SignatureNonce`,
/// `SecurityToken` (only when `security_token` is `Some` and non-empty, as the
/// official SDK skips an empty token), `SignatureMethod=HMAC-SHA1`,
/// `SignatureVersion=1.0` and `AccessKeyId`, in the order the SDK puts them
/// on the wire (the order does not affect the signature).
///
/// - `timestamp`: UTC ISO 8601, `yyyy-MM-ddTHH:mm:ssZ`.
/// - `nonce`: unique per request (and per retry): the server rejects a
///   replayed nonce.
/// - `format`: the new SDK sends lowercase `json`; the legacy SDK and the
///   documentation examples use `JSON` or `XML`. The server accepts either.
///
/// Not included, because the new SDK does not send them: `RegionId` (an API
/// parameter when the API declares it) and `SignatureType` (the legacy SDK
/// sends it empty; bearer-token auth sets it to `BEARERTOKEN`).
pub fn common_params(
    action: &str,
    version: &str,
    access_key_id: &str,
    security_token: Option<&str>,
    timestamp: &str,
    nonce: &str,
    format: &str,
) -> Vec<(String, String)> {
    let mut p = Vec::with_capacity(9);
    let mut add = |k: &str, v: &str| p.push((k.to_owned(), v.to_owned()));
    add("Action", action);
    add("Format", format);
    add("Version", version);
    add("Timestamp", timestamp);
    add("SignatureNonce", nonce);
    if let Some(token) = security_token.filter(|t| !t.is_empty()) {
        add("SecurityToken", token);
    }
    add("SignatureMethod", "HMAC-SHA1");
    add("SignatureVersion", "1.0");
    add("AccessKeyId", access_key_id);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn sorts_by_raw_key_not_encoded_key() {
        // Raw: "Key0" < "Key:x" (0x30 < 0x3A); encoded "Key%3Ax" would sort first.
        let cq = canonical_query(&p(&[("Key:x", "1"), ("Key0", "2")]));
        assert_eq!(cq, "Key0=2&Key%3Ax=1");
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(canonical_query(&[]), "");
        assert_eq!(canonical_query(&p(&[("", "")])), "=");
        assert_eq!(string_to_sign("", ""), "&%2F&");
        // Empty secret: key is just "&"; must not panic.
        assert!(!signature("", "").is_empty());
    }

    #[test]
    fn order_of_input_does_not_matter() {
        let a = p(&[("b", "2"), ("a", "1"), ("a", "0")]);
        let b = p(&[("a", "0"), ("a", "1"), ("b", "2")]);
        assert_eq!(canonical_query(&a), canonical_query(&b));
    }

    #[test]
    fn empty_token_is_not_sent() {
        let with_empty = common_params("A", "V", "ak", Some(""), "t", "n", "json");
        let without = common_params("A", "V", "ak", None, "t", "n", "json");
        assert_eq!(with_empty, without);
        assert!(!without.iter().any(|(k, _)| k == "SecurityToken"));
        let with = common_params("A", "V", "ak", Some("tok"), "t", "n", "json");
        assert!(with.contains(&("SecurityToken".to_owned(), "tok".to_owned())));
    }
}
