#!/usr/bin/env bash
# Local RabbitMQ brokers for development and tests, on loopback only.
#
#   scripts/broker.sh start  [TARGET]       start (idempotent: what runs is left alone)
#   scripts/broker.sh stop   [TARGET]       stop what this script started
#   scripts/broker.sh status [TARGET]
#   scripts/broker.sh kill|freeze|thaw NODE  SIGKILL, SIGSTOP or SIGCONT one node's Erlang VM
#   scripts/broker.sh restart NODE           stop one node gracefully and start it again, as a
#                                            rolling upgrade does; returns once it has rejoined
#   scripts/broker.sh reset NODE             stop one single node, wipe its state, start it again
#   scripts/broker.sh ctl NODE ARGS...       rabbitmqctl ARGS against one node (tests raise alarms)
#
# TARGET: 3.10, 4.0, 3.10-flags (single nodes), trio, trio4 (3-node clusters), or all (default 3.10).
# NODE: 3.10, 4.0, 3.10-flags, trio-1…trio-3, trio4-1…trio4-3.
#
# 3.10-flags is a 3.10 node that boots with some stable feature flags left off (as a cluster
# upgraded from an older version has them), for the upgrade check and enabling flags; a flag
# once enabled stays so, hence `reset`.
#
# 3.10 is Debian bookworm's rabbitmq-server, run natively; 4.0 is Debian trixie's, in a
# debootstrap root (built once, cached), run with chroot. Ports (AMQP, management, Prometheus):
#   3.10     5672  15672  15692        trio-N   568N  1568N  1578N   (N = 1, 2, 3)
#   4.0      5673  15673  15693        trio4-N  570N  1570N  1580N
#   3.10-flags 5674 15674 15694
# All use guest/guest. State lives in $WARREN_BROKER_DIR (default /var/tmp/warren-brokers).
set -euo pipefail

BASE=${WARREN_BROKER_DIR:-/var/tmp/warren-brokers}
TRIXIE_ROOT=${WARREN_TRIXIE_ROOT:-/var/cache/warren/trixie-root}
# The nodes of one cluster share this Erlang cookie (it only guards loopback ports).
TRIO_COOKIE=WARRENTRIOLOOPBACKCOOKIE
# 3.10-flags boots with these and no other: stream_queue, user_limits and the metrics flags of
# 3.10's nine stay off.
FLAGS_ON=implicit_default_bindings,quorum_queue,virtual_host_metadata,maintenance_mode_status,classic_mirrored_queue_version
log() { printf '[broker] %s\n' "$*" >&2; }

# node -> version, Erlang node name, AMQP, management, distribution and Prometheus ports
node_of() {
  case $1 in
    3.10) echo "3.10 warren310@localhost 5672 15672 25672 15692" ;;
    4.0) echo "4.0 warren40@localhost 5673 15673 25673 15693" ;;
    3.10-flags) echo "3.10 warren310f@localhost 5674 15674 25674 15694" ;;
    trio-[123]) local n=${1#trio-}; echo "3.10 trio$n@localhost 568$n 1568$n 2568$n 1578$n" ;;
    trio4-[123]) local n=${1#trio4-}; echo "4.0 trio4n$n@localhost 570$n 1570$n 2570$n 1580$n" ;;
    *) log "unknown node $1"; exit 2 ;;
  esac
}
field() { node_of "$1" | cut -d' ' -f"$2"; }
version_of() { field "$1" 1; }
name_of() { field "$1" 2; }
mgmt_port() { field "$1" 4; }
cluster_nodes() { case $1 in trio | trio4) echo "$1-1 $1-2 $1-3" ;; *) echo "$1" ;; esac; }

# The node's directory as the node sees it (inside the root for 4.0), and as this script does.
node_dir() {
  case $1 in
    3.10) echo "$BASE/rabbit310" ;;
    3.10-flags) echo "$BASE/rabbit310-flags" ;;
    4.0) echo /var/lib/warren40 ;;
    trio-*) echo "$BASE/$1" ;;
    *) echo "/var/lib/warren-$1" ;;
  esac
}
host_dir() { if [ "$(version_of "$1")" = 3.10 ]; then node_dir "$1"; else echo "$TRIXIE_ROOT$(node_dir "$1")"; fi; }

api_up() { curl -fsS -m 3 -u guest:guest "http://127.0.0.1:$(mgmt_port "$1")/api/overview" >/dev/null 2>&1; }

