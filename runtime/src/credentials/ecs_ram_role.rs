//! Credentials of the RAM role attached to an ECS instance, from the instance
//! metadata service (IMDS) at `http://100.100.100.200`.
//!
//! As in the official SDKs: an IMDSv2 session token is requested first
//! (`PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds`)
//! and sent as `X-aliyun-ecs-metadata-token`; when that fails the plain
//! (IMDSv1) requests are used unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true`.
//! The role name comes from the builder, `ALIBABA_CLOUD_ECS_METADATA`, or
//! `GET /latest/meta-data/ram/security-credentials/`; the credentials from
//! `GET /latest/meta-data/ram/security-credentials/<role>`.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::{Client, RequestBuilder, Url};
use serde_json::Value;

use super::error::error_chain;
use super::json::{optional_str, required_str, type_name};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, Env, ProvideCredentials,
    ProvideCredentialsFuture,
};

const PROVIDER: &str = "ecs ram role";
const DEFAULT_ENDPOINT: &str = "http://100.100.100.200";
/// Names the role, sparing the discovery request.
const ROLE_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` turns the provider off (the official SDKs' switch).
pub(crate) const DISABLED_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` forbids falling back to requests without a session token.
const IMDS_V1_DISABLED_VAR: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// Six hours, the official SDKs' token lifetime.
const TOKEN_TTL_SECONDS: &str = "21600";
/// Metadata answers are tiny; a larger body is a misbehaving server.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Loads the credentials of the instance's RAM role from the ECS instance
/// metadata service, at each call (wrap it in a
/// [`CachingProvider`](super::CachingProvider) to reuse them until expiry).
///
/// Connect timeout 1 s and total timeout 5 s per request by default, so that
/// off ECS the provider fails fast.
pub struct EcsRamRoleProvider {
    endpoint: String,
    role_name: Option<String>,
    imds_v1_disabled: bool,
    disabled: bool,
    connect_timeout: Duration,
    timeout: Duration,
    // Built on first use: a chain that never reaches this source should not
    // pay for TLS setup. Building can fail; the reason is kept to report it
    // from `provide_credentials` rather than panic.
    client: OnceLock<Result<Client, String>>,
}

/// Configures an [`EcsRamRoleProvider`].
#[derive(Debug, Clone)]
pub struct EcsRamRoleProviderBuilder {
    env: Env,
    endpoint: Option<String>,
    role_name: Option<String>,
    imds_v1_disabled: Option<bool>,
    connect_timeout: Duration,
    timeout: Duration,
}

impl Default for EcsRamRoleProviderBuilder {
    fn default() -> Self {
        Self {
            env: Env::real(),
            endpoint: None,
            role_name: None,
            imds_v1_disabled: None,
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
        }
    }
}

impl EcsRamRoleProviderBuilder {
    /// Where `ALIBABA_CLOUD_ECS_METADATA`, `ALIBABA_CLOUD_IMDSV1_DISABLED` and
    /// `ALIBABA_CLOUD_ECS_METADATA_DISABLED` are read (default: the process
    /// environment), once, by [`build`](Self::build).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The metadata service's base address (default `http://100.100.100.200`);
    /// tests point it at a local server.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The RAM role name; by default `ALIBABA_CLOUD_ECS_METADATA`, else asked
    /// of the metadata service.
    pub fn role_name(mut self, role_name: impl Into<String>) -> Self {
        self.role_name = Some(role_name.into());
        self
    }

    /// Forbids (true) or allows (false) requests without an IMDSv2 token; by
    /// default `ALIBABA_CLOUD_IMDSV1_DISABLED`.
    pub fn imds_v1_disabled(mut self, disabled: bool) -> Self {
        self.imds_v1_disabled = Some(disabled);
        self
    }

    /// Connect timeout of each request (default 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Total timeout of each request (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the provider.
    pub fn build(self) -> EcsRamRoleProvider {
        EcsRamRoleProvider {
            endpoint: self.endpoint.unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned()),
            role_name: self
                .role_name
                .filter(|r| !r.is_empty())
                .or_else(|| self.env.get(ROLE_VAR)),
            imds_v1_disabled: self
                .imds_v1_disabled
                .unwrap_or_else(|| self.env.is_true(IMDS_V1_DISABLED_VAR)),
            disabled: self.env.is_true(DISABLED_VAR),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            client: OnceLock::new(),
        }
    }
}

