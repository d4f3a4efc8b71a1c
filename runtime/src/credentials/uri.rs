//! Credentials served over HTTP by a sidecar or a local agent, at the URI in
//! `ALIBABA_CLOUD_CREDENTIALS_URI`.

use std::sync::Arc;

use serde_json::Value;

use super::json::{optional_str, type_name};
use super::sts::{read_credentials, LazyTransport};
use super::{
    Credentials, CredentialsError, CredentialsErrorKind, Env, ProvideCredentials,
    ProvideCredentialsFuture,
};
use crate::transport::{HttpRequest, Transport, TransportOptions};

const PROVIDER: &str = "credentials uri";
pub(crate) const URI_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// `GET`s credentials from a URI at each call. The answer is a JSON object
/// with `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and `Expiration`
/// (and `Code: "Success"` when present), as for Alibaba's credentials
/// libraries. Wrap it in a [`CachingProvider`](super::CachingProvider).
///
/// ```no_run
/// use alibabacloud_sdk::credentials::CredentialsUriProvider;
/// let provider = CredentialsUriProvider::builder()
///     .uri("http://127.0.0.1:8080/credentials")
///     .build()?;
/// # Ok::<(), alibabacloud_sdk::credentials::CredentialsError>(())
/// ```
pub struct CredentialsUriProvider {
    uri: String,
    transport: LazyTransport,
}

impl std::fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query may carry an access token.
        f.debug_struct("CredentialsUriProvider")
            .field("uri", &self.shown_uri())
            .finish_non_exhaustive()
    }
}

/// Configures a [`CredentialsUriProvider`].
#[derive(Default)]
pub struct CredentialsUriProviderBuilder {
    env: Env,
    uri: Option<String>,
    options: Option<TransportOptions>,
    transport: Option<Arc<dyn Transport>>,
}

impl std::fmt::Debug for CredentialsUriProviderBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsUriProviderBuilder")
            .field("env", &self.env)
            .field("uri_set", &self.uri.is_some())
            .finish_non_exhaustive()
    }
}

impl CredentialsUriProviderBuilder {
    /// Where `ALIBABA_CLOUD_CREDENTIALS_URI` is read (default: the process
    /// environment).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The URI (default `ALIBABA_CLOUD_CREDENTIALS_URI`), `http://` or `https://`.
    pub fn uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// Settings of the HTTP client (default: connect 5 s, read 10 s).
    pub fn transport_options(mut self, options: TransportOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// Another transport.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the URI and builds the provider.
    pub fn build(self) -> Result<CredentialsUriProvider, CredentialsError> {
        let (uri, variable) = match self.uri.filter(|u| !u.is_empty()) {
            Some(uri) => (uri, None),
            None => match self.env.get(URI_VAR) {
                Some(uri) => (uri, Some(URI_VAR)),
                None => {
                    return Err(CredentialsError::new(
                        PROVIDER,
                        CredentialsErrorKind::NotConfigured,
                        "no credentials URI given",
                    )
                    .with_variable(URI_VAR))
                }
            },
        };
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            let error = CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Invalid,
                "the credentials URI must start with http:// or https://",
            );
            return Err(match variable {
                Some(v) => error.with_variable(v),
                None => error,
            });
        }
        Ok(CredentialsUriProvider {
            uri,
            transport: LazyTransport::new(self.options, self.transport),
        })
    }
}

impl CredentialsUriProvider {
    /// A builder.
    pub fn builder() -> CredentialsUriProviderBuilder {
        CredentialsUriProviderBuilder::default()
    }

    /// The URI without its query (which may hold a token), for messages.
    fn shown_uri(&self) -> &str {
        self.uri.split(['?', '#']).next().unwrap_or_default()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let transport = self.transport.get(PROVIDER)?;
        let what = format!("credentials from {}", self.shown_uri());
        let response = transport
            .send(HttpRequest {
                method: "GET".into(),
                url: self.uri.clone(),
                headers: vec![("accept".into(), "application/json".into())],
                body: Vec::new(),
            })
            .await
            .map_err(|e| {
                CredentialsError::new(
                    PROVIDER,
                    CredentialsErrorKind::Unavailable,
                    format!("{what}: {e}"),
                )
            })?;
        if response.status != 200 {
            return Err(CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Unavailable,
                format!("{what}: HTTP {}", response.status),
            ));
        }
        let invalid = |message: String, field: &str| {
            CredentialsError::new(
                PROVIDER,
                CredentialsErrorKind::Invalid,
                format!("{what}: {message}"),
            )
            .with_field(field.to_owned())
        };
        let value: Value = serde_json::from_slice(&response.body)
            .map_err(|e| invalid(format!("the answer is not valid JSON: {e}"), "$"))?;
        let Some(object) = value.as_object() else {
            return Err(invalid(
                format!(
                    "the answer must be a JSON object, found {}",
                    type_name(&value)
                ),
                "$",
            ));
        };
        match optional_str(object, "Code") {
            Ok(None | Some("Success")) => {}
            Ok(Some(code)) => {
                return Err(invalid(
                    format!("Code is {code:?}, not \"Success\""),
                    "Code",
                ))
            }
            Err(problem) => return Err(invalid(format!("Code {}", problem.describe()), "Code")),
        }
        let credentials = read_credentials(object, "", &invalid)?;
        match credentials.expiration() {
            Some(at) if at <= std::time::SystemTime::now() => Err(invalid(
                "the credentials served have already expired; not used".into(),
                "Expiration",
            )),
            _ => Ok(credentials),
        }
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
