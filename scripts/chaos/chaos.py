#!/usr/bin/env python3
"""Chaos runs against the real gateway binary: crashes under load, a full disk, department outages.

    python3 scripts/chaos/chaos.py --binary PATH [--short] [--phases crash,disk,outage] [--kills N]

Run through `make chaos` (scripts/chaos.sh builds the release binary first). Prints a Markdown
report of figures with a PASS/FAIL line per check, saves it to chaos-results/latest.md, and
exits 1 when a check fails. Everything runs on 127.0.0.1. docs/chaos.md explains each phase.
"""

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checks  # noqa: E402
from gateway import Gateway  # noqa: E402
from receiver import Listener, Receiver  # noqa: E402
from traffic import TOPICS, Builder, Client, Load  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "chaos-token-" + os.urandom(8).hex()
TWILIO_TOKEN = "chaos-twilio-" + os.urandom(8).hex()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Report:
    def __init__(self):
        self.lines, self.failed = [], 0

    def section(self, title, note=""):
        self.lines += ["", f"## {title}", ""] + ([note, ""] if note else [])
        print(f"\n== {title}", flush=True)

    def figures(self, rows):
        self.lines += ["| figure | value |", "|---|---:|"] + [f"| {name} | {value} |" for name, value in rows] + [""]

    def check(self, result):
        ok, text = result
        self.failed += 0 if ok else 1
        line = f"- **{'PASS' if ok else 'FAIL'}** {text}"
        self.lines.append(line)
        print(line, flush=True)

    def text(self, header):
        return "\n".join([header] + self.lines) + "\n"


def gateway_for(args, scratch, name, receiver_url, config=None, data_dir=None):
    port = free_port()
    data_dir = data_dir or os.path.join(scratch, name, "data")
    os.makedirs(data_dir, exist_ok=True)
    env = {"GATEWAY_TOKEN": TOKEN, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "DOWNSTREAM_URL": receiver_url,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "DOWNSTREAM_SIGNING_SECRET": ""}
    return Gateway(args.binary, config or os.path.join(ROOT, "config"), data_dir, port, env,
                   os.path.join(scratch, f"{name}.log"))


def builders(port, seed):
    return lambda index: Builder(TOKEN, TWILIO_TOKEN, f"http://127.0.0.1:{port}", random.Random(seed * 1000 + index))


# Crash and restart under load ---------------------------------------------------------------

def crash_phase(args, scratch, report):
    report.section("Crash and restart under load",
                   f"{args.workers} concurrent clients (API JSON with Idempotency-Key, Twilio-signed SMS, raw "
                   "email, 5-row 12345 CSV uploads) re-send each request until it is answered, as real senders "
                   f"do; the gateway is killed with SIGKILL {args.kills} times at random moments and restarted "
                   "on the same data directory; a receiver on 127.0.0.1 records every delivery.")
    receiver = Receiver().start()
    gateway = gateway_for(args, scratch, "crash", f"http://127.0.0.1:{receiver.port}")
    gateway.start()
    rng = random.Random(args.seed)
    load = Load(gateway.port, builders(gateway.port, args.seed), args.workers).start()
    began = time.time()
    ready_times = []
    for _ in range(args.kills):
        time.sleep(rng.uniform(args.min_gap, args.max_gap))
        gateway.kill()
        ready_times.append(gateway.start())
    time.sleep(args.max_gap)
    load.stop(finish_within=60)
    loaded = time.time() - began
    drained = gateway.wait_drained(within=180)
    time.sleep(1)  # deliveries answered after the last commit we saw
    gateway.stop()
    receiver.stop()
    view = checks.StoreView(gateway.database())
    deliveries = receiver.deliveries.snapshot()
    resent = sum(o.tries - 1 for o in load.outcomes)
    kinds = {kind: sum(1 for o in load.outcomes if o.request.kind == kind) for kind in ("api", "sms", "email", "csv")}
    duplicates = sum(1 for d in deliveries if d["status"] == 200) - len({d["id"] for d in deliveries if d["status"] == 200})
    report.figures([
        ("load: requests answered (api / sms / email / csv)", f"{len(load.outcomes):,} ({kinds['api']:,} / "
         f"{kinds['sms']:,} / {kinds['email']:,} / {kinds['csv']:,})"),
        ("load: duration, answered per second", f"{loaded:.1f} s, {len(load.outcomes) / loaded:,.0f}/s"),
        ("load: re-sends after a kill or a 503", f"{resent:,}"),
        ("load: requests left unanswered at the end", f"{len(load.unanswered)}"),
        ("kills (SIGKILL) survived", f"{len(ready_times)}"),
        ("restart to ready, median / max", f"{statistics.median(ready_times):.2f} s / {max(ready_times):.2f} s"
         if ready_times else "-"),
        ("complaints stored", f"{len(view.complaints):,}"),
        ("deliveries received (2xx) / duplicate deliveries", f"{len(deliveries):,} / {duplicates:,}"),
        ("drain after the load, seconds", f"{drained:.1f}"),
    ])
    report.check((len(ready_times) == args.kills, f"{len(ready_times)} of {args.kills} kills restarted to ready"))
    report.check(checks.answers_were_definite(load.outcomes))
    report.check(checks.acknowledged_stored_once(view, load.outcomes))
    report.check(checks.nothing_stored_twice(view))
    report.check(checks.delivered_at_least_once(view, deliveries))
    report.check(checks.duplicates_share_their_key(deliveries))
    report.check(checks.raw_payloads_present(view))
    report.check(checks.integrity(view))


