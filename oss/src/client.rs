//! The client: its configuration, and the one path every operation takes:
//! address, sign (V4 by default), send with retries, turn an error answer
//! into a typed [`OssServiceError`](crate::error::OssServiceError).

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use alibabacloud_runtime::credentials::{
    Credentials, ProvideCredentials, SharedCredentialsProvider,
};
use alibabacloud_runtime::error::{ConfigError, DispatchError, DispatchKind};
use alibabacloud_signing::oss as sign;
use reqwest::header::HeaderMap;
use reqwest::Method;

use crate::addressing::{self, AddressingStyle, Endpoint, OssNetwork};
use crate::body::Body;
use crate::crc::Crc64;
use crate::error::{parse_error, Error, IntegrityError};
use crate::transfer::Observer;

/// Which signature the client writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OssSignatureVersion {
    /// `OSS4-HMAC-SHA256`, scoped to a region and a day. The default, and
    /// the only one OSS offers to accounts created since 2025.
    #[default]
    V4,
    /// The older `OSS <AccessKeyId>:<Signature>` HMAC-SHA1 scheme, for
    /// buckets and gateways that accept nothing else.
    V1,
}

/// An OSS client. Cheap to clone: clones share connections, credentials
/// and configuration.
///
/// ```no_run
/// # async fn demo() -> Result<(), alibabacloud_oss::Error> {
/// let client = alibabacloud_oss::Client::builder()
///     .region("cn-hangzhou")
///     .credentials(alibabacloud_oss::Credentials::new("id", "secret"))
///     .build()?;
/// client.put_object("my-bucket", "hello.txt").body("hello").send().await?;
/// let text = client.get_object("my-bucket", "hello.txt").send().await?.into_body().collect().await?;
/// assert_eq!(&text[..], b"hello");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) credentials: SharedCredentialsProvider,
    pub(crate) region: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) style: AddressingStyle,
    pub(crate) signature: OssSignatureVersion,
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) user_agent: String,
    /// Server time minus local time in milliseconds, learnt from
    /// `RequestTimeTooSkewed`.
    pub(crate) clock_offset: AtomicI64,
    /// The V4 signing key of the last request: it changes only with the
    /// day or the credentials, and deriving it is four HMACs.
    v4_key: Mutex<Option<V4KeyCache>>,
}

/// A derived V4 signing key and what it was derived from.
struct V4KeyCache {
    date: String,
    access_key_id: String,
    secret: String,
    key: [u8; 32],
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("region", &self.inner.region)
            .field("endpoint", &self.inner.endpoint)
            .field("addressing", &self.inner.style)
            .field("signature", &self.inner.signature)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    network: OssNetwork,
    style: Option<AddressingStyle>,
    credentials: Option<SharedCredentialsProvider>,
    signature: OssSignatureVersion,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    max_attempts: Option<u32>,
    base_delay: Option<Duration>,
    user_agent_suffix: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// The environment variable naming an OSS endpoint.
const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_OSS_ENDPOINT";

impl Client {
    /// A builder with defaults: signature V4, virtual-hosted addressing
    /// (path style for IP and `localhost` endpoints), HTTPS, 3 attempts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: region and credential chain as
    /// [`Config::from_env`](alibabacloud_runtime::Config::from_env) reads
    /// them, and the endpoint from `ALIBABA_CLOUD_OSS_ENDPOINT` if set.
    pub fn from_env() -> Result<Client, Error> {
        let config = alibabacloud_runtime::Config::from_env().map_err(Error::Config)?;
        let mut builder = ClientBuilder::from_config(&config);
        if let Ok(endpoint) = std::env::var(ENDPOINT_VAR) {
            builder = builder.endpoint(endpoint);
        }
        builder.build()
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }
}

impl ClientBuilder {
    /// Region and credentials from an OpenAPI [`Config`](alibabacloud_runtime::Config),
    /// sharing its credential cache.
    pub fn from_config(config: &alibabacloud_runtime::Config) -> ClientBuilder {
        let mut b = ClientBuilder {
            credentials: Some(config.credentials().clone()),
            ..ClientBuilder::default()
        };
        b.region = config.region().map(str::to_string);
        b
    }

