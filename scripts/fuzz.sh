#!/usr/bin/env bash
# `make fuzz`: coverage-guided fuzzing (libFuzzer, with AddressSanitizer) of every parser that
# reads outside input: MIME, hotline CSV, each SMS provider, the config and rule-table loaders,
# the JSON intake. Each target runs for a bounded time; the figures go to a Markdown table.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [target...]     # default 60 s, every target
#   bash scripts/fuzz.sh 10 mime csv                          # two targets, 10 s each
#
# Build: Fuzz/ is a package of its own (one executable, FuzzGateway, holding every target; the
# FUZZ_TARGET variable picks one), built in release with -sanitize=fuzzer,address into
# .build-fuzz/, so the normal .build is never touched. Corpora: the committed seeds in
# Fuzz/corpus/<target>/ are read; what the fuzzer adds goes to .build-fuzz/corpus/<target>/ and
# is kept for the next run. Findings (crash, timeout over FUZZ_TIMEOUT s, out-of-memory over
# FUZZ_RSS_MB or one allocation over FUZZ_MALLOC_MB) stop that target and are saved in
# fuzz-results/artifacts/<target>/; reproduce with
#   FUZZ_TARGET=<target> .build-fuzz/release/FuzzGateway <artifact>
# The table (target, seconds, executions, exec/s, corpus, findings) is printed and saved to
# fuzz-results/latest.md. Exits 1 when any target found something. See docs/fuzzing.md.
#
# Environment: FUZZ_TIMEOUT (5), FUZZ_RSS_MB (2048), FUZZ_MALLOC_MB (512), FUZZ_SKIP_BUILD=1
# uses the existing binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

SECONDS_PER_TARGET="${1:-60}"
shift || true
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ && "$SECONDS_PER_TARGET" -gt 0 ]] || {
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [target...]" >&2
    exit 2
}
TIMEOUT_S="${FUZZ_TIMEOUT:-5}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
MALLOC_MB="${FUZZ_MALLOC_MB:-512}"
SCRATCH="$ROOT/.build-fuzz"
RESULTS="$ROOT/fuzz-results"
BIN="$SCRATCH/release/FuzzGateway"

# Every target in run order, with the largest input worth trying (messages are bigger than the rest).
ALL_TARGETS=(mime tnef rtf csv xlsx sms-twilio sms-vonage sms-plivo sms-telnyx sms-aliyun sms-tencent sms-generic
    config-gateway config-departments config-hotline rules-yaml rules-csv rules-calendar json api-complaint api-form
    email-form)
max_len() { [[ "$1" == mime ]] && echo 65536 || echo 16384; }

COMMAND="scripts/fuzz.sh $SECONDS_PER_TARGET${*:+ $*}"
if (($# > 0)); then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
for target in "${TARGETS[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $target "* ]] || {
        echo "fuzz: unknown target $target (known: ${ALL_TARGETS[*]})" >&2
        exit 2
    }
done

if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building the fuzz harness (release, -sanitize=fuzzer,address) into .build-fuzz/"
    build_start=$SECONDS
    # -enable-testing: the API body decoder is internal to GatewayServer (`@testable import`).
    # Sanitizer flags: swiftc keeps only the last -sanitize= it is given, and SwiftPM passes one per
    # `--sanitize`, in an order that changes from run to run (Swift code then got coverage or ASan,
    # not both, and every build recompiled everything). So SwiftPM gets only --sanitize=fuzzer (it
    # also keeps SwiftPM from renaming `main`, which libFuzzer supplies), swiftc one combined flag
    # after it, and clang ASan on top of SwiftPM's -fsanitize=fuzzer (clang's flags add up).
    # The main package is a path dependency here, and SwiftPM keeps its planned source lists:
    # a source file added there since the last build is not seen ("cannot find type"). Dropping
    # the build description makes it plan again; the compiled objects stay.
    rm -f "$SCRATCH/release.yaml"
    swift build --package-path Fuzz --scratch-path "$SCRATCH" -c release --sanitize=fuzzer \
        -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -enable-testing \
        --product FuzzGateway
    echo "== built in $((SECONDS - build_start)) s"
fi
[[ -x "$BIN" ]] || { echo "fuzz: $BIN is missing; run without FUZZ_SKIP_BUILD" >&2; exit 1; }

mkdir -p "$RESULTS"
LOGS="$RESULTS/logs"
mkdir -p "$LOGS"
# Stack traces with file and line; leaks are not findings here (caches live for the whole process).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:symbolize=1}"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}"
export FUZZ_CONFIG_DIR="$ROOT/config"

rows=()
findings_total=0
for target in "${TARGETS[@]}"; do
    work="$SCRATCH/corpus/$target"
    artifacts="$RESULTS/artifacts/$target"
    log="$LOGS/$target.log"
    mkdir -p "$work" "$artifacts"
    echo "== $target: ${SECONDS_PER_TARGET} s"
    status=0
    # The first folder receives new inputs; the committed seeds are only read. `timeout` is a
    # backstop should libFuzzer itself wedge (it stops at max_total_time or the first finding).
    FUZZ_TARGET="$target" timeout --signal=KILL $((SECONDS_PER_TARGET + 120)) "$BIN" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout="$TIMEOUT_S" -rss_limit_mb="$RSS_MB" \
        -malloc_limit_mb="$MALLOC_MB" -max_len="$(max_len "$target")" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$work" "$ROOT/Fuzz/corpus/$target" >"$log" 2>&1 || status=$?

    executions="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)"
    [[ -n "$executions" ]] || executions="$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')"
    executions="${executions:-0}"
    rate=$((executions / SECONDS_PER_TARGET))
    corpus="$(grep -oE 'corp: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)"
    crashes=0 timeouts=0 ooms=0
    if grep -q "ERROR: libFuzzer: timeout" "$log"; then
        timeouts=1
    elif grep -qE "ERROR: libFuzzer: (out-of-memory|malloc)" "$log"; then
        ooms=1
    elif ((status != 0)) || grep -qE "ERROR: (AddressSanitizer|libFuzzer)" "$log"; then
        crashes=1
    fi
    found=$((crashes + timeouts + ooms))
    findings_total=$((findings_total + found))
    artifact="$(ls -t "$artifacts" 2>/dev/null | head -n 1 || true)"
    note=""
    ((found == 0)) || note="$(basename "$RESULTS")/artifacts/$target/${artifact:-?} (log: $(basename "$RESULTS")/logs/$target.log)"
    echo "   $executions executions, $rate/s, corpus ${corpus:-?}, crashes $crashes, timeouts $timeouts, OOMs $ooms $note"
    rows+=("| $target | $SECONDS_PER_TARGET | $executions | $rate | ${corpus:-?} | $crashes | $timeouts | $ooms | $note |")
done

{
    echo "## Fuzzing ($(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores)"
    echo
    echo "\`$COMMAND\`: libFuzzer + AddressSanitizer, release build; -timeout=${TIMEOUT_S} s," \
        "-rss_limit_mb=$RSS_MB, -malloc_limit_mb=$MALLOC_MB, -max_len 64 KiB (mime) / 16 KiB."
    echo
    echo "| target | seconds | executions | exec/s | corpus | crashes | timeouts | OOMs | artifact |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${rows[@]}"
} >"$RESULTS/latest.md"
echo
cat "$RESULTS/latest.md"
if ((findings_total > 0)); then
    echo "fuzz: $findings_total target(s) found a crash, timeout or out-of-memory" >&2
    exit 1
fi
