#!/usr/bin/env bash
# Side-by-side benchmark of redis-rust (the candidate) against real redis-server.
#
# Both servers run at once on free loopback ports; every case is run against them in
# alternation (redis, candidate, then candidate, redis in the next round, ...) so machine
# noise hits both alike, and the median over the rounds is reported.
#
# Usage: scripts/bench.sh [--quick] [--pin] [--same-session] [--rounds N] [--no-build] [--bin PATH] [--out DIR]
#   --quick     about a minute: fewer requests and cases, 3 rounds, one connection round
#   --pin       servers on core 0, clients (redis-benchmark, redis-cli, python) on core 1
#   --same-session  start the servers in this script's session instead of their own (setsid):
#               with autogroup scheduling, every thread of a server then competes one to one
#               with the single-threaded redis-benchmark for CPU
#   --rounds N  rounds per case (default 3; at least 3 is sensible)
#   --no-build  use the existing target/release/redis-rust
#   --bin PATH  candidate binary (implies --no-build)
#   --out DIR   where samples, logs and the report go (default target/bench/<timestamp>)
#
# Output: one line per case "case (unit): redis=X candidate=Y ratio=R" where R > 1 always
# means the candidate is better (throughput: candidate/redis; latency, memory, time:
# redis/candidate), then summaries with the minimum and median ratio: throughput cases, then
# throughput and latency cases together.
# Exit status: 0 whatever the ratios; non-zero only if something failed to run.
# Never uses port 6379; all traffic is on 127.0.0.1; every started process is stopped on exit.

set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UTIL="$ROOT/scripts/lib/bench_util.py"
HOST=127.0.0.1

QUICK=0
PIN=0
SESSION=1
ROUNDS=3
BUILD=1
BIN="$ROOT/target/release/redis-rust"
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --pin) PIN=1 ;;
        --same-session) SESSION=0 ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --no-build) BUILD=0 ;;
        --bin) BIN=${2:?--bin needs a path}; BUILD=0; shift ;;
        --out) OUT=${2:?--out needs a directory}; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$ROUNDS" in ''|*[!0-9]*) echo "--rounds needs a positive number" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 1 ] || { echo "--rounds needs a positive number" >&2; exit 2; }

for tool in redis-server redis-cli redis-benchmark python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done
if [ $PIN = 1 ]; then
    command -v taskset >/dev/null || { echo "bench: --pin needs taskset" >&2; exit 1; }
    [ "$(nproc)" -ge 2 ] || { echo "bench: --pin needs 2 cores" >&2; exit 1; }
    SRV_PIN=(taskset -c 0)
    CLI_PIN=(taskset -c 1)
else
    SRV_PIN=()
    CLI_PIN=()
fi
# Both servers run in their own session, as a daemon (or a systemd service, in its own cgroup)
# does: Linux's autogroup scheduling then weighs each server as one group against the
# benchmark's session, instead of each of the candidate's client threads against the whole
# single-threaded redis-benchmark. setsid execs in place (the script has no job control), so
# the server keeps the PID recorded below.
if [ $SESSION = 1 ] && command -v setsid >/dev/null; then
    SRV_PIN=(setsid "${SRV_PIN[@]}")
fi

[ -n "$OUT" ] || OUT="$ROOT/target/bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SAMPLES="$OUT/samples.tsv"
: >"$SAMPLES"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/redis-rust-bench.XXXXXX")
FAILED=0

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
emit() { local IFS=$'\t'; echo "$*" >>"$SAMPLES"; }

# Every server we start is recorded here and stopped on exit, whatever the exit path.
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 10,000 idle connections plus redis-benchmark's 1,000 clients need many descriptors; the
# servers and the clients inherit this limit.
NOFILE=$(ulimit -Hn)
[ "$NOFILE" = unlimited ] && NOFILE=65536
[ "$NOFILE" -gt 65536 ] && NOFILE=65536
ulimit -n "$NOFILE" 2>/dev/null
if [ "$(ulimit -n)" -lt 20000 ]; then
    emit note "open-file limit is only $(ulimit -n): the 10,000-connection test may fail"
fi

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
if [ $BUILD = 1 ]; then
    log "cargo build --release"
    if ! (cd "$ROOT" && cargo build --release) >"$OUT/build.log" 2>&1; then
        tail -30 "$OUT/build.log" >&2
        echo "bench: build failed (log: $OUT/build.log)" >&2
        exit 1
    fi
fi
[ -x "$BIN" ] || { echo "bench: candidate binary $BIN not found" >&2; exit 1; }

