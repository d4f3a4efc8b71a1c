//! The request pipeline, independent of HTTP plumbing: find the operation,
//! authenticate, check the parameters, then run the stateful handler or
//! answer the spec's response example.

use crate::auth::{self, Authenticator, Scheme};
use crate::catalog::{Catalog, Operation, Style};
use crate::error::{missing_message, ApiError, ErrorShape};
use crate::generic::{self, Resources, Seed};
use crate::kvstore::{self, State};
use crate::params::{self, Violation};
use crate::wire::Incoming;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// What the endpoint answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
    /// The request id (also in the body and the `x-acs-request-id` header).
    pub request_id: String,
    /// The error code, for an error answer.
    pub code: Option<String>,
}

/// Specs, keys, nonces and state: everything a request is checked against.
#[derive(Debug)]
pub struct Endpoint {
    catalog: Catalog,
    auth: Authenticator,
    state: Mutex<State>,
    /// Every RPC product's generic resources. Locked before `state` when
    /// both are needed, never the other way round.
    resources: Mutex<Resources>,
    /// Bodies to answer before the example, per action.
    answers: Mutex<HashMap<String, VecDeque<Value>>>,
}

/// `Specified api is not found, please check your url and method.`: the
/// gateway's answer for an unknown action, and for a known one called with a
/// method or path it does not accept.
fn action_not_found() -> ApiError {
    ApiError::new(
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    )
}

impl Endpoint {
    /// An endpoint serving `catalog`, over `state`, checking with `auth`.
    pub fn new(catalog: Catalog, state: State, auth: Authenticator) -> Self {
        Endpoint {
            catalog,
            auth,
            state: Mutex::new(state),
            resources: Mutex::new(Resources::default()),
            answers: Mutex::new(HashMap::new()),
        }
    }

    /// Starts the generic state with these resources; a product no loaded
    /// spec has is an error naming those there are.
    pub fn with_resources(self, seeds: &[Seed]) -> Result<Self, String> {
        {
            let mut resources = self.lock_resources();
            for seed in seeds {
                if !self.catalog.has_product(&seed.product) {
                    return Err(format!(
                        "resources of product {:?}, which no loaded spec has (loaded: {})",
                        seed.product,
                        self.catalog.loaded().join(", ")
                    ));
                }
                resources.seed(seed.clone())?;
            }
        }
        Ok(self)
    }

    /// The ids of `kind` (`InstanceId`) that `product` has in the generic
    /// state, oldest first: seeded, then created, without those deleted.
    pub fn resource_ids(&self, product: &str, kind: &str) -> Vec<String> {
        self.lock_resources().ids(product, kind)
    }

    fn lock_resources(&self) -> std::sync::MutexGuard<'_, Resources> {
        // As for the state: every change is made whole before the guard
        // drops, so a poisoned lock still guards consistent data.
        self.resources.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers each action's successful calls with these bodies in order,
    /// before falling back to its example.
    pub fn with_answers(self, answers: &[(String, Vec<Value>)]) -> Self {
        {
            let mut queue = self.answers.lock().unwrap_or_else(|e| e.into_inner());
            for (action, bodies) in answers {
                queue
                    .entry(action.clone())
                    .or_default()
                    .extend(bodies.iter().cloned());
            }
        }
        self
    }

