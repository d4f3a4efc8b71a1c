//! Credentials providers: each source, the default chain, the cache, and
//! that secrets never leak into `Debug`, `Display` or errors.
//!
//! Nothing here reads the real environment or the real home directory: every
//! provider gets an `Env::from_map`, files live in a fresh temporary
//! directory, and the instance metadata service is a local HTTP server.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use alibabacloud_sdk::credentials::{
    CachingProvider, CliProfileProvider, Credentials, CredentialsError, CredentialsErrorKind,
    DefaultCredentialsChain, EcsRamRoleProvider, Env, EnvironmentProvider, ProfileFileProvider,
    ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const AK: &str = "LTAI-test-key-id";
const SECRET: &str = "s3cr3t-value-9f2";
const TOKEN: &str = "t0k3n-value-7c1";

// ---------------------------------------------------------------- helpers

/// A unique directory under the system temp dir, removed on drop.
struct TempHome {
    path: PathBuf,
}

impl TempHome {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "alibabacloud-sdk-credentials-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temp home");
        Self { path }
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let file = self.path.join(relative);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(&file, contents).expect("write file");
        file
    }

    fn home_var(&self) -> (String, String) {
        ("HOME".to_owned(), self.path.display().to_string())
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn env_provider(env: Env) -> EnvironmentProvider {
    EnvironmentProvider::builder().env(env).build()
}

fn env(pairs: &[(&str, &str)]) -> Env {
    Env::from_map(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn env_with_home(home: &TempHome, pairs: &[(&str, &str)]) -> Env {
    let mut vars: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    vars.push(home.home_var());
    Env::from_map(vars)
}

/// Asserts that neither the secret nor the token shows in `text`.
#[track_caller]
fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}

/// Asserts the same of an error's `Debug` and `Display`.
#[track_caller]
fn assert_error_clean(error: &CredentialsError) {
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&error.to_string());
}

fn cli_config(current: &str) -> String {
    format!(
        r#"{{
  "current": "{current}",
  "profiles": [
    {{ "name": "default", "mode": "AK", "access_key_id": "{AK}", "access_key_secret": "{SECRET}", "region_id": "cn-hangzhou" }},
    {{ "name": "sts", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "{SECRET}", "sts_token": "{TOKEN}" }},
    {{ "name": "role", "mode": "CloudSSO", "access_key_id": "x", "access_key_secret": "{SECRET}", "ram_role_arn": "acs:ram::1:role/r" }}
  ],
  "meta_path": ""
}}"#
    )
}

fn ini_file() -> String {
    format!(
        "# shared credentials\n\
         [default]\n\
         type = access_key\n\
         access_key_id = ini-default-id\n\
         access_key_secret = {SECRET}\n\
         \n\
         ; a second profile\n\
         [project]\n\
         type = sts                ; temporary\n\
         access_key_id = ini-project-id\n\
         access_key_secret = \"{SECRET}\"\n\
         security_token = {TOKEN}\n\
         \n\
         [legacy]\n\
         type = rsa_key_pair\n"
    )
}

// ------------------------------------------------- local metadata service

/// What the fake instance metadata service answers.
#[derive(Clone)]
struct Imds {
    /// `Some`: PUT /latest/api/token answers it, and GETs require it unless
    /// `accept_v1`. `None`: the token PUT answers 403.
    token: Option<&'static str>,
    /// Whether GETs without a token are answered.
    accept_v1: bool,
    /// The role listing's answer; `None`: 404.
    role: Option<&'static str>,
    /// Status and body of the credentials document.
    credentials: (u16, String),
}

impl Imds {
    fn v2() -> Self {
        Self {
            token: Some("imds-session-token"),
            accept_v1: false,
            role: Some("EcsTestRole"),
            credentials: (200, credentials_json("Success", "2099-01-01T00:00:00Z")),
        }
    }
}

fn credentials_json(code: &str, expiration: &str) -> String {
    format!(
        r#"{{"AccessKeyId":"ecs-id","AccessKeySecret":"{SECRET}","Expiration":"{expiration}","SecurityToken":"{TOKEN}","LastUpdated":"2024-01-01T00:00:00Z","Code":"{code}"}}"#
    )
}

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    token: Option<String>,
    ttl: Option<String>,
}

