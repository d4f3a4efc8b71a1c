#!/usr/bin/env python3
"""Interop: Alibaba Cloud's official Python OSS SDK (alibabacloud-oss-v2)
against the mock's OSS service.

Path-style addressing against http://127.0.0.1:PORT, signature V4 (the
SDK's default) and V1: buckets, put/get/head/delete, ranges, conditional
GET, ListObjectsV2 paging, copy, delete-multiple, append, multipart by hand
and with the SDK's uploader (20 MiB, past the mock's disk threshold, with
the first UploadPart failed by an injected 503 that the SDK retries) and
downloader, presigned GET (V4 and V1) fetched with plain urllib, an
expired presigned URL, and errors parsed by the SDK into their fields.

    VENV/bin/pip install -r tests/interop/oss_requirements.txt
    VENV/bin/python tests/interop/oss_official_against_mock.py      # starts the mock
    VENV/bin/python tests/interop/oss_official_against_mock.py --endpoint 127.0.0.1:PORT

(`tests/interop/oss_run.sh` does both.) Without --endpoint the script
starts `cargo run -p alibabacloud-mock -- --port 0` with a 1 MiB OSS disk
threshold and one injected UploadPart fault, and stops it at the end.
Prints one line per check and closes with `interop: N passed, M failed`;
exits 0 only when nothing failed.
"""

import argparse
import datetime
import hashlib
import os
import pathlib
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on http://(127\.0\.0\.1:\d+)")
REGION = "cn-hangzhou"


class Mock:
    """The mock endpoint as a child process in its own process group."""

    def __init__(self, timeout):
        args = [
            "cargo", "run", "--quiet", "-p", "alibabacloud-mock", "--",
            "--port", "0",
            "--products", "r-kvstore",
            "--oss-disk-threshold", str(1024 * 1024),
            # The first UploadPart fails; the SDK's uploader must retry it.
            "--fault", "UploadPart=status:503*1",
        ]
        # Its own session, so that stopping it also stops `cargo run`'s child.
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        lines = queue.Queue()

        def pump():
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"the mock printed no address within {timeout} s")
            if line is None:
                code = self.proc.wait()
                raise RuntimeError(f"the mock exited with status {code} before listening")
            match = LISTENING.search(line)
            if match:
                self.endpoint = match.group(1)
                return

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def client(endpoint, version="v4", secret="testsecret"):
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider("testid", secret)
    cfg.region = REGION
    cfg.endpoint = f"http://{endpoint}"
    cfg.use_path_style = True
    cfg.signature_version = version
    return oss.Client(cfg)


def service_error(fn):
    """Runs fn, which must fail with the SDK's ServiceError; returns it."""
    import alibabacloud_oss_v2 as oss

    try:
        fn()
    except oss.exceptions.OperationError as e:
        inner = e.unwrap()
        assert isinstance(inner, oss.exceptions.ServiceError), repr(inner)
        return inner
    raise AssertionError("the call succeeded")


def expect(fn, code, status, ec=None):
    e = service_error(fn)
    got = (e.code, e.status_code)
    assert got == (code, status), f"expected {(code, status)}, got {got}: {e}"
    if ec is not None:
        assert e.ec == ec, f"EC {e.ec!r}, expected {ec!r}"
    assert e.request_id and len(e.request_id) == 24, e.request_id
    return e


def crc64(data):
    """CRC-64/XZ (OSS's crc64ecma), computed here without the SDK."""
    poly = 0xC96C5795D7870F42
    crc = 0xFFFFFFFFFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (poly if crc & 1 else 0)
    return crc ^ 0xFFFFFFFFFFFFFFFF


