#!/usr/bin/env bash
# Repeatable cost of one report: instructions counted by valgrind (callgrind) for a
# whole `nianbao render` of 2 and of 8 synthetic reports on one worker; the difference
# over 6 reports is the cost of one report without the start-up. Unlike wall times,
# which drift by up to ~17 % on this machine, the count moves by < 1 % between runs,
# so it is what to compare when a change is small.
#
#   bench/instructions.sh            # PDF and DOCX
#   TO=pdf bench/instructions.sh     # PDF only
#   BIN=/tmp/old-nianbao bench/instructions.sh   # another build, to compare
#
# Needs valgrind (package valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
TO=${TO:-pdf,docx}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nianbao-target}"
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --release --quiet
  bin="$CARGO_TARGET_DIR/release/nianbao"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count() {
  "$bin" synth "$1" "$work/in$1" >/dev/null
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$bin" render "$work/in$1" -o "$work/out$1" --to "$TO" --jobs 1 --quiet 2>&1 |
    awk '/Collected/ { print $4 }'
}
a=$(count 2)
b=$(count 8)
echo "per report ($TO): $(( (b - a) / 6 / 1000000 )) M instructions (callgrind; 2 and 8 synthetic reports, one worker)"