/// A real HTTP/1.1 server on 127.0.0.1 playing the metadata service.
struct MetadataServer {
    endpoint: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl MetadataServer {
    async fn start(imds: Imds) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let imds = imds.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, imds, recorded).await;
                });
            }
        });
        Self {
            endpoint,
            requests,
            task,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for MetadataServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers one request per connection, then closes it.
async fn serve(
    mut stream: tokio::net::TcpStream,
    imds: Imds,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_owned();
    let path = request_line.next().unwrap_or("").to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let token = headers.get("x-aliyun-ecs-metadata-token").cloned();
    let ttl = headers
        .get("x-aliyun-ecs-metadata-token-ttl-seconds")
        .cloned();
    recorded.lock().expect("lock").push(Recorded {
        method: method.clone(),
        path: path.clone(),
        token: token.clone(),
        ttl: ttl.clone(),
    });

    let authorized = match (imds.token, token.as_deref()) {
        (Some(expected), Some(sent)) => expected == sent,
        (_, None) => imds.accept_v1,
        (None, Some(_)) => false,
    };
    let prefix = "/latest/meta-data/ram/security-credentials/";
    let (status, body) = match (method.as_str(), path.as_str()) {
        ("PUT", "/latest/api/token") => match (imds.token, ttl) {
            (Some(token), Some(_)) => (200, token.to_owned()),
            _ => (403, "forbidden".to_owned()),
        },
        ("GET", _) if path.starts_with(prefix) && !authorized => (401, String::new()),
        ("GET", p) if p == prefix => match imds.role {
            Some(role) => (200, format!("{role}\n")),
            None => (404, "not found".to_owned()),
        },
        ("GET", p) if Some(&p[prefix.len().min(p.len())..]) == imds.role => {
            imds.credentials.clone()
        }
        _ => (404, "not found".to_owned()),
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Error",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// An address where nothing listens: connecting is refused at once.
async fn closed_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

// ------------------------------------------------------------- static

#[tokio::test]
async fn static_credentials_provide_themselves() {
    let expiration = SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000);
    let credentials = Credentials::new(AK, SECRET)
        .with_security_token(TOKEN)
        .with_expiration(expiration);
    assert_eq!(credentials.access_key_id(), AK);
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), Some(TOKEN));
    assert_eq!(credentials.expiration(), Some(expiration));

    let provided = credentials.provide_credentials().await.expect("static");
    assert_eq!(provided, credentials);

    let shared = SharedCredentialsProvider::new(credentials.clone());
    let cloned = shared.clone();
    assert_eq!(
        cloned.provide_credentials().await.expect("shared"),
        credentials
    );
}

#[test]
fn credentials_debug_shows_the_key_id_but_redacts_secrets() {
    let credentials = Credentials::new(AK, SECRET).with_security_token(TOKEN);
    let debug = format!("{credentials:?}");
    assert!(debug.contains(AK), "{debug}");
    assert!(debug.contains("** redacted **"), "{debug}");
    assert_no_secret(&debug);
    assert_no_secret(&format!(
        "{:?}",
        SharedCredentialsProvider::new(credentials)
    ));
    assert_no_secret(&format!("{:#?}", Credentials::new(AK, SECRET)));
}

// -------------------------------------------------------- environment

#[tokio::test]
async fn environment_provider_reads_injected_variables() {
    let provider = env_provider(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
    ]));
    let credentials = provider.provide_credentials().await.expect("env");
    assert_eq!(credentials.access_key_id(), AK);
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), Some(TOKEN));
    assert_eq!(credentials.expiration(), None);
    assert_no_secret(&format!("{provider:?}"));

    // An empty token counts as no token.
    let provider = env_provider(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", ""),
    ]));
    let credentials = provider.provide_credentials().await.expect("env");
    assert_eq!(credentials.security_token(), None);
}

