//! Credentials from the shared credentials INI file, `~/.alibabacloud/credentials`.
//!
//! ```ini
//! [default]
//! type = access_key
//! access_key_id = ...
//! access_key_secret = ...
//!
//! [temporary]
//! type = sts
//! access_key_id = ...
//! access_key_secret = ...
//! security_token = ...
//! ```

use std::path::PathBuf;

use super::cli_profile::PROFILE_VAR;
use super::ini::{self, Section};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, EcsRamRoleProvider, Env,
    OidcRoleArnProvider, ProvideCredentials, ProvideCredentialsFuture, RamRoleArnProvider,
    SharedCredentialsProvider,
};
use crate::transport::TransportOptions;

const PROVIDER: &str = "profile file";
/// Overrides the file's path (as in the official SDKs).
const FILE_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// Reads a section of the shared credentials file at each call.
///
/// The file is `ALIBABA_CLOUD_CREDENTIALS_FILE` if set, else
/// `$HOME/.alibabacloud/credentials` (the Go SDK's name), else
/// `$HOME/.alibabacloud/credentials.ini` (the Python and Java SDKs' name).
/// The section is the one given to the builder, else `ALIBABA_CLOUD_PROFILE`,
/// else `default`.
///
/// | type | keys |
/// | --- | --- |
/// | `access_key` | `access_key_id`, `access_key_secret` |
/// | `sts` | the same and `security_token` |
/// | `ram_role_arn` | an access key and `role_arn`; optional `role_session_name`, `policy`, `external_id` |
/// | `ecs_ram_role` | optional `role_name` |
/// | `oidc_role_arn` | `role_arn`, `oidc_provider_arn`, `oidc_token_file_path`; optional `role_session_name`, `policy` |
///
/// Role types call STS at each call: wrap the provider in a
/// [`CachingProvider`](super::CachingProvider) (the default chain is).
#[derive(Debug, Clone, Default)]
pub struct ProfileFileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile_name: Option<String>,
    ecs_endpoint: Option<String>,
    transport_options: Option<TransportOptions>,
}

/// Configures a [`ProfileFileProvider`].
#[derive(Debug, Clone, Default)]
pub struct ProfileFileProviderBuilder {
    provider: ProfileFileProvider,
}

impl ProfileFileProviderBuilder {
    /// Where variables and `HOME` come from (default: the process environment).
    pub fn env(mut self, env: Env) -> Self {
        self.provider.env = env;
        self
    }

    /// Reads this file, whatever `ALIBABA_CLOUD_CREDENTIALS_FILE` says.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.provider.path = Some(path.into());
        self
    }

    /// Uses this section, whatever `ALIBABA_CLOUD_PROFILE` says.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.provider.profile_name = Some(name.into());
        self
    }

    /// The instance metadata address for `ecs_ram_role` sections (default
    /// `http://100.100.100.200`).
    pub fn ecs_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.provider.ecs_endpoint = Some(endpoint.into());
        self
    }

    /// Settings of the HTTP client of `ram_role_arn` and `oidc_role_arn`
    /// sections (proxy, TLS, timeouts).
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.provider.transport_options = Some(options);
        self
    }

    /// Builds the provider.
    pub fn build(self) -> ProfileFileProvider {
        self.provider
    }
}

impl ProfileFileProvider {
    /// Reads the default file from the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder, to set the environment, the path or the section.
    pub fn builder() -> ProfileFileProviderBuilder {
        ProfileFileProviderBuilder::default()
    }

