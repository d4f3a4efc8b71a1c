//! Turns an operation's encoded parameters into a signed [`HttpRequest`]:
//! the common parameters or headers each signature version needs, the URL,
//! the body, and the signature itself (computed by `alibabacloud-signing`).

use crate::config::SignatureVersion;
use crate::credentials::Credentials;
use crate::endpoint::ResolvedEndpoint;
use crate::error::ConfigError;
use crate::operation::ApiStyle;
use crate::params::Params;
use crate::retry::OperationInfo;
use crate::transport::HttpRequest;
use alibabacloud_signing::{encode_query_into, form_urlencode, percent_encode, v1, v3};
use std::borrow::Cow;
use std::time::SystemTime;

/// Per-attempt inputs: a fresh timestamp and nonce each time.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// Where it goes.
    pub endpoint: &'a ResolvedEndpoint,
    /// Signature version (ROA always uses V3).
    pub signature: SignatureVersion,
    /// The current time.
    pub now: SystemTime,
    /// A nonce never used before.
    pub nonce: &'a str,
    /// User agent.
    pub user_agent: &'a str,
    /// On a retry: retries so far and the delay just waited, sent as
    /// `x-acs-retry-attempts` / `x-acs-retry-delay` (milliseconds) as the
    /// official SDK does.
    pub retry: Option<(u32, std::time::Duration)>,
    /// Headers set beside the operation's: the client's defaults, then the
    /// call's, each replacing an earlier header of its name (any case).
    pub extra_headers: [&'a [(String, String)]; 2],
}

/// A fresh random (version 4) UUID, as the official SDKs send for
/// signature nonces and client tokens, drawn from rand's per-thread
/// generator (ChaCha12, seeded from the OS
/// once per thread, reseeded every 64 KiB and after a fork) rather than a
/// system call per request.
pub(crate) fn random_nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    id.hyphenated().encode_lower(&mut text).to_owned()
}

/// `2016-02-23T12:46:24Z`: the timestamp format of `Timestamp` and `x-acs-date`.
///
/// Written by hand from the seconds since the epoch (one per request, where
/// the calendar conversion and `format!` cost more than the rest of the
/// date handling); times before 1970 or after 9999 take the general path.
pub fn format_timestamp(now: SystemTime) -> String {
    const YEAR_10000: u64 = 253_402_300_800;
    let secs = match now.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) if d.as_secs() < YEAR_10000 => d.as_secs(),
        _ => return format_timestamp_general(now),
    };
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Below year 10000 every part is a small non-negative number.
    let (year, month, day) = civil_from_days(days as i64);
    let (year, month, day) = (year as u64, month as u64, day as u64);
    let mut out = [0u8; 20];
    let mut put = |at: usize, value: u64, width: usize| {
        let mut v = value;
        for i in (at..at + width).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, rem / 3600, 2);
    put(14, rem / 60 % 60, 2);
    put(17, rem % 60, 2);
    out[4] = b'-';
    out[7] = b'-';
    out[10] = b'T';
    out[13] = b':';
    out[16] = b':';
    out[19] = b'Z';
    std::str::from_utf8(&out)
        .expect("digits and separators are ASCII")
        .to_owned()
}

