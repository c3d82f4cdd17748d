# dnntune zoo list: every suite model in Table 1 order, table and json, counted parameters.
source "$(dirname "$0")/common.bash"
NAMES="inception_v1 inception_v3 resnet50 vgg16 mobilenet_v1 mobilenet_v2 squeezenet_v1_1
shufflenet_v2_0_5 deeplabv3_mobilenet_v2 rnn_ptb_small deepspeech mnist_mlp transformer alexnet"
"$DNNTUNE" zoo list >"$TMP/table" || fail "zoo list"
head -1 "$TMP/table" | grep -q "^name .*params .*Table 1 .*default input .*description .*citation" \
  || fail "table header: $(head -1 "$TMP/table")"
# Rows in registry order (line 3 onwards, after the header and its rule).
[ "$(tail -n +3 "$TMP/table" | awk '{print $1}' | tr '\n' ' ')" = "$(echo $NAMES) " ] \
  || fail "table rows: $(tail -n +3 "$TMP/table" | awk '{print $1}' | tr '\n' ' ')"
grep -q "^resnet50 .*25.6M .*25.6M .*He et al." "$TMP/table" || fail "resnet50 row"
"$DNNTUNE" zoo list --format json >"$TMP/json" || fail "zoo list --format json"
python3 - "$TMP/json" "$NAMES" <<'PY' || fail "json content"
import json, sys
models = json.load(open(sys.argv[1]))
assert [m["name"] for m in models] == sys.argv[2].split(), [m["name"] for m in models]
for m in models:
    assert set(m) == {"name", "params", "table1_params", "default_input", "description", "citation"}, m
    assert abs(m["params"] / m["table1_params"] - 1) <= 0.05, m
PY
expect_bad_input "bad list format" zoo list --format csv
echo "ok"
