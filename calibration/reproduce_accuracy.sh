#!/usr/bin/env bash
# Reproduces the accuracy figures of calibration/README.md on this machine:
#   calibration/reproduce_accuracy.sh BUILD_DIR OUT_DIR
# 1 thread: calibrate (default 3-minute budget) -> fit -> validate every ../shared model;
# leave-one-model-out: for each model, fit without the kernels derived from its layers, validate it;
# 2 threads: calibrate -> fit -> validate.
set -euo pipefail
build=${1:-build}
out=${2:-calibration-results}
dnntune="$build/experiments/dnntune"
models=$(ls "$(dirname "$0")/../../shared/models/"*.onnx)
mkdir -p "$out"
for threads in 1 2; do
  echo "== $threads thread(s): load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # An existing trace is reused (resume after an interruption); delete it to recalibrate.
  [ -s "$out/trace-${threads}t.jsonl" ] ||
    /usr/bin/time -f "calibrate wall %e s" "$dnntune" calibrate --engine opencv --threads "$threads" -o "$out/trace-${threads}t.jsonl"
  "$dnntune" fit "$out/trace-${threads}t.jsonl" -o "$out/profile-${threads}t.yaml" >"$out/fit-${threads}t.txt"
  "$dnntune" validate $models --device "$out/profile-${threads}t.yaml" --engine opencv --threads "$threads" \
    | tee "$out/validate-${threads}t.txt"
  if [ "$threads" = 1 ]; then
    echo "== leave-one-model-out (1 thread)"
    : >"$out/loo-1t.txt"
    for m in $models; do
      stem=$(basename "$m" .onnx)
      "$dnntune" fit "$out/trace-1t.jsonl" --exclude-model "$stem" -o "$out/loo-$stem.yaml" >/dev/null
      "$dnntune" validate "$m" --device "$out/loo-$stem.yaml" --engine opencv --threads 1 2>/dev/null \
        | grep "\.onnx" | tee -a "$out/loo-1t.txt" || true
    done
  fi
done
