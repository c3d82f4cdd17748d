#!/usr/bin/env bash
# dnntune rank: bad device, preset, objective and model names fail with exit 2 and a message
# that lists the valid names; no output file is left behind.
# Usage: bash rank_errors.sh <dnntune binary> <source dir>
set -uo pipefail
dnntune="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

expect_error() {  # expect_error <grep pattern> <args...>
  local pattern="$1"; shift
  "$dnntune" "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "exit $rc for: $* ($(cat "$tmp/err"))"
  grep -q -- "$pattern" "$tmp/err" || fail "no '$pattern' in: $(cat "$tmp/err")"
}

expect_error "nophone: unknown device; known: .*oneplus5t" rank alexnet --mobile nophone
expect_error "v100: is a cloud device; --mobile takes one of: .*redmi_note4x" rank alexnet --mobile v100
expect_error "oneplus5t: is a mobile device; --cloud takes one of: .*v100" rank alexnet --cloud oneplus5t
expect_error "6g: unknown network preset; known: .*lte" rank alexnet --mobile oneplus5t --network lte,6g
expect_error "unknown objective 'fast'; valid: latency, energy, cost, weighted" rank alexnet --objective fast
expect_error "latency-weight must be in" rank alexnet --objective weighted --latency-weight 2
expect_error "no_such_model" rank no_such_model --mobile oneplus5t
expect_error "must end in .png or .svg" rank alexnet --mobile oneplus5t --plot "$tmp/fig.pdf"
[ ! -e "$tmp/fig.pdf" ] || fail "a figure was written for a bad extension"
echo "ok"
