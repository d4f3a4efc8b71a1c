//! The mock's request handling on arbitrary requests: method, path, query,
//! headers and body from the fuzzer. Half the inputs are then signed (V1,
//! over whatever parameters they hold) so that the fuzzer also reaches the
//! parameter checks and the stateful handlers behind the signature check.
//! Every answer must be an HTTP status with a JSON body (an error's naming
//! its request id and code in the product's spelling), never a panic.

#![no_main]

use alibabacloud_mock::auth::Authenticator;
use alibabacloud_mock::catalog::Catalog;
use alibabacloud_mock::endpoint::Endpoint;
use alibabacloud_mock::kvstore::{State, DEFAULT_STATE};
use alibabacloud_mock::wire::Incoming;
use alibabacloud_signing::{form_urlencode, v1};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::time::{Duration, UNIX_EPOCH};

const ACTIONS: &[&str] = &[
    "DescribeInstances",
    "DescribeInstanceAttribute",
    "ModifySecurityGroupConfiguration",
    "DescribeSecurityGroupConfiguration",
    "ModifySecurityIps",
    "DescribeSecurityIps",
    "DescribeRegions",
];

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    path: String,
    raw_query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Sign with V1 as `ACTIONS[action]`, over `params` sent in the query
    /// (GET) or the form (POST).
    sign: Option<(u8, bool, Vec<(String, String)>)>,
}

/// The endpoint, rebuilt now and then so that state changes the fuzzer
/// makes (whitelists, groups) do not accumulate over a long run.
struct Holder {
    endpoint: Endpoint,
    uses: u32,
}

fn fresh() -> Endpoint {
    let catalog = Catalog::load_dir(&alibabacloud_mock::workspace_specs_dir()).unwrap();
    let keys = [("testid".to_owned(), "testsecret".to_owned())];
    Endpoint::new(
        catalog,
        State::from_json(DEFAULT_STATE).unwrap(),
        Authenticator::new(&keys, Duration::from_secs(900)),
    )
}

thread_local! {
    static HOLDER: RefCell<Option<Holder>> = const { RefCell::new(None) };
}

fuzz_target!(|input: Input| {
    // A fixed clock; the nonce below changes with every input.
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"];
    let mut method = methods[usize::from(input.method) % methods.len()].to_owned();
    let mut path = input.path.clone();
    let mut query = input.raw_query.clone();
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let mut body = input.body.clone();
    if let Some((action, post, params)) = &input.sign {
        let action = ACTIONS[usize::from(*action) % ACTIONS.len()];
        let nonce = format!("{:016x}", fxhash(&input.body) ^ params.len() as u64);
        let mut all = v1::common_params(
            action,
            "2015-01-01",
            "testid",
            None,
            "2023-11-14T22:13:20Z",
            &nonce,
            "json",
        );
        all.extend(params.iter().cloned());
        method = if *post { "POST" } else { "GET" }.into();
        let signed = v1::sign(&method, &all, "testsecret");
        all.push(("Signature".into(), signed.signature));
        path = "/".into();
        if *post {
            query = None;
            body = form_urlencode(&all).into_bytes();
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        } else {
            query = Some(form_urlencode(&all));
        }
    }
    let incoming = Incoming::new(&method, &path, query.as_deref(), headers, body);
    HOLDER.with(|h| {
        let mut h = h.borrow_mut();
        let holder = h.get_or_insert_with(|| Holder {
            endpoint: fresh(),
            uses: 0,
        });
        holder.uses += 1;
        if holder.uses > 20_000 {
            *holder = Holder {
                endpoint: fresh(),
                uses: 0,
            };
        }
        let reply = holder.endpoint.respond(&incoming, now);
        assert!(
            (200..600).contains(&reply.status),
            "status {}",
            reply.status
        );
        let success = (200..300).contains(&reply.status);
        assert_eq!(reply.code.is_some(), !success, "{}", reply.body);
        // A 204 (FC's deletions) is the one answer without a body.
        if reply.status == 204 && reply.body.is_empty() {
            return;
        }
        let parsed: serde_json::Value =
            serde_json::from_str(&reply.body).expect("every answer is JSON");
        if let Some(code) = &reply.code {
            // RPC and most ROA products spell these `RequestId`/`Code`, CS
            // `requestId`/`code`, SLS `requestId`/`errorCode`.
            let field = |keys: &[&str]| keys.iter().find_map(|k| parsed.get(*k)?.as_str());
            assert_eq!(
                field(&["RequestId", "requestId"]),
                Some(reply.request_id.as_str()),
                "request id: {}",
                reply.body
            );
            assert_eq!(
                field(&["Code", "code", "errorCode"]),
                Some(code.as_str()),
                "code: {}",
                reply.body
            );
        }
    });
});

/// A small non-cryptographic hash for nonces (distinct inputs, distinct
/// nonces, most of the time; a repeat is a valid `SignatureNonceUsed`).
fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
