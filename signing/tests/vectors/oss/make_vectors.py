#!/usr/bin/env python3
"""Writes the OSS signing test vectors by driving Alibaba's official OSS SDK.

Every expected value comes from the official signer classes of
alibabacloud-oss-v2 (SignerV4, SignerV1) run on an HttpRequest and a
SigningContext built the way the SDK's client builds them (query encoded with
urllib's urlencode(quote_via=quote), as in _client.build_request_context).
Nothing is re-implemented here: the canonical request is captured by wrapping
the official SignerV4._calc_canonical_request (its result is returned
unchanged), the string to sign is SigningContext.string_to_sign, and the
signature / Authorization / presigned query are read back from the request
the signer modified.

The SDK has no post-policy helper; post_policy.json is computed with the
official SignerV4._calc_signature primitive (HMAC chain + HMAC over the base64
policy), which is what the V4 POST policy signature is.

Usage: python make_vectors.py OUT_DIR   (see make_vectors.sh)
"""
import base64
import datetime
import json
import random
import sys
from email.utils import format_datetime
from urllib.parse import quote, unquote, urlencode, urlsplit

from alibabacloud_oss_v2._version import VERSION
from alibabacloud_oss_v2.signer.v1 import SignerV1
from alibabacloud_oss_v2.signer.v4 import SignerV4
from alibabacloud_oss_v2.types import Credentials, HttpRequest, SigningContext

SEED = 20231203
N_RANDOM = 240

captured = {}
_official_calc = SignerV4._calc_canonical_request


def _capturing_calc(self, *args, **kwargs):
    result = _official_calc(self, *args, **kwargs)
    captured["canonical_request"] = result
    return result


SignerV4._calc_canonical_request = _capturing_calc


def make_request(c):
    """HttpRequest + SigningContext as the SDK client builds them."""
    url = "https://example-bucket.oss-cn-hangzhou.aliyuncs.com/"
    if c["key"] is not None:
        url += quote(c["key"])
    params = {k: ("" if v is None else v) for k, v in c["query"]}
    if params:
        q = urlencode(params, quote_via=quote)
        if q:
            url += "?" + q
    req = HttpRequest(method=c["method"], url=url)
    # A list of pairs: the case-insensitive dict keeps a repeated name's last value.
    req.headers.update([tuple(h) for h in c["headers"]])
    cred = Credentials(c["access_key_id"], c["secret"], c.get("security_token"))
    ctx = SigningContext(
        product=c.get("product"),
        region=c.get("region"),
        bucket=c["bucket"],
        key=c["key"],
        request=req,
        credentials=cred,
    )
    return req, ctx


def parse_dt(s):
    return datetime.datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)


def appended_query(url, n_user):
    """The pairs the signer appended after the request's own n_user pairs:
    decoded pairs and the exact encoded tail."""
    pairs = urlsplit(url).query.split("&")[n_user:]
    return ([[unquote(k), unquote(v)] for k, _, v in (p.partition("=") for p in pairs)],
            "&".join(pairs))


def v4_header(c):
    req, ctx = make_request(c)
    ctx.signing_time = parse_dt(c["datetime"])
    ctx.additional_headers = set(c["additional_headers"]) if c["additional_headers"] else None
    captured.clear()
    SignerV4().sign(ctx)
    auth = req.headers["Authorization"]
    c["expected"] = {
        "canonical_request": captured["canonical_request"],
        "string_to_sign": ctx.string_to_sign,
        "signature": auth.rsplit("Signature=", 1)[1],
        "authorization": auth,
        "x_oss_date": req.headers["x-oss-date"],
        "date": req.headers["Date"],
    }
    return c


def v4_presign(c):
    req, ctx = make_request(c)
    dt = parse_dt(c["datetime"])
    ctx.signing_time = dt
    ctx.expiration_time = dt + datetime.timedelta(seconds=c["expires_secs"])
    ctx.auth_method_query = True
    ctx.additional_headers = set(c["additional_headers"]) if c["additional_headers"] else None
    captured.clear()
    SignerV4().sign(ctx)
    query, encoded = appended_query(req.url, len(c["query"]))
    c["expected"] = {
        "canonical_request": captured["canonical_request"],
        "string_to_sign": ctx.string_to_sign,
        "signature": query[-1][1],
        "query": query,
        "query_encoded": encoded,
    }
    return c


