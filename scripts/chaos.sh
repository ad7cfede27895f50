#!/usr/bin/env bash
# `make chaos`: the gateway killed under mixed load, a full disk, department outages — with
# figures. The phases and their checks are in scripts/chaos/chaos.py; docs/chaos.md explains them.
#
#   bash scripts/chaos.sh [chaos.py options, e.g. --kills 20 --outage-seconds 300 --phases crash]
#
# Environment: CHAOS_SHORT=1 runs the short version (what CI runs: 3 kills, a 12 s outage);
# CHAOS_BUILD=release (default) or debug chooses the binary (CI uses the debug build it already
# made, so the short run costs no second compile); CHAOS_BIN points at a binary directly.
# Needs root for the disk-full phase (it mounts a small tmpfs); elsewhere pass --allow-no-mount.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${CHAOS_BIN:-}" ]]; then
    # shellcheck source=scripts/install-deps.sh
    . scripts/install-deps.sh
    configuration="${CHAOS_BUILD:-release}"
    swift build -c "$configuration" --product complaint-gateway
    CHAOS_BIN="$(swift build -c "$configuration" --show-bin-path)/complaint-gateway"
fi
args=()
[[ "${CHAOS_SHORT:-0}" == 1 ]] && args+=(--short)
exec python3 scripts/chaos/chaos.py --binary "$CHAOS_BIN" "${args[@]}" "$@"
