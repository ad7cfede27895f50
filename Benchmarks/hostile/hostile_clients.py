#!/usr/bin/env python3
"""Drives scripts/bench-hostile.sh: oversized heads and slow-loris connections against a running
gateway, measured by its resident memory (/proc/PID/status) and by the latency of normal requests.

  python3 Benchmarks/hostile/hostile_clients.py path/to/complaint-gateway path/to/config
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

OVERSIZED = 2000
HELD = 1000
PROBES = 200


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary, config = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="cg-bench-hostile.")
    shutil.copytree(config, os.path.join(work, "config"))
    port = free_port()
    env = dict(os.environ, GATEWAY_TOKEN="bench-hostile-token-0123456789", DOWNSTREAM_URL="http://127.0.0.1:9",
               LOG_LEVEL="error")
    server = subprocess.Popen(
        [binary, "serve", "--config", os.path.join(work, "config"), "--data-dir", os.path.join(work, "data"),
         "--listen", "127.0.0.1:%d" % port], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    held = []
    try:
        def rss_mib():
            with open("/proc/%d/status" % server.pid) as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
            raise SystemExit("no VmRSS")

        def healthz():
            started = time.perf_counter()
            with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                head = c.recv(64)
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit("healthz answered %r" % head[:20])
            return (time.perf_counter() - started) * 1000

        def latencies():
            samples = sorted(healthz() for _ in range(PROBES))
            return samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1]

        for _ in range(300):
            try:
                healthz()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("gateway exited")
                time.sleep(0.1)
        latencies()  # warm up
        at_rest = rss_mib()
        quiet_p50, quiet_p99 = latencies()

        header = b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Big: " + b"h" * (1 << 20) + b"\r\n\r\n"
        answered = {}
        for _ in range(OVERSIZED):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                try:
                    c.sendall(header)
                except OSError:
                    pass  # the server stopped reading at its limit and closed
                try:
                    status = c.recv(12).decode(errors="replace")
                except OSError:
                    status = "reset"
            answered[status] = answered.get(status, 0) + 1
        after_oversized = rss_mib()

        for index in range(HELD):
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(b"POST /v1/complaints HTTP/1.1\r\nHost: bench\r\nX-Slow-%d: " % index)
            held.append(c)
        time.sleep(0.5)
        with_held = rss_mib()
        held_p50, held_p99 = latencies()
    finally:
        for c in held:
            c.close()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    growth = after_oversized - at_rest
    per_held_kib = (with_held - after_oversized) * 1024 / HELD
    all_431 = answered.get("HTTP/1.1 431", 0) == OVERSIZED
    checks = [
        (all_431, "every oversized head answered 431: %s" % answered),
        (growth < 16, "memory after %d heads of 1 MiB grew %.1f MiB (target < 16)" % (OVERSIZED, growth)),
        (per_held_kib < 64, "%.1f KiB per held connection (target < 64)" % per_held_kib),
        (held_p99 < 25, "normal p99 with %d held: %.2f ms (target < 25)" % (HELD, held_p99)),
    ]
    build = "release" if "/release/" in binary else "debug" if "/debug/" in binary else os.path.basename(binary)
    print("| hostile clients (%s build, sample config) | value |" % build)
    print("|---|---|")
    print("| resident memory at rest | %.1f MiB |" % at_rest)
    print("| after %d requests each offering a 1 MiB header (all 431) | %.1f MiB (%+.1f) |"
          % (OVERSIZED, after_oversized, growth))
    print("| with %d connections holding half a head | %.1f MiB (%.1f KiB each) |" % (HELD, with_held, per_held_kib))
    print("| GET /healthz p50 / p99, nothing held | %.2f / %.2f ms |" % (quiet_p50, quiet_p99))
    print("| GET /healthz p50 / p99, %d held | %.2f / %.2f ms |" % (HELD, held_p50, held_p99))
    print()
    for ok, text in checks:
        print("- **%s** %s" % ("met" if ok else "MISSED", text))
    sys.exit(0 if all(ok for ok, _ in checks) else 1)


if __name__ == "__main__":
    main()
