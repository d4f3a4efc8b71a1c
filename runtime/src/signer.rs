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
use alibabacloud_signing::{form_urlencode, percent_encode, v1, v3};
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
}

/// `2016-02-23T12:46:24Z`: the timestamp format of `Timestamp` and `x-acs-date`.
pub fn format_timestamp(now: SystemTime) -> String {
    let t = time::OffsetDateTime::from(now).to_offset(time::UtcOffset::UTC);
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

/// Builds and signs the request. `credentials` is `None` for anonymous calls.
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
    let authority = match params.host.as_slice() {
        [] => attempt.endpoint.authority.clone(),
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
            host
        }
    };
    let base = ResolvedEndpoint {
        scheme: attempt.endpoint.scheme,
        authority: authority.clone(),
    }
    .base_url();

    let mut headers: Vec<(String, String)> = vec![
        ("x-acs-action".into(), op.action.into()),
        ("x-acs-version".into(), op.version.into()),
    ];
    headers.extend(params.headers.iter().cloned());
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
                ("Timestamp".into(), timestamp.clone()),
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
            url: url(&base, &path, &query),
            headers,
            body,
        });
    }

    // V3: everything the signature covers travels in headers.
    headers.push(("x-acs-date".into(), timestamp));
    headers.push(("x-acs-signature-nonce".into(), attempt.nonce.into()));
    headers.push(("x-acs-content-sha256".into(), v3::hashed_payload(&body)));
    headers.push(("accept".into(), "application/json".into()));
    if let Some(c) = credentials {
        if let Some(token) = c.security_token() {
            // As the official SDK does: STS calls name the key id in a header too.
            headers.push(("x-acs-accesskey-id".into(), c.access_key_id().into()));
            headers.push(("x-acs-security-token".into(), token.into()));
        }
    }
    if let Some(c) = credentials {
        // `host` is signed but sent by the HTTP stack from the URL.
        let mut signed_headers = headers.clone();
        signed_headers.push(("host".into(), authority.clone()));
        let input = v3::V3Input {
            method,
            path: &path,
            query: &query_params,
            headers: &signed_headers,
            payload: &body,
        };
        let signed = v3::sign(&input, c.access_key_id(), c.access_key_secret());
        headers.push(("authorization".into(), signed.authorization));
    }
    headers.push(("user-agent".into(), attempt.user_agent.into()));
    Ok(HttpRequest {
        method: method.into(),
        url: url(&base, &path, &query_params),
        headers,
        body,
    })
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

/// The path with `{Name}` placeholders replaced by encoded values, and the
/// fixed query pairs the template carries after `?` (SLS's
/// `/logstores/{logstore}?type=log`). As Alibaba's SLS gateway does, those
/// pairs travel and are signed as query parameters, never as path.
fn expand_path(
    op: &OperationInfo<'_>,
    params: &Params,
) -> Result<(String, Vec<(String, String)>), ConfigError> {
    let (template, fixed) = op.path.split_once('?').unwrap_or((op.path, ""));
    let mut path = template.to_string();
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
        path = path.replace(&placeholder, &percent_encode(value));
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

fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

fn url(base: &str, path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{}", encode_pairs(query))
    }
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
    fn timestamp_is_utc_iso8601() {
        // 2016-02-23T12:46:24Z, the doc example's timestamp.
        let t = UNIX_EPOCH + Duration::from_secs(1_456_231_584);
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
    }
}
