//! Authentication the way Alibaba Cloud's gateway does it: signature V1
//! (HMAC-SHA1 over the parameters) and V3 (`ACS3-HMAC-SHA256` in the
//! `Authorization` header), recomputed with `alibabacloud-signing` from what
//! actually arrived; the timestamp window; nonce replay; known access keys.
//!
//! The order of the checks matters for which error a broken request gets:
//! mandatory parameters, timestamp, access key, payload hash (V3), signature,
//! and the nonce last, so that a request with a wrong signature cannot use up
//! a nonce that its legitimate sender has yet to send.

use crate::error::ApiError;
use crate::sts::Sts;
use crate::wire::Incoming;
use alibabacloud_signing::{v1, v3};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Prefix of the real gateway's `SignatureDoesNotMatch` message; the
/// server's string-to-sign follows it, so callers can diff it with theirs.
pub const SIGNATURE_MISMATCH: &str =
    "Specified signature is not matched with our calculation. server string to sign is:";

/// Which signature a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Signature` parameter (HMAC-SHA1).
    V1,
    /// `Authorization: ACS3-...` header.
    V3,
    /// Neither.
    Unsigned,
}

impl Scheme {
    /// Tells the scheme from the request: an `Authorization` header means
    /// V3 (even a malformed one, which then fails as such), a `Signature`
    /// parameter V1.
    pub fn of(req: &Incoming) -> Scheme {
        if req.header("authorization").is_some() {
            Scheme::V3
        } else if req.param("Signature").is_some() {
            Scheme::V1
        } else {
            Scheme::Unsigned
        }
    }
}

/// Access keys the endpoint accepts, nonces it has seen, and the clock rule.
#[derive(Debug)]
pub struct Authenticator {
    keys: HashMap<String, String>,
    tolerance: Duration,
    nonces: Mutex<NonceStore>,
    sts: Option<Arc<Sts>>,
    allow_replay: bool,
}

#[derive(Debug, Default)]
struct NonceStore {
    /// `access key id \n nonce` -> when it was first accepted.
    seen: HashMap<String, SystemTime>,
    last_prune: Option<SystemTime>,
}

impl Authenticator {
    /// Accepts the given `(id, secret)` pairs; timestamps may be off by at
    /// most `tolerance` either way (Alibaba: 15 minutes).
    pub fn new(keys: &[(String, String)], tolerance: Duration) -> Self {
        Authenticator {
            keys: keys.iter().cloned().collect(),
            tolerance,
            nonces: Mutex::new(NonceStore::default()),
            sts: None,
            allow_replay: false,
        }
    }

    /// Also accepts the temporary credentials `sts` issues (with their
    /// security token, until they expire), and lets it answer STS calls.
    pub fn with_sts(mut self, sts: Arc<Sts>) -> Self {
        self.sts = Some(sts);
        self
    }

    /// The STS service, if any.
    pub fn sts(&self) -> Option<&Sts> {
        self.sts.as_deref()
    }

    /// Accepts a nonce seen before (off by default): for load tests that
    /// replay one pre-signed request, never for checking a client.
    pub fn allow_replay(mut self, allow: bool) -> Self {
        self.allow_replay = allow;
        self
    }

    /// Checks the request's signature by `scheme`, at time `now`.
    pub fn verify(&self, req: &Incoming, scheme: Scheme, now: SystemTime) -> Result<(), ApiError> {
        match scheme {
            Scheme::V1 => self.verify_v1(req, now),
            Scheme::V3 => self.verify_v3(req, now),
            // The caller decides whether unsigned calls are allowed.
            Scheme::Unsigned => Err(ApiError::missing("Signature")),
        }
    }

    fn verify_v1(&self, req: &Incoming, now: SystemTime) -> Result<(), ApiError> {
        let param = |name: &str| req.param(name).ok_or_else(|| ApiError::missing(name));
        let sent = param("Signature")?;
        let access_key_id = param("AccessKeyId")?;
        let timestamp = param("Timestamp")?;
        let nonce = param("SignatureNonce")?;
        let method = param("SignatureMethod")?;
        let version = param("SignatureVersion")?;
        if method != "HMAC-SHA1" || version != "1.0" {
            return Err(incomplete(&format!(
                "SignatureMethod {method:?} with SignatureVersion {version:?} is not supported; use HMAC-SHA1 and 1.0 (or signature V3)."
            )));
        }
        self.check_time(timestamp, now)?;
        let secret = self.secret(access_key_id, req.param("SecurityToken"), now)?;

        // Every parameter but the signature itself, query and form merged
        // into one map as Alibaba's code does (a form value wins).
        let query: Vec<(String, String)> = req
            .query
            .iter()
            .filter(|(k, _)| k != "Signature")
            .cloned()
            .collect();
        let signed = v1::merge_params(&query, &req.form);
        let expected = v1::sign(&req.method, &signed, &secret);
        if !same(&expected.signature, sent) {
            return Err(mismatch(&expected.string_to_sign));
        }
        self.use_nonce(access_key_id, nonce, now)
    }

