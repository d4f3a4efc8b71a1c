//! Calling any operation, generated or not, by product code, version and
//! action (RPC) or action, method and path (ROA).
//!
//! A generic call goes through the same endpoint resolution, signing (V1
//! or V3), retries, timeouts, spans and error parsing as typed calls; it
//! returns the HTTP status, headers, request id and the JSON body.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use alibabacloud_sdk::call::ApiClient;
//! let client = ApiClient::from_env()?;
//! let out = client
//!     .rpc("R-kvstore", "2015-01-01", "DescribeSecurityIps")
//!     .query("InstanceId", "r-bp1zxszhcgatnx****")
//!     .send()
//!     .await?;
//! println!("{} {:?} {}", out.status(), out.request_id(), out.body());
//! # Ok(()) }
//! ```
//!
//! The host comes from an explicit endpoint (the client's, the call's, or
//! `ConfigBuilder::endpoint_for`), else the rule
//! `<product code>.<region>.aliyuncs.com`: a generic call knows no
//! product's endpoint table, so products with central hosts need one of the
//! explicit forms.

use crate::__private::client::Client;
use crate::config::Config;
use crate::error::{ConfigError, Error, ServiceError};
use crate::operation::{ApiStyle, OperationType};
use crate::options::CallOptions;
use crate::params::Params;
use crate::retry::OperationInfo;
use crate::transport::HttpResponse;

/// A client for generic calls. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ApiClient {
    inner: Client,
}

impl ApiClient {
    /// A client with `config`.
    pub fn new(config: Config) -> Self {
        ApiClient {
            inner: Client::new(config),
        }
    }

    /// A client configured from the environment, as
    /// [`Config::from_env`] does.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self::new(Config::from_env()?))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// An RPC call: `action` of `product` (code as Alibaba spells it,
    /// `R-kvstore`) at API `version`, sent with POST.
    pub fn rpc(
        &self,
        product: impl Into<String>,
        version: impl Into<String>,
        action: impl Into<String>,
    ) -> ApiRequest {
        ApiRequest::new(
            self.inner.clone(),
            ApiStyle::Rpc,
            product.into(),
            version.into(),
            action.into(),
            "POST".into(),
            "/".into(),
        )
    }

    /// A ROA call: `action` sent as `method` to `path` (a literal path, or a
    /// template whose `{Name}` parts [`ApiRequest::path_param`] fills).
    pub fn roa(
        &self,
        product: impl Into<String>,
        version: impl Into<String>,
        action: impl Into<String>,
        method: impl Into<String>,
        path: impl Into<String>,
    ) -> ApiRequest {
        ApiRequest::new(
            self.inner.clone(),
            ApiStyle::Roa,
            product.into(),
            version.into(),
            action.into(),
            method.into(),
            path.into(),
        )
    }
}

/// Which list of the parameters a value goes to.
type Place = fn(&mut Params) -> &mut Vec<(String, String)>;
const QUERY: Place = |p| &mut p.query;
const FORM: Place = |p| &mut p.form;
const HEADER: Place = |p| &mut p.headers;
const PATH: Place = |p| &mut p.path;

/// One generic call being built; [`send`](Self::send) sends it.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    client: Client,
    style: ApiStyle,
    product: String,
    version: String,
    action: String,
    method: String,
    path: String,
    operation_type: OperationType,
    client_token: Option<String>,
    anonymous: bool,
    params: Params,
    options: CallOptions,
}

impl ApiRequest {
    fn new(
        client: Client,
        style: ApiStyle,
        product: String,
        version: String,
        action: String,
        method: String,
        path: String,
    ) -> Self {
        ApiRequest {
            client,
            style,
            product,
            version,
            action,
            method,
            path,
            operation_type: OperationType::Unspecified,
            client_token: None,
            anonymous: false,
            params: Params::default(),
            options: CallOptions::default(),
        }
    }

    fn push(mut self, location: Place, name: impl Into<String>, value: impl Into<String>) -> Self {
        location(&mut self.params).push((name.into(), value.into()));
        self
    }

    fn list<I>(mut self, location: Place, name: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        for (i, value) in values.into_iter().enumerate() {
            self = self.push(location, format!("{name}.{}", i + 1), value);
        }
        self
    }

    /// A query parameter.
    pub fn query(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(QUERY, name, value)
    }

    /// A form-body parameter.
    pub fn form(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(FORM, name, value)
    }

    /// A list in the query, numbered from 1: `Name.1=a&Name.2=b`.
    pub fn query_list<I>(self, name: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.list(QUERY, name, values)
    }

    /// A list in the form body, numbered from 1: `Name.1=a&Name.2=b`.
    pub fn form_list<I>(self, name: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.list(FORM, name, values)
    }

