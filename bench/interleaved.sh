#!/usr/bin/env bash
# Compares benchmark binaries on a noisy machine: ROUNDS rounds, each running every binary once in
# turn (3 repetitions, the median kept), then per binary the median, min and max of its rounds.
# A VM whose speed changes in phases (the Xeon VM of calibration/README.md ran one binary at 1.0
# and at 2.2 ms minutes apart) moves every binary alike within a round, so compare medians across
# the same rounds, never figures taken at different times.
# Usage: bench/interleaved.sh ROUNDS FILTER BINARY... (FILTER: --benchmark_filter, e.g. Predict1000)
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: bench/interleaved.sh ROUNDS FILTER BINARY..." >&2
  exit 2
fi
rounds=$1 filter=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((r = 0; r < rounds; ++r)); do
  for b in "$@"; do
    v=$("$b" --benchmark_filter="$filter" --benchmark_repetitions=3 --benchmark_min_time=0.2 \
      --benchmark_report_aggregates_only=true 2>/dev/null | awk '/_median / {print $2; exit}')
    echo "$b ${v:-nan}" >>"$out"
  done
done
for b in "$@"; do
  awk -v b="$b" '$1 == b {print $2}' "$out" | sort -n | awk -v b="$b" '
    {a[NR] = $1}
    END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
         printf "%-40s median %s us  min %s  max %s  (%d rounds)\n", b, m, a[1], a[NR], NR}'
done
