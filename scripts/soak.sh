#!/usr/bin/env bash
# The kiosk soak: one kiosk page of the release build through 10,000 live updates (SOAK_UPDATES=N
# for another count; SOAK_CPU_SLOWDOWN=4 throttles the page's CPU like a TV's browser) against
# the local brokers, in Debian's Chromium. Prints the JS heap after warm-up and at the end, DOM
# nodes, and script time per update; fails if the heap grew > 10 %.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/lib.sh

release_browser_run playwright.soak.config.ts
