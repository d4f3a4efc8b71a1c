//! Sending bytes: a small trait so tests can capture requests and users can
//! plug their own HTTP stack, and its default, one shared `reqwest` client
//! (rustls with ring).

use crate::error::{ConfigError, DispatchError, DispatchKind};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A signed request, ready to go. Its `Debug` redacts the signature, the
/// `Authorization` header and the STS token. Fields may be added; build one
/// with [`HttpRequest::new`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// A request with no headers and no body.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What came back. Fields may be added; build one with
/// [`HttpResponse::new`] (custom transports and tests do).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and a body, and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
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

/// The default limit on a response body: 16 MiB. OpenAPI answers are a few
/// kilobytes; the largest list pages stay well under a megabyte.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A minimum TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsVersion {
    /// TLS 1.2 (the default minimum).
    Tls1_2,
    /// TLS 1.3.
    Tls1_3,
}

/// Which requests a [`ProxyConfig`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProxyScope {
    All,
    Http,
    Https,
}

/// An explicit proxy for the default transport.
///
/// `Debug` never shows the password (neither one given with
/// [`basic_auth`](Self::basic_auth) nor one inside the URL).
#[derive(Clone)]
pub struct ProxyConfig {
    scope: ProxyScope,
    url: String,
    credentials: Option<(String, String)>,
}

impl ProxyConfig {
    /// A proxy for every request (`http://proxy:3128`). HTTPS requests go
    /// through it as a `CONNECT` tunnel.
    pub fn all(url: impl Into<String>) -> Self {
        Self::new(ProxyScope::All, url)
    }

    /// A proxy for `http://` requests only.
    pub fn http(url: impl Into<String>) -> Self {
        Self::new(ProxyScope::Http, url)
    }

    /// A proxy for `https://` requests only (tunnelled with `CONNECT`).
    pub fn https(url: impl Into<String>) -> Self {
        Self::new(ProxyScope::Https, url)
    }

    fn new(scope: ProxyScope, url: impl Into<String>) -> Self {
        ProxyConfig {
            scope,
            url: url.into(),
            credentials: None,
        }
    }

    /// Credentials the proxy asks for, sent as `Proxy-Authorization: Basic`
    /// to the proxy only (the signed `Authorization` header is untouched).
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    fn to_reqwest(&self, no_proxy: Option<&str>) -> Result<reqwest::Proxy, ConfigError> {
        let proxy = match self.scope {
            ProxyScope::All => reqwest::Proxy::all(&self.url),
            ProxyScope::Http => reqwest::Proxy::http(&self.url),
            ProxyScope::Https => reqwest::Proxy::https(&self.url),
        }
        .map_err(|e| {
            ConfigError::new(format!(
                "proxy {}: not a valid proxy URL: {e}",
                redact_userinfo(&self.url)
            ))
        })?;
        let proxy = match &self.credentials {
            Some((user, password)) => proxy.basic_auth(user, password),
            None => proxy,
        };
        Ok(proxy.no_proxy(no_proxy.and_then(reqwest::NoProxy::from_string)))
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("scope", &self.scope)
            .field("url", &redact_userinfo(&self.url))
            .field(
                "username",
                &self.credentials.as_ref().map(|(user, _)| user.as_str()),
            )
            .finish_non_exhaustive()
    }
}

/// `scheme://user:pass@host` -> `scheme://** redacted **@host`.
fn redact_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let sep = if scheme.is_empty() { "" } else { "://" };
            format!("{scheme}{sep}** redacted **{}", &rest[at..])
        }
        None => url.to_string(),
    }
}

/// Settings of the default transport ([`ReqwestTransport`]): timeouts, the
/// response size limit, proxies and TLS. [`ConfigBuilder`](crate::config::ConfigBuilder)
/// has a method for each; this type is for building a transport by hand
/// (one client shared by several configurations).
///
/// Defaults: connect timeout 5 s, read timeout 30 s, bodies up to
/// [`DEFAULT_MAX_RESPONSE_BYTES`], redirects never followed, proxies from the
/// environment honoured (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
/// `NO_PROXY`, as the official SDKs do), the bundled Mozilla roots (webpki),
/// TLS 1.2 or later.
#[derive(Debug, Clone)]
pub struct TransportOptions {
    connect_timeout: Duration,
    read_timeout: Duration,
    max_response_bytes: usize,
    proxies: Vec<ProxyConfig>,
    no_proxy: Option<String>,
    env_proxies: bool,
    root_certificates_pem: Vec<Vec<u8>>,
    bundled_roots: bool,
    system_roots: bool,
    min_tls_version: TlsVersion,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(30),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            proxies: Vec::new(),
            no_proxy: None,
            env_proxies: true,
            root_certificates_pem: Vec::new(),
            bundled_roots: true,
            system_roots: false,
            min_tls_version: TlsVersion::Tls1_2,
        }
    }
}