    /// A header parameter of the operation (signed under V3).
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(HEADER, name, value)
    }

    /// The value of `{name}` in a ROA path template.
    pub fn path_param(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(PATH, name, value)
    }

    /// A JSON body (ROA).
    pub fn json_body(mut self, body: &serde_json::Value) -> Self {
        self.params.body = Some(body.to_string());
        self
    }

    /// What the operation does, as the API reference says; a
    /// [`Read`](OperationType::Read) call is retried after sending (5xx,
    /// timeouts), others are not. Unset, it is
    /// [`Unspecified`](OperationType::Unspecified), treated as a write.
    pub fn operation_type(mut self, operation_type: OperationType) -> Self {
        self.operation_type = operation_type;
        self
    }

    /// Names the operation's idempotency parameter (`ClientToken`): a UUID
    /// is sent in the query when no value was given, the same on every
    /// attempt, and the call is retried after sending like a read.
    pub fn client_token_param(mut self, name: impl Into<String>) -> Self {
        self.client_token = Some(name.into());
        self
    }

    /// Sends the call unsigned (operations whose auth is `Anonymous`).
    pub fn anonymous(mut self, anonymous: bool) -> Self {
        self.anonymous = anonymous;
        self
    }

    /// Per-call options (timeouts, retries, endpoint, extra headers).
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// Checks the names, signs, sends (retrying what is safe) and returns
    /// the answer; an error answer is `Error::Service`.
    pub async fn send(mut self) -> Result<ApiResponse, Error<ServiceError>> {
        self.check().map_err(Error::Config)?;
        if let Some(name) = &self.client_token {
            let set = self.params.query.iter().any(|(k, _)| k == name)
                || self.params.form.iter().any(|(k, _)| k == name);
            if !set {
                self.params
                    .query
                    .push((name.clone(), crate::signer::random_nonce()));
            }
        }
        let code = self.product.to_ascii_lowercase();
        let info = OperationInfo {
            product_name: &self.product,
            product_code: &code,
            version: &self.version,
            style: self.style,
            endpoints: &[],
            action: &self.action,
            method: &self.method,
            path: &self.path,
            operation_type: self.operation_type,
            anonymous: self.anonymous,
            client_token: self.client_token.is_some(),
        };
        let response = self.client.call(&info, self.params, &self.options).await?;
        ApiResponse::from_http(response).map_err(Error::Response)
    }

    /// What makes a call malformed, said before anything is sent.
    fn check(&self) -> Result<(), ConfigError> {
        let bad = |what: &str, value: &str, why: &str| {
            Err(ConfigError::new(format!(
                "generic call: {what} {value:?} {why}"
            )))
        };
        let product_ok = self.product.starts_with(|c: char| c.is_ascii_alphabetic())
            && self
                .product
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !product_ok {
            return bad(
                "product",
                &self.product,
                "is not a product code (letters, digits, '-' and '_', starting with a letter)",
            );
        }
        let v = self.version.as_bytes();
        let version_ok = v.len() == 10
            && v.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !version_ok {
            return bad(
                "version",
                &self.version,
                "is not an API version (YYYY-MM-DD)",
            );
        }
        let action_ok = self.action.starts_with(|c: char| c.is_ascii_alphabetic())
            && self
                .action
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !action_ok {
            return bad(
                "action",
                &self.action,
                "is not an action name (letters, digits and '_', starting with a letter)",
            );
        }
        const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];
        if !METHODS.contains(&self.method.as_str()) {
            return bad(
                "method",
                &self.method,
                "is not one of GET, POST, PUT, DELETE, PATCH, HEAD",
            );
        }
        if !self.path.starts_with('/') {
            return bad("path", &self.path, "does not start with '/'");
        }
        if self.path.contains(['?', '#']) {
            return bad(
                "path",
                &self.path,
                "holds '?' or '#': give query parameters with .query()",
            );
        }
        if self
            .path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '%')
        {
            return bad(
                "path",
                &self.path,
                "holds a space, a control character or '%' (values are encoded by path_param)",
            );
        }
        if self.path.split('/').any(|s| s == "." || s == "..") {
            return bad("path", &self.path, "has a '.' or '..' segment");
        }
        if self.style == ApiStyle::Rpc && self.path != "/" {
            return bad("path", &self.path, "is not '/' (RPC calls have no path)");
        }
        Ok(())
    }
}

/// The answer of a generic call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse {
    status: u16,
    headers: Vec<(String, String)>,
    request_id: Option<String>,
    body: serde_json::Value,
}

impl ApiResponse {
    fn from_http(response: HttpResponse) -> Result<Self, crate::error::ResponseError> {
        let body: serde_json::Value = if response.body.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&response.body).map_err(|e| {
                crate::error::ResponseError::new(
                    response.status,
                    format!("the body is not JSON: {e}"),
                    &response.body,
                )
            })?
        };
        let request_id = response
            .header("x-acs-request-id")
            .map(str::to_owned)
            .or_else(|| {
                body.get("RequestId")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            });
        Ok(ApiResponse {
            status: response.status,
            headers: response.headers,
            request_id,
            body,
        })
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request id (`x-acs-request-id`, else the body's `RequestId`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The JSON body (`null` when the body was empty).
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// The JSON body, by value.
    pub fn into_body(self) -> serde_json::Value {
        self.body
    }
}
