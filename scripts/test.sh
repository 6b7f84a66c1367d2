#!/usr/bin/env bash
# Run the whole test suite, exactly as CI does (`cargo test --release --no-fail-fast`), after saying which real
# Redis tools were found: without them the interop tests are skipped (CI sets REQUIRE_REDIS=1,
# which turns a missing tool into a failure). Installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in redis-server redis-cli redis-benchmark; do
    if command -v "$tool" >/dev/null; then
        echo "found $tool: $("$tool" --version 2>/dev/null | head -n1)"
    else
        echo "missing $tool: its tests will be skipped (apt-get install redis-server redis-tools)"
    fi
done
exec cargo test --release --no-fail-fast "$@"
