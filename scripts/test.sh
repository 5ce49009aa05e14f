#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against real RabbitMQ 3.10 and 4.0 (and a real
# Prometheus scraping them), and the Playwright suite in Debian's Chromium against a release build. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh

# Start the brokers (and the Prometheus scraping them) that are not running yet, and stop only
# those again at the end.
started=()
cleanup() {
  for what in "${started[@]}"; do
    if [ "$what" = prometheus ]; then scripts/prometheus.sh stop || true; else scripts/broker.sh stop "$what" || true; fi
  done
}
trap cleanup EXIT
for version in 3.10 4.0; do
  if ! scripts/broker.sh status "$version" | grep -q running; then
    started+=("$version")
    scripts/broker.sh start "$version"
  fi
done
if ! scripts/prometheus.sh status | grep -q running; then
  started+=(prometheus)
  scripts/prometheus.sh start
fi

export WARREN_TEST_BROKERS="3.10=http://127.0.0.1:15672,4.0=http://127.0.0.1:15673"

echo "== unit and integration tests"
# One package at a time: a workspace-wide build would turn on app's `ssr` and `hydrate` together.
cargo test -p app --features ssr
cargo test -p warren --no-fail-fast

echo "== browser tests (release build, Chromium)"
# A fresh store and made-up passwords for every run: the suite checks that no page, call or live
# event ever carries the broker password.
e2e_data="$(mktemp -d /tmp/warren-e2e-data.XXXXXX)"
trap 'cleanup; rm -rf "$e2e_data"' EXIT
made_up() { echo "$1-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"; }
export WARREN_DATA_DIR="$e2e_data"
export WARREN_E2E_BROKER_PASSWORD="$(made_up e2e-broker)"
export WARREN_E2E_ADMIN_PASSWORD="$(made_up e2e-admin)"
export WARREN_E2E_VIEWER_PASSWORD="$(made_up e2e-viewer)"
# The e2e server gets its own config (both brokers as two clusters), whatever warren.toml says.
WARREN_CONFIG="$PWD/end2end/warren.e2e.toml" cargo leptos end-to-end --release
