#!/usr/bin/env bash
# A throwaway Prometheus for the live tests of scalability-advisor-prometheus, on a loopback
# port, holding two hours of seeded history for the service job="web". Uses Debian's
# prometheus package (downloaded and unpacked, its init script never run) when no
# prometheus binary is on the PATH.
#
#   scripts/prometheus-test-server.sh start   # prints export lines for the tests
#   scripts/prometheus-test-server.sh stop
#
# Port: $ADVISOR_PROM_PORT (default 59090). Data: $ADVISOR_PROM_DIR (default /tmp/advisor-prom).
# The seeded values (every sample 15 s apart, ending at ADVISOR_PROM_AT):
#   node_cpu_seconds_total idle +0.1/s, iowait +0.05/s  -> server_cpu 90%, disk_io_wait 5%
#   node_memory MemAvailable 2e9 of MemTotal 8e9         -> memory_usage 75%
#   http_request_duration_seconds_bucket 0.1: +50/s, 0.25: +90/s, 0.5 and +Inf: +100/s
#                                                        -> p95_response_time 375 ms
#   hikaricp_connections active 45 of max 50             -> db_pool_usage 90%
#   redis_keyspace hits +60/s, misses +40/s              -> cache_hit_rate 60%
#   pg_replication_lag_seconds NaN                       -> left out, with the reason
#   hikaricp acquire +0.5 s per +100 acquisitions/s      -> db_connection_wait 5 ms
#   pg_stat_database deadlocks flat at 5                 -> db_deadlocks 0 (none new)
#   blks_hit +990/s, blks_read +10/s                     -> db_buffer_hit_ratio 99%
#   xact_commit +400/s, xact_rollback +50/s              -> db_transaction_rate 450/s
#   redis memory 3e9 used of 4e9                         -> cache_memory_headroom 25%
#   no hikaricp_connections_timeout_total                -> pool exhaustion: "no metric"
set -euo pipefail
port=${ADVISOR_PROM_PORT:-59090}
dir=${ADVISOR_PROM_DIR:-/tmp/advisor-prom}

case "${1:-}" in
start)
  if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; sleep 1; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  # Another program on the port: move up to a free one.
  for _ in $(seq 1 20); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is taken: trying $((port + 1))" >&2
      port=$((port + 1))
    else
      break
    fi
  done
  prom=$(command -v prometheus || true)
  promtool=$(command -v promtool || true)
  if [ -z "$prom" ] || [ -z "$promtool" ]; then
    echo "downloading Debian's prometheus package" >&2
    # A registry that fails once gets two more tries, each after refreshing the lists.
    for try in 1 2 3; do
      if (cd "$dir" && apt-get download prometheus >&2 2>/dev/null); then break; fi
      [ "$try" = 3 ] && { echo "could not download Debian's prometheus package" >&2; exit 1; }
      apt-get update -qq >&2 || sleep $((try * 10))
    done
    dpkg -x "$dir"/prometheus_*.deb "$dir/pkg"
    prom="$dir/pkg/usr/bin/prometheus"
    promtool="$dir/pkg/usr/bin/promtool"
  fi
  # The history ends now, so that queries at the server's own time see it (within the
  # five-minute staleness window the tests run in).
  end=$(( $(date +%s) / 15 * 15 ))
  python3 - "$end" > "$dir/seed.om" <<'PY'
import sys
end = int(sys.argv[1])
start = end - 7200
lines = []
def series(name, labels, f):
    for t in range(start, end + 1, 15):
        lines.append(f'{name}{{{labels}}} {f(t - start)} {t}')
web = 'job="web",instance="app-1:9100"'
series('node_cpu_seconds_total', web + ',cpu="0",mode="idle"', lambda s: 1000 + 0.1 * s)
series('node_cpu_seconds_total', web + ',cpu="0",mode="iowait"', lambda s: 500 + 0.05 * s)
series('node_cpu_seconds_total', web + ',cpu="0",mode="user"', lambda s: 900 + 0.85 * s)
series('node_memory_MemAvailable_bytes', web, lambda s: 2e9)
series('node_memory_MemTotal_bytes', web, lambda s: 8e9)
for le, per in [('0.1', 50), ('0.25', 90), ('0.5', 100), ('+Inf', 100)]:
    series('http_request_duration_seconds_bucket', web + f',le="{le}"', lambda s, p=per: p * s)
series('hikaricp_connections_active', web + ',pool="main"', lambda s: 45)
series('hikaricp_connections_max', web + ',pool="main"', lambda s: 50)
series('redis_keyspace_hits_total', web, lambda s: 60 * s)
series('redis_keyspace_misses_total', web, lambda s: 40 * s)
series('pg_replication_lag_seconds', web, lambda s: 'NaN')
series('hikaricp_connections_acquire_seconds_sum', web + ',pool="main"', lambda s: 0.5 * s)
series('hikaricp_connections_acquire_seconds_count', web + ',pool="main"', lambda s: 100 * s)
series('pg_stat_database_deadlocks', web + ',datname="app"', lambda s: 5)
series('pg_stat_database_blks_hit', web + ',datname="app"', lambda s: 990 * s)
series('pg_stat_database_blks_read', web + ',datname="app"', lambda s: 10 * s)
series('pg_stat_database_xact_commit', web + ',datname="app"', lambda s: 400 * s)
series('pg_stat_database_xact_rollback', web + ',datname="app"', lambda s: 50 * s)
series('redis_memory_used_bytes', web, lambda s: 3e9)
series('redis_memory_max_bytes', web, lambda s: 4e9)
print('\n'.join(lines))
print('# EOF')
PY
  "$promtool" tsdb create-blocks-from openmetrics "$dir/seed.om" "$dir/tsdb" >/dev/null
  printf 'global:\n  scrape_interval: 1h\n' > "$dir/prometheus.yml"
  nohup "$prom" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
    --storage.tsdb.retention.time=3650d --web.listen-address="127.0.0.1:$port" \
    > "$dir/server.log" 2>&1 &
  echo $! > "$dir/pid"
  ready() {
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1
  }
  for _ in $(seq 1 60); do
    if ready; then break; fi
    sleep 0.5
  done
  ready || { cat "$dir/server.log" >&2; exit 1; }
  echo "export ADVISOR_PROM_URL='http://127.0.0.1:$port'"
  echo "export ADVISOR_PROM_AT='$end'"
  echo "export ADVISOR_PROMTOOL='$promtool'"
  ;;
stop)
  if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
