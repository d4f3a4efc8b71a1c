#!/usr/bin/env bash
# Renders the docs a user reads first (crate root, a product module, an
# operation module, a builder, a response) and takes a screenshot of each
# with headless Chromium (Debian's `chromium` package), to read them as a
# user would.
#
#   scripts/docs-screenshots.sh [OUT_DIR]   (default target/docs-screenshots)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/docs-screenshots}"
mkdir -p "$out"
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 1; }
cargo doc -q -p alibabacloud-sdk --features r-kvstore,test-util --no-deps --manifest-path "$root/Cargo.toml"
doc="${CARGO_TARGET_DIR:-$root/target}/doc/alibabacloud_sdk"
shot() { # name page height
    local profile
    profile="$(mktemp -d)"
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --hide-scrollbars --window-size="1280,$3" \
        --screenshot="$out/$1.png" "file://$doc/$2" >/dev/null 2>&1
    rm -rf "$profile"
    echo "$out/$1.png"
}
shot crate-root index.html 1800
shot product r_kvstore/index.html 1500
shot operation r_kvstore/describe_backups/index.html 2400
shot builder r_kvstore/describe_instances/struct.DescribeInstancesBuilder.html 1800
shot response r_kvstore/describe_instances/struct.DescribeInstancesResponse.html 1500