if [ $QUICK = 1 ]; then
    N1=20000 N16=100000 NLAT=10000 NBIG=2000 CONN_ROUNDS=1
else
    N1=100000 N16=500000 NLAT=50000 NBIG=10000 CONN_ROUNDS=$ROUNDS
fi
NCONN=10000
STORM_LIMIT=15 # seconds the storm may take before the rest counts as timed out
MEMKEYS=1000000

rcli() { "${CLI_PIN[@]}" redis-cli -h $HOST "$@"; }

# ---- servers ---------------------------------------------------------------------------

# The flags we would like the candidate to take. Today's placeholder config knows only
# --port and silently skips every other "--name value" pair, so these are harmless but not
# honoured (it never saves and has no AOF anyway; maxclients stays at its built-in 10000).
# If a future config rejects one of them, start_candidate falls back to --port alone and
# the report says so.
CAND_EXTRA=(--save '' --appendonly no --maxclients 20000)
CAND_EXTRA_OK=1

wait_ready() { # port pid name
    local i
    for i in $(seq 1 200); do
        kill -0 "$2" 2>/dev/null || return 1
        [ "$(rcli -p "$1" PING 2>/dev/null)" = PONG ] && return 0
        sleep 0.05
    done
    return 1
}

start_redis() { # port -> PID in SRV_PID
    local port=$1 dir="$WORK/redis-$1"
    mkdir -p "$dir"
    "${SRV_PIN[@]}" redis-server --port "$port" --bind $HOST --save '' --appendonly no \
        --daemonize no --maxclients 20000 --dir "$dir" --logfile "$OUT/redis-$port.log" \
        >/dev/null 2>&1 &
    SRV_PID=$!
    PIDS+=("$SRV_PID")
    wait_ready "$port" "$SRV_PID" || { echo "bench: redis-server did not start on $port" >&2; exit 1; }
}

start_candidate() { # port -> PID in SRV_PID
    local port=$1 dir="$WORK/cand-$1" extra=()
    mkdir -p "$dir"
    [ $CAND_EXTRA_OK = 1 ] && extra=("${CAND_EXTRA[@]}")
    # Run in a scratch directory so nothing the server might write lands in the repository.
    (cd "$dir" && exec "${SRV_PIN[@]}" "$BIN" --port "$port" "${extra[@]}") \
        >"$OUT/candidate-$port.log" 2>&1 &
    SRV_PID=$!
    PIDS+=("$SRV_PID")
    if ! wait_ready "$port" "$SRV_PID"; then
        if [ $CAND_EXTRA_OK = 1 ] && ! kill -0 "$SRV_PID" 2>/dev/null; then
            log "candidate refused '${CAND_EXTRA[*]}'; retrying with --port only"
            emit note "candidate refused '${CAND_EXTRA[*]}' ($(head -c 200 "$OUT/candidate-$port.log" | tr '\n\t' '  ')): run with --port only"
            CAND_EXTRA_OK=0
            start_candidate "$port"
            return
        fi
        echo "bench: candidate did not start on $port (log: $OUT/candidate-$port.log)" >&2
        exit 1
    fi
}

