//! `cargo xtask`: maintainer tasks for this workspace.

mod catalogue;
mod ci_sample;
mod diff;
mod import;
mod manifest;
mod regenerate;
mod sign;

use clap::{Parser, Subcommand};

// Generation is allocation-bound (token streams, syn, prettyplease);
// mimalloc roughly halves it against the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks for alibabacloud-sdk")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Generate the typed API into sdk/src/generated/ from api-specs/.
    Regenerate(regenerate::Args),
    /// Generate one crate per product version for every imported spec into
    /// a workspace of its own, outside the repository's checked-in crates.
    Catalogue(catalogue::Args),
    /// Which product crates CI tests for a change: those it touches and a
    /// rotating sample of the rest, as `-p NAME` arguments.
    #[command(name = "ci-sample")]
    CiSample(ci_sample::Args),
    /// Import Alibaba metadata files into api-specs/ as facts only.
    Import(import::Args),
    /// What changed for users between two versions of a spec file.
    Diff(diff::Args),
    /// Print every stage of signature V1 or V3 for given inputs.
    #[command(name = "sign")]
    Sign {
        #[command(subcommand)]
        version: sign::Version,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regenerate(args) => regenerate::run(&workspace_root(), args),
        Command::Catalogue(args) => catalogue::run(&workspace_root(), args),
        Command::CiSample(args) => ci_sample::run(&workspace_root(), args),
        Command::Sign { version } => sign::run(version),
        Command::Diff(args) => diff::run(args),
        Command::Import(args) => import::run(&workspace_root(), args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}
