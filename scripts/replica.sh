#!/usr/bin/env bash
# Start a redis-rust replica in the foreground: scripts/replica.sh PORT MASTER_HOST MASTER_PORT.
# The master may be redis-rust or a real redis-server. Extra arguments go to the server.
# Like Redis, a replica keeps the snapshot of its last full sync as its dump file, and saves
# its data with the replication position on SHUTDOWN SAVE (or on SIGTERM with save points),
# so that after a restart it continues with a partial resync. The dump file goes to
# $REDIS_RUST_DIR (default /tmp/redis-rust-PORT): give every replica its own directory.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
    echo "usage: $0 PORT MASTER_HOST MASTER_PORT [server options...]" >&2
    exit 1
fi
PORT="$1" MASTER_HOST="$2" MASTER_PORT="$3"
shift 3
BIN="${REDIS_RUST_BIN:-target/release/redis-rust}"
[ -x "$BIN" ] || cargo build --release -q
DIR="${REDIS_RUST_DIR:-/tmp/redis-rust-$PORT}"
mkdir -p "$DIR"
exec "$BIN" --port "$PORT" --dir "$DIR" --save '' --replicaof "$MASTER_HOST $MASTER_PORT" "$@"
