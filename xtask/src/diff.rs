//! `cargo xtask diff OLD NEW`: what changed for users between two versions
//! of a product's `api-docs.json` (operations, parameters, response fields,
//! error codes), breaking changes first.

use alibabacloud_codegen::{diff::diff, load_product, SpecInput};
use std::path::PathBuf;
use std::process::ExitCode;

/// Flags of `diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The older spec file.
    old: PathBuf,
    /// The newer spec file.
    new: PathBuf,
    /// Exit 1 when any change is breaking (for CI gates).
    #[arg(long)]
    fail_on_breaking: bool,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let load =
        |file: &PathBuf| load_product(&SpecInput::from_path(file)).map_err(|e| e.to_string());
    let (old, new) = (load(&args.old)?, load(&args.new)?);
    let changes = diff(&old, &new);
    let breaking = changes.iter().filter(|c| c.is_breaking()).count();
    println!(
        "{} {}: {} operations -> {}; {} changes, {} breaking",
        new.name,
        new.version,
        old.operations.len(),
        new.operations.len(),
        changes.len(),
        breaking
    );
    for c in &changes {
        println!("  {c}");
    }
    Ok(if args.fail_on_breaking && breaking > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
