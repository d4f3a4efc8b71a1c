//! Credentials from the Alibaba Cloud CLI configuration, `~/.aliyun/config.json`.
//!
//! The file (written by `aliyun configure`) looks like:
//!
//! ```json
//! {
//!   "current": "default",
//!   "profiles": [
//!     { "name": "default", "mode": "AK", "access_key_id": "...", "access_key_secret": "..." },
//!     { "name": "sts", "mode": "StsToken", "access_key_id": "...", "access_key_secret": "...", "sts_token": "..." }
//!   ]
//! }
//! ```

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::json::{optional_str, required_str, type_name};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, CredentialsUriProvider,
    EcsRamRoleProvider, Env, OidcRoleArnProvider, ProvideCredentials, ProvideCredentialsFuture,
    RamRoleArnProvider, SharedCredentialsProvider,
};
use crate::transport::TransportOptions;

const PROVIDER: &str = "cli profile";
/// Selects the profile, before the file's `current` (as in the official SDKs).
pub(crate) const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";
/// `true` turns this provider off (as in the official SDKs).
const DISABLED_VAR: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// Reads a profile of the Alibaba Cloud CLI configuration
/// (`$HOME/.aliyun/config.json`) at each call.
///
/// The profile is, in order: the one given to the builder, the one named by
/// `ALIBABA_CLOUD_PROFILE`, the file's `current`.
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` disables the provider.
///
/// | mode | fields |
/// | --- | --- |
/// | `AK` | `access_key_id`, `access_key_secret` |
/// | `StsToken` | the same and `sts_token` |
/// | `RamRoleArn` | an access key and `ram_role_arn`; optional `ram_session_name`, `expired_seconds`, `sts_region`, `enable_vpc`, `policy`, `external_id` |
/// | `ChainableRamRoleArn` | `source_profile` (any mode) and the role fields of `RamRoleArn` |
/// | `EcsRamRole` | optional `ram_role_name` |
/// | `CredentialsURI` | `credentials_uri` |
/// | `OIDC` | `oidc_token_file`, `oidc_provider_arn`, `ram_role_arn`; optional `ram_session_name`, `expired_seconds`, `sts_region`, `enable_vpc`, `policy` |
///
/// `CloudSSO`, `OAuth` and `External` (and any other mode) are a
/// [`CredentialsErrorKind::Unsupported`] error naming the mode and the
/// profile. Role modes call STS at each call: wrap the provider in a
/// [`CachingProvider`](super::CachingProvider) (the default chain is).
#[derive(Debug, Clone, Default)]
pub struct CliProfileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile_name: Option<String>,
    ecs_endpoint: Option<String>,
    transport_options: Option<TransportOptions>,
}

/// Configures a [`CliProfileProvider`].
#[derive(Debug, Clone, Default)]
pub struct CliProfileProviderBuilder {
    provider: CliProfileProvider,
}

impl CliProfileProviderBuilder {
    /// Where variables and `HOME` come from (default: the process environment).
    pub fn env(mut self, env: Env) -> Self {
        self.provider.env = env;
        self
    }

    /// Reads this file instead of `$HOME/.aliyun/config.json`.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.provider.path = Some(path.into());
        self
    }

    /// Uses this profile, whatever `ALIBABA_CLOUD_PROFILE` and `current` say.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.provider.profile_name = Some(name.into());
        self
    }

    /// The instance metadata address for `EcsRamRole` profiles (default
    /// `http://100.100.100.200`).
    pub fn ecs_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.provider.ecs_endpoint = Some(endpoint.into());
        self
    }

    /// Settings of the HTTP client of role, OIDC and credentials URI
    /// profiles (proxy, TLS, timeouts).
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.provider.transport_options = Some(options);
        self
    }

    /// Builds the provider.
    pub fn build(self) -> CliProfileProvider {
        self.provider
    }
}

impl CliProfileProvider {
    /// Reads `$HOME/.aliyun/config.json` from the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder, to set the environment, the path or the profile.
    pub fn builder() -> CliProfileProviderBuilder {
        CliProfileProviderBuilder::default()
    }

