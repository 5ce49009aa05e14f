#!/usr/bin/env bash
# Sets up what is missing and serves Warren on http://127.0.0.1:3000 (release build).
# With no cluster configured (no $WARREN_CONFIG, no ./warren.toml) it starts a local
# RabbitMQ 3.10 for the default `local` cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh
if [ -z "${WARREN_CONFIG:-}" ] && [ ! -f warren.toml ]; then
  scripts/broker.sh start 3.10
fi
source scripts/lib.sh
build_kiosk_bundle
# On the first start (no users yet) Warren prints a one-time link that creates the first admin.
exec cargo leptos serve "${CONSOLE_BUILD[@]}"
