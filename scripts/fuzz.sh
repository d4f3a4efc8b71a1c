#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a bounded time and prints the
# executions and findings of each. Needs a nightly toolchain and cargo-fuzz
# (`rustup toolchain install nightly --profile minimal`, `cargo install cargo-fuzz --locked`).
#
#   scripts/fuzz.sh                 # 25 s per target (what CI runs)
#   FUZZ_SECS=1800 scripts/fuzz.sh  # longer
#   FUZZ_SECS=600 scripts/fuzz.sh spec_lower   # one target
#   FUZZ_SANITIZER=address scripts/fuzz.sh      # with AddressSanitizer
#
# The default is no sanitizer: the code under test is safe Rust, and
# without ASan the build is shorter and each target runs several times as
# many inputs in the same time.
#
# Seeds: fuzz/seeds/<target>/ (committed, small) plus, for spec_lower, one
# small spec per API cut from the real metadata in api-specs/ and, when
# present, ../shared/api-specs-corpus/. The working corpus grows in
# fuzz/corpus/ (ignored by git). A crash leaves its input in
# fuzz/artifacts/<target>/ and makes this script fail; turn it into a
# regression test (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${FUZZ_SECS:-25}"
SANITIZER="${FUZZ_SANITIZER:-none}"
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(spec_lower response_decode params_roundtrip mock_request)
fi

# Spec seeds: info, components and a handful of APIs of each real spec, so
# inputs stay small enough to mutate quickly.
mkdir -p fuzz/corpus/spec_lower
python3 - fuzz/corpus/spec_lower api-specs ../shared/api-specs-corpus <<'PY'
import json, os, sys, hashlib
out, *roots = sys.argv[1:]
n = 0
for root in roots:
    if not os.path.isdir(root):
        continue
    for dirpath, _, files in sorted(os.walk(root)):
        for f in files:
            if not f.endswith("api-docs.json"):
                continue
            try:
                docs = json.load(open(os.path.join(dirpath, f)))
            except Exception:
                continue
            apis = docs.get("apis") or {}
            names = sorted(apis)[:40]
            for i in range(0, len(names), 4):
                small = {k: v for k, v in docs.items() if k != "apis"}
                small["apis"] = {a: apis[a] for a in names[i:i + 4]}
                text = json.dumps(small, ensure_ascii=False, separators=(",", ":"))
                if len(text) > 60000:
                    continue
                name = hashlib.sha1(text.encode()).hexdigest()
                path = os.path.join(out, name)
                if not os.path.exists(path):
                    open(path, "w").write(text)
                    n += 1
print(f"fuzz: {n} new spec seeds", file=sys.stderr)
PY

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo +nightly fuzz build -O --sanitizer "$SANITIZER"

declare -A MAXLEN=([spec_lower]=65536 [response_decode]=8192 [params_roundtrip]=4096 [mock_request]=4096)
status=0
summary=()
for t in "${TARGETS[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    seeds=()
    [ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
    log="$(mktemp)"
    set +e
    cargo +nightly fuzz run -O --sanitizer "$SANITIZER" "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
        -max_total_time="$SECS" -max_len="${MAXLEN[$t]}" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    if [ $rc -ne 0 ]; then
        status=1
        found=$(ls -t "fuzz/artifacts/$t" | head -1)
        summary+=("$t: FAILED after ${execs:-?} executions; input fuzz/artifacts/$t/$found")
        # The panic's message is on the lines after "panicked at"; the input
        # goes out as base64 so a finding made only on CI can be replayed
        # (`base64 -d > crash; cargo +nightly fuzz run <target> crash`).
        grep -m1 -A6 'panicked' "$log" || tail -20 "$log"
        if [ -n "$found" ]; then
            echo "fuzz: $t input (base64): $(head -c 8192 "fuzz/artifacts/$t/$found" | base64 -w0)"
        fi
    else
        summary+=("$t: ${execs:-?} executions in ${SECS} s, coverage ${cov:-?}, no findings")
    fi
    rm -f "$log"
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