def v1_header(c):
    req, ctx = make_request(c)
    ctx.signing_time = parse_dt(c["datetime"])
    ctx.sub_resource = c["sub_resources"]
    SignerV1().sign(ctx)
    c["date"] = req.headers["Date"]
    auth = req.headers["Authorization"]
    c["expected"] = {
        "string_to_sign": ctx.string_to_sign,
        "signature": auth.split(":", 1)[1] if auth.startswith("OSS ") else None,
        "authorization": auth,
    }
    assert c["date"] == format_datetime(ctx.signing_time, True)
    return c


def v1_presign(c):
    req, ctx = make_request(c)
    ctx.signing_time = parse_dt(c["datetime"])
    ctx.expiration_time = datetime.datetime.fromtimestamp(c["expires_epoch_secs"], datetime.timezone.utc)
    ctx.auth_method_query = True
    ctx.sub_resource = c["sub_resources"]
    SignerV1().sign(ctx)
    query, encoded = appended_query(req.url, len(c["query"]))
    c["expected"] = {
        "string_to_sign": ctx.string_to_sign,
        "signature": query[-1][1],
        "query": query,
        "query_encoded": encoded,
    }
    return c


# ------------------------------------------------------------------ inputs

KEY_PARTS = ["a", "dir", "中文", "é", "😀", " ", "a b", "+", "%", "%2F", "~", "/", "//", "file.txt",
             "x*y", "(1)", "a=b&c", "!'", "#", "?", ":", "@", "-_.", "\t", "tab", "日本語ファイル"]
QUERY_KEYS = ["acl", "uploads", "uploadId", "partNumber", "response-content-type",
              "response-content-disposition", "response-cache-control", "x-oss-process", "prefix",
              "marker", "max-keys", "delimiter", "versionId", "versions", "tagging", "position",
              "continuation-token", "security-token", "policy", "comp", "style", "styleName",
              "list-type", "encoding-type", "restore", "symlink", "append", "delete", "stat",
              "键", "a b", "a+b", "Z-upper", "x-oss-ac-source-ip", "callback", "callback-var"]
VALUE_PARTS = ["", "1", "abc", "a b", "+", "%", "~", "/", "//", "中文", "=", "&", "*", "image/resize,w_100",
               "attachment; filename=\"a b.txt\"", "0123456789ABCDEF", "é", " lead", "trail ", "a%2Fb"]
HEADER_CANDIDATES = [
    ("Content-Type", ["text/plain", "application/octet-stream", " image/png ", "", "text/html; charset=utf-8"]),
    ("content-md5", ["1B2M2Y8AsgTpgAmY7PhCfg==", " eB5eJF1ptWaXm4bijSPyxw== "]),
    ("Content-MD5", ["ICy5YqxZB1uWSwcVLSNLcA=="]),
    ("x-oss-meta-author", ["alice", "  padded  ", "in  ner", "中文", ""]),
    ("X-Oss-Meta-Mixed", ["Value", "a,b"]),
    ("X-OSS-ACL", ["private", "public-read"]),
    ("x-oss-storage-class", ["Standard", "IA"]),
    ("x-oss-server-side-encryption", ["AES256", "KMS"]),
    ("x-oss-forbid-overwrite", ["true"]),
    ("x-oss-tagging", ["a=1&b=2"]),
    ("Content-Length", ["0", "1024"]),
    ("Content-Disposition", ["attachment", " inline "]),
    ("Cache-Control", ["no-cache", "max-age=60", ""]),
    ("Host", ["b.oss-cn-hangzhou.aliyuncs.com", "oss-cn-beijing.aliyuncs.com"]),
    ("Range", ["bytes=0-99"]),
    ("User-Agent", ["aliyun-sdk-python/1.4.1"]),
    ("Content-Encoding", ["gzip"]),
    ("x-oss-content-sha256", ["UNSIGNED-PAYLOAD", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]),
]
ADDITIONAL = ["host", "Host", "content-length", "range", "cache-control", "Content-Disposition",
              "user-agent", "x-not-present", "content-type", "x-oss-meta-author", "content-encoding",
              "date"]
REGIONS = ["cn-hangzhou", "cn-beijing", "us-west-1", "ap-southeast-1", "eu-central-1", "cn-shanghai-finance-1"]
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]
BUCKETS = ["example-bucket", "b", "my-bucket-123", "a.b"]
SECRETS = ["sk", "secret-0123456789", "abcDEF+/=", "s" * 80, "中文secret"]
TOKENS = [None, None, "CAIS+sts/token==", "token with space", "tok%en~"]


def rand_key(r):
    roll = r.random()
    if roll < 0.05:
        return ""
    return "".join(r.choice(KEY_PARTS) for _ in range(r.randint(1, 5)))


