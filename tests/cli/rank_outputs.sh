#!/usr/bin/env bash
# dnntune rank: table and json outputs on a suite model, the documented json schema, the figure.
# Usage: bash rank_outputs.sh <dnntune binary> <source dir>
set -euo pipefail
dnntune="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Table: one block per network, ranked, with the best strategy's comparison line.
"$dnntune" rank alexnet --mobile oneplus5t --network lte,wifi > "$tmp/table.txt"
grep -q "alexnet on oneplus5t + xeon_e5_2620v4, network lte, objective latency" "$tmp/table.txt"
grep -q "network wifi" "$tmp/table.txt"
grep -q "cloud-only" "$tmp/table.txt"
grep -q "^best: " "$tmp/table.txt"

# JSON: the documented fields, strategies ranked best first by the objective.
"$dnntune" rank alexnet --mobile oneplus5t --network 3g,lte --objective energy --format json > "$tmp/rank.json"
python3 - "$tmp/rank.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "alexnet" and d["mobile"] == "oneplus5t" and d["cloud"] == "xeon_e5_2620v4", d
assert [n["network"] for n in d["networks"]] == ["3g", "lte"]
for n in d["networks"]:
    s = n["strategies"]
    for k in ["strategy", "split_after", "latency_ms", "energy_mJ", "upload_bytes", "cost_usd"]:
        assert all(k in x for x in s), k
    energies = [x["energy_mJ"] for x in s if x["feasible"]]
    assert energies == sorted(energies), energies
    names = {x["strategy"]: x for x in s}
    assert names["cloud-only"]["split_after"] == -1
    last = max(x["split_after"] for x in s if x["split_after"] is not None)
    assert names["mobile-only:cpu"]["split_after"] == last
    assert names["cloud-only"]["upload_bytes"] > 0 and names["mobile-only:cpu"]["upload_bytes"] == 0
PY

# Default setting: DNNTune's three phones, one json object per line.
"$dnntune" rank alexnet --format json > "$tmp/default.jsonl"
test "$(wc -l < "$tmp/default.jsonl")" -eq 3

# The figure (needs gnuplot).
if command -v gnuplot >/dev/null; then
  "$dnntune" rank alexnet --mobile oneplus5t --plot "$tmp/fig.svg" > /dev/null
  grep -q "<svg" "$tmp/fig.svg"
fi
echo "ok"
