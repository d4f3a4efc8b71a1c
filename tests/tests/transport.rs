//! The default transport against loopback servers: redirects are refused
//! and reach no second host, oversized bodies are refused, proxies (plain
//! and CONNECT, with credentials) and TLS roots and versions behave as set.

mod support;

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::{DispatchKind, Error};
use alibabacloud_sdk::r_kvstore::{Client, DescribeSecurityGroupConfigurationError};
use alibabacloud_sdk::transport::{ProxyConfig, TlsVersion};
use alibabacloud_sdk::{config::ConfigBuilder, Config, SignatureVersion};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{Reply, ScriptedServer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;

const SECRET: &str = "s3cr3t-never-printed";
const TOKEN: &str = "sts-token-never-printed";
const OK_BODY: &str = r#"{"RequestId":"R","Items":{"EcsSecurityGroupRelation":[]}}"#;

fn builder(endpoint: &str) -> ConfigBuilder {
    Config::builder()
        .endpoint(endpoint)
        .allow_http(true)
        .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
        .retry_policy(alibabacloud_sdk::retry::RetryPolicy::default().max_attempts(1))
        // The test machine's proxy variables must not route loopback calls.
        .env_proxies(false)
}

async fn describe(config: Config) -> Result<usize, Error<DescribeSecurityGroupConfigurationError>> {
    Client::new(config)
        .describe_security_group_configuration()
        .instance_id("r-1")
        .send()
        .await
        .map(|r| r.items().len())
}

/// A listener that only counts connections and bytes received.
async fn sink() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
        }
    });
    (addr, seen)
}

#[tokio::test]
async fn a_redirect_fails_naming_status_and_location_and_the_other_host_gets_nothing() {
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let (other, seen) = sink().await;
        let location: &'static str =
            Box::leak(format!("http://{other}/steal?token=echoed").into_boxed_str());
        let server =
            ScriptedServer::start(vec![Reply::json(307, "").with_header("location", location)])
                .await;
        let config = builder(&server.url)
            .signature_version(signature)
            .build()
            .unwrap();
        let error = describe(config).await.unwrap_err();
        let Error::Dispatch(dispatch) = &error else {
            panic!("expected a dispatch error, got {error:?}");
        };
        assert_eq!(dispatch.kind(), DispatchKind::Refused);
        let text = error.to_string();
        assert!(text.contains("307"), "{text}");
        assert!(text.contains(&format!("http://{other}/steal")), "{text}");
        assert!(!text.contains("echoed"), "query of Location shown: {text}");
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
        assert_eq!(server.requests().len(), 1, "retried a redirect");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            seen.load(Ordering::SeqCst),
            0,
            "the redirect target was contacted"
        );
    }
}

#[tokio::test]
async fn a_body_announced_over_the_limit_fails_before_reading() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 524288000\r\n\r\n";
            let _ = socket.write_all(head.as_bytes()).await;
            // Then nothing: a client that waited for the body would hang.
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    let error = describe(builder(&url).build().unwrap()).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("524288000") && text.contains("16777216"),
        "{text}"
    );
    assert!(text.contains("max_response_bytes"), "{text}");

    // A configured limit applies to a body sent in full.
    let big = format!(
        r#"{{"RequestId":"R","Pad":"{}","Items":{{"EcsSecurityGroupRelation":[]}}}}"#,
        "x".repeat(2000)
    );
    let server = ScriptedServer::start(vec![Reply::json(200, &big)]).await;
    let error = describe(
        builder(&server.url)
            .max_response_bytes(1000)
            .build()
            .unwrap(),
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("limit of 1000 bytes"), "{error}");
    let server = ScriptedServer::start(vec![Reply::json(200, &big)]).await;
    assert_eq!(
        describe(
            builder(&server.url)
                .max_response_bytes(4000)
                .build()
                .unwrap()
        )
        .await
        .unwrap(),
        0
    );
}

/// A self-signed certificate for 127.0.0.1 and localhost: (cert PEM, server config).
fn tls_identity(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (String, rustls::ServerConfig) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let cert_der = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert_der], key)
    .unwrap();
    (certified.cert.pem(), config)
}

type Log = Arc<Mutex<Vec<String>>>;

