# calibrate -> fit -> predict -> validate on this machine with OpenCV DNN, in under a minute of
# calibration. Assertions that can fail: the fit's cross-validated error on its own kernels, and
# the prediction of a model whose layers were NOT in the priors within +-30% of its measured time.
source "$(dirname "$0")/common.bash"
command -v python3 >/dev/null || { echo "SKIP: python3 needed to read JSON"; exit 77; }
# Priors: two small suite models; the unseen model (mobilenet_v1: depthwise-separable blocks,
# built by the project) is excluded from them and from the sampling.
"$DNNTUNE" calibrate --engine opencv --threads 1 --budget 25 --priors mnist_mlp squeezenet_v1_1 \
  -o "$TMP/trace.jsonl" 2>"$TMP/cal.err" || fail "calibrate: $(cat "$TMP/cal.err")"
head -1 "$TMP/trace.jsonl" | grep -q '"record":"header"' || fail "trace header"
grep -q '"record":"kernel"' "$TMP/trace.jsonl" || fail "no kernel records"
grep -q '"record":"fusion_probe"' "$TMP/trace.jsonl" || fail "no fusion probes"
"$DNNTUNE" fit "$TMP/trace.jsonl" -o "$TMP/profile.yaml" >"$TMP/fit.out" 2>"$TMP/fit.err" || fail "fit: $(cat "$TMP/fit.err")"
grep -q "^dnntune_profile: 1" "$TMP/profile.yaml" || fail "profile version key"
python3 - "$TMP/profile.yaml" <<'PY' || fail "fit cross-validated error too high: $(cat "$TMP/fit.out")"
import re, sys
text = open(sys.argv[1]).read()
# Bound on the cross-validated MAPE of the convolution kinds (weighted by their kernel counts),
# which dominate a CNN's time; 35% leaves room for a loaded CI machine while failing on a broken
# fit (typically >> 100%).
stats = re.findall(r"\n  (Conv(?:\.1x1|\.dw)?):\n(?:    .*\n)*?    stats:\n      samples: ([0-9]+)\n      cv_mape_pct: ([0-9.e+-]+)", text)
assert stats, "no Conv kinds in the profile"
n = sum(int(s) for _, s, _ in stats)
weighted = sum(int(s) * float(v) for _, s, v in stats) / n
assert weighted < 35.0, (stats, weighted)
PY
"$DNNTUNE" predict mobilenet_v1 --device "$TMP/profile.yaml" --format json >"$TMP/pred.json" || fail "predict"
"$DNNTUNE" validate mobilenet_v1 --device "$TMP/profile.yaml" --engine opencv --format json >"$TMP/val.json" \
  2>"$TMP/val.err" || fail "validate: $(cat "$TMP/val.err")"
python3 - "$TMP/pred.json" "$TMP/val.json" <<'PY' || fail "prediction of the unseen model: $(cat "$TMP/val.json")"
import json, sys
pred = json.load(open(sys.argv[1]))
val = json.load(open(sys.argv[2]))
assert set(pred) == {"model", "device", "layers", "total_ms"}, pred.keys()
assert pred["total_ms"] > 0 and all(l["latency_ms"] >= 0 for l in pred["layers"])
assert abs(sum(l["latency_ms"] for l in pred["layers"]) - pred["total_ms"]) < 0.05 * pred["total_ms"]
m = val["models"][0]
assert set(m) >= {"model", "measured_ms", "predicted_ms", "error_pct", "layer_mape_pct"}, m
assert abs(m["error_pct"]) <= 30.0, m
assert 0 <= val["within_10pct"] <= 1 and 0 <= val["within_20pct"] <= 1
PY
