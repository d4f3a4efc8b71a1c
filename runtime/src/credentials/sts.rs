//! What the STS-based providers share: which STS host to call, the HTTP
//! exchange, and reading the `Credentials` object of the answer.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use alibabacloud_signing::v1;
use serde_json::Value;

use super::json::{required_str, type_name};
use super::{Credentials, CredentialsError, CredentialsErrorKind, Env};
use crate::transport::{HttpRequest, ReqwestTransport, Transport, TransportOptions};

pub(crate) const STS_VERSION: &str = "2015-04-01";
pub(crate) const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
pub(crate) const REGION_VAR: &str = "ALIBABA_CLOUD_STS_REGION";
pub(crate) const VPC_VAR: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
pub(crate) const SESSION_NAME_VAR: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// The official libraries' default session length, and STS's bounds.
pub(crate) const DEFAULT_DURATION_SECONDS: u32 = 3600;
pub(crate) const MIN_DURATION_SECONDS: u32 = 900;

/// The STS host settings a builder collects.
#[derive(Debug, Clone, Default)]
pub(crate) struct StsHost {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub vpc: Option<bool>,
}

impl StsHost {
    /// The base URL, by precedence: the builder's endpoint, the builder's
    /// region, `ALIBABA_CLOUD_STS_ENDPOINT`, `ALIBABA_CLOUD_STS_REGION`,
    /// `sts.aliyuncs.com`. A region gives `sts.<region>.aliyuncs.com`, or
    /// `sts-vpc.<region>...` when VPC is on (builder, else
    /// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`).
    pub(crate) fn resolve(
        &self,
        env: &Env,
        provider: &'static str,
    ) -> Result<String, CredentialsError> {
        if let Some(endpoint) = self.endpoint.as_deref().filter(|e| !e.is_empty()) {
            return parse_endpoint(endpoint, provider, None);
        }
        let vpc = self.vpc.unwrap_or_else(|| env.is_true(VPC_VAR));
        let prefix = if vpc { "sts-vpc" } else { "sts" };
        if let Some(region) = self.region.as_deref().filter(|r| !r.is_empty()) {
            return region_host(prefix, region, provider, None);
        }
        if let Some(endpoint) = env.get(ENDPOINT_VAR) {
            return parse_endpoint(&endpoint, provider, Some(ENDPOINT_VAR));
        }
        if let Some(region) = env.get(REGION_VAR) {
            return region_host(prefix, &region, provider, Some(REGION_VAR));
        }
        Ok("https://sts.aliyuncs.com".to_owned())
    }
}

fn config_error(
    provider: &'static str,
    message: String,
    variable: Option<&str>,
) -> CredentialsError {
    let error = CredentialsError::new(provider, CredentialsErrorKind::Invalid, message);
    match variable {
        Some(v) => error.with_variable(v),
        None => error,
    }
}

fn region_host(
    prefix: &str,
    region: &str,
    provider: &'static str,
    variable: Option<&str>,
) -> Result<String, CredentialsError> {
    if !region
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(config_error(
            provider,
            format!("STS region {region:?} is not a region id (letters, digits and '-')"),
            variable,
        ));
    }
    Ok(format!("https://{prefix}.{region}.aliyuncs.com"))
}

/// `host[:port]` or `https://host[:port]`; `http://` only for loopback
/// (a local STS in tests): the answer holds a secret.
fn parse_endpoint(
    text: &str,
    provider: &'static str,
    variable: Option<&str>,
) -> Result<String, CredentialsError> {
    let text = text.trim().trim_end_matches('/');
    let (scheme, authority) = match text.split_once("://") {
        None => ("https", text),
        Some((scheme, rest)) => (scheme, rest),
    };
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return Err(config_error(
            provider,
            format!("STS endpoint {text:?} is not host[:port] or https://host[:port]"),
            variable,
        ));
    }
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(authority, |(host, _)| host);
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    match scheme {
        "https" => Ok(format!("https://{authority}")),
        "http" if loopback => Ok(format!("http://{authority}")),
        "http" => Err(config_error(
            provider,
            format!("STS endpoint {text:?} uses plain HTTP, allowed for loopback hosts only"),
            variable,
        )),
        other => Err(config_error(
            provider,
            format!("STS endpoint {text:?}: scheme {other:?} is not supported"),
            variable,
        )),
    }
}

/// The HTTP client of an STS-based provider, built on first use (a chain
/// that never reaches the provider should not pay for TLS setup).
#[derive(Debug)]
pub(crate) struct LazyTransport {
    options: TransportOptions,
    custom: Option<Arc<dyn Transport>>,
    built: OnceLock<Result<Arc<dyn Transport>, String>>,
}

