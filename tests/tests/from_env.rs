//! `Config::from_env` as the official CLI and SDKs read the environment: the
//! region from the CLI profile when no variable sets it, and an endpoint
//! from `ALIBABA_CLOUD_ENDPOINT`, checked when the configuration is built.
//! Real files in a temporary home directory and a real server on 127.0.0.1;
//! the process environment is never read (`ConfigBuilder::env`).

mod support;

use alibabacloud_sdk::config::ConfigBuilder;
use alibabacloud_sdk::credentials::{Credentials, Env};
use alibabacloud_sdk::error::Error;
use alibabacloud_sdk::r_kvstore::Client;
use std::path::{Path, PathBuf};
use support::{Reply, ScriptedServer};

/// A fresh directory under the system temp dir, removed on drop.
struct TempHome(PathBuf);

impl TempHome {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "alibabacloud-from-env-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join(".aliyun")).unwrap();
        TempHome(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The CLI configuration as `aliyun configure` writes it: a region per
/// profile.
const CLI_CONFIG: &str = r#"{
  "current": "work",
  "profiles": [
    { "name": "work", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret", "region_id": "cn-shanghai" },
    { "name": "eu", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret", "region_id": "eu-central-1" },
    { "name": "none", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret", "region_id": "" }
  ]
}"#;

fn env(home: &TempHome, vars: &[(&str, &str)]) -> Env {
    let mut all = vec![
        ("HOME".to_owned(), home.path().display().to_string()),
        // Nothing may reach the real metadata service.
        (
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED".to_owned(),
            "true".to_owned(),
        ),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Env::from_map(all)
}

fn region(env: Env) -> Option<String> {
    ConfigBuilder::from_env()
        .env(env)
        .build()
        .unwrap()
        .region()
        .map(str::to_owned)
}

#[test]
fn the_region_comes_from_the_cli_profile_when_no_variable_sets_it() {
    let home = TempHome::new("region");
    std::fs::write(home.path().join(".aliyun/config.json"), CLI_CONFIG).unwrap();

    // The file's current profile.
    assert_eq!(region(env(&home, &[])).as_deref(), Some("cn-shanghai"));
    // The profile ALIBABA_CLOUD_PROFILE chooses.
    assert_eq!(
        region(env(&home, &[("ALIBABA_CLOUD_PROFILE", "eu")])).as_deref(),
        Some("eu-central-1")
    );
    // The variable wins over the profile, and code over both.
    assert_eq!(
        region(env(&home, &[("ALIBABA_CLOUD_REGION_ID", "us-west-1")])).as_deref(),
        Some("us-west-1")
    );
    let config = ConfigBuilder::from_env()
        .env(env(&home, &[("ALIBABA_CLOUD_REGION_ID", "us-west-1")]))
        .region("ap-southeast-1")
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("ap-southeast-1"));
    // Also with credentials given in code: the region is the environment's.
    let config = ConfigBuilder::from_env()
        .env(env(&home, &[]))
        .credentials(Credentials::new("id", "secret"))
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("cn-shanghai"));

    // An empty region_id, a disabled CLI profile or no file: no region.
    assert_eq!(
        region(env(&home, &[("ALIBABA_CLOUD_PROFILE", "none")])),
        None
    );
    assert_eq!(
        region(env(
            &home,
            &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")]
        )),
        None
    );
    std::fs::remove_file(home.path().join(".aliyun/config.json")).unwrap();
    assert_eq!(region(env(&home, &[])), None);
}

#[tokio::test]
async fn the_endpoint_variable_points_from_env_at_a_local_server() {
    let home = TempHome::new("endpoint");
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        r#"{"RequestId":"R-1","SecurityIpGroups":{"SecurityIpGroup":[]}}"#,
    )])
    .await;
    let config = ConfigBuilder::from_env()
        .env(env(
            &home,
            &[
                ("ALIBABA_CLOUD_ENDPOINT", server.url.as_str()),
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
            ],
        ))
        .build()
        .unwrap();
    let out = Client::new(config)
        .describe_security_ips()
        .instance_id("r-1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.request_id(), Some("R-1"));
    let received = server.requests();
    assert_eq!(received.len(), 1);
    assert!(
        received[0]
            .request_line()
            .contains("Action=DescribeSecurityIps")
            || received[0].header("x-acs-action").as_deref() == Some("DescribeSecurityIps"),
        "{:?}",
        received[0].head
    );

    // Code wins over the variable.
    let config = ConfigBuilder::from_env()
        .env(env(
            &home,
            &[("ALIBABA_CLOUD_ENDPOINT", "http://10.0.0.1:1")],
        ))
        .endpoint(&server.url)
        .allow_http(true)
        .build();
    assert!(config.is_ok(), "{config:?}");
}

/// The configuration error of `build`, or a panic.
fn build_error(builder: ConfigBuilder) -> String {
    match builder.build() {
        Ok(config) => panic!("built: {config:?}"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn an_endpoint_that_cannot_work_is_refused_at_build_time_with_the_value() {
    let home = TempHome::new("bad-endpoint");
    // A plain HTTP server: taken for HTTPS, every attempt would fail in the
    // TLS handshake, and be retried.
    let server = ScriptedServer::start(vec![Reply::json(200, r#"{"RequestId":"R"}"#)]).await;
    let bare = server.url.trim_start_matches("http://").to_owned();
    let credentials = || Credentials::new("testid", "testsecret");

    let e = build_error(
        ConfigBuilder::from_env()
            .env(env(&home, &[]))
            .endpoint(&bare)
            .credentials(credentials()),
    );
    assert!(e.contains(&format!("{bare:?}")), "{e}");
    assert!(e.contains("no scheme"), "{e}");
    assert!(e.contains(&format!("\"http://{bare}\"")), "{e}");

    let e = build_error(
        ConfigBuilder::from_env()
            .env(env(&home, &[("ALIBABA_CLOUD_ENDPOINT", &bare)]))
            .credentials(credentials()),
    );
    assert!(e.contains("ALIBABA_CLOUD_ENDPOINT"), "{e}");
    assert!(
        e.contains(&format!("{bare:?}")) && e.contains("no scheme"),
        "{e}"
    );

    let localhost = bare.replace("127.0.0.1", "localhost");
    let e = build_error(
        ConfigBuilder::from_env()
            .env(env(&home, &[]))
            .endpoint(&localhost)
            .credentials(credentials()),
    );
    assert!(e.contains(&format!("{localhost:?}")), "{e}");

    // Plain HTTP from the variable: loopback only.
    let e = build_error(
        ConfigBuilder::from_env()
            .env(env(
                &home,
                &[("ALIBABA_CLOUD_ENDPOINT", "http://10.0.0.1:8080")],
            ))
            .credentials(credentials()),
    );
    assert!(
        e.contains("ALIBABA_CLOUD_ENDPOINT") && e.contains("\"http://10.0.0.1:8080\""),
        "{e}"
    );
    assert!(e.contains("allow_http(true)"), "{e}");

    for (bad, why) in [
        ("127.0.0.1:port", "port \"port\""),
        ("ecs.aliyuncs.com:99999", "port \"99999\""),
        ("https://:443", "the host is empty"),
    ] {
        let e = build_error(
            ConfigBuilder::from_env()
                .env(env(&home, &[]))
                .endpoint(bad)
                .credentials(credentials()),
        );
        assert!(e.contains(&format!("{bad:?}")) && e.contains(why), "{e}");
    }

    // A host without scheme is HTTPS, as in the official SDKs.
    assert!(ConfigBuilder::from_env()
        .env(env(&home, &[]))
        .endpoint("r-kvstore.aliyuncs.com")
        .credentials(credentials())
        .build()
        .is_ok());

    // Per call: refused before sending, not retried.
    let client = Client::new(
        ConfigBuilder::from_env()
            .env(env(&home, &[]))
            .region("cn-hangzhou")
            .credentials(credentials())
            .build()
            .unwrap(),
    );
    let err = client
        .describe_security_ips()
        .instance_id("r-1")
        .customize()
        .endpoint(&bare)
        .send()
        .await
        .unwrap_err();
    let Error::Config(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.to_string().contains("no scheme"), "{e}");
    assert!(server.requests().is_empty(), "nothing was sent");
}
