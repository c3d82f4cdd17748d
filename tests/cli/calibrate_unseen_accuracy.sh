# Issue 3's CI accuracy check: after under a minute of calibration, the prediction of a model whose
# layers were NOT in the priors is within +-30% of its measured time, judged only when measured at
# the machine speed of calibration.
# It was quarantined while glibc malloc made OpenCV's layers 1.5x slower or not from one instance
# to the next (experiments/CMakeLists.txt); with jemalloc, 9 runs in a row on the 2-vCPU build VM
# gave -1.8 % to -6.2 %.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/calibration_pipeline.bash"
# Up to 20 s per round for the machine to come back to its calibration speed.
run_calibration_pipeline 20
python3 - "$TMP/val.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["models"][0]
# The accuracy claim needs a measurement taken at the machine speed of calibration: the reference
# kernel within 10% of its calibrated time. Otherwise it cannot be judged here (exit 3 -> skip).
if m["reference_ratio"] > 1.10:
    print(f"machine never came back to its calibration speed (reference x{m['reference_ratio']:.2f})")
    sys.exit(3)
assert abs(m["error_pct"]) <= 30.0, m
PY
rc=$?
[ "$rc" = 3 ] && { echo "SKIP: prediction accuracy not judged: the machine was not in its calibration state"; exit 77; }
[ "$rc" = 0 ] || fail "prediction of the unseen model: $(cat "$TMP/val.json")"
echo "ok"
