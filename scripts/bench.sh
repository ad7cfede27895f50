#!/usr/bin/env bash
# `make bench`: the gateway's intake throughput and latency against the HTTP ceiling of the
# same server stack, measured side by side in one run on this machine.
#
#   bash scripts/bench.sh
#
# Rows (each: 2 s warm-up, then wrk -t1 -c32 -d${BENCH_SECONDS}s --latency, the same 300-byte
# Chinese complaint JSON and bearer header, Benchmarks/wrk/post-complaint.lua):
#   bench-ceiling  the same Hummingbird server answering every POST with a constant 200
#   nginx          nginx `return 200` from ../shared/samples/bench/nginx200.conf.in (reference;
#                  skipped when nginx or the template is missing)
#   gateway        complaint-gateway serve, fresh data dir (default synchronous=FULL), POST
#                  /v1/complaints without Idempotency-Key (every request is a new complaint),
#                  delivering to the nginx above (or to a second bench-ceiling) so dispatch runs too
# Then checks that the store holds a row for every 2xx wrk saw, prints a Markdown table with the
# target (gateway >= 0.5 x bench-ceiling req/s, p99 < 25 ms) and saves it to
# bench-results/latest.md. Exits 1 when a check fails.
#
# Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_KEEP=1 keeps the scratch dir;
# GATEWAY_BIN / CEILING_BIN use these binaries instead of building; NGINX_CONF_IN overrides the
# nginx template.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

BENCH_SECONDS="${BENCH_SECONDS:-10}"
BENCH_WARMUP="${BENCH_WARMUP:-2}"
CONNECTIONS=32
CEILING_PORT=18181 NGINX_PORT=18182 GATEWAY_PORT=18183 DOWNSTREAM_PORT=18184 PAUSED_PORT=18185
LUA="$ROOT/Benchmarks/wrk/post-complaint.lua"
NGINX_CONF_IN="${NGINX_CONF_IN:-$ROOT/../shared/samples/bench/nginx200.conf.in}"
CURL=(curl -sS --noproxy '*')   # loopback only, whatever proxy the environment sets

# One 300-byte complaint for every row, so the rows differ only in the server.
export WRK_BODY='{"text":"晚上11点了小区旁边的工地还在施工,打桩机的声音非常大,老人和孩子都没法休息,已经连续一周了,请尽快处理,谢谢!!!!","complainant":{"phone":"13812345678"},"category":"投诉","location":{"district":"西湖区","address":"文三路100号东侧工地"}}'
export WRK_TOKEN="bench-token-$$"
export GATEWAY_TOKEN="$WRK_TOKEN"

# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh

# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries GATEWAY_BIN=complaint-gateway CEILING_BIN=bench-ceiling

SCRATCH="$(mktemp -d /tmp/cg-bench.XXXXXX)"
chmod 755 "$SCRATCH"   # nginx workers run as nobody when started by root and must reach it
declare -A PIDS=()     # name -> pid of every process started here

