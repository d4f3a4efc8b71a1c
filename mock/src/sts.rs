//! STS (`2015-04-01`): `AssumeRole` (signed) and `AssumeRoleWithOIDC`
//! (unsigned, the OIDC token is the proof) answer with temporary
//! credentials that the endpoint then accepts for signing, together with
//! their security token, until they expire. Tests choose the lifetime and
//! read back every call.

use crate::auth::{Authenticator, Scheme};
use crate::error::ApiError;
use crate::wire::Incoming;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// The STS API version.
pub const VERSION: &str = "2015-04-01";

/// What the STS accepts.
#[derive(Debug, Clone, Default)]
pub struct StsConfig {
    /// OIDC providers: `(provider ARN, tokens accepted from it)`.
    pub oidc_providers: Vec<(String, Vec<String>)>,
    /// Lifetime of issued credentials in seconds, instead of the request's
    /// `DurationSeconds` (negative: already expired when issued).
    pub lifetime_seconds: Option<i64>,
}

/// One STS call the mock answered (or refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsCall {
    /// `AssumeRole` or `AssumeRoleWithOIDC`.
    pub action: String,
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub role_session_name: Option<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<String>,
    /// `ExternalId`.
    pub external_id: Option<String>,
    /// `Policy`.
    pub policy: Option<String>,
    /// `OIDCToken`, for `AssumeRoleWithOIDC`.
    pub oidc_token: Option<String>,
    /// The access key that signed an `AssumeRole`.
    pub caller_access_key_id: Option<String>,
    /// The access key id issued, when the call succeeded.
    pub issued_access_key_id: Option<String>,
}

#[derive(Debug, Clone)]
struct Issued {
    secret: String,
    token: String,
    expires: u64,
}