    /// The next scripted body for `op`, with the request id set.
    fn scripted(&self, op: &Operation, request_id: &str) -> Option<Value> {
        let mut body = self
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&op.action)
            .and_then(VecDeque::pop_front)?;
        set_request_id(&mut body, request_id);
        Some(body)
    }

    /// The next scripted body for `op`, else its example; with the request
    /// id set.
    fn success_body(&self, op: &Operation, request_id: &str) -> Value {
        self.scripted(op, request_id)
            .unwrap_or_else(|| demo_response(op, request_id))
    }

    /// The generic state's answer (see [`generic`]): lookups, pages,
    /// creations and deletions over the example answer. Scripted answers
    /// come first and bypass it.
    fn generic_body(
        &self,
        op: &Operation,
        params: &std::collections::BTreeMap<String, String>,
        request_id: &str,
    ) -> Result<Value, ApiError> {
        if let Some(body) = self.scripted(op, request_id) {
            return Ok(body);
        }
        let body = demo_response(op, request_id);
        if op.generic.is_empty() {
            return Ok(body);
        }
        // R-kvstore's stateful instances are ids its other operations know.
        let kvstore =
            op.product.eq_ignore_ascii_case(kvstore::PRODUCT) && op.version == kvstore::VERSION;
        let also_known = |id: &str| {
            if !kvstore {
                return None;
            }
            let state = self.lock_state();
            let inst = state.find(id)?;
            let mut attributes = inst.attributes.clone();
            attributes.insert("InstanceId".into(), Value::String(inst.id.clone()));
            Some(attributes)
        };
        let mut resources = self.lock_resources();
        generic::answer(
            &op.product,
            &op.generic,
            params,
            &mut resources,
            &also_known,
            body,
        )
    }

    /// The loaded specs.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// A copy of the current state.
    pub fn state(&self) -> State {
        self.lock_state().clone()
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        // Handlers do not panic; should one ever, its change was made on a
        // copy or completed, so the state is still consistent to read.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers `req` as of `now`.
    pub fn respond(&self, req: &Incoming, now: SystemTime) -> Reply {
        let request_id = uuid::Uuid::new_v4().to_string().to_ascii_uppercase();
        let mut product = None;
        let mut shape = ErrorShape::Pop;
        let result = if self.is_roa_call(req) {
            self.process_roa(req, now, &request_id, &mut product, &mut shape)
        } else {
            self.process(req, now, &request_id, &mut product)
                .map(|body| (200, body))
        };
        match result {
            Ok((status, body)) => Reply {
                status,
                // A 204 (FC's deletions) has no body.
                body: if body.is_null() {
                    String::new()
                } else {
                    body.to_string()
                },
                request_id,
                code: None,
            },
            Err(e) => Reply {
                status: e.status,
                body: e.body_in(shape, &request_id, req.host(), product.as_deref()),
                code: Some(e.code),
                request_id,
            },
        }
    }

    /// ROA calls are told apart by their path: RPC calls always go to `/`.
    /// A call to `/` is ROA only when its version is one no RPC spec has but
    /// an ROA one does (SLS's `ListProject` is `GET /`).
    fn is_roa_call(&self, req: &Incoming) -> bool {
        if req.path != "/" {
            return true;
        }
        let version = req.header("x-acs-version").or_else(|| req.param("Version"));
        version.is_some_and(|v| !self.catalog.has_version(v) && self.catalog.has_roa_version(v))
    }

    /// Routing by method and path template, signature V3, parameters in the
    /// path, query, headers and JSON body, then the example response with
    /// the operation's success status.
    fn process_roa(
        &self,
        req: &Incoming,
        now: SystemTime,
        request_id: &str,
        product: &mut Option<String>,
        shape: &mut ErrorShape,
    ) -> Result<(u16, Value), ApiError> {
        let header = |name: &str| req.header(name).filter(|v| !v.is_empty());
        let version = header("x-acs-version");
        let action = header("x-acs-action");
        if let Some(v) = version {
            if !self.catalog.has_roa_version(v) && !self.catalog.has_version(v) {
                return Err(ApiError::new(
                    400,
                    "InvalidVersion",
                    "Specified parameter Version is not valid.",
                ));
            }
        }
        let (op, path_params) = self
            .catalog
            .route_roa(&req.method, &req.path, &req.query, version, action)
            .map_err(|_| action_not_found())?;
        *product = Some(op.product.clone());
        *shape = op.error_shape;

        match Scheme::of(req) {
            Scheme::Unsigned if op.anonymous => {}
            Scheme::Unsigned => return Err(ApiError::missing("Authorization")),
            // A V1 `Signature` parameter is an RPC signature; ROA calls
            // carry theirs in the Authorization header.
            Scheme::V1 => {
                return Err(auth::incomplete(
                    "ROA calls are signed with ACS3-HMAC-SHA256 in the Authorization header.",
                ))
            }
            Scheme::V3 => self.auth.verify(req, Scheme::V3, now)?,
        }

        let query: std::collections::BTreeMap<String, String> = req.query.iter().cloned().collect();
        let form: std::collections::BTreeMap<String, String> = req.form.iter().cloned().collect();
        let input = params::RoaInput {
            query: &query,
            path: &path_params,
            headers: &req.headers,
            form: &form,
            body: &req.body,
        };
        if let Err(v) = params::check_roa(&op.parameters, &input) {
            return Err(violation_error(&op, &v));
        }
        if op.success_status == 204 {
            return Ok((204, Value::Null));
        }
        Ok((op.success_status, self.success_body(&op, request_id)))
    }

    fn process(
        &self,
        req: &Incoming,
        now: SystemTime,
        request_id: &str,
        product: &mut Option<String>,
    ) -> Result<Value, ApiError> {
        let scheme = Scheme::of(req);
        // V3 names the call in headers, V1 in parameters; accept either
        // place, preferring the one of the request's scheme.
        let named = |header: &str, param: &str| -> Option<String> {
            let (first, second) = if scheme == Scheme::V3 {
                (req.header(header), req.param(param))
            } else {
                (req.param(param), req.header(header))
            };
            first
                .or(second)
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
        };
        let action = named("x-acs-action", "Action").ok_or_else(|| ApiError::missing("Action"))?;
        let version =
            named("x-acs-version", "Version").ok_or_else(|| ApiError::missing("Version"))?;

        // RPC calls go to `/`; the path is all the gateway has for routing
        // ROA calls, which this endpoint does not serve.
        if req.path != "/" {
            return Err(action_not_found());
        }
        if let Some(answer) = self
            .auth
            .sts()
            .and_then(|sts| sts.dispatch(&self.auth, req, &action, &version, now, request_id))
        {
            *product = Some("Sts".to_owned());
            return answer;
        }
        // The real gateway knows the product from the host name and checks
        // the version first; without host routing, "no spec has this
        // version" is the closest equivalent.
        if !self.catalog.has_version(&version) {
            return Err(ApiError::new(
                400,
                "InvalidVersion",
                "Specified parameter Version is not valid.",
            ));
        }
        let op = self
            .catalog
            .get(&version, &action)
            .ok_or_else(action_not_found)?;
        debug_assert_eq!(op.style, Style::Rpc);
        *product = Some(op.product.clone());
        if !op.allows_method(&req.method) {
            return Err(action_not_found());
        }

        match scheme {
            Scheme::Unsigned if op.anonymous => {}
            Scheme::Unsigned => {
                let name = if req.header("x-acs-action").is_some() {
                    "Authorization"
                } else {
                    "Signature"
                };
                return Err(ApiError::missing(name));
            }
            signed => self.auth.verify(req, signed, now)?,
        }

        let params = req.params();
        if let Err(v) = params::check(&op.parameters, &params) {
            return Err(violation_error(&op, &v));
        }

        if kvstore::is_stateful(&op) {
            let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let mut state = self.lock_state();
            return kvstore::handle(&op, &params, &mut state, request_id, now_secs);
        }
        self.generic_body(&op, &params, request_id)
    }
}

