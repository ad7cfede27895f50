# Background processes for the scripts (sourced, not run): start, wait until they answer, stop.
#
# stop_pid needs nothing. The named helpers need, from the caller: SCRATCH (logs go to
# $SCRATCH/NAME.log), CURL (a curl command array limited to loopback), `declare -A PIDS=()` and a
# `die` function.

port_free() { ! (: >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_pid PID [SECONDS]: TERM, then KILL if still running after SECONDS (15). Waits with `wait`
# rather than polling `kill -0`: inside a trap bash may not reap an exited child, which `kill -0`
# still sees as alive.
stop_pid() {
    local pid="$1" grace="${2:-15}" dog done_pid=""
    kill -TERM "$pid" 2>/dev/null || return 0
    sleep "$grace" & dog=$!
    wait -n -p done_pid "$pid" "$dog" 2>/dev/null || true
    [[ "$done_pid" == "$pid" ]] || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    kill "$dog" 2>/dev/null || true
    wait "$dog" 2>/dev/null || true
}

# stop_proc NAME [SECONDS]: stop a process started with `start` and forget its pid.
stop_proc() {
    local pid="${PIDS[$1]:-}"
    [[ -n "$pid" ]] || return 0
    unset "PIDS[$1]"
    stop_pid "$pid" "${2:-15}"
}

# stop_all: stop every process started with `start` (for the EXIT trap).
stop_all() {
    local name
    for name in "${!PIDS[@]}"; do stop_proc "$name"; done
}

# start NAME PORT CMD...: run CMD in the background, logging to the scratch dir; PORT must be
# free first ("-" when the command has no single port to check).
start() {
    local name="$1" port="$2"; shift 2
    [[ "$port" == - ]] || port_free "$port" || die "port $port is in use (needed for $name)"
    "$@" >"$SCRATCH/$name.log" 2>&1 &
    PIDS[$name]=$!
}

# wait_http NAME URL [200]: until a POST gets any answer (servers that only answer POST), or,
# with 200, until a GET gets 200; 60 s. Dies with the log's tail if the process exits.
wait_http() {
    local name="$1" url="$2" want="${3:-}" code
    for _ in $(seq 600); do
        if [[ -n "$want" ]]; then
            code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)"
            [[ "$code" == "$want" ]] && return 0
        else
            code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' --max-time 1 --data-binary x "$url" 2>/dev/null || true)"
            [[ -n "$code" && "$code" != 000 ]] && return 0
        fi
        kill -0 "${PIDS[$name]}" 2>/dev/null || { tail -n 20 "$SCRATCH/$name.log" >&2; die "$name exited"; }
        sleep 0.1
    done
    die "$name did not answer $url within 60 s"
}
