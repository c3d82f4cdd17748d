# dnntune zoo export: bad input gives one error line, exit 2, and creates no file.
source "$(dirname "$0")/common.bash"
expect_bad_input "unknown name" zoo export resnet51 -o "$TMP/x.onnx"
grep -q "^dnntune: error: resnet51: unknown suite model; valid names: inception_v1, .*alexnet$" "$TMP/err" \
  || fail "unknown name message: $(cat "$TMP/err")"
[ ! -e "$TMP/x.onnx" ] || fail "file created for an unknown name"
expect_bad_input "bad weights" zoo export resnet50 --weights zeros -o "$TMP/x.onnx"
expect_bad_input "bad input size" zoo export resnet50 --input-size 224x -o "$TMP/x.onnx"
expect_bad_input "3-d input size" zoo export resnet50 --input-size 3x224x224 -o "$TMP/x.onnx"
expect_bad_input "too small" zoo export resnet50 --input-size 16x16 -o "$TMP/x.onnx"
grep -q "resnet50: input size 16x16 is too small" "$TMP/err" || fail "too small message: $(cat "$TMP/err")"
expect_bad_input "mlp input size" zoo export mnist_mlp --input-size 28x28 -o "$TMP/x.onnx"
expect_bad_input "batch 0" zoo export resnet50 --batch 0 -o "$TMP/x.onnx"
expect_bad_input "no output" zoo export resnet50
expect_bad_input "no subcommand" zoo
expect_bad_input "unwritable output" zoo export mnist_mlp -o "$TMP/no/such/dir/x.onnx"
[ ! -e "$TMP/x.onnx" ] || fail "file created after bad input"
[ -z "$(ls -A "$TMP" | grep -v '^out$\|^err$')" ] || fail "files left behind: $(ls -A "$TMP")"
echo "ok"
