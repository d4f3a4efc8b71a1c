//! Test doubles for code that uses this SDK: no network, no mock server.
//!
//! A [`ReplayTransport`] stands in for the HTTP stack. It answers each
//! request with the first [`Rule`] that matches it and still has responses
//! left, records every request, and [`assert_all_used`](ReplayTransport::assert_all_used)
//! checks at the end that every rule was consumed. Requests still go through
//! the whole client: validation, signing, retries, error parsing and typed
//! decoding run as they do against Alibaba Cloud.
//!
//! Rules are typed ([`Rule::operation`]: match the request as the caller
//! built it, answer with a typed response or an error code) or raw
//! ([`Rule::http`]: match the HTTP request, answer with an
//! [`HttpResponse`]). A rule's responses are used in sequence, which is how
//! retries and paging are tested:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use alibabacloud_sdk::credentials::Credentials;
//! use alibabacloud_sdk::r_kvstore::{describe_instances::KvStoreInstance, Client};
//! use alibabacloud_sdk::r_kvstore::{DescribeInstancesRequest, DescribeInstancesResponse};
//! use alibabacloud_sdk::retry::RetryPolicy;
//! use alibabacloud_sdk::test_util::{ReplayTransport, Rule};
//! use alibabacloud_sdk::Config;
//! use futures_util::TryStreamExt;
//!
//! let page = |n: usize, ids: &[&str]| {
//!     DescribeInstancesResponse::default()
//!         .with_page_number(n as i32)
//!         .with_total_count(3)
//!         .with_instances(ids.iter().map(|id| KvStoreInstance::default().with_instance_id(*id)))
//! };
//! let first_page = page(1, &["r-1", "r-2"]);
//! let second_page = page(2, &["r-3"]);
//! let replay = ReplayTransport::new([
//!     // Page one is throttled once, then served; page two follows.
//!     Rule::operation::<DescribeInstancesRequest>()
//!         .match_requests(|r| r.page_number().unwrap_or(1) == 1)
//!         .then_error("Throttling.User", 400)
//!         .then_output(move || first_page.clone()),
//!     Rule::operation::<DescribeInstancesRequest>()
//!         .match_requests(|r| r.page_number() == Some(2))
//!         .then_output(move || second_page.clone()),
//! ]);
//! let config = Config::builder()
//!     .region("cn-hangzhou")
//!     .credentials(Credentials::new("test-id", "test-secret"))
//!     .retry_policy(RetryPolicy::default().base_delay(std::time::Duration::from_millis(1)))
//!     .transport(replay.clone())
//!     .build()?;
//! let client = Client::new(config);
//!
//! let ids: Vec<String> = client
//!     .describe_instances()
//!     .page_size(2)
//!     .into_paginator()
//!     .items()
//!     .map_ok(|instance| instance.instance_id().unwrap_or_default().to_string())
//!     .try_collect()
//!     .await?;
//! assert_eq!(ids, ["r-1", "r-2", "r-3"]);
//! assert_eq!(replay.requests().len(), 3, "one retry, two pages");
//! replay.assert_all_used();
//! # Ok(())
//! # }
//! ```

use crate::error::{DispatchError, DispatchKind};
use crate::operation::Operation;
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

type TypedRequest = Arc<dyn Any + Send + Sync>;

tokio::task_local! {
    static TYPED_REQUEST: TypedRequest;
}

/// Runs `call` with its typed request visible to typed rules.
pub(crate) async fn with_typed_request<F: Future>(request: TypedRequest, call: F) -> F::Output {
    TYPED_REQUEST.scope(request, call).await
}

type Matcher = Box<dyn Fn(&HttpRequest, Option<&(dyn Any + Send + Sync)>) -> bool + Send + Sync>;
type Responder = Box<dyn Fn() -> HttpResponse + Send + Sync>;

