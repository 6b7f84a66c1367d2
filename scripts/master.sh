#!/usr/bin/env bash
# Start a redis-rust master in the foreground: scripts/master.sh [PORT] (default 6379).
# Extra arguments after PORT are passed to the server (e.g. --repl-backlog-size 4mb).
# Its dump file goes to $REDIS_RUST_DIR (default /tmp/redis-rust-PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-6379}"
shift || true
BIN="${REDIS_RUST_BIN:-target/release/redis-rust}"
[ -x "$BIN" ] || cargo build --release -q
DIR="${REDIS_RUST_DIR:-/tmp/redis-rust-$PORT}"
mkdir -p "$DIR"
exec "$BIN" --port "$PORT" --dir "$DIR" --save '' "$@"
