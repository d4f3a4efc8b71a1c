//! Which host a call goes to, as the official SDKs decide it (tea-openapi's
//! `getEndpoint` and endpoint-util's `getEndpointRules`):
//!
//! 1. an explicit endpoint ([`ConfigBuilder::endpoint`](crate::config::ConfigBuilder::endpoint));
//! 2. the caller's map, per product and region
//!    ([`ConfigBuilder::endpoint_for`](crate::config::ConfigBuilder::endpoint_for));
//! 3. the spec's table for the region (public network only: the table
//!    lists public hosts);
//! 4. the rule. Its host pattern is inferred from the table: the pattern most
//!    hosts named after their region follow (`mongodb.<region>.aliyuncs.com`
//!    for Dds, `oss-<region>.aliyuncs.com` for OSS), else, when most regions
//!    share one host or the table lists only `public`, that central host
//!    (`ram.aliyuncs.com`, `alidns.aliyuncs.com`); with an
//!    [international site](Site::International), the shared host of the
//!    international regions when the table has one. A table with nothing to
//!    infer from gives `<code>.<region>.aliyuncs.com`. On a non-public
//!    [`Network`] the first label gets `-vpc`, `-share`, `-ipv6` or
//!    `-dualstack` (`ecs-vpc.cn-hangzhou.aliyuncs.com`).

use std::collections::BTreeMap;

use crate::error::ConfigError;
use crate::operation::ProductDescriptor;

pub use crate::config::{Network, Site};

impl Network {
    fn label(self) -> Option<&'static str> {
        match self {
            Network::Public => None,
            Network::Vpc => Some("vpc"),
            Network::Share => Some("share"),
            Network::Ipv6 => Some("ipv6"),
            Network::DualStack => Some("dualstack"),
        }
    }
}

/// The resolution settings of a configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct EndpointRules {
    pub network: Network,
    pub site: Site,
    /// (lowercase product code or name, region) -> endpoint.
    pub map: BTreeMap<(String, String), EndpointOverride>,
}

/// An endpoint given in configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointOverride {
    scheme: &'static str,
    authority: String,
}

impl EndpointOverride {
    /// Parses `host[:port]`, `https://host[:port]` or `http://...` (the last
    /// only when `allow_http`). A path is not allowed: RPC calls go to `/`.
    ///
    /// Without a scheme the endpoint is HTTPS, as in the official SDKs,
    /// except on a loopback host (`127.0.0.1:8080`, `localhost:8080`): a
    /// local endpoint usually speaks plain HTTP, and taking it for HTTPS
    /// would only fail later with a TLS error, so the scheme must be said.
    pub fn parse(text: &str, allow_http: bool) -> Result<Self, ConfigError> {
        let parsed = Self::parse_any(text)?;
        if parsed.scheme == "http" && !allow_http {
            return Err(ConfigError::new(format!(
                "endpoint {:?} uses plain HTTP; call allow_http(true) to permit it (local endpoints only)",
                text.trim()
            )));
        }
        Ok(parsed)
    }

    /// [`parse`](Self::parse) for an endpoint read from the environment
    /// variable `variable`: plain HTTP is also allowed to a loopback host
    /// (as for `ALIBABA_CLOUD_STS_ENDPOINT`), since the request never leaves
    /// the machine; errors name the variable.
    pub(crate) fn parse_from_env(
        variable: &str,
        text: &str,
        allow_http: bool,
    ) -> Result<Self, ConfigError> {
        let in_variable = |e: ConfigError| ConfigError::new(format!("{variable}: {}", e.message()));
        let parsed = Self::parse_any(text).map_err(in_variable)?;
        if parsed.scheme == "http" && !allow_http && !parsed.is_loopback() {
            return Err(in_variable(ConfigError::new(format!(
                "endpoint {:?} uses plain HTTP to a host that is not a loopback address; \
                 call ConfigBuilder::allow_http(true) to permit it",
                text.trim()
            ))));
        }
        Ok(parsed)
    }

