# Broken traces and profiles, bad options: one clear error line, exit code 2, no output file.
source "$(dirname "$0")/common.bash"
expect_bad_input "unknown engine" calibrate --engine tflite --budget 1
expect_bad_input "zero threads" calibrate --threads 0 --budget 1
printf 'not json\n' >"$TMP/bad.jsonl"
expect_bad_input "trace not JSON" fit "$TMP/bad.jsonl" -o "$TMP/p.yaml"
grep -q "line 1: not valid JSON" "$TMP/err" || fail "trace error text: $(cat "$TMP/err")"
[ ! -e "$TMP/p.yaml" ] || fail "fit left a profile behind"
printf '{"record":"header","format":"dnntune-calibration-trace","version":9}\n' >"$TMP/v9.jsonl"
expect_bad_input "trace version" fit "$TMP/v9.jsonl" -o "$TMP/p.yaml"
grep -q "trace version 9 is not supported" "$TMP/err" || fail "version error text: $(cat "$TMP/err")"
expect_bad_input "missing trace" fit "$TMP/absent.jsonl" -o "$TMP/p.yaml"
printf 'device: x\n' >"$TMP/foreign.yaml"
expect_bad_input "foreign profile" predict mnist_mlp --device "$TMP/foreign.yaml"
grep -q "not a dnntune device profile" "$TMP/err" || fail "profile error text: $(cat "$TMP/err")"
printf 'dnntune_profile: 0\n' >"$TMP/old.yaml"
expect_bad_input "old profile" predict mnist_mlp --device "$TMP/old.yaml"
grep -q "profile version 0 is not supported" "$TMP/err" || fail "old profile text: $(cat "$TMP/err")"
expect_bad_input "missing profile" validate mnist_mlp --device "$TMP/absent.yaml"
