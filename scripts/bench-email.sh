#!/usr/bin/env bash
# Email rows of `make bench`: MB/s and messages/s parsing CPython's email test messages
# (test/test_email/data/msg_*.txt, from Debian's libpython3-testsuite) repeated to a corpus of
# EMAIL_BENCH_MB megabytes (100), next to ../shared/samples/baseline_email.py (Python's email
# package, policy.default) on the same files in the same run. Target: >= 50 x Python.
#
#   bash scripts/bench-email.sh
#
# Both sides do the same work per message: parse, pick the body (plain, else HTML), decode its
# text. The "record" row adds everything the gateway does to make the complaint record.
# Python runs on EMAIL_BASELINE_MB (20) megabytes: at ~0.6 MB/s a 100 MB run would take minutes,
# and a rate does not depend on the corpus size once it is this large.
# Environment: EMAIL_BIN uses this bench-email binary instead of building one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
SAMPLES="${SAMPLES:-$ROOT/../shared/samples}"
MB="${EMAIL_BENCH_MB:-100}"
BASELINE_MB="${EMAIL_BASELINE_MB:-20}"

DATA="$(python3 -c 'import os, test.test_email as t; print(os.path.join(os.path.dirname(t.__file__), "data"))' 2>/dev/null || true)"
if [[ -z "$DATA" || ! -d "$DATA" ]]; then
    echo "bench-email: CPython's test_email data is missing; install libpython3-testsuite (scripts/install-deps.sh does)" >&2
    exit 1
fi
# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries EMAIL_BIN=bench-email
SCRATCH="$(mktemp -d /tmp/cg-bench-email.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

echo "== email: bench-email --mb $MB over $DATA"
"$EMAIL_BIN" --dir "$DATA" --mb "$MB" | tee "$SCRATCH/swift.jsonl"
echo "== email: baseline_email.py --mb $BASELINE_MB"
python3 "$SAMPLES/baseline_email.py" --dir "$DATA" --mb "$BASELINE_MB" | tee "$SCRATCH/python.json"

mkdir -p bench-results
status=0
python3 - "$SCRATCH" "$MB" "$BASELINE_MB" >bench-results/email.md <<'PY' || status=$?
import json, sys
scratch, mb, bmb = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [json.loads(l) for l in open(f"{scratch}/swift.jsonl") if l.strip()]
py = json.loads(open(f"{scratch}/python.json").read().strip().splitlines()[-1])
pmb = py.get("mb_per_s") or py.get("MB_per_s")
pmsg = py.get("messages_per_s") or py.get("msgs_per_s")
print("## Email parsing (CPython test_email messages)\n")
print("| case | corpus MB | MB/s | messages/s | ratio to Python |")
print("|---|---:|---:|---:|---:|")
print(f"| Python `email` (policy.default): parse + body | {bmb} | {pmb:.2f} | {pmsg:,.0f} | 1.0 |")
ok = True
for r in rows:
    ratio = r["mb_per_s"] / pmb
    print(f"| gateway: {r['mode']} | {r['bytes']/1e6:.0f} | {r['mb_per_s']:.1f} | {r['messages_per_s']:,.0f} | {ratio:.1f} |")
    if r["mode"] == "parse+body" and ratio < 50:
        ok = False
print(f"\nTarget: parse+body >= 50 x Python: {'met' if ok else 'NOT met'}.")
sys.exit(0 if ok else 1)
PY
cat bench-results/email.md
exit "$status"