def rand_value(r):
    roll = r.random()
    if roll < 0.2:
        return None
    if roll < 0.3:
        return ""
    return "".join(r.choice(VALUE_PARTS) for _ in range(r.randint(1, 3)))


def rand_dt(r):
    base = datetime.datetime(2023, 12, 3, 12, 12, 12, tzinfo=datetime.timezone.utc)
    dt = base + datetime.timedelta(seconds=r.randint(-10**8, 10**8))
    return dt.strftime("%Y%m%dT%H%M%SZ")


def rand_common(r, i, kind, header_mode_v4=False):
    c = {"name": f"random-{i}", "method": r.choice(METHODS)}
    roll = r.random()
    if roll < 0.1:
        c["bucket"], c["key"] = None, None  # ListBuckets-like
    elif roll < 0.3:
        c["bucket"], c["key"] = r.choice(BUCKETS), None
    else:
        c["bucket"], c["key"] = r.choice(BUCKETS), rand_key(r)
    forbidden = {"security-token"} if kind.endswith("presign") else set()
    keys = [k for k in r.sample(QUERY_KEYS, r.randint(0, 5)) if k not in forbidden]
    c["query"] = [[k, rand_value(r)] for k in keys]
    headers = []
    for name, values in r.sample(HEADER_CANDIDATES, r.randint(0, 6)):
        if r.random() < 0.3:
            name = name.swapcase() if r.random() < 0.5 else name.upper()
        headers.append([name, r.choice(values)])
    if headers and r.random() < 0.1:  # same name twice, other case: last wins
        headers.append([headers[0][0].lower(), "second value"])
    if kind == "v1_header" and r.random() < 0.15:
        headers.append(["x-oss-date", "Sun, 03 Dec 2023 12:12:12 GMT"])
    c["headers"] = headers
    c["access_key_id"] = r.choice(["ak", "LTAI5tExample", "STS.NUx9"])
    c["secret"] = r.choice(SECRETS)
    c["datetime"] = rand_dt(r)
    if header_mode_v4:
        # The official signer (re)sets Date; give the same value so that
        # signing "date" as an additional header is reproducible.
        c["headers"].append(["Date", format_datetime(parse_dt(c["datetime"]), True)])
    return c


def random_cases(kind, fn, r):
    out = []
    for i in range(N_RANDOM):
        c = rand_common(r, i, kind, header_mode_v4=(kind == "v4_header"))
        if kind.startswith("v4"):
            c["security_token"] = r.choice(TOKENS)
            c["region"] = r.choice(REGIONS)
            c["product"] = "oss"
            c["additional_headers"] = sorted(set(r.sample(ADDITIONAL, r.randint(0, 3))))
            if kind == "v4_presign":
                c["expires_secs"] = r.choice([1, 60, 900, 3600, 86400, 604800, r.randint(1, 604800)])
        else:
            c["sub_resources"] = r.sample(["policy", "x-oss-process", "comp", "style", "styleName"], r.randint(0, 2))
            if kind == "v1_presign":
                c["security_token"] = r.choice(TOKENS)
                c["expires_epoch_secs"] = int(parse_dt(c["datetime"]).timestamp()) + r.randint(1, 10**6)
        out.append(fn(c))
    return out


def fixed_v4():
    base = {"access_key_id": "ak", "secret": "sk", "security_token": None, "region": "cn-hangzhou",
            "product": "oss", "datetime": "20231203T121212Z", "additional_headers": []}
    date = "Sun, 03 Dec 2023 12:12:12 GMT"
    return [
        dict(base, name="put-object-meta", method="PUT", bucket="bucket", key="1234+-/123/1.txt",
             query=[["param1", "value1"], ["+param1", "value3"], ["|param1", "value4"], ["+param2", None],
                    ["|param2", None], ["param2", None]],
             headers=[["x-oss-head1", "value"], ["abc", "value"], ["ZAbc", "value"], ["XYZ", "value"],
                      ["content-type", "text/plain"], ["Date", date]]),
        dict(base, name="put-object-sts-additional", method="PUT", bucket="bucket", key="1234+-/123/1.txt",
             security_token="token", additional_headers=["ZAbc", "abc"],
             query=[["param1", "value1"], ["+param1", "value3"], ["|param1", "value4"], ["+param2", None]],
             headers=[["x-oss-head1", "value"], ["abc", "value"], ["ZAbc", "value"], ["XYZ", "value"],
                      ["content-type", "text/plain"], ["Date", date]]),
        dict(base, name="list-buckets", method="GET", bucket=None, key=None, query=[], headers=[["Date", date]]),
        dict(base, name="get-bucket-acl", method="GET", bucket="bucket", key=None, query=[["acl", None]],
             headers=[["Date", date]]),
        dict(base, name="initiate-multipart", method="POST", bucket="bucket", key="dir/中文 file~.txt",
             query=[["uploads", None]], headers=[["Date", date]]),
        dict(base, name="empty-key-double-slash", method="GET", bucket="bucket", key="//a//b/",
             query=[["prefix", ""], ["x-oss-process", "image/resize,w_100"]], headers=[["Date", date]]),
        # Additional headers that are empty, absent or signed anyway are dropped.
        dict(base, name="additional-empty-absent-default", method="PUT", bucket="bucket", key="k",
             additional_headers=["Cache-Control", "range", "Content-Type", "x-oss-meta-a", "HOST", "date"],
             query=[], headers=[["Cache-Control", ""], ["Host", "bucket.oss-cn-hangzhou.aliyuncs.com"],
                                ["content-type", " text/plain "], ["X-Oss-Meta-A", " x  y "], ["Date", date]]),
    ]


