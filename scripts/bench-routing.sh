#!/usr/bin/env bash
# Routing rows of `make bench`: decisions per second on one core of the compiled rule router
# (one Aho-Corasick keyword automaton for every rule) next to a naive loop over the rules with
# a substring search per keyword, both in the same process on the same loaded table and texts.
#
#   bash scripts/bench-routing.sh
#
# Tables: ../shared/samples/gen_rules.py --rules 100 / 1000 / 10000 (rules sorted by its
# priority column, ties in file order, written as this project's CSV table: id, keywords_any,
# district, department). Texts: the 诉求内容 of ../shared/samples/gen_calls.py rows, with the
# district the first district name found in 事发地址, as gen_rules.py's contract says.
# Targets: >= 1,000,000 decisions/s at 1,000 rules; 10,000-rule cost <= 1.5 x 100-rule cost.
# Prints a Markdown table and saves it to bench-results/routing.md; exits 1 when a target is missed
# or the two routers disagree on any text.
#
# Environment: ROUTING_BENCH_SECONDS (3) per measurement, ROUTING_BENCH_CALLS (5000) texts,
# ROUTING_BIN uses this bench-routing binary instead of building one, BENCH_KEEP=1 keeps the
# generated tables and texts (the scratch directory is printed) for profiling.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
SAMPLES="${SAMPLES:-$ROOT/../shared/samples}"
SECONDS_PER_RUN="${ROUTING_BENCH_SECONDS:-3}"
CALLS="${ROUTING_BENCH_CALLS:-5000}"

# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries ROUTING_BIN=bench-routing
SCRATCH="$(mktemp -d /tmp/cg-bench-routing.XXXXXX)"
if [[ -n "${BENCH_KEEP:-}" ]]; then echo "keeping $SCRATCH"; else trap 'rm -rf "$SCRATCH"' EXIT; fi

python3 "$SAMPLES/gen_calls.py" --rows "$CALLS" --seed 2026 --out "$SCRATCH/calls.csv"
python3 - "$SAMPLES" "$SCRATCH" "$SCRATCH/calls.csv" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
from gen_calls import DISTRICTS
scratch = sys.argv[2]
out = []
with open(sys.argv[3], encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        address = row.get("事发地址") or ""
        district = next((d for d in DISTRICTS if d in address), "")
        text = (row.get("诉求内容") or "").replace("\x1e", " ").replace("\x1f", " ")
        if text.strip():
            out.append(text + "\x1f" + district)
open(f"{scratch}/complaints.txt", "w", encoding="utf-8").write("\x1e".join(out))
PY

PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)
for n in 100 1000 10000; do
    mkdir -p "$SCRATCH/$n/routing"
    python3 "$SAMPLES/gen_rules.py" --rules "$n" --out "$SCRATCH/$n/raw.csv"
    python3 - "$SCRATCH/$n" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/raw.csv", encoding="utf-8", newline="")))
rows = sorted(enumerate(rows), key=lambda p: (int(p[1]["priority"]), p[0]))  # ties keep file order
depts = ["12345热线办（人工分派）"] + sorted({r["department"] for _, r in rows})
with open(f"{d}/routing/rules.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "keywords_any", "district", "department"])
    for _, r in rows:
        w.writerow([r["rule_id"], r["keywords"], r["district"], r["department"]])
open(f"{d}/departments.txt", "w", encoding="utf-8").write("\n".join(depts) + "\n")
PY
    echo "== routing: $n rules"
    "${PIN[@]}" "$ROUTING_BIN" "$SCRATCH/$n" "$SCRATCH/complaints.txt" "$SECONDS_PER_RUN" | tee "$SCRATCH/$n.out"
done

mkdir -p bench-results
status=0
python3 - "$SCRATCH" "$(git rev-parse --short HEAD 2>/dev/null || echo uncommitted)" "$SECONDS_PER_RUN" \
    >bench-results/routing.md <<'PY' || status=$?
import os, platform, sys, time
scratch, commit, secs = sys.argv[1:]
res = {}
for n in (100, 1000, 10000):
    line = open(f"{scratch}/{n}.out").read().split("\n")[-2]
    res[n] = dict(kv.split("=") for kv in line.split())
first = res[100]
out = [f"# Routing benchmark, {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}", "",
       f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, commit {commit}; one core "
       f"(`taskset -c 0`), {secs} s per measurement; {first['complaints']} generated hotline texts "
       f"(avg {first['avg_chars']} characters), tables from gen_rules.py.", "",
       "| rules | keywords | compiled decisions/s | naive loop decisions/s | speed-up | cost vs 100 rules | load + compile ms |",
       "|---:|---:|---:|---:|---:|---:|---:|"]
for n, r in res.items():
    c, b = int(r["compiled_dps"]), int(r["naive_dps"])
    out.append(f"| {n:,} | {int(r['keywords']):,} | {c:,} | {b:,} | {c / b:.1f}x | "
               f"{int(first['compiled_dps']) / c:.2f} | {float(r['load_ms']):.0f} + {float(r['compile_ms']):.0f} |")
ratio = int(res[100]["compiled_dps"]) / int(res[10000]["compiled_dps"])
at1k = int(res[1000]["compiled_dps"])
mism = sum(int(r["mismatches"]) for r in res.values())
checks = [(at1k >= 1_000_000, f"target: >= 1,000,000 decisions/s at 1,000 rules: {at1k:,}"),
          (ratio <= 1.5, f"target: 10,000-rule cost <= 1.5 x 100-rule cost: {ratio:.2f}"),
          (mism == 0, f"compiled and naive routers agree on every text: {mism} disagreements")]
out.append("")
out += [f"- **{'PASS' if ok else 'FAIL'}** {text}" for ok, text in checks]
print("\n".join(out))
sys.exit(0 if all(ok for ok, _ in checks) else 1)
PY
cat bench-results/routing.md
exit "$status"
