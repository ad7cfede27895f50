#!/usr/bin/env bash
# The hostile-client rows of `make bench`: what oversized heads and slow-loris connections cost the
# gateway, and whether a normal client is still served while they hold connections.
#
#   bash scripts/bench-hostile.sh      # bench.sh calls it at its end with its binary
#
# Against the release build with the sample config: the gateway's resident memory at rest; after
# 2,000 requests each offering a 1 MiB header (every one must get 431, and memory must not grow
# with them); with 1,000 connections holding half a request head open (memory per held connection);
# and the latency of 200 normal GET /healthz while they are held, next to the same with none held.
# Prints a Markdown table and saves it to bench-results/hostile.md.
# Targets: growth after the 2,000 oversized heads < 16 MiB; < 64 KiB per held connection; the p99
# of normal requests while 1,000 are held < 25 ms.
#
# Environment: GATEWAY_BIN skips the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

# shellcheck source=scripts/lib/release-build.sh
. scripts/lib/release-build.sh
release_binaries GATEWAY_BIN=complaint-gateway
mkdir -p bench-results
python3 "$ROOT/Benchmarks/hostile/hostile_clients.py" "$GATEWAY_BIN" "$ROOT/config" | tee bench-results/hostile.md
exit "${PIPESTATUS[0]}"