impl fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsRamRoleProvider")
            .field("endpoint", &self.endpoint)
            .field("role_name", &self.role_name)
            .field("imds_v1_disabled", &self.imds_v1_disabled)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl Default for EcsRamRoleProvider {
    fn default() -> Self {
        Self::builder().build()
    }
}

/// How one metadata request failed.
enum Failure {
    /// No HTTP answer: connect error, timeout, broken body.
    Network(String),
    /// An HTTP answer other than 200.
    Status(u16),
    /// A 200 answer that cannot be used.
    BadAnswer(&'static str),
}

impl EcsRamRoleProvider {
    /// Reads the process environment, talks to `http://100.100.100.200`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder, to set the endpoint, the role, the environment, timeouts.
    pub fn builder() -> EcsRamRoleProviderBuilder {
        EcsRamRoleProviderBuilder::default()
    }

    fn error(kind: CredentialsErrorKind, message: impl Into<String>) -> CredentialsError {
        CredentialsError::new(PROVIDER, kind, message)
    }

    fn client(&self) -> Result<&Client, CredentialsError> {
        self.client
            .get_or_init(|| {
                Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    // The metadata service is link-local: never through a
                    // proxy, and never follow a redirect that would carry the
                    // session token elsewhere.
                    .no_proxy()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| error_chain(&e))
            })
            .as_ref()
            .map_err(|reason| {
                Self::error(
                    CredentialsErrorKind::Unavailable,
                    format!("cannot create the HTTP client: {reason}"),
                )
            })
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if self.disabled {
            return Err(Self::error(
                CredentialsErrorKind::NotConfigured,
                format!("disabled by {DISABLED_VAR}=true"),
            )
            .with_variable(DISABLED_VAR));
        }
        let client = self.client()?;
        let base = Url::parse(&self.endpoint)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && !u.cannot_be_a_base())
            .ok_or_else(|| {
                Self::error(
                    CredentialsErrorKind::Invalid,
                    format!("invalid metadata endpoint '{}'", self.endpoint),
                )
            })?;

        // One token per refresh serves both requests that follow.
        let token = self.session_token(client, &base).await?;
        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => self.discover_role(client, &base, token.as_ref()).await?,
        };
        let url = metadata_url(
            &base,
            &["latest", "meta-data", "ram", "security-credentials", &role],
        );
        let body = self
            .get_with_fallback(client, &url, token.as_ref())
            .await
            .map_err(|failure| match failure {
                Failure::Status(404) => Self::error(
                    CredentialsErrorKind::NotConfigured,
                    format!("the instance has no RAM role named '{role}' (HTTP 404 from {url})"),
                ),
                other => self.request_error("credentials request", &url, other),
            })?;
        parse_credentials(&body)
    }

    /// The IMDSv2 session token; `None` to go on with IMDSv1 requests.
    async fn session_token(
        &self,
        client: &Client,
        base: &Url,
    ) -> Result<Option<HeaderValue>, CredentialsError> {
        let url = metadata_url(base, &["latest", "api", "token"]);
        let request = client
            .put(url.clone())
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS);
        let failure = match send(request).await {
            Ok(body) => match HeaderValue::from_str(body.trim()) {
                Ok(mut token) if !token.is_empty() => {
                    token.set_sensitive(true);
                    return Ok(Some(token));
                }
                _ => Failure::BadAnswer("the token is empty or not a valid header value"),
            },
            // No HTTP answer at all: the IMDSv1 requests would hit the same
            // wall, so fail now (off ECS this halves the time the chain waits).
            Err(Failure::Network(reason)) => {
                return Err(self.request_error("token request", &url, Failure::Network(reason)))
            }
            Err(status) => status,
        };
        if self.imds_v1_disabled {
            let cause = self.request_error("IMDSv2 token request", &url, failure);
            return Err(Self::error(
                cause.kind(),
                format!(
                    "{} and requests without a token are disabled by {IMDS_V1_DISABLED_VAR}=true",
                    cause.message()
                ),
            )
            .with_variable(IMDS_V1_DISABLED_VAR));
        }
        tracing::debug!(url = %url, "no IMDSv2 token, falling back to IMDSv1 requests");
        Ok(None)
    }

    /// Asks the metadata service which role the instance has.
    async fn discover_role(
        &self,
        client: &Client,
        base: &Url,
        token: Option<&HeaderValue>,
    ) -> Result<String, CredentialsError> {
        let url = metadata_url(
            base,
            &["latest", "meta-data", "ram", "security-credentials", ""],
        );
        let body = self
            .get_with_fallback(client, &url, token)
            .await
            .map_err(|failure| match failure {
                Failure::Status(404) => Self::error(
                    CredentialsErrorKind::NotConfigured,
                    format!("the instance has no RAM role attached (HTTP 404 from {url})"),
                ),
                other => self.request_error("role name request", &url, other),
            })?;
        body.lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                Self::error(
                    CredentialsErrorKind::NotConfigured,
                    format!("the instance has no RAM role attached (empty answer from {url})"),
                )
            })
    }

    /// GET with the token; on failure, once more without it if allowed (as
    /// the official SDKs do).
    async fn get_with_fallback(
        &self,
        client: &Client,
        url: &Url,
        token: Option<&HeaderValue>,
    ) -> Result<String, Failure> {
        let mut request = client.get(url.clone());
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token.clone());
        }
        match send(request).await {
            Ok(body) => Ok(body),
            // If the retry fails too, the first answer is the telling one
            // (the retry's is usually just "IMDSv1 refused").
            Err(failure) if token.is_some() && !self.imds_v1_disabled => {
                send(client.get(url.clone())).await.map_err(|_| failure)
            }
            Err(failure) => Err(failure),
        }
    }

    fn request_error(&self, what: &str, url: &Url, failure: Failure) -> CredentialsError {
        match failure {
            Failure::Network(reason) => Self::error(
                CredentialsErrorKind::Unavailable,
                format!(
                    "{what} to {url} failed (is this an ECS instance? set {DISABLED_VAR}=true \
                     to skip the metadata service): {reason}"
                ),
            ),
            Failure::Status(status) => Self::error(
                CredentialsErrorKind::Unavailable,
                format!("{what} to {url} answered HTTP {status}"),
            ),
            Failure::BadAnswer(reason) => Self::error(
                CredentialsErrorKind::Invalid,
                format!("{what} to {url}: {reason}"),
            ),
        }
    }
}

