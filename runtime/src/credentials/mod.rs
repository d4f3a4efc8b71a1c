//! Credentials: where the access key that signs each request comes from.
//!
//! A [`Credentials`] value is an access key (id and secret), optionally with an
//! STS security token and an expiration. Providers ([`ProvideCredentials`])
//! produce them:
//!
//! | provider | source |
//! | --- | --- |
//! | [`Credentials`] | a static key given in code |
//! | [`EnvironmentProvider`] | `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN` |
//! | [`CliProfileProvider`] | the Alibaba Cloud CLI configuration `~/.aliyun/config.json` |
//! | [`ProfileFileProvider`] | the INI file `~/.alibabacloud/credentials` |
//! | [`EcsRamRoleProvider`] | the RAM role of an ECS instance, from the instance metadata service |
//! | [`OidcRoleArnProvider`] | a RAM role assumed with an OIDC token file (RRSA on ACK), STS `AssumeRoleWithOIDC` |
//! | [`RamRoleArnProvider`] | a RAM role assumed with STS `AssumeRole`, signed by any other provider (chains too) |
//! | [`CredentialsUriProvider`] | a sidecar's HTTP answer, `ALIBABA_CLOUD_CREDENTIALS_URI` |
//! | [`DefaultCredentialsChain`] | all of the above, in the official SDKs' order |
//! | [`CachingProvider`] | caches any provider and refreshes before expiry |
//!
//! Secrets (the access key secret and the security token) never appear in
//! `Debug`, `Display`, errors or logs.
//!
//! ```no_run
//! use alibabacloud_sdk::credentials::{CachingProvider, DefaultCredentialsChain, ProvideCredentials};
//!
//! # async fn demo() -> Result<(), alibabacloud_sdk::credentials::CredentialsError> {
//! let provider = CachingProvider::new(DefaultCredentialsChain::new());
//! let credentials = provider.provide_credentials().await?;
//! println!("using access key {}", credentials.access_key_id());
//! # Ok(())
//! # }
//! ```

mod cache;
mod chain;
mod cli_profile;
mod ecs_ram_role;
mod env;
mod environment;
mod error;
mod ini;
mod json;
mod oidc;
mod profile_file;
mod ram_role_arn;
mod sts;
mod uri;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

pub use cache::{CachingProvider, CachingProviderBuilder};
pub use chain::{DefaultCredentialsChain, DefaultCredentialsChainBuilder};
pub(crate) use cli_profile::profile_region;
pub use cli_profile::{CliProfileProvider, CliProfileProviderBuilder};
pub use ecs_ram_role::{EcsRamRoleProvider, EcsRamRoleProviderBuilder};
pub use env::Env;
pub use environment::{EnvironmentProvider, EnvironmentProviderBuilder};
pub use error::{CredentialsError, CredentialsErrorKind};
pub use oidc::{OidcRoleArnProvider, OidcRoleArnProviderBuilder};
pub use profile_file::{ProfileFileProvider, ProfileFileProviderBuilder};
pub use ram_role_arn::{RamRoleArnProvider, RamRoleArnProviderBuilder};
pub use uri::{CredentialsUriProvider, CredentialsUriProviderBuilder};

/// What `Debug` prints in place of a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// An access key, optionally with an STS security token and an expiration.
///
/// `Debug` shows the access key id but never the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    // Shared, not owned: every attempt takes a copy from its provider, and
    // a copy is then three reference counts rather than three allocations.
    access_key_id: Arc<str>,
    access_key_secret: Arc<str>,
    security_token: Option<Arc<str>>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// Long-lived credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: Arc::from(access_key_id.into()),
            access_key_secret: Arc::from(access_key_secret.into()),
            security_token: None,
            expiration: None,
        }
    }

    /// Adds the STS security token that temporary credentials carry.
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(Arc::from(security_token.into()));
        self
    }

    /// Sets the instant after which the credentials are no longer valid.
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// The access key id (not a secret: it names the key).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, for temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// When the credentials expire; `None` for long-lived keys.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &REDACTED)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| REDACTED),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The future a provider returns.
pub type ProvideCredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that produces [`Credentials`]: a static key, a file, the
/// environment, the instance metadata service, a chain of those.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Loads (or returns cached) credentials.
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_>;
}

/// Static credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// A cheaply clonable, type-erased provider, to share one provider (and its
/// cache) between clients.
#[derive(Clone, Debug)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    /// Wraps a provider.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self(Arc::new(provider))
    }
}

impl From<Arc<dyn ProvideCredentials>> for SharedCredentialsProvider {
    fn from(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self(provider)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        self.0.provide_credentials()
    }
}
