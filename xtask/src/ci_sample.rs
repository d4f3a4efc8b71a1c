//! `cargo xtask ci-sample`: which product crates CI builds and tests for a
//! change, printed as cargo's `-p NAME` arguments.
//!
//! Every crate the change touches (its files under `products/`, or its spec
//! under `api-specs/`), plus a rotating sample of the others: the same for
//! a whole UTC day, and over enough days every crate comes round. A change
//! to the generator shows up as changed crate files (`regenerate --check`
//! makes sure of that), so it selects the crates it changes; a change to
//! the runtime is tested by the runtime's own tests and the sample.
//! Where git cannot say what changed, every crate is selected.

use crate::manifest;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Flags of `ci-sample`.
#[derive(clap::Args)]
pub struct Args {
    /// The revision the change is measured from.
    #[arg(long, default_value = "HEAD~1")]
    base: String,
    /// How many crates the change does not touch to add.
    #[arg(long, default_value_t = 30)]
    size: usize,
    /// The rotation's day, in days since 1970-01-01 (default: today, UTC).
    #[arg(long)]
    day: Option<u64>,
}

/// One product crate: its directory under `products/` and its package name.
#[derive(Debug, Clone, PartialEq)]
pub struct Crate {
    pub dir: String,
    pub name: String,
    /// Its spec's directory under `api-specs/` (`ecs/2014-05-26`), if known.
    pub spec_dir: Option<String>,
}

/// What CI runs: the touched crates and the sample of the rest.
#[derive(Debug, PartialEq)]
pub struct Selection {
    pub touched: Vec<String>,
    pub sample: Vec<String>,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode, String> {
    let crates = product_crates(root)?;
    let changed = changed_paths(root, &args.base);
    let day = args.day.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400)
    });
    let selection = select(&crates, changed.as_deref(), args.size, day);
    eprintln!(
        "ci-sample: {} of {} product crates: {} touched since {}{}, {} in day {day}'s sample",
        selection.touched.len() + selection.sample.len(),
        crates.len(),
        selection.touched.len(),
        args.base,
        if changed.is_none() {
            " (git could not say what changed: all are taken as touched)"
        } else {
            ""
        },
        selection.sample.len(),
    );
    let args: Vec<String> = selection
        .touched
        .iter()
        .chain(&selection.sample)
        .map(|name| format!("-p {name}"))
        .collect();
    println!("{}", args.join(" "));
    Ok(ExitCode::SUCCESS)
}

/// The crates under `products/`, sorted by name, each with its spec's
/// directory from `api-specs/manifest.toml`.
fn product_crates(root: &Path) -> Result<Vec<Crate>, String> {
    let products = root.join("products");
    let manifest = manifest::load(&root.join("api-specs"))?;
    let mut crates = Vec::new();
    let entries = std::fs::read_dir(&products)
        .map_err(|e| format!("{}: cannot list: {e}", products.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: cannot list: {e}", products.display()))?
            .path();
        let cargo_toml = path.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&cargo_toml) else {
            continue;
        };
        let value: toml::Table =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", cargo_toml.display()))?;
        let name = value
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            .ok_or_else(|| format!("{}: no package.name", cargo_toml.display()))?
            .to_string();
        let dir = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let spec_dir = manifest
            .spec
            .iter()
            .find(|e| e.crate_dir() == dir)
            .and_then(|e| e.path.rsplit_once('/').map(|(d, _)| d.to_string()));
        crates.push(Crate {
            dir,
            name,
            spec_dir,
        });
    }
    crates.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(crates)
}

