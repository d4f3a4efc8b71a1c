//! `alibabacloud-mock`: runs the local Alibaba Cloud endpoint until killed.
//!
//! Prints `listening on http://127.0.0.1:PORT` on stdout once it accepts
//! connections (scripts parse that line; see `tests/interop/`).

use alibabacloud_mock::faults::{FaultPlan, FaultRule};
use alibabacloud_mock::{parse_access_key, workspace_specs_dir, MockConfig, MockServer};
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// A local, spec-driven Alibaba Cloud OpenAPI endpoint that checks
/// signatures V1 and V3 and keeps R-kvstore whitelists in memory.
#[derive(Debug, Parser)]
#[command(name = "alibabacloud-mock", version)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Directory searched recursively for api-docs.json files. When the
    /// default is not found from the current directory, the workspace's own
    /// api-specs/ is used.
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,

    /// Initial instances and whitelists (JSON; default: the shipped fixture).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Accepted access key as ID:SECRET; repeatable. Default: testid:testsecret.
    #[arg(long = "access-key", value_name = "ID:SECRET")]
    access_keys: Vec<String>,

    /// Inject a fault: ACTION=KIND[*TIMES][@PROBABILITY], ACTION an operation
    /// or `*`; KIND throttling, unavailable, status:5XX,
    /// error:CODE:STATUS[:MESSAGE], reset-before, reset-after, delay:MS,
    /// truncate:BYTES. Repeatable; the first matching rule applies.
    #[arg(long = "fault", value_name = "RULE")]
    faults: Vec<String>,

    /// A file of fault rules, one per line in the --fault syntax (`#`
    /// comments); read before the --fault flags.
    #[arg(long = "faults-file", value_name = "FILE")]
    faults_file: Option<PathBuf>,

    /// Seed for the faults' probability draws.
    #[arg(long = "fault-seed", value_name = "N", default_value_t = 0)]
    fault_seed: u64,

    /// Accept replayed signature nonces (for load tests that resend one
    /// pre-signed request; never when checking a client).
    #[arg(long)]
    allow_replay: bool,

    /// Print one line per request to stderr.
    #[arg(long, short)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("alibabacloud-mock: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let specs = match args.specs {
        Some(dir) => dir,
        None => {
            let relative = PathBuf::from("api-specs");
            if relative.is_dir() {
                relative
            } else {
                workspace_specs_dir()
            }
        }
    };
    let mut config = MockConfig::new()
        .port(args.port)
        .specs_dir(specs)
        .log_requests(args.verbose)
        .allow_replay(args.allow_replay);
    if let Some(file) = &args.state {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read state file {}: {e}", file.display()))?;
        config = config.state_json(text);
    }
    for key in &args.access_keys {
        let (id, secret) = parse_access_key(key)?;
        config = config.access_key(id, secret);
    }

    let mut plan = FaultPlan::new().seed(args.fault_seed);
    if let Some(file) = &args.faults_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read faults file {}: {e}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let rule =
                FaultRule::parse(line).map_err(|e| format!("{}:{}: {e}", file.display(), n + 1))?;
            plan = plan.rule(rule);
        }
    }
    for rule in &args.faults {
        plan = plan.rule(FaultRule::parse(rule)?);
    }
    config = config.faults(plan);

    let server = MockServer::start(config).await?;
    for skipped in server.skipped_specs() {
        eprintln!("alibabacloud-mock: skipped {skipped}");
    }
    eprintln!(
        "alibabacloud-mock: serving {} operation(s) of {}",
        server.operation_count(),
        server.loaded_specs().join(", ")
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", server.url())?;
    out.flush()?;
    drop(out);

    // Serves until the process is stopped; the server lives as long as main.
    std::future::pending::<()>().await;
    drop(server);
    Ok(())
}