/// Year, month and day of a day count since 1970-01-01, negative before it
/// (proleptic Gregorian; Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// [`format_timestamp`] for any time, before 1970 and after 9999 included
/// (a clock that far off is refused by the service, but never panics here).
fn format_timestamp_general(now: SystemTime) -> String {
    let secs: i64 = match now.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX / 2),
        // Whole seconds, rounded down: 1.5 s before the epoch is 23:59:58.
        Err(before) => {
            let d = before.duration();
            -i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2) - i64::from(d.subsec_nanos() > 0)
        }
    };
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Builds and signs the request. `credentials` is `None` for anonymous calls.
///
/// Each part is written once into the buffer it is sent in: the URL (query
/// encoded in place), the headers (signed by reference, `host` included,
/// never copied for signing), the body.
pub fn build_request(
    op: &OperationInfo<'_>,
    params: &Params,
    credentials: Option<&Credentials>,
    attempt: &Attempt<'_>,
) -> Result<HttpRequest, ConfigError> {
    let method = op.method;
    let (path, fixed_query) = expand_path(op, params)?;
    let query_params = with_fixed_query(&params.query, &fixed_query);
    let (body, content_type) = body_of(params);
    let timestamp = format_timestamp(attempt.now);
    // Host parameters (SLS's `project`) prefix the endpoint's host name.
    let authority: Cow<'_, str> = match params.host.as_slice() {
        [] => Cow::Borrowed(&attempt.endpoint.authority),
        labels => {
            let mut host = String::new();
            for (name, value) in labels {
                if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    return Err(ConfigError::new(format!(
                        "{}: host parameter {name} = {value:?} is not a valid host label",
                        op.action
                    )));
                }
                host.push_str(value);
                host.push('.');
            }
            host.push_str(&attempt.endpoint.authority);
            Cow::Owned(host)
        }
    };
    let scheme = attempt.endpoint.scheme;

    let mut headers: Vec<(String, String)> = Vec::with_capacity(params.headers.len() + 13);
    headers.push(("x-acs-action".into(), op.action.into()));
    headers.push(("x-acs-version".into(), op.version.into()));
    push_headers(&mut headers, &params.headers, attempt.extra_headers);
    if let Some((retries, delay)) = attempt.retry {
        headers.push(("x-acs-retry-attempts".into(), retries.to_string()));
        headers.push(("x-acs-retry-delay".into(), delay.as_millis().to_string()));
    }
    if let Some(ct) = content_type {
        headers.push(("content-type".into(), ct.into()));
    }

    let use_v1 = attempt.signature == SignatureVersion::V1 && op.style == ApiStyle::Rpc;
    if use_v1 {
        // V1 signs query and form parameters together, common ones included.
        let mut query = match credentials {
            Some(c) => v1::common_params(
                op.action,
                op.version,
                c.access_key_id(),
                c.security_token(),
                &timestamp,
                attempt.nonce,
                "json",
            ),
            None => vec![
                ("Action".into(), op.action.into()),
                ("Format".into(), "json".into()),
                ("Version".into(), op.version.into()),
                ("Timestamp".into(), timestamp),
            ],
        };
        query.extend(query_params.iter().cloned());
        if let Some(c) = credentials {
            // One map, as Alibaba's code signs it: a form value replaces a
            // query value of the same key.
            let signed_set = v1::merge_params(&query, &params.form);
            let signed = v1::sign(method, &signed_set, c.access_key_secret());
            query.push(("Signature".into(), signed.signature));
        }
        headers.push(("user-agent".into(), attempt.user_agent.into()));
        return Ok(HttpRequest {
            method: method.into(),
            url: url(scheme, &authority, &path, &query),
            headers,
            body,
        });
    }

    // V3: everything the signature covers travels in headers.
    headers.push(("x-acs-date".into(), timestamp));
    headers.push(("x-acs-signature-nonce".into(), attempt.nonce.into()));
    let hash_at = headers.len();
    headers.push(("x-acs-content-sha256".into(), payload_hash(&body)));
    headers.push(("accept".into(), "application/json".into()));
    if let Some(c) = credentials {
        if let Some(token) = c.security_token() {
            // As the official SDK does: STS calls name the key id in a header too.
            headers.push(("x-acs-accesskey-id".into(), c.access_key_id().into()));
            headers.push(("x-acs-security-token".into(), token.into()));
        }
    }
    if let Some(c) = credentials {
        // `host` is signed but sent by the HTTP stack from the URL; the
        // headers are signed where they are, not copied.
        let authorization = v3::authorization(
            method,
            &path,
            &query_params,
            headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(std::iter::once(("host", &*authority))),
            &headers[hash_at].1,
            c.access_key_id(),
            c.access_key_secret(),
        );
        headers.push(("authorization".into(), authorization));
    }
    headers.push(("user-agent".into(), attempt.user_agent.into()));
    Ok(HttpRequest {
        method: method.into(),
        url: url(scheme, &authority, &path, &query_params),
        headers,
        body,
    })
}

/// The operation's header parameters, then the extra headers (names
/// lowercased), where a later header replaces an earlier one of its name:
/// written once, straight into the request's list.
fn push_headers(
    out: &mut Vec<(String, String)>,
    own: &[(String, String)],
    extra: [&[(String, String)]; 2],
) {
    let mut extra = extra.iter().flat_map(|list| list.iter());
    fn replaced_later<'a>(
        mut rest: impl Iterator<Item = &'a (String, String)>,
        name: &str,
    ) -> bool {
        rest.any(|(later, _)| later.eq_ignore_ascii_case(name))
    }
    for (name, value) in own {
        if !replaced_later(extra.clone(), name) {
            out.push((name.clone(), value.clone()));
        }
    }
    while let Some((name, value)) = extra.next() {
        if !replaced_later(extra.clone(), name) {
            out.push((name.to_ascii_lowercase(), value.clone()));
        }
    }
}

/// SHA-256 of the body in hex; the empty body's is a constant.
fn payload_hash(body: &[u8]) -> String {
    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    if body.is_empty() {
        EMPTY.to_owned()
    } else {
        v3::hashed_payload(body)
    }
}