write_config() { # node
  local dir amqp mgmt prom
  dir=$(host_dir "$1")
  read -r _ _ amqp mgmt _ prom <<<"$(node_of "$1")"
  mkdir -p "$dir"
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $prom
log.file.level = warning
CONF
  # The single nodes also run shovel and federation (their status pages and Move are tested
  # there); the clusters do not, so the pages' absence is tested too.
  case $1 in
    trio*) echo '[rabbitmq_management,rabbitmq_prometheus].' ;;
    *) echo '[rabbitmq_management,rabbitmq_prometheus,rabbitmq_shovel,rabbitmq_shovel_management,rabbitmq_federation,rabbitmq_federation_management].' ;;
  esac > "$dir/enabled_plugins"
  case $1 in
    trio*) printf '%s' "$TRIO_COOKIE" > "$dir/.erlang.cookie"; chmod 400 "$dir/.erlang.cookie" ;;
  esac
}

# Runs a RabbitMQ command as a node: natively for 3.10, inside the trixie root for 4.0, with
# the node's state under its own directory.
as_node() { # node command...
  local node=$1; shift
  local version name amqp dist dir
  read -r version name amqp _ dist _ <<<"$(node_of "$node")"
  dir=$(node_dir "$node")
  local -a vars=(HOME="$dir" RABBITMQ_NODENAME="$name" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia"
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PID_FILE="$dir/rabbit.pid"
    ERL_EPMD_ADDRESS=127.0.0.1 LANG=C.UTF-8 PATH=/usr/lib/rabbitmq/bin:/usr/sbin:/usr/bin:/bin)
  # Read at a node's first boot only: the flags it starts with (by default every stable one).
  [ "$node" = 3.10-flags ] && vars+=(RABBITMQ_FEATURE_FLAGS="$FLAGS_ON")
  if [ "$version" = 3.10 ]; then
    env "${vars[@]}" "$@"
  else
    chroot "$TRIXIE_ROOT" /usr/bin/env -i "${vars[@]}" "$@"
  fi
}
ctl() { local node=$1; shift; as_node "$node" rabbitmqctl -q -n "$(name_of "$node")" "$@"; }

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
node_up() { ctl "$1" ping >/dev/null 2>&1; }

# Starts one node in the background; `wait_up` then waits for its management API.
launch() {
  local node=$1 dir
  if [ "$(version_of "$node")" = 4.0 ]; then ensure_trixie_root; mount_trixie; fi
  write_config "$node"
  dir=$(host_dir "$node")
  log "starting $node ($(name_of "$node"), management $(mgmt_port "$node"))"
  # From its own directory: a node started from a directory that is later deleted (a CI clone)
  # cannot spawn commands any more and its management API fails.
  (cd "$dir" && as_node "$node" rabbitmq-server > "$dir/console.log" 2>&1 < /dev/null) > /dev/null 2>&1 &
}

wait_up() {
  local node=$1 retries=2
  for _ in $(seq 1 180); do
    if api_up "$node"; then log "$node is up"; return; fi
    # 3.10 nodes booting at the same moment can fail to sync feature flags with a peer that is
    # not ready yet ("incompatible_feature_flags … badmap"): once the peers run, a retry boots.
    if [ "$retries" -gt 0 ] && grep -q "BOOT FAILED" "$(host_dir "$node")/console.log" 2>/dev/null; then
      retries=$((retries - 1))
      log "$node failed to boot while its peers started; starting it again"
      sleep 5
      launch "$node"
    fi
    sleep 1
  done
  log "$node did not come up in 180 s; last lines of $(host_dir "$node")/console.log:"
  tail -n 30 "$(host_dir "$node")/console.log" >&2
  exit 1
}

# A node's management API (the first node's by default) lists all three nodes as running.
clustered() { # cluster [node]
  local running
  running=$(curl -fsS -m 5 -u guest:guest "http://127.0.0.1:$(mgmt_port "${2:-$1-1}")/api/nodes?columns=name,running" 2>/dev/null \
    | grep -o '"running":true' | wc -l) || return 1
  [ "$running" -eq 3 ]
}

start() {
  local target=$1 node todo=()
  for node in $(cluster_nodes "$target"); do
    if api_up "$node"; then log "$node already running on :$(mgmt_port "$node")"; continue; fi
    # A node whose API fails is restarted rather than left half-alive.
    if node_up "$node"; then stop_node "$node"; fi
    todo+=("$node")
  done
  # A cluster's nodes start together: one that stopped first waits for its peers.
  for node in "${todo[@]}"; do launch "$node"; done
  for node in "${todo[@]}"; do wait_up "$node"; done
  case $target in trio | trio4) join "$target" ;; esac
}