impl LazyTransport {
    pub(crate) fn new(
        options: Option<TransportOptions>,
        custom: Option<Arc<dyn Transport>>,
    ) -> Self {
        LazyTransport {
            // The official libraries' STS timeouts: 5 s connect, 10 s read.
            options: options.unwrap_or_else(|| {
                TransportOptions::default()
                    .connect_timeout(Duration::from_secs(5))
                    .read_timeout(Duration::from_secs(10))
            }),
            custom,
            built: OnceLock::new(),
        }
    }

    pub(crate) fn get(
        &self,
        provider: &'static str,
    ) -> Result<Arc<dyn Transport>, CredentialsError> {
        if let Some(t) = &self.custom {
            return Ok(t.clone());
        }
        self.built
            .get_or_init(|| {
                ReqwestTransport::from_options(&self.options)
                    .map(|t| Arc::new(t) as Arc<dyn Transport>)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|e| CredentialsError::new(provider, CredentialsErrorKind::Unavailable, e))
    }
}

/// One STS call. `signer`: the credentials that sign it with signature V1
/// (AssumeRole); `None` sends it unsigned (AssumeRoleWithOIDC).
pub(crate) struct StsCall<'a> {
    pub provider: &'static str,
    pub action: &'static str,
    pub base_url: &'a str,
    pub form: Vec<(String, String)>,
    pub signer: Option<&'a Credentials>,
    /// Names what was assumed, for messages (`role acs:ram::1:role/x`).
    pub subject: String,
}

impl StsCall<'_> {
    pub(crate) async fn send(
        self,
        transport: &LazyTransport,
    ) -> Result<Credentials, CredentialsError> {
        let provider = self.provider;
        let transport = transport.get(provider)?;
        let now = SystemTime::now();
        let timestamp = crate::signer::format_timestamp(now);
        let mut query = match self.signer {
            Some(c) => v1::common_params(
                self.action,
                STS_VERSION,
                c.access_key_id(),
                c.security_token(),
                &timestamp,
                &crate::signer::random_nonce(),
                "JSON",
            ),
            None => vec![
                ("Action".into(), self.action.into()),
                ("Format".into(), "JSON".into()),
                ("Version".into(), STS_VERSION.into()),
                ("Timestamp".into(), timestamp),
            ],
        };
        if let Some(c) = self.signer {
            // As Alibaba's credentials libraries do: query and form signed
            // together as one map.
            let signed = v1::merge_params(&query, &self.form);
            let signature = v1::sign("POST", &signed, c.access_key_secret()).signature;
            query.push(("Signature".into(), signature));
        }
        let request = HttpRequest {
            method: "POST".into(),
            url: format!("{}/?{}", self.base_url, v1::canonical_query(&query)),
            headers: vec![
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("accept".into(), "application/json".into()),
                ("user-agent".into(), crate::config::USER_AGENT.into()),
            ],
            body: v1::canonical_query(&self.form).into_bytes(),
        };
        let what = format!(
            "STS {} for {} at {}",
            self.action, self.subject, self.base_url
        );
        let response = transport.send(request).await.map_err(|e| {
            CredentialsError::new(
                provider,
                CredentialsErrorKind::Unavailable,
                format!("{what}: {e}"),
            )
        })?;
        let body = String::from_utf8_lossy(&response.body);
        if response.status != 200 {
            return Err(CredentialsError::new(
                provider,
                if (400..500).contains(&response.status) {
                    CredentialsErrorKind::Invalid
                } else {
                    CredentialsErrorKind::Unavailable
                },
                format!("{what} failed: {}", describe_error(response.status, &body)),
            ));
        }
        let credentials = parse_credentials(&body, provider, &what)?;
        match credentials.expiration() {
            Some(expiration) if expiration <= SystemTime::now() => Err(CredentialsError::new(
                provider,
                CredentialsErrorKind::Unavailable,
                format!(
                    "{what}: the answer's credentials expired at {}; not used",
                    crate::signer::format_timestamp(expiration)
                ),
            )
            .with_field("Credentials.Expiration")),
            _ => Ok(credentials),
        }
    }
}