/// `base` with `segments` appended to its path (each one percent-encoded).
fn metadata_url(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    // `base` was checked to be an http(s) URL, which always has a path.
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// Sends a request and reads a 200 answer's body (at most `MAX_BODY_BYTES`).
async fn send(request: RequestBuilder) -> Result<String, Failure> {
    let mut response = request
        .send()
        .await
        .map_err(|e| Failure::Network(error_chain(&e)))?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return Err(Failure::Status(status.as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Failure::Network(error_chain(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Failure::BadAnswer("the answer is larger than 64 KiB"));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| Failure::BadAnswer("the answer is not UTF-8"))
}

/// The credentials document: `Code`, `AccessKeyId`, `AccessKeySecret`,
/// `SecurityToken`, `Expiration` (RFC 3339, e.g. `2024-01-01T00:00:00Z`).
fn parse_credentials(body: &str) -> Result<Credentials, CredentialsError> {
    let invalid =
        |message: String| EcsRamRoleProvider::error(CredentialsErrorKind::Invalid, message);
    let value: Value = serde_json::from_str(body)
        .map_err(|e| invalid(format!("the credentials answer is not valid JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(invalid(format!(
            "the credentials answer must be a JSON object, found {}",
            type_name(&value)
        )));
    };
    let field = |key: &str| {
        required_str(object, key).map_err(|problem| {
            invalid(format!(
                "the credentials answer's {key} {}",
                problem.describe()
            ))
            .with_field(key)
        })
    };
    match optional_str(object, "Code") {
        Ok(Some("Success")) => {}
        Ok(code) => {
            return Err(EcsRamRoleProvider::error(
                CredentialsErrorKind::Unavailable,
                format!(
                    "the metadata service answered Code '{}' instead of 'Success'",
                    code.unwrap_or("")
                ),
            )
            .with_field("Code"))
        }
        Err(problem) => {
            return Err(invalid(format!("Code {}", problem.describe())).with_field("Code"))
        }
    }
    let expiration_text = field("Expiration")?;
    let expiration = super::json::parse_expiration(expiration_text).map_err(|_| {
        invalid(format!(
            "Expiration '{expiration_text}' is not an RFC 3339 timestamp"
        ))
        .with_field("Expiration")
    })?;
    Ok(
        Credentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_security_token(field("SecurityToken")?)
            .with_expiration(expiration),
    )
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
