#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against real RabbitMQ 3.10 and 4.0, and the
# Playwright suite in Debian's Chromium against a release build. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh

# Start the brokers that are not running yet, and stop only those again at the end.
started=()
cleanup() { for version in "${started[@]}"; do scripts/broker.sh stop "$version" || true; done; }
trap cleanup EXIT
for version in 3.10 4.0; do
  if ! scripts/broker.sh status "$version" | grep -q running; then
    started+=("$version")
    scripts/broker.sh start "$version"
  fi
done

export WARREN_TEST_BROKERS="3.10=http://127.0.0.1:15672,4.0=http://127.0.0.1:15673"

echo "== unit and integration tests"
# One package at a time: a workspace-wide build would turn on app's `ssr` and `hydrate` together.
cargo test -p app --features ssr
cargo test -p warren --no-fail-fast

echo "== browser tests (release build, Chromium)"
# The e2e server gets its own config (both brokers as two clusters), whatever warren.toml says.
WARREN_CONFIG="$PWD/end2end/warren.e2e.toml" cargo leptos end-to-end --release
