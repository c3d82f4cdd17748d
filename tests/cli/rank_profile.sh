# dnntune rank --profile: a calibrated profile replaces the roofline model of the phone processor
# of its kind; a profile for a kind the phone lacks, or a broken profile, is bad input.
source "$(dirname "$0")/common.bash"
P="$SRC/tests/data/profile_tiny.yaml"
"$DNNTUNE" rank resnet50 --mobile oneplus5t --network wifi --format json >"$TMP/roofline.json" || fail "rank"
"$DNNTUNE" rank resnet50 --mobile oneplus5t --network wifi --format json --profile "$P" >"$TMP/profile.json" \
  || fail "rank --profile"
python3 - "$TMP/roofline.json" "$TMP/profile.json" <<'PY' || fail "profile did not replace the cpu model"
import json, sys
def cpu(path):
    d = json.loads(open(path).readline())
    s = {x["strategy"]: x for x in d["networks"][0]["strategies"]}
    return s["mobile-only:cpu"], s["mobile-only:gpu"]
(rc, rg), (pc, pg) = cpu(sys.argv[1]), cpu(sys.argv[2])
assert abs(rc["latency_ms"] - pc["latency_ms"]) > 1e-6, "cpu latency unchanged"
assert abs(rg["latency_ms"] - pg["latency_ms"]) < 1e-9, "gpu must keep its roofline model"
assert pc["energy_mJ"] > 0, "no measured power: the declared power must be charged"
PY
sed 's/processor_kind: cpu/processor_kind: npu/' "$P" >"$TMP/npu.yaml"
expect_bad_input "profile kind the phone lacks" rank resnet50 --mobile oneplus5t --profile "$TMP/npu.yaml"
grep -q "no processor of that kind" "$TMP/err" || fail "message: $(cat "$TMP/err")"
sed 's/dnntune_profile: 1/dnntune_profile: 99/' "$P" >"$TMP/v99.yaml"
expect_bad_input "foreign profile version" rank resnet50 --mobile oneplus5t --profile "$TMP/v99.yaml"
echo "ok"