    fn verify_v3(&self, req: &Incoming, now: SystemTime) -> Result<(), ApiError> {
        let auth = Authorization::parse(req.header("authorization").unwrap_or_default())?;
        let header = |name: &str| req.header(name).ok_or_else(|| ApiError::missing(name));
        let date = header("x-acs-date")?;
        let nonce = header("x-acs-signature-nonce")?;
        let content_sha256 = header("x-acs-content-sha256")?;

        // The headers that must be covered: host, every x-acs-* header and
        // the content type, as Alibaba's V3 specification requires.
        for (name, _) in &req.headers {
            let must = name == "host" || name == "content-type" || name.starts_with("x-acs-");
            if must && !auth.signed_headers.iter().any(|s| s == name) {
                return Err(incomplete(&format!(
                    "Header {name:?} is in the request but not in SignedHeaders."
                )));
            }
        }
        let mut signed_headers = Vec::with_capacity(auth.signed_headers.len());
        for name in &auth.signed_headers {
            let before = signed_headers.len();
            signed_headers.extend(
                req.header_values(name)
                    .map(|v| (name.clone(), v.to_owned())),
            );
            if signed_headers.len() == before {
                return Err(incomplete(&format!(
                    "SignedHeaders lists {name:?}, which the request does not carry."
                )));
            }
        }

        self.check_time(date, now)?;
        let secret = self.secret(&auth.credential, req.header("x-acs-security-token"), now)?;

        let body_hash = v3::hashed_payload(&req.body);
        let input = v3::V3Input {
            method: &req.method,
            path: &req.path,
            query: &req.query,
            headers: &signed_headers,
            payload: &req.body,
        };
        let expected =
            v3::sign_with_payload_hash(&input, body_hash.clone(), &auth.credential, &secret);
        if !content_sha256.eq_ignore_ascii_case(&body_hash) {
            return Err(ApiError::new(
                400,
                "SignatureDoesNotMatch",
                format!(
                    "x-acs-content-sha256 {content_sha256:?} is not the SHA-256 of the request body ({body_hash}). {SIGNATURE_MISMATCH}{}",
                    expected.string_to_sign
                ),
            ));
        }
        if !same(
            &expected.signature.to_ascii_lowercase(),
            &auth.signature.to_ascii_lowercase(),
        ) {
            return Err(mismatch(&expected.string_to_sign));
        }
        self.use_nonce(&auth.credential, nonce, now)
    }

    fn secret(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: SystemTime,
    ) -> Result<String, ApiError> {
        if let Some(secret) = self.keys.get(access_key_id) {
            return Ok(secret.clone());
        }
        if let Some(secret) = match &self.sts {
            Some(sts) => sts.secret(access_key_id, token, now)?,
            None => None,
        } {
            return Ok(secret);
        }
        Err(ApiError::new(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        ))
    }

    fn check_time(&self, timestamp: &str, now: SystemTime) -> Result<(), ApiError> {
        let sent = parse_timestamp(timestamp).ok_or_else(|| {
            ApiError::new(
                400,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            )
        })?;
        let now = unix_seconds(now);
        if sent.abs_diff(now) > self.tolerance.as_secs() {
            return Err(ApiError::new(
                400,
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.",
            ));
        }
        Ok(())
    }

    /// Records the nonce; an already recorded one is a replay.
    fn use_nonce(&self, access_key_id: &str, nonce: &str, now: SystemTime) -> Result<(), ApiError> {
        if self.allow_replay {
            return Ok(());
        }
        let key = format!("{access_key_id}\n{nonce}");
        // A poisoned lock only means another request panicked mid-insert;
        // the map is still usable.
        let mut store = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        // A nonce must be remembered while a request carrying it could still
        // pass the timestamp check: up to twice the tolerance. Pruned at most
        // once a minute, so the cost stays off the common path.
        let keep_for = self.tolerance * 2;
        let prune_due = match store.last_prune {
            None => true,
            Some(t) => now.duration_since(t).unwrap_or_default() > Duration::from_secs(60),
        };
        if prune_due {
            store
                .seen
                .retain(|_, seen| now.duration_since(*seen).unwrap_or_default() <= keep_for);
            store.last_prune = Some(now);
        }
        if store.seen.contains_key(&key) {
            return Err(ApiError::new(
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ));
        }
        store.seen.insert(key, now);
        Ok(())
    }
}

