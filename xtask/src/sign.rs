//! `cargo xtask sign v1|v3`: prints every signing stage for chosen inputs.
//!
//! It takes the flags and defaults of `../shared/oracle/oracle.py v1|v3`, so
//! the same command line can be run against Alibaba's own code to compare,
//! and a user chasing a `SignatureDoesNotMatch` can compare our stages with
//! the server's string-to-sign.

use alibabacloud_signing::{form_urlencode, v1, v3};
use std::process::ExitCode;

/// Flags shared by both signature versions (the oracle's names and defaults).
#[derive(clap::Args, Debug)]
pub struct Common {
    #[arg(long, default_value = "testid")]
    ak: String,
    #[arg(long, default_value = "testsecret")]
    secret: String,
    /// STS security token.
    #[arg(long)]
    token: Option<String>,
    #[arg(long, default_value = "ModifySecurityGroupConfiguration")]
    action: String,
    #[arg(long, default_value = "2015-01-01")]
    version: String,
    /// ISO 8601 UTC, `yyyy-MM-ddTHH:mm:ssZ`.
    #[arg(long, default_value = "2016-02-23T12:46:24Z")]
    timestamp: String,
    #[arg(long, default_value = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf")]
    nonce: String,
    #[arg(long, default_value = "POST")]
    method: String,
    /// Query parameter K=V (repeatable).
    #[arg(long = "param", value_parser = key_value)]
    params: Vec<(String, String)>,
    /// Form-body parameter K=V (repeatable); signed with the query ones, a
    /// body value replacing a query value of the same key.
    #[arg(long = "body-param", value_parser = key_value)]
    body_params: Vec<(String, String)>,
    /// One JSON object instead of labelled text.
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
        /// `Format` parameter.
        #[arg(long, default_value = "JSON")]
        format: String,
        /// Adds `RegionId=<region>`.
        #[arg(long)]
        region: Option<String>,
        /// Drops a default common parameter (repeatable).
        #[arg(long = "drop")]
        drop: Vec<String>,
    },
    /// Signature V3 (ACS3-HMAC-SHA256).
    V3 {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "r-kvstore.aliyuncs.com")]
        host: String,
        /// Canonical URI as sent (already percent-encoded).
        #[arg(long, default_value = "/")]
        path: String,
        /// Extra signed header K:V (repeatable).
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
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected K:V, got {s:?}"))
}

/// Prints the stages of `version`.
pub fn run(version: Version) -> Result<ExitCode, String> {
    let (json, stages) = stages(version);
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
    Ok(ExitCode::SUCCESS)
}

/// Computes the stages; the bool says whether JSON output was asked for.
fn stages(version: Version) -> (bool, Vec<(&'static str, String)>) {
    match version {
        Version::V1 {
            common: c,
            format,
            region,
            drop,
        } => {
            let mut params = v1::common_params(
                &c.action,
                &c.version,
                &c.ak,
                c.token.as_deref(),
                &c.timestamp,
                &c.nonce,
                &format,
            );
            params.retain(|(k, _)| !drop.contains(k));
            if let Some(region) = region {
                params.push(("RegionId".into(), region));
            }
            params.extend(c.params.iter().cloned());
            // One map, as Alibaba's code signs it: a body value wins.
            let params = v1::merge_params(&params, &c.body_params);
            let signed = v1::sign(&c.method, &params, &c.secret);
            (
                c.json,
                vec![
                    ("canonical_query", signed.canonical_query),
                    ("string_to_sign", signed.string_to_sign),
                    ("signature", signed.signature),
                ],
            )
        }
        Version::V3 {
            common: c,
            host,
            path,
            headers: extra,
            json_body,
        } => {
            // Body and content type as the official SDK sends them.
            let mut headers: Vec<(String, String)> = Vec::new();
            let body = if !c.body_params.is_empty() {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                form_urlencode(&c.body_params).into_bytes()
            } else if let Some(json) = json_body {
                headers.push((
                    "content-type".into(),
                    "application/json; charset=utf-8".into(),
                ));
                json.into_bytes()
            } else {
                Vec::new()
            };
            headers.extend([
                ("host".to_string(), host),
                ("x-acs-action".to_string(), c.action.clone()),
                ("x-acs-version".to_string(), c.version.clone()),
                ("x-acs-date".to_string(), c.timestamp.clone()),
                ("x-acs-signature-nonce".to_string(), c.nonce.clone()),
                (
                    "x-acs-content-sha256".to_string(),
                    v3::hashed_payload(&body),
                ),
            ]);
            if let Some(token) = &c.token {
                headers.push(("x-acs-accesskey-id".into(), c.ak.clone()));
                headers.push(("x-acs-security-token".into(), token.clone()));
            }
            headers.extend(extra);
            let input = v3::V3Input {
                method: &c.method,
                path: &path,
                query: &c.params,
                headers: &headers,
                payload: &body,
            };
            let signed = v3::sign(&input, &c.ak, &c.secret);
            (
                c.json,
                vec![
                    ("canonical_request", signed.canonical_request),
                    ("string_to_sign", signed.string_to_sign),
                    ("signature", signed.signature),
                    ("authorization", signed.authorization),
                ],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        version: Version,
    }

    /// Runs every oracle vector's own command line through `xtask sign` and
    /// compares with what Alibaba's code printed for it.
    #[test]
    fn same_flags_same_answers_as_the_oracle() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../signing/tests/vectors");
        let mut checked = 0;
        for file in ["v1.json", "v3.json"] {
            let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
            for case in cases {
                let args: Vec<String> = case["oracle_args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect();
                let cli =
                    Cli::try_parse_from(std::iter::once("sign".to_string()).chain(args.clone()))
                        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
                let (_, stages) = stages(cli.version);
                for (name, value) in stages {
                    assert_eq!(
                        Some(value.as_str()),
                        case["expected"][name].as_str(),
                        "{}: {name}",
                        case["name"]
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 30, "{checked}");
    }
}
