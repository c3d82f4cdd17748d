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
