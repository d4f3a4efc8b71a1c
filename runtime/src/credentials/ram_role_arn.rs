//! Credentials of a RAM role assumed with STS `AssumeRole`, signed (V1) with
//! the credentials of any source provider: an access key, STS credentials,
//! another assumed role (role chaining).

use std::sync::Arc;

use super::sts::{
    default_session_name, LazyTransport, StsCall, StsHost, DEFAULT_DURATION_SECONDS,
    MIN_DURATION_SECONDS, SESSION_NAME_VAR,
};
use super::{
    CredentialsError, CredentialsErrorKind, Env, ProvideCredentials, ProvideCredentialsFuture,
    SharedCredentialsProvider,
};
use crate::transport::{Transport, TransportOptions};

const PROVIDER: &str = "ram role arn";
const ROLE_ARN_VAR: &str = "ALIBABA_CLOUD_ROLE_ARN";

/// Assumes a RAM role with STS `AssumeRole` at each call, signing the
/// request with the source provider's credentials. Wrap it in a
/// [`CachingProvider`](super::CachingProvider) so that the role's
/// credentials are reused and refreshed before they expire.
///
/// ```no_run
/// use alibabacloud_sdk::credentials::{CachingProvider, Credentials, RamRoleArnProvider};
/// let role = RamRoleArnProvider::builder()
///     .source(Credentials::new("LTAI...", "secret"))
///     .role_arn("acs:ram::123456789012:role/deployer")
///     .role_session_name("ci-run-42")
///     .external_id("abcd1234")
///     .duration_seconds(3600)
///     .build()?;
/// // Chaining: assume another role with the first one's credentials.
/// let second = RamRoleArnProvider::builder()
///     .source(CachingProvider::new(role))
///     .role_arn("acs:ram::210987654321:role/reader")
///     .build()?;
/// let provider = CachingProvider::new(second);
/// # Ok::<(), alibabacloud_sdk::credentials::CredentialsError>(())
/// ```
#[derive(Debug)]
pub struct RamRoleArnProvider {
    source: SharedCredentialsProvider,
    role_arn: String,
    session_name: String,
    external_id: Option<String>,
    policy: Option<String>,
    duration_seconds: u32,
    base_url: String,
    transport: LazyTransport,
}

/// Configures a [`RamRoleArnProvider`].
#[derive(Debug, Default)]
pub struct RamRoleArnProviderBuilder {
    env: Env,
    source: Option<SharedCredentialsProvider>,
    role_arn: Option<String>,
    session_name: Option<String>,
    external_id: Option<String>,
    policy: Option<String>,
    duration_seconds: Option<u32>,
    host: StsHost,
    options: Option<TransportOptions>,
    transport: Option<Arc<dyn Transport>>,
}

impl RamRoleArnProviderBuilder {
    /// Where `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_ROLE_SESSION_NAME` and
    /// the STS host variables are read (default: the process environment).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The provider whose credentials sign `AssumeRole` (required).
    pub fn source(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.source = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// An already shared source provider.
    pub fn shared_source(mut self, provider: SharedCredentialsProvider) -> Self {
        self.source = Some(provider);
        self
    }

    /// The role to assume, `acs:ram::<account>:role/<name>` (default
    /// `ALIBABA_CLOUD_ROLE_ARN`).
    pub fn role_arn(mut self, arn: impl Into<String>) -> Self {
        self.role_arn = Some(arn.into());
        self
    }

    /// The session name (default `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else
    /// `credentials-rust-<time>`).
    pub fn role_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// The external id the role's trust policy asks for.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// A policy (JSON) that further restricts the session's permissions.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Session length in seconds (default 3600, at least 900).
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// The STS endpoint (`sts.cn-hangzhou.aliyuncs.com`, or an `https://`
    /// URL); before `ALIBABA_CLOUD_STS_ENDPOINT`.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.host.endpoint = Some(endpoint.into());
        self
    }

    /// Calls `sts[-vpc].<region>.aliyuncs.com`; before `ALIBABA_CLOUD_STS_REGION`.
    pub fn sts_region(mut self, region: impl Into<String>) -> Self {
        self.host.region = Some(region.into());
        self
    }

    /// Uses the VPC STS host of the region; by default
    /// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`.
    pub fn enable_vpc(mut self, vpc: bool) -> Self {
        self.host.vpc = Some(vpc);
        self
    }

    /// Settings (proxy, TLS, timeouts) of the HTTP client that calls STS
    /// (default: connect 5 s, read 10 s).
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// Another transport for the STS calls.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the settings and builds the provider.
    pub fn build(self) -> Result<RamRoleArnProvider, CredentialsError> {
        let invalid =
            |message: &str| CredentialsError::new(PROVIDER, CredentialsErrorKind::Invalid, message);
        let source = self
            .source
            .ok_or_else(|| invalid("no source provider to sign AssumeRole with"))?;
        let role_arn = match self.role_arn.filter(|a| !a.is_empty()) {
            Some(arn) => arn,
            None => self.env.get(ROLE_ARN_VAR).ok_or_else(|| {
                CredentialsError::new(
                    PROVIDER,
                    CredentialsErrorKind::NotConfigured,
                    "no role ARN given",
                )
                .with_variable(ROLE_ARN_VAR)
            })?,
        };
        let duration_seconds = self.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS);
        if duration_seconds < MIN_DURATION_SECONDS {
            return Err(invalid(&format!(
                "duration_seconds {duration_seconds} is below STS's minimum of {MIN_DURATION_SECONDS}"
            )));
        }
        Ok(RamRoleArnProvider {
            source,
            role_arn,
            session_name: self
                .session_name
                .filter(|n| !n.is_empty())
                .or_else(|| self.env.get(SESSION_NAME_VAR))
                .unwrap_or_else(default_session_name),
            external_id: self.external_id.filter(|e| !e.is_empty()),
            policy: self.policy.filter(|p| !p.is_empty()),
            duration_seconds,
            base_url: self.host.resolve(&self.env, PROVIDER)?,
            transport: LazyTransport::new(self.options, self.transport),
        })
    }
}

impl RamRoleArnProvider {
    /// A builder; [`source`](RamRoleArnProviderBuilder::source) is required.
    pub fn builder() -> RamRoleArnProviderBuilder {
        RamRoleArnProviderBuilder::default()
    }

    /// The role this provider assumes.
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    async fn load(&self) -> Result<super::Credentials, CredentialsError> {
        let source = self.source.provide_credentials().await.map_err(|e| {
            CredentialsError::new(
                PROVIDER,
                e.kind(),
                format!(
                    "the source credentials for role {} failed: {e}",
                    self.role_arn
                ),
            )
        })?;
        let mut form = vec![
            ("RoleArn".to_owned(), self.role_arn.clone()),
            ("RoleSessionName".to_owned(), self.session_name.clone()),
            (
                "DurationSeconds".to_owned(),
                self.duration_seconds.to_string(),
            ),
        ];
        if let Some(policy) = &self.policy {
            form.push(("Policy".to_owned(), policy.clone()));
        }
        if let Some(id) = &self.external_id {
            form.push(("ExternalId".to_owned(), id.clone()));
        }
        StsCall {
            provider: PROVIDER,
            action: "AssumeRole",
            base_url: &self.base_url,
            form,
            signer: Some(&source),
            subject: format!("role {}", self.role_arn),
        }
        .send(&self.transport)
        .await
    }
}

impl ProvideCredentials for RamRoleArnProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
