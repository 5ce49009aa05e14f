#!/usr/bin/env bash
# The first-load table of every page (end2end/bench/first-load.bench.ts): bytes on the wire by
# type with brotli and with gzip only, time until hydrated (also with the CPU throttled 4×) and
# what a second visit downloads, against a release build served as in production (precompressed,
# hashed) and the local brokers.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/lib.sh

release_browser_run playwright.bench.config.ts
