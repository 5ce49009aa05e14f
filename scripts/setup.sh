#!/usr/bin/env bash
# Installs what Warren needs to build and test, skipping whatever is already present.
# Idempotent: safe to run on every CI run and every `scripts/dev.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# Debian packages: the broker, the browser for e2e, debootstrap for the RabbitMQ 4.0 root,
# CJK fonts so Chinese renders in screenshots, brotli for size measurements.
apt_packages=(rabbitmq-server prometheus chromium fonts-noto-cjk debootstrap brotli curl ca-certificates python3-venv)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  # The package's own init script must not start a broker on the default ports: ours does.
  # An existing policy-rc.d is kept aside and put back, whatever happens.
  [ -e /usr/sbin/policy-rc.d ] && mv /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.warren-saved
  trap 'rm -f /usr/sbin/policy-rc.d; [ -e /usr/sbin/policy-rc.d.warren-saved ] && mv /usr/sbin/policy-rc.d.warren-saved /usr/sbin/policy-rc.d; true' EXIT
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# cargo-leptos without its GitHub downloads; it then uses the wasm-bindgen and wasm-opt on PATH.
if ! cargo leptos --version 2>/dev/null | grep -q '0.3.10'; then
  log "cargo install cargo-leptos (about 23 min on 2 cores)"
  cargo install cargo-leptos@0.3.10 --locked --features no_downloads
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock 2>/dev/null || true)
wb_version=${wb_version:-0.2.130}
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wb_version"; then
  log "cargo install wasm-bindgen-cli $wb_version"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# wasm-opt from crates.io; Debian's binaryen is too old and breaks hydration.
if ! command -v wasm-opt >/dev/null; then
  log "cargo install wasm-opt (about 13 min)"
  cargo install wasm-opt --locked
fi

# Playwright driving Debian's Chromium (no browser download).
if [ ! -d end2end/node_modules/@playwright/test ] && [ -f end2end/package.json ]; then
  log "npm ci in end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
# pika, the AMQP client the browser tests open connections with (end2end/amqp_client.py).
if ! end2end/.venv/bin/python -c 'import pika' 2>/dev/null; then
  log "pika into end2end/.venv"
  python3 -m venv end2end/.venv
  end2end/.venv/bin/pip install --quiet --disable-pip-version-check pika==1.3.2
fi
log "toolchain ready"
