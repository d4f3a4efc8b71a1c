//! A local Alibaba Cloud OpenAPI endpoint for tests and demos: no account,
//! no network.
//!
//! - **Spec-driven**: serves every operation of the RPC and ROA
//!   `api-docs.json` files under a directory (`api-specs/` by default):
//!   RPC by `Action`/`Version`, ROA by method and path template. Checks each
//!   request's parameters against the spec (required, type, enum, length,
//!   item count; ROA JSON bodies member by member) and answers with the
//!   spec's `responseDemo`.
//! - **Signature-checking**: recomputes signature V1 (HMAC-SHA1) and V3
//!   (`ACS3-HMAC-SHA256`) with `alibabacloud-signing` from what arrived, and
//!   rejects stale timestamps, replayed nonces and unknown access keys with
//!   the real service's error codes and bodies.
//! - **Stateful where it matters**: R-kvstore instances with their ECS
//!   security groups and IP whitelists (`DescribeInstances`,
//!   `DescribeInstanceAttribute`, `Modify/DescribeSecurityGroupConfiguration`,
//!   `Modify/DescribeSecurityIps`), seeded from a JSON state file, every
//!   change atomic under concurrency.
//! - **Generic state for every RPC product** ([`generic`]): resources seeded
//!   ([`MockConfig::resource`], the state file's `resources`) or created by
//!   `Create*`/`Allocate*`/`Run*` calls are read back by `Describe*`/`Get*`/
//!   `List*` calls, which answer an id never seen with the operation's own
//!   not-found code; lists page by `PageSize`/`PageNumber` or
//!   `MaxResults`/`NextToken` with consistent counts.
//! - **OSS** ([`oss`]): buckets, objects, ranges, listings and multipart
//!   uploads on the same port, path-style or virtual-hosted, with OSS
//!   signatures V1 and V4 checked; large bodies spill to disk.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use alibabacloud_mock::{MockConfig, MockServer};
//! let server = MockServer::start(MockConfig::new()).await?;
//! // Point an SDK at server.url() with the access key testid / testsecret.
//! # drop(server);
//! # Ok(()) }
//! ```
//!
//! Bound to 127.0.0.1 only. The binary (`cargo run -p alibabacloud-mock --
//! --help`) wraps the same library.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod catalog;
pub mod endpoint;
pub mod error;
pub mod faults;
pub mod generic;
pub mod kvstore;
pub mod oss;
pub mod params;
pub mod roa;
mod server;
pub mod sts;
pub mod wire;

pub use error::{ApiError, MockError};
pub use server::MockServer;

use std::path::PathBuf;
use std::time::Duration;

/// The access key accepted when none is configured: the pair Alibaba's
/// documentation uses in its signing examples.
pub const DEFAULT_ACCESS_KEY: (&str, &str) = ("testid", "testsecret");

/// How to start a [`MockServer`].
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Directory searched (recursively) for `api-docs.json` files.
    pub specs_dir: PathBuf,
    /// Products to load (directory or `info.product` names, any case);
    /// empty loads every spec under [`MockConfig::specs_dir`].
    pub products: Vec<String>,
    /// Initial state as JSON text; `None` uses the shipped fixture
    /// (`fixtures/state.json`).
    pub state_json: Option<String>,
    /// Accepted `(access key id, secret)` pairs; empty means
    /// [`DEFAULT_ACCESS_KEY`] only.
    pub access_keys: Vec<(String, String)>,
    /// How far a request's timestamp may be from the clock (Alibaba: 15 min).
    pub timestamp_tolerance: Duration,
    /// Print one line per request to stderr (method, action, status, code).
    pub log_requests: bool,
    /// The STS service (`AssumeRole`, `AssumeRoleWithOIDC`).
    pub sts: sts::StsConfig,
    /// Faults to inject (none by default); see [`faults`].
    pub faults: faults::FaultPlan,
    /// Accept replayed nonces (off by default): lets a load test resend
    /// one pre-signed request.
    pub allow_replay: bool,
    /// Success bodies to answer instead of the example, per action, in
    /// order; see [`MockConfig::answers`].
    pub answers: Vec<(String, Vec<serde_json::Value>)>,
    /// Resources the generic state starts with, after the state file's;
    /// see [`MockConfig::resource`].
    pub resources: Vec<generic::Seed>,
    /// The OSS service; see [`oss`].
    pub oss: oss::OssConfig,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig::new()
    }
}

impl MockConfig {
    /// Any free port, this workspace's `api-specs/`, the shipped state, the
    /// default access key, a 15-minute window, no request log.
    pub fn new() -> Self {
        MockConfig {
            port: 0,
            specs_dir: workspace_specs_dir(),
            products: Vec::new(),
            state_json: None,
            access_keys: Vec::new(),
            timestamp_tolerance: Duration::from_secs(15 * 60),
            log_requests: false,
            sts: sts::StsConfig::default(),
            faults: faults::FaultPlan::new(),
            allow_replay: false,
            answers: Vec::new(),
            resources: Vec::new(),
            oss: oss::OssConfig::default(),
        }
    }

