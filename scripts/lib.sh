# Sourced by test.sh, soak.sh and dev.sh: starting what a test run needs and making up its secrets.

# Starts the brokers (and the Prometheus scraping them) named in the arguments that are not
# running yet, and stops only those again when the script exits.
started=()
e2e_data=""
stop_what_we_started() {
  for what in "${started[@]}"; do
    if [ "$what" = prometheus ]; then scripts/prometheus.sh stop || true; else scripts/broker.sh stop "$what" || true; fi
  done
  if [ -n "$e2e_data" ]; then rm -rf "$e2e_data"; fi
}
trap stop_what_we_started EXIT
ensure_running() {
  for what in "$@"; do
    if [ "$what" = prometheus ]; then
      scripts/prometheus.sh status | grep -q running && continue
      started+=(prometheus)
      scripts/prometheus.sh start
    else
      scripts/broker.sh status "$what" | grep -q running && continue
      started+=("$what")
      scripts/broker.sh start "$what"
    fi
  done
}

# The console's build, for every `cargo leptos` run: `--split` puts the pages made with
# `lazy_page!` (app/src/pages/lazy.rs) in WASM files of their own, fetched when first shown.
CONSOLE_BUILD=(--release --precompress --project warren --split)

# The wall screen's bundle: a second leptos project (Cargo.toml), built into a site of its own
# that the console's build does not wipe.
build_kiosk_bundle() {
  cargo leptos build --release --precompress --project kiosk --frontend-only
}

# The browser suite against the release build. cargo-leptos exits 0 when its build fails (it then
# runs no test at all), so Playwright's own verdict decides.
browser_suite() {
  local verdict=end2end/test-results/.last-run.json
  rm -f "$verdict"
  cargo leptos end-to-end "${CONSOLE_BUILD[@]}"
  if ! grep -q '"status": "passed"' "$verdict" 2>/dev/null; then
    echo "the browser suite did not pass, or did not run (see the build's output above)" >&2
    return 1
  fi
}

# The environment of a browser run against the release build: a fresh store and made-up
# passwords every time (the suite checks that no page, call or live event ever carries the
# broker password), and the e2e config (both brokers as two clusters), whatever warren.toml says.
browser_test_env() {
  e2e_data="$(mktemp -d /tmp/warren-e2e-data.XXXXXX)"
  made_up() { echo "$1-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"; }
  export WARREN_DATA_DIR="$e2e_data"
  export WARREN_E2E_BROKER_PASSWORD="$(made_up e2e-broker)"
  export WARREN_E2E_ADMIN_PASSWORD="$(made_up e2e-admin)"
  export WARREN_E2E_VIEWER_PASSWORD="$(made_up e2e-viewer)"
  export WARREN_CONFIG="$PWD/end2end/warren.e2e.toml"
}

# One Playwright config (the soak, the first-load bench) against a release build served as in
# production, with the browser suite's setup and brokers.
release_browser_run() { # playwright config
  scripts/setup.sh
  ensure_running 3.10 4.0 3.10-flags trio trio4
  browser_test_env
  build_kiosk_bundle
  LEPTOS_END2END_CMD="npx playwright test -c $1" cargo leptos end-to-end "${CONSOLE_BUILD[@]}"
}
