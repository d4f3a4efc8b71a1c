//! Credentials of a RAM role assumed with an OIDC token, STS
//! `AssumeRoleWithOIDC`: RRSA on Alibaba Cloud Kubernetes (ACK), where the
//! pod's service account token is mounted as a file that kubelet rotates.

use std::path::PathBuf;
use std::sync::Arc;

use super::sts::{
    default_session_name, LazyTransport, StsCall, StsHost, DEFAULT_DURATION_SECONDS,
    MIN_DURATION_SECONDS, SESSION_NAME_VAR,
};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, Env, ProvideCredentials,
    ProvideCredentialsFuture,
};
use crate::transport::{Transport, TransportOptions};

const PROVIDER: &str = "oidc role arn";
pub(crate) const ROLE_ARN_VAR: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub(crate) const PROVIDER_ARN_VAR: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub(crate) const TOKEN_FILE_VAR: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

/// Assumes a RAM role with the OIDC token in a file, by STS
/// `AssumeRoleWithOIDC` (unsigned: the token is the proof, as in Alibaba's
/// credentials libraries). The token file is read again at every call, so a
/// rotated token is picked up. Wrap it in a
/// [`CachingProvider`](super::CachingProvider).
///
/// Settings come from the builder, else `ALIBABA_CLOUD_ROLE_ARN`,
/// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE` and
/// `ALIBABA_CLOUD_ROLE_SESSION_NAME` (what ACK's RRSA injects).
///
/// ```no_run
/// use alibabacloud_sdk::credentials::{CachingProvider, OidcRoleArnProvider};
/// let provider = CachingProvider::new(OidcRoleArnProvider::builder().build()?);
/// # Ok::<(), alibabacloud_sdk::credentials::CredentialsError>(())
/// ```
#[derive(Debug)]
pub struct OidcRoleArnProvider {
    role_arn: String,
    provider_arn: String,
    token_file: PathBuf,
    session_name: String,
    policy: Option<String>,
    duration_seconds: u32,
    base_url: String,
    transport: LazyTransport,
}

/// Configures an [`OidcRoleArnProvider`].
#[derive(Debug, Default)]
pub struct OidcRoleArnProviderBuilder {
    env: Env,
    role_arn: Option<String>,
    provider_arn: Option<String>,
    token_file: Option<PathBuf>,
    session_name: Option<String>,
    policy: Option<String>,
    duration_seconds: Option<u32>,
    host: StsHost,
    options: Option<TransportOptions>,
    transport: Option<Arc<dyn Transport>>,
}

impl OidcRoleArnProviderBuilder {
    /// Where the `ALIBABA_CLOUD_*` variables are read (default: the process
    /// environment).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The role to assume (default `ALIBABA_CLOUD_ROLE_ARN`).
    pub fn role_arn(mut self, arn: impl Into<String>) -> Self {
        self.role_arn = Some(arn.into());
        self
    }

    /// The OIDC provider's ARN (default `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`).
    pub fn oidc_provider_arn(mut self, arn: impl Into<String>) -> Self {
        self.provider_arn = Some(arn.into());
        self
    }

    /// The file holding the OIDC token (default `ALIBABA_CLOUD_OIDC_TOKEN_FILE`).
    pub fn oidc_token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.token_file = Some(path.into());
        self
    }

    /// The session name (default `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else
    /// `credentials-rust-<time>`).
    pub fn role_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
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

    /// The STS endpoint; before `ALIBABA_CLOUD_STS_ENDPOINT`.
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

    /// Settings of the HTTP client that calls STS (default: connect 5 s,
    /// read 10 s).
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// Another transport for the STS calls.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the settings and builds the provider. A setting missing from
    /// both the builder and the environment is a
    /// [`CredentialsErrorKind::NotConfigured`] error naming its variable.
    pub fn build(self) -> Result<OidcRoleArnProvider, CredentialsError> {
        let env = &self.env;
        let setting = |given: Option<String>, var: &'static str, what: &str| {
            given
                .filter(|v| !v.is_empty())
                .or_else(|| env.get(var))
                .ok_or_else(|| {
                    CredentialsError::new(
                        PROVIDER,
                        CredentialsErrorKind::NotConfigured,
                        format!("no {what} given"),
                    )
                    .with_variable(var)
                })
        };
        let role_arn = setting(self.role_arn, ROLE_ARN_VAR, "role ARN")?;
        let provider_arn = setting(self.provider_arn, PROVIDER_ARN_VAR, "OIDC provider ARN")?;
        let token_file = setting(
            self.token_file.map(|p| p.to_string_lossy().into_owned()),
            TOKEN_FILE_VAR,
            "OIDC token file",
        )?;
        let duration_seconds = self.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS);
        if duration_seconds < MIN_DURATION_SECONDS {
            return Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Invalid,
                format!(
                    "duration_seconds {duration_seconds} is below STS's minimum of {MIN_DURATION_SECONDS}"
                ),
            ));
        }
        Ok(OidcRoleArnProvider {
            role_arn,
            provider_arn,
            token_file: PathBuf::from(token_file),
            session_name: self
                .session_name
                .filter(|n| !n.is_empty())
                .or_else(|| env.get(SESSION_NAME_VAR))
                .unwrap_or_else(default_session_name),
            policy: self.policy.filter(|p| !p.is_empty()),
            duration_seconds,
            base_url: self.host.resolve(env, PROVIDER)?,
            transport: LazyTransport::new(self.options, self.transport),
        })
    }
}

impl OidcRoleArnProvider {
    /// A builder.
    pub fn builder() -> OidcRoleArnProviderBuilder {
        OidcRoleArnProviderBuilder::default()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // Read at every refresh: kubelet rotates the projected token.
        let token = std::fs::read_to_string(&self.token_file).map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::NotFound {
                "does not exist".to_owned()
            } else {
                format!("cannot be read: {e}")
            };
            CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Unavailable,
                format!("the OIDC token file {kind}"),
            )
            .with_path(&self.token_file)
            .with_field("OIDCToken")
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Invalid,
                "the OIDC token file is empty",
            )
            .with_path(&self.token_file)
            .with_field("OIDCToken"));
        }
        let mut form = vec![
            ("RoleArn".to_owned(), self.role_arn.clone()),
            ("OIDCProviderArn".to_owned(), self.provider_arn.clone()),
            ("OIDCToken".to_owned(), token.to_owned()),
            ("RoleSessionName".to_owned(), self.session_name.clone()),
            (
                "DurationSeconds".to_owned(),
                self.duration_seconds.to_string(),
            ),
        ];
        if let Some(policy) = &self.policy {
            form.push(("Policy".to_owned(), policy.clone()));
        }
        StsCall {
            provider: PROVIDER,
            action: "AssumeRoleWithOIDC",
            base_url: &self.base_url,
            form,
            signer: None,
            subject: format!("role {}", self.role_arn),
        }
        .send(&self.transport)
        .await
    }
}

impl ProvideCredentials for OidcRoleArnProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