# Disk full ------------------------------------------------------------------------------------

def disk_phase(args, scratch, report):
    report.section("Disk full",
                   "The data directory on a small tmpfs; a filler file takes the rest of the space while the "
                   "gateway runs; then the filler goes.")
    mount = os.path.join(scratch, "small-disk")
    os.makedirs(mount)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount], capture_output=True, text=True)
    if result.returncode != 0:
        report.check((args.allow_no_mount, f"cannot mount a tmpfs ({result.stderr.strip()}): disk-full not tested"))
        return
    receiver = Receiver().start()
    gateway = gateway_for(args, scratch, "disk", f"http://127.0.0.1:{receiver.port}",
                          data_dir=os.path.join(mount, "data"))
    try:
        gateway.start()
        builder = Builder(TOKEN, TWILIO_TOKEN, gateway.url, random.Random(args.seed))
        client = Client(gateway.port)
        before = [client.send_until_answered(builder.api("transport"), give_up_at=lambda: time.time() + 30)
                  for _ in range(20)]
        filler = os.path.join(mount, "filler")
        with open(filler, "wb") as out:
            try:
                while True:
                    out.write(b"\0" * (1 << 20))
                    out.flush()
            except OSError:
                pass
        # Large complaints make the store grow; with no space each must be refused with 503, not lost.
        padding = "占" * 20000
        statuses, outcomes_full = [], []
        for index in range(200):
            request = builder.api("transport") if index % 2 else builder.email("transport")
            request.body = request.body.replace("晚上".encode(), ("晚上" + padding).encode(), 1)
            try:
                status, _ = client._send(request)
            except OSError as error:
                status = f"connection error: {error.__class__.__name__}"
                client.close()
            statuses.append(status)
            if isinstance(status, int) and 200 <= status < 300:
                outcomes_full.append(request)
            if statuses[-8:] == [503] * 8:
                break
        healthy_while_full = gateway.get("/healthz")
        alive_while_full = gateway.alive()
        os.remove(filler)
        recovered_after = None
        began = time.time()
        after = []
        while time.time() - began < 30 and len(after) < 10:
            outcome = client.send_until_answered(builder.api("transport"), give_up_at=lambda: time.time() + 30)
            if outcome and outcome.status == 201:
                recovered_after = recovered_after or time.time() - began
                after.append(outcome)
        client.close()
        drained = gateway.wait_drained(within=60)
        gateway.kill()
        gateway.start()
        gateway.stop()
        view = checks.StoreView(gateway.database())
        acknowledged = [o for o in before + after if o] + [
            _Answered(r) for r in outcomes_full]
        refused = sum(1 for s in statuses if s == 503)
        report.figures([
            ("complaints acknowledged before the disk filled", f"{sum(1 for o in before if o and o.status == 201)}"),
            ("requests while full: 2xx / 503 / other", f"{len(outcomes_full)} / {refused} / "
             f"{len(statuses) - refused - len(outcomes_full)}"),
            ("/healthz while full", f"{healthy_while_full}"),
            ("first 201 after space returned", f"{recovered_after:.2f} s" if recovered_after else "never"),
            ("drain after recovery, seconds", f"{drained:.1f}"),
        ])
        others = [s for s in statuses if s not in (503,) and not (isinstance(s, int) and 200 <= s < 300)]
        report.check((refused > 0 and not others and alive_while_full,
                      f"while full: {refused} answered 503, {len(others)} answered otherwise {others[:3]}, "
                      f"process {'alive' if alive_while_full else 'DEAD'}"))
        report.check((recovered_after is not None and len(after) == 10,
                      f"space back: {len(after)} of 10 new complaints stored"))
        report.check(checks.acknowledged_stored_once(view, acknowledged))
        report.check(checks.delivered_at_least_once(view, receiver.deliveries.snapshot()))
        report.check(checks.integrity(view))
    finally:
        gateway.stop()
        receiver.stop()
        subprocess.run(["umount", "-l", mount], check=False)


