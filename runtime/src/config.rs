//! Client configuration: region, endpoint, credentials, signature version,
//! timeouts, retries and the transport.

use crate::credentials::{
    profile_region, CachingProvider, DefaultCredentialsChain, Env, ProvideCredentials,
    SharedCredentialsProvider,
};
use crate::endpoint::{EndpointOverride, EndpointRules};

use crate::error::ConfigError;
use crate::retry::{ClassifyRetry, RetryBudget, RetryPolicy, TokenBucket};
use crate::telemetry::Metrics;
use crate::transport::{ProxyConfig, ReqwestTransport, TlsVersion, Transport, TransportOptions};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The network requests travel on, which picks the host (rule step 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Network {
    /// The Internet (default): the spec's table, then the rule.
    #[default]
    Public,
    /// From inside a VPC: `<code>-vpc.<region>.aliyuncs.com`.
    Vpc,
    /// The shared network of some products: `<code>-share.<region>...`.
    Share,
    /// IPv6 only: `<code>-ipv6.<region>...`.
    Ipv6,
    /// IPv4 and IPv6: `<code>-dualstack.<region>...`.
    DualStack,
}

/// Which Alibaba Cloud site a central product is called on when the
/// region is not in its table (BSS, CDN and SMS have one host for China
/// and another for the international regions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Site {
    /// China (default).
    #[default]
    China,
    /// The international site.
    International,
}

/// Which signature the client puts on requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// Signature V1: HMAC-SHA1 over the query (RPC only; ROA calls use V3).
    V1,
    /// Signature V3: `ACS3-HMAC-SHA256` in the `Authorization` header. The
    /// official SDKs' default today.
    #[default]
    V3,
}

/// A source of the current time (injected in tests).
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
/// A source of signature nonces (injected in tests).
pub(crate) type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

/// Everything a client needs. Build one with [`Config::builder`] or
/// [`Config::from_env`].
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<EndpointOverride>,
    pub(crate) endpoint_rules: EndpointRules,
    pub(crate) credentials: SharedCredentialsProvider,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) retry: RetryPolicy,
    pub(crate) operation_timeout: Duration,
    pub(crate) validate_requests: bool,
    pub(crate) user_agent: String,
    pub(crate) clock: Clock,
    pub(crate) nonce: NonceSource,
    pub(crate) allow_http: bool,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) classifier: Option<Arc<dyn ClassifyRetry>>,
    pub(crate) budget: Arc<TokenBucket>,
    pub(crate) metrics: Option<Arc<dyn Metrics>>,
    /// Server time minus local time, in milliseconds, learnt from a
    /// rejected timestamp; shared by the clones of a client.
    pub(crate) clock_offset: Arc<AtomicI64>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("endpoint_rules", &self.endpoint_rules)
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("operation_timeout", &self.operation_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry_tokens", &self.budget.available())
            .field(
                "clock_offset_ms",
                &self.clock_offset.load(Ordering::Relaxed),
            )
            .finish_non_exhaustive()
    }
}

/// The region, when code sets none.
const REGION_VAR: &str = "ALIBABA_CLOUD_REGION_ID";
/// The endpoint of every product, when code sets none.
const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_ENDPOINT";

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("alibabacloud-sdk-rust/", env!("CARGO_PKG_VERSION"));

impl Config {
    /// A builder with defaults: signature V3, HTTPS, 3 attempts, connect
    /// timeout 5 s, read timeout 30 s, whole operation 60 s.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Everything from the environment, as [`ConfigBuilder::from_env`]
    /// reads it: the region (`ALIBABA_CLOUD_REGION_ID`, else the CLI
    /// profile's `region_id`), an endpoint (`ALIBABA_CLOUD_ENDPOINT`), and
    /// credentials from the default chain (environment, OIDC role ARN,
    /// `~/.aliyun/config.json`, `~/.alibabacloud/credentials`, ECS RAM role,
    /// credentials URI), cached and refreshed.
    pub fn from_env() -> Result<Config, ConfigError> {
        ConfigBuilder::from_env().build()
    }

    /// The region, if set.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The credentials provider, to share its cache with another client
    /// (the OSS client takes it from here).
    pub fn credentials(&self) -> &SharedCredentialsProvider {
        &self.credentials
    }

    /// The signature version in use.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// Tokens left in the client's retry budget.
    pub fn retry_tokens_available(&self) -> u32 {
        self.budget.available()
    }

    /// The correction applied to the local clock when signing, learnt from
    /// the server after it rejected a timestamp (zero until then).
    pub fn clock_offset(&self) -> std::time::Duration {
        Duration::from_millis(self.clock_offset.load(Ordering::Relaxed).unsigned_abs())
    }

    /// The time to sign with: the clock, corrected by the learnt offset.
    pub(crate) fn signing_time(&self) -> SystemTime {
        let now = (self.clock)();
        let offset = self.clock_offset.load(Ordering::Relaxed);
        let magnitude = Duration::from_millis(offset.unsigned_abs());
        if offset >= 0 {
            now + magnitude
        } else {
            now.checked_sub(magnitude).unwrap_or(now)
        }
    }

