#!/usr/bin/env bash
# The README's "test" command (and CI's, via .ci/run): dependencies, build, every test
# target, then the demo end to end as a smoke test.
#
#   bash scripts/test.sh [extra `swift test` arguments, e.g. --parallel or --filter Routing]
#
# Environment: SMOKE_PORT / SMOKE_RECEIVER_PORT (default 18080 / 19009, away from a demo you
# may have running on 8080 / 9009); DEMO_BUILD_CONFIGURATION (default debug: `swift build
# --build-tests` has already built the debug gateway, so the smoke test costs no second,
# release, compile; set release to smoke-test the optimized binary); FUZZ_SMOKE_SECONDS (default
# 5 seconds per fuzz target, scripts/fuzz.sh; 0 skips the fuzz step); TEST_TIME_LIMIT (default
# 1800 seconds for `swift test`: a run that hangs fails, naming the tests still running, instead
# of holding CI until its own limit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh

# Everything the run creates in the temp dir goes under one directory, removed at the end: the
# test log, the smoke test's data, the gateways' data directories, config copies, Foundation's and
# SwiftPM's scratch directories, Chromium's profile. A run used to leave a few hundred
# directories in /tmp.
TEST_TMP="$(mktemp -d /tmp/cg-test-run.XXXXXX)"
chmod 755 "$TEST_TMP"
trap 'rm -rf "$TEST_TMP"' EXIT
export TMPDIR="$TEST_TMP"
TEST_LOG="$TEST_TMP/swift-test.log"
SMOKE_DIR="$TEST_TMP/smoke"

echo "== swift format lint (.swift-format)"
swift format lint --strict --recursive Sources Tests Benchmarks adapters Package.swift Fuzz

echo "== swift build --build-tests"
swift build --build-tests

echo "== swift test $*"
status=0
# Every suite uses Swift Testing; XCTest is disabled so its empty "Executed 0 tests" line
# cannot be mistaken for the run's result.
# Line-buffered (stdbuf), so that the log of a run stopped at the time limit still holds every
# "started" line and the tests still running can be named.
timeout --kill-after=30 "${TEST_TIME_LIMIT:-1800}" stdbuf -oL -eL swift test --disable-xctest "$@" 2>&1 | tee "$TEST_LOG" ||
    status=$?
if ((status == 124 || status == 137)); then
    echo "FAIL: swift test still running after ${TEST_TIME_LIMIT:-1800} s; tests started and not ended:" >&2
    started="$(sed -nE 's/^.*Test "(.*)" started\.$/\1/p' "$TEST_LOG" | sort)"
    ended="$(sed -nE 's/^.*Test "(.*)" (passed|failed|skipped).*$/\1/p' "$TEST_LOG" | sort)"
    comm -23 <(echo "$started") <(echo "$ended") | sed 's/^/  /' >&2
fi
echo "== swift test summary"
summary="$(grep -E "Test run with [0-9]+ tests?" "$TEST_LOG" | tail -n 1 || true)"
echo "${summary:-no Swift Testing summary line}"
if ((status != 0)); then
    echo "FAIL: swift test exited with $status" >&2
    exit "$status"
fi
passed="$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$summary")"
[[ -n "$passed" && "$passed" -gt 0 ]] || { echo "FAIL: no tests ran" >&2; exit 1; }

# A cold sanitized build of the harness is the bulk of this step (see docs/fuzzing.md).
if [[ "${FUZZ_SMOKE_SECONDS:-5}" != 0 ]]; then
    echo "== fuzz smoke test: scripts/fuzz.sh ${FUZZ_SMOKE_SECONDS:-5} (every parser under libFuzzer + ASan, docs/fuzzing.md)"
    bash scripts/fuzz.sh "${FUZZ_SMOKE_SECONDS:-5}"
fi

echo "== browser test: scripts/test-browser.sh (upload page in headless Chromium)"
bash scripts/test-browser.sh "$(swift build --show-bin-path)/complaint-gateway"

echo "== smoke test: DEMO_EXIT=1 scripts/demo.sh"
DEMO_EXIT=1 \
    PORT="${SMOKE_PORT:-18080}" RECEIVER_PORT="${SMOKE_RECEIVER_PORT:-19009}" \
    DATA_DIR="$SMOKE_DIR/data" BUILD_CONFIGURATION="${DEMO_BUILD_CONFIGURATION:-debug}" \
    bash scripts/demo.sh
echo "== chaos, short: scripts/chaos.sh (kill -9 under load, a full disk, department outages)"
# --allow-no-mount: where a container forbids mounting the small tmpfs, the disk-full phase
# is reported as SKIP instead of failing the suite (`make chaos` does not allow that).
CHAOS_SHORT=1 CHAOS_BIN="$(swift build --show-bin-path)/complaint-gateway" bash scripts/chaos.sh --allow-no-mount
echo "== all tests passed"
# The plain closing line CI reads: the Swift Testing count, the browser test, the demo smoke
# test, the short chaos run.
echo "$((passed + 3)) passed, 0 failed"
