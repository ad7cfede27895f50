#!/usr/bin/env bash
# The README's "run" command: build the gateway, start it with the sample config and a demo
# department receiver, send one complaint, and show it being routed and delivered.
#
#   bash scripts/demo.sh                  # stays in the foreground; Ctrl-C stops everything
#   DEMO_EXIT=1 bash scripts/demo.sh      # exits once the delivery is shown (tests, CI)
#
# Environment (all optional):
#   GATEWAY_TOKEN   bearer token (default demo-token-change-me)
#   PORT            gateway port (default 8080); RECEIVER_PORT demo receiver port (default 9009)
#   DATA_DIR        gateway data dir (default ./data/demo; kept between runs)
#   BUILD_CONFIGURATION   swift build configuration, release (default) or debug
#   GATEWAY_BIN     use this binary instead of building (skips swift build)
#   DOWNSTREAM_URL  where departments live (default: the demo receiver started here)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${PORT:-8080}"
RECEIVER_PORT="${RECEIVER_PORT:-9009}"
DATA_DIR="${DATA_DIR:-./data/demo}"
BUILD_CONFIGURATION="${BUILD_CONFIGURATION:-release}"
export GATEWAY_TOKEN="${GATEWAY_TOKEN:-demo-token-change-me}"
export DOWNSTREAM_URL="${DOWNSTREAM_URL:-http://127.0.0.1:$RECEIVER_PORT}"
BASE="http://127.0.0.1:$PORT"
# Only ever talk to 127.0.0.1, even when the environment sets an HTTP proxy.
CURL=(curl -sS --noproxy '*' --max-time 10)

# shellcheck source=scripts/lib/processes.sh
. scripts/lib/processes.sh
GATEWAY_PID="" RECEIVER_PID=""
stop() {  # stop what this script started, by pid; TERM lets the gateway close its store
    local pid
    for pid in $GATEWAY_PID $RECEIVER_PID; do stop_pid "$pid" 10; done
    GATEWAY_PID="" RECEIVER_PID=""
}
trap stop EXIT
# Background jobs of a non-interactive shell ignore Ctrl-C, so the EXIT trap must stop them.
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "demo: $*" >&2
    if [[ -f "$DATA_DIR/gateway.log" ]]; then
        echo "--- last lines of $DATA_DIR/gateway.log ---" >&2
        tail -n 30 "$DATA_DIR/gateway.log" >&2
    fi
    exit 1
}
# A port is taken when something accepts a TCP connection on it (bash's /dev/tcp, no tools).
# Pretty-print JSON from stdin, keeping Chinese readable (python3 -m json.tool would too, but
# only this keeps the key order and the non-ASCII text on every Python 3 version).
pretty() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), ensure_ascii=False, indent=2))'; }

# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh

if [[ -z "${GATEWAY_BIN:-}" ]]; then
    echo "demo: swift build -c $BUILD_CONFIGURATION --product complaint-gateway"
    swift build -c "$BUILD_CONFIGURATION" --product complaint-gateway
    GATEWAY_BIN="$(swift build -c "$BUILD_CONFIGURATION" --show-bin-path)/complaint-gateway"
fi
[[ -x "$GATEWAY_BIN" ]] || fail "no gateway binary at $GATEWAY_BIN"

# A port already taken would make us talk to someone else's server and "pass".
port_free "$PORT" || fail "port $PORT is in use (set PORT=...)"
mkdir -p "$DATA_DIR"

if [[ "$DOWNSTREAM_URL" == "http://127.0.0.1:$RECEIVER_PORT" ]]; then
    port_free "$RECEIVER_PORT" || fail "port $RECEIVER_PORT is in use (set RECEIVER_PORT=...)"
    RECEIVER_LOG="$DATA_DIR/receiver.jsonl"
    python3 scripts/demo-receiver.py --port "$RECEIVER_PORT" --log "$RECEIVER_LOG" &
    RECEIVER_PID=$!
    for _ in $(seq 100); do
        "${CURL[@]}" -fo /dev/null --max-time 1 "$DOWNSTREAM_URL/" 2>/dev/null && break
        kill -0 "$RECEIVER_PID" 2>/dev/null || fail "demo receiver exited"
        sleep 0.1
    done
else
    RECEIVER_LOG=""
    echo "demo: DOWNSTREAM_URL=$DOWNSTREAM_URL is set, not starting the demo receiver"
fi

"$GATEWAY_BIN" config check --config config || fail "config check failed"

