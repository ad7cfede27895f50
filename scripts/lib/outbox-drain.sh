# shellcheck shell=bash
# outbox_drain DB: waits (up to 120 s) until the gateway's outbox has nothing pending and prints
# "BACKLOG SECONDS": how many complaints were still undelivered when called (right after wrk
# stopped) and how long delivering them took. A "delivering concurrently" figure means little if
# the dispatcher fell behind: the benches print this next to it.
outbox_drain() {
    local db="$1" backlog pending tenths=0
    backlog="$(sqlite3 -cmd ".timeout 5000" "$db" "select count(*) from outbox where state = 'pending'")"
    pending="$backlog"
    while [[ "$pending" != 0 && $tenths -lt 1200 ]]; do
        sleep 0.1
        tenths=$((tenths + 1))
        pending="$(sqlite3 -cmd ".timeout 5000" "$db" "select count(*) from outbox where state = 'pending'")"
    done
    echo "$backlog $((tenths / 10)).$((tenths % 10))"
}
