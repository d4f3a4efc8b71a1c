#!/usr/bin/env bash
# Compile cost of a generated product, beside AWS's generator as the peer,
# measured in one run on this machine (the numbers only mean something as
# ratios taken together).
#
#   ours: the full R-kvstore (146 operations) from ../shared/api-specs-corpus,
#         as a standalone crate on alibabacloud-sdk (cargo xtask regenerate --out)
#   peer: a hello-world on aws-sdk-elasticache from crates.io (77 operations)
#
# For each: the cold build (empty target directory, dependencies included)
# and the crate alone (cargo clean -p <crate>, then build again), divided by
# its number of operations. Also: lines of generated code per operation.
#
# Usage: scripts/measure-compile-cost.sh [WORK_DIR]   (default target/compile-cost)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$root/target/compile-cost}"
mkdir -p "$work"
corpus="$root/../shared/api-specs-corpus"

secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

echo "== generating R-kvstore"
cargo run --release -q -p xtask --manifest-path "$root/Cargo.toml" -- regenerate \
    --spec "$corpus/r-kvstore/2015-01-01/api-docs.json" --out "$work/ours" | tail -2
ours_ops=$(grep -rh "^const DESCRIPTOR" "$work/ours/src" | wc -l)
ours_lines=$(cat "$work/ours"/src/*/*.rs | wc -l)
mkdir -p "$work/ours/src/bin"
cat > "$work/ours/src/bin/hello.rs" <<'RS'
fn main() {
    let _ = alibabacloud_generated::r_kvstore::Client::from_env();
    println!("hello");
}
RS

echo "== peer: hello-world on aws-sdk-elasticache"
mkdir -p "$work/peer/src"
cat > "$work/peer/Cargo.toml" <<'TOML'
[package]
name = "peer-hello"
version = "0.0.0"
edition = "2021"
publish = false
[workspace]
[dependencies]
aws-config = "1"
aws-sdk-elasticache = "1"
tokio = { version = "1", features = ["macros", "rt"] }
TOML
cat > "$work/peer/src/main.rs" <<'RS'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let config = aws_config::load_from_env().await;
    let _client = aws_sdk_elasticache::Client::new(&config);
    println!("hello");
}
RS
(cd "$work/peer" && cargo fetch -q)
(cd "$work/ours" && cargo fetch -q)

measure() { # dir crate-name
    local dir=$1 krate=$2 target="$1/target"
    rm -rf "$target"
    local cold crate
    cold=$(cd "$dir" && CARGO_TARGET_DIR="$target" secs cargo build --offline)
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo clean -q -p "$krate")
    crate=$(cd "$dir" && CARGO_TARGET_DIR="$target" secs cargo build --offline)
    echo "$cold $crate"
}

read -r ours_cold ours_crate < <(measure "$work/ours" alibabacloud-generated)
read -r peer_cold peer_crate < <(measure "$work/peer" aws-sdk-elasticache)
peer_ops=77

printf '\n%-34s %10s %12s %10s %14s\n' "" "cold (s)" "crate (s)" "ops" "crate s/op"
printf '%-34s %10.1f %12.1f %10d %14.3f\n' "ours: R-kvstore (alibabacloud-sdk)" "$ours_cold" "$ours_crate" "$ours_ops" "$(echo "$ours_crate / $ours_ops" | bc -l)"
printf '%-34s %10.1f %12.1f %10d %14.3f\n' "peer: aws-sdk-elasticache" "$peer_cold" "$peer_crate" "$peer_ops" "$(echo "$peer_crate / $peer_ops" | bc -l)"
printf '\nper-operation ratio ours/peer: %.2f   cold-build ratio: %.2f\n' \
    "$(echo "($ours_crate / $ours_ops) / ($peer_crate / $peer_ops)" | bc -l)" \
    "$(echo "$ours_cold / $peer_cold" | bc -l)"
printf 'generated lines per operation (ours): %d\n' "$((ours_lines / ours_ops))"
