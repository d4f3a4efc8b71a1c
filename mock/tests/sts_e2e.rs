//! Every STS-based provider end to end: the mock's STS issues temporary
//! credentials, the provider hands them to the SDK, and a call signed with
//! them is verified by the mock.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::{
    CachingProvider, Credentials, CredentialsErrorKind, CredentialsUriProvider,
    DefaultCredentialsChain, Env, OidcRoleArnProvider, ProvideCredentials, RamRoleArnProvider,
};
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::{Config, SignatureVersion};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROVIDER_ARN: &str = "acs:ram::1234567890:oidc-provider/ack-rrsa";
const ROLE_A: &str = "acs:ram::1234567890:role/role-a";
const ROLE_B: &str = "acs:ram::2222222222:role/role-b";
const TOKEN_1: &str = "eyJ.oidc-token-one.sig";
const TOKEN_2: &str = "eyJ.oidc-token-two.sig";

async fn mock() -> MockServer {
    MockServer::start(
        MockConfig::new()
            .oidc_token(PROVIDER_ARN, TOKEN_1)
            .oidc_token(PROVIDER_ARN, TOKEN_2),
    )
    .await
    .unwrap()
}

/// A signed call to the mock with `provider`'s credentials, by V1 and V3.
async fn signed_call(server: &MockServer, provider: impl ProvideCredentials + 'static) {
    let provider = alibabacloud_sdk::credentials::SharedCredentialsProvider::new(provider);
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let client = Client::new(
            Config::builder()
                .endpoint(server.url())
                .allow_http(true)
                .env_proxies(false)
                .shared_credentials(provider.clone())
                .signature_version(signature)
                .build()
                .unwrap(),
        );
        let out = client
            .describe_security_group_configuration()
            .instance_id("r-mock000000000001")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?}: {e}"));
        assert!(!out.request_id().unwrap_or_default().is_empty());
    }
}

/// A clock the cache reads, moved by hand.
#[derive(Clone, Default)]
struct Clock(Arc<AtomicU64>);

impl Clock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
}

fn cached(provider: impl ProvideCredentials + 'static, clock: &Clock) -> CachingProvider {
    let clock = clock.clone();
    CachingProvider::builder(provider)
        .clock(move || clock.now())
        .build()
}

fn secrets_absent(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "secret {secret:?} shown in: {text}");
    }
}