echo "demo: starting $GATEWAY_BIN serve on $BASE (data $DATA_DIR, log $DATA_DIR/gateway.log)"
"$GATEWAY_BIN" serve --config config --data-dir "$DATA_DIR" --listen "127.0.0.1:$PORT" >>"$DATA_DIR/gateway.log" 2>&1 &
GATEWAY_PID=$!
for i in $(seq 600); do
    [[ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/readyz" 2>/dev/null)" == 200 ]] && break
    kill -0 "$GATEWAY_PID" 2>/dev/null || fail "gateway exited before it was ready"
    ((i < 600)) || fail "gateway not ready after 60 s"
    sleep 0.1
done
echo "demo: gateway ready"

# One noise complaint at night, as an integrator would send it (channel api).
COMPLAINT='{"text":"晚上11点还在施工,噪音很大,严重影响休息","complainant":{"phone":"13812345678"},"category":"投诉","location":{"district":"西湖区","address":"文三路 100 号附近工地"}}'
IDEMPOTENCY_KEY="demo-$(date +%s)-$$"
echo
echo "\$ curl -X POST $BASE/v1/complaints -H 'Authorization: Bearer $GATEWAY_TOKEN' -H 'Idempotency-Key: $IDEMPOTENCY_KEY' -d '$COMPLAINT'"
RESPONSE="$("${CURL[@]}" -X POST "$BASE/v1/complaints" \
    -H "Authorization: Bearer $GATEWAY_TOKEN" -H "Content-Type: application/json" \
    -H "Idempotency-Key: $IDEMPOTENCY_KEY" --data-binary "$COMPLAINT" -w '\n%{http_code}')" || fail "POST failed"
STATUS="${RESPONSE##*$'\n'}"
BODY="${RESPONSE%$'\n'*}"
echo "HTTP $STATUS"
echo "$BODY" | pretty 2>/dev/null || echo "$BODY"
[[ "$STATUS" == 201 ]] || fail "expected 201 Created, got $STATUS"
ID="$(echo "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" || fail "no id in the response"

# Delivery is asynchronous (outbox); poll until the department has it.
echo
echo "demo: waiting for delivery of $ID"
STATE=""
for i in $(seq 60); do
    DETAIL="$("${CURL[@]}" -f -H "Authorization: Bearer $GATEWAY_TOKEN" "$BASE/v1/complaints/$ID")" || fail "GET /v1/complaints/$ID failed"
    STATE="$(echo "$DETAIL" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("state"))')"
    [[ "$STATE" == delivered || "$STATE" == dead ]] && break
    ((i < 60)) || fail "not delivered after 30 s (state $STATE)"
    sleep 0.5
done
echo
echo "\$ curl $BASE/v1/complaints/$ID -H 'Authorization: Bearer $GATEWAY_TOKEN'"
echo "$DETAIL" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("state:", d.get("state"))
print("record (complaint/v1, what the department received):")
print(json.dumps(d.get("record"), ensure_ascii=False, indent=2))
for a in d.get("deliveries") or []:
    print("delivery attempt {}: at {}, HTTP {}, {} ms, error: {}".format(
        a.get("attempt"), a.get("at"), a.get("status"), a.get("latency_ms"), a.get("error") or "none"))
'
[[ "$STATE" == delivered ]] || fail "complaint went to dead letters"

# The receiver side of the dispatch contract: it got the record with Idempotency-Key = id.
if [[ -n "$RECEIVER_LOG" ]]; then
    python3 - "$RECEIVER_LOG" "$ID" <<'EOF' || fail "the demo receiver has no delivery with Idempotency-Key $ID"
import json, sys
log, cid = sys.argv[1], sys.argv[2]
for line in open(log, encoding="utf-8"):
    e = json.loads(line)
    key = {k.lower(): v for k, v in e["headers"].items()}.get("idempotency-key")
    if e["status"] == 200 and key == cid:
        print(f"demo: receiver got {e['path']} with Idempotency-Key {key}")
        sys.exit(0)
sys.exit(1)
EOF
fi

if [[ "${DEMO_EXIT:-0}" == 1 ]]; then
    echo "demo: OK (DEMO_EXIT=1, stopping)"
    exit 0
fi

cat <<EOF

The gateway is still running at $BASE   (token: $GATEWAY_TOKEN, log: $DATA_DIR/gateway.log)
Departments are served by the demo receiver at $DOWNSTREAM_URL/<department>.
Try:
  curl -H 'Authorization: Bearer $GATEWAY_TOKEN' $BASE/v1/complaints
  curl -X POST $BASE/v1/complaints -H 'Authorization: Bearer $GATEWAY_TOKEN' -d '{"text":"小区停水三天了"}'
Press Ctrl-C to stop the gateway and the receiver.
EOF
trap 'echo; echo "demo: stopping"; exit 0' INT TERM
wait "$GATEWAY_PID" || true
GATEWAY_PID=""
fail "the gateway exited"
