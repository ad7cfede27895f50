# shellcheck shell=bash
# api_load_environment DOWNSTREAM_PORT: the environment for a gateway on the sample config taking
# wrk's API complaints (Benchmarks/wrk/post-complaint.lua, the body of scripts/bench.sh) and
# delivering to 127.0.0.1:DOWNSTREAM_PORT. Needs the repository root as the working directory.
api_load_environment() {
    export GATEWAY_TOKEN="bench-token-$$" DOWNSTREAM_URL="http://127.0.0.1:$1"
    export WRK_TOKEN="$GATEWAY_TOKEN"
    WRK_BODY="$(sed -n "s/^export WRK_BODY='\(.*\)'$/\1/p" scripts/bench.sh)"
    export WRK_BODY
}
