#!/usr/bin/env bash
# The SMS rows of `make bench`: signed Twilio webhooks accepted per second (durable), side by side
# in one run with nginx `return 200`, the gateway stack's own constant-200 server, and the Python
# peer (a Flask-style handler verifying the signature and committing each webhook to SQLite).
#
#   bash scripts/bench-sms.sh          # bench.sh calls it at its end with its binaries
#
# Every row: wrk -t1 -c32 --latency with Benchmarks/wrk/twilio-signed.lua, sending webhooks that
# Benchmarks/wrk/twilio_presign.py signed before the run, each with its own MessageSid, so every
# request is a new complaint: the warm-ups send the file's first 40,000, the measured runs the
# rest (20,000 per second of BENCH_SECONDS, more than any row here stores). Signing in the
# load generator itself (LuaJIT) cost it a whole core and capped every row, nginx's included,
# at about 20,000 req/s. The gateway runs the sample config (synchronous=FULL) and delivers
# the accepted messages to the nginx at the same time. Afterwards the store must hold one
# complaint per 2xx (a run that sent the file round again would fail it). Prints a Markdown
# table and saves it to bench-results/sms.md.
# Targets: gateway >= 0.2 x nginx req/s, >= 10 x the Python peer, p99 < 25 ms.
#
# Environment: BENCH_SECONDS (10), BENCH_WARMUP (2); GATEWAY_BIN / CEILING_BIN skip the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

BENCH_SECONDS="${BENCH_SECONDS:-10}"
BENCH_WARMUP="${BENCH_WARMUP:-2}"
CONNECTIONS=32
WARMUP_MESSAGES=40000 MEASURED_MESSAGES=$((BENCH_SECONDS * 20000))
NGINX_PORT=18281 CEILING_PORT=18282 GATEWAY_PORT=18283 PEER_PORT=18284
LUA="$ROOT/Benchmarks/wrk/twilio-signed.lua"
NGINX_CONF_IN="${NGINX_CONF_IN:-$ROOT/../shared/samples/bench/nginx200.conf.in}"
CURL=(curl -sS --noproxy '*')
export WRK_TWILIO_TOKEN="bench-twilio-token-0123456789abcd"
export WRK_PUBLIC_URL="https://sms.example.org/v1/sms/twilio"
export TWILIO_AUTH_TOKEN="$WRK_TWILIO_TOKEN" PUBLIC_BASE_URL="https://sms.example.org"
export GATEWAY_TOKEN="bench-token-$$"

# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries GATEWAY_BIN=complaint-gateway CEILING_BIN=bench-ceiling

