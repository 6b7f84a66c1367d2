#!/usr/bin/env bash
# Replication demo: a master and two replicas, data written before and after they connect,
# offsets compared; then replica1's link is cut (partial resync), replica1 is shut down with a
# save and restarted from its dump file (partial resync: the master sends only what it missed),
# and replica2 is killed with kill -9 under writes and restarted (it loads the snapshot of its
# last full sync and continues from there if the master's backlog still covers the gap, else a
# full resync). Ports: DEMO_PORT, DEMO_PORT+1, DEMO_PORT+2 (default 7811..7813).
# Everything (processes, dump files, logs) is cleaned up on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${DEMO_PORT:-7811}"
M=$BASE R1=$((BASE + 1)) R2=$((BASE + 2))
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
command -v redis-cli >/dev/null || { echo "redis-cli is required" >&2; exit 1; }
cargo build --release -q 2>/dev/null || { cargo build --release; exit 1; }
cli() { redis-cli -p "$@"; }
wait_port() { for _ in $(seq 200); do cli "$1" PING >/dev/null 2>&1 && return; sleep 0.05; done; echo "port $1 did not start" >&2; exit 1; }
role() { cli "$1" ROLE | sed -n "$2p"; }
field() { cli "$1" INFO "$2" | tr -d '\r' | sed -n "s/^$3://p"; }
wait_synced() { # replica port
    for _ in $(seq 400); do
        [ "$(role "$1" 4)" = "connected" ] && [ "$(role "$1" 5)" = "$(role "$M" 2)" ] && return
        sleep 0.05
    done
    echo "replica $1 did not catch up" >&2; exit 1
}
start_replica() { # port: its own directory, so a restart finds its dump file
    mkdir -p "$WORK/r$1"
    REDIS_RUST_DIR="$WORK/r$1" scripts/replica.sh "$1" 127.0.0.1 "$M" >>"$WORK/replica-$1.log" 2>&1 &
    PIDS+=($!)
    wait_port "$1"
}
mlog() { grep -h "$1" "$WORK/master.log" | tail -1 | sed 's/^.*\] /  master log: /'; }
show() { # port name
    echo "  $2 offset: $(role "$1" 5)  dbsize: $(cli "$1" DBSIZE)  greeting=$(cli "$1" GET greeting)  ttl(session)=$(cli "$1" TTL session)"
}

echo "== master on $M with data written before any replica connects"
REDIS_RUST_DIR="$WORK/m" scripts/master.sh "$M" >"$WORK/master.log" 2>&1 &
PIDS+=($!)
wait_port "$M"
cli "$M" SET greeting hello >/dev/null
cli "$M" SET session abc EX 300 >/dev/null
for i in $(seq 1 100); do echo "SET key:$i $i"; done | cli "$M" >/dev/null
echo "  master dbsize: $(cli "$M" DBSIZE)"

echo "== replicas on $R1 and $R2 (full sync: the data travels in the snapshot)"
start_replica "$R1"
R1_PID=${PIDS[-1]}
start_replica "$R2"
R2_PID=${PIDS[-1]}
wait_synced "$R1"; wait_synced "$R2"
show "$R1" replica1; show "$R2" replica2

echo "== writing through redis-cli on the master"
cli "$M" INCRBYFLOAT price 10.5 >/dev/null
for i in $(seq 101 200); do echo "SET key:$i $i"; done | cli "$M" >/dev/null
wait_synced "$R1"; wait_synced "$R2"
echo "  master   offset: $(role "$M" 2)  dbsize: $(cli "$M" DBSIZE)"
show "$R1" replica1; show "$R2" replica2
echo "  replica1 refuses writes: $(cli "$R1" SET x 1)"
echo "  WAIT 2 1000 -> $(cli "$M" WAIT 2 1000)"

echo "== cutting replica1's link (CLIENT KILL TYPE master on it), writing meanwhile"
cli "$R1" CLIENT KILL TYPE master >/dev/null
cli "$M" SET during-outage yes >/dev/null
wait_synced "$R1"
echo "  replica1 during-outage=$(cli "$R1" GET during-outage)"
mlog "Partial resynchronization request"

echo "== restarting replica1: SHUTDOWN SAVE, writes while it is down, start it again"
cli "$R1" SHUTDOWN SAVE >/dev/null 2>&1 || true
wait "$R1_PID" 2>/dev/null || true
for i in $(seq 1 50); do echo "SET down:$i $i"; done | cli "$M" >/dev/null
start_replica "$R1"
R1_PID=${PIDS[-1]}
wait_synced "$R1"
mlog "Partial resynchronization request"
grep -h "Successful partial resynchronization" "$WORK/replica-$R1.log" | tail -1 | sed 's/^.*\] /  replica1 log: /'
echo "  master INFO: sync_full=$(field "$M" stats sync_full) sync_partial_ok=$(field "$M" stats sync_partial_ok)"
echo "  replica1 down:50=$(cli "$R1" GET down:50) offset $(role "$R1" 5) = master $(role "$M" 2)"

echo "== kill -9 of replica2 while the master takes writes, then a restart"
for i in $(seq 1 2000); do echo "SET load:$i $i"; done | cli "$M" >/dev/null &
WRITER=$!
kill -9 "$R2_PID"
wait "$R2_PID" 2>/dev/null || true
wait "$WRITER"
start_replica "$R2"
wait_synced "$R2"
grep -h "Partial resynchronization request\|starting a full resync" "$WORK/master.log" | tail -1 | sed 's/^.*\] /  master log: /'
echo "  master   dbsize: $(cli "$M" DBSIZE)  offset: $(role "$M" 2)"
echo "  replica1 dbsize: $(cli "$R1" DBSIZE)  offset: $(role "$R1" 5)"
echo "  replica2 dbsize: $(cli "$R2" DBSIZE)  offset: $(role "$R2" 5)"
echo "  master INFO: sync_full=$(field "$M" stats sync_full) sync_partial_ok=$(field "$M" stats sync_partial_ok)"
echo "== done"