#[tokio::test]
async fn environment_provider_treats_empty_as_unset_and_names_missing_variable() {
    let unset = env_provider(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
    ]))
    .provide_credentials()
    .await
    .expect_err("nothing set");
    assert_eq!(unset.kind(), CredentialsErrorKind::NotConfigured);
    assert_eq!(unset.provider(), "environment");

    let no_secret = env_provider(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
    ]))
    .provide_credentials()
    .await
    .expect_err("secret missing");
    assert_eq!(no_secret.kind(), CredentialsErrorKind::Invalid);
    assert_eq!(
        no_secret.variable(),
        Some("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    );
    assert!(no_secret
        .to_string()
        .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));

    let no_id = env_provider(env(&[("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)]))
        .provide_credentials()
        .await
        .expect_err("id missing");
    assert_eq!(no_id.variable(), Some("ALIBABA_CLOUD_ACCESS_KEY_ID"));
    assert_error_clean(&no_id);
}

#[test]
fn env_debug_lists_names_only() {
    let vars = env(&[("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)]);
    let debug = format!("{vars:?}");
    assert!(debug.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), "{debug}");
    assert_no_secret(&debug);
    assert_eq!(
        vars.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET").as_deref(),
        Some(SECRET)
    );
    assert_eq!(vars.get("HOME"), None);
    assert_eq!(vars.home_dir(), None);
}

// -------------------------------------------------------- CLI profile

#[tokio::test]
async fn cli_profile_uses_the_current_profile() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", &cli_config("default"));
    let provider = CliProfileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build();
    let credentials = provider.provide_credentials().await.expect("cli");
    assert_eq!(credentials.access_key_id(), AK);
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), None);
}

#[tokio::test]
async fn cli_profile_env_variable_selects_a_sts_token_profile() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", &cli_config("default"));
    let provider = CliProfileProvider::builder()
        .env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", "sts")]))
        .build();
    let credentials = provider.provide_credentials().await.expect("cli sts");
    assert_eq!(credentials.access_key_id(), "sts-id");
    assert_eq!(credentials.security_token(), Some(TOKEN));

    // A name given in code wins over the variable.
    let provider = CliProfileProvider::builder()
        .env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", "sts")]))
        .profile_name("default")
        .build();
    let credentials = provider.provide_credentials().await.expect("cli default");
    assert_eq!(credentials.access_key_id(), AK);
}

#[tokio::test]
async fn cli_profile_unsupported_mode_is_a_clear_error() {
    let home = TempHome::new();
    let path = home.write(".aliyun/config.json", &cli_config("role"));
    let error = CliProfileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build()
        .provide_credentials()
        .await
        .expect_err("CloudSSO is not supported");
    assert_eq!(error.kind(), CredentialsErrorKind::Unsupported);
    assert_eq!(error.path(), Some(path.as_path()));
    assert_eq!(error.field(), Some("profiles[2].mode"));
    let text = error.to_string();
    assert!(
        text.contains("unsupported mode 'CloudSSO' in profile 'role'"),
        "{text}"
    );
    assert_error_clean(&error);
}

#[tokio::test]
async fn cli_profile_errors_name_file_and_field_without_values() {
    let home = TempHome::new();
    // The secret in a field of the wrong type must not be echoed.
    let path = home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current":"p","profiles":[{{"name":"p","mode":"StsToken","access_key_id":"id","access_key_secret":"{SECRET}","sts_token":["{TOKEN}"]}}]}}"#
        ),
    );
    let provider = CliProfileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build();
    let error = provider.provide_credentials().await.expect_err("bad type");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert_eq!(error.field(), Some("profiles[0].sts_token"));
    assert_eq!(error.path(), Some(path.as_path()));
    assert!(error
        .to_string()
        .contains("must be a string, found an array"));
    assert!(error.to_string().contains(&path.display().to_string()));
    assert_error_clean(&error);

    // Broken JSON: the file and the line, never the content.
    home.write(
        ".aliyun/config.json",
        &format!("{{\n  \"current\": \"p\",\n  \"profiles\": [{{\"access_key_secret\": \"{SECRET}\" \"x\"}}]\n}}"),
    );
    let error = provider.provide_credentials().await.expect_err("bad json");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert_eq!(error.line(), Some(3));
    assert_error_clean(&error);

    // An unknown profile.
    home.write(".aliyun/config.json", &cli_config("nope"));
    let error = provider
        .provide_credentials()
        .await
        .expect_err("no profile");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert!(error.to_string().contains("no profile named 'nope'"));
}

#[tokio::test]
async fn cli_profile_missing_file_and_disabled_are_not_configured() {
    let home = TempHome::new();
    let error = CliProfileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build()
        .provide_credentials()
        .await
        .expect_err("no file");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert!(error.to_string().contains("file not found"));

    home.write(".aliyun/config.json", &cli_config("default"));
    let error = CliProfileProvider::builder()
        .env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE")],
        ))
        .build()
        .provide_credentials()
        .await
        .expect_err("disabled");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert_eq!(error.variable(), Some("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"));

    // No HOME at all.
    let error = CliProfileProvider::builder()
        .env(env(&[]))
        .build()
        .provide_credentials()
        .await
        .expect_err("no home");
    assert_eq!(error.variable(), Some("HOME"));
}

// ------------------------------------------------- credentials INI file

#[tokio::test]
async fn profile_file_reads_the_default_section() {
    let home = TempHome::new();
    home.write(".alibabacloud/credentials", &ini_file());
    let provider = ProfileFileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build();
    let credentials = provider.provide_credentials().await.expect("ini");
    assert_eq!(credentials.access_key_id(), "ini-default-id");
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), None);
}