# shellcheck source=scripts/lib/processes.sh
. scripts/lib/processes.sh
# shellcheck source=scripts/lib/outbox-drain.sh
. scripts/lib/outbox-drain.sh
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    stop_all
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "bench: scratch kept in $SCRATCH"; else rm -rf "$SCRATCH"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "bench: $*" >&2; exit 1; }
bench() {  # bench CASE URL [CMD...]: warm up, run CMD, measure; WRKJSON object -> $SCRATCH/CASE.json
    local case="$1" url="$2"; shift 2
    echo "== $case: $url (warm-up ${BENCH_WARMUP}s, then ${BENCH_SECONDS}s)"
    wrk -t1 -c"$CONNECTIONS" -d"${BENCH_WARMUP}s" --latency -s "$LUA" "$url" >"$SCRATCH/$case.warmup.txt"
    if (($#)); then "$@"; fi
    wrk -t1 -c"$CONNECTIONS" -d"${BENCH_SECONDS}s" --latency -s "$LUA" "$url" | tee "$SCRATCH/$case.txt"
    grep -m1 '^WRKJSON ' "$SCRATCH/$case.txt" | cut -d' ' -f2- >"$SCRATCH/$case.json" \
        || die "no WRKJSON line from wrk for $case"
}
count_rows() {  # rows in the contract's table; waits up to 5 s if the gateway holds a lock
    sqlite3 -cmd ".timeout 5000" "$GATEWAY_DATA/gateway.sqlite" "select count(*) from complaints"
}

[[ -x "$CEILING_BIN" ]] || die "no bench-ceiling binary at $CEILING_BIN"
[[ -x "$GATEWAY_BIN" ]] || die "no complaint-gateway binary at $GATEWAY_BIN"
echo "bench: scratch $SCRATCH, body $(printf %s "$WRK_BODY" | wc -c) bytes, wrk -t1 -c$CONNECTIONS -d${BENCH_SECONDS}s"

# a. the ceiling: same server stack, no work.
start ceiling "$CEILING_PORT" "$CEILING_BIN" --listen "127.0.0.1:$CEILING_PORT"
wait_http ceiling "http://127.0.0.1:$CEILING_PORT/"
bench ceiling "http://127.0.0.1:$CEILING_PORT/v1/complaints"
stop_proc ceiling

# b. nginx `return 200`, for reference; it then stands in for the departments.
if command -v nginx >/dev/null && [[ -f "$NGINX_CONF_IN" ]]; then
    mkdir -p "$SCRATCH/nginx"
    sed -e "s|@DIR@|$SCRATCH/nginx|g" -e "s|@PORT@|$NGINX_PORT|g" "$NGINX_CONF_IN" >"$SCRATCH/nginx/nginx.conf"
    # -e: nginx would otherwise first try the system's /var/log/nginx/error.log.
    start nginx "$NGINX_PORT" nginx -p "$SCRATCH/nginx" -e "$SCRATCH/nginx/error.log" -c "$SCRATCH/nginx/nginx.conf"
    wait_http nginx "http://127.0.0.1:$NGINX_PORT/"
    bench nginx "http://127.0.0.1:$NGINX_PORT/v1/complaints"
    export DOWNSTREAM_URL="http://127.0.0.1:$NGINX_PORT"
else
    echo "== nginx: skipped (no nginx on PATH or no $NGINX_CONF_IN)"
    start downstream "$DOWNSTREAM_PORT" "$CEILING_BIN" --listen "127.0.0.1:$DOWNSTREAM_PORT"
    wait_http downstream "http://127.0.0.1:$DOWNSTREAM_PORT/"
    export DOWNSTREAM_URL="http://127.0.0.1:$DOWNSTREAM_PORT"
fi

# c. the gateway: intake + commit (raw, record, routing, outbox) + delivery to DOWNSTREAM_URL.
GATEWAY_DATA="$SCRATCH/gateway-data"
mkdir -p "$GATEWAY_DATA"
start gateway "$GATEWAY_PORT" "$GATEWAY_BIN" serve --config "$ROOT/config" --data-dir "$GATEWAY_DATA" --listen "127.0.0.1:$GATEWAY_PORT"
wait_http gateway "http://127.0.0.1:$GATEWAY_PORT/readyz" 200
# shellcheck disable=SC2317  # called by bench()
rows_after_warmup() {  # the warm-up's complaints are in the store too: count from here
    sleep 1   # let the requests in flight when the warm-up's wrk stopped finish
    ROWS_BEFORE="$(count_rows)"
}
bench gateway "http://127.0.0.1:$GATEWAY_PORT/v1/complaints" rows_after_warmup
DRAIN="$(outbox_drain "$GATEWAY_DATA/gateway.sqlite")"
# Stop it before counting: every request it accepted is then either committed or not.
stop_proc gateway
ROWS_AFTER="$(count_rows)"
GATEWAY_ROWS_BEFORE_SAVED="$ROWS_BEFORE"
echo "bench: complaints rows: $ROWS_BEFORE after warm-up, $ROWS_AFTER after the run"

# d. intake alone: the same gateway with `dispatch.paused: true` (stores, delivers nothing), so
#    the table separates the cost of accepting from the cost of delivering.
PAUSED_CONFIG="$SCRATCH/config-paused"
cp -r "$ROOT/config" "$PAUSED_CONFIG"
sed -i 's/^dispatch:$/dispatch:\n  paused: true/' "$PAUSED_CONFIG/gateway.yaml"
grep -q '^  paused: true' "$PAUSED_CONFIG/gateway.yaml" || die "could not pause dispatch in the bench config"
GATEWAY_DATA="$SCRATCH/gateway-paused-data"
mkdir -p "$GATEWAY_DATA"
start gateway-paused "$PAUSED_PORT" "$GATEWAY_BIN" serve --config "$PAUSED_CONFIG" --data-dir "$GATEWAY_DATA" \
    --listen "127.0.0.1:$PAUSED_PORT"
wait_http gateway-paused "http://127.0.0.1:$PAUSED_PORT/readyz" 200
bench gateway-paused "http://127.0.0.1:$PAUSED_PORT/v1/complaints" rows_after_warmup
stop_proc gateway-paused
PAUSED_BEFORE="$ROWS_BEFORE" PAUSED_AFTER="$(count_rows)"
ROWS_BEFORE="$GATEWAY_ROWS_BEFORE_SAVED"

mkdir -p bench-results
status=0
python3 - "$SCRATCH" "$ROWS_BEFORE" "$ROWS_AFTER" "$CONNECTIONS" "$BENCH_SECONDS" "$BENCH_WARMUP" \
    "$(printf %s "$WRK_BODY" | wc -c)" "$(git rev-parse --short HEAD 2>/dev/null || echo uncommitted)" \
    "$DOWNSTREAM_URL" "$PAUSED_BEFORE" "$PAUSED_AFTER" "$DRAIN" >bench-results/latest.md <<'EOF' || status=$?
import json, os, platform, sys, time
scratch, before, after, conns, secs, warm, body_bytes, commit, downstream, pbefore, pafter, drain = sys.argv[1:]
rows, prows, conns = int(after) - int(before), int(pafter) - int(pbefore), int(conns)
load = lambda c: json.load(open(f"{scratch}/{c}.json")) if os.path.exists(f"{scratch}/{c}.json") else None
cases = [("ceiling", "bench-ceiling (Hummingbird, constant 200)"),
         ("nginx", "nginx `return 200` (reference)"),
         ("gateway", "gateway `POST /v1/complaints`, delivering concurrently"),
         ("gateway-paused", "gateway `POST /v1/complaints`, intake only (`dispatch.paused`)")]
res = {c: load(c) for c, _ in cases}
errors = lambda r: r["err_status"] + r["err_connect"] + r["err_read"] + r["err_write"] + r["err_timeout"]
ceiling = res["ceiling"]["rps"]
out = [f"# Complaint Gateway benchmark, {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}", "",
       f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, commit {commit}; "
       f"`wrk -t1 -c{conns} -d{secs}s --latency` after a {warm} s warm-up, "
       f"{body_bytes}-byte complaint JSON, bearer header on every row; gateway: fresh store "
       f"(default synchronous=FULL), delivering to {downstream}.", "",
       "| case | req/s | p50 ms | p99 ms | errors | ratio to ceiling |",
       "|---|---:|---:|---:|---:|---:|"]
for c, label in cases:
    r = res[c]
    if r is None:
        out.append(f"| {label} | skipped | | | | |")
        continue
    out.append(f"| {label} | {r['rps']:,.0f} | {r['p50_us']/1000:.2f} | {r['p99_us']/1000:.2f} "
               f"| {errors(r)} | {r['rps']/ceiling:.2f} |")
g = res["gateway"]
ratio, p99 = g["rps"] / ceiling, g["p99_us"] / 1000
ok2xx = g["requests"] - g["err_status"]   # wrk counts status > 399 as errors; no 3xx expected
verdict = lambda ok: "PASS" if ok else "FAIL"
checks = [
    (ratio >= 0.5 and p99 < 25,
     f"target: gateway >= 0.5 x ceiling req/s and p99 < 25 ms: ratio {ratio:.2f}, p99 {p99:.2f} ms"),
    (errors(g) == 0, f"gateway errors (non-2xx + socket errors): {errors(g)}"),
    # Every 2xx must have its row (a 2xx without one is a lost complaint). Up to one request per
    # connection can be committed whose 201 wrk never read because it stopped first.
    (ok2xx <= rows <= ok2xx + conns,
     f"store: wrk counted {ok2xx} 2xx, `complaints` gained {rows} rows during the run"
     + (" (equal)" if rows == ok2xx else f" ({rows - ok2xx} in flight when wrk stopped, at most {conns})"
        if ok2xx < rows <= ok2xx + conns else "")),
]
p = res["gateway-paused"]
if p is not None:
    pok = p["requests"] - p["err_status"]
    checks.append((errors(p) == 0 and pok <= prows <= pok + conns,
                   f"intake only: {errors(p)} errors; wrk counted {pok} 2xx, `complaints` gained {prows} rows"))
out.append("")
out += [f"- **{verdict(ok)}** {text}" for ok, text in checks]
backlog, drain_s = drain.split()
out.append(f"- delivery backlog: {backlog} complaints not yet delivered when wrk stopped, all delivered "
           f"{drain_s} s later")
print("\n".join(out))
sys.exit(0 if all(ok for ok, _ in checks) else 1)
EOF
echo
cat bench-results/latest.md
echo
echo "bench: saved bench-results/latest.md"
bash scripts/bench-routing.sh || status=1   # routing rows: decisions/s at 100/1,000/10,000 rules
GATEWAY_BIN="$GATEWAY_BIN" CEILING_BIN="$CEILING_BIN" bash scripts/bench-sms.sh || status=1
EMAIL_BIN="${EMAIL_BIN:-}" bash scripts/bench-email.sh || status=1   # email rows: MB/s parsing vs Python email
GATEWAY_BIN="$GATEWAY_BIN" bash scripts/bench-dispatch.sh || status=1
GATEWAY_BIN="$GATEWAY_BIN" bash scripts/bench-hotline.sh || status=1
GATEWAY_BIN="$GATEWAY_BIN" bash scripts/bench-hostile.sh || status=1   # oversized heads, slow-loris: memory and latency
exit "$status"
