//! Alibaba Cloud OpenAPI request signing, pure and I/O-free.
//!
//! Two schemes are in use across Alibaba Cloud's OpenAPI:
//!
//! - [`v1`]: the RPC "signature V1" (`SignatureMethod=HMAC-SHA1`,
//!   `SignatureVersion=1.0`). All signed parameters travel in the query (or a
//!   form body) and the signature is itself a query parameter.
//! - [`v3`]: `ACS3-HMAC-SHA256`, the current default of the official SDKs for
//!   both RPC and ROA APIs. The signature travels in the `Authorization`
//!   header and covers method, path, query, a chosen set of headers and the
//!   payload hash.
//! - [`oss`]: Object Storage Service's own schemes, V4 `OSS4-HMAC-SHA256`
//!   (header and presigned URL) and the legacy V1 `OSS ak:signature`.
//!
//! Nothing here reads a clock, draws a nonce or touches the network: the
//! caller passes the timestamp, the nonce and every header. That keeps each
//! stage reproducible, so the tests can compare every intermediate string
//! (canonical query or request, string-to-sign, signature) with values
//! computed by Alibaba's own SDK code (see `tests/vectors/`).
//!
//! No function panics on any input: every string is accepted as it is
//! (including empty strings and non-ASCII text) and HMAC accepts keys of any
//! length.
//!
//! ```
//! use alibabacloud_signing::{percent_encode, v1};
//!
//! assert_eq!(percent_encode("a b*c~"), "a%20b%2Ac~");
//! let params = v1::common_params(
//!     "DescribeRegions", "2014-05-26", "testid", None,
//!     "2016-02-23T12:46:24Z", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "XML",
//! );
//! let signed = v1::sign("GET", &params, "testsecret");
//! // Alibaba's published example.
//! assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod buf;
pub mod oss;
pub mod v1;
pub mod v3;

use buf::Buf;

/// Percent-encodes `s` the way Alibaba Cloud's signatures require.
///
/// RFC 3986 over the UTF-8 bytes: only `A-Z a-z 0-9 - _ . ~` are kept, every
/// other byte becomes `%XX` with uppercase hex. Space is `%20` (never `+`),
/// `*` is `%2A`, `~` is kept. This differs from `application/x-www-form-urlencoded`
/// and from most languages' default URL encoders, which is the usual source of
/// `SignatureDoesNotMatch` errors.
///
/// ```
/// assert_eq!(alibabacloud_signing::percent_encode("中文 +/=&%"), "%E4%B8%AD%E6%96%87%20%2B%2F%3D%26%25");
/// ```
pub fn percent_encode(s: &str) -> String {
    let mut out = Buf::with_capacity(3 * s.len());
    out.push_percent_encoded(s);
    out.into_string()
}

/// Appends `pairs` to `out` as a query string, `k=v&k=v` in the order
/// given, keys and values [`percent_encode`]d: for writing a URL's query
/// into the URL's own buffer, without a string per pair.
///
/// ```
/// let mut url = String::from("https://h/?");
/// let pairs = [("a".to_string(), "x y".to_string()), ("b".to_string(), String::new())];
/// alibabacloud_signing::encode_query_into(&mut url, &pairs);
/// assert_eq!(url, "https://h/?a=x%20y&b=");
/// ```
pub fn encode_query_into(out: &mut String, pairs: &[(String, String)]) {
    let mut buf = Buf::from_string(std::mem::take(out));
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            buf.push_ascii(b'&');
        }
        buf.push_percent_encoded(k);
        buf.push_ascii(b'=');
        buf.push_percent_encoded(v);
    }
    *out = buf.into_string();
}

/// A form body (`application/x-www-form-urlencoded`) as the official SDK
/// writes it: keys sorted, keys and values percent-encoded with space as `+`.
///
/// The body of a POST is hashed into the V3 signature and its parameters are
/// signed under V1, so it must match the official encoding byte for byte.
///
/// ```
/// let pairs = [("b".to_string(), "x y*".to_string()), ("a".to_string(), String::new())];
/// assert_eq!(alibabacloud_signing::form_urlencode(&pairs), "a=&b=x+y%2A");
/// ```
pub fn form_urlencode(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let plus = |s: &str| percent_encode(s).replace("%20", "+");
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&plus(k));
        out.push('=');
        out.push_str(&plus(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn unreserved_characters_are_kept() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
        assert_eq!(percent_encode(unreserved), unreserved);
    }

    #[test]
    fn space_is_percent_20_not_plus() {
        assert_eq!(percent_encode("a b"), "a%20b");
    }

    #[test]
    fn star_plus_slash_equals_ampersand_percent() {
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("+"), "%2B");
        assert_eq!(percent_encode("/"), "%2F");
        assert_eq!(percent_encode("="), "%3D");
        assert_eq!(percent_encode("&"), "%26");
        assert_eq!(percent_encode("%"), "%25");
        assert_eq!(percent_encode(":"), "%3A");
        assert_eq!(percent_encode(","), "%2C");
    }

    #[test]
    fn rfc3986_sub_delims_are_escaped() {
        // Java's URLEncoder and Python's quote keep some of these by default.
        assert_eq!(percent_encode("!'()"), "%21%27%28%29");
        assert_eq!(percent_encode("@#$?[]"), "%40%23%24%3F%5B%5D");
    }

    #[test]
    fn non_ascii_is_utf8_with_uppercase_hex() {
        assert_eq!(percent_encode("中文"), "%E4%B8%AD%E6%96%87");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
    }

    #[test]
    fn control_characters_and_empty() {
        assert_eq!(percent_encode(""), "");
        assert_eq!(percent_encode("\n\t\0\u{7f}"), "%0A%09%00%7F");
    }

    #[test]
    fn query_into_a_buffer_is_the_pairs_encoded() {
        let pairs: Vec<(String, String)> = [("b k", "中 *"), ("a", ""), ("~.-_", "%2A")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut out = String::from("https://h/p?");
        super::encode_query_into(&mut out, &pairs);
        let expected: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        assert_eq!(out, format!("https://h/p?{}", expected.join("&")));
        let mut empty = String::from("x");
        super::encode_query_into(&mut empty, &[]);
        assert_eq!(empty, "x");
    }

    #[test]
    fn already_encoded_input_is_encoded_again() {
        // V1 relies on this: the string-to-sign re-encodes the canonical query.
        assert_eq!(percent_encode("%2A"), "%252A");
    }
}