class _Answered:
    """A request acknowledged with 2xx outside a Client retry loop, in the shape the checks read."""

    def __init__(self, request):
        self.request, self.status = request, 201


# Department outages ---------------------------------------------------------------------------

ENDPOINT = ("      timeout_ms: 1000\n      max_in_flight: 8\n"
            "      retry: {{ max_attempts: 100, base_delay_ms: 200, max_delay_ms: 4000, give_up_after_ms: 3600000 }}\n"
            "      circuit_breaker: {{ failure_threshold: 5, open_ms: 2000, max_open_ms: 8000 }}\n")


def outage_config(scratch, down_port):
    config = os.path.join(scratch, "outage-config")
    shutil.copytree(os.path.join(ROOT, "config"), config)
    ids = re.findall(r"^  - id: (\S+)", open(os.path.join(config, "departments.yaml"), encoding="utf-8").read(), re.M)
    lines = ["departments:"]
    for department in ids:
        url = (f"http://127.0.0.1:{down_port}/{department}" if department == "urban-management"
               else f"${{DOWNSTREAM_URL}}/{department}")
        lines.append(f"  - id: {department}\n    endpoint:\n      url: {url}\n" + ENDPOINT.format())
    open(os.path.join(config, "departments.yaml"), "w", encoding="utf-8").write("\n".join(lines))
    return config


def first_delivery(deliveries):
    first = {}
    for delivery in deliveries:
        if delivery["status"] == 200 and delivery["id"] not in first:
            first[delivery["id"]] = delivery["t"]
    return first


def latencies(outcomes, first, department, since=0, until=float("inf")):
    values = sorted(first[cid] - o.answered_at for o in outcomes if o.request.department == department
                    and since <= o.answered_at < until for cid in o.ids() if cid in first)
    return values


def percentile(values, fraction):
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else float("nan")


def outage_phase(args, scratch, report):
    down = args.outage_seconds
    report.section("Department outages",
                   f"For {down:.0f} s: urban-management's server is off (connection refused), water-supply answers "
                   "503 to half its requests (throughout), environment hangs past the 1 s timeout, housing refuses "
                   "with 400; transport stays healthy and its delivery latency is measured before and during the "
                   "outage. Endpoints: timeout 1 s, retry base 200 ms / max 4 s, breaker after 5 failures, open 2 s "
                   "(growing to 8 s). Then the servers come back, housing's dead letters are replayed.")
    receiver = Receiver(hang_seconds=3.0).start()
    listener = Listener(deliveries_into=receiver.deliveries)
    config = outage_config(scratch, listener.port)
    gateway = gateway_for(args, scratch, "outage", f"http://127.0.0.1:{receiver.port}", config=config)
    gateway.start()
    weights = (1, 0, 0, 0)  # API only: its answer names the id, so latencies can be matched
    baseline = Load(gateway.port, _only(builders(gateway.port, args.seed), "transport"), 2, rate_per_worker=10,
                    weights=weights).start()
    time.sleep(min(10.0, down / 2))
    baseline.stop()
    receiver.modes.update({"water-supply": "flap", "environment": "hang", "housing": "reject"})
    outage_began = time.time()
    load = Load(gateway.port, builders(gateway.port, args.seed + 1), 4, rate_per_worker=10, weights=weights).start()
    time.sleep(down)
    load.stop()
    outage_ended = time.time()
    listener.open()
    receiver.modes.update({"environment": "ok"})
    pending_but_housing = _wait(lambda: _pending_except(gateway, "housing") == 0, within=120)
    with gateway.database() as db:
        dead = db.execute("SELECT count(*) FROM outbox WHERE state = 'dead' AND department = 'housing'").fetchone()[0]
        housing = db.execute("SELECT count(*) FROM outbox WHERE department = 'housing'").fetchone()[0]
        housing_attempts = db.execute(
            "SELECT count(*) FROM delivery_attempts WHERE department = 'housing'").fetchone()[0]
        down_attempts = db.execute(
            "SELECT count(*) FROM delivery_attempts WHERE department = 'urban-management' AND started_at < ?",
            (int(outage_ended * 1000),)).fetchone()[0]
        down_complaints = db.execute(
            "SELECT count(*) FROM outbox WHERE department = 'urban-management'").fetchone()[0]
        flap = db.execute("SELECT count(*), sum(outcome = 'delivered') FROM delivery_attempts "
                          "WHERE department = 'water-supply'").fetchone()
    receiver.modes["housing"] = "ok"
    status, body = gateway.post("/v1/deadletters/replay?department=housing", TOKEN)
    drained = gateway.wait_drained(within=120)
    time.sleep(1)
    gateway.stop()
    listener.close()
    receiver.stop()
    view = checks.StoreView(gateway.database())
    deliveries = receiver.deliveries.snapshot()
    first = first_delivery(deliveries)
    base = latencies(baseline.outcomes, first, "transport")
    during = latencies(load.outcomes, first, "transport", outage_began, outage_ended)
    # The failures before the breaker opens (at most 32 of its 40-result window, plus those in
    # flight) and then one probe per open period (2 s at least).
    allowed = 8 + 32 + down / 2.0
    report.figures([
        ("complaints sent during the outage", f"{len(load.outcomes):,}"),
        ("transport latency before: p50 / p99 (ms)", f"{percentile(base, .5) * 1000:.0f} / {percentile(base, .99) * 1000:.0f}"),
        ("transport latency during: p50 / p99 (ms)", f"{percentile(during, .5) * 1000:.0f} / {percentile(during, .99) * 1000:.0f}"),
        ("urban-management (down): complaints / attempts while down", f"{down_complaints} / {down_attempts}"),
        ("water-supply (50% 503): attempts / delivered", f"{flap[0]} / {flap[1]}"),
        ("housing (400): dead letters / complaints / attempts before replay", f"{dead} / {housing} / {housing_attempts}"),
        ("replay answer", f"{status} {body[:80].decode(errors='replace')}"),
        ("all delivered after recovery, seconds", f"{pending_but_housing + drained:.1f}"),
    ])
    report.check((len(during) > 0 and percentile(during, .99) <= max(1.0, 3 * percentile(base, .99)),
                  f"healthy department not delayed: p99 {percentile(during, .99) * 1000:.0f} ms during vs "
                  f"{percentile(base, .99) * 1000:.0f} ms before (limit max(1 s, 3x before))"))
    report.check((down_attempts <= allowed,
                  f"no hot loop: {down_attempts} attempts to the down department in {down:.0f} s "
                  f"(limit {allowed:.0f}: in flight + failures to open the breaker + a probe per open period)"))
    report.check((dead == housing and housing_attempts == housing,
                  f"permanent failures: {dead} of {housing} dead-lettered after {housing_attempts} attempts (one each)"))
    report.check((status == 200, f"dead letters replayed: HTTP {status}"))
    report.check(checks.delivered_at_least_once(view, deliveries))
    report.check(checks.duplicates_share_their_key(deliveries))
    report.check(checks.integrity(view))