/// The parts of `Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

impl Authorization {
    fn parse(value: &str) -> Result<Authorization, ApiError> {
        let value = value.trim();
        let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
        if algorithm != "ACS3-HMAC-SHA256" {
            return Err(incomplete(&format!(
                "Authorization algorithm {algorithm:?} is not supported; expected ACS3-HMAC-SHA256."
            )));
        }
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let Some((k, v)) = part.trim().split_once('=') else {
                continue;
            };
            match k.trim() {
                "Credential" => credential = Some(v.trim()),
                "SignedHeaders" => signed = Some(v.trim()),
                "Signature" => signature = Some(v.trim()),
                _ => {}
            }
        }
        match (credential, signed, signature) {
            (Some(c), Some(h), Some(s)) if !c.is_empty() && !s.is_empty() => Ok(Authorization {
                credential: c.to_owned(),
                signed_headers: h
                    .split(';')
                    .map(|n| n.trim().to_ascii_lowercase())
                    .filter(|n| !n.is_empty())
                    .collect(),
                signature: s.to_owned(),
            }),
            _ => Err(incomplete(
                "Authorization must be ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>.",
            )),
        }
    }
}

/// `IncompleteSignature` (400): the signature is not in a form the gateway
/// can check at all.
pub(crate) fn incomplete(detail: &str) -> ApiError {
    ApiError::new(
        400,
        "IncompleteSignature",
        format!("The request signature does not conform to Aliyun standards. {detail}"),
    )
}

fn mismatch(string_to_sign: &str) -> ApiError {
    ApiError::new(
        400,
        "SignatureDoesNotMatch",
        format!("{SIGNATURE_MISMATCH}{string_to_sign}"),
    )
}

