# Release binaries for the bench scripts (sourced, not run). Needs the repository root as the
# working directory.

# release_binaries VAR=PRODUCT...: when any VAR is empty or unset, builds every PRODUCT in release
# mode and points each empty VAR at its binary. A VAR already set (by the user, or by bench.sh for
# the scripts it calls with its own binaries) is kept, so one build serves the whole run.
release_binaries() {
    local pair name missing=0 bin_dir
    for pair in "$@"; do
        name="${pair%%=*}"
        [[ -n "${!name:-}" ]] || missing=1
    done
    ((missing)) || return 0
    # One product per invocation: `--product` takes a single value.
    for pair in "$@"; do swift build -c release --product "${pair#*=}"; done
    bin_dir="$(swift build -c release --show-bin-path)"
    for pair in "$@"; do
        name="${pair%%=*}"
        [[ -n "${!name:-}" ]] || printf -v "$name" '%s' "$bin_dir/${pair#*=}"
    done
}
