#!/usr/bin/env bash
# Regenerates the signing test vectors from Alibaba's own SDK code.
#
# Every expected value in v1.json / v3.json is the "official: tea-openapi"
# output of ../shared/oracle/oracle.py, which runs alibabacloud-tea-openapi and
# cross-checks it against the other official implementations it has
# (openapi-util, and aliyun-python-sdk-core for V1) and a stdlib
# re-implementation; a case is rejected unless they all agree.
# oracle_fixed.json is the oracle's own fixed vector set (`oracle.py vectors`),
# which includes Alibaba's published V1 and V3 examples.
#
# Usage (from anywhere):  signing/tests/vectors/make_vectors.sh
#   ORACLE_PY  python with the oracle's requirements (default below)
#   ORACLE     path to oracle.py (default: ../shared/oracle/oracle.py from the repo root)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
PY="${ORACLE_PY:-/tmp/oracle-venv/bin/python}"
ORACLE="${ORACLE:-$ROOT/../shared/oracle/oracle.py}"

[ -x "$PY" ] || { echo "no python at $PY (set ORACLE_PY; see ../shared/oracle/README.md)" >&2; exit 1; }
[ -f "$ORACLE" ] || { echo "no oracle at $ORACLE (set ORACLE)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
: >"$TMP/v1.jsonl"
: >"$TMP/v3.jsonl"

# normalize KIND NAME ORACLE_JSON_FILE ORACLE_ARGS...
# Turns one oracle --json output into one test case: the inputs (parsed from
# the very arguments given to the oracle, with the oracle's own argument
# parser) and the official outputs of each stage. Nothing is computed here.
normalize() {
  "$PY" - "$ORACLE" "$@" <<'PYEOF'
import importlib.util, json, sys
oracle_path, kind, name, out_file, *args = sys.argv[1:]
spec = importlib.util.spec_from_file_location("oracle", oracle_path)
oracle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(oracle)
a = oracle.build_parser().parse_args([kind] + args)
res = json.load(open(out_file))
if not res.get("all_agree"):
    sys.exit(f"{name}: official implementations disagree: {json.dumps(res, ensure_ascii=False)}")
off = res["official: tea-openapi"]
kv = lambda items, sep="=": [list(x.split(sep, 1)) for x in (items or [])]
case = {"name": name, "oracle_args": [kind] + args, "computed_by": off["impl"], "all_agree": True}
if kind == "v1":
    signed = json.loads(res["inputs"]["signed_params"])
    case.update({
        "method": a.method, "action": a.action, "version": a.version, "access_key_id": a.ak,
        "secret": a.secret, "security_token": a.token, "timestamp": a.timestamp, "nonce": a.nonce,
        "format": a.format, "query": kv(a.param), "body": kv(a.body_param),
        "form_body": res.get("form_body (official Utils.to_form)"),
        "signed_params": [[k, v] for k, v in signed.items()],
        "expected": {k: off[k] for k in ("canonical_query", "string_to_sign", "signature")},
    })
else:
    inp = res["inputs"]
    case.update({
        "method": inp["method"], "path": inp["path"], "access_key_id": a.ak, "secret": a.secret,
        "query": [[k, v] for k, v in json.loads(inp["query"]).items()],
        "headers": [[k, v] for k, v in json.loads(inp["headers"]).items()],
        "body": inp["body"],
        "expected": {"hashed_payload": inp["payload_sha256"],
                     **{k: off[k] for k in ("canonical_request", "string_to_sign", "signature", "authorization")}},
    })
print(json.dumps(case, ensure_ascii=False))
PYEOF
}

# v1 NAME ARGS... / v3 NAME ARGS...: run the oracle on ARGS and record the case.
# (the oracle exits 1 when its implementations disagree; normalize reports that)
v1() { local name="$1"; shift; "$PY" "$ORACLE" v1 --json "$@" >"$TMP/out.json" || true; normalize v1 "$name" "$TMP/out.json" "$@" >>"$TMP/v1.jsonl"; }
v3() { local name="$1"; shift; "$PY" "$ORACLE" v3 --json "$@" >"$TMP/out.json" || true; normalize v3 "$name" "$TMP/out.json" "$@" >>"$TMP/v3.jsonl"; }

T=2016-02-23T12:46:24Z
N=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf
TOKEN='CAIS+sts/token=='
MSG=(--action ModifySecurityGroupConfiguration --version 2015-01-01 --timestamp "$T" --nonce "$N")
MSG_Q=(--param 'DBInstanceId=r-bp1zxszhcgatnx****' --param 'SecurityGroupId=sg-1,sg-2')
MSG_B=(--body-param 'DBInstanceId=r-bp1zxszhcgatnx****' --body-param 'SecurityGroupId=sg-1,sg-2')
SPECIAL=(--param 'Space=a b' --param 'Star=r-bp1*' --param 'Tilde=~x~' --param 'Plus=a+b'
         --param 'Slash=a/b' --param 'Equals=a=b' --param 'Amp=a&b' --param 'Percent=100%'
         --param 'Chinese=中文' --param 'Empty=' --param "Quote=it's (ok)!" --param 'Colon=12:00')

# ---------------------------------------------------------------- V1 (HMAC-SHA1)
DOC=(--ak testid --secret testsecret --action DescribeRegions --version 2014-05-26 --format XML
     --timestamp "$T" --nonce "$N")
v1 doc-DescribeRegions-GET "${DOC[@]}" --method GET  # published: OLeaidS1JvxuMvnyHOwuJ+uX5qY=
v1 doc-DescribeRegions-POST "${DOC[@]}" --method POST
v1 ModifySecurityGroupConfiguration-GET "${MSG[@]}" --method GET "${MSG_Q[@]}"
v1 ModifySecurityGroupConfiguration-POST "${MSG[@]}" --method POST "${MSG_Q[@]}"
v1 ModifySecurityGroupConfiguration-GET-STS "${MSG[@]}" --method GET "${MSG_Q[@]}" --token "$TOKEN"
v1 ModifySecurityGroupConfiguration-POST-STS "${MSG[@]}" --method POST "${MSG_Q[@]}" --token "$TOKEN"
v1 ModifySecurityGroupConfiguration-POST-form-body "${MSG[@]}" --method POST "${MSG_B[@]}"
v1 ModifySecurityGroupConfiguration-POST-form-body-STS "${MSG[@]}" --method POST "${MSG_B[@]}" --token "$TOKEN"
v1 ModifySecurityGroupConfiguration-POST-query-and-form-body "${MSG[@]}" --method POST \
   --param 'DBInstanceId=r-bp1zxszhcgatnx****' --body-param 'SecurityGroupId=sg-1,sg-2'
# A key both in the query and in the form body: Alibaba's code merges the two
# maps, the form value replacing the query one (found by a differential test).
v1 same-key-query-and-form-body "${MSG[@]}" --method POST \
   --param 'DBInstanceId=r-query' --param 'SecurityGroupId=sg-1' --body-param 'DBInstanceId=r-body'
v1 same-key-query-and-form-body-STS "${MSG[@]}" --method POST --token "$TOKEN" \
   --param 'Tag.1.Key=k' --param 'Tag.1.Value=query' --body-param 'Tag.1.Value=body' --body-param 'Extra=x'
v1 same-key-same-value-query-and-form-body "${MSG[@]}" --method POST \
   --param 'DBInstanceId=r-1' --body-param 'DBInstanceId=r-1'
v1 wire-new-sdk-ModifySecurityGroupConfiguration "${MSG[@]}" --method POST --format json \
   --param 'DBInstanceId=r-bp1zxszhcgatnx****' --param 'SecurityGroupId=sg-bpcfmyiu4ekp****'
v1 special-values-GET "${MSG[@]}" --method GET "${SPECIAL[@]}"
v1 special-values-POST-STS "${MSG[@]}" --method POST "${SPECIAL[@]}" --token "$TOKEN"
v1 special-values-form-body "${MSG[@]}" --method POST --param 'DBInstanceId=r-1' \
   --body-param 'Description=hello world *~+/=&% 中文' --body-param 'Empty=' --body-param 'Tag.1.Key=键'
v1 key-sort-raw-not-encoded "${MSG[@]}" --method GET \
   --param 'Key:Colon=1' --param 'Key0=2' --param 'Key Space=3' --param 'z=4' --param 'é=5' --param '中文键=6'
v1 empty-secret "${MSG[@]}" --method GET "${MSG_Q[@]}" --secret ''
v1 long-secret-over-block-size "${MSG[@]}" --method GET "${MSG_Q[@]}" \
   --secret 'sEcReT-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789+/=中文'

# ---------------------------------------------------------------- V3 (ACS3-HMAC-SHA256)
# Alibaba's published V3 example (string-to-sign 7ea06492...e259, signature 06563a9e...83c0).
v3 doc-RunInstances-POST --method POST --host ecs.cn-shanghai.aliyuncs.com --action RunInstances \
   --version 2014-05-26 --timestamp 2023-10-26T10:22:32Z --nonce 3156853299f313e23d1673dc12e1703d \
   --param 'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd' --param 'RegionId=cn-shanghai' \
   --ak YourAccessKeyId --secret YourAccessKeySecret
v3 ModifySecurityGroupConfiguration-GET "${MSG[@]}" --method GET "${MSG_Q[@]}"
v3 ModifySecurityGroupConfiguration-POST "${MSG[@]}" --method POST "${MSG_Q[@]}"
v3 ModifySecurityGroupConfiguration-GET-STS "${MSG[@]}" --method GET "${MSG_Q[@]}" --token "$TOKEN"
v3 ModifySecurityGroupConfiguration-POST-STS "${MSG[@]}" --method POST "${MSG_Q[@]}" --token "$TOKEN"
v3 ModifySecurityGroupConfiguration-POST-form-body "${MSG[@]}" --method POST "${MSG_B[@]}"
v3 ModifySecurityGroupConfiguration-POST-form-body-STS "${MSG[@]}" --method POST "${MSG_B[@]}" --token "$TOKEN"
# The header set the new SDK signs on the wire (see captured_request.txt).
WIRE_H=(--header 'accept:application/json' --header 'user-agent:AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2')
v3 wire-new-sdk-ModifySecurityGroupConfiguration "${MSG[@]}" --method POST --host 127.0.0.1:18080 \
   --param 'DBInstanceId=r-bp1zxszhcgatnx****' --param 'SecurityGroupId=sg-bpcfmyiu4ekp****' \
   "${WIRE_H[@]}" --header 'x-acs-credentials-provider:static_ak'
v3 wire-new-sdk-ModifySecurityGroupConfiguration-STS "${MSG[@]}" --method POST --host 127.0.0.1:18081 \
   --param 'DBInstanceId=r-bp1zxszhcgatnx****' --param 'SecurityGroupId=sg-bpcfmyiu4ekp****' \
   "${WIRE_H[@]}" --header 'x-acs-credentials-provider:static_sts' --token "$TOKEN"
v3 same-key-query-and-form-body "${MSG[@]}" --method POST \
   --param 'DBInstanceId=r-query' --body-param 'DBInstanceId=r-body'
v3 special-values-GET "${MSG[@]}" --method GET "${SPECIAL[@]}"
v3 special-values-form-body "${MSG[@]}" --method POST \
   --body-param 'Description=hello world *~+/=&% 中文' --body-param 'Empty=' --body-param 'Tag.1.Key=键'
v3 ROA-PUT-json-body "${MSG[@]}" --method PUT --host cs.cn-hangzhou.aliyuncs.com --path '/clusters/c-123/nodepools' \
   --param 'force=true' --json-body '{"name":"pool 1","tags":[{"key":"k","value":"中文"}]}'
v3 ROA-encoded-path-DELETE "${MSG[@]}" --method DELETE --path '/clusters/c%2F1/a%20b~' --param 'retain=' --param 'ids=["a","b"]'
v3 empty-path-means-slash "${MSG[@]}" --method GET --path '' "${MSG_Q[@]}"
v3 headers-case-whitespace-multi "${MSG[@]}" --method GET "${MSG_Q[@]}" \
   --header 'X-Acs-Custom:  padded value  ' --header 'x-acs-multi:b' --header 'X-ACS-MULTI:a' \
   --header 'Content-Type:  text/plain ' --header 'x-acs-empty:'
v3 empty-secret "${MSG[@]}" --method GET "${MSG_Q[@]}" --secret ''
v3 long-secret-over-block-size "${MSG[@]}" --method GET "${MSG_Q[@]}" \
   --secret 'sEcReT-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789+/=中文'

"$PY" - "$TMP" "$HERE" <<'PYEOF'
import json, sys
tmp, here = sys.argv[1:]
for kind in ("v1", "v3"):
    cases = [json.loads(line) for line in open(f"{tmp}/{kind}.jsonl", encoding="utf-8")]
    with open(f"{here}/{kind}.json", "w", encoding="utf-8") as f:
        f.write(json.dumps(cases, ensure_ascii=False, indent=2) + "\n")
    print(f"{kind}.json: {len(cases)} cases, all_agree={all(c['all_agree'] for c in cases)}")
PYEOF

# The oracle's fixed vectors (it asserts the published examples itself).
"$PY" "$ORACLE" vectors --out "$HERE/oracle_fixed.json" >/dev/null
echo "oracle_fixed.json: written"