def checks(endpoint):
    import alibabacloud_oss_v2 as oss

    c = client(endpoint)
    bucket = "interop-bucket"
    small = b"hello, object storage\n" * 5

    def create_bucket_and_see_it():
        r = c.put_bucket(oss.PutBucketRequest(bucket=bucket))
        assert r.status_code == 200 and r.request_id
        expect(lambda: c.put_bucket(oss.PutBucketRequest(bucket=bucket)), "BucketAlreadyExists", 409)
        names = [b.name for b in c.list_buckets(oss.ListBucketsRequest()).buckets]
        assert bucket in names, names
        info = c.get_bucket_info(oss.GetBucketInfoRequest(bucket=bucket))
        assert info.bucket_info.name == bucket
        assert info.bucket_info.location == f"oss-{REGION}", info.bucket_info.location
        loc = c.get_bucket_location(oss.GetBucketLocationRequest(bucket=bucket))
        assert loc.location == f"oss-{REGION}", loc.location
        assert c.is_bucket_exist(bucket) and not c.is_bucket_exist("no-such-bucket-here")

    def put_get_head_delete():
        md5 = hashlib.md5(small).hexdigest().upper()
        r = c.put_object(oss.PutObjectRequest(
            bucket=bucket, key="dir/hello.txt", body=small,
            content_type="text/plain", metadata={"owner": "interop"}))
        assert r.etag == f'"{md5}"', r.etag
        assert int(r.hash_crc64) == crc64(small), r.hash_crc64
        g = c.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt"))
        assert g.body.content == small
        assert g.content_type == "text/plain" and g.metadata.get("owner") == "interop", g.metadata
        assert g.etag == r.etag and int(g.hash_crc64) == crc64(small)
        h = c.head_object(oss.HeadObjectRequest(bucket=bucket, key="dir/hello.txt"))
        assert h.content_length == len(small), h.content_length
        assert h.object_type == "Normal" and h.etag == r.etag and h.last_modified
        assert c.is_object_exist(bucket, "dir/hello.txt")
        c.put_object(oss.PutObjectRequest(bucket=bucket, key="gone", body=b"x"))
        d = c.delete_object(oss.DeleteObjectRequest(bucket=bucket, key="gone"))
        assert d.status_code == 204
        assert not c.is_object_exist(bucket, "gone")

    def ranges():
        g = c.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt", range_header="bytes=7-12"))
        assert g.status_code == 206 and g.body.content == small[7:13], g.body.content
        assert g.content_range == f"bytes 7-12/{len(small)}", g.content_range
        g = c.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt", range_header="bytes=-5"))
        assert g.body.content == small[-5:]
        expect(lambda: c.get_object(oss.GetObjectRequest(
            bucket=bucket, key="dir/hello.txt", range_header=f"bytes={len(small) + 10}-")),
            "InvalidRange", 416)

    def conditional_get():
        h = c.head_object(oss.HeadObjectRequest(bucket=bucket, key="dir/hello.txt"))
        g = c.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt", if_match=h.etag))
        assert g.body.content == small
        expect(lambda: c.get_object(oss.GetObjectRequest(
            bucket=bucket, key="dir/hello.txt", if_match='"0123456789ABCDEF0123456789ABCDEF"')),
            "PreconditionFailed", 412)
        # 304 has no error body; the SDK reports the status.
        e = service_error(lambda: c.get_object(oss.GetObjectRequest(
            bucket=bucket, key="dir/hello.txt", if_none_match=h.etag)))
        assert e.status_code == 304, e.status_code

    def errors_parsed_by_the_sdk():
        e = expect(lambda: c.get_object(oss.GetObjectRequest(bucket=bucket, key="missing")),
                   "NoSuchKey", 404, ec="0026-00000001")
        assert "does not exist" in e.message
        expect(lambda: c.get_object(oss.GetObjectRequest(bucket="no-such-bucket-here", key="k")),
               "NoSuchBucket", 404, ec="0015-00000101")
        expect(lambda: c.delete_bucket(oss.DeleteBucketRequest(bucket=bucket)),
               "BucketNotEmpty", 409, ec="0015-00000301")

    def wrong_secret_is_refused_with_the_string_to_sign():
        bad = client(endpoint, secret="not-the-secret")
        e = expect(lambda: bad.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt")),
                   "SignatureDoesNotMatch", 403)
        assert "OSS4-HMAC-SHA256" in str(e.error_fileds.get("StringToSign", "")), e.error_fileds
        bad1 = client(endpoint, version="v1", secret="not-the-secret")
        expect(lambda: bad1.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt")),
               "SignatureDoesNotMatch", 403)

    def list_v2_paging_with_delimiter():
        for i in range(7):
            c.put_object(oss.PutObjectRequest(bucket=bucket, key=f"page/k{i:02d}", body=b"p"))
        c.put_object(oss.PutObjectRequest(bucket=bucket, key="page/sub/x", body=b"p"))
        keys, prefixes, pages = [], [], 0
        for page in c.list_objects_v2_paginator(limit=3).iter_page(
                oss.ListObjectsV2Request(bucket=bucket, prefix="page/", delimiter="/")):
            pages += 1
            keys += [o.key for o in page.contents or []]
            prefixes += [p.prefix for p in page.common_prefixes or []]
        assert keys == [f"page/k{i:02d}" for i in range(7)], keys
        assert prefixes == ["page/sub/"], prefixes
        assert pages == 3, pages
        r = c.list_objects_v2(oss.ListObjectsV2Request(
            bucket=bucket, prefix="page/", start_after="page/k05", fetch_owner=True))
        assert [o.key for o in r.contents] == ["page/k06", "page/sub/x"], r.contents
        assert r.contents[0].owner is not None
        r = c.list_objects(oss.ListObjectsRequest(bucket=bucket, prefix="page/k", max_keys=2))
        assert r.is_truncated and r.next_marker == "page/k01", r.next_marker
        r = c.list_objects_v2(oss.ListObjectsV2Request(
            bucket=bucket, prefix="page/sub/", encoding_type="url"))
        assert [o.key for o in r.contents] == ["page/sub/x"], r.contents

    def copy_and_delete_multiple():
        r = c.copy_object(oss.CopyObjectRequest(
            bucket=bucket, key="copy/hello.txt", source_bucket=bucket, source_key="dir/hello.txt"))
        src = c.head_object(oss.HeadObjectRequest(bucket=bucket, key="dir/hello.txt"))
        assert r.etag == src.etag, (r.etag, src.etag)
        g = c.get_object(oss.GetObjectRequest(bucket=bucket, key="copy/hello.txt"))
        assert g.body.content == small and g.metadata.get("owner") == "interop"
        d = c.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
            bucket=bucket, objects=[oss.DeleteObject(key="copy/hello.txt"), oss.DeleteObject(key="nope")]))
        assert sorted(o.key for o in d.deleted_objects) == ["copy/hello.txt", "nope"]
        assert not c.is_object_exist(bucket, "copy/hello.txt")

    def append_object():
        a = c.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=0, body=b"abc"))
        assert a.next_position == 3, a.next_position
        a = c.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=3, body=b"def"))
        assert a.next_position == 6 and int(a.hash_crc64) == crc64(b"abcdef")
        expect(lambda: c.append_object(oss.AppendObjectRequest(
            bucket=bucket, key="log", position=1, body=b"x")), "PositionNotEqualToLength", 409)
        assert c.get_object(oss.GetObjectRequest(bucket=bucket, key="log")).body.content == b"abcdef"

    def multipart_by_hand():
        parts_data = [os.urandom(200 * 1024), os.urandom(200 * 1024), b"tail"]
        init = c.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=bucket, key="mp/manual"))
        uid = init.upload_id
        etags = []
        for n, data in enumerate(parts_data, 1):
            p = c.upload_part(oss.UploadPartRequest(
                bucket=bucket, key="mp/manual", upload_id=uid, part_number=n, body=data))
            etags.append(p.etag)
        lp = c.list_parts(oss.ListPartsRequest(bucket=bucket, key="mp/manual", upload_id=uid))
        assert [p.part_number for p in lp.parts] == [1, 2, 3]
        ups = c.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket))
        assert uid in [u.upload_id for u in ups.uploads]
        # Out of order, then a wrong ETag.
        expect(lambda: c.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
            bucket=bucket, key="mp/manual", upload_id=uid,
            complete_multipart_upload=oss.CompleteMultipartUpload(parts=[
                oss.UploadPart(part_number=2, etag=etags[1]),
                oss.UploadPart(part_number=1, etag=etags[0])]))), "InvalidPartOrder", 400)
        expect(lambda: c.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
            bucket=bucket, key="mp/manual", upload_id=uid,
            complete_multipart_upload=oss.CompleteMultipartUpload(parts=[
                oss.UploadPart(part_number=1, etag='"00000000000000000000000000000000"')]))),
            "InvalidPart", 400)
        done = c.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
            bucket=bucket, key="mp/manual", upload_id=uid,
            complete_multipart_upload=oss.CompleteMultipartUpload(parts=[
                oss.UploadPart(part_number=n, etag=e) for n, e in enumerate(etags, 1)])))
        whole = b"".join(parts_data)
        md5s = b"".join(hashlib.md5(d).digest() for d in parts_data)
        assert done.etag == f'"{hashlib.md5(md5s).hexdigest().upper()}-3"', done.etag
        assert int(done.hash_crc64) == crc64(whole)
        g = c.get_object(oss.GetObjectRequest(bucket=bucket, key="mp/manual"))
        assert g.body.content == whole and g.object_type == "Multipart"
        expect(lambda: c.upload_part(oss.UploadPartRequest(
            bucket=bucket, key="mp/manual", upload_id=uid, part_number=1, body=b"x")),
            "NoSuchUpload", 404)
        init = c.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=bucket, key="mp/aborted"))
        c.abort_multipart_upload(oss.AbortMultipartUploadRequest(
            bucket=bucket, key="mp/aborted", upload_id=init.upload_id))

    def uploader_and_downloader_20_mib():
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.bin")
            dst = os.path.join(tmp, "dst.bin")
            data = os.urandom(20 * 1024 * 1024)
            with open(src, "wb") as f:
                f.write(data)
            up = c.uploader(part_size=5 * 1024 * 1024, parallel_num=3)
            r = up.upload_file(oss.PutObjectRequest(bucket=bucket, key="big/20mib.bin"), filepath=src)
            assert r.etag.endswith('-4"'), r.etag
            assert int(r.hash_crc64) == crc64_fast(data)
            h = c.head_object(oss.HeadObjectRequest(bucket=bucket, key="big/20mib.bin"))
            assert h.content_length == len(data) and h.object_type == "Multipart"
            down = c.downloader(part_size=3 * 1024 * 1024, parallel_num=3)
            d = down.download_file(oss.GetObjectRequest(bucket=bucket, key="big/20mib.bin"), filepath=dst)
            assert d.written == len(data), d.written
            with open(dst, "rb") as f:
                assert hashlib.md5(f.read()).digest() == hashlib.md5(data).digest()

    def presigned_get_v4_and_v1():
        for version in ("v4", "v1"):
            cl = client(endpoint, version=version)
            p = cl.presign(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt"),
                           expires=datetime.timedelta(minutes=5))
            if version == "v4":
                assert "x-oss-signature-version=OSS4-HMAC-SHA256" in p.url, p.url
            else:
                assert "OSSAccessKeyId=testid" in p.url, p.url
            with urllib.request.urlopen(p.url, timeout=10) as resp:
                assert resp.read() == small
            tampered = p.url.replace("hello.txt", "hello.txx")
            try:
                urllib.request.urlopen(tampered, timeout=10)
                raise AssertionError("a tampered URL was accepted")
            except urllib.error.HTTPError as e:
                body = e.read().decode()
                assert e.code == 403 and "<Code>SignatureDoesNotMatch</Code>" in body, body

    def expired_presigned_url():
        p = c.presign(oss.GetObjectRequest(bucket=bucket, key="dir/hello.txt"),
                      expires=datetime.timedelta(seconds=1))
        time.sleep(2.2)
        try:
            urllib.request.urlopen(p.url, timeout=10)
            raise AssertionError("an expired URL was accepted")
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            assert e.code == 403 and "<Code>AccessDenied</Code>" in body, body
            assert "Request has expired" in body, body

    def anonymous_virtual_hosted_request_is_denied():
        req = urllib.request.Request(
            f"http://{endpoint}/dir/hello.txt",
            headers={"Host": f"{bucket}.oss-{REGION}.aliyuncs.com"})
        try:
            urllib.request.urlopen(req, timeout=10)
            raise AssertionError("an anonymous request was served")
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            assert e.code == 403 and "<Code>AccessDenied</Code>" in body, body
            assert e.headers.get("x-oss-request-id"), dict(e.headers)

    def v1_signed_client_round_trip():
        c1 = client(endpoint, version="v1")
        c1.put_object(oss.PutObjectRequest(bucket=bucket, key="v1/obj", body=b"signed with v1"))
        assert c1.get_object(oss.GetObjectRequest(bucket=bucket, key="v1/obj")).body.content == b"signed with v1"
        r = c1.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket, prefix="v1/"))
        assert [o.key for o in r.contents] == ["v1/obj"]

    def delete_everything_then_the_bucket():
        for page in c.list_objects_v2_paginator().iter_page(oss.ListObjectsV2Request(bucket=bucket)):
            for o in page.contents or []:
                c.delete_object(oss.DeleteObjectRequest(bucket=bucket, key=o.key))
        r = c.delete_bucket(oss.DeleteBucketRequest(bucket=bucket))
        assert r.status_code == 204
        expect(lambda: c.get_bucket_info(oss.GetBucketInfoRequest(bucket=bucket)), "NoSuchBucket", 404)

    return [
        create_bucket_and_see_it,
        put_get_head_delete,
        ranges,
        conditional_get,
        errors_parsed_by_the_sdk,
        wrong_secret_is_refused_with_the_string_to_sign,
        list_v2_paging_with_delimiter,
        copy_and_delete_multiple,
        append_object,
        multipart_by_hand,
        uploader_and_downloader_20_mib,
        presigned_get_v4_and_v1,
        expired_presigned_url,
        anonymous_virtual_hosted_request_is_denied,
        v1_signed_client_round_trip,
        delete_everything_then_the_bucket,
    ]


def crc64_fast(data):
    """CRC-64/XZ of a large buffer with the SDK's own table-driven code."""
    from alibabacloud_oss_v2.crc import Crc64

    crc = Crc64(0)
    crc.update(data)
    return crc.sum64()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running mock (127.0.0.1:PORT); default: start one")
    parser.add_argument("--start-timeout", type=float, default=600.0)
    args = parser.parse_args()
    mock = None
    if args.endpoint:
        endpoint = args.endpoint
    else:
        mock = Mock(args.start_timeout)
        endpoint = mock.endpoint
    passed = failed = 0
    try:
        assert crc64(b"123456789") == 0x995DC9BBDF1939FA
        for check in checks(endpoint):
            try:
                check()
                passed += 1
                print(f"ok   {check.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {check.__name__}")
                traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
    finally:
        if mock:
            mock.stop()
    print(f"interop: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