stop_server() { # pid
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

rss_of() { python3 "$UTIL" rss "$1"; }

# Does the server know this command? "unknown command" is the only answer that skips a
# case; any other error (wrong type, syntax) still means the command exists.
knows() { # port command args...
    local port=$1
    shift
    ! rcli -p "$port" "$@" 2>&1 | grep -qi "unknown command"
}

preload() { # port: the keys redis-benchmark's GET reads (key:<12 digits>, -r 100000)
    python3 "$UTIL" gen 100000 12 3 | rcli -p "$1" --pipe >"$WORK/preload-$1.log" 2>&1 \
        || { echo "bench: preload of port $1 failed: $(cat "$WORK/preload-$1.log")" >&2; exit 1; }
}

read -r RPORT CPORT <<<"$(python3 "$UTIL" freeport 2)"
start_redis "$RPORT"
RPID=$SRV_PID
start_candidate "$CPORT"
CPID=$SRV_PID
log "redis-server on $RPORT (pid $RPID), candidate on $CPORT (pid $CPID)$([ $PIN = 1 ] && echo ', pinned')"
if [ "${SRV_PIN[0]:-}" = setsid ]; then
    emit note "servers run in their own session (setsid); --same-session runs them in the benchmark's"
else
    emit note "servers run in the benchmark's session (autogroup: candidate threads compete one to one with redis-benchmark)"
fi
[ "$(ps -o comm= -p "$CPID")" = redis-rust ] || [ -n "${BIN##*redis-rust}" ] \
    || { echo "bench: pid $CPID is not the candidate ($(ps -o comm= -p "$CPID"))" >&2; exit 1; }

if ! knows "$CPORT" CONFIG GET maxclients; then
    emit note "candidate has no CONFIG command: its flags cannot be checked; today it ignores --save/--appendonly/--maxclients (built-in maxclients 10000)"
elif [ $CAND_EXTRA_OK = 1 ] && [ "$(rcli -p "$CPORT" CONFIG GET maxclients | tail -1)" != 20000 ]; then
    emit note "candidate accepted --maxclients 20000 but reports maxclients=$(rcli -p "$CPORT" CONFIG GET maxclients | tail -1)"
fi
preload "$RPORT"
preload "$CPORT"

# ---- throughput and latency cases -------------------------------------------------------

# name | probe command (';' separates several) | redis-benchmark arguments | kind
# The 1 KB and 100 KB SETs write to db 1 so the GET cases keep reading 3-byte values in db 0.
CASES=(
    "PING P1|PING|-t ping_mbulk -c 50 -P 1 -n N1|tput"
    "SET P1|SET __bench_probe v|-t set -c 50 -P 1 -n N1|tput"
    "GET P1|GET __bench_probe|-t get -c 50 -P 1 -n N1|lat"
    "INCR P1|INCR __bench_probe_n|-t incr -c 50 -P 1 -n N1|tput"
    "MSET10 P1|MSET __bench_probe v|-t mset -c 50 -P 1 -n N1|tput"
    "PING P16|PING|-t ping_mbulk -c 50 -P 16 -n N16|tput"
    "SET P16|SET __bench_probe v|-t set -c 50 -P 16 -n N16|tput"
    "GET P16|GET __bench_probe|-t get -c 50 -P 16 -n N16|tput"
    "INCR P16|INCR __bench_probe_n|-t incr -c 50 -P 16 -n N16|tput"
    "MSET10 P16|MSET __bench_probe v|-t mset -c 50 -P 16 -n N16|tput"
    "GET c1|GET __bench_probe|-t get -c 1 -P 1 -n NLAT|lat"
    "SET 1KB|SELECT 1;SET __bench_probe v|-t set -c 50 -P 1 -d 1024 -n N1 --dbnum 1|tput"
    "SET 100KB|SELECT 1;SET __bench_probe v|-t set -c 50 -P 1 -d 102400 -n NBIG --dbnum 1 -r 100|tput"
    "GET c500|GET __bench_probe|-t get -c 500 -P 1 -n N1|tput"
    "GET c1000|GET __bench_probe|-t get -c 1000 -P 1 -n N1|tput"
    "LPUSH P1|LPUSH __bench_probe_l v|-t lpush -c 50 -P 1 -n N1|tput"
    "LPOP P1|LPOP __bench_probe_l|-t lpop -c 50 -P 1 -n N1|tput"
    "SADD P1|SADD __bench_probe_s v|-t sadd -c 50 -P 1 -n N1|tput"
    "HSET P1|HSET __bench_probe_h f v|-t hset -c 50 -P 1 -n N1|tput"
    "ZADD P1|ZADD __bench_probe_z 1 m|-t zadd -c 50 -P 1 -n N1|tput"
)
QUICK_CASES=" PING P1 | SET P1 | GET P1 | PING P16 | SET P16 | GET P16 | GET c1 | SET 1KB | GET c500 | LPUSH P1 | SADD P1 "

declare -A ACTIVE=()
for spec in "${CASES[@]}"; do
    IFS='|' read -r name probe args kind <<<"$spec"
    [ $QUICK = 1 ] && [[ "$QUICK_CASES" != *" $name "* ]] && continue
    if [ "$kind" = lat ]; then
        emit case tput "$name" "req/s"
        emit case lat "$name p50" "ms"
        emit case lat "$name p99" "ms"
    else
        emit case tput "$name" "req/s"
    fi
    skip=""
    IFS=';' read -ra probes <<<"$probe"
    for p in "${probes[@]}"; do
        read -ra words <<<"$p"
        if ! knows "$CPORT" "${words[@]}"; then
            skip="candidate: $(rcli -p "$CPORT" "${words[@]}" 2>&1 | head -1 | cut -c1-60)"
            break
        fi
        knows "$RPORT" "${words[@]}" || { skip="redis-server does not know ${words[0]}"; break; }
    done
    rcli -p "$CPORT" DEL __bench_probe __bench_probe_n >/dev/null 2>&1
    rcli -p "$RPORT" DEL __bench_probe __bench_probe_n __bench_probe_l __bench_probe_s \
        __bench_probe_h __bench_probe_z >/dev/null 2>&1
    if [ -n "$skip" ]; then
        emit skip "$name" "$skip"
        [ "$kind" = lat ] && emit skip "$name p50" "$skip" && emit skip "$name p99" "$skip"
        continue
    fi
    args=${args//N16/$N16}
    args=${args//N1/$N1}
    args=${args//NLAT/$NLAT}
    args=${args//NBIG/$NBIG}
    [[ "$args" == *" -r "* ]] || args="$args -r 100000"
    ACTIVE[$name]="$args|$kind"
done

run_case() { # name server port round args kind
    local name=$1 who=$2 port=$3 round=$4 args=$5 kind=$6 csv line
    csv="$OUT/rb-${name// /_}-$who-$round.csv"
    # shellcheck disable=SC2086  # args is a word list by design
    if ! "${CLI_PIN[@]}" redis-benchmark -h $HOST -p "$port" --csv $args >"$csv" 2>"$csv.err"; then
        FAILED=1
        emit fail "$name" "$who: redis-benchmark failed: $(tr '\n\t' '  ' <"$csv.err" | cut -c1-150)"
        log "FAILED $name on $who: $(head -c 300 "$csv.err")"
        return
    fi
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    line=$(grep -v '^"test"' "$csv" | grep '^"' | tail -1 | tr -d '"')
    if [ -z "$line" ]; then
        FAILED=1
        emit fail "$name" "$who: no CSV result"
        return
    fi
    IFS=, read -r _ rps _ _ p50 _ p99 _ <<<"$line"
    emit val "$name" "$who" "$rps"
    if [ "$kind" = lat ]; then
        emit val "$name p50" "$who" "$p50"
        emit val "$name p99" "$who" "$p99"
    fi
    log "round $round $name $who: $rps req/s$([ "$kind" = lat ] && echo " p50=$p50 p99=$p99 ms")"
}

check_alive() { # after a failure, restart a dead server so the remaining cases still run
    if ! kill -0 "$RPID" 2>/dev/null; then
        FAILED=1
        emit note "redis-server died (log $OUT/redis-$RPORT.log); restarted"
        start_redis "$RPORT"; RPID=$SRV_PID; preload "$RPORT"
    fi
    if ! kill -0 "$CPID" 2>/dev/null; then
        FAILED=1
        emit note "candidate died (log $OUT/candidate-$CPORT.log); restarted"
        start_candidate "$CPORT"; CPID=$SRV_PID; preload "$CPORT"
    fi
}

# Warm-up: connections, thread stacks and allocator arenas exist before the first sample.
"${CLI_PIN[@]}" redis-benchmark -h $HOST -p "$RPORT" -t ping_mbulk,get -n 20000 -q >/dev/null 2>&1
"${CLI_PIN[@]}" redis-benchmark -h $HOST -p "$CPORT" -t ping_mbulk,get -n 20000 -q >/dev/null 2>&1

for round in $(seq 1 "$ROUNDS"); do
    for spec in "${CASES[@]}"; do
        name=${spec%%|*}
        [ -n "${ACTIVE[$name]+x}" ] || continue
        IFS='|' read -r args kind <<<"${ACTIVE[$name]}"
        # Alternate who goes first so a drift in machine load does not favour one side.
        if [ $((round % 2)) = 1 ]; then
            run_case "$name" redis "$RPORT" "$round" "$args" "$kind"
            run_case "$name" candidate "$CPORT" "$round" "$args" "$kind"
        else
            run_case "$name" candidate "$CPORT" "$round" "$args" "$kind"
            run_case "$name" redis "$RPORT" "$round" "$args" "$kind"
        fi
        check_alive
    done
done

stop_server "$RPID"
stop_server "$CPID"

# ---- memory: 1,000,000 keys key:NNNNNNNN with 10-byte values ----------------------------
# Fresh servers, one at a time; the exact key count is loaded with redis-cli --pipe and
# checked with DBSIZE.

emit case mem "memory 1M keys" "bytes/key"
emit case mem "RSS empty" "KiB"
python3 "$UTIL" gen $MEMKEYS 8 10 >"$WORK/keys.resp"
for who in redis candidate; do
    read -r port <<<"$(python3 "$UTIL" freeport 1)"
    if [ $who = redis ]; then start_redis "$port"; else start_candidate "$port"; fi
    pid=$SRV_PID
    sleep 0.5
    before=$(rss_of "$pid")
    if ! rcli -p "$port" --pipe <"$WORK/keys.resp" >"$WORK/pipe-$who.log" 2>&1; then
        FAILED=1
        emit fail "memory 1M keys" "$who: redis-cli --pipe failed: $(tr '\n\t' '  ' <"$WORK/pipe-$who.log" | cut -c1-150)"
    else
        n=$(rcli -p "$port" DBSIZE)
        if [ "$n" != $MEMKEYS ]; then
            FAILED=1
            emit fail "memory 1M keys" "$who: DBSIZE is $n, not $MEMKEYS"
        fi
        sleep 1
        after=$(rss_of "$pid")
        emit val "memory 1M keys" $who "$(python3 -c "print(($after - $before) / $MEMKEYS)")"
        emit val "RSS empty" $who "$((before / 1024))"
        log "memory $who: RSS $((before / 1024)) KiB -> $((after / 1024)) KiB for $n keys"
    fi
    stop_server "$pid"
done
rm -f "$WORK/keys.resp"

# ---- connections: a storm of 10,000 new connections, then 10,000 idle ones --------------

emit case time "connect storm 10k" "s"
emit case mem "RSS per idle conn" "bytes"
emit case lat "PING new conn with 10k idle" "ms"
emit case info "10k conns answered PONG/rejected/failed" ""
emit case info "server fds per client" ""
for round in $(seq 1 "$CONN_ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="redis candidate"; else order="candidate redis"; fi
    for who in $order; do
        read -r port <<<"$(python3 "$UTIL" freeport 1)"
        if [ $who = redis ]; then start_redis "$port"; else start_candidate "$port"; fi
        pid=$SRV_PID
        sleep 0.5
        res="$OUT/conns-$who-$round.txt"
        if ! "${CLI_PIN[@]}" python3 "$UTIL" conns "$port" "$pid" $NCONN $STORM_LIMIT >"$res" 2>&1; then
            FAILED=1
            emit fail "connect storm 10k" "$who: $(tail -1 "$res")"
            stop_server "$pid"
            continue
        fi
        get() { sed -n "s/^$1=//p" "$res"; }
        # A storm that did not end with every connection answering PONG has no finish time.
        if [ "$(get ok)" = $NCONN ]; then
            emit val "connect storm 10k" $who "$(get storm_s)"
        else
            emit val "connect storm 10k" $who inf
        fi
        emit val "RSS per idle conn" $who "$(get rss_per_conn)"
        emit val "PING new conn with 10k idle" $who "$(get ping_new_ms)"
        emit val "10k conns answered PONG/rejected/failed" $who "$(get ok)/$(get rejected)/$(($(get failed) + $(get timed_out)))"
        emit val "server fds per client" $who "$(get fds_per_conn)"
        if [ "$(get ok)" != $NCONN ]; then
            emit note "$who: only $(get ok) of $NCONN connections answered PONG (rejected $(get rejected), failed $(get failed), timed out $(get timed_out) in round $round)"
        fi
        if [ $who = candidate ] && grep -q "Too many open files" "$OUT/candidate-$port.log"; then
            emit note "candidate: accept failed with 'Too many open files' ($(grep -c "Too many open files" "$OUT/candidate-$port.log") times, open-file limit $(ulimit -n), $(get fds_per_conn) fds per client)"
        fi
        if [ "$(get timed_out)" != 0 ]; then
            emit note "$who: the storm was cut off after $STORM_LIMIT s with $(get timed_out) connections unanswered"
        fi
        if [ "$(get ping_new_reply)" != +PONG ]; then
            emit note "$who: PING on a new connection with $NCONN idle answered '$(get ping_new_reply)'"
        elif python3 -c "import sys; sys.exit(0 if float('$(get ping_new_max_ms)') <= 10 else 1)"; then
            :
        else
            emit note "$who: PING on a new connection with $NCONN idle took up to $(get ping_new_max_ms) ms (> 10 ms)"
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            FAILED=1
            emit fail "connect storm 10k" "$who died during the connection test"
        fi
        log "connections $who: $(tr '\n' ' ' <"$res")"
        stop_server "$pid"
    done
done

# ---- report ------------------------------------------------------------------------------

{
    echo "# redis-rust vs redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "# load average at start: $LOAD0, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# rounds=$ROUNDS quick=$QUICK pin=$PIN candidate=$BIN $([ $CAND_EXTRA_OK = 1 ] && echo "flags: --port P ${CAND_EXTRA[*]}" || echo "flags: --port P")"
    python3 "$UTIL" report "$SAMPLES"
} | tee "$OUT/report.txt"
log "samples, logs and report in $OUT"
grep -q "^fail" "$SAMPLES" && FAILED=1
exit $FAILED
