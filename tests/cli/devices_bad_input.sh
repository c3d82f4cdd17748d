# dnntune devices: bad names and bad device files give one error line listing the valid choices.
source "$(dirname "$0")/common.bash"
expect_bad_input "unknown device" devices show pixel9
grep -q "pixel9: unknown device; known: .*oneplus5t.*h100" "$TMP/err" || fail "$(cat "$TMP/err")"
expect_bad_input "missing device file" devices show "$TMP/none.yaml"
grep -q "cannot open" "$TMP/err" || fail "$(cat "$TMP/err")"
cat >"$TMP/typo.yaml" <<'YAML'
name: typo
role: board
description: "typo in a key"
processors:
  - {name: cpu, kind: cpu, model: "x", peak_gflops_fp32: 32, memory_bandwidth_GBps: 8,
     memory_GiB: 2, active_power_W: 1.5, efficency: {default: 0.2}, source: "s"}
YAML
expect_bad_input "unknown key" devices show "$TMP/typo.yaml"
grep -q "typo.yaml: line 6: processors\[0\]: unknown key 'efficency'; allowed: .*efficiency" \
  "$TMP/err" || fail "$(cat "$TMP/err")"
expect_bad_input "bad format" devices list --format xml
expect_bad_input "no subcommand" devices
echo "ok"
