//! HTTP/1.1 on 127.0.0.1 with hyper: reads each request (body bounded),
//! hands it to the [`Endpoint`], writes the reply. Keep-alive is on, as the
//! official SDKs pool connections per host and port.

use crate::auth::Authenticator;
use crate::catalog::Catalog;
use crate::endpoint::{Endpoint, Reply};
use crate::error::{ApiError, MockError};
use crate::faults::{self, Fault, FaultPlan, FaultStats, Injector};
use crate::kvstore::{State, DEFAULT_STATE};
use crate::oss::{Oss, OssBody};
use crate::sts::Sts;
use crate::wire::Incoming;
use crate::MockConfig;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

/// Largest request body read; RPC bodies are small form posts.
const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// A running endpoint. Stops when dropped, or with [`MockServer::shutdown`].
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use alibabacloud_mock::{MockConfig, MockServer};
/// let server = MockServer::start(MockConfig::new()).await?;
/// println!("endpoint: {}", server.url()); // http://127.0.0.1:PORT
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    endpoint: Arc<Endpoint>,
    sts: Arc<Sts>,
    faults: Arc<Injector>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Loads the specs and the state, binds `127.0.0.1:port` and starts
    /// serving on the current tokio runtime.
    pub async fn start(config: MockConfig) -> Result<MockServer, MockError> {
        let catalog = Catalog::load_products(&config.specs_dir, &config.products)?;
        let state_text = config.state_json.as_deref().unwrap_or(DEFAULT_STATE);
        let state = State::from_json(state_text).map_err(MockError::State)?;
        let mut seeds = serde_json::from_str(state_text)
            .map_err(|e| e.to_string())
            .and_then(|root| crate::generic::Seed::from_state(&root))
            .map_err(MockError::State)?;
        seeds.extend(config.resources.iter().cloned());
        let keys = if config.access_keys.is_empty() {
            vec![("testid".to_owned(), "testsecret".to_owned())]
        } else {
            config.access_keys.clone()
        };
        let sts = Arc::new(Sts::new(config.sts.clone()));
        let auth = Authenticator::new(&keys, config.timestamp_tolerance)
            .with_sts(sts.clone())
            .allow_replay(config.allow_replay);
        let endpoint = Arc::new(
            Endpoint::new(catalog, state, auth)
                .with_answers(&config.answers)
                .with_resources(&seeds)
                .map_err(MockError::State)?,
        );

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(MockError::Io)?;
        let addr = listener.local_addr().map_err(MockError::Io)?;
        let faults = Arc::new(Injector::new(&config.faults));
        let oss = Arc::new(Oss::new(
            &config.oss,
            &keys,
            sts.clone(),
            config.timestamp_tolerance,
        ));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(
            listener,
            endpoint.clone(),
            oss,
            faults.clone(),
            stopped,
            config.log_requests,
        ));
        Ok(MockServer {
            addr,
            endpoint,
            sts,
            faults,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, for `ConfigBuilder::endpoint` (with
    /// `allow_http(true)`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`, the endpoint as the official SDKs take it (with
    /// protocol `http`).
    pub fn endpoint(&self) -> String {
        self.addr.to_string()
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `product version` of every spec served.
    pub fn loaded_specs(&self) -> &[String] {
        self.endpoint.catalog().loaded()
    }

    /// Specs found but not served, with the reason.
    pub fn skipped_specs(&self) -> &[String] {
        self.endpoint.catalog().skipped()
    }

    /// Spec files that could not be loaded, each with its file and JSON
    /// path; every other file is served.
    pub fn failed_specs(&self) -> &[String] {
        self.endpoint.catalog().failed()
    }

    /// Parts of the loaded specs served without a check they state (a
    /// `pattern` the regex engine cannot compile), each with its JSON path.
    pub fn spec_notes(&self) -> &[String] {
        self.endpoint.catalog().notes()
    }

    /// The ids of `kind` (`"InstanceId"`) that `product` (`"ecs"`, any
    /// case) has in the generic state: seeded, then created, without those
    /// deleted. See [`crate::generic`].
    pub fn resource_ids(&self, product: &str, kind: &str) -> Vec<String> {
        self.endpoint.resource_ids(product, kind)
    }

    /// How long loading the specs took.
    pub fn load_time(&self) -> Duration {
        self.endpoint.catalog().load_time()
    }

    /// Number of operations served.
    pub fn operation_count(&self) -> usize {
        self.endpoint.catalog().operation_count()
    }

    /// A copy of the current instances, groups and whitelists (for tests
    /// that check the state directly).
    pub fn state(&self) -> State {
        self.endpoint.state()
    }

    /// The STS service: its call log, the lifetime of what it issues, the
    /// OIDC tokens it accepts.
    pub fn sts(&self) -> &Sts {
        &self.sts
    }

    /// Replaces the faults being injected (an empty plan stops injecting);
    /// the counters of [`MockServer::fault_stats`] carry on.
    pub fn set_faults(&self, plan: &FaultPlan) {
        self.faults.replace(plan);
    }

    /// Requests seen per operation and faults injected per kind.
    pub fn fault_stats(&self) -> FaultStats {
        self.faults.stats()
    }

    /// Stops accepting, closes open connections and waits for the server
    /// task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // The accept loop ends (closing every connection) as soon as it sees
        // the signal; dropping never blocks.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    endpoint: Arc<Endpoint>,
    oss: Arc<Oss>,
    faults: Arc<Injector>,
    mut stopped: oneshot::Receiver<()>,
    log: bool,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((mut stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let endpoint = endpoint.clone();
                    let oss = oss.clone();
                    let faults = faults.clone();
                    connections.spawn(async move {
                        // Set by a reset fault: the connection then ends
                        // with a TCP RST rather than an orderly close.
                        let reset = Arc::new(AtomicBool::new(false));
                        let flag = reset.clone();
                        let service = service_fn(move |req| {
                            route(req, endpoint.clone(), oss.clone(), faults.clone(), flag.clone(), log)
                        });
                        // A client that goes away mid-request is its business.
                        let _ = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .serve_connection(TokioIo::new(&mut stream), service)
                            .await;
                        if reset.load(Ordering::Relaxed) {
                            faults::reset(&stream);
                        }
                    });
                }
                // Out of file descriptors and the like: wait instead of
                // spinning; the listener itself stays usable.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
        while connections.try_join_next().is_some() {}
    }
    connections.shutdown().await;
}

/// The body of an answer: whole, or cut short by a fault.
type AnswerBody = Either<Full<Bytes>, faults::Truncated>;

/// OSS requests (told by host or OSS auth) to [`Oss`], the rest to the
/// OpenAPI endpoint.
async fn route(
    req: Request<hyper::body::Incoming>,
    endpoint: Arc<Endpoint>,
    oss: Arc<Oss>,
    injector: Arc<Injector>,
    reset: Arc<AtomicBool>,
    log: bool,
) -> Result<Response<Either<AnswerBody, OssBody>>, faults::Reset> {
    if oss.claims(&req) {
        let response = oss.serve(req, injector, reset, log).await?;
        return Ok(response.map(Either::Right));
    }
    let response = serve(req, endpoint, injector, reset, log).await?;
    Ok(response.map(Either::Left))
}

async fn serve(
    req: Request<hyper::body::Incoming>,
    endpoint: Arc<Endpoint>,
    injector: Arc<Injector>,
    reset: Arc<AtomicBool>,
    log: bool,
) -> Result<Response<AnswerBody>, faults::Reset> {
    let (parts, body) = req.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);

    // Faults are decided before the body is read when the call names its
    // action in the head (V3 header, V1 query), else once the form is read.
    let head_action = faults::head_action(&parts.headers, query.as_deref());
    let mut fault = head_action
        .as_deref()
        .and_then(|a| injector.decide(Some(a)));
    if fault == Some(Fault::ResetBeforeRead) {
        reset.store(true, Ordering::Relaxed);
        return Err(faults::Reset);
    }
    let reply = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => {
            let incoming = Incoming::new(
                &method,
                &path,
                query.as_deref(),
                headers,
                collected.to_bytes().to_vec(),
            );
            if head_action.is_none() {
                fault = injector.decide(incoming.param("Action"));
                if fault == Some(Fault::ResetBeforeRead) {
                    reset.store(true, Ordering::Relaxed);
                    return Err(faults::Reset);
                }
            }
            match &fault {
                Some(Fault::Error {
                    status,
                    code,
                    message,
                }) => faults::error_reply(*status, code, message, incoming.host()),
                // Signing and JSON work is CPU-bound but short; running it
                // inline is cheaper than a hop to the blocking pool.
                _ => endpoint.respond(&incoming, SystemTime::now()),
            }
        }
        Err(e) => too_large_or_broken(e.as_ref(), &headers_host(&parts.headers)),
    };
    match fault {
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::ResetAfterRead) => {
            reset.store(true, Ordering::Relaxed);
            return Err(faults::Reset);
        }
        _ => {}
    }
    if log {
        let action = parts
            .headers
            .get("x-acs-action")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                query.as_deref().and_then(|q| {
                    crate::wire::parse_urlencoded(q)
                        .into_iter()
                        .find(|(k, _)| k == "Action")
                        .map(|(_, v)| v)
                })
            })
            .unwrap_or_else(|| "-".into());
        eprintln!(
            "mock: {method} {action} -> {} {}{}",
            reply.status,
            reply.code.as_deref().unwrap_or("OK"),
            fault
                .as_ref()
                .map(|f| format!(" (fault {})", f.kind()))
                .unwrap_or_default()
        );
    }
    let keep = match fault {
        Some(Fault::TruncatedBody { keep }) => Some(keep),
        _ => None,
    };
    Ok(to_response(reply, keep))
}

