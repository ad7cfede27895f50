#!/usr/bin/env bash
# Hotline CSV import benchmark: rows/s for a 1,000,000-row GBK call log end to end (read,
# decode, parse, validate, normalize, route, commit record + decision + outbox row, fsync per
# batch) next to `sqlite3 .import` of the same file and the Python pipeline
# ../shared/samples/baseline_import.py, in the same run; then peak memory for 1M and 4M rows.
#
#   bash scripts/bench-hotline.sh          # prints a Markdown table, saves bench-results/hotline.md
#
# Files (cached in bench-results/hotline-data/, made once): gen_calls.py --rows 1000000 --seed
# 12345 --encoding gbk --bad-rate 0.01; the 4M file is that file four times with the ticket ids
# of copies 2-4 made distinct (generating 4M rows in Python takes longer than the benchmark).
# Rules: gen_rules.py --rules 100, converted to a keyword table with their district conditions (the
# baseline routes with the same 100 rules; both take the district from the address, and the bench
# checks they route every ticket alike). The gateway runs `complaint-gateway import` (the same
# importer as the HTTP upload) with the sample config's storage settings (synchronous: full).
#
# Environment: GATEWAY_BIN (skip the release build), HOTLINE_ROWS (1000000), HOTLINE_RUNS (1),
# HOTLINE_4M (1; 0 skips the 4x-rows import and the re-import for a quick run: no memory check then),
# HOTLINE_XLSX (1; 0 skips the .xlsx workbook imports).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
SAMPLES="${SAMPLES:-$ROOT/../shared/samples}"
ROWS="${HOTLINE_ROWS:-1000000}"
RUNS="${HOTLINE_RUNS:-1}"
DATA="$ROOT/bench-results/hotline-data"
mkdir -p "$DATA"

# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries GATEWAY_BIN=complaint-gateway

CSV="$DATA/calls_${ROWS}_gbk.csv"
CSV4="$DATA/calls_$((ROWS * 4))_gbk.csv"
FOUR="${HOTLINE_4M:-1}"
RULES="$DATA/rules_100.csv"
[[ -s "$CSV" ]] || python3 "$SAMPLES/gen_calls.py" --rows "$ROWS" --seed 12345 --encoding gbk --bad-rate 0.01 \
    --manifest "$CSV.manifest" --out "$CSV"
[[ -s "$RULES" ]] || python3 "$SAMPLES/gen_rules.py" --rules 100 --out "$RULES"
if [[ "$FOUR" != 0 && ! -s "$CSV4" ]]; then
    python3 - "$CSV" "$CSV4" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
header, _, body = data.partition(b"\r\n")
with open(dst + ".tmp", "wb") as out:
    out.write(header + b"\r\n" + body)
    for copy in (2, 3, 4):
        # Records end with CRLF and embedded line breaks are LF, so "\r\nGD" starts a record.
        out.write((b"\r\n" + body).replace(b"\r\nGD", b"\r\nG%dD" % copy)[2:])
os.rename(dst + ".tmp", dst)
PY
fi

SCRATCH="$(mktemp -d /tmp/cg-bench-hotline.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

# The bench config: the sample gateway.yaml, departments and a keyword table from rules_100.csv.
cp -r "$ROOT/config" "$SCRATCH/config"
python3 - "$RULES" "$SCRATCH/config" <<'PY'
import csv, json, sys
rules_csv, config = sys.argv[1], sys.argv[2]
rows = sorted(((int(r["priority"]), i, r) for i, r in enumerate(csv.DictReader(open(rules_csv, encoding="utf-8")))),
              key=lambda x: (x[0], x[1]))
departments = {}
for _, _, r in rows:
    departments.setdefault(r["department"], "dept-%03d" % (len(departments) + 1))
with open(config + "/departments.yaml", "a", encoding="utf-8") as f:
    for name, dept in departments.items():
        f.write("\n  - id: %s\n    name: \"%s\"\n    endpoint:\n      url: http://127.0.0.1:9/%s\n" % (dept, name, dept))
with open(config + "/routing/bench.yaml", "w", encoding="utf-8") as f:
    f.write("rules:\n")
    for _, _, r in rows:
        kws = [k for k in r["keywords"].split("|") if k]
        district = "\n      district: [%s]" % r["district"] if r["district"] else ""
        f.write("  - id: %s\n    when:\n      keywords_any: [%s]%s\n    then: { department: %s }\n"
                % (r["rule_id"], ", ".join('"%s"' % k for k in kws), district, departments[r["department"]]))
# For the routing check: the baseline's department names as the gateway's ids (its default too).
departments["12345热线办（人工分派）"] = "citizen-services"
json.dump(departments, open(config + "/../departments.json", "w", encoding="utf-8"), ensure_ascii=False)
# The bench table takes the keyword table's place (the deadlines table stays after it).
gateway = open(config + "/gateway.yaml", encoding="utf-8").read()
if "tables: [keywords" not in gateway:
    raise SystemExit("bench-hotline: no 'tables: [keywords' in config/gateway.yaml to replace")
