//! Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//! `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN`.

use super::{
    Credentials, CredentialsError, CredentialsErrorKind, Env, ProvideCredentials,
    ProvideCredentialsFuture,
};

const PROVIDER: &str = "environment";

/// The variable holding the access key id.
pub(crate) const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The variable holding the access key secret.
pub(crate) const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The variable holding the STS security token (optional).
pub(crate) const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
/// if set, `ALIBABA_CLOUD_SECURITY_TOKEN`, at each call.
///
/// Empty values count as unset. Neither id nor secret set is
/// [`CredentialsErrorKind::NotConfigured`]; one without the other is
/// [`CredentialsErrorKind::Invalid`] naming the missing variable.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

/// Configures an [`EnvironmentProvider`].
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProviderBuilder {
    provider: EnvironmentProvider,
}

impl EnvironmentProviderBuilder {
    /// Where the variables come from (default: the process environment).
    pub fn env(mut self, env: Env) -> Self {
        self.provider.env = env;
        self
    }

    /// Builds the provider.
    pub fn build(self) -> EnvironmentProvider {
        self.provider
    }
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder, to read another environment ([`Env::from_map`]).
    pub fn builder() -> EnvironmentProviderBuilder {
        EnvironmentProviderBuilder::default()
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.get(ACCESS_KEY_ID);
        let secret = self.env.get(ACCESS_KEY_SECRET);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::new(
                    PROVIDER,
                    CredentialsErrorKind::NotConfigured,
                    format!("{ACCESS_KEY_ID} and {ACCESS_KEY_SECRET} are not set"),
                )
                .with_variable(ACCESS_KEY_ID))
            }
            (Some(_), None) => return Err(missing(ACCESS_KEY_SECRET, ACCESS_KEY_ID)),
            (None, Some(_)) => return Err(missing(ACCESS_KEY_ID, ACCESS_KEY_SECRET)),
        };
        let mut credentials = Credentials::new(id, secret);
        if let Some(token) = self.env.get(SECURITY_TOKEN) {
            credentials = credentials.with_security_token(token);
        }
        Ok(credentials)
    }
}

fn missing(absent: &str, present: &str) -> CredentialsError {
    CredentialsError::new(
        PROVIDER,
        CredentialsErrorKind::Invalid,
        format!("{present} is set but {absent} is not set or empty"),
    )
    .with_variable(absent)
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
