# dnntune inspect: bad input gives one error line, exit 2, and no partial output file.
source "$(dirname "$0")/common.bash"
expect_bad_input "missing file" inspect "$TMP/missing.onnx"
grep -q "$TMP/missing.onnx: no such file" "$TMP/err" || fail "missing file message: $(cat "$TMP/err")"
expect_bad_input "unknown suite name" inspect no_such_model
grep -q "suite models:" "$TMP/err" || fail "should list suite models"
echo "this is not a protobuf" >"$TMP/text.onnx"
expect_bad_input "text file" inspect "$TMP/text.onnx" -o "$TMP/out.json" --format json
[ ! -e "$TMP/out.json" ] || fail "partial output file left behind"
ls "$TMP" | grep -q tmp && fail "temporary file left behind"
expect_bad_input "bad format" inspect "$TMP/text.onnx" --format xml
expect_bad_input "bad input shape" inspect "$TMP/text.onnx" --input-shape x=1xx3
head -c 600 "$SRC/tests/data/tiny_cnn.onnx" >"$TMP/truncated.onnx"
expect_bad_input "truncated" inspect "$TMP/truncated.onnx" -o "$TMP/t.txt"
[ ! -e "$TMP/t.txt" ] || fail "partial output after truncated model"
expect_bad_input "wrong input name" inspect "$SRC/tests/data/tiny_cnn.onnx" --input-shape nope=1x3x32x32
echo "ok"