#[tokio::test]
async fn assume_role_signs_a_call_and_passes_every_setting() {
    let server = mock().await;
    let provider = RamRoleArnProvider::builder()
        .env(Env::from_map(Vec::<(String, String)>::new()))
        .source(Credentials::new("testid", "testsecret"))
        .role_arn(ROLE_A)
        .role_session_name("ci-run-42")
        .external_id("ext-123")
        .policy(r#"{"Version":"1","Statement":[]}"#)
        .duration_seconds(1800)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let text = format!("{provider:?}");
    secrets_absent(&text, &["testsecret"]);
    let credentials = provider.provide_credentials().await.unwrap();
    let text = format!("{credentials:?}");
    secrets_absent(
        &text,
        &[
            credentials.access_key_secret(),
            credentials.security_token().unwrap(),
        ],
    );
    assert!(credentials.access_key_id().starts_with("STS."));
    let left = credentials
        .expiration()
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(left > Duration::from_secs(1700) && left <= Duration::from_secs(1800));

    signed_call(&server, CachingProvider::new(provider)).await;
    let calls = server.sts().calls();
    assert_eq!(
        calls.len(),
        2,
        "one AssumeRole each: the probe and the cache"
    );
    let call = &calls[1];
    assert_eq!(call.action, "AssumeRole");
    assert_eq!(call.role_arn, ROLE_A);
    assert_eq!(call.role_session_name.as_deref(), Some("ci-run-42"));
    assert_eq!(call.external_id.as_deref(), Some("ext-123"));
    assert_eq!(call.duration_seconds.as_deref(), Some("1800"));
    assert!(call.policy.as_deref().unwrap().contains("Statement"));
    assert_eq!(call.caller_access_key_id.as_deref(), Some("testid"));
}

#[tokio::test]
async fn role_chaining_a_then_b_and_refresh_before_expiry() {
    let server = mock().await;
    let clock = Clock::default();
    let a = RamRoleArnProvider::builder()
        .source(Credentials::new("testid", "testsecret"))
        .role_arn(ROLE_A)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let b = RamRoleArnProvider::builder()
        .source(cached(a, &clock))
        .role_arn(ROLE_B)
        .role_session_name("b-session")
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let b = Arc::new(cached(b, &clock));
    let shared = alibabacloud_sdk::credentials::SharedCredentialsProvider::from(
        b.clone() as Arc<dyn ProvideCredentials>
    );
    signed_call(&server, shared.clone()).await;
    let calls = server.sts().calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].role_arn, ROLE_A);
    assert_eq!(calls[0].caller_access_key_id.as_deref(), Some("testid"));
    assert_eq!(calls[1].role_arn, ROLE_B);
    // B was assumed with A's temporary key (and its token).
    assert_eq!(calls[1].caller_access_key_id, calls[0].issued_access_key_id);
    let first = shared.provide_credentials().await.unwrap();

    // Within the 15-minute window before expiry (3600 s sessions): both
    // caches refresh, A first, then B signed by the new A.
    clock.advance(Duration::from_secs(3600 - 15 * 60 + 5));
    let second = shared.provide_credentials().await.unwrap();
    assert_ne!(first.access_key_id(), second.access_key_id());
    let calls = server.sts().calls();
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert_eq!(calls[2].role_arn, ROLE_A);
    assert_eq!(calls[3].caller_access_key_id, calls[2].issued_access_key_id);
    signed_call(&server, shared).await;
}

#[tokio::test]
async fn oidc_rereads_the_token_file_at_each_refresh() {
    let server = mock().await;
    let dir = tempdir("oidc");
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{TOKEN_1}\n")).unwrap();
    let clock = Clock::default();
    let provider = OidcRoleArnProvider::builder()
        .env(Env::from_map([(
            "ALIBABA_CLOUD_ROLE_SESSION_NAME",
            "pod-7",
        )]))
        .role_arn(ROLE_A)
        .oidc_provider_arn(PROVIDER_ARN)
        .oidc_token_file(&token_file)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    secrets_absent(&format!("{provider:?}"), &[TOKEN_1]);
    let provider = Arc::new(cached(provider, &clock));
    let shared = alibabacloud_sdk::credentials::SharedCredentialsProvider::from(
        provider.clone() as Arc<dyn ProvideCredentials>
    );
    signed_call(&server, shared.clone()).await;

    std::fs::write(&token_file, TOKEN_2).unwrap();
    clock.advance(Duration::from_secs(3600 - 15 * 60 + 5));
    signed_call(&server, shared.clone()).await;
    let calls = server.sts().calls();
    let tokens: Vec<_> = calls.iter().map(|c| c.oidc_token.as_deref()).collect();
    assert_eq!(tokens, [Some(TOKEN_1), Some(TOKEN_2)]);
    assert!(calls.iter().all(|c| c.action == "AssumeRoleWithOIDC"
        && c.role_session_name.as_deref() == Some("pod-7")
        && c.caller_access_key_id.is_none()));
    secrets_absent(&format!("{provider:?}"), &[TOKEN_1, TOKEN_2]);

    // A token the provider does not accept: STS's error, named.
    std::fs::write(&token_file, "eyJ.revoked.sig").unwrap();
    clock.advance(Duration::from_secs(3600 - 15 * 60 + 5));
    let error = shared.provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("AuthenticationFail.OIDCToken.Invalid"),
        "{text}"
    );
    assert!(
        text.contains(ROLE_A) && text.contains("oidc role arn"),
        "{text}"
    );
    secrets_absent(&text, &["eyJ.revoked.sig"]);

    // A missing token file: the error names the file and the field.
    std::fs::remove_file(&token_file).unwrap();
    clock.advance(Duration::from_secs(3600 - 15 * 60 + 5));
    let error = shared.provide_credentials().await.unwrap_err();
    assert_eq!(error.path(), Some(token_file.as_path()));
    assert_eq!(error.field(), Some("OIDCToken"));
    assert!(error.to_string().contains("does not exist"), "{error}");
}