#[tokio::test]
async fn profile_file_named_profile_with_sts_type() {
    let home = TempHome::new();
    home.write(".alibabacloud/credentials", &ini_file());
    let provider = ProfileFileProvider::builder()
        .env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_PROFILE", "project")],
        ))
        .build();
    let credentials = provider.provide_credentials().await.expect("ini sts");
    assert_eq!(credentials.access_key_id(), "ini-project-id");
    assert_eq!(credentials.access_key_secret(), SECRET, "quotes stripped");
    assert_eq!(credentials.security_token(), Some(TOKEN));

    let error = ProfileFileProvider::builder()
        .env(env_with_home(&home, &[]))
        .profile_name("legacy")
        .build()
        .provide_credentials()
        .await
        .expect_err("unsupported type");
    assert_eq!(error.kind(), CredentialsErrorKind::Unsupported);
    assert!(error
        .to_string()
        .contains("unsupported type 'rsa_key_pair'"));

    let error = ProfileFileProvider::builder()
        .env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", "absent")]))
        .build()
        .provide_credentials()
        .await
        .expect_err("absent section");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert!(error.to_string().contains("no section [absent]"));
}

#[tokio::test]
async fn profile_file_bad_line_error_names_file_and_line() {
    let home = TempHome::new();
    let path = home.write(
        ".alibabacloud/credentials",
        &format!("[default]\ntype = access_key\n{SECRET}\naccess_key_id = x\n"),
    );
    let error = ProfileFileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build()
        .provide_credentials()
        .await
        .expect_err("bad line");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert_eq!(error.line(), Some(3));
    assert_eq!(error.path(), Some(path.as_path()));
    let text = error.to_string();
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert_error_clean(&error);

    // A missing key names the key.
    home.write(
        ".alibabacloud/credentials",
        "[default]\ntype = access_key\naccess_key_id = x\n",
    );
    let error = ProfileFileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build()
        .provide_credentials()
        .await
        .expect_err("missing secret");
    assert_eq!(error.field(), Some("access_key_secret"));
}

#[tokio::test]
async fn profile_file_path_from_variable_and_ini_fallback() {
    let home = TempHome::new();
    let elsewhere = home.write(
        "elsewhere/creds",
        "[default]\ntype = access_key\naccess_key_id = from-var\naccess_key_secret = s\n",
    );
    let elsewhere_text = elsewhere.display().to_string();
    let provider = ProfileFileProvider::builder()
        .env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_CREDENTIALS_FILE", elsewhere_text.as_str())],
        ))
        .build();
    let credentials = provider.provide_credentials().await.expect("from var");
    assert_eq!(credentials.access_key_id(), "from-var");

    // The Python/Java SDKs' file name is read when the Go one is absent.
    home.write(
        ".alibabacloud/credentials.ini",
        "[default]\ntype = access_key\naccess_key_id = from-ini\naccess_key_secret = s\n",
    );
    let provider = ProfileFileProvider::builder()
        .env(env_with_home(&home, &[]))
        .build();
    let credentials = provider.provide_credentials().await.expect("ini name");
    assert_eq!(credentials.access_key_id(), "from-ini");

    // A file the variable names must exist.
    let missing = home.path().join("missing").display().to_string();
    let error = ProfileFileProvider::builder()
        .env(env_with_home(
            &home,
            &[("ALIBABA_CLOUD_CREDENTIALS_FILE", missing.as_str())],
        ))
        .build()
        .provide_credentials()
        .await
        .expect_err("missing");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
}

// ------------------------------------------------------- ECS RAM role

#[tokio::test]
async fn ecs_ram_role_uses_imdsv2_token_and_discovers_the_role() {
    let server = MetadataServer::start(Imds::v2()).await;
    let provider = EcsRamRoleProvider::builder()
        .env(env(&[]))
        .endpoint(&server.endpoint)
        .build();
    let credentials = provider.provide_credentials().await.expect("ecs");
    assert_eq!(credentials.access_key_id(), "ecs-id");
    assert_eq!(credentials.access_key_secret(), SECRET);
    assert_eq!(credentials.security_token(), Some(TOKEN));
    assert_eq!(
        credentials.expiration(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_070_908_800))
    );

    let requests = server.requests();
    let summary: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/ram/security-credentials/"),
            (
                "GET",
                "/latest/meta-data/ram/security-credentials/EcsTestRole"
            ),
        ]
    );
    assert_eq!(requests[0].ttl.as_deref(), Some("21600"));
    assert!(requests[1..]
        .iter()
        .all(|r| r.token.as_deref() == Some("imds-session-token")));
    assert_no_secret(&format!("{provider:?}"));
}

