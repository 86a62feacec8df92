#!/usr/bin/env bash
# Whole-process benchmark of `nianbao import` (issue 13): wall time (median of RUNS)
# and peak memory (/usr/bin/time -v) per input kind. Inputs: the published PDF
# (6 pages), the same joined to 12 and 54 pages (qpdf), the published HTML page,
# and a DOCX that nianbao rendered.
#
#   bench/import.sh          # RUNS=7
#
# Needs /usr/bin/time (package time) and qpdf.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nianbao-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/nianbao"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pub=tests/cases/published
cp "$pub/huaian-city-2024.pdf" "$work/pdf-6.pdf"
qpdf --empty --pages "$pub/huaian-city-2024.pdf" "$pub/huaian-city-2024.pdf" -- "$work/pdf-12.pdf"
set --
for _ in 1 2 3 4 5 6 7 8 9; do set -- "$@" "$pub/huaian-city-2024.pdf"; done
qpdf --empty --pages "$@" -- "$work/pdf-54.pdf"
cp "$pub/pingtan-zone-2025.html" "$work/page.html"
"$bin" render examples/qinghe-2023.yaml -o "$work/r" --to docx --no-system-fonts >/dev/null
cp "$work/r/qinghe-2023.docx" "$work/report.docx"

printf '%-12s %6s %12s %10s\n' input pages "median ms" "peak MB"
for f in pdf-6.pdf pdf-12.pdf pdf-54.pdf page.html report.docx; do
  times=() peak=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v "$bin" import "$work/$f" -o "$work/out.yaml" --force --partial \
      >/dev/null 2>"$work/time.txt" || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); print (a[n] + 60 * a[n-1]) * 1000 }' "$work/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    times+=("$wall")
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  pages=$( [ "${f%.pdf}" != "$f" ] && qpdf --show-npages "$work/$f" || echo -)
  printf "%-12s %6s %12.0f %10.1f\n" "$f" "$pages" "$median" "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')"
done
