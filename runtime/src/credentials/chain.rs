//! The default credentials chain, in the order of Alibaba's official SDKs
//! (credentials-go `providers/default.go`, alibabacloud-credentials for
//! Python `provider/default.py`):
//!
//! 1. environment variables;
//! 2. OIDC role ARN ([`OidcRoleArnProvider`]), when
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE`, `ALIBABA_CLOUD_ROLE_ARN` and
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` are all set;
//! 3. the CLI configuration `~/.aliyun/config.json`;
//! 4. the credentials file `~/.alibabacloud/credentials`;
//! 5. the ECS RAM role (instance metadata), unless
//!    `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`;
//! 6. a credentials URI ([`CredentialsUriProvider`]), when
//!    `ALIBABA_CLOUD_CREDENTIALS_URI` is set.
//!
//! A profile the user chose but that cannot be used stops the chain instead
//! of letting a later source (the ECS RAM role) answer with credentials
//! nobody chose: a CLI profile `mode` or credentials file `type` this SDK
//! does not know or support, and a profile named by `ALIBABA_CLOUD_PROFILE`
//! (or [`DefaultCredentialsChainBuilder::profile_name`]) that neither file
//! has.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::cli_profile::PROFILE_VAR;
use super::oidc::{PROVIDER_ARN_VAR, ROLE_ARN_VAR, TOKEN_FILE_VAR};
use super::uri::URI_VAR;
use super::{
    CliProfileProvider, Credentials, CredentialsError, CredentialsErrorKind,
    CredentialsUriProvider, EcsRamRoleProvider, Env, EnvironmentProvider, OidcRoleArnProvider,
    ProfileFileProvider, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};

use crate::transport::TransportOptions;

const PROVIDER: &str = "default chain";
/// The chain's names of the two profile sources (also their providers' names).
const CLI_PROFILE: &str = "cli profile";
const PROFILE_FILE: &str = "profile file";
const OIDC_VARS: [&str; 3] = [TOKEN_FILE_VAR, ROLE_ARN_VAR, PROVIDER_ARN_VAR];
/// No source has succeeded yet.
const NONE: usize = usize::MAX;

