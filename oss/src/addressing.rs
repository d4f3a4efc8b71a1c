//! Where a request goes: the endpoint a region and network give, the URL a
//! bucket and key give under each addressing style, and the naming rules
//! OSS enforces on buckets and keys (checked before sending, so a typo
//! fails with the rule it breaks rather than an opaque 400).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// How the bucket appears in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AddressingStyle {
    /// `https://<bucket>.<endpoint>/<key>`: what OSS expects by default.
    #[default]
    VirtualHosted,
    /// `https://<endpoint>/<bucket>/<key>`: for endpoints that are IP
    /// addresses, local servers and some private deployments.
    Path,
    /// `https://<your domain>/<key>`: the endpoint is a custom domain
    /// (CNAME) bound to one bucket.
    Cname,
}

/// Which OSS network the default endpoint of a region belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OssNetwork {
    /// `oss-<region>.aliyuncs.com`.
    #[default]
    Public,
    /// `oss-<region>-internal.aliyuncs.com`: from ECS in the same region,
    /// no traffic charge.
    Internal,
    /// `oss-accelerate.aliyuncs.com`: transfer acceleration, any region.
    Accelerate,
    /// `oss-accelerate-overseas.aliyuncs.com`: acceleration outside the
    /// Chinese mainland.
    AccelerateOverseas,
}

/// The default endpoint host for a region on a network.
pub(crate) fn default_host(region: &str, network: OssNetwork) -> String {
    match network {
        OssNetwork::Public => format!("oss-{region}.aliyuncs.com"),
        OssNetwork::Internal => format!("oss-{region}-internal.aliyuncs.com"),
        OssNetwork::Accelerate => "oss-accelerate.aliyuncs.com".into(),
        OssNetwork::AccelerateOverseas => "oss-accelerate-overseas.aliyuncs.com".into(),
    }
}

/// A scheme and a host (with port, if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) scheme: &'static str,
    pub(crate) host: String,
}

impl Endpoint {
    /// Reads `https://host[:port]`, `http://...` or a bare host (HTTPS).
    pub(crate) fn parse(text: &str) -> Result<Endpoint, String> {
        let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
            ("https", rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            ("http", rest)
        } else if text.contains("://") {
            return Err(format!(
                "`{text}`: only http:// and https:// endpoints are supported"
            ));
        } else {
            ("https", text)
        };
        let host = rest.trim_end_matches('/');
        if host.is_empty() || host.contains('/') || host.contains('?') || host.contains('@') {
            return Err(format!(
                "`{text}`: an endpoint is a scheme and a host, like `https://oss-cn-hangzhou.aliyuncs.com`"
            ));
        }
        Ok(Endpoint {
            scheme,
            host: host.to_ascii_lowercase(),
        })
    }

    /// True when the host is an IP address (or localhost), which cannot
    /// carry a bucket as a subdomain.
    pub(crate) fn is_ip_or_localhost(&self) -> bool {
        let host = match self.host.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => self.host.as_str(),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost" || host.parse::<std::net::IpAddr>().is_ok()
    }
}

/// Characters escaped in a URL path segment of an object key: everything
/// but RFC 3986's unreserved set, and `/`, which OSS keeps as a separator.
pub(crate) const KEY_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Characters escaped in a query component.
const QUERY_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query name or value.
pub(crate) fn encode_query(s: &str) -> impl std::fmt::Display + '_ {
    utf8_percent_encode(s, QUERY_SET)
}

/// The URL of a request: scheme, host and path for the style, then the
/// query (names and values percent-encoded; `None` values as bare names).
pub(crate) fn url(
    endpoint: &Endpoint,
    style: AddressingStyle,
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(String, Option<String>)],
) -> String {
    use std::fmt::Write as _;
    let mut url = String::with_capacity(96);
    let _ = write!(url, "{}://", endpoint.scheme);
    match (style, bucket) {
        (AddressingStyle::VirtualHosted, Some(b)) => {
            let _ = write!(url, "{b}.{}/", endpoint.host);
        }
        (AddressingStyle::Path, Some(b)) => {
            let _ = write!(url, "{}/{b}/", endpoint.host);
        }
        _ => {
            let _ = write!(url, "{}/", endpoint.host);
        }
    }
    if let Some(k) = key {
        let _ = write!(url, "{}", utf8_percent_encode(k, KEY_SET));
    }
    for (i, (name, value)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        let _ = write!(url, "{}", encode_query(name));
        if let Some(v) = value {
            let _ = write!(url, "={}", encode_query(v));
        }
    }
    url
}