#[tokio::test]
async fn ecs_ram_role_falls_back_to_imdsv1_when_the_token_is_refused() {
    let server = MetadataServer::start(Imds {
        token: None,
        accept_v1: true,
        ..Imds::v2()
    })
    .await;
    let provider = EcsRamRoleProvider::builder()
        .env(env(&[]))
        .endpoint(&server.endpoint)
        .build();
    let credentials = provider.provide_credentials().await.expect("v1");
    assert_eq!(credentials.access_key_id(), "ecs-id");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[1..].iter().all(|r| r.token.is_none()));

    // With IMDSv1 disabled, a refused token is an error naming the switch.
    let provider = EcsRamRoleProvider::builder()
        .env(env(&[("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")]))
        .endpoint(&server.endpoint)
        .build();
    let error = provider.provide_credentials().await.expect_err("v1 off");
    assert_eq!(error.variable(), Some("ALIBABA_CLOUD_IMDSV1_DISABLED"));
    assert!(error.to_string().contains("HTTP 403"), "{error}");
    assert_error_clean(&error);
}

#[tokio::test]
async fn ecs_ram_role_name_from_variable_skips_discovery() {
    let server = MetadataServer::start(Imds::v2()).await;
    let provider = EcsRamRoleProvider::builder()
        .env(env(&[("ALIBABA_CLOUD_ECS_METADATA", "EcsTestRole")]))
        .endpoint(&server.endpoint)
        .build();
    provider.provide_credentials().await.expect("ecs");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/latest/api/token",
            "/latest/meta-data/ram/security-credentials/EcsTestRole"
        ]
    );

    // A role the instance does not have.
    let error = EcsRamRoleProvider::builder()
        .env(env(&[]))
        .role_name("OtherRole")
        .endpoint(&server.endpoint)
        .build()
        .provide_credentials()
        .await
        .expect_err("no such role");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert!(error.to_string().contains("OtherRole"));
}

#[tokio::test]
async fn ecs_ram_role_rejects_bad_answers_without_leaking() {
    let cases = [
        (
            200,
            credentials_json("Failure", "2099-01-01T00:00:00Z"),
            "Code",
        ),
        (200, credentials_json("Success", "tomorrow"), "Expiration"),
        (
            200,
            format!(
                r#"{{"Code":"Success","AccessKeySecret":"{SECRET}","SecurityToken":"{TOKEN}","Expiration":"2099-01-01T00:00:00Z"}}"#
            ),
            "AccessKeyId",
        ),
        (200, format!("{SECRET} {TOKEN} not json"), "not valid JSON"),
        (500, SECRET.to_owned(), "HTTP 500"),
    ];
    for (status, body, expected) in cases {
        let server = MetadataServer::start(Imds {
            credentials: (status, body),
            ..Imds::v2()
        })
        .await;
        let error = EcsRamRoleProvider::builder()
            .env(env(&[]))
            .endpoint(&server.endpoint)
            .build()
            .provide_credentials()
            .await
            .expect_err(expected);
        assert!(error.to_string().contains(expected), "{error}");
        assert_eq!(error.provider(), "ecs ram role");
        assert_error_clean(&error);
    }
}

#[tokio::test]
async fn ecs_ram_role_no_role_attached_and_unreachable_and_disabled() {
    let server = MetadataServer::start(Imds {
        role: None,
        ..Imds::v2()
    })
    .await;
    let error = EcsRamRoleProvider::builder()
        .env(env(&[]))
        .endpoint(&server.endpoint)
        .build()
        .provide_credentials()
        .await
        .expect_err("no role");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert!(
        error.to_string().contains("no RAM role attached"),
        "{error}"
    );

    // Nothing listening: one refused connection, no IMDSv1 retries.
    let started = Instant::now();
    let error = EcsRamRoleProvider::builder()
        .env(env(&[]))
        .endpoint(closed_endpoint().await)
        .build()
        .provide_credentials()
        .await
        .expect_err("unreachable");
    assert_eq!(error.kind(), CredentialsErrorKind::Unavailable);
    assert!(started.elapsed() < Duration::from_secs(3));

    // Disabled: no request at all.
    let server = MetadataServer::start(Imds::v2()).await;
    let error = EcsRamRoleProvider::builder()
        .env(env(&[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")]))
        .endpoint(&server.endpoint)
        .build()
        .provide_credentials()
        .await
        .expect_err("disabled");
    assert_eq!(error.kind(), CredentialsErrorKind::NotConfigured);
    assert!(server.requests().is_empty());

    let error = EcsRamRoleProvider::builder()
        .env(env(&[]))
        .endpoint("not a url")
        .build()
        .provide_credentials()
        .await
        .expect_err("bad endpoint");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
}

// -------------------------------------------------------------- chain

#[tokio::test]
async fn chain_environment_wins_over_files() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", &cli_config("default"));
    home.write(".alibabacloud/credentials", &ini_file());
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(
            &home,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
                ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
            ],
        ))
        .build();
    let credentials = chain.provide_credentials().await.expect("chain");
    assert_eq!(credentials.access_key_id(), "env-id");
    // The source that worked is asked first next time, with the same answer.
    let again = chain.provide_credentials().await.expect("chain again");
    assert_eq!(again.access_key_id(), "env-id");
    assert_no_secret(&format!("{chain:?}"));
}

