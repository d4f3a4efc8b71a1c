//! Reproduces, byte for byte, the signatures that Alibaba's official SDKs put
//! on the wire in `../shared/oracle/captured_request.txt` (requests that the
//! new SDK, V1 and V3, and the legacy SDK sent to a loopback server, with and
//! without an STS token). The expected values are read from that capture.

use alibabacloud_signing::{v1, v3};
use percent_encoding::percent_decode_str;

/// A copy of `../shared/oracle/captured_request.txt`, kept in the
/// repository so the test needs nothing beside it.
const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/captured_request.txt"
);

/// The `# inputs:` line that precedes each group of captured requests.
#[derive(Debug, Clone, Default)]
struct Inputs {
    access_key_id: String,
    secret: String,
    token: Option<String>,
    timestamp: String,
    nonce: String,
    instance: String,
    security_group: String,
}

#[derive(Debug)]
struct Captured {
    title: String,
    inputs: Inputs,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    /// The oracle's line `--- independent signature check: {...}`.
    check: serde_json::Value,
}

fn decode(s: &str) -> String {
    // The SDKs build the query with Python's urlencode: '+' means space.
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8()
        .expect("captured query is UTF-8")
        .into_owned()
}

fn parse_inputs(line: &str) -> Inputs {
    let mut inp = Inputs::default();
    for field in line.trim_start_matches("# inputs:").split_whitespace() {
        let (k, v) = field.split_once('=').expect("k=v in inputs line");
        let v = v.trim_matches('\'').to_owned();
        match k {
            "AccessKeyId" => inp.access_key_id = v,
            "AccessKeySecret" => inp.secret = v,
            "SecurityToken" => inp.token = (v != "None").then_some(v),
            "Timestamp" => inp.timestamp = v,
            "nonce" => inp.nonce = v,
            "DBInstanceId" => inp.instance = v,
            "SecurityGroupId" => inp.security_group = v,
            _ => {}
        }
    }
    inp
}

fn parse_capture(text: &str) -> Vec<Captured> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut inputs = Inputs::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("# inputs:") {
            inputs = parse_inputs(line);
        }
        if let Some(title) = line.strip_prefix("===== ") {
            let mut parts = lines[i + 1].split(' ');
            let method = parts.next().expect("method").to_owned();
            let target = parts.next().expect("request target");
            let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
            let query = raw_query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (decode(k), decode(v))
                })
                .collect();
            let mut headers = Vec::new();
            let mut j = i + 2;
            while !lines[j].is_empty() {
                let (k, v) = lines[j].split_once(": ").expect("header line");
                headers.push((k.to_owned(), v.to_owned()));
                j += 1;
            }
            let body = lines[j + 1].to_owned();
            let check = lines[j..]
                .iter()
                .find_map(|l| l.strip_prefix("--- independent signature check: "))
                .expect("check line");
            out.push(Captured {
                title: title.to_owned(),
                inputs: inputs.clone(),
                method,
                path: path.to_owned(),
                query,
                headers,
                body,
                check: serde_json::from_str(check).expect("check JSON"),
            });
            i = j;
        }
        i += 1;
    }
    out
}

fn header<'a>(c: &'a Captured, name: &str) -> Option<&'a str> {
    c.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn check_str<'a>(c: &'a Captured, key: &str) -> &'a str {
    c.check[key].as_str().unwrap_or_default()
}

fn sorted(mut p: Vec<(String, String)>) -> Vec<(String, String)> {
    p.sort();
    p
}

fn verify_v1(c: &Captured) {
    let sent = c
        .query
        .iter()
        .find(|(k, _)| k == "Signature")
        .map(|(_, v)| v.clone())
        .expect("Signature parameter");
    let signed: Vec<(String, String)> = c
        .query
        .iter()
        .filter(|(k, _)| k != "Signature")
        .cloned()
        .collect();
    assert!(
        c.body.is_empty(),
        "{}: no form body in this capture",
        c.title
    );

    if c.title.starts_with("new SDK") {
        // `common_params` must produce exactly the new SDK's parameter set.
        let value = |k: &str| {
            signed
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        let mut ours = v1::common_params(
            value("Action"),
            value("Version"),
            &c.inputs.access_key_id,
            c.inputs.token.as_deref(),
            &c.inputs.timestamp,
            &c.inputs.nonce,
            "json",
        );
        ours.push(("DBInstanceId".into(), c.inputs.instance.clone()));
        ours.push(("SecurityGroupId".into(), c.inputs.security_group.clone()));
        assert_eq!(sorted(ours), sorted(signed.clone()), "{}", c.title);
    }

    let s = v1::sign(&c.method, &signed, &c.inputs.secret);
    assert_eq!(s.signature, sent, "{}", c.title);
    assert_eq!(
        s.canonical_query,
        check_str(c, "canonical_query"),
        "{}",
        c.title
    );
    assert_eq!(
        s.string_to_sign,
        check_str(c, "string_to_sign"),
        "{}",
        c.title
    );
}

fn verify_v3(c: &Captured) {
    let auth = header(c, "Authorization").expect("Authorization header");
    let signed_names: Vec<&str> = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .expect("SignedHeaders")
        .split(';')
        .collect();
    let ak = auth
        .split("Credential=")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .expect("Credential");
    // Sign exactly the headers the SDK says it signed, as they were sent.
    let headers: Vec<(String, String)> = c
        .headers
        .iter()
        .filter(|(k, _)| signed_names.contains(&k.to_ascii_lowercase().as_str()))
        .cloned()
        .collect();
    let input = v3::V3Input {
        method: &c.method,
        path: &c.path,
        query: &c.query,
        headers: &headers,
        payload: c.body.as_bytes(),
    };
    let s = v3::sign(&input, ak, &c.inputs.secret);
    assert_eq!(s.authorization, auth, "{}", c.title);
    assert_eq!(
        Some(s.hashed_payload.as_str()),
        header(c, "x-acs-content-sha256"),
        "{}",
        c.title
    );
    assert_eq!(
        s.canonical_request,
        check_str(c, "canonical_request"),
        "{}",
        c.title
    );
    assert_eq!(
        s.string_to_sign,
        check_str(c, "string_to_sign"),
        "{}",
        c.title
    );
}

#[test]
fn reproduces_official_sdk_wire_signatures() {
    let text = std::fs::read_to_string(CAPTURE).unwrap_or_else(|e| panic!("{CAPTURE}: {e}"));
    let captured = parse_capture(&text);
    let (mut new_v1, mut new_v3, mut legacy_v1, mut with_token) = (0, 0, 0, 0);
    for c in &captured {
        assert_eq!(
            c.check["match"], true,
            "{}: oracle's own check failed",
            c.title
        );
        if c.query.iter().any(|(k, _)| k == "Signature") {
            verify_v1(c);
            if c.title.starts_with("new SDK") {
                new_v1 += 1;
            } else {
                legacy_v1 += 1;
            }
        } else {
            verify_v3(c);
            new_v3 += 1;
        }
        if c.inputs.token.is_some() {
            with_token += 1;
        }
    }
    assert!(
        new_v1 >= 2 && new_v3 >= 2 && legacy_v1 >= 1 && with_token >= 2,
        "capture incomplete: {new_v1} new-SDK V1, {new_v3} V3, {legacy_v1} legacy, {with_token} with token"
    );
}