/// Paths changed between `base` and the work tree (committed or not), or
/// `None` when git cannot tell (no git, a shallow clone without `base`).
fn changed_paths(root: &Path, base: &str) -> Option<Vec<String>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["diff", "--name-only", base, "--"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// The touched crates, then `size` of the others starting at a place that
/// moves by `size` each day, wrapping round; `changed: None` touches all.
pub fn select(crates: &[Crate], changed: Option<&[String]>, size: usize, day: u64) -> Selection {
    let is_touched = |c: &Crate| match changed {
        None => true,
        Some(paths) => paths.iter().any(|p| {
            p.strip_prefix("products/")
                .and_then(|rest| rest.strip_prefix(c.dir.as_str()))
                .is_some_and(|rest| rest.starts_with('/'))
                || c.spec_dir.as_deref().is_some_and(|spec| {
                    p.strip_prefix("api-specs/")
                        .and_then(|rest| rest.strip_prefix(spec))
                        .is_some_and(|rest| rest.starts_with('/'))
                })
        }),
    };
    let (touched, others): (Vec<&Crate>, Vec<&Crate>) = crates.iter().partition(|c| is_touched(c));
    let sample = if others.len() <= size {
        others.iter().map(|c| c.name.clone()).collect()
    } else {
        let start = (day % others.len() as u64) as usize * size % others.len();
        let mut picked: Vec<String> = (0..size)
            .map(|k| others[(start + k) % others.len()].name.clone())
            .collect();
        picked.sort();
        picked
    };
    Selection {
        touched: touched.iter().map(|c| c.name.clone()).collect(),
        sample,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn catalogue(n: usize) -> Vec<Crate> {
        (0..n)
            .map(|i| Crate {
                dir: format!("p{i:03}-20200101"),
                name: format!("alibabacloud-p{i:03}20200101"),
                spec_dir: Some(format!("p{i:03}/2020-01-01")),
            })
            .collect()
    }

    #[test]
    fn touched_crates_come_first_by_their_files_or_their_spec() {
        let crates = catalogue(100);
        let changed = vec![
            "products/p007-20200101/src/generated/get_thing.rs".to_string(),
            "api-specs/p042/2020-01-01/api-docs.json".to_string(),
            // Prefixes of other crates' names touch nothing.
            "products/p00-20200101/Cargo.toml".to_string(),
            "api-specs/p04/2020-01-01/api-docs.json".to_string(),
            "runtime/src/client.rs".to_string(),
        ];
        let s = select(&crates, Some(&changed), 30, 0);
        assert_eq!(
            s.touched,
            ["alibabacloud-p00720200101", "alibabacloud-p04220200101"]
        );
        assert_eq!(s.sample.len(), 30);
        assert!(s.sample.iter().all(|n| !s.touched.contains(n)));
    }

    #[test]
    fn the_sample_is_fixed_for_a_day_and_comes_round_to_every_crate() {
        let crates = catalogue(350);
        let none: Vec<String> = Vec::new();
        assert_eq!(
            select(&crates, Some(&none), 30, 20_000),
            select(&crates, Some(&none), 30, 20_000)
        );
        assert_ne!(
            select(&crates, Some(&none), 30, 20_000).sample,
            select(&crates, Some(&none), 30, 20_001).sample
        );
        let mut seen = BTreeSet::new();
        for day in 20_000..20_000 + 350_u64.div_ceil(30) {
            seen.extend(select(&crates, Some(&none), 30, day).sample);
        }
        assert_eq!(seen.len(), 350, "12 days cover all 350");
    }

    #[test]
    fn a_small_catalogue_or_an_unknown_change_takes_every_crate() {
        let crates = catalogue(25);
        let s = select(&crates, Some(&[]), 30, 5);
        assert_eq!((s.touched.len(), s.sample.len()), (0, 25));
        let s = select(&catalogue(350), None, 30, 5);
        assert_eq!((s.touched.len(), s.sample.len()), (350, 0));
    }

    #[test]
    fn the_repository_s_crates_are_found_with_their_specs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let crates = product_crates(root).unwrap();
        let kvstore = crates
            .iter()
            .find(|c| c.name == "alibabacloud-r-kvstore20150101")
            .unwrap();
        assert_eq!(kvstore.dir, "r-kvstore-20150101");
        assert_eq!(kvstore.spec_dir.as_deref(), Some("r-kvstore/2015-01-01"));
        assert!(crates.iter().all(|c| c.spec_dir.is_some()), "{crates:?}");
    }
}
