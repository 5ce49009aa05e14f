#!/usr/bin/env bash
# A local Prometheus (Debian's package) scraping both brokers' rabbitmq_prometheus plugin, for
# Warren's long-history charts and their tests. Loopback only.
#
#   scripts/prometheus.sh start    start (idempotent: a running one is left alone)
#   scripts/prometheus.sh stop
#   scripts/prometheus.sh status
#
# Listens on 127.0.0.1:9090; scrapes every 5 s, as jobs rabbitmq-3.10 (:15692) and
# rabbitmq-4.0 (:15693), the per-queue families Warren reads from /metrics/detailed.
# State lives in $WARREN_PROMETHEUS_DIR (default /var/tmp/warren-prometheus).
set -euo pipefail

DIR=${WARREN_PROMETHEUS_DIR:-/var/tmp/warren-prometheus}
ADDR=127.0.0.1:9090
log() { printf '[prometheus] %s\n' "$*" >&2; }
ready() { curl -fsS -m 3 "http://$ADDR/-/ready" >/dev/null 2>&1; }

write_config() {
  mkdir -p "$DIR"
  local job
  {
    cat <<'YAML'
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
YAML
    for job in "3.10 15692" "4.0 15693"; do
      set -- $job
      cat <<YAML
  - job_name: rabbitmq-$1
    metrics_path: /metrics/detailed
    params:
      family: [queue_coarse_metrics, queue_consumer_count, channel_queue_metrics, channel_queue_exchange_metrics]
    static_configs:
      - targets: ['127.0.0.1:$2']
YAML
    done
  } > "$DIR/prometheus.yml"
}

start() {
  if ready; then log "already running on $ADDR"; return; fi
  command -v prometheus >/dev/null || { log "prometheus missing: run scripts/setup.sh"; exit 1; }
  write_config
  log "starting Prometheus on $ADDR (data in $DIR/data)"
  # setsid: the server outlives this script and does not hold the caller's output open.
  setsid prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
    --storage.tsdb.retention.time=15d --web.listen-address="$ADDR" \
    > "$DIR/prometheus.log" 2>&1 < /dev/null &
  echo $! > "$DIR/prometheus.pid"
  for _ in $(seq 1 60); do
    if ready; then log "Prometheus is up"; return; fi
    sleep 1
  done
  log "Prometheus did not come up in 60 s; last lines of $DIR/prometheus.log:"
  tail -n 20 "$DIR/prometheus.log" >&2
  exit 1
}

stop() {
  local pid
  pid=$(cat "$DIR/prometheus.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping Prometheus"
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$DIR/prometheus.pid"
}

case ${1:-status} in
  start) start ;;
  stop) stop ;;
  status) if ready; then echo "Prometheus: running on $ADDR"; else echo "Prometheus: stopped"; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