/// A TLS server on 127.0.0.1 answering every request with `OK_BODY` and
/// logging each request head. Returns (https URL, cert PEM, log).
async fn tls_server(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (String, String, Log) {
    let (pem, config) = tls_identity(versions);
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let heads = log.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let heads = heads.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let Some(head) = read_head_and_body(&mut tls).await else {
                    return;
                };
                heads.lock().unwrap().push(head);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{OK_BODY}",
                    OK_BODY.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, pem, log)
}

/// Reads a request head and its `content-length` body; returns the head.
async fn read_head_and_body<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let len = header(&head, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < end + len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(head)
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

#[tokio::test]
async fn a_self_signed_server_is_accepted_only_with_its_root_added() {
    let (url, pem, log) = tls_server(&[&rustls::version::TLS13, &rustls::version::TLS12]).await;
    let error = describe(builder(&url).build().unwrap()).await.unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(&error, Error::Dispatch(d) if d.kind() == DispatchKind::Connect),
        "{text}"
    );
    assert!(text.to_ascii_lowercase().contains("certificate"), "{text}");
    assert!(log.lock().unwrap().is_empty());

    let config = builder(&url)
        .add_root_certificate_pem(pem.clone())
        .build()
        .unwrap();
    assert_eq!(describe(config).await.unwrap(), 0);
    assert_eq!(log.lock().unwrap().len(), 1);

    // Not a certificate: a configuration error naming which one.
    let error = builder(&url)
        .add_root_certificate_pem("not pem")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("root certificate #0"), "{error}");
}

#[tokio::test]
async fn min_tls_version_refuses_an_older_server() {
    let (url, pem, log) = tls_server(&[&rustls::version::TLS12]).await;
    let ok = builder(&url)
        .add_root_certificate_pem(pem.clone())
        .build()
        .unwrap();
    assert_eq!(describe(ok).await.unwrap(), 0);
    let strict = builder(&url)
        .add_root_certificate_pem(pem)
        .min_tls_version(TlsVersion::Tls1_3)
        .build()
        .unwrap();
    let error = describe(strict).await.unwrap_err();
    assert!(
        matches!(&error, Error::Dispatch(d) if d.kind() == DispatchKind::Connect),
        "{error}"
    );
    assert_eq!(log.lock().unwrap().len(), 1);
}

/// A CONNECT proxy on loopback: logs each CONNECT head, then tunnels bytes.
async fn connect_proxy() -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let heads = log.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let heads = heads.clone();
            tokio::spawn(async move {
                let Some(head) = read_head_and_body(&mut client).await else {
                    return;
                };
                heads.lock().unwrap().push(head.clone());
                let target = head.split(' ').nth(1).unwrap_or_default().to_string();
                if !head.starts_with("CONNECT ") {
                    let _ = client
                        .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    return;
                }
                let Ok(mut upstream) = TcpStream::connect(&target).await else {
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (url, log)
}

#[tokio::test]
async fn a_connect_proxy_with_credentials_sees_the_tunnel_and_the_server_the_signature() {
    let (url, pem, server_log) =
        tls_server(&[&rustls::version::TLS13, &rustls::version::TLS12]).await;
    let (proxy, proxy_log) = connect_proxy().await;
    let config = builder(&url)
        .add_root_certificate_pem(pem)
        .proxy(ProxyConfig::all(&proxy).basic_auth("puser", "ppass"))
        .build()
        .unwrap();
    assert_eq!(describe(config).await.unwrap(), 0);

    let authority = url.trim_start_matches("https://");
    let proxied = proxy_log.lock().unwrap().clone();
    assert_eq!(proxied.len(), 1, "{proxied:?}");
    assert!(
        proxied[0].starts_with(&format!("CONNECT {authority} ")),
        "{}",
        proxied[0]
    );
    // base64("puser:ppass")
    assert_eq!(
        header(&proxied[0], "proxy-authorization").as_deref(),
        Some("Basic cHVzZXI6cHBhc3M=")
    );
    assert!(header(&proxied[0], "authorization").is_none());

    let served = server_log.lock().unwrap().clone();
    assert_eq!(served.len(), 1);
    let authorization = header(&served[0], "authorization").unwrap();
    assert!(
        authorization.starts_with("ACS3-HMAC-SHA256 Credential=testid,"),
        "{authorization}"
    );
    assert!(header(&served[0], "proxy-authorization").is_none());
}

#[tokio::test]
async fn a_plain_http_proxy_gets_proxy_authorization_beside_the_signed_authorization() {
    // The scripted server plays the forward proxy: it sees the absolute URL.
    let proxy = ScriptedServer::start(vec![Reply::json(200, OK_BODY)]).await;
    let config = builder("http://r-kvstore.example.invalid")
        .proxy(ProxyConfig::http(&proxy.url).basic_auth("puser", "ppass"))
        .build()
        .unwrap();
    assert_eq!(describe(config).await.unwrap(), 0);
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0]
            .request_line()
            .starts_with("POST http://r-kvstore.example.invalid/"),
        "{}",
        seen[0].request_line()
    );
    assert_eq!(
        seen[0].header("proxy-authorization").as_deref(),
        Some("Basic cHVzZXI6cHBhc3M=")
    );
    assert!(seen[0]
        .header("authorization")
        .unwrap()
        .starts_with("ACS3-HMAC-SHA256 Credential=testid,"));
}