/// Equality in time independent of where the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `yyyy-MM-ddTHH:mm:ssZ` (UTC) to Unix seconds.
pub fn parse_timestamp(text: &str) -> Option<u64> {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let t = time::PrimitiveDateTime::parse(text, format)
        .ok()?
        .assume_utc();
    u64::try_from(t.unix_timestamp()).ok()
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: &str = "2016-02-23T12:46:24Z";
    const NOW: u64 = 1_456_231_584;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn auth() -> Authenticator {
        Authenticator::new(
            &[("testid".into(), "testsecret".into())],
            Duration::from_secs(900),
        )
    }

    /// The official SDK's V1 request from `captured_request.txt`.
    fn captured_v1() -> Incoming {
        Incoming::new(
            "POST",
            "/",
            Some("Action=ModifySecurityGroupConfiguration&Format=json&Version=2015-01-01&Timestamp=2016-02-23T12%3A46%3A24Z&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&DBInstanceId=r-bp1zxszhcgatnx%2A%2A%2A%2A&SecurityGroupId=sg-bpcfmyiu4ekp%2A%2A%2A%2A&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=testid&Signature=iLtdNdDo7x5IKXo2KVO2CawPwGU%3D"),
            vec![("host".into(), "127.0.0.1:18080".into())],
            Vec::new(),
        )
    }

    /// The official SDK's V3 request from `captured_request.txt`.
    fn captured_v3() -> Incoming {
        let h = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        Incoming::new(
            "POST",
            "/",
            Some("DBInstanceId=r-bp1zxszhcgatnx%2A%2A%2A%2A&SecurityGroupId=sg-bpcfmyiu4ekp%2A%2A%2A%2A"),
            vec![
                h("accept-encoding", "identity"),
                h("host", "127.0.0.1:18080"),
                h("x-acs-version", "2015-01-01"),
                h("x-acs-action", "ModifySecurityGroupConfiguration"),
                h("user-agent", "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2"),
                h("x-acs-date", TS),
                h("x-acs-signature-nonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
                h("accept", "application/json"),
                h("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                h("x-acs-credentials-provider", "static_ak"),
                h("authorization", "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=0a4d5d46af455df0d6bf81e6b1231a067d888745d1ff3faa0a8c1114dd10fa69"),
                h("content-length", "0"),
            ],
            Vec::new(),
        )
    }

    #[test]
    fn official_sdk_v1_request_verifies_then_its_nonce_is_spent() {
        let a = auth();
        let req = captured_v1();
        assert_eq!(Scheme::of(&req), Scheme::V1);
        a.verify(&req, Scheme::V1, at(NOW)).unwrap();
        let again = a.verify(&req, Scheme::V1, at(NOW + 1)).unwrap_err();
        assert_eq!(again.code, "SignatureNonceUsed");
    }

    #[test]
    fn official_sdk_v3_request_verifies() {
        let a = auth();
        let req = captured_v3();
        assert_eq!(Scheme::of(&req), Scheme::V3);
        a.verify(&req, Scheme::V3, at(NOW + 60)).unwrap();
    }

    #[test]
    fn wrong_secret_shows_the_server_string_to_sign() {
        let a = Authenticator::new(
            &[("testid".into(), "other".into())],
            Duration::from_secs(900),
        );
        let e = a.verify(&captured_v1(), Scheme::V1, at(NOW)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "SignatureDoesNotMatch"));
        assert!(e.message.starts_with(SIGNATURE_MISMATCH));
        assert!(
            e.message.ends_with("%26Version%3D2015-01-01"),
            "{}",
            e.message
        );
        let e = a.verify(&captured_v3(), Scheme::V3, at(NOW)).unwrap_err();
        assert!(e
            .message
            .contains("server string to sign is:ACS3-HMAC-SHA256\n"));
    }

    #[test]
    fn a_tampered_parameter_breaks_the_signature() {
        let mut req = captured_v1();
        req.query[6].1 = "r-other".into();
        let e = auth().verify(&req, Scheme::V1, at(NOW)).unwrap_err();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        let mut req = captured_v3();
        req.query[0].1 = "r-other".into();
        let e = auth().verify(&req, Scheme::V3, at(NOW)).unwrap_err();
        assert_eq!(e.code, "SignatureDoesNotMatch");
    }

    #[test]
    fn timestamp_window_is_fifteen_minutes_each_way() {
        let a = auth();
        assert_eq!(
            a.verify(&captured_v1(), Scheme::V1, at(NOW + 901))
                .unwrap_err()
                .code,
            "InvalidTimeStamp.Expired"
        );
        assert_eq!(
            a.verify(&captured_v1(), Scheme::V1, at(NOW - 901))
                .unwrap_err()
                .code,
            "InvalidTimeStamp.Expired"
        );
        a.verify(&captured_v1(), Scheme::V1, at(NOW + 900)).unwrap();
    }

    #[test]
    fn unknown_key_missing_params_and_bad_formats() {
        let a = Authenticator::new(&[("someone".into(), "x".into())], Duration::from_secs(900));
        let e = a.verify(&captured_v1(), Scheme::V1, at(NOW)).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (404, "InvalidAccessKeyId.NotFound")
        );

        let mut req = captured_v1();
        req.query.retain(|(k, _)| k != "SignatureNonce");
        let e = auth().verify(&req, Scheme::V1, at(NOW)).unwrap_err();
        assert_eq!(e.code, "MissingParameter");
        assert!(e.message.contains("SignatureNonce"));

        let mut req = captured_v1();
        req.query[3].1 = "yesterday".into();
        let e = auth().verify(&req, Scheme::V1, at(NOW)).unwrap_err();
        assert_eq!(e.code, "InvalidTimeStamp.Format");
    }

    #[test]
    fn v3_header_rules() {
        // A wrong payload hash.
        let mut req = captured_v3();
        req.body = b"x".to_vec();
        let e = auth().verify(&req, Scheme::V3, at(NOW)).unwrap_err();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert!(e.message.contains("x-acs-content-sha256"));
        // An unsigned x-acs-* header.
        let mut req = captured_v3();
        req.headers.push(("x-acs-extra".into(), "1".into()));
        let e = auth().verify(&req, Scheme::V3, at(NOW)).unwrap_err();
        assert_eq!(e.code, "IncompleteSignature");
        // Malformed Authorization values never panic.
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "HMAC x",
            "ACS3-HMAC-SHA256 Credential=,Signature=",
            "ACS3-HMAC-SHA256 ,,,==,",
        ] {
            let mut req = captured_v3();
            for h in &mut req.headers {
                if h.0 == "authorization" {
                    h.1 = bad.into();
                }
            }
            assert_eq!(
                auth().verify(&req, Scheme::V3, at(NOW)).unwrap_err().code,
                "IncompleteSignature",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp(TS), Some(NOW));
        for bad in [
            "",
            "2016-02-23 12:46:24",
            "2016-02-23T12:46:24",
            "2016-13-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }
}