impl TransportOptions {
    /// The defaults listed on the type.
    pub fn new() -> Self {
        Self::default()
    }

    /// Connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Read timeout, between bytes of a response (default 30 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Largest response body accepted, in bytes (default 16 MiB). A larger
    /// one fails the call as soon as the limit is passed (or at once when
    /// `Content-Length` says so); memory stays bounded by the limit.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Adds an explicit proxy. Explicit proxies replace those of the
    /// environment.
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxies.push(proxy);
        self
    }

    /// Hosts that bypass the explicit proxies, in the `NO_PROXY` syntax
    /// (`localhost,.internal,10.0.0.0/8`).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy = Some(hosts.into());
        self
    }

    /// Whether proxies from the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`) are used when no explicit proxy is set
    /// (default true).
    pub fn env_proxies(mut self, honour: bool) -> Self {
        self.env_proxies = honour;
        self
    }

    /// Trusts this PEM certificate (or bundle) as a root, in addition to the
    /// others (a private CA, a TLS-inspecting proxy).
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    /// Whether the bundled Mozilla roots are trusted (default true).
    pub fn bundled_root_certificates(mut self, trust: bool) -> Self {
        self.bundled_roots = trust;
        self
    }

    /// Whether the operating system's roots are trusted too (default false).
    pub fn system_root_certificates(mut self, trust: bool) -> Self {
        self.system_roots = trust;
        self
    }

    /// The lowest TLS version accepted (default TLS 1.2).
    pub fn min_tls_version(mut self, version: TlsVersion) -> Self {
        self.min_tls_version = version;
        self
    }
}

/// The default transport: `reqwest` over rustls, connections pooled.
/// Redirects are never followed (a 3xx is an error naming the status and
/// the `Location`), and bodies over the size limit are refused while being
/// read.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
}

impl ReqwestTransport {
    /// A transport with the given connect and read timeouts, other settings
    /// at their defaults.
    pub fn new(connect_timeout: Duration, read_timeout: Duration) -> Result<Self, ConfigError> {
        Self::from_options(
            &TransportOptions::default()
                .connect_timeout(connect_timeout)
                .read_timeout(read_timeout),
        )
    }

    /// A transport with these settings.
    pub fn from_options(options: &TransportOptions) -> Result<Self, ConfigError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            // A redirect would carry the signed headers and the STS token
            // to a host nobody chose; the official SDKs do not follow them.
            .redirect(reqwest::redirect::Policy::none())
            .tls_built_in_webpki_certs(options.bundled_roots)
            .tls_built_in_native_certs(options.system_roots)
            .min_tls_version(match options.min_tls_version {
                TlsVersion::Tls1_2 => reqwest::tls::Version::TLS_1_2,
                TlsVersion::Tls1_3 => reqwest::tls::Version::TLS_1_3,
            });
        for (index, pem) in options.root_certificates_pem.iter().enumerate() {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                ConfigError::new(format!("root certificate #{index}: not valid PEM: {e}"))
            })?;
            if certificates.is_empty() {
                return Err(ConfigError::new(format!(
                    "root certificate #{index}: no certificate in the PEM text"
                )));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        if !options.proxies.is_empty() {
            for proxy in &options.proxies {
                builder = builder.proxy(proxy.to_reqwest(options.no_proxy.as_deref())?);
            }
        } else if !options.env_proxies {
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| ConfigError::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport {
            client,
            max_response_bytes: options.max_response_bytes,
        })
    }

    /// Wraps a `reqwest::Client` the caller configured. Keep redirects off
    /// on it (`redirect(Policy::none())`): a followed redirect sends the
    /// signed request to the other host. The body limit is the default.
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport {
            client,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let request = into_reqwest(request)?;
            let mut response = self.client.execute(request).await.map_err(dispatch_error)?;
            let status = response.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                return Err(redirect_error(status, location.as_deref()));
            }
            let mut headers = Vec::with_capacity(response.headers().len());
            headers.extend(response.headers().iter().map(|(k, v)| {
                // Visible ASCII, as nearly every value is, is checked in one
                // pass; anything else is read as UTF-8, lossily.
                let value = match v.to_str() {
                    Ok(text) => text.to_owned(),
                    Err(_) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
                };
                (k.as_str().to_owned(), value)
            }));
            let limit = self.max_response_bytes;
            let too_large = |what: String| {
                DispatchError::new(
                    DispatchKind::Refused,
                    format!(
                        "HTTP {}: the response body {what} the limit of {limit} bytes \
                         (raise it with ConfigBuilder::max_response_bytes)",
                        status.as_u16()
                    ),
                )
            };
            if let Some(length) = response.content_length() {
                if length > limit as u64 {
                    return Err(too_large(format!("is {length} bytes, over")));
                }
            }
            // Read chunk by chunk so that memory never exceeds the limit,
            // whatever the server claims or omits.
            let mut body = Vec::with_capacity(
                response
                    .content_length()
                    .map_or(0, |n| n as usize)
                    .min(limit),
            );
            while let Some(chunk) = response.chunk().await.map_err(dispatch_error)? {
                if chunk.len() > limit - body.len() {
                    return Err(too_large("goes over".to_string()));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse {
                status: status.as_u16(),
                headers,
                body,
            })
        })
    }
}