#[tokio::test]
async fn no_proxy_hosts_go_direct() {
    let (proxy, proxy_log) = connect_proxy().await;
    let server = ScriptedServer::start(vec![Reply::json(200, OK_BODY)]).await;
    let config = builder(&server.url)
        .proxy(ProxyConfig::all(&proxy))
        .no_proxy("127.0.0.1,localhost")
        .build()
        .unwrap();
    assert_eq!(describe(config).await.unwrap(), 0);
    assert_eq!(server.requests().len(), 1);
    assert!(proxy_log.lock().unwrap().is_empty());
}

#[test]
fn proxy_debug_hides_passwords() {
    let proxy = ProxyConfig::all("http://user:urlpass@proxy:3128").basic_auth("puser", "ppass");
    let text = format!("{proxy:?}");
    assert!(
        !text.contains("urlpass") && !text.contains("ppass"),
        "{text}"
    );
    assert!(
        text.contains("proxy:3128") && text.contains("puser"),
        "{text}"
    );
    let config = builder("http://127.0.0.1:1").proxy(proxy).build().unwrap();
    let text = format!("{config:?}");
    assert!(
        !text.contains("urlpass") && !text.contains("ppass"),
        "{text}"
    );
}

#[tokio::test]
async fn the_caller_map_routes_a_product_and_region() {
    let server = ScriptedServer::start(vec![Reply::json(200, OK_BODY)]).await;
    let config = Config::builder()
        .region("cn-hangzhou")
        .allow_http(true)
        .env_proxies(false)
        .credentials(Credentials::new("testid", SECRET))
        .endpoint_for("R-kvstore", "cn-hangzhou", &server.url)
        .build()
        .unwrap();
    assert_eq!(describe(config).await.unwrap(), 0);
    assert_eq!(server.requests().len(), 1);
    let host = server.requests()[0].header("host").unwrap();
    assert_eq!(format!("http://{host}"), server.url);

    let error = Config::builder()
        .credentials(Credentials::new("testid", SECRET))
        .endpoint_for("r-kvstore", "cn-hangzhou", "http://plain.example")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("endpoint_for"), "{error}");
}

#[tokio::test]
async fn the_default_chain_calls_sts_through_the_configured_proxy() {
    let proxy = ScriptedServer::start(vec![Reply::json(
        400,
        r#"{"RequestId":"P","Code":"SeenByTheProxy","Message":"proxied"}"#,
    )])
    .await;
    let dir = std::env::temp_dir().join(format!("alibabacloud-proxy-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "eyJ.token.sig").unwrap();
    let env = alibabacloud_sdk::credentials::Env::from_map([
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r".to_owned()),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/p".to_owned(),
        ),
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_string_lossy().into_owned(),
        ),
        // Nothing listens there: only the proxy can answer.
        (
            "ALIBABA_CLOUD_STS_ENDPOINT",
            "http://127.0.0.1:9".to_owned(),
        ),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true".to_owned()),
    ]);
    // The proxy is set after from_env: the chain, built by build(), still
    // gets it.
    let config = ConfigBuilder::from_env()
        .env(env)
        .endpoint("http://127.0.0.1:9")
        .allow_http(true)
        .env_proxies(false)
        .proxy(ProxyConfig::http(&proxy.url))
        .build()
        .unwrap();
    let error = describe(config).await.unwrap_err();
    assert!(error.to_string().contains("SeenByTheProxy"), "{error}");
    let seen = proxy.requests();
    assert!(
        seen[0]
            .request_line()
            .starts_with("POST http://127.0.0.1:9/?Action=AssumeRoleWithOIDC"),
        "{}",
        seen[0].request_line()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