    /// Learns the offset from the server's time, read at `local`.
    pub(crate) fn learn_clock_offset(&self, server: SystemTime, local: SystemTime) {
        let millis = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        self.clock_offset.store(millis, Ordering::Relaxed);
    }
}

/// Builds a [`Config`].
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    network: Network,
    site: Site,
    endpoint_map: Vec<(String, String, String)>,
    allow_http: bool,
    credentials: Option<SharedCredentialsProvider>,
    /// Set by `from_env` or `env`: read at `build` for what is not set in
    /// code (region, endpoint), and the default chain built then, with the
    /// transport settings given meanwhile, unless credentials are set.
    env: Option<Env>,
    signature_version: SignatureVersion,
    transport: Option<Arc<dyn Transport>>,
    retry: RetryPolicy,
    transport_options: TransportOptions,
    operation_timeout: Duration,
    validate_requests: bool,
    user_agent_suffix: Option<String>,
    clock: Option<Clock>,
    nonce: Option<NonceSource>,
    default_headers: Vec<(String, String)>,
    attempt_timeout: Option<Duration>,
    classifier: Option<Arc<dyn ClassifyRetry>>,
    budget: RetryBudget,
    metrics: Option<Arc<dyn Metrics>>,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            region: None,
            endpoint: None,
            network: Network::default(),
            site: Site::default(),
            endpoint_map: Vec::new(),
            allow_http: false,
            credentials: None,
            env: None,
            signature_version: SignatureVersion::default(),
            transport: None,
            retry: RetryPolicy::default(),
            transport_options: TransportOptions::default(),
            operation_timeout: Duration::from_secs(60),
            validate_requests: true,
            user_agent_suffix: None,
            clock: None,
            nonce: None,
            default_headers: Vec::new(),
            attempt_timeout: None,
            classifier: None,
            budget: RetryBudget::default(),
            metrics: None,
        }
    }
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// A builder that reads the process environment at
    /// [`build`](Self::build), for what code does not set:
    ///
    /// - the region: `ALIBABA_CLOUD_REGION_ID`, else the `region_id` of the
    ///   CLI profile (`~/.aliyun/config.json`, the profile
    ///   `ALIBABA_CLOUD_PROFILE` names or the file's `current`);
    /// - the endpoint: `ALIBABA_CLOUD_ENDPOINT`, the same syntax as
    ///   [`endpoint`](Self::endpoint), for every product (a local endpoint:
    ///   `http://` is allowed there to loopback hosts only);
    /// - credentials: the default chain, cached and refreshed.
    ///
    /// Settings given in code win over the environment.
    pub fn from_env() -> Self {
        Config::builder().env(Env::real())
    }

    /// Reads `env` instead of the process environment, as
    /// [`from_env`](Self::from_env) describes (tests, or configuration kept
    /// elsewhere: [`Env::from_map`]).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Region id (`cn-hangzhou`): picks the endpoint from the spec's table.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint, `host[:port]` or a URL (`https://host`), used
    /// instead of the region table.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The network calls travel on (default [`Network::Public`]); VPC and
    /// the others pick `<code>-vpc.<region>.aliyuncs.com` and the like.
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// The site for central products whose table lacks the region
    /// (default [`Site::China`]).
    pub fn site(mut self, site: Site) -> Self {
        self.site = site;
        self
    }

    /// The endpoint of `product` (its code, `r-kvstore`, or name,
    /// `R-kvstore`) in `region`: before the spec's table, after
    /// [`endpoint`](Self::endpoint). Same syntax as `endpoint`.
    pub fn endpoint_for(
        mut self,
        product: impl Into<String>,
        region: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Self {
        self.endpoint_map
            .push((product.into(), region.into(), endpoint.into()));
        self
    }

    /// Allows `http://` endpoints (local test servers). HTTPS otherwise;
    /// from `ALIBABA_CLOUD_ENDPOINT`, `http://` to a loopback host is
    /// allowed without it.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Credentials provider (static [`crate::credentials::Credentials`], a
    /// chain, a cache...).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// An already shared credentials provider (one cache for many clients).
    pub fn shared_credentials(mut self, provider: SharedCredentialsProvider) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Signature V1 or V3 (default V3).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// A custom transport (capture in tests, middleware, another HTTP stack).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Connect timeout of the default transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport_options = self.transport_options.connect_timeout(timeout);
        self
    }

    /// Read timeout of the default transport (between bytes of a response).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.transport_options = self.transport_options.read_timeout(timeout);
        self
    }

    /// Largest response body the default transport accepts, in bytes
    /// (default 16 MiB); going over fails the call early, in bounded memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.transport_options = self.transport_options.max_response_bytes(bytes);
        self
    }

    /// An explicit proxy for the default transport (replaces proxies from
    /// the environment). See [`ProxyConfig`].
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.transport_options = self.transport_options.proxy(proxy);
        self
    }

    /// Hosts that bypass the explicit proxy (`NO_PROXY` syntax).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.transport_options = self.transport_options.no_proxy(hosts);
        self
    }

    /// Whether `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are
    /// honoured when no explicit proxy is set (default true, as in the
    /// official SDKs).
    pub fn env_proxies(mut self, honour: bool) -> Self {
        self.transport_options = self.transport_options.env_proxies(honour);
        self
    }

    /// Trusts this PEM root certificate (or bundle) too.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.transport_options = self.transport_options.add_root_certificate_pem(pem);
        self
    }

    /// Whether the bundled Mozilla roots are trusted (default true).
    pub fn bundled_root_certificates(mut self, trust: bool) -> Self {
        self.transport_options = self.transport_options.bundled_root_certificates(trust);
        self
    }

    /// Whether the operating system's root certificates are trusted too
    /// (default false).
    pub fn system_root_certificates(mut self, trust: bool) -> Self {
        self.transport_options = self.transport_options.system_root_certificates(trust);
        self
    }

    /// The lowest TLS version accepted (default TLS 1.2).
    pub fn min_tls_version(mut self, version: TlsVersion) -> Self {
        self.transport_options = self.transport_options.min_tls_version(version);
        self
    }

    /// All settings of the default transport at once.
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.transport_options = options;
        self
    }

    /// Limit on a whole call, retries and waits included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// Whether to check requests against the spec before sending (default
    /// on). Turn it off when Alibaba's metadata lags the service, e.g. a
    /// value the service accepts that the spec's enum does not list yet.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// Text appended to the user agent (`my-app/1.2`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The clock used for timestamps (tests pin it).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The nonce source (tests pin it; by default a random UUID per attempt,
    /// from a per-thread generator seeded from the OS).
    pub fn nonce_source(mut self, nonce: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.nonce = Some(Arc::new(nonce));
        self
    }

    /// A header every call of the client sends; a per-call header of the
    /// same name replaces it. Checked at [`build`](Self::build).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Limit on each attempt (none by default: the transport's timeouts and
    /// the operation timeout apply).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// A hook that decides about retries before the policy's code lists and
    /// built-in rules; see [`ClassifyRetry`].
    pub fn retry_classifier(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.classifier = Some(Arc::new(classifier));
        self
    }

    /// The client's retry budget (default: 500 tokens, 5 per retry, 10 per
    /// retry after a timeout, 1 back per success). [`RetryBudget::unlimited`]
    /// turns it off.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Receives counts and latencies of calls and attempts.
    pub fn metrics(mut self, metrics: impl Metrics + 'static) -> Self {
        self.metrics = Some(Arc::new(metrics));
        self
    }

    /// Checks the settings and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        for (name, value) in &self.default_headers {
            crate::options::check_header(name, value)
                .map_err(|e| ConfigError::new(format!("default_header: {e}")))?;
        }
        let env = self.env.as_ref();
        let region = self.region.or_else(|| {
            let env = env?;
            env.get(REGION_VAR).or_else(|| profile_region(env))
        });
        let endpoint = match (&self.endpoint, env.and_then(|env| env.get(ENDPOINT_VAR))) {
            (Some(endpoint), _) => Some(EndpointOverride::parse(endpoint, self.allow_http)?),
            (None, Some(endpoint)) => Some(EndpointOverride::parse_from_env(
                ENDPOINT_VAR,
                &endpoint,
                self.allow_http,
            )?),
            (None, None) => None,
        };
        let credentials = match (self.credentials, self.env) {
            (Some(credentials), _) => credentials,
            (None, Some(env)) => SharedCredentialsProvider::new(CachingProvider::new(
                DefaultCredentialsChain::builder()
                    .env(env)
                    .transport_options(self.transport_options.clone())
                    .build(),
            )),
            (None, None) => {
                return Err(ConfigError::new(
                    "no credentials provider: call ConfigBuilder::credentials(...) or use Config::from_env()",
                ))
            }
        };
        let mut endpoint_rules = EndpointRules {
            network: self.network,
            site: self.site,
            ..EndpointRules::default()
        };
        for (product, region, endpoint) in &self.endpoint_map {
            let parsed = EndpointOverride::parse(endpoint, self.allow_http).map_err(|e| {
                ConfigError::new(format!("endpoint_for({product:?}, {region:?}): {e}"))
            })?;
            endpoint_rules
                .map
                .insert((product.to_ascii_lowercase(), region.clone()), parsed);
        }
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            None => Arc::new(ReqwestTransport::from_options(&self.transport_options)?),
        };
        let user_agent = match self.user_agent_suffix {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_string(),
        };
        Ok(Config {
            region,
            endpoint,
            endpoint_rules,
            credentials,
            signature_version: self.signature_version,
            transport,
            retry: self.retry,
            operation_timeout: self.operation_timeout,
            validate_requests: self.validate_requests,
            user_agent,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
            nonce: self
                .nonce
                .unwrap_or_else(|| Arc::new(crate::signer::random_nonce)),
            allow_http: self.allow_http,
            default_headers: self.default_headers,
            attempt_timeout: self.attempt_timeout,
            classifier: self.classifier,
            budget: Arc::new(TokenBucket::new(self.budget)),
            metrics: self.metrics,
            clock_offset: Arc::new(AtomicI64::new(0)),
        })
    }
}