/// The request in reqwest's types, moved rather than copied: header values
/// keep their buffers, the names the signer writes are static, and the body
/// is handed over as it is.
fn into_reqwest(request: HttpRequest) -> Result<reqwest::Request, DispatchError> {
    use reqwest::header::{HeaderName, HeaderValue};
    let HttpRequest {
        method,
        url,
        headers,
        body,
    } = request;
    let invalid = |what: String| DispatchError::new(DispatchKind::Request, what);
    let method = match method.as_str() {
        "GET" => reqwest::Method::GET,
        "POST" => reqwest::Method::POST,
        "PUT" => reqwest::Method::PUT,
        "DELETE" => reqwest::Method::DELETE,
        other => reqwest::Method::from_bytes(other.as_bytes()).map_err(|_| {
            DispatchError::new(
                DispatchKind::Connect,
                format!("invalid HTTP method {other:?}"),
            )
        })?,
    };
    let url = parse_url(&url).map_err(|e| {
        // Only the part before the query: it may hold the V1 signature.
        let base = url.split('?').next().unwrap_or_default();
        invalid(format!("builder error: invalid URL {base:?}: {e}"))
    })?;
    let mut out = reqwest::Request::new(method, url);
    let map = out.headers_mut();
    map.reserve(headers.len());
    for (name, value) in headers {
        let name = match static_header_name(&name) {
            Some(known) => known,
            None => HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| invalid(format!("builder error: header name {name:?}: {e}")))?,
        };
        let value = HeaderValue::try_from(value)
            .map_err(|e| invalid(format!("builder error: header {name}: {e}")))?;
        map.append(name, value);
    }
    *out.body_mut() = Some(body.into());
    Ok(out)
}

thread_local! {
    /// The origin (`https://host:port`) this thread parsed last, parsed.
    static LAST_ORIGIN: std::cell::RefCell<Option<(String, reqwest::Url)>> =
        const { std::cell::RefCell::new(None) };
}

/// Parses `url` as `Url::parse` does, but takes the scheme, host and port
/// from the last parse of the same origin on this thread: a client calls
/// one endpoint over and over, and checking its host name (IDNA included)
/// took about 7,000 instructions of every request, some 6 % of its cost.
fn parse_url(url: &str) -> Result<reqwest::Url, url::ParseError> {
    let Some((origin, path, query)) = split_url(url) else {
        return reqwest::Url::parse(url);
    };
    LAST_ORIGIN.with(|last| {
        let mut last = last.borrow_mut();
        let mut parsed = match &*last {
            Some((cached, base)) if cached == origin => base.clone(),
            _ => {
                let base = reqwest::Url::parse(origin)?;
                *last = Some((origin.to_owned(), base.clone()));
                base
            }
        };
        // The same path and query rules as a whole parse (both schemes are
        // "special" to the URL standard).
        parsed.set_path(path);
        parsed.set_query(query);
        Ok(parsed)
    })
}

/// `http(s)://authority`, the path and the query of a URL the signer
/// wrote; `None` for anything else (a fragment, a backslash, a space or a
/// control character), which is parsed whole.
fn split_url(url: &str) -> Option<(&str, &str, Option<&str>)> {
    let after_scheme = if url.starts_with("https://") {
        8
    } else if url.starts_with("http://") {
        7
    } else {
        return None;
    };
    // A whole parse also drops tabs and newlines and trims spaces and
    // controls at the ends, which setting a path or a query does not.
    if url.bytes().any(|b| b <= b' ' || b == b'#' || b == b'\\') {
        return None;
    }
    let origin_end = url[after_scheme..]
        .find(['/', '?'])
        .map_or(url.len(), |i| after_scheme + i);
    let (origin, rest) = url.split_at(origin_end);
    if origin.len() == after_scheme {
        return None;
    }
    Some(match rest.split_once('?') {
        Some((path, query)) => (origin, path, Some(query)),
        None => (origin, rest, None),
    })
}

