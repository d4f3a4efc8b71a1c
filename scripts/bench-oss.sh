#!/usr/bin/env bash
# The OSS client (alibabacloud-oss) beside opendal's OSS service, in one run,
# against one release-built mock: 4 KiB PUT and GET at concurrency 1 and 32
# (requests/s, client CPU per request), then a multipart upload and a ranged
# download of a large object, 8 MiB parts, 4 at a time (MiB/s, CPU seconds).
# The clients take turns round by round, the first one rotating, so machine
# noise and phase changes hit all of them.
# Prints one markdown table; exits non-zero if any request failed.
#
#   scripts/bench-oss.sh                    # 5 s per small-object cell
#   BENCH_SECS=20 scripts/bench-oss.sh
#   BENCH_LARGE_MIB=1024 BENCH_LARGE_ROUNDS=3 scripts/bench-oss.sh
#
# The benchmark is its own crate (scripts/bench/oss-vs-opendal, outside the
# workspace, with its own Cargo.lock), so opendal never enters the SDK's
# lock file. It builds into the workspace's target directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

echo "bench: building release binaries" >&2
cargo build --release --quiet -p alibabacloud-mock
cargo build --release --quiet --locked --manifest-path scripts/bench/oss-vs-opendal/Cargo.toml
TARGET="$CARGO_TARGET_DIR"

out="$(mktemp -d)"
MOCK=
cleanup() {
    if [ -n "$MOCK" ]; then kill "$MOCK" 2>/dev/null || true; fi
    rm -rf "$out"
}
trap cleanup EXIT
"$TARGET/release/alibabacloud-mock" --port 0 >"$out/mock.out" 2>"$out/mock.err" &
MOCK=$!
for _ in $(seq 100); do grep -q listening "$out/mock.out" && break; sleep 0.1; done
ADDR=$(grep -o '127\.0\.0\.1:[0-9]*' "$out/mock.out" || true)
if [ -z "$ADDR" ]; then
    echo "bench: the mock did not start" >&2
    cat "$out/mock.err" >&2
    exit 1
fi

OPENDAL=$(awk '/^name = "opendal"$/ { getline; gsub(/"/, "", $3); print $3 }' \
    scripts/bench/oss-vs-opendal/Cargo.lock)
echo "opendal $OPENDAL (features services-oss, executors-tokio; transport opendal-http-transport-reqwest, rustls-no-provider + ring); mock at $ADDR"
echo
status=0
"$TARGET/release/oss-vs-opendal" "http://$ADDR" || status=$?
if [ "$status" -ne 0 ]; then
    echo "bench: failed (exit $status); the mock's stderr:" >&2
    tail -20 "$out/mock.err" >&2
fi
exit "$status"