/// What to answer when a request matches: a sequence of responses, each
/// used once, in order.
pub struct Rule {
    label: String,
    matcher: Matcher,
    responses: VecDeque<Responder>,
    used: usize,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("label", &self.label)
            .field("remaining", &self.responses.len())
            .field("used", &self.used)
            .finish()
    }
}

impl Rule {
    /// A rule for one operation, matched on the typed request (every request
    /// of that operation until [`match_requests`](TypedRule::match_requests)
    /// narrows it).
    pub fn operation<R: Operation>() -> TypedRule<R> {
        TypedRule {
            filter: Box::new(|_| true),
            responses: VecDeque::new(),
        }
    }

    /// A rule on the HTTP request itself, for requests no typed rule can
    /// describe.
    pub fn http(matcher: impl Fn(&HttpRequest) -> bool + Send + Sync + 'static) -> Rule {
        Rule {
            label: "HTTP rule".to_string(),
            matcher: Box::new(move |request, _| matcher(request)),
            responses: VecDeque::new(),
            used: 0,
        }
    }

    /// Answers the next matching request with `response`.
    pub fn then_response(mut self, response: HttpResponse) -> Rule {
        self.responses.push_back(Box::new(move || response.clone()));
        self
    }

    fn matches(&self, request: &HttpRequest, typed: Option<&(dyn Any + Send + Sync)>) -> bool {
        !self.responses.is_empty() && (self.matcher)(request, typed)
    }
}

/// A rule for the operation whose request type is `R`; becomes a [`Rule`]
/// with `into()` or wherever a rule is expected.
pub struct TypedRule<R: Operation> {
    filter: Box<dyn Fn(&R) -> bool + Send + Sync>,
    responses: VecDeque<Responder>,
}

impl<R: Operation> fmt::Debug for TypedRule<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedRule")
            .field("operation", &R::DESCRIPTOR.action)
            .field("responses", &self.responses.len())
            .finish()
    }
}

impl<R: Operation> TypedRule<R> {
    /// Only requests for which `filter` holds match.
    pub fn match_requests(mut self, filter: impl Fn(&R) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Box::new(filter);
        self
    }

    /// Answers the next matching request with a success: the response
    /// `output` builds, serialized as the service would send it.
    pub fn then_output(mut self, output: impl Fn() -> R::Response + Send + Sync + 'static) -> Self
    where
        R::Response: serde::Serialize,
    {
        self.responses.push_back(Box::new(move || {
            let body = serde_json::to_vec(&output()).unwrap_or_else(|e| {
                format!("{{\"Code\":\"TestUtil.Serialize\",\"Message\":\"{e}\"}}").into_bytes()
            });
            json_response(200, body)
        }));
        self
    }

    /// Answers the next matching request with an Alibaba error body carrying
    /// `code` and HTTP `status`.
    pub fn then_error(mut self, code: &str, status: u16) -> Self {
        let body = serde_json::json!({
            "Code": code,
            "Message": format!("{code} (replayed by test_util)"),
            "RequestId": "TEST-UTIL-REQUEST",
        });
        let body = body.to_string().into_bytes();
        self.responses
            .push_back(Box::new(move || json_response(status, body.clone())));
        self
    }

    /// Answers the next matching request with the error body `error`
    /// describes (code, message, request id, host id, recommend URL) and its
    /// HTTP status.
    pub fn then_service_error(mut self, error: crate::error::ServiceError) -> Self {
        let mut body = serde_json::json!({
            "Code": error.code(),
            "Message": error.message(),
        });
        for (key, value) in [
            ("RequestId", error.request_id()),
            ("HostId", error.host_id()),
            ("Recommend", error.recommend()),
        ] {
            if let Some(value) = value {
                body[key] = serde_json::Value::String(value.to_string());
            }
        }
        let (status, body) = (error.status(), body.to_string().into_bytes());
        self.responses
            .push_back(Box::new(move || json_response(status, body.clone())));
        self
    }

    /// Answers the next matching request with `response` as it is.
    pub fn then_response(mut self, response: HttpResponse) -> Self {
        self.responses.push_back(Box::new(move || response.clone()));
        self
    }
}

impl<R: Operation> From<TypedRule<R>> for Rule {
    fn from(rule: TypedRule<R>) -> Rule {
        let filter = rule.filter;
        Rule {
            label: format!("{} rule", R::DESCRIPTOR.action),
            // The HTTP request must be this operation's too: credential
            // providers given the same transport send their own calls (STS
            // AssumeRole) while the typed request is in scope.
            matcher: Box::new(move |http, typed| {
                request_action(http).map_or(true, |action| action == R::DESCRIPTOR.action)
                    && typed
                        .and_then(|t| t.downcast_ref::<R>())
                        .is_some_and(&filter)
            }),
            responses: rule.responses,
            used: 0,
        }
    }
}

fn json_response(status: u16, body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".to_string(), "application/json".to_string())],
        body,
    }
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    requests: Vec<HttpRequest>,
}