SCRATCH="$(mktemp -d /tmp/cg-bench-sms.XXXXXX)"
chmod 755 "$SCRATCH"
declare -A PIDS=()
# shellcheck source=scripts/lib/processes.sh
. scripts/lib/processes.sh
# shellcheck source=scripts/lib/outbox-drain.sh
. scripts/lib/outbox-drain.sh
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    stop_all
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
die() { echo "bench-sms: $*" >&2; exit 1; }
bench() {  # bench CASE URL [CMD...]: warm up, run CMD, measure -> $SCRATCH/CASE.json
    local case="$1" url="$2"; shift 2
    echo "== $case: $url"
    WRK_PRESIGNED_START=0 wrk -t1 -c"$CONNECTIONS" -d"${BENCH_WARMUP}s" --latency -s "$LUA" "$url" \
        >"$SCRATCH/$case.warmup.txt"
    if (($#)); then "$@"; fi
    WRK_PRESIGNED_START="$WARMUP_MESSAGES" wrk -t1 -c"$CONNECTIONS" -d"${BENCH_SECONDS}s" --latency -s "$LUA" "$url" |
        tee "$SCRATCH/$case.txt"
    grep -m1 '^WRKJSON ' "$SCRATCH/$case.txt" | cut -d' ' -f2- >"$SCRATCH/$case.json" || die "no WRKJSON for $case"
}
rows() { sqlite3 -cmd ".timeout 5000" "$1" "select count(*) from $2"; }
# shellcheck disable=SC2317  # called by bench()
mark_gateway() { sleep 1; GATEWAY_BEFORE="$(rows "$SCRATCH/gateway-data/gateway.sqlite" complaints)"; }
# shellcheck disable=SC2317  # called by bench()
mark_peer() { sleep 1; PEER_BEFORE="$(rows "$SCRATCH/peer.sqlite" messages)"; }

command -v nginx >/dev/null && [[ -f "$NGINX_CONF_IN" ]] || die "needs nginx and $NGINX_CONF_IN"
python3 "$ROOT/Benchmarks/wrk/twilio_presign.py" --count $((WARMUP_MESSAGES + MEASURED_MESSAGES)) \
    --token "$WRK_TWILIO_TOKEN" --url "$WRK_PUBLIC_URL" --out "$SCRATCH/presigned.txt"
export WRK_PRESIGNED="$SCRATCH/presigned.txt"
mkdir -p "$SCRATCH/nginx"
sed -e "s|@DIR@|$SCRATCH/nginx|g" -e "s|@PORT@|$NGINX_PORT|g" "$NGINX_CONF_IN" >"$SCRATCH/nginx/nginx.conf"
start nginx "$NGINX_PORT" nginx -p "$SCRATCH/nginx" -e "$SCRATCH/nginx/error.log" -c "$SCRATCH/nginx/nginx.conf"
wait_http nginx "http://127.0.0.1:$NGINX_PORT/"
bench nginx "http://127.0.0.1:$NGINX_PORT/v1/sms/twilio"
export DOWNSTREAM_URL="http://127.0.0.1:$NGINX_PORT"   # nginx stays up: the departments

start ceiling "$CEILING_PORT" "$CEILING_BIN" --listen "127.0.0.1:$CEILING_PORT"
wait_http ceiling "http://127.0.0.1:$CEILING_PORT/"
bench ceiling "http://127.0.0.1:$CEILING_PORT/v1/sms/twilio"
stop_proc ceiling

mkdir -p "$SCRATCH/gateway-data"
start gateway "$GATEWAY_PORT" "$GATEWAY_BIN" serve --config "$ROOT/config" --data-dir "$SCRATCH/gateway-data" \
    --listen "127.0.0.1:$GATEWAY_PORT"
wait_http gateway "http://127.0.0.1:$GATEWAY_PORT/v1/sms/twilio"
bench gateway "http://127.0.0.1:$GATEWAY_PORT/v1/sms/twilio" mark_gateway
DRAIN="$(outbox_drain "$SCRATCH/gateway-data/gateway.sqlite")"
stop_proc gateway
GATEWAY_AFTER="$(rows "$SCRATCH/gateway-data/gateway.sqlite" complaints)"

start peer "$PEER_PORT" python3 "$ROOT/Benchmarks/sms-peer/twilio_peer.py" --port "$PEER_PORT" \
    --db "$SCRATCH/peer.sqlite" --token "$WRK_TWILIO_TOKEN" --public-url "$WRK_PUBLIC_URL"
wait_http peer "http://127.0.0.1:$PEER_PORT/v1/sms/twilio"
bench peer "http://127.0.0.1:$PEER_PORT/v1/sms/twilio" mark_peer
stop_proc peer
PEER_AFTER="$(rows "$SCRATCH/peer.sqlite" messages)"

mkdir -p bench-results
status=0
python3 - "$SCRATCH" "$GATEWAY_BEFORE" "$GATEWAY_AFTER" "$PEER_BEFORE" "$PEER_AFTER" "$CONNECTIONS" "$BENCH_SECONDS" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo uncommitted)" "$DRAIN" >bench-results/sms.md <<'PY' || status=$?
import json, os, sys, time
scratch, gb, ga, pb, pa, conns, secs, commit, drain = sys.argv[1:]
load = lambda c: json.load(open(f"{scratch}/{c}.json"))
res = {c: load(c) for c in ["nginx", "ceiling", "gateway", "peer"]}
errors = lambda r: r["err_status"] + r["err_connect"] + r["err_read"] + r["err_write"] + r["err_timeout"]
labels = {"nginx": "nginx `return 200` (reference)", "ceiling": "bench-ceiling (Hummingbird, constant 200)",
          "gateway": "gateway `POST /v1/sms/twilio`, signed, durable, delivering to nginx",
          "peer": "Python peer (verify + SQLite commit per webhook, FULL)"}
n = res["nginx"]["rps"]
out = [f"# SMS webhook benchmark, {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}", "",
       f"{os.cpu_count()} CPUs, commit {commit}; `wrk -t1 -c{conns} -d{secs}s --latency`, "
       "Twilio incoming-message form (Chinese text), a new MessageSid and X-Twilio-Signature per request "
       "(signed before the run, so signing costs the load generator nothing).", "",
       "| case | req/s | p50 ms | p99 ms | errors | ratio to nginx |", "|---|---:|---:|---:|---:|---:|"]
for c, label in labels.items():
    r = res[c]
    out.append(f"| {label} | {r['rps']:,.0f} | {r['p50_us']/1000:.2f} | {r['p99_us']/1000:.2f} | {errors(r)} "
               f"| {r['rps']/n:.2f} |")
g, p = res["gateway"], res["peer"]
grows, prows = int(ga) - int(gb), int(pa) - int(pb)
ok2xx = g["requests"] - g["err_status"]
conns = int(conns)
checks = [
    (g["rps"] >= 0.2 * n, f"gateway >= 0.2 x nginx: {g['rps']/n:.2f}"),
    (g["rps"] >= 10 * p["rps"], f"gateway >= 10 x Python peer: {g['rps']/max(p['rps'], 1):.1f} x"),
    (g["p99_us"] / 1000 < 25, f"gateway p99 < 25 ms: {g['p99_us']/1000:.2f} ms"),
    (errors(g) == 0, f"gateway errors: {errors(g)}"),
    (ok2xx <= grows <= ok2xx + conns, f"store: wrk counted {ok2xx} 2xx, `complaints` gained {grows} rows"),
]
out.append("")
out += [f"- **{'PASS' if ok else 'FAIL'}** {text}" for ok, text in checks]
backlog, drain_s = drain.split()
out.append(f"- delivery backlog: {backlog} messages not yet delivered when wrk stopped, all delivered {drain_s} s later")
print("\n".join(out))
sys.exit(0 if all(ok for ok, _ in checks) else 1)
PY
cat bench-results/sms.md
exit "$status"
