#!/usr/bin/env python3
"""Load client: Alibaba's official Python SDK (alibabacloud_r_kvstore20150101,
tests/interop/requirements.txt) calling DescribeSecurityIps from CONCURRENCY
threads, one SDK client each, for SECONDS after a short warm-up. Prints one
JSON line like sdk/benches/load.rs: requests, wall time, this process's CPU
time and peak RSS.

    VENV/bin/python scripts/bench/official_python.py 127.0.0.1:PORT 64 5
"""

import json
import resource
import sys
import threading
import time

from alibabacloud_r_kvstore20150101 import models as km
from alibabacloud_r_kvstore20150101.client import Client
from alibabacloud_tea_openapi import utils_models as m


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    endpoint, concurrency, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    counting = threading.Event()
    stop = threading.Event()
    counts = [[0, 0] for _ in range(concurrency)]

    def work(i):
        c = Client(m.Config(access_key_id="testid", access_key_secret="testsecret",
                            region_id="cn-hangzhou", endpoint=endpoint, protocol="http"))
        req = km.DescribeSecurityIpsRequest(instance_id="r-mock000000000001")
        while not stop.is_set():
            try:
                ok = bool(c.describe_security_ips(req).body.security_ip_groups.security_ip_group)
            except Exception:
                ok = False
            if counting.is_set():
                counts[i][0 if ok else 1] += 1

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    cpu0, t0 = cpu(), time.monotonic()
    counting.set()
    time.sleep(secs)
    counting.clear()
    cpu1, wall = cpu(), time.monotonic() - t0
    stop.set()
    for t in threads:
        t.join(timeout=10)
    print(json.dumps({
        "client": "python-official", "concurrency": concurrency,
        "requests": sum(c[0] for c in counts), "failed": sum(c[1] for c in counts),
        "wall_s": round(wall, 3), "cpu_s": round(cpu1 - cpu0, 3),
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
