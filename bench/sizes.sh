#!/usr/bin/env bash
# Sizes of the built front end (raw, gzip -9, brotli -q 11), from target/site/pkg.
# Run after a release build (cargo leptos build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
printf '%-28s %10s %10s %10s\n' file raw gzip brotli
for f in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  [ -f "$f" ] || continue
  printf '%-28s %10d %10d %10d\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
