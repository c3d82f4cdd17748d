#!/usr/bin/env bash
# Reproduces the accuracy figures of calibration/README.md on this machine:
#   calibration/reproduce_accuracy.sh BUILD_DIR OUT_DIR [THREADS...]      (default threads: 1 2)
# Per thread count: calibrate (default 3-minute budget) -> fit -> validate every model (end to end,
# measured) -> crossval (leave-one-model-out on the calibration kernels); at 1 thread also the
# measured leave-one-model-out: for each model, fit without its layer configurations, validate it
# (loo-1t.txt), and the same held-out prediction against the in-sample validate's measurement
# (loo-vs-validate-1t.txt).
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
    # The same held-out profiles against the times the in-sample validate measured above: the
    # machine's drift between the two measurements (up to 10 % within minutes on a shared VM)
    # does not enter. Fields: model, measured ms (validate-1t.txt), held-out prediction, error %.
    echo "== leave-one-model-out against the in-sample validate's measurement (1 thread)"
    : >"$out/loo-vs-validate-1t.txt"
    while read -r m measured _; do
      stem=$(basename "$m" .onnx)
      [ -s "$out/loo-$stem.yaml" ] || continue
      predicted=$("$dnntune" predict "$m" --device "$out/loo-$stem.yaml" --format json |
        sed -n 's/.*"total_ms": *\([0-9.eE+-]*\).*/\1/p')
      awk -v s="$stem" -v a="$measured" -v b="$predicted" \
        'BEGIN { printf "%-22s %10.3f %10.3f %7.1f\n", s, a, b, 100 * (b - a) / a }' |
        tee -a "$out/loo-vs-validate-1t.txt"
    done < <(grep "\.onnx" "$out/validate-1t.txt")
    awk '$4 >= -10 && $4 <= 10 { w++ } END { printf "within +-10%%: %d of %d\n", w, NR }' \
      "$out/loo-vs-validate-1t.txt" | tee -a "$out/loo-vs-validate-1t.txt"
  fi
done
