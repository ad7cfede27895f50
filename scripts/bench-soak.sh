#!/usr/bin/env bash
# Soak: the gateway taking and delivering complaints for a long while, watched for what grows.
#
#   bash scripts/bench-soak.sh [ROUNDS]
#
# Starts `complaint-gateway serve` on a fresh data directory with the sample config, every
# department delivering to a bench-ceiling on 127.0.0.1, then runs ROUNDS (default 12) rounds of
# wrk -t1 -c$SOAK_CONNECTIONS (8) for SOAK_SECONDS (20) with the API complaint of scripts/bench.sh.
# After each round it prints one line: the round's req/s and p99, the gateway's resident memory
# (and its peak), the WAL and database sizes, the outbox backlog, and the process's threads and
# open file descriptors. A leak shows as a column that keeps growing while the rate stays flat;
# the WAL stays bounded by its checkpoints, the database grows with the complaints.
#
# Environment: SOAK_SECONDS, SOAK_CONNECTIONS, GATEWAY_BIN / CEILING_BIN (else a release build),
# BENCH_KEEP=1 keeps the scratch directory (the database grows by about 2.3 KB per complaint).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUNDS="${1:-12}" SECS="${SOAK_SECONDS:-20}" CONNECTIONS="${SOAK_CONNECTIONS:-8}"
GATEWAY_PORT=18291 DOWNSTREAM_PORT=18292
# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh
# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries GATEWAY_BIN=complaint-gateway CEILING_BIN=bench-ceiling
# shellcheck source=scripts/lib/scratch.sh
. scripts/lib/scratch.sh
bench_scratch soak

cp -r config "$SCRATCH/config"
"$CEILING_BIN" --listen "127.0.0.1:$DOWNSTREAM_PORT" >/dev/null 2>&1 &
PIDS+=($!)
# shellcheck source=scripts/lib/api-load.sh
. scripts/lib/api-load.sh
api_load_environment "$DOWNSTREAM_PORT"
"$GATEWAY_BIN" serve --config "$SCRATCH/config" --data-dir "$SCRATCH/data" --listen "127.0.0.1:$GATEWAY_PORT" \
    >"$SCRATCH/gateway.log" 2>&1 &
GATEWAY=$!
PIDS+=("$GATEWAY")
for _ in $(seq 100); do curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/readyz" && break; sleep 0.1; done

status() { awk -v key="$1" '$1 == key ":" {print $2}' "/proc/$GATEWAY/status"; }
# A file's size in MB (0 when it does not exist).
megabytes() { awk -v bytes="$(stat -c %s "$1" 2>/dev/null || echo 0)" 'BEGIN {printf "%.1f", bytes / 1048576}'; }
echo "| round | time | req/s | p99 | RSS MB (peak) | WAL MB | database MB | outbox pending | threads | fds |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
    wrk -t1 -c"$CONNECTIONS" -d"${SECS}s" --latency -s Benchmarks/wrk/post-complaint.lua \
        "http://127.0.0.1:$GATEWAY_PORT/v1/complaints" >"$SCRATCH/wrk.txt"
    kill -0 "$GATEWAY" 2>/dev/null || { tail -n 20 "$SCRATCH/gateway.log" >&2; echo "bench-soak: the gateway exited" >&2; exit 1; }
    rps="$(awk '/Requests\/sec/ {print $2}' "$SCRATCH/wrk.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$SCRATCH/wrk.txt")"
    pending="$(sqlite3 -cmd ".timeout 5000" "$SCRATCH/data/gateway.sqlite" "SELECT count(*) FROM outbox WHERE state = 'pending'")"
    printf '| %d | %s | %s | %s | %d (%d) | %s | %s | %s | %s | %s |\n' "$round" "$(date +%T)" "$rps" "$p99" \
        $(($(status VmRSS) / 1024)) $(($(status VmHWM) / 1024)) \
        "$(megabytes "$SCRATCH/data/gateway.sqlite-wal")" "$(megabytes "$SCRATCH/data/gateway.sqlite")" \
        "$pending" "$(status Threads)" "$(find "/proc/$GATEWAY/fd" -mindepth 1 | wc -l)"
done