/// `HTTP 400 Code: Message (request id R)` from an error answer; the body
/// of an STS error holds no secret, but only the known fields are shown.
fn describe_error(status: u16, body: &str) -> String {
    let value: Option<Value> = serde_json::from_str(body).ok();
    let field = |name: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match (field("Code"), field("Message")) {
        (Some(code), message) => format!(
            "HTTP {status} {code}: {}{}",
            message.unwrap_or_default(),
            field("RequestId")
                .map(|id| format!(" (request id {id})"))
                .unwrap_or_default()
        ),
        (None, _) => format!(
            "HTTP {status} with a body that is not an STS error ({} bytes)",
            body.len()
        ),
    }
}

/// The `Credentials` object of an STS (or credentials URI) answer.
pub(crate) fn parse_credentials(
    body: &str,
    provider: &'static str,
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let invalid = |message: String, field: &str| {
        CredentialsError::new(
            provider,
            CredentialsErrorKind::Invalid,
            format!("{what}: {message}"),
        )
        .with_field(field.to_owned())
    };
    let value: Value = serde_json::from_str(body)
        .map_err(|e| invalid(format!("the answer is not valid JSON: {e}"), "$"))?;
    let object = match value.get("Credentials") {
        Some(Value::Object(object)) => object,
        Some(other) => {
            return Err(invalid(
                format!("must be an object, found {}", type_name(other)),
                "Credentials",
            ))
        }
        None => return Err(invalid("missing".into(), "Credentials")),
    };
    read_credentials(object, "Credentials.", &invalid)
}

/// AccessKeyId, AccessKeySecret, SecurityToken and Expiration of `object`.
pub(crate) fn read_credentials(
    object: &serde_json::Map<String, Value>,
    prefix: &str,
    invalid: &dyn Fn(String, &str) -> CredentialsError,
) -> Result<Credentials, CredentialsError> {
    let field = |key: &str| {
        required_str(object, key).map_err(|problem| {
            invalid(
                format!("{key} {}", problem.describe()),
                &format!("{prefix}{key}"),
            )
        })
    };
    let expiration_text = field("Expiration")?;
    let expiration = super::json::parse_expiration(expiration_text).map_err(|_| {
        invalid(
            format!("Expiration '{expiration_text}' is not an RFC 3339 timestamp"),
            &format!("{prefix}Expiration"),
        )
    })?;
    Ok(
        Credentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_security_token(field("SecurityToken")?)
            .with_expiration(expiration),
    )
}

/// `credentials-rust-<microseconds>`, as the official libraries name
/// sessions they were not given a name for.
pub(crate) fn default_session_name() -> String {
    let micros = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    format!("credentials-rust-{micros}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(h: StsHost, vars: &[(&str, &str)]) -> Result<String, CredentialsError> {
        h.resolve(&Env::from_map(vars.iter().copied()), "test")
    }

    #[test]
    fn sts_host_precedence() {
        let all = [
            (ENDPOINT_VAR, "sts.env.example"),
            (REGION_VAR, "cn-beijing"),
            (VPC_VAR, "true"),
        ];
        let builder = StsHost {
            endpoint: Some("sts.builder.example".into()),
            ..StsHost::default()
        };
        assert_eq!(host(builder, &all).unwrap(), "https://sts.builder.example");
        let region = StsHost {
            region: Some("cn-shanghai".into()),
            vpc: Some(false),
            ..StsHost::default()
        };
        assert_eq!(
            host(region, &all).unwrap(),
            "https://sts.cn-shanghai.aliyuncs.com"
        );
        assert_eq!(
            host(StsHost::default(), &all).unwrap(),
            "https://sts.env.example"
        );
        assert_eq!(
            host(StsHost::default(), &all[1..]).unwrap(),
            "https://sts-vpc.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            host(StsHost::default(), &all[1..2]).unwrap(),
            "https://sts.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            host(StsHost::default(), &[]).unwrap(),
            "https://sts.aliyuncs.com"
        );
    }

    #[test]
    fn bad_sts_hosts_are_errors_naming_the_variable() {
        let e = host(
            StsHost::default(),
            &[(ENDPOINT_VAR, "http://sts.example.com")],
        )
        .unwrap_err();
        assert_eq!(e.variable(), Some(ENDPOINT_VAR));
        assert!(e.to_string().contains("loopback"), "{e}");
        let e = host(StsHost::default(), &[(REGION_VAR, "cn/../x")]).unwrap_err();
        assert_eq!(e.variable(), Some(REGION_VAR));
        assert_eq!(
            host(
                StsHost::default(),
                &[(ENDPOINT_VAR, "http://127.0.0.1:8080/")]
            )
            .unwrap(),
            "http://127.0.0.1:8080"
        );
    }
}
