#!/usr/bin/env bash
# Runs the benchmark suite and prints the median of 5 repetitions of every case.
# Usage: bench/run.sh [BUILD_DIR] [extra Google Benchmark flags, e.g. --benchmark_filter=MinCut]
# (`make bench` calls `bench/run.sh build`.)
set -euo pipefail
build="${1:-build}"
shift || true
exe="./$build/bench/dnntune_bench"
if [ ! -x "$exe" ]; then
  echo "bench/run.sh: $exe not found; build it first (cmake --build $build --target dnntune_bench)" >&2
  exit 2
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$exe" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$@" | tee "$out" >&2
echo
echo "medians of 5 repetitions:"
grep -E "_median " "$out" || true

# End-to-end CLI timings (process start, file read, shape resolution, output): `dnntune inspect`
# on generated ONNX files, median of 5 runs each.
gen="./$build/bench/dnntune_benchgen"
cli="./$build/experiments/dnntune"
if [ -x "$gen" ] && [ -x "$cli" ]; then
  models=$(mktemp -d)
  trap 'rm -f "$out"; rm -rf "$models"' EXIT
  "$gen" "$models"
  echo
  echo "dnntune inspect end to end, median of 5 runs (peak RSS of the median run):"
  for m in vit_b_16 chain_20000 dag_20000; do
    for i in 1 2 3 4 5; do
      /usr/bin/time -f "%e %M" "$cli" inspect "$models/$m.onnx" --format csv 2>&1 >/dev/null | tail -1
    done | sort -n | sed -n 3p | awk -v m="$m" '{printf "  %-12s %7.0f ms  %6.0f MB\n", m, $1 * 1000, $2 / 1024}'
  done
fi