#[tokio::test]
async fn chain_cli_profile_wins_over_the_credentials_file_and_files_over_ecs() {
    let server = MetadataServer::start(Imds::v2()).await;
    let home = TempHome::new();
    home.write(".aliyun/config.json", &cli_config("default"));
    home.write(".alibabacloud/credentials", &ini_file());
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(&home, &[]))
        .ecs_endpoint(&server.endpoint)
        .build();
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("cli")
            .access_key_id(),
        AK
    );

    std::fs::remove_file(home.path().join(".aliyun/config.json")).expect("rm");
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(&home, &[]))
        .ecs_endpoint(&server.endpoint)
        .build();
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("ini")
            .access_key_id(),
        "ini-default-id"
    );
    assert!(server.requests().is_empty(), "ECS must not be asked");
}

#[tokio::test]
async fn chain_falls_through_to_ecs_ram_role() {
    let server = MetadataServer::start(Imds::v2()).await;
    let home = TempHome::new();
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(&home, &[]))
        .ecs_endpoint(&server.endpoint)
        .build();
    let credentials = chain.provide_credentials().await.expect("ecs");
    assert_eq!(credentials.access_key_id(), "ecs-id");
    assert!(credentials.expiration().is_some());
}

#[tokio::test]
async fn chain_error_lists_every_source_and_why() {
    let home = TempHome::new();
    // The file's `current` names no profile: not chosen by the user, so the
    // chain goes on (an unusable mode would stop it, see below).
    home.write(".aliyun/config.json", &cli_config("nobody"));
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(
            &home,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
                ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
            ],
        ))
        .build();
    let error = chain.provide_credentials().await.expect_err("nothing");
    assert_eq!(error.kind(), CredentialsErrorKind::NoSourceSucceeded);
    let providers: Vec<&str> = error.tried().iter().map(|e| e.provider()).collect();
    assert_eq!(
        providers,
        ["environment", "cli profile", "profile file", "ecs ram role"]
    );
    let text = error.to_string();
    for expected in [
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "no profile named 'nobody'",
        "file not found",
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert_error_clean(&error);

    // OIDC and the credentials URI take their places in the chain; a
    // missing token file, an unreachable metadata service and a dead URI
    // are each reported.
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(
            &home,
            &[
                ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/token"),
                ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"),
                (
                    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                    "acs:ram::1:oidc-provider/p",
                ),
                ("ALIBABA_CLOUD_CREDENTIALS_URI", "http://127.0.0.1:1/creds"),
            ],
        ))
        .ecs_endpoint(closed_endpoint().await)
        .build();
    let error = chain.provide_credentials().await.expect_err("nothing");
    let providers: Vec<&str> = error.tried().iter().map(|e| e.provider()).collect();
    assert_eq!(
        providers,
        [
            "environment",
            "oidc role arn",
            "cli profile",
            "profile file",
            "ecs ram role",
            "credentials uri"
        ]
    );
    assert_eq!(error.tried()[1].kind(), CredentialsErrorKind::Unavailable);
    assert_eq!(
        error.tried()[1].path(),
        Some(std::path::Path::new("/var/run/token"))
    );
    assert_eq!(error.tried()[4].kind(), CredentialsErrorKind::Unavailable);
    assert_eq!(error.tried()[5].kind(), CredentialsErrorKind::Unavailable);
}

