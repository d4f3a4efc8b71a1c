//! The runtime's dependencies are part of every user's cold build, before
//! any product code compiles: each one is a decision. `time` and `uuid`'s
//! `v4` left for that reason (ARCHITECTURE.md, "Thin generated code"); this
//! list keeps them, and anything like them, from coming back unnoticed.

/// The names under `[dependencies]` of the runtime's manifest, sorted.
fn runtime_dependencies() -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in include_str!("../Cargo.toml").lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.']).next().unwrap_or_default().trim();
            names.push(name.to_string());
        }
    }
    names.sort();
    names
}

#[test]
fn the_runtime_depends_on_these_crates_only() {
    assert_eq!(
        runtime_dependencies(),
        [
            "alibabacloud-signing",
            "futures-core",
            "hex",
            "httpdate",
            "humantime",
            "memchr",
            "opentelemetry",
            "rand",
            "regex-lite",
            "reqwest",
            "serde",
            "serde_json",
            "sha2",
            "tokio",
            "tracing",
            "url",
            "uuid",
        ],
        "a new runtime dependency costs every user's cold build: measure it with \
         scripts/measure-compile-cost.sh, then list it here"
    );
}

#[test]
fn uuid_is_only_a_formatter() {
    // `v4` would bring a second `getrandom`; nonces and client tokens come
    // from `rand`'s per-thread generator instead.
    let workspace = include_str!("../../Cargo.toml");
    let uuid = workspace
        .lines()
        .find(|l| l.starts_with("uuid ="))
        .expect("the workspace declares uuid");
    assert!(!uuid.contains("v4"), "{uuid}");
    let runtime = include_str!("../Cargo.toml");
    let line = runtime
        .lines()
        .find(|l| l.starts_with("uuid"))
        .expect("the runtime depends on uuid");
    assert_eq!(line, "uuid.workspace = true");
}
