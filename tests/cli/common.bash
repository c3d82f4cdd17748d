# Helpers for CLI tests, sourced by tests/cli/*.sh (not a test itself: ctest globs *.sh), run as `bash script.sh DNNTUNE SOURCE_DIR`.
set -u
DNNTUNE=$1
SRC=$2
SHARED=$(cd "$SRC/.." && pwd)/shared
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_bad_input DESCRIPTION ARGS...: exit code 2, exactly one stderr line "dnntune: error: ...".
expect_bad_input() {
  local what=$1; shift
  "$DNNTUNE" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [ "$rc" = 2 ] || fail "$what: exit code $rc, expected 2 (stderr: $(cat "$TMP/err"))"
  [ "$(wc -l <"$TMP/err")" = 1 ] || fail "$what: expected one error line, got: $(cat "$TMP/err")"
  grep -q '^dnntune: error: ' "$TMP/err" || fail "$what: error line format: $(cat "$TMP/err")"
}
require_shared() { [ -d "$SHARED/models" ] || { echo "SKIP: ../shared is absent"; exit 77; }; }