/// The form body (RPC) or the whole body (ROA), and its content type.
fn body_of(params: &Params) -> (Vec<u8>, Option<&'static str>) {
    if let Some(body) = &params.body {
        let trimmed = body.trim_start();
        let ct = if trimmed.starts_with('{') || trimmed.starts_with('[') {
            // The official SDK's content type for JSON bodies.
            "application/json; charset=utf-8"
        } else {
            "application/octet-stream"
        };
        return (body.clone().into_bytes(), Some(ct));
    }
    if params.form.is_empty() {
        return (Vec::new(), None);
    }
    (
        form_urlencode(&params.form).into_bytes(),
        Some("application/x-www-form-urlencoded"),
    )
}

/// Name/value pairs.
type Pairs = Vec<(String, String)>;

/// The path with `{Name}` placeholders replaced by encoded values, and the
/// fixed query pairs the template carries after `?` (SLS's
/// `/logstores/{logstore}?type=log`). As Alibaba's SLS gateway does, those
/// pairs travel and are signed as query parameters, never as path.
fn expand_path<'a>(
    op: &OperationInfo<'a>,
    params: &Params,
) -> Result<(Cow<'a, str>, Pairs), ConfigError> {
    let (template, fixed) = op.path.split_once('?').unwrap_or((op.path, ""));
    let mut path = Cow::Borrowed(template);
    for (name, value) in &params.path {
        // An empty value, `.` or `..` would address another resource (and
        // `.`/`..` are normalized away by the HTTP stack after signing).
        if value.is_empty() || value == "." || value == ".." {
            return Err(ConfigError::new(format!(
                "{}: path parameter {name} = {value:?} would change the resource path",
                op.action
            )));
        }
        let placeholder = format!("{{{name}}}");
        path = Cow::Owned(path.replace(&placeholder, &percent_encode(value)));
    }
    if let Some(start) = path.find('{') {
        let end = path[start..]
            .find('}')
            .map_or(path.len(), |e| start + e + 1);
        return Err(ConfigError::new(format!(
            "{}: path parameter {} is not set",
            op.action,
            &path[start..end]
        )));
    }
    let fixed = fixed
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    Ok((path, fixed))
}

/// The request's query parameters with the template's fixed pairs added; a
/// fixed pair replaces a parameter of the same name, as the SLS gateway's
/// map does.
fn with_fixed_query<'a>(
    query: &'a [(String, String)],
    fixed: &[(String, String)],
) -> std::borrow::Cow<'a, [(String, String)]> {
    if fixed.is_empty() {
        return std::borrow::Cow::Borrowed(query);
    }
    let mut all: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !fixed.iter().any(|(f, _)| f == k))
        .cloned()
        .collect();
    all.extend(fixed.iter().cloned());
    std::borrow::Cow::Owned(all)
}

