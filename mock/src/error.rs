//! Errors the endpoint answers with, in Alibaba Cloud's shape, and the
//! errors of starting it.

use std::fmt;
use std::path::PathBuf;

/// An error answer: HTTP status, error code and message.
///
/// Rendered as Alibaba's JSON error body
/// `{"RequestId","HostId","Code","Message","Recommend"}` by
/// [`ApiError::body`]. Codes, statuses and message texts follow what the real
/// service returns (the operation's error table where it has the code, the
/// gateway's common errors otherwise); the crate README lists each choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Error code (`InvalidInstanceId.NotFound`).
    pub code: String,
    /// Message, as the service words it.
    pub message: String,
}

impl ApiError {
    /// An error with the given status, code and message.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// `MissingParameter` (400) for a common parameter the gateway requires
    /// (`Action`, `Timestamp`, ...), in the gateway's words.
    pub fn missing(name: &str) -> Self {
        ApiError::new(400, "MissingParameter", missing_message(name))
    }

    /// `InvalidParameter` (400): a parameter's value breaks its spec
    /// (type, enum, length, item count). `why` says how.
    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        ApiError::new(
            400,
            "InvalidParameter",
            format!("The specified parameter \u{201c}{name}\u{201d} is not valid: {why}"),
        )
    }

    /// The JSON error body, with a `Recommend` diagnosis URL like the real
    /// one (`https://api.aliyun.com/troubleshoot?q=CODE&product=P&requestId=R`).
    pub fn body(&self, request_id: &str, host_id: &str, product: Option<&str>) -> String {
        self.body_in(ErrorShape::Pop, request_id, host_id, product)
    }

    /// The error body in the key spelling of `shape` (see [`ErrorShape`]).
    pub fn body_in(
        &self,
        shape: ErrorShape,
        request_id: &str,
        host_id: &str,
        product: Option<&str>,
    ) -> String {
        let mut recommend = format!(
            "https://api.aliyun.com/troubleshoot?q={}",
            alibabacloud_signing::percent_encode(&self.code)
        );
        if let Some(p) = product {
            recommend.push_str("&product=");
            recommend.push_str(&alibabacloud_signing::percent_encode(p));
        }
        recommend.push_str("&requestId=");
        recommend.push_str(request_id);
        match shape {
            ErrorShape::Pop => serde_json::json!({
                "RequestId": request_id,
                "HostId": host_id,
                "Code": self.code,
                "Message": self.message,
                "Recommend": recommend,
            }),
            ErrorShape::Lower => serde_json::json!({
                "requestId": request_id,
                "hostId": host_id,
                "code": self.code,
                "message": self.message,
                "recommend": recommend,
            }),
            ErrorShape::ErrorCode => serde_json::json!({
                "requestId": request_id,
                "errorCode": self.code,
                "errorMessage": self.message,
            }),
        }
        .to_string()
    }
}

/// How a product spells the keys of its error body.
///
/// RPC products and most ROA ones answer with the gateway's
/// `{"RequestId","HostId","Code","Message","Recommend"}`. ROA products whose
/// own responses spell the request id in lower case (CS: `request_id`,
/// `requestId`) answer errors in lower camel case too
/// (`{"requestId","hostId","code","message","recommend"}`), and SLS answers
/// `{"errorCode","errorMessage"}`. The official SDKs read all three
/// (`Code` or `code`, `Message` or `message`), and so does this SDK's
/// `response.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorShape {
    /// `Code`, `Message`, `RequestId`, `HostId`, `Recommend`.
    #[default]
    Pop,
    /// `code`, `message`, `requestId`, `hostId`, `recommend`.
    Lower,
    /// `errorCode`, `errorMessage`, `requestId` (SLS).
    ErrorCode,
}

/// The gateway's text for a missing mandatory parameter.
pub fn missing_message(name: &str) -> String {
    format!(
        "The input parameter \u{201c}{name}\u{201d} that is mandatory for processing this request is not supplied."
    )
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// Why the endpoint could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockError {
    /// A spec file could not be read or parsed.
    Spec(alibabacloud_spec::SpecError),
    /// `--products` named a product no spec file has.
    UnknownProducts {
        /// The names without a spec, as given.
        names: Vec<String>,
        /// The products that are there, to choose from.
        available: Vec<String>,
    },
    /// The specs directory could not be listed, or holds no RPC spec.
    Specs {
        /// The directory.
        dir: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The state JSON is not valid.
    State(String),
    /// An `--access-key` value is not `ID:SECRET`.
    AccessKey(String),
    /// Binding or reading the listening socket failed.
    Io(std::io::Error),
    /// A `--fault` rule or faults file is not valid.
    Fault(String),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MockError::Spec(e) => write!(f, "spec: {e}"),
            MockError::UnknownProducts { names, available } => write!(
                f,
                "no spec for product(s) {} (available: {})",
                names.join(", "),
                available.join(", ")
            ),
            MockError::Specs { dir, message } => {
                write!(f, "specs directory {}: {message}", dir.display())
            }
            MockError::State(m) => write!(f, "state: {m}"),
            MockError::AccessKey(m) => write!(f, "access key: {m}"),
            MockError::Io(e) => write!(f, "listening socket: {e}"),
            MockError::Fault(m) => write!(f, "fault: {m}"),
        }
    }
}

impl std::error::Error for MockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MockError::Spec(e) => Some(e),
            MockError::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_five_fields_of_alibabas_error_body() {
        let e = ApiError::new(
            404,
            "InvalidInstanceId.NotFound",
            "Specified instance does not exist.",
        );
        let body: serde_json::Value =
            serde_json::from_str(&e.body("RID", "r-kvstore.aliyuncs.com", Some("R-kvstore")))
                .unwrap();
        let obj = body.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["Code", "HostId", "Message", "Recommend", "RequestId"]
        );
        assert_eq!(
            obj["Recommend"],
            "https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound&product=R-kvstore&requestId=RID"
        );
    }

    #[test]
    fn missing_uses_the_gateway_wording() {
        let e = ApiError::missing("Timestamp");
        assert_eq!(e.status, 400);
        assert_eq!(
            e.message,
            "The input parameter \u{201c}Timestamp\u{201d} that is mandatory for processing this request is not supplied."
        );
    }
}
