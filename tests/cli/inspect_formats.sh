# dnntune inspect: table, json and csv outputs of a small model; -o writes the same bytes.
source "$(dirname "$0")/common.bash"
M="$SRC/tests/data/tiny_cnn.onnx"
"$DNNTUNE" inspect "$M" >"$TMP/table" || fail "table"
grep -q "^layers " "$TMP/table" || fail "table totals line missing"
grep -q "cut bytes" "$TMP/table" || fail "table header"
"$DNNTUNE" inspect "$M" --format json >"$TMP/json" || fail "json"
for key in '"model"' '"inputs"' '"layers"' '"ops"' '"output_shapes"' '"macs"' '"flops"' '"weight_elements"' \
           '"weight_bytes"' '"output_bytes"' '"cut_bytes"' '"unknown_cost"' '"totals"' '"params"'; do
  grep -q "$key" "$TMP/json" || fail "json lacks $key"
done
"$DNNTUNE" inspect "$M" --format json -o "$TMP/file.json" || fail "json -o"
cmp -s "$TMP/json" "$TMP/file.json" || fail "-o differs from stdout"
"$DNNTUNE" inspect "$M" --format csv >"$TMP/csv" || fail "csv"
head -1 "$TMP/csv" | grep -q "^index,name,ops,output_shapes,macs,flops" || fail "csv header"
[ "$(wc -l <"$TMP/csv")" -gt 1 ] || fail "csv rows"
"$DNNTUNE" inspect "$M" --batch 4 --format csv >"$TMP/csv4" || fail "batch"
cmp -s "$TMP/csv" "$TMP/csv4" && fail "--batch 4 changed nothing"
echo "ok"