/// The error answer for a parameter violation: the operation's own row when
/// its error table has one for the condition, else the gateway's generic
/// `MissingParameter` / `InvalidParameter`.
///
/// `MissingParameter` takes the status of the operation's table when the
/// table lists the code (R-kvstore's `ModifySecurityGroupConfiguration`
/// files it under 404), preferring the row whose message names the
/// parameter; otherwise 400, the gateway's status for it.
pub fn violation_error(op: &Operation, v: &Violation) -> ApiError {
    if let Some(e) = kvstore::violation_error(op, v) {
        return e;
    }
    match v {
        Violation::Missing { name } => {
            let quoted = [format!("\u{201c}{name}\u{201d}"), format!("\"{name}\"")];
            let rows: Vec<_> = op.rows("MissingParameter").collect();
            let named = rows
                .iter()
                .find(|r| quoted.iter().any(|q| r.message.contains(q.as_str())));
            match (named, rows.first()) {
                (Some(row), _) => {
                    ApiError::new(row.status, "MissingParameter", row.message.clone())
                }
                (None, Some(row)) => {
                    ApiError::new(row.status, "MissingParameter", missing_message(name))
                }
                (None, None) => ApiError::missing(name),
            }
        }
        Violation::Invalid { name, why } => ApiError::invalid_parameter(name, why),
        Violation::TooMany { name, max, actual } => {
            ApiError::invalid_parameter(name, &format!("{actual} items; at most {max} are allowed"))
        }
    }
}

/// The spec's `responseDemo` JSON example with a fresh request id (under
/// the key the example or the schema uses: `RequestId`, `requestId` or
/// `request_id`); just the request id when the spec has no usable example
/// (an empty object for an ROA operation whose schema has no such key).
fn demo_response(op: &Operation, request_id: &str) -> Value {
    let id = Value::String(request_id.to_owned());
    let mut body = op.demo.clone().unwrap_or_else(|| {
        let key = match (&op.style, &op.request_id_key) {
            (_, Some(key)) => Some(key.as_str()),
            (Style::Rpc, None) => Some("RequestId"),
            (Style::Roa(_), None) => None,
        };
        let mut obj = serde_json::Map::new();
        if let Some(key) = key {
            obj.insert(key.to_owned(), id.clone());
        }
        Value::Object(obj)
    });
    set_request_id(&mut body, request_id);
    body
}

