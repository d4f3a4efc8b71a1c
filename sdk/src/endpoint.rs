//! Which host a call goes to: an explicit endpoint, else the spec's region
//! table, else `<product>.<region>.aliyuncs.com`.

use crate::error::ConfigError;
use crate::operation::ProductDescriptor;

/// An endpoint given in configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointOverride {
    scheme: &'static str,
    authority: String,
}

impl EndpointOverride {
    /// Parses `host[:port]`, `https://host[:port]` or `http://...` (the last
    /// only when `allow_http`). A path is not allowed: RPC calls go to `/`.
    pub fn parse(text: &str, allow_http: bool) -> Result<Self, ConfigError> {
        let text = text.trim();
        let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
            ("https", rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            if !allow_http {
                return Err(ConfigError::new(format!(
                    "endpoint {text:?} uses plain HTTP; call allow_http(true) to permit it (local endpoints only)"
                )));
            }
            ("http", rest)
        } else if text.contains("://") {
            return Err(ConfigError::new(format!(
                "endpoint {text:?}: only http:// and https:// are supported"
            )));
        } else {
            ("https", text)
        };
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains(['/', '?', '#', ' ', '@']) {
            return Err(ConfigError::new(format!(
                "endpoint {text:?} is not a host[:port] (no path, query or user info)"
            )));
        }
        // Sign what the HTTP stack sends: a lowercase host, and no port when
        // it is the scheme's default.
        let authority = authority.to_ascii_lowercase();
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_string();
        Ok(EndpointOverride { scheme, authority })
    }
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// `https` or `http`.
    pub scheme: &'static str,
    /// `host[:port]`, signed as the `host` header.
    pub authority: String,
}

impl ResolvedEndpoint {
    /// `scheme://authority`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }
}

/// Resolves the endpoint of `product` for this configuration.
pub fn resolve(
    product: &ProductDescriptor,
    region: Option<&str>,
    endpoint: Option<&EndpointOverride>,
) -> Result<ResolvedEndpoint, ConfigError> {
    if let Some(e) = endpoint {
        return Ok(ResolvedEndpoint {
            scheme: e.scheme,
            authority: e.authority.clone(),
        });
    }
    let region = region.filter(|r| !r.is_empty()).ok_or_else(|| {
        ConfigError::new(format!(
            "no region and no endpoint for {}: set ConfigBuilder::region(..) or ALIBABA_CLOUD_REGION_ID, or an explicit endpoint",
            product.name
        ))
    })?;
    if !region
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(ConfigError::new(format!(
            "region {region:?} is not a region id (letters, digits and '-')"
        )));
    }
    let authority = match product.endpoint_for(region) {
        Some(host) => host.to_string(),
        None => format!("{}.{region}.aliyuncs.com", product.code),
    };
    Ok(ResolvedEndpoint {
        scheme: "https",
        authority,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::ApiStyle;

    static PRODUCT: ProductDescriptor = ProductDescriptor {
        name: "R-kvstore",
        code: "r-kvstore",
        version: "2015-01-01",
        style: ApiStyle::Rpc,
        endpoints: &[
            ("cn-hangzhou", "r-kvstore.aliyuncs.com"),
            ("us-west-1", "r-kvstore.us-west-1.aliyuncs.com"),
        ],
    };

    #[test]
    fn explicit_then_table_then_pattern() {
        let local = EndpointOverride::parse("http://127.0.0.1:8080/", true).unwrap();
        let e = resolve(&PRODUCT, Some("cn-hangzhou"), Some(&local)).unwrap();
        assert_eq!(e.base_url(), "http://127.0.0.1:8080");
        let e = resolve(&PRODUCT, Some("cn-hangzhou"), None).unwrap();
        assert_eq!(e.base_url(), "https://r-kvstore.aliyuncs.com");
        let e = resolve(&PRODUCT, Some("eu-central-1"), None).unwrap();
        assert_eq!(e.base_url(), "https://r-kvstore.eu-central-1.aliyuncs.com");
    }

    #[test]
    fn bad_configuration_is_an_error_not_a_panic() {
        let e = resolve(&PRODUCT, None, None).unwrap_err();
        assert!(e.to_string().contains("no region"), "{e}");
        assert!(resolve(&PRODUCT, Some("cn/../x"), None).is_err());
        let e = EndpointOverride::parse("http://localhost:1", false).unwrap_err();
        assert!(e.to_string().contains("allow_http"), "{e}");
        assert!(EndpointOverride::parse("https://host/path", false).is_err());
        assert!(EndpointOverride::parse("ftp://host", false).is_err());
        assert_eq!(
            EndpointOverride::parse("https://ECS.aliyuncs.com:443", false).unwrap(),
            EndpointOverride {
                scheme: "https",
                authority: "ecs.aliyuncs.com".into()
            }
        );
        assert_eq!(
            EndpointOverride::parse("http://127.0.0.1:80", true)
                .unwrap()
                .authority,
            "127.0.0.1"
        );
        assert_eq!(
            EndpointOverride::parse("127.0.0.1:8443", false)
                .unwrap()
                .authority,
            "127.0.0.1:8443"
        );
        assert_eq!(
            EndpointOverride::parse("ecs.aliyuncs.com", false).unwrap(),
            EndpointOverride {
                scheme: "https",
                authority: "ecs.aliyuncs.com".into()
            }
        );
    }
}
