#!/usr/bin/env python3
"""Interop: Alibaba Cloud's official Python SDK against the local mock endpoint.

Uses `alibabacloud_r_kvstore20150101` + `alibabacloud_tea_openapi` (the
versions in requirements.txt beside this file) to call the mock with
signature V1 (`signature_algorithm='v2'` in Config) and V3 (the default):
security groups changed and read back, IP whitelists, instance listing, a
typed error, and a wrong secret refused with `SignatureDoesNotMatch`.

    python3 -m venv VENV && VENV/bin/pip install -r tests/interop/requirements.txt
    VENV/bin/python tests/interop/official_sdk_against_mock.py            # starts the mock
    VENV/bin/python tests/interop/official_sdk_against_mock.py --endpoint 127.0.0.1:PORT

(`tests/interop/run.sh` does both.) Without --endpoint the script starts
`cargo run -p alibabacloud-mock -- --port 0` from the repository root, reads
the `listening on http://127.0.0.1:PORT` line, and stops the mock at the end.
One mock serves every call: the official SDK keeps keep-alive connections
per host:port, so a mock restarted on the same port would hand it dead
pooled connections.

Prints one line per check and closes with `interop: N passed, M failed`;
exits 0 only when nothing failed.
"""

import argparse
import os
import pathlib
import queue
import re
import signal
import subprocess
import sys
import threading
import traceback

ROOT = pathlib.Path(__file__).resolve().parents[2]
REDIS = "r-mock000000000001"
TAIR = "r-mock000000000002"
MEMCACHE = "m-mock000000000003"
LISTENING = re.compile(r"listening on http://(127\.0\.0\.1:\d+)")


class Mock:
    """The mock endpoint as a child process in its own process group."""

    def __init__(self, timeout):
        # Its own session, so that stopping it also stops `cargo run`'s child.
        self.proc = subprocess.Popen(
            ["cargo", "run", "--quiet", "-p", "alibabacloud-mock", "--", "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
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


def client(endpoint, mode, secret="testsecret"):
    from alibabacloud_tea_openapi import utils_models as m
    from alibabacloud_r_kvstore20150101.client import Client

    cfg = m.Config(
        access_key_id="testid",
        access_key_secret=secret,
        region_id="cn-hangzhou",
        endpoint=endpoint,
        protocol="http",
    )
    if mode == "v1":
        # 'v2' selects the RPC request path that signs with HMAC-SHA1, SignatureVersion 1.0.
        cfg.signature_algorithm = "v2"
    return Client(cfg)


def expect_error(fn, code, status):
    """Runs fn, which must raise the SDK's error with `code` and HTTP `status`."""
    try:
        fn()
    except Exception as e:  # the SDK's ClientException carries code and status_code
        got = (getattr(e, "code", None), getattr(e, "status_code", None))
        assert got == (code, status), f"expected {(code, status)}, got {got}: {e}"
        return e
    raise AssertionError(f"expected {code}, the call succeeded")


def checks(endpoint, mode):
    from alibabacloud_r_kvstore20150101 import models as km

    c = client(endpoint, mode)

    def security_groups_replaced_and_read_back():
        groups = [f"sg-py{mode}a", f"sg-py{mode}b"]
        out = c.modify_security_group_configuration(
            km.ModifySecurityGroupConfigurationRequest(
                dbinstance_id=REDIS, security_group_id=",".join(groups)
            )
        )
        assert out.status_code == 200 and out.body.request_id
        read = c.describe_security_group_configuration(
            km.DescribeSecurityGroupConfigurationRequest(instance_id=REDIS)
        )
        rel = read.body.items.ecs_security_group_relation
        assert [r.security_group_id for r in rel] == groups, rel
        assert all(r.net_type == "vpc" and r.region_id == "cn-hangzhou" for r in rel)

    def ip_whitelist_appended_and_read_back():
        ip = "10.20.30.1" if mode == "v1" else "10.20.30.2"
        c.modify_security_ips(
            km.ModifySecurityIpsRequest(
                instance_id=TAIR, security_ips=ip, modify_mode="Append", security_ip_group_name="interop"
            )
        )
        read = c.describe_security_ips(km.DescribeSecurityIpsRequest(instance_id=TAIR))
        groups = {g.security_ip_group_name: g for g in read.body.security_ip_groups.security_ip_group}
        assert ip in groups["interop"].security_ip_list.split(","), groups["interop"].security_ip_list
        assert groups["ali_dms_group"].security_ip_group_attribute == "hidden"

    def instances_listed_and_described():
        listed = c.describe_instances(km.DescribeInstancesRequest(page_size=2))
        assert listed.body.total_count == 3 and listed.body.page_size == 2
        assert [i.instance_id for i in listed.body.instances.kvstore_instance] == [REDIS, TAIR]
        attr = c.describe_instance_attribute(km.DescribeInstanceAttributeRequest(instance_id=REDIS))
        a = attr.body.instances.dbinstance_attribute[0]
        assert a.instance_id == REDIS and a.instance_type == "Redis", a

    def unknown_instance_is_a_typed_404():
        e = expect_error(
            lambda: c.modify_security_group_configuration(
                km.ModifySecurityGroupConfigurationRequest(dbinstance_id="r-doesnotexist", security_group_id="sg-1")
            ),
            "InvalidInstanceId.NotFound",
            404,
        )
        assert "Specified instance does not exist." in e.message, e.message

    def unsupported_engine_is_refused():
        expect_error(
            lambda: c.modify_security_group_configuration(
                km.ModifySecurityGroupConfigurationRequest(dbinstance_id=MEMCACHE, security_group_id="sg-1")
            ),
            "EngineNotSupported",
            400,
        )

    def wrong_secret_gets_signature_does_not_match():
        bad = client(endpoint, mode, secret="not-the-secret")
        e = expect_error(
            lambda: bad.modify_security_group_configuration(
                km.ModifySecurityGroupConfigurationRequest(dbinstance_id=REDIS, security_group_id="sg-1")
            ),
            "SignatureDoesNotMatch",
            400,
        )
        assert "server string to sign is:" in e.message, e.message
        first_line = "POST&%2F&" if mode == "v1" else "ACS3-HMAC-SHA256"
        assert first_line in e.message, e.message

    return [
        security_groups_replaced_and_read_back,
        ip_whitelist_appended_and_read_back,
        instances_listed_and_described,
        unknown_instance_is_a_typed_404,
        unsupported_engine_is_refused,
        wrong_secret_gets_signature_does_not_match,
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help="host:port of a running mock (default: start one)")
    parser.add_argument(
        "--start-timeout", type=float, default=900, help="seconds to wait for cargo to build and start the mock"
    )
    args = parser.parse_args(argv)

    mock = None
    if args.endpoint:
        endpoint = args.endpoint.removeprefix("http://").rstrip("/")
    else:
        mock = Mock(args.start_timeout)
        endpoint = mock.endpoint
    passed = failed = 0
    try:
        for mode in ("v1", "v3"):
            for check in checks(endpoint, mode):
                name = f"{mode} {check.__name__}"
                try:
                    check()
                except Exception:
                    failed += 1
                    print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
                else:
                    passed += 1
                    print(f"ok   {name}", flush=True)
    finally:
        if mock:
            mock.stop()
    print(f"interop: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