gateway = gateway.replace("tables: [keywords", "tables: [bench", 1)
open(config + "/gateway.yaml", "w", encoding="utf-8").write(gateway)
PY
export GATEWAY_TOKEN="bench-hotline"

# run NAME CMD...: wall seconds and peak RSS (KiB) of one command, appended to $SCRATCH/results.
run() {
    local name="$1"
    shift
    python3 - "$name" "$SCRATCH/results" "$@" <<'PY'
import json, resource, subprocess, sys, time
name, results, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
secs = time.perf_counter() - t0
if proc.returncode != 0:
    sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    raise SystemExit("%s failed with %d" % (name, proc.returncode))
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
# The gateway's --json report can be megabytes (every rejected row): keep only its counts.
summary = ""
try:
    report = json.loads(proc.stdout)
    summary = json.dumps({"rows": report["rows"], "accepted": report["accepted"], "duplicates": report["duplicates"],
                          "rejected": len(report["rejected"]), "warnings": len(report["warnings"])})
except (ValueError, KeyError, TypeError):
    pass
open(results, "a").write("%s\t%.3f\t%d\t%s\n" % (name, secs, rss, summary))
PY
}

for ((i = 1; i <= RUNS; i++)); do
    rm -f "$SCRATCH/sqlite.db"
    run "sqlite3 .import" sqlite3 "$SCRATCH/sqlite.db" ".import --csv $CSV calls"
    run "baseline_import.py" python3 "$SAMPLES/baseline_import.py" --csv "$CSV" --encoding gbk --rules "$RULES" \
        --db "$SCRATCH/baseline.db"
    rm -rf "$SCRATCH/data"
    run "gateway import" "$GATEWAY_BIN" import "$CSV" --profile 12345 --config "$SCRATCH/config" \
        --data-dir "$SCRATCH/data" --json
done
# Both pipelines must route alike: the same department for every ticket both took. The district
# comes from the address on both sides (the 12345 profile's `districts`, the baseline's list).
python3 - "$SCRATCH/data/gateway.sqlite" "$SCRATCH/baseline.db" "$SCRATCH/departments.json" "$CSV.manifest" \
    >"$SCRATCH/routing-check.txt" <<'PY'
import json, sqlite3, sys
gateway_db, baseline_db, mapping, manifest = sys.argv[1:]
ids = json.load(open(mapping, encoding="utf-8"))
ours = dict(sqlite3.connect(gateway_db).execute(
    "SELECT external_id, department FROM complaints WHERE channel = 'hotline'"))
theirs = {ticket: ids[dept] for ticket, dept in sqlite3.connect(baseline_db).execute("SELECT ticket, department FROM calls")}
both = ours.keys() & theirs.keys()
differ = sorted(t for t in both if ours[t] != theirs[t])
# Rows the baseline took and the gateway did not: are they rows gen_calls.py broke on purpose?
broken = {line.split("\t")[2] for line in list(open(manifest, encoding="utf-8"))[1:]}
missing = theirs.keys() - ours.keys()
print("%s\t%d\t%d\t%d\t%s" % (len(both), len(differ), len(missing), len(missing & broken),
                              "; ".join("%s: %s vs %s" % (t, ours[t], theirs[t]) for t in differ[:3])))
PY
if [[ "$FOUR" != 0 ]]; then
    rm -rf "$SCRATCH/data4"
    run "gateway import 4M" "$GATEWAY_BIN" import "$CSV4" --profile 12345 --config "$SCRATCH/config" \
        --data-dir "$SCRATCH/data4" --json
    rm -rf "$SCRATCH/data"
    run "gateway re-import 1M" "$GATEWAY_BIN" import "$CSV" --profile 12345 --config "$SCRATCH/config" \
        --data-dir "$SCRATCH/data4" --json
fi

# The same call log as an Excel workbook (.xlsx, made once from the CSV by
# scripts/lib/csv-to-xlsx.py: shared strings, date-time cells, numbers), at a quarter and all of
# its rows: rows/s beside the CSV's, and peak memory flat. HOTLINE_XLSX=0 skips it.
if [[ "${HOTLINE_XLSX:-1}" != 0 ]]; then
    XLSX="$DATA/calls_${ROWS}.xlsx"
    XLSX_QUARTER="$DATA/calls_$((ROWS / 4)).xlsx"
    [[ -s "$XLSX" ]] || python3 scripts/lib/csv-to-xlsx.py "$CSV" "$XLSX" --rows "$ROWS"
    [[ -s "$XLSX_QUARTER" ]] || python3 scripts/lib/csv-to-xlsx.py "$CSV" "$XLSX_QUARTER" --rows $((ROWS / 4))
    rm -rf "$SCRATCH/data-xlsx"
    run "gateway import .xlsx 1/4" "$GATEWAY_BIN" import "$XLSX_QUARTER" --profile 12345 \
        --config "$SCRATCH/config" --data-dir "$SCRATCH/data-xlsx" --json
    rm -rf "$SCRATCH/data-xlsx"
    run "gateway import .xlsx" "$GATEWAY_BIN" import "$XLSX" --profile 12345 --config "$SCRATCH/config" \
        --data-dir "$SCRATCH/data-xlsx" --json
    rm -rf "$SCRATCH/data-xlsx"