    /// The region (`cn-hangzhou`): it picks the default endpoint and scopes
    /// V4 signatures. Required.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint, `https://host[:port]` or a bare host, instead of
    /// the region's default. `http://` is accepted only when written out.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The network of the default endpoint: public, internal (from ECS in
    /// the region) or transfer acceleration. Ignored with [`endpoint`](Self::endpoint).
    pub fn network(mut self, network: OssNetwork) -> Self {
        self.network = network;
        self
    }

    /// How buckets appear in URLs (default virtual-hosted; path style is
    /// chosen automatically for IP and `localhost` endpoints).
    pub fn addressing_style(mut self, style: AddressingStyle) -> Self {
        self.style = Some(style);
        self
    }

    /// The credentials or provider (any of the runtime's: static keys,
    /// environment, profiles, RAM role, ECS role, OIDC). A provider with
    /// expiring credentials is asked again before each request, so a
    /// transfer outlives any one STS token.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// The signature scheme (default V4).
    pub fn signature_version(mut self, version: OssSignatureVersion) -> Self {
        self.signature = version;
        self
    }

    /// Time allowed to connect (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Longest wait for the next bytes of an answer (default 60 s). There is
    /// no whole-request timeout: a large object takes what it takes.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Attempts per request, the first included (default 3; 1 disables
    /// retries). Requests with a one-shot stream body are never retried.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// First retry delay, doubled each attempt with full jitter (default 200 ms).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = Some(delay);
        self
    }

    /// Appended to the `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let region = self.region.filter(|r| !r.is_empty()).ok_or_else(|| {
            Error::Config(ConfigError::new(
                "OSS needs a region (`cn-hangzhou`): it scopes V4 signatures and picks the endpoint; \
                 set ClientBuilder::region or ALIBABA_CLOUD_REGION_ID",
            ))
        })?;
        if let Some(bad) = region
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(Error::Config(ConfigError::new(format!(
                "region `{region}` contains `{bad}`; a region id looks like `cn-hangzhou`"
            ))));
        }
        let endpoint = match &self.endpoint {
            Some(text) => Endpoint::parse(text).map_err(|e| Error::Config(ConfigError::new(e)))?,
            None => Endpoint {
                scheme: "https",
                host: addressing::default_host(&region, self.network),
            },
        };
        let style = self.style.unwrap_or(if endpoint.is_ip_or_localhost() {
            AddressingStyle::Path
        } else {
            AddressingStyle::VirtualHosted
        });
        let credentials = match self.credentials {
            Some(c) => c,
            None => SharedCredentialsProvider::new(
                alibabacloud_runtime::credentials::DefaultCredentialsChain::new(),
            ),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(5)))
            .read_timeout(self.read_timeout.unwrap_or(Duration::from_secs(60)))
            .pool_idle_timeout(Duration::from_secs(50))
            // OSS answers compressed only when asked; a transparent
            // decompression would break Content-Length and CRC checks.
            .no_proxy()
            .build()
            .map_err(|e| Error::Config(ConfigError::new(format!("HTTP client: {e}"))))?;
        let mut user_agent = format!("alibabacloud-oss-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(s) = self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(&s);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials,
                region,
                endpoint,
                style,
                signature: self.signature,
                max_attempts: self.max_attempts.unwrap_or(3),
                base_delay: self.base_delay.unwrap_or(Duration::from_millis(200)),
                user_agent,
                clock_offset: AtomicI64::new(0),
                v4_key: Mutex::new(None),
            }),
        })
    }
}

/// One OSS request, before signing.
pub(crate) struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) bucket: Option<String>,
    pub(crate) key: Option<String>,
    pub(crate) query: Vec<(String, Option<String>)>,
    /// Header names in lowercase.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) observer: Option<Arc<Observer>>,
    /// The body is the object's (or part's) data, so OSS's
    /// `x-oss-hash-crc64ecma` in the answer must equal the body's CRC-64.
    /// Not for XML bodies, nor appends (whose header covers the object).
    pub(crate) body_is_data: bool,
    /// Query keys V1 signs for this operation beyond OSS's standard list
    /// (the operation's own sub-resource, like `cors` or `policy`).
    pub(crate) v1_sub_resources: &'static [&'static str],
}

