# dnntune devices list|networks: every catalog entry, as a table and as valid JSON.
source "$(dirname "$0")/common.bash"
"$DNNTUNE" devices list >"$TMP/table" 2>"$TMP/err" || fail "devices list: $(cat "$TMP/err")"
for name in oneplus5t oneplus3 redmi_note4x kirin970 jetson_tx2 dimensity9300 xeon_e5_2620v4 \
  v100 t4 a100 h100; do
  grep -q "^$name " "$TMP/table" || fail "devices list lacks $name"
done
"$DNNTUNE" devices list --format json >"$TMP/list.json" || fail "devices list --format json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d) == 11, len(d); \
assert all(p['source'] for x in d for p in x['processors'])" "$TMP/list.json" \
  || fail "devices list JSON: $(head -c 300 "$TMP/list.json")"
"$DNNTUNE" devices networks >"$TMP/net" || fail "devices networks"
for preset in 3g lte wifi 5g; do grep -q "^$preset " "$TMP/net" || fail "networks lacks $preset"; done
grep -q "868.98" "$TMP/net" || fail "3g alpha_up missing: $(cat "$TMP/net")"
"$DNNTUNE" devices networks --format json | python3 -c "import json,sys; \
d={x['name']: x for x in json.load(sys.stdin)}; assert d['lte']['radio']['beta_mW'] == 1288.04" \
  || fail "networks JSON"
echo "ok"
