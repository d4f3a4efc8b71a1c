#!/usr/bin/env bash
# The public API of alibabacloud-sdk, one item a line, from rustdoc's JSON
# output (nightly only, so it needs the nightly toolchain).
#
# It lists the runtime (every non-product feature) and one generated product
# crate, R-kvstore (`alibabacloud-r-kvstore20150101`), the reference case: it shows the shape every generated module
# has (ROA products have the same builders). The rest of the catalog's API
# follows its specs, and `cargo xtask import` prints what a spec change does
# to users before it lands. Listing all 3,389 operations would bury a runtime change in noise.
# `sdk/public-api.txt` holds the listing; a change to the public API shows up
# as a diff of that file in review.
#
#   scripts/public-api.sh           rewrite sdk/public-api.txt
#   scripts/public-api.sh --check   exit 1 and show the diff if it is stale
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
features="test-util,opentelemetry,r-kvstore"
target="${CARGO_TARGET_DIR:-$root/target}/public-api"
cargo +nightly rustdoc -q -p alibabacloud-sdk --features "$features" --manifest-path "$root/Cargo.toml" \
    --target-dir "$target" -- -Z unstable-options --output-format json
# The runtime crate's own JSON, so its re-exported modules list under the sdk.
cargo +nightly rustdoc -q -p alibabacloud-runtime --features test-util,opentelemetry --manifest-path "$root/Cargo.toml" \
    --target-dir "$target" -- -Z unstable-options --output-format json
# R-kvstore's own crate, which the sdk re-exports as `r_kvstore`.
cargo +nightly rustdoc -q -p alibabacloud-r-kvstore20150101 --features test-util --manifest-path "$root/Cargo.toml" \
    --target-dir "$target" -- -Z unstable-options --output-format json
listing="$(python3 "$root/scripts/public_api.py" "$target/doc/alibabacloud_sdk.json" "$target/doc/alibabacloud_runtime.json" \
    "$target/doc/alibabacloud_r_kvstore20150101.json")"
if [[ "${1:-}" == "--check" ]]; then
    if ! diff -u "$root/sdk/public-api.txt" <(printf '%s\n' "$listing"); then
        echo "the public API changed: run scripts/public-api.sh and review sdk/public-api.txt" >&2
        exit 1
    fi
    echo "public API unchanged ($(printf '%s\n' "$listing" | wc -l) items)"
else
    printf '%s\n' "$listing" > "$root/sdk/public-api.txt"
    echo "wrote sdk/public-api.txt ($(printf '%s\n' "$listing" | wc -l) items)"
fi
