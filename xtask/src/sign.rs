//! `cargo xtask sign v1|v3`: prints every signing stage for chosen inputs.
//! Takes the same flags as `../shared/oracle/oracle.py v1|v3`, so any input
//! can be checked against Alibaba's own code, and a user chasing a
//! `SignatureDoesNotMatch` can compare with the server's string-to-sign.

use alibabacloud_signing::{v1, v3};
use std::process::ExitCode;

/// Flags shared by both signature versions.
#[derive(clap::Args, Debug)]
pub struct Common {
    #[arg(long, default_value = "testid")]
    ak: String,
    #[arg(long, default_value = "testsecret")]
    secret: String,
    /// STS security token.
    #[arg(long)]
    token: Option<String>,
    #[arg(long, default_value = "DescribeRegions")]
    action: String,
    #[arg(long, default_value = "2014-05-26")]
    version: String,
    #[arg(long, default_value = "2016-02-23T12:46:24Z")]
    timestamp: String,
    #[arg(long, default_value = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf")]
    nonce: String,
    #[arg(long, default_value = "POST")]
    method: String,
    /// Query parameter K=V (repeatable).
    #[arg(long = "param", value_parser = key_value)]
    params: Vec<(String, String)>,
    /// Form-body parameter K=V (repeatable); signed with the query ones.
    #[arg(long = "body-param", value_parser = key_value)]
    body_params: Vec<(String, String)>,
    /// Print one JSON object instead of labelled text.
    #[arg(long)]
    json: bool,
}

/// Which signature to compute.
#[derive(clap::Subcommand, Debug)]
pub enum Version {
    /// Signature V1 (RPC, HMAC-SHA1).
    V1 {
        #[command(flatten)]
        common: Common,
        /// Response format parameter (`JSON` or `XML`).
        #[arg(long, default_value = "JSON")]
        format: String,
    },
    /// Signature V3 (ACS3-HMAC-SHA256).
    V3 {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "ecs.aliyuncs.com")]
        host: String,
        #[arg(long, default_value = "/")]
        path: String,
        /// Extra header K:V (repeatable); x-acs-* and host are always signed.
        #[arg(long = "header", value_parser = header)]
        headers: Vec<(String, String)>,
        /// Raw JSON body.
        #[arg(long)]
        json_body: Option<String>,
    },
}

fn key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected K=V, got {s:?}"))
}

fn header(s: &str) -> Result<(String, String), String> {
    s.split_once(':')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| format!("expected K:V, got {s:?}"))
}

pub fn run(version: Version) -> Result<ExitCode, String> {
    let stages: Vec<(&str, String)> = match version {
        Version::V1 { common: c, format } => {
            let mut params = v1::common_params(
                &c.action,
                &c.version,
                &c.ak,
                c.token.as_deref(),
                &c.timestamp,
                &c.nonce,
                &format,
            );
            params.extend(c.params.iter().cloned());
            params.extend(c.body_params.iter().cloned());
            let signed = v1::sign(&c.method.to_ascii_uppercase(), &params, &c.secret);
            print_stages(
                c.json,
                vec![
                    ("canonical_query", signed.canonical_query),
                    ("string_to_sign", signed.string_to_sign),
                    ("signature", signed.signature),
                ],
            );
            return Ok(ExitCode::SUCCESS);
        }
        Version::V3 {
            common: c,
            host,
            path,
            headers,
            json_body,
        } => {
            let mut body = json_body.unwrap_or_default().into_bytes();
            if body.is_empty() && !c.body_params.is_empty() {
                body = form_encode(&c.body_params).into_bytes();
            }
            let mut all_headers = vec![
                ("host".to_string(), host),
                ("x-acs-action".to_string(), c.action.clone()),
                ("x-acs-version".to_string(), c.version.clone()),
                ("x-acs-date".to_string(), c.timestamp.clone()),
                ("x-acs-signature-nonce".to_string(), c.nonce.clone()),
                (
                    "x-acs-content-sha256".to_string(),
                    v3::hashed_payload(&body),
                ),
            ];
            if let Some(token) = &c.token {
                all_headers.push(("x-acs-security-token".to_string(), token.clone()));
            }
            all_headers.extend(headers);
            let input = v3::V3Input {
                method: &c.method.to_ascii_uppercase(),
                path: &path,
                query: &c.params,
                headers: &all_headers,
                payload: &body,
            };
            let signed = v3::sign(&input, &c.ak, &c.secret);
            print_stages(
                c.json,
                vec![
                    ("canonical_request", signed.canonical_request),
                    ("string_to_sign", signed.string_to_sign),
                    ("signature", signed.signature),
                    ("authorization", signed.authorization),
                ],
            );
            Vec::new()
        }
    };
    let _ = stages;
    Ok(ExitCode::SUCCESS)
}

fn form_encode(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                alibabacloud_signing::percent_encode(k),
                alibabacloud_signing::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn print_stages(json: bool, stages: Vec<(&str, String)>) {
    if json {
        let map: serde_json::Map<String, serde_json::Value> = stages
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect();
        println!("{}", serde_json::Value::Object(map));
    } else {
        for (k, v) in stages {
            println!("{k}:\n{v}\n");
        }
    }
}