/// A [`Transport`] that answers from rules instead of the network. Clones
/// share rules and recorded requests, so keep one clone to inspect after
/// handing another to the config.
#[derive(Clone, Default)]
pub struct ReplayTransport {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ReplayTransport")
            .field("rules", &state.rules)
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl ReplayTransport {
    /// A transport answering from `rules`, tried in order.
    pub fn new<I>(rules: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Rule>,
    {
        ReplayTransport {
            state: Arc::new(Mutex::new(State {
                rules: rules.into_iter().map(Into::into).collect(),
                requests: Vec::new(),
            })),
        }
    }

    /// Every request sent so far, in order (as sent: signed, with their
    /// secrets; the `Debug` of [`HttpRequest`] redacts them).
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.clone()
    }

    /// Panics, naming them, if some rules still have responses left.
    #[track_caller]
    pub fn assert_all_used(&self) {
        let state = self.lock();
        let unused: Vec<String> = state
            .rules
            .iter()
            .filter(|r| !r.responses.is_empty())
            .map(|r| {
                format!(
                    "{} ({} of {} responses unused)",
                    r.label,
                    r.responses.len(),
                    r.responses.len() + r.used
                )
            })
            .collect();
        assert!(
            unused.is_empty(),
            "unused replay rules: {}",
            unused.join("; ")
        );
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide what was recorded.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn answer(&self, request: HttpRequest) -> Result<HttpResponse, DispatchError> {
        let typed = TYPED_REQUEST.try_with(Arc::clone).ok();
        let mut state = self.lock();
        let found = state
            .rules
            .iter()
            .position(|rule| rule.matches(&request, typed.as_deref()));
        let description = describe(&request);
        state.requests.push(request);
        match found {
            Some(i) => {
                let rule = &mut state.rules[i];
                rule.used += 1;
                let respond = rule
                    .responses
                    .pop_front()
                    .expect("a matching rule has responses");
                Ok(respond())
            }
            None => Err(DispatchError::new(
                DispatchKind::Request,
                format!("no replay rule matches {description}"),
            )),
        }
    }
}

/// The action a request names: V3's `x-acs-action` header, or V1's
/// `Action` in the query or the form body.
fn request_action(request: &HttpRequest) -> Option<String> {
    let from_pairs = |text: &str| {
        text.split('&')
            .find_map(|pair| pair.strip_prefix("Action="))
            .map(str::to_string)
    };
    request
        .header("x-acs-action")
        .map(str::to_string)
        .or_else(|| from_pairs(request.url.split_once('?')?.1))
        .or_else(|| from_pairs(std::str::from_utf8(&request.body).ok()?))
}

/// `POST DescribeInstances` (the action from either signature's place).
fn describe(request: &HttpRequest) -> String {
    let action = request_action(request);
    let path = request
        .url
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    match action {
        Some(action) => format!("{} {action} ({path})", request.method),
        None => format!("{} {path}", request.method),
    }
}

impl Transport for ReplayTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        let answer = self.answer(request);
        Box::pin(std::future::ready(answer))
    }
}
