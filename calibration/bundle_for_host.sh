#!/usr/bin/env bash
# Packs dnntune with every shared library it loads (the dynamic loader included) and the
# ../shared models into one folder, so that the accuracy protocol can run on a machine without
# Debian's packages (e.g. a quiet benchmark host of another distribution):
#   calibration/bundle_for_host.sh BUILD_DIR BUNDLE_DIR
#   BUNDLE_DIR/dnntune --help          # a wrapper that runs the bundled loader
# then, on that machine: DNNTUNE=BUNDLE_DIR/dnntune MODELS_DIR=BUNDLE_DIR/models \
#   calibration/reproduce_accuracy.sh - OUT_DIR
set -euo pipefail
build=${1:?usage: bundle_for_host.sh BUILD_DIR BUNDLE_DIR}
bundle=${2:?usage: bundle_for_host.sh BUILD_DIR BUNDLE_DIR}
models_dir="$(cd "$(dirname "$0")/../.." && pwd)/shared/models"
binary="$build/experiments/dnntune"
rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/models"
cp "$binary" "$bundle/dnntune.bin"
ldd "$binary" | awk '/=>/ {print $3}' | while read -r lib; do
  [ -f "$lib" ] && cp -L "$lib" "$bundle/lib/"
done
loader=$(ldd "$binary" | awk '/ld-linux/ {print $1}')
cp -L "$loader" "$bundle/lib/ld-linux.so"
cp "$models_dir"/*.onnx "$bundle/models/"
cat >"$bundle/dnntune" <<'WRAP'
#!/usr/bin/env bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/lib/ld-linux.so" --library-path "$here/lib" "$here/dnntune.bin" "$@"
WRAP
chmod +x "$bundle/dnntune"
du -sh "$bundle"