#[tokio::test]
async fn the_default_chain_finds_rrsa_from_the_environment() {
    let server = mock().await;
    let dir = tempdir("chain");
    let token_file = dir.join("token");
    std::fs::write(&token_file, TOKEN_1).unwrap();
    let env = Env::from_map([
        ("ALIBABA_CLOUD_ROLE_ARN", ROLE_A.to_owned()),
        ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", PROVIDER_ARN.to_owned()),
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_string_lossy().into_owned(),
        ),
        ("ALIBABA_CLOUD_STS_ENDPOINT", server.url()),
        ("HOME", dir.to_string_lossy().into_owned()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true".to_owned()),
    ]);
    let chain = DefaultCredentialsChain::builder().env(env).build();
    signed_call(&server, CachingProvider::new(chain)).await;
    assert_eq!(server.sts().calls()[0].action, "AssumeRoleWithOIDC");
}

#[tokio::test]
async fn an_expired_sts_answer_is_never_used() {
    let server = MockServer::start(MockConfig::new().sts_lifetime_seconds(-60))
        .await
        .unwrap();
    let provider = RamRoleArnProvider::builder()
        .source(Credentials::new("testid", "testsecret"))
        .role_arn(ROLE_A)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(error.to_string().contains("expired"), "{error}");
    assert_eq!(error.field(), Some("Credentials.Expiration"));

    // Once STS answers well again, the cache gets fresh credentials.
    let cache = CachingProvider::new(provider);
    assert!(cache.provide_credentials().await.is_err());
    server.sts().set_lifetime_seconds(None);
    let cache = CachingProvider::builder(
        RamRoleArnProvider::builder()
            .source(Credentials::new("testid", "testsecret"))
            .role_arn(ROLE_A)
            .sts_endpoint(server.url())
            .build()
            .unwrap(),
    )
    .build();
    signed_call(&server, cache).await;
}

#[tokio::test]
async fn expired_sts_credentials_are_refused_by_the_mock() {
    let server = MockServer::start(MockConfig::new().sts_lifetime_seconds(1))
        .await
        .unwrap();
    let provider = RamRoleArnProvider::builder()
        .source(Credentials::new("testid", "testsecret"))
        .role_arn(ROLE_A)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let credentials = provider.provide_credentials().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let client = Client::new(
        Config::builder()
            .endpoint(server.url())
            .allow_http(true)
            .env_proxies(false)
            .credentials(credentials)
            .build()
            .unwrap(),
    );
    let error = client
        .describe_security_group_configuration()
        .instance_id("r-mock000000000001")
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("InvalidSecurityToken.Expired"),
        "{error}"
    );
}

#[tokio::test]
async fn sts_errors_name_the_provider_the_role_and_the_code() {
    let server = mock().await;
    let provider = RamRoleArnProvider::builder()
        .source(Credentials::new("testid", "testsecret"))
        .role_arn("not-an-arn")
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let error = provider.provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert!(
        text.starts_with("ram role arn: STS AssumeRole for role not-an-arn"),
        "{text}"
    );
    assert!(text.contains("InvalidParameter.RoleArn"), "{text}");

    // A source key STS does not know.
    let provider = RamRoleArnProvider::builder()
        .source(Credentials::new("unknown", "wrong-secret"))
        .role_arn(ROLE_A)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let error = provider.provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("InvalidAccessKeyId.NotFound"), "{text}");
    secrets_absent(&text, &["wrong-secret"]);

    // Settings missing from builder and environment.
    let error = OidcRoleArnProvider::builder()
        .env(Env::from_map([("ALIBABA_CLOUD_ROLE_ARN", ROLE_A)]))
        .build()
        .unwrap_err();
    assert_eq!(error.variable(), Some("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"));
    let error = RamRoleArnProvider::builder()
        .source(Credentials::new("testid", "testsecret"))
        .role_arn(ROLE_A)
        .duration_seconds(60)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("900"), "{error}");
}

