//! Every profile mode of `~/.aliyun/config.json` and every section type of
//! `~/.alibabacloud/credentials`, read from the fixture files in
//! `tests/fixtures/profiles/`: each one's credentials sign a call the mock
//! verifies (role modes through the mock's STS, `EcsRamRole` and
//! `CredentialsURI` through a loopback server handing out STS credentials).
//! Modes not supported, broken profiles and cycles are errors naming the
//! file, the profile and the field.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_sdk::credentials::{
    CachingProvider, CliProfileProvider, Credentials, CredentialsError, CredentialsErrorKind, Env,
    ProfileFileProvider, ProvideCredentials, RamRoleArnProvider, SharedCredentialsProvider,
};
use alibabacloud_sdk::r_kvstore::Client;
use alibabacloud_sdk::{Config, SignatureVersion};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROVIDER_ARN: &str = "acs:ram::1234567890:oidc-provider/ack-rrsa";
const OIDC_TOKEN: &str = "eyJ.profile-oidc-token.sig";

struct World {
    server: MockServer,
    dir: PathBuf,
    config: PathBuf,
    ini: PathBuf,
    env: Env,
    imds: String,
    secrets: Vec<String>,
}

/// Starts the mock and a credentials server, and renders the fixtures.
async fn world() -> World {
    let server = MockServer::start(MockConfig::new().oidc_token(PROVIDER_ARN, OIDC_TOKEN))
        .await
        .unwrap();
    let sts = |session: &str| {
        RamRoleArnProvider::builder()
            .source(Credentials::new("testid", "testsecret"))
            .role_arn("acs:ram::1234567890:role/fixture")
            .role_session_name(session)
            .sts_endpoint(server.url())
            .build()
            .unwrap()
    };
    let for_profile = sts("for-sts-profile").provide_credentials().await.unwrap();
    let served = sts("for-credentials-server")
        .provide_credentials()
        .await
        .unwrap();
    let imds = credentials_server(&served).await;

    let dir = std::env::temp_dir().join(format!(
        "alibabacloud-profiles-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, OIDC_TOKEN).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles");
    let render = |name: &str| {
        std::fs::read_to_string(fixtures.join(name))
            .unwrap()
            .replace("${STS_ID}", for_profile.access_key_id())
            .replace("${STS_SECRET}", for_profile.access_key_secret())
            .replace("${STS_TOKEN}", for_profile.security_token().unwrap())
            .replace("${URI}", &format!("{imds}/sidecar/credentials"))
            .replace("${TOKEN_FILE}", &token_file.to_string_lossy())
            .replace("${DIR}", &dir.to_string_lossy())
    };
    let config = dir.join("config.json");
    std::fs::write(&config, render("config.json")).unwrap();
    let ini = dir.join("credentials");
    std::fs::write(&ini, render("credentials")).unwrap();
    let env = Env::from_map([("ALIBABA_CLOUD_STS_ENDPOINT", server.url())]);
    let secrets = vec![
        "testsecret".to_owned(),
        OIDC_TOKEN.to_owned(),
        for_profile.access_key_secret().to_owned(),
        for_profile.security_token().unwrap().to_owned(),
        served.access_key_secret().to_owned(),
        served.security_token().unwrap().to_owned(),
        "sso-token-secret".to_owned(),
        "oauth-secret".to_owned(),
    ];
    World {
        server,
        dir,
        config,
        ini,
        env,
        imds,
        secrets,
    }
}

/// Serves `credentials` as the ECS metadata service does (IMDSv2 token on
/// `PUT`) and as a credentials URI does (`GET` anything).
async fn credentials_server(credentials: &Credentials) -> String {
    let expiration = time::OffsetDateTime::from(credentials.expiration().unwrap())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body = serde_json::json!({
        "Code": "Success",
        "AccessKeyId": credentials.access_key_id(),
        "AccessKeySecret": credentials.access_key_secret(),
        "SecurityToken": credentials.security_token(),
        "Expiration": expiration,
        "LastUpdated": expiration,
    })
    .to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let answer = if buf[..n].starts_with(b"PUT ") {
                    "imds-session-token".to_owned()
                } else {
                    body
                };
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    url
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl World {
    fn cli(&self, profile: &str) -> CliProfileProvider {
        CliProfileProvider::builder()
            .env(self.env.clone())
            .path(&self.config)
            .profile_name(profile)
            .ecs_endpoint(&self.imds)
            .build()
    }

    fn ini(&self, section: &str) -> ProfileFileProvider {
        ProfileFileProvider::builder()
            .env(self.env.clone())
            .path(&self.ini)
            .profile_name(section)
            .ecs_endpoint(&self.imds)
            .build()
    }

    fn clean(&self, text: &str) {
        for secret in &self.secrets {
            assert!(!text.contains(secret.as_str()), "secret shown in: {text}");
        }
    }

    fn clean_error(&self, error: &CredentialsError) {
        self.clean(&error.to_string());
        self.clean(&format!("{error:?}"));
    }
}

async fn signed_call(server: &MockServer, provider: impl ProvideCredentials + 'static) {
    let provider = SharedCredentialsProvider::new(CachingProvider::new(provider));
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
        client
            .describe_security_group_configuration()
            .instance_id("r-mock000000000001")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?}: {e}"));
    }
}

