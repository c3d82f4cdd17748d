# dnntune devices show: one device with its sources; a user YAML file in the catalog schema.
source "$(dirname "$0")/common.bash"
"$DNNTUNE" devices show v100 >"$TMP/v100" 2>"$TMP/err" || fail "show v100: $(cat "$TMP/err")"
grep -q "15700.0" "$TMP/v100" || fail "v100 fp32 peak missing"
grep -q "NVIDIA Tesla V100 data sheet" "$TMP/v100" || fail "v100 sources missing"
"$DNNTUNE" devices show kirin970 --format json | python3 -c "import json,sys; \
d=json.load(sys.stdin); npu=[p for p in d['processors'] if p['name']=='npu'][0]; \
assert npu['peak_gflops_fp16'] == 1920.0" || fail "kirin970 JSON"
cat >"$TMP/my_board.yaml" <<'YAML'
name: my_board
role: board
description: "a user board"
processors:
  - {name: cpu, kind: cpu, model: "4x A55", peak_gflops_fp32: 32, memory_bandwidth_GBps: 8,
     memory_GiB: 2, active_power_W: 1.5, efficiency: {default: 0.2}, source: "my measurements"}
YAML
"$DNNTUNE" devices show "$TMP/my_board.yaml" >"$TMP/mine" || fail "show user file"
grep -q "my_board (board)" "$TMP/mine" || fail "user file: $(cat "$TMP/mine")"
echo "ok"
