#!/usr/bin/env bash
# Sizes of the built front ends (raw, gzip -9, brotli -q 11): the console's bundle and the wall
# screen's. Run after a release build (scripts/test.sh or scripts/dev.sh build both).
set -euo pipefail
cd "$(dirname "$0")/.."
printf '%-36s %10s %10s %10s\n' file raw gzip brotli
for pkg in target/site/pkg target/site-kiosk/kiosk-pkg; do
  for f in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
    [ -f "$f" ] || continue
    printf '%-36s %10d %10d %10d\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
  done
done