/// Replaces the request id under whichever spelling the body uses.
fn set_request_id(body: &mut Value, request_id: &str) {
    if let Some(obj) = body.as_object_mut() {
        for key in ["RequestId", "requestId", "request_id"] {
            if let Some(v) = obj.get_mut(key) {
                *v = Value::String(request_id.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alibabacloud_signing::{percent_encode, v1, v3};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    const TS: &str = "2016-02-23T12:46:24Z";
    const NOW: u64 = 1_456_231_584;
    const VERSION: &str = "2015-01-01";

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn endpoint() -> Endpoint {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
        Endpoint::new(
            Catalog::load_dir(&dir).unwrap(),
            State::from_json(kvstore::DEFAULT_STATE).unwrap(),
            Authenticator::new(
                &[("testid".into(), "testsecret".into())],
                Duration::from_secs(900),
            ),
        )
    }

    fn nonce() -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        format!("nonce-{}", N.fetch_add(1, Ordering::Relaxed))
    }

    fn query_string(pairs: &[(String, String)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// A V1-signed request for `action` with `params`, the way the SDKs send it.
    fn v1_call(method: &str, action: &str, version: &str, params: &[(&str, &str)]) -> Incoming {
        let mut q = v1::common_params(action, version, "testid", None, TS, &nonce(), "json");
        q.extend(
            params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let sig = v1::sign(method, &q, "testsecret").signature;
        q.push(("Signature".into(), sig));
        Incoming::new(
            method,
            "/",
            Some(&query_string(&q)),
            vec![("host".into(), "127.0.0.1:1".into())],
            Vec::new(),
        )
    }

    /// A V3-signed request.
    fn v3_call(action: &str, params: &[(&str, &str)]) -> Incoming {
        let query: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut headers: Vec<(String, String)> = [
            ("host", "127.0.0.1:1"),
            ("x-acs-action", action),
            ("x-acs-version", VERSION),
            ("x-acs-date", TS),
            ("x-acs-content-sha256", &v3::hashed_payload(b"")),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        headers.push(("x-acs-signature-nonce".into(), nonce()));
        let signed = v3::sign(
            &v3::V3Input {
                method: "POST",
                path: "/",
                query: &query,
                headers: &headers,
                payload: b"",
            },
            "testid",
            "testsecret",
        );
        headers.push(("authorization".into(), signed.authorization));
        Incoming::new(
            "POST",
            "/",
            Some(&query_string(&query)),
            headers,
            Vec::new(),
        )
    }

    fn call(e: &Endpoint, req: &Incoming) -> (u16, Value) {
        let r = e.respond(req, now());
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["RequestId"], r.request_id.as_str());
        (r.status, body)
    }

    fn code(e: &Endpoint, req: &Incoming) -> (u16, String) {
        let (status, body) = call(e, req);
        (status, body["Code"].as_str().unwrap_or("OK").to_owned())
    }

    const MSGC: &str = "ModifySecurityGroupConfiguration";
    const R1: &str = "r-mock000000000001";

    #[test]
    fn gateway_errors() {
        let e = endpoint();
        let c = |req: Incoming| code(&e, &req);
        assert_eq!(
            c(v1_call("POST", "NoSuchAction", VERSION, &[])),
            (404, "InvalidAction.NotFound".into())
        );
        assert_eq!(
            c(v1_call("POST", MSGC, "2099-01-01", &[])),
            (400, "InvalidVersion".into())
        );
        assert_eq!(
            c(v1_call("PUT", MSGC, VERSION, &[])),
            (404, "InvalidAction.NotFound".into())
        );
        let mut other_path = v1_call("POST", "DescribeRegions", VERSION, &[]);
        other_path.path = "/regions".into();
        assert_eq!(c(other_path), (404, "InvalidAction.NotFound".into()));
        let unsigned = Incoming::new(
            "GET",
            "/",
            Some("Action=DescribeRegions&Version=2015-01-01"),
            vec![],
            vec![],
        );
        assert_eq!(c(unsigned), (400, "MissingParameter".into()));
        let no_action = Incoming::new("GET", "/", Some("Version=2015-01-01"), vec![], vec![]);
        let (_, body) = call(&e, &no_action);
        assert!(body["Message"]
            .as_str()
            .unwrap()
            .contains("\u{201c}Action\u{201d}"));
    }

    #[test]
    fn scripted_answers_come_in_order_after_the_checks_then_the_example() {
        let e = endpoint().with_answers(&[(
            "DescribeRegions".to_owned(),
            vec![
                serde_json::json!({"RequestId": "x", "Page": 1}),
                serde_json::json!({"RequestId": "x", "Page": 2}),
            ],
        )]);
        // A refused call does not use up an answer.
        let (status, c) = code(&e, &v1_call("GET", "DescribeRegions", "2000-01-01", &[]));
        assert_eq!((status, c.as_str()), (400, "InvalidVersion"));
        for page in [1, 2] {
            let (status, body) = call(&e, &v1_call("GET", "DescribeRegions", VERSION, &[]));
            assert_eq!((status, &body["Page"]), (200, &serde_json::json!(page)));
            assert_ne!(body["RequestId"], "x", "the call's own request id");
        }
        let (_, body) = call(&e, &v1_call("GET", "DescribeRegions", VERSION, &[]));
        assert!(body.get("Page").is_none(), "then the example: {body}");
        assert!(body.get("RegionIds").is_some());
    }

    #[test]
    fn other_operations_answer_their_response_demo() {
        let e = endpoint();
        let (status, body) = call(&e, &v1_call("GET", "DescribeRegions", VERSION, &[]));
        assert_eq!(status, 200);
        assert_eq!(
            body["RegionIds"]["KVStoreRegion"][0]["RegionId"],
            "cn-hangzhou"
        );
        assert_ne!(body["RequestId"], "AD425AD3-CC7B-4EE2-A5CB-2F61BA73****");
        // The same parameter checks run before the demo is served.
        let (status, c) = code(
            &e,
            &v3_call(
                "TagResources",
                &[
                    ("RegionId", "cn-hangzhou"),
                    ("ResourceType", "INSTANCE"),
                    ("ResourceId.1", "r-1"),
                ],
            ),
        );
        assert_eq!((status, c.as_str()), (400, "MissingParameter"));
        let (status, c) = code(
            &e,
            &v3_call(
                "TagResources",
                &[
                    ("RegionId", "cn-hangzhou"),
                    ("ResourceType", "DISK"),
                    ("ResourceId.1", "r-1"),
                    ("Tag.1.Key", "k"),
                ],
            ),
        );
        assert_eq!((status, c.as_str()), (400, "InvalidParameter"));
        let (status, _) = code(
            &e,
            &v3_call(
                "TagResources",
                &[
                    ("RegionId", "cn-hangzhou"),
                    ("ResourceType", "INSTANCE"),
                    ("ResourceId.1", "r-1"),
                    ("Tag.1.Key", "k"),
                ],
            ),
        );
        assert_eq!(status, 200);
    }

    #[test]
    fn security_groups_are_replaced_and_read_back() {
        let e = endpoint();
        let (status, _) = call(
            &e,
            &v1_call(
                "POST",
                MSGC,
                VERSION,
                &[
                    ("DBInstanceId", R1),
                    ("SecurityGroupId", "sg-a1,sg-b2,sg-a1"),
                ],
            ),
        );
        assert_eq!(status, 200);
        let (_, body) = call(
            &e,
            &v3_call("DescribeSecurityGroupConfiguration", &[("InstanceId", R1)]),
        );
        assert_eq!(
            body["Items"],
            serde_json::json!({"EcsSecurityGroupRelation": [
                {"SecurityGroupId": "sg-a1", "RegionId": "cn-hangzhou", "NetType": "vpc"},
                {"SecurityGroupId": "sg-b2", "RegionId": "cn-hangzhou", "NetType": "vpc"}]})
        );
    }

    #[test]
    fn every_producible_row_of_the_error_table() {
        let e = endpoint();
        let msgc = |params: &[(&str, &str)]| code(&e, &v1_call("POST", MSGC, VERSION, params));
        assert_eq!(
            msgc(&[("DBInstanceId", "r-none"), ("SecurityGroupId", "sg-1")]),
            (404, "InvalidInstanceId.NotFound".into())
        );
        assert_eq!(
            msgc(&[
                ("DBInstanceId", "m-mock000000000003"),
                ("SecurityGroupId", "sg-1")
            ]),
            (400, "EngineNotSupported".into())
        );
        assert_eq!(
            msgc(&[("DBInstanceId", R1), ("SecurityGroupId", "sg-1,bad")]),
            (400, "InvalidParam".into())
        );
        assert_eq!(
            msgc(&[("DBInstanceId", ""), ("SecurityGroupId", "sg-1")]),
            (400, "MissingInstanceId".into())
        );
        let eleven = (1..=11)
            .map(|i| format!("sg-{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            msgc(&[("DBInstanceId", R1), ("SecurityGroupId", &eleven)]),
            (403, "AssociatedEcsSecurityGroupId.QuotaExceed".into())
        );
        let (status, body) = call(
            &e,
            &v1_call("POST", MSGC, VERSION, &[("SecurityGroupId", "sg-1")]),
        );
        assert_eq!(
            (status, body["Code"].as_str()),
            (404, Some("MissingParameter"))
        );
        assert!(body["Message"].as_str().unwrap().contains("DBInstanceId"));
        let (status, body) = call(&e, &v1_call("POST", MSGC, VERSION, &[("DBInstanceId", R1)]));
        assert_eq!(status, 404);
        assert!(body["Message"]
            .as_str()
            .unwrap()
            .contains("SecurityGroupId"));
        // Operations whose table lacks MissingParameter use the gateway's 400.
        assert_eq!(
            code(&e, &v1_call("POST", "DescribeSecurityIps", VERSION, &[])),
            (400, "MissingParameter".into())
        );
        // Nothing changed on the way.
        let state = e.state();
        assert_eq!(
            state.find(R1).unwrap().security_groups,
            ["sg-mock0000000000001"]
        );
    }

    #[test]
    fn ip_whitelists_cover_append_delete() {
        let e = endpoint();
        let ips = |extra: &[(&str, &str)]| {
            let mut p = vec![("InstanceId", R1)];
            p.extend_from_slice(extra);
            code(&e, &v1_call("POST", "ModifySecurityIps", VERSION, &p))
        };
        assert_eq!(ips(&[("SecurityIps", "10.0.0.1,10.0.0.0/24")]).0, 200);
        assert_eq!(
            ips(&[("SecurityIps", "10.0.0.2"), ("ModifyMode", "Append")]).0,
            200
        );
        assert_eq!(
            ips(&[("SecurityIps", "10.0.0.2"), ("ModifyMode", "Append")]),
            (409, "SecurityIPList.Duplicate".into())
        );
        assert_eq!(
            ips(&[("SecurityIps", "10.0.0.1"), ("ModifyMode", "Delete")]).0,
            200
        );
        assert_eq!(
            ips(&[("SecurityIps", "10.9.9.9"), ("ModifyMode", "Delete")]),
            (404, "InvalidSecurityIPList.NotFound".into())
        );
        assert_eq!(
            ips(&[
                ("SecurityIps", "10.0.0.0/24,10.0.0.2"),
                ("ModifyMode", "Delete")
            ]),
            (404, "InvalidSecurityIPList.NotFound".into())
        );
        assert_eq!(
            ips(&[
                ("SecurityIps", "1.1.1.1"),
                ("SecurityIpGroupName", "Bad-Name")
            ]),
            (400, "InvalidGroupName.Format".into())
        );
        assert_eq!(
            ips(&[("SecurityIps", "not-an-ip")]),
            (400, "InvalidParameter".into())
        );
        assert_eq!(
            ips(&[("SecurityIps", "1.1.1.1"), ("ModifyMode", "Replace")]),
            (400, "InvalidParameter".into())
        );
        assert_eq!(
            ips(&[
                ("SecurityIps", "1.1.1.1"),
                ("SecurityIpGroupName", "app"),
                ("ModifyMode", "Append")
            ])
            .0,
            200
        );
        let (_, body) = call(&e, &v3_call("DescribeSecurityIps", &[("InstanceId", R1)]));
        assert_eq!(
            body["SecurityIpGroups"]["SecurityIpGroup"],
            serde_json::json!([
                {"SecurityIpGroupName": "default", "SecurityIpGroupAttribute": "", "SecurityIpList": "10.0.0.0/24,10.0.0.2"},
                {"SecurityIpGroupName": "app", "SecurityIpGroupAttribute": "", "SecurityIpList": "1.1.1.1"}
            ])
        );
        let (_, body) = call(
            &e,
            &v1_call(
                "POST",
                "DescribeInstanceAttribute",
                VERSION,
                &[("InstanceId", R1)],
            ),
        );
        let attr = &body["Instances"]["DBInstanceAttribute"][0];
        assert_eq!(attr["SecurityIPList"], "10.0.0.0/24,10.0.0.2");
        // Typed as the DescribeInstanceAttribute schema says (a string there).
        assert_eq!(attr["HasRenewChangeOrder"], "false");
        assert_eq!(
            code(
                &e,
                &v1_call(
                    "POST",
                    "DescribeInstanceAttribute",
                    VERSION,
                    &[("InstanceId", "r-x")]
                )
            )
            .0,
            404
        );
    }

    #[test]
    fn describe_instances_filters_and_pages() {
        let e = endpoint();
        let list = |params: &[(&str, &str)]| {
            let (status, body) = call(&e, &v1_call("POST", "DescribeInstances", VERSION, params));
            assert_eq!(status, 200, "{body}");
            let ids: Vec<String> = body["Instances"]["KVStoreInstance"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["InstanceId"].as_str().unwrap().to_owned())
                .collect();
            (body["TotalCount"].as_u64().unwrap(), ids, body)
        };
        let (total, ids, body) = list(&[]);
        assert_eq!((total, ids.len()), (3, 3));
        assert_eq!(
            (body["PageNumber"].as_u64(), body["PageSize"].as_u64()),
            (Some(1), Some(30))
        );
        assert_eq!(
            body["Instances"]["KVStoreInstance"][0]["HasRenewChangeOrder"],
            false
        );
        assert!(body["Instances"]["KVStoreInstance"][0]
            .get("SecurityGroups")
            .is_none());
        assert_eq!(
            list(&[("InstanceType", "Memcache")]).1,
            ["m-mock000000000003"]
        );
        assert_eq!(
            list(&[("InstanceIds", "r-mock000000000002,r-x")]).1,
            ["r-mock000000000002"]
        );
        assert_eq!(list(&[("SearchKey", "tair")]).1, ["r-mock000000000002"]);
        assert_eq!(
            list(&[
                ("Tag.1.Key", "env"),
                ("Tag.1.Value", "mock"),
                ("RegionId", "cn-hangzhou")
            ])
            .1,
            [R1]
        );
        let (total, ids, _) = list(&[("PageSize", "2"), ("PageNumber", "2")]);
        assert_eq!((total, ids.len()), (3, 1));
        assert_eq!(
            code(
                &e,
                &v1_call("POST", "DescribeInstances", VERSION, &[("PageSize", "51")])
            ),
            (400, "InvalidParameter".into())
        );
        assert_eq!(
            code(
                &e,
                &v1_call("POST", "DescribeInstances", VERSION, &[("PageSize", "ten")])
            ),
            (400, "InvalidParameter".into())
        );
        assert_eq!(
            code(
                &e,
                &v1_call(
                    "POST",
                    "DescribeInstances",
                    VERSION,
                    &[("InstanceIds", "a,,b")]
                )
            ),
            (400, "InvalidInstanceIds.Malformed".into())
        );
    }

    const ECS: &str = "2014-05-26";

    fn ecs(e: &Endpoint, action: &str, params: &[(&str, &str)]) -> (u16, Value) {
        call(e, &v1_call("POST", action, ECS, params))
    }

    fn seeded(seeds: &[(&str, &str, &str)]) -> Endpoint {
        let seeds: Vec<Seed> = seeds
            .iter()
            .map(|(product, kind, id)| Seed::new(*product, *kind, *id))
            .collect();
        endpoint().with_resources(&seeds).unwrap()
    }

    fn ids(body: &Value) -> Vec<String> {
        body["Instances"]["Instance"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["InstanceId"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn an_id_never_seen_gets_the_operations_not_found_row() {
        let e = seeded(&[("ecs", "InstanceId", "i-seeded1")]);
        let (status, body) = ecs(&e, "DescribeInstanceAttribute", &[("InstanceId", "i-nope")]);
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["Code"], "InvalidInstanceId.NotFound");
        assert_eq!(body["Message"], "The specified InstanceId does not exist.");
        let mut keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["Code", "HostId", "Message", "Recommend", "RequestId"]
        );

        // A seeded id is found: the example answer, about that resource.
        let (status, body) = ecs(
            &e,
            "DescribeInstanceAttribute",
            &[("InstanceId", "i-seeded1")],
        );
        assert_eq!(
            (status, &body["InstanceId"]),
            (200, &Value::from("i-seeded1"))
        );
        assert!(
            body["InstanceName"].is_string(),
            "the example's other fields: {body}"
        );

        // R-kvstore: its stateful instances count as seen.
        let ssl = |id: &str| call(&e, &v3_call("DescribeInstanceSSL", &[("InstanceId", id)]));
        let (status, body) = ssl(R1);
        assert_eq!((status, &body["InstanceId"]), (200, &Value::from(R1)));
        assert_eq!(ssl("r-nope").0, 404);
        // No not-found row, no lookup: DescribeBackups answers its example.
        let (status, _) = call(
            &e,
            &v3_call(
                "DescribeBackups",
                &[
                    ("InstanceId", "r-nope"),
                    ("StartTime", "2019-03-11T10:00Z"),
                    ("EndTime", "2019-03-14T18:00Z"),
                ],
            ),
        );
        assert_eq!(status, 200);
    }

    #[test]
    fn created_resources_are_found_with_their_attributes_until_deleted() {
        let e = endpoint();
        let (status, body) = ecs(
            &e,
            "RunInstances",
            &[
                ("RegionId", "cn-hangzhou"),
                ("Amount", "3"),
                ("InstanceName", "web"),
            ],
        );
        assert_eq!(status, 200, "{body}");
        let created = body["InstanceIdSets"]["InstanceIdSet"].clone();
        assert_eq!(
            created,
            serde_json::json!([
                "i-mock000000000001",
                "i-mock000000000002",
                "i-mock000000000003"
            ])
        );
        assert_eq!(
            e.resource_ids("Ecs", "InstanceId"),
            [
                "i-mock000000000001",
                "i-mock000000000002",
                "i-mock000000000003"
            ]
        );
        let (status, body) = ecs(
            &e,
            "DescribeInstanceAttribute",
            &[("InstanceId", "i-mock000000000002")],
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["InstanceName"], "web",
            "the creation's parameters: {body}"
        );
        let (_, body) = ecs(&e, "DescribeInstances", &[("RegionId", "cn-hangzhou")]);
        assert_eq!(ids(&body).len(), 3);
        assert_eq!(body["Instances"]["Instance"][0]["InstanceName"], "web");
        // Filters compare with what the creation stored.
        let (_, body) = ecs(&e, "DescribeInstances", &[("RegionId", "cn-shanghai")]);
        assert_eq!(ids(&body).len(), 0);
        let (_, body) = ecs(
            &e,
            "DescribeInstances",
            &[
                ("RegionId", "cn-hangzhou"),
                ("InstanceIds", "[\"i-mock000000000003\"]"),
            ],
        );
        assert_eq!(ids(&body), ["i-mock000000000003"]);

        let (status, _) = ecs(
            &e,
            "DeleteInstance",
            &[("InstanceId", "i-mock000000000002")],
        );
        assert_eq!(status, 200);
        let (status, _) = ecs(
            &e,
            "DescribeInstanceAttribute",
            &[("InstanceId", "i-mock000000000002")],
        );
        assert_eq!(status, 404);
        let (status, _) = ecs(
            &e,
            "DeleteInstances",
            &[
                ("RegionId", "cn-hangzhou"),
                ("InstanceId.1", "i-mock000000000001"),
                ("InstanceId.2", "i-mock000000000003"),
            ],
        );
        assert_eq!(status, 200);
        assert!(e.resource_ids("ecs", "InstanceId").is_empty());
        // Every instance deleted: an empty list, not the example's.
        let (_, body) = ecs(&e, "DescribeInstances", &[("RegionId", "cn-hangzhou")]);
        assert_eq!(
            (ids(&body).len(), &body["TotalCount"]),
            (0, &Value::from(0))
        );
        // Ids count on: the next creation does not reuse a deleted id.
        let (_, body) = ecs(
            &e,
            "CreateInstance",
            &[
                ("RegionId", "cn-hangzhou"),
                ("InstanceType", "ecs.g7.large"),
            ],
        );
        assert_eq!(body["InstanceId"], "i-mock000000000004");
    }

    #[test]
    fn lists_page_by_page_number_and_by_token() {
        let seeds: Vec<(&str, &str, String)> = (1..=5)
            .map(|n| ("ecs", "InstanceId", format!("i-{n}")))
            .collect();
        let seeds: Vec<(&str, &str, &str)> =
            seeds.iter().map(|(p, k, i)| (*p, *k, i.as_str())).collect();
        let e = seeded(&seeds);
        let page = |extra: &[(&str, &str)]| {
            let mut p = vec![("RegionId", "cn-hangzhou")];
            p.extend_from_slice(extra);
            let (status, body) = ecs(&e, "DescribeInstances", &p);
            assert_eq!(status, 200, "{body}");
            body
        };
        for (number, want) in [
            ("1", vec!["i-1", "i-2"]),
            ("2", vec!["i-3", "i-4"]),
            ("3", vec!["i-5"]),
            ("4", vec![]),
        ] {
            let body = page(&[("PageSize", "2"), ("PageNumber", number)]);
            assert_eq!(ids(&body), want, "page {number}");
            assert_eq!(body["TotalCount"], 5);
            assert_eq!(body["PageSize"], 2);
            assert_eq!(body["PageNumber"], number.parse::<u64>().unwrap());
        }
        // Items are the example's item about each resource.
        let body = page(&[]);
        assert_eq!(ids(&body).len(), 5, "default page size 10");
        assert!(body["Instances"]["Instance"][0]["InstanceType"].is_string());

        // MaxResults and NextToken: the same walk.
        let mut token = String::new();
        let mut sizes = Vec::new();
        loop {
            let mut p = vec![("MaxResults", "2")];
            if !token.is_empty() {
                p.push(("NextToken", token.as_str()));
            }
            let body = page(&p);
            sizes.push(ids(&body).len());
            token = body["NextToken"].as_str().unwrap().to_owned();
            if token.is_empty() {
                break;
            }
            assert!(sizes.len() < 10, "the token walk does not end");
        }
        assert_eq!(sizes, [2, 2, 1]);
        let (status, body) = ecs(
            &e,
            "DescribeInstances",
            &[
                ("RegionId", "cn-hangzhou"),
                ("NextToken", "caeba0bbb2be03f84eb48b699f0a4883"),
            ],
        );
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("InvalidParameter")),
            "{body}"
        );
        assert!(body["Message"].as_str().unwrap().contains("NextToken"));
    }

    #[test]
    fn without_resources_of_its_kind_a_list_pages_its_examples_items() {
        let e = endpoint();
        let (status, body) = ecs(&e, "DescribeInstances", &[("RegionId", "cn-hangzhou")]);
        assert_eq!(status, 200);
        assert_eq!(ids(&body), ["i-bp67acfmxazb4p****"]);
        assert_eq!(
            (&body["TotalCount"], &body["NextToken"]),
            (&Value::from(1), &Value::from(""))
        );
        let (_, body) = ecs(
            &e,
            "DescribeInstances",
            &[("RegionId", "cn-hangzhou"), ("PageNumber", "2")],
        );
        assert!(ids(&body).is_empty());
    }

    #[test]
    fn scripted_answers_win_over_the_generic_state() {
        let e = endpoint().with_answers(&[(
            "DescribeInstanceAttribute".to_owned(),
            vec![serde_json::json!({"RequestId": "x", "InstanceId": "i-scripted"})],
        )]);
        let (status, body) = ecs(
            &e,
            "DescribeInstanceAttribute",
            &[("InstanceId", "i-scripted")],
        );
        assert_eq!(
            (status, &body["InstanceId"]),
            (200, &Value::from("i-scripted"))
        );
        let (status, _) = ecs(
            &e,
            "DescribeInstanceAttribute",
            &[("InstanceId", "i-scripted")],
        );
        assert_eq!(status, 404, "answers used up: the generic state again");
    }

    #[test]
    fn numeric_limits_lengths_and_patterns_of_the_spec_are_enforced() {
        let e = endpoint();
        let describe = |size: &str| {
            ecs(
                &e,
                "DescribeInstances",
                &[("RegionId", "cn-hangzhou"), ("PageSize", size)],
            )
        };
        let (status, body) = describe("1000");
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("InvalidParameter"))
        );
        let message = body["Message"].as_str().unwrap();
        assert!(
            message.contains("\u{201c}PageSize\u{201d}") && message.contains("maximum 100"),
            "{message}"
        );
        let (status, body) = describe("0");
        assert_eq!(status, 400);
        assert!(
            body["Message"].as_str().unwrap().contains("minimum 1"),
            "{body}"
        );
        assert_eq!(describe("100").0, 200);
        assert_eq!(describe("1").0, 200);
        // Exclusive bound: MaxResults > 0.
        let rm = |max: &str| {
            let (status, body) = call(
                &e,
                &v1_call(
                    "POST",
                    "ListAutoGroupingRules",
                    "2020-03-31",
                    &[("MaxResults", max)],
                ),
            );
            (
                status,
                body["Message"].as_str().unwrap_or_default().to_owned(),
            )
        };
        let (status, message) = rm("0");
        assert_eq!(status, 400);
        assert!(message.contains("must be greater than 0"), "{message}");
        assert_eq!(rm("1").0, 200);
        // pattern `^\d+$` and minLength.
        let port = |port: &str| {
            code(
                &e,
                &v1_call(
                    "POST",
                    "ModifyDBInstanceConnectionString",
                    VERSION,
                    &[
                        ("DBInstanceId", R1),
                        ("CurrentConnectionString", "r-1.redis.rds.aliyuncs.com"),
                        ("IPType", "Private"),
                        ("Port", port),
                    ],
                ),
            )
        };
        assert_eq!(port("6379"), (200, "OK".into()));
        assert_eq!(port("63a79"), (400, "InvalidParameter".into()));
        assert_eq!(
            port("6379 "),
            (400, "InvalidParameter".into()),
            "the whole value must match"
        );
        assert_eq!(port(""), (400, "InvalidParameter".into()), "minLength 1");
    }

    #[test]
    fn garbage_never_panics_and_always_gets_an_alibaba_error() {
        let e = endpoint();
        let queries = [
            "", "&&&", "=", "Action", "Action=&Version=", "%", "%ZZ=%ZZ", "Action=DescribeRegions&Version=2015-01-01&Signature=",
            "Action=DescribeRegions&Version=2015-01-01&Signature=x&AccessKeyId=testid&Timestamp=%FF&SignatureNonce=1&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0",
            "Action=ModifySecurityIps&Version=2015-01-01&Signature=x&SignatureMethod=HMAC-SHA256",
        ];
        let headers = [
            vec![],
            vec![("authorization".to_owned(), "\u{0}\u{ffff}".to_owned())],
            vec![
                (
                    "authorization".to_owned(),
                    "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=;;;,Signature=00".to_owned(),
                ),
                ("x-acs-action".into(), "DescribeRegions".into()),
                ("x-acs-version".into(), VERSION.into()),
            ],
            vec![(
                "content-type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            )],
        ];
        for q in queries {
            for h in &headers {
                for method in ["GET", "POST", "DELETE", ""] {
                    let r = e.respond(
                        &Incoming::new(method, "/", Some(q), h.clone(), b"%%%=&=\xff".to_vec()),
                        now(),
                    );
                    assert!(r.status >= 400, "{q:?} {h:?} -> {}", r.body);
                    let body: Value = serde_json::from_str(&r.body).unwrap();
                    for k in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
                        assert!(body[k].is_string(), "{k} in {body}");
                    }
                }
            }
        }
    }

    /// Found by the `mock_request` fuzz target: an ROA product answers its
    /// errors in its own spelling, so "every body has `RequestId`" only
    /// holds for RPC. What holds for every answer: the body names this
    /// reply's request id and code under the product's keys.
    #[test]
    fn roa_errors_carry_request_id_and_code_in_the_products_spelling() {
        let e = endpoint();
        let cases = [
            ("POST", "/clusters", "requestId", "code"),
            ("PUT", "/resourcegroup", "requestId", "errorCode"),
            ("GET", "/2023-03-30/regions", "RequestId", "Code"),
            (
                "POST",
                "/openapi/instances/es-1/data-streams",
                "RequestId",
                "Code",
            ),
            ("GET", "/no/such/template", "RequestId", "Code"),
        ];
        for (method, path, id_key, code_key) in cases {
            let r = e.respond(
                &Incoming::new(method, path, None, vec![], Vec::new()),
                now(),
            );
            assert!((400..500).contains(&r.status), "{path}: {}", r.body);
            let body: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(
                body[id_key].as_str(),
                Some(r.request_id.as_str()),
                "{path}: {body}"
            );
            assert_eq!(body[code_key].as_str(), r.code.as_deref(), "{path}: {body}");
        }
    }
}
