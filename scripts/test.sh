#!/usr/bin/env bash
# The README's "test" command (and CI's, via .ci/run): dependencies, build, every test
# target, then the demo end to end as a smoke test.
#
#   bash scripts/test.sh [extra `swift test` arguments, e.g. --parallel or --filter Routing]
#
# Environment: SMOKE_PORT / SMOKE_RECEIVER_PORT (default 18080 / 19009, away from a demo you
# may have running on 8080 / 9009); DEMO_BUILD_CONFIGURATION (default debug: `swift build
# --build-tests` has already built the debug gateway, so the smoke test costs no second,
# release, compile; set release to smoke-test the optimized binary).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh

echo "== swift build --build-tests"
swift build --build-tests

echo "== swift test $*"
TEST_LOG="$(mktemp /tmp/cg-swift-test.XXXXXX)"
SMOKE_DIR="$(mktemp -d /tmp/cg-smoke.XXXXXX)"
trap 'rm -rf "$TEST_LOG" "$SMOKE_DIR"' EXIT
status=0
swift test "$@" 2>&1 | tee "$TEST_LOG" || status=$?
echo "== swift test summary"
# XCTest ends with "Executed N tests, with M failures", swift-testing with "Test run with N tests
# ... passed/failed"; print whichever the suites use.
grep -E "Executed [0-9]+ tests?, with|Test run with [0-9]+ tests?" "$TEST_LOG" | tail -n 2 || true
if ((status != 0)); then
    echo "FAIL: swift test exited with $status" >&2
    exit "$status"
fi

echo "== smoke test: DEMO_EXIT=1 scripts/demo.sh"
DEMO_EXIT=1 \
    PORT="${SMOKE_PORT:-18080}" RECEIVER_PORT="${SMOKE_RECEIVER_PORT:-19009}" \
    DATA_DIR="$SMOKE_DIR/data" BUILD_CONFIGURATION="${DEMO_BUILD_CONFIGURATION:-debug}" \
    bash scripts/demo.sh
echo "== all tests passed"
