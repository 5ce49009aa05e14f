#!/usr/bin/env bash
# Local RabbitMQ brokers for development and tests, on loopback only.
#
#   scripts/broker.sh start [3.10|4.0|all]   start (idempotent: a running broker is left alone)
#   scripts/broker.sh stop  [3.10|4.0|all]   stop what this script started
#   scripts/broker.sh status [3.10|4.0|all]
#
# 3.10 is Debian bookworm's rabbitmq-server, run natively:   AMQP 5672, management 15672,
#                                                             Prometheus metrics 15692.
# 4.0 is Debian trixie's, in a debootstrap root (built once, cached), run with chroot:
#                                                             AMQP 5673, management 15673,
#                                                             Prometheus metrics 15693.
# Both use guest/guest. State lives in $WARREN_BROKER_DIR (default /var/tmp/warren-brokers).
set -euo pipefail

BASE=${WARREN_BROKER_DIR:-/var/tmp/warren-brokers}
TRIXIE_ROOT=${WARREN_TRIXIE_ROOT:-/var/cache/warren/trixie-root}
log() { printf '[broker] %s\n' "$*" >&2; }

# version -> node name, AMQP port, management port, distribution port, Prometheus port
node_of() { case $1 in 3.10) echo "warren310@localhost 5672 15672 25672 15692" ;; 4.0) echo "warren40@localhost 5673 15673 25673 15693" ;; esac; }
mgmt_port() { node_of "$1" | cut -d' ' -f3; }

api_up() { curl -fsS -m 3 -u guest:guest "http://127.0.0.1:$(mgmt_port "$1")/api/overview" >/dev/null 2>&1; }

write_config() { # dir amqp_port mgmt_port prometheus_port
  mkdir -p "$1"
  cat > "$1/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$2
management.tcp.ip = 127.0.0.1
management.tcp.port = $3
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $4
log.file.level = warning
CONF
  echo '[rabbitmq_management,rabbitmq_prometheus].' > "$1/enabled_plugins"
}

# Runs a RabbitMQ command for a version: natively for 3.10, inside the trixie root for 4.0,
# with the node's state under its own directory (as the node sees it).
in_root() { # version command...
  local version=$1; shift
  local node amqp mgmt dist dir
  read -r node amqp mgmt dist _ <<<"$(node_of "$version")"
  if [ "$version" = 3.10 ]; then dir="$BASE/rabbit310"; else dir=/var/lib/warren40; fi
  local -a vars=(HOME="$dir" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia"
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PID_FILE="$dir/rabbit.pid"
    ERL_EPMD_ADDRESS=127.0.0.1 LANG=C.UTF-8 PATH=/usr/lib/rabbitmq/bin:/usr/sbin:/usr/bin:/bin)
  if [ "$version" = 3.10 ]; then
    env "${vars[@]}" "$@"
  else
    chroot "$TRIXIE_ROOT" /usr/bin/env -i "${vars[@]}" "$@"
  fi
}

debian_mirror() {
  # The mirror this machine's apt already uses (deb822 or one-line format).
  local uri
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { log "no Debian mirror found in apt sources"; exit 1; }
  echo "${uri%/}"
}

ensure_trixie_root() {
  if [ -x "$TRIXIE_ROOT/usr/lib/rabbitmq/bin/rabbitmq-server" ]; then return; fi
  command -v debootstrap >/dev/null || { log "debootstrap missing: run scripts/setup.sh"; exit 1; }
  log "building the trixie root for RabbitMQ 4.0 in $TRIXIE_ROOT (about 90 s, cached afterwards)"
  rm -rf "$TRIXIE_ROOT.partial"
  mkdir -p "$(dirname "$TRIXIE_ROOT")"
  debootstrap --variant=minbase --include=rabbitmq-server,ca-certificates trixie "$TRIXIE_ROOT.partial" "$(debian_mirror)" \
    > "$(dirname "$TRIXIE_ROOT")/debootstrap.log" 2>&1 || { log "debootstrap failed; see $(dirname "$TRIXIE_ROOT")/debootstrap.log"; exit 1; }
  mv "$TRIXIE_ROOT.partial" "$TRIXIE_ROOT"
}

mount_trixie() {
  mountpoint -q "$TRIXIE_ROOT/proc" || mount -t proc proc "$TRIXIE_ROOT/proc"
  mountpoint -q "$TRIXIE_ROOT/dev" || mount --bind /dev "$TRIXIE_ROOT/dev"
}

# The Erlang node answers, whether or not its management API is healthy.
node_up() { in_root "$1" rabbitmqctl -q -n "$(node_of "$1" | cut -d' ' -f1)" ping >/dev/null 2>&1; }

start() {
  local version=$1
  if api_up "$version"; then log "$version already running on :$(mgmt_port "$version")"; return; fi
  # A node whose API fails is restarted rather than left half-alive.
  if node_up "$version"; then stop "$version"; fi
  read -r node amqp mgmt dist prom <<<"$(node_of "$version")"
  local dir
  if [ "$version" = 3.10 ]; then
    dir="$BASE/rabbit310"
    write_config "$dir" "$amqp" "$mgmt" "$prom"
  else
    ensure_trixie_root
    mount_trixie
    dir="$TRIXIE_ROOT/var/lib/warren40"
    write_config "$dir" "$amqp" "$mgmt" "$prom"
  fi
  log "starting RabbitMQ $version ($node, AMQP $amqp, management $mgmt)"
  # From its own directory: a node started from a directory that is later deleted (a CI clone)
  # cannot spawn commands any more and its management API fails.
  (cd "$dir" && in_root "$version" rabbitmq-server > "$dir/console.log" 2>&1 < /dev/null) &
  for _ in $(seq 1 120); do
    if api_up "$version"; then log "RabbitMQ $version is up"; return; fi
    sleep 1
  done
  log "RabbitMQ $version did not come up in 120 s; last lines of $dir/console.log:"
  tail -n 30 "$dir/console.log" >&2
  exit 1
}

stop() {
  local version=$1
  read -r node _ <<<"$(node_of "$version")"
  if [ "$version" = 4.0 ] && [ ! -d "$TRIXIE_ROOT" ]; then return; fi
  if node_up "$version"; then
    log "stopping RabbitMQ $version"
    in_root "$version" rabbitmqctl -q -n "$node" stop >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 30); do node_up "$version" || return 0; sleep 1; done
  log "RabbitMQ $version still runs after 30 s"
  return 1
}

status() {
  if api_up "$1"; then echo "RabbitMQ $1: running (management on 127.0.0.1:$(mgmt_port "$1"))"; else echo "RabbitMQ $1: stopped"; fi
}

command=${1:-status}
target=${2:-3.10}
case $target in
  3.10 | 4.0) versions=("$target") ;;
  all) versions=(3.10 4.0) ;;
  *) echo "unknown version $target: use 3.10, 4.0 or all" >&2; exit 2 ;;
esac
case $command in
  start | stop | status) for v in "${versions[@]}"; do "$command" "$v"; done ;;
  *) echo "usage: $0 start|stop|status [3.10|4.0|all]" >&2; exit 2 ;;
esac
