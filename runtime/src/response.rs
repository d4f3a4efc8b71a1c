//! Reading what the service answered: error bodies (JSON or the XML
//! `<Error>` form) into [`ServiceError`], success bodies into typed
//! responses, and anything else into a [`ResponseError`] with an excerpt.

use crate::error::{AccessDeniedDetail, ResponseError, ServiceError};
use crate::transport::HttpResponse;

/// Parses an error response. `Err` when the body is not an Alibaba error.
pub fn service_error(response: &HttpResponse) -> Result<ServiceError, ResponseError> {
    let status = response.status;
    let body = &response.body;
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    let parsed = if trimmed.starts_with('{') {
        from_json(trimmed)
    } else if trimmed.starts_with('<') {
        from_xml(trimmed)
    } else {
        None
    };
    match parsed {
        Some(mut e) => {
            e.set_status(status);
            e.set_request_id_if_absent(header(response, "x-acs-request-id"));
            Ok(e)
        }
        None => Err(ResponseError::new(
            status,
            if body.is_empty() {
                "error status without a body".to_string()
            } else {
                "error status with a body that is not an Alibaba Cloud error".to_string()
            },
            body,
        )),
    }
}

fn header(response: &HttpResponse, name: &str) -> Option<String> {
    response
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

fn from_json(text: &str) -> Option<ServiceError> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let obj = value.as_object()?;
    // RPC uses `Code`; ROA products often use `code`.
    let field = |names: &[&str]| {
        names.iter().find_map(|n| match obj.get(*n) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let code = field(&["Code", "code", "errorCode", "ErrorCode"])?;
    let message =
        field(&["Message", "message", "errorMessage", "ErrorMessage"]).unwrap_or_default();
    let mut error = ServiceError::new(code, message, 0);
    if let Some(id) = field(&["RequestId", "requestId", "request_id"]) {
        error = error.with_request_id(id);
    }
    if let Some(host) = field(&["HostId", "hostId"]) {
        error = error.with_host_id(host);
    }
    if let Some(url) = field(&["Recommend", "recommend"]) {
        error = error.with_recommend(url);
    }
    if let Some(detail) = obj
        .get("AccessDeniedDetail")
        .and_then(AccessDeniedDetail::from_json)
    {
        error = error.with_access_denied_detail(detail);
    }
    Some(error)
}

fn from_xml(text: &str) -> Option<ServiceError> {
    let code = xml_tag(text, "Code")?;
    let mut error = ServiceError::new(code, xml_tag(text, "Message").unwrap_or_default(), 0);
    if let Some(id) = xml_tag(text, "RequestId") {
        error = error.with_request_id(id);
    }
    if let Some(host) = xml_tag(text, "HostId") {
        error = error.with_host_id(host);
    }
    if let Some(url) = xml_tag(text, "Recommend") {
        error = error.with_recommend(url);
    }
    Some(error)
}

/// Text of the first `<name>...</name>` element. The error form is flat and
/// fixed, so a tag scan is enough; CDATA and the five XML entities are read.
fn xml_tag(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&close)?;
    let inner = text[start..end].trim();
    let inner = inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .map(str::to_string)
        .unwrap_or_else(|| {
            inner
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        });
    Some(inner)
}

/// Whether a 2xx body is in fact an Alibaba error: a JSON object holding
/// only the error body's fields (`Code` and `Message` among them) with a
/// `Code` that is not a success code. Some gateways and services answer an
/// error with 200; read as a success, its fields would all be missing and
/// the caller would see an empty result instead of the error.
pub fn is_error_body(body: &[u8]) -> bool {
    // Error bodies are a few hundred bytes; a cheap scan spares the parse
    // for every ordinary success.
    const LIMIT: usize = 8 * 1024;
    if body.len() > LIMIT || memchr::memmem::find(body, b"\"Code\"").is_none() {
        return false;
    }
    let Ok(fields) =
        serde_json::from_slice::<std::collections::BTreeMap<String, serde_json::Value>>(body)
    else {
        return false;
    };
    const ERROR_FIELDS: [&str; 5] = ["Code", "Message", "RequestId", "HostId", "Recommend"];
    if !fields.contains_key("Message") || fields.keys().any(|k| !ERROR_FIELDS.contains(&k.as_str()))
    {
        return false;
    }
    match fields.get("Code") {
        Some(serde_json::Value::String(code)) => {
            let code = code.trim();
            !code.is_empty()
                && !["success", "ok", "200", "0"]
                    .iter()
                    .any(|ok| code.eq_ignore_ascii_case(ok))
        }
        _ => false,
    }
}

/// Deserializes a success body into `T`.
///
/// An empty body is an error (a truncated answer) unless the operation
/// documents no body (`documented_body` false), where it reads as `{}`.
pub fn success<T: serde::de::DeserializeOwned>(
    response: &HttpResponse,
    documented_body: bool,
) -> Result<T, ResponseError> {
    let empty = response.body.iter().all(u8::is_ascii_whitespace);
    if empty && !documented_body {
        return serde_json::from_slice(b"{}").map_err(|e| {
            ResponseError::new(response.status, format!("empty body: {e}"), &response.body)
        });
    }
    if empty {
        return Err(ResponseError::new(
            response.status,
            "success status with an empty body",
            &response.body,
        ));
    }
    serde_json::from_slice(&response.body).map_err(|e| {
        ResponseError::new(
            response.status,
            format!(
                "cannot read the body as {}: {e}",
                std::any::type_name::<T>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("the response")
            ),
            &response.body,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn json_error_body() {
        let e = service_error(&resp(
            404,
            r#"{"RequestId":"R1","HostId":"r-kvstore.aliyuncs.com","Code":"InvalidInstanceId.NotFound","Message":"Specified instance does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound"}"#,
        ))
        .unwrap();
        assert_eq!(e.code(), "InvalidInstanceId.NotFound");
        assert_eq!(e.request_id(), Some("R1"));
        assert_eq!(e.host_id(), Some("r-kvstore.aliyuncs.com"));
        assert!(e.recommend().unwrap().contains("troubleshoot"));
        assert_eq!(e.status(), 404);
    }

    #[test]
    fn access_denied_detail_is_kept() {
        // The shape RAM sends for a denied call (field names from Alibaba's
        // error bodies; values made up).
        let e = service_error(&resp(
            403,
            r#"{"RequestId":"R3","Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource.","AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy","AuthPrincipalOwnerId":"1234","EncodedDiagnosticMessage":"AQEAAAAA","AuthPrincipalType":"SubUser","AuthPrincipalDisplayName":"ci-bot","NoPermissionType":"ImplicitDeny","AuthAction":"kvstore:DescribeInstances"}}"#,
        ))
        .unwrap();
        let detail = e.access_denied_detail().expect("detail");
        assert_eq!(detail.auth_action(), Some("kvstore:DescribeInstances"));
        assert_eq!(detail.no_permission_type(), Some("ImplicitDeny"));
        assert_eq!(detail.auth_principal_display_name(), Some("ci-bot"));
        assert_eq!(detail.encoded_diagnostic_message(), Some("AQEAAAAA"));
        let text = e.to_string();
        assert!(text.contains("kvstore:DescribeInstances"), "{text}");
        assert!(text.contains("ImplicitDeny"), "{text}");
        let plain = service_error(&resp(404, r#"{"Code":"NotFound","Message":"m"}"#)).unwrap();
        assert!(plain.access_denied_detail().is_none());
    }

    #[test]
    fn xml_error_body() {
        let e = service_error(&resp(
            400,
            "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>R2</RequestId><HostId>h</HostId><Code>InvalidParam</Code><Message>a &amp; b &lt;c&gt;</Message></Error>",
        ))
        .unwrap();
        assert_eq!(e.code(), "InvalidParam");
        assert_eq!(e.message(), "a & b <c>");
        assert_eq!(e.request_id(), Some("R2"));
    }

    #[test]
    fn unparseable_bodies_become_response_errors() {
        for body in [
            "<html><body>502 Bad Gateway</body></html>",
            "",
            "{\"Code\":",
            "plain",
        ] {
            let e = service_error(&resp(502, body)).unwrap_err();
            assert_eq!(e.status(), 502);
            assert!(e.excerpt().len() <= ResponseError::EXCERPT_LIMIT + 3);
        }
        #[derive(serde::Deserialize, Debug)]
        struct R {
            #[serde(rename = "RequestId")]
            _id: String,
        }
        assert!(success::<R>(&resp(200, ""), true).is_err());
        assert!(success::<R>(&resp(200, "{\"RequestId\":\"x\""), true).is_err());
        let e = success::<R>(&resp(200, "<html/>"), true).unwrap_err();
        #[derive(serde::Deserialize, Debug, Default)]
        struct Nothing {}
        assert!(
            success::<Nothing>(&resp(204, ""), false).is_ok(),
            "no documented body"
        );
        assert!(
            success::<Nothing>(&resp(200, ""), true).is_err(),
            "documented but missing"
        );
        assert!(e.to_string().contains("<html/>"), "{e}");
    }

    #[test]
    fn error_bodies_sent_with_200_are_recognised() {
        for body in [
            r#"{"RequestId":"R","Code":"InvalidInstanceId.NotFound","Message":"gone"}"#,
            r#"{"Code":"Throttling.User","Message":"slow down","HostId":"h","Recommend":"u"}"#,
        ] {
            assert!(is_error_body(body.as_bytes()), "{body}");
        }
        for body in [
            r#"{"RequestId":"R","Code":"Success","Message":"ok"}"#,
            r#"{"RequestId":"R","Code":"200","Message":""}"#,
            r#"{"RequestId":"R","Code":200,"Message":"x"}"#,
            r#"{"RequestId":"R","Code":"X","Message":"m","Data":{}}"#,
            r#"{"RequestId":"R","Code":"X"}"#,
            r#"{"RequestId":"R"}"#,
            "[1]",
            "not json \"Code\"",
        ] {
            assert!(!is_error_body(body.as_bytes()), "{body}");
        }
    }
}