#[tokio::test]
async fn chain_stops_at_a_cli_profile_mode_it_cannot_use() {
    let server = MetadataServer::start(Imds::v2()).await;
    let home = TempHome::new();
    let path = home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current":"dev","profiles":[{{"name":"dev","mode":"AKK","access_key_id":"{AK}","access_key_secret":"{SECRET}"}}]}}"#
        ),
    );
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(&home, &[]))
        .ecs_endpoint(&server.endpoint)
        .build();
    let error = chain
        .provide_credentials()
        .await
        .expect_err("misspelled mode");
    assert_eq!(error.kind(), CredentialsErrorKind::Unsupported);
    assert_eq!(error.provider(), "cli profile");
    assert_eq!(error.path(), Some(path.as_path()));
    assert_eq!(error.field(), Some("profiles[0].mode"));
    let text = error.to_string();
    for expected in [
        "'AKK'",
        "profile 'dev'",
        "supported: AK, StsToken, RamRoleArn",
        &path.display().to_string(),
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(
        server.requests().is_empty(),
        "ECS must not be asked: {text}"
    );
    assert_error_clean(&error);

    // A mode the CLI has but this SDK does not implement stops it too.
    home.write(".aliyun/config.json", &cli_config("role"));
    let error = chain.provide_credentials().await.expect_err("CloudSSO");
    assert_eq!(error.kind(), CredentialsErrorKind::Unsupported);
    assert!(error.to_string().contains("'CloudSSO'"), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn chain_stops_at_a_credentials_file_type_it_cannot_use() {
    let server = MetadataServer::start(Imds::v2()).await;
    let home = TempHome::new();
    let path = home.write(
        ".alibabacloud/credentials",
        &format!(
            "[default]\ntype = acces_key\naccess_key_id = {AK}\naccess_key_secret = {SECRET}\n"
        ),
    );
    let chain = DefaultCredentialsChain::builder()
        .env(env_with_home(&home, &[]))
        .ecs_endpoint(&server.endpoint)
        .build();
    let error = chain
        .provide_credentials()
        .await
        .expect_err("misspelled type");
    assert_eq!(error.kind(), CredentialsErrorKind::Unsupported);
    assert_eq!(error.provider(), "profile file");
    assert_eq!(error.path(), Some(path.as_path()));
    assert_eq!(error.field(), Some("type"));
    let text = error.to_string();
    for expected in [
        "'acces_key'",
        "[default]",
        "supported: access_key, sts",
        &path.display().to_string(),
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(
        server.requests().is_empty(),
        "ECS must not be asked: {text}"
    );
    assert_error_clean(&error);
}

#[tokio::test]
async fn chain_stops_when_the_chosen_profile_is_in_neither_file() {
    let server = MetadataServer::start(Imds::v2()).await;
    let home = TempHome::new();
    let cli = home.write(".aliyun/config.json", &cli_config("default"));
    let ini = home.write(".alibabacloud/credentials", &ini_file());
    let chain = |profile: &str| {
        DefaultCredentialsChain::builder()
            .env(env_with_home(&home, &[("ALIBABA_CLOUD_PROFILE", profile)]))
            .ecs_endpoint(&server.endpoint)
            .build()
    };
    let error = chain("prod")
        .provide_credentials()
        .await
        .expect_err("no such profile");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert_eq!(error.variable(), Some("ALIBABA_CLOUD_PROFILE"));
    let text = error.to_string();
    for expected in [
        "profile 'prod' (selected by ALIBABA_CLOUD_PROFILE)",
        &cli.display().to_string(),
        "profiles in the file: default, sts, role",
        &ini.display().to_string(),
        "sections in the file: default, legacy, project",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(
        server.requests().is_empty(),
        "ECS must not be asked: {text}"
    );
    assert_error_clean(&error);

    // Set in code, the same.
    let error = DefaultCredentialsChain::builder()
        .env(env_with_home(&home, &[]))
        .profile_name("prod")
        .ecs_endpoint(&server.endpoint)
        .build()
        .provide_credentials()
        .await
        .expect_err("no such profile");
    assert!(
        error.to_string().contains("profile 'prod' (set in code)"),
        "{error}"
    );

    // A profile that only the credentials file has is found there.
    let credentials = chain("project").provide_credentials().await.expect("ini");
    assert_eq!(credentials.access_key_id(), "ini-project-id");
    // Without files at all, a chosen profile still exists nowhere.
    std::fs::remove_file(&cli).expect("rm");
    std::fs::remove_file(&ini).expect("rm");
    let error = chain("project")
        .provide_credentials()
        .await
        .expect_err("no files");
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert!(server.requests().is_empty());
}

// -------------------------------------------------------------- cache

/// Counts calls; answers credentials expiring `lifetime` after the fake
/// clock's now (or never), optionally after a gate opens, or fails.
#[derive(Debug)]
struct Counting {
    calls: Arc<AtomicUsize>,
    clock: FakeClock,
    lifetime: Option<Duration>,
    gate: Option<Arc<tokio::sync::Semaphore>>,
    fail_from_call: Option<usize>,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move {
            let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(gate) = &self.gate {
                let _permit = gate.acquire().await.expect("gate");
            }
            if self.fail_from_call.is_some_and(|from| call >= from) {
                return Err(CredentialsError::new(
                    "test",
                    CredentialsErrorKind::Unavailable,
                    "source down",
                ));
            }
            let credentials = Credentials::new(format!("id-{call}"), SECRET);
            Ok(match self.lifetime {
                Some(lifetime) => credentials.with_expiration(self.clock.now() + lifetime),
                None => credentials,
            })
        })
    }
}

/// A clock the test moves by hand.
#[derive(Debug, Clone, Default)]
struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + self.0.load(Ordering::SeqCst))
    }

    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
}

