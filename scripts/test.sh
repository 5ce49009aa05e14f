#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against real RabbitMQ 3.10 and 4.0 (and a real
# Prometheus scraping them), and the Playwright suite in Debian's Chromium against a release build.
# Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/lib.sh

scripts/setup.sh
ensure_running 3.10 4.0 3.10-flags trio trio4 prometheus

export WARREN_TEST_BROKERS="3.10=http://127.0.0.1:15672,4.0=http://127.0.0.1:15673"

echo "== unit and integration tests"
# One package at a time: a workspace-wide build would turn on app's `ssr` and `hydrate` together.
cargo test -p domain
cargo test -p app --features ssr
cargo test -p warren --no-fail-fast

echo "== browser tests (release build, Chromium)"
browser_test_env
build_kiosk_bundle
browser_suite