    /// The file to read and whether the user named it explicitly.
    fn locate(&self) -> Result<(PathBuf, bool), CredentialsError> {
        if let Some(path) = &self.path {
            return Ok((path.clone(), true));
        }
        if let Some(path) = self.env.get(FILE_VAR) {
            return Ok((PathBuf::from(path), true));
        }
        let Some(home) = self.env.home_dir() else {
            return Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::NotConfigured,
                "cannot locate ~/.alibabacloud/credentials: the home directory is unknown",
            )
            .with_variable("HOME"));
        };
        let dir = home.join(".alibabacloud");
        let plain = dir.join("credentials");
        let with_ini = dir.join("credentials.ini");
        // Prefer the Go SDK's name; fall back to the Python/Java one only
        // when it alone exists, so errors name the documented path.
        if !plain.exists() && with_ini.exists() {
            Ok((with_ini, false))
        } else {
            Ok((plain, false))
        }
    }

    fn load(&self) -> Result<(SharedCredentialsProvider, String, PathBuf), CredentialsError> {
        let (path, explicit) = self.locate()?;
        let error = |kind, message: String| {
            CredentialsError::new(PROVIDER, kind, message).with_path(path.clone())
        };
        // A small local file read once per refresh: blocking I/O is fine here.
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A file the user named must exist; the default one may not.
                let kind = if explicit {
                    CredentialsErrorKind::Invalid
                } else {
                    CredentialsErrorKind::NotConfigured
                };
                return Err(error(kind, "file not found".to_owned()));
            }
            Err(e) => {
                return Err(error(
                    CredentialsErrorKind::Unavailable,
                    format!("cannot read the file: {e}"),
                ))
            }
        };
        let sections = ini::parse(&text).map_err(|e| {
            error(CredentialsErrorKind::Invalid, e.message.to_owned()).with_line(e.line)
        })?;

        let (name, chosen_by) = match (&self.profile_name, self.env.get(PROFILE_VAR)) {
            (Some(name), _) if !name.is_empty() => (name.clone(), "set in code"),
            (_, Some(name)) => (name, "selected by ALIBABA_CLOUD_PROFILE"),
            _ => ("default".to_owned(), "the default section"),
        };
        let Some(section) = sections.get(&name) else {
            let known = if sections.is_empty() {
                "the file has no sections".to_owned()
            } else {
                let names: Vec<&str> = sections.keys().map(String::as_str).collect();
                format!("sections in the file: {}", names.join(", "))
            };
            return Err(error(
                CredentialsErrorKind::NotConfigured,
                format!("no section [{name}] ({chosen_by}); {known}"),
            ));
        };
        let provider = self
            .section_provider(section, &name)
            .map_err(|e| e.with_path(path.clone()))?;
        Ok((provider, name, path))
    }

    /// The provider of one section.
    fn section_provider(
        &self,
        section: &Section,
        name: &str,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let field = |key: &str| -> Result<&str, CredentialsError> {
            match section.get(key) {
                Some(value) if !value.is_empty() => Ok(value),
                found => Err(CredentialsError::new(
                    PROVIDER,
                    CredentialsErrorKind::Invalid,
                    format!(
                        "section [{name}]: {key} is {}",
                        if found.is_some() { "empty" } else { "missing" }
                    ),
                )
                .with_field(key)),
            }
        };
        let optional = |key: &str| section.get(key).filter(|v| !v.is_empty());
        let kind = field("type")?;
        let built = |result: Result<SharedCredentialsProvider, CredentialsError>| {
            result.map_err(|e| {
                CredentialsError::new(
                    PROVIDER,
                    e.kind(),
                    format!("section [{name}] (type {kind}): {}", e.message()),
                )
            })
        };
        let env = self.env.clone();
        match kind {
            "access_key" => Ok(SharedCredentialsProvider::new(Credentials::new(
                field("access_key_id")?,
                field("access_key_secret")?,
            ))),
            "sts" => Ok(SharedCredentialsProvider::new(
                Credentials::new(field("access_key_id")?, field("access_key_secret")?)
                    .with_security_token(field("security_token")?),
            )),
            "ram_role_arn" => {
                let source = Credentials::new(field("access_key_id")?, field("access_key_secret")?);
                let mut builder = RamRoleArnProvider::builder()
                    .env(env)
                    .source(source)
                    .role_arn(field("role_arn")?);
                if let Some(session) = optional("role_session_name") {
                    builder = builder.role_session_name(session);
                }
                if let Some(policy) = optional("policy") {
                    builder = builder.policy(policy);
                }
                if let Some(id) = optional("external_id") {
                    builder = builder.external_id(id);
                }
                if let Some(options) = &self.transport_options {
                    builder = builder.transport_options(options.clone());
                }
                built(builder.build().map(SharedCredentialsProvider::new))
            }
            "ecs_ram_role" => {
                let mut builder = EcsRamRoleProvider::builder().env(env);
                if let Some(role) = optional("role_name") {
                    builder = builder.role_name(role);
                }
                if let Some(endpoint) = &self.ecs_endpoint {
                    builder = builder.endpoint(endpoint.clone());
                }
                Ok(SharedCredentialsProvider::new(builder.build()))
            }
            "oidc_role_arn" => {
                let mut builder = OidcRoleArnProvider::builder()
                    .env(env)
                    .role_arn(field("role_arn")?)
                    .oidc_provider_arn(field("oidc_provider_arn")?)
                    .oidc_token_file(field("oidc_token_file_path")?);
                if let Some(session) = optional("role_session_name") {
                    builder = builder.role_session_name(session);
                }
                if let Some(policy) = optional("policy") {
                    builder = builder.policy(policy);
                }
                if let Some(options) = &self.transport_options {
                    builder = builder.transport_options(options.clone());
                }
                built(builder.build().map(SharedCredentialsProvider::new))
            }
            other => Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Unsupported,
                format!(
                    "unsupported type '{other}' in section [{name}] (supported: access_key, sts, \
                     ram_role_arn, ecs_ram_role, oidc_role_arn)"
                ),
            )
            .with_field("type")),
        }
    }
}

impl ProvideCredentials for ProfileFileProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let resolved = self.load();
        Box::pin(async move {
            let (provider, name, path) = resolved?;
            provider.provide_credentials().await.map_err(|e| {
                let mut wrapped =
                    CredentialsError::new(PROVIDER, e.kind(), format!("section [{name}]: {e}"))
                        .with_path(&path);
                if let Some(field) = e.field() {
                    wrapped = wrapped.with_field(field.to_owned());
                }
                wrapped
            })
        })
    }
}
