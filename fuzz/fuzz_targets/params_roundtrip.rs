//! Parameter encoding and signing against the mock's decoding: arbitrary
//! parameter names and values (query and form, scalar and numbered), signed
//! by the SDK under V1 or V3, must arrive at the mock as exactly the pairs
//! sent, and the mock must accept the signature. The request goes through
//! the SDK's real pipeline (`Client::execute_raw`) with a transport that
//! hands it to the mock's endpoint in process instead of a socket.

#![no_main]

use alibabacloud_mock::auth::Authenticator;
use alibabacloud_mock::catalog::Catalog;
use alibabacloud_mock::endpoint::Endpoint;
use alibabacloud_mock::kvstore::{State, DEFAULT_STATE};
use alibabacloud_mock::wire::Incoming;
use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::DispatchError;
use alibabacloud_sdk::__private::client::Client;
use alibabacloud_sdk::__private::operation::OperationSpec;
use alibabacloud_sdk::__private::params::{Location, Params};
use alibabacloud_sdk::r_kvstore::DescribeRegionsRequest;
use alibabacloud_sdk::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use alibabacloud_sdk::{Config, SignatureVersion};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, UNIX_EPOCH};

/// Parameters the signer writes itself; a user parameter of the same name
/// is a different test.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "Timestamp",
    "SignatureVersion",
    "SignatureNonce",
    "Signature",
    "SecurityToken",
];

#[derive(Arbitrary, Debug)]
struct Input {
    v1: bool,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    /// Written as `Tag.N.Key` / `Tag.N.Value`.
    tags: Vec<(String, Option<String>)>,
    /// Written comma-joined.
    simple: Vec<String>,
}

/// Hands each request to the mock's endpoint and checks what it decoded.
#[derive(Debug)]
struct InProcess {
    endpoint: Endpoint,
    clock: Arc<AtomicU64>,
    expected: Mutex<BTreeMap<String, String>>,
}

impl Transport for InProcess {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        let rest = request.url.strip_prefix("http://").expect("http URL");
        let (authority, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        headers.push(("host".into(), authority.to_owned()));
        let incoming = Incoming::new(&request.method, path, query, headers, request.body.clone());
        let got = incoming.params();
        for (k, v) in self.expected.lock().unwrap().iter() {
            assert_eq!(
                got.get(k),
                Some(v),
                "parameter {k:?} did not arrive as sent"
            );
        }
        let now = UNIX_EPOCH + Duration::from_secs(self.clock.load(Ordering::Relaxed));
        let reply = self.endpoint.respond(&incoming, now);
        if let Some(code) = &reply.code {
            assert!(
                !code.contains("Signature") && !code.starts_with("InvalidTimeStamp"),
                "the mock refused the SDK's signature: {} {}",
                reply.status,
                reply.body
            );
        }
        let response = HttpResponse::new(reply.status, reply.body.into_bytes());
        Box::pin(async move { Ok::<_, DispatchError>(response) })
    }
}

struct World {
    runtime: tokio::runtime::Runtime,
    v1: Client,
    v3: Client,
    transport: Arc<InProcess>,
}

/// Forwards to the shared in-process transport.
#[derive(Debug, Clone)]
struct Shared(Arc<InProcess>);

impl Transport for Shared {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.0.send(request)
    }
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let catalog = Catalog::load_dir(&alibabacloud_mock::workspace_specs_dir()).unwrap();
        let keys = [("testid".to_owned(), "testsecret".to_owned())];
        let endpoint = Endpoint::new(
            catalog,
            State::from_json(DEFAULT_STATE).unwrap(),
            Authenticator::new(&keys, Duration::from_secs(900)),
        );
        // A clock that moves an hour per call: every nonce is fresh, and the
        // mock's nonce memory is pruned instead of growing with the run.
        let clock = Arc::new(AtomicU64::new(1_700_000_000));
        let transport = Arc::new(InProcess {
            endpoint,
            clock: clock.clone(),
            expected: Mutex::default(),
        });
        let client = |version| {
            let clock = clock.clone();
            Client::new(
                Config::builder()
                    .endpoint("http://127.0.0.1:1")
                    .allow_http(true)
                    .credentials(Credentials::new("testid", "testsecret"))
                    .signature_version(version)
                    .transport(Shared(transport.clone()))
                    .clock(move || UNIX_EPOCH + Duration::from_secs(clock.load(Ordering::Relaxed)))
                    .build()
                    .unwrap(),
            )
        };
        World {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap(),
            v1: client(SignatureVersion::V1),
            v3: client(SignatureVersion::V3),
            transport,
        }
    })
}

fuzz_target!(|input: Input| {
    let w = world();
    let mut params = Params::default();
    for (k, v) in &input.query {
        params.plain(Location::Query, k, &Some(v.clone()));
    }
    for (k, v) in &input.form {
        params.plain(Location::Form, k, &Some(v.clone()));
    }
    let tags: Vec<BTreeMap<String, String>> = input
        .tags
        .iter()
        .map(|(k, v)| {
            let mut m = BTreeMap::from([("Key".to_owned(), k.clone())]);
            if let Some(v) = v {
                m.insert("Value".to_owned(), v.clone());
            }
            m
        })
        .collect();
    params.flat(Location::Query, "Tag", &tags);
    params.simple(Location::Form, "Ids", &input.simple);

    // Names must be unique and not the signer's own; a value must not hold
    // the NUL the mock's form reader would see as text (it reads any byte).
    let mut expected = BTreeMap::new();
    for (k, v) in params.query.iter().chain(params.form.iter()) {
        if k.is_empty() || COMMON.contains(&k.as_str()) || k.starts_with("AcceptLanguage") {
            return;
        }
        if expected.insert(k.clone(), v.clone()).is_some() {
            return;
        }
    }
    *w.transport.expected.lock().unwrap() = expected;
    w.transport.clock.fetch_add(3600, Ordering::Relaxed);
    let client = if input.v1 { &w.v1 } else { &w.v3 };
    let result = w
        .runtime
        .block_on(client.execute_raw(DescribeRegionsRequest::DESCRIPTOR, &params));
    if let Err(e) = result {
        // Signature problems panic in the transport; what is left is a
        // request the HTTP layer itself refuses (there is none in process).
        panic!("the call failed: {e}");
    }
});