/// The STS service's state: configuration, issued credentials, call log.
#[derive(Debug, Default)]
pub struct Sts {
    config: Mutex<StsConfig>,
    issued: Mutex<HashMap<String, Issued>>,
    calls: Mutex<Vec<StsCall>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn iso8601(secs: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(secs as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.format(&format).unwrap_or_default()
}

fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

impl Sts {
    /// A service with this configuration.
    pub fn new(config: StsConfig) -> Self {
        Sts {
            config: Mutex::new(config),
            ..Sts::default()
        }
    }

    /// Sets the lifetime of credentials issued from now on (`None`: the
    /// request's `DurationSeconds`; negative: already expired).
    pub fn set_lifetime_seconds(&self, seconds: Option<i64>) {
        lock(&self.config).lifetime_seconds = seconds;
    }

    /// Adds an accepted OIDC token for `provider_arn`.
    pub fn accept_oidc_token(&self, provider_arn: &str, token: &str) {
        let mut config = lock(&self.config);
        match config
            .oidc_providers
            .iter_mut()
            .find(|(arn, _)| arn == provider_arn)
        {
            Some((_, tokens)) => tokens.push(token.to_owned()),
            None => config
                .oidc_providers
                .push((provider_arn.to_owned(), vec![token.to_owned()])),
        }
    }

    /// Every STS call so far, in order.
    pub fn calls(&self) -> Vec<StsCall> {
        lock(&self.calls).clone()
    }

    /// The secret of issued credentials `access_key_id`, checking the
    /// security token sent with them and their expiry. `Ok(None)`: not
    /// issued here.
    pub fn secret(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: SystemTime,
    ) -> Result<Option<String>, ApiError> {
        let Some(issued) = lock(&self.issued).get(access_key_id).cloned() else {
            return Ok(None);
        };
        match token {
            None => Err(ApiError::new(
                400,
                "InvalidSecurityToken.Missing",
                "SecurityToken is required for STS credentials.",
            )),
            Some(t) if t != issued.token => Err(ApiError::new(
                400,
                "InvalidSecurityToken.Mismatch",
                "Specified SecurityToken mismatch with the AccessKey.",
            )),
            Some(_) if unix(now) >= issued.expires => Err(ApiError::new(
                400,
                "InvalidSecurityToken.Expired",
                "Specified SecurityToken is expired.",
            )),
            Some(_) => Ok(Some(issued.secret)),
        }
    }

    /// Answers an STS call, or `None` when `action`/`version` are not STS's.
    pub(crate) fn dispatch(
        &self,
        auth: &Authenticator,
        req: &Incoming,
        action: &str,
        version: &str,
        now: SystemTime,
        request_id: &str,
    ) -> Option<Result<Value, ApiError>> {
        if version != VERSION || !matches!(action, "AssumeRole" | "AssumeRoleWithOIDC") {
            return None;
        }
        let param = |name: &str| req.param(name).map(str::to_owned).filter(|v| !v.is_empty());
        let mut call = StsCall {
            action: action.to_owned(),
            role_arn: param("RoleArn").unwrap_or_default(),
            role_session_name: param("RoleSessionName"),
            duration_seconds: param("DurationSeconds"),
            external_id: param("ExternalId"),
            policy: param("Policy"),
            oidc_token: param("OIDCToken"),
            caller_access_key_id: None,
            issued_access_key_id: None,
        };
        let result = self.answer(auth, req, &mut call, now, request_id);
        lock(&self.calls).push(call);
        Some(result)
    }

    fn answer(
        &self,
        auth: &Authenticator,
        req: &Incoming,
        call: &mut StsCall,
        now: SystemTime,
        request_id: &str,
    ) -> Result<Value, ApiError> {
        if req.method != "POST" && req.method != "GET" {
            return Err(ApiError::new(
                404,
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
            ));
        }
        if call.action == "AssumeRole" {
            match Scheme::of(req) {
                Scheme::Unsigned => return Err(ApiError::missing("Signature")),
                scheme => auth.verify(req, scheme, now)?,
            }
            call.caller_access_key_id = req
                .param("AccessKeyId")
                .map(str::to_owned)
                .or_else(|| auth_credential(req));
        }
        if call.role_arn.is_empty() {
            return Err(ApiError::missing("RoleArn"));
        }
        let account = parse_role_arn(&call.role_arn).ok_or_else(|| {
            ApiError::new(
                400,
                "InvalidParameter.RoleArn",
                "The parameter RoleArn is wrongly formed.",
            )
        })?;
        let session = call
            .role_session_name
            .clone()
            .ok_or_else(|| ApiError::missing("RoleSessionName"))?;
        let session_ok = (2..=64).contains(&session.len())
            && session
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c));
        if !session_ok {
            return Err(ApiError::new(
                400,
                "InvalidParameter.RoleSessionName",
                "The parameter RoleSessionName is wrongly formed.",
            ));
        }
        let duration = match &call.duration_seconds {
            None => 3600,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (900..=43200).contains(&n) => n,
                _ => {
                    return Err(ApiError::new(
                        400,
                        "InvalidParameter.DurationSeconds",
                        "The Min/Max value of DurationSeconds is 15min/12hr.",
                    ))
                }
            },
        };
        if let Some(policy) = &call.policy {
            if serde_json::from_str::<Value>(policy).is_err() {
                return Err(ApiError::new(
                    400,
                    "InvalidParameter.PolicyGrammar",
                    "The parameter Policy has not passed grammar check.",
                ));
            }
        }
        if call.action == "AssumeRoleWithOIDC" {
            let provider = req
                .param("OIDCProviderArn")
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ApiError::missing("OIDCProviderArn"))?;
            let token = call
                .oidc_token
                .clone()
                .ok_or_else(|| ApiError::missing("OIDCToken"))?;
            let config = lock(&self.config);
            let Some((_, tokens)) = config
                .oidc_providers
                .iter()
                .find(|(arn, _)| arn == provider)
            else {
                return Err(ApiError::new(
                    404,
                    "EntityNotExist.OIDCProvider",
                    "The specified OIDC provider does not exist.",
                ));
            };
            if !tokens.contains(&token) {
                return Err(ApiError::new(
                    400,
                    "AuthenticationFail.OIDCToken.Invalid",
                    "The OIDC token is invalid.",
                ));
            }
        }

        let lifetime = lock(&self.config).lifetime_seconds.unwrap_or(duration);
        let expires = (unix(now) as i64 + lifetime).max(0) as u64;
        let id = random_token("STS.");
        let issued = Issued {
            secret: random_token(""),
            token: random_token("CAIS"),
            expires,
        };
        lock(&self.issued).insert(id.clone(), issued.clone());
        call.issued_access_key_id = Some(id.clone());
        let role_name = call.role_arn.rsplit('/').next().unwrap_or_default();
        let mut body = json!({
            "RequestId": request_id,
            "AssumedRoleUser": {
                "AssumedRoleId": format!("3{account}:{session}"),
                "Arn": format!("acs:ram::{account}:role/{role_name}/{session}"),
            },
            "Credentials": {
                "AccessKeyId": id,
                "AccessKeySecret": issued.secret,
                "SecurityToken": issued.token,
                "Expiration": iso8601(expires),
            },
        });
        if call.action == "AssumeRoleWithOIDC" {
            body["OIDCTokenInfo"] = json!({ "Issuer": "https://oidc.mock", "Subject": "mock" });
        }
        Ok(body)
    }
}

/// `acs:ram::<account digits>:role/<name>` -> the account.
fn parse_role_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, role) = rest.split_once(":role/")?;
    (!account.is_empty() && account.bytes().all(|b| b.is_ascii_digit()) && !role.is_empty())
        .then_some(account)
}

/// The access key id of a V3 `Authorization` header.
fn auth_credential(req: &Incoming) -> Option<String> {
    let header = req.header("authorization")?;
    let start = header.find("Credential=")? + "Credential=".len();
    let rest = &header[start..];
    Some(rest.split(',').next().unwrap_or(rest).to_owned())
}