fn counting(lifetime: Option<Duration>) -> (Counting, Arc<AtomicUsize>, FakeClock) {
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = FakeClock::default();
    let provider = Counting {
        calls: calls.clone(),
        clock: clock.clone(),
        lifetime,
        gate: None,
        fail_from_call: None,
    };
    (provider, calls, clock)
}

fn cached(provider: Counting, clock: &FakeClock) -> CachingProvider {
    let clock = clock.clone();
    CachingProvider::builder(provider)
        .clock(move || clock.now())
        .build()
}

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn cache_keeps_credentials_until_the_refresh_window_then_refreshes() {
    let (provider, calls, clock) = counting(Some(60 * MINUTE));
    let cache = cached(provider, &clock);
    for _ in 0..5 {
        assert_eq!(
            cache
                .provide_credentials()
                .await
                .expect("1")
                .access_key_id(),
            "id-1"
        );
    }
    clock.advance(44 * MINUTE); // 16 minutes left: not yet
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("1")
            .access_key_id(),
        "id-1"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    clock.advance(2 * MINUTE); // 14 minutes left: inside the 15-minute window
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("2")
            .access_key_id(),
        "id-2"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("2")
            .access_key_id(),
        "id-2"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_no_secret(&format!("{cache:?}"));
}

#[tokio::test]
async fn cache_refreshes_soon_expiring_credentials_but_not_at_every_call() {
    // The source only ever hands out credentials 5 minutes from expiry.
    let (provider, calls, clock) = counting(Some(5 * MINUTE));
    let cache = cached(provider, &clock);
    cache.provide_credentials().await.expect("1");
    cache.provide_credentials().await.expect("1");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(11)); // past the 10 s minimum interval
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("2")
            .access_key_id(),
        "id-2"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn cache_keeps_static_credentials_forever() {
    let (provider, calls, clock) = counting(None);
    let cache = cached(provider, &clock);
    cache.provide_credentials().await.expect("1");
    clock.advance(Duration::from_secs(100 * 365 * 24 * 3600));
    cache.provide_credentials().await.expect("1");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn cache_serves_still_valid_credentials_when_a_refresh_fails() {
    let (mut provider, calls, clock) = counting(Some(60 * MINUTE));
    provider.fail_from_call = Some(2);
    let cache = cached(provider, &clock);
    cache.provide_credentials().await.expect("1");
    clock.advance(50 * MINUTE); // inside the window, not expired
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("cached")
            .access_key_id(),
        "id-1"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    clock.advance(11 * MINUTE); // now expired: the error comes through
    let error = cache.provide_credentials().await.expect_err("expired");
    assert_eq!(error.message(), "source down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_concurrent_callers_share_one_refresh() {
    for fail in [false, true] {
        let (mut provider, calls, clock) = counting(Some(60 * MINUTE));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        provider.gate = Some(gate.clone());
        if fail {
            provider.fail_from_call = Some(1);
        }
        let cache = Arc::new(cached(provider, &clock));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.provide_credentials().await })
            })
            .collect();
        // Let every caller reach the cache before the source answers.
        tokio::time::sleep(Duration::from_millis(200)).await;
        gate.add_permits(1000);
        for task in tasks {
            let result = task.await.expect("join");
            assert_eq!(result.is_err(), fail);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "fail = {fail}");
    }
}

// ------------------------------------------------------------ secrets

#[tokio::test]
async fn no_secret_in_any_provider_debug() {
    let home = TempHome::new();
    let vars = env_with_home(
        &home,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
        ],
    );
    let environment = env_provider(vars.clone());
    let cache = CachingProvider::new(environment.clone());
    cache.provide_credentials().await.expect("env");
    let chain = DefaultCredentialsChain::builder().env(vars.clone()).build();
    chain.provide_credentials().await.expect("env");
    let debugs = [
        format!("{environment:?}"),
        format!("{cache:?}"),
        format!("{chain:?}"),
        format!("{:?}", CliProfileProvider::builder().env(vars.clone())),
        format!(
            "{:?}",
            ProfileFileProvider::builder().env(vars.clone()).build()
        ),
        format!(
            "{:?}",
            EcsRamRoleProvider::builder()
                .env(vars.clone())
                .endpoint("http://127.0.0.1:1")
        ),
        format!("{:?}", SharedCredentialsProvider::new(cache)),
    ];
    for debug in debugs {
        assert_no_secret(&debug);
    }
}
