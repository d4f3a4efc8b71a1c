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
    Credentials, CredentialsError, CredentialsErrorKind, Env, ProvideCredentials,
    ProvideCredentialsFuture,
};

const PROVIDER: &str = "cli profile";
/// Selects the profile, before the file's `current` (as in the official SDKs).
pub(crate) const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";
/// `true` turns this provider off (as in the official SDKs).
const DISABLED_VAR: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// Reads a profile of the Alibaba Cloud CLI configuration
/// (`$HOME/.aliyun/config.json`) at each call.
///
/// The profile is, in order: the one given to the builder, the one named by
/// `ALIBABA_CLOUD_PROFILE`, the file's `current`. Modes `AK` and `StsToken`
/// are supported; other modes are a [`CredentialsErrorKind::Unsupported`]
/// error. `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` disables the provider.
#[derive(Debug, Clone, Default)]
pub struct CliProfileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile_name: Option<String>,
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

    fn load(&self) -> Result<Credentials, CredentialsError> {
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
        let found = profiles.iter().enumerate().find_map(|(i, p)| {
            let p = p.as_object()?;
            (p.get("name").and_then(Value::as_str) == Some(name.as_str())).then_some((i, p))
        });
        let Some((index, profile)) = found else {
            return Err(error(
                CredentialsErrorKind::NotConfigured,
                format!("no profile named '{name}' ({chosen_by})"),
            )
            .with_field("profiles"));
        };
        profile_credentials(profile, index, &name).map_err(|e| e.with_path(path.clone()))
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

/// Credentials of one profile object, `profiles[index]`.
fn profile_credentials(
    profile: &Map<String, Value>,
    index: usize,
    name: &str,
) -> Result<Credentials, CredentialsError> {
    let field = |key: &str| -> Result<&str, CredentialsError> {
        required_str(profile, key).map_err(|problem| {
            CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Invalid,
                format!("profile '{name}': {key} {}", problem.describe()),
            )
            .with_field(format!("profiles[{index}].{key}"))
        })
    };
    let mode = field("mode")?;
    match mode {
        "AK" => Ok(Credentials::new(
            field("access_key_id")?,
            field("access_key_secret")?,
        )),
        "StsToken" => Ok(
            Credentials::new(field("access_key_id")?, field("access_key_secret")?)
                .with_security_token(field("sts_token")?),
        ),
        other => Err(CredentialsError::new(
            PROVIDER,
            CredentialsErrorKind::Unsupported,
            format!("unsupported mode '{other}' in profile '{name}' (supported: AK, StsToken)"),
        )
        .with_field(format!("profiles[{index}].mode"))),
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