fn headers_host(headers: &hyper::HeaderMap) -> String {
    headers
        .get("host")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_else(|| "127.0.0.1".into())
}

/// A body over the limit (413) or one that broke off while being read (400).
fn too_large_or_broken(
    error: &(dyn std::error::Error + Send + Sync + 'static),
    host: &str,
) -> Reply {
    let request_id = uuid::Uuid::new_v4().to_string().to_ascii_uppercase();
    let e = if error.is::<http_body_util::LengthLimitError>() {
        ApiError::new(
            413,
            "RequestTooLarge",
            format!("The request body is larger than {BODY_LIMIT} bytes."),
        )
    } else {
        ApiError::new(
            400,
            "InvalidRequest",
            format!("The request body could not be read: {error}"),
        )
    };
    Reply {
        status: e.status,
        body: e.body(&request_id, host, None),
        code: Some(e.code),
        request_id,
    }
}

/// The HTTP answer; with `truncate_to`, a body cut after that many bytes
/// under the full body's `Content-Length`.
fn to_response(reply: Reply, truncate_to: Option<usize>) -> Response<AnswerBody> {
    let full = Bytes::from(reply.body);
    let length = full.len();
    let body = match truncate_to {
        None => Either::Left(Full::new(full)),
        Some(keep) => Either::Right(faults::Truncated::new(full, keep)),
    };
    let mut response = Response::new(body);
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(v) = hyper::header::HeaderValue::from_str(&reply.request_id) {
        headers.insert("x-acs-request-id", v);
    }
    headers.insert(hyper::header::CONTENT_LENGTH, length.into());
    response
}
