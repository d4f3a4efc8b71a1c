//! `alibabacloud-mock`: runs the local Alibaba Cloud endpoint until killed.
//!
//! Prints `listening on http://127.0.0.1:PORT` on stdout once it accepts
//! connections (scripts parse that line; see `tests/interop/`).

use alibabacloud_mock::catalog::Catalog;
use alibabacloud_mock::faults::{FaultPlan, FaultRule};
use alibabacloud_mock::{parse_access_key, workspace_specs_dir, MockConfig, MockServer};
use clap::Parser;
use std::io::Write;
use std::path::{Path, PathBuf};
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

    /// Load only these products (comma-separated directory or product
    /// names, e.g. `cs,r-kvstore`); default: every spec under --specs.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    products: Vec<String>,

    /// Measure loading the whole catalog under --specs and loading only
    /// --products (default: one product, `r-kvstore` when present) in this
    /// one run, print both with their ratio, and exit without serving.
    #[arg(long)]
    timings: bool,

    /// Initial state (JSON; default: the shipped fixture): R-kvstore
    /// instances and whitelists, and any product's generic `resources`.
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

    /// OSS: bodies larger than this many bytes are kept in a temporary
    /// file instead of memory (default 8 MiB).
    #[arg(long = "oss-disk-threshold", value_name = "BYTES")]
    oss_disk_threshold: Option<u64>,

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
    if args.timings {
        return timings(&specs, &args.products);
    }
    let mut config = MockConfig::new()
        .port(args.port)
        .specs_dir(specs)
        .products(args.products.clone())
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
    if let Some(bytes) = args.oss_disk_threshold {
        config.oss.disk_threshold = bytes;
    }

    let server = MockServer::start(config).await?;
    for skipped in server.skipped_specs() {
        eprintln!("alibabacloud-mock: skipped {skipped}");
    }
    for failed in server.failed_specs() {
        eprintln!("alibabacloud-mock: could not load {failed}");
    }
    for note in server.spec_notes() {
        eprintln!("alibabacloud-mock: note {note}");
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

/// `--timings`: the whole catalog and a subset, loaded one after the other
/// in this process (same machine state, same file cache), then the ratio.
/// Each load is what `MockServer::start` does before binding: find, read,
/// parse and index the specs.
fn timings(specs: &Path, products: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let subset: Vec<String> = if products.is_empty() {
        vec![one_product(specs)?]
    } else {
        products.to_vec()
    };
    // A first pass warms the file cache so that neither measurement pays
    // for cold disk reads the other does not.
    Catalog::load_dir(specs)?;
    let whole = Catalog::load_dir(specs)?;
    let part = Catalog::load_products(specs, &subset)?;
    let ms = |c: &Catalog| c.load_time().as_secs_f64() * 1000.0;
    // Written, not printed: a closed pipe (`| head`) is an error to report,
    // not a panic.
    let mut out = std::io::stdout().lock();
    let mut line = |label: &str, c: &Catalog| {
        writeln!(
            out,
            "timings: {label}: {} spec(s), {} operation(s) ({} ROA), {} skipped, {} failed: {:.1} ms",
            c.loaded().len(),
            c.operation_count(),
            c.roa_operation_count(),
            c.skipped().len(),
            c.failed().len(),
            ms(c)
        )
    };
    line(&format!("whole catalog {}", specs.display()), &whole)?;
    line(&format!("--products {}", subset.join(",")), &part)?;
    writeln!(
        out,
        "timings: ratio whole/products = {:.1}",
        ms(&whole) / ms(&part).max(0.001)
    )?;
    for s in whole.skipped() {
        writeln!(out, "timings: skipped {s}")?;
    }
    for f in whole.failed() {
        writeln!(out, "timings: could not load {f}")?;
    }
    Ok(())
}

/// The product `--timings` compares with when none is given: `r-kvstore`
/// (the workspace's own) when present, else the first product directory.
fn one_product(specs: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let mut names: Vec<String> = std::fs::read_dir(specs)
        .map_err(|e| format!("{}: {e}", specs.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    if names.iter().any(|n| n == "r-kvstore") {
        return Ok("r-kvstore".into());
    }
    names
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: no product directory", specs.display()).into())
}
