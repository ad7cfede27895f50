#!/usr/bin/env bash
# What SQLite alone costs to store the rows an import stored: the floor under the import's rate.
#
#   bash scripts/store-floor.sh DATA_DIR [BATCH]
#
# DATA_DIR is the data directory of a finished `complaint-gateway import` (or any store). Its
# complaints and outbox rows are copied, BATCH (2000, the importer's batch) at a time in file
# order, into an empty database with the same schema, the same page size and page cache and the
# store's durability (WAL, synchronous=FULL, a checkpoint every 1,000 pages), by the sqlite3
# shell: no parsing, routing or encoding, only SQLite's B-tree inserts, the log writes, fsyncs and
# checkpoints. A second pass without fsyncs or checkpoints is SQLite's own CPU per row. Compare
# the figures with the import's (its CPU per row, and `sqlite3 .import` of the same CSV).
set -euo pipefail
SRC="${1:?usage: store-floor.sh DATA_DIR [BATCH]}/gateway.sqlite"
BATCH="${2:-2000}"
[[ -s "$SRC" ]] || { echo "store-floor: no store at $SRC" >&2; exit 2; }
WORK="$(mktemp -d /tmp/cg-store-floor.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

rows=$(sqlite3 "$SRC" "select count(*) from complaints")
range=$(sqlite3 "$SRC" "select min(seq) - 1, max(seq) from complaints")
first=${range%|*} last=${range#*|}
page=$(sqlite3 "$SRC" "pragma page_size")
{
    sqlite3 "$SRC" ".schema complaints"
    sqlite3 "$SRC" ".schema outbox"
} >"$WORK/schema.sql"

script() { # $1: pragmas after the page size
    echo "PRAGMA page_size=$page; PRAGMA journal_mode=WAL; PRAGMA cache_size=-16384; $1"
    echo ".read $WORK/schema.sql"
    echo "ATTACH '$SRC' AS src;"
    for ((a = first; a < last; a += BATCH)); do
        b=$((a + BATCH))
        echo "BEGIN;"
        echo "INSERT INTO main.complaints SELECT * FROM src.complaints WHERE seq > $a AND seq <= $b;"
        echo "INSERT INTO main.outbox SELECT o.* FROM src.complaints c JOIN src.outbox o ON o.complaint_id = c.id WHERE c.seq > $a AND c.seq <= $b;"
        echo "COMMIT;"
    done
}

run() { # $1: label, $2: pragmas
    rm -f "$WORK"/floor.sqlite*
    script "$2" >"$WORK/run.sql"
    local t
    t=$( { /usr/bin/time -f "%e %U %S" sqlite3 "$WORK/floor.sqlite" <"$WORK/run.sql" >/dev/null; } 2>&1 | tail -1)
    read -r wall user sys <<<"$t"
    python3 -c "
rows, wall, cpu = $rows, $wall, $user + $sys
print(f'| $1 | {wall:.2f} | {cpu:.2f} | {rows / wall:,.0f} | {cpu / rows * 1e6:.1f} |')"
}

echo "$rows complaints from $SRC, batches of $BATCH, ${page}-byte pages"
echo
echo "| sqlite3 shell storing the same rows | wall s | CPU s | rows/s | CPU µs per row |"
echo "|---|---:|---:|---:|---:|"
run "as the store does (WAL, synchronous=FULL, checkpoints)" "PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=1000;"
run "no fsync, no checkpoint" "PRAGMA synchronous=OFF; PRAGMA wal_autocheckpoint=0;"