def fixed_v1():
    base = {"access_key_id": "ak", "secret": "sk", "datetime": "20231203T121212Z", "sub_resources": []}
    return [
        dict(base, name="put-object-meta", method="PUT", bucket="bucket", key="1234+-/123/1.txt",
             query=[["param1", "value1"], ["+param1", "value3"], ["|param1", "value4"], ["+param2", None],
                    ["acl", None], ["uploadId", "0F3B"], ["response-content-type", "text/plain; a b"]],
             headers=[["x-oss-head1", "value"], ["abc", "value"], ["ZAbc", "value"], ["XYZ", "value"],
                      ["content-type", "text/plain"], ["Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="]]),
        dict(base, name="list-buckets", method="GET", bucket=None, key=None, query=[], headers=[]),
        dict(base, name="process-sub-resource", method="GET", bucket="bucket", key="中文/a b.jpg",
             sub_resources=["x-oss-process"], query=[["x-oss-process", "image/resize,w_100"]], headers=[]),
    ]


def main():
    out_dir = sys.argv[1]
    r = random.Random(SEED)
    meta = {"package": "alibabacloud-oss-v2", "version": VERSION, "seed": SEED}
    sets = {}
    sets["v4_header"] = [v4_header(c) for c in fixed_v4()] + random_cases("v4_header", v4_header, r)
    pres = []
    for c in fixed_v4():
        c = dict(c, name=c["name"] + "-presign", expires_secs=3600,
                 headers=[h for h in c["headers"] if h[0] != "Date"])
        pres.append(v4_presign(c))
    sets["v4_presign"] = pres + random_cases("v4_presign", v4_presign, r)
    sets["v1_header"] = [v1_header(c) for c in fixed_v1()] + random_cases("v1_header", v1_header, r)
    v1p = []
    for c in fixed_v1():
        c = dict(c, name=c["name"] + "-presign", security_token="CAIS+sts/token==", expires_epoch_secs=1701609132)
        v1p.append(v1_presign(c))
    sets["v1_presign"] = v1p + random_cases("v1_presign", v1_presign, r)

    policy_cases = []
    for i in range(60):
        doc = {"expiration": "2023-12-03T13:12:12.000Z",
               "conditions": [{"bucket": r.choice(BUCKETS)}, ["starts-with", "$key", rand_key(r)],
                              {"x-oss-signature-version": "OSS4-HMAC-SHA256"}]}
        policy = base64.b64encode(json.dumps(doc, ensure_ascii=False).encode()).decode()
        c = {"name": f"policy-{i}", "policy_base64": policy, "secret": r.choice(SECRETS),
             "date": rand_dt(r)[:8], "region": r.choice(REGIONS), "product": "oss"}
        c["expected_signature"] = SignerV4()._calc_signature(
            access_key_secrect=c["secret"], date=c["date"], region=c["region"],
            product=c["product"], string_to_sign=policy)
        policy_cases.append(c)
    sets["post_policy"] = policy_cases

    for name, cases in sets.items():
        with open(f"{out_dir}/{name}.json", "w", encoding="utf-8") as f:
            # One case per line: reviewable diffs without a huge file.
            f.write('{"meta": ' + json.dumps(meta) + ',\n"cases": [\n')
            f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
            f.write("\n]}\n")
        print(f"{name}.json: {len(cases)} cases")


if __name__ == "__main__":
    main()