    fn load(&self) -> Result<(SharedCredentialsProvider, String, PathBuf), CredentialsError> {
        if self.env.is_true(DISABLED_VAR) {
            return Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::NotConfigured,
                format!("disabled by {DISABLED_VAR}=true"),
            )
            .with_variable(DISABLED_VAR));
        }
        let path = match &self.path {
            Some(path) => path.clone(),
            None => match self.env.home_dir() {
                Some(home) => home.join(".aliyun").join("config.json"),
                None => {
                    return Err(CredentialsError::new(
                        PROVIDER,
                        CredentialsErrorKind::NotConfigured,
                        "cannot locate ~/.aliyun/config.json: the home directory is unknown",
                    )
                    .with_variable("HOME"))
                }
            },
        };
        let error = |kind, message: String| {
            CredentialsError::new(PROVIDER, kind, message).with_path(path.clone())
        };

        // A small local file read once per refresh: blocking I/O is fine here.
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(error(
                    CredentialsErrorKind::NotConfigured,
                    "file not found".to_owned(),
                ))
            }
            Err(e) => {
                return Err(error(
                    CredentialsErrorKind::Unavailable,
                    format!("cannot read the file: {e}"),
                ))
            }
        };
        // Syntax errors of serde_json name a position, never the content.
        let root: Value =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                error(
                    CredentialsErrorKind::Invalid,
                    format!("not valid JSON: {e}"),
                )
                .with_line(e.line())
            })?;
        let Some(root) = root.as_object() else {
            return Err(error(
                CredentialsErrorKind::Invalid,
                format!(
                    "the top level must be an object, found {}",
                    type_name(&root)
                ),
            ));
        };

        let (name, chosen_by) = self
            .profile_name(root)
            .map_err(|e| e.with_path(path.clone()))?;

        let profiles = match root.get("profiles") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(items)) => &items[..],
            Some(other) => {
                return Err(error(
                    CredentialsErrorKind::Invalid,
                    format!("must be an array, found {}", type_name(other)),
                )
                .with_field("profiles"))
            }
        };
        let Some((index, profile)) = find_profile(profiles, &name) else {
            let names: Vec<&str> = profiles
                .iter()
                .filter_map(|p| p.get("name")?.as_str())
                .collect();
            let known = if names.is_empty() {
                "the file has no profiles".to_owned()
            } else {
                format!("profiles in the file: {}", names.join(", "))
            };
            return Err(error(
                CredentialsErrorKind::NotConfigured,
                format!("no profile named '{name}' ({chosen_by}); {known}"),
            )
            .with_field("profiles"));
        };
        let context = Context {
            env: &self.env,
            ecs_endpoint: self.ecs_endpoint.as_deref(),
            transport_options: self.transport_options.as_ref(),
            profiles,
        };
        let provider = context
            .provider(profile, index, &name, &mut Vec::new())
            .map_err(|e| e.with_path(path.clone()))?;
        Ok((provider, name, path))
    }

    /// The profile to use and what chose it.
    fn profile_name(
        &self,
        root: &Map<String, Value>,
    ) -> Result<(String, &'static str), CredentialsError> {
        if let Some(name) = self.profile_name.as_ref().filter(|n| !n.is_empty()) {
            return Ok((name.clone(), "set in code"));
        }
        if let Some(name) = self.env.get(PROFILE_VAR) {
            return Ok((name, "selected by ALIBABA_CLOUD_PROFILE"));
        }
        match optional_str(root, "current") {
            Ok(Some(name)) if !name.is_empty() => {
                Ok((name.to_owned(), "the file's current profile"))
            }
            Ok(_) => Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::NotConfigured,
                format!("no profile selected: `current` is empty and {PROFILE_VAR} is not set"),
            )
            .with_field("current")),
            Err(problem) => Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Invalid,
                problem.describe(),
            )
            .with_field("current")),
        }
    }
}

/// The `region_id` of the CLI profile the provider would use (the one
/// `ALIBABA_CLOUD_PROFILE` names, else the file's `current`), as the CLI
/// and the official SDKs read it. `None` when there is none or the file
/// cannot be read: the credentials chain reports those problems.
pub(crate) fn profile_region(env: &Env) -> Option<String> {
    if env.is_true(DISABLED_VAR) {
        return None;
    }
    let path = env.home_dir()?.join(".aliyun").join("config.json");
    let text = std::fs::read_to_string(&path).ok()?;
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    let root = root.as_object()?;
    let name = match env.get(PROFILE_VAR) {
        Some(name) => name,
        None => optional_str(root, "current").ok()??.to_owned(),
    };
    let profiles = root.get("profiles")?.as_array()?;
    let (_, profile) = find_profile(profiles, &name)?;
    let region = optional_str(profile, "region_id").ok()??;
    (!region.trim().is_empty()).then(|| region.trim().to_owned())
}

