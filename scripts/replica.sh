#!/usr/bin/env bash
# Start a redis-rust replica in the foreground: scripts/replica.sh PORT MASTER_HOST MASTER_PORT.
# The master may be redis-rust or a real redis-server. Extra arguments go to the server.
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
exec "$BIN" --port "$PORT" --save '' --replicaof "$MASTER_HOST $MASTER_PORT" "$@"
