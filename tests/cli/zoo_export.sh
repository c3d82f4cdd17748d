# dnntune zoo export: writes a loadable ONNX file equal to what the suite name loads; --batch,
# --input-size and --weights change the file as documented.
source "$(dirname "$0")/common.bash"
"$DNNTUNE" zoo export resnet50 -o "$TMP/r50.onnx" >"$TMP/out" || fail "export resnet50"
grep -q "wrote $TMP/r50.onnx: resnet50, 25,610,152 parameters" "$TMP/out" || fail "summary: $(cat "$TMP/out")"
[ "$(stat -c %s "$TMP/r50.onnx")" -lt 200000 ] || fail "weights none should write no payloads"
"$DNNTUNE" inspect "$TMP/r50.onnx" --format csv >"$TMP/file.csv" || fail "inspect exported file"
"$DNNTUNE" inspect resnet50 --format csv >"$TMP/name.csv" || fail "inspect by suite name"
cmp -s "$TMP/file.csv" "$TMP/name.csv" || fail "exported file and suite name differ"

"$DNNTUNE" zoo export inception_v3 --batch 2 --input-size 320x320 -o "$TMP/i3.onnx" >/dev/null \
  || fail "export with batch and input size"
"$DNNTUNE" inspect "$TMP/i3.onnx" --format json >"$TMP/i3.json" || fail "inspect inception_v3"
python3 - "$TMP/i3.json" <<'PY' || fail "inception_v3 2x3x320x320 input"
import json, sys
g = json.load(open(sys.argv[1]))
assert g["inputs"][0]["shape"] == [2, 3, 320, 320], g["inputs"]
PY

"$DNNTUNE" zoo export rnn_ptb_small --input-size 35 -o "$TMP/ptb.onnx" >/dev/null || fail "ptb"
"$DNNTUNE" inspect "$TMP/ptb.onnx" --format json | grep -q '"shape": \[' || fail "inspect ptb"

"$DNNTUNE" zoo export squeezenet_v1_1 --weights random -o "$TMP/sq1.onnx" >/dev/null || fail "random"
"$DNNTUNE" zoo export squeezenet_v1_1 --weights random -o "$TMP/sq2.onnx" >/dev/null || fail "random 2"
# 1,235,496 float weights = 4,941,984 bytes of payload; the same seed gives the same file.
[ "$(stat -c %s "$TMP/sq1.onnx")" -gt 4941984 ] || fail "random weights missing"
cmp -s "$TMP/sq1.onnx" "$TMP/sq2.onnx" || fail "random weights not deterministic"
"$DNNTUNE" inspect "$TMP/sq1.onnx" >/dev/null || fail "inspect random-weight file"
echo "ok"