fi

mkdir -p bench-results
python3 - "$SCRATCH/results" "$ROWS" "$CSV" "$SCRATCH/routing-check.txt" <<'PY' | tee bench-results/hotline.md
import json, os, statistics, sys
results, rows, csv_path, routing_check = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
by = {}
for line in open(results, encoding="utf-8"):
    name, secs, rss, out = line.rstrip("\n").split("\t", 3)
    by.setdefault(name, []).append((float(secs), int(rss), out))
def med(name): return statistics.median(s for s, _, _ in by[name])
def report(name):
    if name not in by: return None
    out = by[name][-1][2]
    try:
        return json.loads(out[out.index("{"):]) if out.startswith("{") else None
    except ValueError:
        return None
size_mb = os.path.getsize(csv_path) / 1e6
print("### Hotline CSV import (%d rows, GBK, %.0f MB, 1%% malformed rows)\n" % (rows, size_mb))
print("| pipeline | seconds | rows/s | peak RSS |")
print("|---|---:|---:|---:|")
for name in ("sqlite3 .import", "baseline_import.py", "gateway import", "gateway import 4M", "gateway re-import 1M",
             "gateway import .xlsx 1/4", "gateway import .xlsx"):
    if name not in by: continue
    # A workbook's rows are counted from its report (the CSV's deliberately broken rows read apart).
    n = rows * 4 if name.endswith("4M") else rows
    if ".xlsx" in name and report(name):
        n = report(name)["rows"]
    print("| %s | %.2f | %s | %.0f MB |" % (name, med(name), format(int(n / med(name)), ","),
                                           max(r for _, r, _ in by[name]) / 1024))
gw, sq, py = rows / med("gateway import"), rows / med("sqlite3 .import"), rows / med("baseline_import.py")
ok = lambda b: "PASS" if b else "FAIL"
print()
print("- **%s** gateway >= 0.5 x sqlite3 .import: %.2f x" % (ok(gw >= 0.5 * sq), gw / sq))
print("- **%s** gateway >= 2.5 x baseline_import.py: %.2f x" % (ok(gw >= 2.5 * py), gw / py))
if "gateway import 4M" in by:
    # Flat: the 4x file may take at most 8 MB (allocator noise) more than the 1x file.
    rss1 = max(r for _, r, _ in by["gateway import"]) / 1024
    rss4 = max(r for _, r, _ in by["gateway import 4M"]) / 1024
    print("- **%s** peak RSS flat for %s and %s rows: %.0f MB and %.0f MB" % (
        ok(rss4 <= rss1 + 8), format(rows, ","), format(rows * 4, ","), rss1, rss4))
if "gateway import .xlsx" in by and "gateway import .xlsx 1/4" in by:
    quarter = max(r for _, r, _ in by["gateway import .xlsx 1/4"]) / 1024
    whole = max(r for _, r, _ in by["gateway import .xlsx"]) / 1024
    print("- **%s** .xlsx workbook peak RSS flat for a quarter and all of the rows: %.0f MB and %.0f MB; "
          "%.2f x the CSV's rows/s" % (ok(whole <= quarter + 16), quarter, whole,
                                       report("gateway import .xlsx")["rows"] / med("gateway import .xlsx") / gw))
both, differ, missing, broken, examples = open(routing_check, encoding="utf-8").read().rstrip("\n").split("\t")
print("- **%s** routing as the baseline routes: %s of %s tickets both took routed to another department%s; "
      "%s tickets the baseline took were rejected by the gateway, %s of them rows gen_calls.py's manifest lists as "
      "malformed on purpose" % (ok(differ == "0" and int(both) > 0), differ, format(int(both), ","),
                                " (%s)" % examples if examples else "", format(int(missing), ","), format(int(broken), ",")))
r = report("gateway import")
if r:
    print("- gateway report: rows %d, accepted %d, duplicates %d, rejected %d, warnings %d"
          % (r["rows"], r["accepted"], r["duplicates"], r["rejected"], r["warnings"]))
r = report("gateway re-import 1M")
if r:
    print("- re-import of the 1M file into the 4M store: accepted %d, duplicates %d" % (r["accepted"], r["duplicates"]))
PY
# Like the other rows: a missed target makes `make bench` fail.
if grep -q '^- \*\*FAIL\*\*' bench-results/hotline.md; then exit 1; fi
