#!/usr/bin/env bash
# The SDK beside Alibaba's official Python and Node SDKs and a bare reqwest
# client, in one run, against one release-built mock: DescribeSecurityIps
# (signature V3, each SDK's default) at concurrency 1 and 64. Prints one
# table of requests/s, client CPU per request, client peak RSS and the
# mock's own CPU per request, with ratios to the bare client measured in
# the same run.
#
#   scripts/bench-vs-official.sh            # 5 s per cell, 3 rounds
#   BENCH_SECS=20 BENCH_ROUNDS=5 scripts/bench-vs-official.sh
#   BENCH_PIN=1 scripts/bench-vs-official.sh   # mock on CPU 1, clients on CPU 0
#
# The clients take turns in interleaved rounds; each figure is the median
# over the rounds, and each ratio the median of the ratios to the floor
# measured in the same round (with their range), since this machine is
# shared and one cell can be off by 20 %. With BENCH_PIN the client and the
# mock stop competing for the same cores: at concurrency 64 the shared-core
# figure also carries the mock's share of the CPU, which a slower client
# leaves it, and the pinned one is the client's own cost.
#
# Needs python3 (venv, PyPI) and node/npm (npm registry). The official SDKs
# are installed into $VENV and $NODE_DIR (defaults under $TMPDIR) on first
# use, at the versions of tests/interop/requirements.txt and
# scripts/bench/package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${BENCH_SECS:-5}"
ROUNDS="${BENCH_ROUNDS:-3}"
CLIENT_PIN=()
MOCK_PIN=()
if [ -n "${BENCH_PIN:-}" ]; then
    CLIENT_PIN=(taskset -c 0)
    MOCK_PIN=(taskset -c 1)
fi
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
"${MOCK_PIN[@]}" "$TARGET/release/alibabacloud-mock" --port 0 --allow-replay >"$out/mock.out" 2>"$out/mock.err" &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out/mock.out" && break; sleep 0.1; done
ADDR=$(grep -o '127\.0\.0\.1:[0-9]*' "$out/mock.out")

mock_cpu() { # utime + stime of the mock, in clock ticks
    awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$MOCK/stat"
}

run() { # round name concurrency command...
    local round=$1 name=$2 c=$3; shift 3
    local before after
    before=$(mock_cpu)
    "${CLIENT_PIN[@]}" "$@" >"$out/line" 2>"$out/err" || { cat "$out/err" >&2; return 1; }
    after=$(mock_cpu)
    python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); d["name"]=sys.argv[2]; d["round"]=int(sys.argv[6]); d["mock_cpu_s"]=(int(sys.argv[4])-int(sys.argv[3]))/float(sys.argv[5]); print(json.dumps(d))' \
        "$out/line" "$name" "$before" "$after" "$(getconf CLK_TCK)" "$round" >>"$out/results"
    echo "bench: round $round: $name c=$c done" >&2
}

for round in $(seq "$ROUNDS"); do
    for c in 1 64; do
        run "$round" "bare reqwest (floor)" $c "$LOAD" bare "http://$ADDR" $c "$SECS"
        run "$round" "this SDK" $c "$LOAD" sdk "http://$ADDR" $c "$SECS"
        run "$round" "official Python" $c "$VENV/bin/python" scripts/bench/official_python.py "$ADDR" $c "$SECS"
        run "$round" "official Node" $c env NODE_PATH="$NODE_DIR/node_modules" node scripts/bench/official_node.js "$ADDR" $c "$SECS"
    done
done

python3 - "$out/results" "$SECS" "$(nproc)" "$ROUNDS" "${BENCH_PIN:+pinned: mock on CPU 1, clients on CPU 0}" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
secs, cores, rounds, pin = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
where = pin or f"{cores} cores shared by client and mock"
print(f"DescribeSecurityIps against the release mock, {secs} s per cell, median of {rounds} interleaved rounds, {where}")
print()
print("| client | conc. | req/s | × floor | client CPU µs/req | × floor (range) | client peak RSS MiB | mock CPU µs/req | failed |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")

def figures(r):
    n = r["requests"]
    return (r["wall_s"] and n / r["wall_s"] or 0.0,
            1e6 * r["cpu_s"] / n if n else float("nan"),
            1e6 * r["mock_cpu_s"] / n if n else float("nan"))

floor = {(r["round"], r["concurrency"]): figures(r) for r in rows if r["name"].startswith("bare")}
cells = {}
for r in rows:
    cells.setdefault((r["concurrency"], r["name"]), []).append(r)
order = []
for r in rows:
    key = (r["concurrency"], r["name"])
    if key not in order:
        order.append(key)
for c, name in sorted(order, key=lambda k: (k[0], order.index(k))):
    runs = cells[(c, name)]
    rps = statistics.median(figures(r)[0] for r in runs)
    cpu = statistics.median(figures(r)[1] for r in runs)
    mock = statistics.median(figures(r)[2] for r in runs)
    rps_x = statistics.median(figures(r)[0] / floor[(r["round"], c)][0] for r in runs)
    cpu_xs = sorted(figures(r)[1] / floor[(r["round"], c)][1] for r in runs)
    cpu_x = statistics.median(cpu_xs)
    spread = f" ({cpu_xs[0]:.2f}-{cpu_xs[-1]:.2f})" if len(cpu_xs) > 1 and not name.startswith("bare") else ""
    rss = max(r["peak_rss_kib"] for r in runs) / 1024
    failed = sum(r["failed"] for r in runs)
    print(f"| {name} | {c} | {rps:,.0f} | {rps_x:.2f} | {cpu:,.0f} | {cpu_x:.2f}{spread} | {rss:.1f} | {mock:,.0f} | {failed} |")
PY
