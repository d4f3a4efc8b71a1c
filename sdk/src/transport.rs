//! Sending bytes: a small trait so tests can capture requests and users can
//! plug their own HTTP stack, and its default, one shared `reqwest` client
//! (rustls with ring).

use crate::error::{ConfigError, DispatchError, DispatchKind};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A signed request, ready to go. Its `Debug` redacts the signature, the
/// `Authorization` header and the STS token.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Full URL, query string included.
    pub url: String,
    /// Headers to send (`host` is implied by the URL).
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for none).
    pub body: Vec<u8>,
}

/// Query parameters and headers whose values are secret or act as one.
const SECRET_QUERY: &[&str] = &["Signature", "SecurityToken"];
const SECRET_HEADERS: &[&str] = &["authorization", "x-acs-security-token"];

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.split_once('?') {
            None => self.url.clone(),
            Some((base, query)) => {
                let redacted: Vec<String> = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((k, _)) if SECRET_QUERY.contains(&k) => format!("{k}=** redacted **"),
                        _ => pair.to_string(),
                    })
                    .collect();
                format!("{base}?{}", redacted.join("&"))
            }
        };
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s)) {
                    (k.as_str(), "** redacted **")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpRequest {
    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The future a transport returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, DispatchError>> + Send + 'a>>;

/// Sends one HTTP request. Implementations report failures as
/// [`DispatchError`]s whose kind tells whether the request may have reached
/// the server ([`DispatchKind::Connect`] means it did not).
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the whole response.
    fn send(&self, request: HttpRequest) -> TransportFuture<'_>;
}

/// The default transport: `reqwest` over rustls, connections pooled.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with the given connect and read timeouts.
    pub fn new(connect_timeout: Duration, read_timeout: Duration) -> Result<Self, ConfigError> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            .build()
            .map_err(|e| ConfigError::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport { client })
    }

    /// Wraps a `reqwest::Client` the caller configured (proxies, TLS roots).
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                DispatchError::new(
                    DispatchKind::Connect,
                    format!("invalid HTTP method {:?}", request.method),
                )
            })?;
            let mut builder = self.client.request(method, &request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            let response = builder
                .body(request.body)
                .send()
                .await
                .map_err(dispatch_error)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response.bytes().await.map_err(dispatch_error)?.to_vec();
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// A request reqwest refused to send (a header value with a newline, say).
fn is_invalid_request(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if cause.is::<reqwest::header::InvalidHeaderValue>()
            || cause.is::<reqwest::header::InvalidHeaderName>()
        {
            return true;
        }
        source = cause.source();
    }
    false
}

fn dispatch_error(e: reqwest::Error) -> DispatchError {
    // reqwest's message names the URL, whose query holds the V1 signature
    // and the STS token.
    let e = e.without_url();
    let kind = if e.is_builder() || is_invalid_request(&e) {
        DispatchKind::Request
    } else if e.is_connect() {
        DispatchKind::Connect
    } else if e.is_timeout() {
        DispatchKind::Timeout
    } else {
        DispatchKind::Io
    };
    // reqwest's Display omits the cause chain, which holds the useful part.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    DispatchError::new(kind, message)
}
