#!/usr/bin/env bash
# Start a redis-rust master in the foreground: scripts/master.sh [PORT] (default 6379).
# Extra arguments after PORT are passed to the server (e.g. --repl-backlog-size 4mb).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-6379}"
shift || true
BIN="${REDIS_RUST_BIN:-target/release/redis-rust}"
[ -x "$BIN" ] || cargo build --release -q
exec "$BIN" --port "$PORT" --save '' "$@"