/// What resolving a profile needs besides the profile itself.
struct Context<'a> {
    env: &'a Env,
    ecs_endpoint: Option<&'a str>,
    transport_options: Option<&'a TransportOptions>,
    profiles: &'a [Value],
}

/// Modes of the CLI that this SDK does not implement yet.
const NOT_YET: &[&str] = &["CloudSSO", "OAuth", "External"];
const SUPPORTED: &str =
    "AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, CredentialsURI, OIDC";

impl Context<'_> {
    /// The provider of one profile object, `profiles[index]`. `visiting`
    /// holds the profiles of a `source_profile` chain, to stop cycles.
    fn provider(
        &self,
        profile: &Map<String, Value>,
        index: usize,
        name: &str,
        visiting: &mut Vec<String>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let fields = Fields {
            profile,
            index,
            name,
        };
        let mode = fields.required("mode")?;
        let static_key = || -> Result<Credentials, CredentialsError> {
            Ok(Credentials::new(
                fields.required("access_key_id")?,
                fields.required("access_key_secret")?,
            ))
        };
        let built = |result: Result<SharedCredentialsProvider, CredentialsError>| {
            result.map_err(|e| {
                // Errors of this file's fields already say where they are.
                if e.provider() == PROVIDER {
                    return e;
                }
                CredentialsError::new(
                    PROVIDER,
                    e.kind(),
                    format!("profile '{name}' (mode {mode}): {}", e.message()),
                )
                .with_field(format!("profiles[{index}]"))
            })
        };
        match mode {
            "AK" => Ok(SharedCredentialsProvider::new(static_key()?)),
            "StsToken" => Ok(SharedCredentialsProvider::new(
                static_key()?.with_security_token(fields.required("sts_token")?),
            )),
            "RamRoleArn" => {
                let source = SharedCredentialsProvider::new(static_key()?);
                built(self.role(&fields, source))
            }
            "ChainableRamRoleArn" => {
                let source_name = fields.required("source_profile")?;
                visiting.push(name.to_owned());
                if visiting.iter().any(|n| n == source_name) {
                    return Err(fields.invalid(
                        "source_profile",
                        format!(
                            "source_profile '{source_name}' leads back to itself ({} -> {source_name})",
                            visiting.join(" -> ")
                        ),
                    ));
                }
                let Some((source_index, source_profile)) = find_profile(self.profiles, source_name)
                else {
                    return Err(fields.invalid(
                        "source_profile",
                        format!("source_profile '{source_name}' names no profile"),
                    ));
                };
                let source = self.provider(source_profile, source_index, source_name, visiting)?;
                built(self.role(&fields, source))
            }
            "EcsRamRole" => {
                let mut builder = EcsRamRoleProvider::builder().env(self.env.clone());
                if let Some(role) = fields.optional("ram_role_name")? {
                    builder = builder.role_name(role);
                }
                if let Some(endpoint) = self.ecs_endpoint {
                    builder = builder.endpoint(endpoint);
                }
                Ok(SharedCredentialsProvider::new(builder.build()))
            }
            "CredentialsURI" => {
                let mut builder = CredentialsUriProvider::builder()
                    .env(self.env.clone())
                    .uri(fields.required("credentials_uri")?);
                if let Some(options) = self.transport_options {
                    builder = builder.transport_options(options.clone());
                }
                built(builder.build().map(SharedCredentialsProvider::new))
            }
            "OIDC" => {
                let mut builder = OidcRoleArnProvider::builder()
                    .env(self.env.clone())
                    .oidc_token_file(fields.required("oidc_token_file")?)
                    .oidc_provider_arn(fields.required("oidc_provider_arn")?)
                    .role_arn(fields.required("ram_role_arn")?);
                if let Some(session) = fields.optional("ram_session_name")? {
                    builder = builder.role_session_name(session);
                }
                if let Some(seconds) = fields.seconds("expired_seconds")? {
                    builder = builder.duration_seconds(seconds);
                }
                if let Some(region) = fields.optional("sts_region")? {
                    builder = builder.sts_region(region);
                }
                if fields.flag("enable_vpc")? {
                    builder = builder.enable_vpc(true);
                }
                if let Some(policy) = fields.optional("policy")? {
                    builder = builder.policy(policy);
                }
                if let Some(options) = self.transport_options {
                    builder = builder.transport_options(options.clone());
                }
                built(builder.build().map(SharedCredentialsProvider::new))
            }
            other => {
                let why = if NOT_YET.contains(&other) {
                    "is not supported by this SDK yet"
                } else {
                    "is not a mode this SDK knows"
                };
                Err(CredentialsError::new(
                    PROVIDER,
                    CredentialsErrorKind::Unsupported,
                    format!(
                        "unsupported mode '{other}' in profile '{name}': {why} (supported: {SUPPORTED})"
                    ),
                )
                .with_field(format!("profiles[{index}].mode")))
            }
        }
    }

    /// A `RamRoleArn` provider over `source` from the role fields.
    fn role(
        &self,
        fields: &Fields<'_>,
        source: SharedCredentialsProvider,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let mut builder = RamRoleArnProvider::builder()
            .env(self.env.clone())
            .shared_source(source)
            .role_arn(fields.required("ram_role_arn")?);
        if let Some(session) = fields.optional("ram_session_name")? {
            builder = builder.role_session_name(session);
        }
        if let Some(seconds) = fields.seconds("expired_seconds")? {
            builder = builder.duration_seconds(seconds);
        }
        if let Some(region) = fields.optional("sts_region")? {
            builder = builder.sts_region(region);
        }
        if fields.flag("enable_vpc")? {
            builder = builder.enable_vpc(true);
        }
        if let Some(policy) = fields.optional("policy")? {
            builder = builder.policy(policy);
        }
        if let Some(id) = fields.optional("external_id")? {
            builder = builder.external_id(id);
        }
        if let Some(options) = self.transport_options {
            builder = builder.transport_options(options.clone());
        }
        builder.build().map(SharedCredentialsProvider::new)
    }
}

