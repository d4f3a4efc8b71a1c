#!/usr/bin/env bash
# The SDK beside Alibaba's official Python and Node SDKs and a bare reqwest
# client, in one run, against one release-built mock: DescribeSecurityIps
# (signature V3, each SDK's default) at concurrency 1 and 64. Prints one
# table of requests/s, client CPU per request, client peak RSS and the
# mock's own CPU per request, with ratios to the bare client measured in
# the same run.
#
#   scripts/bench-vs-official.sh            # 5 s per cell
#   BENCH_SECS=20 scripts/bench-vs-official.sh
#
# Needs python3 (venv, PyPI) and node/npm (npm registry). The official SDKs
# are installed into $VENV and $NODE_DIR (defaults under $TMPDIR) on first
# use, at the versions of tests/interop/requirements.txt and
# scripts/bench/package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${BENCH_SECS:-5}"
TMP="${TMPDIR:-/tmp}"
VENV="${VENV:-$TMP/alibabacloud-bench-venv}"
NODE_DIR="${NODE_DIR:-$TMP/alibabacloud-bench-node}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r tests/interop/requirements.txt
fi
if [ ! -d "$NODE_DIR/node_modules/@alicloud/r-kvstore20150101" ]; then
    mkdir -p "$NODE_DIR"
    cp scripts/bench/package.json "$NODE_DIR/"
    (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund >/dev/null)
fi

echo "bench: building release binaries" >&2
cargo build --release --quiet -p alibabacloud-mock
cargo bench --quiet --no-run -p alibabacloud-sdk --features r-kvstore --bench load 2>/dev/null
TARGET="${CARGO_TARGET_DIR:-target}"
LOAD=$(ls -t "$TARGET"/release/deps/load-* | grep -v '\.d$' | head -1)

out="$(mktemp -d)"
"$TARGET/release/alibabacloud-mock" --port 0 --allow-replay >"$out/mock.out" 2>"$out/mock.err" &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out/mock.out" && break; sleep 0.1; done
ADDR=$(grep -o '127\.0\.0\.1:[0-9]*' "$out/mock.out")

mock_cpu() { # utime + stime of the mock, in clock ticks
    awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$MOCK/stat"
}

run() { # name concurrency command...
    local name=$1 c=$2; shift 2
    local before after
    before=$(mock_cpu)
    "$@" >"$out/line" 2>"$out/err" || { cat "$out/err" >&2; return 1; }
    after=$(mock_cpu)
    python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); d["name"]=sys.argv[2]; d["mock_cpu_s"]=(int(sys.argv[4])-int(sys.argv[3]))/float(sys.argv[5]); print(json.dumps(d))' \
        "$out/line" "$name" "$before" "$after" "$(getconf CLK_TCK)" >>"$out/results"
    echo "bench: $name c=$c done" >&2
}

for c in 1 64; do
    run "bare reqwest (floor)" $c "$LOAD" bare "http://$ADDR" $c "$SECS"
    run "this SDK" $c "$LOAD" sdk "http://$ADDR" $c "$SECS"
    run "official Python" $c "$VENV/bin/python" scripts/bench/official_python.py "$ADDR" $c "$SECS"
    run "official Node" $c env NODE_PATH="$NODE_DIR/node_modules" node scripts/bench/official_node.js "$ADDR" $c "$SECS"
done

python3 - "$out/results" "$SECS" "$(nproc)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
secs, cores = sys.argv[2], sys.argv[3]
print(f"DescribeSecurityIps against the release mock, {secs} s per cell, {cores} cores shared by client and mock")
print()
print("| client | conc. | req/s | × floor | client CPU µs/req | × floor | client peak RSS MiB | mock CPU µs/req | failed |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
floor = {}
for r in rows:
    rps = r["requests"] / r["wall_s"] if r["wall_s"] else 0
    cpu = 1e6 * r["cpu_s"] / r["requests"] if r["requests"] else float("nan")
    mock = 1e6 * r["mock_cpu_s"] / r["requests"] if r["requests"] else float("nan")
    if r["name"].startswith("bare"):
        floor[r["concurrency"]] = (rps, cpu, mock)
    f_rps, f_cpu, _ = floor.get(r["concurrency"], (rps, cpu, mock))
    print(f"| {r['name']} | {r['concurrency']} | {rps:,.0f} | {rps / f_rps:.2f} | {cpu:,.0f} | {cpu / f_cpu:.2f} | "
          f"{r['peak_rss_kib'] / 1024:.1f} | {mock:,.0f} | {r['failed']} |")
print()
for c, (rps, _, mock) in sorted(floor.items()):
    print(f"mock capacity (from the floor run at concurrency {c}): {mock:,.0f} µs CPU per request, "
          f"at most ~{1e6 / mock:,.0f} req/s per core; the floor reached {rps:,.0f} req/s")
PY