/// The names the signer writes, without parsing or allocating them: the
/// constants are built at compile time.
fn static_header_name(name: &str) -> Option<reqwest::header::HeaderName> {
    use reqwest::header::{self, HeaderName};
    const ACTION: HeaderName = HeaderName::from_static("x-acs-action");
    const VERSION: HeaderName = HeaderName::from_static("x-acs-version");
    const DATE: HeaderName = HeaderName::from_static("x-acs-date");
    const NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
    const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
    const SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");
    const ACCESS_KEY_ID: HeaderName = HeaderName::from_static("x-acs-accesskey-id");
    const RETRY_ATTEMPTS: HeaderName = HeaderName::from_static("x-acs-retry-attempts");
    const RETRY_DELAY: HeaderName = HeaderName::from_static("x-acs-retry-delay");
    Some(match name {
        "x-acs-action" => ACTION,
        "x-acs-version" => VERSION,
        "x-acs-date" => DATE,
        "x-acs-signature-nonce" => NONCE,
        "x-acs-content-sha256" => CONTENT_SHA256,
        "x-acs-security-token" => SECURITY_TOKEN,
        "x-acs-accesskey-id" => ACCESS_KEY_ID,
        "x-acs-retry-attempts" => RETRY_ATTEMPTS,
        "x-acs-retry-delay" => RETRY_DELAY,
        "accept" => header::ACCEPT,
        "authorization" => header::AUTHORIZATION,
        "user-agent" => header::USER_AGENT,
        "content-type" => header::CONTENT_TYPE,
        _ => return None,
    })
}

/// A 3xx answer: never followed, reported with where it pointed (the query
/// left out: it may echo the V1 signature and the STS token).
fn redirect_error(status: reqwest::StatusCode, location: Option<&str>) -> DispatchError {
    let location = match location {
        Some(location) => {
            let base = location.split(['?', '#']).next().unwrap_or_default();
            let elided = if base.len() < location.len() {
                " (query omitted)"
            } else {
                ""
            };
            format!("Location {}{elided}", redact_userinfo(base))
        }
        None => "no Location header".to_string(),
    };
    DispatchError::new(
        DispatchKind::Refused,
        format!(
            "the server answered HTTP {status} with {location}; redirects are not followed \
             (the signed request and its token would go to another host)"
        ),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The reused origin gives the URL a whole parse gives, on URLs the
    /// signer writes and on ones it never would.
    #[test]
    fn parsing_with_a_cached_origin_matches_a_whole_parse() {
        let origins = [
            "https://r-kvstore.aliyuncs.com",
            "http://127.0.0.1:8080",
            "https://EXAMPLE.com:443",
            "http://[::1]:9000",
            "https://user:pw@host.example",
            "https://bücher.example",
        ];
        let fixed = [
            "",
            "/",
            "/?",
            "?Action=X",
            "/a/b?x=1&y=%2F",
            "/./a/../b",
            "/a b/ü?q=a b&r=ü&s=?",
            "/%2e%2E/x",
            "/a//b",
            "?a=1?b=2",
        ];
        // Deterministic noise from characters that URL parsing treats
        // specially.
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '/', '?', '&', '=', '%', '.', ' ', '"', '<', '>', '`', '{', '}', '|',
            '^', '[', ']', '\'', ':', '@', '!', '$', ';', ',', '~', '+', 'é', '\u{3000}', '\t',
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut rests: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        for _ in 0..2000 {
            let len = (next() % 24) as usize;
            let mut rest: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if !rest.starts_with(['/', '?']) {
                rest.insert(0, '/');
            }
            rests.push(rest);
        }
        for origin in origins {
            for rest in &rests {
                let url = format!("{origin}{rest}");
                let whole = reqwest::Url::parse(&url).map(|u| u.to_string());
                // Twice: the first call parses the origin, the second reuses it.
                for _ in 0..2 {
                    let fast = parse_url(&url).map(|u| u.to_string());
                    assert_eq!(fast, whole, "{url:?}");
                }
            }
        }
        for whole_only in [
            "ftp://host/x",
            "https://host/a#frag",
            "https://host\\a",
            "https://",
        ] {
            assert!(split_url(whole_only).is_none(), "{whole_only}");
        }
    }
}
