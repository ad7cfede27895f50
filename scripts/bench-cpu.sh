#!/usr/bin/env bash
# CPU time the gateway spends per accepted request: a figure that, unlike req/s, changes little
# when other work shares this machine's two cores. Used to compare builds before and after a change.
#
#   bash scripts/bench-cpu.sh [api|sms|get] [paused|deliver] [SECONDS]
#
# Starts `complaint-gateway serve` on a fresh data directory with the sample config (dispatch
# paused, or delivering to a bench-ceiling on 127.0.0.1), warms up for 2 s, then runs
# wrk -t1 -c32 for SECONDS (8) with the API complaint of scripts/bench.sh or signed Twilio
# webhooks (Benchmarks/wrk/twilio_presign.py), and prints req/s, latency and the gateway's user+system CPU divided by the complaints
# it stored (with `deliver`, measured from an empty outbox after the warm-up until every one of
# them is delivered). `get` reads instead: the warm-up stores API complaints, then wrk asks for
# one of them (`GET /v1/complaints/{id}`, the operator's view), and the CPU is divided by the
# requests answered. GATEWAY_BIN / CEILING_BIN use these binaries instead of building; PERF=1
# records a perf profile of the gateway (perf record options from PERF_ARGS, default "-F 2000 -g";
# "-F 300 --call-graph dwarf,32768" gives whole Swift stacks) into the scratch directory, which
# BENCH_KEEP=1 keeps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
CHANNEL="${1:-api}" MODE="${2:-paused}" SECS="${3:-8}"
GATEWAY_PORT=18191 DOWNSTREAM_PORT=18192
# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
# shellcheck source=scripts/lib/outbox-drain.sh
. scripts/lib/outbox-drain.sh
release_binaries GATEWAY_BIN=complaint-gateway CEILING_BIN=bench-ceiling
# shellcheck source=scripts/lib/scratch.sh
. scripts/lib/scratch.sh
bench_scratch cpu

cp -r config "$SCRATCH/config"
if [[ "$MODE" == paused ]]; then
    sed -i 's/^dispatch:$/dispatch:\n  paused: true/' "$SCRATCH/config/gateway.yaml"
else
    "$CEILING_BIN" --listen "127.0.0.1:$DOWNSTREAM_PORT" >/dev/null 2>&1 &
    PIDS+=($!)
fi
# shellcheck source=scripts/lib/api-load.sh
. scripts/lib/api-load.sh
api_load_environment "$DOWNSTREAM_PORT"
export WRK_TWILIO_TOKEN="bench-twilio-token-0123456789abcd" TWILIO_AUTH_TOKEN="bench-twilio-token-0123456789abcd"
export WRK_PUBLIC_URL="https://sms.example.org/v1/sms/twilio" PUBLIC_BASE_URL="https://sms.example.org"
case "$CHANNEL" in
    api) LUA="$ROOT/Benchmarks/wrk/post-complaint.lua" URL="http://127.0.0.1:$GATEWAY_PORT/v1/complaints" ;;
    sms)
        LUA="$ROOT/Benchmarks/wrk/twilio-signed.lua" URL="http://127.0.0.1:$GATEWAY_PORT/v1/sms/twilio"
        # Signed before the run (the load generator stays cheap): 40,000 for the warm-up, then
        # more than the gateway stores in SECS.
        python3 "$ROOT/Benchmarks/wrk/twilio_presign.py" --count $((40000 + SECS * 20000)) \
            --token "$WRK_TWILIO_TOKEN" --url "$WRK_PUBLIC_URL" --out "$SCRATCH/presigned.txt"
        export WRK_PRESIGNED="$SCRATCH/presigned.txt"
        ;;
    get) LUA="$ROOT/Benchmarks/wrk/post-complaint.lua" URL="http://127.0.0.1:$GATEWAY_PORT/v1/complaints" ;;
    *) echo "bench-cpu: channel must be api, sms or get" >&2; exit 2 ;;
esac

"$GATEWAY_BIN" serve --config "$SCRATCH/config" --data-dir "$SCRATCH/data" --listen "127.0.0.1:$GATEWAY_PORT" \
    >"$SCRATCH/gateway.log" 2>&1 &
GATEWAY=$!
PIDS+=("$GATEWAY")
for _ in $(seq 100); do curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/readyz" && break; sleep 0.1; done
WRK_PRESIGNED_START=0 wrk -t1 -c32 -d2s -s "$LUA" "$URL" >/dev/null
export WRK_PRESIGNED_START=40000
count() { sqlite3 -cmd ".timeout 5000" "$SCRATCH/data/gateway.sqlite" "select count(*) from complaints"; }
LOAD=(-s "$LUA")
if [[ "$CHANNEL" == get ]]; then
    # One complaint from the middle of those the warm-up stored, read over and over.
    id=$(sqlite3 -cmd ".timeout 5000" "$SCRATCH/data/gateway.sqlite" \
        "select id from complaints order by seq limit 1 offset (select count(*) / 2 from complaints)")
    URL="http://127.0.0.1:$GATEWAY_PORT/v1/complaints/$id" LOAD=(-H "Authorization: Bearer $WRK_TOKEN")
fi
# The CPU figure must include delivering every complaint taken: a dispatcher that fell behind
# would otherwise look cheap. So with `deliver` it counts from and to an empty outbox.
drained() {
    local drain
    read -r -a drain <<<"$(outbox_drain "$SCRATCH/data/gateway.sqlite")"
    echo "outbox: ${drain[0]} pending $1, empty ${drain[1]} s later"
}
if [[ "$MODE" == deliver ]]; then drained "after the warm-up"; fi
cpu() { awk '{print $14 + $15}' "/proc/$GATEWAY/stat"; }
rows0=$(count) ticks0=$(cpu)
if [[ -n "${PERF:-}" ]]; then
    perf record ${PERF_ARGS:--F 2000 -g} -p "$GATEWAY" -o "$SCRATCH/perf.data" >/dev/null 2>&1 &
    PERFPID=$!
fi
wrk -t1 -c32 -d"${SECS}s" --latency "${LOAD[@]}" "$URL" | tee "$SCRATCH/wrk.txt" | grep -E "Requests/sec| 50%| 99%"
if [[ "$MODE" == deliver ]]; then
    drained "after wrk stopped"
fi
if [[ -n "${PERF:-}" ]]; then kill -INT "$PERFPID"; wait "$PERFPID" || true; fi
rows1=$(count) ticks1=$(cpu)
if [[ "$CHANNEL" == get ]]; then
    answered=$(awk '/requests in/ {print $1}' "$SCRATCH/wrk.txt")
    grep -q "Non-2xx" "$SCRATCH/wrk.txt" && { echo "bench-cpu: some reads were not answered 200" >&2; exit 1; }
    python3 -c "
cpu = ($ticks1 - $ticks0) / $(getconf CLK_TCK)
print(f'$answered requests answered, gateway CPU {cpu:.2f} s: {cpu / $answered * 1e6:.0f} us per request (get, $MODE)')"
    exit 0
fi
python3 -c "
rows = $rows1 - $rows0; cpu = ($ticks1 - $ticks0) / $(getconf CLK_TCK)
print(f'{rows} complaints stored, gateway CPU {cpu:.2f} s: {cpu / rows * 1e6:.0f} us per complaint ($CHANNEL, $MODE)')"