impl Request {
    pub(crate) fn new(operation: &'static str, method: Method) -> Request {
        Request {
            operation,
            method,
            bucket: None,
            key: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            observer: None,
            body_is_data: false,
            v1_sub_resources: &[],
        }
    }

    pub(crate) fn bucket(mut self, bucket: &str) -> Result<Request, Error> {
        addressing::validate_bucket_name(bucket).map_err(|p| Error::invalid("bucket", p))?;
        self.bucket = Some(bucket.to_string());
        Ok(self)
    }

    pub(crate) fn object(self, bucket: &str, key: &str) -> Result<Request, Error> {
        addressing::validate_object_key(key).map_err(|p| Error::invalid("key", p))?;
        let mut r = self.bucket(bucket)?;
        r.key = Some(key.to_string());
        Ok(r)
    }

    pub(crate) fn query(mut self, name: &str, value: impl Into<String>) -> Request {
        self.query.push((name.to_string(), Some(value.into())));
        self
    }

    pub(crate) fn query_opt(self, name: &str, value: Option<impl Into<String>>) -> Request {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    pub(crate) fn subresource(mut self, name: &str) -> Request {
        self.query.push((name.to_string(), None));
        self
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub(crate) fn header_opt(self, name: &str, value: Option<impl Into<String>>) -> Request {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    pub(crate) fn body(mut self, body: Body) -> Request {
        self.body = Some(body);
        self
    }

    /// The operation's own sub-resources, signed by V1.
    pub(crate) fn v1_sub_resources(mut self, keys: &'static [&'static str]) -> Request {
        self.v1_sub_resources = keys;
        self
    }

    /// An XML body: `value` serialized as the element `root`, with the
    /// `Content-MD5` some operations require (harmless for the rest).
    pub(crate) fn xml_body<T: serde::Serialize>(
        self,
        root: &'static str,
        value: &T,
    ) -> Result<Request, Error> {
        let xml = quick_xml::se::to_string_with_root(root, value)
            .map_err(|e| Error::invalid(root, format!("cannot be written as XML: {e}")))?;
        let md5 = crate::object::content_md5(xml.as_bytes());
        Ok(self
            .header("content-type", "application/xml")
            .header("content-md5", md5)
            .body(Body::from_bytes(xml)))
    }

    /// A body of object data, checked against OSS's CRC-64.
    pub(crate) fn data(mut self, body: Body) -> Request {
        self.body = Some(body);
        self.body_is_data = true;
        self
    }
}

/// A successful answer, its body unread.
pub(crate) struct Answer {
    pub(crate) response: reqwest::Response,
    /// CRC-64 of the body sent, when there was one.
    pub(crate) sent_crc64: Option<u64>,
}

impl Answer {
    pub(crate) fn status(&self) -> u16 {
        self.response.status().as_u16()
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        header(self.response.headers(), name)
    }

    /// Reads a small text answer whole (a JSON policy, a playlist).
    pub(crate) async fn text(self, operation: &'static str) -> Result<String, Error> {
        let status = self.status();
        let body = self
            .response
            .bytes()
            .await
            .map_err(|e| dispatch_error(&e))?;
        String::from_utf8(body.to_vec()).map_err(|e| {
            Error::Response(crate::error::ResponseError {
                operation,
                status,
                problem: format!("the body is not UTF-8: {e}"),
            })
        })
    }

    /// Reads an XML answer that is one element holding one value.
    pub(crate) async fn xml_text(self, operation: &'static str) -> Result<String, Error> {
        let status = self.status();
        let body = self
            .response
            .bytes()
            .await
            .map_err(|e| dispatch_error(&e))?;
        crate::xml::root_text(operation, status, &body)
    }

    /// Reads a small XML answer whole and deserializes it.
    pub(crate) async fn xml<T: serde::de::DeserializeOwned>(
        self,
        operation: &'static str,
    ) -> Result<T, Error> {
        let status = self.status();
        let body = self
            .response
            .bytes()
            .await
            .map_err(|e| dispatch_error(&e))?;
        crate::xml::from_body(operation, status, &body)
    }
}

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Maps a reqwest failure to the runtime's dispatch error kinds.
pub(crate) fn dispatch_error(e: &reqwest::Error) -> Error {
    let kind = if e.is_connect() {
        DispatchKind::Connect
    } else if e.is_timeout() {
        DispatchKind::Timeout
    } else if e.is_builder() {
        DispatchKind::Request
    } else {
        DispatchKind::Io
    };
    // reqwest's Display omits the cause ("error sending request"); the
    // chain says what happened.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Dispatch(DispatchError::new(kind, message))
}

impl Client {
    /// Sends a request: signs each attempt afresh (credentials may have
    /// been refreshed, the clock moves), retries what may succeed again,
    /// and turns an error answer into [`Error::Service`].
    pub(crate) async fn send(&self, request: Request) -> Result<Answer, Error> {
        let inner = &self.inner;
        let attempts = if request.body.as_ref().map_or(true, Body::is_replayable) {
            inner.max_attempts
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(&request).await {
                Ok(answer) => return Ok(answer),
                Err(e) if attempt < attempts && e.is_retryable() => {
                    let delay = self.backoff(attempt);
                    tracing::debug!(
                        operation = request.operation,
                        attempt,
                        ?delay,
                        error = %e,
                        "retrying OSS request"
                    );
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .inner
            .base_delay
            .saturating_mul(1 << (attempt - 1).min(10))
            .min(Duration::from_secs(20));
        let ms = ceiling.as_millis() as u64;
        Duration::from_millis(if ms == 0 {
            0
        } else {
            rand::random::<u64>() % (ms + 1)
        })
    }

    async fn attempt(&self, request: &Request) -> Result<Answer, Error> {
        let inner = &self.inner;
        let credentials = inner
            .credentials
            .provide_credentials()
            .await
            .map_err(Error::Credentials)?;
        let url = addressing::url(
            &inner.endpoint,
            inner.style,
            request.bucket.as_deref(),
            request.key.as_deref(),
            &request.query,
        );
        let mut headers = request.headers.clone();
        let content_length = request.body.as_ref().and_then(Body::content_length);
        if let Some(len) = content_length {
            headers.push(("content-length".into(), len.to_string()));
        }
        self.sign_headers(request, &credentials, &mut headers);

        let mut builder = inner.http.request(request.method.clone(), &url);
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = builder.header("user-agent", inner.user_agent.as_str());
        let crc = Arc::new(Mutex::new(Crc64::new()));
        if let Some(body) = &request.body {
            builder = builder.body(body.attempt(crc.clone(), request.observer.clone()).await?);
        }
        let response = builder.send().await.map_err(|e| dispatch_error(&e))?;
        let status = response.status().as_u16();
        if status >= 300 {
            return Err(self.error_answer(request.operation, response).await);
        }
        let sent_crc64 = match &request.body {
            Some(_) => crc.lock().ok().map(|c| c.value()),
            None => None,
        };
        // OSS returns the CRC-64 of what it stored; a difference means the
        // bytes were altered on the way.
        if let (Some(sent), Some(theirs)) = (
            sent_crc64,
            header(response.headers(), "x-oss-hash-crc64ecma").and_then(|v| v.parse::<u64>().ok()),
        ) {
            if request.body_is_data && sent != theirs {
                return Err(Error::Integrity(IntegrityError::Crc64Mismatch {
                    what: format!(
                        "{} {}",
                        request.operation,
                        request.key.as_deref().unwrap_or_default()
                    ),
                    expected: theirs,
                    actual: sent,
                }));
            }
        }
        Ok(Answer {
            response,
            sent_crc64,
        })
    }

    async fn error_answer(&self, operation: &'static str, response: reqwest::Response) -> Error {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // Error bodies are small; cap what is read from a misbehaving server.
        let mut body = Vec::new();
        let mut stream = response;
        while let Ok(Some(chunk)) = stream.chunk().await {
            let room = 64 * 1024 - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() >= 64 * 1024 {
                break;
            }
        }
        let err = parse_error(operation, status, &headers, &body);
        if err.code == "RequestTimeTooSkewed" {
            self.learn_clock_offset(&headers);
        }
        Error::Service(Box::new(err))
    }

    /// Sets the clock offset from the server's `Date`, so the retry of a
    /// `RequestTimeTooSkewed` is signed with the server's time.
    fn learn_clock_offset(&self, headers: &HeaderMap) {
        let Some(date) = header(headers, "date") else {
            return;
        };
        let Ok(server) =
            time::OffsetDateTime::parse(&date, &time::format_description::well_known::Rfc2822)
        else {
            return;
        };
        let local = time::OffsetDateTime::now_utc();
        let offset = (server - local).whole_milliseconds() as i64;
        self.inner.clock_offset.store(offset, Ordering::Relaxed);
    }

    pub(crate) fn now(&self) -> SystemTime {
        let offset = self.inner.clock_offset.load(Ordering::Relaxed);
        let now = SystemTime::now();
        if offset >= 0 {
            now + Duration::from_millis(offset as u64)
        } else {
            now - Duration::from_millis(offset.unsigned_abs())
        }
    }

    /// The V4 signing key for `date` (`yyyymmdd`), derived once per day
    /// and credentials.
    fn v4_signing_key(&self, credentials: &Credentials, date: &str) -> [u8; 32] {
        let id = credentials.access_key_id();
        let secret = credentials.access_key_secret();
        // A poisoned lock only means another thread panicked mid-update;
        // the key is derived afresh below either way.
        let mut cache = self
            .inner
            .v4_key
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.date == date && c.access_key_id == id && c.secret == secret {
                return c.key;
            }
        }
        let key = sign::v4_signing_key(secret, date, &self.inner.region, "oss");
        *cache = Some(V4KeyCache {
            date: date.to_owned(),
            access_key_id: id.to_owned(),
            secret: secret.to_owned(),
            key,
        });
        key
    }

    /// Adds the date, token and `Authorization` headers.
    fn sign_headers(
        &self,
        request: &Request,
        credentials: &Credentials,
        headers: &mut Vec<(String, String)>,
    ) {
        let inner = &self.inner;
        let now = time::OffsetDateTime::from(self.now());
        // V4 signs the token as an `x-oss-*` header; the official SDK's V1
        // sends it as `security-token`, outside the signature.
        if let Some(token) = credentials.security_token() {
            let name = match inner.signature {
                OssSignatureVersion::V4 => "x-oss-security-token",
                OssSignatureVersion::V1 => "security-token",
            };
            headers.push((name.into(), token.to_string()));
        }
        let query: Vec<(&str, Option<&str>)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        match inner.signature {
            OssSignatureVersion::V4 => {
                let datetime = crate::time_fmt::iso8601_basic(now);
                headers.push(("x-oss-date".into(), datetime.clone()));
                headers.push(("x-oss-content-sha256".into(), sign::UNSIGNED_PAYLOAD.into()));
                let pairs: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let key = self.v4_signing_key(credentials, datetime.get(..8).unwrap_or(&datetime));
                let signed = sign::v4_sign_with_key(
                    &sign::OssRequest {
                        method: request.method.as_str(),
                        bucket: request.bucket.as_deref(),
                        key: request.key.as_deref(),
                        query: &query,
                        headers: &pairs,
                    },
                    &sign::V4Credentials {
                        access_key_id: credentials.access_key_id(),
                        secret: credentials.access_key_secret(),
                        security_token: credentials.security_token(),
                    },
                    &key,
                    &inner.region,
                    "oss",
                    &datetime,
                    &[],
                );
                headers.push(("authorization".into(), signed.authorization));
            }
            OssSignatureVersion::V1 => {
                let date = crate::time_fmt::http_date(now);
                headers.push(("date".into(), date.clone()));
                let pairs: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let signed = sign::v1_sign_with_sub_resources(
                    &sign::OssRequest {
                        method: request.method.as_str(),
                        bucket: request.bucket.as_deref(),
                        key: request.key.as_deref(),
                        query: &query,
                        headers: &pairs,
                    },
                    credentials.access_key_id(),
                    credentials.access_key_secret(),
                    &date,
                    request.v1_sub_resources,
                );
                headers.push(("authorization".into(), signed.authorization));
            }
        }
    }
}
