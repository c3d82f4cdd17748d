#!/usr/bin/env bash
# Reproduces the accuracy figures of calibration/README.md on this machine:
#   calibration/reproduce_accuracy.sh BUILD_DIR OUT_DIR [THREADS...]      (default threads: 1 2)
# Per thread count: calibrate (default 3-minute budget) -> fit -> validate every model (end to end,
# measured) -> crossval (leave-one-model-out on the calibration kernels); at 1 thread also the
# measured leave-one-model-out: for each model, fit without its layer configurations, validate it.
# Environment: DNNTUNE (binary, default BUILD_DIR/experiments/dnntune), MODELS_DIR (default
# ../shared/models), PIN (a CPU list: every step runs under taskset -c PIN).
set -euo pipefail
build=${1:-build}
out=${2:-calibration-results}
shift $(($# < 2 ? $# : 2))
threads_list=${*:-1 2}
dnntune=${DNNTUNE:-$build/experiments/dnntune}
models_dir=${MODELS_DIR:-$(dirname "$0")/../../shared/models}
models=$(ls "$models_dir"/*.onnx)
pin=()
[ -n "${PIN:-}" ] && pin=(taskset -c "$PIN")
mkdir -p "$out"
for threads in $threads_list; do
  echo "== $threads thread(s): load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # An existing trace is reused (resume after an interruption); delete it to recalibrate.
  [ -s "$out/trace-${threads}t.jsonl" ] ||
    "${pin[@]}" "$dnntune" calibrate --engine opencv --threads "$threads" --priors $models \
      -o "$out/trace-${threads}t.jsonl" 2>"$out/calibrate-${threads}t.log"
  tail -2 "$out/calibrate-${threads}t.log"
  "$dnntune" fit "$out/trace-${threads}t.jsonl" -o "$out/profile-${threads}t.yaml" >"$out/fit-${threads}t.txt"
  "${pin[@]}" "$dnntune" validate $models --device "$out/profile-${threads}t.yaml" --engine opencv \
    --threads "$threads" | tee "$out/validate-${threads}t.txt"
  "$dnntune" crossval "$out/trace-${threads}t.jsonl" | tee "$out/crossval-${threads}t.txt"
  if [ "$threads" = 1 ]; then
    echo "== leave-one-model-out, measured (1 thread)"
    : >"$out/loo-1t.txt"
    for m in $models; do
      stem=$(basename "$m" .onnx)
      "$dnntune" fit "$out/trace-1t.jsonl" --exclude-model "$stem" -o "$out/loo-$stem.yaml" >/dev/null 2>&1
      "${pin[@]}" "$dnntune" validate "$m" --device "$out/loo-$stem.yaml" --engine opencv --threads 1 2>/dev/null |
        grep "\.onnx" | tee -a "$out/loo-1t.txt" || true
    done
  fi
done