    /// Parses any syntactically valid endpoint, `http://` included.
    fn parse_any(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let (scheme, rest, said) = if let Some(rest) = text.strip_prefix("https://") {
            ("https", rest, true)
        } else if let Some(rest) = text.strip_prefix("http://") {
            ("http", rest, true)
        } else if text.contains("://") {
            return Err(ConfigError::new(format!(
                "endpoint {text:?}: only http:// and https:// are supported"
            )));
        } else {
            ("https", text, false)
        };
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains(['/', '?', '#', ' ', '@']) {
            return Err(ConfigError::new(format!(
                "endpoint {text:?} is not a host[:port] (no path, query or user info)"
            )));
        }
        let (host, port) = split_authority(authority)
            .map_err(|why| ConfigError::new(format!("endpoint {text:?}: {why}")))?;
        if !said && is_loopback(host) {
            return Err(ConfigError::new(format!(
                "endpoint {text:?} has no scheme, so it means https://{authority}, but a \
                 loopback host is usually a local endpoint speaking plain HTTP: write \
                 \"http://{authority}\" (or \"https://{authority}\" if it serves TLS)"
            )));
        }
        // Sign what the HTTP stack sends: a lowercase host, and no port when
        // it is the scheme's default.
        let default_port = if scheme == "https" { 443 } else { 80 };
        let host = host.to_ascii_lowercase();
        let authority = match port {
            Some(port) if port != default_port => format!("{host}:{port}"),
            _ => host,
        };
        Ok(EndpointOverride { scheme, authority })
    }

    fn is_loopback(&self) -> bool {
        split_authority(&self.authority).is_ok_and(|(host, _)| is_loopback(host))
    }
}

/// Splits `host[:port]` (`[v6]:port` for IPv6), checking both parts.
fn split_authority(authority: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                if host[1..end].parse::<std::net::Ipv6Addr>().is_err() {
                    return Err(format!("{host} is not an IPv6 address"));
                }
                match rest {
                    "" => (host, None),
                    _ => match rest.strip_prefix(':') {
                        Some(port) => (host, Some(port)),
                        None => return Err(format!("unexpected {rest:?} after {host}")),
                    },
                }
            }
            None => return Err("an IPv6 address misses its closing ']'".to_owned()),
        }
    } else {
        match authority.split_once(':') {
            Some((_, port)) if port.contains(':') => {
                return Err("an IPv6 address must be written in brackets ([::1]:8080)".to_owned())
            }
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("the host is empty".to_owned());
    }
    if !host.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(format!(
            "{host:?} is not a host name (letters, digits, '-', '.', '_')"
        ));
    }
    let port = match port {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Some(port),
            _ => return Err(format!("port {text:?} is not a number from 1 to 65535")),
        },
    };
    Ok((host, port))
}

/// `localhost`, `127.0.0.0/8` and `[::1]`: hosts a request to which never
/// leaves the machine.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
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

/// Resolves the endpoint of `product` for this configuration (public
/// network, China site, no caller map).
pub fn resolve(
    product: &ProductDescriptor,
    region: Option<&str>,
    endpoint: Option<&EndpointOverride>,
) -> Result<ResolvedEndpoint, ConfigError> {
    resolve_with(
        ProductRef::from(product),
        region,
        endpoint,
        &EndpointRules::default(),
    )
}

/// What endpoint resolution needs of a product: typed products give their
/// descriptor, generic calls what the caller named.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProductRef<'a> {
    pub(crate) name: &'a str,
    pub(crate) code: &'a str,
    pub(crate) endpoints: &'a [(&'a str, &'a str)],
}

impl<'a> From<&'a ProductDescriptor> for ProductRef<'a> {
    fn from(p: &'a ProductDescriptor) -> Self {
        ProductRef {
            name: p.name,
            code: p.code,
            endpoints: p.endpoints,
        }
    }
}

impl<'a> ProductRef<'a> {
    fn endpoint_for(&self, region: &str) -> Option<&'a str> {
        self.endpoints
            .binary_search_by(|(r, _)| (*r).cmp(region))
            .ok()
            .map(|i| self.endpoints[i].1)
    }
}