fn find_profile<'a>(profiles: &'a [Value], name: &str) -> Option<(usize, &'a Map<String, Value>)> {
    profiles.iter().enumerate().find_map(|(i, p)| {
        let p = p.as_object()?;
        (p.get("name").and_then(Value::as_str) == Some(name)).then_some((i, p))
    })
}

/// Reads fields of `profiles[index]`; errors name the field, never its value.
struct Fields<'a> {
    profile: &'a Map<String, Value>,
    index: usize,
    name: &'a str,
}

impl<'a> Fields<'a> {
    fn invalid(&self, key: &str, message: String) -> CredentialsError {
        CredentialsError::new(
            PROVIDER,
            CredentialsErrorKind::Invalid,
            format!("profile '{}': {message}", self.name),
        )
        .with_field(format!("profiles[{}].{key}", self.index))
    }

    fn required(&self, key: &str) -> Result<&'a str, CredentialsError> {
        required_str(self.profile, key)
            .map_err(|problem| self.invalid(key, format!("{key} {}", problem.describe())))
    }

    /// A string that may be absent; `""` counts as absent (the CLI writes
    /// empty strings for unset fields).
    fn optional(&self, key: &str) -> Result<Option<&'a str>, CredentialsError> {
        optional_str(self.profile, key)
            .map(|v| v.filter(|s| !s.is_empty()))
            .map_err(|problem| self.invalid(key, format!("{key} {}", problem.describe())))
    }

    /// A number of seconds; absent or 0 means the default.
    fn seconds(&self, key: &str) -> Result<Option<u32>, CredentialsError> {
        match self.profile.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(0) => Ok(None),
                Some(n) if n <= u64::from(u32::MAX) => Ok(Some(n as u32)),
                _ => Err(self.invalid(key, format!("{key} must be a positive whole number"))),
            },
            Some(other) => Err(self.invalid(
                key,
                format!("{key} must be a number, found {}", type_name(other)),
            )),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, CredentialsError> {
        match self.profile.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.invalid(
                key,
                format!("{key} must be true or false, found {}", type_name(other)),
            )),
        }
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let resolved = self.load();
        Box::pin(async move {
            let (provider, name, path) = resolved?;
            provider
                .provide_credentials()
                .await
                .map_err(|e| in_profile(e, &name, &path))
        })
    }
}

/// An error of the provider a profile resolved to (STS, the metadata
/// service...), told as this provider's, with the profile and the file.
fn in_profile(error: CredentialsError, profile: &str, path: &std::path::Path) -> CredentialsError {
    let mut wrapped = CredentialsError::new(
        PROVIDER,
        error.kind(),
        format!("profile '{profile}': {error}"),
    )
    .with_path(path);
    if let Some(field) = error.field() {
        wrapped = wrapped.with_field(field.to_owned());
    }
    wrapped
}