# Joins nodes 2 and 3 to node 1 unless the cluster already holds all three.
join() {
  local cluster=$1 node
  clustered "$cluster" && return
  for node in "$cluster-2" "$cluster-3"; do
    if ctl "$node" cluster_status 2>/dev/null | grep -q "$(name_of "$cluster-1")"; then continue; fi
    log "joining $node to $(name_of "$cluster-1")"
    ctl "$node" stop_app
    ctl "$node" reset
    ctl "$node" join_cluster "$(name_of "$cluster-1")"
    ctl "$node" start_app
  done
  for _ in $(seq 1 60); do clustered "$cluster" && { log "$cluster: 3 nodes running"; return; }; sleep 1; done
  log "$cluster did not report 3 running nodes in 60 s"
  exit 1
}

stop_node() {
  local node=$1
  if [ "$(version_of "$node")" = 4.0 ] && [ ! -d "$TRIXIE_ROOT" ]; then return; fi
  # A frozen node cannot stop: let it run again first.
  signal CONT "$node" 2>/dev/null || true
  if node_up "$node"; then
    log "stopping $node"
    ctl "$node" stop >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 30); do node_up "$node" || return 0; sleep 1; done
  log "$node still runs after 30 s"
  return 1
}

# Stops one node as an upgrade does (rabbitmqctl stop, its peers keep running) and starts it
# again; done once its management API answers and lists all its cluster's nodes as running.
# A node that is not running is just started. Prints nothing unless it fails.
restart() { # node
  local out
  out=$(mktemp)
  # In a subshell, so that a failure anywhere (wait_up exits) still prints what happened.
  if ! (restart_node "$1") 2> "$out"; then cat "$out" >&2; rm -f "$out"; exit 1; fi
  rm -f "$out"
}
restart_node() {
  local node=$1 pid
  pid=$(cat "$(host_dir "$node")/rabbit.pid" 2>/dev/null || true)
  stop_node "$node" || return 1
  # The old VM lets go of its ports and of its name in epmd only when it has exited.
  for _ in $(seq 1 150); do
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  launch "$node"
  wait_up "$node"
  case $node in
    trio-* | trio4-*)
      for _ in $(seq 1 60); do clustered "${node%-*}" "$node" && return 0; sleep 1; done
      log "$node does not see the three nodes of ${node%-*} running after 60 s"
      return 1
      ;;
  esac
}

stop() {
  local node
  for node in $(cluster_nodes "$1"); do stop_node "$node"; done
}

status() {
  local node
  for node in $(cluster_nodes "$1"); do
    if api_up "$node"; then echo "RabbitMQ $node: running (management on 127.0.0.1:$(mgmt_port "$node"))"; else echo "RabbitMQ $node: stopped"; fi
  done
}

# Sends a signal to a node's Erlang VM (its pid file is written by the node itself).
signal() { # SIG node
  local pidfile pid
  pidfile="$(host_dir "$2")/rabbit.pid"
  [ -s "$pidfile" ] || { log "$2 has no pid file: not started here"; return 1; }
  pid=$(cat "$pidfile")
  kill -s "$1" "$pid"
}

command=${1:-status}
target=${2:-3.10}
case $command in
  kill) signal KILL "$target"; log "killed $target" ;;
  freeze) signal STOP "$target"; log "froze $target" ;;
  thaw) signal CONT "$target"; log "thawed $target" ;;
  restart) node_of "$target" > /dev/null; restart "$target" ;;
  ctl) node_of "$target" > /dev/null; shift 2; ctl "$target" "$@" ;;
  reset)
    case $target in 3.10 | 4.0 | 3.10-flags) ;; *) echo "reset takes a single node: 3.10, 4.0 or 3.10-flags" >&2; exit 2 ;; esac
    stop_node "$target"
    rm -rf "$(host_dir "$target")"
    start "$target"
    ;;
  start | stop | status)
    case $target in
      3.10 | 4.0 | 3.10-flags | trio | trio4) targets=("$target") ;;
      all) targets=(3.10 4.0 3.10-flags trio trio4) ;;
      *) echo "unknown target $target: use 3.10, 4.0, 3.10-flags, trio, trio4 or all" >&2; exit 2 ;;
    esac
    for t in "${targets[@]}"; do "$command" "$t"; done
    ;;
  *) echo "usage: $0 start|stop|status [3.10|4.0|3.10-flags|trio|trio4|all] | kill|freeze|thaw|restart|reset NODE | ctl NODE ARGS..." >&2; exit 2 ;;
esac