pub(crate) fn resolve_with(
    product: ProductRef<'_>,
    region: Option<&str>,
    endpoint: Option<&EndpointOverride>,
    rules: &EndpointRules,
) -> Result<ResolvedEndpoint, ConfigError> {
    if let Some(e) = endpoint {
        return Ok(ResolvedEndpoint {
            scheme: e.scheme,
            authority: e.authority.clone(),
        });
    }
    let region = region.filter(|r| !r.is_empty()).ok_or_else(|| {
        ConfigError::new(format!(
            "no region and no endpoint for {}: set ConfigBuilder::region(..), ALIBABA_CLOUD_REGION_ID or the CLI profile's region_id, or an explicit endpoint",
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
    for key in [product.code, product.name] {
        if let Some(e) = rules
            .map
            .get(&(key.to_ascii_lowercase(), region.to_owned()))
        {
            return Ok(ResolvedEndpoint {
                scheme: e.scheme,
                authority: e.authority.clone(),
            });
        }
    }
    // Trimmed: a corpus table (fc 2023-03-30) has a host ending in a tab.
    let table = match rules.network {
        Network::Public => product.endpoint_for(region).map(str::trim),
        _ => None,
    };
    let authority = match table {
        Some(host) => host.to_string(),
        None => rule_host(product, region, rules.network, rules.site)?,
    };
    Ok(ResolvedEndpoint {
        scheme: "https",
        authority,
    })
}

/// What the table says about hosts it does not list.
#[derive(Debug, PartialEq, Eq)]
enum Inferred {
    /// Hosts named after their region: the text before and after the region.
    Regional(String, String),
    /// One host for all regions; and the international regions' shared
    /// host, if the table has one.
    Central(String, Option<String>),
}

/// Infers the host pattern from a product's table (see the module docs).
fn infer(product: ProductRef<'_>) -> Option<Inferred> {
    let mut patterns: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    let mut regional = 0usize;
    for &(region, host) in product.endpoints {
        let host = host.trim();
        match find_label(host, region) {
            Some(at) => {
                regional += 1;
                let key = (host[..at].to_owned(), host[at + region.len()..].to_owned());
                *patterns.entry(key).or_default() += 1;
            }
            None => *shared.entry(host).or_default() += 1,
        }
    }
    let shared_total: usize = shared.values().sum();
    if regional > 0 && regional >= shared_total {
        // Most regions have their own host: the most common pattern
        // (ties: the first in sorted order, so the result is stable).
        let best = patterns
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
        return Some(Inferred::Regional(best.0 .0.clone(), best.0 .1.clone()));
    }
    let mut by_count: Vec<(&str, usize)> = shared.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // The China host names no region (`business.aliyuncs.com`); a shared
    // host that does (`business.ap-southeast-1.aliyuncs.com`) is the
    // international one.
    let names_a_region = |host: &str| host.split('.').count() > 3;
    let china = by_count
        .iter()
        .find(|(h, _)| !names_a_region(h))
        .or_else(|| by_count.first())?
        .0;
    let international = by_count
        .iter()
        .find(|(h, n)| *h != china && names_a_region(h) && *n >= 2)
        .map(|(h, _)| (*h).to_owned());
    Some(Inferred::Central(china.to_owned(), international))
}

/// Where `region` appears in `host` as whole labels (`x.<region>.y`,
/// `x-<region>.y`, `<region>.y`).
fn find_label(host: &str, region: &str) -> Option<usize> {
    let at = host.find(region)?;
    let before_ok = at == 0 || matches!(host.as_bytes()[at - 1], b'.' | b'-');
    let after_ok = host.as_bytes().get(at + region.len()) == Some(&b'.');
    (before_ok && after_ok).then_some(at)
}

/// Step 4: the rule's host for `region`.
fn rule_host(
    product: ProductRef<'_>,
    region: &str,
    network: Network,
    site: Site,
) -> Result<String, ConfigError> {
    let host = match infer(product) {
        Some(Inferred::Regional(before, after)) => format!("{before}{region}{after}"),
        Some(Inferred::Central(china, international)) => match (site, international) {
            (Site::International, Some(host)) => host,
            _ => china,
        },
        None => format!("{}.{region}.aliyuncs.com", product.code),
    };
    let Some(label) = network.label() else {
        return Ok(host);
    };
    // The official rule inserts `-<network>` after the product part; that
    // part is the first label when it is not the region itself.
    match host.split_once('.') {
        Some((first, rest)) if first != region && !first.is_empty() => {
            Ok(format!("{first}-{label}.{rest}"))
        }
        _ => Err(ConfigError::new(format!(
            "no {network:?} host rule for {} in {region}: its hosts look like {host}; \
             set one with ConfigBuilder::endpoint_for(..) or ConfigBuilder::endpoint(..)",
            product.name
        ))),
    }
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

    fn product(
        code: &'static str,
        endpoints: &'static [(&'static str, &'static str)],
    ) -> ProductDescriptor {
        ProductDescriptor {
            name: code,
            code,
            version: "2020-01-01",
            style: ApiStyle::Rpc,
            endpoints,
        }
    }

    fn host(p: &ProductDescriptor, region: &str, rules: &EndpointRules) -> String {
        resolve_with(p.into(), Some(region), None, rules)
            .unwrap()
            .authority
    }

    #[test]
    fn the_rule_follows_the_table_pattern() {
        // Dds: hosts are mongodb.*, some regions share the central one.
        let dds = product(
            "dds",
            &[
                ("cn-beijing", "mongodb.aliyuncs.com"),
                ("cn-chengdu", "mongodb.cn-chengdu.aliyuncs.com"),
                ("cn-hangzhou", "mongodb.aliyuncs.com"),
                ("eu-west-1", "mongodb.eu-west-1.aliyuncs.com"),
                ("us-east-1", "mongodb.us-east-1.aliyuncs.com"),
            ],
        );
        let rules = EndpointRules::default();
        assert_eq!(host(&dds, "cn-hangzhou", &rules), "mongodb.aliyuncs.com");
        assert_eq!(
            host(&dds, "me-east-1", &rules),
            "mongodb.me-east-1.aliyuncs.com"
        );
        let oss = product(
            "oss",
            &[
                ("cn-beijing", "oss-cn-beijing.aliyuncs.com"),
                ("cn-qingdao", "oss-cn-qingdao.aliyuncs.com"),
            ],
        );
        assert_eq!(
            host(&oss, "eu-west-1", &rules),
            "oss-eu-west-1.aliyuncs.com"
        );
        let sls = product(
            "sls",
            &[
                ("cn-beijing", "cn-beijing.log.aliyuncs.com"),
                ("cn-qingdao", "cn-qingdao.log.aliyuncs.com"),
            ],
        );
        assert_eq!(
            host(&sls, "eu-west-1", &rules),
            "eu-west-1.log.aliyuncs.com"
        );
        let e = resolve_with(
            (&sls).into(),
            Some("eu-west-1"),
            None,
            &EndpointRules {
                network: Network::Vpc,
                ..EndpointRules::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("endpoint_for"), "{e}");
    }

    #[test]
    fn central_tables_resolve_to_their_central_host() {
        let alidns = product("alidns", &[("public", "alidns.aliyuncs.com")]);
        let ram = product(
            "ram",
            &[
                ("cn-beijing", "ram.aliyuncs.com"),
                ("us-west-1", "ram.aliyuncs.com"),
            ],
        );
        let bss = product(
            "bssopenapi",
            &[
                ("ap-northeast-1", "business.ap-southeast-1.aliyuncs.com"),
                ("ap-southeast-1", "business.ap-southeast-1.aliyuncs.com"),
                ("cn-beijing", "business.aliyuncs.com"),
                ("cn-hangzhou", "business.aliyuncs.com"),
                ("cn-shanghai", "business.aliyuncs.com"),
                ("eu-west-1", "business.ap-southeast-1.aliyuncs.com"),
            ],
        );
        let china = EndpointRules::default();
        let intl = EndpointRules {
            site: Site::International,
            ..EndpointRules::default()
        };
        assert_eq!(host(&alidns, "cn-hangzhou", &china), "alidns.aliyuncs.com");
        assert_eq!(host(&ram, "ap-south-1", &china), "ram.aliyuncs.com");
        assert_eq!(host(&ram, "ap-south-1", &intl), "ram.aliyuncs.com");
        assert_eq!(host(&bss, "cn-wuhan", &china), "business.aliyuncs.com");
        assert_eq!(
            host(&bss, "me-central-1", &intl),
            "business.ap-southeast-1.aliyuncs.com"
        );
        // The table still wins where it has the region.
        assert_eq!(host(&bss, "cn-beijing", &intl), "business.aliyuncs.com");
    }

    #[test]
    fn networks_caller_map_and_precedence() {
        let vpc = EndpointRules {
            network: Network::Vpc,
            ..EndpointRules::default()
        };
        assert_eq!(
            host(&PRODUCT, "cn-hangzhou", &vpc),
            "r-kvstore-vpc.cn-hangzhou.aliyuncs.com"
        );
        for (network, label) in [
            (Network::Share, "share"),
            (Network::Ipv6, "ipv6"),
            (Network::DualStack, "dualstack"),
        ] {
            let rules = EndpointRules {
                network,
                ..EndpointRules::default()
            };
            assert_eq!(
                host(&PRODUCT, "us-west-1", &rules),
                format!("r-kvstore-{label}.us-west-1.aliyuncs.com")
            );
        }
        let ram = product("ram", &[("cn-beijing", "ram.aliyuncs.com")]);
        assert_eq!(host(&ram, "cn-beijing", &vpc), "ram-vpc.aliyuncs.com");

        let mut map = EndpointRules::default();
        map.map.insert(
            ("r-kvstore".into(), "cn-hangzhou".into()),
            EndpointOverride::parse("kv.internal.example:8443", false).unwrap(),
        );
        assert_eq!(
            host(&PRODUCT, "cn-hangzhou", &map),
            "kv.internal.example:8443"
        );
        assert_eq!(
            host(&PRODUCT, "us-west-1", &map),
            "r-kvstore.us-west-1.aliyuncs.com"
        );
        let explicit = EndpointOverride::parse("explicit.example", false).unwrap();
        let e = resolve_with(
            (&PRODUCT).into(),
            Some("cn-hangzhou"),
            Some(&explicit),
            &map,
        )
        .unwrap();
        assert_eq!(e.authority, "explicit.example");
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
            EndpointOverride::parse("https://127.0.0.1:8443", false)
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
    #[test]
    fn endpoints_without_scheme_or_with_bad_parts_are_refused_with_the_reason() {
        for (text, why) in [
            ("127.0.0.1:8080", "has no scheme"),
            ("localhost:8080", "has no scheme"),
            ("[::1]:8080", "has no scheme"),
            ("127.0.0.1:abc", "port \"abc\""),
            ("ecs.aliyuncs.com:0", "port \"0\""),
            ("ecs.aliyuncs.com:70000", "port \"70000\""),
            (":8080", "the host is empty"),
            ("::1", "in brackets"),
            ("[::1", "closing"),
            ("ecs!.aliyuncs.com", "not a host name"),
        ] {
            let e = EndpointOverride::parse(text, true).unwrap_err().to_string();
            assert!(e.contains(&format!("{text:?}")), "{text}: {e}");
            assert!(e.contains(why), "{text}: {e}");
        }
        let e = EndpointOverride::parse("127.0.0.1:8080", true).unwrap_err();
        assert!(e.to_string().contains("\"http://127.0.0.1:8080\""), "{e}");
        // A host without scheme is HTTPS, as in the official SDKs.
        let e = EndpointOverride::parse("ecs.aliyuncs.com:8443", false).unwrap();
        assert_eq!(
            (e.scheme, e.authority.as_str()),
            ("https", "ecs.aliyuncs.com:8443")
        );
        let e = EndpointOverride::parse("https://[::1]:8443", false).unwrap();
        assert_eq!(e.authority, "[::1]:8443");
    }

    #[test]
    fn endpoints_from_the_environment_may_use_http_to_loopback_only() {
        let var = "ALIBABA_CLOUD_ENDPOINT";
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:2",
        ] {
            let e = EndpointOverride::parse_from_env(var, local, false).unwrap();
            assert_eq!(e.scheme, "http", "{local}");
        }
        let e = EndpointOverride::parse_from_env(var, "http://10.0.0.1:8080", false).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("configuration error: ALIBABA_CLOUD_ENDPOINT: "),
            "{e}"
        );
        assert!(e.to_string().contains("allow_http(true)"), "{e}");
        assert!(EndpointOverride::parse_from_env(var, "http://10.0.0.1:8080", true).is_ok());
        let e = EndpointOverride::parse_from_env(var, "127.0.0.1:8080", false).unwrap_err();
        assert!(
            e.to_string().contains(var) && e.to_string().contains("no scheme"),
            "{e}"
        );
    }
}
