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
