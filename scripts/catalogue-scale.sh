#!/usr/bin/env bash
# Import and generate a catalogue the size of Alibaba's, and print the time
# and peak memory of each step.
#
# Alibaba's full metadata is not on this machine, but its product list is:
# `products.json` in the corpus names every product version (351) with its
# API style. Each gets a real corpus file of the same style, renamed to that
# product and version, its prose made its own (so no two files share a
# sentence, as in the real catalogue), and thinned to a fixed fraction of its
# operations so the whole comes to OPERATIONS (default 24,500, the real
# catalogue's count). The result is run through `xtask import` into a
# scratch specs directory and then through `xtask catalogue` into a scratch
# workspace, twice (the second run finds nothing to do).
#
#   scripts/catalogue-scale.sh             # figures only
#   CHECK_CRATES=3 scripts/catalogue-scale.sh   # and `cargo check` 3 crates
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${CORPUS:-../shared/api-specs-corpus}
OPERATIONS=${OPERATIONS:-24500}
CHECK_CRATES=${CHECK_CRATES:-0}
if [ ! -f "$CORPUS/products.json" ]; then
    echo "skipped: $CORPUS/products.json is not here (the corpus lives in ../shared)"
    exit 0
fi
WORK=${KEEP_WORK:-$(mktemp -d)}
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT

cargo build --quiet --release -p xtask
XTASK=target/release/xtask

python3 - "$CORPUS" "$WORK/upstream" "$OPERATIONS" <<'EOF'
import hashlib, json, os, shutil, sys
corpus, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
catalogue = json.load(open(os.path.join(corpus, "products.json")))
donors = {}
for code in sorted(os.listdir(corpus)):
    d = os.path.join(corpus, code)
    if code == "history" or not os.path.isdir(d):
        continue
    for version in sorted(os.listdir(d)):
        f = os.path.join(d, version, "api-docs.json")
        doc = json.load(open(f))
        style = doc["info"].get("style") or "RPC"
        if style.upper() == "OSS":
            continue  # OSS has its own generator and crate
        donors.setdefault("ROA" if style == "ROA" else "RPC", []).append(doc)
wanted = []
for i, p in enumerate(catalogue):
    for version in p["versions"]:
        group = "ROA" if p.get("style") == "ROA" else "RPC"
        wanted.append((p["code"], version, donors[group][len(wanted) % len(donors[group])]))
full = sum(len(d["apis"]) for _, _, d in wanted)
keep = min(1.0, target / full)

def own(node, tag):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("description", "summary", "title") and isinstance(v, str) and v:
                node[k] = v + " (" + tag + ")"
            else:
                own(v, tag)
    elif isinstance(node, list):
        for v in node:
            own(v, tag)

operations = 0
for code, version, donor in wanted:
    doc = json.loads(json.dumps(donor))
    doc["info"]["product"] = code
    doc["info"]["version"] = version
    names = sorted(doc["apis"])
    kept = [n for n in names
            if int(hashlib.sha256(f"{code}/{version}/{n}".encode()).hexdigest()[:8], 16) / 2**32 < keep]
    doc["apis"] = {n: doc["apis"][n] for n in (kept or names[:1])}
    operations += len(doc["apis"])
    own(doc, f"{code} {version}")
    d = os.path.join(out, code.lower(), version)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "api-docs.json"), "w") as f:
        json.dump(doc, f, ensure_ascii=False)
shutil.copy(os.path.join(corpus, "products.json"), os.path.join(out, "products.json"))
print(f"synthetic catalogue: {len(wanted)} product versions, {operations} operations "
      f"({keep:.2f} of the donors' {full}), from {sum(map(len, donors.values()))} corpus files")
EOF
echo "upstream files: $(du -sh "$WORK/upstream" | cut -f1)"

# elapsed, CPU (user+system) and peak RSS of a command, its output kept in a log.
measure() {
    local name=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 || {
        echo "$name: exit $? (last lines of its output follow)"
        tail -5 "$WORK/$name.log"
    }
    read -r elapsed user sys rss <"$WORK/$name.time"
    awk -v n="$name" -v e="$elapsed" -v u="$user" -v s="$sys" -v r="$rss" \
        'BEGIN { printf "%-18s %7.1f s elapsed %7.1f s CPU %6d MB peak\n", n, e, u + s, r / 1024 }'
}

measure import "$XTASK" import --specs-dir "$WORK/api-specs" "$WORK"/upstream/*/*/api-docs.json
echo "  $(grep -c '^imported' "$WORK/import.log" || true) imported, $(grep -c '^not imported' "$WORK/import.log" || true) without operations, facts $(du -sh "$WORK/api-specs" | cut -f1)"
measure catalogue "$XTASK" catalogue --specs-dir "$WORK/api-specs" --out "$WORK/catalogue"
tail -1 "$WORK/catalogue.log" | sed 's/^/  /'
echo "  source $(du -sh --exclude=target "$WORK/catalogue" | cut -f1); $(grep -c '^not generated' "$WORK/catalogue.log" || true) spec files without a crate, listed in CATALOGUE.md"
measure "catalogue, again" "$XTASK" catalogue --specs-dir "$WORK/api-specs" --out "$WORK/catalogue"
tail -1 "$WORK/catalogue, again.log" | sed 's/^/  /'

largest=$(du -s "$WORK"/catalogue/*/ | sort -n | tail -1 | cut -f2)
echo "largest crate: $(basename "$largest"), $(du -sh "$largest" | cut -f1) of source"
if [ "$CHECK_CRATES" -gt 0 ]; then
    # A deterministic spread: the largest crate and every Nth of the rest.
    name_of() { awk -F'"' '/^name = /{print $2; exit}' "$1"; }
    mapfile -t crates < <(for m in "$WORK"/catalogue/*/Cargo.toml; do name_of "$m"; done | sort)
    picks=("$(name_of "$largest/Cargo.toml")")
    step=$(( ${#crates[@]} / CHECK_CRATES ))
    for ((i = step / 2; i < ${#crates[@]} && ${#picks[@]} < CHECK_CRATES; i += step)); do
        picks+=("${crates[$i]}")
    done
    args=()
    for c in "${picks[@]}"; do args+=(-p "$c"); done
    echo "packaging and checking ${picks[*]}"
    # The repository's lock file, so the shared target/ already holds the
    # dependencies at the versions they resolve to.
    cp Cargo.lock "$WORK/catalogue/"
    (cd "$WORK/catalogue" &&
        CARGO_TARGET_DIR="$WORK/package" cargo package --quiet --no-verify --exclude-lockfile "${args[@]}" &&
        for f in "$WORK"/package/package/*.crate; do
            printf '  packaged %s: %s bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
        done &&
        CARGO_TARGET_DIR="$ROOT/target" cargo check --quiet "${args[@]}" && echo "  all checked")
fi