#[tokio::test]
async fn credentials_uri_serves_sts_credentials_that_sign_a_call() {
    let server = mock().await;
    let issued = RamRoleArnProvider::builder()
        .source(Credentials::new("testid", "testsecret"))
        .role_arn(ROLE_A)
        .sts_endpoint(server.url())
        .build()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    let expiration = time::OffsetDateTime::from(issued.expiration().unwrap())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body = serde_json::json!({
        "Code": "Success",
        "AccessKeyId": issued.access_key_id(),
        "AccessKeySecret": issued.access_key_secret(),
        "SecurityToken": issued.security_token(),
        "Expiration": expiration,
    })
    .to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!(
        "http://{}/credentials?token=sidecar-secret",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let env = Env::from_map([("ALIBABA_CLOUD_CREDENTIALS_URI", uri.clone())]);
    let provider = CredentialsUriProvider::builder().env(env).build().unwrap();
    secrets_absent(
        &format!("{provider:?}"),
        &[issued.access_key_secret(), "sidecar-secret"],
    );
    signed_call(&server, CachingProvider::new(provider)).await;

    // A dead URI: the error names it without its query.
    let provider = CredentialsUriProvider::builder()
        .uri("http://127.0.0.1:1/credentials?token=sidecar-secret")
        .build()
        .unwrap();
    let error = provider.provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("http://127.0.0.1:1/credentials"), "{text}");
    secrets_absent(&text, &["sidecar-secret"]);
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_carry_sts_secrets() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A callsite another test thread registered while this subscriber was
    // being set could keep a stale "never" interest (tracing's cache); a
    // rebuild now makes this test's logs complete.
    tracing::callsite::rebuild_interest_cache();

    let server = mock().await;
    let dir = tempdir("logs");
    let token_file = dir.join("token");
    std::fs::write(&token_file, TOKEN_1).unwrap();
    // The environment source is broken (no secret), so the chain logs it
    // when it steps over it to the OIDC source.
    let env = Env::from_map([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid".to_owned()),
        ("ALIBABA_CLOUD_ROLE_ARN", ROLE_A.to_owned()),
        ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", PROVIDER_ARN.to_owned()),
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_string_lossy().into_owned(),
        ),
        ("ALIBABA_CLOUD_STS_ENDPOINT", server.url()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true".to_owned()),
    ]);
    let clock = Clock::default();
    let cache = Arc::new(cached(
        DefaultCredentialsChain::builder().env(env).build(),
        &clock,
    ));
    let shared = alibabacloud_sdk::credentials::SharedCredentialsProvider::from(
        cache.clone() as Arc<dyn ProvideCredentials>
    );
    let issued = shared.provide_credentials().await.unwrap();
    signed_call(&server, shared.clone()).await;
    // A refresh that fails while the cached credentials are valid: logged,
    // and the cached ones are used.
    std::fs::write(&token_file, "eyJ.revoked.sig").unwrap();
    clock.advance(Duration::from_secs(3600 - 15 * 60 + 5));
    let still = shared.provide_credentials().await.unwrap();
    assert_eq!(still.access_key_id(), issued.access_key_id());
    tracing::info!(provider = ?cache, "cache state");

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("credentials refresh failed"), "{text}");
    assert!(text.contains("credentials source skipped"), "{text}");
    secrets_absent(
        &text,
        &[
            issued.access_key_secret(),
            issued.security_token().unwrap(),
            TOKEN_1,
            "eyJ.revoked.sig",
            "Signature=",
        ],
    );
}

/// A fresh directory under the system temp dir, unique per test (small;
/// left for the system's temp cleaning).
fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "alibabacloud-sts-e2e-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