/// OSS's bucket naming rules: 3 to 63 characters of lowercase letters,
/// digits and hyphens, starting and ending with a letter or digit.
pub fn validate_bucket_name(name: &str) -> Result<(), String> {
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Err(format!(
            "bucket name `{name}` has {len} characters; OSS needs 3 to 63"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "bucket name `{name}` contains `{c}`; only lowercase letters, digits and `-` are allowed"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(format!(
            "bucket name `{name}` must start and end with a letter or digit"
        ));
    }
    Ok(())
}

/// OSS's object naming rules: 1 to 1023 bytes of UTF-8, not starting with
/// `/` or `\`.
pub fn validate_object_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("the object key is empty".into());
    }
    if key.len() > 1023 {
        return Err(format!(
            "the object key is {} bytes long; OSS allows at most 1023",
            key.len()
        ));
    }
    if key.starts_with('/') || key.starts_with('\\') {
        return Err(format!(
            "the object key `{key}` starts with `{}`, which OSS refuses",
            &key[..1]
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(s: &str) -> Endpoint {
        Endpoint::parse(s).unwrap()
    }

    #[test]
    fn urls_for_each_style() {
        let e = ep("https://oss-cn-hangzhou.aliyuncs.com");
        let q = vec![
            ("uploadId".to_string(), Some("a b".to_string())),
            ("partNumber".to_string(), Some("1".to_string())),
        ];
        assert_eq!(
            url(&e, AddressingStyle::VirtualHosted, Some("bkt"), Some("dir/a b+c.txt"), &q),
            "https://bkt.oss-cn-hangzhou.aliyuncs.com/dir/a%20b%2Bc.txt?uploadId=a%20b&partNumber=1"
        );
        assert_eq!(
            url(&e, AddressingStyle::Path, Some("bkt"), Some("k"), &[]),
            "https://oss-cn-hangzhou.aliyuncs.com/bkt/k"
        );
        assert_eq!(
            url(
                &ep("http://img.example.com"),
                AddressingStyle::Cname,
                Some("bkt"),
                Some("k"),
                &[("acl".into(), None)]
            ),
            "http://img.example.com/k?acl"
        );
        assert_eq!(
            url(&e, AddressingStyle::VirtualHosted, None, None, &[]),
            "https://oss-cn-hangzhou.aliyuncs.com/"
        );
    }

    #[test]
    fn endpoints_and_networks() {
        assert_eq!(
            default_host("cn-hangzhou", OssNetwork::Internal),
            "oss-cn-hangzhou-internal.aliyuncs.com"
        );
        assert_eq!(
            default_host("cn-hangzhou", OssNetwork::Accelerate),
            "oss-accelerate.aliyuncs.com"
        );
        assert!(ep("http://127.0.0.1:9000").is_ip_or_localhost());
        assert!(ep("http://[::1]:9000").is_ip_or_localhost());
        assert!(!ep("oss-cn-hangzhou.aliyuncs.com").is_ip_or_localhost());
        assert_eq!(ep("oss-cn-hangzhou.aliyuncs.com").scheme, "https");
        assert!(Endpoint::parse("ftp://x").unwrap_err().contains("http://"));
        assert!(Endpoint::parse("https://x/path").is_err());
    }

    #[test]
    fn bucket_and_key_rules() {
        assert!(validate_bucket_name("my-bucket-01").is_ok());
        assert!(validate_bucket_name("ab").unwrap_err().contains("3 to 63"));
        assert!(validate_bucket_name("My_Bucket")
            .unwrap_err()
            .contains("`M`"));
        assert!(validate_bucket_name("-abc")
            .unwrap_err()
            .contains("start and end"));
        assert!(validate_bucket_name(&"a".repeat(64)).is_err());
        assert!(validate_object_key("a/b.txt").is_ok());
        assert!(validate_object_key("").is_err());
        assert!(validate_object_key("/a")
            .unwrap_err()
            .contains("starts with `/`"));
        assert!(validate_object_key(&"k".repeat(1024))
            .unwrap_err()
            .contains("1023"));
    }
}