def _only(factory, department):
    def make(index):
        builder = factory(index)
        builder.any = lambda weights=None: builder.api(department)
        return builder
    return make


def _pending_except(gateway, department):
    with gateway.database() as db:
        return db.execute("SELECT count(*) FROM outbox WHERE state = 'pending' AND department != ?",
                          (department,)).fetchone()[0]


def _wait(condition, within):
    began = time.time()
    while time.time() - began < within:
        if condition():
            return time.time() - began
        time.sleep(0.2)
    raise RuntimeError(f"condition not met within {within:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--short", action="store_true", help="the CI version: fewer kills, a shorter outage")
    parser.add_argument("--phases", default="crash,disk,outage")
    parser.add_argument("--kills", type=int)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--outage-seconds", type=float)
    parser.add_argument("--allow-no-mount", action="store_true", help="pass the disk phase where tmpfs cannot mount")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    args.kills = args.kills if args.kills is not None else (3 if args.short else 12)
    args.outage_seconds = args.outage_seconds or (12.0 if args.short else 120.0)
    args.min_gap, args.max_gap = (0.5, 2.0) if args.short else (1.0, 5.0)
    args.workers = min(args.workers, 4) if args.short else args.workers
    scratch = tempfile.mkdtemp(prefix="cg-chaos.")
    report = Report()
    try:
        for phase in args.phases.split(","):
            {"crash": crash_phase, "disk": disk_phase, "outage": outage_phase}[phase](args, scratch, report)
    except Exception as error:  # a phase that cannot finish is a failure with its reason, not a traceback
        report.check((False, f"{error.__class__.__name__}: {error}"))
    finally:
        for gateway in Gateway.running:
            gateway.stop(grace=5)
        if args.keep:
            print(f"chaos: scratch kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    header = (f"# Chaos run, {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}\n\n"
              f"{os.cpu_count()} CPUs, commit {commit or '?'}, binary {os.path.relpath(args.binary, ROOT)}, "
              f"seed {args.seed}, {'short (CI)' if args.short else 'full'} run.")
    text = report.text(header)
    os.makedirs(os.path.join(ROOT, "chaos-results"), exist_ok=True)
    with open(os.path.join(ROOT, "chaos-results", "latest.md"), "w", encoding="utf-8") as out:
        out.write(text)
    print("\n" + text)
    print(f"chaos: {report.failed} check(s) failed" if report.failed else "chaos: all checks passed")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