    /// Listens on `port` (0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Loads specs from `dir`.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs_dir = dir.into();
        self
    }

    /// Loads only these products (`["cs", "r-kvstore"]`); a name no spec
    /// has makes [`MockServer::start`] fail, listing those there are.
    pub fn products<I, S>(mut self, products: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.products = products.into_iter().map(Into::into).collect();
        self
    }

    /// Starts from this state (JSON text; see `fixtures/state.json`).
    pub fn state_json(mut self, json: impl Into<String>) -> Self {
        self.state_json = Some(json.into());
        self
    }

    /// Accepts this access key (in addition to others added this way; the
    /// default pair is then no longer accepted).
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.access_keys.push((id.into(), secret.into()));
        self
    }

    /// Sets the timestamp window.
    pub fn timestamp_tolerance(mut self, tolerance: Duration) -> Self {
        self.timestamp_tolerance = tolerance;
        self
    }

    /// Accepts `token` from the OIDC provider `provider_arn` in
    /// `AssumeRoleWithOIDC`.
    pub fn oidc_token(mut self, provider_arn: impl Into<String>, token: impl Into<String>) -> Self {
        let (arn, token) = (provider_arn.into(), token.into());
        match self.sts.oidc_providers.iter_mut().find(|(a, _)| *a == arn) {
            Some((_, tokens)) => tokens.push(token),
            None => self.sts.oidc_providers.push((arn, vec![token])),
        }
        self
    }

    /// Issues STS credentials that live this many seconds, whatever the
    /// request asks (negative: already expired).
    pub fn sts_lifetime_seconds(mut self, seconds: i64) -> Self {
        self.sts.lifetime_seconds = Some(seconds);
        self
    }

    /// Logs one line per request to stderr.
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// Accepts a nonce seen before; for load tests that replay one
    /// pre-signed request.
    pub fn allow_replay(mut self, allow: bool) -> Self {
        self.allow_replay = allow;
        self
    }

    /// Answers the successful calls of `action` with `bodies`, one per call
    /// in order, then with its example again: pages of a list, or a
    /// resource whose status changes. Calls are still authenticated and
    /// checked against the spec first, and each body gets the call's request
    /// id under the key it already uses.
    pub fn answers<I>(mut self, action: impl Into<String>, bodies: I) -> Self
    where
        I: IntoIterator<Item = serde_json::Value>,
    {
        self.answers
            .push((action.into(), bodies.into_iter().collect()));
        self
    }

    /// Starts with a resource of `product` (`"ecs"`, `"Ecs"`: any case, as
    /// `info.product` spells it) whose id key is `kind` (`"InstanceId"`):
    /// `Describe*`/`Get*`/`List*` calls that look it up find it, and lists
    /// of that kind hold it. See [`generic`].
    pub fn resource(
        self,
        product: impl Into<String>,
        kind: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        self.resource_with(product, kind, id, serde_json::Map::new())
    }

    /// As [`MockConfig::resource`], with attributes by response field name
    /// (`{"Status": "Stopped"}`): answers about the resource carry them
    /// wherever the example answer has the field, in the example's JSON type.
    pub fn resource_with(
        mut self,
        product: impl Into<String>,
        kind: impl Into<String>,
        id: impl Into<String>,
        attributes: serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        let mut seed = generic::Seed::new(product, kind, id);
        seed.resource.attributes = attributes;
        self.resources.push(seed);
        self
    }

    /// Configures the OSS service (disk threshold, memory budget, region);
    /// see [`oss`].
    pub fn oss(mut self, oss: oss::OssConfig) -> Self {
        self.oss = oss;
        self
    }

    /// Injects these faults (replacing any set before); see [`faults`].
    pub fn faults(mut self, plan: faults::FaultPlan) -> Self {
        self.faults = plan;
        self
    }
}

/// Parses `ID:SECRET` (the secret may itself contain `:`).
pub fn parse_access_key(text: &str) -> Result<(String, String), MockError> {
    match text.split_once(':') {
        Some((id, secret)) if !id.is_empty() && !secret.is_empty() => {
            Ok((id.to_owned(), secret.to_owned()))
        }
        _ => Err(MockError::AccessKey(
            "expected ID:SECRET with both parts non-empty".into(),
        )),
    }
}

/// The `api-specs/` directory of the workspace this crate was built in: the
/// default when no directory is given, so tests and `cargo run` from any
/// directory of the workspace find the specs.
pub fn workspace_specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("api-specs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_parsing() {
        assert_eq!(
            parse_access_key("id:se:cret").unwrap(),
            ("id".to_owned(), "se:cret".to_owned())
        );
        for bad in ["", "id", "id:", ":secret"] {
            assert!(parse_access_key(bad).is_err(), "{bad:?}");
        }
    }
}
