# shellcheck shell=bash
# bench_scratch NAME: makes SCRATCH (/tmp/cg-bench-NAME.XXXXXX) and an empty PIDS array for the
# processes the bench starts. On exit each of them is killed and waited for, and SCRATCH is
# removed (BENCH_KEEP=1 keeps it and says where).
bench_scratch() {
    BENCH_NAME="$1"
    SCRATCH="$(mktemp -d "/tmp/cg-bench-$BENCH_NAME.XXXXXX")"
    PIDS=()
    trap bench_scratch_cleanup EXIT
}

# shellcheck disable=SC2317
bench_scratch_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
        echo "bench-$BENCH_NAME: scratch kept in $SCRATCH"
    else
        rm -rf "$SCRATCH"
    fi
}
