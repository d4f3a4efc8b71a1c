#!/usr/bin/env bash
# Compile cost of a generated product, beside AWS's generator as the peer,
# measured in one run on this machine (the numbers only mean something as
# ratios taken together).
#
#   ours: a hello-world on the shipped alibabacloud-sdk with one product
#         feature, `r-kvstore` (146 operations), and again with `ecs`
#         (358 operations), to see the cost grow with the product
#   peer: a hello-world on aws-sdk-elasticache from crates.io (77 operations)
#
# For each: the cold build (empty target directory, dependencies included)
# and the product crate alone (cargo clean -p <crate>, then build again:
# the product crate, the facade above it and the hello-world), divided by
# its number of operations. Also: generated lines per
# operation.
#
# Usage: scripts/measure-compile-cost.sh [WORK_DIR]   (default target/compile-cost)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$root/target/compile-cost}"
mkdir -p "$work"

secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

hello() { # dir feature module
    local dir=$1 feature=$2 module=$3
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "ours-hello"
version = "0.0.0"
edition = "2021"
publish = false
[workspace]
[dependencies]
alibabacloud-sdk = { path = "$root/sdk", features = ["$feature"] }
tokio = { version = "1", features = ["macros", "rt"] }
TOML
    cat > "$dir/src/main.rs" <<RS
fn main() {
    let _ = alibabacloud_sdk::$module::Client::from_env();
    println!("hello");
}
RS
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
}
ops_of() { grep -rl "^const DESCRIPTOR" "$root/products/$1/src/generated" | wc -l; }
lines_of() { cat "$root/products/$1/src/generated"/*.rs | wc -l; }

hello "$work/ours" r-kvstore r_kvstore
hello "$work/ours-ecs" ecs ecs
ours_ops=$(ops_of r-kvstore-20150101)
ours_lines=$(lines_of r-kvstore-20150101)
ecs_ops=$(ops_of ecs-20140526)

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
(cd "$work/ours-ecs" && cargo fetch -q)

measure() { # dir crate-name
    local dir=$1 krate=$2 target="$1/target"
    rm -rf "$target"
    local cold crate
    cold=$(cd "$dir" && CARGO_TARGET_DIR="$target" secs cargo build --offline)
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo clean -q -p "$krate")
    crate=$(cd "$dir" && CARGO_TARGET_DIR="$target" secs cargo build --offline)
    echo "$cold $crate"
}

read -r ours_cold ours_crate < <(measure "$work/ours" alibabacloud-r-kvstore20150101)
read -r ecs_cold ecs_crate < <(measure "$work/ours-ecs" alibabacloud-ecs20140526)
read -r peer_cold peer_crate < <(measure "$work/peer" aws-sdk-elasticache)
peer_ops=77

printf '\n%-34s %10s %12s %10s %14s\n' "" "cold (s)" "crate (s)" "ops" "crate s/op"
printf '%-34s %10.1f %12.1f %10d %14.3f\n' "ours: features = [\"r-kvstore\"]" "$ours_cold" "$ours_crate" "$ours_ops" "$(echo "$ours_crate / $ours_ops" | bc -l)"
printf '%-34s %10.1f %12.1f %10d %14.3f\n' "ours: features = [\"ecs\"]" "$ecs_cold" "$ecs_crate" "$ecs_ops" "$(echo "$ecs_crate / $ecs_ops" | bc -l)"
printf '%-34s %10.1f %12.1f %10d %14.3f\n' "peer: aws-sdk-elasticache" "$peer_cold" "$peer_crate" "$peer_ops" "$(echo "$peer_crate / $peer_ops" | bc -l)"
printf '\nper-operation ratio ours/peer: r-kvstore %.2f, ecs %.2f   cold-build ratio: r-kvstore %.2f, ecs %.2f\n' \
    "$(echo "($ours_crate / $ours_ops) / ($peer_crate / $peer_ops)" | bc -l)" \
    "$(echo "($ecs_crate / $ecs_ops) / ($peer_crate / $peer_ops)" | bc -l)" \
    "$(echo "$ours_cold / $peer_cold" | bc -l)" \
    "$(echo "$ecs_cold / $peer_cold" | bc -l)"
printf 'generated lines per operation (ours): %d\n' "$((ours_lines / ours_ops))"
