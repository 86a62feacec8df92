#!/usr/bin/env bash
# Load test of `nianbao serve` on loopback (issue 17): a release server on a fresh data
# folder, then bench/serve-load.mjs with UNITS units for DURATION seconds (≤ 60), and the
# server's peak memory (/usr/bin/time -v) once it stops.
#
#   bench/serve.sh             # UNITS=50 DURATION=30
#
# Needs Node.js (20+) and /usr/bin/time (package time).
set -euo pipefail
cd "$(dirname "$0")/.."
UNITS=${UNITS:-50}
DURATION=${DURATION:-30}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nianbao-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/nianbao"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
password="bench-office-password"
NIANBAO_OFFICE_PASSWORD="$password" /usr/bin/time -v -o "$work/time.txt" \
  "$bin" serve --addr 127.0.0.1:0 --data "$work/data" --no-system-fonts >"$work/out.txt" 2>&1 &
server=$!
for _ in $(seq 600); do grep -q 'http://' "$work/out.txt" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$work/out.txt" | head -1)
echo "server: $base (workers: $(nproc) cores)"
node bench/serve-load.mjs "$base" "$password" "$UNITS" "$DURATION"
status=$?
# The time wrapper's child is the server: stop it, then read its peak memory.
pkill -INT -P "$server" 2>/dev/null || kill -INT "$server"
wait "$server" 2>/dev/null || true
awk -F': ' '/Maximum resident/ { printf "server peak memory: %.1f MB\n", $2 / 1024 }
  /User time/ { user = $2 } /System time/ { sys = $2 }
  END { printf "server CPU: %.1f s user, %.1f s system\n", user, sys }' "$work/time.txt"
exit $status