/// `scheme://authority/path?query`, the query percent-encoded straight into
/// the URL's one buffer.
fn url(scheme: &str, authority: &str, path: &str, query: &[(String, String)]) -> String {
    let query_len: usize = query.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out =
        String::with_capacity(scheme.len() + 3 + authority.len() + path.len() + 3 * query_len + 1);
    out.push_str(scheme);
    out.push_str("://");
    out.push_str(authority);
    out.push_str(path);
    if !query.is_empty() {
        out.push('?');
        encode_query_into(&mut out, query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn form_body_matches_the_official_encoding() {
        // Body the official SDK (Utils.to_form) produced for these pairs; see
        // signing/tests/vectors/v3.json, case special-values-form-body.
        let pairs = [
            ("Tag.1.Key".to_string(), "键".to_string()),
            (
                "Description".to_string(),
                "hello world *~+/=&% 中文".to_string(),
            ),
            ("Empty".to_string(), String::new()),
        ];
        assert_eq!(
            form_urlencode(&pairs),
            "Description=hello+world+%2A~%2B%2F%3D%26%25+%E4%B8%AD%E6%96%87&Empty=&Tag.1.Key=%E9%94%AE"
        );
    }

    /// SLS `GetLogs`: a template with a fixed query (`?type=log`), a path
    /// parameter and a host parameter, signed V3 at the doc's timestamp.
    fn get_logs(path: &str, query: &[(&str, &str)]) -> HttpRequest {
        let op = OperationInfo {
            product_name: "Sls",
            product_code: "Sls",
            version: "2020-12-30",
            style: ApiStyle::Roa,
            endpoints: &[],
            action: "GetLogs",
            method: "GET",
            path,
            operation_type: crate::operation::OperationType::Read,
            anonymous: false,
            client_token: false,
        };
        let params = Params {
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            path: vec![("logstore".into(), "my store".into())],
            host: vec![("project".into(), "my-project".into())],
            ..Params::default()
        };
        let endpoint = ResolvedEndpoint {
            scheme: "https",
            authority: "cn-hangzhou.log.aliyuncs.com".into(),
        };
        let attempt = Attempt {
            endpoint: &endpoint,
            signature: SignatureVersion::V3,
            now: UNIX_EPOCH + Duration::from_secs(1_456_231_584),
            nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            user_agent: "test",
            retry: None,
            extra_headers: [&[], &[]],
        };
        let credentials = Credentials::new("testid", "testsecret");
        build_request(&op, &params, Some(&credentials), &attempt).unwrap()
    }

    fn header<'a>(request: &'a HttpRequest, name: &str) -> &'a str {
        request
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header"))
    }

    #[test]
    fn a_fixed_query_in_the_template_is_sent_and_signed_as_query() {
        let request = get_logs(
            "/logstores/{logstore}?type=log",
            &[("from", "1"), ("to", "2"), ("type", "ignored")],
        );
        assert_eq!(
            request.url,
            "https://my-project.cn-hangzhou.log.aliyuncs.com/logstores/my%20store?from=1&to=2&type=log"
        );
        // Alibaba's official V3 signer on the same request (`oracle.py v3
        // --method GET --host my-project.cn-hangzhou.log.aliyuncs.com --path
        // /logstores/my%20store --action GetLogs --version 2020-12-30
        // --timestamp 2016-02-23T12:46:24Z --nonce 3ee8c1b8-... --param from=1
        // --param to=2 --param type=log --header accept:application/json`).
        assert_eq!(
            header(&request, "authorization"),
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=31f26fb6a5512418666d6ea6b9e03c7dfc0670c18c2729ec411854543bf50417"
        );
    }

    #[test]
    fn extra_headers_replace_earlier_ones_of_their_name() {
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let own = pairs(&[("x-acs-a", "op"), ("x-acs-b", "op")]);
        let defaults = pairs(&[("X-Acs-B", "default"), ("x-acs-c", "default")]);
        let call = pairs(&[("x-acs-c", "call"), ("X-Acs-D", "1"), ("x-acs-d", "2")]);
        let mut out = Vec::new();
        push_headers(&mut out, &own, [&defaults, &call]);
        assert_eq!(
            out,
            pairs(&[
                ("x-acs-a", "op"),
                ("x-acs-b", "default"),
                ("x-acs-c", "call"),
                ("x-acs-d", "2"),
            ])
        );
    }

    /// The `time` crate's calendar, an implementation independent of ours.
    fn by_the_calendar(at: SystemTime) -> String {
        let t = time::OffsetDateTime::from(at);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    #[test]
    fn timestamp_by_hand_matches_the_calendar() {
        // Every day boundary of 1970-2100 and a spread of times within days,
        // against the `time` crate's calendar.
        let mut secs = 0u64;
        while secs < 4_102_444_800 {
            for t in [secs, secs + 1, secs + 86_399, secs + 45_296] {
                let at = UNIX_EPOCH + Duration::from_secs(t);
                assert_eq!(format_timestamp(at), by_the_calendar(at), "{t}");
                assert_eq!(format_timestamp_general(at), by_the_calendar(at), "{t}");
            }
            secs += 86_400;
        }
        for t in [253_402_300_799u64, 951_782_400, 4_107_542_400] {
            let at = UNIX_EPOCH + Duration::from_secs(t) + Duration::from_millis(999);
            assert_eq!(format_timestamp(at), by_the_calendar(at), "{t}");
        }
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(format_timestamp(before), "1969-12-31T23:59:58Z");
        // Before 1970 and past 9999, as the `time` crate's calendar has it.
        for t in [1i64, 86_399, 86_400, 86_401, 951_782_400, 62_135_596_800] {
            let at = UNIX_EPOCH - Duration::from_secs(t as u64);
            let want = time::OffsetDateTime::from_unix_timestamp(-t).unwrap();
            assert_eq!(
                format_timestamp(at),
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                    want.year(),
                    u8::from(want.month()),
                    want.day(),
                    want.hour(),
                    want.minute(),
                    want.second()
                ),
                "{t} s before the epoch"
            );
        }
        let far = UNIX_EPOCH + Duration::from_secs(253_402_300_800 + 86_400 + 3_661);
        assert_eq!(format_timestamp(far), "10000-01-02T01:01:01Z");
    }

    #[test]
    fn timestamp_is_utc_iso8601() {
        // 2016-02-23T12:46:24Z, the doc example's timestamp.
        let t = UNIX_EPOCH + Duration::from_secs(1_456_231_584);
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
    }
}