/// Tries each source in the official order and returns the first credentials
/// found; the error of a chain that found none lists every source tried and
/// why each failed ([`CredentialsError::tried`]).
///
/// As in the official SDKs, the source that succeeded is asked first next
/// time; if it fails, the whole chain is walked again. The chain does not
/// cache: wrap it in a [`CachingProvider`](super::CachingProvider).
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    /// (name for logs, source), in order.
    providers: Vec<(&'static str, SharedCredentialsProvider)>,
    last_used: AtomicUsize,
    /// The profile chosen explicitly, and what chose it.
    selected_profile: Option<(String, &'static str)>,
}

/// Configures a [`DefaultCredentialsChain`].
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChainBuilder {
    env: Env,
    profile_name: Option<String>,
    ecs_endpoint: Option<String>,
    transport_options: Option<TransportOptions>,
}

impl DefaultCredentialsChainBuilder {
    /// Where every source reads variables and `HOME` (default: the process
    /// environment).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The profile of the CLI configuration and the section of the
    /// credentials file, instead of `ALIBABA_CLOUD_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The instance metadata service's address (default
    /// `http://100.100.100.200`).
    pub fn ecs_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_endpoint = Some(endpoint.into());
        self
    }

    /// Settings (proxy, TLS, timeouts) of the HTTP client of the sources
    /// that call STS or a credentials URI (the OIDC, role and URI sources,
    /// and profiles of those modes). The metadata service is always called
    /// directly.
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.transport_options = Some(options);
        self
    }

    /// Builds the chain.
    pub fn build(self) -> DefaultCredentialsChain {
        let env = self.env;
        let selected_profile = match (&self.profile_name, env.get(PROFILE_VAR)) {
            (Some(name), _) if !name.is_empty() => Some((name.clone(), "set in code")),
            (_, Some(name)) => Some((name, "selected by ALIBABA_CLOUD_PROFILE")),
            _ => None,
        };
        let mut providers = vec![(
            "environment",
            SharedCredentialsProvider::new(EnvironmentProvider::builder().env(env.clone()).build()),
        )];

        if OIDC_VARS.iter().all(|name| env.get(name).is_some()) {
            let mut oidc = OidcRoleArnProvider::builder().env(env.clone());
            if let Some(options) = &self.transport_options {
                oidc = oidc.transport_options(options.clone());
            }
            providers.push(entry("oidc role arn", oidc.build()));
        }

        let mut cli = CliProfileProvider::builder().env(env.clone());
        let mut file = ProfileFileProvider::builder().env(env.clone());
        if let Some(name) = &self.profile_name {
            cli = cli.profile_name(name.clone());
            file = file.profile_name(name.clone());
        }
        if let Some(endpoint) = &self.ecs_endpoint {
            cli = cli.ecs_endpoint(endpoint.clone());
            file = file.ecs_endpoint(endpoint.clone());
        }
        if let Some(options) = &self.transport_options {
            cli = cli.transport_options(options.clone());
            file = file.transport_options(options.clone());
        }
        providers.push((CLI_PROFILE, SharedCredentialsProvider::new(cli.build())));
        providers.push((PROFILE_FILE, SharedCredentialsProvider::new(file.build())));

        // Always listed: when ALIBABA_CLOUD_ECS_METADATA_DISABLED=true it
        // answers "disabled" without any request, which the error then shows.
        let mut ecs = EcsRamRoleProvider::builder().env(env.clone());
        if let Some(endpoint) = self.ecs_endpoint {
            ecs = ecs.endpoint(endpoint);
        }
        providers.push(("ecs ram role", SharedCredentialsProvider::new(ecs.build())));

        if env.get(URI_VAR).is_some() {
            let mut uri = CredentialsUriProvider::builder().env(env.clone());
            if let Some(options) = &self.transport_options {
                uri = uri.transport_options(options.clone());
            }
            providers.push(entry("credentials uri", uri.build()));
        }

        DefaultCredentialsChain {
            providers,
            last_used: AtomicUsize::new(NONE),
            selected_profile,
        }
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl DefaultCredentialsChain {
    /// The chain over the process environment and the real home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder, to inject the environment or the metadata address.
    pub fn builder() -> DefaultCredentialsChainBuilder {
        DefaultCredentialsChainBuilder::default()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let last = self.last_used.load(Ordering::Relaxed);
        let mut remembered_error = None;
        if let Some((_, provider)) = self.providers.get(last) {
            match provider.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(error) => remembered_error = Some(error),
            }
        }
        let mut tried = Vec::with_capacity(self.providers.len());
        for (index, (name, provider)) in self.providers.iter().enumerate() {
            // Do not ask the remembered source twice in one call.
            let result = match remembered_error.take_if(|_| index == last) {
                Some(error) => Err(error),
                None => provider.provide_credentials().await,
            };
            match result {
                Ok(credentials) => {
                    self.last_used.store(index, Ordering::Relaxed);
                    // A broken source that the chain stepped over deserves a
                    // word: the user probably meant it to be used.
                    for error in &tried {
                        let error: &CredentialsError = error;
                        if error.kind() != CredentialsErrorKind::NotConfigured {
                            tracing::warn!(error = %error, "credentials source skipped");
                        }
                    }
                    tracing::debug!(source = *name, "credentials loaded by the default chain");
                    return Ok(credentials);
                }
                Err(error) => {
                    let profile_source = matches!(*name, CLI_PROFILE | PROFILE_FILE);
                    if profile_source && error.kind() == CredentialsErrorKind::Unsupported {
                        // The chosen profile's mode (type) is misspelled or not
                        // implemented: said by the source, with the sources
                        // tried before it.
                        return Err(error.with_tried(tried));
                    }
                    tried.push(error);
                    if *name == PROFILE_FILE {
                        if let Some(stop) = self.selected_profile_missing(&tried) {
                            return Err(stop.with_tried(tried));
                        }
                    }
                }
            }
        }
        Err(CredentialsError::new(
            PROVIDER,
            CredentialsErrorKind::NoSourceSucceeded,
            "no source provided credentials",
        )
        .with_tried(tried))
    }
}

impl DefaultCredentialsChain {
    /// When a profile was chosen explicitly and neither profile source has
    /// it (file, profile or section absent, or the source disabled), the
    /// error that stops the chain.
    fn selected_profile_missing(&self, tried: &[CredentialsError]) -> Option<CredentialsError> {
        let (name, chosen_by) = self.selected_profile.as_ref()?;
        let missing = |source: &str| {
            tried
                .iter()
                .any(|e| e.provider() == source && e.kind() == CredentialsErrorKind::NotConfigured)
        };
        if !(missing(CLI_PROFILE) && missing(PROFILE_FILE)) {
            return None;
        }
        let error = CredentialsError::new(
            PROVIDER,
            CredentialsErrorKind::Invalid,
            format!(
                "profile '{name}' ({chosen_by}) is in neither ~/.aliyun/config.json nor \
                 ~/.alibabacloud/credentials (below: the files and the profiles they have); \
                 the chain stops rather than use credentials from another source"
            ),
        );
        Some(if *chosen_by == "set in code" {
            error
        } else {
            error.with_variable(PROFILE_VAR)
        })
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

/// A chain entry for a provider whose settings may be wrong: a provider
/// that failed to build stays in the chain and reports why, so that the
/// chain's error shows it.
fn entry<P: ProvideCredentials + 'static>(
    name: &'static str,
    built: Result<P, CredentialsError>,
) -> (&'static str, SharedCredentialsProvider) {
    match built {
        Ok(provider) => (name, SharedCredentialsProvider::new(provider)),
        Err(error) => (name, SharedCredentialsProvider::new(Failed(error))),
    }
}

/// Fails with the error it holds.
#[derive(Debug)]
struct Failed(CredentialsError);

impl ProvideCredentials for Failed {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let error = self.0.clone();
        Box::pin(async move { Err(error) })
    }
}
