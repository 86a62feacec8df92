#!/usr/bin/env bash
# Whole-process benchmark: times nianbao as users run it, with /usr/bin/time -v,
# and LibreOffice on the same DOCX files for the ratio. Prints medians.
#
#   bench/run.sh            # N=1000 synthetic reports, 5 cold runs
#   N=200 RUNS=3 bench/run.sh
#
# Needs /usr/bin/time (package time) and, for the comparison, soffice
# (libreoffice-writer-nogui); without soffice that part is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-5}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nianbao-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/nianbao"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

# Peak resident memory of a process and all its descendants together (the batch runs
# worker processes; /usr/bin/time reports only the largest single process), sampled
# every 50 ms from /proc: prints the peak in KB.
tree_peak() {
  "$@" >/dev/null 2>&1 &
  local root=$! peak=0
  while kill -0 "$root" 2>/dev/null; do
    local sum=0 pid
    for pid in $root $(pgrep -P "$root"); do
      local kb
      kb=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      sum=$((sum + ${kb:-0}))
    done
    [ "$sum" -gt "$peak" ] && peak=$sum
    sleep 0.05
  done
  wait "$root"
  echo "$peak"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# Runs a command under /usr/bin/time -v; prints "wall_seconds max_rss_kb".
timed() {
  /usr/bin/time -v "$@" 2>"$work/time.txt" >/dev/null || { cat "$work/time.txt"; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
              /Maximum resident set size/ { m = $2 } END { print s, m }' "$work/time.txt"
}

echo "machine: $cores cores, $(free -g | awk '/Mem:/ { print $2 }') GiB; $(date -u +%Y-%m-%d)"
"$bin" synth "$N" "$work/in"

for i in $(seq "$RUNS"); do timed "$bin" render examples/xiayi-2020.yaml -o "$work/one" --quiet; done >"$work/cold"
echo "cold render of the seed, PDF+DOCX: median $(cut -d' ' -f1 "$work/cold" | median) s, peak RSS $(cut -d' ' -f2 "$work/cold" | median) KB ($RUNS runs)"

for i in $(seq 3); do rm -rf "$work/out"; timed "$bin" render "$work/in" -o "$work/out" --quiet; done >"$work/batch"
wall=$(cut -d' ' -f1 "$work/batch" | median)
rss=$(cut -d' ' -f2 "$work/batch" | median)
per=$(awk -v w="$wall" -v n="$N" -v c="$cores" 'BEGIN { printf "%.1f", w * 1000 * c / n }')
rm -rf "$work/out"
tree=$(tree_peak "$bin" render "$work/in" -o "$work/out" --quiet)
echo "$N reports, PDF+DOCX, $cores workers: median $wall s wall; peak RSS $rss KB (largest process), $tree KB (all processes together); $per ms per report per core (3 runs)"
pdfs=("$work/out"/*.pdf)
echo "  ${#pdfs[@]} PDFs written"

if command -v soffice >/dev/null; then
  lo_home="$work/lo-home"
  all=("$work/out"/*.docx)
  for d in "${all[@]:0:10}"; do timed env HOME="$lo_home" soffice --headless --norestore --convert-to pdf --outdir "$work/lo" "$d"; done >"$work/lo-single"
  lo_single=$(cut -d' ' -f1 "$work/lo-single" | median)
  batch=("${all[@]:0:100}")
  count=${#batch[@]}
  lo_batch=$(timed env HOME="$lo_home" soffice --headless --norestore --convert-to pdf --outdir "$work/lo" "${batch[@]}" | cut -d' ' -f1)
  lo_per=$(awk -v w="$lo_batch" -v n="$count" 'BEGIN { printf "%.3f", w / n }')
  ours=$(awk -v w="$wall" -v n="$N" 'BEGIN { printf "%.4f", w / n }')
  echo "LibreOffice DOCX -> PDF: one call per document median $lo_single s; one call for $count documents $lo_batch s ($lo_per s each)"
  awk -v a="$lo_single" -v b="$lo_per" -v o="$ours" 'BEGIN { printf "nianbao (both files, per report in a batch) is %.0fx faster than LibreOffice per call and %.0fx faster than LibreOffice in a batch\n", a / o, b / o }'
else
  echo "soffice not installed: LibreOffice comparison skipped"
fi
