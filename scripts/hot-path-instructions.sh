#!/usr/bin/env bash
# Instructions per request of the SDK and of the bare reqwest floor, counted
# by callgrind: unlike CPU time on this shared machine, the count repeats
# run after run, so it shows a change of a few hundred instructions.
# SHA-256 compression is left out of the count: valgrind's CPU has no SHA
# extensions, so it would count a software SHA-256 the real run never does.
#
#   scripts/hot-path-instructions.sh        # 6 s per client under valgrind
#
# Needs valgrind. Same workload as scripts/bench-vs-official.sh
# (DescribeSecurityIps, V3, concurrency 1, against the release mock).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${BENCH_SECS:-6}"
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
cargo build --release --quiet -p alibabacloud-mock
cargo bench --quiet --no-run -p alibabacloud-sdk --features r-kvstore --bench load 2>/dev/null
TARGET="${CARGO_TARGET_DIR:-target}"
LOAD=$(ls -t "$TARGET"/release/deps/load-* | grep -v '\.d$' | head -1)
out="$(mktemp -d)"
"$TARGET/release/alibabacloud-mock" --port 0 --allow-replay >"$out/mock.out" 2>&1 &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out/mock.out" && break; sleep 0.1; done
ADDR=$(grep -o '127\.0\.0\.1:[0-9]*' "$out/mock.out")
for mode in bare sdk; do
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$mode" \
        "$LOAD" "$mode" "http://$ADDR" 1 "$SECS" >/dev/null 2>&1
done
python3 - "$out" <<'PY'
import re, subprocess, sys
out = sys.argv[1]
def count(mode):
    flat = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", f"{out}/cg.{mode}"],
                          capture_output=True, text=True, check=True).stdout
    def get(name):
        for line in flat.splitlines():
            if name in line:
                return int(line.split()[0].replace(",", ""))
        return 0
    calls = subprocess.run(["callgrind_annotate", "--tree=calling", "--inclusive=yes", "--threshold=100", f"{out}/cg.{mode}"],
                           capture_output=True, text=True, check=True).stdout
    # One reqwest execute_request per request, in either mode.
    n = int(re.search(r"reqwest::async_impl::client::Client::execute_request \(([\d,]+)x\)", calls).group(1).replace(",", ""))
    return n, (get("PROGRAM TOTALS") - get("sha2::sha256::compress256")) / n
bare_n, bare = count("bare")
sdk_n, sdk = count("sdk")
print("instructions per request (callgrind, SHA-256 compression left out), whole process:")
print(f"  bare reqwest (floor): {bare:,.0f} over {bare_n} requests")
print(f"  this SDK:             {sdk:,.0f} over {sdk_n} requests ({sdk / bare:.2f}x the floor, +{sdk - bare:,.0f})")
PY