#[tokio::test]
async fn every_cli_profile_mode_signs_a_verified_call() {
    let w = world().await;
    for profile in ["ak", "sts", "role", "chain", "ecs", "uri", "oidc"] {
        let provider = w.cli(profile);
        w.clean(&format!("{provider:?}"));
        let credentials = provider
            .provide_credentials()
            .await
            .unwrap_or_else(|e| panic!("profile {profile}: {e}"));
        w.clean(&format!("{credentials:?}"));
        signed_call(&w.server, w.cli(profile)).await;
    }
    let calls = w.server.sts().calls();
    let sessions: Vec<_> = calls
        .iter()
        .filter_map(|c| c.role_session_name.as_deref())
        .collect();
    for expected in ["cli-role", "cli-chain", "cli-oidc"] {
        assert!(sessions.contains(&expected), "{sessions:?}");
    }
    let role = calls
        .iter()
        .find(|c| c.role_session_name.as_deref() == Some("cli-role"))
        .unwrap();
    assert_eq!(role.external_id.as_deref(), Some("ext-1"));
    assert_eq!(role.duration_seconds.as_deref(), Some("1800"));
    assert_eq!(role.policy, None, "an empty policy is not sent");
    // The chain's second hop is signed by the first hop's STS key.
    let chain_index = calls
        .iter()
        .position(|c| c.role_session_name.as_deref() == Some("cli-chain"))
        .unwrap();
    assert_eq!(
        calls[chain_index].caller_access_key_id,
        calls[chain_index - 1].issued_access_key_id
    );
}

#[tokio::test]
async fn every_credentials_file_type_signs_a_verified_call() {
    let w = world().await;
    for section in ["default", "role", "ecs", "oidc"] {
        let provider = w.ini(section);
        provider
            .provide_credentials()
            .await
            .unwrap_or_else(|e| panic!("section {section}: {e}"));
        signed_call(&w.server, w.ini(section)).await;
    }
    let sessions: Vec<_> = w
        .server
        .sts()
        .calls()
        .into_iter()
        .filter_map(|c| c.role_session_name)
        .collect();
    assert!(sessions.iter().any(|s| s == "ini-role"), "{sessions:?}");
    assert!(sessions.iter().any(|s| s == "ini-oidc"), "{sessions:?}");
}

#[tokio::test]
async fn unsupported_modes_name_the_mode_and_the_profile() {
    let w = world().await;
    for (profile, mode, index) in [
        ("sso", "CloudSSO", 7),
        ("oauth", "OAuth", 8),
        ("external", "External", 9),
    ] {
        let error = w.cli(profile).provide_credentials().await.unwrap_err();
        assert_eq!(error.kind(), CredentialsErrorKind::Unsupported, "{error}");
        assert_eq!(error.path(), Some(w.config.as_path()));
        assert_eq!(
            error.field(),
            Some(format!("profiles[{index}].mode").as_str())
        );
        let text = error.to_string();
        assert!(
            text.contains(&format!("unsupported mode '{mode}' in profile '{profile}'")),
            "{text}"
        );
        w.clean_error(&error);
    }
    let error = w.ini("rsa").provide_credentials().await.unwrap_err();
    assert_eq!(error.kind(), CredentialsErrorKind::Unsupported);
    assert!(error.to_string().contains("rsa_key_pair"), "{error}");
}

#[tokio::test]
async fn broken_profiles_are_errors_naming_file_profile_and_field() {
    let w = world().await;
    let error = w.cli("loop-a").provide_credentials().await.unwrap_err();
    assert!(error.to_string().contains("leads back"), "{error}");
    assert_eq!(error.field(), Some("profiles[11].source_profile"));

    let error = w.cli("orphan").provide_credentials().await.unwrap_err();
    assert!(
        error.to_string().contains("'nobody' names no profile"),
        "{error}"
    );
    assert_eq!(error.field(), Some("profiles[13].source_profile"));

    let error = w
        .cli("bad-seconds")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("profiles[12].expired_seconds"));
    assert_eq!(error.path(), Some(w.config.as_path()));
    assert!(error.to_string().contains("must be a number"), "{error}");

    let error = w
        .cli("oidc-no-file")
        .provide_credentials()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("profile 'oidc-no-file'"), "{text}");
    assert!(
        text.contains("absent-token") && text.contains("does not exist"),
        "{text}"
    );
    assert_eq!(error.path(), Some(w.config.as_path()));
    w.clean_error(&error);

    let error = w
        .ini("oidc-broken")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("oidc_provider_arn"));
    assert_eq!(error.path(), Some(w.ini.as_path()));
    assert!(
        error.to_string().contains("section [oidc-broken]"),
        "{error}"
    );

    let malformed = w.dir.join("malformed.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles/malformed.json"),
        &malformed,
    )
    .unwrap();
    let error = CliProfileProvider::builder()
        .env(w.env.clone())
        .path(&malformed)
        .build()
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), CredentialsErrorKind::Invalid);
    assert_eq!(error.path(), Some(malformed.as_path()));
    assert_eq!(error.line(), Some(5));
    w.clean_error(&error);
}
